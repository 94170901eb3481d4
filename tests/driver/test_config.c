// SPDX-License-Identifier: GPL-2.0
/*
 * test_config - the control side of /dev/tickdev: module parameters give
 * the config GET_CONFIG reports, every bad input gets its errno and
 * changes nothing, the reader and memory limits hold, and SET_CONFIG,
 * CLEAR and RESET_STATS do what they say to the queues and counters.
 *
 * Every test runs for each timer x design combination (broadcast); each
 * loads the module itself and leaves none loaded.
 */
#include <sys/mman.h>
#include <sys/utsname.h>

#include "tickdev_test.h"

#define NFD 6

FIXTURE(cfg) {
	int fd[NFD];
};

FIXTURE_VARIANT(cfg) {
	unsigned int timer;
	unsigned int design;
};

FIXTURE_VARIANT_ADD(cfg, list_spinlock) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
};

FIXTURE_VARIANT_ADD(cfg, list_workqueue) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
};

FIXTURE_VARIANT_ADD(cfg, hrtimer_spinlock) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
};

FIXTURE_VARIANT_ADD(cfg, hrtimer_workqueue) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
};

/* Load the module for @timer and @design, open the first reader in @fd[0]. */
static void load(struct __test_metadata *_metadata, int *fd, unsigned int timer,
		 unsigned int design, const char *extra)
{
	char params[256];

	tdt_params(params, sizeof(params), timer, design, TICKDEV_FANOUT_BROADCAST, extra);
	tdt_load_params(_metadata, params);
	fd[0] = tdt_open(0);
	ASSERT_LE(0, fd[0]) TH_LOG("open %s: %s", TDT_DEV, strerror(errno));
}

FIXTURE_SETUP(cfg)
{
	int i;

	for (i = 0; i < NFD; i++)
		self->fd[i] = -1;
	load(_metadata, self->fd, variant->timer, variant->design, NULL);
}

FIXTURE_TEARDOWN(cfg)
{
	tdt_teardown(_metadata, self->fd, NFD);
}

/* Reload the module with extra parameters (every reader closed first). */
static void reload(struct __test_metadata *_metadata, int *fd, unsigned int timer,
		   unsigned int design, const char *extra)
{
	tdt_teardown(_metadata, fd, NFD);
	load(_metadata, fd, timer, design, extra);
}

/* @bad is refused with @err and the device config stays as it was. */
static void expect_refused(struct __test_metadata *_metadata, int fd,
			   const struct tickdev_config *bad, int err, const char *what)
{
	struct tickdev_config before, after;
	int ret;

	tdt_get_config(_metadata, fd, &before);
	errno = 0;
	ret = ioctl(fd, TICKDEV_IOC_SET_CONFIG, bad);
	EXPECT_EQ(-1, ret) TH_LOG("SET_CONFIG with %s was accepted", what);
	EXPECT_EQ(err, errno) TH_LOG("SET_CONFIG with %s: expected %s, got %s", what,
				     strerror(err), strerror(errno));
	tdt_get_config(_metadata, fd, &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)))
		TH_LOG("SET_CONFIG with %s changed the config (period %llu->%llu ring %u->%u)",
		       what, (unsigned long long)before.period_ns,
		       (unsigned long long)after.period_ns, before.ring_records,
		       after.ring_records);
	if (!ret)
		tdt_set_config(_metadata, fd, &before);
}

/* The module's parameters are the config GET_CONFIG reports. */
TEST_F_TIMEOUT(cfg, module_params_are_the_config, TDT_TIMEOUT)
{
	struct tickdev_config c;
	struct tickdev_stats st;
	__u32 v = 0;

	tdt_get_config(_metadata, self->fd[0], &c);
	EXPECT_EQ(tdt_period_ns(variant->timer), c.period_ns);
	EXPECT_EQ(variant->timer, c.timer);
	EXPECT_EQ(variant->design, c.design);
	EXPECT_EQ(TICKDEV_FANOUT_BROADCAST, c.fanout);
	EXPECT_EQ(TDT_RING, c.ring_records);
	EXPECT_EQ(0, c.frame_bytes);
	EXPECT_EQ(0, c.reserved);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_GET_MAX_CAPACITY, &v));
	EXPECT_EQ(TDT_RING, v);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_GET_API_VERSION, &v));
	EXPECT_EQ(TICKDEV_API_VERSION, v);
	tdt_get_stats(_metadata, self->fd[0], &st);
	EXPECT_EQ(0, st.running) TH_LOG("autostart defaults to 0");
	EXPECT_EQ(1, st.readers);
	EXPECT_EQ(0, st.produced);
}

