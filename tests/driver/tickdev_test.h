/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tickdev_test.h - what the tickdev test programs share: loading the
 * module, reading and checking records, waiting for a condition.
 *
 * Each test program includes this once (it pulls in the kselftest
 * harness, which defines functions).  The helpers that take _metadata
 * may ASSERT, like a test body.
 *
 * Waiting is always bounded (TDT_WAIT_MS) and never asserted on: the
 * guest is an emulated CPU and its timing is noise.
 */
#ifndef TICKDEV_TEST_H
#define TICKDEV_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <tickdev.h>

#include "kselftest_harness.h"

#define TDT_DEV		"/dev/tickdev"
#define TDT_SYSMOD	"/sys/module/tickdev"
/* Bound on every wait for a condition; generous, the guest is emulated. */
#define TDT_WAIT_MS	20000
/* Per-test limit the harness enforces, in seconds. */
#define TDT_TIMEOUT	120
/* Ring the fixtures load with: big enough that a reader never lags out. */
#define TDT_RING	1024

static inline __u64 tdt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static inline void tdt_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline const char *tdt_timer_name(unsigned int timer)
{
	return timer == TICKDEV_TIMER_LIST ? "list" : "hrtimer";
}

static inline const char *tdt_design_name(unsigned int design)
{
	return design == TICKDEV_DESIGN_SPINLOCK ? "spinlock" : "workqueue";
}

static inline const char *tdt_fanout_name(unsigned int fanout)
{
	return fanout == TICKDEV_FANOUT_BROADCAST ? "broadcast" : "shared";
}

/*
 * The period the tests run at: 1 ms for hrtimer; one jiffy for timer_list,
 * which rejects anything shorter (4 ms at the guest's HZ=250).  A whole
 * number of jiffies keeps sched_ns on the period grid either way.
 */
static inline __u64 tdt_period_ns(unsigned int timer)
{
	return timer == TICKDEV_TIMER_LIST ? 4000000ULL : 1000000ULL;
}

/* Room for the module's path (a SKIP reason must be able to hold it). */
#define TDT_PATH	512

/*
 * The module: $TICKDEV_KO, else driver/tickdev.ko two levels above this
 * program (tests/driver/).  An over-long path comes back empty.
 */
static inline void tdt_ko_path(char *buf, size_t len)
{
	const char *env = getenv("TICKDEV_KO");
	char exe[TDT_PATH];
	ssize_t n;
	char *slash;
	int w;

	if (env && *env) {
		w = snprintf(buf, len, "%s", env);
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n < 0 ? 0 : n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		w = snprintf(buf, len, "%s/../../driver/tickdev.ko", slash ? exe : ".");
	}
	if (w < 0 || (size_t)w >= len)
		buf[0] = '\0';
}

static inline bool tdt_module_loaded(void)
{
	return access(TDT_SYSMOD, F_OK) == 0;
}

/*
 * tdt_unload() - rmmod tickdev if it is loaded.  Files just closed may
 * still hold a reference for a moment, so "in use" is retried for a
 * bounded time.  Returns 0 or -errno.
 */
static inline int tdt_unload(void)
{
	__u64 end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;

	for (;;) {
		if (!syscall(SYS_delete_module, "tickdev", O_NONBLOCK))
			return 0;
		if (errno == ENOENT)
			return 0;
		if ((errno != EWOULDBLOCK && errno != EBUSY) || tdt_now_ns() > end)
			return -errno;
		tdt_sleep_ms(10);
	}
}

/*
 * tdt_load() - insmod @ko with @params after removing any copy a killed
 * test left behind; waits for the device node.  Returns 0 or -errno.
 */
static inline int tdt_load(const char *ko, const char *params)
{
	__u64 end;
	int fd, ret;

	ret = tdt_unload();
	if (ret)
		return ret;
	fd = open(ko, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, params, 0) ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;
	while (access(TDT_DEV, F_OK)) {
		if (tdt_now_ns() > end)
			return -ENODEV;
		tdt_sleep_ms(10);
	}
	return 0;
}

