// SPDX-License-Identifier: GPL-2.0
/*
 * tickbench - load generator and latency meter for /dev/tickdev.
 *
 * The model (tickdev source, broadcast fan-out):
 *
 *   controller                 kernel                      readers
 *   ----------                 ------                      -------
 *   SET_CONFIG, open N
 *   readers, RESET_STATS
 *   barrier <---------------------------------------------> barrier (N)
 *   START ---------> timer: sched -> expire
 *                       producer (softirq or work item)
 *                       enqueue into every reader's ring
 *                       wake ---------------------------> read() returns
 *                                                         clock_gettime()
 *   wait -D or -l                                         check, record legs
 *   STOP; stop flag;
 *   SIGUSR1 until done ----------------------------------> drain to EAGAIN
 *   GET_STATS, merge
 *   histograms, report
 *
 * Per event:  lateness = expire - sched     (timer)
 *             producer = enqueue - expire   (softirq or workqueue design)
 *             wake     = user - enqueue     (wake-up and read path)
 *             e2e      = user - sched       (all of it)
 *
 * With --source timerfd the kernel's own timerfd drives the same readers
 * on the same absolute schedule (one timerfd per reader, or one for all
 * with --fanout shared); only e2e exists there, and a read returning more
 * than one expiration counts the rest as overruns.
 *
 * Readers are threads, or with --procs processes; everything they write
 * is in one shared mapping (see tickbench.h).  Each keeps its own
 * log-linear histograms (hist.c), merged bucket-wise at the end, so memory
 * depends on the reader count and never on the run length.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tickbench.h"

#define TB_PROGRESS_NS	(3 * NSEC_PER_SEC)	/* shortest run with progress */

static const char * const tb_modes[TB_MODE_NR] = {
	[TB_MODE_BLOCK] = "block",
	[TB_MODE_POLL] = "poll",
	[TB_MODE_EPOLL] = "epoll",
	[TB_MODE_EPOLL_SHARED] = "epoll-shared",
	[TB_MODE_EPOLL_EXCL] = "epoll-excl",
	[TB_MODE_NONBLOCK] = "nonblock",
};

static const char * const tb_timers[] = { "list", "hrtimer" };
static const char * const tb_designs[] = { "spinlock", "workqueue" };
static const char * const tb_fanouts[] = { "broadcast", "shared" };

/**
 * tb_now_ns() - CLOCK_MONOTONIC now, the clock the device stamps with
 *
 * Return: nanoseconds.
 */
