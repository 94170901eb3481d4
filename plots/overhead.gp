# SPDX-License-Identifier: GPL-2.0
#
# plots/overhead.gp - the observer effect on one fixed cell: end-to-end p50
# and p99, and tickbench's CPU (perf task-clock) per event, with the
# tickdev tracepoints off, enabled (tracefs), and counted by bpftrace.
#
# input  one file, a row per tracing variant, '#' header, NaN where
#        missing: variant p50_ns p99_ns task_clock_ns_per_event
#
#   gnuplot -e "input='docs/img/results/overhead.dat';output='x.png'" plots/overhead.gp

W = 1100
H = 480
load ARG0[1:strstrt(ARG0, "overhead.gp") - 1] . "common.gp"

set multiplot layout 1, 2 title heading noenhanced
# Boxes at explicit offsets rather than "histograms": a variant that
# failed (NaN) is then skipped, not an error.
set style fill solid 0.85 border -1
set xlabel "tracing"
set yrange [0:*]
set offsets 0.5, 0.5, graph 0.05, 0
set key outside bottom center horizontal
us(c) = column(c) / 1000.0
set title "end-to-end latency"
set ylabel "µs"
plot input using ($0 - 0.2):(us(2)):(0.4) with boxes ls 1 title "p50", \
	'' using ($0 + 0.2):(us(3)):(0.4) with boxes ls 5 title "p99", \
	'' using 0:(NaN):xticlabels(1) notitle
set title "tickbench CPU per event (perf task-clock)"
set ylabel "µs per event"
plot input using 0:(us(4)):(0.5) with boxes ls 3 title "task-clock", \
	'' using 0:(NaN):xticlabels(1) notitle
unset multiplot
