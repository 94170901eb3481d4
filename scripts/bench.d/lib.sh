# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash disable=SC2034
#
# scripts/bench.d/lib.sh - pieces bench-suite and bench-cell share.
#
# Sourced, never run.  Expects TOP (the tree) and BD_PROG (the name used in
# messages) to be set by the sourcing script.  Everything here runs inside
# the guest except bd_plabel/bd_us, which are pure text.

BD_TB=${BD_TB:-$TOP/bench/tickbench}
BD_KO=${BD_KO:-$TOP/driver/tickdev.ko}
BD_STATUS=/sys/kernel/debug/tickdev/status
BD_TRACE=/sys/kernel/tracing
# cyclictest histogram size in us; what falls beyond is an overflow and a
# percentile landing there is reported as unknown, never guessed.
BD_CT_BUCKETS=${BD_CT_BUCKETS:-100000}
declare -A PERF=()	# bd_perf_read's result

bd_die() {
	local code=$1
	shift
	echo "$BD_PROG: $*" >&2
	exit "$code"
}

bd_warn() {
	echo "$BD_PROG: $*" >&2
}

# The guest forks and execs slowly (TCG, a 9p root): helpers that run
# once per run are bash builtins, and set a variable named by their first
# argument instead of printing into a command substitution.

# bd_plabel VAR NS: a period as people write it: 10ms, 250us, 1500ns.
bd_plabel() {
	local -n _out=$1
	local ns=$2
	if ((ns % 1000000 == 0)); then
		_out="$((ns / 1000000))ms"
	elif ((ns % 1000 == 0)); then
		_out="$((ns / 1000))us"
	else
		_out="${ns}ns"
	fi
}

# bd_us VAR NS: ns as "12.3us"; "-" for a blank (not measured) figure.
bd_us() {
	local -n _out=$1
	local ns=${2:-}
	if [[ ! $ns =~ ^[0-9]+$ ]]; then
		_out=-
	else
		ns=$((ns + 50))
		printf -v _out '%d.%dus' $((ns / 1000)) $((ns % 1000 / 100))
	fi
}

# bd_div VAR A B SCALE: A/B with SCALE decimals (integers in, text out);
# blank when B is 0 or either is not an integer.
bd_div() {
	local -n _out=$1
	local a=${2:-} b=${3:-} sc=$4 m=1 q i
	_out=
	[[ $a =~ ^[0-9]+$ && $b =~ ^[0-9]+$ ]] && ((b > 0)) || return 0
	for ((i = 0; i < sc; i++)); do m=$((m * 10)); done
	q=$(((a * m + b / 2) / b))
	if ((sc == 0)); then
		_out=$q
	else
		printf -v _out '%d.%0*d' $((q / m)) "$sc" $((q % m))
	fi
}

# bd_now VAR: wall clock in microseconds.
bd_now() {
	local -n _out=$1
	_out=${EPOCHREALTIME/./}
}

bd_require_guest() {
	[ -n "${TICKDEV_GUEST:-}" ] && return 0
	bd_die 2 "runs inside the QEMU guest, not on the host (TICKDEV_GUEST is unset); $1"
}

# Load tickdev.ko with module parameters (k=v ...); unload a previous
# instance first.  Waits for devtmpfs to create /dev/tickdev.
bd_module_load() {
	local i
	if [ -d /sys/module/tickdev ]; then
		rmmod tickdev || return 1
	fi
	[ -f "$BD_KO" ] || { bd_warn "no $BD_KO: run 'make all' on the host"; return 1; }
	insmod "$BD_KO" "$@" || return 1
	for i in $(seq 50); do
		[ -c /dev/tickdev ] && return 0
		sleep 0.1
	done
	bd_warn "insmod succeeded but /dev/tickdev did not appear"
	return 1
}

bd_module_unload() {
	[ -d /sys/module/tickdev ] || return 0
	rmmod tickdev
}

