#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves the debug-kernel tier can fail: a module built with TICKDEV_BROKEN=1
# (driver/tickdev_broken.h: a mutex and a copy_to_user under the producer's
# spinlock on every read) is loaded in the debug guest, read once, and the
# debug kernel must report it ("sleeping function called from invalid
# context" or a lockdep splat).
#
# Runs on the host: it builds against the debug kernel tree and boots its
# own debug guest, because a splat switches lockdep off for the rest of a
# boot and would blind the suite's own run.  Under tests/run in a guest it
# is a SKIP; scripts/test-debug runs it after the suite.
set -euo pipefail
. "$(dirname "$0")/../lib/tap.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${TICKDEV_DEBUG_KERNEL:-$("$TOP/scripts/debug-kernel" --print-dir)}
BUILD=$OUT/tickdev-broken
CAUGHT='sleeping function called from invalid context|scheduling while atomic|'\
'possible recursive locking|inconsistent lock state|circular locking|Invalid wait context'

# Guest side: load the broken module, read once, hand back the kernel log.
if [ "${1:-}" = --in-guest ]; then
	ko=${2:?}
	dmesg -C
	if ! insmod "$ko" autostart=1 design=spinlock; then
		echo "TIER-INSMOD-FAILED"
		exit 0
	fi
	n=$(timeout 60 dd if=/dev/tickdev bs=65536 count=1 2>/dev/null | wc -c) || true
	echo "TIER-READ-BYTES ${n:-0}"
	rmmod tickdev || echo "TIER-RMMOD-FAILED"
	dmesg | sed 's/^/TIER-KLOG /'
	exit 0
fi

if [ -n "${TICKDEV_GUEST:-}" ]; then
	tap_plan 1
	tap_skip "tier_catches_broken_module" "runs on the host (make test-debug): it boots its own debug guest"
	tap_done
fi

tap_plan 3
if [ ! -f "$OUT/bzImage" ] || [ ! -f "$OUT/src/Module.symvers" ]; then
	tap_skip "broken_build_has_the_bug" "debug kernel not built in $OUT: run 'make debug-kernel'"
	tap_skip "broken_module_reads" "no debug kernel"
	tap_skip "debug_kernel_reports_it" "no debug kernel"
	tap_done
fi

# The hook must be called from the driver, or TICKDEV_BROKEN=1 builds a
# correct module and this test would prove nothing.
if ! grep -qE '^[[:space:]]*tickdev_broken_read\(' "$TOP"/driver/*.c; then
	tap_fail "broken_build_has_the_bug" "expected a call to tickdev_broken_read() in driver/*.c (driver/tickdev_broken.h); found none, so TICKDEV_BROKEN=1 builds a correct module"
	tap_skip "broken_module_reads" "no broken build"
	tap_skip "debug_kernel_reports_it" "no broken build"
	tap_done
fi

# Built in a copy, so the stock driver/tickdev.ko is never overwritten;
# tar keeps the mtimes, so an unchanged source is not recompiled.
mkdir -p "$BUILD"
tar -C "$TOP" --exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude='*.order' --exclude=Module.symvers \
	-cf - driver tracepoints | tar -C "$BUILD" -xpf -
blog=$BUILD/build.log
# The mutex's lockdep name is in the .ko only when the bug was compiled in.
if make -C "$OUT/src" M="$BUILD/driver" TICKDEV_BROKEN=1 modules >"$blog" 2>&1 &&
	grep -qa tickdev_broken_mutex "$BUILD/driver/tickdev.ko"; then
	tap_ok "broken_build_has_the_bug"
else
	tap_fail "broken_build_has_the_bug" "expected TICKDEV_BROKEN=1 to build a module with the bug; build log tail: $(tail -n 5 "$blog")"
	tap_skip "broken_module_reads" "no broken build"
	tap_skip "debug_kernel_reports_it" "no broken build"
	tap_done
fi

out=$("$TOP/scripts/vm-run" --kernel debug -q -t 900 -- \
	"$TOP/tests/debug/test_tier_catches.sh" --in-guest "$BUILD/driver/tickdev.ko" 2>&1) || true
n=$(sed -n 's/^TIER-READ-BYTES \([0-9]*\)$/\1/p' <<<"$out")
if [ "${n:-0}" -gt 0 ]; then
	tap_ok "broken_module_reads"
else
	tap_fail "broken_module_reads" "expected one read of the broken module to return records, got '${n:-nothing}'; guest said: $(grep -v '^TIER-KLOG' <<<"$out" | tail -n 5)"
fi
klog=$(sed -n 's/^TIER-KLOG //p' <<<"$out")
if grep -qE "$CAUGHT" <<<"$klog"; then
	echo "# the debug kernel's report:"
	grep -m1 -A12 -E "$CAUGHT" <<<"$klog" | sed 's/^/#   /'
	tap_ok "debug_kernel_reports_it"
else
	tap_fail "debug_kernel_reports_it" "expected 'sleeping function called from invalid context' or a lockdep splat; kernel log tail: $(tail -n 10 <<<"$klog")"
fi
tap_done
