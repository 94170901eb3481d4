// SPDX-License-Identifier: GPL-2.0
/*
 * test_read - what a reader gets from /dev/tickdev: records in order with
 * a continuous seq, whole records only, intact payload and zero padding,
 * the newest records and an honest dropped count when it lags, and
 * counters that add up per reader and device-wide.
 *
 * Every test runs for each timer x design x fan-out combination; each
 * loads the module itself and leaves none loaded.
 */
#include "tickdev_test.h"

FIXTURE(rd) {
	int fd[3];
};

FIXTURE_VARIANT(rd) {
	unsigned int timer;
	unsigned int design;
	unsigned int fanout;
};

FIXTURE_VARIANT_ADD(rd, list_spinlock_broadcast) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(rd, list_workqueue_broadcast) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(rd, hrtimer_spinlock_broadcast) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(rd, hrtimer_workqueue_broadcast) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(rd, list_spinlock_shared) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(rd, list_workqueue_shared) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(rd, hrtimer_spinlock_shared) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(rd, hrtimer_workqueue_shared) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_SETUP(rd)
{
	char params[256];
	int i;

	for (i = 0; i < 3; i++)
		self->fd[i] = -1;
	tdt_params(params, sizeof(params), variant->timer, variant->design, variant->fanout, NULL);
	tdt_load_params(_metadata, params);
	self->fd[0] = tdt_open(0);
	ASSERT_LE(0, self->fd[0]) TH_LOG("open %s: %s", TDT_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(rd)
{
	tdt_teardown(_metadata, self->fd, 3);
}

/* Records come in seq order 1, 2, 3... with fields that fit the config. */
TEST_F_TIMEOUT(rd, seq_starts_at_one_and_is_continuous, TDT_TIMEOUT)
{
	const __u64 period = tdt_period_ns(variant->timer);
	const int want = 40;
	struct tdt_reader r;
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	ssize_t got;
	int i;

	tdt_reader_init(_metadata, &r, self->fd[0], 0, 1, want + TDT_RING);
	tdt_start(_metadata, self->fd[0]);
	/* One record per read(), blocking: the plainest reader there is. */
	while (r.n < (size_t)want) {
		got = tdt_reader_read(&r);
		ASSERT_EQ(1, got) TH_LOG("blocking read: %s", strerror(-got));
	}
	tdt_stop(_metadata, self->fd[0]);
	ASSERT_STREQ("", r.bad);

	for (i = 0; i < want; i++) {
		const struct tickdev_event *e = &r.ev[i];

		ASSERT_EQ((__u64)i + 1, e->seq) TH_LOG("record %d", i);
		ASSERT_EQ(0, e->dropped) TH_LOG("seq %llu", (unsigned long long)e->seq);
		ASSERT_EQ(variant->timer, e->timer);
		ASSERT_EQ(variant->design, e->design);
		ASSERT_EQ(0, e->frame_bytes);
		ASSERT_GT(cpus, e->cpu);
		ASSERT_LE(e->expire_ns, e->enqueue_ns)
			TH_LOG("seq %llu entered the ring before its timer ran",
			       (unsigned long long)e->seq);
		/* No event before it is due (timer_list included). */
		ASSERT_LE(e->sched_ns, e->expire_ns)
			TH_LOG("seq %llu ran %llu ns before it was due", (unsigned long long)e->seq,
			       (unsigned long long)(e->sched_ns - e->expire_ns));
		if (i == 0)
			continue;
		/* The absolute schedule: later by whole periods (more if overrun). */
		ASSERT_LT(r.ev[i - 1].sched_ns, e->sched_ns)
			TH_LOG("seq %llu", (unsigned long long)e->seq);
		ASSERT_EQ(0, (e->sched_ns - r.ev[i - 1].sched_ns) % period)
			TH_LOG("seq %llu is due %llu ns after seq %llu: not whole %llu ns periods",
			       (unsigned long long)e->seq,
			       (unsigned long long)(e->sched_ns - r.ev[i - 1].sched_ns),
			       (unsigned long long)r.ev[i - 1].seq, (unsigned long long)period);
	}

	/* Every START counts from 1 again. */
	ASSERT_LE(0, tdt_reader_drain(&r));
	r.n = 0;
	tdt_start(_metadata, self->fd[0]);
	ASSERT_EQ(1, tdt_reader_read(&r));
	tdt_stop(_metadata, self->fd[0]);
	ASSERT_EQ(1, r.ev[0].seq) TH_LOG("first record after a second START");
	tdt_reader_free(&r);
}

/* read() returns as many whole records as fit, never part of one. */
TEST_F_TIMEOUT(rd, read_returns_only_whole_records, TDT_TIMEOUT)
{
	const __u32 frame = 13;
	const size_t rs = TICKDEV_RECORD_SIZE(frame);
	unsigned char *buf = malloc(4 * rs);
	struct tickdev_event e;
	ssize_t got;

	ASSERT_NE(NULL, buf);
	tdt_reconfig(_metadata, self->fd[0], TDT_RING, frame);
	tdt_start(_metadata, self->fd[0]);
	tdt_wait_queued(_metadata, self->fd[0], 4);
	tdt_stop(_metadata, self->fd[0]);

	got = read(self->fd[0], buf, 2 * rs + rs / 2);
	ASSERT_EQ((ssize_t)(2 * rs), got) TH_LOG("buffer of 2.5 records: %s", strerror(errno));
	memcpy(&e, buf + rs, sizeof(e));
	ASSERT_EQ(2, e.seq);
	got = read(self->fd[0], buf, rs + 1);
	ASSERT_EQ((ssize_t)rs, got) TH_LOG("buffer of 1 record + 1 byte: %s", strerror(errno));
	memcpy(&e, buf, sizeof(e));
	ASSERT_EQ(3, e.seq) TH_LOG("the record after a partial fit must not be lost");
	got = read(self->fd[0], buf, rs);
	ASSERT_EQ((ssize_t)rs, got) TH_LOG("buffer of exactly 1 record: %s", strerror(errno));
	memcpy(&e, buf, sizeof(e));
	ASSERT_EQ(4, e.seq);
	free(buf);
}

/* Payload byte i of event seq is (seq + i) & 0xff, for big frames too. */
TEST_F_TIMEOUT(rd, payload_matches_seq_for_4096_and_65536_bytes, TDT_TIMEOUT)
{
	static const __u32 frames[] = { 4096, 65536 };
	struct tdt_reader r;
	ssize_t got;
	size_t f;

	for (f = 0; f < ARRAY_SIZE(frames); f++) {
		tdt_reconfig(_metadata, self->fd[0], 16, frames[f]);
		tdt_reader_init(_metadata, &r, self->fd[0], frames[f], 4, 64);
		tdt_start(_metadata, self->fd[0]);
		while (r.n < 12) {
			got = tdt_reader_read(&r);
			ASSERT_LT(0, got) TH_LOG("read: %s", strerror(-got));
		}
		tdt_stop(_metadata, self->fd[0]);
		ASSERT_LE(0, tdt_reader_drain(&r));
		ASSERT_STREQ("", r.bad) TH_LOG("frame_bytes %u", frames[f]);
		ASSERT_EQ(frames[f], r.ev[0].frame_bytes);
		tdt_reader_free(&r);
	}
}

/* Bytes the layout leaves unused are zero, and nothing lands beyond a read. */
TEST_F_TIMEOUT(rd, padding_is_zero_and_buffer_tail_untouched, TDT_TIMEOUT)
{
	static const __u32 frames[] = { 0, 1, 13, 4095 };
	struct tdt_reader r;
	size_t f;

	for (f = 0; f < ARRAY_SIZE(frames); f++) {
		tdt_reconfig(_metadata, self->fd[0], TDT_RING, frames[f]);
		/* Room for more records than are queued: the tail must stay 0xff. */
		tdt_reader_init(_metadata, &r, self->fd[0], frames[f], 16, 64);
		tdt_start(_metadata, self->fd[0]);
		tdt_wait_queued(_metadata, self->fd[0], 3);
		tdt_stop(_metadata, self->fd[0]);
		ASSERT_LE(0, tdt_reader_drain(&r));
		ASSERT_LE(3, r.n);
		ASSERT_STREQ("", r.bad) TH_LOG("frame_bytes %u", frames[f]);
		tdt_reader_free(&r);
	}
}

/*
 * A reader that lags loses its oldest records: the ring keeps the newest,
 * seq shows the gap, and the next record's dropped field says how many
 * were lost since this reader's previous record.
 */
TEST_F_TIMEOUT(rd, lagging_reader_loses_oldest_and_is_told, TDT_TIMEOUT)
{
	const __u32 ring = 8;
	struct tickdev_stats st;
	struct tdt_reader r;
	__u32 cap = 0;
	__u64 prev = 0;
	size_t i;

	tdt_reconfig(_metadata, self->fd[0], ring, 0);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_GET_MAX_CAPACITY, &cap));
	ASSERT_EQ(ring, cap);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_RESET_STATS));
	tdt_reader_init(_metadata, &r, self->fd[0], 0, 1, 1024);

	tdt_start(_metadata, self->fd[0]);
	tdt_wait_produced(_metadata, self->fd[0], 2 * ring + 4);
	/* One record now, then lag again: drops are counted per gap. */
	ASSERT_EQ(1, tdt_reader_read(&r));
	tdt_get_stats(_metadata, self->fd[0], &st);
	tdt_wait_produced(_metadata, self->fd[0], st.produced + 2 * ring + 4);
	tdt_stop(_metadata, self->fd[0]);
	tdt_get_stats(_metadata, self->fd[0], &st);
	ASSERT_EQ(ring, tdt_queue_size(_metadata, self->fd[0]))
		TH_LOG("a full ring holds ring_records records");
	ASSERT_LE(0, tdt_reader_drain(&r));
	ASSERT_STREQ("", r.bad);

	ASSERT_EQ(ring + 1, r.n);
	for (i = 0; i < r.n; i++) {
		const struct tickdev_event *e = &r.ev[i];

		ASSERT_LT(prev, e->seq) TH_LOG("record %zu", i);
		ASSERT_EQ(e->seq - prev - 1, e->dropped)
			TH_LOG("seq %llu follows seq %llu: dropped should count the gap",
			       (unsigned long long)e->seq, (unsigned long long)prev);
		ASSERT_TRUE(i < 2 || e->seq == prev + 1)
			TH_LOG("seq %llu after %llu: the ring kept a gap inside it",
			       (unsigned long long)e->seq, (unsigned long long)prev);
		prev = e->seq;
	}
	ASSERT_LT(0, r.ev[0].dropped) TH_LOG("the ring overflowed before the first read");
	ASSERT_LT(0, r.ev[1].dropped) TH_LOG("the ring overflowed again before the second");
	ASSERT_EQ(st.produced, prev) TH_LOG("the ring must keep the newest records");
	ASSERT_EQ(st.dropped, tdt_reader_dropped(&r));
	tdt_reader_free(&r);
}

