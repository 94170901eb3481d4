# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# tests/stress/lib.sh - loading and unloading tickdev for the stress and
# fuzz scripts.  Sourced from the project root; honours $TICKDEV_KO (the
# debug tier's module).

td_ko() {
	echo "${TICKDEV_KO:-$PWD/driver/tickdev.ko}"
}

# td_unload: rmmod tickdev if loaded; a file just closed may hold it briefly.
td_unload() {
	[ -d /sys/module/tickdev ] || return 0
	for _ in $(seq 200); do
		rmmod tickdev 2>/dev/null && return 0
		sleep 0.05
	done
	rmmod tickdev
}

# td_load PARAMS...: a fresh copy of the module, and wait for its node.
td_load() {
	td_unload || return 1
	insmod "$(td_ko)" "$@" || return 1
	for _ in $(seq 400); do
		[ -c /dev/tickdev ] && return 0
		sleep 0.05
	done
	echo "# /dev/tickdev did not appear after insmod $*" >&2
	return 1
}

# td_prereq: prints why the suite cannot run here, or nothing.
td_prereq() {
	if [ "$(id -u)" != 0 ]; then
		echo "needs root to load the module"
	elif [ ! -r "$(td_ko)" ]; then
		echo "no module at $(td_ko): run make"
	fi
}
