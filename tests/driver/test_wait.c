// SPDX-License-Identifier: GPL-2.0
/*
 * test_wait - how a reader waits on /dev/tickdev: O_NONBLOCK says EAGAIN
 * when empty, poll() and epoll time out when empty and report readable
 * once events flow, and a blocked read() outlives STOP but not a signal
 * (EINTR without SA_RESTART, restarted with it).
 *
 * Every test runs for each timer x design x fan-out combination; each
 * loads the module itself and leaves none loaded.
 */
#include <sys/epoll.h>
#include <sys/select.h>

#include "tickdev_test.h"

/* How long "keeps waiting" is watched; only ever a lower bound. */
#define STILL_WAITING_MS	300

FIXTURE(wt) {
	int fd[2];
};

FIXTURE_VARIANT(wt) {
	unsigned int timer;
	unsigned int design;
	unsigned int fanout;
};

FIXTURE_VARIANT_ADD(wt, list_spinlock_broadcast) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(wt, list_workqueue_broadcast) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(wt, hrtimer_spinlock_broadcast) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(wt, hrtimer_workqueue_broadcast) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_BROADCAST,
};

FIXTURE_VARIANT_ADD(wt, list_spinlock_shared) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(wt, list_workqueue_shared) {
	.timer = TICKDEV_TIMER_LIST, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(wt, hrtimer_spinlock_shared) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_SPINLOCK,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_VARIANT_ADD(wt, hrtimer_workqueue_shared) {
	.timer = TICKDEV_TIMER_HRTIMER, .design = TICKDEV_DESIGN_WORKQUEUE,
	.fanout = TICKDEV_FANOUT_SHARED,
};

FIXTURE_SETUP(wt)
{
	char params[256];

	self->fd[0] = -1;
	self->fd[1] = -1;
	tdt_params(params, sizeof(params), variant->timer, variant->design, variant->fanout, NULL);
	tdt_load_params(_metadata, params);
	self->fd[0] = tdt_open(0);
	ASSERT_LE(0, self->fd[0]) TH_LOG("open %s: %s", TDT_DEV, strerror(errno));
}

FIXTURE_TEARDOWN(wt)
{
	tdt_teardown(_metadata, self->fd, 2);
}

/* Stop, then read without blocking until EAGAIN: the ring is empty. */
static void stop_and_drain(struct __test_metadata *_metadata, int fd)
{
	struct tdt_reader r;

	tdt_stop(_metadata, fd);
	tdt_reader_init(_metadata, &r, fd, 0, 64, 1);
	ASSERT_LE(0, tdt_reader_drain(&r));
	ASSERT_EQ(0, tdt_queue_size(_metadata, fd));
	tdt_reader_free(&r);
}

/* An empty ring gives EAGAIN to an O_NONBLOCK reader, never a block. */
TEST_F_TIMEOUT(wt, nonblocking_read_of_empty_ring_is_eagain, TDT_TIMEOUT)
{
	const size_t rs = TICKDEV_RECORD_SIZE(0);
	char buf[TICKDEV_RECORD_SIZE(0)];
	int flags;

	self->fd[1] = tdt_open(O_NONBLOCK);
	ASSERT_LE(0, self->fd[1]);
	/* Before any START. */
	ASSERT_EQ(-1, read(self->fd[1], buf, rs));
	ASSERT_EQ(EAGAIN, errno) TH_LOG("got %s", strerror(errno));

	/* Records flow, then the ring is drained again. */
	tdt_start(_metadata, self->fd[0]);
	tdt_wait_queued(_metadata, self->fd[1], 1);
	ASSERT_EQ((ssize_t)rs, read(self->fd[1], buf, rs)) TH_LOG("%s", strerror(errno));
	stop_and_drain(_metadata, self->fd[1]);
	ASSERT_EQ(-1, read(self->fd[1], buf, rs));
	ASSERT_EQ(EAGAIN, errno) TH_LOG("got %s", strerror(errno));

	/* O_NONBLOCK set later with fcntl counts too. */
	if (variant->fanout == TICKDEV_FANOUT_BROADCAST)
		stop_and_drain(_metadata, self->fd[0]);
	flags = fcntl(self->fd[0], F_GETFL);
	ASSERT_EQ(0, fcntl(self->fd[0], F_SETFL, flags | O_NONBLOCK));
	ASSERT_EQ(-1, read(self->fd[0], buf, rs));
	ASSERT_EQ(EAGAIN, errno) TH_LOG("got %s", strerror(errno));
}

/*
 * poll() and select() on an empty ring return 0 after their timeout (0
 * or short), and report POLLIN | POLLRDNORM once START makes events.
 */
TEST_F_TIMEOUT(wt, poll_times_out_when_empty_and_is_ready_after_start, TDT_TIMEOUT)
{
	struct pollfd pfd = { .fd = self->fd[0], .events = POLLIN | POLLRDNORM };
	struct timeval tv = { 0, 0 };
	fd_set rfds;

	ASSERT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("revents 0x%x on an empty ring", pfd.revents);
	ASSERT_EQ(0, poll(&pfd, 1, 50)) TH_LOG("revents 0x%x on an empty ring", pfd.revents);
	FD_ZERO(&rfds);
	FD_SET(self->fd[0], &rfds);
	ASSERT_EQ(0, select(self->fd[0] + 1, &rfds, NULL, NULL, &tv));

	/* Sleeping in poll() when the first event comes: it must wake us. */
	tdt_start(_metadata, self->fd[0]);
	pfd.revents = 0;
	ASSERT_EQ(1, poll(&pfd, 1, TDT_WAIT_MS)) TH_LOG("no readiness in %d ms", TDT_WAIT_MS);
	ASSERT_EQ(POLLIN | POLLRDNORM, pfd.revents & (POLLIN | POLLRDNORM | POLLERR | POLLHUP))
		TH_LOG("revents 0x%x", pfd.revents);
	FD_ZERO(&rfds);
	FD_SET(self->fd[0], &rfds);
	tv.tv_sec = TDT_WAIT_MS / 1000;
	ASSERT_EQ(1, select(self->fd[0] + 1, &rfds, NULL, NULL, &tv));

	stop_and_drain(_metadata, self->fd[0]);
	pfd.revents = 0;
	ASSERT_EQ(0, poll(&pfd, 1, 0)) TH_LOG("revents 0x%x after draining", pfd.revents);
	ASSERT_EQ(0, poll(&pfd, 1, 50)) TH_LOG("revents 0x%x after draining", pfd.revents);
}

/* epoll: nothing while empty, EPOLLIN once events flow, also edge-triggered. */
TEST_F_TIMEOUT(wt, epoll_reports_readable_only_with_records, TDT_TIMEOUT)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDNORM, .data.u64 = 42 };
	struct epoll_event got;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int et = epoll_create1(EPOLL_CLOEXEC);

	ASSERT_LE(0, ep);
	ASSERT_LE(0, et);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd[0], &ev));
	ev.events |= EPOLLET;
	ASSERT_EQ(0, epoll_ctl(et, EPOLL_CTL_ADD, self->fd[0], &ev));
	ASSERT_EQ(0, epoll_wait(ep, &got, 1, 0));
	ASSERT_EQ(0, epoll_wait(ep, &got, 1, 50));
	ASSERT_EQ(0, epoll_wait(et, &got, 1, 0));

	tdt_start(_metadata, self->fd[0]);
	memset(&got, 0, sizeof(got));
	ASSERT_EQ(1, epoll_wait(ep, &got, 1, TDT_WAIT_MS)) TH_LOG("no event in %d ms", TDT_WAIT_MS);
	ASSERT_EQ(42, got.data.u64);
	ASSERT_TRUE(got.events & EPOLLIN) TH_LOG("events 0x%x", got.events);
	ASSERT_EQ(1, epoll_wait(et, &got, 1, TDT_WAIT_MS)) TH_LOG("edge-triggered");

	stop_and_drain(_metadata, self->fd[0]);
	ASSERT_EQ(0, epoll_wait(ep, &got, 1, 0)) TH_LOG("events 0x%x after draining", got.events);
	ASSERT_EQ(0, epoll_wait(ep, &got, 1, 50));
	close(ep);
	close(et);
}

