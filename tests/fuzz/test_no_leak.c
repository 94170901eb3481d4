// SPDX-License-Identifier: GPL-2.0
/*
 * test_no_leak - no uninitialised kernel byte reaches userspace.
 *
 * Every buffer handed to the device is first filled with 0xAA.  Then:
 *   - records: for every timer x design x fan-out and frame sizes of every
 *     residue mod 8 (so the 8-byte alignment padding after the payload
 *     takes every length 0..7), read with rings overflowing, after CLEAR
 *     and after SET_CONFIG reallocated the rings: each record's payload
 *     is (seq + i) & 0xff, its padding is zero, its header describes the
 *     config, and the bytes past what read() returned are still 0xAA;
 *   - struct tickdev_stats and tickdev_config copied out: no byte past the
 *     struct is written, the structs have no holes (checked at build
 *     time), config.reserved is zero, every field holds what it should;
 *   - the __u32 ioctls write exactly four bytes.
 *
 * Loads the module itself ($TICKDEV_KO, else driver/tickdev.ko beside
 * this tree); prints TAP.
 */
#include <assert.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "tdmodule.h"
#include "tdstress.h"

#define FILL	0xAA
#define SLACK	64

/* No implicit padding in the structs the device copies out. */
static_assert(sizeof(struct tickdev_event) == 48, "tickdev_event has a hole");
static_assert(offsetof(struct tickdev_event, timer) + 2 == sizeof(struct tickdev_event),
	      "tickdev_event has tail padding");
static_assert(sizeof(struct tickdev_stats) == 8 * 8 + 2 * 4, "tickdev_stats has a hole");
static_assert(sizeof(struct tickdev_config) == 8 + 6 * 4, "tickdev_config has a hole");

/* First offset in [from, to) that is not @v, or -1. */
static long not_fill(const unsigned char *b, size_t from, size_t to, unsigned char v)
{
	size_t i;

	for (i = from; i < to; i++)
		if (b[i] != v)
			return (long)i;
	return -1;
}

/* Called only with the module loaded: its vanishing (ENOENT) is an error too. */
static void unload(void)
{
	if (!tds_unload(false))
		errx(1, "rmmod tickdev: still busy");
}

static int load(const char *params)
{
	char ko[512];

	tds_ko_path(ko, sizeof(ko));
	if (tds_loaded())
		unload();
	if (!tds_insmod(ko, params)) {
		printf("1..0 # SKIP no module at %s: run make\n", ko);
		exit(0);
	}
	tds_wait_node();
	return 0;
}

/* Wait (bounded) until @fd has at least @n records queued. */
static void wait_queued(int fd, __u32 n)
{
	__u64 end = tds_now_ns() + 30000000000ULL;
	__u32 q;

	do {
		tds_sleep_us(2000);
		tds_ioctl(fd, TICKDEV_IOC_GET_QUEUE_SIZE, &q, "GET_QUEUE_SIZE");
	} while (q < n && tds_now_ns() < end);
}

/*
 * Read into a 0xAA buffer with room for @n records and half of another;
 * audit.  Returns records read, or -1 after printing what is wrong.
 */
static int audit_read(int fd, const struct tickdev_config *cfg, const unsigned char *pat,
		      unsigned char *buf, unsigned int n, char *why, size_t len)
{
	size_t rs = TICKDEV_RECORD_SIZE(cfg->frame_bytes);
	size_t count = n * rs + rs / 2, off;
	struct tickdev_event ev;
	ssize_t got;
	long at;
	int nproc = (int)sysconf(_SC_NPROCESSORS_CONF);

	memset(buf, FILL, count + SLACK);
	got = read(fd, buf, count);
	if (got < 0 && errno == EAGAIN)
		return 0;
	if (got < 0)
		err(1, "read");
	if ((size_t)got % rs || (size_t)got > n * rs) {
		snprintf(why, len, "read(%zu) returned %zd, not whole %zu-byte records", count,
			 got, rs);
		return -1;
	}
	at = not_fill(buf, (size_t)got, count + SLACK, FILL);
	if (at >= 0) {
		snprintf(why, len,
			 "read returned %zd bytes but byte %ld beyond them was written (0x%02x)",
			 got, at, buf[at]);
		return -1;
	}
	for (off = 0; off < (size_t)got; off += rs) {
		memcpy(&ev, buf + off, sizeof(ev));
		if (tds_check_payload(buf + off, pat, why, len))
			return -1;
		if (ev.frame_bytes != cfg->frame_bytes || ev.design != cfg->design ||
		    ev.timer != cfg->timer || (int)ev.cpu >= nproc || !ev.seq ||
		    !ev.sched_ns || ev.expire_ns < ev.sched_ns / 2 ||
		    ev.enqueue_ns < ev.expire_ns) {
			snprintf(why, len,
				 "seq %llu: header cpu %u dropped %u frame %u design %u timer %u sched %llu expire %llu enqueue %llu does not describe config frame %u design %u timer %u",
				 (unsigned long long)ev.seq, ev.cpu, ev.dropped, ev.frame_bytes,
				 ev.design, ev.timer, (unsigned long long)ev.sched_ns,
				 (unsigned long long)ev.expire_ns,
				 (unsigned long long)ev.enqueue_ns, cfg->frame_bytes,
				 cfg->design, cfg->timer);
			return -1;
		}
	}
	return (int)((size_t)got / rs);
}