# The module's parameters as "name=value" words on one line.
bd_module_params() {
	local p
	[ -d /sys/module/tickdev/parameters ] || { echo "(not loaded)"; return; }
	for p in /sys/module/tickdev/parameters/*; do
		printf '%s=%s ' "$(basename "$p")" "$(cat "$p" 2>/dev/null)"
	done
	echo
}

# bd_ct_parse OUT [DATFILE [LABEL [LOG]]]: parse cyclictest -q -h N output
# (one thread) in awk (the guest is far too slow for a bash loop over
# 100k histogram lines).  Prints one line:
#   cycles overflows min_us avg_us max_us p50_us p90_us p99_us p999_us
# with "-" for a percentile that falls in the overflow (beyond the
# histogram) or a figure cyclictest did not print.  With DATFILE, writes
# the histogram there as gnuplot rows "bucket_low_ns count cum_fraction"
# (non-empty buckets only) under '#' headers naming LABEL.  With LOG,
# appends cyclictest's '#' summary lines there.
bd_ct_parse() {
	local out=$1 dat=${2:-} label=${3:-} log=${4:-}
	awk -v dat="$dat" -v label="$label" -v nb="$BD_CT_BUCKETS" -v logf="$log" '
	BEGIN { n = 0; sum = 0; ov = 0 }	# n indexes arrays: numeric from the start
	/^[0-9]+[ \t]+[0-9]+$/ {
		c = $2 + 0
		if (c > 0) { b[n] = $1 + 0; cnt[n] = c; n++; sum += c }
		next
	}
	/^#/ && logf != "" { print >> logf }
	/^# Total:/ { tot = $3 + 0; have_tot = 1 }
	/^# Min Latencies:/ { mn = $4 + 0; have_mn = 1 }
	/^# Avg Latencies:/ { av = $4 + 0; have_av = 1 }
	/^# Max Latencies:/ { mx = $4 + 0; have_mx = 1 }
	/^# Histogram Overflows:/ { ov = $4 + 0 }
	function pct(q,   target, cum, i) {
		target = q * all
		cum = 0
		for (i = 0; i < n; i++) {
			cum += cnt[i]
			if (cum >= target) return b[i]
		}
		return "-"
	}
	END {
		if (!have_tot) { print "-"; exit 1 }
		# The buckets, not "# Total:", are the population: cyclictest
		# can count a last cycle in Total without binning it.
		all = sum + ov
		if (all == 0) { print "0 0 - - - - - - -"; exit 1 }
		printf "%d %d %s %s %s %s %s %s %s\n", all, ov,
			have_mn ? mn : "-", have_av ? av : "-", have_mx ? mx : "-",
			pct(0.50), pct(0.90), pct(0.99), pct(0.999)
		if (dat != "") {
			printf "# cyclictest histogram: %s\n", label > dat
			printf "# buckets: 1 us wide, lower bound in ns; only non-empty buckets; %d samples, %d beyond %d us (overflow, not listed)\n", all, ov, nb > dat
			printf "# bucket_low_ns count cumulative_fraction\n" > dat
			cum = 0
			for (i = 0; i < n; i++) {
				cum += cnt[i]
				printf "%d %d %.6f\n", b[i] * 1000, cnt[i], cum / all > dat
			}
			close(dat)
		}
	}' "$out"
}

# Sum the counts of a bpftrace map printed as "@[key]: N" lines.
bd_bpftrace_sum() {
	awk -F': ' '/^@\[/ { s += $2 } END { print s + 0 }' "$1"
}

# bd_perf_read FILE: the counters of a perf stat -x, file into the
# associative array PERF (event -> value; msec values converted to ns,
# "<not counted>" left out).
bd_perf_read() {
	local val unit ev rest ms frac
	PERF=()
	[ -s "$1" ] || return 0
	while IFS=, read -r val unit ev rest; do
		[[ $val =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
		if [ "$unit" = msec ]; then
			ms=${val%%.*} frac=${val#*.}
			[ "$frac" != "$val" ] || frac=
			frac=${frac}000000
			val=$((10#$ms * 1000000 + 10#${frac:0:6}))
		fi
		PERF[$ev]=$val
	done <"$1"
}
