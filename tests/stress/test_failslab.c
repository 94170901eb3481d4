// SPDX-License-Identifier: GPL-2.0
/*
 * test_failslab - allocation failures in module init, open and SET_CONFIG
 * fail cleanly with ENOMEM, change nothing, and the device works after.
 *
 * Systematic, not random: /proc/thread-self/fail-nth makes the N-th
 * fault-injection check of this thread fail, for N = 1, 2, ... until the
 * call no longer reaches an N-th allocation, so every allocation on the
 * path (the module's and the kernel's around it) fails once.  For insmod
 * only the tail is swept, where tickdev_init runs (the loader before it
 * makes over a thousand allocations, not ours to test).  failslab and
 * fail_page_alloc are told to consider sleeping allocations
 * (ignore-gfp-wait=N), probability stays 0 so nothing else in the guest
 * fails, and verbose=0 keeps the log free of the injection's own stacks.
 * The original settings are restored at the end.
 *
 * Needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS (the debug
 * kernel); elsewhere every test is a SKIP saying so.  Leaks from the
 * unwinding are the debug tier's kmemleak scan's to find.
 *
 * Loads the module itself ($TICKDEV_KO, else driver/tickdev.ko beside
 * this tree); prints TAP.
 */
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "tdmodule.h"
#include "tdstress.h"

#define FS	"/sys/kernel/debug/failslab"
#define FPA	"/sys/kernel/debug/fail_page_alloc"
/* More allocations than any of these paths makes, by far. */
#define MAX_NTH	20000
/* The tail of insmod swept: tickdev_init's allocations and the few after. */
#define INIT_WINDOW	80

struct knob {
	const char *path;
	const char *value;
	char saved[64];
};

#define NKNOBS 6

static void knobs_init(struct knob *k)
{
	static const char *const set[NKNOBS][2] = {
		{ FS "/ignore-gfp-wait", "N" },
		{ FS "/verbose", "0" },
		{ FS "/probability", "0" },
		{ FPA "/ignore-gfp-wait", "N" },
		{ FPA "/verbose", "0" },
		{ FPA "/probability", "0" },
	};
	int i;

	for (i = 0; i < NKNOBS; i++) {
		k[i].path = set[i][0];
		k[i].value = set[i][1];
		k[i].saved[0] = '\0';
	}
}

static bool read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f);
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		err(1, "open %s", path);
	if (write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		err(1, "write '%s' to %s", val, path);
	if (close(fd))
		err(1, "close %s", path);
}

static void knobs_set(struct knob *knobs, bool restore)
{
	size_t i;

	for (i = 0; i < NKNOBS; i++) {
		if (access(knobs[i].path, W_OK))
			continue;
		if (!restore && !read_file(knobs[i].path, knobs[i].saved, sizeof(knobs[i].saved)))
			err(1, "read %s", knobs[i].path);
		write_file(knobs[i].path, restore ? knobs[i].saved : knobs[i].value);
	}
}

/*
 * The thread's fail-nth file, open and ready: arming it must not itself
 * allocate after the write, or the count would start in the wrong place.
 */
static int nth_fd(void)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth", (long)syscall(SYS_gettid));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		err(1, "open %s", path);
	return fd;
}

static void nth_arm(int fd, unsigned int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%u", n);

	if (pwrite(fd, v, (size_t)len, 0) != len)
		err(1, "arm fail-nth %u", n);
}

/* True when the armed failure was injected (the count reached zero). */
static bool nth_fired(int fd)
{
	char v[16];
	ssize_t n = pread(fd, v, sizeof(v) - 1, 0);

	if (n <= 0)
		err(1, "read fail-nth");
	v[n] = '\0';
	if (atoi(v) == 0)
		return true;
	nth_arm(fd, 0);
	return false;
}

/*
 * Unloaded or never loaded, both fine (a failed insmod leaves nothing);
 * still busy is not: every sweep step needs a clean start.
 */
static void unload(void)
{
	if (!tds_unload(true))
		errx(1, "rmmod tickdev: still busy");
}

static void wait_node(void)
{
	if (!tds_wait_node())
		errx(1, "%s did not appear", TDS_DEV);
}

static void load(int kofd, const char *params)
{
	unload();
	if (syscall(SYS_finit_module, kofd, params, 0))
		err(1, "insmod %s", params);
	wait_node();
}

