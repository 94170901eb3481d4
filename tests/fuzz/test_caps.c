// SPDX-License-Identifier: GPL-2.0
/*
 * test_caps - the controls need CAP_SYS_ADMIN, reading does not.
 *
 * A child process drops CAP_SYS_ADMIN (from its bounding, permitted,
 * effective and inheritable sets; it stays uid 0, so the node's 0600 mode
 * still lets it open) and then, on its own reader:
 *   - START, STOP, SET_CONFIG, RESET_STATS must fail with EPERM and change
 *     nothing (the parent checks running state, config and counters);
 *   - read, poll, CLEAR of its own ring, GET_CONFIG, GET_STATS,
 *     GET_QUEUE_SIZE, GET_MAX_CAPACITY, GET_API_VERSION must work.
 * The parent, with the capability, can do all of it.  And the node's mode
 * must be a module parameter (one whose name says "mode").
 *
 * Loads the module itself ($TICKDEV_KO, else driver/tickdev.ko beside
 * this tree); prints TAP.
 */
#include <dirent.h>
#include <linux/capability.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "tdmodule.h"
#include "tdstress.h"

/*
 * Load afresh with @params.  False when there is no .ko to load: a SKIP.
 * A module that stays busy, or a node that does not appear, is left for
 * insmod or open() to fail on.
 */
static bool load(const char *params)
{
	char ko[512];

	tds_ko_path(ko, sizeof(ko));
	tds_unload(true);
	if (!tds_insmod(ko, params))
		return false;
	tds_wait_node();
	return true;
}

static void drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	unsigned int word = CAP_SYS_ADMIN / 32, bit = 1u << (CAP_SYS_ADMIN % 32);

	if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0))
		err(1, "PR_CAPBSET_DROP");
	if (syscall(SYS_capget, &hdr, data))
		err(1, "capget");
	data[word].effective &= ~bit;
	data[word].permitted &= ~bit;
	data[word].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data))
		err(1, "capset");
}

/*
 * The unprivileged side.  Exit status: bit 0 a control worked or failed
 * with other than EPERM, bit 1 a reader operation failed.
 */
static int child(void)
{
	static const struct {
		unsigned long cmd;
		const char *name;
	} ctl[] = {
		{ TICKDEV_IOC_START, "START" },
		{ TICKDEV_IOC_STOP, "STOP" },
		{ TICKDEV_IOC_SET_CONFIG, "SET_CONFIG" },
		{ TICKDEV_IOC_RESET_STATS, "RESET_STATS" },
	}, q[] = {
		{ TICKDEV_IOC_GET_CONFIG, "GET_CONFIG" },
		{ TICKDEV_IOC_GET_STATS, "GET_STATS" },
		{ TICKDEV_IOC_GET_QUEUE_SIZE, "GET_QUEUE_SIZE" },
		{ TICKDEV_IOC_GET_MAX_CAPACITY, "GET_MAX_CAPACITY" },
		{ TICKDEV_IOC_GET_API_VERSION, "GET_API_VERSION" },
		{ TICKDEV_IOC_CLEAR, "CLEAR" },
	};
	unsigned char buf[4096];
	struct tickdev_config cfg;
	struct tickdev_stats st;
	struct pollfd pfd;
	int fd, rc = 0, i;
	__u32 u32;
	ssize_t got;
	void *arg;

	drop_sys_admin();
	fd = open(TDS_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		err(1, "open without CAP_SYS_ADMIN");
	tds_get_config(fd, &cfg);
	/* Reading first: a STOP that wrongly succeeded would starve it. */
	for (i = 0; i < (int)ARRAY_SIZE(q); i++) {
		arg = q[i].cmd == TICKDEV_IOC_GET_STATS ? (void *)&st :
		      q[i].cmd == TICKDEV_IOC_GET_CONFIG ? (void *)&cfg : (void *)&u32;
		if (ioctl(fd, q[i].cmd, arg)) {
			printf("# without CAP_SYS_ADMIN: %s failed with %s, expected success\n",
			       q[i].name, strerror(errno));
			rc |= 2;
		}
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 30000) != 1 || !(pfd.revents & POLLIN)) {
		printf("# without CAP_SYS_ADMIN: poll saw no record in 30 s\n");
		rc |= 2;
	}
	got = read(fd, buf, sizeof(buf));
	if (got <= 0) {
		printf("# without CAP_SYS_ADMIN: read returned %zd (%s)\n", got,
		       got < 0 ? strerror(errno) : "");
		rc |= 2;
	}
	for (i = 0; i < (int)ARRAY_SIZE(ctl); i++) {
		arg = ctl[i].cmd == TICKDEV_IOC_SET_CONFIG ? (void *)&cfg : NULL;
		if (!ioctl(fd, ctl[i].cmd, arg)) {
			printf("# without CAP_SYS_ADMIN: %s succeeded, expected EPERM\n",
			       ctl[i].name);
			rc |= 1;
		} else if (errno != EPERM) {
			printf("# without CAP_SYS_ADMIN: %s failed with %s, expected EPERM\n",
			       ctl[i].name, strerror(errno));
			rc |= 1;
		}
	}
	if (close(fd))
		err(1, "close");
	return rc;
}