/* The process that runs the harness; its exit unloads what is left. */
static pid_t tdt_main_pid;

static void __attribute__((constructor)) tdt_note_main(void)
{
	tdt_main_pid = getpid();
}

/*
 * A test killed by the harness' timeout runs no teardown: whatever it
 * loaded goes when the program ends, so no module outlives the program.
 */
static void __attribute__((destructor)) tdt_unload_at_exit(void)
{
	if (getpid() == tdt_main_pid && tdt_module_loaded() && tdt_unload())
		fprintf(stderr, "# could not unload tickdev at exit: %s\n", strerror(errno));
}

/*
 * SKIP in a 6.1 harness setup still runs the test body; end the test
 * child instead (exit status 255 is the harness' SKIP).  Only before
 * anything that needs tearing down.
 */
#define TDT_SKIP_SETUP(fmt, ...) SKIP(_exit(255), fmt, ##__VA_ARGS__)

/*
 * tdt_load_params() - load the module for a test: SKIP when this is not
 * root or the module is not built, fail when insmod refuses @params.
 */
static inline void tdt_load_params(struct __test_metadata *_metadata, const char *params)
{
	char ko[TDT_PATH];
	int ret;

	if (geteuid() != 0)
		TDT_SKIP_SETUP("loading a module needs root");
	tdt_ko_path(ko, sizeof(ko));
	if (access(ko, R_OK))
		TDT_SKIP_SETUP("no module at %s: build it with 'make modules'", ko);
	if (access("/proc/modules", R_OK))
		TDT_SKIP_SETUP("no /proc/modules: this kernel loads no modules here");
	ret = tdt_load(ko, params);
	if (ret == -EPERM)
		TDT_SKIP_SETUP("loading modules is not permitted here: %s", strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("insmod %s %s: %s", ko, params, strerror(-ret));
}

/* Module parameters selecting one timer x design x fan-out combination. */
static inline void tdt_params(char *buf, size_t len, unsigned int timer, unsigned int design,
			      unsigned int fanout, const char *extra)
{
	snprintf(buf, len, "timer=%s design=%s fanout=%s period_ns=%llu ring_records=%u %s",
		 tdt_timer_name(timer), tdt_design_name(design), tdt_fanout_name(fanout),
		 (unsigned long long)tdt_period_ns(timer), TDT_RING, extra ? extra : "");
}

static inline int tdt_open(int flags)
{
	return open(TDT_DEV, O_RDWR | O_CLOEXEC | flags);
}

/*
 * A failed ASSERT leaves the 6.1 harness' trigger set, so the first
 * EXPECT of the teardown would print its message though it held; every
 * teardown starts with this.
 */
static inline void tdt_teardown_begin(struct __test_metadata *_metadata)
{
	_metadata->trigger = 0;
}

/* Teardown: stop, close every reader in @fds (-1 = unused), unload. */
static inline void tdt_teardown(struct __test_metadata *_metadata, int *fds, size_t nfds)
{
	int ret;
	size_t i;

	tdt_teardown_begin(_metadata);
	for (i = 0; i < nfds; i++) {
		if (fds[i] < 0)
			continue;
		ioctl(fds[i], TICKDEV_IOC_STOP);
		close(fds[i]);
		fds[i] = -1;
	}
	ret = tdt_unload();
	EXPECT_EQ(0, ret) TH_LOG("rmmod tickdev after closing every reader: %s", strerror(-ret));
}

static inline void tdt_get_config(struct __test_metadata *_metadata, int fd,
				  struct tickdev_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ASSERT_EQ(0, ioctl(fd, TICKDEV_IOC_GET_CONFIG, cfg))
		TH_LOG("GET_CONFIG: %s", strerror(errno));
}

static inline void tdt_set_config(struct __test_metadata *_metadata, int fd,
				  const struct tickdev_config *cfg)
{
	ASSERT_EQ(0, ioctl(fd, TICKDEV_IOC_SET_CONFIG, cfg))
		TH_LOG("SET_CONFIG period %llu timer %u design %u fanout %u ring %u frame %u: %s",
		       (unsigned long long)cfg->period_ns, cfg->timer, cfg->design, cfg->fanout,
		       cfg->ring_records, cfg->frame_bytes, strerror(errno));
}

/* Change ring size and payload of the loaded config (device stopped). */
static inline void tdt_reconfig(struct __test_metadata *_metadata, int fd,
				__u32 ring_records, __u32 frame_bytes)
{
	struct tickdev_config cfg;

	tdt_get_config(_metadata, fd, &cfg);
	cfg.ring_records = ring_records;
	cfg.frame_bytes = frame_bytes;
	tdt_set_config(_metadata, fd, &cfg);
}

static inline void tdt_get_stats(struct __test_metadata *_metadata, int fd,
				 struct tickdev_stats *st)
{
	memset(st, 0, sizeof(*st));
	ASSERT_EQ(0, ioctl(fd, TICKDEV_IOC_GET_STATS, st))
		TH_LOG("GET_STATS: %s", strerror(errno));
}

static inline void tdt_start(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(0, ioctl(fd, TICKDEV_IOC_START)) TH_LOG("START: %s", strerror(errno));
}

static inline void tdt_stop(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(0, ioctl(fd, TICKDEV_IOC_STOP)) TH_LOG("STOP: %s", strerror(errno));
}

static inline __u32 tdt_queue_size(struct __test_metadata *_metadata, int fd)
{
	__u32 n = UINT32_MAX;

	ASSERT_EQ(0, ioctl(fd, TICKDEV_IOC_GET_QUEUE_SIZE, &n))
		TH_LOG("GET_QUEUE_SIZE: %s", strerror(errno));
	return n;
}

/* Wait until the producer has made at least @n events (bounded). */
static inline void tdt_wait_produced(struct __test_metadata *_metadata, int fd, __u64 n)
{
	__u64 end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;
	struct tickdev_stats st;

	for (;;) {
		tdt_get_stats(_metadata, fd, &st);
		if (st.produced >= n)
			return;
		ASSERT_LT(tdt_now_ns(), end)
			TH_LOG("waited %d ms for %llu events, the producer made %llu (running %u)",
			       TDT_WAIT_MS, (unsigned long long)n,
			       (unsigned long long)st.produced, st.running);
		tdt_sleep_ms(2);
	}
}

/* Wait until at least @n records wait for the reader @fd (bounded). */
static inline void tdt_wait_queued(struct __test_metadata *_metadata, int fd, __u32 n)
{
	__u64 end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;
	__u32 q;

	for (;;) {
		q = tdt_queue_size(_metadata, fd);
		if (q >= n)
			return;
		ASSERT_LT(tdt_now_ns(), end)
			TH_LOG("waited %d ms for %u queued records, GET_QUEUE_SIZE says %u",
			       TDT_WAIT_MS, n, q);
		tdt_sleep_ms(2);
	}
}

/*
 * tdt_check_record() - is the record at @p whole for a @frame-byte payload:
 * its frame_bytes, payload bytes (seq + i) & 0xff and zero padding?  Says
 * what is wrong in @why and returns false if not.
 */
static inline bool tdt_check_record(const unsigned char *p, __u32 frame, char *why, size_t len)
{
	size_t rs = TICKDEV_RECORD_SIZE(frame);
	struct tickdev_event ev;
	size_t i;

	memcpy(&ev, p, sizeof(ev));
	if (ev.frame_bytes != frame) {
		snprintf(why, len, "seq %llu: frame_bytes %u, expected %u",
			 (unsigned long long)ev.seq, ev.frame_bytes, frame);
		return false;
	}
	for (i = 0; i < frame; i++) {
		unsigned char want = (unsigned char)((ev.seq + i) & 0xff);

		if (p[sizeof(ev) + i] != want) {
			snprintf(why, len, "seq %llu: payload byte %zu is 0x%02x, expected 0x%02x",
				 (unsigned long long)ev.seq, i, p[sizeof(ev) + i], want);
			return false;
		}
	}
	for (i = sizeof(ev) + frame; i < rs; i++) {
		if (p[i]) {
			snprintf(why, len, "seq %llu: padding byte %zu of %zu is 0x%02x, not 0",
				 (unsigned long long)ev.seq, i, rs, p[i]);
			return false;
		}
	}
	return true;
}

/**
 * struct tdt_reader - one open reader and every record header it read
 * @fd: the open /dev/tickdev
 * @frame: payload bytes per record the reader expects
 * @rs: bytes per record, TICKDEV_RECORD_SIZE(@frame)
 * @buf: read() buffer, @buflen bytes (a whole number of records)
 * @ev: headers of the records read, in order; @n of @cap used
 * @bad: the first defect found in a record, empty if none
 */
struct tdt_reader {
	int fd;
	__u32 frame;
	size_t rs;
	unsigned char *buf;
	size_t buflen;
	struct tickdev_event *ev;
	size_t n, cap;
	char bad[256];
};

static inline void tdt_reader_init(struct __test_metadata *_metadata, struct tdt_reader *r,
				   int fd, __u32 frame, size_t per_read, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->frame = frame;
	r->rs = TICKDEV_RECORD_SIZE(frame);
	r->buflen = r->rs * per_read;
	r->buf = malloc(r->buflen);
	r->cap = cap;
	r->ev = calloc(cap, sizeof(*r->ev));
	ASSERT_NE(NULL, r->buf);
	ASSERT_NE(NULL, r->ev);
}

static inline void tdt_reader_free(struct tdt_reader *r)
{
	free(r->buf);
	free(r->ev);
	r->buf = NULL;
	r->ev = NULL;
}

/*
 * tdt_reader_read() - one read() into the reader's buffer (filled with
 * 0xff first); checks and logs each record.  Returns records read, or
 * -errno.  A byte count that is not whole records is a defect in @bad.
 */
static inline ssize_t tdt_reader_read(struct tdt_reader *r)
{
	ssize_t got;
	size_t i, k;

	memset(r->buf, 0xff, r->buflen);
	got = read(r->fd, r->buf, r->buflen);
	if (got < 0)
		return -errno;
	if ((size_t)got % r->rs || (size_t)got > r->buflen) {
		if (!r->bad[0])
			snprintf(r->bad, sizeof(r->bad),
				 "read returned %zd bytes, expected a multiple of %zu up to %zu",
				 got, r->rs, r->buflen);
		return 0;
	}
	for (i = 0; i < (size_t)got / r->rs; i++) {
		const unsigned char *p = r->buf + i * r->rs;

		if (!r->bad[0])
			tdt_check_record(p, r->frame, r->bad, sizeof(r->bad));
		if (r->n < r->cap)
			memcpy(&r->ev[r->n++], p, sizeof(struct tickdev_event));
	}
	for (k = (size_t)got; k < r->buflen; k++) {
		if (r->buf[k] != 0xff && !r->bad[0]) {
			snprintf(r->bad, sizeof(r->bad),
				 "read returned %zd bytes but wrote byte %zu beyond them", got, k);
			break;
		}
	}
	return got / (ssize_t)r->rs;
}

/* Read without blocking until the ring is empty; returns records or -errno. */
static inline ssize_t tdt_reader_drain(struct tdt_reader *r)
{
	int flags = fcntl(r->fd, F_GETFL);
	ssize_t got, total = 0;

	if (flags < 0 || fcntl(r->fd, F_SETFL, flags | O_NONBLOCK))
		return -errno;
	while ((got = tdt_reader_read(r)) > 0)
		total += got;
	fcntl(r->fd, F_SETFL, flags);
	if (got < 0 && got != -EAGAIN)
		return got;
	return total;
}

/* Sum of the dropped fields of every record the reader read. */
static inline __u64 tdt_reader_dropped(const struct tdt_reader *r)
{
	__u64 sum = 0;
	size_t i;

	for (i = 0; i < r->n; i++)
		sum += r->ev[i].dropped;
	return sum;
}

/*
 * tdt_thread_in_read() - is thread @tid asleep in read()?  Uses
 * /proc/.../syscall where the kernel has it, else the sleeping state.
 */
static inline bool tdt_thread_in_read(pid_t tid)
{
	char path[64], line[256];
	bool asleep = false;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(line, sizeof(line), f)) {
		char *paren = strrchr(line, ')');

		/* S, or D for a killable sleep: asleep either way. */
		asleep = paren && paren[1] == ' ' && (paren[2] == 'S' || paren[2] == 'D');
	}
	fclose(f);
	if (!asleep)
		return false;
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "re");
	if (!f)
		return true;
	nr = fgets(line, sizeof(line), f) ? strtol(line, NULL, 10) : SYS_read;
	fclose(f);
	return nr == SYS_read;
}