u64 tb_now_ns(void)
{
	struct timespec ts;

	/* Cannot fail with a valid clock and pointer; checked anyway. */
	if (clock_gettime(CLOCK_MONOTONIC, &ts))
		err(1, "clock_gettime");
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/**
 * tb_mode_name() - name of a reader mode
 * @m: TB_MODE_*
 *
 * Return: the name used on the command line.
 */
const char *tb_mode_name(enum tb_mode m)
{
	return m < TB_MODE_NR ? tb_modes[m] : "?";
}

/**
 * tb_timer_name() - name of a timer source
 * @t: TICKDEV_TIMER_*
 *
 * Return: the name used on the command line.
 */
const char *tb_timer_name(int t)
{
	return t >= 0 && t < TICKDEV_TIMER_NR ? tb_timers[t] : "?";
}

/**
 * tb_design_name() - name of a producer design
 * @d: TICKDEV_DESIGN_*
 *
 * Return: the name used on the command line.
 */
const char *tb_design_name(int d)
{
	return d >= 0 && d < TICKDEV_DESIGN_NR ? tb_designs[d] : "?";
}

/**
 * tb_fanout_name() - name of a fan-out
 * @f: TICKDEV_FANOUT_*
 *
 * Return: the name used on the command line.
 */
const char *tb_fanout_name(int f)
{
	return f >= 0 && f < TICKDEV_FANOUT_NR ? tb_fanouts[f] : "?";
}

static const char tb_help[] =
	"usage: tickbench [options]\n"
	"\n"
	"Load generator and latency meter for /dev/tickdev (tickdev.ko), with the\n"
	"kernel's timerfd as a same-run baseline.  Configures the device, starts N\n"
	"readers behind a barrier, STARTs the producer, runs for a duration or an\n"
	"event count, STOPs, drains, and reports per-event latency legs:\n"
	"  lateness = expire - sched    producer = enqueue - expire\n"
	"  wake     = user - enqueue    e2e      = user - sched\n"
	"(user = CLOCK_MONOTONIC right after read() returns).  Device settings\n"
	"not given take the module parameters' values (its load-time defaults).\n"
	"\n"
	"Source and device:\n"
	"  -S, --source=SRC       tickdev (default) or timerfd (baseline: same readers\n"
	"                         driven by a timerfd on the same absolute schedule)\n"
	"      --device=PATH      device node (default /dev/tickdev)\n"
	"  -i, --interval=TIME    timer period; a bare number is microseconds, or use\n"
	"                         a suffix ns, us, ms, s (default 1000 us; 10 us..10 s)\n"
	"      --timer=T          list (timer_list, jiffy granularity) or hrtimer\n"
	"      --design=D         spinlock (enqueue in the timer softirq) or workqueue\n"
	"                         (enqueue from a work item under a mutex)\n"
	"      --fanout=F         broadcast (each reader gets every event) or shared\n"
	"                         (one ring, each event to one reader)\n"
	"      --ring=N           records per ring, a power of two in 2..65536\n"
	"      --frame=BYTES      payload bytes per record, 0..65536\n"
	"\n"
	"Readers:\n"
	"  -t, --threads=N        readers, 1..1024 (default 1)\n"
	"      --procs            readers are processes instead of threads\n"
	"  -M, --mode=LIST        comma-separated reader modes applied round-robin,\n"
	"                         e.g. block,poll,epoll (default block):\n"
	"                           block         blocking read()\n"
	"                           poll          poll() then a non-blocking read()\n"
	"                           epoll         one epoll set per reader\n"
	"                           epoll-shared  one epoll set holding every such\n"
	"                                         reader's fd, waited on by all of them\n"
	"                           epoll-excl    a set per reader holding every such\n"
	"                                         fd with EPOLLEXCLUSIVE\n"
	"                           nonblock      O_NONBLOCK read() in a busy loop\n"
	"  -b, --batch=N          records per read() (default 1)\n"
	"  -p, --priority=PRIO    run readers SCHED_FIFO at PRIO (1..99)\n"
	"  -a, --affinity=CPUS    pin reader k to the k-th CPU of the list, round-\n"
	"                         robin; a list like 0,1 or 0-3,6\n"
	"  -m, --mlockall         lock memory (mlockall) before the run\n"
	"      --no-verify        skip the payload byte check\n"
	"\n"
	"Run length (default -D 10s; SIGINT/SIGTERM end a run early and report):\n"
	"  -D, --duration=TIME    run time; a bare number is seconds, or a suffix\n"
	"                         ms, s, m, h, d\n"
	"  -l, --loops=N          measure N events (of the producer; timerfd: N\n"
	"                         expirations), then stop\n"
	"\n"
	"Output:\n"
	"  -q, --quiet            no human summary, notes or progress line\n"
	"      --json             print the summary as JSON instead\n"
	"      --csv-row          print the summary as a '#' header and one CSV row\n"
	"      --csv=FILE         append one CSV row to FILE ('#' header if new)\n"
	"      --rep=N            repetition number written to the rep column\n"
	"      --tag=LABEL        free label written to the tag column (no commas)\n"
	"      --hist-file=PATH   write the histograms (gnuplot data sets: 0 e2e,\n"
	"                         1 lateness, 2 producer, 3 wake) as rows\n"
	"                         'bucket_low_ns count cumulative_fraction'\n"
	"  -h, --histogram=US     also print the e2e histogram up to US microseconds\n"
	"                         on stdout, rest summed as overflow\n"
	"      --dump=PATH        raw per-event dump, one line per event:\n"
	"                         reader seq sched_ns expire_ns enqueue_ns user_ns\n"
	"                         cpu dropped  ('-' where a field does not apply)\n"
	"      --progress         show the progress line even when stderr is not a\n"
	"                         terminal or the run is short\n"
	"      --no-progress      never show it\n"
	"  -V, --version          print the version and the API version\n"
	"      --help             this help\n"
	"\n"
	"Histograms are log-linear (128 sub-buckets per power of two): percentiles\n"
	"are within 0.8% of the true value, memory does not grow with run length.\n"
	"By default a progress line is shown on stderr, once a second, when it is\n"
	"a terminal and the run is longer than 3 s.\n"
	"\n"
	"Exit status: 0 success; 1 a run-time failure; 2 bad usage, missing device\n"
	"(insmod driver/tickdev.ko) or API version mismatch; 3 the run completed\n"
	"but found integrity errors (seq gaps not matching 'dropped', bad payload,\n"
	"inconsistent device counters).\n"
	"\n"
	"Examples:\n"
	"  tickbench -i 1000 -t 4 -D 5s --mode block\n"
	"  tickbench --source timerfd -i 250us -t 2 -l 10000 --mode poll\n"
	"  tickbench --design workqueue --fanout shared -t 8 -M epoll-excl --json\n"
	"  tickbench -i 100 -t 16 --ring 64 --csv runs.csv --rep 2 --hist-file h.dat\n";

static void tb_usage(FILE *f)
{
	fputs(tb_help, f);
}

/* Bad usage: the message, a pointer to --help, exit status 2. */
#define tb_bad_usage(...)					\
	do {							\
		warnx(__VA_ARGS__);				\
		fputs("(try tickbench --help)\n", stderr);	\
		exit(TB_EXIT_USAGE);				\
	} while (0)

static u64 tb_parse_u64(const char *opt, const char *s)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s == '-' || !*s)
		tb_bad_usage("%s wants a non-negative integer, got '%s'", opt, s);
	v = strtoull(s, &end, 0);
	if (errno || *end)
		tb_bad_usage("%s wants a non-negative integer, got '%s'", opt, s);
	return v;
}