/*
 * Read @want records on a fresh start of @fd's device and check they are
 * seq 1.. whole.  Returns NULL or what is wrong.
 */
static const char *read_some(int fd, unsigned int want, const unsigned char *pat,
			     unsigned char *buf, size_t len, char *why, size_t wlen)
{
	__u64 prev = 0, end = tds_now_ns() + 30000000000ULL;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct tickdev_event ev;
	unsigned int got_recs = 0;
	ssize_t got;
	size_t off;

	while (got_recs < want) {
		if (tds_now_ns() > end) {
			snprintf(why, wlen, "only %u of %u records in 30 s", got_recs, want);
			return why;
		}
		if (poll(&pfd, 1, 1000) < 0)
			err(1, "poll");
		got = read(fd, buf, len);
		if (got < 0 && errno == EAGAIN)
			continue;
		if (got <= 0)
			err(1, "read");
		for (off = 0; off < (size_t)got; off += TICKDEV_RECORD_SIZE(ev.frame_bytes)) {
			memcpy(&ev, buf + off, sizeof(ev));
			if (tds_check_payload(buf + off, pat, why, wlen))
				return why;
			if (ev.seq != prev + 1 + ev.dropped) {
				snprintf(why, wlen, "seq %llu after %llu with dropped %u",
					 (unsigned long long)ev.seq, (unsigned long long)prev,
					 ev.dropped);
				return why;
			}
			prev = ev.seq;
			got_recs++;
		}
	}
	return NULL;
}

/*
 * A reader whose stream starts at seq 1: STOP through @ctl, SET_CONFIG
 * to the same config (which discards what is queued: the shared ring
 * keeps the old START's records otherwise), open, START.
 */
static int fresh_reader(int ctl)
{
	struct tickdev_config cfg;
	int fd;

	if (ioctl(ctl, TICKDEV_IOC_STOP))
		err(1, "STOP");
	tds_get_config(ctl, &cfg);
	if (ioctl(ctl, TICKDEV_IOC_SET_CONFIG, &cfg))
		err(1, "SET_CONFIG");
	fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		err(1, "open");
	if (ioctl(ctl, TICKDEV_IOC_START))
		err(1, "START");
	return fd;
}

/* Fault-injection checks finit_module makes when nothing fails. */
static unsigned int count_load_allocs(int kofd, int nfd, const char *params)
{
	char v[16];
	ssize_t n;
	long ret;

	unload();
	nth_arm(nfd, 1000000);
	ret = syscall(SYS_finit_module, kofd, params, 0);
	n = pread(nfd, v, sizeof(v) - 1, 0);
	if (ret)
		err(1, "insmod %s", params);
	if (n <= 0)
		err(1, "read fail-nth");
	v[n] = '\0';
	nth_arm(nfd, 0);
	unload();
	return 1000000 - (unsigned int)atoi(v);
}

/* Lines of the kernel log that say WARNING, as a count. */
static unsigned int kernel_warnings(void)
{
	FILE *f = popen("dmesg 2>/dev/null | grep -c 'WARNING:'", "r");
	unsigned int n = 0;

	if (!f)
		err(1, "popen dmesg");
	if (fscanf(f, "%u", &n) != 1)
		n = 0;
	pclose(f);
	return n;
}

/*
 * Module init: every allocation of tickdev's init fails once.  Only the
 * tail of finit_module is swept: tickdev_init runs last, after the
 * loader, whose own failure paths are not ours to test (some WARN, e.g.
 * trace event field setup, and would fail the debug tier for nothing).
 */
