# SPDX-License-Identifier: GPL-2.0
#
# full: the factorial of issue 4's factors, plus the reader modes the
# default leaves out.  Long: the suite estimates ~2.6 h (`bench-suite
# --list -p full`, calibrated on the default preset's measured run on a
# host at load average ~12); not run end to end yet.  That is inside
# `make bench`'s 3 h guest limit, but not by much on a busy host: there
# use scripts/vm-run -t 18000 -- scripts/bench-suite --preset full.
#
#   period {10 ms, 4 ms, 1 ms, 250 us, 100 us} x timer {hrtimer, list
#   (>= 4 ms only: one jiffy at HZ=250)} x readers {1, 2, 4, 8, 16} x
#   design x fan-out x mode {block, poll} x frame {0, 4096, 65536}
#   = 7 x 5 x 2 x 2 x 2 x 3 = 840 tickdev cells, 100 timerfd pairs,
#   5 cyclictest floors;
#   modes: epoll, epoll-shared, epoll-excl, nonblock and a block+poll+epoll
#   mix, and batch 8, at 1 ms x readers {4, 16} x design x fan-out.
# Runs last 2 s at 10 ms (200 events), 1 s below (>= 250 events).
#
# Two repetitions, not the suite's usual three: three would take ~3.5 h
# and overrun make bench's guest limit (vm-run -t 10800).  For three, run
#   scripts/vm-run -t 18000 -- scripts/bench-suite --preset full --reps 3
# No perf stat in the sweep (PERF_REPS=0: it would add ~25 min); every row
# still has tickbench's own CPU and context-switch figures per event, and
# the default preset and scripts/bench-cell --perf give perf per cell.
# The other phases are the default's, with perf-count in the overhead
# phase and longer memory runs.
# shellcheck shell=bash

PRESET_DESC="full factorial of period, timer, readers, design, fan-out, mode, frame (+ epoll modes), 2 reps (~2.6 h)"
REPS=2
PERF_REPS=0

dur_for_period() {
	if (($1 >= 10000000)); then DUR=2; else DUR=1; fi
}

for p in 10000000 4000000 1000000 250000 100000; do
	for t in hrtimer list; do
		for r in 1 2 4 8 16; do
			for d in spinlock workqueue; do
				for fo in broadcast shared; do
					for m in block poll; do
						for fr in 0 4096 65536; do
							sweep factorial design=$d timer=$t fanout=$fo \
								mode=$m readers=$r period=$p frame=$fr
						done
					done
				done
			done
		done
	done
done

for r in 4 16; do
	for d in spinlock workqueue; do
		for fo in broadcast shared; do
			for m in epoll epoll-shared epoll-excl nonblock block+poll+epoll; do
				sweep modes design=$d fanout=$fo mode=$m readers=$r period=1000000
			done
			sweep modes design=$d fanout=$fo mode=block readers=$r period=1000000 batch=8
		done
	done
done

COLL_LOAD="timer=hrtimer fanout=broadcast mode=block readers=4 period=250000"
COLL_DESIGNS=(spinlock workqueue)
COLL_FRAMES=(0 4096 65536)
COLL_TIMERFD=1
COLL_DUR=5
COLL_REPS=2

RATE_READERS=(1 4 16)
RATE_SOURCES=(spinlock workqueue timerfd)
RATE_PERIODS=(10000000 4000000 2000000 1000000 500000 250000 100000 50000 20000 10000)
RATE_DUR=2
RATE_TOL_PCT=1

OVH_CELL="design=spinlock timer=hrtimer fanout=broadcast mode=block readers=4 period=250000 frame=0"
OVH_VARIANTS=(off tracefs bpftrace perf-count)
OVH_DUR=5
OVH_REPS=3

MEM_CELL="design=spinlock timer=hrtimer fanout=broadcast mode=block readers=4 period=250000 frame=0"
MEM_DURS=(5 60)
