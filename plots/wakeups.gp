# SPDX-License-Identifier: GPL-2.0
#
# plots/wakeups.gp - the thundering herd: reader wake-ups (voluntary
# context switches) and spurious wake-ups (ready, then EAGAIN) per event
# produced, against reader count, one line per reader mode; a row of
# panels per design.
#
# input   space-separated files, one per design; each holds one data set
#         per mode (separated by two blank lines) whose first line is the
#         set's title in quotes, then rows: readers vcsw_per_event
#         spurious_per_event
# titles  space-separated design names, one per file
#
#   gnuplot -e "input='wakeups_spinlock.dat';titles='spinlock';output='x.png'" plots/wakeups.gp

W = 1100
H = 420
if (exists("input")) { H = 420 * (words(input) > 0 ? words(input) : 1) }
load ARG0[1:strstrt(ARG0, "wakeups.gp") - 1] . "common.gp"
if (!exists("titles")) titles = input

n = words(input)
set multiplot layout n, 2 title heading noenhanced
set logscale x 2
set xlabel "readers (log scale)"
set yrange [0:*]
set offsets graph 0.05, graph 0.05, graph 0.05, 0
set key top left
do for [i = 1:n] {
	set title word(titles, i) . ": reader wake-ups per event produced" noenhanced
	set ylabel "voluntary context switches / event"
	plot for [b = 0:*] word(input, i) index b using 1:2 with linespoints ls (5 + b % 6) title columnheader(1)
	set title word(titles, i) . ": spurious wake-ups per event produced" noenhanced
	set ylabel "ready-then-EAGAIN / event"
	plot for [b = 0:*] word(input, i) index b using 1:3 with linespoints ls (5 + b % 6) title columnheader(1)
}
unset multiplot
