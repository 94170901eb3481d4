/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdstress.h - what the stress, fuzz and leak programs share: a seeded
 * per-thread PRNG, the clock, the record checker and the device ioctls
 * wrapped so every error is checked.
 *
 * Nothing here keeps state: each thread owns its struct tds_rng.
 */
#ifndef TDSTRESS_H
#define TDSTRESS_H

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <tickdev.h>

#ifndef __printf
/* The kernel's __printf(), for userspace: checked format strings. */
#define __printf(a, b) __attribute__((	\
	format(printf, a, b)))
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define TDS_DEV		"/dev/tickdev"
/* Largest record the device can return. */
#define TDS_MAX_RECORD	TICKDEV_RECORD_SIZE(TICKDEV_FRAME_MAX)

/* splitmix64: small, seedable, good enough to pick actions. */
struct tds_rng {
	__u64 s;
};

static inline __u64 tds_next(struct tds_rng *r)
{
	__u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline void tds_seed(struct tds_rng *r, __u64 seed, __u64 stream)
{
	r->s = seed * 0x100000001b3ULL + stream * 0x9e3779b97f4a7c15ULL;
	tds_next(r);
}

/* Uniform in [0, n); n > 0. */
static inline __u64 tds_below(struct tds_rng *r, __u64 n)
{
	return tds_next(r) % n;
}

/* True with probability 1/n. */
static inline bool tds_one_in(struct tds_rng *r, __u64 n)
{
	return tds_below(r, n) == 0;
}

/* Log-uniform in [lo, hi]: as many small values as large ones. */
static inline __u64 tds_log_range(struct tds_rng *r, __u64 lo, __u64 hi)
{
	__u64 v = lo;
	unsigned int bits = 0;

	while ((hi >> bits) > 1)
		bits++;
	v = 1ULL << tds_below(r, bits + 1);
	v |= tds_below(r, v);
	if (v < lo)
		v = lo + tds_below(r, lo);
	return v > hi ? hi : v;
}

static inline __u64 tds_now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		err(1, "clock_gettime");
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static inline void tds_sleep_us(__u64 us)
{
	struct timespec ts = { (time_t)(us / 1000000), (long)(us % 1000000) * 1000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * The payload model: 256 + TICKDEV_FRAME_MAX bytes with byte j = j & 0xff;
 * the payload of event seq is the run starting at seq & 0xff.
 */
static inline void tds_pattern_init(unsigned char *pat)
{
	size_t j;

	for (j = 0; j < 256 + TICKDEV_FRAME_MAX; j++)
		pat[j] = (unsigned char)j;
}

/*
 * tds_check_payload() - payload bytes (seq + i) & 0xff and zero padding
 * up to the record size.  Returns NULL when whole, else what is wrong
 * (written into @why).
 */
static inline const char *tds_check_payload(const unsigned char *rec, const unsigned char *pat,
					    char *why, size_t len)
{
	struct tickdev_event ev;
	size_t rs, i;

	memcpy(&ev, rec, sizeof(ev));
	if (ev.frame_bytes > TICKDEV_FRAME_MAX) {
		snprintf(why, len, "seq %llu: frame_bytes %u above the maximum",
			 (unsigned long long)ev.seq, ev.frame_bytes);
		return why;
	}
	rs = TICKDEV_RECORD_SIZE(ev.frame_bytes);
	if (memcmp(rec + sizeof(ev), pat + (ev.seq & 0xff), ev.frame_bytes)) {
		for (i = 0; i < ev.frame_bytes; i++)
			if (rec[sizeof(ev) + i] != (unsigned char)(ev.seq + i))
				break;
		snprintf(why, len, "seq %llu: payload byte %zu of %u is 0x%02x, expected 0x%02x",
			 (unsigned long long)ev.seq, i, ev.frame_bytes,
			 rec[sizeof(ev) + i], (unsigned char)(ev.seq + i));
		return why;
	}
	for (i = sizeof(ev) + ev.frame_bytes; i < rs; i++) {
		if (rec[i]) {
			snprintf(why, len,
				 "seq %llu: padding byte %zu of record size %zu is 0x%02x, expected 0",
				 (unsigned long long)ev.seq, i, rs, rec[i]);
			return why;
		}
	}
	return NULL;
}

static inline void tds_ioctl(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg))
		err(1, "ioctl %s", what);
}

static inline void tds_get_stats(int fd, struct tickdev_stats *st)
{
	memset(st, 0, sizeof(*st));
	tds_ioctl(fd, TICKDEV_IOC_GET_STATS, st, "GET_STATS");
}

static inline void tds_get_config(int fd, struct tickdev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	tds_ioctl(fd, TICKDEV_IOC_GET_CONFIG, cfg, "GET_CONFIG");
}

static inline void tds_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		err(1, "fcntl F_GETFL");
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	if (fcntl(fd, F_SETFL, fl))
		err(1, "fcntl F_SETFL");
}

/* The smallest period the timer source accepts at this HZ. */
static inline __u64 tds_min_period(__u32 timer, __u64 jiffy_ns)
{
	return timer == TICKDEV_TIMER_LIST ? jiffy_ns : TICKDEV_PERIOD_MIN_NS;
}

static inline const char *tds_timer_name(__u32 t)
{
	return t == TICKDEV_TIMER_LIST ? "list" : "hrtimer";
}

static inline const char *tds_design_name(__u32 d)
{
	return d == TICKDEV_DESIGN_SPINLOCK ? "spinlock" : "workqueue";
}

static inline const char *tds_fanout_name(__u32 f)
{
	return f == TICKDEV_FANOUT_BROADCAST ? "broadcast" : "shared";
}

#endif /* TDSTRESS_H */