static void test_init(struct tds_tap *t, int kofd, int nfd, const unsigned char *pat,
		      unsigned char *buf, size_t len)
{
	static const char params[] = "autostart=1 fanout=shared period_ns=1000000";
	unsigned int n, total, first, fired = 0, bad = 0, absorbed = 0, warns;
	char why[300];
	const char *w;
	long ret;
	int e, fd, ctl;

	total = count_load_allocs(kofd, nfd, params);
	first = total > INIT_WINDOW ? total - INIT_WINDOW + 1 : 1;
	warns = kernel_warnings();
	for (n = first; n <= total + 1; n++) {
		unload();
		nth_arm(nfd, n);
		ret = syscall(SYS_finit_module, kofd, params, 0);
		e = errno;
		if (!nth_fired(nfd)) {
			if (ret)
				errx(1, "insmod %s failed with no fault injected: %s", params,
				     strerror(e));
			break;
		}
		fired++;
		if (ret && e != ENOMEM && !bad++)
			printf("# insmod, allocation %u of %u failed: %s, expected ENOMEM\n", n,
			       total, strerror(e));
		if (ret && tds_loaded() && !bad++)
			fprintf(stdout,
				"# insmod, allocation %u of %u failed: init failed but the module is loaded\n",
			       n, total);
		if (kernel_warnings() != warns) {
			fprintf(stdout,
				"# insmod, allocation %u of %u failed: the kernel WARNed (see the log); the sweep stops here\n",
			       n, total);
			bad++;
			break;
		}
		if (ret)
			continue;
		/* The failure was absorbed (debugfs, a fallback): it must work. */
		absorbed++;
		wait_node();
		ctl = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (ctl < 0)
			err(1, "open after insmod");
		fd = fresh_reader(ctl);
		w = read_some(fd, 3, pat, buf, len, why, sizeof(why));
		if (w && !bad++)
			printf("# insmod with allocation %u failed and absorbed: %s\n", n, w);
		if (close(fd) || close(ctl))
			err(1, "close");
	}
	unload();
	fprintf(stdout,
		"# module init: the last %u of %u allocations of insmod failed one at a time (%u absorbed, the rest ENOMEM)\n",
	       fired, total, absorbed);
	tds_tap_result(t, !bad && fired,
		       "module_init_allocation_failures_enomem_nothing_left_loaded");
}

/* open(): every allocation fails once; the reader count never leaks. */
static void test_open(struct tds_tap *t, int nfd, const unsigned char *pat, unsigned char *buf,
		      size_t len)
{
	unsigned int n, fired = 0, bad = 0;
	struct tickdev_stats st;
	char why[300];
	const char *w;
	int fd, ctl, e;

	ctl = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (ctl < 0)
		err(1, "open");
	for (n = 1; n < MAX_NTH; n++) {
		nth_arm(nfd, n);
		fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		e = errno;
		if (!nth_fired(nfd)) {
			if (fd < 0)
				errx(1, "open failed with no fault injected: %s", strerror(e));
			if (close(fd))
				err(1, "close");
			break;
		}
		fired++;
		if (fd < 0 && e != ENOMEM && !bad++)
			fprintf(stdout,
				"# open, allocation %u failed: %s, expected ENOMEM\n",
				n, strerror(e));
		if (fd >= 0 && close(fd))
			err(1, "close");
		tds_get_stats(ctl, &st);
		if (st.readers != 1 && !bad++)
			printf("# open, allocation %u failed: %u readers open, expected 1\n", n,
			       st.readers);
	}
	/* The device still serves a reader opened now. */
	fd = fresh_reader(ctl);
	w = read_some(fd, 20, pat, buf, len, why, sizeof(why));
	if (w && !bad++)
		printf("# after the open failures: %s\n", w);
	ioctl(ctl, TICKDEV_IOC_STOP);
	if (close(fd) || close(ctl))
		err(1, "close");
	printf("# open: %u allocations failed one at a time\n", fired);
	tds_tap_result(t, !bad && fired, "open_allocation_failures_enomem_reader_count_intact");
}