/* A time with a unit suffix; a bare number is in @unit_ns. */
static u64 tb_parse_time(const char *opt, const char *s, u64 unit_ns)
{
	static const struct {
		const char *sfx;
		u64 ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 },
		{ "s", NSEC_PER_SEC }, { "m", 60 * NSEC_PER_SEC },
		{ "h", 3600 * NSEC_PER_SEC }, { "d", 86400 * NSEC_PER_SEC },
	};
	double v;
	char *end;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0)
		tb_bad_usage("%s wants a time like 10s, 250us, 2m; got '%s'",
			     opt, s);
	if (*end) {
		for (i = 0; i < ARRAY_SIZE(units); i++)
			if (!strcmp(end, units[i].sfx))
				break;
		if (i == ARRAY_SIZE(units))
			tb_bad_usage("%s: unknown unit '%s' in '%s' (ns, us, ms, s, m, h, d)",
				     opt, end, s);
		unit_ns = units[i].ns;
	}
	if (v * unit_ns > 1e18)
		tb_bad_usage("%s: '%s' is too long", opt, s);
	return (u64)(v * unit_ns + 0.5);
}

static int tb_parse_name(const char *opt, const char *s,
			 const char * const *names, int n)
{
	char list[128] = "";
	size_t off = 0;
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	for (i = 0; i < n && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s",
				i ? ", " : "", names[i]);
	tb_bad_usage("%s wants one of %s; got '%s'", opt, list, s);
}

/* A CPU list such as "0,2-3": the CPUs in order, ranges expanded. */
static void tb_parse_cpus(struct tb_opts *o, const char *s)
{
	unsigned long a, b;
	const char *p = s;
	char *end;

	o->ncpus = 0;
	while (*p) {
		errno = 0;
		a = strtoul(p, &end, 10);
		b = a;
		if (end != p && *end == '-') {
			p = end + 1;
			b = strtoul(p, &end, 10);
		}
		if (errno || end == p || (*end && *end != ',') || b < a ||
		    b >= CPU_SETSIZE)
			tb_bad_usage("--affinity wants a CPU list like 0,1 or 0-3; got '%s'",
				     s);
		for (; a <= b; a++) {
			if (o->ncpus == TB_MAX_CPUS)
				tb_bad_usage("--affinity: at most %d CPUs",
					     TB_MAX_CPUS);
			o->cpus[o->ncpus++] = a;
		}
		p = *end ? end + 1 : end;
	}
	if (!o->ncpus)
		tb_bad_usage("--affinity wants at least one CPU");
}

static void tb_parse_modes(struct tb_opts *o, const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;

	if (!copy)
		err(1, "strdup");
	o->nmodes = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->nmodes == TB_MAX_MODES)
			tb_bad_usage("--mode: at most %d entries", TB_MAX_MODES);
		o->modes[o->nmodes++] =
			tb_parse_name("--mode", tok, tb_modes, TB_MODE_NR);
	}
	free(copy);
	if (!o->nmodes)
		tb_bad_usage("--mode wants at least one mode");
}

enum {
	OPT_SOURCE_DEV = 256, OPT_TIMER, OPT_DESIGN, OPT_FANOUT, OPT_RING,
	OPT_FRAME, OPT_PROCS, OPT_NOVERIFY, OPT_JSON, OPT_CSVROW, OPT_CSV,
	OPT_REP, OPT_TAG, OPT_HISTFILE, OPT_DUMP, OPT_HELP, OPT_PROGRESS,
	OPT_NOPROGRESS,
};

