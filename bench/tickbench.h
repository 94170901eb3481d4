/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tickbench.h - types shared by the files of the tickdev load generator.
 *
 * Every structure a reader touches lives in one MAP_SHARED mapping made
 * before the readers start, so the same code serves reader threads and
 * (with --procs) reader processes: the run, the channels, the workers and
 * their histograms are all in it, and the locks and the start barrier are
 * process-shared.
 */
#ifndef TICKBENCH_H
#define TICKBENCH_H

#include <pthread.h>
#include <stdalign.h>
#include <stdbool.h>
#include <sys/types.h>

#include <tickdev.h>

#include "hist.h"
#include "kstyle.h"

#define TB_VERSION	"1.0"
#define TB_EXIT_USAGE	2	/* bad options, missing device, API mismatch */
#define TB_MAX_READERS	1024
#define TB_MAX_MODES	64	/* entries in a --mode list */
#define TB_MAX_CPUS	1024	/* entries in an --affinity list */
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_USEC	1000ULL

enum tb_source {
	TB_SRC_TICKDEV,
	TB_SRC_TIMERFD,
};

enum tb_mode {
	TB_MODE_BLOCK,		/* blocking read() */
	TB_MODE_POLL,		/* poll() then a non-blocking read() */
	TB_MODE_EPOLL,		/* one epoll set per reader */
	TB_MODE_EPOLL_SHARED,	/* one epoll set all such readers wait on */
	TB_MODE_EPOLL_EXCL,	/* a set per reader, every fd, EPOLLEXCLUSIVE */
	TB_MODE_NONBLOCK,	/* O_NONBLOCK read() in a spin */
	TB_MODE_NR,
};

/* The latency legs of one event; timerfd has only TB_LEG_E2E. */
enum tb_leg {
	TB_LEG_LAT,		/* expire - sched: timer lateness */
	TB_LEG_PROD,		/* enqueue - expire: producer delay */
	TB_LEG_WAKE,		/* user - enqueue: wake-to-user */
	TB_LEG_E2E,		/* user - sched: end to end */
	TB_LEG_NR,
};

/**
 * struct tb_opts - the command line, read-only once parsed
 * @source: TB_SRC_*
 * @dev: device path
 * @period_ns: timer period
 * @timer: TICKDEV_TIMER_*, or -1 to keep the device's
 * @design: TICKDEV_DESIGN_*, or -1 to keep the device's
 * @fanout: TICKDEV_FANOUT_*, or -1 to keep the device's (broadcast for
 *	timerfd)
 * @ring: records per ring, 0 to keep the device's
 * @frame: payload bytes, -1 to keep the device's
 * @readers: reader count
 * @modes: reader modes, applied round-robin to the readers
 * @nmodes: entries in @modes
 * @batch: records per read()
 * @procs: readers are processes
 * @duration_ns: run length, 0 when @loops bounds the run
 * @loops: events to measure, 0 when @duration_ns bounds the run
 * @prio: SCHED_FIFO priority of the readers, 0 for none
 * @cpus: CPUs the readers are pinned to, round-robin
 * @ncpus: entries in @cpus, 0 for no pinning
 * @mlock: mlockall() before the run
 * @verify: check payload bytes
 * @csv: file to append a row to, or NULL
 * @hist_file: histogram file, or NULL
 * @dump: raw per-event dump file, or NULL
 * @tag: free label for the CSV and JSON, or ""
 * @rep: repetition number for the CSV
 * @hist_us: print the e2e histogram up to this many us on stdout (-h)
 * @json: summary as JSON
 * @csv_row: summary as one CSV row with its header
 * @quiet: no human summary, no progress, no notes
 * @progress: progress line: -1 when stderr is a terminal, 0 never, 1 always
 */
struct tb_opts {
	enum tb_source source;
	const char *dev;
	u64 period_ns;
	int timer;
	int design;
	int fanout;
	u32 ring;
	s32 frame;
	unsigned int readers;
	enum tb_mode modes[TB_MAX_MODES];
	unsigned int nmodes;
	unsigned int batch;
	bool procs;
	u64 duration_ns;
	u64 loops;
	int prio;
	unsigned short cpus[TB_MAX_CPUS];
	unsigned int ncpus;
	bool mlock;
	bool verify;
	const char *csv;
	const char *hist_file;
	const char *dump;
	const char *tag;
	unsigned int rep;
	u64 hist_us;
	bool json;
	bool csv_row;
	bool quiet;
	int progress;
};

/**
 * struct tb_chan - one file a reader reads: a tickdev open or a timerfd
 * @lock: serialises reads of @fd when several readers may read it (the
 *	shared epoll modes), so the continuity check sees one ordered stream
 * @fd: the file
 * @locked: @lock must be taken around reads
 * @last_seq: tickdev: seq of the last record read; timerfd: expirations read
 */
struct tb_chan {
	/* A cache line each: readers write last_seq once per record. */
	alignas(64) pthread_mutex_t lock;
	int fd;
	bool locked;
	u64 last_seq;
};

