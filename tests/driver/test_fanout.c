// SPDX-License-Identifier: GPL-2.0
/*
 * test_fanout - how events reach several readers blocked in read() at
 * once: broadcast gives every reader every event; shared gives each event
 * to exactly one reader (the union of the readers' seqs is 1..N, no
 * duplicates).
 *
 * Each runs for every timer x design combination; each loads the module
 * itself and leaves none loaded.
 */
#include "tickdev_test.h"

#define READERS	3
#define EVENTS	120
#define MAXREC	(4 * TDT_RING)

/**
 * struct fan_reader - a thread reading one /dev/tickdev reader until told
 * @fd: the reader
 * @thread: the thread reading it
 * @seq: seqs read, in order; @n of them (updated as it goes)
 * @stop: set by the main thread; a signal then ends the blocked read()
 * @done: set by the thread when it ends; @err the errno that ended it
 * @bad: first defect seen in a record or in read()'s result
 */
struct fan_reader {
	int fd;
	pthread_t thread;
	__u64 seq[MAXREC];
	atomic_size_t n;
	atomic_int stop;
	atomic_int done;
	int err;
	char bad[256];
};

static void *fan_read(void *arg)
{
	const size_t rs = TICKDEV_RECORD_SIZE(0);
	struct fan_reader *f = arg;
	unsigned char buf[8 * TICKDEV_RECORD_SIZE(0)];
	struct tickdev_event e;
	ssize_t got;
	size_t i;

	while (!atomic_load(&f->stop)) {
		got = read(f->fd, buf, sizeof(buf));
		if (got < 0) {
			f->err = errno;
			if (errno == EINTR)
				continue;
			break;
		}
		if (got == 0 || got % rs) {
			snprintf(f->bad, sizeof(f->bad), "read returned %zd bytes", got);
			break;
		}
		for (i = 0; i < (size_t)got / rs; i++) {
			size_t n = atomic_load(&f->n);

			memcpy(&e, buf + i * rs, sizeof(e));
			if (n == MAXREC) {
				snprintf(f->bad, sizeof(f->bad), "more than %d records", MAXREC);
				break;
			}
			f->seq[n] = e.seq;
			atomic_store(&f->n, n + 1);
		}
	}
	atomic_store(&f->done, 1);
	return NULL;
}

/**
 * struct fan_state - what both fixtures hold
 * @fd: the readers
 * @r: a reading thread per reader (@started of them running)
 */
struct fan_state {
	int fd[READERS];
	struct fan_reader *r;
	int started;
};

static void fan_setup(struct __test_metadata *_metadata, struct fan_state *self,
		      unsigned int timer, unsigned int design, unsigned int fanout)
{
	char params[256];
	int i;

	for (i = 0; i < READERS; i++)
		self->fd[i] = -1;
	tdt_params(params, sizeof(params), timer, design, fanout, NULL);
	tdt_load_params(_metadata, params);
	self->r = calloc(READERS, sizeof(*self->r));
	ASSERT_NE(NULL, self->r);
	for (i = 0; i < READERS; i++) {
		self->fd[i] = tdt_open(0);
		ASSERT_LE(0, self->fd[i]) TH_LOG("open reader %d: %s", i, strerror(errno));
		self->r[i].fd = self->fd[i];
	}
}

/* Signal each reader thread until it has seen its stop flag. */
static bool stop_readers(struct fan_state *self)
{
	__u64 end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;
	bool all;
	int i;

	for (i = 0; i < self->started; i++)
		atomic_store(&self->r[i].stop, 1);
	do {
		all = true;
		for (i = 0; i < self->started; i++) {
			if (atomic_load(&self->r[i].done))
				continue;
			all = false;
			pthread_kill(self->r[i].thread, SIGUSR1);
		}
		if (!all)
			tdt_sleep_ms(5);
	} while (!all && tdt_now_ns() < end);
	if (all) {
		for (i = 0; i < self->started; i++)
			pthread_join(self->r[i].thread, NULL);
		self->started = 0;
	}
	return all;
}

static void fan_teardown(struct __test_metadata *_metadata, struct fan_state *self)
{
	tdt_teardown_begin(_metadata);
	if (self->r) {
		EXPECT_TRUE(stop_readers(self)) TH_LOG("a reader thread did not stop");
		if (!self->started)
			free(self->r);
	}
	tdt_teardown(_metadata, self->fd, READERS);
}

/*
 * run_readers() - READERS threads blocked in read(), EVENTS events, STOP,
 * and wait until every record the rings took has reached a reader.
 */
static void run_readers(struct __test_metadata *_metadata, struct fan_state *self,
			struct tickdev_stats *st)
{
	__u64 end;
	size_t got;
	int i;

