// SPDX-License-Identifier: GPL-2.0
/*
 * The work both producer designs share: make one event and copy it into
 * every ring it goes to, waking readers after each ring's lock is dropped.
 * The designs differ only in where this runs (softirq or a work item) and
 * which lock guards the rings, which is the comparison tickdev exists for.
 */
#include <linux/poll.h>

#include "tickdev.h"
#include "tickdev_trace.h"

static void tickdev_produce_ring(struct tickdev_dev *dev,
				 struct tickdev_ring *ring,
				 struct tickdev_event *ev, const u8 *payload)
{
	unsigned long flags;

	ring->ops->lock(ring, &flags);
	tickdev_ring_put(dev, ring, ev, payload);
	ring->ops->unlock(ring, flags);

	/* wq_has_sleeper() pairs with the barrier in prepare_to_wait(). */
	if (wq_has_sleeper(&ring->wait)) {
		/* Traced first: a woken reader on another CPU may read at once. */
		trace_tickdev_wakeup(ev->seq, ring->id);
		atomic64_inc(&dev->stats.wakeups);
		wake_up_interruptible_poll(&ring->wait, EPOLLIN | EPOLLRDNORM);
	}
}

/**
 * tickdev_produce() - make the event due at @sched_ns and fan it out
 * @dev: the device
 * @sched_ns: when the expiry was due
 * @expire_ns: when the timer callback ran
 *
 * Context: the producer (timer softirq or the work item), never two at
 * once.  The caller keeps dev->readers stable: rcu_read_lock() in the
 * spinlock design, readers_mutex in the workqueue design.
 */
void tickdev_produce(struct tickdev_dev *dev, u64 sched_ns, u64 expire_ns)
{
	const struct tickdev_config *cfg = &dev->cfg;
	struct tickdev_event ev = {
		.sched_ns = sched_ns,
		.expire_ns = expire_ns,
		.frame_bytes = cfg->frame_bytes,
		.design = cfg->design,
		.timer = cfg->timer,
	};
	struct tickdev_reader *rd;
	const u8 *payload;

	ev.seq = ++dev->seq;
	atomic64_inc(&dev->stats.produced);
	payload = dev->pattern + (ev.seq & 0xff);

	if (cfg->fanout == TICKDEV_FANOUT_SHARED) {
		tickdev_produce_ring(dev, &dev->shared, &ev, payload);
		return;
	}
	list_for_each_entry_rcu(rd, &dev->readers, node,
				lockdep_is_held(&dev->readers_mutex))
		tickdev_produce_ring(dev, &rd->ring, &ev, payload);
}
