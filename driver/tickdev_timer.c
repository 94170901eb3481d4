// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev timer sources, both re-armed against an absolute schedule:
 * expiry k is due at start + k * period, whatever time the callback ran.
 * A late callback therefore never shifts later events; the expiries it
 * skipped are counted as overruns (as timerfd counts them), not lost.
 *
 * Both run their callback in softirq context: timer_list always does, and
 * the hrtimer is started in HRTIMER_MODE_ABS_SOFT, so the two designs see
 * the same context whichever source drives them.
 */
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "tickdev.h"
#include "tickdev_trace.h"

static void tickdev_timer_expired(struct tickdev_source *t, u64 sched_ns,
				  u64 expire_ns)
{
	struct tickdev_dev *dev = tickdev_from_timer(t);

	trace_tickdev_timer_fire(sched_ns, expire_ns, t->kind);
	dev->prod->tick(dev, sched_ns, expire_ns);
}

static void tickdev_timer_rearmed(struct tickdev_source *t, u64 next_ns,
				  u64 overruns)
{
	struct tickdev_dev *dev = tickdev_from_timer(t);

	atomic64_inc(&dev->stats.rearms);
	if (overruns)
		atomic64_add(overruns, &dev->stats.overruns);
	trace_tickdev_rearm(next_ns, overruns);
}

/*
 * The time from which the next expiry is chosen: normally the callback's
 * start, so that only the periods already missed are skipped.  But when
 * the callback itself ran longer than a period, every expiry would be due
 * the moment it returns, and the CPU would do nothing but run it in the
 * softirq: a livelock (the debug kernel under emulation showed RCU stalls
 * with 64 readers at short periods, and __run_timers never catches up
 * with a timer_list callback longer than a jiffy).  Then leave the CPU at
 * least as long again: the periods skipped are overruns, counted as any.
 */
static u64 tickdev_rearm_from(const struct tickdev_source *t, u64 start_ns,
			      u64 end_ns)
{
	u64 cost = end_ns - start_ns;

	return cost > t->period_ns ? end_ns + cost : start_ns;
}

/*
 * Overruns to report for a re-arm that skipped @skipped expiries before
 * @next_ns.  Only periods that fell due count: those after @end_ns (there
 * are some only when tickdev_rearm_from() pushed the schedule ahead) are
 * held back and added at the next callback, by which time they all have.
 */
static u64 tickdev_overruns(struct tickdev_source *t, u64 skipped, u64 next_ns,
			    u64 end_ns)
{
	u64 ahead = next_ns > end_ns ? (next_ns - end_ns - 1) / t->period_ns : 0;
	u64 due;

	ahead = min(ahead, skipped);
	due = t->skip_ahead + skipped - ahead;
	t->skip_ahead = ahead;
	return due;
}

static enum hrtimer_restart tickdev_hrtimer_fn(struct hrtimer *hr)
{
	struct tickdev_source *t = container_of(hr, struct tickdev_source, hr);
	u64 start_ns = ktime_get_ns();
	u64 sched_ns = ktime_to_ns(hrtimer_get_expires(hr));
	u64 end_ns, next_ns, n;

	tickdev_timer_expired(t, sched_ns, start_ns);
	if (!READ_ONCE(t->active))
		return HRTIMER_NORESTART;
	end_ns = ktime_get_ns();
	/* Advances the expiry by whole periods past that: n - 1 are skipped. */
	n = hrtimer_forward(hr, ns_to_ktime(tickdev_rearm_from(t, start_ns, end_ns)),
			    ns_to_ktime(t->period_ns));
	next_ns = ktime_to_ns(hrtimer_get_expires(hr));
	tickdev_timer_rearmed(t, next_ns,
			      tickdev_overruns(t, n ? n - 1 : 0, next_ns, end_ns));
	return HRTIMER_RESTART;
}

/*
 * Jiffy that expiry k is armed for.  The wheel itself guarantees a timer
 * never fires early (it runs level-0 timers one tick after @expires), and
 * that extra tick also covers START having happened part-way into the
 * tick start_jiffies counts; so the callback runs at most about two ticks
 * after its due time, never before it.
 */
static unsigned long tickdev_list_expires(struct tickdev_source *t, u64 k)
{
	return t->start_jiffies +
	       (unsigned long)div64_u64(k * t->period_ns + TICK_NSEC - 1, TICK_NSEC);
}

static u64 tickdev_list_due(struct tickdev_source *t, u64 k)
{
	return t->start_ns + k * t->period_ns;
}

static void tickdev_list_fn(struct timer_list *tl)
{
	struct tickdev_source *t = tickdev_timer_container_of(t, tl, list);
	u64 now_ns = ktime_get_ns();
	u64 skipped = 0, end_ns, from_ns, next_ns;

	/*
	 * jiffies and CLOCK_MONOTONIC are not locked together: a late tick
	 * interrupt leaves start_jiffies behind start_ns, and the callback
	 * can then run a fraction of a tick before its due time (up to
	 * ~0.3 ms seen under TCG).  Never deliver an event early: wait for
	 * the next tick instead.
	 */
	if (unlikely(now_ns < tickdev_list_due(t, t->k))) {
		if (READ_ONCE(t->active))
			mod_timer(&t->list, jiffies + 1);
		return;
	}
	tickdev_timer_expired(t, tickdev_list_due(t, t->k), now_ns);
	if (!READ_ONCE(t->active))
		return;
	/* As hrtimer_forward(): expiries already due when we re-arm are missed. */
	end_ns = ktime_get_ns();
	from_ns = tickdev_rearm_from(t, now_ns, end_ns);
	t->k++;
	while (tickdev_list_due(t, t->k) <= from_ns) {
		t->k++;
		skipped++;
	}
	mod_timer(&t->list, tickdev_list_expires(t, t->k));
	next_ns = tickdev_list_due(t, t->k);
	tickdev_timer_rearmed(t, next_ns, tickdev_overruns(t, skipped, next_ns, end_ns));
}

void tickdev_timer_init(struct tickdev_source *t)
{
	timer_setup(&t->list, tickdev_list_fn, 0);
	tickdev_hrtimer_setup(&t->hr, tickdev_hrtimer_fn, CLOCK_MONOTONIC,
			      HRTIMER_MODE_ABS_SOFT);
}

/**
 * tickdev_timer_start() - arm the first expiry, one period from now
 * @t: the timer, stopped
 * @kind: TICKDEV_TIMER_*
 * @period_ns: period, already checked against the source's granularity
 */
void tickdev_timer_start(struct tickdev_source *t, u32 kind, u64 period_ns)
{
	t->kind = kind;
	t->period_ns = period_ns;
	t->k = 1;
	t->skip_ahead = 0;
	t->start_jiffies = jiffies;
	t->start_ns = ktime_get_ns();
	WRITE_ONCE(t->active, true);

	if (kind == TICKDEV_TIMER_HRTIMER)
		hrtimer_start(&t->hr, ns_to_ktime(t->start_ns + period_ns),
			      HRTIMER_MODE_ABS_SOFT);
	else
		mod_timer(&t->list, tickdev_list_expires(t, 1));
}

/**
 * tickdev_timer_stop() - stop the timer; no callback runs after return
 * @t: the timer
 *
 * Clearing @active first means a callback running now does not re-arm;
 * the synchronous cancel then waits for it and removes anything it armed
 * before it saw the flag.
 */
void tickdev_timer_stop(struct tickdev_source *t)
{
	WRITE_ONCE(t->active, false);
	hrtimer_cancel(&t->hr);
	tickdev_timer_delete_sync(&t->list);
}
