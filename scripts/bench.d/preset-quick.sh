# SPDX-License-Identifier: GPL-2.0
#
# quick: a smoke run of every part of the suite, about 2 minutes in the
# TCG guest.  One repetition, 1 s per run.  Two sweep cells cover both
# sources of the driver's matrix at least once: design (spinlock,
# workqueue), timer (hrtimer, list), fan-out (broadcast, shared), mode
# (block, poll), frame (0, 4096); each is paired with timerfd, and each
# period gets its cyclictest floor.  Rate search for 1 reader only, on a
# coarse ladder.  Numbers from this preset show the suite works; they are
# too short to quote.
# Measured (2026-11-25, host load average ~8): `scripts/vm-run -t 1200 --
# scripts/bench-suite --preset quick` 2m01s wall, 92 s in the guest.
# shellcheck shell=bash

PRESET_DESC="smoke run of every source, design, timer, fan-out and mode (~2 min)"
REPS=1

dur_for_period() { DUR=1; }

sweep period design=spinlock timer=hrtimer fanout=broadcast mode=block \
	readers=1 period=1000000 frame=0
sweep period design=workqueue timer=list fanout=shared mode=poll \
	readers=2 period=4000000 frame=4096

COLL_LOAD="timer=hrtimer fanout=broadcast mode=block readers=2 period=250000"
COLL_DESIGNS=(spinlock workqueue)
COLL_FRAMES=(0)
COLL_TIMERFD=0
COLL_DUR=1
COLL_REPS=1

RATE_READERS=(1)
RATE_SOURCES=(spinlock workqueue timerfd)
RATE_PERIODS=(4000000 1000000 250000 100000 10000)
RATE_DUR=1

OVH_CELL="design=spinlock timer=hrtimer fanout=broadcast mode=block readers=2 period=250000 frame=0"
OVH_VARIANTS=(off tracefs bpftrace)
OVH_DUR=1
OVH_REPS=1

MEM_CELL="design=spinlock timer=hrtimer fanout=broadcast mode=block readers=2 period=250000 frame=0"
MEM_DURS=(1 4)
