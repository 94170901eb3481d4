/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API churn between Debian's 6.1 and current kernels, behind
 * tickdev_ prefixed wrappers.  Each branch names the release that changed
 * the API.  Only the 6.1 branches are built and tested here (the guest
 * runs Debian's 6.1); the others follow the upstream renames.
 */
#ifndef TICKDEV_COMPAT_H
#define TICKDEV_COMPAT_H

#include <linux/hrtimer.h>
#include <linux/kfifo.h>
#include <linux/timer.h>
#include <linux/version.h>

/* v6.16: from_timer() renamed timer_container_of(). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
#define tickdev_timer_container_of(var, t, field) \
	timer_container_of(var, t, field)
#else
#define tickdev_timer_container_of(var, t, field) from_timer(var, t, field)
#endif

/* v6.2: del_timer_sync() renamed timer_delete_sync() (the old name went in 6.15). */
static inline int tickdev_timer_delete_sync(struct timer_list *t)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	return timer_delete_sync(t);
#else
	return del_timer_sync(t);
#endif
}

/* v6.13: hrtimer_setup() sets the callback at init; hrtimer_init() went in 6.15. */
static inline void tickdev_hrtimer_setup(struct hrtimer *t,
					 enum hrtimer_restart (*fn)(struct hrtimer *),
					 clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

/*
 * v6.10: kfifo_skip_count() (Jiri Slaby's kfifo rework).  Before it, the
 * same thing is the one-line update of the out index the macro performs;
 * only valid for a fifo without record headers, which is all we use.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define tickdev_kfifo_skip_count(fifo, n) kfifo_skip_count(fifo, n)
#else
#define tickdev_kfifo_skip_count(fifo, n) ((fifo)->kfifo.out += (n))
#endif

#endif /* TICKDEV_COMPAT_H */
