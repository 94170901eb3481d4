// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace - the tickdev tracepoints fire and carry the right fields.
 *
 * The events are enabled in a tracefs instance of our own (so nothing
 * else's tracing is disturbed), a reader reads some records, and the
 * instance's `trace` text is parsed: every record read has its timer
 * fire, enqueue and read events with the same seq, sched_ns and
 * enqueue_ns as the record, on the right ring; a reader that lags has one
 * drop event per record it lost.
 *
 * Every test runs for each timer x design x fan-out combination; each
 * loads the module itself and leaves none loaded.
 *
 * tickdev-test: patches-kernel-text: enabling the events switches their
 * static keys and calls (tests/run says why that matters).
 */
#include <sys/stat.h>

#include "tickdev_test.h"

#define TRACEFS		"/sys/kernel/tracing"
#define NREC		20
#define MAXEV		8192

enum { EV_FIRE, EV_REARM, EV_ENQUEUE, EV_DROP, EV_WAKEUP, EV_READ, EV_NR };

static const char * const ev_name[EV_NR] = {
	"tickdev_timer_fire", "tickdev_rearm", "tickdev_enqueue",
	"tickdev_drop", "tickdev_wakeup", "tickdev_read",
};

/* The fields each event must have, as the issue names them. */
static const char * const ev_fields[EV_NR][5] = {
	{ "sched_ns", "expire_ns", "lateness_ns", "timer" },
	{ "next_ns", "overruns" },
	{ "seq", "sched_ns", "ring", "fill" },
	{ "seq", "sched_ns", "ring", "fill" },
	{ "seq", "ring" },
	{ "seq", "reader", "enqueue_ns", "latency_ns" },
};

/**
 * struct tev - one tickdev event line of the trace
 * @type: EV_*
 * @line: the line as printed (for messages)
 * @nf: number of key=value pairs in @key/@val
 */
struct tev {
	int type;
	char line[200];
	int nf;
	char key[6][16];
	char val[6][32];
};

/**
 * struct tlog - the tickdev events of one trace read
 * @ev: the events, @n of them
 * @count: events per type
 */
struct tlog {
	struct tev *ev;
	size_t n;
	size_t count[EV_NR];
};

static bool tev_str(const struct tev *e, const char *key, const char **val)
{
	int i;

	for (i = 0; i < e->nf; i++) {
		if (!strcmp(e->key[i], key)) {
			*val = e->val[i];
			return true;
		}
	}
	return false;
}

static bool tev_u64(const struct tev *e, const char *key, __u64 *v)
{
	const char *s;
	char *end;

	if (!tev_str(e, key, &s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && !*end;
}

static bool tev_s64(const struct tev *e, const char *key, __s64 *v)
{
	const char *s;
	char *end;

	if (!tev_str(e, key, &s))
		return false;
	errno = 0;
	*v = strtoll(s, &end, 0);
	return !errno && end != s && !*end;
}

/* Parse "... : tickdev_xxx: k=v k=v" lines of @text into @log. */
static void parse_trace(char *text, struct tlog *log)
{
	char *line, *save = NULL;

	memset(log->count, 0, sizeof(log->count));
	log->n = 0;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, ": tickdev_"), *tok, *tsave = NULL;
		struct tev *e;
		int t;

		if (!p || log->n == MAXEV)
			continue;
		p += 2;
		for (t = 0; t < EV_NR; t++) {
			size_t len = strlen(ev_name[t]);

			if (!strncmp(p, ev_name[t], len) && p[len] == ':')
				break;
		}
		if (t == EV_NR)
			continue;
		e = &log->ev[log->n++];
		memset(e, 0, sizeof(*e));
		e->type = t;
		log->count[t]++;
		snprintf(e->line, sizeof(e->line), "%s", p);
		p += strlen(ev_name[t]) + 1;
		for (tok = strtok_r(p, " ", &tsave); tok && e->nf < 6;
		     tok = strtok_r(NULL, " ", &tsave)) {
			char *eq = strchr(tok, '=');

			if (!eq)
				continue;
			*eq = '\0';
			snprintf(e->key[e->nf], sizeof(e->key[0]), "%s", tok);
			snprintf(e->val[e->nf], sizeof(e->val[0]), "%s", eq + 1);
			e->nf++;
		}
	}
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

/* The whole of a file, NUL-terminated; NULL on error. */
static char *read_file(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			char *more = realloc(buf, 2 * cap + 1);

			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

FIXTURE(tr) {
	int fd[1];
	char inst[128];
	struct tlog log;
};

FIXTURE_VARIANT(tr) {
	unsigned int timer;
	unsigned int design;
	unsigned int fanout;
};

FIXTURE_VARIANT_ADD(tr, list_spinlock_broadcast) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(tr, list_workqueue_broadcast) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(tr, hrtimer_spinlock_broadcast) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(tr, hrtimer_workqueue_broadcast) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(tr, list_spinlock_shared) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(tr, list_workqueue_shared) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(tr, hrtimer_spinlock_shared) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(tr, hrtimer_workqueue_shared) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_SETUP(tr)
{
	char params[256], path[256], *old;
	int ret;

	self->fd[0] = -1;
	if (access(TRACEFS "/instances", W_OK))
		TDT_SKIP_SETUP("no writable tracefs at %s", TRACEFS);
	tdt_params(params, sizeof(params), variant->timer, variant->design, variant->fanout, NULL);
	tdt_load_params(_metadata, params);
	self->fd[0] = tdt_open(0);
	ASSERT_LE(0, self->fd[0]) TH_LOG("open %s: %s", TDT_DEV, strerror(errno));
	self->log.ev = calloc(MAXEV, sizeof(*self->log.ev));
	ASSERT_NE(NULL, self->log.ev);

	/*
	 * Recording comm names hooks sched_switch and sched_wakeup, so every
	 * enable and disable patches the scheduler's text; under QEMU TCG
	 * with several vCPUs that patching can livelock the guest (one CPU
	 * looping in the int3 handler, the other waiting for its IPI).  An
	 * instance takes record-cmd from the top level when it is made:
	 * make ours without it and put the top level back as it was.
	 */
	old = read_file(TRACEFS "/options/record-cmd");
	if (old && old[0] == '1')
		write_file(TRACEFS "/options/record-cmd", "0");
	snprintf(self->inst, sizeof(self->inst), TRACEFS "/instances/tickdev_test_%d", getpid());
	ret = mkdir(self->inst, 0700);
	if (old && old[0] == '1')
		write_file(TRACEFS "/options/record-cmd", "1");
	free(old);
	ASSERT_EQ(0, ret) TH_LOG("mkdir %s: %s", self->inst, strerror(errno));
	/* One clock for every CPU, so the text is in event order. */
	snprintf(path, sizeof(path), "%s/trace_clock", self->inst);
	write_file(path, "mono");
	snprintf(path, sizeof(path), "%s/events/tickdev/enable", self->inst);
	ASSERT_EQ(0, write_file(path, "1"))
		TH_LOG("enabling %s: the module has no tickdev events?", path);
}

FIXTURE_TEARDOWN(tr)
{
	char path[256];

	tdt_teardown_begin(_metadata);
	if (self->inst[0]) {
		snprintf(path, sizeof(path), "%s/events/tickdev/enable", self->inst);
		write_file(path, "0");
		EXPECT_EQ(0, rmdir(self->inst)) TH_LOG("rmdir %s: %s", self->inst, strerror(errno));
	}
	free(self->log.ev);
	tdt_teardown(_metadata, self->fd, 1);
}

/* Read the trace of instance @inst into @log, then empty it. */
static void take_trace(struct __test_metadata *_metadata, const char *inst, struct tlog *log)
{
	char path[256], *text;

	snprintf(path, sizeof(path), "%s/trace", inst);
	text = read_file(path);
	ASSERT_NE(NULL, text) TH_LOG("reading %s: %s", path, strerror(errno));
	parse_trace(text, log);
	free(text);
	ASSERT_EQ(0, write_file(path, ""));
}

/* The event of @type whose @key is @v, or NULL. */
static const struct tev *find(const struct tlog *log, int type, const char *key, __u64 v)
{
	__u64 x;
	size_t i;

	for (i = 0; i < log->n; i++)
		if (log->ev[i].type == type && tev_u64(&log->ev[i], key, &x) && x == v)
			return &log->ev[i];
	return NULL;
}

/* Each event's format file lists the fields the issue names. */
TEST_F_TIMEOUT(tr, events_have_the_documented_fields, TDT_TIMEOUT)
{
	char path[256], want[64], *fmt;
	int t, f;

	for (t = 0; t < EV_NR; t++) {
		snprintf(path, sizeof(path), TRACEFS "/events/tickdev/%s/format", ev_name[t]);
		fmt = read_file(path);
		EXPECT_NE(NULL, fmt) TH_LOG("no event %s: %s", ev_name[t], strerror(errno));
		if (!fmt)
			continue;
		for (f = 0; f < 5 && ev_fields[t][f]; f++) {
			snprintf(want, sizeof(want), " %s;\toffset:", ev_fields[t][f]);
			EXPECT_NE(NULL, strstr(fmt, want))
				TH_LOG("%s has no field %s", ev_name[t], ev_fields[t][f]);
		}
		free(fmt);
	}
}

/*
 * Every record read is in the trace: fired at its sched_ns, enqueued with
 * its seq and sched_ns on this reader's ring (0 when shared), read with its
 * seq and enqueue_ns; the timer re-armed on the schedule; readers woken.
 */
TEST_F_TIMEOUT(tr, each_record_has_fire_enqueue_wakeup_read_events, TDT_TIMEOUT)
{
	const bool shared = variant->fanout == TICKDEV_FANOUT_SHARED;
	const __u64 period = tdt_period_ns(variant->timer);
	const struct tev *fire, *enq, *rd;
	__u64 ring = UINT64_MAX, v, reader, prev_next = 0;
	const struct tlog *log = &self->log;
	struct tdt_reader r;
	ssize_t got;
	const char *timer;
	__s64 late;
	size_t i;

	tdt_reader_init(_metadata, &r, self->fd[0], 0, 1, 4096);
	tdt_start(_metadata, self->fd[0]);
	while (r.n < NREC) {
		got = tdt_reader_read(&r);
		ASSERT_EQ(1, got) TH_LOG("read: %s", strerror(-got));
	}
	tdt_stop(_metadata, self->fd[0]);
	ASSERT_LE(0, tdt_reader_drain(&r));
	take_trace(_metadata, self->inst, &self->log);

	ASSERT_LE(r.n, log->count[EV_FIRE]);
	ASSERT_LE(1, log->count[EV_REARM]);
	ASSERT_LE(1, log->count[EV_WAKEUP]);
	ASSERT_EQ(0, log->count[EV_DROP]);
	ASSERT_EQ(r.n, log->count[EV_ENQUEUE]) TH_LOG("one reader: one enqueue per event");
	ASSERT_EQ(r.n, log->count[EV_READ]) TH_LOG("one read event per record read");

	for (i = 0; i < r.n; i++) {
		const struct tickdev_event *e = &r.ev[i];

		fire = find(log, EV_FIRE, "sched_ns", e->sched_ns);
		ASSERT_NE(NULL, fire) TH_LOG("no timer_fire at sched_ns %llu of seq %llu",
					     (unsigned long long)e->sched_ns,
					     (unsigned long long)e->seq);
		ASSERT_TRUE(tev_u64(fire, "expire_ns", &v)) TH_LOG("%s", fire->line);
		ASSERT_TRUE(tev_s64(fire, "lateness_ns", &late)) TH_LOG("%s", fire->line);
		ASSERT_EQ((__s64)(v - e->sched_ns), late) TH_LOG("%s", fire->line);
		ASSERT_TRUE(tev_str(fire, "timer", &timer)) TH_LOG("%s", fire->line);
		ASSERT_TRUE(!strcmp(timer, tdt_timer_name(variant->timer)) ||
			    (tev_u64(fire, "timer", &v) && v == variant->timer))
			TH_LOG("%s: expected timer %s", fire->line,
			       tdt_timer_name(variant->timer));

		enq = find(log, EV_ENQUEUE, "seq", e->seq);
		ASSERT_NE(NULL, enq) TH_LOG("no enqueue of seq %llu", (unsigned long long)e->seq);
		ASSERT_TRUE(tev_u64(enq, "sched_ns", &v)) TH_LOG("%s", enq->line);
		ASSERT_EQ(e->sched_ns, v) TH_LOG("%s", enq->line);
		ASSERT_TRUE(tev_u64(enq, "fill", &v)) TH_LOG("%s", enq->line);
		ASSERT_GE(TDT_RING, v) TH_LOG("%s", enq->line);
		ASSERT_TRUE(tev_u64(enq, "ring", &v)) TH_LOG("%s", enq->line);
		if (ring == UINT64_MAX)
			ring = v;
		ASSERT_EQ(ring, v) TH_LOG("%s: one reader, one ring", enq->line);

		rd = find(log, EV_READ, "seq", e->seq);
		ASSERT_NE(NULL, rd) TH_LOG("no read event of seq %llu", (unsigned long long)e->seq);
		ASSERT_TRUE(tev_u64(rd, "enqueue_ns", &v)) TH_LOG("%s", rd->line);
		ASSERT_EQ(e->enqueue_ns, v) TH_LOG("%s", rd->line);
		ASSERT_TRUE(tev_u64(rd, "latency_ns", &v)) TH_LOG("%s", rd->line);
		ASSERT_TRUE(tev_u64(rd, "reader", &reader)) TH_LOG("%s", rd->line);
		ASSERT_NE(0, reader) TH_LOG("%s: reader ids start at 1", rd->line);
		if (!shared) {
			ASSERT_EQ(ring, reader) TH_LOG("%s: broadcast ring is the reader id",
						       rd->line);
		}
	}
	ASSERT_EQ(shared, ring == 0)
		TH_LOG("ring %llu: expected 0 when shared, the reader's id when broadcast",
		       (unsigned long long)ring);

	for (i = 0; i < log->n; i++) {
		const struct tev *e = &log->ev[i];

		if (e->type == EV_WAKEUP) {
			ASSERT_TRUE(tev_u64(e, "ring", &v)) TH_LOG("%s", e->line);
			ASSERT_EQ(ring, v) TH_LOG("%s", e->line);
			ASSERT_TRUE(tev_u64(e, "seq", &v)) TH_LOG("%s", e->line);
			ASSERT_NE(NULL, find(log, EV_ENQUEUE, "seq", v))
				TH_LOG("%s: woken for a seq never enqueued", e->line);
		}
		if (e->type == EV_REARM) {
			ASSERT_TRUE(tev_u64(e, "overruns", &v)) TH_LOG("%s", e->line);
			ASSERT_TRUE(tev_u64(e, "next_ns", &v)) TH_LOG("%s", e->line);
			ASSERT_LT(prev_next, v) TH_LOG("%s: next expiry went back", e->line);
			prev_next = v;
			if (variant->timer == TICKDEV_TIMER_HRTIMER) {
				ASSERT_EQ(0, (v - r.ev[0].sched_ns) % period)
					TH_LOG("%s: off the %llu ns grid of sched_ns %llu",
					       e->line, (unsigned long long)period,
					       (unsigned long long)r.ev[0].sched_ns);
			}
		}
	}
	tdt_reader_free(&r);
}

/* A lagging reader's lost records each have a drop event with their seq. */
TEST_F_TIMEOUT(tr, each_lost_record_has_a_drop_event, TDT_TIMEOUT)
{
	const __u32 ring_records = 4;
	const struct tlog *log = &self->log;
	struct tickdev_stats st;
	struct tdt_reader r;
	unsigned char *got;
	const struct tev *drop;
	char missing[512];
	__u64 s, v;
	size_t i;

	tdt_reconfig(_metadata, self->fd[0], ring_records, 0);
	ASSERT_EQ(0, ioctl(self->fd[0], TICKDEV_IOC_RESET_STATS));
	take_trace(_metadata, self->inst, &self->log);
	tdt_start(_metadata, self->fd[0]);
	tdt_wait_produced(_metadata, self->fd[0], 4 * ring_records);
	tdt_stop(_metadata, self->fd[0]);
	tdt_reader_init(_metadata, &r, self->fd[0], 0, 64, 4096);
	ASSERT_LE(0, tdt_reader_drain(&r));
	tdt_get_stats(_metadata, self->fd[0], &st);
	take_trace(_metadata, self->inst, &self->log);

	ASSERT_LT(0, st.dropped);
	ASSERT_EQ(st.dropped, log->count[EV_DROP]) TH_LOG("one drop event per record dropped");
	got = calloc(st.produced + 1, 1);
	ASSERT_NE(NULL, got);
	for (i = 0; i < r.n; i++)
		got[r.ev[i].seq] = 1;
	tdt_missing(got, st.produced, missing, sizeof(missing));
	for (s = 1; s <= st.produced; s++) {
		drop = find(log, EV_DROP, "seq", s);
		if (got[s]) {
			ASSERT_EQ(NULL, drop) TH_LOG("%s: but seq %llu was read", drop->line,
						     (unsigned long long)s);
			continue;
		}
		ASSERT_NE(NULL, drop) TH_LOG("seq %llu was lost (lost: %s) with no drop event",
					     (unsigned long long)s, missing);
		ASSERT_TRUE(tev_u64(drop, "ring", &v)) TH_LOG("%s", drop->line);
		ASSERT_EQ(variant->fanout == TICKDEV_FANOUT_SHARED, v == 0)
			TH_LOG("%s: expected ring 0 when shared, the reader's id when broadcast",
			       drop->line);
		ASSERT_TRUE(tev_u64(drop, "fill", &v)) TH_LOG("%s", drop->line);
		ASSERT_GE(ring_records, v) TH_LOG("%s", drop->line);
	}
	free(got);
	tdt_reader_free(&r);
}

TEST_HARNESS_MAIN
