// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev_stress - many readers, a chaotic controller, and an exact audit.
 *
 * The model:
 *
 *   controller (main thread)  START/STOP/SET_CONFIG/RESET_STATS/CLEAR at
 *        |                    random; logs every START as an "epoch"
 *        v                    (time, config) in shared memory
 *   /dev/tickdev  <---  64 checked readers: threads of this process and
 *        ^               of --procs child processes; block, poll, epoll or
 *        |               O_NONBLOCK, random batch sizes, random signals
 *        |               (SIGUSR1 restarts reads, SIGUSR2 interrupts them)
 *        +--- storm threads: open/poll/read/CLEAR/close as fast as they can
 *        +--- victim processes: blocked in read(), SIGKILLed at random
 *
 * Every record a checked reader gets is audited as it arrives: whole
 * (payload (seq + i) & 0xff, zero padding), from a START we logged, the
 * design/timer/frame_bytes of that START, and continuous: within one
 * START a broadcast reader's seq advances by exactly 1 + dropped; across
 * STOP/START the gap is what the epoch log says (when no SET_CONFIG lay
 * between, which discards without telling).  Shared readers see strictly
 * increasing seq.
 *
 * Then a quiet phase: STOP, everyone drains, SET_CONFIG to the base
 * config, RESET_STATS, one START, a bounded number of events, STOP,
 * everyone drains again.  Now the audit is global: each broadcast reader
 * ends exactly at the last seq produced; in shared fan-out every seq was
 * delivered to exactly one reader or reported dropped; and the device's
 * counters agree with what the readers saw: enqueued == delivered +
 * dropped, delivered == records read, dropped == drops reported.
 *
 * --cycles N instead loads and unloads the module N times with the timer
 * running and work queued, with readers reading between.
 *
 * Nothing here asserts on time: waits are bounded only to turn a hang
 * into a failure with a message.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <dirent.h>
#include <getopt.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tdmodule.h"
#include "tdstress.h"

#define MAX_READERS	256
#define MAX_EPOCHS	65536
#define MAX_VICTIMS	32
#define MAX_STORMS	16
#define QUIET_BITS	4194304
#define READ_BUF	(4 * TDS_MAX_RECORD)
/* Bound on waiting for readers to acknowledge a phase (a hang, not a timing). */
#define ACK_WAIT_NS	(300ULL * 1000000000ULL)

enum phase { PH_RUN, PH_DRAIN1, PH_QUIET, PH_DRAIN2, PH_EXIT };
enum mode { M_BLOCK, M_NONBLOCK, M_POLL, M_EPOLL, M_NR };
static const char *const mode_names[M_NR] = { "block", "nonblock", "poll", "epoll" };

/* One START: when, with what config; last seq once stopped (-1 unknown). */
struct epoch {
	__u64 t_start;
	atomic_llong last;
	__u32 cfg_gen;
	struct tickdev_config cfg;
};

/* What one checked reader reports (written by that reader only). */
struct rres {
	atomic_int ack;
	int mode;
	__u64 records, reads, eintr, eagain, einval, clears, reopens, euser;
	__u64 q_records, q_dropped;
	__u64 errors, early;
	char first_err[320];
	char first_early[200];
};

struct shm {
	atomic_int phase;
	atomic_uint nepochs;
	atomic_uint cfg_gen;
	atomic_uint quiet_epoch;
	atomic_int stop_aux;
	struct rres rd[MAX_READERS];
	atomic_ullong qbits[QUIET_BITS / 64];
	struct epoch ep[MAX_EPOCHS];
};

struct opts {
	__u64 seed;
	unsigned int seconds;
	unsigned int max_ops;
	unsigned int readers, procs, per_proc, victims, storms;
	unsigned int timers, designs, fanouts;	/* bit masks SET_CONFIG picks from */
	struct tickdev_config base;
	__u64 min_period, max_period, list_min, wq_min;
	__u32 wq_max_frame;
	__u64 max_ring_bytes;
	unsigned int quiet_events;
	bool no_signals;
	unsigned int cycles;
	const char *ko;
};

/* A checked reader thread. */
struct reader {
	struct shm *shm;
	const struct opts *o;
	const unsigned char *pat;
	int idx;
	struct tds_rng rng;
	pthread_t tid;
	int fd, epfd, mode;
	bool et;
	unsigned char *buf;
	__u32 rs_hint;
	/* stream state */
	bool have_prev, cleared;
	__u32 prev_epoch;
	__u64 prev_seq;
	/*
	 * open() registered the reader somewhere between t_call (before the
	 * call) and t_open (after it returned): a thread can be preempted on
	 * either side of the registration for as long as a STOP and a START.
	 */
	__u64 t_call, t_open;
	__u32 gen_open;
	unsigned int einval_run;
};

static void sig_nop(int sig)
{
	(void)sig;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_nop;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGUSR1, &sa, NULL))
		err(1, "sigaction SIGUSR1");
	sa.sa_flags = 0;
	if (sigaction(SIGUSR2, &sa, NULL))
		err(1, "sigaction SIGUSR2");
}

static void __printf(2, 3)
rfail(struct reader *r, const char *fmt, ...)
{
	struct rres *res = &r->shm->rd[r->idx];
	va_list ap;

	if (!res->errors++) {
		va_start(ap, fmt);
		vsnprintf(res->first_err, sizeof(res->first_err), fmt, ap);
		va_end(ap);
	}
}

