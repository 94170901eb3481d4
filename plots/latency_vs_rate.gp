# SPDX-License-Identifier: GPL-2.0
#
# plots/latency_vs_rate.gp - p50 (solid) and p99 (dashed) end-to-end
# latency against timer rate, per design, with the same-run timerfd and
# cyclictest baselines.
#
# input  one file, a row per timer period, '#' header, NaN where a series
#        has no cell: rate_hz period_ns spinlock_p50 spinlock_p99
#        workqueue_p50 workqueue_p99 timerfd_p50 timerfd_p99
#        cyclictest_p50 cyclictest_p99 (latencies in ns)
#
#   gnuplot -e "input='docs/img/latency_vs_rate.dat';output='x.png'" plots/latency_vs_rate.gp

W = 900
H = 560
load ARG0[1:strstrt(ARG0, "latency_vs_rate.gp") - 1] . "common.gp"

set title heading noenhanced
set logscale xy
set xlabel "timer rate (events/s, log scale)"
set ylabel "end-to-end latency (µs, log scale)"
set key outside right top
set offsets graph 0.05, graph 0.05, 0, 0
us(c) = column(c) / 1000.0
plot \
	input using 1:(us(3)) with linespoints ls 1 title "spinlock p50", \
	input using 1:(us(4)) with linespoints ls 1 dt 2 title "spinlock p99", \
	input using 1:(us(5)) with linespoints ls 2 title "workqueue p50", \
	input using 1:(us(6)) with linespoints ls 2 dt 2 title "workqueue p99", \
	input using 1:(us(7)) with linespoints ls 3 title "timerfd p50", \
	input using 1:(us(8)) with linespoints ls 3 dt 2 title "timerfd p99", \
	input using 1:(us(9)) with linespoints ls 4 title "cyclictest p50", \
	input using 1:(us(10)) with linespoints ls 4 dt 2 title "cyclictest p99"
