# SPDX-License-Identifier: GPL-2.0
#
# plots/latency_dist.gp - end-to-end latency distribution of several runs
# at one timer period: CDF on the left, histogram (log count) on the right.
#
# input   space-separated tickbench --hist-file files (gnuplot data sets:
#         index 0 is the e2e leg; the file format is in bench/report.c)
# titles  space-separated series names, one per file (no spaces in a name)
# styles  space-separated line style numbers from common.gp, one per file
# leg     data set to plot (default 0, e2e; 1 lateness, 2 producer, 3 wake)
#
#   gnuplot -e "input='a.dat b.dat';titles='spinlock timerfd';styles='1 3';output='d.png'" plots/latency_dist.gp

W = 1100
H = 480
load ARG0[1:strstrt(ARG0, "latency_dist.gp") - 1] . "common.gp"
if (!exists("titles")) titles = input
if (!exists("styles")) styles = ""
if (!exists("leg")) leg = 0

n = words(input)
style(i) = (words(styles) >= i) ? word(styles, i) + 0 : i + 4
# The histogram's buckets are log-linear (128 per power of two); regroup
# them into 8 per power of two so a bar holds enough events to read.
bin(x) = 2 ** (floor(log(x) / log(2) * 8) / 8.0)
# Bucket 0 (a clamped negative value) has no place on a log axis.
us(x) = (x < 1 ? NaN : x / 1000.0)

set multiplot layout 1, 2 title heading noenhanced
set logscale x
set xlabel "latency (µs, log scale)"
set ylabel "fraction of events ≤ x"
set yrange [0:1.02]
set key bottom right
set title "CDF"
plot for [i = 1:n] word(input, i) index leg using (us($1)):3 with steps ls style(i) title word(titles, i)

set ylabel "events per 1/8-octave bin (log scale)"
set logscale y
set yrange [0.8:*]
set key top right
set title "histogram"
plot for [i = 1:n] word(input, i) index leg using (bin(us($1))):2 smooth frequency with histeps ls style(i) title word(titles, i)
unset multiplot