/* The START a record belongs to: the last one logged before its callback ran. */
static int epoch_of(struct shm *shm, __u64 expire_ns)
{
	int lo = 0, hi = (int)atomic_load(&shm->nepochs) - 1, ans = -1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (shm->ep[mid].t_start < expire_ns) {
			ans = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return ans;
}

/*
 * Drops a broadcast reader must see between (prev_epoch, prev_seq) and
 * seq 1 + ... of epoch e, or -1 when the log cannot say (a RESET_STATS
 * during a run hid an epoch's length, or a SET_CONFIG discarded records
 * without reporting them).
 */
static __s64 expected_gap(struct shm *shm, __u32 pe, __u64 pseq, __u32 e, __u64 seq)
{
	__s64 sum = 0, last;
	__u32 i;

	for (i = pe; i < e; i++) {
		last = atomic_load(&shm->ep[i].last);
		if (last < 0 || shm->ep[i].cfg_gen != shm->ep[e].cfg_gen)
			return -1;
		sum += i == pe ? last - (__s64)pseq : last;
	}
	return sum + (__s64)seq - 1;
}

static void check_stream(struct reader *r, const struct tickdev_event *ev)
{
	struct shm *shm = r->shm;
	struct rres *res = &shm->rd[r->idx];
	const struct epoch *E;
	__s64 want;
	bool bcast;
	int e;

	/* A callback must not run before its expiry was due. */
	if (ev->sched_ns > ev->expire_ns && !res->early++)
		snprintf(res->first_early, sizeof(res->first_early),
			 "seq %llu (%s timer, %s): callback ran %llu ns before it was due (sched %llu, expire %llu)",
			 (unsigned long long)ev->seq, tds_timer_name(ev->timer),
			 tds_design_name(ev->design),
			 (unsigned long long)(ev->sched_ns - ev->expire_ns),
			 (unsigned long long)ev->sched_ns, (unsigned long long)ev->expire_ns);
	if (ev->expire_ns > ev->enqueue_ns)
		rfail(r, "seq %llu: enqueued at %llu before its callback ran at %llu",
		      (unsigned long long)ev->seq, (unsigned long long)ev->enqueue_ns,
		      (unsigned long long)ev->expire_ns);
	/*
	 * The callback ran after START was called and before the STOP that
	 * preceded the next START returned: expire_ns names the epoch.
	 */
	e = epoch_of(shm, ev->expire_ns);
	if (e < 0) {
		rfail(r, "seq %llu ran at %llu ns, before any START", (unsigned long long)ev->seq,
		      (unsigned long long)ev->expire_ns);
		return;
	}
	E = &shm->ep[e];
	if (ev->design != E->cfg.design || ev->timer != E->cfg.timer ||
	    ev->frame_bytes != E->cfg.frame_bytes)
		rfail(r, "epoch %d seq %llu: design %u timer %u frame %u, started as %u/%u/%u",
		      e, (unsigned long long)ev->seq, ev->design, ev->timer, ev->frame_bytes,
		      E->cfg.design, E->cfg.timer, E->cfg.frame_bytes);
	if (ev->seq == 0)
		rfail(r, "epoch %d: seq 0 (seq counts from 1)", e);
	bcast = E->cfg.fanout == TICKDEV_FANOUT_BROADCAST;

	if (r->have_prev && (__u32)e < r->prev_epoch) {
		rfail(r, "seq %llu of epoch %d after seq %llu of epoch %u",
		      (unsigned long long)ev->seq, e, (unsigned long long)r->prev_seq,
		      r->prev_epoch);
	} else if (r->have_prev && (__u32)e == r->prev_epoch) {
		if (bcast && ev->seq != r->prev_seq + 1 + ev->dropped)
			rfail(r,
			      "epoch %d broadcast: seq %llu after %llu with dropped %u (expected seq %llu)",
			      e, (unsigned long long)ev->seq, (unsigned long long)r->prev_seq,
			      ev->dropped, (unsigned long long)(r->prev_seq + 1 + ev->dropped));
		if (!bcast && ev->seq <= r->prev_seq)
			rfail(r, "epoch %d shared: seq %llu after %llu (duplicate or reordered)",
			      e, (unsigned long long)ev->seq, (unsigned long long)r->prev_seq);
	} else if (r->have_prev) {
		/* Registered all through epoch e: it got every event of it. */
		if (bcast && ev->dropped < ev->seq - 1)
			rfail(r,
			      "epoch %d starts at seq %llu with dropped %u: %llu records lost untold",
			      e, (unsigned long long)ev->seq, ev->dropped,
			      (unsigned long long)(ev->seq - 1 - ev->dropped));
		want = bcast ? expected_gap(shm, r->prev_epoch, r->prev_seq, e, ev->seq) : -1;
		if (want >= 0 && want != ev->dropped)
			rfail(r,
			      "epoch %u seq %llu -> epoch %d seq %llu: dropped %u, the log says %lld",
			      r->prev_epoch, (unsigned long long)r->prev_seq, e,
			      (unsigned long long)ev->seq, ev->dropped, (long long)want);
	} else if (bcast) {
		/*
		 * A fresh reader: registered before this START (open() had
		 * returned), or part-way in (open() was called after it).  When
		 * open() straddled the START, neither bound holds.
		 */
		if (E->t_start > r->t_open && ev->dropped < ev->seq - 1)
			rfail(r, "epoch %d, opened before START: first seq %llu with dropped %u",
			      e, (unsigned long long)ev->seq, ev->dropped);
		/*
		 * Opened part-way into this START: its ring never held an
		 * older record, so every drop it reports was of this epoch.
		 * t_open would not do: a reader registered during the previous
		 * START whose thread was preempted before it read the clock
		 * would carry that START's drops (seen on the debug kernel:
		 * "first seq 24 but dropped 33").
		 */
		if (E->t_start < r->t_call && ev->seq < 1 + (__u64)ev->dropped)
			rfail(r, "epoch %d, opened after START: first seq %llu but dropped %u", e,
			      (unsigned long long)ev->seq, ev->dropped);
	}

	if ((__u32)e == atomic_load(&shm->quiet_epoch)) {
		res->q_records++;
		res->q_dropped += ev->dropped;
		if (!bcast) {
			__u64 bit = ev->seq;

			if (bit >= QUIET_BITS)
				rfail(r, "quiet seq %llu beyond the audit bitmap",
				      (unsigned long long)bit);
			else if (atomic_fetch_or(&shm->qbits[bit / 64], 1ULL << (bit % 64)) &
				 (1ULL << (bit % 64)))
				rfail(r, "quiet epoch shared: seq %llu delivered twice",
				      (unsigned long long)bit);
		}
	}
	r->have_prev = true;
	r->cleared = false;
	r->prev_epoch = e;
	r->prev_seq = ev->seq;
}

/* Audit what one read() returned. */
static void take_records(struct reader *r, size_t count, ssize_t got)
{
	struct rres *res = &r->shm->rd[r->idx];
	struct tickdev_event ev;
	__u32 frame = 0;
	char why[200];
	size_t off = 0, rs;

	if (got == 0 || (size_t)got > count) {
		rfail(r, "read(%zu) returned %zd", count, got);
		return;
	}
	res->reads++;
	while (off < (size_t)got) {
		if ((size_t)got - off < sizeof(ev)) {
			rfail(r, "read returned %zd bytes: %zu left over, less than a header",
			      got, (size_t)got - off);
			return;
		}
		memcpy(&ev, r->buf + off, sizeof(ev));
		rs = TICKDEV_RECORD_SIZE(ev.frame_bytes);
		if (ev.frame_bytes > TICKDEV_FRAME_MAX || off + rs > (size_t)got) {
			rfail(r, "read returned %zd bytes: record at %zu (frame %u) cut short",
			      got, off, ev.frame_bytes);
			return;
		}
		if (off && ev.frame_bytes != frame)
			rfail(r, "one read mixes frame sizes %u and %u", frame, ev.frame_bytes);
		frame = ev.frame_bytes;
		if (tds_check_payload(r->buf + off, r->pat, why, sizeof(why)))
			rfail(r, "%s", why);
		check_stream(r, &ev);
		res->records++;
		off += rs;
	}
}

static void reader_open(struct reader *r)
{
	struct rres *res = &r->shm->rd[r->idx];
	struct epoll_event ee;
	unsigned int tries = 0;
	int flags;

	r->mode = (int)tds_below(&r->rng, M_NR);
	res->mode = r->mode;
	flags = O_RDWR | O_CLOEXEC | (r->mode == M_BLOCK ? 0 : O_NONBLOCK);
	r->gen_open = atomic_load(&r->shm->cfg_gen);
	for (;;) {
		r->t_call = tds_now_ns();
		r->fd = open(TDS_DEV, flags);
		if (r->fd >= 0)
			break;
		/* Storms and victims may hold every slot for a moment. */
		if (errno != EUSERS || ++tries > 100000)
			err(1, "reader %d: open %s", r->idx, TDS_DEV);
		res->euser++;
		tds_sleep_us(1000);
	}
	r->t_open = tds_now_ns();
	r->have_prev = false;
	r->cleared = false;
	if (r->mode == M_EPOLL) {
		r->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (r->epfd < 0)
			err(1, "epoll_create1");
		r->et = tds_one_in(&r->rng, 2);
		memset(&ee, 0, sizeof(ee));
		ee.events = EPOLLIN | (r->et ? EPOLLET : 0);
		ee.data.fd = r->fd;
		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->fd, &ee))
			err(1, "epoll_ctl ADD");
	}
}

static void reader_close(struct reader *r)
{
	if (r->mode == M_EPOLL && close(r->epfd))
		err(1, "close epoll");
	if (close(r->fd))
		err(1, "close reader");
	r->fd = -1;
}

static void refresh_hint(struct reader *r)
{
	struct tickdev_config cfg;

	tds_get_config(r->fd, &cfg);
	r->rs_hint = TICKDEV_RECORD_SIZE(cfg.frame_bytes);
}

/* A random read size: 1..64 records of the current size plus some slack. */
static size_t batch_size(struct reader *r)
{
	size_t n = tds_log_range(&r->rng, 1, 64);
	size_t count = n * r->rs_hint + tds_below(&r->rng, r->rs_hint);

	if (count > READ_BUF)
		count = READ_BUF / r->rs_hint * r->rs_hint;
	return count;
}

/* One read(); returns false when the ring was empty (EAGAIN) or interrupted. */
static bool do_read(struct reader *r)
{
	struct rres *res = &r->shm->rd[r->idx];
	size_t count = batch_size(r);
	ssize_t got = read(r->fd, r->buf, count);

	if (got >= 0) {
		r->einval_run = 0;
		take_records(r, count, got);
		return true;
	}
	switch (errno) {
	case EINTR:
		res->eintr++;
		break;
	case EAGAIN:
		res->eagain++;
		break;
	case EINVAL:
		/* SET_CONFIG made records bigger than this buffer. */
		res->einval++;
		if (++r->einval_run > 1000)
			rfail(r, "read(%zu) fails EINVAL again and again", count);
		refresh_hint(r);
		break;
	default:
		err(1, "reader %d: read(%zu)", r->idx, count);
	}
	return false;
}

