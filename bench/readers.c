// SPDX-License-Identifier: GPL-2.0
/*
 * readers.c - one reader: wait the way its mode says, read a batch, time
 * it, check it, count it; at the end drain what is left.
 *
 * Everything a reader writes is its own struct tb_worker, except a
 * channel's continuity state, which is written only under the channel's
 * lock when several readers may read that channel (the shared epoll modes).
 * The timestamp is taken right after read() returns, before any checking,
 * so verification cost never shows up as latency.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include "tickbench.h"

#define TB_DUMP_BUF	65536
#define TB_DUMP_LINE	192	/* longest dump line, with room to spare */

/* How a read came about: it decides what an EAGAIN means. */
enum tb_rd {
	TB_RD_PLAIN,		/* block or nonblock: EAGAIN is just counted */
	TB_RD_WOKEN,		/* after poll/epoll said ready: EAGAIN is spurious */
	TB_RD_DRAIN,		/* the final drain: EAGAIN is the end */
};

/* A reader's private working set; never shared, so never locked. */
struct tb_ctx {
	struct tb_run *run;
	struct tb_worker *w;
	u8 *buf;
	u8 *pattern;	/* byte k is k & 0xff, frame + 256 long */
	char *dump;
	size_t dumplen;
};

static bool tb_stopped(const struct tb_run *run)
{
	return __atomic_load_n(&run->stop, __ATOMIC_ACQUIRE);
}

/* Marks the reader failed: it stops, and the controller ends the run. */
static void tb_failed(struct tb_ctx *c)
{
	c->w->failed = 1;
	__atomic_store_n(&c->run->abort, 1, __ATOMIC_RELEASE);
}

/* A fatal error, described in w->errmsg (the first one wins). */
#define tb_fail(c, ...)							\
	do {								\
		struct tb_ctx *c_ = (c);				\
									\
		if (!c_->w->failed) {					\
			snprintf(c_->w->errmsg, sizeof(c_->w->errmsg),	\
				 __VA_ARGS__);				\
			tb_failed(c_);					\
		}							\
	} while (0)

/* An integrity error: counted; the first one is kept for the report. */
#define tb_bad(c, ...)							\
	do {								\
		struct tb_worker *w_ = (c)->w;				\
									\
		if (!w_->integrity++ && !w_->failed)			\
			snprintf(w_->errmsg, sizeof(w_->errmsg),	\
				 __VA_ARGS__);				\
	} while (0)

static void tb_dump_flush(struct tb_ctx *c)
{
	size_t off = 0;

	/* O_APPEND makes each write land whole after the others' lines. */
	while (off < c->dumplen) {
		ssize_t n = write(c->run->dumpfd, c->dump + off,
				  c->dumplen - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			tb_fail(c, "writing the dump: %s", strerror(errno));
			break;
		}
		off += n;
	}
	c->dumplen = 0;
}

static void tb_dump_event(struct tb_ctx *c, const struct tickdev_event *ev,
			  u64 now)
{
	c->dumplen += snprintf(c->dump + c->dumplen, TB_DUMP_LINE,
			       "%u %llu %llu %llu %llu %llu %u %u\n", c->w->id,
			       (unsigned long long)ev->seq,
			       (unsigned long long)ev->sched_ns,
			       (unsigned long long)ev->expire_ns,
			       (unsigned long long)ev->enqueue_ns,
			       (unsigned long long)now, ev->cpu, ev->dropped);
	if (c->dumplen > TB_DUMP_BUF - TB_DUMP_LINE)
		tb_dump_flush(c);
}

static void tb_dump_tick(struct tb_ctx *c, u64 idx, u64 sched,
			 u64 now, u64 ticks)
{
	c->dumplen += snprintf(c->dump + c->dumplen, TB_DUMP_LINE,
			       "%u %llu %llu - - %llu - %llu\n", c->w->id,
			       (unsigned long long)idx,
			       (unsigned long long)sched,
			       (unsigned long long)now,
			       (unsigned long long)(ticks - 1));
	if (c->dumplen > TB_DUMP_BUF - TB_DUMP_LINE)
		tb_dump_flush(c);
}

static void tb_count_event(struct tb_worker *w)
{
	/* Relaxed: the controller reads it only for the progress line. */
	__atomic_store_n(&w->events, w->events + 1, __ATOMIC_RELAXED);
}

