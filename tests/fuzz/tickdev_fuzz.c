// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev_fuzz - hostile input for /dev/tickdev, seeded and bounded.
 *
 *   worker threads (--threads)         controller thread
 *   each with its own fds and PRNG     START/STOP/SET_CONFIG at random
 *      |  ioctl: valid numbers with good and bad pointers, valid numbers
 *      |         with wrong size/direction bits, our magic with unknown
 *      |         numbers, random numbers
 *      |  read/readv: sizes 0, 1, record-1, record, odd, huge
 *      |  write, poll/epoll with random events, lseek, mmap, splice,
 *      |  fcntl, close/reopen with random flags
 *      v  pointers: NULL, kernel (0xffffffff81000000, direct map),
 *         non-canonical, an unmapped page, a PROT_NONE page, misaligned,
 *         the last bytes before a PROT_NONE page, or a good buffer
 *   /dev/tickdev
 *
 * Every result is checked against what the API promises (an oracle per
 * call): unknown ioctls -ENOTTY, bad pointers -EFAULT, out-of-range
 * configs -EINVAL, SET_CONFIG while running -EBUSY, write refused, poll
 * only ever EPOLLIN|EPOLLRDNORM, reads whole records with whole payloads.
 * A run is reproducible from --seed: each worker's sequence of calls is a
 * function of the seed and its index alone (what the device answers still
 * depends on timing; --threads 1 --no-controller is as deterministic as a
 * running timer allows).
 *
 * --verify afterwards proves the device still works: a fresh reader gets
 * seq 1.. continuously with whole payloads, and the counters balance.
 *
 * Pointers only ever point into the fuzzer's own scratch mappings or at
 * memory that cannot be written: a successful copy never lands anywhere
 * that matters.
 */
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#include "tdmodule.h"
#include "tdstress.h"

#define MAX_WORKERS	16
#define NFDS		4
#define SCRATCH_PAGES	24	/* room for the largest record, and more */

struct fopts {
	__u64 seed;
	__u64 count;
	unsigned int threads;
	bool controller;
	bool verify;
	bool verbose;
	__u64 jiffy_ns;
	__u64 max_ring_bytes;
	__u64 progress;
};

/* Pointers a call may get, prepared once per worker. */
struct arena {
	size_t page;
	unsigned char *good;	/* SCRATCH_PAGES read-write pages ... */
	unsigned char *guard;	/* ... followed by one PROT_NONE page */
	unsigned char *hole;	/* an address with nothing mapped */
};

struct worker {
	const struct fopts *o;
	const unsigned char *pat;
	int id;
	struct tds_rng rng;
	struct arena a;
	pthread_t tid;
	int fd[NFDS];
	int epfd;
	timer_t alarm;
	__u64 calls, bad;
	size_t rs;
	__u64 n_efault, n_enotty, n_einval, n_records;
	char first_bad[640];
	char last_call[200];
};

static void sig_nop(int sig)
{
	(void)sig;
}

static void __printf(2, 3)
wbad(struct worker *w, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->bad++;
	printf("# FAIL worker %d call %llu: %s: %s\n", w->id, (unsigned long long)w->calls,
	       w->last_call, msg);
	if (w->bad == 1)
		snprintf(w->first_bad, sizeof(w->first_bad), "%s: %s", w->last_call, msg);
}

