// SPDX-License-Identifier: GPL-2.0
/*
 * Producer design "spinlock": the timer callback itself (softirq) makes
 * the event and enqueues it under each ring's spinlock.  Lowest latency,
 * but every byte of every frame is copied with interrupts off on that CPU.
 */
#include <linux/rcupdate.h>

#include "tickdev.h"

static void tickdev_spinlock_tick(struct tickdev_dev *dev, u64 sched_ns,
				  u64 expire_ns)
{
	rcu_read_lock();
	tickdev_produce(dev, sched_ns, expire_ns);
	rcu_read_unlock();
}

/* Nothing is deferred: once the timer is cancelled the producer is idle. */
static void tickdev_spinlock_quiesce(struct tickdev_dev *dev)
{
}

/*
 * _irqsave on both sides: the producer runs in softirq, readers in process
 * context, and irqsave is what the design under test is defined by.
 */
static void tickdev_spinlock_lock(struct tickdev_ring *ring, unsigned long *flags)
	__acquires(&ring->lock)
{
	spin_lock_irqsave(&ring->lock, *flags);
}

static void tickdev_spinlock_unlock(struct tickdev_ring *ring, unsigned long flags)
	__releases(&ring->lock)
{
	spin_unlock_irqrestore(&ring->lock, flags);
}

const struct tickdev_producer_ops tickdev_spinlock_ops = {
	.name = "spinlock",
	.design = TICKDEV_DESIGN_SPINLOCK,
	.tick = tickdev_spinlock_tick,
	.quiesce = tickdev_spinlock_quiesce,
	.lock = tickdev_spinlock_lock,
	.unlock = tickdev_spinlock_unlock,
};