/* SET_CONFIG through one reader is what every reader sees. */
TEST_F_TIMEOUT(cfg, config_is_device_wide, TDT_TIMEOUT)
{
	struct tickdev_config c, seen;
	__u32 cap = 0;

	self->fd[1] = tdt_open(0);
	ASSERT_LE(0, self->fd[1]);
	tdt_get_config(_metadata, self->fd[0], &c);
	c.period_ns *= 2;
	c.ring_records = 32;
	c.frame_bytes = 100;
	tdt_set_config(_metadata, self->fd[0], &c);
	tdt_get_config(_metadata, self->fd[1], &seen);
	ASSERT_EQ(0, memcmp(&c, &seen, sizeof(c)));
	ASSERT_EQ(0, ioctl(self->fd[1], TICKDEV_IOC_GET_MAX_CAPACITY, &cap));
	ASSERT_EQ(32, cap);
}

TEST_F_TIMEOUT(cfg, set_config_rejects_period_out_of_range, TDT_TIMEOUT)
{
	static const __u64 bad[] = {
		0, 1, TICKDEV_PERIOD_MIN_NS - 1, TICKDEV_PERIOD_MAX_NS + 1, UINT64_MAX,
	};
	struct tickdev_config c;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tdt_get_config(_metadata, self->fd[0], &c);
		c.timer = TICKDEV_TIMER_HRTIMER;
		c.period_ns = bad[i];
		snprintf(what, sizeof(what), "period_ns %llu", (unsigned long long)bad[i]);
		expect_refused(_metadata, self->fd[0], &c, EINVAL, what);
	}
}

TEST_F_TIMEOUT(cfg, set_config_rejects_bad_ring_records, TDT_TIMEOUT)
{
	static const __u32 bad[] = {
		0, 1, 3, 6, 100, 1023, TICKDEV_RING_MAX + 1, 2 * TICKDEV_RING_MAX, UINT32_MAX,
	};
	struct tickdev_config c;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tdt_get_config(_metadata, self->fd[0], &c);
		c.ring_records = bad[i];
		snprintf(what, sizeof(what), "ring_records %u", bad[i]);
		expect_refused(_metadata, self->fd[0], &c, EINVAL, what);
	}
}

TEST_F_TIMEOUT(cfg, set_config_rejects_frame_bytes_over_max, TDT_TIMEOUT)
{
	static const __u32 bad[] = { TICKDEV_FRAME_MAX + 1, 1u << 20, UINT32_MAX };
	struct tickdev_config c;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tdt_get_config(_metadata, self->fd[0], &c);
		c.ring_records = 2;
		c.frame_bytes = bad[i];
		snprintf(what, sizeof(what), "frame_bytes %u", bad[i]);
		expect_refused(_metadata, self->fd[0], &c, EINVAL, what);
	}
}

TEST_F_TIMEOUT(cfg, set_config_rejects_unknown_enums, TDT_TIMEOUT)
{
	static const __u32 bad[] = { 2, 3, 0x80000000u, UINT32_MAX };
	struct tickdev_config c;
	char what[64];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		tdt_get_config(_metadata, self->fd[0], &c);
		c.timer = bad[i];
		snprintf(what, sizeof(what), "timer %u", bad[i]);
		expect_refused(_metadata, self->fd[0], &c, EINVAL, what);
		tdt_get_config(_metadata, self->fd[0], &c);
		c.design = bad[i];
		snprintf(what, sizeof(what), "design %u", bad[i]);
		expect_refused(_metadata, self->fd[0], &c, EINVAL, what);
		tdt_get_config(_metadata, self->fd[0], &c);
		c.fanout = bad[i];
		snprintf(what, sizeof(what), "fanout %u", bad[i]);
		expect_refused(_metadata, self->fd[0], &c, EINVAL, what);
	}
}