static void arena_init(struct arena *a)
{
	unsigned char *p;

	a->page = (size_t)sysconf(_SC_PAGESIZE);
	p = mmap(NULL, (SCRATCH_PAGES + 1) * a->page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err(1, "mmap scratch");
	a->good = p;
	a->guard = p + SCRATCH_PAGES * a->page;
	if (mprotect(a->guard, a->page, PROT_NONE))
		err(1, "mprotect guard");
	p = mmap(NULL, a->page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		err(1, "mmap hole");
	if (munmap(p, a->page))
		err(1, "munmap hole");
	a->hole = p;
}

enum ptr_kind { P_GOOD, P_MISALIGNED, P_TAIL, P_NULL, P_KERNEL, P_DIRECTMAP, P_NONCANON,
		P_HOLE, P_GUARD, P_SMALL, P_RANDOM, P_NR };

static const char *const ptr_names[P_NR] = {
	"good", "misaligned", "tail", "NULL", "kernel-text", "direct-map", "non-canonical",
	"unmapped", "PROT_NONE", "small", "random",
};

/*
 * A pointer of kind @k with at least @need bytes usable behind it for the
 * good kinds.  P_TAIL leaves fewer than @need bytes before the guard page.
 */
static void *pick_ptr(struct worker *w, int k, size_t need)
{
	struct arena *a = &w->a;
	size_t room = SCRATCH_PAGES * a->page;
	__u64 r;

	switch (k) {
	case P_GOOD:
		if (need >= room)
			return a->good;
		return a->good + (tds_below(&w->rng, (room - need) / 8 + 1) * 8);
	case P_MISALIGNED:
		return a->good + 1 + tds_below(&w->rng, 7);
	case P_TAIL:
		/* Fewer than @need bytes (maybe none) before the guard page. */
		return a->guard - tds_below(&w->rng, need ? need : 1);
	case P_NULL:
		return NULL;
	case P_KERNEL:
		return (void *)(uintptr_t)(0xffffffff81000000ULL + tds_below(&w->rng, 1 << 20));
	case P_DIRECTMAP:
		return (void *)(uintptr_t)(0xffff888000000000ULL + tds_below(&w->rng, 1 << 24) * 8);
	case P_NONCANON:
		return (void *)(uintptr_t)(0x8000000000000000ULL | tds_next(&w->rng) >> 16);
	case P_HOLE:
		return a->hole + tds_below(&w->rng, a->page);
	case P_GUARD:
		return a->guard + tds_below(&w->rng, a->page);
	case P_SMALL:
		return (void *)(uintptr_t)tds_below(&w->rng, 65536);
	default:
		/* Random but never one of our own writable mappings. */
		r = tds_next(&w->rng);
		if (r >= (uintptr_t)a->good - room && r < (uintptr_t)a->guard + room)
			r = 0;
		return (void *)(uintptr_t)r;
	}
}

static int pick_kind(struct worker *w)
{
	/* Half the calls get a usable buffer, so valid paths run too. */
	if (tds_one_in(&w->rng, 2))
		return tds_one_in(&w->rng, 4) ? P_MISALIGNED : P_GOOD;
	return (int)tds_below(&w->rng, P_NR);
}

static bool ptr_ok(int k)
{
	return k == P_GOOD || k == P_MISALIGNED;
}

static const unsigned int valid_cmds[] = {
	TICKDEV_IOC_START, TICKDEV_IOC_STOP, TICKDEV_IOC_GET_CONFIG, TICKDEV_IOC_SET_CONFIG,
	TICKDEV_IOC_GET_STATS, TICKDEV_IOC_RESET_STATS, TICKDEV_IOC_CLEAR,
	TICKDEV_IOC_GET_QUEUE_SIZE, TICKDEV_IOC_GET_MAX_CAPACITY, TICKDEV_IOC_GET_API_VERSION,
};

#define NVALID ARRAY_SIZE(valid_cmds)

static bool is_valid_cmd(unsigned int cmd)
{
	size_t i;

	for (i = 0; i < NVALID; i++)
		if (valid_cmds[i] == cmd)
			return true;
	return false;
}

/*
 * ioctl types the VFS answers itself (FIOCLEX, FIONBIO, FIFREEZE, FICLONE,
 * FS_IOC_*, FIBMAP...): they never reach the driver, and some act on the
 * filesystem, so random numbers avoid them.
 */
static bool vfs_type(unsigned int cmd)
{
	unsigned int t = _IOC_TYPE(cmd);

	return t == 0x00 || t == 'T' || t == 'X' || t == 'f' || t == 0x94 || t == 0x12;
}

struct fuzz_cfg_ctx {
	__u64 jiffy_ns;
	__u64 max_ring_bytes;
};

static __u64 roundup_pow2(__u64 v)
{
	__u64 p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

/* What the driver's config check must say about @c (true: valid). */
static bool config_valid(const struct fuzz_cfg_ctx *ctx, const struct tickdev_config *c)
{
	if (c->period_ns < TICKDEV_PERIOD_MIN_NS || c->period_ns > TICKDEV_PERIOD_MAX_NS)
		return false;
	if (c->timer >= TICKDEV_TIMER_NR || c->design >= TICKDEV_DESIGN_NR ||
	    c->fanout >= TICKDEV_FANOUT_NR || c->reserved)
		return false;
	if (c->timer == TICKDEV_TIMER_LIST && c->period_ns < ctx->jiffy_ns)
		return false;
	if (c->ring_records < TICKDEV_RING_MIN || c->ring_records > TICKDEV_RING_MAX ||
	    (c->ring_records & (c->ring_records - 1)))
		return false;
	if (c->frame_bytes > TICKDEV_FRAME_MAX)
		return false;
	return roundup_pow2((__u64)c->ring_records * TICKDEV_RECORD_SIZE(c->frame_bytes)) <=
	       ctx->max_ring_bytes;
}

/*
 * A config that is valid, or off in one field, or random bytes.  Valid
 * ones keep the period >= 500 us and the rings small, so the guest stays
 * responsive and memory bounded while a million calls go by.
 */
static void fuzz_config(struct tds_rng *r, const struct fuzz_cfg_ctx *ctx,
			struct tickdev_config *c)
{
	unsigned int i;

	if (tds_one_in(r, 8)) {
		unsigned char *b = (unsigned char *)c;

		for (i = 0; i < sizeof(*c); i++)
			b[i] = (unsigned char)tds_next(r);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->timer = (__u32)tds_below(r, TICKDEV_TIMER_NR);
	c->design = (__u32)tds_below(r, TICKDEV_DESIGN_NR);
	c->fanout = (__u32)tds_below(r, TICKDEV_FANOUT_NR);
	c->period_ns = tds_log_range(r, c->timer == TICKDEV_TIMER_LIST ? ctx->jiffy_ns : 500000,
				     20000000);
	c->frame_bytes = tds_one_in(r, 3) ? 0 : (__u32)tds_log_range(r, 1, TICKDEV_FRAME_MAX);
	/* Big frames are copied per reader per event: keep them slow. */
	if (c->frame_bytes > 4096 && c->period_ns < 5000000)
		c->period_ns = 5000000;
	c->ring_records = 1u << (1 + tds_below(r, 10));
	while (c->ring_records > 2 &&
	       roundup_pow2((__u64)c->ring_records * TICKDEV_RECORD_SIZE(c->frame_bytes)) >
	       ctx->max_ring_bytes)
		c->ring_records >>= 1;
	switch (tds_below(r, 12)) {
	case 0:
		c->period_ns = tds_below(r, 2) ? TICKDEV_PERIOD_MIN_NS - 1 - tds_below(r, 9999) :
			       TICKDEV_PERIOD_MAX_NS + 1 + tds_below(r, 1000);
		break;
	case 1:
		c->timer = TICKDEV_TIMER_NR + (__u32)tds_below(r, 1000);
		break;
	case 2:
		c->design = TICKDEV_DESIGN_NR + (__u32)tds_next(r);
		break;
	case 3:
		c->fanout = (__u32)tds_next(r) | TICKDEV_FANOUT_NR;
		break;
	case 4:
		c->ring_records = tds_below(r, 2) ? (__u32)tds_below(r, 2) :
				  c->ring_records + 1 + (__u32)tds_below(r, 5);
		break;
	case 5:
		c->ring_records = TICKDEV_RING_MAX << (1 + tds_below(r, 4));
		break;
	case 6:
		c->frame_bytes = TICKDEV_FRAME_MAX + 1 + (__u32)tds_below(r, 100000);
		break;
	case 7:
		c->reserved = 1u << tds_below(r, 32);
		break;
	case 8:
		c->timer = TICKDEV_TIMER_LIST;
		c->period_ns = TICKDEV_PERIOD_MIN_NS +
			       tds_below(r, ctx->jiffy_ns - TICKDEV_PERIOD_MIN_NS);
		break;
	case 9:
		c->frame_bytes = TICKDEV_FRAME_MAX;
		c->ring_records = TICKDEV_RING_MAX;	/* over max_ring_kib */
		break;
	default:
		break;
	}
}

/* The errno of a failed call, or 0. */
static int res_errno(long ret)
{
	return ret < 0 ? errno : 0;
}

static void expect_errno(struct worker *w, long ret, int want, const char *why)
{
	int e = res_errno(ret);

	if (ret >= 0 && want)
		wbad(w, "returned %ld, expected %s (%s)", ret, strerror(want), why);
	else if (ret < 0 && e != want)
		wbad(w, "failed with %s, expected %s (%s)", strerror(e),
		     want ? strerror(want) : "success", why);
}

static void fuzz_ioctl(struct worker *w, int fd, const struct fuzz_cfg_ctx *ctx)
{
	unsigned int cmd, pick = (unsigned int)tds_below(&w->rng, 10);
	struct tickdev_config cfg;
	int k = pick_kind(w);
	size_t sz;
	void *arg;
	long ret;
	int e;

	if (pick < 5) {
		cmd = valid_cmds[tds_below(&w->rng, NVALID)];
	} else if (pick < 7) {
		/* Our number, other size or direction bits. */
		cmd = valid_cmds[tds_below(&w->rng, NVALID)];
		cmd = _IOC(tds_below(&w->rng, 4), _IOC_TYPE(cmd), _IOC_NR(cmd),
			   tds_one_in(&w->rng, 2) ? tds_below(&w->rng, 128) :
			   tds_below(&w->rng, _IOC_SIZEMASK + 1));
	} else if (pick < 9) {
		cmd = _IOC(tds_below(&w->rng, 4), TICKDEV_IOC_MAGIC, tds_below(&w->rng, 256),
			   tds_below(&w->rng, 256));
	} else {
		do {
			cmd = (unsigned int)tds_next(&w->rng);
		} while (vfs_type(cmd));
	}
	sz = is_valid_cmd(cmd) ? _IOC_SIZE(cmd) : _IOC_SIZE(cmd) ? _IOC_SIZE(cmd) : 64;
	arg = pick_ptr(w, k, sz);
	if (cmd == TICKDEV_IOC_SET_CONFIG && (ptr_ok(k))) {
		fuzz_config(&w->rng, ctx, &cfg);
		memcpy(arg, &cfg, sizeof(cfg));
	}
	snprintf(w->last_call, sizeof(w->last_call), "ioctl(fd, 0x%08x, %s %p)", cmd,
		 ptr_names[k], arg);
	if (w->o->verbose)
		printf("w%d %llu %s\n", w->id, (unsigned long long)w->calls, w->last_call);
	ret = ioctl(fd, cmd, arg);
	e = res_errno(ret);
	if (e == EFAULT)
		w->n_efault++;
	if (e == ENOTTY)
		w->n_enotty++;
	if (e == EINVAL)
		w->n_einval++;

	if (!is_valid_cmd(cmd)) {
		expect_errno(w, ret, ENOTTY, "not one of tickdev's ioctls");
		return;
	}
	switch (cmd) {
	case TICKDEV_IOC_START:
		if (ret && e != EBUSY)
			wbad(w, "START: %s, expected success or EBUSY", strerror(e));
		break;
	case TICKDEV_IOC_STOP:
	case TICKDEV_IOC_RESET_STATS:
	case TICKDEV_IOC_CLEAR:
		expect_errno(w, ret, 0, "takes no argument");
		break;
	case TICKDEV_IOC_SET_CONFIG:
		if (!ptr_ok(k))
			expect_errno(w, ret, EFAULT, "config pointer unreadable");
		else if (!config_valid(ctx, &cfg))
			expect_errno(w, ret, EINVAL, "config out of range");
		else if (ret && e != EBUSY)
			wbad(w,
			     "SET_CONFIG of a valid config: %s, expected success or EBUSY (period %llu timer %u design %u fanout %u ring %u frame %u)",
			     strerror(e), (unsigned long long)cfg.period_ns, cfg.timer, cfg.design,
			     cfg.fanout, cfg.ring_records, cfg.frame_bytes);
		break;
	default:
		expect_errno(w, ret, ptr_ok(k) ? 0 : EFAULT, ptr_ok(k) ? "good buffer" :
			     "unwritable buffer");
		break;
	}
}

/*
 * A read's result: whole records, whole payloads, or an allowed error.
 * @k is P_GOOD only when all @size bytes at @buf are writable; P_TAIL
 * when only some are.
 */
static void check_read(struct worker *w, long ret, int k, size_t size, const unsigned char *buf)
{
	struct tickdev_event ev;
	size_t off, rs;
	char why[200];
	int e = res_errno(ret);

	if (ret < 0) {
		if (e == EINVAL) {
			w->n_einval++;
			if (size >= TDS_MAX_RECORD)
				wbad(w, "EINVAL for a %zu-byte buffer, room for any record", size);
		} else if (e == EFAULT) {
			w->n_efault++;
			if (ptr_ok(k))
				wbad(w, "EFAULT for a good buffer");
		} else if (e != EAGAIN && e != EINTR) {
			wbad(w, "read failed with %s", strerror(e));
		}
		return;
	}
	if (ret == 0 || (size_t)ret > size || ret % 8) {
		wbad(w, "read(%zu) returned %ld", size, ret);
		return;
	}
	if (!ptr_ok(k)) {
		/* A partly writable buffer: the driver stops at the fault. */
		if (k != P_TAIL)
			wbad(w, "read into an unwritable buffer returned %ld", ret);
		return;
	}
	for (off = 0; off < (size_t)ret; off += rs) {
		memcpy(&ev, buf + off, sizeof(ev));
		rs = TICKDEV_RECORD_SIZE(ev.frame_bytes);
		if (ev.frame_bytes > TICKDEV_FRAME_MAX || off + rs > (size_t)ret) {
			wbad(w, "record at %zu of %ld bytes cut (frame %u)", off, ret,
			     ev.frame_bytes);
			return;
		}
		if (tds_check_payload(buf + off, w->pat, why, sizeof(why))) {
			wbad(w, "%s", why);
			return;
		}
		w->n_records++;
	}
}

static size_t pick_size(struct worker *w, int fd)
{
	struct tickdev_config cfg;
	size_t rs;

	/* The record size as of recently: the controller changes it. */
	if (!w->rs || tds_one_in(&w->rng, 32)) {
		if (ioctl(fd, TICKDEV_IOC_GET_CONFIG, &cfg))
			cfg.frame_bytes = 0;
		w->rs = TICKDEV_RECORD_SIZE(cfg.frame_bytes);
	}
	rs = w->rs;
	switch (tds_below(&w->rng, 9)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return rs - 1;
	case 3:
		return rs;
	case 4:
		return rs + 1 + tds_below(&w->rng, rs);
	case 5:
		return (size_t)1 << (20 + tds_below(&w->rng, 44));	/* huge */
	case 6:
		return SIZE_MAX - tds_below(&w->rng, 16);
	case 7:
		return 2 * tds_below(&w->rng, 5000) + 1;	/* odd */
	default:
		return tds_below(&w->rng, SCRATCH_PAGES * 4096);
	}
}

static void arm_alarm(struct worker *w, bool on)
{
	struct itimerspec its = { .it_value = { 0, on ? 1000000 : 0 } };

	if (timer_settime(w->alarm, 0, &its, NULL))
		err(1, "timer_settime");
}

static void fuzz_read(struct worker *w, int fd, bool vec)
{
	int k = pick_kind(w), fl = fcntl(fd, F_GETFL);
	size_t size = pick_size(w, fd);
	unsigned char *buf;
	struct iovec iov[4];
	bool blocking;
	int i, n = 0;
	long ret;

	if (fl < 0)
		err(1, "fcntl F_GETFL");
	blocking = !(fl & O_NONBLOCK);
	buf = pick_ptr(w, k, size);
	/*
	 * A huge size with a good pointer runs into the guard page: the
	 * driver must stop there (EFAULT or what it copied before).
	 */
	if (ptr_ok(k) && (size > (size_t)(w->a.guard - buf)))
		k = P_TAIL;
	if (vec) {
		n = 1 + (int)tds_below(&w->rng, 4);
		for (i = 0; i < n; i++) {
			iov[i].iov_base = pick_ptr(w, pick_kind(w), 64);
			iov[i].iov_len = tds_below(&w->rng, 2 * TDS_MAX_RECORD);
		}
		snprintf(w->last_call, sizeof(w->last_call), "readv(fd, %d iovecs)", n);
	} else {
		snprintf(w->last_call, sizeof(w->last_call), "read(fd, %s %p, %zu)",
			 ptr_names[k], (void *)buf, size);
	}
	if (w->o->verbose)
		printf("w%d %llu %s\n", w->id, (unsigned long long)w->calls, w->last_call);
	if (blocking)
		arm_alarm(w, true);
	ret = vec ? readv(fd, iov, n) : read(fd, buf, size);
	i = errno;
	if (blocking)
		arm_alarm(w, false);
	errno = i;
	if (vec) {
		/* Any iovec may be bad; only the errno class is checked. */
		if (ret < 0 && errno != EFAULT && errno != EINVAL && errno != EAGAIN &&
		    errno != EINTR && errno != EBADF)
			wbad(w, "readv failed with %s", strerror(errno));
		return;
	}
	if ((fl & O_ACCMODE) == O_WRONLY) {
		expect_errno(w, ret, EBADF, "opened O_WRONLY");
		return;
	}
	check_read(w, ret, k, size, buf);
}

static void fuzz_poll(struct worker *w, int fd)
{
	struct pollfd p = { .fd = fd, .events = (short)tds_next(&w->rng) };
	struct epoll_event ee = { .events = (__u32)tds_next(&w->rng) };
	int ret;

	if (tds_one_in(&w->rng, 2)) {
		snprintf(w->last_call, sizeof(w->last_call), "poll(events 0x%x)",
			 (unsigned short)p.events);
		ret = poll(&p, 1, 0);
		if (ret < 0 && errno != EINTR)
			wbad(w, "poll: %s", strerror(errno));
		if (ret > 0 && (p.revents & ~(POLLIN | POLLRDNORM)))
			wbad(w, "poll revents 0x%x: only POLLIN|POLLRDNORM are possible",
			     (unsigned short)p.revents);
		return;
	}
	/* EPOLLEXCLUSIVE is only valid on ADD; the kernel says EINVAL otherwise. */
	ee.events &= ~(EPOLLWAKEUP);
	snprintf(w->last_call, sizeof(w->last_call), "epoll_ctl(events 0x%x)", ee.events);
	ret = epoll_ctl(w->epfd, (int)(1 + tds_below(&w->rng, 3)), fd, &ee);
	if (ret && errno != EEXIST && errno != ENOENT && errno != EINVAL)
		wbad(w, "epoll_ctl: %s", strerror(errno));
	ret = epoll_wait(w->epfd, &ee, 1, 0);
	if (ret < 0 && errno != EINTR)
		wbad(w, "epoll_wait: %s", strerror(errno));
	if (ret > 0 && (ee.events & ~(EPOLLIN | EPOLLRDNORM)))
		wbad(w, "epoll_wait events 0x%x: only EPOLLIN|EPOLLRDNORM are possible",
		     ee.events);
}

static void reopen(struct worker *w, int i)
{
	static const int accmodes[] = { O_RDONLY, O_WRONLY, O_RDWR };
	int flags = accmodes[tds_below(&w->rng, 3)] | O_CLOEXEC;
	int fd;

	if (tds_one_in(&w->rng, 2))
		flags |= O_NONBLOCK;
	if (tds_one_in(&w->rng, 8))
		flags |= O_APPEND;
	if (tds_one_in(&w->rng, 16))
		flags |= O_DIRECTORY;
	if (tds_one_in(&w->rng, 16))
		flags |= O_CREAT | O_EXCL;
	if (w->fd[i] >= 0 && close(w->fd[i]))
		wbad(w, "close: %s", strerror(errno));
	snprintf(w->last_call, sizeof(w->last_call), "open(flags 0x%x)", flags);
	fd = open(TDS_DEV, flags, 0600);
	if (fd < 0) {
		if (!((flags & (O_DIRECTORY | O_EXCL)) &&
		      (errno == ENOTDIR || errno == EEXIST || errno == EINVAL)) &&
		    errno != EUSERS)
			wbad(w, "open: %s", strerror(errno));
		fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0 && errno != EUSERS)
			err(1, "open %s", TDS_DEV);
	} else if ((flags & O_DIRECTORY) || (flags & O_EXCL)) {
		wbad(w, "open succeeded with O_DIRECTORY or O_CREAT|O_EXCL");
	}
	w->fd[i] = fd;
}

static void fuzz_other(struct worker *w, int fd)
{
	int k = pick_kind(w), p[2];
	size_t size = tds_below(&w->rng, 8192);
	void *buf = pick_ptr(w, k, size), *m;
	long ret;
	int fl;

	switch (tds_below(&w->rng, 6)) {
	case 0:
		snprintf(w->last_call, sizeof(w->last_call), "write(fd, %s, %zu)",
			 ptr_names[k], size);
		ret = write(fd, buf, size);
		if (ret >= 0 || (errno != EINVAL && errno != EBADF))
			wbad(w, "write returned %ld (%s), expected EINVAL or EBADF", ret,
			     ret < 0 ? strerror(errno) : "");
		break;
	case 1:
		snprintf(w->last_call, sizeof(w->last_call), "lseek");
		ret = lseek(fd, (off_t)tds_next(&w->rng), (int)tds_below(&w->rng, 5));
		if (ret >= 0 || errno != ESPIPE)
			wbad(w, "lseek returned %ld (%s), expected ESPIPE", ret,
			     ret < 0 ? strerror(errno) : "");
		break;
	case 2:
		snprintf(w->last_call, sizeof(w->last_call), "mmap");
		m = mmap(NULL, w->a.page, PROT_READ, MAP_SHARED, fd, 0);
		if (m != MAP_FAILED) {
			wbad(w, "mmap of the device succeeded");
			munmap(m, w->a.page);
		} else if (errno != ENODEV && errno != EACCES) {
			wbad(w, "mmap failed with %s, expected ENODEV", strerror(errno));
		}
		break;
	case 3:
		snprintf(w->last_call, sizeof(w->last_call), "splice to a pipe");
		if (pipe2(p, O_NONBLOCK | O_CLOEXEC))
			err(1, "pipe2");
		ret = splice(fd, NULL, p[1], NULL, size, SPLICE_F_NONBLOCK);
		if (ret > 0 || (ret < 0 && errno != EINVAL && errno != EBADF))
			wbad(w, "splice returned %ld (%s), expected EINVAL or EBADF", ret,
			     ret < 0 ? strerror(errno) : "");
		if (ret > 0)
			wbad(w, "splice moved %ld bytes from a device with no splice_read", ret);
		if (close(p[0]) || close(p[1]))
			err(1, "close pipe");
		break;
	case 4:
		snprintf(w->last_call, sizeof(w->last_call), "fcntl O_NONBLOCK");
		fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl ^ O_NONBLOCK))
			wbad(w, "fcntl: %s", strerror(errno));
		break;
	default:
		snprintf(w->last_call, sizeof(w->last_call), "pread");
		ret = pread(fd, w->a.good, TDS_MAX_RECORD, (off_t)tds_below(&w->rng, 4096));
		if (ret >= 0 || errno != ESPIPE)
			wbad(w, "pread returned %ld (%s), expected ESPIPE", ret,
			     ret < 0 ? strerror(errno) : "");
		break;
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct fuzz_cfg_ctx ctx = { w->o->jiffy_ns, w->o->max_ring_bytes };
	struct sigevent sev;
	__u64 quota = w->o->count / w->o->threads;
	unsigned int pick;
	int i, fd;

	arena_init(&w->a);
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGUSR1;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->alarm))
		err(1, "timer_create");
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		err(1, "epoll_create1");
	for (i = 0; i < NFDS; i++) {
		w->fd[i] = -1;
		reopen(w, i);
	}
	for (w->calls = 0; w->calls < quota; w->calls++) {
		i = (int)tds_below(&w->rng, NFDS);
		fd = w->fd[i];
		if (fd < 0) {
			reopen(w, i);
			continue;
		}
		pick = (unsigned int)tds_below(&w->rng, 100);
		if (pick < 40)
			fuzz_ioctl(w, fd, &ctx);
		else if (pick < 70)
			fuzz_read(w, fd, pick >= 66);
		else if (pick < 85)
			fuzz_poll(w, fd);
		else if (pick < 97)
			fuzz_other(w, fd);
		else
			reopen(w, i);
		if (w->id == 0 && w->o->progress && w->calls && !(w->calls % w->o->progress))
			printf("# worker 0: %llu calls\n", (unsigned long long)w->calls);
	}
	for (i = 0; i < NFDS; i++)
		if (w->fd[i] >= 0 && close(w->fd[i]))
			err(1, "close");
	if (close(w->epfd))
		err(1, "close");
	if (timer_delete(w->alarm))
		err(1, "timer_delete");
	return NULL;
}

