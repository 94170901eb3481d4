# SPDX-License-Identifier: GPL-2.0
#
# plots/rate.gp - the highest event rate sustained with no drop and no
# overrun, per design and for timerfd, against reader count.
#
# input  one file, a row per reader count, '#' header, NaN where
#        missing: readers spinlock_hz workqueue_hz timerfd_hz
#
#   gnuplot -e "input='docs/img/rate.dat';output='x.png'" plots/rate.gp

W = 900
H = 520
load ARG0[1:strstrt(ARG0, "rate.gp") - 1] . "common.gp"

set title heading noenhanced
# Boxes at explicit offsets rather than "histograms": a source with no
# sustained rate (NaN) is then skipped, not an error.
set style fill solid 0.85 border -1
set xlabel "readers"
set ylabel "highest sustained rate (events/s)"
set yrange [0:*]
set offsets 0.5, 0.5, graph 0.05, 0
set key outside bottom center horizontal
plot input using ($0 - 0.27):2:(0.26) with boxes ls 1 title "spinlock", \
	'' using ($0):3:(0.26) with boxes ls 2 title "workqueue", \
	'' using ($0 + 0.27):4:(0.26) with boxes ls 3 title "timerfd", \
	'' using 0:(NaN):xticlabels(1) notitle