/* Read until the ring is empty; the producer is stopped. */
static void drain(struct reader *r)
{
	for (;;) {
		ssize_t got;

		got = read(r->fd, r->buf, READ_BUF);
		if (got > 0) {
			take_records(r, READ_BUF, got);
			continue;
		}
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && errno == EAGAIN)
			return;
		if (got < 0 && errno == EINVAL) {
			refresh_hint(r);
			continue;
		}
		rfail(r, "draining: read returned %zd (%s)", got, got < 0 ? strerror(errno) : "");
		return;
	}
}

static void drain_and_ack(struct reader *r, int ph)
{
	struct shm *shm = r->shm;
	struct rres *res = &shm->rd[r->idx];
	__u32 n = atomic_load(&shm->nepochs);
	const struct epoch *E;
	__s64 last;

	tds_set_nonblock(r->fd, true);
	refresh_hint(r);
	drain(r);
	tds_set_nonblock(r->fd, r->mode != M_BLOCK);
	if (!n) {
		atomic_store(&res->ack, ph);
		return;
	}

	/*
	 * The last record of the last START must have arrived, unless this
	 * reader CLEARed it or a SET_CONFIG since discarded it.
	 */
	E = &shm->ep[n - 1];
	last = atomic_load(&E->last);
	if (E->cfg_gen == atomic_load(&shm->cfg_gen) &&
	    E->cfg.fanout == TICKDEV_FANOUT_BROADCAST && last > 0 && r->have_prev &&
	    r->prev_epoch == n - 1 && !r->cleared && r->prev_seq != (__u64)last)
		rfail(r, "drained after epoch %u: last seq %llu, the producer made %lld",
		      n - 1, (unsigned long long)r->prev_seq, (long long)last);
	if (ph == PH_DRAIN2 && E->cfg.fanout == TICKDEV_FANOUT_BROADCAST && last > 0 &&
	    (!r->have_prev || r->prev_epoch != n - 1))
		rfail(r, "quiet epoch made %lld events, this reader got none", (long long)last);
	atomic_store(&res->ack, ph);
}

static void reader_step(struct reader *r, bool chaos)
{
	struct rres *res = &r->shm->rd[r->idx];
	struct epoll_event ee;
	struct pollfd pfd;
	int n;
	__u32 q;

	if (chaos && tds_one_in(&r->rng, 2000)) {
		reader_close(r);
		reader_open(r);
		refresh_hint(r);
		res->reopens++;
		return;
	}
	if (chaos && tds_one_in(&r->rng, 500)) {
		tds_ioctl(r->fd, TICKDEV_IOC_CLEAR, NULL, "CLEAR");
		r->cleared = true;
		res->clears++;
		return;
	}
	if (tds_one_in(&r->rng, 200)) {
		tds_ioctl(r->fd, TICKDEV_IOC_GET_QUEUE_SIZE, &q, "GET_QUEUE_SIZE");
		return;
	}
	switch (r->mode) {
	case M_BLOCK:
		do_read(r);
		break;
	case M_NONBLOCK:
		if (!do_read(r))
			tds_sleep_us(tds_below(&r->rng, 2000));
		break;
	case M_POLL:
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, 100);
		if (n < 0 && errno != EINTR)
			err(1, "poll");
		if (n > 0 && (pfd.revents & ~(POLLIN | POLLRDNORM)))
			rfail(r, "poll revents 0x%x", pfd.revents);
		if (n > 0)
			do_read(r);
		break;
	case M_EPOLL:
		n = epoll_wait(r->epfd, &ee, 1, 100);
		if (n < 0 && errno != EINTR)
			err(1, "epoll_wait");
		if (n > 0 && (ee.events & ~(EPOLLIN | EPOLLRDNORM)))
			rfail(r, "epoll events 0x%x", ee.events);
		/* Edge-triggered: nothing more comes until the ring was emptied. */
		while (n > 0 && do_read(r) && r->et)
			;
		break;
	}
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct rres *res = &r->shm->rd[r->idx];
	int ph;

	r->buf = malloc(READ_BUF);
	if (!r->buf)
		err(1, "malloc");
	reader_open(r);
	refresh_hint(r);
	for (;;) {
		ph = atomic_load(&r->shm->phase);
		if (ph == PH_EXIT)
			break;
		if ((ph == PH_DRAIN1 || ph == PH_DRAIN2) && atomic_load(&res->ack) < ph) {
			drain_and_ack(r, ph);
			continue;
		}
		if (ph == PH_DRAIN1 || ph == PH_DRAIN2) {
			tds_sleep_us(1000);
			continue;
		}
		reader_step(r, ph == PH_RUN);
	}
	reader_close(r);
	free(r->buf);
	return NULL;
}

/*
 * The signaller of one process: random signals to its reader threads
 * while running, and SIGUSR2 until each acknowledges a drain phase (a
 * reader blocked in read() only notices the phase when interrupted).
 */
static void signaller(struct shm *shm, const struct opts *o, struct reader *rs, int n,
		      __u64 stream)
{
	struct tds_rng rng;
	int ph, i, sig;

	tds_seed(&rng, o->seed, stream);
	for (;;) {
		ph = atomic_load(&shm->phase);
		if (ph == PH_EXIT)
			return;
		if (ph == PH_DRAIN1 || ph == PH_DRAIN2) {
			for (i = 0; i < n; i++)
				if (atomic_load(&shm->rd[rs[i].idx].ack) < ph)
					pthread_kill(rs[i].tid, SIGUSR2);
			tds_sleep_us(2000);
			continue;
		}
		if (o->no_signals || !n) {
			tds_sleep_us(2000);
			continue;
		}
		i = (int)tds_below(&rng, n);
		sig = tds_one_in(&rng, 2) ? SIGUSR1 : SIGUSR2;
		/* ESRCH: the reader is on its way out. */
		errno = pthread_kill(rs[i].tid, sig);
		if (errno && errno != ESRCH)
			err(1, "pthread_kill");
		tds_sleep_us(tds_log_range(&rng, 50, 5000));
	}
}

static void start_readers(struct shm *shm, const struct opts *o, const unsigned char *pat,
			  struct reader *rs, int first, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		memset(&rs[i], 0, sizeof(rs[i]));
		rs[i].shm = shm;
		rs[i].o = o;
		rs[i].pat = pat;
		rs[i].idx = first + i;
		rs[i].fd = -1;
		tds_seed(&rs[i].rng, o->seed, 1000 + first + i);
		errno = pthread_create(&rs[i].tid, NULL, reader_main, &rs[i]);
		if (errno)
			err(1, "pthread_create reader");
	}
}

static void join_readers(struct reader *rs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		errno = pthread_join(rs[i].tid, NULL);
		if (errno)
			err(1, "pthread_join");
	}
}

/* A child process holding @n checked readers. */
static void reader_proc(struct shm *shm, const struct opts *o, const unsigned char *pat,
			int first, int n)
{
	struct reader *rs = calloc(n, sizeof(*rs));

	if (!rs)
		err(1, "calloc");
	start_readers(shm, o, pat, rs, first, n);
	signaller(shm, o, rs, n, 500 + first);
	join_readers(rs, n);
	free(rs);
	exit(0);
}

struct sigthread {
	struct shm *shm;
	const struct opts *o;
	struct reader *rs;
	int n;
	pthread_t tid;
};

static void *sigthread_main(void *arg)
{
	struct sigthread *s = arg;

	signaller(s->shm, s->o, s->rs, s->n, 499);
	return NULL;
}

/* Open/close storms: readers that come and go while events flow. */
struct storm {
	struct shm *shm;
	const struct opts *o;
	const unsigned char *pat;
	int id;
	pthread_t tid;
	__u64 opens, busy, bad;
	char first_bad[200];
};

