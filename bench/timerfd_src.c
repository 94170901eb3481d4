// SPDX-License-Identifier: GPL-2.0
/*
 * timerfd_src.c - the baseline source: the kernel's own timer-to-reader
 * path (fs/timerfd.c), armed on the same absolute schedule the device uses,
 * so its lateness is directly comparable with tickdev's end-to-end leg.
 */
#include <err.h>
#include <sys/timerfd.h>
#include <time.h>

#include "tickbench.h"

/**
 * tb_timerfd_create() - a CLOCK_MONOTONIC timerfd
 *
 * Blocking: a reader that wants O_NONBLOCK sets it per channel.
 *
 * Return: the file descriptor; exits on failure.
 */
int tb_timerfd_create(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);

	if (fd < 0)
		err(1, "timerfd_create");
	return fd;
}

static struct timespec tb_ts(u64 ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	return ts;
}

/**
 * tb_timerfd_arm() - start the absolute schedule t0 + k * period
 * @fd: timerfd
 * @t0_ns: first expiry, CLOCK_MONOTONIC
 * @period_ns: interval
 *
 * TFD_TIMER_ABSTIME with an interval keeps the schedule absolute: the
 * kernel forwards the timer by whole periods and a late reader sees the
 * missed ones in the expiration count instead of a shifted schedule.
 */
void tb_timerfd_arm(int fd, u64 t0_ns, u64 period_ns)
{
	struct itimerspec its = {
		.it_value = tb_ts(t0_ns),
		.it_interval = tb_ts(period_ns),
	};

	if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		err(1, "timerfd_settime");
}

/**
 * tb_timerfd_disarm() - stop a timerfd (its pending count stays readable)
 * @fd: timerfd
 */
void tb_timerfd_disarm(int fd)
{
	struct itimerspec its = { 0 };

	if (timerfd_settime(fd, 0, &its, NULL) < 0)
		err(1, "timerfd_settime (disarm)");
}