struct fctl {
	const struct fopts *o;
	atomic_bool stop;
	pthread_t tid;
	__u64 ops;
};

/* START/STOP and valid SET_CONFIGs while the workers run. */
static void *fctl_main(void *arg)
{
	struct fctl *c = arg;
	struct fuzz_cfg_ctx ctx = { c->o->jiffy_ns, c->o->max_ring_bytes };
	struct tickdev_config cfg;
	struct tds_rng rng;
	int fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		err(1, "open %s", TDS_DEV);
	tds_seed(&rng, c->o->seed, 7);
	while (!atomic_load(&c->stop)) {
		switch (tds_below(&rng, 4)) {
		case 0:
			if (ioctl(fd, TICKDEV_IOC_START) && errno != EBUSY)
				err(1, "START");
			break;
		case 1:
			tds_ioctl(fd, TICKDEV_IOC_STOP, NULL, "STOP");
			break;
		case 2:
			fuzz_config(&rng, &ctx, &cfg);
			if (ioctl(fd, TICKDEV_IOC_SET_CONFIG, &cfg) && errno != EBUSY &&
			    errno != EINVAL)
				err(1, "SET_CONFIG");
			break;
		default:
			tds_ioctl(fd, TICKDEV_IOC_CLEAR, NULL, "CLEAR");
			break;
		}
		c->ops++;
		tds_sleep_us(tds_log_range(&rng, 100, 20000));
	}
	if (close(fd))
		err(1, "close");
	return NULL;
}