/* Checks one record; returns false when its layout cannot be trusted. */
static bool tb_check_record(struct tb_ctx *c, struct tb_chan *ch,
			    const struct tickdev_event *ev)
{
	const struct tickdev_config *cfg = &c->run->cfg;
	struct tb_worker *w = c->w;
	u64 want;

	if (ev->frame_bytes != cfg->frame_bytes) {
		tb_bad(c, "reader %u: seq %llu has frame_bytes %u, configured %u",
		       w->id, (unsigned long long)ev->seq, ev->frame_bytes,
		       cfg->frame_bytes);
		return false;
	}
	if (ev->design != cfg->design || ev->timer != cfg->timer)
		tb_bad(c, "reader %u: seq %llu says design %u timer %u, configured %u %u",
		       w->id, (unsigned long long)ev->seq, ev->design,
		       ev->timer, cfg->design, cfg->timer);

	/*
	 * Broadcast: this ring sees every seq, so a gap must be exactly the
	 * drops the record reports.  Shared: the readers split one ring, so
	 * each sees an increasing subsequence; the totals are checked once
	 * the run is over.
	 */
	if (cfg->fanout == TICKDEV_FANOUT_BROADCAST) {
		want = ch->last_seq + 1 + ev->dropped;
		if (ev->seq != want)
			tb_bad(c, "reader %u: seq %llu after %llu, dropped %u: want %llu",
			       w->id, (unsigned long long)ev->seq,
			       (unsigned long long)ch->last_seq, ev->dropped,
			       (unsigned long long)want);
	} else if (ev->seq <= ch->last_seq) {
		tb_bad(c, "reader %u: seq %llu not after %llu in a shared ring",
		       w->id, (unsigned long long)ev->seq,
		       (unsigned long long)ch->last_seq);
	}
	if (ev->seq > ch->last_seq)
		ch->last_seq = ev->seq;
	if (ev->seq > w->max_seq)
		w->max_seq = ev->seq;
	w->dropped += ev->dropped;

	if (c->pattern && ev->frame_bytes &&
	    memcmp(ev + 1, c->pattern + (ev->seq & 0xff), ev->frame_bytes))
		tb_bad(c, "reader %u: seq %llu payload differs from (seq + i) & 0xff",
		       w->id, (unsigned long long)ev->seq);
	return true;
}

static void tb_account_tickdev(struct tb_ctx *c, struct tb_chan *ch,
			       size_t n, u64 now)
{
	const struct tb_run *run = c->run;
	struct tb_worker *w = c->w;
	size_t off;

	w->reads++;
	if (n % run->recsize)
		tb_bad(c, "reader %u: read returned %zu bytes, not whole %zu-byte records",
		       w->id, n, run->recsize);
	for (off = 0; off + sizeof(struct tickdev_event) <= n;
	     off += run->recsize) {
		const struct tickdev_event *ev = (const void *)(c->buf + off);

		w->records++;
		if (!tb_check_record(c, ch, ev))
			break;
		if (run->end_seq && ev->seq > run->end_seq)
			continue;
		hist_record(&w->leg[TB_LEG_LAT],
			    (s64)(ev->expire_ns - ev->sched_ns));
		hist_record(&w->leg[TB_LEG_PROD],
			    (s64)(ev->enqueue_ns - ev->expire_ns));
		hist_record(&w->leg[TB_LEG_WAKE],
			    (s64)(now - ev->enqueue_ns));
		hist_record(&w->leg[TB_LEG_E2E], (s64)(now - ev->sched_ns));
		tb_count_event(w);
		if (c->dump)
			tb_dump_event(c, ev, now);
	}
}

static void tb_account_timerfd(struct tb_ctx *c, struct tb_chan *ch,
			       size_t n, u64 now)
{
	const struct tb_run *run = c->run;
	u64 p = run->cfg.period_ns, ticks, idx, prev, sched;
	struct tb_worker *w = c->w;

	w->reads++;
	if (n != sizeof(ticks)) {
		tb_fail(c, "timerfd read returned %zu bytes", n);
		return;
	}
	memcpy(&ticks, c->buf, sizeof(ticks));
	if (!ticks) {
		tb_bad(c, "reader %u: timerfd read returned 0 expirations",
		       w->id);
		return;
	}
	/*
	 * Which expiry this read answers: counting is exact when this
	 * channel is ours alone; a timerfd shared by several readers hands
	 * each only part of the count, so take the latest expiry due by
	 * now, which is the same unless the read itself took a period.
	 */
	w->records += ticks;
	if (run->cfg.fanout == TICKDEV_FANOUT_BROADCAST) {
		prev = ch->last_seq;
		ch->last_seq += ticks;
		idx = ch->last_seq;
		/* A read across the end counts the expiries up to it. */
		if (run->end_seq && idx > run->end_seq) {
			if (prev >= run->end_seq)
				return;
			ticks = run->end_seq - prev;
			idx = run->end_seq;
		}
	} else {
		idx = now >= run->t0_ns ? (now - run->t0_ns) / p + 1 : 1;
	}
	if (idx > w->max_seq)
		w->max_seq = idx;
	if (run->end_seq && idx > run->end_seq)
		return;
	sched = run->t0_ns + (idx - 1) * p;
	w->overruns += ticks - 1;
	hist_record(&w->leg[TB_LEG_E2E], (s64)(now - sched));
	tb_count_event(w);
	if (c->dump)
		tb_dump_tick(c, idx, sched, now, ticks);
}

