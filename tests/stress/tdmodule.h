/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tdmodule.h - what the test programs share beyond the device model of
 * tdstress.h: finding, loading and unloading tickdev.ko themselves, the
 * TAP result line and option parsing.
 *
 * Each helper is only the part the programs do alike.  Where they differ
 * on purpose (how long to wait, what is fatal, what a missing .ko means)
 * the difference stays with the caller, as a parameter or a thin wrapper,
 * so that no program's retries, error paths or exit status change.
 */
#ifndef TDMODULE_H
#define TDMODULE_H

#include <stdlib.h>
#include <sys/syscall.h>

#include "tdstress.h"

/*
 * How long tds_wait_node() and tds_unload() keep trying: 2000 times 10 ms
 * apart, about 20 s.  Not a timing assertion: only a bound that turns a
 * hang into a failure with a message.
 */
#define TDS_WAIT_TRIES		2000
#define TDS_WAIT_SLEEP_US	10000

/*
 * tds_parse_u64() - an option's number, any base strtoull() takes.  Junk
 * or overflow exits 2, the usage status, rather than running a test with
 * a value nobody asked for.
 */
static inline __u64 tds_parse_u64(const char *s, const char *what)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		errx(2, "%s: '%s' is not a number", what, s);
	return v;
}

/* A TAP stream's count: tests printed so far and how many failed. */
struct tds_tap {
	int n, failed;
};

/*
 * tds_tap_result() - print "ok N name" or "not ok N name" and count it,
 * so that main() can exit non-zero when any test failed.
 */
static inline void __printf(3, 4)
tds_tap_result(struct tds_tap *t, bool ok, const char *name, ...)
{
	va_list ap;

	t->n++;
	t->failed += !ok;
	printf("%sok %d ", ok ? "" : "not ", t->n);
	va_start(ap, name);
	vprintf(name, ap);
	va_end(ap);
	printf("\n");
}

/*
 * tds_ko_path() - the module to load: $TICKDEV_KO, else the tree's own
 * driver/tickdev.ko, found from this program's place in tests/<dir>/ (not
 * the working directory) so the tests run from anywhere.  Returns @ko.
 */
static inline const char *tds_ko_path(char *ko, size_t len)
{
	const char *env = getenv("TICKDEV_KO");
	char exe[400];
	ssize_t n;
	char *slash;

	if (env && *env) {
		snprintf(ko, len, "%s", env);
		return ko;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		err(1, "readlink /proc/self/exe");
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(ko, len, "%s/../../driver/tickdev.ko", exe);
	return ko;
}

static inline bool tds_loaded(void)
{
	return !access("/sys/module/tickdev", F_OK);
}

/*
 * tds_insmod() - finit_module @ko with @params.  Returns false, with errno
 * set, when @ko cannot be opened: whether that is a SKIP or an error is
 * the caller's to say.  A refused insmod is always fatal.  Does not wait
 * for the device node (see tds_wait_node()).
 */
static inline bool tds_insmod(const char *ko, const char *params)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (syscall(SYS_finit_module, fd, params, 0))
		err(1, "insmod %s %s", ko, params);
	if (close(fd))
		err(1, "close");
	return true;
}

/*
 * tds_wait_node() - udev creates the node after insmod returns: wait for
 * it, a bounded time.  Returns whether it is there.
 */
static inline bool tds_wait_node(void)
{
	int i;

	for (i = 0; i < TDS_WAIT_TRIES && access(TDS_DEV, F_OK); i++)
		tds_sleep_us(TDS_WAIT_SLEEP_US);
	return !access(TDS_DEV, F_OK);
}

/*
 * tds_rmmod_once() - one non-blocking delete_module of tickdev.  Returns
 * true when it is unloaded, false when a reader still holds it (EBUSY,
 * EWOULDBLOCK) or, with @gone_ok, when it is not loaded (ENOENT): both
 * worth a retry for a caller that loops.  Any other failure is fatal.
 */
static inline bool tds_rmmod_once(bool gone_ok)
{
	if (!syscall(SYS_delete_module, "tickdev", O_NONBLOCK))
		return true;
	if (errno != EWOULDBLOCK && errno != EBUSY && !(gone_ok && errno == ENOENT))
		err(1, "rmmod tickdev");
	return false;
}

/*
 * tds_unload() - rmmod tickdev, retrying while a reader that is closing
 * still holds it.
 * @gone_ok: true: stop as soon as the module is not loaded (also when it
 *           never was); false: it must be loaded, and ENOENT is fatal.
 *
 * Returns true when it is no longer loaded; false when it is still busy
 * after TDS_WAIT_TRIES tries.  Whether that is fatal is the caller's to
 * say.
 */
static inline bool tds_unload(bool gone_ok)
{
	int i;

	for (i = 0; i < TDS_WAIT_TRIES && (!gone_ok || tds_loaded()); i++) {
		if (tds_rmmod_once(gone_ok))
			return true;
		tds_sleep_us(TDS_WAIT_SLEEP_US);
	}
	return gone_ok && !tds_loaded();
}

#endif /* TDMODULE_H */
