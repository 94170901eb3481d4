#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tickbench's histogram unit test lives beside its code (bench/test_hist,
# built by `make`); this puts it in the suite tests/run runs.
set -euo pipefail
prog=$(dirname "$0")/../../bench/test_hist
if [ ! -x "$prog" ]; then
	echo "1..1"
	echo "# expected $prog, built by 'make'; not found"
	echo "not ok 1 bench_test_hist_built"
	exit 1
fi
exec "$prog"
