// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - merge the readers' results, check the run as a whole, and
 * write it out: a short summary for people, JSON, a CSV row, histograms.
 *
 * Figures that do not apply to a source (the device's legs and counters
 * for timerfd) are blank in CSV, null in JSON and "-" for people, never 0,
 * so nobody averages a missing value as a measured one.
 */
#include <err.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "tickbench.h"

static const char * const tb_leg_names[TB_LEG_NR] = {
	[TB_LEG_LAT] = "lateness",
	[TB_LEG_PROD] = "producer",
	[TB_LEG_WAKE] = "wake",
	[TB_LEG_E2E] = "e2e",
};

static bool tb_is_dev(const struct tb_run *run)
{
	return run->o->source == TB_SRC_TICKDEV;
}

/* Does @leg exist for this source? timerfd has only the end-to-end leg. */
static bool tb_leg_applies(const struct tb_run *run, int leg)
{
	return tb_is_dev(run) || leg == TB_LEG_E2E;
}

/* A run-level integrity error: counted; the first one is described. */
#define tb_error(res, ...)						\
	do {								\
		struct tb_result *r_ = (res);				\
									\
		if (!r_->integrity++ && !r_->first_error[0])		\
			snprintf(r_->first_error,			\
				 sizeof(r_->first_error), __VA_ARGS__);	\
	} while (0)

/* The device-wide identities that hold once every reader is drained. */
static void tb_check_device(const struct tb_run *run, struct tb_result *res)
{
	const struct tickdev_stats *st = &res->stats;
	u64 top = 0;
	unsigned int i;

	if (st->enqueued != st->delivered + st->dropped)
		tb_error(res, "device: enqueued %llu != delivered %llu + dropped %llu",
			 (unsigned long long)st->enqueued,
			 (unsigned long long)st->delivered,
			 (unsigned long long)st->dropped);
	if (res->w.records != st->delivered)
		tb_error(res, "readers got %llu records, the device says it delivered %llu",
			 (unsigned long long)res->w.records,
			 (unsigned long long)st->delivered);
	for (i = 0; i < run->nchan; i++) {
		u64 last = run->chan[i].last_seq;

		if (last > top)
			top = last;
		/* Drop-oldest keeps the newest record: each ring ends at it. */
		if (run->cfg.fanout == TICKDEV_FANOUT_BROADCAST &&
		    last != st->produced)
			tb_error(res, "reader %u: last seq %llu, the device produced %llu",
				 i, (unsigned long long)last,
				 (unsigned long long)st->produced);
	}
	if (run->cfg.fanout == TICKDEV_FANOUT_SHARED) {
		if (top != st->produced)
			tb_error(res, "shared ring: last seq %llu, the device produced %llu",
				 (unsigned long long)top,
				 (unsigned long long)st->produced);
		if (res->w.records + res->w.dropped != top)
			tb_error(res, "shared ring: %llu records + %llu drops != seq %llu",
				 (unsigned long long)res->w.records,
				 (unsigned long long)res->w.dropped,
				 (unsigned long long)top);
	}
}

/**
 * tb_collect() - merge the readers into @res and check the run as a whole
 * @run: the finished run (readers joined)
 * @res: result; fields set by the caller (device stats, duration) are kept
 */
void tb_collect(const struct tb_run *run, struct tb_result *res)
{
	struct tb_worker *s = &res->w;
	bool failed = false;
	unsigned int i, l;

	for (i = 0; i < run->o->readers; i++) {
		const struct tb_worker *w = &run->w[i];

		for (l = 0; l < TB_LEG_NR; l++)
			hist_merge(&res->leg[l], &w->leg[l]);
		s->events += w->events;
		s->records += w->records;
		s->reads += w->reads;
		s->eagain += w->eagain;
		s->spurious += w->spurious;
		s->integrity += w->integrity;
		s->dropped += w->dropped;
		s->overruns += w->overruns;
		s->utime_ns += w->utime_ns;
		s->stime_ns += w->stime_ns;
		s->nvcsw += w->nvcsw;
		s->nivcsw += w->nivcsw;
		if (w->max_seq > s->max_seq)
			s->max_seq = w->max_seq;
		failed |= w->failed;
		if (w->integrity && !w->failed && !res->first_error[0])
			snprintf(res->first_error, sizeof(res->first_error),
				 "%s", w->errmsg);
	}
	res->integrity += s->integrity;
	/* A failed reader left its channel undrained: nothing to check. */
	if (tb_is_dev(run) && res->have_stats && !failed)
		tb_check_device(run, res);
}