/*
 * A reader's dropped count spans STOP and START: one that lagged in a
 * START and was not read is told, in its first record of the next, of
 * what it lost in both.  seq restarts at 1 with each START, so dropped
 * can exceed seq - 1: tests/stress's audit has to know when a reader
 * registered to bound it (it once took the end of open() for that).
 */
TEST_F_TIMEOUT(rd, drops_span_stop_and_start, TDT_TIMEOUT)
{
	const __u32 ring = 4;
	struct tickdev_stats st;
	struct tdt_reader r;
	__u64 first;

	tdt_reconfig(_metadata, self->fd[0], ring, 0);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_RESET_STATS));
	tdt_reader_init(_metadata, &r, self->fd[0], 0, 1, 16);

	tdt_start(_metadata, self->fd[0]);
	tdt_wait_produced(_metadata, self->fd[0], 2 * ring + 4);
	tdt_stop(_metadata, self->fd[0]);
	tdt_get_stats(_metadata, self->fd[0], &st);
	first = st.produced;
	tdt_start(_metadata, self->fd[0]);
	tdt_wait_produced(_metadata, self->fd[0], first + 2 * ring + 4);
	tdt_stop(_metadata, self->fd[0]);
	tdt_get_stats(_metadata, self->fd[0], &st);

	ASSERT_LE(0, tdt_reader_drain(&r));
	ASSERT_STREQ("", r.bad);
	ASSERT_EQ(ring, r.n) TH_LOG("a full ring holds ring_records records");
	/* The ring kept the second START's newest: seq counts from 1 there. */
	ASSERT_EQ(st.produced - first - ring + 1, r.ev[0].seq);
	ASSERT_EQ(st.produced - ring, r.ev[0].dropped)
		TH_LOG("first START made %llu, second %llu: dropped should count both",
		       (unsigned long long)first, (unsigned long long)(st.produced - first));
	ASSERT_LT(r.ev[0].seq - 1, r.ev[0].dropped);
	ASSERT_EQ(st.dropped, tdt_reader_dropped(&r));
	tdt_reader_free(&r);
}

