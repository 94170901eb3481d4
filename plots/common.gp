# SPDX-License-Identifier: GPL-2.0
#
# plots/common.gp - loaded by every tickdev plot script: checks the
# parameters, picks the terminal from the output's extension, draws the
# environment label, and defines one line style per series so a design
# has the same colour in every figure.
#
# Parameters (gnuplot -e "name='value';..." before the script):
#   input     the data file(s) the script reads (made by scripts/report)
#   output    the image: *.png (pngcairo) or *.svg
#   envlabel  where the data was measured, e.g. "guest: Debian 12,
#             kernel 6.1.0-27-amd64, QEMU TCG (software-emulated)"
#   heading   optional title line for the figure
# The calling script sets W and H (pixels) before loading this file.

if (!exists("input") || !exists("output")) {
	print sprintf("%s: usage: gnuplot -e \"input='DATA';output='OUT.png|OUT.svg'\" %s", ARG0, ARG0)
	exit status 2
}
if (!exists("envlabel")) envlabel = "environment unknown (pass envlabel=...)"
if (!exists("heading")) heading = ""
if (!exists("W")) W = 900
if (!exists("H")) H = 560

_ext = output[strlen(output) - 3:strlen(output)]
if (_ext eq ".svg") {
	set terminal svg size W, H dynamic enhanced font "Sans,11" background rgb "white"
} else {
	if (_ext eq ".png") {
		set terminal pngcairo size W, H enhanced font "Sans,10" background rgb "white"
	} else {
		print sprintf("%s: output '%s' must end in .png or .svg", ARG0, output)
		exit status 2
	}
}
set output output

# Every figure says where it was measured (TCG inflates absolute times):
# the environment is the heading's last line, so it cannot overlap a
# panel or be cropped away from the figure.
heading = (heading eq "") ? envlabel : heading . "\n" . envlabel
set grid lc rgb "#dddddd"
set key noenhanced

# Series styles: 1 spinlock, 2 workqueue, 3 timerfd, 4 cyclictest,
# 5.. extra series (readers, modes, variants).
set style line 1 lc rgb "#1f5fbf" lw 2 pt 7 ps 0.8
set style line 2 lc rgb "#d9541e" lw 2 pt 5 ps 0.8
set style line 3 lc rgb "#333333" lw 2 pt 9 ps 0.9
set style line 4 lc rgb "#2a9d3c" lw 2 pt 13 ps 0.9
set style line 5 lc rgb "#7b3fa0" lw 2 pt 11 ps 0.8
set style line 6 lc rgb "#b8860b" lw 2 pt 3 ps 0.8
set style line 7 lc rgb "#008b8b" lw 2 pt 1 ps 0.8
set style line 8 lc rgb "#c71585" lw 2 pt 2 ps 0.8
set style line 9 lc rgb "#556b2f" lw 2 pt 4 ps 0.8
set style line 10 lc rgb "#808080" lw 2 pt 6 ps 0.8
