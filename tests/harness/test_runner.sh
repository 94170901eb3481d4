#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The runner's split (tests/run -p, scripts/test-vm): the tests that
# live-patch kernel text are marked and only they go to the single-threaded
# boot; a test that runs bpftrace, trace-cmd or perf, or touches tracefs,
# without the mark would wedge the multi-threaded one; bad arguments are
# refused before any guest boots.  Files only: runs on the host or in the
# guest.
set -euo pipefail
. "$(dirname "$0")/../lib/tap.sh"

cd "$(dirname "$0")/../.."
tap_plan 4

# src PROG: the file a test program is written in (its .c for a built one).
src() { if [ -f "$1.c" ]; then echo "$1.c"; else echo "$1"; fi; }

all=$(tests/run -l)
only=$(tests/run -l -p only)
none=$(tests/run -l -p none)
both=$(comm -12 <(sort <<<"$only") <(sort <<<"$none"))
union=$(sort <<<"$only"$'\n'"$none" | sed '/^$/d')
if [ -n "$only" ] && [ -n "$none" ] && [ -z "$both" ] && [ "$union" = "$(sort <<<"$all")" ]; then
	tap_ok "selection_splits_the_suite_in_two"
else
	tap_fail "selection_splits_the_suite_in_two" "expected -p only and -p none to be non-empty, disjoint and together all; only: $(wc -l <<<"$only"), none: $(wc -l <<<"$none"), in both: '${both}', all: $(wc -l <<<"$all")"
fi

# A program line (not a comment) that runs a tracer or touches tracefs
# (written so that it does not match itself).
TRACER='(^|[ ($`"])(bpftrace|trace-cmd|perf) |bpf/[r]un|scripts/(trace-record|hist-trigger|perf-stat-cell)|/sys/kernel/(debug/)?tracing'
unmarked=()
while read -r p; do
	f=$(src "$p")
	if grep -vE '^[[:space:]]*(#|\*|/\*|//)' "$f" | grep -qE "$TRACER"; then
		unmarked+=("$p")
	fi
done <<<"$none"
if [ ${#unmarked[@]} -eq 0 ]; then
	tap_ok "tracing_tests_are_marked"
else
	tap_fail "tracing_tests_are_marked" "expected every test that runs a tracer to carry 'tickdev-test: patches-kernel-text'; unmarked: ${unmarked[*]}"
fi

# expect_usage_error NAME WANT CMD...: exit status 2 and WANT on stderr.
expect_usage_error() {
	local name=$1 want=$2 err rc=0
	shift 2
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$want" <<<"$err"; then
		tap_ok "$name"
	else
		tap_fail "$name" "expected status 2 and '$want' from '$*'; got $rc: $err"
	fi
}
expect_usage_error "run_refuses_bad_selection" "wants all, only or none" tests/run -l -p some
expect_usage_error "test_vm_refuses_unmatched_pattern" "no test matches" \
	scripts/test-vm 'no_such_test_zz'