static void tb_parse(int argc, char **argv, struct tb_opts *o)
{
	static const struct option lopts[] = {
		{ "source", required_argument, NULL, 'S' },
		{ "device", required_argument, NULL, OPT_SOURCE_DEV },
		{ "interval", required_argument, NULL, 'i' },
		{ "timer", required_argument, NULL, OPT_TIMER },
		{ "design", required_argument, NULL, OPT_DESIGN },
		{ "fanout", required_argument, NULL, OPT_FANOUT },
		{ "ring", required_argument, NULL, OPT_RING },
		{ "frame", required_argument, NULL, OPT_FRAME },
		{ "threads", required_argument, NULL, 't' },
		{ "readers", required_argument, NULL, 't' },
		{ "procs", no_argument, NULL, OPT_PROCS },
		{ "mode", required_argument, NULL, 'M' },
		{ "batch", required_argument, NULL, 'b' },
		{ "priority", required_argument, NULL, 'p' },
		{ "affinity", required_argument, NULL, 'a' },
		{ "mlockall", no_argument, NULL, 'm' },
		{ "no-verify", no_argument, NULL, OPT_NOVERIFY },
		{ "duration", required_argument, NULL, 'D' },
		{ "loops", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "csv-row", no_argument, NULL, OPT_CSVROW },
		{ "csv", required_argument, NULL, OPT_CSV },
		{ "rep", required_argument, NULL, OPT_REP },
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "hist-file", required_argument, NULL, OPT_HISTFILE },
		{ "histogram", required_argument, NULL, 'h' },
		{ "dump", required_argument, NULL, OPT_DUMP },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "no-progress", no_argument, NULL, OPT_NOPROGRESS },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	u64 v;
	int c;

	while ((c = getopt_long(argc, argv, "S:i:t:M:b:p:a:mD:l:qh:V?", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'S':
			o->source = strcmp(optarg, "tickdev") ?
				TB_SRC_TIMERFD : TB_SRC_TICKDEV;
			if (strcmp(optarg, "tickdev") &&
			    strcmp(optarg, "timerfd"))
				tb_bad_usage("--source wants tickdev or timerfd, got '%s'",
					     optarg);
			break;
		case OPT_SOURCE_DEV:
			o->dev = optarg;
			break;
		case 'i':
			o->period_ns = tb_parse_time("--interval", optarg,
						     NSEC_PER_USEC);
			break;
		case OPT_TIMER:
			o->timer = tb_parse_name("--timer", optarg, tb_timers,
						 TICKDEV_TIMER_NR);
			break;
		case OPT_DESIGN:
			o->design = tb_parse_name("--design", optarg,
						  tb_designs,
						  TICKDEV_DESIGN_NR);
			break;
		case OPT_FANOUT:
			o->fanout = tb_parse_name("--fanout", optarg,
						  tb_fanouts,
						  TICKDEV_FANOUT_NR);
			break;
		case OPT_RING:
			v = tb_parse_u64("--ring", optarg);
			if (v < TICKDEV_RING_MIN || v > TICKDEV_RING_MAX ||
			    (v & (v - 1)))
				tb_bad_usage("--ring must be a power of two in %d..%d, got %s",
					     TICKDEV_RING_MIN, TICKDEV_RING_MAX,
					     optarg);
			o->ring = v;
			break;
		case OPT_FRAME:
			v = tb_parse_u64("--frame", optarg);
			if (v > TICKDEV_FRAME_MAX)
				tb_bad_usage("--frame must be 0..%d bytes, got %s",
					     TICKDEV_FRAME_MAX, optarg);
			o->frame = v;
			break;
		case 't':
			v = tb_parse_u64("--threads", optarg);
			if (v < 1 || v > TB_MAX_READERS)
				tb_bad_usage("--threads must be 1..%d, got %s",
					     TB_MAX_READERS, optarg);
			o->readers = v;
			break;
		case OPT_PROCS:
			o->procs = true;
			break;
		case 'M':
			tb_parse_modes(o, optarg);
			break;
		case 'b':
			v = tb_parse_u64("--batch", optarg);
			if (v < 1 || v > TICKDEV_RING_MAX)
				tb_bad_usage("--batch must be 1..%d records, got %s",
					     TICKDEV_RING_MAX, optarg);
			o->batch = v;
			break;
		case 'p':
			v = tb_parse_u64("--priority", optarg);
			if (v < 1 || v > 99)
				tb_bad_usage("--priority must be 1..99, got %s",
					     optarg);
			o->prio = v;
			break;
		case 'a':
			tb_parse_cpus(o, optarg);
			break;
		case 'm':
			o->mlock = true;
			break;
		case OPT_NOVERIFY:
			o->verify = false;
			break;
		case 'D':
			o->duration_ns = tb_parse_time("--duration", optarg,
						       NSEC_PER_SEC);
			if (!o->duration_ns)
				tb_bad_usage("--duration must be positive");
			break;
		case 'l':
			o->loops = tb_parse_u64("--loops", optarg);
			if (!o->loops)
				tb_bad_usage("--loops must be positive");
			break;
		case 'q':
			o->quiet = true;
			break;
		case OPT_JSON:
			o->json = true;
			break;
		case OPT_CSVROW:
			o->csv_row = true;
			break;
		case OPT_CSV:
			o->csv = optarg;
			break;
		case OPT_REP:
			o->rep = tb_parse_u64("--rep", optarg);
			break;
		case OPT_TAG:
			if (strpbrk(optarg, ",\"\n\r"))
				tb_bad_usage("--tag must not hold commas, quotes or newlines");
			o->tag = optarg;
			break;
		case OPT_HISTFILE:
			o->hist_file = optarg;
			break;
		case 'h':
			o->hist_us = tb_parse_u64("--histogram", optarg);
			if (!o->hist_us)
				tb_bad_usage("--histogram wants a positive limit in us");
			break;
		case OPT_DUMP:
			o->dump = optarg;
			break;
		case OPT_PROGRESS:
			o->progress = 1;
			break;
		case OPT_NOPROGRESS:
			o->progress = 0;
			break;
		case 'V':
			printf("tickbench %s (tickdev API %d)\n", TB_VERSION,
			       TICKDEV_API_VERSION);
			exit(0);
		case OPT_HELP:
			tb_usage(stdout);
			exit(0);
		default:
			/* getopt_long has said what was wrong. */
			fprintf(stderr, "(try tickbench --help)\n");
			exit(TB_EXIT_USAGE);
		}
	}
	if (optind < argc)
		tb_bad_usage("unexpected argument '%s'", argv[optind]);
}

static void tb_validate(struct tb_opts *o)
{
	unsigned int i;
	bool block = false, other = false;

	if (o->period_ns < TICKDEV_PERIOD_MIN_NS ||
	    o->period_ns > TICKDEV_PERIOD_MAX_NS)
		tb_bad_usage("--interval must be 10 us..10 s, got %llu ns",
			     (unsigned long long)o->period_ns);
	if (o->duration_ns && o->loops)
		tb_bad_usage("give --duration or --loops, not both");
	if (!o->duration_ns && !o->loops)
		o->duration_ns = 10 * NSEC_PER_SEC;
	if (o->json && o->csv_row)
		tb_bad_usage("--json and --csv-row both choose the stdout format; pick one");
	if (o->source == TB_SRC_TIMERFD) {
		if (o->timer >= 0 || o->design >= 0 || o->ring ||
		    o->frame >= 0)
			tb_bad_usage("--timer, --design, --ring, --frame: tickdev only");
		if (o->fanout < 0)
			o->fanout = TICKDEV_FANOUT_BROADCAST;
		if (o->batch != 1)
			tb_bad_usage("--batch: tickdev only (timerfd reads one count)");
		for (i = 0; i < o->nmodes; i++) {
			if (o->modes[i] == TB_MODE_BLOCK)
				block = true;
			else
				other = true;
		}
		/* O_NONBLOCK belongs to the one open file all readers share. */
		if (o->fanout == TICKDEV_FANOUT_SHARED && block && other)
			tb_bad_usage("one shared timerfd cannot mix block and other modes");
	}
}