	tdt_catch_sigusr1(_metadata, 0);
	for (i = 0; i < READERS; i++) {
		ASSERT_EQ(0, pthread_create(&self->r[i].thread, NULL, fan_read, &self->r[i]));
		self->started++;
	}
	tdt_start(_metadata, self->fd[0]);
	tdt_wait_produced(_metadata, self->fd[0], EVENTS);
	tdt_stop(_metadata, self->fd[0]);
	end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;
	for (;;) {
		tdt_get_stats(_metadata, self->fd[0], st);
		for (got = 0, i = 0; i < READERS; i++)
			got += atomic_load(&self->r[i].n);
		if (got + st->dropped >= st->enqueued)
			break;
		ASSERT_LT(tdt_now_ns(), end)
			TH_LOG("readers got %zu records, the rings took %llu and dropped %llu",
			       got, (unsigned long long)st->enqueued,
			       (unsigned long long)st->dropped);
		tdt_sleep_ms(5);
	}
	ASSERT_TRUE(stop_readers(self));
	for (i = 0; i < READERS; i++) {
		ASSERT_STREQ("", self->r[i].bad) TH_LOG("reader %d", i);
		ASSERT_TRUE(self->r[i].err == 0 || self->r[i].err == EINTR)
			TH_LOG("reader %d: read failed: %s", i, strerror(self->r[i].err));
	}
	tdt_get_stats(_metadata, self->fd[0], st);
	ASSERT_EQ(0, st->dropped) TH_LOG("a ring of %d overflowed; the test needs none", TDT_RING);
}

FIXTURE(broadcast) {
	struct fan_state s;
};

FIXTURE_VARIANT(broadcast) {
	unsigned int timer;
	unsigned int design;
};

FIXTURE_VARIANT_ADD(broadcast, list_spinlock) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
};

FIXTURE_VARIANT_ADD(broadcast, list_workqueue) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
};

FIXTURE_VARIANT_ADD(broadcast, hrtimer_spinlock) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
};

FIXTURE_VARIANT_ADD(broadcast, hrtimer_workqueue) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
};

FIXTURE_SETUP(broadcast)
{
	fan_setup(_metadata, &self->s, variant->timer, variant->design, TICKDEV_FANOUT_BROADCAST);
}

FIXTURE_TEARDOWN(broadcast)
{
	fan_teardown(_metadata, &self->s);
}

/* Broadcast: every blocked reader gets every event, in order, once. */
TEST_F_TIMEOUT(broadcast, every_reader_gets_every_event_once, TDT_TIMEOUT)
{
	struct tickdev_stats st;
	size_t k, n, total = 0;
	int i;

	run_readers(_metadata, &self->s, &st);
	for (i = 0; i < READERS; i++) {
		struct fan_reader *f = &self->s.r[i];

		n = atomic_load(&f->n);
		total += n;
		ASSERT_EQ(st.produced, n) TH_LOG("reader %d of %d got %zu of %llu events", i,
						 READERS, n, (unsigned long long)st.produced);
		for (k = 0; k < n; k++)
			ASSERT_EQ(k + 1, f->seq[k]) TH_LOG("reader %d record %zu", i, k);
	}
	ASSERT_EQ(READERS * st.produced, st.enqueued);
	ASSERT_EQ(total, st.delivered);
}

FIXTURE(shared) {
	struct fan_state s;
};

FIXTURE_VARIANT(shared) {
	unsigned int timer;
	unsigned int design;
};

FIXTURE_VARIANT_ADD(shared, list_spinlock) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
};

FIXTURE_VARIANT_ADD(shared, list_workqueue) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
};

FIXTURE_VARIANT_ADD(shared, hrtimer_spinlock) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
};

FIXTURE_VARIANT_ADD(shared, hrtimer_workqueue) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
};

FIXTURE_SETUP(shared)
{
	fan_setup(_metadata, &self->s, variant->timer, variant->design, TICKDEV_FANOUT_SHARED);
}

FIXTURE_TEARDOWN(shared)
{
	fan_teardown(_metadata, &self->s);
}

/* Shared: the readers' seqs together are 1..N, none twice, each in order. */
TEST_F_TIMEOUT(shared, each_event_goes_to_exactly_one_reader, TDT_TIMEOUT)
{
	struct tickdev_stats st;
	unsigned char *seen;
	char missing[512];
	size_t k, n, total = 0;
	__u64 p, s;
	int i;

	run_readers(_metadata, &self->s, &st);
	p = st.produced;
	seen = calloc(p + 1, 1);
	ASSERT_NE(NULL, seen);
	for (i = 0; i < READERS; i++) {
		struct fan_reader *f = &self->s.r[i];

		n = atomic_load(&f->n);
		total += n;
		for (k = 0; k < n; k++) {
			s = f->seq[k];
			ASSERT_TRUE(s >= 1 && s <= p) TH_LOG("seq %llu of %llu events",
							     (unsigned long long)s,
							     (unsigned long long)p);
			ASSERT_EQ(0, seen[s]) TH_LOG("seq %llu reached two readers",
						     (unsigned long long)s);
			seen[s] = 1;
			ASSERT_TRUE(!k || f->seq[k - 1] < s) TH_LOG("reader %d out of order", i);
		}
	}
	tdt_missing(seen, p, missing, sizeof(missing));
	ASSERT_EQ(p, total) TH_LOG("no reader got seq %s", missing);
	ASSERT_EQ(p, st.enqueued) TH_LOG("one shared ring");
	ASSERT_EQ(total, st.delivered);
	free(seen);
}

TEST_HARNESS_MAIN