/* SET_CONFIG: every allocation fails once; on failure nothing changed. */
static void test_set_config(struct tds_tap *t, int nfd, const unsigned char *pat,
			    unsigned char *buf, size_t len)
{
	struct tickdev_config a = { .period_ns = 1000000, .timer = TICKDEV_TIMER_HRTIMER,
		.ring_records = 64, .frame_bytes = 100 };
	struct tickdev_config b, cur, want, prev;
	unsigned int n, fired = 0, bad = 0, i, round;
	char why[300];
	const char *w;
	int fds[4], e;
	long ret;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (fds[i] < 0)
			err(1, "open");
	}
	b = a;
	b.design = TICKDEV_DESIGN_WORKQUEUE;
	b.ring_records = 512;
	b.frame_bytes = 3000;
	ioctl(fds[0], TICKDEV_IOC_STOP);
	for (round = 0; round < 2; round++) {
		/* Round 0: broadcast (a ring per reader), round 1: shared. */
		a.fanout = round;
		b.fanout = round;
		if (ioctl(fds[0], TICKDEV_IOC_SET_CONFIG, &a))
			err(1, "SET_CONFIG");
		for (n = 1; n < MAX_NTH; n++) {
			tds_get_config(fds[0], &prev);
			want = prev.ring_records == a.ring_records ? b : a;
			nth_arm(nfd, n);
			ret = ioctl(fds[0], TICKDEV_IOC_SET_CONFIG, &want);
			e = errno;
			if (!nth_fired(nfd)) {
				if (ret)
					errx(1, "SET_CONFIG failed with no fault injected: %s",
					     strerror(e));
				break;
			}
			fired++;
			tds_get_config(fds[0], &cur);
			if (ret && e != ENOMEM && !bad++)
				fprintf(stdout,
					"# SET_CONFIG, allocation %u failed: %s, expected ENOMEM\n",
					n,
				       strerror(e));
			if (ret && memcmp(&cur, &prev, sizeof(cur)) && !bad++)
				fprintf(stdout,
					"# SET_CONFIG, allocation %u failed, yet the config changed\n",
					n);
			if (!ret && memcmp(&cur, &want, sizeof(cur)) && !bad++)
				fprintf(stdout,
					"# SET_CONFIG succeeded with allocation %u failed, yet the config is not the one set\n",
				       n);
		}
		/* Every reader's ring still works, whatever layout it has now. */
		if (ioctl(fds[0], TICKDEV_IOC_START))
			err(1, "START");
		for (i = 0; i < (round ? 1 : ARRAY_SIZE(fds)); i++) {
			w = read_some(fds[i], 5, pat, buf, len, why, sizeof(why));
			if (w && !bad++)
				printf("# after the SET_CONFIG failures, reader %u: %s\n", i, w);
		}
		ioctl(fds[0], TICKDEV_IOC_STOP);
	}
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		if (close(fds[i]))
			err(1, "close");
	printf("# SET_CONFIG: %u allocations failed one at a time\n", fired);
	tds_tap_result(t, !bad && fired, "set_config_allocation_failures_enomem_config_unchanged");
}

int main(void)
{
	static const char *const names[] = {
		"module_init_allocation_failures_enomem_nothing_left_loaded",
		"open_allocation_failures_enomem_reader_count_intact",
		"set_config_allocation_failures_enomem_config_unchanged",
	};
	size_t len = 64 * TDS_MAX_RECORD / 16;
	unsigned char *pat = malloc(256 + TICKDEV_FRAME_MAX), *buf = malloc(len);
	struct knob knobs[NKNOBS];
	struct tds_tap t = { 0, 0 };
	char ko[512], path[64];
	const char *why = NULL;
	size_t i;
	int kofd, nfd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!pat || !buf)
		err(1, "malloc");
	tds_pattern_init(pat);
	printf("TAP version 13\n1..%zu\n", ARRAY_SIZE(names));
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth", (long)syscall(SYS_gettid));
	if (geteuid())
		why = "needs root";
	else if (access(FS, F_OK))
		why = "no failslab in debugfs: needs CONFIG_FAILSLAB (the debug kernel)";
	else if (access(path, W_OK))
		why = "no /proc/<pid>/task/<tid>/fail-nth: CONFIG_FAULT_INJECTION is off";
	else if (access(tds_ko_path(ko, sizeof(ko)), R_OK))
		why = "the module is not built: run make";
	if (why) {
		for (i = 0; i < ARRAY_SIZE(names); i++)
			printf("ok %zu %s # SKIP %s\n", i + 1, names[i], why);
		return 0;
	}
	kofd = open(ko, O_RDONLY | O_CLOEXEC);
	if (kofd < 0)
		err(1, "open %s", ko);
	nfd = nth_fd();
	knobs_init(knobs);
	knobs_set(knobs, false);

	test_init(&t, kofd, nfd, pat, buf, len);
	load(kofd, "autostart=1 period_ns=1000000");
	test_open(&t, nfd, pat, buf, len);
	test_set_config(&t, nfd, pat, buf, len);
	unload();

	knobs_set(knobs, true);
	if (close(nfd) || close(kofd))
		err(1, "close");
	free(pat);
	free(buf);
	return t.failed ? 1 : 0;
}
