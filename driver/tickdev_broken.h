/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deliberate locking bug, for the debug-kernel tier to catch.
 *
 * The debug kernel (scripts/debug-kernel) is only worth running if it
 * catches the bugs a timer-driven driver is prone to.  Built with
 * `make -C KDIR M=... TICKDEV_BROKEN=1`, every read() first takes the
 * producer's spinlock (the lock the softirq producer holds while it fills
 * the ring) and, under it, takes a mutex and copies to userspace: both may
 * sleep, which convention 4 forbids.  tests/debug/test_tier_catches.sh
 * loads that build in the debug guest, reads once, and expects
 * "BUG: sleeping function called from invalid context" (or a lockdep
 * splat).  Without TICKDEV_BROKEN, which is never set by default, the hook
 * is an empty inline and compiles to nothing.
 */
#ifndef TICKDEV_BROKEN_H
#define TICKDEV_BROKEN_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "tickdev.h"

#ifdef TICKDEV_BROKEN

#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

/* Any sleeping lock will do; this one is never contended. */
static DEFINE_MUTEX(tickdev_broken_mutex);

/**
 * tickdev_broken_read() - sleep under the producer's spinlock (the bug)
 * @ring: the ring the reader consumes; cfg_rwsem held for read
 * @buf: the reader's buffer, at least one record long
 *
 * ring->lock is taken directly rather than through ring->ops, so the bug
 * is the same in both designs (the workqueue design never takes it, so
 * this cannot deadlock against its producer).  The 8 bytes copied are
 * overwritten by the real records that follow.  A fault in the copy is
 * harmless: the page-fault handler sees in_atomic() and fails the copy.
 */
static inline void tickdev_broken_read(struct tickdev_ring *ring,
				       char __user *buf)
{
	static const u64 zero;
	unsigned long flags;

	spin_lock_irqsave(&ring->lock, flags);
	mutex_lock(&tickdev_broken_mutex);		/* BUG: may sleep */
	mutex_unlock(&tickdev_broken_mutex);
	if (copy_to_user(buf, &zero, sizeof(zero)))	/* BUG: may fault */
		pr_debug("tickdev: broken read: copy faulted\n");
	spin_unlock_irqrestore(&ring->lock, flags);
}

#else /* !TICKDEV_BROKEN */

static inline void tickdev_broken_read(struct tickdev_ring *ring,
				       char __user *buf)
{
}

#endif /* TICKDEV_BROKEN */

#endif /* TICKDEV_BROKEN_H */
