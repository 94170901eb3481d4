#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_trace_legs.sh - scripts/trace-legs turns trace-cmd report text into
# the per-record legs CSV bpf/tickdev_events.bt prints: joins fire ->
# enqueue by sched_ns and enqueue -> wakeup -> read by (seq, ring), leaves
# unobserved fields empty, skips dropped records and records enqueued
# before the trace, detects the shared fan-out, and --stats gives
# nearest-rank percentiles.  Pure text in, text out: needs no guest.
set -euo pipefail

case "${1:-}" in
-h | --help) echo "usage: tests/trace/test_trace_legs.sh   (TAP)"; exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
legs=$here/../../scripts/trace-legs
fx=$here/fixtures

tap_plan 5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rows() { grep -E '^[0-9]' "$1" | sort; }

"$legs" --report "$fx/broadcast.report" >"$tmp/b.csv"
if diff <(rows "$fx/broadcast.csv") <(rows "$tmp/b.csv") >"$tmp/diff"; then
	tap_ok "broadcast_rows_join_fire_enqueue_wakeup_read"
else
	tap_fail "broadcast_rows_join_fire_enqueue_wakeup_read" "expected $fx/broadcast.csv, diff (< expected > got): $(tr '\n' ' ' <"$tmp/diff")"
fi

hdr=$(grep -m1 '^seq,' "$tmp/b.csv" || true)
want="seq,ring,reader,sched_ns,expire_ns,enqueue_ns,wakeup_ns,read_ns,lateness_ns,producer_ns,wake_ns,read_ns_leg,latency_ns"
bhdr=$(sed -n 's/.*printf("\(seq,[^"]*\)");/\1/p; s/.*printf("\(lateness_ns,[^"]*\)\\n");/\1/p' \
	"$here/../../bpf/tickdev_events.bt" | tr -d '\n')
if [ "$hdr" = "$want" ] && [ "$bhdr" = "$want" ]; then
	tap_ok "csv_header_same_as_bpftrace_events"
else
	tap_fail "csv_header_same_as_bpftrace_events" "expected '$want' from both; trace-legs '$hdr', tickdev_events.bt '$bhdr'"
fi

"$legs" --report "$fx/shared.report" >"$tmp/s.csv"
if diff <(rows "$fx/shared.csv") <(rows "$tmp/s.csv") >"$tmp/diff" &&
	grep -q 'fanout=shared' "$tmp/s.csv"; then
	tap_ok "shared_fanout_detected_ring0_joins_any_reader"
else
	tap_fail "shared_fanout_detected_ring0_joins_any_reader" "expected $fx/shared.csv and fanout=shared; got: $(tr '\n' ' ' <"$tmp/s.csv")"
fi

"$legs" --stats "$tmp/b.csv" >"$tmp/stats"
got=$(awk '$1 == "lateness_ns" { print $2, $3, $4, $7 }' "$tmp/stats")
got2=$(awk '$1 == "wake_ns" { print $2, $4 }' "$tmp/stats")
if [ "$got" = "3 20000 50000 50000" ] && [ "$got2" = "2 5000" ]; then
	tap_ok "stats_nearest_rank_skips_empty_fields"
else
	tap_fail "stats_nearest_rank_skips_empty_fields" "expected lateness 'count min p50 max' = '3 20000 50000 50000' and wake 'count p50' = '2 5000'; got '$got' / '$got2'"
fi

if ! "$legs" --stats "$fx/broadcast.report" >/dev/null 2>"$tmp/err" &&
	grep -q 'not a legs CSV' "$tmp/err"; then
	tap_ok "stats_refuses_non_csv"
else
	tap_fail "stats_refuses_non_csv" "expected a 'not a legs CSV' error; got: $(cat "$tmp/err")"
fi
tap_done
