# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/trace/common.sh - helpers the tracing tests share (sourced; not a test).

TRACE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TICKDEV_KO=${TICKDEV_KO:-$TRACE_TOP/driver/tickdev.ko}

# why_not_runnable: print why this test cannot run here, or nothing.
why_not_runnable() {
	[ "$(id -u)" = 0 ] || { echo "not root (run in the guest: scripts/vm-run -- tests/run trace)"; return; }
	[ -f "$TICKDEV_KO" ] || { echo "$TICKDEV_KO not built (make)"; return; }
	[ -d /sys/kernel/tracing/events ] || { echo "tracefs not mounted"; return; }
}

# tickdev_load ARG...: (re)load the module with these parameters.
tickdev_load() {
	tickdev_unload
	insmod "$TICKDEV_KO" "$@"
}

tickdev_unload() {
	if [ -d /sys/module/tickdev ]; then
		rmmod tickdev
	fi
}

# readers_script FILE N K: a shell script of K blocking readers taking N
# records each (48-byte records: frame_bytes=0), run by tracers as their
# command.  A file, not a command line, because bpftrace -c splits words.
readers_script() {
	local _
	{
		echo '#!/bin/sh'
		for _ in $(seq "$3"); do
			echo "dd if=/dev/tickdev bs=48 count=$2 of=/dev/null 2>/dev/null &"
		done
		echo 'wait'
	} >"$1"
}

# wait_for PRED-CMD...: poll up to 120 s (not a timing assertion: a bound
# so that a broken tool fails the test instead of hanging it).
wait_for() {
	local _
	for _ in $(seq 240); do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}
