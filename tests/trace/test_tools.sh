#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_tools.sh - the trace-cmd, hist-trigger and perf wrappers count what
# happened: for a run of K readers taking N records each,
#   - trace-record passes the command's exit status through and writes the
#     .status beside the .dat with the design in effect;
#   - hist-trigger's tickdev_read histogram totals exactly K x N hits, its
#     joined (synthetic) legs have hits, and it leaves no tracefs instance
#     or synthetic event behind, also when killed (SIGTERM);
#   - perf-stat-cell counts exactly K x N tickdev_read, and tickdev's work
#     items only: exactly as many queue_work as execute_start in the
#     workqueue design, none in the spinlock design.
# Runs in the guest as root (tests/run); leaves no module loaded.
# tickdev-test: patches-kernel-text: it runs trace-record, hist-trigger and perf-stat-cell, which
# switches static keys and calls (tests/run says why that matters).
set -euo pipefail

case "${1:-}" in
-h | --help) echo "usage: tests/trace/test_tools.sh   (TAP; in the guest, as root)"; exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/common.sh"
top=$TRACE_TOP
readers=2
records=200
want=$((readers * records))
T=/sys/kernel/tracing

names=(trace_record_passes_exit_status trace_record_writes_status
	hist_trigger_counts_every_read hist_trigger_joins_legs hist_trigger_cleans_up
	hist_trigger_cleans_up_on_sigterm perf_stat_counts_every_read
	perf_stat_counts_only_tickdev_work)