/* Handler only so SIGUSR1 interrupts a blocked read(): no SA_RESTART. */
static void tb_sigusr1(int sig)
{
	(void)sig;
}

static void tb_signals(sigset_t *stopset)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tb_sigusr1;
	if (sigemptyset(&sa.sa_mask) || sigaction(SIGUSR1, &sa, NULL))
		err(1, "sigaction SIGUSR1");
	/*
	 * SIGINT and SIGTERM are blocked everywhere (readers inherit the
	 * mask) and taken by the controller with sigtimedwait(), so ^C ends
	 * the run cleanly and still reports.
	 */
	if (sigemptyset(stopset) || sigaddset(stopset, SIGINT) ||
	    sigaddset(stopset, SIGTERM))
		err(1, "sigset");
	if (sigprocmask(SIG_BLOCK, stopset, NULL))
		err(1, "sigprocmask");
}

static void *tb_shared_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		err(1, "mmap %zu bytes", size);
	return p;
}

static void tb_init_sync(struct tb_run *run)
{
	pthread_barrierattr_t ba;
	pthread_mutexattr_t ma;
	int pshared = run->o->procs ? PTHREAD_PROCESS_SHARED :
			PTHREAD_PROCESS_PRIVATE;
	unsigned int i;
	int e;

	e = pthread_barrierattr_init(&ba);
	if (!e)
		e = pthread_barrierattr_setpshared(&ba, pshared);
	if (!e)
		e = pthread_barrier_init(&run->start, &ba, run->o->readers + 1);
	if (e)
		tb_errc(1, e, "pthread_barrier_init");
	pthread_barrierattr_destroy(&ba);

	e = pthread_mutexattr_init(&ma);
	if (!e)
		e = pthread_mutexattr_setpshared(&ma, pshared);
	for (i = 0; !e && i < run->nchan; i++)
		e = pthread_mutex_init(&run->chan[i].lock, &ma);
	if (e)
		tb_errc(1, e, "pthread_mutex_init");
	pthread_mutexattr_destroy(&ma);
}

static void tb_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		err(1, "fcntl O_NONBLOCK");
}

/* Open the channels: tickdev readers or timerfds, and their fd flags. */
static void tb_open_channels(struct tb_run *run)
{
	const struct tb_opts *o = run->o;
	unsigned int i;
	int ctl;

	if (o->source == TB_SRC_TICKDEV) {
		ctl = tb_dev_open(o->dev, O_RDONLY, true);
		tb_dev_check_api(ctl, o->dev);
		tb_dev_configure(ctl, o, &run->cfg);
		/*
		 * The control open is a reader too; closed before the run,
		 * so the device has exactly our N readers and no idle ring
		 * filling up and counting drops.
		 */
		if (close(ctl))
			err(1, "close %s", o->dev);
		run->recsize = TICKDEV_RECORD_SIZE(run->cfg.frame_bytes);
		run->nchan = o->readers;
	} else {
		run->cfg.period_ns = o->period_ns;
		run->cfg.fanout = o->fanout;
		run->recsize = sizeof(u64);
		run->nchan = o->fanout == TICKDEV_FANOUT_SHARED ? 1 :
			     o->readers;
	}
	run->bufsize = run->recsize * o->batch;

	for (i = 0; i < run->nchan; i++) {
		enum tb_mode m = o->modes[i % o->nmodes];
		struct tb_chan *ch = &run->chan[i];

		ch->fd = o->source == TB_SRC_TICKDEV ?
			 tb_dev_open(o->dev, O_RDONLY, false) :
			 tb_timerfd_create();
		if (m != TB_MODE_BLOCK)
			tb_set_nonblock(ch->fd);
		ch->locked = m == TB_MODE_EPOLL_SHARED ||
			     m == TB_MODE_EPOLL_EXCL;
	}
}

static int tb_epoll_create(void)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);

	if (fd < 0)
		err(1, "epoll_create1");
	return fd;
}

static void tb_epoll_add(int epfd, const struct tb_run *run, unsigned int c,
			 u32 flags)
{
	struct epoll_event ev = {
		/* EPOLLEXCLUSIVE allows EPOLLIN but not EPOLLRDNORM. */
		.events = EPOLLIN | flags,
		.data.u32 = c,
	};

	if (epoll_ctl(epfd, EPOLL_CTL_ADD, run->chan[c].fd, &ev))
		err(1, "epoll_ctl ADD");
}

/* Which reader owns channel @c, i.e. whose mode decides its epoll sets. */
static enum tb_mode tb_chan_mode(const struct tb_run *run, unsigned int c)
{
	return run->o->modes[c % run->o->nmodes];
}

