# SPDX-License-Identifier: GPL-2.0
#
# plots/collateral.gp - what each design costs an unrelated task: the
# latency of a cyclictest-style thread running alongside the driver,
# against frame size, per design; the horizontal mark is the same thread with
# the driver idle (unloaded reference) and the bar marked "under timerfd
# load" the same thread while timerfd readers run at the load's period.
#
# input  one file, a row per frame size, '#' header, NaN where missing:
#        frame_bytes spinlock_p50 spinlock_p99 workqueue_p50
#        workqueue_p99 unloaded_p50 unloaded_p99 timerfd_p50 timerfd_p99
#        (latencies in ns; the references have no frame, so their value
#        is the same on every row and drawn as a horizontal mark)
#
#   gnuplot -e "input='docs/img/collateral.dat';output='x.png'" plots/collateral.gp

W = 1100
H = 480
load ARG0[1:strstrt(ARG0, "collateral.gp") - 1] . "common.gp"

set multiplot layout 1, 2 title heading noenhanced
# Boxes at explicit offsets rather than "histograms": a series with no
# value (a design that did not run) is then skipped, not an error.
set style fill solid 0.85 border -1
set xlabel "frame size (bytes per record)"
set ylabel "unrelated task latency (µs)"
set yrange [0:*]
set offsets 0.5, 0.5, graph 0.05, 0
set key outside bottom center horizontal
us(c) = column(c) / 1000.0
do for [p = 0:1] {
	set title (p == 0 ? "p50" : "p99")
	plot input using ($0 - 0.2):(us(2 + p)):(0.4) with boxes ls 1 title "spinlock", \
		'' using ($0 + 0.2):(us(4 + p)):(0.4) with boxes ls 2 title "workqueue", \
		'' using 0:(us(6 + p)):($0 - 0.45):($0 + 0.45) with xerrorbars ls 3 ps 0 title "unloaded", \
		'' using 0:(us(8 + p)):($0 - 0.45):($0 + 0.45) with xerrorbars ls 4 ps 0 title "under timerfd load", \
		'' using 0:(NaN):xticlabels(1) notitle
}
unset multiplot