/**
 * struct tdt_blocked - a thread doing one blocking read()
 * @fd: reader to read from
 * @buf: buffer of @len bytes
 * @thread: the thread; @tid its kernel id once @started
 * @started: set by the thread before it reads
 * @done: set by the thread when read() returned
 * @ret: what read() returned; @err its errno
 */
struct tdt_blocked {
	int fd;
	void *buf;
	size_t len;
	pthread_t thread;
	atomic_int tid;
	atomic_int started;
	atomic_int done;
	ssize_t ret;
	int err;
};

static inline void *tdt_blocked_fn(void *arg)
{
	struct tdt_blocked *b = arg;

	atomic_store(&b->tid, (int)gettid());
	atomic_store(&b->started, 1);
	b->ret = read(b->fd, b->buf, b->len);
	b->err = errno;
	atomic_store(&b->done, 1);
	return NULL;
}

/* Start a thread blocking in read(); returns once it sleeps in read(). */
static inline void tdt_blocked_start(struct __test_metadata *_metadata, struct tdt_blocked *b,
				     int fd, void *buf, size_t len)
{
	__u64 end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;

	memset(b, 0, sizeof(*b));
	b->fd = fd;
	b->buf = buf;
	b->len = len;
	ASSERT_EQ(0, pthread_create(&b->thread, NULL, tdt_blocked_fn, b));
	while (!atomic_load(&b->started) || !tdt_thread_in_read(atomic_load(&b->tid))) {
		ASSERT_EQ(0, atomic_load(&b->done))
			TH_LOG("read() returned %zd (%s) instead of blocking", b->ret,
			       strerror(b->err));
		ASSERT_LT(tdt_now_ns(), end)
			TH_LOG("the reader thread never went to sleep in read()");
		tdt_sleep_ms(2);
	}
}