TEST_F_TIMEOUT(cfg, set_config_rejects_nonzero_reserved, TDT_TIMEOUT)
{
	struct tickdev_config c;

	tdt_get_config(_metadata, self->fd[0], &c);
	c.reserved = 1;
	expect_refused(_metadata, self->fd[0], &c, EINVAL, "reserved 1");
	c.reserved = UINT32_MAX;
	expect_refused(_metadata, self->fd[0], &c, EINVAL, "reserved 0xffffffff");
}

/* HZ of the running kernel from its config file, 0 if unknown. */
static unsigned int kernel_hz(void)
{
	char path[128], line[256];
	struct utsname u;
	unsigned int hz = 0;
	FILE *f;

	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CONFIG_HZ=%u", &hz) == 1)
			break;
	fclose(f);
	return hz;
}

/* timer_list cannot run faster than one jiffy: shorter periods are EINVAL. */
TEST_F_TIMEOUT(cfg, list_timer_rejects_period_below_one_jiffy, TDT_TIMEOUT)
{
	unsigned int hz = kernel_hz();
	struct tickdev_config c;
	__u64 tick;

	tdt_get_config(_metadata, self->fd[0], &c);
	c.timer = TICKDEV_TIMER_LIST;
	c.period_ns = 100000;
	expect_refused(_metadata, self->fd[0], &c, EINVAL, "timer list, period 100 us");
	if (!hz) {
		TH_LOG("no CONFIG_HZ in /boot/config-*: only 100 us checked");
		return;
	}
	tick = (1000000000ULL + hz / 2) / hz;
	c.period_ns = tick - 1;
	expect_refused(_metadata, self->fd[0], &c, EINVAL, "timer list, period one jiffy - 1 ns");
	c.period_ns = tick;
	tdt_set_config(_metadata, self->fd[0], &c);
}

/* The limits themselves are valid (and a 10 us hrtimer is allowed). */
TEST_F_TIMEOUT(cfg, set_config_accepts_the_limits, TDT_TIMEOUT)
{
	struct tickdev_config c, seen;
	struct {
		__u64 period;
		__u32 timer, ring, frame;
	} ok[] = {
		{ TICKDEV_PERIOD_MIN_NS, TICKDEV_TIMER_HRTIMER, TICKDEV_RING_MIN, 0 },
		{ TICKDEV_PERIOD_MAX_NS, TICKDEV_TIMER_LIST, TICKDEV_RING_MAX, 0 },
		{ TICKDEV_PERIOD_MAX_NS, TICKDEV_TIMER_HRTIMER, TICKDEV_RING_MIN,
		  TICKDEV_FRAME_MAX },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		tdt_get_config(_metadata, self->fd[0], &c);
		c.period_ns = ok[i].period;
		c.timer = ok[i].timer;
		c.ring_records = ok[i].ring;
		c.frame_bytes = ok[i].frame;
		c.design = TICKDEV_DESIGN_NR - 1;
		c.fanout = TICKDEV_FANOUT_NR - 1;
		tdt_set_config(_metadata, self->fd[0], &c);
		tdt_get_config(_metadata, self->fd[0], &seen);
		ASSERT_EQ(0, memcmp(&c, &seen, sizeof(c))) TH_LOG("limit set %zu", i);
	}
}

/* Config changes only while stopped: EBUSY while running, and it still runs. */
TEST_F_TIMEOUT(cfg, set_config_while_running_is_ebusy, TDT_TIMEOUT)
{
	struct tickdev_config c;
	struct tickdev_stats st;

	tdt_get_config(_metadata, self->fd[0], &c);
	tdt_start(_metadata, self->fd[0]);
	c.ring_records = 16;
	expect_refused(_metadata, self->fd[0], &c, EBUSY, "a running device");
	tdt_get_stats(_metadata, self->fd[0], &st);
	ASSERT_EQ(1, st.running);
	tdt_stop(_metadata, self->fd[0]);
	tdt_set_config(_metadata, self->fd[0], &c);
}

