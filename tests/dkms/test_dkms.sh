#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The install path for real machines: dkms builds tickdev from the staged
# sources against this (guest) kernel's headers, and the module it built
# loads and creates /dev/tickdev.  dkms works in private trees under /tmp,
# so nothing of the system is touched.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh

tap_plan 3
kver=$(uname -r)
work=$(mktemp -d /tmp/dkms.XXXXXX)
trap 'rmmod tickdev 2>/dev/null || true; rm -rf "$work"' EXIT

if ! command -v dkms >/dev/null; then
	tap_skip dkms_builds_module "dkms not installed (scripts/deps installs it)"
	tap_skip dkms_module_matches_kernel "no dkms"
	tap_skip dkms_module_loads "no dkms"
	tap_done
fi

mkdir -p "$work/src" "$work/tree"
src=$(scripts/dkms-stage "$work/src")
ver=${src##*/tickdev-}
log=$work/dkms.log
# dkms add records the source in its tree; build compiles for $kver.
if dkms add --sourcetree "$work/src" --dkmstree "$work/tree" -m tickdev -v "$ver" >"$log" 2>&1 &&
	dkms build --sourcetree "$work/src" --dkmstree "$work/tree" -m tickdev -v "$ver" -k "$kver" >>"$log" 2>&1; then
	ko=$(find "$work/tree/tickdev/$ver/$kver" -name 'tickdev.ko*' | head -n 1)
else
	ko=
fi
if [ -n "$ko" ]; then
	tap_ok dkms_builds_module
else
	tap_fail dkms_builds_module "expected dkms build to produce tickdev.ko; log tail: $(tail -n 15 "$log" | tr '\n' ' ')"
fi

if [ -n "$ko" ] && [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$kver" ]; then
	tap_ok dkms_module_matches_kernel
else
	tap_fail dkms_module_matches_kernel "expected vermagic $kver, got '$( [ -n "$ko" ] && modinfo -F vermagic "$ko")'"
fi

if [ -n "$ko" ] && insmod "$ko" && [ -c /dev/tickdev ] && rmmod tickdev; then
	tap_ok dkms_module_loads
else
	tap_fail dkms_module_loads "expected the dkms-built module to load, create /dev/tickdev and unload"
fi
tap_done
