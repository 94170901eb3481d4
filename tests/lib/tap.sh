# SPDX-License-Identifier: GPL-2.0
#
# tests/lib/tap.sh - TAP output for the shell tests, in the shape the
# kselftest harness prints for the C tests, so tests/run counts both alike.

_tap_n=0
_tap_fail=0

tap_plan() {
	echo "TAP version 13"
	echo "1..$1"
}

tap_ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $1"
}

# tap_fail NAME WHAT: WHAT says what was expected and what happened.  Each
# of its lines is a "# " diagnostic, so a line quoted from a log (say, a
# "not ok" of another program) is never read as a result.
tap_fail() {
	_tap_n=$((_tap_n + 1))
	_tap_fail=$((_tap_fail + 1))
	printf '%s\n' "$1: $2" | sed 's/^/# /'
	echo "not ok $_tap_n $1"
}

# tap_skip NAME REASON: a missing prerequisite, never a pass.
tap_skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $1 # SKIP $2"
}

tap_done() {
	[ "$_tap_fail" -eq 0 ]
	exit $?
}
