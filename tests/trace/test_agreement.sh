#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# test_agreement.sh - the two measurement paths agree on one run: bpftrace
# (bpf/tickdev_events.bt: legs computed in BPF at each event) and trace-cmd
# (scripts/trace-record + scripts/trace-legs: ftrace ring buffer, legs
# joined afterwards) observe the same readers, per design.
#
# Agreement, stated:
#   - trace-cmd sees every read: rows == readers x records (exact);
#   - bpftrace sees no record trace-cmd did not, and at least half of
#     them: the kernel skips a BPF program that fires while another runs
#     on the same CPU (e.g. the timer softirq landing on a reader's
#     tickdev_read program), and how often that happens is a timing: 95%
#     of rows seen in the stock guest with multi-threaded TCG, 69% in the
#     debug guest with single-threaded TCG (2026-12-04); ftrace has no
#     such limit.  The share is printed;
#   - on common rows the fields the kernel stamped (sched_ns, expire_ns,
#     read_ns, lateness_ns, latency_ns) are identical (exact);
#   - every leg is there in both paths, and on common rows the legs made
#     of stamped fields (lateness, latency) have identical medians.  Over
#     all rows the medians are printed, not bounded: they differ by the
#     rows bpftrace missed, and those are not a random sample (they are
#     the ones a softirq landed on: bpftrace's lateness median was 21%
#     lower than trace-cmd's in the debug guest).  So are the legs that
#     use trace times (producer, wake, read): they differ by when each
#     path takes its timestamp in the same tracepoint (bpftrace runs
#     first) and by the observer's own cost, which is a timing.
# Runs in the guest as root (tests/run); leaves no module loaded.
# tickdev-test: patches-kernel-text: it records with trace-cmd and bpftrace, which
# switches static keys and calls (tests/run says why that matters).
set -euo pipefail

case "${1:-}" in
-h | --help) echo "usage: tests/trace/test_agreement.sh   (TAP; in the guest, as root)"; exit 0 ;;
esac

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/common.sh"
top=$TRACE_TOP
designs=(spinlock workqueue)
readers=2
records=1500
min_pct=50

tap_plan $((4 * ${#designs[@]}))
why=$(why_not_runnable)
command -v bpftrace >/dev/null || why=${why:-"bpftrace not installed"}
command -v trace-cmd >/dev/null || why=${why:-"trace-cmd not installed"}
if [ -n "$why" ]; then
	for d in "${designs[@]}"; do
		for t in trace_cmd_sees_every_read bpftrace_rows_subset_ge_${min_pct}pct \
			kernel_fields_identical leg_medians_agree; do
			tap_skip "${d}_$t" "$why"
		done
	done
	exit 0
fi

tmp=$(mktemp -d)
trap 'tickdev_unload || true; rm -rf "$tmp"' EXIT

for d in "${designs[@]}"; do
	w=$tmp/$d
	mkdir -p "$w"
	tickdev_load autostart=1 period_ns=1000000 design="$d" timer=hrtimer
	readers_script "$w/readers.sh" "$records" "$readers"
	# bpftrace attaches, then runs trace-record, which enables ftrace, then
	# starts the readers: both paths see the readers' whole lives.
	cat >"$w/run.sh" <<-EOS
		#!/bin/sh
		exec "$top/scripts/trace-record" --tickdev-only -o "$w/t.dat" -- /bin/sh "$w/readers.sh"
	EOS
	rc=0
	timeout -k 10 300 "$top/bpf/run" -o "$w/bpf.csv" tickdev_events -- -c "/bin/sh $w/run.sh" \
		>"$w/bpf.log" 2>&1 || rc=$?
	"$top/scripts/trace-legs" -o "$w/tc.csv" "$w/t.dat" 2>>"$w/bpf.log" || rc=$?
	if [ "$rc" != 0 ]; then
		for t in trace_cmd_sees_every_read bpftrace_rows_subset_ge_${min_pct}pct \
			kernel_fields_identical leg_medians_agree; do
			tap_fail "${d}_$t" "the run failed (exit $rc): $(tail -n 5 "$w/bpf.log" | tr '\n' '|')"
		done
		continue
	fi
	"$top/scripts/trace-legs" --compare "$w/bpf.csv" "$w/tc.csv" >"$w/cmp"
	sed "s/^/# $d: /" "$w/cmp"

	read -r nA nB ncom onlyA <<<"$(sed -n 's/^rows A=\([0-9]*\) B=\([0-9]*\) common=\([0-9]*\) only_A=\([0-9]*\).*/\1 \2 \3 \4/p' "$w/cmp")"
	want=$((readers * records))
	if [ "$nB" = "$want" ]; then
		tap_ok "${d}_trace_cmd_sees_every_read"
	else
		tap_fail "${d}_trace_cmd_sees_every_read" "expected $want rows ($readers readers x $records), trace-cmd gave $nB"
	fi

	echo "# $d: bpftrace saw $nA of trace-cmd's $nB rows ($((nA * 100 / (nB > 0 ? nB : 1)))%)"
	if [ "$onlyA" = 0 ] && [ $((nA * 100)) -ge $((nB * min_pct)) ]; then
		tap_ok "${d}_bpftrace_rows_subset_ge_${min_pct}pct"
	else
		tap_fail "${d}_bpftrace_rows_subset_ge_${min_pct}pct" "expected bpftrace rows within trace-cmd's and >= $min_pct% of $nB; got $nA, $onlyA not in trace-cmd"
	fi

	mism=$(sed -n 's/^exact_mismatch //p' "$w/cmp")
	if [ "$ncom" -gt 0 ] && ! grep -qE '=[1-9]' <<<"$mism"; then
		tap_ok "${d}_kernel_fields_identical"
	else
		tap_fail "${d}_kernel_fields_identical" "expected 0 mismatching common rows (of $ncom) per field; got $mism"
	fi

	# Columns: leg A_n A_p50 B_n B_p50 diff_pct common_n cA_p50 cB_p50 ...
	bad=$(awk '
		/^(lateness_ns|producer_ns|wake_ns|read_ns_leg|latency_ns) / {
			if ($3 == "" || $5 == "" || $2 == 0 || $4 == 0) { printf " %s: no data", $1; next }
			if ($1 !~ /^(lateness_ns|latency_ns)$/) next	# trace-time legs: printed above
			if ($7 == 0 || $8 != $9) printf " %s: on %s common rows bpftrace %s vs trace-cmd %s ns", $1, $7, $8, $9
		}' "$w/cmp")
	if [ -z "$bad" ]; then
		tap_ok "${d}_leg_medians_agree"
	else
		tap_fail "${d}_leg_medians_agree" "expected every leg in both paths, and identical medians of the stamped legs on common rows;$bad"
	fi
done
tap_done