TEST_F_TIMEOUT(cfg, unknown_ioctl_is_enotty, TDT_TIMEOUT)
{
	static const unsigned long bad[] = {
		_IO(TICKDEV_IOC_MAGIC, 0xaf),
		_IO(TICKDEV_IOC_MAGIC, 0x00),
		_IO('x', 0xa0),
		/* A known number with the wrong size or direction. */
		_IOR(TICKDEV_IOC_MAGIC, 0xa2, __u32),
		_IOW(TICKDEV_IOC_MAGIC, 0xa4, struct tickdev_stats),
		_IOR(TICKDEV_IOC_MAGIC, 0xa0, __u32),
	};
	struct tickdev_stats st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		memset(&st, 0, sizeof(st));
		EXPECT_EQ(-1, ioctl(self->fd[0], bad[i], &st)) TH_LOG("ioctl 0x%lx", bad[i]);
		EXPECT_EQ(ENOTTY, errno) TH_LOG("ioctl 0x%lx: got %s", bad[i], strerror(errno));
	}
	tdt_get_stats(_metadata, self->fd[0], &st);
	EXPECT_EQ(0, st.running) TH_LOG("an unknown ioctl started the device");
}

/* Every pointer-taking ioctl and read() answer a bad pointer with EFAULT. */
TEST_F_TIMEOUT(cfg, bad_user_pointers_are_efault, TDT_TIMEOUT)
{
	static const unsigned long cmds[] = {
		TICKDEV_IOC_GET_CONFIG, TICKDEV_IOC_SET_CONFIG, TICKDEV_IOC_GET_STATS,
		TICKDEV_IOC_GET_QUEUE_SIZE, TICKDEV_IOC_GET_MAX_CAPACITY,
		TICKDEV_IOC_GET_API_VERSION,
	};
	long page = sysconf(_SC_PAGESIZE);
	struct tickdev_config before, after;
	void *none;
	size_t i;

	none = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, none);
	tdt_get_config(_metadata, self->fd[0], &before);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd[0], cmds[i], none)) TH_LOG("ioctl 0x%lx", cmds[i]);
		EXPECT_EQ(EFAULT, errno) TH_LOG("ioctl 0x%lx: got %s", cmds[i], strerror(errno));
		errno = 0;
		EXPECT_EQ(-1, ioctl(self->fd[0], cmds[i], NULL)) TH_LOG("ioctl 0x%lx", cmds[i]);
		EXPECT_EQ(EFAULT, errno) TH_LOG("ioctl 0x%lx NULL: got %s", cmds[i],
						strerror(errno));
	}
	tdt_get_config(_metadata, self->fd[0], &after);
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));

	tdt_start(_metadata, self->fd[0]);
	tdt_wait_queued(_metadata, self->fd[0], 1);
	tdt_stop(_metadata, self->fd[0]);
	errno = 0;
	EXPECT_EQ(-1, read(self->fd[0], none, TICKDEV_RECORD_SIZE(0)));
	EXPECT_EQ(EFAULT, errno) TH_LOG("read into PROT_NONE: got %s", strerror(errno));
	munmap(none, page);
}

TEST_F_TIMEOUT(cfg, write_is_refused_with_einval, TDT_TIMEOUT)
{
	char buf[TICKDEV_RECORD_SIZE(0)] = { 0 };

	errno = 0;
	ASSERT_EQ(-1, write(self->fd[0], buf, sizeof(buf)));
	ASSERT_EQ(EINVAL, errno) TH_LOG("got %s", strerror(errno));
}

