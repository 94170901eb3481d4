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
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xlabel "readers"
set ylabel "highest sustained rate (events/s)"
set yrange [0:*]
set key top right
plot input using 2:xticlabels(1) ls 1 title "spinlock", \
	'' using 3 ls 2 title "workqueue", \
	'' using 4 ls 3 title "timerfd"
