# SPDX-License-Identifier: GPL-2.0
#
# plots/drops.gp - dropped records (% of records enqueued) against timer
# rate, one line per reader count, one panel per design.
#
# input   space-separated files, one per design; each holds one data set
#         per reader count (separated by two blank lines) whose first line
#         is the set's title in quotes, then rows: rate_hz drop_pct
# titles  space-separated panel names, one per file
#
#   gnuplot -e "input='drops_spinlock.dat drops_workqueue.dat';titles='spinlock workqueue';output='x.png'" plots/drops.gp

W = 1100
H = 480
load ARG0[1:strstrt(ARG0, "drops.gp") - 1] . "common.gp"
if (!exists("titles")) titles = input

n = words(input)
set multiplot layout 1, n title heading noenhanced
set logscale x
set xlabel "timer rate (events/s, log scale)"
set ylabel "dropped / enqueued records (%)"
set yrange [0:*]
set offsets graph 0.05, graph 0.05, graph 0.05, 0
set key top left
do for [i = 1:n] {
	set title word(titles, i) noenhanced
	plot for [b = 0:*] word(input, i) index b using 1:2 with linespoints ls (5 + b % 6) title columnheader(1)
}
unset multiplot