/* A buffer that cannot hold one record is EINVAL, empty ring or not. */
TEST_F_TIMEOUT(cfg, read_buffer_smaller_than_a_record_is_einval, TDT_TIMEOUT)
{
	static const __u32 frames[] = { 0, 4096 };
	unsigned char buf[TICKDEV_RECORD_SIZE(4096)];
	size_t rs;
	size_t f;

	self->fd[1] = tdt_open(O_NONBLOCK);
	ASSERT_LE(0, self->fd[1]);
	for (f = 0; f < ARRAY_SIZE(frames); f++) {
		tdt_reconfig(_metadata, self->fd[0], 16, frames[f]);
		rs = TICKDEV_RECORD_SIZE(frames[f]);
		/* Empty: EINVAL, not EAGAIN (and not a block, for fd[0]). */
		errno = 0;
		EXPECT_EQ(-1, read(self->fd[1], buf, rs - 1));
		EXPECT_EQ(EINVAL, errno) TH_LOG("frame %u, empty: got %s", frames[f],
						strerror(errno));
		tdt_start(_metadata, self->fd[0]);
		tdt_wait_queued(_metadata, self->fd[0], 1);
		tdt_stop(_metadata, self->fd[0]);
		errno = 0;
		EXPECT_EQ(-1, read(self->fd[0], buf, rs - 1));
		EXPECT_EQ(EINVAL, errno) TH_LOG("frame %u, %zu bytes: got %s", frames[f], rs - 1,
						strerror(errno));
		errno = 0;
		EXPECT_EQ(-1, read(self->fd[0], buf, 1));
		EXPECT_EQ(EINVAL, errno) TH_LOG("frame %u, 1 byte: got %s", frames[f],
						strerror(errno));
		/* Refusing the read lost nothing. */
		EXPECT_EQ((ssize_t)rs, read(self->fd[0], buf, rs));
		EXPECT_EQ(1, ((struct tickdev_event *)buf)->seq);
	}
}

/* Readers are bounded: open max_readers + 1 is EUSERS, a close frees a slot. */
TEST_F_TIMEOUT(cfg, open_beyond_max_readers_is_eusers, TDT_TIMEOUT)
{
	struct tickdev_stats st;
	int i, extra;

	reload(_metadata, self->fd, variant->timer, variant->design, "max_readers=4");
	for (i = 1; i < 4; i++) {
		self->fd[i] = tdt_open(0);
		ASSERT_LE(0, self->fd[i]) TH_LOG("reader %d of 4: %s", i + 1, strerror(errno));
	}
	errno = 0;
	extra = tdt_open(0);
	if (extra >= 0)
		close(extra);
	ASSERT_EQ(-1, extra) TH_LOG("a fifth reader was let in");
	ASSERT_EQ(EUSERS, errno) TH_LOG("got %s", strerror(errno));
	tdt_get_stats(_metadata, self->fd[0], &st);
	ASSERT_EQ(4, st.readers);

	close(self->fd[3]);
	self->fd[3] = tdt_open(0);
	ASSERT_LE(0, self->fd[3]) TH_LOG("after a close: %s", strerror(errno));
}

/* Ring memory per reader is capped by max_ring_kib (power-of-two rounded). */
TEST_F_TIMEOUT(cfg, ring_beyond_max_ring_kib_is_einval, TDT_TIMEOUT)
{
	struct tickdev_config c;

	/* 1024 records of 48 bytes round up to exactly 64 KiB. */
	reload(_metadata, self->fd, variant->timer, variant->design, "max_ring_kib=64");
	tdt_get_config(_metadata, self->fd[0], &c);
	c.ring_records = 2048;
	expect_refused(_metadata, self->fd[0], &c, EINVAL, "2048 x 48 B (128 KiB) over 64 KiB");
	c.ring_records = 16;
	c.frame_bytes = 4096;
	expect_refused(_metadata, self->fd[0], &c, EINVAL, "16 x 4144 B (128 KiB) over 64 KiB");
	c.ring_records = 2;
	c.frame_bytes = TICKDEV_FRAME_MAX;
	expect_refused(_metadata, self->fd[0], &c, EINVAL, "2 x 65584 B (256 KiB) over 64 KiB");

	c.ring_records = 8;
	c.frame_bytes = 4096;
	tdt_set_config(_metadata, self->fd[0], &c);
	c.ring_records = 1024;
	c.frame_bytes = 0;
	tdt_set_config(_metadata, self->fd[0], &c);
}

