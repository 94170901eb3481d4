# SPDX-License-Identifier: GPL-2.0
#
# plots/overhead.gp - the observer effect: end-to-end p50 and p99 of one
# fixed cell with the tickdev tracepoints off, on, and with bpftrace
# attached, per design.
#
# input  one file, a row per tracing variant, '#' header, NaN where
#        missing: variant spinlock_p50 spinlock_p99 workqueue_p50
#        workqueue_p99 (ns)
#
#   gnuplot -e "input='docs/img/overhead.dat';output='x.png'" plots/overhead.gp

W = 1100
H = 480
load ARG0[1:strstrt(ARG0, "overhead.gp") - 1] . "common.gp"

set multiplot layout 1, 2 title heading noenhanced
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xlabel "tracing"
set ylabel "end-to-end latency (µs)"
set yrange [0:*]
set key top left
us(c) = column(c) / 1000.0
do for [p = 0:1] {
	set title (p == 0 ? "p50" : "p99")
	plot input using (us(2 + p)):xticlabels(1) ls 1 title "spinlock", \
		'' using (us(4 + p)) ls 2 title "workqueue"
}
unset multiplot