static void *storm_main(void *arg)
{
	struct storm *s = arg;
	unsigned char *buf = malloc(READ_BUF);
	struct tds_rng rng;
	struct pollfd pfd;
	struct tickdev_event ev;
	char why[200];
	ssize_t got;
	size_t off;
	__u32 q;
	int fd;

	if (!buf)
		err(1, "malloc");
	tds_seed(&rng, s->o->seed, 300 + s->id);
	while (!atomic_load(&s->shm->stop_aux)) {
		fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0) {
			if (errno != EUSERS)
				err(1, "storm open");
			s->busy++;
			tds_sleep_us(200);
			continue;
		}
		s->opens++;
		switch (tds_below(&rng, 5)) {
		case 0:
			tds_sleep_us(tds_below(&rng, 3000));
			got = read(fd, buf, READ_BUF);
			if (got < 0 && errno != EAGAIN && errno != EINTR)
				err(1, "storm read");
			for (off = 0; got > 0 && off + sizeof(ev) <= (size_t)got;
			     off += TICKDEV_RECORD_SIZE(ev.frame_bytes)) {
				memcpy(&ev, buf + off, sizeof(ev));
				if (tds_check_payload(buf + off, s->pat, why, sizeof(why)) &&
				    !s->bad++)
					snprintf(s->first_bad, sizeof(s->first_bad), "%s", why);
			}
			break;
		case 1:
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, (int)tds_below(&rng, 3)) < 0 && errno != EINTR)
				err(1, "storm poll");
			break;
		case 2:
			tds_ioctl(fd, TICKDEV_IOC_GET_QUEUE_SIZE, &q, "GET_QUEUE_SIZE");
			break;
		case 3:
			tds_ioctl(fd, TICKDEV_IOC_CLEAR, NULL, "CLEAR");
			break;
		default:
			break;
		}
		if (close(fd))
			err(1, "storm close");
	}
	free(buf);
	return NULL;
}

/* Victims: processes blocked in read() that get SIGKILL. */
struct victims {
	struct shm *shm;
	const struct opts *o;
	pthread_t tid;
	__u64 kills;
	unsigned int bad;
	char first_bad[200];
};

static pid_t victim_spawn(unsigned char *buf, int kind)
{
	pid_t pid = fork();
	struct pollfd pfd;
	int fd;

	if (pid < 0)
		err(1, "fork victim");
	if (pid)
		return pid;
	/* Only system calls from here: this is a fork of a threaded process. */
	fd = open(TDS_DEV, O_RDWR | (kind == 1 ? O_NONBLOCK : 0));
	if (fd < 0)
		_exit(errno == EUSERS ? 0 : 2);
	for (;;) {
		if (kind == 1) {
			pfd.fd = fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				_exit(3);
		}
		if (read(fd, buf, READ_BUF) < 0 && errno != EINTR && errno != EAGAIN &&
		    errno != EINVAL)
			_exit(4);
	}
}

static void *victims_main(void *arg)
{
	struct victims *v = arg;
	pid_t pids[MAX_VICTIMS];
	unsigned char *buf = malloc(READ_BUF);
	struct tds_rng rng;
	unsigned int i, n = v->o->victims;
	int status;

	if (!buf)
		err(1, "malloc");
	tds_seed(&rng, v->o->seed, 400);
	for (i = 0; i < n; i++)
		pids[i] = victim_spawn(buf, (int)tds_below(&rng, 2));
	for (;;) {
		bool stop = atomic_load(&v->shm->stop_aux);

		if (!stop)
			tds_sleep_us(tds_log_range(&rng, 100, 50000));
		for (i = 0; i < n; i++) {
			if (!stop && !tds_one_in(&rng, n))
				continue;
			if (kill(pids[i], SIGKILL))
				err(1, "kill victim");
			if (waitpid(pids[i], &status, 0) != pids[i])
				err(1, "waitpid victim");
			if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) &&
			    !(WIFEXITED(status) && WEXITSTATUS(status) == 0) && !v->bad++)
				snprintf(v->first_bad, sizeof(v->first_bad),
					 "victim ended with status 0x%x (2 open, 3 poll, 4 read failed)",
					 status);
			v->kills++;
			if (!stop)
				pids[i] = victim_spawn(buf, (int)tds_below(&rng, 2));
		}
		if (stop)
			break;
	}
	free(buf);
	return NULL;
}

/* The controller's view of the device. */
struct ctl {
	struct shm *shm;
	const struct opts *o;
	struct tds_rng rng;
	int fd;
	bool running;
	bool reset_in_epoch;
	__u64 p0;
	unsigned int errors;
	__u64 n_start, n_stop, n_set, n_busy, n_inval, n_reset, n_clear;
	/* the accounting of the epoch in progress */
	__u64 o0, t_before, period;
	__u32 timer;
	/* for the watchdog: what the controller is doing, since when */
	atomic_ullong op_since;
	const char *op;
	struct tickdev_config cur;
};