/*
 * After STOP and draining: each reader got or was told of every event
 * (broadcast), the union of readers covers them (shared), and device-wide
 * enqueued == delivered + dropped, with a closed reader's records dropped.
 */
TEST_F_TIMEOUT(rd, counters_add_up_per_reader_and_device_wide, TDT_TIMEOUT)
{
	const bool bc = variant->fanout == TICKDEV_FANOUT_BROADCAST;
	struct tdt_reader a, b;
	struct tickdev_stats st;
	ssize_t got;
	__u32 closed_q;
	__u64 p;
	size_t i;

	tdt_reconfig(_metadata, self->fd[0], 16, 0);
	self->fd[1] = tdt_open(0);
	self->fd[2] = tdt_open(0);
	ASSERT_LE(0, self->fd[1]);
	ASSERT_LE(0, self->fd[2]);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_RESET_STATS));
	tdt_reader_init(_metadata, &a, self->fd[0], 0, 4, 4096);
	tdt_reader_init(_metadata, &b, self->fd[1], 0, 4, 4096);

	/* a keeps up, b lags out, the third reader is closed unread. */
	tdt_start(_metadata, self->fd[0]);
	while (a.n < 48) {
		got = tdt_reader_read(&a);
		ASSERT_LT(0, got) TH_LOG("read: %s", strerror(-got));
	}
	tdt_wait_produced(_metadata, self->fd[0], 64);
	tdt_stop(_metadata, self->fd[0]);
	closed_q = tdt_queue_size(_metadata, self->fd[2]);
	close(self->fd[2]);
	self->fd[2] = -1;
	ASSERT_LE(0, tdt_reader_drain(&a));
	ASSERT_LE(0, tdt_reader_drain(&b));
	ASSERT_STREQ("", a.bad);
	ASSERT_STREQ("", b.bad);
	tdt_get_stats(_metadata, self->fd[0], &st);
	p = st.produced;

	ASSERT_EQ(0, st.running);
	ASSERT_EQ(2, st.readers);
	ASSERT_EQ(st.enqueued, st.delivered + st.dropped)
		TH_LOG("produced %llu enqueued %llu delivered %llu dropped %llu",
		       (unsigned long long)p, (unsigned long long)st.enqueued,
		       (unsigned long long)st.delivered, (unsigned long long)st.dropped);
	ASSERT_EQ(a.n + b.n, st.delivered);
	if (bc) {
		ASSERT_LT(0, closed_q) TH_LOG("the third reader had records queued");
		ASSERT_EQ(3 * p, st.enqueued) TH_LOG("3 readers, %llu events",
						     (unsigned long long)p);
		ASSERT_EQ(p, a.n + tdt_reader_dropped(&a)) TH_LOG("reader a");
		ASSERT_EQ(p, b.n + tdt_reader_dropped(&b)) TH_LOG("reader b");
		ASSERT_EQ(p, a.ev[a.n - 1].seq);
		ASSERT_EQ(p, b.ev[b.n - 1].seq);
		/* The closed reader lost all p: overflowed, or discarded at close. */
		ASSERT_EQ(st.dropped, tdt_reader_dropped(&a) + tdt_reader_dropped(&b) + p)
			TH_LOG("dropped = the readers' dropped fields + %llu of the closed reader",
			       (unsigned long long)p);
	} else {
		unsigned char *seen = calloc(p + 1, 1);

		ASSERT_NE(NULL, seen);
		ASSERT_EQ(p, st.enqueued) TH_LOG("one shared ring");
		for (i = 0; i < a.n + b.n; i++) {
			__u64 s = i < a.n ? a.ev[i].seq : b.ev[i - a.n].seq;

			ASSERT_GE(p, s);
			ASSERT_EQ(0, seen[s]) TH_LOG("seq %llu read twice", (unsigned long long)s);
			seen[s] = 1;
		}
		ASSERT_EQ(p, a.n + b.n + st.dropped);
		free(seen);
	}
	tdt_reader_free(&a);
	tdt_reader_free(&b);
}

TEST_HARNESS_MAIN