static double tb_us(u64 ns)
{
	return ns / 1000.0;
}

/* Spread of the readers' e2e medians: is the load fair across readers? */
static void tb_reader_spread(const struct tb_run *run, double *mean,
			     double *sd)
{
	double sum = 0, sq = 0, v;
	unsigned int i, n = 0;

	for (i = 0; i < run->o->readers; i++) {
		const struct hist *h = &run->w[i].leg[TB_LEG_E2E];

		if (!h->count)
			continue;
		v = hist_percentile(h, 50);
		sum += v;
		sq += v * v;
		n++;
	}
	*mean = n ? sum / n : 0;
	*sd = n > 1 ? sqrt(fmax(sq / n - *mean * *mean, 0)) : 0;
}

/* The mode list as given, joined by @sep ('+' in CSV, where ',' splits). */
static void tb_modes_str(const struct tb_opts *o, char *buf, size_t len,
			 char sep)
{
	size_t off = 0;
	unsigned int i;
	int n;

	buf[0] = 0;
	for (i = 0; i < o->nmodes; i++) {
		n = snprintf(buf + off, len - off, "%.1s%s", i ? &sep : "",
			     tb_mode_name(o->modes[i]));
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += n;
	}
}

#define TB_MODES_LEN	(TB_MAX_MODES * 16)

static void tb_human_leg(const char *name, const struct hist *h, bool na)
{
	if (na || !h->count) {
		printf("  %-10s %9s\n", name, na ? "-" : "(none)");
		return;
	}
	printf("  %-10s %9.2f %9.2f %9.2f", name, tb_us(h->min),
	       hist_mean(h) / 1000.0, hist_stddev(h) / 1000.0);
	printf(" %9.2f %9.2f %9.2f %9.2f %9.2f\n",
	       tb_us(hist_percentile(h, 50)), tb_us(hist_percentile(h, 90)),
	       tb_us(hist_percentile(h, 99)), tb_us(hist_percentile(h, 99.9)),
	       tb_us(h->max));
}

static void tb_human_readers(const struct tb_run *run)
{
	unsigned int i;

	printf("per reader (e2e, us)  mode          events       p50");
	printf("       p99       max  dropped   EAGAIN spurious\n");
	for (i = 0; i < run->o->readers; i++) {
		const struct tb_worker *w = &run->w[i];
		const struct hist *h = &w->leg[TB_LEG_E2E];

		printf("  %4u                %-12s %8llu", i,
		       tb_mode_name(w->mode), (unsigned long long)h->count);
		printf(" %9.2f %9.2f %9.2f", tb_us(hist_percentile(h, 50)),
		       tb_us(hist_percentile(h, 99)), tb_us(h->max));
		printf(" %8llu %8llu %8llu\n", (unsigned long long)w->dropped,
		       (unsigned long long)w->eagain,
		       (unsigned long long)w->spurious);
	}
}

/**
 * tb_report_human() - the short summary on stdout, units stated
 * @run: the run
 * @res: its merged result
 */