tap_plan ${#names[@]}
why=$(why_not_runnable)
if [ -n "$why" ]; then
	for n in "${names[@]}"; do tap_skip "$n" "$why"; done
	exit 0
fi
has() { command -v "$1" >/dev/null; }

tmp=$(mktemp -d)
trap '"$top/scripts/hist-trigger" --cleanup 2>/dev/null || true; tickdev_unload || true; rm -rf "$tmp"' EXIT
readers_script "$tmp/readers.sh" "$records" "$readers"

tickdev_load autostart=1 period_ns=1000000 design=workqueue timer=hrtimer

# --- trace-record ---------------------------------------------------------
if has trace-cmd; then
	rc=0
	"$top/scripts/trace-record" --tickdev-only -o "$tmp/t.dat" -- sh -c 'exit 3' 2>"$tmp/err" || rc=$?
	if [ "$rc" = 3 ] && [ -s "$tmp/t.dat" ]; then
		tap_ok "trace_record_passes_exit_status"
	else
		tap_fail "trace_record_passes_exit_status" "expected exit 3 and a .dat; exit $rc: $(tail -n 3 "$tmp/err")"
	fi
	if grep -q '^design: workqueue$' "$tmp/t.status" && grep -q '^# command: sh -c exit 3' "$tmp/t.status"; then
		tap_ok "trace_record_writes_status"
	else
		tap_fail "trace_record_writes_status" "expected 'design: workqueue' and the command in $tmp/t.status; got: $(head -c 300 "$tmp/t.status" 2>&1)"
	fi
else
	tap_skip "trace_record_passes_exit_status" "trace-cmd not installed"
	tap_skip "trace_record_writes_status" "trace-cmd not installed"
fi

# --- hist-trigger -----------------------------------------------------------
if [ -f $T/events/tickdev/tickdev_read/hist ]; then
	rc=0
	"$top/scripts/hist-trigger" -o "$tmp/hist" -- /bin/sh "$tmp/readers.sh" 2>"$tmp/err" || rc=$?
	# Hits of the section's Totals.
	hits() { awk -v s="# ==== $1" '$0 == s { on = 1; next } /^# ==== / { on = 0 } on && /Hits:/ { print $2; exit }' "$tmp/hist"; }
	got=$(hits tickdev/tickdev_read)
	if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
		tap_ok "hist_trigger_counts_every_read"
	else
		tap_fail "hist_trigger_counts_every_read" "expected exit 0 and $want tickdev_read hits; exit $rc, hits '$got': $(tail -n 3 "$tmp/err")"
	fi
	w=$(hits synthetic/tickdev_lat_wake)
	r=$(hits synthetic/tickdev_lat_read)
	p=$(hits synthetic/tickdev_lat_producer)
	if [ "${w:-0}" -gt 0 ] && [ "${r:-0}" -gt 0 ] && [ "${p:-0}" -gt 0 ]; then
		tap_ok "hist_trigger_joins_legs"
	else
		tap_fail "hist_trigger_joins_legs" "expected hits in the producer, wake and read synthetic histograms; got '$p' '$w' '$r'; hist-trigger said: $(tail -n 3 "$tmp/err")"
	fi
	if [ ! -d $T/instances/tickdev_hist ] && ! grep -q '^tickdev_lat' $T/synthetic_events; then
		tap_ok "hist_trigger_cleans_up"
	else
		tap_fail "hist_trigger_cleans_up" "expected no instances/tickdev_hist and no tickdev_lat_* synthetic events; found: $(ls $T/instances) $(cat $T/synthetic_events)"
	fi
	"$top/scripts/hist-trigger" -d 600 -o "$tmp/hist2" 2>"$tmp/err" &
	hp=$!
	if wait_for test -f $T/instances/tickdev_hist/events/tickdev/tickdev_read/trigger &&
		wait_for grep -qs onmatch $T/instances/tickdev_hist/events/tickdev/tickdev_read/trigger; then
		kill -TERM "$hp" # not INT: a background job of a script ignores SIGINT
	fi
	rc=0
	wait "$hp" || rc=$?
	if [ "$rc" = 143 ] && [ ! -d $T/instances/tickdev_hist ] && ! grep -q '^tickdev_lat' $T/synthetic_events; then
		tap_ok "hist_trigger_cleans_up_on_sigterm"
	else
		tap_fail "hist_trigger_cleans_up_on_sigterm" "expected exit 143 and nothing left; exit $rc, left: $(ls $T/instances) $(cat $T/synthetic_events); $(tail -n 3 "$tmp/err")"
	fi
else
	for n in hist_trigger_counts_every_read hist_trigger_joins_legs hist_trigger_cleans_up hist_trigger_cleans_up_on_sigterm; do
		tap_skip "$n" "kernel without hist triggers"
	done
fi

# --- perf-stat-cell ---------------------------------------------------------
# perf stat enables and disables its counters one event and CPU at a time;
# with the timer running across those edges, queue_work and execute_start
# differ by however many periods fit in the gaps (4 at 1 ms in the debug
# guest).  So the timer is stopped when perf's window opens and closes: the
# command STARTs it, runs the readers and STOPs it, and STOP returns only
# after every queued work item has run.  The counts must then be equal.
if has perf; then
	ctl=$top/tests/driver/tickdev_ctl
	{
		echo '#!/bin/sh'
		echo "$ctl start || exit 1"
		echo "/bin/sh $tmp/readers.sh"
		echo "exec $ctl stop"
	} >"$tmp/bracketed.sh"
	count() { awk -F, -v e="$2" '$2 == e { print $3; exit }' "$1"; }
	tickdev_load autostart=0 period_ns=1000000 design=workqueue timer=hrtimer
	rc=0
	"$top/scripts/perf-stat-cell" -l wq -o "$tmp/wq.csv" -- /bin/sh "$tmp/bracketed.sh" 2>"$tmp/err" || rc=$?
	got=$(count "$tmp/wq.csv" tickdev:tickdev_read)
	if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
		tap_ok "perf_stat_counts_every_read"
	else
		tap_fail "perf_stat_counts_every_read" "expected exit 0 and $want tickdev:tickdev_read; exit $rc, got '$got': $(tail -n 3 "$tmp/err")"
	fi
	q=$(count "$tmp/wq.csv" workqueue:workqueue_queue_work)
	s=$(count "$tmp/wq.csv" workqueue:workqueue_execute_start)
	tickdev_load autostart=0 period_ns=1000000 design=spinlock timer=hrtimer
	rc0=0
	"$top/scripts/perf-stat-cell" -l spin -o "$tmp/spin.csv" -- /bin/sh "$tmp/bracketed.sh" 2>"$tmp/err" || rc0=$?
	q0=$(count "$tmp/spin.csv" workqueue:workqueue_queue_work)
	s0=$(count "$tmp/spin.csv" workqueue:workqueue_execute_start)
	if [ "$rc" = 0 ] && [ "$rc0" = 0 ] && [ "${q:-0}" -gt 0 ] && [ "$q" = "$s" ] &&
		[ "$q0" = 0 ] && [ "$s0" = 0 ]; then
		tap_ok "perf_stat_counts_only_tickdev_work"
	else
		tap_fail "perf_stat_counts_only_tickdev_work" "expected queue_work == execute_start > 0 for workqueue, 0 and 0 for spinlock, both runs exit 0; got $q/$s (exit $rc) and '$q0'/'$s0' (exit $rc0): $(tail -n 3 "$tmp/err")"
	fi
else
	tap_skip "perf_stat_counts_every_read" "perf not installed"
	tap_skip "perf_stat_counts_only_tickdev_work" "perf not installed"
fi
tap_done