/*
 * After the storm: one fresh reader, a known config, seq 1.. continuous
 * and whole, and the counters balanced once stopped and drained.
 */
static int check_device(const struct fopts *o, const unsigned char *pat, __u32 timer,
			__u32 design, __u32 fanout)
{
	struct tickdev_config cfg = {
		.period_ns = timer == TICKDEV_TIMER_LIST ? o->jiffy_ns : 500000,
		.timer = timer, .design = design, .fanout = fanout,
		.ring_records = 1024, .frame_bytes = 100,
	};
	size_t buflen = 64 * TICKDEV_RECORD_SIZE(100);
	unsigned char *buf = malloc(buflen);
	__u64 prev = 0, recs = 0, drops = 0, end;
	struct pollfd pfd;
	struct tickdev_event ev;
	struct tickdev_stats st;
	char why[200];
	unsigned int want = 300;
	int fails = 0, fd;
	ssize_t got;
	size_t off;

	if (!buf)
		err(1, "malloc");
	fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		err(1, "open %s", TDS_DEV);
	tds_ioctl(fd, TICKDEV_IOC_STOP, NULL, "STOP");
	tds_ioctl(fd, TICKDEV_IOC_SET_CONFIG, &cfg, "SET_CONFIG");
	tds_ioctl(fd, TICKDEV_IOC_RESET_STATS, NULL, "RESET_STATS");
	tds_ioctl(fd, TICKDEV_IOC_START, NULL, "START");
	end = tds_now_ns() + 60000000000ULL;
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (recs < want && tds_now_ns() < end) {
		if (poll(&pfd, 1, 1000) < 0)
			err(1, "poll");
		got = read(fd, buf, buflen);
		if (got < 0 && errno == EAGAIN)
			continue;
		if (got <= 0)
			err(1, "read");
		for (off = 0; off < (size_t)got; off += TICKDEV_RECORD_SIZE(100)) {
			memcpy(&ev, buf + off, sizeof(ev));
			if (tds_check_payload(buf + off, pat, why, sizeof(why)) && !fails++)
				printf("# FAIL after fuzz: %s\n", why);
			if (ev.seq != prev + 1 + ev.dropped && !fails++)
				printf("# FAIL after fuzz: seq %llu after %llu with dropped %u\n",
				       (unsigned long long)ev.seq, (unsigned long long)prev,
				       ev.dropped);
			prev = ev.seq;
			recs++;
			drops += ev.dropped;
		}
	}
	tds_ioctl(fd, TICKDEV_IOC_STOP, NULL, "STOP");
	for (;;) {
		got = read(fd, buf, buflen);
		if (got < 0 && errno == EAGAIN)
			break;
		if (got <= 0)
			err(1, "read");
		for (off = 0; off < (size_t)got; off += TICKDEV_RECORD_SIZE(100)) {
			memcpy(&ev, buf + off, sizeof(ev));
			if (ev.seq != prev + 1 + ev.dropped && !fails++)
				printf("# FAIL after fuzz: seq %llu after %llu with dropped %u\n",
				       (unsigned long long)ev.seq, (unsigned long long)prev,
				       ev.dropped);
			prev = ev.seq;
			recs++;
			drops += ev.dropped;
		}
	}
	tds_get_stats(fd, &st);
	if (recs < want) {
		fails++;
		printf("# FAIL after fuzz: %llu records in 60 s, wanted %u\n",
		       (unsigned long long)recs, want);
	}
	if (st.produced != prev || st.enqueued != st.delivered + st.dropped ||
	    st.delivered != recs || st.dropped != drops) {
		fails++;
		fprintf(stdout,
			"# FAIL after fuzz: produced %llu (last seq %llu), enqueued %llu, delivered %llu (read %llu), dropped %llu (told %llu)\n",
		       (unsigned long long)st.produced, (unsigned long long)prev,
		       (unsigned long long)st.enqueued, (unsigned long long)st.delivered,
		       (unsigned long long)recs, (unsigned long long)st.dropped,
		       (unsigned long long)drops);
	}
	printf("# after fuzz %s/%s/%s: %llu records seq 1..%llu, %llu dropped, counters %s\n",
	       tds_timer_name(timer), tds_design_name(design), tds_fanout_name(fanout),
	       (unsigned long long)recs, (unsigned long long)prev, (unsigned long long)drops,
	       fails ? "WRONG" : "balanced");
	if (close(fd))
		err(1, "close");
	free(buf);
	return fails;
}