void tb_report_human(const struct tb_run *run, const struct tb_result *res)
{
	const struct tb_opts *o = run->o;
	const struct tickdev_config *cfg = &run->cfg;
	const struct tickdev_stats *st = &res->stats;
	const struct tb_worker *s = &res->w;
	double secs = res->duration_ns / 1e9, mean, sd;
	u64 ev = res->leg[TB_LEG_E2E].count;
	char modes[TB_MODES_LEN];
	bool dev = tb_is_dev(run);
	unsigned int l;

	tb_modes_str(o, modes, sizeof(modes), ',');
	if (dev) {
		printf("tickbench: tickdev, timer %s, design %s, fanout %s,",
		       tb_timer_name(cfg->timer), tb_design_name(cfg->design),
		       tb_fanout_name(cfg->fanout));
		printf(" period %.1f us, ring %u records, frame %u bytes\n",
		       tb_us(cfg->period_ns), cfg->ring_records,
		       cfg->frame_bytes);
	} else {
		printf("tickbench: timerfd baseline, %s, period %.1f us\n",
		       cfg->fanout == TICKDEV_FANOUT_SHARED ?
		       "one timerfd shared by all readers" :
		       "one timerfd per reader", tb_us(cfg->period_ns));
	}
	printf("readers:   %u %s, mode %s, batch %u%s%s\n", o->readers,
	       o->procs ? (o->readers > 1 ? "processes" : "process") :
	       (o->readers > 1 ? "threads" : "thread"), modes, o->batch,
	       o->prio ? ", SCHED_FIFO" : "",
	       res->interrupted ? " (interrupted by a signal)" : "");

	printf("run:       %.3f s, %llu events (%.0f/s), drops ", secs,
	       (unsigned long long)ev, secs > 0 ? ev / secs : 0.0);
	if (dev)
		printf("%llu", (unsigned long long)st->dropped);
	else
		printf("-");
	printf(", overruns %llu, EAGAIN %llu, spurious wake-ups %llu,",
	       (unsigned long long)(dev ? st->overruns : s->overruns),
	       (unsigned long long)s->eagain, (unsigned long long)s->spurious);
	printf(" integrity errors %llu\n", (unsigned long long)res->integrity);

	if (res->have_stats) {
		printf("device:    produced %llu, enqueued %llu, delivered %llu,",
		       (unsigned long long)st->produced,
		       (unsigned long long)st->enqueued,
		       (unsigned long long)st->delivered);
		printf(" dropped %llu, wakeups %llu, rearms %llu,",
		       (unsigned long long)st->dropped,
		       (unsigned long long)st->wakeups,
		       (unsigned long long)st->rearms);
		printf(" max fill %llu of %u records\n",
		       (unsigned long long)st->max_fill, res->capacity);
	}

	printf("latency (us)       min      mean    stddev");
	printf("       p50       p90       p99     p99.9       max\n");
	for (l = 0; l < TB_LEG_NR; l++)
		tb_human_leg(tb_leg_names[l], &res->leg[l],
			     !tb_leg_applies(run, l));
	if (o->readers > 1 && o->readers <= 16)
		tb_human_readers(run);
	if (o->readers > 1) {
		tb_reader_spread(run, &mean, &sd);
		printf("readers:   e2e p50 across readers %.2f us,", mean / 1000);
		printf(" stddev %.2f us (%.1f%%)\n", sd / 1000,
		       mean > 0 ? 100 * sd / mean : 0);
	}
	if (ev) {
		printf("cpu:       per event user %.2f us, sys %.2f us;",
		       s->utime_ns / 1000.0 / ev, s->stime_ns / 1000.0 / ev);
		printf(" context switches %.2f voluntary, %.2f involuntary\n",
		       (double)s->nvcsw / ev, (double)s->nivcsw / ev);
	}
}

/*
 * A small JSON writer: one key per line, commas and indentation handled
 * here so the report below reads as a list of fields.
 */
struct tb_json {
	FILE *f;
	int depth;
	bool more[8];		/* an item was written at this depth */
};

static void tb_jkey(struct tb_json *j, const char *key)
{
	fprintf(j->f, "%s\n%*s", j->more[j->depth] ? "," : "",
		2 * (j->depth + 1), "");
	j->more[j->depth] = true;
	if (key)
		fprintf(j->f, "\"%s\": ", key);
}

static void tb_jopen(struct tb_json *j, const char *key, char brace)
{
	if (j->depth >= 0)
		tb_jkey(j, key);
	fputc(brace, j->f);
	j->more[++j->depth] = false;
}

