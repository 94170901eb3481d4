# SPDX-License-Identifier: GPL-2.0
#
# plots/collateral.gp - what each design costs an unrelated task: the
# latency of a cyclictest-style thread running alongside the driver,
# against frame size, per design; the dashed line is the same thread with
# the driver idle (unloaded reference).
#
# input  one file, a row per frame size, '#' header, NaN where missing:
#        frame_bytes spinlock_p50 spinlock_p99 workqueue_p50
#        workqueue_p99 unloaded_p50 unloaded_p99 (latencies in ns)
#
#   gnuplot -e "input='docs/img/collateral.dat';output='x.png'" plots/collateral.gp

W = 1100
H = 480
load ARG0[1:strstrt(ARG0, "collateral.gp") - 1] . "common.gp"

set multiplot layout 1, 2 title heading noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xlabel "frame size (bytes per record)"
set ylabel "unrelated task latency (µs)"
set yrange [0:*]
set key top left
us(c) = column(c) / 1000.0
do for [p = 0:1] {
	set title (p == 0 ? "p50" : "p99")
	plot input using (us(2 + p)):xticlabels(1) ls 1 title "spinlock", \
		'' using (us(4 + p)) ls 2 title "workqueue", \
		'' using 0:(us(6 + p)) with lines ls 3 dt 2 title "unloaded"
}
unset multiplot