static void tb_setup_workers(struct tb_run *run)
{
	const struct tb_opts *o = run->o;
	unsigned int i, c;

	run->shared_epfd = -1;
	for (i = 0; i < o->readers; i++) {
		struct tb_worker *w = &run->w[i];

		w->id = i;
		w->mode = o->modes[i % o->nmodes];
		w->chan = &run->chan[run->nchan == 1 ? 0 : i];
		w->epfd = -1;
		switch (w->mode) {
		case TB_MODE_EPOLL:
			w->epfd = tb_epoll_create();
			tb_epoll_add(w->epfd, run, w->chan - run->chan, 0);
			break;
		case TB_MODE_EPOLL_SHARED:
			if (run->shared_epfd < 0) {
				run->shared_epfd = tb_epoll_create();
				for (c = 0; c < run->nchan; c++)
					if (tb_chan_mode(run, c) ==
					    TB_MODE_EPOLL_SHARED)
						tb_epoll_add(run->shared_epfd,
							     run, c, 0);
			}
			w->epfd = run->shared_epfd;
			break;
		case TB_MODE_EPOLL_EXCL:
			w->epfd = tb_epoll_create();
			for (c = 0; c < run->nchan; c++)
				if (tb_chan_mode(run, c) == TB_MODE_EPOLL_EXCL)
					tb_epoll_add(w->epfd, run, c,
						     EPOLLEXCLUSIVE);
			break;
		default:
			break;
		}
	}
}

static void *tb_thread(void *arg)
{
	struct tb_worker *w = arg;

	tb_worker_run(w->run, w);
	return NULL;
}

static void tb_start_workers(struct tb_run *run)
{
	pid_t pid, parent = getpid();
	unsigned int i;
	int e;

	for (i = 0; i < run->o->readers; i++) {
		struct tb_worker *w = &run->w[i];

		w->run = run;
		if (!run->o->procs) {
			e = pthread_create(&w->thread, NULL, tb_thread, w);
			if (e)
				tb_errc(1, e, "pthread_create reader %u", i);
			continue;
		}
		/* Flush so a child's exit cannot write our buffers twice. */
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			err(1, "fork reader %u", i);
		if (!pid) {
			/* Never outlive a controller that died mid-run. */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) ||
			    getppid() != parent)
				_exit(1);
			tb_worker_run(run, w);
			_exit(0);
		}
		w->pid = pid;
	}
}

static bool tb_all_done(const struct tb_run *run)
{
	unsigned int i;

	for (i = 0; i < run->o->readers; i++)
		if (!__atomic_load_n(&run->w[i].done, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static void tb_sleep_ns(u64 ns)
{
	struct timespec ts = {
		.tv_sec = ns / NSEC_PER_SEC,
		.tv_nsec = ns % NSEC_PER_SEC,
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A reader process that died without saying done ends the run. */
static void tb_reap_dead(struct tb_run *run)
{
	unsigned int i;
	int status;
	pid_t r;

	for (i = 0; i < run->o->readers; i++) {
		struct tb_worker *w = &run->w[i];

		if (w->pid <= 0)
			continue;
		r = waitpid(w->pid, &status, WNOHANG);
		if (r < 0)
			err(1, "waitpid reader %u", i);
		if (!r)
			continue;
		w->pid = 0;
		if (!WIFEXITED(status) || WEXITSTATUS(status) ||
		    !__atomic_load_n(&w->done, __ATOMIC_ACQUIRE)) {
			w->failed = 1;
			snprintf(w->errmsg, sizeof(w->errmsg),
				 "reader %u: process ended abnormally (status 0x%x)",
				 i, status);
			__atomic_store_n(&run->abort, 1, __ATOMIC_RELEASE);
		}
		__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	}
}

/*
 * Tell the readers to finish: the flag, then SIGUSR1 to break a blocked
 * read() or wait.  A signal that lands just before a reader enters read()
 * is lost, so repeat until every reader says it is done.
 */
static void tb_stop_workers(struct tb_run *run)
{
	unsigned int i;
	int e;

	__atomic_store_n(&run->stop, 1, __ATOMIC_RELEASE);
	while (!tb_all_done(run)) {
		for (i = 0; i < run->o->readers; i++) {
			struct tb_worker *w = &run->w[i];

			if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE))
				continue;
			if (run->o->procs) {
				if (kill(w->pid, SIGUSR1) && errno != ESRCH)
					err(1, "kill reader %u", i);
			} else {
				e = pthread_kill(w->thread, SIGUSR1);
				if (e && e != ESRCH)
					tb_errc(1, e, "pthread_kill reader %u", i);
			}
		}
		tb_sleep_ns(10 * 1000 * 1000);
		if (run->o->procs)
			tb_reap_dead(run);
	}
}

static void tb_join_workers(struct tb_run *run)
{
	unsigned int i;
	int e, status;

	for (i = 0; i < run->o->readers; i++) {
		struct tb_worker *w = &run->w[i];

		if (!run->o->procs) {
			e = pthread_join(w->thread, NULL);
			if (e)
				tb_errc(1, e, "pthread_join reader %u", i);
			continue;
		}
		if (w->pid <= 0)
			continue;
		if (waitpid(w->pid, &status, 0) < 0)
			err(1, "waitpid reader %u", i);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			w->failed = 1;
			snprintf(w->errmsg, sizeof(w->errmsg),
				 "reader %u: process ended abnormally (status 0x%x)",
				 i, status);
		}
	}
}

static u64 tb_events_so_far(const struct tb_run *run)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < run->o->readers; i++)
		sum += __atomic_load_n(&run->w[i].events, __ATOMIC_RELAXED);
	return sum;
}

