#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/report/test_reliability_summary.sh - scripts/reliability-summary
# quotes what RESULTS.md's reliability section needs from a test-debug.log:
# the verdict, one table row per program, every failed result, each figure
# the stress, fault-injection, load-cycle and fuzz programs print, and the
# detectors' results.  Runs on an excerpt of a real log (see
# tests/report/fixture/README.md).  Files only: host or guest.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 2
. tests/lib/tap.sh

FIX=tests/report/fixture/reliability-20250101-000000-fixture
tap_plan 6

tmp=$(mktemp -d /tmp/test_reliability_summary.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$FIX" "$tmp/run"
log=$tmp/run/test-debug.log
sum=$tmp/run/summary.md
if ! scripts/reliability-summary "$tmp/run" >"$sum" 2>"$tmp/err"; then
	tap_fail summary_runs "expected status 0 on the fixture, got: $(cat "$tmp/err")"
	tap_done
fi

# The verdict line, without the folder it points at.
want=$(grep -E '^test-debug: (PASS|FAIL)' "$log" | tail -n 1 | sed 's/; see above or .*//')
if [ -n "$want" ] && grep -qF "**Verdict:** $want" "$sum"; then
	tap_ok verdict_is_quoted
else
	tap_fail verdict_is_quoted "expected '**Verdict:** $want' in the summary"
fi

# One row per program run, each saying where it ran.  The fixture's runs,
# in order: 5 in the multi-threaded boot's suite, test_fuzz again in the
# long stress tier, 2 in the single-threaded boot.
want_rows='tests/fuzz/test_fuzz|suite, thread=multi|2|0|0|37
tests/stress/test_failslab|suite, thread=multi|3|0|0|118
tests/stress/test_load_cycles|suite, thread=multi|1|0|0|49
tests/stress/test_stress|suite, thread=multi|9|0|0|292
tests/fuzz/test_fuzz|long stress tier, thread=multi|2|0|0|485
tests/trace/test_agreement.sh|suite, thread=single|6|2|0|222
tests/trace/test_tools.sh|suite, thread=single|8|0|0|674'
rows=$(sed -n 's/^| `\(tests\/[^`]*\)` | \(.*\) |$/\1|\2/p' "$sum" | sed 's/ | /|/g')
if [ "$rows" = "$want_rows" ]; then
	tap_ok one_row_per_program_run_with_where
else
	tap_fail one_row_per_program_run_with_where "expected the rows
$want_rows
got
$rows"
fi

# unquoted: the lines of stdin that are not a whole line of the summary.
unquoted() { grep -vxF -f "$sum" || true; }

missing=$(grep -E '^not ok|^# failed:' "$log" | unquoted)
if grep -qE '^not ok' "$log" && [ -z "$missing" ]; then
	tap_ok failed_results_are_quoted
else
	tap_fail failed_results_are_quoted "expected every 'not ok' and '# failed:' line of the log (at least one); missing: ${missing:-none in the log}"
fi

# The figures the reliability section reports, by the prefix each program
# prints them with; written here, not taken from the script under test.
FIGURES=(
	'fuzz: [1-9][0-9]* calls in '
	'module init: the last '
	'open: [0-9]* allocations failed'
	'SET_CONFIG: [0-9]* allocations failed'
	'[0-9]* load/unload cycles'
	'readers: [0-9]* records audited'
	'controller: [0-9]* epochs'
	'storms: [0-9]* opens'
	'\(list\|hrtimer\)/\(spinlock\|workqueue\)/\(broadcast\|shared\): [0-9]* s$'
)
figmiss=() seen=0
for f in "${FIGURES[@]}"; do
	lines=$(grep -e "^# $f" "$log" | sed 's/^# /  /')
	if [ -z "$lines" ]; then
		figmiss+=("(none in the fixture: '$f')")
		continue
	fi
	seen=$((seen + $(wc -l <<<"$lines")))
	m=$(unquoted <<<"$lines")
	[ -z "$m" ] || figmiss+=("$m")
done
if [ ${#figmiss[@]} -eq 0 ] && ! grep -q '^  fuzz: 0 calls' "$sum"; then
	tap_ok every_figure_is_quoted
else
	tap_fail every_figure_is_quoted "expected all $seen figure lines and no 'fuzz: 0 calls' line; missing: ${figmiss[*]:-none}"
fi

missing=$(grep -E '^(not )?ok - (kernel_reports_none|kmemleak_clean|lockdep_still_on)|^ok [0-9]+ (broken_|debug_kernel_)|^#   \[ *[0-9.]+\] BUG: ' "$log" | unquoted)
if grep -q '^ok - kmemleak_clean' "$sum" && [ -z "$missing" ]; then
	tap_ok detector_results_are_quoted
else
	tap_fail detector_results_are_quoted "expected each detector result and the broken build's BUG line; missing: ${missing:-kmemleak_clean}"
fi

if scripts/reliability-summary "$tmp/no-such-run" >/dev/null 2>"$tmp/err"; then
	tap_fail refuses_a_missing_folder "expected a non-zero status for a folder that does not exist"
elif [ -s "$tmp/err" ]; then
	tap_ok refuses_a_missing_folder
else
	tap_fail refuses_a_missing_folder "expected a message on stderr"
fi
tap_done