/*
 * A read() blocked on a running device keeps waiting through STOP; a
 * signal whose handler has no SA_RESTART ends it with EINTR.
 */
TEST_F_TIMEOUT(wt, blocked_read_survives_stop_and_signal_gives_eintr, TDT_TIMEOUT)
{
	char buf[TICKDEV_RECORD_SIZE(0)];
	struct tickdev_config cfg;
	struct tdt_blocked b;

	/* Running, but the first event is 10 s away: the reader sleeps. */
	tdt_get_config(_metadata, self->fd[0], &cfg);
	cfg.period_ns = TICKDEV_PERIOD_MAX_NS;
	tdt_set_config(_metadata, self->fd[0], &cfg);
	tdt_catch_sigusr1(_metadata, 0);
	tdt_start(_metadata, self->fd[0]);
	tdt_blocked_start(_metadata, &b, self->fd[0], buf, sizeof(buf));
	tdt_stop(_metadata, self->fd[0]);
	ASSERT_FALSE(tdt_blocked_wait(&b, STILL_WAITING_MS))
		TH_LOG("STOP ended a blocked read: it returned %zd (%s)", b.ret, strerror(b.err));
	ASSERT_TRUE(tdt_thread_in_read(atomic_load(&b.tid)));

	ASSERT_EQ(0, pthread_kill(b.thread, SIGUSR1));
	ASSERT_TRUE(tdt_blocked_wait(&b, TDT_WAIT_MS))
		TH_LOG("a signal did not end the blocked read in %d ms", TDT_WAIT_MS);
	ASSERT_EQ(1, atomic_load(&tdt_signals));
	ASSERT_EQ(-1, b.ret);
	ASSERT_EQ(EINTR, b.err) TH_LOG("got %s", strerror(b.err));
}

