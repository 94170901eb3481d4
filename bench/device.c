// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - the controller's side of /dev/tickdev: open, API check and
 * configuration, with the messages a user needs when one of them fails.
 *
 * tickbench never loads the module: a missing device is a usage error
 * (exit 2) that says how to load it.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tickbench.h"

/**
 * tb_dev_open() - open the device, explaining the usual failures
 * @path: device node
 * @flags: open flags
 * @control: the first open of the run (missing module is diagnosed here)
 *
 * Return: the file descriptor; exits on failure.
 */
int tb_dev_open(const char *path, int flags, bool control)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (control && (errno == ENOENT || errno == ENXIO || errno == ENODEV))
		err(TB_EXIT_USAGE,
		    "%s: is tickdev.ko loaded? (insmod driver/tickdev.ko)",
		    path);
	if (errno == EACCES || errno == EPERM)
		err(TB_EXIT_USAGE, "%s: permission denied (run as root?)",
		    path);
	if (!control)
		err(TB_EXIT_USAGE,
		    "%s: opening another reader (see the module's max_readers)",
		    path);
	err(TB_EXIT_USAGE, "%s", path);
}

/**
 * tb_dev_ioctl() - an ioctl that must succeed
 * @fd: device
 * @req: request
 * @arg: argument
 * @what: name for the message
 */
void tb_dev_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
	if (ioctl(fd, req, arg) < 0)
		err(1, "ioctl %s", what);
}

/**
 * tb_dev_check_api() - refuse a device speaking another API version
 * @fd: device
 * @path: device node, for the message
 */
void tb_dev_check_api(int fd, const char *path)
{
	__u32 ver = 0;

	if (ioctl(fd, TICKDEV_IOC_GET_API_VERSION, &ver) < 0) {
		if (errno == ENOTTY)
			errx(TB_EXIT_USAGE,
			     "%s: not a tickdev device, or a module too old to report its API version",
			     path);
		err(TB_EXIT_USAGE, "%s: reading the API version", path);
	}
	if (ver != TICKDEV_API_VERSION)
		errx(TB_EXIT_USAGE,
		     "%s: API version mismatch: the module speaks %u, tickbench was built for %u; rebuild one of them from the same tree",
		     path, ver, TICKDEV_API_VERSION);
}

#define TB_PARAMS	"/sys/module/tickdev/parameters/"

/* One module parameter as text, or false when it cannot be read. */
static bool tb_param(const char *name, char *buf, size_t len)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), TB_PARAMS "%s", name);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, len, f);
	if (fclose(f))
		ok = false;
	buf[strcspn(buf, "\n")] = 0;
	return ok;
}

static void tb_param_name(const char *name, u32 *val,
			  const char *(*to_name)(int), int n)
{
	char buf[32];
	int i;

	if (!tb_param(name, buf, sizeof(buf)))
		return;
	for (i = 0; i < n; i++)
		if (!strcmp(buf, to_name(i)))
			*val = i;
}

static void tb_param_u32(const char *name, u32 *val)
{
	char buf[32], *end;
	unsigned long v;

	if (!tb_param(name, buf, sizeof(buf)))
		return;
	v = strtoul(buf, &end, 10);
	if (end != buf && !*end)
		*val = v;
}

/*
 * The configuration a run starts from: the module's load-time defaults,
 * not whatever the previous run left in the device, so a run's result
 * does not depend on the runs before it.  Without the parameters in
 * sysfs, the device's current configuration is the fallback.
 */
static void tb_dev_defaults(struct tickdev_config *cfg)
{
	tb_param_name("timer", &cfg->timer, tb_timer_name, TICKDEV_TIMER_NR);
	tb_param_name("design", &cfg->design, tb_design_name,
		      TICKDEV_DESIGN_NR);
	tb_param_name("fanout", &cfg->fanout, tb_fanout_name,
		      TICKDEV_FANOUT_NR);
	tb_param_u32("ring_records", &cfg->ring_records);
	tb_param_u32("frame_bytes", &cfg->frame_bytes);
}

/**
 * tb_dev_configure() - stop the device and set the run's configuration
 * @fd: device (a control open, closed by the caller before readers open)
 * @o: options; fields left unset take the module parameters' values
 * @cfg: filled with the configuration read back from the device
 */
void tb_dev_configure(int fd, const struct tb_opts *o,
		      struct tickdev_config *cfg)
{
	struct tickdev_stats st;

	/*
	 * The module may have been loaded with autostart=1, or a previous
	 * run killed mid-way; SET_CONFIG is refused while running, and we
	 * are the controlling process, so stop it.
	 */
	tb_dev_ioctl(fd, TICKDEV_IOC_GET_STATS, &st, "GET_STATS");
	if (st.running) {
		if (!o->quiet)
			fprintf(stderr,
				"tickbench: note: the device was running; stopping it\n");
		tb_dev_ioctl(fd, TICKDEV_IOC_STOP, NULL, "STOP");
	}
	if (st.readers > 1 && !o->quiet)
		fprintf(stderr,
			"tickbench: note: %u other reader(s) hold the device; they share the producer's work\n",
			st.readers - 1);

	tb_dev_ioctl(fd, TICKDEV_IOC_GET_CONFIG, cfg, "GET_CONFIG");
	tb_dev_defaults(cfg);
	cfg->period_ns = o->period_ns;
	if (o->timer >= 0)
		cfg->timer = o->timer;
	if (o->design >= 0)
		cfg->design = o->design;
	if (o->fanout >= 0)
		cfg->fanout = o->fanout;
	if (o->ring)
		cfg->ring_records = o->ring;
	if (o->frame >= 0)
		cfg->frame_bytes = o->frame;
	cfg->reserved = 0;

	if (ioctl(fd, TICKDEV_IOC_SET_CONFIG, cfg) < 0) {
		int e = errno;

		if (e == EBUSY)
			errx(TB_EXIT_USAGE,
			     "%s: SET_CONFIG refused: running (another controller?)",
			     o->dev);
		if (e != EINVAL)
			err(1, "ioctl SET_CONFIG");
		warnx("%s: SET_CONFIG rejected the configuration (EINVAL):",
		      o->dev);
		fprintf(stderr,
			"  period %llu ns, timer %s, design %s, fanout %s,\n"
			"  ring %u records, frame %u bytes\n",
			(unsigned long long)cfg->period_ns,
			tb_timer_name(cfg->timer), tb_design_name(cfg->design),
			tb_fanout_name(cfg->fanout), cfg->ring_records,
			cfg->frame_bytes);
		if (cfg->timer == TICKDEV_TIMER_LIST)
			fprintf(stderr,
				"  the list timer cannot tick faster than one jiffy\n"
				"  (1 to 10 ms by CONFIG_HZ): try --timer hrtimer\n");
		fprintf(stderr,
			"  a ring must also fit the module's max_ring_kib:\n"
			"  ring * (%zu + frame) bytes, rounded up to 8\n",
			sizeof(struct tickdev_event));
		exit(TB_EXIT_USAGE);
	}
	tb_dev_ioctl(fd, TICKDEV_IOC_GET_CONFIG, cfg, "GET_CONFIG");
}
