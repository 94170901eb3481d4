#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves the guest harness: a kbuild module loads and unloads, and bpftrace
# and trace-cmd both attach to a kernel tracepoint of the guest kernel.
# tickdev-test: patches-kernel-text: it attaches bpftrace and trace-cmd to tracepoints, which
# switches static keys and calls (tests/run says why that matters).
set -euo pipefail
. "$(dirname "$0")/../lib/tap.sh"

tap_plan 5
ko=$(dirname "$0")/tickdev_hello/tickdev_hello.ko

if [ ! -f "$ko" ]; then
	tap_fail "hello_module_loads" "expected $ko, built by 'make'; not found"
	tap_fail "hello_module_unloads" "no module to unload"
else
	dmesg -C
	if insmod "$ko" && dmesg | grep -q 'tickdev_hello: loaded'; then
		tap_ok "hello_module_loads"
	else
		tap_fail "hello_module_loads" "expected 'tickdev_hello: loaded' in dmesg, got: $(dmesg | tail -n 3)"
	fi
	if rmmod tickdev_hello && dmesg | grep -q 'tickdev_hello: unloaded' &&
		! grep -q '^tickdev_hello ' /proc/modules; then
		tap_ok "hello_module_unloads"
	else
		tap_fail "hello_module_unloads" "expected 'tickdev_hello: unloaded' in dmesg and no module left"
	fi
fi

if [ "$(uname -r)" = "${TICKDEV_GUEST_KVER:-}" ]; then
	tap_ok "runs_in_guest_kernel"
else
	tap_fail "runs_in_guest_kernel" "expected kernel ${TICKDEV_GUEST_KVER:-<unset>}, running $(uname -r)"
fi

# bpftrace: count our own child's exit through a tracepoint.
out=$(timeout 300 bpftrace -c '/bin/true' \
	-e 'tracepoint:sched:sched_process_exit /pid == cpid/ { printf("child-exit %d\n", args->pid); }' 2>&1) || true
if grep -q '^child-exit [0-9]' <<<"$out"; then
	tap_ok "bpftrace_attaches_tracepoint"
else
	tap_fail "bpftrace_attaches_tracepoint" "expected a 'child-exit PID' line; bpftrace said: $(tail -n 5 <<<"$out")"
fi

# trace-cmd: record the exec of a child and find it in the report.
dat=$(mktemp /tmp/harness.XXXXXX.dat)
if timeout 300 trace-cmd record -q -o "$dat" -e sched:sched_process_exec /bin/true >/dev/null 2>&1 &&
	trace-cmd report -i "$dat" 2>/dev/null | grep -q 'sched_process_exec:.*filename=/bin/true'; then
	tap_ok "trace_cmd_records_tracepoint"
else
	tap_fail "trace_cmd_records_tracepoint" "expected sched_process_exec for /bin/true in trace-cmd report"
fi
rm -f "$dat"
tap_done