/* SET_CONFIG empties every queue and counts what it threw away as dropped. */
TEST_F_TIMEOUT(cfg, set_config_discards_queued_as_dropped, TDT_TIMEOUT)
{
	struct tickdev_stats st0, st;
	struct tickdev_config c;
	__u32 qa, qb;

	self->fd[1] = tdt_open(0);
	ASSERT_LE(0, self->fd[1]);
	tdt_start(_metadata, self->fd[0]);
	tdt_wait_queued(_metadata, self->fd[0], 4);
	tdt_wait_queued(_metadata, self->fd[1], 4);
	tdt_stop(_metadata, self->fd[0]);
	qa = tdt_queue_size(_metadata, self->fd[0]);
	qb = tdt_queue_size(_metadata, self->fd[1]);
	tdt_get_stats(_metadata, self->fd[0], &st0);
	tdt_get_config(_metadata, self->fd[0], &c);
	tdt_set_config(_metadata, self->fd[0], &c);
	ASSERT_EQ(0, tdt_queue_size(_metadata, self->fd[0]));
	ASSERT_EQ(0, tdt_queue_size(_metadata, self->fd[1]));
	tdt_get_stats(_metadata, self->fd[0], &st);
	ASSERT_EQ(st0.dropped + qa + qb, st.dropped) TH_LOG("%u + %u records discarded", qa, qb);
	ASSERT_EQ(st.enqueued, st.delivered + st.dropped);
}

/* CLEAR empties this reader's queue only, counting it as dropped. */
TEST_F_TIMEOUT(cfg, clear_discards_only_this_readers_records, TDT_TIMEOUT)
{
	struct tickdev_stats st0, st;
	struct tdt_reader r;
	__u32 qa, qb;

	self->fd[1] = tdt_open(0);
	ASSERT_LE(0, self->fd[1]);
	tdt_start(_metadata, self->fd[0]);
	tdt_wait_queued(_metadata, self->fd[0], 4);
	tdt_wait_queued(_metadata, self->fd[1], 4);
	tdt_stop(_metadata, self->fd[0]);
	qa = tdt_queue_size(_metadata, self->fd[0]);
	qb = tdt_queue_size(_metadata, self->fd[1]);
	tdt_get_stats(_metadata, self->fd[0], &st0);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_CLEAR)) TH_LOG("CLEAR: %s", strerror(errno));
	ASSERT_EQ(0, tdt_queue_size(_metadata, self->fd[0]));
	ASSERT_EQ(qb, tdt_queue_size(_metadata, self->fd[1])) TH_LOG("CLEAR hit another reader");
	tdt_get_stats(_metadata, self->fd[0], &st);
	ASSERT_EQ(st0.dropped + qa, st.dropped);

	tdt_reader_init(_metadata, &r, self->fd[1], 0, 64, 4096);
	ASSERT_EQ(qb, tdt_reader_drain(&r));
	tdt_reader_free(&r);
	tdt_get_stats(_metadata, self->fd[0], &st);
	ASSERT_EQ(st.enqueued, st.delivered + st.dropped);
}

/* RESET_STATS zeroes the counters but not the reader count. */
TEST_F_TIMEOUT(cfg, reset_stats_zeroes_counters, TDT_TIMEOUT)
{
	struct tickdev_stats st;

	tdt_start(_metadata, self->fd[0]);
	tdt_wait_queued(_metadata, self->fd[0], 4);
	tdt_get_stats(_metadata, self->fd[0], &st);
	ASSERT_LT(0, st.produced);
	ASSERT_LT(0, st.enqueued);
	ASSERT_LT(0, st.rearms);
	ASSERT_LT(0, st.max_fill);
	ASSERT_GE(TDT_RING, st.max_fill);
	tdt_stop(_metadata, self->fd[0]);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_RESET_STATS));
	tdt_get_stats(_metadata, self->fd[0], &st);
	EXPECT_EQ(0, st.produced);
	EXPECT_EQ(0, st.enqueued);
	EXPECT_EQ(0, st.dropped);
	EXPECT_EQ(0, st.delivered);
	EXPECT_EQ(0, st.wakeups);
	EXPECT_EQ(0, st.rearms);
	EXPECT_EQ(0, st.overruns);
	EXPECT_EQ(0, st.max_fill);
	EXPECT_EQ(1, st.readers);
	EXPECT_EQ(0, st.running);
}

TEST_HARNESS_MAIN