static void __printf(2, 3)
cfail(struct ctl *c, const char *fmt, ...)
{
	va_list ap;

	c->errors++;
	printf("# FAIL controller: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void ctl_start(struct ctl *c)
{
	struct shm *shm = c->shm;
	__u32 n = atomic_load(&shm->nepochs);
	struct tickdev_stats st;
	struct epoch *E;

	if (n >= MAX_EPOCHS)
		return;
	tds_get_stats(c->fd, &st);
	c->p0 = st.produced;
	c->o0 = st.overruns;
	c->reset_in_epoch = false;
	E = &shm->ep[n];
	tds_get_config(c->fd, &E->cfg);
	c->period = E->cfg.period_ns;
	c->timer = E->cfg.timer;
	E->cfg_gen = atomic_load(&shm->cfg_gen);
	atomic_store(&E->last, -1);
	E->t_start = tds_now_ns();
	c->t_before = E->t_start;
	atomic_store(&shm->nepochs, n + 1);
	if (ioctl(c->fd, TICKDEV_IOC_START))
		err(1, "START");
	c->running = true;
	c->n_start++;
}

static void ctl_stop(struct ctl *c)
{
	struct shm *shm = c->shm;
	__u32 n = atomic_load(&shm->nepochs);
	struct tickdev_stats st;
	__u64 slots;

	if (ioctl(c->fd, TICKDEV_IOC_STOP))
		err(1, "STOP");
	c->n_stop++;
	if (!c->running)
		return;
	c->running = false;
	tds_get_stats(c->fd, &st);
	if (st.running)
		cfail(c, "GET_STATS after STOP says running");
	if (c->reset_in_epoch)
		return;
	atomic_store(&shm->ep[n - 1].last, (__s64)(st.produced - c->p0));
	/*
	 * Each period of the schedule is made or counted as an overrun at
	 * most once: together they cannot exceed the periods that fell due
	 * between START and the return of STOP.
	 */
	slots = (tds_now_ns() - c->t_before) / c->period + 1;
	/* timer_list callbacks can run early (reported apart): hrtimer only. */
	if (c->timer == TICKDEV_TIMER_HRTIMER &&
	    st.produced - c->p0 + st.overruns - c->o0 > slots)
		cfail(c,
		      "epoch %u (period %llu ns): %llu produced + %llu overruns, but only %llu periods fell due",
		      n - 1, (unsigned long long)c->period,
		      (unsigned long long)(st.produced - c->p0),
		      (unsigned long long)(st.overruns - c->o0), (unsigned long long)slots);
}

static void random_config(struct ctl *c, struct tickdev_config *cfg)
{
	const struct opts *o = c->o;
	struct tds_rng *r = &c->rng;
	__u64 lo;

	memset(cfg, 0, sizeof(*cfg));
	do {
		cfg->timer = (__u32)tds_below(r, TICKDEV_TIMER_NR);
	} while (!(o->timers & (1u << cfg->timer)));
	do {
		cfg->design = (__u32)tds_below(r, TICKDEV_DESIGN_NR);
	} while (!(o->designs & (1u << cfg->design)));
	do {
		cfg->fanout = (__u32)tds_below(r, TICKDEV_FANOUT_NR);
	} while (!(o->fanouts & (1u << cfg->fanout)));
	lo = cfg->timer == TICKDEV_TIMER_LIST ? o->list_min : o->min_period;
	if (lo < o->min_period)
		lo = o->min_period;
	if (cfg->design == TICKDEV_DESIGN_WORKQUEUE && lo < o->wq_min)
		lo = o->wq_min;
	cfg->period_ns = tds_log_range(r, lo, o->max_period > lo ? o->max_period : lo);
	cfg->ring_records = 1u << (1 + tds_below(r, 9));
	switch (tds_below(r, 6)) {
	case 0:
		cfg->frame_bytes = 0;
		break;
	case 1:
		cfg->frame_bytes = TICKDEV_FRAME_MAX;
		break;
	default:
		cfg->frame_bytes = (__u32)tds_log_range(r, 1, 4096);
		break;
	}
	if (cfg->design == TICKDEV_DESIGN_WORKQUEUE && cfg->frame_bytes > o->wq_max_frame)
		cfg->frame_bytes = o->wq_max_frame;
	while (cfg->ring_records > TICKDEV_RING_MIN &&
	       cfg->ring_records * TICKDEV_RECORD_SIZE(cfg->frame_bytes) > o->max_ring_bytes)
		cfg->ring_records >>= 1;
}

static void ctl_set_config(struct ctl *c)
{
	struct tickdev_config cfg;
	int bad = 0, ret;

	random_config(c, &cfg);
	if (tds_one_in(&c->rng, 8)) {
		bad = 1 + (int)tds_below(&c->rng, 4);
		if (bad == 1)
			cfg.reserved = 1;
		else if (bad == 2)
			cfg.ring_records = 3;
		else if (bad == 3)
			cfg.period_ns = TICKDEV_PERIOD_MIN_NS - 1;
		else
			cfg.frame_bytes = TICKDEV_FRAME_MAX + 1;
	}
	ret = ioctl(c->fd, TICKDEV_IOC_SET_CONFIG, &cfg) ? errno : 0;
	if (bad && ret != EINVAL)
		cfail(c, "SET_CONFIG with bad field %d: %s, expected EINVAL", bad, strerror(ret));
	else if (!bad && c->running && ret != EBUSY)
		cfail(c, "SET_CONFIG while running: %s, expected EBUSY", strerror(ret));
	else if (!bad && !c->running && ret)
		cfail(c, "SET_CONFIG period %llu timer %s design %s fanout %s ring %u frame %u: %s",
		      (unsigned long long)cfg.period_ns, tds_timer_name(cfg.timer),
		      tds_design_name(cfg.design), tds_fanout_name(cfg.fanout),
		      cfg.ring_records, cfg.frame_bytes, strerror(ret));
	if (ret == EBUSY)
		c->n_busy++;
	else if (ret == EINVAL)
		c->n_inval++;
	if (!ret) {
		atomic_fetch_add(&c->shm->cfg_gen, 1);
		c->n_set++;
		c->cur = cfg;
	}
}

static void ctl_chaos_step(struct ctl *c)
{
	unsigned int pick = (unsigned int)tds_below(&c->rng, 100);
	struct tickdev_stats st;
	__u32 v;

	atomic_store(&c->op_since, tds_now_ns());

	if (!c->running && pick < 45) {
		c->op = "START";
		ctl_start(c);
	} else if (c->running && pick < 20) {
		c->op = "STOP";
		ctl_stop(c);
	} else if (pick < 65) {
		c->op = "SET_CONFIG";
		ctl_set_config(c);
	} else if (pick < 72) {
		c->op = "RESET_STATS";
		tds_ioctl(c->fd, TICKDEV_IOC_RESET_STATS, NULL, "RESET_STATS");
		if (c->running)
			c->reset_in_epoch = true;
		c->n_reset++;
	} else if (pick < 80) {
		c->op = "CLEAR";
		tds_ioctl(c->fd, TICKDEV_IOC_CLEAR, NULL, "CLEAR");
		c->n_clear++;
	} else if (pick < 85) {
		c->op = "GET_STATS";
		tds_get_stats(c->fd, &st);
		tds_ioctl(c->fd, TICKDEV_IOC_GET_MAX_CAPACITY, &v, "GET_MAX_CAPACITY");
	}
	atomic_store(&c->op_since, 0);
	tds_sleep_us(tds_log_range(&c->rng, 100, c->running ? 200000 : 5000));
}

/* Wait until every checked reader acknowledged @ph. */
static bool wait_acks(struct ctl *c, int ph)
{
	__u64 end = tds_now_ns() + ACK_WAIT_NS;
	unsigned int i;

	for (i = 0; i < c->o->readers; i++) {
		while (atomic_load(&c->shm->rd[i].ack) < ph) {
			if (tds_now_ns() > end) {
				cfail(c, "reader %u did not drain within %llu s (mode %s)", i,
				      ACK_WAIT_NS / 1000000000ULL,
				      mode_names[c->shm->rd[i].mode]);
				return false;
			}
			tds_sleep_us(1000);
		}
	}
	return true;
}

/* The controller's own reader in the quiet epoch: count and audit. */
static void ctl_drain(struct ctl *c, const unsigned char *pat, __u64 *recs,
		      __u64 *drops, __u64 last)
{
	unsigned char *buf = malloc(READ_BUF);
	struct tickdev_event ev;
	__u64 prev = 0;
	char why[200];
	ssize_t got;
	size_t off;

	if (!buf)
		err(1, "malloc");
	for (;;) {
		got = read(c->fd, buf, READ_BUF);
		if (got < 0 && errno == EAGAIN)
			break;
		if (got <= 0)
			err(1, "controller drain read");
		for (off = 0; off < (size_t)got; off += TICKDEV_RECORD_SIZE(ev.frame_bytes)) {
			memcpy(&ev, buf + off, sizeof(ev));
			if (tds_check_payload(buf + off, pat, why, sizeof(why)))
				cfail(c, "own reader: %s", why);
			if (ev.seq != prev + 1 + ev.dropped)
				cfail(c, "own reader: seq %llu after %llu, dropped %u",
				      (unsigned long long)ev.seq, (unsigned long long)prev,
				      ev.dropped);
			prev = ev.seq;
			(*recs)++;
			*drops += ev.dropped;
		}
	}
	if (c->o->base.fanout == TICKDEV_FANOUT_BROADCAST && prev != last)
		cfail(c, "own reader ends at seq %llu, the producer made %llu",
		      (unsigned long long)prev, (unsigned long long)last);
	free(buf);
}

static void quiet_phase(struct ctl *c, const unsigned char *pat)
{
	struct shm *shm = c->shm;
	const struct opts *o = c->o;
	__u64 recs = 0, drops = 0, ctl_recs = 0, ctl_drops = 0, bits = 0, last;
	__u64 end, want_enq;
	struct tickdev_stats st;
	unsigned int i;

	if (!wait_acks(c, PH_DRAIN1))
		return;
	c->op = "the quiet phase's SET_CONFIG, RESET_STATS or START";
	c->cur = o->base;
	atomic_store(&c->op_since, tds_now_ns());
	if (ioctl(c->fd, TICKDEV_IOC_SET_CONFIG, &o->base))
		err(1, "SET_CONFIG (base config for the quiet phase)");
	atomic_fetch_add(&shm->cfg_gen, 1);
	tds_ioctl(c->fd, TICKDEV_IOC_RESET_STATS, NULL, "RESET_STATS");
	tds_get_stats(c->fd, &st);
	if (st.produced || st.enqueued || st.dropped || st.delivered || st.running)
		cfail(c,
		      "after STOP and RESET_STATS: produced %llu enqueued %llu dropped %llu delivered %llu running %u",
		      (unsigned long long)st.produced, (unsigned long long)st.enqueued,
		      (unsigned long long)st.dropped, (unsigned long long)st.delivered, st.running);
	if (st.readers != o->readers + 1)
		cfail(c, "%u readers open, expected %u (checked readers + controller)",
		      st.readers, o->readers + 1);

	atomic_store(&shm->quiet_epoch, atomic_load(&shm->nepochs));
	atomic_store(&shm->phase, PH_QUIET);
	ctl_start(c);
	/* Waiting for events is not a control ioctl: no watchdog. */
	atomic_store(&c->op_since, 0);
	end = tds_now_ns() + ACK_WAIT_NS;
	do {
		tds_sleep_us(10000);
		tds_get_stats(c->fd, &st);
	} while (st.produced < o->quiet_events && tds_now_ns() < end);
	c->op = "the quiet phase's STOP";
	atomic_store(&c->op_since, tds_now_ns());
	ctl_stop(c);
	atomic_store(&c->op_since, 0);
	atomic_store(&shm->phase, PH_DRAIN2);
	if (!wait_acks(c, PH_DRAIN2))
		return;
	last = (__u64)atomic_load(&shm->ep[atomic_load(&shm->quiet_epoch)].last);
	ctl_drain(c, pat, &ctl_recs, &ctl_drops, last);

	for (i = 0; i < o->readers; i++) {
		recs += shm->rd[i].q_records;
		drops += shm->rd[i].q_dropped;
	}
	for (i = 0; i < QUIET_BITS / 64; i++)
		bits += (__u64)__builtin_popcountll(atomic_load(&shm->qbits[i]));
	tds_get_stats(c->fd, &st);
	fprintf(stdout,
		"# quiet epoch: %s/%s/%s period %llu ns: produced %llu enqueued %llu delivered %llu dropped %llu overruns %llu; readers got %llu, told of %llu drops\n",
	       tds_timer_name(o->base.timer), tds_design_name(o->base.design),
	       tds_fanout_name(o->base.fanout), (unsigned long long)o->base.period_ns,
	       (unsigned long long)st.produced, (unsigned long long)st.enqueued,
	       (unsigned long long)st.delivered, (unsigned long long)st.dropped,
	       (unsigned long long)st.overruns, (unsigned long long)(recs + ctl_recs),
	       (unsigned long long)(drops + ctl_drops));
	if (st.produced != last)
		cfail(c, "produced %llu, the epoch log says %llu", (unsigned long long)st.produced,
		      (unsigned long long)last);
	if (st.enqueued != st.delivered + st.dropped)
		cfail(c, "enqueued %llu != delivered %llu + dropped %llu",
		      (unsigned long long)st.enqueued, (unsigned long long)st.delivered,
		      (unsigned long long)st.dropped);
	want_enq = o->base.fanout == TICKDEV_FANOUT_BROADCAST ?
		   st.produced * (o->readers + 1) : st.produced;
	if (st.enqueued != want_enq)
		cfail(c, "enqueued %llu, expected %llu for %llu events",
		      (unsigned long long)st.enqueued, (unsigned long long)want_enq,
		      (unsigned long long)st.produced);
	if (st.delivered != recs + ctl_recs)
		cfail(c, "delivered %llu, the readers got %llu", (unsigned long long)st.delivered,
		      (unsigned long long)(recs + ctl_recs));
	if (st.dropped != drops + ctl_drops)
		cfail(c, "dropped %llu, the readers were told of %llu",
		      (unsigned long long)st.dropped, (unsigned long long)(drops + ctl_drops));
	if (o->base.fanout == TICKDEV_FANOUT_SHARED && bits + drops != st.produced)
		cfail(c,
		      "shared: %llu distinct seqs delivered + %llu reported dropped != %llu produced",
		      (unsigned long long)bits, (unsigned long long)drops,
		      (unsigned long long)st.produced);
	if (!st.produced)
		cfail(c, "the quiet epoch produced nothing");
}

/* Print the kernel stacks of this process' tasks that are blocked. */
static void dump_blocked(void)
{
	char path[300], line[256], state;
	struct dirent *de;
	DIR *d = opendir("/proc/self/task");
	FILE *f;

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%*d %*s %c", &state) != 1)
			state = '?';
		fclose(f);
		if (state != 'D')
			continue;
		printf("# task %s blocked in:\n", de->d_name);
		snprintf(path, sizeof(path), "/proc/self/task/%s/stack", de->d_name);
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			printf("#   %s", line);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

struct watchdog {
	struct ctl *c;
	pthread_t tid;
	atomic_bool stop;
};

/*
 * A control ioctl that has not returned for a minute is a hang, not a
 * slow guest: say where everyone is blocked (the test fails), once.
 */
static void *watchdog_main(void *arg)
{
	struct watchdog *wd = arg;
	struct tickdev_config cfg;
	__u64 since;

	while (!atomic_load(&wd->stop)) {
		tds_sleep_us(1000000);
		since = atomic_load(&wd->c->op_since);
		if (!since || tds_now_ns() - since < 60000000000ULL)
			continue;
		wd->c->errors++;
		/* Not the debugfs status: it takes ctl_mutex too. */
		cfg = wd->c->cur;
		fprintf(stdout,
			"# FAIL controller: %s has been blocked for 60 s (config %s/%s/%s period %llu ns ring %u frame %u, %s); blocked tasks follow\n",
			wd->c->op, tds_timer_name(cfg.timer), tds_design_name(cfg.design),
			tds_fanout_name(cfg.fanout), (unsigned long long)cfg.period_ns,
			cfg.ring_records, cfg.frame_bytes,
			wd->c->running ? "running" : "stopped");
		dump_blocked();
		fflush(stdout);
		return NULL;
	}
	return NULL;
}

static int run_stress(const struct opts *o)
{
	struct shm *shm;
	unsigned char *pat;
	struct reader *rs;
	struct storm storms[MAX_STORMS];
	struct victims vic;
	struct sigthread st;
	struct watchdog wd;
	struct ctl c;
	pid_t pids[MAX_READERS];
	int nlocal = (int)(o->readers - o->procs * o->per_proc);
	unsigned int i, fails = 0;
	__u64 end, tot[9] = { 0 };
	char early[200] = "";
	int status;

	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		err(1, "mmap shared state");
	atomic_store(&shm->quiet_epoch, UINT32_MAX);
	pat = malloc(256 + TICKDEV_FRAME_MAX);
	if (!pat)
		err(1, "malloc");
	tds_pattern_init(pat);
	install_signals();

	memset(&c, 0, sizeof(c));
	c.shm = shm;
	c.o = o;
	tds_seed(&c.rng, o->seed, 1);
	c.fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (c.fd < 0)
		err(1, "open %s", TDS_DEV);
	tds_ioctl(c.fd, TICKDEV_IOC_STOP, NULL, "STOP");
	if (ioctl(c.fd, TICKDEV_IOC_SET_CONFIG, &o->base))
		err(1, "SET_CONFIG (base config)");
	c.cur = o->base;

	fprintf(stdout,
		"# stress: seed %llu, %u readers (%d threads here, %u processes x %u), %u victims, %u storms, %u s, base %s/%s/%s period %llu ns ring %u frame %u\n",
	       (unsigned long long)o->seed, o->readers, nlocal, o->procs, o->per_proc,
	       o->victims, o->storms, o->seconds, tds_timer_name(o->base.timer),
	       tds_design_name(o->base.design), tds_fanout_name(o->base.fanout),
	       (unsigned long long)o->base.period_ns, o->base.ring_records,
	       o->base.frame_bytes);
	fflush(stdout);

	for (i = 0; i < o->procs; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			err(1, "fork");
		if (!pids[i]) {
			close(c.fd);
			reader_proc(shm, o, pat, nlocal + (int)(i * o->per_proc), (int)o->per_proc);
		}
	}
	rs = calloc(nlocal, sizeof(*rs));
	if (!rs)
		err(1, "calloc");
	start_readers(shm, o, pat, rs, 0, nlocal);
	st = (struct sigthread){ .shm = shm, .o = o, .rs = rs, .n = nlocal };
	errno = pthread_create(&st.tid, NULL, sigthread_main, &st);
	if (errno)
		err(1, "pthread_create");
	for (i = 0; i < o->storms; i++) {
		storms[i] = (struct storm){ .shm = shm, .o = o, .pat = pat, .id = (int)i };
		errno = pthread_create(&storms[i].tid, NULL, storm_main, &storms[i]);
		if (errno)
			err(1, "pthread_create");
	}
	vic = (struct victims){ .shm = shm, .o = o };
	if (o->victims) {
		errno = pthread_create(&vic.tid, NULL, victims_main, &vic);
		if (errno)
			err(1, "pthread_create");
	}

	wd = (struct watchdog){ .c = &c };
	errno = pthread_create(&wd.tid, NULL, watchdog_main, &wd);
	if (errno)
		err(1, "pthread_create");

	/* Chaos, bounded by time and by count. */
	end = tds_now_ns() + (__u64)o->seconds * 1000000000ULL;
	for (i = 0; i < o->max_ops && tds_now_ns() < end; i++)
		ctl_chaos_step(&c);
	c.op = "the last STOP";
	atomic_store(&c.op_since, tds_now_ns());
	ctl_stop(&c);
	atomic_store(&c.op_since, 0);

	atomic_store(&shm->stop_aux, 1);
	for (i = 0; i < o->storms; i++) {
		errno = pthread_join(storms[i].tid, NULL);
		if (errno)
			err(1, "pthread_join");
	}
	if (o->victims) {
		errno = pthread_join(vic.tid, NULL);
		if (errno)
			err(1, "pthread_join");
	}
	atomic_store(&shm->phase, PH_DRAIN1);
	quiet_phase(&c, pat);

	atomic_store(&wd.stop, true);
	errno = pthread_join(wd.tid, NULL);
	if (errno)
		err(1, "pthread_join");

	/* The signaller goes first: it must not signal a joined thread. */
	atomic_store(&shm->phase, PH_EXIT);
	errno = pthread_join(st.tid, NULL);
	if (errno)
		err(1, "pthread_join");
	join_readers(rs, nlocal);
	for (i = 0; i < o->procs; i++) {
		if (waitpid(pids[i], &status, 0) != pids[i])
			err(1, "waitpid");
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("# FAIL reader process %u ended with status 0x%x\n", i, status);
			fails++;
		}
	}
	if (close(c.fd))
		err(1, "close");

	for (i = 0; i < o->readers; i++) {
		struct rres *r = &shm->rd[i];

		tot[8] += r->early;
		if (r->early && !early[0])
			snprintf(early, sizeof(early), "%s", r->first_early);
		tot[0] += r->records;
		tot[1] += r->reads;
		tot[2] += r->eintr;
		tot[3] += r->eagain;
		tot[4] += r->clears;
		tot[5] += r->reopens;
		tot[6] += r->einval;
		if (r->errors) {
			fails++;
			printf("# FAIL reader %u (%s): %llu errors, first: %s\n", i,
			       mode_names[r->mode], (unsigned long long)r->errors, r->first_err);
		}
	}
	fprintf(stdout,
		"# readers: %llu records audited in %llu reads; %llu EINTR, %llu EAGAIN, %llu EINVAL (record grew), %llu CLEARs, %llu reopens\n",
	       (unsigned long long)tot[0], (unsigned long long)tot[1], (unsigned long long)tot[2],
	       (unsigned long long)tot[3], (unsigned long long)tot[6], (unsigned long long)tot[4],
	       (unsigned long long)tot[5]);
	fprintf(stdout,
		"# controller: %u epochs, %llu STARTs, %llu STOPs, SET_CONFIG %llu ok / %llu EBUSY / %llu EINVAL, %llu RESET_STATS, %llu CLEARs\n",
	       atomic_load(&shm->nepochs), (unsigned long long)c.n_start,
	       (unsigned long long)c.n_stop, (unsigned long long)c.n_set,
	       (unsigned long long)c.n_busy, (unsigned long long)c.n_inval,
	       (unsigned long long)c.n_reset, (unsigned long long)c.n_clear);
	for (i = 0; i < o->storms; i++) {
		tot[7] += storms[i].opens;
		if (storms[i].bad) {
			fails++;
			printf("# FAIL storm %u: %s\n", i, storms[i].first_bad);
		}
	}
	if (tot[8]) {
		printf("# FAIL %llu records ran early, e.g. reader-side %s\n",
		       (unsigned long long)tot[8], early);
	}
	printf("# storms: %llu opens; victims: %llu SIGKILLed mid-read\n",
	       (unsigned long long)tot[7], (unsigned long long)vic.kills);
	if (vic.bad) {
		fails++;
		printf("# FAIL victims: %s\n", vic.first_bad);
	}
	fails += c.errors;
	free(rs);
	free(pat);
	printf("# %s\n",
	       fails ? "FAILED" : "all streams continuous, payloads whole, counters agree");
	/* Exit status: bit 0 stream or accounting failures, bit 2 early callbacks. */
	return (fails ? 1 : 0) | (tot[8] ? 4 : 0);
}

/* ---- load/unload cycles ---- */

static int load_module(const char *ko, const char *params)
{
	__u64 end;

	if (!tds_insmod(ko, params))
		err(1, "open %s", ko);
	/* Polled 1 ms apart, not tds_wait_node()'s 10 ms: --cycles waits less. */
	end = tds_now_ns() + 20000000000ULL;
	while (access(TDS_DEV, F_OK)) {
		if (tds_now_ns() > end)
			errx(1, "%s did not appear after insmod", TDS_DEV);
		tds_sleep_us(1000);
	}
	return 0;
}

static int unload_module(void)
{
	__u64 end = tds_now_ns() + 20000000000ULL;

	/* Loaded by us, so ENOENT is an error; polled 1 ms apart, as above. */
	while (!tds_rmmod_once(false)) {
		if (tds_now_ns() > end)
			errx(1, "rmmod tickdev: still busy after every reader closed");
		tds_sleep_us(1000);
	}
	return 0;
}

/* Read up to @want records from @fd (non-blocking), auditing continuity. */
static unsigned int cycle_read(int fd, unsigned char *buf, const unsigned char *pat,
			       unsigned int want, char *why, size_t len)
{
	struct tickdev_event ev;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	__u64 prev = 0, end = tds_now_ns() + 20000000000ULL;
	unsigned int got_recs = 0;
	ssize_t got;
	size_t off;

	while (got_recs < want) {
		if (poll(&pfd, 1, 1000) < 0)
			err(1, "poll");
		got = read(fd, buf, READ_BUF);
		if (got < 0 && errno == EAGAIN) {
			if (tds_now_ns() > end) {
				snprintf(why, len, "no records for 20 s (got %u)", got_recs);
				return got_recs;
			}
			continue;
		}
		if (got <= 0)
			err(1, "cycle read");
		for (off = 0; off < (size_t)got; off += TICKDEV_RECORD_SIZE(ev.frame_bytes)) {
			memcpy(&ev, buf + off, sizeof(ev));
			if (tds_check_payload(buf + off, pat, why, len))
				return got_recs;
			/* Opened while running: the first record may start anywhere. */
			if (prev && ev.seq != prev + 1 + ev.dropped) {
				snprintf(why, len, "seq %llu after %llu with dropped %u",
					 (unsigned long long)ev.seq, (unsigned long long)prev,
					 ev.dropped);
				return got_recs;
			}
			if (!prev && ev.seq < 1 + (__u64)ev.dropped) {
				snprintf(why, len, "first seq %llu with dropped %u",
					 (unsigned long long)ev.seq, ev.dropped);
				return got_recs;
			}
			prev = ev.seq;
			got_recs++;
		}
	}
	return got_recs;
}

static int run_cycles(const struct opts *o)
{
	static const char *const timers[] = { "hrtimer", "list" };
	static const char *const designs[] = { "workqueue", "spinlock" };
	static const char *const fanouts[] = { "broadcast", "shared" };
	unsigned char *buf = malloc(READ_BUF), *pat = malloc(256 + TICKDEV_FRAME_MAX);
	unsigned int i, j, n, fails = 0, refused = 0;
	__u64 records = 0;
	struct tds_rng rng;
	char params[256], why[200];
	int fds[8];

	if (!buf || !pat)
		err(1, "malloc");
	tds_pattern_init(pat);
	tds_seed(&rng, o->seed, 2);
	for (i = 0; i < o->cycles; i++) {
		unsigned int t = (unsigned int)tds_below(&rng, 4) == 0;
		__u64 period = t ? o->list_min :
			       tds_log_range(&rng, TICKDEV_PERIOD_MIN_NS, 1000000);

		snprintf(params, sizeof(params),
			 "autostart=1 timer=%s design=%s fanout=%s period_ns=%llu ring_records=%u frame_bytes=%u",
			 timers[t], designs[i % 3 == 2], fanouts[(i / 3) % 2],
			 (unsigned long long)period, 1u << (1 + tds_below(&rng, 8)),
			 (unsigned int)tds_below(&rng, 3) *
			 (unsigned int)tds_log_range(&rng, 1, 2000));
		load_module(o->ko, params);
		n = 1 + (unsigned int)tds_below(&rng, 4);
		for (j = 0; j < n; j++) {
			fds[j] = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
			if (fds[j] < 0)
				err(1, "open %s", TDS_DEV);
		}
		/* Only the first reader reads: in shared fan-out they compete. */
		why[0] = '\0';
		records += cycle_read(fds[0], buf, pat, 1 + (unsigned int)tds_below(&rng, 20),
				      why, sizeof(why));
		if (why[0]) {
			printf("# FAIL cycle %u (%s): %s\n", i, params, why);
			fails++;
		}
		if (i % 10 == 9) {
			if (!syscall(SYS_delete_module, "tickdev", O_NONBLOCK)) {
				printf("# FAIL cycle %u: rmmod succeeded with %u readers open\n",
				       i, n);
				fails++;
				break;
			}
			if (errno != EWOULDBLOCK && errno != EBUSY) {
				fprintf(stdout,
					"# FAIL cycle %u: rmmod with readers open: %s, expected EWOULDBLOCK\n",
				       i, strerror(errno));
				fails++;
			}
			refused++;
		}
		for (j = 0; j < n; j++)
			if (close(fds[j]))
				err(1, "close");
		unload_module();
	}
	fprintf(stdout,
		"# %u load/unload cycles with the timer running: %llu records audited, rmmod refused %u times while readers held the device\n",
	       i, (unsigned long long)records, refused);
	free(buf);
	free(pat);
	return fails ? 1 : 0;
}

/* ---- options ---- */

/* A comma list of names as a bit mask; *first gets the first name's index. */
static unsigned int parse_mask(const char *s, const char *const *names, unsigned int n,
			       __u32 *first)
{
	unsigned int mask = 0, i;
	char *dup = strdup(s), *tok, *save = NULL;

	if (!dup)
		err(1, "strdup");
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n; i++)
			if (!strcmp(tok, names[i]))
				break;
		if (i == n)
			errx(2, "unknown name '%s'", tok);
		if (!mask)
			*first = i;
		mask |= 1u << i;
	}
	free(dup);
	if (!mask)
		errx(2, "empty list '%s'", s);
	return mask;
}

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: tickdev_stress [options]          stress the loaded module\n"
		"       exit status: 0 pass, bit 0 a stream or counter failed, bit 2 a\n"
		"       timer callback ran before its expiry was due\n"
		"       tickdev_stress --cycles N --ko PATH load/unload N times\n"
		"\n"
		"  --seed N           PRNG seed (default 1)\n"
		"  --seconds S        chaos phase length (default 10)\n"
		"  --max-ops N        controller operations at most (default 1000000)\n"
		"  --readers N        checked readers (default 64, at most %d)\n"
		"  --procs N          child processes holding readers (default 8)\n"
		"  --per-proc N       readers per child process (default 4)\n"
		"  --victims N        processes SIGKILLed mid-read (default 4)\n"
		"  --storms N         open/close storm threads (default 2)\n"
		"  --timers LIST      timers SET_CONFIG picks from: list,hrtimer\n"
		"  --designs LIST     designs: spinlock,workqueue\n"
		"  --fanouts LIST     fan-outs: broadcast,shared\n"
		"                     the first of each list is the base config\n"
		"  --period-ns N      base period (default 1000000; list: --list-min-ns)\n"
		"  --min-period-ns N  shortest period SET_CONFIG picks (default 10000)\n"
		"  --max-period-ns N  longest (default 10000000)\n"
		"  --list-min-ns N    one jiffy: timer_list's shortest period (default 4000000)\n"
		"  --wq-min-period-ns N  shortest period for the workqueue design (default\n"
		"                     --min-period-ns)\n"
		"  --wq-max-frame N   largest frame_bytes for the workqueue design (default\n"
		"                     65536)\n"
		"  --ring N           base ring_records (default 256)\n"
		"  --frame N          base frame_bytes (default 100)\n"
		"  --quiet-events N   events in the audited quiet phase (default 2000)\n"
		"  --no-signals       no random signals\n"
		"  --cycles N         load/unload N times instead (needs --ko)\n"
		"  --ko PATH          the module for --cycles\n",
		MAX_READERS);
}