/*
 * With SA_RESTART the signal's handler runs and read() goes back to
 * waiting; START then gives it the first record, seq 1.
 */
TEST_F_TIMEOUT(wt, blocked_read_restarts_after_signal_and_gets_seq_1, TDT_TIMEOUT)
{
	char buf[TICKDEV_RECORD_SIZE(0)];
	struct tickdev_event e;
	struct tdt_blocked b;
	__u64 end;

	tdt_catch_sigusr1(_metadata, SA_RESTART);
	tdt_blocked_start(_metadata, &b, self->fd[0], buf, sizeof(buf));
	ASSERT_EQ(0, pthread_kill(b.thread, SIGUSR1));
	end = tdt_now_ns() + TDT_WAIT_MS * 1000000ULL;
	while (!atomic_load(&tdt_signals)) {
		ASSERT_LT(tdt_now_ns(), end) TH_LOG("the handler never ran");
		tdt_sleep_ms(1);
	}
	ASSERT_FALSE(tdt_blocked_wait(&b, STILL_WAITING_MS))
		TH_LOG("read returned %zd (%s) instead of restarting", b.ret, strerror(b.err));

	tdt_start(_metadata, self->fd[0]);
	ASSERT_TRUE(tdt_blocked_wait(&b, TDT_WAIT_MS))
		TH_LOG("START did not wake the restarted read in %d ms", TDT_WAIT_MS);
	tdt_stop(_metadata, self->fd[0]);
	ASSERT_EQ((ssize_t)sizeof(buf), b.ret) TH_LOG("read: %s", strerror(b.err));
	memcpy(&e, buf, sizeof(e));
	ASSERT_EQ(1, e.seq);
}

/*
 * SET_CONFIG under a blocked read() (new frame size, other fan-out) is no
 * event: the read keeps waiting, and START gives it records of the new
 * layout from seq 1.
 */
TEST_F_TIMEOUT(wt, blocked_read_survives_set_config_and_gets_new_layout, TDT_TIMEOUT)
{
	const __u32 frame = 16;
	const size_t rs = TICKDEV_RECORD_SIZE(frame);
	unsigned char buf[4 * TICKDEV_RECORD_SIZE(16)];
	struct tickdev_config cfg;
	struct tickdev_event e;
	struct tdt_blocked b;
	char why[256] = "";

	tdt_blocked_start(_metadata, &b, self->fd[0], buf, sizeof(buf));
	tdt_get_config(_metadata, self->fd[0], &cfg);
	cfg.frame_bytes = frame;
	cfg.fanout = cfg.fanout == TICKDEV_FANOUT_SHARED ? TICKDEV_FANOUT_BROADCAST
							  : TICKDEV_FANOUT_SHARED;
	tdt_set_config(_metadata, self->fd[0], &cfg);
	ASSERT_FALSE(tdt_blocked_wait(&b, STILL_WAITING_MS))
		TH_LOG("SET_CONFIG ended a blocked read: it returned %zd (%s)", b.ret,
		       strerror(b.err));

	tdt_start(_metadata, self->fd[0]);
	ASSERT_TRUE(tdt_blocked_wait(&b, TDT_WAIT_MS))
		TH_LOG("START did not wake the read in %d ms", TDT_WAIT_MS);
	tdt_stop(_metadata, self->fd[0]);
	ASSERT_LT(0, b.ret) TH_LOG("read: %s", strerror(b.err));
	ASSERT_EQ(0, b.ret % (ssize_t)rs) TH_LOG("%zd bytes of %zu-byte records", b.ret, rs);
	memcpy(&e, buf, sizeof(e));
	ASSERT_EQ(1, e.seq);
	ASSERT_TRUE(tdt_check_record(buf, frame, why, sizeof(why))) TH_LOG("%s", why);
}

TEST_HARNESS_MAIN
