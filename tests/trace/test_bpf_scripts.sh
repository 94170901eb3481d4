#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_bpf_scripts.sh - every bpf/*.bt script compiles on the packaged
# bpftrace, attaches in the guest and prints what its header promises;
# the JSON mode prints one JSON object per line; and every tracing tool
# refuses clearly (exit 1, "tickdev is not loaded") without the module.
#
# Runs in the guest as root (tests/run); leaves no module loaded.
# About 60-90 s: one bpftrace start-up (~5-10 s) per script.
# tickdev-test: patches-kernel-text: it attaches the bpftrace scripts, which
# switches static keys and calls (tests/run says why that matters).
set -euo pipefail

case "${1:-}" in
-h | --help) echo "usage: tests/trace/test_bpf_scripts.sh   (TAP; in the guest, as root)"; exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/common.sh"
top=$TRACE_TOP
scripts=(tickdev_legs tickdev_events tickdev_drops tickdev_wakeups tickdev_softirq tickdev_wq)

tap_plan 9
why=$(why_not_runnable)
command -v bpftrace >/dev/null || why=${why:-"bpftrace not installed"}
if [ -n "$why" ]; then
	for i in $(seq 9); do tap_skip "bpf_scripts_$i" "$why"; done
	exit 0
fi

tmp=$(mktemp -d)
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	tickdev_unload || true
	rm -rf "$tmp"
}
trap cleanup EXIT

# --- without the module -------------------------------------------------
tickdev_unload
bad=
for s in "${scripts[@]}"; do
	rc=0
	"$top/bpf/run" -d 1 "$s" >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" != 1 ] || ! grep -q 'tickdev is not loaded: insmod driver/tickdev.ko' "$tmp/out"; then
		bad="$bad $s(exit $rc: $(head -c 200 "$tmp/out"))"
	fi
done
if [ -z "$bad" ]; then
	tap_ok "bpf_run_refuses_without_module"
else
	tap_fail "bpf_run_refuses_without_module" "expected exit 1 and 'tickdev is not loaded: insmod driver/tickdev.ko'; got:$bad"
fi

bad=
for t in "trace-record -d 1" "hist-trigger -d 1" "perf-stat-cell -d 1"; do
	rc=0
	# shellcheck disable=SC2086 # tool and its options
	"$top/scripts/"$t >"$tmp/out" 2>&1 || rc=$?
	if [ "$rc" != 1 ] || ! grep -q 'tickdev is not loaded' "$tmp/out"; then
		bad="$bad [$t: exit $rc: $(head -c 200 "$tmp/out")]"
	fi
done
if [ -z "$bad" ]; then
	tap_ok "trace_tools_refuse_without_module"
else
	tap_fail "trace_tools_refuse_without_module" "expected exit 1 and 'tickdev is not loaded'; got:$bad"
fi

# --- spinlock design, two blocking readers and one that never reads ------
tickdev_load autostart=1 period_ns=1000000 design=spinlock timer=hrtimer
for i in 1 2; do
	dd if=/dev/tickdev bs=48 count=10000000 of=/dev/null 2>/dev/null &
	pids+=($!)
done
# shellcheck disable=SC2217 # a reader that never reads: its ring fills and drops
sleep 1000 </dev/tickdev &
pids+=($!)

# run_bpf NAME SCRIPT [RUN-OPTION...]: 2 s of SCRIPT into $tmp/NAME.
run_bpf() {
	local name=$1 s=$2
	shift 2
	timeout -k 10 180 "$top/bpf/run" -d 2 "$@" "$s" >"$tmp/$name" 2>&1
}

# expect NAME SCRIPT PATTERN... : the script ran and printed every pattern.
expect() {
	local name=$1 s=$2 rc=0 missing='' p
	shift 2
	run_bpf "$name" "$s" || rc=$?
	for p in "$@"; do
		grep -qE -- "$p" "$tmp/$name" || missing="$missing '$p'"
	done
	if [ "$rc" = 0 ] && [ -z "$missing" ]; then
		tap_ok "${s}_attaches_and_prints"
	else
		tap_fail "${s}_attaches_and_prints" "expected exit 0 and$missing; exit $rc, output: $(head -c 600 "$tmp/$name" | tr '\n' '|')"
	fi
}

expect legs tickdev_legs '^@lateness_ns\[spinlock\]:' '^@producer_ns\[spinlock\]:' \
	'^@wake_ns\[spinlock\]:' '^@latency_ns\[spinlock\]:' '^\[[0-9]+[KM]?, [0-9]+[KM]?\) +[0-9]+ \|'
expect events tickdev_events '^seq,ring,reader,sched_ns,' '^[0-9]+(,[0-9-]*){12}$'
expect drops tickdev_drops 'ENQUEUED +DROPPED' '^[0-9:]{8} +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]$' '^@dropped\[[0-9]+\]: [1-9]'
expect wakeups tickdev_wakeups '^@wakeups_per_event\[spinlock, broadcast\]:' 'wake-ups per event [0-9]+\.[0-9]{2}$'
expect softirq tickdev_softirq '^@callback_ns\[spinlock, hrtimer\]:' 'CALLS +TICKDEV_us'

# --- workqueue design: the workqueue leg, and the JSON mode --------------
for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
pids=()
tickdev_load autostart=1 period_ns=1000000 design=workqueue timer=hrtimer
for i in 1 2; do
	dd if=/dev/tickdev bs=48 count=10000000 of=/dev/null 2>/dev/null &
	pids+=($!)
done
expect wq tickdev_wq '^@queue_to_start_ns:' '^@run_ns:' '^@events_per_run:' '^@exec_cpu_vs_queue\[(same|other)\]: [1-9]'

rc=0
run_bpf json tickdev_legs -j || rc=$?
check=$(python3 - "$tmp/json" <<'PY' 2>&1 || true
import json, sys
hists = set()
for n, line in enumerate(open(sys.argv[1]), 1):
    line = line.strip()
    if not line:
        continue
    try:
        obj = json.loads(line)
    except ValueError as e:
        print("line %d is not JSON (%s): %s" % (n, e, line[:120]))
        sys.exit(1)
    if obj.get("type") == "hist":
        for name, per_design in obj["data"].items():
            if "workqueue" in per_design and per_design["workqueue"]:
                hists.add(name)
want = {"@lateness_ns", "@producer_ns", "@latency_ns"}
if not want <= hists:
    print("hist objects for workqueue: %s; want at least %s" % (sorted(hists), sorted(want)))
    sys.exit(1)
print("ok")
PY
)
if [ "$rc" = 0 ] && [ "$check" = ok ]; then
	tap_ok "tickdev_legs_json_one_object_per_line"
else
	tap_fail "tickdev_legs_json_one_object_per_line" "expected exit 0 and JSON hist lines; exit $rc: $check"
fi
tap_done