static void tb_jclose(struct tb_json *j, char brace)
{
	j->depth--;
	fprintf(j->f, "\n%*s%c", 2 * (j->depth + 1), "", brace);
}

static void tb_js(struct tb_json *j, const char *key, const char *s)
{
	tb_jkey(j, key);
	fputc('"', j->f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(j->f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(j->f, "\\u%04x", *s);
		else
			fputc(*s, j->f);
	}
	fputc('"', j->f);
}

/* A number, or null when it does not apply (@ok false). */
static void tb_ju(struct tb_json *j, const char *key, bool ok, u64 v)
{
	tb_jkey(j, key);
	if (ok)
		fprintf(j->f, "%llu", (unsigned long long)v);
	else
		fputs("null", j->f);
}

static void tb_jf(struct tb_json *j, const char *key, bool ok, double v,
		  int prec)
{
	tb_jkey(j, key);
	if (ok)
		fprintf(j->f, "%.*f", prec, v);
	else
		fputs("null", j->f);
}

static void tb_jb(struct tb_json *j, const char *key, bool v)
{
	tb_jkey(j, key);
	fputs(v ? "true" : "false", j->f);
}

static void tb_jnull(struct tb_json *j, const char *key)
{
	tb_jkey(j, key);
	fputs("null", j->f);
}

static void tb_json_hist(struct tb_json *j, const char *key,
			 const struct hist *h, bool na)
{
	bool any = h->count;

	if (na) {
		tb_jnull(j, key);
		return;
	}
	tb_jopen(j, key, '{');
	tb_ju(j, "count", true, h->count);
	tb_ju(j, "min", any, h->min);
	tb_jf(j, "mean", any, hist_mean(h), 1);
	tb_jf(j, "stddev", any, hist_stddev(h), 1);
	tb_ju(j, "p50", any, hist_percentile(h, 50));
	tb_ju(j, "p90", any, hist_percentile(h, 90));
	tb_ju(j, "p99", any, hist_percentile(h, 99));
	tb_ju(j, "p999", any, hist_percentile(h, 99.9));
	tb_ju(j, "max", any, h->max);
	tb_ju(j, "negative", true, h->negative);
	tb_jclose(j, '}');
}

static void tb_json_config(struct tb_json *j, const struct tb_run *run)
{
	const struct tickdev_config *cfg = &run->cfg;
	const struct tb_opts *o = run->o;
	char modes[TB_MODES_LEN];
	bool dev = tb_is_dev(run);

	tb_modes_str(o, modes, sizeof(modes), ',');
	tb_jopen(j, "config", '{');
	tb_js(j, "source", dev ? "tickdev" : "timerfd");
	if (dev) {
		tb_js(j, "timer", tb_timer_name(cfg->timer));
		tb_js(j, "design", tb_design_name(cfg->design));
	} else {
		tb_jnull(j, "timer");
		tb_jnull(j, "design");
	}
	tb_js(j, "fanout", tb_fanout_name(cfg->fanout));
	tb_js(j, "mode", modes);
	tb_ju(j, "readers", true, o->readers);
	tb_jb(j, "procs", o->procs);
	tb_ju(j, "batch", true, o->batch);
	tb_ju(j, "period_ns", true, cfg->period_ns);
	tb_ju(j, "ring", dev, cfg->ring_records);
	tb_ju(j, "frame_bytes", dev, cfg->frame_bytes);
	tb_ju(j, "priority", true, o->prio);
	tb_jclose(j, '}');
}

static void tb_json_device(struct tb_json *j, const struct tb_result *res)
{
	const struct tickdev_stats *st = &res->stats;

	if (!res->have_stats) {
		tb_jnull(j, "device");
		return;
	}
	tb_jopen(j, "device", '{');
	tb_ju(j, "produced", true, st->produced);
	tb_ju(j, "enqueued", true, st->enqueued);
	tb_ju(j, "dropped", true, st->dropped);
	tb_ju(j, "delivered", true, st->delivered);
	tb_ju(j, "wakeups", true, st->wakeups);
	tb_ju(j, "rearms", true, st->rearms);
	tb_ju(j, "overruns", true, st->overruns);
	tb_ju(j, "max_fill", true, st->max_fill);
	tb_ju(j, "capacity", true, res->capacity);
	tb_jclose(j, '}');
}

static void tb_json_readers(struct tb_json *j, const struct tb_run *run)
{
	unsigned int i, l;

	tb_jopen(j, "readers", '[');
	for (i = 0; i < run->o->readers; i++) {
		const struct tb_worker *w = &run->w[i];

		tb_jopen(j, NULL, '{');
		tb_ju(j, "id", true, i);
		tb_js(j, "mode", tb_mode_name(w->mode));
		tb_ju(j, "events", true, w->events);
		tb_ju(j, "dropped", true, w->dropped);
		tb_ju(j, "eagain", true, w->eagain);
		tb_ju(j, "spurious", true, w->spurious);
		tb_ju(j, "integrity_errors", true, w->integrity);
		tb_ju(j, "overruns", true, w->overruns);
		tb_jb(j, "failed", w->failed);
		tb_jopen(j, "latency_ns", '{');
		for (l = 0; l < TB_LEG_NR; l++)
			tb_json_hist(j, tb_leg_names[l], &w->leg[l],
				     !tb_leg_applies(run, l));
		tb_jclose(j, '}');
		tb_jclose(j, '}');
	}
	tb_jclose(j, ']');
}

/**
 * tb_report_json() - the summary as one JSON object on stdout
 * @run: the run
 * @res: its merged result
 *
 * Figures that do not apply to the source are null.
 */
void tb_report_json(const struct tb_run *run, const struct tb_result *res)
{
	struct tb_json j = { .f = stdout, .depth = -1 };
	const struct tickdev_stats *st = &res->stats;
	const struct tb_worker *s = &res->w;
	u64 ev = res->leg[TB_LEG_E2E].count;
	bool dev = tb_is_dev(run);
	double mean, sd;
	unsigned int l;

	tb_jopen(&j, NULL, '{');
	tb_js(&j, "tickbench", TB_VERSION);
	tb_js(&j, "tag", run->o->tag);
	tb_ju(&j, "rep", true, run->o->rep);
	tb_json_config(&j, run);

	tb_jopen(&j, "run", '{');
	tb_jf(&j, "duration_s", true, res->duration_ns / 1e9, 6);
	tb_ju(&j, "events", true, ev);
	tb_ju(&j, "drops", dev, st->dropped);
	tb_ju(&j, "overruns", true, dev ? st->overruns : s->overruns);
	tb_ju(&j, "eagain", true, s->eagain);
	tb_ju(&j, "spurious", true, s->spurious);
	tb_ju(&j, "reads", true, s->reads);
	tb_ju(&j, "records", true, s->records);
	tb_ju(&j, "integrity_errors", true, res->integrity);
	tb_js(&j, "first_error", res->first_error);
	tb_jb(&j, "interrupted", res->interrupted);
	tb_jclose(&j, '}');

	tb_json_device(&j, res);

	tb_jopen(&j, "cpu", '{');
	tb_ju(&j, "user_ns", true, s->utime_ns);
	tb_ju(&j, "sys_ns", true, s->stime_ns);
	tb_ju(&j, "vcsw", true, s->nvcsw);
	tb_ju(&j, "ivcsw", true, s->nivcsw);
	tb_jf(&j, "usr_ns_per_event", ev, ev ? (double)s->utime_ns / ev : 0,
	      1);
	tb_jf(&j, "sys_ns_per_event", ev, ev ? (double)s->stime_ns / ev : 0,
	      1);
	tb_jf(&j, "vcsw_per_event", ev, ev ? (double)s->nvcsw / ev : 0, 4);
	tb_jf(&j, "ivcsw_per_event", ev, ev ? (double)s->nivcsw / ev : 0, 4);
	tb_jclose(&j, '}');

	tb_jopen(&j, "latency_ns", '{');
	for (l = 0; l < TB_LEG_NR; l++)
		tb_json_hist(&j, tb_leg_names[l], &res->leg[l],
			     !tb_leg_applies(run, l));
	tb_jclose(&j, '}');

	tb_reader_spread(run, &mean, &sd);
	tb_jopen(&j, "readers_e2e_p50_ns", '{');
	tb_jf(&j, "mean", true, mean, 1);
	tb_jf(&j, "stddev", true, sd, 1);
	tb_jclose(&j, '}');
	tb_json_readers(&j, run);
	tb_jclose(&j, '}');
	fputc('\n', j.f);
}

/*
 * The CSV columns, in order; stable, so scripts may index them.  The row
 * writer below must emit exactly these, which it checks.
 */
static const char * const tb_csv_cols[] = {
	"source", "design", "timer", "fanout", "mode", "readers", "period_ns",
	"frame_bytes", "rep", "events", "drops", "overruns",
	"p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns",
	"e2e_min_ns", "e2e_mean_ns", "e2e_stddev_ns",
	"lat_p50_ns", "lat_p99_ns", "lat_max_ns",
	"prod_p50_ns", "prod_p99_ns", "prod_max_ns",
	"wake_p50_ns", "wake_p99_ns", "wake_max_ns",
	"eagain", "spurious", "integrity_errors", "duration_s",
	"usr_ns_per_event", "sys_ns_per_event", "vcsw_per_event",
	"ivcsw_per_event",
	"ring", "batch", "procs", "produced", "enqueued", "delivered",
	"wakeups", "max_fill", "readers_p50_stddev_ns", "interrupted", "tag",
};

#define TB_CSV_NCOLS	ARRAY_SIZE(tb_csv_cols)

struct tb_csv {
	FILE *f;
	unsigned int n;
};

static void tb_csv_sep(struct tb_csv *c)
{
	if (c->n++)
		fputc(',', c->f);
}

static void tb_csv_s(struct tb_csv *c, const char *s)
{
	tb_csv_sep(c);
	fputs(s, c->f);
}

/* An unsigned figure, or blank when it does not apply (@ok false). */
static void tb_csv_u(struct tb_csv *c, bool ok, u64 v)
{
	tb_csv_sep(c);
	if (ok)
		fprintf(c->f, "%llu", (unsigned long long)v);
}

static void tb_csv_f(struct tb_csv *c, bool ok, double v, int prec)
{
	tb_csv_sep(c);
	if (ok)
		fprintf(c->f, "%.*f", prec, v);
}

static void tb_csv_header(FILE *f)
{
	unsigned int i;

	fputc('#', f);
	for (i = 0; i < TB_CSV_NCOLS; i++)
		fprintf(f, "%s%s", i ? "," : "", tb_csv_cols[i]);
	fputc('\n', f);
}

/**
 * tb_report_csv_row() - the run as one CSV row
 * @run: the run
 * @res: its merged result
 * @f: stream
 * @header: precede it with the '#' header line
 */
void tb_report_csv_row(const struct tb_run *run, const struct tb_result *res,
		       FILE *f, bool header)
{
	const struct tb_opts *o = run->o;
	const struct tickdev_config *cfg = &run->cfg;
	const struct tickdev_stats *st = &res->stats;
	const struct hist *e2e = &res->leg[TB_LEG_E2E];
	const struct hist *lat = &res->leg[TB_LEG_LAT];
	const struct hist *prod = &res->leg[TB_LEG_PROD];
	const struct hist *wake = &res->leg[TB_LEG_WAKE];
	const struct tb_worker *s = &res->w;
	struct tb_csv c = { .f = f };
	char modes[TB_MODES_LEN];
	bool dev = tb_is_dev(run), ev = e2e->count, dl;
	double mean, sd;

	if (header)
		tb_csv_header(f);
	tb_modes_str(o, modes, sizeof(modes), '+');
	dl = dev && lat->count;
	tb_csv_s(&c, dev ? "tickdev" : "timerfd");
	tb_csv_s(&c, dev ? tb_design_name(cfg->design) : "");
	tb_csv_s(&c, dev ? tb_timer_name(cfg->timer) : "");
	tb_csv_s(&c, tb_fanout_name(cfg->fanout));
	tb_csv_s(&c, modes);
	tb_csv_u(&c, true, o->readers);
	tb_csv_u(&c, true, cfg->period_ns);
	tb_csv_u(&c, dev, cfg->frame_bytes);
	tb_csv_u(&c, true, o->rep);
	tb_csv_u(&c, true, e2e->count);
	tb_csv_u(&c, dev, st->dropped);
	tb_csv_u(&c, true, dev ? st->overruns : s->overruns);
	tb_csv_u(&c, ev, hist_percentile(e2e, 50));
	tb_csv_u(&c, ev, hist_percentile(e2e, 90));
	tb_csv_u(&c, ev, hist_percentile(e2e, 99));
	tb_csv_u(&c, ev, hist_percentile(e2e, 99.9));
	tb_csv_u(&c, ev, e2e->max);
	tb_csv_u(&c, ev, e2e->min);
	tb_csv_f(&c, ev, hist_mean(e2e), 1);
	tb_csv_f(&c, ev, hist_stddev(e2e), 1);
	tb_csv_u(&c, dl, hist_percentile(lat, 50));
	tb_csv_u(&c, dl, hist_percentile(lat, 99));
	tb_csv_u(&c, dl, lat->max);
	tb_csv_u(&c, dl, hist_percentile(prod, 50));
	tb_csv_u(&c, dl, hist_percentile(prod, 99));
	tb_csv_u(&c, dl, prod->max);
	tb_csv_u(&c, dl, hist_percentile(wake, 50));
	tb_csv_u(&c, dl, hist_percentile(wake, 99));
	tb_csv_u(&c, dl, wake->max);
	tb_csv_u(&c, true, s->eagain);
	tb_csv_u(&c, true, s->spurious);
	tb_csv_u(&c, true, res->integrity);
	tb_csv_f(&c, true, res->duration_ns / 1e9, 3);
	tb_csv_f(&c, ev, ev ? (double)s->utime_ns / e2e->count : 0, 1);
	tb_csv_f(&c, ev, ev ? (double)s->stime_ns / e2e->count : 0, 1);
	tb_csv_f(&c, ev, ev ? (double)s->nvcsw / e2e->count : 0, 4);
	tb_csv_f(&c, ev, ev ? (double)s->nivcsw / e2e->count : 0, 4);
	tb_csv_u(&c, dev, cfg->ring_records);
	tb_csv_u(&c, true, o->batch);
	tb_csv_u(&c, true, o->procs);
	tb_csv_u(&c, res->have_stats, st->produced);
	tb_csv_u(&c, res->have_stats, st->enqueued);
	tb_csv_u(&c, res->have_stats, st->delivered);
	tb_csv_u(&c, res->have_stats, st->wakeups);
	tb_csv_u(&c, res->have_stats, st->max_fill);
	tb_reader_spread(run, &mean, &sd);
	tb_csv_f(&c, ev, sd, 1);
	tb_csv_u(&c, true, res->interrupted);
	tb_csv_s(&c, o->tag);
	fputc('\n', f);
	if (c.n != TB_CSV_NCOLS)
		errx(1, "internal: CSV row has %u columns, header %zu",
		     c.n, TB_CSV_NCOLS);
}

/**
 * tb_report_csv_file() - append the row to --csv FILE, header if it is new
 * @run: the run
 * @res: its merged result
 */
void tb_report_csv_file(const struct tb_run *run,
			const struct tb_result *res)
{
	FILE *f = fopen(run->o->csv, "a");
	struct stat sb;

	if (!f)
		err(1, "%s", run->o->csv);
	/* Several runs may append at once; the lock keeps rows whole. */
	if (flock(fileno(f), LOCK_EX))
		err(1, "flock %s", run->o->csv);
	if (fstat(fileno(f), &sb))
		err(1, "fstat %s", run->o->csv);
	tb_report_csv_row(run, res, f, sb.st_size == 0);
	if (fflush(f) || ferror(f))
		err(1, "writing %s", run->o->csv);
	if (fclose(f))
		err(1, "closing %s", run->o->csv);
}

static void tb_hist_header(FILE *f, const struct tb_run *run)
{
	const struct tickdev_config *cfg = &run->cfg;
	char modes[TB_MODES_LEN];

	tb_modes_str(run->o, modes, sizeof(modes), ',');
	fprintf(f, "# tickbench histogram: source %s", tb_is_dev(run) ?
		"tickdev" : "timerfd");
	if (tb_is_dev(run))
		fprintf(f, " timer %s design %s", tb_timer_name(cfg->timer),
			tb_design_name(cfg->design));
	fprintf(f, " fanout %s mode %s readers %u period_ns %llu",
		tb_fanout_name(cfg->fanout), modes, run->o->readers,
		(unsigned long long)cfg->period_ns);
	if (tb_is_dev(run))
		fprintf(f, " ring %u frame_bytes %u", cfg->ring_records,
			cfg->frame_bytes);
	fprintf(f, " rep %u tag %s\n", run->o->rep,
		run->o->tag[0] ? run->o->tag : "-");
	fprintf(f, "# buckets: log-linear, %u per power of two, lower bound",
		HIST_SUB);
	fprintf(f, " in ns; only non-empty buckets\n");
}

static void tb_hist_leg(FILE *f, const char *name, const struct hist *h,
			u64 limit_ns)
{
	fprintf(f, "# leg %s: count %llu", name, (unsigned long long)h->count);
	if (h->count)
		fprintf(f, " min %llu mean %.1f p50 %llu p90 %llu p99 %llu p999 %llu max %llu",
			(unsigned long long)h->min, hist_mean(h),
			(unsigned long long)hist_percentile(h, 50),
			(unsigned long long)hist_percentile(h, 90),
			(unsigned long long)hist_percentile(h, 99),
			(unsigned long long)hist_percentile(h, 99.9),
			(unsigned long long)h->max);
	fprintf(f, " (ns)\n# bucket_low_ns count cumulative_fraction\n");
	if (hist_write(f, h, limit_ns))
		err(1, "writing the histogram");
}

/**
 * tb_report_hist_file() - the histograms as gnuplot data sets
 * @run: the run
 * @res: its merged result
 *
 * Data sets are separated by two blank lines, so gnuplot's "index N"
 * picks one: 0 e2e, then lateness, producer, wake (empty for timerfd).
 */
void tb_report_hist_file(const struct tb_run *run,
			 const struct tb_result *res)
{
	static const int order[TB_LEG_NR] = {
		TB_LEG_E2E, TB_LEG_LAT, TB_LEG_PROD, TB_LEG_WAKE,
	};
	FILE *f = fopen(run->o->hist_file, "w");
	unsigned int i;

	if (!f)
		err(1, "%s", run->o->hist_file);
	tb_hist_header(f, run);
	fprintf(f, "# data sets (gnuplot index): 0 e2e, 1 lateness, 2 producer, 3 wake\n");
	for (i = 0; i < TB_LEG_NR; i++) {
		if (i)
			fprintf(f, "\n\n");
		if (!tb_leg_applies(run, order[i])) {
			fprintf(f, "# leg %s: does not apply to this source\n",
				tb_leg_names[order[i]]);
			continue;
		}
		tb_hist_leg(f, tb_leg_names[order[i]], &res->leg[order[i]], 0);
	}
	if (fflush(f) || ferror(f))
		err(1, "writing %s", run->o->hist_file);
	if (fclose(f))
		err(1, "closing %s", run->o->hist_file);
}

/**
 * tb_report_hist_stdout() - -h: the e2e histogram on stdout, up to a limit
 * @run: the run
 * @res: its merged result
 */
void tb_report_hist_stdout(const struct tb_run *run,
			   const struct tb_result *res)
{
	tb_hist_header(stdout, run);
	tb_hist_leg(stdout, "e2e", &res->leg[TB_LEG_E2E],
		    run->o->hist_us * NSEC_PER_USEC);
}
