#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_lifecycle.sh - tickdev.ko loads and unloads cleanly: 20 cycles with
# the timer running (autostart=1) across every timer x design x fan-out,
# readers blocked in read() then closed before each rmmod; rmmod refused
# while a reader holds the device; module parameters are what GET_CONFIG,
# /sys/module and the debugfs status file report; no kernel warnings.
#
# Runs in the guest as root (tests/run); leaves no module loaded.
# shellcheck disable=SC2086 # parameter lists are split into words on purpose
set -euo pipefail

case "${1:-}" in
-h | --help)
	echo "usage: tests/driver/test_lifecycle.sh   (TAP; in the guest, as root)"
	echo "env: TICKDEV_KO=path/to/tickdev.ko (default: driver/tickdev.ko)"
	exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"

ko=${TICKDEV_KO:-$here/../../driver/tickdev.ko}
ctl=$here/tickdev_ctl
dev=/dev/tickdev
status=/sys/kernel/debug/tickdev/status
cycles=20

tap_plan 5

# Lines of the kernel log so far: the warnings check looks only past them.
loud_levels=emerg,alert,crit,err,warn
log_start=$(dmesg 2>/dev/null | wc -l)
loud_start=$(dmesg --level=$loud_levels 2>/dev/null | wc -l)

skip_all() {
	local t
	for t in load_unload_cycles_with_running_timer_and_readers \
		rmmod_refused_while_a_reader_holds_the_device \
		module_params_in_get_config_sysfs_and_status \
		module_params_rejected_when_invalid \
		kernel_log_free_of_warnings; do
		tap_skip "$t" "$1"
	done
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "loading a module needs root"
[ -f "$ko" ] || skip_all "no module at $ko: build it with 'make modules'"

loaded() { [ -d /sys/module/tickdev ]; }

# Unload whatever is left; failing to is reported by the caller.
unload() {
	local i
	for ((i = 0; i < 100; i++)); do
		loaded || return 0
		rmmod tickdev 2>/dev/null && return 0
		sleep 0.1
	done
	! loaded
}

wait_dev() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -c "$dev" ] && return 0
		sleep 0.05
	done
	return 1
}

pids=()
fds=()
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local p f
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	for f in "${fds[@]}"; do exec {f}<&- 2>/dev/null || true; done
	unload || true
}
trap cleanup EXIT

unload || skip_all "a tickdev module is loaded and cannot be removed"

# --- 1: load/unload cycles --------------------------------------------------
timers=(list hrtimer)
designs=(spinlock workqueue)
fanouts=(broadcast shared)
what=
for ((i = 0; i < cycles; i++)); do
	t=${timers[$((i % 2))]} d=${designs[$((i / 2 % 2))]} f=${fanouts[$((i / 4 % 2))]}
	period=1000000
	[ "$t" = list ] && period=4000000
	params="autostart=1 timer=$t design=$d fanout=$f period_ns=$period ring_records=16"
	if ! insmod "$ko" $params 2>/tmp/insmod.err; then
		what="cycle $i: insmod $params failed: $(cat /tmp/insmod.err)"
		break
	fi
	if ! wait_dev; then
		what="cycle $i: no $dev after insmod"
		break
	fi
	# Two readers reading (blocked between events), one holding it unread.
	pids=()
	dd if=$dev of=/dev/null bs=4096 status=none 2>/dev/null & pids+=($!)
	dd if=$dev of=/dev/null bs=48 status=none 2>/dev/null & pids+=($!)
	exec {hold}<$dev
	fds=("$hold")
	sleep 0.2
	if [ -x "$ctl" ] && ! "$ctl" stats | grep -qx 'running=1'; then
		what="cycle $i ($params): expected running=1 with autostart=1, GET_STATS says: $("$ctl" stats | tr '\n' ' ')"
		break
	fi
	for p in "${pids[@]}"; do
		if ! kill -0 "$p" 2>/dev/null; then
			what="cycle $i ($params): a reader exited while events flow"
			break 2
		fi
	done
	if rmmod tickdev 2>/dev/null; then
		what="cycle $i ($params): rmmod succeeded while 3 readers held the device"
		break
	fi
	# Odd cycles stop first so the readers are surely asleep in read().
	if [ $((i % 2)) -eq 1 ] && [ -x "$ctl" ]; then
		if ! "$ctl" stop || ! sleep 0.1 || ! "$ctl" start; then
			what="cycle $i ($params): STOP or START failed"
			break
		fi
	fi
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	pids=()
	exec {hold}<&-
	fds=()
	if ! unload; then
		what="cycle $i ($params): rmmod failed after every reader closed"
		break
	fi
	if [ -e "$dev" ]; then
		what="cycle $i ($params): $dev still there after rmmod"
		break
	fi
done
if [ -z "$what" ]; then
	tap_ok "load_unload_cycles_with_running_timer_and_readers"
else
	tap_fail "load_unload_cycles_with_running_timer_and_readers" "$what"
	unload || true
fi

# --- 2: rmmod refused while a reader holds the device -----------------------
what=
if ! insmod "$ko" 2>/tmp/insmod.err || ! wait_dev; then
	what="insmod with default parameters failed: $(cat /tmp/insmod.err)"
