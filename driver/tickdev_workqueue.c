// SPDX-License-Identifier: GPL-2.0
/*
 * Producer design "workqueue": the timer callback only records the expiry
 * and queues a work item; the work function, in process context, makes
 * the events and enqueues them under each ring's mutex.  Frame copies no
 * longer run with interrupts off, at the price of a scheduling hop.
 *
 * Expiries travel through a small kfifo (timer writes, work reads: one
 * producer, one consumer, no lock needed), so expiries that arrive while
 * the work is still pending are produced, not merged away.  If the work
 * falls TICKDEV_BACKLOG expiries behind, further ones are counted as
 * overruns: the event for that period is never made.
 */
#include <linux/mutex.h>

#include "tickdev.h"

static void tickdev_workqueue_tick(struct tickdev_dev *dev, u64 sched_ns,
				   u64 expire_ns)
{
	struct tickdev_tick tick = { .sched_ns = sched_ns, .expire_ns = expire_ns };

	if (!kfifo_put(&dev->backlog, tick)) {
		atomic64_inc(&dev->stats.overruns);
		atomic64_inc(&dev->stats.backlog_full);
	}
	queue_work(dev->wq, &dev->work);
}

/*
 * Produce the expiries queued so far, taking readers_mutex per event and
 * requeueing for anything that arrived meanwhile.  Draining "until empty"
 * under one mutex hold would never end when the work is slower than the
 * period, and every open(), close() and STOP would wait on it for good.
 */
static void tickdev_workqueue_fn(struct work_struct *work)
{
	struct tickdev_dev *dev = container_of(work, struct tickdev_dev, work);
	unsigned int n = kfifo_len(&dev->backlog);
	struct tickdev_tick tick;

	while (n-- && kfifo_get(&dev->backlog, &tick)) {
		mutex_lock(&dev->readers_mutex);
		tickdev_produce(dev, tick.sched_ns, tick.expire_ns);
		mutex_unlock(&dev->readers_mutex);
	}
	if (!kfifo_is_empty(&dev->backlog))
		queue_work(dev->wq, &dev->work);
}

/*
 * Called after the timer is cancelled: produce what it already handed
 * over.  The work may requeue itself, which one flush_work() does not
 * wait for; nothing refills the backlog now, so this loop ends.
 */
static void tickdev_workqueue_quiesce(struct tickdev_dev *dev)
{
	do {
		flush_work(&dev->work);
	} while (!kfifo_is_empty(&dev->backlog));
}

static void tickdev_workqueue_lock(struct tickdev_ring *ring, unsigned long *flags)
{
	mutex_lock(&ring->mutex);
}

static void tickdev_workqueue_unlock(struct tickdev_ring *ring, unsigned long flags)
{
	mutex_unlock(&ring->mutex);
}

/**
 * tickdev_workqueue_init() - create the design's workqueue
 * @dev: the device
 *
 * WQ_HIGHPRI: the work runs from a nice -20 kworker on the CPU that
 * queued it, the best case a process-context driver can ask for without
 * RT priorities; WQ_MEM_RECLAIM is not needed (nothing waits on it to
 * free memory).
 *
 * Return: 0 or -ENOMEM.
 */
int tickdev_workqueue_init(struct tickdev_dev *dev)
{
	INIT_KFIFO(dev->backlog);
	INIT_WORK(&dev->work, tickdev_workqueue_fn);
	dev->wq = alloc_workqueue("tickdev", WQ_HIGHPRI, 0);
	return dev->wq ? 0 : -ENOMEM;
}

/**
 * tickdev_workqueue_exit() - destroy the workqueue (drains it first)
 * @dev: the device, producer stopped
 */
void tickdev_workqueue_exit(struct tickdev_dev *dev)
{
	destroy_workqueue(dev->wq);
}

const struct tickdev_producer_ops tickdev_workqueue_ops = {
	.name = "workqueue",
	.design = TICKDEV_DESIGN_WORKQUEUE,
	.tick = tickdev_workqueue_tick,
	.quiesce = tickdev_workqueue_quiesce,
	.lock = tickdev_workqueue_lock,
	.unlock = tickdev_workqueue_unlock,
};