int main(int argc, char **argv)
{
	static const char *const timer_names[] = { "list", "hrtimer" };
	static const char *const design_names[] = { "spinlock", "workqueue" };
	static const char *const fanout_names[] = { "broadcast", "shared" };
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "seconds", required_argument, NULL, 'S' },
		{ "max-ops", required_argument, NULL, 'O' },
		{ "readers", required_argument, NULL, 'r' },
		{ "procs", required_argument, NULL, 'p' },
		{ "per-proc", required_argument, NULL, 'P' },
		{ "victims", required_argument, NULL, 'v' },
		{ "storms", required_argument, NULL, 'x' },
		{ "timers", required_argument, NULL, 't' },
		{ "designs", required_argument, NULL, 'd' },
		{ "fanouts", required_argument, NULL, 'f' },
		{ "period-ns", required_argument, NULL, 'n' },
		{ "min-period-ns", required_argument, NULL, 'm' },
		{ "max-period-ns", required_argument, NULL, 'M' },
		{ "list-min-ns", required_argument, NULL, 'j' },
		{ "wq-min-period-ns", required_argument, NULL, 'W' },
		{ "wq-max-frame", required_argument, NULL, 'Y' },
		{ "ring", required_argument, NULL, 'R' },
		{ "frame", required_argument, NULL, 'F' },
		{ "quiet-events", required_argument, NULL, 'q' },
		{ "no-signals", no_argument, NULL, 'N' },
		{ "cycles", required_argument, NULL, 'c' },
		{ "ko", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct opts o = {
		.seed = 1, .seconds = 10, .max_ops = 1000000, .readers = 64, .procs = 8,
		.per_proc = 4, .victims = 4, .storms = 2, .timers = 3, .designs = 3,
		.fanouts = 3, .min_period = TICKDEV_PERIOD_MIN_NS, .max_period = 10000000,
		.list_min = 4000000, .wq_min = TICKDEV_PERIOD_MIN_NS,
		.wq_max_frame = TICKDEV_FRAME_MAX, .max_ring_bytes = 1 << 20,
		.quiet_events = 2000,
	};
	__u64 period = 0;
	int ch;

	o.base.ring_records = 256;
	o.base.frame_bytes = 100;
	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.seed = tds_parse_u64(optarg, "--seed");
			break;
		case 'S':
			o.seconds = (unsigned int)tds_parse_u64(optarg, "--seconds");
			break;
		case 'O':
			o.max_ops = (unsigned int)tds_parse_u64(optarg, "--max-ops");
			break;
		case 'r':
			o.readers = (unsigned int)tds_parse_u64(optarg, "--readers");
			break;
		case 'p':
			o.procs = (unsigned int)tds_parse_u64(optarg, "--procs");
			break;
		case 'P':
			o.per_proc = (unsigned int)tds_parse_u64(optarg, "--per-proc");
			break;
		case 'v':
			o.victims = (unsigned int)tds_parse_u64(optarg, "--victims");
			break;
		case 'x':
			o.storms = (unsigned int)tds_parse_u64(optarg, "--storms");
			break;
		case 't':
			o.timers = parse_mask(optarg, timer_names, 2, &o.base.timer);
			break;
		case 'd':
			o.designs = parse_mask(optarg, design_names, 2, &o.base.design);
			break;
		case 'f':
			o.fanouts = parse_mask(optarg, fanout_names, 2, &o.base.fanout);
			break;
		case 'n':
			period = tds_parse_u64(optarg, "--period-ns");
			break;
		case 'm':
			o.min_period = tds_parse_u64(optarg, "--min-period-ns");
			break;
		case 'M':
			o.max_period = tds_parse_u64(optarg, "--max-period-ns");
			break;
		case 'j':
			o.list_min = tds_parse_u64(optarg, "--list-min-ns");
			break;
		case 'W':
			o.wq_min = tds_parse_u64(optarg, "--wq-min-period-ns");
			break;
		case 'Y':
			o.wq_max_frame = (__u32)tds_parse_u64(optarg, "--wq-max-frame");
			break;
		case 'R':
			o.base.ring_records = (__u32)tds_parse_u64(optarg, "--ring");
			break;
		case 'F':
			o.base.frame_bytes = (__u32)tds_parse_u64(optarg, "--frame");
			break;
		case 'q':
			o.quiet_events = (unsigned int)tds_parse_u64(optarg, "--quiet-events");
			break;
		case 'N':
			o.no_signals = true;
			break;
		case 'c':
			o.cycles = (unsigned int)tds_parse_u64(optarg, "--cycles");
			break;
		case 'k':
			o.ko = optarg;
			break;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			print_help(stderr);
			return 2;
		}
	}
	if (optind != argc)
		errx(2, "unexpected argument '%s' (see --help)", argv[optind]);
	if (o.cycles) {
		if (!o.ko)
			errx(2, "--cycles needs --ko PATH");
		return run_cycles(&o);
	}
	if (!o.readers || o.readers > MAX_READERS || o.procs * o.per_proc > o.readers)
		errx(2, "--readers must be 1..%d and at least --procs x --per-proc", MAX_READERS);
	if (o.victims > MAX_VICTIMS || o.storms > MAX_STORMS)
		errx(2, "--victims at most %d, --storms at most %d", MAX_VICTIMS, MAX_STORMS);
	if (o.min_period < TICKDEV_PERIOD_MIN_NS || o.max_period < o.min_period)
		errx(2, "periods must satisfy %llu <= --min-period-ns <= --max-period-ns",
		     TICKDEV_PERIOD_MIN_NS);
	o.base.period_ns = period ? period :
			   o.base.timer == TICKDEV_TIMER_LIST ? o.list_min : 1000000;
	return run_stress(&o);
}