else
	exec {hold}<$dev
	fds=("$hold")
	if out=$(rmmod tickdev 2>&1); then
		what="rmmod succeeded while a reader held the device"
	elif ! loaded || [ ! -c "$dev" ]; then
		what="rmmod failed ($out) but the module or $dev is gone"
	elif [ -x "$ctl" ] && ! "$ctl" stats >/dev/null; then
		what="after the refused rmmod the device no longer answers GET_STATS"
	fi
	exec {hold}<&-
	fds=()
	if ! unload && [ -z "$what" ]; then
		what="rmmod failed after the reader closed"
	fi
fi
if [ -z "$what" ]; then
	tap_ok "rmmod_refused_while_a_reader_holds_the_device"
else
	tap_fail "rmmod_refused_while_a_reader_holds_the_device" "$what"
fi

# --- 3: parameters in GET_CONFIG, /sys/module and the status file -----------
name=module_params_in_get_config_sysfs_and_status
declare -A want=([period_ns]=2000000 [timer]=hrtimer [design]=workqueue [fanout]=shared
	[ring_records]=128 [frame_bytes]=100)
params="autostart=0"
for k in "${!want[@]}"; do params="$params $k=${want[$k]}"; done
what=
if [ ! -x "$ctl" ]; then
	tap_skip "$name" "no $ctl: build it with 'make -C tests'"
elif ! insmod "$ko" $params 2>/tmp/insmod.err || ! wait_dev; then
	tap_fail "$name" "insmod $params failed: $(cat /tmp/insmod.err)"
else
	cfg=$("$ctl" config)
	for k in "${!want[@]}"; do
		got=$(sed -n "s/^$k=//p" <<<"$cfg")
		[ "$got" = "${want[$k]}" ] ||
			what="$what GET_CONFIG $k: expected ${want[$k]}, got '$got';"
		if [ -r "/sys/module/tickdev/parameters/$k" ]; then
			got=$(cat "/sys/module/tickdev/parameters/$k")
			[ "$got" = "${want[$k]}" ] ||
				what="$what /sys/module/tickdev/parameters/$k: expected ${want[$k]}, got '$got';"
		fi
	done
	"$ctl" stats | grep -qx 'running=0' || what="$what autostart=0 but running;"
	# Let some events happen so the status file has counters to show.
	"$ctl" start || what="$what START failed;"
	sleep 0.2
	"$ctl" stop || what="$what STOP failed;"
	produced=$("$ctl" stats | sed -n 's/^produced=//p' || true)
	if [ ! -r "$status" ]; then
		what="$what no status file $status;"
	else
		text=$(cat "$status")
		for k in "${!want[@]}"; do
			grep -qw -- "${want[$k]}" <<<"$text" ||
				what="$what status file lacks $k ${want[$k]};"
		done
		grep -qw -- "$produced" <<<"$text" ||
			what="$what status file lacks produced=$produced (from GET_STATS);"
	fi
	unload || what="$what rmmod failed;"
	if [ -z "$what" ]; then
		tap_ok "$name"
	else
		tap_fail "$name" "$what status file was: $(tr '\n' ' ' <<<"${text:-}")"
	fi
fi

# --- 4: bad parameters are refused at insmod, nothing left loaded -----------
# (Their refusals are logged as errors, rightly: the log check stops here.)
loud_end=$(dmesg --level=$loud_levels 2>/dev/null | wc -l)
name=module_params_rejected_when_invalid
what=
for bad in "timer=bogus" "design=bogus" "fanout=bogus" "ring_records=3" \
	"ring_records=131072" "frame_bytes=65537" "period_ns=5000" \
	"timer=list period_ns=1000000" "max_ring_kib=1 ring_records=65536"; do
	if insmod "$ko" $bad 2>/dev/null; then
		what="$what insmod $bad was accepted;"
		unload || true
	elif loaded; then
		what="$what insmod $bad failed but left the module loaded;"
		unload || true
	fi
done
if [ -z "$what" ]; then
	tap_ok "$name"
else
	tap_fail "$name" "$what"
fi

# --- 5: the kernel log ------------------------------------------------------
name=kernel_log_free_of_warnings
new=$(dmesg 2>/dev/null | tail -n +$((log_start + 1)) || true)
bad=$(grep -E 'WARNING:|BUG:|Oops|Call Trace|sleeping function called|INFO: task .* blocked|general protection|refcount_t|list_(add|del) corruption' \
	<<<"$new" || true)
# Anything tickdev itself logged at warning level or worse, beyond the
# kernel's one-off notes about loading an unsigned out-of-tree module.
loud=$(dmesg --level=$loud_levels 2>/dev/null | head -n "$loud_end" | tail -n +$((loud_start + 1)) |
	grep -i tickdev |
	grep -vE 'out-of-tree module taints kernel|module verification failed' || true)
if [ -z "$bad$loud" ]; then
	tap_ok "$name"
else
	tap_fail "$name" "expected no warnings, found: $(printf '%s\n%s' "$bad" "$loud" | head -n 20 | tr '\n' '|')"
fi

tap_done