/* One config: overflowing ring, CLEAR, refill, drain; all reads audited. */
static bool records_case(int fd, const struct tickdev_config *cfg, const unsigned char *pat,
			 unsigned char *buf, char *why, size_t len, unsigned int *total)
{
	int got;

	tds_ioctl(fd, TICKDEV_IOC_STOP, NULL, "STOP");
	tds_ioctl(fd, TICKDEV_IOC_SET_CONFIG, (void *)cfg, "SET_CONFIG");
	tds_ioctl(fd, TICKDEV_IOC_START, NULL, "START");
	/* Twice the ring: the oldest were dropped. */
	wait_queued(fd, cfg->ring_records);
	tds_sleep_us(cfg->period_ns / 1000 * cfg->ring_records);
	got = audit_read(fd, cfg, pat, buf, 3, why, len);
	if (got < 0)
		return false;
	*total += (unsigned int)got;
	tds_ioctl(fd, TICKDEV_IOC_CLEAR, NULL, "CLEAR");
	wait_queued(fd, 2);
	tds_ioctl(fd, TICKDEV_IOC_STOP, NULL, "STOP");
	do {
		got = audit_read(fd, cfg, pat, buf, 1 + *total % 5, why, len);
		if (got < 0)
			return false;
		*total += (unsigned int)got;
	} while (got);
	return true;
}

static bool stats_case(int fd, char *why, size_t len)
{
	unsigned char b[sizeof(struct tickdev_stats) + SLACK];
	struct tickdev_stats st;
	long at;

	memset(b, FILL, sizeof(b));
	tds_ioctl(fd, TICKDEV_IOC_GET_STATS, b, "GET_STATS");
	at = not_fill(b, sizeof(st), sizeof(b), FILL);
	if (at >= 0) {
		snprintf(why, len, "GET_STATS wrote byte %ld, past the %zu-byte struct", at,
			 sizeof(st));
		return false;
	}
	memcpy(&st, b, sizeof(st));
	if (st.running > 1 || st.readers == 0 || st.readers > 4096 ||
	    st.enqueued < st.delivered || st.max_fill > TICKDEV_RING_MAX) {
		snprintf(why, len,
			 "GET_STATS: running %u readers %u enqueued %llu delivered %llu max_fill %llu: a field holds stale bytes",
			 st.running, st.readers, (unsigned long long)st.enqueued,
			 (unsigned long long)st.delivered, (unsigned long long)st.max_fill);
		return false;
	}
	return true;
}

static bool config_case(int fd, const struct tickdev_config *want, char *why, size_t len)
{
	unsigned char b[sizeof(struct tickdev_config) + SLACK];
	struct tickdev_config cfg;
	long at;

	memset(b, FILL, sizeof(b));
	tds_ioctl(fd, TICKDEV_IOC_GET_CONFIG, b, "GET_CONFIG");
	at = not_fill(b, sizeof(cfg), sizeof(b), FILL);
	if (at >= 0) {
		snprintf(why, len, "GET_CONFIG wrote byte %ld, past the %zu-byte struct", at,
			 sizeof(cfg));
		return false;
	}
	memcpy(&cfg, b, sizeof(cfg));
	if (memcmp(&cfg, want, sizeof(cfg))) {
		snprintf(why, len,
			 "GET_CONFIG: period %llu timer %u design %u fanout %u ring %u frame %u reserved 0x%x; set %llu %u %u %u %u %u 0",
			 (unsigned long long)cfg.period_ns, cfg.timer, cfg.design, cfg.fanout,
			 cfg.ring_records, cfg.frame_bytes, cfg.reserved,
			 (unsigned long long)want->period_ns, want->timer, want->design,
			 want->fanout, want->ring_records, want->frame_bytes);
		return false;
	}
	return true;
}