/* A module parameter whose name says "mode", e.g. mode or dev_mode. */
static bool mode_param(char *name, size_t len)
{
	DIR *d = opendir("/sys/module/tickdev/parameters");
	struct dirent *de;
	bool found = false;

	while (d && (de = readdir(d)))
		if (strstr(de->d_name, "mode")) {
			snprintf(name, len, "%s", de->d_name);
			found = true;
		}
	if (d)
		closedir(d);
	return found;
}

int main(void)
{
	struct tickdev_config before, after;
	struct tickdev_stats st;
	struct tds_tap t = { 0, 0 };
	int fd, status, rc;
	char name[256];
	bool ok;
	pid_t pid;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (geteuid()) {
		printf("1..0 # SKIP needs root to load the module\n");
		return 0;
	}
	if (!load("period_ns=1000000 ring_records=64")) {
		printf("1..0 # SKIP the module is not built: run make\n");
		return 0;
	}
	printf("1..4\n");
	fd = open(TDS_DEV, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		err(1, "open");
	ok = !ioctl(fd, TICKDEV_IOC_RESET_STATS) && !ioctl(fd, TICKDEV_IOC_START);
	tds_get_config(fd, &before);

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		err(1, "fork");
	if (!pid)
		_exit(child());
	if (waitpid(pid, &status, 0) != pid)
		err(1, "waitpid");
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 255;

	tds_get_config(fd, &after);
	tds_get_stats(fd, &st);
	if (!st.running || memcmp(&before, &after, sizeof(before))) {
		printf("# after the unprivileged child: running %u, config %s\n", st.running,
		       memcmp(&before, &after, sizeof(before)) ? "changed" : "unchanged");
		rc |= 1;
	}
	tds_tap_result(&t, rc != 255 && !(rc & 2),
		       "reader_without_cap_sys_admin_can_read_poll_clear_and_query");
	tds_tap_result(&t, rc != 255 && !(rc & 1),
		       "control_ioctls_without_cap_sys_admin_fail_eperm_change_nothing");

	ok = ok && !ioctl(fd, TICKDEV_IOC_STOP) &&
	     !ioctl(fd, TICKDEV_IOC_SET_CONFIG, &before) &&
	     !ioctl(fd, TICKDEV_IOC_RESET_STATS) && !ioctl(fd, TICKDEV_IOC_START) &&
	     !ioctl(fd, TICKDEV_IOC_STOP);
	tds_tap_result(&t, ok, "control_ioctls_with_cap_sys_admin_work");

	ok = mode_param(name, sizeof(name));
	if (ok)
		printf("# the node's mode: module parameter %s\n", name);
	else
		printf("# no module parameter named *mode* under /sys/module/tickdev/parameters\n");
	tds_tap_result(&t, ok, "device_node_mode_is_a_module_parameter");

	if (close(fd))
		err(1, "close");
	tds_unload(true);
	return t.failed ? 1 : 0;
}