static void tb_progress(const struct tb_run *run, u64 elapsed_ns,
			u64 total_ns)
{
	const struct tb_opts *o = run->o;
	struct tickdev_stats st;
	u64 ev = tb_events_so_far(run);

	fprintf(stderr, "\rtickbench: %llu/%llu s  %llu events (%.0f/s)",
		(unsigned long long)(elapsed_ns / NSEC_PER_SEC),
		(unsigned long long)((total_ns + NSEC_PER_SEC / 2) /
				     NSEC_PER_SEC),
		(unsigned long long)ev,
		elapsed_ns ? ev * 1e9 / elapsed_ns : 0.0);
	if (o->source == TB_SRC_TICKDEV &&
	    !ioctl(run->chan[0].fd, TICKDEV_IOC_GET_STATS, &st))
		fprintf(stderr, "  drops %llu  overruns %llu",
			(unsigned long long)st.dropped,
			(unsigned long long)st.overruns);
	fprintf(stderr, "   ");
}

/*
 * The controller's wait: until the duration is over, the producer has made
 * --loops events, a reader failed, or SIGINT/SIGTERM arrived.
 *
 * Return: true when a signal cut the run short.
 */
static bool tb_control(struct tb_run *run, const sigset_t *stopset,
		       u64 t_start)
{
	const struct tb_opts *o = run->o;
	u64 deadline = 0, total, slice, now, next, wait;
	struct tickdev_stats st;
	struct timespec ts;
	bool progress, interrupted = false;

	if (o->duration_ns)
		deadline = t_start + o->duration_ns;
	else if (o->source == TB_SRC_TIMERFD)
		deadline = run->t0_ns + (o->loops - 1) * o->period_ns;
	total = o->duration_ns ? o->duration_ns : o->loops * o->period_ns;
	progress = o->progress > 0 ||
		   (o->progress < 0 && !o->quiet && isatty(STDERR_FILENO) &&
		    total > TB_PROGRESS_NS);
	/* Polling the device for --loops: often enough, not too often. */
	slice = 100 * 1000 * 1000;
	if (!deadline)
		slice = o->period_ns < 1000000 ? 1000000 :
			o->period_ns > 10000000 ? 10000000 : o->period_ns;
	next = t_start + NSEC_PER_SEC;

	for (;;) {
		now = tb_now_ns();
		if (deadline && now >= deadline)
			break;
		if (__atomic_load_n(&run->abort, __ATOMIC_ACQUIRE))
			break;
		if (!deadline) {
			tb_dev_ioctl(run->chan[0].fd, TICKDEV_IOC_GET_STATS,
				     &st, "GET_STATS");
			if (st.produced >= o->loops)
				break;
		}
		if (progress && now >= next) {
			tb_progress(run, now - t_start, total);
			next += NSEC_PER_SEC;
		}
		wait = slice;
		if (deadline && deadline - now < wait)
			wait = deadline - now;
		if (progress && (next > now ? next - now : 1) < wait)
			wait = next > now ? next - now : 1;
		ts.tv_sec = wait / NSEC_PER_SEC;
		ts.tv_nsec = wait % NSEC_PER_SEC;
		if (sigtimedwait(stopset, NULL, &ts) > 0) {
			interrupted = true;
			break;
		}
		if (errno != EAGAIN && errno != EINTR)
			err(1, "sigtimedwait");
		if (o->procs)
			tb_reap_dead(run);
	}
	if (progress)
		fprintf(stderr, "\r%79s\r", "");
	return interrupted;
}

static void tb_open_dump(struct tb_run *run)
{
	static const char hdr[] =
		"# tickbench raw events: one line per event, times in ns (CLOCK_MONOTONIC)\n"
		"# timerfd: seq is the expiration index, dropped the extra expirations\n"
		"# reader seq sched_ns expire_ns enqueue_ns user_ns cpu dropped\n";
	ssize_t n;

	run->dumpfd = open(run->o->dump,
			   O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
			   0644);
	if (run->dumpfd < 0)
		err(1, "%s", run->o->dump);
	n = write(run->dumpfd, hdr, sizeof(hdr) - 1);
	if (n != (ssize_t)sizeof(hdr) - 1)
		err(1, "writing %s", run->o->dump);
}

/* Checks that need the device after the drain, before the readers close. */
static void tb_finish_device(struct tb_run *run, struct tb_result *res)
{
	unsigned int i;
	__u32 q;

	tb_dev_ioctl(run->chan[0].fd, TICKDEV_IOC_GET_STATS, &res->stats,
		     "GET_STATS");
	res->have_stats = true;
	tb_dev_ioctl(run->chan[0].fd, TICKDEV_IOC_GET_MAX_CAPACITY,
		     &res->capacity, "GET_MAX_CAPACITY");
	for (i = 0; i < run->nchan; i++) {
		tb_dev_ioctl(run->chan[i].fd, TICKDEV_IOC_GET_QUEUE_SIZE, &q,
			     "GET_QUEUE_SIZE");
		if (!q)
			continue;
		res->integrity++;
		if (!res->first_error[0])
			snprintf(res->first_error, sizeof(res->first_error),
				 "reader %u: %u records still queued after the drain",
				 i, q);
	}
}

