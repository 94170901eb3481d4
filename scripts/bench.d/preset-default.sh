# SPDX-License-Identifier: GPL-2.0
#
# default: what `make bench` runs; about 15 minutes in the TCG guest on
# the shared 2-core machines.
#
# Not the factorial (that is `full`): one factor at a time around the
# cell the performance bar is defined on,
#   hrtimer, broadcast, block, 1 reader, 1 ms, frame 0, ring 64,
# chosen so that every level of every factor of issue 4 is measured for
# both designs, next to timerfd and cyclictest in the same run.  Groups
# (the group column of runs.csv):
#   period   {10 ms, 4 ms, 1 ms, 250 us, 100 us} x design on hrtimer, and
#            timer_list x design where the jiffy allows it (10, 4 ms)
#   readers  at 1 ms: broadcast {2, 4, 8, 16} and shared {1, 4, 16} readers
#            x design (broadcast 1 reader is the period group's)
#   mode     poll x design at 1 ms with 1 and 4 readers and at 100 us with
#            1 reader (block at each is in the period and readers groups)
#   frame    frames {4096, 65536} x design at 1 ms, 4 readers (frame 0 is
#            the readers group's)
# Every tickdev cell is paired with timerfd at the same period, readers,
# mode and fan-out, and each period gets its cyclictest floor (the suite
# does both): 38 tickdev + 15 timerfd + 5 cyclictest = 58 runs per
# repetition, 3 repetitions, 2 s runs at periods >= 4 ms (>= 200 events),
# 1 s below (>= 1000 events); perf stat on the first repetition.
# The epoll modes, batch sizes and the full cross product are in `full`.
#
# Measured (2026-11-25, this preset, 0 failures):
#   quiet host (load average 0.9 at the start), `make bench` (scripts/bench,
#   two boots) at 198c78e: 7m54s wall; 400 s in the latency guest (sweep
#   298 s, collateral 36 s, rate 46 s, memory 12 s) and 40 s
#   in the overhead guest (35 s of runs).
#   loaded host (load average ~12 from other TCG guests), one boot:
#   18m43s wall, 1054 s in the guest (sweep 814 s).
# To trim: OVH_REPS=2 (-30 s), or --reps 2 (-270 s).
# shellcheck shell=bash

PRESET_DESC="one-factor sweeps around 1 ms/1 reader, both designs, timerfd and cyclictest baselines (~8 min quiet, ~19 min on a loaded host)"
REPS=3

dur_for_period() {
	if (($1 >= 4000000)); then DUR=2; else DUR=1; fi
}

for p in 10000000 4000000 1000000 250000 100000; do
	for d in spinlock workqueue; do
		for t in hrtimer list; do
			sweep period design=$d timer=$t period=$p
		done
	done
done

for d in spinlock workqueue; do
	for r in 2 4 8 16; do
		sweep readers design=$d fanout=broadcast readers=$r period=1000000
	done
	for r in 1 4 16; do
		sweep readers design=$d fanout=shared readers=$r period=1000000
	done
done

for d in spinlock workqueue; do
	sweep mode design=$d mode=poll readers=1 period=1000000
	sweep mode design=$d mode=poll readers=4 period=1000000
	sweep mode design=$d mode=poll readers=1 period=100000
done

for fr in 4096 65536; do
	for d in spinlock workqueue; do
		sweep frame design=$d frame=$fr readers=4 period=1000000
	done
done

# Collateral: a heavy load (250 us, 4 readers) per design and frame size,
# and timerfd at the same load; cyclictest 1 ms for 2 s inside each.
COLL_LOAD="timer=hrtimer fanout=broadcast mode=block readers=4 period=250000"
COLL_DESIGNS=(spinlock workqueue)
COLL_FRAMES=(0 4096 65536)
COLL_TIMERFD=1
COLL_DUR=2
COLL_REPS=1

RATE_READERS=(1 4 16)
RATE_SOURCES=(spinlock workqueue timerfd)
RATE_PERIODS=(10000000 4000000 2000000 1000000 500000 250000 100000 50000 20000 10000)
RATE_DUR=1
RATE_TOL_PCT=1

OVH_CELL="design=spinlock timer=hrtimer fanout=broadcast mode=block readers=4 period=250000 frame=0"
OVH_VARIANTS=(off tracefs bpftrace)
OVH_DUR=2
OVH_REPS=3

MEM_CELL="design=spinlock timer=hrtimer fanout=broadcast mode=block readers=4 period=250000 frame=0"
MEM_DURS=(2 10)