/* Wait (bounded) for the blocked read() to return; true if it did. */
static inline bool tdt_blocked_wait(struct tdt_blocked *b, unsigned int ms)
{
	__u64 end = tdt_now_ns() + ms * 1000000ULL;

	while (!atomic_load(&b->done)) {
		if (tdt_now_ns() > end)
			return false;
		tdt_sleep_ms(2);
	}
	pthread_join(b->thread, NULL);
	return true;
}

static atomic_int tdt_signals;

static void tdt_on_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&tdt_signals, 1);
}

/* SIGUSR1 counts into tdt_signals; @flags 0 makes it interrupt reads. */
static inline void tdt_catch_sigusr1(struct __test_metadata *_metadata, int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tdt_on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
}

/* "1-3 7 9": the seqs 1..@max that @have[] (indexed by seq) lacks. */
static inline void tdt_missing(const unsigned char *have, __u64 max, char *out, size_t len)
{
	size_t used = 0;
	__u64 s, first;

	out[0] = '\0';
	for (s = 1; s <= max && used + 48 < len; s++) {
		if (have[s])
			continue;
		first = s;
		while (s + 1 <= max && !have[s + 1])
			s++;
		if (first == s)
			used += snprintf(out + used, len - used, "%llu ", (unsigned long long)s);
		else
			used += snprintf(out + used, len - used, "%llu-%llu ",
					 (unsigned long long)first, (unsigned long long)s);
	}
}

#endif /* TICKDEV_TEST_H */