static void tb_close_all(struct tb_run *run)
{
	unsigned int i;

	for (i = 0; i < run->o->readers; i++) {
		struct tb_worker *w = &run->w[i];

		if (w->epfd >= 0 && w->epfd != run->shared_epfd &&
		    close(w->epfd))
			err(1, "close epoll");
	}
	if (run->shared_epfd >= 0 && close(run->shared_epfd))
		err(1, "close epoll");
	for (i = 0; i < run->nchan; i++) {
		if (run->o->source == TB_SRC_TIMERFD)
			tb_timerfd_disarm(run->chan[i].fd);
		if (close(run->chan[i].fd))
			err(1, "close reader %u", i);
	}
	if (run->dumpfd >= 0 && close(run->dumpfd))
		err(1, "close %s", run->o->dump);
}

int main(int argc, char **argv)
{
	struct tb_opts o = {
		.source = TB_SRC_TICKDEV,
		.dev = "/dev/tickdev",
		.period_ns = 1000 * NSEC_PER_USEC,
		.timer = -1,
		.design = -1,
		.fanout = -1,
		.frame = -1,
		.readers = 1,
		.modes = { TB_MODE_BLOCK },
		.nmodes = 1,
		.batch = 1,
		.verify = true,
		.tag = "",
		.progress = -1,
	};
	struct tb_result *res;
	u64 t_start, t_stop;
	struct tb_run *run;
	sigset_t stopset;
	unsigned int i;
	int e, status = 0;

	tb_parse(argc, argv, &o);
	tb_validate(&o);
	tb_signals(&stopset);
	if (o.mlock && mlockall(MCL_CURRENT | MCL_FUTURE))
		err(1, "mlockall");

	run = tb_shared_alloc(sizeof(*run));
	run->chan = tb_shared_alloc(o.readers * sizeof(*run->chan));
	run->w = tb_shared_alloc(o.readers * sizeof(*run->w));
	run->o = &o;
	run->dumpfd = -1;
	tb_open_channels(run);
	tb_init_sync(run);
	tb_setup_workers(run);
	if (o.dump)
		tb_open_dump(run);
	if (o.source == TB_SRC_TICKDEV) {
		tb_dev_ioctl(run->chan[0].fd, TICKDEV_IOC_RESET_STATS, NULL,
			     "RESET_STATS");
		run->end_seq = o.loops;
	}

	tb_start_workers(run);
	e = pthread_barrier_wait(&run->start);
	if (e && e != PTHREAD_BARRIER_SERIAL_THREAD)
		tb_errc(1, e, "pthread_barrier_wait");
	t_start = tb_now_ns();
	if (o.source == TB_SRC_TICKDEV) {
		tb_dev_ioctl(run->chan[0].fd, TICKDEV_IOC_START, NULL, "START");
	} else {
		/* First expiry one period out, as the device's after START. */
		run->t0_ns = t_start + o.period_ns;
		for (i = 0; i < run->nchan; i++)
			tb_timerfd_arm(run->chan[i].fd, run->t0_ns,
				       o.period_ns);
	}

	res = calloc(1, sizeof(*res));
	if (!res)
		err(1, "calloc");
	res->interrupted = tb_control(run, &stopset, t_start);

	if (o.source == TB_SRC_TICKDEV) {
		tb_dev_ioctl(run->chan[0].fd, TICKDEV_IOC_STOP, NULL, "STOP");
		t_stop = tb_now_ns();
	} else {
		t_stop = tb_now_ns();
		/* The timerfds keep ticking: measure only what was due. */
		run->end_seq = o.loops ? o.loops :
			       t_stop >= run->t0_ns ?
			       (t_stop - run->t0_ns) / o.period_ns + 1 : 0;
	}
	res->duration_ns = t_stop - t_start;
	tb_stop_workers(run);
	tb_join_workers(run);
	if (o.source == TB_SRC_TICKDEV)
		tb_finish_device(run, res);
	tb_collect(run, res);
	tb_close_all(run);

	for (i = 0; i < o.readers; i++) {
		if (run->w[i].failed) {
			warnx("%s", run->w[i].errmsg);
			status = 1;
		}
	}
	if (o.json)
		tb_report_json(run, res);
	else if (o.csv_row)
		tb_report_csv_row(run, res, stdout, true);
	else if (!o.quiet)
		tb_report_human(run, res);
	if (o.hist_us)
		tb_report_hist_stdout(run, res);
	if (o.csv)
		tb_report_csv_file(run, res);
	if (o.hist_file)
		tb_report_hist_file(run, res);
	if (fflush(stdout) || ferror(stdout))
		err(1, "stdout");
	if (!status && res->integrity) {
		warnx("%llu integrity error(s); first: %s",
		      (unsigned long long)res->integrity, res->first_error);
		status = 3;
	}
	free(res);
	return status;
}