/*
 * One read() of a batch.  Return: 1 data read, 0 EAGAIN, -1 interrupted
 * or failed (the caller re-checks the stop flag and w->failed).
 */
static int tb_read(struct tb_ctx *c, struct tb_chan *ch, enum tb_rd how)
{
	struct tb_run *run = c->run;
	struct tb_worker *w = c->w;
	u64 now;
	ssize_t n;
	int e;

	if (ch->locked)
		pthread_mutex_lock(&ch->lock);
	n = read(ch->fd, c->buf, run->bufsize);
	e = errno;
	now = tb_now_ns();
	if (n > 0) {
		if (run->o->source == TB_SRC_TICKDEV)
			tb_account_tickdev(c, ch, n, now);
		else
			tb_account_timerfd(c, ch, n, now);
	}
	if (ch->locked)
		pthread_mutex_unlock(&ch->lock);
	if (n > 0)
		return 1;
	if (n == 0) {
		tb_fail(c, "reader %u: read returned 0 (end of file)", w->id);
		return -1;
	}
	if (e == EAGAIN) {
		if (how != TB_RD_DRAIN)
			w->eagain++;
		if (how == TB_RD_WOKEN)
			w->spurious++;
		return 0;
	}
	if (e != EINTR)
		tb_fail(c, "reader %u: read: %s", w->id, strerror(e));
	return -1;
}

static void tb_wait_poll(struct tb_ctx *c)
{
	struct pollfd p = {
		.fd = c->w->chan->fd,
		.events = POLLIN | POLLRDNORM,
	};
	int r = poll(&p, 1, -1);

	if (r < 0) {
		if (errno != EINTR)
			tb_fail(c, "reader %u: poll: %s", c->w->id,
				strerror(errno));
		return;
	}
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) {
		tb_fail(c, "reader %u: poll revents 0x%x", c->w->id,
			p.revents);
		return;
	}
	if (p.revents & POLLIN)
		tb_read(c, c->w->chan, TB_RD_WOKEN);
}

static void tb_wait_epoll(struct tb_ctx *c)
{
	struct epoll_event ev;
	int r = epoll_wait(c->w->epfd, &ev, 1, -1);

	if (r < 0) {
		if (errno != EINTR)
			tb_fail(c, "reader %u: epoll_wait: %s", c->w->id,
				strerror(errno));
		return;
	}
	if (!r)
		return;
	if (ev.events & (EPOLLERR | EPOLLHUP)) {
		tb_fail(c, "reader %u: epoll events 0x%x", c->w->id,
			ev.events);
		return;
	}
	/* data.u32 names the channel: in the shared sets it is anyone's. */
	tb_read(c, &c->run->chan[ev.data.u32], TB_RD_WOKEN);
}

static void tb_loop(struct tb_ctx *c)
{
	struct tb_worker *w = c->w;

	while (!tb_stopped(c->run) && !w->failed) {
		switch (w->mode) {
		case TB_MODE_BLOCK:
		case TB_MODE_NONBLOCK:
			tb_read(c, w->chan, TB_RD_PLAIN);
			break;
		case TB_MODE_POLL:
			tb_wait_poll(c);
			break;
		default:
			tb_wait_epoll(c);
			break;
		}
	}
}

/* Has this reader's timerfd delivered the last measured expiry? */
static bool tb_timerfd_done(struct tb_ctx *c)
{
	/* A shared timerfd is drained by reader 0 alone: its own count. */
	if (c->run->cfg.fanout == TICKDEV_FANOUT_SHARED)
		return c->w->max_seq >= c->run->end_seq;
	return c->w->chan->last_seq >= c->run->end_seq;
}

/*
 * A timerfd's last measured expiry may be due by the clock yet not have
 * fired (the hrtimer interrupt comes a little later), so wait for it, for
 * at most two periods and a bit: a shared timerfd's last expiry may have
 * gone to another reader, and then the next one ends the wait.
 */
static bool tb_drain_wait(struct tb_ctx *c, u64 until)
{
	struct pollfd p = { .fd = c->w->chan->fd, .events = POLLIN };
	u64 now = tb_now_ns();
	int r;

	if (c->run->o->source != TB_SRC_TIMERFD || tb_timerfd_done(c) ||
	    now >= until)
		return false;
	r = poll(&p, 1, (until - now) / 1000000 + 1);
	if (r < 0 && errno != EINTR)
		tb_fail(c, "reader %u: poll: %s", c->w->id, strerror(errno));
	return r >= 0 || errno == EINTR;
}