static __u64 max_ring_bytes(void)
{
	FILE *f = fopen("/sys/module/tickdev/parameters/max_ring_kib", "r");
	unsigned long long kib = 16384;

	if (f) {
		if (fscanf(f, "%llu", &kib) != 1)
			kib = 16384;
		fclose(f);
	}
	return kib * 1024;
}

static void print_help(FILE *f)
{
	fprintf(f,
		"usage: tickdev_fuzz [--seed N] [--count N] [--threads N] [--no-controller]\n"
		"                    [--verify] [--jiffy-ns N] [--progress N] [--verbose]\n"
		"\n"
		"Throw --count calls (default 50000) of hostile input at the loaded\n"
		"/dev/tickdev from --threads workers (default 2) while a controller\n"
		"thread STARTs/STOPs/SET_CONFIGs; --verify then checks the device\n"
		"still delivers seq 1.. whole.  Exit status 0 when every result was\n"
		"one the API allows; 1 otherwise.  --jiffy-ns: timer_list's shortest\n"
		"period (default 4000000, HZ=250).  --verbose: print every call.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "no-controller", no_argument, NULL, 'n' },
		{ "verify", no_argument, NULL, 'V' },
		{ "jiffy-ns", required_argument, NULL, 'j' },
		{ "progress", required_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct fopts o = { .seed = 1, .count = 50000, .threads = 2, .controller = true,
			   .jiffy_ns = 4000000 };
	struct worker *w;
	struct fctl c;
	struct sigaction sa;
	unsigned char *pat;
	__u64 t0, calls = 0, bad = 0, recs = 0, efault = 0, enotty = 0, einval = 0;
	unsigned int i;
	int ch, fails = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			o.seed = tds_parse_u64(optarg, "--seed");
			break;
		case 'c':
			o.count = tds_parse_u64(optarg, "--count");
			break;
		case 't':
			o.threads = (unsigned int)tds_parse_u64(optarg, "--threads");
			break;
		case 'n':
			o.controller = false;
			break;
		case 'V':
			o.verify = true;
			break;
		case 'j':
			o.jiffy_ns = tds_parse_u64(optarg, "--jiffy-ns");
			break;
		case 'p':
			o.progress = tds_parse_u64(optarg, "--progress");
			break;
		case 'v':
			o.verbose = true;
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
	if (!o.threads || o.threads > MAX_WORKERS)
		errx(2, "--threads must be 1..%d", MAX_WORKERS);
	if (o.jiffy_ns <= TICKDEV_PERIOD_MIN_NS)
		errx(2, "--jiffy-ns must be above %llu", TICKDEV_PERIOD_MIN_NS);
	o.max_ring_bytes = max_ring_bytes();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = sig_nop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		err(1, "sigaction");
	pat = malloc(256 + TICKDEV_FRAME_MAX);
	w = calloc(o.threads, sizeof(*w));
	if (!pat || !w)
		err(1, "malloc");
	tds_pattern_init(pat);

	printf("# fuzz: seed %llu, %llu calls from %u workers%s, max ring %llu bytes\n",
	       (unsigned long long)o.seed, (unsigned long long)o.count, o.threads,
	       o.controller ? " with a START/STOP controller" : "",
	       (unsigned long long)o.max_ring_bytes);
	t0 = tds_now_ns();
	memset(&c, 0, sizeof(c));
	c.o = &o;
	if (o.controller) {
		errno = pthread_create(&c.tid, NULL, fctl_main, &c);
		if (errno)
			err(1, "pthread_create");
	}
	for (i = 0; i < o.threads; i++) {
		w[i].o = &o;
		w[i].pat = pat;
		w[i].id = (int)i;
		tds_seed(&w[i].rng, o.seed, 100 + i);
		errno = pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (errno)
			err(1, "pthread_create");
	}
	for (i = 0; i < o.threads; i++) {
		errno = pthread_join(w[i].tid, NULL);
		if (errno)
			err(1, "pthread_join");
		calls += w[i].calls;
		bad += w[i].bad;
		recs += w[i].n_records;
		efault += w[i].n_efault;
		enotty += w[i].n_enotty;
		einval += w[i].n_einval;
	}
	if (o.controller) {
		atomic_store(&c.stop, true);
		errno = pthread_join(c.tid, NULL);
		if (errno)
			err(1, "pthread_join");
	}
	fprintf(stdout,
		"# fuzz: %llu calls in %.1f s (%llu controller ops): %llu EFAULT, %llu ENOTTY, %llu EINVAL, %llu records read and checked whole; %llu results the API does not allow\n",
	       (unsigned long long)calls, (double)(tds_now_ns() - t0) / 1e9,
	       (unsigned long long)c.ops, (unsigned long long)efault,
	       (unsigned long long)enotty, (unsigned long long)einval,
	       (unsigned long long)recs, (unsigned long long)bad);
	fails += bad ? 1 : 0;
	if (o.verify) {
		fails += check_device(&o, pat, TICKDEV_TIMER_HRTIMER, TICKDEV_DESIGN_SPINLOCK,
				TICKDEV_FANOUT_BROADCAST);
		fails += check_device(&o, pat, TICKDEV_TIMER_LIST, TICKDEV_DESIGN_WORKQUEUE,
				TICKDEV_FANOUT_SHARED);
	}
	free(w);
	free(pat);
	return fails ? 1 : 0;
}