/**
 * struct tb_worker - one reader thread or process and what it measured
 * @run: the run this reader belongs to
 * @id: reader number, 0-based
 * @mode: TB_MODE_*
 * @chan: channel this reader owns and drains at the end
 * @epfd: epoll set the reader waits on (own, shared or exclusive), or -1
 * @thread: the thread (readers as threads)
 * @pid: the process (--procs)
 * @done: set when the reader has finished, drain included
 * @failed: the reader hit a fatal error, described in @errmsg
 * @errmsg: the fatal error, or the first integrity error
 * @leg: latency histograms per leg
 * @events: events measured (records, or timerfd reads that returned ticks)
 * @records: records read, including those past --loops
 * @reads: read() calls that returned data
 * @eagain: read() calls that returned EAGAIN
 * @spurious: wake-ups (poll/epoll said ready) whose read() gave EAGAIN
 * @integrity: records failing the seq, dropped, header or payload checks
 * @dropped: sum of the records' dropped fields
 * @overruns: timerfd: expirations beyond the first per read
 * @max_seq: highest seq (tickdev) or expiration index (timerfd) seen
 * @utime_ns: user CPU time of the reader during the run
 * @stime_ns: system CPU time of the reader during the run
 * @nvcsw: voluntary context switches during the run
 * @nivcsw: involuntary context switches during the run
 */
struct tb_worker {
	struct tb_run *run;
	unsigned int id;
	enum tb_mode mode;
	struct tb_chan *chan;
	int epfd;
	pthread_t thread;
	pid_t pid;
	int done;
	int failed;
	char errmsg[160];
	struct hist leg[TB_LEG_NR];
	u64 events;
	u64 records;
	u64 reads;
	u64 eagain;
	u64 spurious;
	u64 integrity;
	u64 dropped;
	u64 overruns;
	u64 max_seq;
	u64 utime_ns;
	u64 stime_ns;
	u64 nvcsw;
	u64 nivcsw;
};

/**
 * struct tb_run - one measurement, shared by the controller and the readers
 * @o: options
 * @cfg: the device configuration in effect (timerfd: the same fields)
 * @recsize: bytes of one record in a read() buffer (timerfd: 8)
 * @bufsize: read() buffer size, @o->batch records
 * @t0_ns: timerfd: the first expiry of the absolute schedule
 * @end_seq: last seq (timerfd: expiration index) measured, 0 for no limit;
 *	later ones are still checked but not counted; written before @stop
 * @stop: set by the controller: stop waiting, drain, finish
 * @abort: set by a reader that failed: the controller ends the run
 * @start: barrier the readers and the controller cross together
 * @nchan: channels in @chan
 * @chan: channels
 * @w: workers, @o->readers of them
 * @shared_epfd: the epoll set of the epoll-shared readers, or -1
 * @dumpfd: --dump file opened O_APPEND, or -1
 */
struct tb_run {
	const struct tb_opts *o;
	struct tickdev_config cfg;
	size_t recsize;
	size_t bufsize;
	u64 t0_ns;
	u64 end_seq;
	int stop;
	int abort;
	pthread_barrier_t start;
	unsigned int nchan;
	struct tb_chan *chan;
	struct tb_worker *w;
	int shared_epfd;
	int dumpfd;
};

/**
 * struct tb_result - the merged outcome the report is made from
 * @leg: merged histograms per leg
 * @w: merged counters (its histograms unused)
 * @stats: device counters after the drain (tickdev)
 * @have_stats: @stats is valid
 * @capacity: ring capacity in records the device reports (GET_MAX_CAPACITY)
 * @duration_ns: from START to STOP
 * @integrity: total integrity errors, the run-level checks included
 * @first_error: text of the first integrity error, or ""
 * @interrupted: the run was cut short by a signal
 */
struct tb_result {
	struct hist leg[TB_LEG_NR];
	struct tb_worker w;
	struct tickdev_stats stats;
	bool have_stats;
	u32 capacity;
	u64 duration_ns;
	u64 integrity;
	char first_error[200];
	bool interrupted;
};

/* err() for a pthread_* result, which is an error number, not errno */
#define tb_errc(status, code, ...)		\
	do {					\
		errno = (code);			\
		err((status), __VA_ARGS__);	\
	} while (0)

/* tickbench.c */
u64 tb_now_ns(void);
const char *tb_mode_name(enum tb_mode m);
const char *tb_timer_name(int t);
const char *tb_design_name(int d);
const char *tb_fanout_name(int f);

/* device.c: the controller's side of /dev/tickdev */
int tb_dev_open(const char *path, int flags, bool control);
void tb_dev_check_api(int fd, const char *path);
void tb_dev_configure(int fd, const struct tb_opts *o,
		      struct tickdev_config *cfg);
void tb_dev_ioctl(int fd, unsigned long req, void *arg, const char *what);

/* timerfd_src.c: the baseline */
int tb_timerfd_create(void);
void tb_timerfd_arm(int fd, u64 t0_ns, u64 period_ns);
void tb_timerfd_disarm(int fd);

/* readers.c: the reader loop */
void tb_worker_run(struct tb_run *run, struct tb_worker *w);

/* report.c */
void tb_collect(const struct tb_run *run, struct tb_result *res);
void tb_report_human(const struct tb_run *run, const struct tb_result *res);
void tb_report_json(const struct tb_run *run, const struct tb_result *res);
void tb_report_csv_row(const struct tb_run *run, const struct tb_result *res,
		       FILE *f, bool header);
void tb_report_csv_file(const struct tb_run *run,
			const struct tb_result *res);
void tb_report_hist_file(const struct tb_run *run,
			 const struct tb_result *res);
void tb_report_hist_stdout(const struct tb_run *run,
			   const struct tb_result *res);

#endif /* TICKBENCH_H */