/*
 * After STOP nothing new arrives: read this reader's own channel without
 * blocking until it is empty.  A timerfd keeps ticking, so its drain ends
 * once the last measured expiry has been seen.
 */
static void tb_drain(struct tb_ctx *c)
{
	const struct tb_run *run = c->run;
	struct tb_worker *w = c->w;
	struct tb_chan *ch = w->chan;
	u64 until = tb_now_ns() + 2 * run->cfg.period_ns + 50000000;
	int fl, r;

	if (run->o->source == TB_SRC_TIMERFD &&
	    run->cfg.fanout == TICKDEV_FANOUT_SHARED && w->id)
		return;
	fl = fcntl(ch->fd, F_GETFL);
	if (fl < 0 || fcntl(ch->fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		tb_fail(c, "reader %u: fcntl O_NONBLOCK: %s", w->id,
			strerror(errno));
		return;
	}
	while (!w->failed) {
		if (run->o->source == TB_SRC_TIMERFD && tb_timerfd_done(c))
			break;
		r = tb_read(c, ch, TB_RD_DRAIN);
		if (!r && !tb_drain_wait(c, until))
			break;
	}
}

static u64 tb_tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * NSEC_PER_SEC + tv->tv_usec * NSEC_PER_USEC;
}

static int tb_setup(struct tb_ctx *c)
{
	const struct tb_run *run = c->run;
	const struct tb_opts *o = run->o;
	size_t i, plen;

	if (posix_memalign((void **)&c->buf, 64, run->bufsize)) {
		tb_fail(c, "reader %u: no memory for a %zu-byte buffer",
			c->w->id, run->bufsize);
		return -1;
	}
	if (o->source == TB_SRC_TICKDEV && o->verify &&
	    run->cfg.frame_bytes) {
		plen = run->cfg.frame_bytes + 256;
		c->pattern = malloc(plen);
		if (!c->pattern) {
			tb_fail(c, "reader %u: no memory", c->w->id);
			return -1;
		}
		for (i = 0; i < plen; i++)
			c->pattern[i] = i & 0xff;
	}
	if (run->dumpfd >= 0) {
		c->dump = malloc(TB_DUMP_BUF);
		if (!c->dump) {
			tb_fail(c, "reader %u: no memory", c->w->id);
			return -1;
		}
	}
	if (o->ncpus) {
		cpu_set_t set;
		int e;

		CPU_ZERO(&set);
		CPU_SET(o->cpus[c->w->id % o->ncpus], &set);
		e = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
		if (e) {
			tb_fail(c, "reader %u: pinning to CPU %u: %s", c->w->id,
				o->cpus[c->w->id % o->ncpus], strerror(e));
			return -1;
		}
	}
	if (o->prio) {
		struct sched_param sp = { .sched_priority = o->prio };
		int e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);

		if (e) {
			tb_fail(c, "reader %u: SCHED_FIFO priority %d: %s",
				c->w->id, o->prio, strerror(e));
			return -1;
		}
	}
	return 0;
}

/**
 * tb_worker_run() - body of one reader thread or process
 * @run: the run
 * @w: this reader
 *
 * Crosses the start barrier even after a failed setup, so the others are
 * not left waiting; the failure then ends the run through @run->abort.
 */
void tb_worker_run(struct tb_run *run, struct tb_worker *w)
{
	struct tb_ctx c = { .run = run, .w = w };
	struct rusage r0, r1;
	int ok, e;

	ok = !tb_setup(&c);
	e = pthread_barrier_wait(&run->start);
	if (e && e != PTHREAD_BARRIER_SERIAL_THREAD)
		tb_fail(&c, "reader %u: pthread_barrier_wait: %s", w->id,
			strerror(e));
	if (getrusage(RUSAGE_THREAD, &r0) < 0)
		tb_fail(&c, "reader %u: getrusage: %s", w->id, strerror(errno));
	if (ok && !w->failed) {
		tb_loop(&c);
		if (!w->failed)
			tb_drain(&c);
	}
	if (getrusage(RUSAGE_THREAD, &r1) < 0)
		tb_fail(&c, "reader %u: getrusage: %s", w->id, strerror(errno));
	w->utime_ns = tb_tv_ns(&r1.ru_utime) - tb_tv_ns(&r0.ru_utime);
	w->stime_ns = tb_tv_ns(&r1.ru_stime) - tb_tv_ns(&r0.ru_stime);
	w->nvcsw = r1.ru_nvcsw - r0.ru_nvcsw;
	w->nivcsw = r1.ru_nivcsw - r0.ru_nivcsw;
	if (c.dump && c.dumplen)
		tb_dump_flush(&c);
	free(c.dump);
	free(c.pattern);
	free(c.buf);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
}
