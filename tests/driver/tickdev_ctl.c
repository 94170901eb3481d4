// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev_ctl - a few /dev/tickdev ioctls from the shell, for the shell
 * tests: print the config or the stats as key=value lines, start, stop.
 */
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <tickdev.h>

static const char *const timers[] = { "list", "hrtimer" };
static const char *const designs[] = { "spinlock", "workqueue" };
static const char *const fanouts[] = { "broadcast", "shared" };

static const char *name(const char *const *names, unsigned int n, unsigned int v)
{
	return v < n ? names[v] : "unknown";
}

static void help(FILE *f)
{
	fprintf(f, "usage: tickdev_ctl [-d DEV] config|stats|start|stop\n"
		"  config  print GET_CONFIG as key=value lines\n"
		"  stats   print GET_STATS as key=value lines\n"
		"  start   TICKDEV_IOC_START\n"
		"  stop    TICKDEV_IOC_STOP\n");
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/tickdev";
	struct tickdev_config c;
	struct tickdev_stats s;
	int opt, fd;

	while ((opt = getopt(argc, argv, "d:h")) != -1) {
		switch (opt) {
		case 'd':
			dev = optarg;
			break;
		case 'h':
			help(stdout);
			return 0;
		default:
			help(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		help(stderr);
		return 2;
	}
	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		err(1, "%s", dev);
	if (!strcmp(argv[optind], "config")) {
		if (ioctl(fd, TICKDEV_IOC_GET_CONFIG, &c))
			err(1, "GET_CONFIG");
		printf("period_ns=%llu\ntimer=%s\ndesign=%s\nfanout=%s\nring_records=%u\n"
		       "frame_bytes=%u\n", (unsigned long long)c.period_ns,
		       name(timers, 2, c.timer), name(designs, 2, c.design),
		       name(fanouts, 2, c.fanout), c.ring_records, c.frame_bytes);
	} else if (!strcmp(argv[optind], "stats")) {
		if (ioctl(fd, TICKDEV_IOC_GET_STATS, &s))
			err(1, "GET_STATS");
		printf("produced=%llu\nenqueued=%llu\ndropped=%llu\ndelivered=%llu\n"
		       "wakeups=%llu\nrearms=%llu\noverruns=%llu\nmax_fill=%llu\n"
		       "readers=%u\nrunning=%u\n",
		       (unsigned long long)s.produced, (unsigned long long)s.enqueued,
		       (unsigned long long)s.dropped, (unsigned long long)s.delivered,
		       (unsigned long long)s.wakeups, (unsigned long long)s.rearms,
		       (unsigned long long)s.overruns, (unsigned long long)s.max_fill,
		       s.readers, s.running);
	} else if (!strcmp(argv[optind], "start")) {
		if (ioctl(fd, TICKDEV_IOC_START))
			err(1, "START");
	} else if (!strcmp(argv[optind], "stop")) {
		if (ioctl(fd, TICKDEV_IOC_STOP))
			err(1, "STOP");
	} else {
		help(stderr);
		return 2;
	}
	close(fd);
	return 0;
}