static bool u32_case(int fd, char *why, size_t len)
{
	static const unsigned long cmds[] = { TICKDEV_IOC_GET_QUEUE_SIZE,
		TICKDEV_IOC_GET_MAX_CAPACITY, TICKDEV_IOC_GET_API_VERSION };
	unsigned char b[4 + SLACK];
	unsigned int i;
	long at;

	for (i = 0; i < 3; i++) {
		memset(b, FILL, sizeof(b));
		tds_ioctl(fd, cmds[i], b, "GET_*");
		at = not_fill(b, 4, sizeof(b), FILL);
		if (at >= 0) {
			snprintf(why, len, "ioctl 0x%lx wrote byte %ld of a __u32", cmds[i], at);
			return false;
		}
	}
	return true;
}

int main(void)
{
	static const __u32 frames[] = { 0, 1, 2, 3, 4, 5, 6, 7, 13, 100, 4093, 65535 };
	const size_t nf = ARRAY_SIZE(frames);
	unsigned char *pat = malloc(256 + TICKDEV_FRAME_MAX);
	unsigned char *buf = malloc(8 * TDS_MAX_RECORD + SLACK);
	struct tickdev_config cfg;
	struct tds_tap t = { 0, 0 };
	unsigned int timer, design, fanout, total;
	char why[400];
	bool ok, ok_stats = true, ok_cfg = true, ok_u32 = true;
	size_t i;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!pat || !buf)
		err(1, "malloc");
	tds_pattern_init(pat);
	printf("TAP version 13\n");
	if (geteuid()) {
		printf("1..0 # SKIP needs root to load the module\n");
		return 0;
	}
	load("max_readers=8");
	printf("1..11\n");
	fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		err(1, "open %s", TDS_DEV);

	for (timer = 0; timer < TICKDEV_TIMER_NR; timer++) {
		for (design = 0; design < TICKDEV_DESIGN_NR; design++) {
			for (fanout = 0; fanout < TICKDEV_FANOUT_NR; fanout++) {
				ok = true;
				total = 0;
				why[0] = '\0';
				for (i = 0; i < nf && ok; i++) {
					memset(&cfg, 0, sizeof(cfg));
					cfg.period_ns = timer == TICKDEV_TIMER_LIST ?
							4000000 : 500000;
					cfg.timer = timer;
					cfg.design = design;
					cfg.fanout = fanout;
					cfg.frame_bytes = frames[(i + timer + design) % nf];
					cfg.ring_records = cfg.frame_bytes > 4096 ? 2 : 8;
					/* list: only the odd residues, time is 4 ms a record. */
					if (timer == TICKDEV_TIMER_LIST && i % 2)
						continue;
					ok = records_case(fd, &cfg, pat, buf, why,
							  sizeof(why), &total);
					if (ok_stats && !stats_case(fd, why, sizeof(why)))
						ok_stats = false;
					if (ok_cfg && !config_case(fd, &cfg, why, sizeof(why)))
						ok_cfg = false;
					if (ok_u32 && !u32_case(fd, why, sizeof(why)))
						ok_u32 = false;
				}
				if (!ok)
					printf("# %s\n", why);
				if (total == 0 && ok) {
					ok = false;
					printf("# no record arrived to audit\n");
				}
				tds_tap_result(&t, ok,
					       "records_%s_%s_%s_padding_zero_nothing_written_past_return (%u records)",
					       tds_timer_name(timer), tds_design_name(design),
					       tds_fanout_name(fanout), total);
			}
		}
	}
	if (!ok_stats || !ok_cfg || !ok_u32)
		printf("# %s\n", why);
	tds_tap_result(&t, ok_stats, "get_stats_writes_only_the_struct_every_field_set");
	tds_tap_result(&t, ok_cfg, "get_config_writes_only_the_struct_reserved_zero");
	tds_tap_result(&t, ok_u32, "u32_ioctls_write_exactly_four_bytes");
	tds_ioctl(fd, TICKDEV_IOC_STOP, NULL, "STOP");
	if (close(fd))
		err(1, "close");
	unload();
	free(buf);
	free(pat);
	return t.failed ? 1 : 0;
}
