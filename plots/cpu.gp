# SPDX-License-Identifier: GPL-2.0
#
# plots/cpu.gp - the readers' CPU cost per event against timer rate, per
# design and timerfd: user+system time (getrusage of the readers) and
# voluntary context switches per event.  The producer's own CPU (softirq
# or kworker) is not in these figures.
#
# input  one file, a row per period, '#' header, NaN where missing:
#        rate_hz period_ns spinlock_usr spinlock_sys workqueue_usr
#        workqueue_sys timerfd_usr timerfd_sys (ns per event)
#        spinlock_vcsw workqueue_vcsw timerfd_vcsw (per event)
#        spinlock_task workqueue_task timerfd_task (perf task-clock,
#        ns per event, the whole tickbench process; dashed)
#
#   gnuplot -e "input='docs/img/cpu.dat';output='x.png'" plots/cpu.gp

W = 1100
H = 480
load ARG0[1:strstrt(ARG0, "cpu.gp") - 1] . "common.gp"

set multiplot layout 1, 2 title heading noenhanced
set logscale x
set xlabel "timer rate (events/s, log scale)"
set offsets graph 0.05, graph 0.05, graph 0.05, 0
set key bottom right
set yrange [0:*]
cpu(u, s) = (column(u) + column(s)) / 1000.0
set title "CPU per event: readers user+system (solid), tickbench task-clock (dashed)"
set ylabel "µs per event"
plot input using 1:(cpu(3, 4)) with linespoints ls 1 title "spinlock", \
	'' using 1:(cpu(5, 6)) with linespoints ls 2 title "workqueue", \
	'' using 1:(cpu(7, 8)) with linespoints ls 3 title "timerfd", \
	'' using 1:($12 / 1000.0) with linespoints ls 1 dt 2 notitle, \
	'' using 1:($13 / 1000.0) with linespoints ls 2 dt 2 notitle, \
	'' using 1:($14 / 1000.0) with linespoints ls 3 dt 2 notitle
set title "reader voluntary context switches per event"
set ylabel "switches per event"
plot input using 1:9 with linespoints ls 1 title "spinlock", \
	'' using 1:10 with linespoints ls 2 title "workqueue", \
	'' using 1:11 with linespoints ls 3 title "timerfd"
unset multiplot
