# SPDX-License-Identifier: GPL-2.0
#
# plots/lib/report.awk - the data reduction behind scripts/report: reads
# one results folder and writes RESULTS.md's body on stdout, the data files
# the plots/*.gp scripts read into imgdir, and the list of plots to render.
#
# Invoked by scripts/report only (POSIX awk; mawk is the host's awk):
#   awk -v folder=results/X -v imgdir=docs/img -v imgrel=docs/img \
#       -v plotlist=FILE -f plots/lib/report.awk \
#       env.txt runs.csv [rate.csv overhead.csv memory.csv collateral.csv]
#       [hist/*.dat]
#
# The one rule: every figure printed is a value read from the folder,
# scaled to another unit (ns -> us, ms), or a ratio of two such values
# written with a trailing "x" sign (or a percentage with "%").  Nothing is
# averaged: over repetitions a cell shows the lower median (a value one
# repetition measured), the lowest-highest range, and the worst maximum.
# A figure the folder lacks is written "-" and named as not measured.

function die(msg) {
	printf "scripts/report: %s\n", msg > "/dev/stderr"
	failed = 1
	exit 1
}

function basename(p,    n, a) {
	n = split(p, a, "/")
	return a[n]
}

# -- numbers and their formats ------------------------------------------

function isnum(v) {
	return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/
}

# ns as microseconds, with enough decimals that small legs keep a digit.
function us(ns) {
	if (!isnum(ns))
		return "-"
	if (ns < 10000 && ns > -10000)
		return sprintf("%.2f", ns / 1000)
	return sprintf("%.1f", ns / 1000)
}

function period_str(ns) {
	if (!isnum(ns))
		return "-"
	if (ns >= 1000000 && ns % 1000000 == 0)
		return sprintf("%.0f ms", ns / 1000000)
	if (ns >= 1000 && ns % 1000 == 0)
		return sprintf("%.0f µs", ns / 1000)
	return sprintf("%.0f ns", ns)
}

function ratio(a, b) {
	if (!isnum(a) || !isnum(b) || b <= 0)
		return "-"
	return sprintf("%.2f×", a / b)
}

function nan(v) {
	return isnum(v) ? v : "NaN"
}

function plural(n, word) {
	return n " " word (n == 1 ? "" : "s")
}

# -- sorting (mawk has no asort) ----------------------------------------

# Sort a[1..n] ascending, numerically when numeric is 1, else as strings.
function isort(a, n, numeric,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1; j--) {
			if (numeric ? (a[j] + 0 <= t + 0) : (a[j] "" <= t ""))
				break
			a[j + 1] = a[j]
		}
		a[j + 1] = t
	}
}

# -- CSV files ------------------------------------------------------------

# col(file, row, name): a field by column name, "" when the column is absent.
function col(f, r, name) {
	if (!((f, name) in hdr))
		return ""
	return val[f, r, hdr[f, name]]
}

function hascol(f, name) {
	return (f, name) in hdr
}

# The first of a space-separated list of candidate column names present.
function pickcol(f, names,    n, a, i) {
	n = split(names, a, " ")
	for (i = 1; i <= n; i++)
		if ((f, a[i]) in hdr)
			return a[i]
	return ""
}

# A CSV file as a Markdown table, verbatim (blank fields shown as "-").
function csv_table(f,    r, i, line) {
	line = "|"
	for (i = 1; i <= ncol[f]; i++)
		line = line " " hname[f, i] " |"
	print line
	line = "|"
	for (i = 1; i <= ncol[f]; i++)
		line = line "---|"
	print line
	for (r = 1; r <= nrow[f]; r++) {
		line = "|"
		for (i = 1; i <= ncol[f]; i++)
			line = line " " (val[f, r, i] == "" ? "-" : val[f, r, i]) " |"
		print line
	}
}

# -- input ------------------------------------------------------------------

FNR == 1 {
	cur = basename(FILENAME)
	seenfile[cur] = 1
	if (FILENAME ~ /\/hist\/[^\/]*$/ || FILENAME ~ /^hist\//)
		cur = "hist"
}

cur == "env.txt" {
	if ($0 ~ /^[ \t]*#/ || $0 !~ /:/)
		next
	k = $0
	sub(/[ \t]*:.*/, "", k)
	v = $0
	sub(/^[^:]*:[ \t]*/, "", v)
	sub(/[ \t\r]+$/, "", v)
	envkeys[++nenv] = k
	env[tolower(k)] = v
	next
}

cur == "hist" {
	# Only the header matters here: it names the cell the file holds.
	if (FNR == 1 && $0 ~ /^# tickbench histogram:/) {
		nh++
		hfile[nh] = FILENAME
		line = $0
		sub(/^# tickbench histogram:[ \t]*/, "", line)
		n = split(line, t, " ")
		for (i = 1; i + 1 <= n; i += 2)
			hmeta[nh, t[i]] = t[i + 1]
	}
	nextfile
}

cur ~ /\.csv$/ || cur == "failures.txt" {
	sub(/\r$/, "")
	if ($0 ~ /^#/ && !((cur, "#") in seenhdr)) {
		seenhdr[cur, "#"] = 1
		line = substr($0, 2)
		ncol[cur] = split(line, t, ",")
		for (i = 1; i <= ncol[cur]; i++) {
			gsub(/^[ \t]+|[ \t]+$/, "", t[i])
			hdr[cur, t[i]] = i
			hname[cur, i] = t[i]
		}
		next
	}
	if ($0 ~ /^#/ || $0 ~ /^[ \t]*$/)
		next
	if (!((cur, "#") in seenhdr))
		die(cur ": the first line must be the '#' header naming the columns")
	r = ++nrow[cur]
	n = split($0, t, ",")
	for (i = 1; i <= n; i++)
		val[cur, r, i] = t[i]
	next
}

# -- cells: runs.csv rows grouped over repetitions ----------------------------

function cellkey(r,    k, i) {
	k = ""
	for (i = 1; i <= nkf; i++)
		k = k (i > 1 ? "|" : "") col("runs.csv", r, kf[i])
	return k
}

function build_cells(    r, k, c, i) {
	nkf = split("source design timer fanout mode readers period_ns frame_bytes ring batch procs", kf, " ")
	for (r = 1; r <= nrow["runs.csv"]; r++) {
		k = cellkey(r)
		if (!(k in cellid)) {
			c = cellid[k] = ++ncell
			for (i = 1; i <= nkf; i++)
				C[c, kf[i]] = col("runs.csv", r, kf[i])
		}
		c = cellid[k]
		crow[c, ++cn[c]] = r
	}
	# Rows of a cell in repetition order, so per-rep lists read left to right.
	for (c = 1; c <= ncell; c++)
		for (i = 2; i <= cn[c]; i++) {
			r = crow[c, i]
			for (k = i - 1; k >= 1 && col("runs.csv", crow[c, k], "rep") + 0 > col("runs.csv", r, "rep") + 0; k--)
				crow[c, k + 1] = crow[c, k]
			crow[c, k + 1] = r
		}
}

# A run that failed, timed out or broke integrity is listed, never averaged in.
function okrow(f, r,    st) {
	st = col(f, r, "status")
	return st == "" || st == "ok"
}

# Lower median over a cell's repetitions: a value one repetition measured.
function lmed(c, name,    i, n, a, v) {
	n = 0
	for (i = 1; i <= cn[c]; i++) {
		if (!okrow("runs.csv", crow[c, i]))
			continue
		v = col("runs.csv", crow[c, i], name)
		if (isnum(v))
			a[++n] = v
	}
	if (!n)
		return ""
	isort(a, n, 1)
	return a[int((n + 1) / 2)]
}

function cmax(c, name,    i, v, m) {
	m = ""
	for (i = 1; i <= cn[c]; i++) {
		if (!okrow("runs.csv", crow[c, i]))
			continue
		v = col("runs.csv", crow[c, i], name)
		if (isnum(v) && (m == "" || v + 0 > m + 0))
			m = v
	}
	return m
}

function cmin(c, name,    i, v, m) {
	m = ""
	for (i = 1; i <= cn[c]; i++) {
		if (!okrow("runs.csv", crow[c, i]))
			continue
		v = col("runs.csv", crow[c, i], name)
		if (isnum(v) && (m == "" || v + 0 < m + 0))
			m = v
	}
	return m
}

# Per-repetition values joined by "/", "-" for a blank, the status for a
# run that did not succeed.
function clist(c, name,    i, v, s) {
	s = ""
	for (i = 1; i <= cn[c]; i++) {
		v = col("runs.csv", crow[c, i], name)
		if (!okrow("runs.csv", crow[c, i]))
			v = col("runs.csv", crow[c, i], "status")
		s = s (i > 1 ? "/" : "") (v == "" ? "-" : v)
	}
	return s
}

# Repetitions that succeeded.
function nok(c,    i, n) {
	n = 0
	for (i = 1; i <= cn[c]; i++)
		if (okrow("runs.csv", crow[c, i]))
			n++
	return n
}

# The repetition whose p50 is the lower median (for its histogram file).
function medrep(c,    m, i) {
	m = lmed(c, "p50_ns")
	for (i = 1; i <= cn[c]; i++)
		if (okrow("runs.csv", crow[c, i]) && col("runs.csv", crow[c, i], "p50_ns") == m)
			return col("runs.csv", crow[c, i], "rep")
	return col("runs.csv", crow[c, 1], "rep")
}

# Worst repetition of dropped / enqueued records, in percent ("" if unknown).
function cdrop_pct(c,    i, r, d, e, p, m) {
	m = ""
	for (i = 1; i <= cn[c]; i++) {
		r = crow[c, i]
		if (!okrow("runs.csv", r))
			continue
		d = col("runs.csv", r, "drops")
		e = col("runs.csv", r, "enqueued")
		if (!isnum(e) || e <= 0) {
			e = col("runs.csv", r, "events")
			if (isnum(e) && isnum(d))
				e += d
		}
		if (!isnum(d) || !isnum(e) || e <= 0)
			continue
		p = 100 * d / e
		if (m == "" || p > m)
			m = p
	}
	return m
}

# A per-event figure rescaled to events produced (lower median over reps).
function cper_produced(c, name,    i, r, v, e, p, n, a) {
	n = 0
	for (i = 1; i <= cn[c]; i++) {
		r = crow[c, i]
		if (!okrow("runs.csv", r))
			continue
		v = col("runs.csv", r, name)
		e = col("runs.csv", r, "events")
		p = col("runs.csv", r, "produced")
		if (isnum(v) && isnum(e) && isnum(p) && p > 0)
			a[++n] = v * e / p
	}
	if (!n)
		return ""
	isort(a, n, 1)
	return a[int((n + 1) / 2)]
}

function cell_label(c) {
	if (C[c, "source"] == "tickdev")
		return C[c, "design"]
	return C[c, "source"]
}

function cell_bad(c,    i, r, s, st) {
	s = ""
	for (i = 1; i <= cn[c]; i++) {
		r = crow[c, i]
		st = col("runs.csv", r, "status")
		if (!okrow("runs.csv", r))
			s = s (s == "" ? "" : "; ") "rep " col("runs.csv", r, "rep") " " st " (not in the figures)"
		else if (col("runs.csv", r, "integrity_errors") + 0 > 0)
			s = s (s == "" ? "" : "; ") "rep " col("runs.csv", r, "rep") " integrity errors " col("runs.csv", r, "integrity_errors")
		if (col("runs.csv", r, "interrupted") + 0 > 0)
			s = s (s == "" ? "" : "; ") "rep " col("runs.csv", r, "rep") " interrupted"
	}
	return s
}

# -- finding cells ----------------------------------------------------------

# The best cell matching a source/design at a period, reader count, mode,
# fan-out and frame size ("*" matches anything).  Ties prefer hrtimer (its
# period is exact), one record per read, threads, and more repetitions.
function find(src, des, per, rd, mode, fan, frame,    c, best, bs, s) {
	best = 0
	bs = -1
	for (c = 1; c <= ncell; c++) {
		if (C[c, "source"] != src)
			continue
		if (des != "*" && C[c, "design"] != des)
			continue
		if (per != "*" && C[c, "period_ns"] != per)
			continue
		if (rd != "*" && C[c, "readers"] != rd)
			continue
		if (mode != "*" && C[c, "mode"] != mode)
			continue
		if (fan != "*" && C[c, "fanout"] != fan)
			continue
		if (frame != "*" && C[c, "frame_bytes"] != frame && !(src != "tickdev" && C[c, "frame_bytes"] == ""))
			continue
		s = (C[c, "timer"] == "hrtimer" ? 8 : 0) + (C[c, "batch"] + 0 <= 1 ? 4 : 0) + (C[c, "procs"] + 0 == 0 ? 2 : 0)
		s = s * 100 + nok(c)
		if (nok(c) == 0)
			s = 0
		if (s > bs) {
			bs = s
			best = c
		}
	}
	return best
}

# The same-run timerfd cell to compare a cell with: same period, readers,
# mode and fan-out (the suite pairs every tickdev cell so); none, and no
# ratio, when that pair did not run.
function timerfd_of(c) {
	return find("timerfd", "*", C[c, "period_ns"], C[c, "readers"], C[c, "mode"], C[c, "fanout"], "*")
}

# The cyclictest cell at a period (its readers are its threads).
function cyclic_of(per,    c) {
	c = find("cyclictest", "*", per, 1, "*", "*", "*")
	if (!c)
		c = find("cyclictest", "*", per, "*", "*", "*", "*")
	return c
}

# Distinct values of a cell field (over cells of a source), sorted.
function distinct(field, src, out, numeric,    c, n, seen) {
	n = 0
	for (c = 1; c <= ncell; c++) {
		if (src != "*" && C[c, "source"] != src)
			continue
		if (C[c, field] == "" || (C[c, field] in seen))
			continue
		seen[C[c, field]] = 1
		out[++n] = C[c, field]
	}
	isort(out, n, numeric)
	return n
}

# The headline slice: the mode, fan-out and frame size most cells share
# with the baselines; block, broadcast and 0 bytes when they were run.
function choose_headline(    n, a, i) {
	HMODE = "block"
	HFAN = "broadcast"
	HFRAME = "0"
	if (!find("tickdev", "*", "*", "*", HMODE, "*", "*")) {
		n = distinct("mode", "tickdev", a, 0)
		HMODE = n ? a[1] : "*"
	}
	if (!find("tickdev", "*", "*", "*", "*", HFAN, "*")) {
		n = distinct("fanout", "tickdev", a, 0)
		HFAN = n ? a[1] : "*"
	}
	if (!find("tickdev", "*", "*", "*", "*", "*", HFRAME)) {
		n = distinct("frame_bytes", "tickdev", a, 1)
		HFRAME = n ? a[1] : "*"
	}
	# Reader count of the headline: 1 when measured, else the smallest.
	HREADERS = 1
	if (!find("tickdev", "*", "*", 1, HMODE, HFAN, HFRAME)) {
		n = distinct("readers", "tickdev", a, 1)
		HREADERS = n ? a[1] : "*"
	}
	# Periods, longest first (lowest rate first).
	NPER = distinct("period_ns", "*", PER, 1)
	for (i = 1; i <= int(NPER / 2); i++) {
		n = PER[i]
		PER[i] = PER[NPER + 1 - i]
		PER[NPER + 1 - i] = n
	}
}

# The period the bars and the analysis quote: 1 ms when measured.
function ref_period(    i) {
	for (i = 1; i <= NPER; i++)
		if (PER[i] == 1000000)
			return PER[i]
	return ""
}

# -- plots --------------------------------------------------------------------

# Queue a plot: scripts/report renders it as PNG and SVG.
function add_plot(script, input, name, extra) {
	extra = "envlabel='" envlabel "'" (extra == "" ? "" : ";" extra)
	printf "%s\t%s\t%s\t%s\n", script, input, name, extra > plotlist
}

function figure(name, alt, script, input, extra) {
	add_plot(script, input, name, extra)
	printf "![%s](%s/%s.png)\n\n", alt, imgrel, name
	printf "<sub>[SVG](%s/%s.svg) · `gnuplot -e \"input='%s';envlabel='%s'%s;output='%s.png'\" plots/%s`</sub>\n\n", imgrel, name, input, envlabel, (extra == "" ? "" : ";" extra), name, script
}

# -- sections -----------------------------------------------------------------

function section_env(    i, k, accel) {
	print "## Environment"
	print ""
	print "| key | value |"
	print "|---|---|"
	for (i = 1; i <= nenv; i++) {
		k = envkeys[i]
		printf "| %s | %s |\n", k, env[tolower(k)]
	}
	print ""
	accel = tolower(env_get("accel accelerator tcg/kvm qemu accel"))
	if (accel ~ /tcg/) {
		print "**The guest is software-emulated (QEMU TCG): every guest instruction is translated and run by QEMU on the host, so absolute times in this report are inflated, by a factor that is not constant across code paths. What carries over to real hardware are the ratios between designs and baselines measured side by side in this one run, not the microseconds.**"
	} else if (accel ~ /kvm/) {
		print "**The guest runs under KVM (hardware-assisted): absolute times include virtualisation costs (timer and interrupt exits); the ratios between designs and baselines measured side by side in this one run are what carry over.**"
	} else {
		print "**The accelerator is not recorded in env.txt. The guest may be software-emulated (QEMU TCG), in which case absolute times are inflated; the ratios between designs and baselines measured side by side in this one run are what carry over.**"
	}
	print ""
}

# A value from env.txt by the first of several candidate key names.
function env_get(keys,    n, a, i, k) {
	n = split(keys, a, " ")
	for (i = 1; i <= n; i++)
		if (tolower(a[i]) in env)
			return env[tolower(a[i])]
	# Multi-word keys: match on the key text itself.
	for (k in env)
		for (i = 1; i <= n; i++)
			if (index(k, tolower(a[i])) == 1)
				return env[k]
	return ""
}

function preset_name(    p) {
	p = env_get("preset")
	sub(/[ \t(].*/, "", p)
	return p
}

# The tickbench command line of a cell, as the suite runs it.
function tb_cmd(c,    s) {
	s = "bench/tickbench --source " C[c, "source"] " -i " C[c, "period_ns"] "ns -t " C[c, "readers"] " -M " C[c, "mode"] " --fanout " C[c, "fanout"]
	if (C[c, "source"] == "tickdev")
		s = s " --design " C[c, "design"] " --timer " C[c, "timer"] " --ring " C[c, "ring"] " --frame " C[c, "frame_bytes"] " -b " C[c, "batch"]
	return s " -D " (isnum(col("runs.csv", crow[c, 1], "duration_s")) ? sprintf("%.0f", col("runs.csv", crow[c, 1], "duration_s")) : 1) "s"
}

function section_reproduce(    preset, per, c, d) {
	preset = preset_name()
	print "## Reproduce"
	print ""
	print "Every figure below comes from `" folder "/`; under each plot is the gnuplot command that redraws it from the data file beside the image."
	print ""
	print "```sh"
	printf "make bench%s                # the suite in the guest -> results/<date>-<commit>/\n", (preset == "" ? "" : " PRESET=" preset)
	printf "scripts/bench-suite --list --preset %s   # its plan: every run and its parameters (host)\n", (preset == "" ? "default" : preset)
	print "make report                              # RESULTS.md and its images from the newest results folder"
	printf "scripts/report %s\n", folder
	if (have_bench_cell)
		print "scripts/bench-cell --help                # one cell by hand"
	print "```"
	print ""
	per = ref_period()
	if (per == "")
		per = PER[1]
	printf "One cell by hand, in the guest with tickdev.ko loaded as the suite loads it (`scripts/vm-run -- ...`); the headline cells at %s:\n\n", period_str(per)
	print "```sh"
	for (d = 1; d <= 3; d++) {
		c = d <= 2 ? find("tickdev", DES[d], per, HREADERS, HMODE, HFAN, HFRAME) : find("timerfd", "*", per, HREADERS, HMODE, HFAN, "*")
		if (c)
			print tb_cmd(c)
	}
	print "```"
	print ""
}

function head_row() {
	print "| period | source | p50 µs | p99 µs | p99.9 µs | max µs | p50 range µs | drops per rep | p50 ÷ timerfd | p99 ÷ timerfd | reps | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|"
}

function lat_row(c, per,    t, bad) {
	t = (C[c, "source"] == "tickdev") ? timerfd_of(c) : 0
	bad = cell_bad(c)
	printf "| %s | %s | %s | %s | %s | %s | %s–%s | %s | %s | %s | %s | %s |\n", period_str(per), cell_label(c), \
		us(lmed(c, "p50_ns")), us(lmed(c, "p99_ns")), us(lmed(c, "p999_ns")), us(cmax(c, "max_ns")), \
		us(cmin(c, "p50_ns")), us(cmax(c, "p50_ns")), \
		(C[c, "source"] == "tickdev" ? clist(c, "drops") : "-"), \
		(t ? ratio(lmed(c, "p50_ns"), lmed(t, "p50_ns")) : "-"), \
		(t ? ratio(lmed(c, "p99_ns"), lmed(t, "p99_ns")) : "-"), nok(c) (nok(c) == cn[c] ? "" : " of " cn[c]), (bad == "" ? "" : bad)
}

function section_headline(    i, per, c, any) {
	print "## Latency: the headline cells"
	print ""
	printf "End-to-end latency (timer scheduled → the reader's `read()` returned) with %s, mode `%s`, fan-out `%s`, frame %s bytes, hrtimer where it ran. ", \
		(HREADERS == 1 ? "1 reader" : HREADERS " readers"), HMODE, HFAN, HFRAME
	print "Over repetitions each figure is the lower median (a value one repetition measured); the range is the lowest and highest p50 and max is the worst repetition. Ratios are to timerfd at the same period, reader count, mode and fan-out, measured in the same run. cyclictest is the guest's floor at that period."
	print ""
	head_row()
	any = 0
	for (i = 1; i <= NPER; i++) {
		per = PER[i]
		if ((c = find("tickdev", "spinlock", per, HREADERS, HMODE, HFAN, HFRAME))) { lat_row(c, per); any = 1 }
		if ((c = find("tickdev", "workqueue", per, HREADERS, HMODE, HFAN, HFRAME))) { lat_row(c, per); any = 1 }
		if ((c = find("timerfd", "*", per, HREADERS, HMODE, HFAN, "*"))) { lat_row(c, per); any = 1 }
		if ((c = cyclic_of(per))) { lat_row(c, per); any = 1 }
	}
	if (!any)
		print "| (no headline cell in runs.csv) | | | | | | | | | | | |"
	print ""
}

# Readers against fan-out and design at the reference period: p50 and the
# ratio to timerfd with the same readers, mode and fan-out.
function section_readers(    per, nr, R, i, f, d, c, t, line, any, FO) {
	per = ref_period()
	if (per == "")
		return
	nr = distinct("readers", "tickdev", R, 1)
	if (nr < 2)
		return
	FO[1] = "broadcast"
	FO[2] = "shared"
	print "## Latency against readers at " period_str(per)
	print ""
	print "End-to-end p50 in µs and its ratio to timerfd with the same readers, mode and fan-out (mode `" HMODE "`, frame " HFRAME " B, lower median over repetitions); `-` where the cell was not run:"
	print ""
	print "| readers | spinlock broadcast | workqueue broadcast | spinlock shared | workqueue shared |"
	print "|---|---|---|---|---|"
	any = 0
	for (i = 1; i <= nr; i++) {
		line = "| " R[i] " |"
		for (f = 1; f <= 2; f++)
			for (d = 1; d <= 2; d++) {
				c = find("tickdev", DES[d], per, R[i], HMODE, FO[f], HFRAME)
				t = c ? timerfd_of(c) : 0
				if (c && isnum(lmed(c, "p50_ns")))
					any = 1
				line = line " " (c ? us(lmed(c, "p50_ns")) (t ? " (" ratio(lmed(c, "p50_ns"), lmed(t, "p50_ns")) ")" : "") : "-") " |"
			}
		print line
	}
	print ""
}

function section_legs(    i, per, d, c, any) {
	print "## Where the time goes: latency legs"
	print ""
	print "The device stamps each event when the timer was scheduled, when it expired and when the producer enqueued it; the reader stamps when `read()` returned. Same cells as above (lower median over repetitions):"
	print ""
	print "| period | design | lateness (expire − sched) p50 / p99 µs | producer (enqueue − expire) p50 / p99 µs | wake (user − enqueue) p50 / p99 µs | end-to-end p50 µs |"
	print "|---|---|---|---|---|---|"
	any = 0
	for (i = 1; i <= NPER; i++) {
		per = PER[i]
		for (d = 1; d <= 2; d++) {
			c = find("tickdev", DES[d], per, HREADERS, HMODE, HFAN, HFRAME)
			if (!c)
				continue
			any = 1
			printf "| %s | %s | %s / %s | %s / %s | %s / %s | %s |\n", period_str(per), DES[d], \
				us(lmed(c, "lat_p50_ns")), us(lmed(c, "lat_p99_ns")), \
				us(lmed(c, "prod_p50_ns")), us(lmed(c, "prod_p99_ns")), \
				us(lmed(c, "wake_p50_ns")), us(lmed(c, "wake_p99_ns")), us(lmed(c, "p50_ns"))
		}
	}
	if (!any)
		print "| (no tickdev cell) | | | | | |"
	print ""
}

# -- bars ---------------------------------------------------------------------

function bar_row(name, measured, criterion, verdict) {
	printf "| %s | %s | %s | %s |\n", name, measured, criterion, verdict
}

# -- the other CSVs: ok rows grouped by key columns ------------------------------

# Group the rows of CSV f by the columns named in keys (space-separated);
# groups are kept in first-seen order in GK[f, 1..GKN[f]].
function group(f, keys,    nk, K, r, i, k) {
	if ((f) in grouped)
		return
	grouped[f] = 1
	nk = split(keys, K, " ")
	for (r = 1; r <= nrow[f]; r++) {
		k = ""
		for (i = 1; i <= nk; i++)
			k = k (i > 1 ? "|" : "") col(f, r, K[i])
		if (!((f, k) in GN))
			GK[f, ++GKN[f]] = k
		GR[f, k, ++GN[f, k]] = r
	}
}

# Lower median of a column over a group's successful rows.
function gmed(f, k, name,    i, n, a, v, r) {
	n = 0
	for (i = 1; i <= GN[f, k]; i++) {
		r = GR[f, k, i]
		v = col(f, r, name)
		if (okrow(f, r) && isnum(v))
			a[++n] = v
	}
	if (!n)
		return ""
	isort(a, n, 1)
	return a[int((n + 1) / 2)]
}

function gok(f, k,    i, n) {
	n = 0
	for (i = 1; i <= GN[f, k]; i++)
		if (okrow(f, GR[f, k, i]))
			n++
	return n
}

function gfirst(f, k, name) {
	return col(f, GR[f, k, 1], name)
}

function bar_latency(    per, s, w, t) {
	per = ref_period()
	s = per == "" ? 0 : find("tickdev", "spinlock", per, 1, HMODE, HFAN, HFRAME)
	t = per == "" ? 0 : find("timerfd", "*", per, 1, HMODE, HFAN, "*")
	BAR1 = ""
	if (s && t && isnum(lmed(s, "p50_ns")) && isnum(lmed(t, "p50_ns"))) {
		BAR1 = lmed(s, "p50_ns") / lmed(t, "p50_ns") <= 1.25 ? "PASS" : "FAIL"
		bar_row("spinlock p50 vs timerfd p50, 1 ms, 1 reader", \
			sprintf("%s µs vs %s µs = %s", us(lmed(s, "p50_ns")), us(lmed(t, "p50_ns")), ratio(lmed(s, "p50_ns"), lmed(t, "p50_ns"))), \
			"≤ 1.25×", "**" BAR1 "**")
	} else
		bar_row("spinlock p50 vs timerfd p50, 1 ms, 1 reader", "not measured: no successful spinlock and timerfd cell at 1 ms with 1 reader (" HMODE ", " HFAN ", frame " HFRAME " B) in runs.csv", "≤ 1.25×", "n/a")
	w = per == "" ? 0 : find("tickdev", "workqueue", per, 1, HMODE, HFAN, HFRAME)
	if (w && t && isnum(lmed(w, "p50_ns")))
		bar_row("workqueue p50 vs timerfd p50, 1 ms, 1 reader (explained from its legs in the analysis)", \
			sprintf("%s µs vs %s µs = %s", us(lmed(w, "p50_ns")), us(lmed(t, "p50_ns")), ratio(lmed(w, "p50_ns"), lmed(t, "p50_ns"))), \
			"recorded, no bar", "—")
	else
		bar_row("workqueue p50 vs timerfd p50, 1 ms, 1 reader", "not measured: no successful workqueue cell at 1 ms with 1 reader (" HMODE ", " HFAN ", frame " HFRAME " B)", "recorded, no bar", "n/a")
}

# rate-best.csv: RATE[design or "timerfd", readers] = best_rate_hz ("" when
# not even the slowest step was clean; RATEWHY says why).
function load_rates(    f, i, k, rd) {
	f = "rate-best.csv"
	# The bar is the clean rate (0 drops, 0 overruns); older folders
	# called it best_rate_hz.
	RATECOL = pickcol(f, "best_clean_rate_hz best_rate_hz")
	if (!nrow[f] || RATECOL == "")
		return
	for (i = 1; i <= nrow[f]; i++) {
		k = col(f, i, "source") == "tickdev" ? col(f, i, "design") : col(f, i, "source")
		rd = col(f, i, "readers")
		RATE[k, rd] = col(f, i, RATECOL)
		if (hascol(f, "best_tolerant_rate_hz")) {
			RATETOL[k, rd] = col(f, i, "best_tolerant_rate_hz")
			RATETOLPCT[k, rd] = col(f, i, "tolerance_pct")
		}
		RATEWHY[k, rd] = col(f, i, "first_unclean_reason") " at " period_str(col(f, i, "first_unclean_period_ns"))
		if (!((rd) in rateseen)) {
			rateseen[rd] = 1
			RATER[++NRATER] = rd
		}
	}
	isort(RATER, NRATER, 1)
}

function rate_str(k, rd,    s) {
	if (!((k, rd) in RATE))
		return "not run"
	if (RATE[k, rd] == "")
		s = "none sustained (" RATEWHY[k, rd] ")"
	else
		s = RATE[k, rd] " Hz"
	if (isnum(RATETOL[k, rd]) && RATETOL[k, rd] != RATE[k, rd])
		s = s " [" RATETOL[k, rd] " Hz losing at most " RATETOLPCT[k, rd] "%]"
	return s
}

function bar_rate(    r) {
	if (RATECOL == "") {
		bar_row("highest sustained rate, 1 reader: timerfd ÷ spinlock", "not measured: " (nrow["rate-best.csv"] ? "rate-best.csv has no best_clean_rate_hz column" : "no rate-best.csv in this folder"), "≤ 1.5×", "n/a")
		return
	}
	if (isnum(RATE["spinlock", 1]) && isnum(RATE["timerfd", 1]) && RATE["spinlock", 1] > 0) {
		BAR2 = RATE["timerfd", 1] / RATE["spinlock", 1] <= 1.5 ? "PASS" : "FAIL"
		bar_row("highest sustained rate (0 drops, 0 overruns), 1 reader: timerfd ÷ spinlock", \
			sprintf("spinlock %s Hz, timerfd %s Hz: %s", RATE["spinlock", 1], RATE["timerfd", 1], ratio(RATE["timerfd", 1], RATE["spinlock", 1])), \
			"≤ 1.5×", "**" BAR2 "**")
	} else if ((("spinlock") SUBSEP 1) in RATE && RATE["spinlock", 1] == "" && (("timerfd") SUBSEP 1) in RATE && RATE["timerfd", 1] == "") {
		BAR2 = "not measurable"
		bar_row("highest sustained rate (0 drops, 0 overruns), 1 reader: timerfd ÷ spinlock", \
			"spinlock " rate_str("spinlock", 1) ", timerfd " rate_str("timerfd", 1) ": neither sustained the ladder's slowest step, so there is no rate to compare", "≤ 1.5×", "n/a")
	} else if ((("spinlock") SUBSEP 1) in RATE && RATE["spinlock", 1] == "") {
		BAR2 = "FAIL"
		bar_row("highest sustained rate (0 drops, 0 overruns), 1 reader: timerfd ÷ spinlock", \
			"spinlock " rate_str("spinlock", 1) ", timerfd " rate_str("timerfd", 1), "≤ 1.5×", "**FAIL**")
	} else
		bar_row("highest sustained rate, 1 reader: timerfd ÷ spinlock", "not measured: spinlock " rate_str("spinlock", 1) ", timerfd " rate_str("timerfd", 1), "≤ 1.5×", "n/a")
	# Issue 4 sets the rate bar for each design (the summary judges both).
	if (isnum(RATE["workqueue", 1]) && isnum(RATE["timerfd", 1]) && RATE["workqueue", 1] > 0)
		bar_row("highest sustained rate (0 drops, 0 overruns), 1 reader: timerfd ÷ workqueue", \
			sprintf("workqueue %s Hz, timerfd %s Hz: %s", RATE["workqueue", 1], RATE["timerfd", 1], ratio(RATE["timerfd", 1], RATE["workqueue", 1])), \
			"≤ 1.5×", "**" (RATE["timerfd", 1] / RATE["workqueue", 1] <= 1.5 ? "PASS" : "FAIL") "**")
	for (r = 1; r <= NRATER; r++) {
		if (RATER[r] == 1)
			continue
		bar_row("highest sustained rate, " plural(RATER[r], "reader"), \
			"spinlock " rate_str("spinlock", RATER[r]) ", workqueue " rate_str("workqueue", RATER[r]) ", timerfd " rate_str("timerfd", RATER[r]), \
			"recorded, no bar", "—")
	}
}

# overhead.csv: per design and variant, lower medians; "off" is the base.
function load_overhead(    f, i, k, n, a) {
	f = "overhead.csv"
	OVCOL = pickcol(f, "variant tracing")
	if (!nrow[f] || OVCOL == "" || !hascol(f, "p50_ns"))
		return
	group(f, "design " OVCOL)
	for (i = 1; i <= GKN[f]; i++) {
		k = GK[f, i]
		split(k, a, "|")
		if (!((a[1]) in ovdseen)) { ovdseen[a[1]] = 1; OVD[++NOVD] = a[1] }
		if (!((a[2]) in ovvseen)) { ovvseen[a[2]] = 1; OVV[++NOVV] = a[2] }
	}
}

function bar_overhead(    d, v, k, off, msg, any) {
	if (!NOVD) {
		bar_row("tracing overhead (tracepoints off / on / bpftrace)", "not measured: " (nrow["overhead.csv"] ? "overhead.csv lacks the variant or p50_ns column" : "no overhead.csv in this folder"), "recorded", "n/a")
		return
	}
	for (d = 1; d <= NOVD; d++) {
		off = gmed("overhead.csv", OVD[d] "|off", "p50_ns")
		if (!isnum(off)) {
			bar_row("tracing overhead, " OVD[d], "not measured: no successful run with tracing off", "recorded", "n/a")
			continue
		}
		msg = "p50 off " us(off) " µs"
		for (v = 1; v <= NOVV; v++) {
			if (OVV[v] == "off")
				continue
			k = OVD[d] "|" OVV[v]
			msg = msg "; " OVV[v] " " (isnum(gmed("overhead.csv", k, "p50_ns")) ? us(gmed("overhead.csv", k, "p50_ns")) " µs (" ratio(gmed("overhead.csv", k, "p50_ns"), off) ")" : "failed")
		}
		bar_row("tracing overhead (observer effect), " OVD[d] " at the fixed cell", msg, "recorded; issue 4 sets no threshold", "—")
	}
}

function bar_memory(    f, dcol, rss, i, k, j, r, sr, lr, sd, ld, sv, lv, grow) {
	f = "memory.csv"
	dcol = pickcol(f, "duration_s")
	rss = pickcol(f, "maxrss_kb rss_kb")
	if (!nrow[f] || dcol == "" || rss == "") {
		bar_row("memory: resident size vs run length", "not measured: " (nrow[f] ? "memory.csv lacks duration_s or maxrss_kb" : "no memory.csv in this folder"), "no growth", "n/a")
		return
	}
	group(f, "design timer fanout mode readers period_ns frame_bytes")
	for (i = 1; i <= GKN[f]; i++) {
		k = GK[f, i]
		sr = lr = 0
		for (j = 1; j <= GN[f, k]; j++) {
			r = GR[f, k, j]
			if (!okrow(f, r) || !isnum(col(f, r, dcol)) || !isnum(col(f, r, rss)))
				continue
			if (!sr || col(f, r, dcol) + 0 < col(f, sr, dcol) + 0) sr = r
			if (!lr || col(f, r, dcol) + 0 > col(f, lr, dcol) + 0) lr = r
		}
		if (!sr || sr == lr || col(f, lr, dcol) + 0 <= col(f, sr, dcol) + 0) {
			bar_row("memory: resident size vs run length, " col(f, GR[f, k, 1], "design"), "not measured: fewer than two successful run lengths in memory.csv", "≤ 1.05×", "n/a")
			continue
		}
		sv = col(f, sr, rss); lv = col(f, lr, rss); sd = col(f, sr, dcol); ld = col(f, lr, dcol)
		grow = lv / sv <= 1.05
		MEMBAR = (MEMBAR == "FAIL" || !grow) ? "FAIL" : "PASS"
		MEMTXT = sprintf("max RSS %s kB after %s s and %s kB after %s s", sv, sd, lv, ld)
		bar_row("memory: max RSS of tickbench vs run length, " col(f, sr, "design") " " plural(col(f, sr, "readers"), "reader") " at " period_str(col(f, sr, "period_ns")), \
			sprintf("%s: %s for %s the run length", MEMTXT, ratio(lv, sv), ratio(ld, sd)), \
			"≤ 1.05× (page-level noise; growth per event would scale with the run length)", "**" (grow ? "PASS" : "FAIL") "**")
	}
}

function section_bars() {
	print "## Performance bars (issue 4)"
	print ""
	print "| bar | measured in this run | criterion | verdict |"
	print "|---|---|---|---|"
	bar_latency()
	load_rates()
	bar_rate()
	load_overhead()
	bar_overhead()
	bar_memory()
	print ""
}

# -- figures ------------------------------------------------------------------

function write_dist_plots(    i, per, d, c, files, titles, styles, n, k, rep, f, lbl, reps) {
	print "### Latency distribution at each rate"
	print ""
	n = 0
	for (i = 1; i <= NPER; i++) {
		per = PER[i]
		files = titles = styles = reps = ""
		k = 0
		for (d = 1; d <= 4; d++) {
			if (d <= 2)
				c = find("tickdev", DES[d], per, HREADERS, HMODE, HFAN, HFRAME)
			else if (d == 3)
				c = find("timerfd", "*", per, HREADERS, HMODE, HFAN, "*")
			else
				c = cyclic_of(per)
			if (!c)
				continue
			rep = medrep(c)
			f = hist_of(c, rep)
			if (f == "") {
				f = hist_of(c, "*")
				rep = hist_rep
			}
			if (f == "")
				continue
			files = files (k ? " " : "") f
			titles = titles (k ? " " : "") cell_label(c)
			styles = styles (k ? " " : "") d
			reps = reps (k ? ", " : "") cell_label(c) " rep " rep
			k++
		}
		if (!k)
			continue
		n++
		lbl = period_str(per) ", " plural(HREADERS, "reader") ", " HMODE ", " HFAN ", frame " HFRAME " B"
		printf "**%s**: end-to-end latency, CDF and histogram (%s; the repetition with the median p50 where its histogram exists).\n\n", lbl, reps
		figure("latency_dist_p" per, "latency CDF and histogram at " period_str(per), "latency_dist.gp", files, \
			"titles='" titles "';styles='" styles "';heading='" lbl "'")
	}
	if (!n)
		print "Not measured: no histogram file in hist/ matches a headline cell.\n"
}

# The histogram file of a cell (at a repetition, or any with "*").
function hist_of(c, rep,    i, r, src, hf) {
	# The suite names each run's histogram in runs.csv.
	for (i = 1; i <= cn[c]; i++) {
		r = crow[c, i]
		hf = col("runs.csv", r, "hist_file")
		if (hf != "" && okrow("runs.csv", r) && (rep == "*" || col("runs.csv", r, "rep") == rep)) {
			hist_rep = col("runs.csv", r, "rep")
			return folderabs "/" hf
		}
	}
	if (hascol("runs.csv", "hist_file"))
		return ""
	src = C[c, "source"]
	for (i = 1; i <= nh; i++) {
		if (hmeta[i, "source"] != src || hmeta[i, "period_ns"] != C[c, "period_ns"] || hmeta[i, "readers"] != C[c, "readers"])
			continue
		if (rep != "*" && hmeta[i, "rep"] != rep)
			continue
		if (hmeta[i, "mode"] != C[c, "mode"] || hmeta[i, "fanout"] != C[c, "fanout"])
			continue
		if (src == "tickdev" && (hmeta[i, "design"] != C[c, "design"] || hmeta[i, "timer"] != C[c, "timer"] || hmeta[i, "frame_bytes"] != C[c, "frame_bytes"]))
			continue
		if (src == "tickdev" && C[c, "ring"] != "" && hmeta[i, "ring"] != C[c, "ring"])
			continue
		hist_rep = hmeta[i, "rep"]
		return hfile[i]
	}
	return ""
}

function write_rate_plot(    i, per, f, c, d, v, line, any) {
	f = imgdir "/latency_vs_rate.dat"
	print "# rate_hz period_ns spinlock_p50 spinlock_p99 workqueue_p50 workqueue_p99 timerfd_p50 timerfd_p99 cyclictest_p50 cyclictest_p99 (ns)" > f
	any = 0
	for (i = NPER; i >= 1; i--) {
		per = PER[i]
		line = sprintf("%.6g %s", 1e9 / per, per)
		for (d = 1; d <= 4; d++) {
			if (d <= 2)
				c = find("tickdev", DES[d], per, HREADERS, HMODE, HFAN, HFRAME)
			else if (d == 3)
				c = find("timerfd", "*", per, HREADERS, HMODE, HFAN, "*")
			else
				c = cyclic_of(per)
			if (c && d <= 2)
				any = 1
			line = line " " (c ? nan(lmed(c, "p50_ns")) " " nan(lmed(c, "p99_ns")) : "NaN NaN")
		}
		print line > f
	}
	close(f)
	print "### p50 and p99 against timer rate"
	print ""
	if (!any || NPER < 2) {
		print "Not measured: fewer than two timer periods with a headline tickdev cell.\n"
		return
	}
	figure("latency_vs_rate", "p50 and p99 against timer rate", "latency_vs_rate.gp", f, \
		"heading='end-to-end p50 (solid) and p99 (dashed), " (HREADERS == 1 ? "1 reader" : HREADERS " readers") ", " HMODE ", " HFAN ", frame " HFRAME " B'")
}

# Drop fractions per design, readers and period: the sweep's cells of the
# headline slice (worst repetition) and the steps of the rate ladder
# (rate.csv, the same slice when it is hrtimer/broadcast/block/frame 0).
function collect_drops(    d, c, p, f, r, k, rd, per, dr, ev, a3) {
	for (c = 1; c <= ncell; c++) {
		if (C[c, "source"] != "tickdev" || C[c, "mode"] != HMODE || C[c, "fanout"] != HFAN || C[c, "frame_bytes"] != HFRAME)
			continue
		if (c != find("tickdev", C[c, "design"], C[c, "period_ns"], C[c, "readers"], HMODE, HFAN, HFRAME))
			continue
		p = cdrop_pct(c)
		if (p == "")
			continue
		DROP[C[c, "design"], C[c, "readers"], C[c, "period_ns"]] = p
	}
	f = "rate.csv"
	for (r = 1; r <= nrow[f]; r++) {
		if (col(f, r, "source") != "tickdev" || !okrow(f, r))
			continue
		if (col(f, r, "mode") != HMODE || col(f, r, "fanout") != HFAN || col(f, r, "frame_bytes") != HFRAME)
			continue
		k = col(f, r, "design") SUBSEP col(f, r, "readers") SUBSEP col(f, r, "period_ns")
		dr = col(f, r, "drops")
		ev = col(f, r, "events")
		if ((k in DROP) || !isnum(dr) || !isnum(ev) || ev + dr <= 0)
			continue
		DROP[k] = 100 * dr / (ev + dr)
	}
	for (k in DROP) {
		split(k, a3, SUBSEP)
		if (!((a3[2]) in dropr)) { dropr[a3[2]] = 1; DROPR[++NDROPR] = a3[2] }
		if (!((a3[3]) in dropp)) { dropp[a3[3]] = 1; DROPP[++NDROPP] = a3[3] }
	}
	isort(DROPR, NDROPR, 1)
	isort(DROPP, NDROPP, 1)
}

function write_drop_plot(    dtitles, d, f, files, i, j, k, any, blocks, first) {
	print "### Drops against rate and readers"
	print ""
	collect_drops()
	files = ""
	any = 0
	for (d = 1; d <= 2; d++) {
		f = imgdir "/drops_" DES[d] ".dat"
		printf "# %s, mode %s, fan-out %s, frame %s B: dropped/enqueued records (%%), worst repetition\n", DES[d], HMODE, HFAN, HFRAME > f
		blocks = 0
		for (j = 1; j <= NDROPR; j++) {
			first = 1
			for (i = NDROPP; i >= 1; i--) {
				k = DES[d] SUBSEP DROPR[j] SUBSEP DROPP[i]
				if (!(k in DROP))
					continue
				if (first) {
					printf "%s\"%s\" x\n", (blocks ? "\n\n" : ""), plural(DROPR[j], "reader") > f
					blocks++
					first = 0
				}
				any = 1
				printf "%.6g %s\n", 1e9 / DROPP[i], DROP[k] > f
			}
		}
		close(f)
		if (blocks) {
			files = files (files == "" ? "" : " ") f
			dtitles = dtitles (dtitles == "" ? "" : " ") DES[d]
		}
	}
	if (!any) {
		print "Not measured: no tickdev run of the headline slice reports drops and records.\n"
		return
	}
	print "Dropped records as a share of the records enqueued, from the sweep (worst repetition) and the steps of the rate ladder, mode " HMODE ", fan-out " HFAN ", frame " HFRAME " B. A drop is counted by the device, never silent.\n"
	figure("drops", "drops against rate and readers", "drops.gp", files, \
		"titles='" dtitles "';heading='dropped records: mode " HMODE ", fan-out " HFAN ", frame " HFRAME " B'")
}

function write_wakeup_plot(    d, f, files, titles, nm, M, nr, R, i, j, c, per, fan, any, blocks, modes, cnt, best, bc) {
	print "### Wake-ups per event: block vs poll vs epoll"
	print ""
	# The period and fan-out with the most reader modes measured (shared
	# wins a tie: there a herd of waiters competes for one record).
	nm = distinct("mode", "tickdev", M, 0)
	best = fan = ""
	bc = 0
	for (f = 1; f <= 2; f++)
		for (i = 1; i <= NPER; i++) {
			cnt = 0
			for (j = 1; j <= nm; j++)
				if (find("tickdev", "*", PER[i], "*", M[j], f == 1 ? "shared" : "broadcast", HFRAME))
					cnt++
			if (cnt > bc) { bc = cnt; best = PER[i]; fan = f == 1 ? "shared" : "broadcast" }
		}
	WAKE_MODES = ""
	for (j = 1; j <= nm; j++)
		if (best != "" && find("tickdev", "*", best, "*", M[j], fan, HFRAME))
			WAKE_MODES = WAKE_MODES (WAKE_MODES == "" ? "" : ", ") M[j]
	if (bc < 2) {
		print "Not measured: this run has " (bc ? "only the `" WAKE_MODES "` mode" : "no reader mode") " at any one period, so wake-ups cannot be compared across modes.\n"
		return
	}
	WAKE_PER = best
	WAKE_FAN = fan
	nr = distinct("readers", "tickdev", R, 1)
	files = titles = ""
	for (d = 1; d <= 2; d++) {
		f = imgdir "/wakeups_" DES[d] ".dat"
		printf "# %s, period %s ns, fan-out %s: readers vcsw_per_produced_event spurious_per_produced_event\n", DES[d], best, fan > f
		blocks = 0
		for (j = 1; j <= nm; j++) {
			any = 0
			for (i = 1; i <= nr; i++)
				if (find("tickdev", DES[d], best, R[i], M[j], fan, HFRAME))
					any = 1
			if (!any)
				continue
			printf "%s\"%s\" x x\n", (blocks ? "\n\n" : ""), M[j] > f
			blocks++
			for (i = 1; i <= nr; i++) {
				c = find("tickdev", DES[d], best, R[i], M[j], fan, HFRAME)
				if (c)
					printf "%s %s %s\n", R[i], nan(cper_produced(c, "vcsw_per_event")), nan(cper_produced_spur(c)) > f
			}
		}
		close(f)
		if (blocks) {
			files = files (files == "" ? "" : " ") f
			titles = titles (titles == "" ? "" : " ") DES[d]
		}
	}
	printf "Modes measured at %s with fan-out `%s`: %s. Wake-ups are the readers' voluntary context switches; spurious wake-ups are poll/epoll readiness followed by EAGAIN; both per event produced.", period_str(best), fan, WAKE_MODES
	if (WAKE_MODES !~ /epoll/)
		printf " **epoll was not measured in this run.**"
	print "\n"
	figure("wakeups", "wake-ups per event against readers", "wakeups.gp", files, \
		"titles='" titles "';heading='period " period_str(best) ", fan-out " fan ", frame " HFRAME " B'")
}

# Spurious wake-ups (a count per run) per event produced, lower median.
function cper_produced_spur(c,    i, r, v, p, n, a) {
	n = 0
	for (i = 1; i <= cn[c]; i++) {
		r = crow[c, i]
		if (!okrow("runs.csv", r))
			continue
		v = col("runs.csv", r, "spurious")
		p = col("runs.csv", r, "produced")
		if (isnum(v) && isnum(p) && p > 0)
			a[++n] = v / p
	}
	if (!n)
		return ""
	isort(a, n, 1)
	return a[int((n + 1) / 2)]
}

function write_cpu_plot(    i, per, f, d, c, line, any) {
	print "### CPU cost per event"
	print ""
	f = imgdir "/cpu.dat"
	print "# rate_hz period_ns spinlock_usr spinlock_sys workqueue_usr workqueue_sys timerfd_usr timerfd_sys (ns/event) spinlock_vcsw workqueue_vcsw timerfd_vcsw (/event) spinlock_task workqueue_task timerfd_task (perf task-clock ns/event)" > f
	any = 0
	for (i = NPER; i >= 1; i--) {
		per = PER[i]
		line = sprintf("%.6g %s", 1e9 / per, per)
		for (d = 1; d <= 3; d++) {
			c = cpu_cell(d, per)
			if (c && isnum(lmed(c, "sys_ns_per_event")))
				any = 1
			line = line " " (c ? nan(lmed(c, "usr_ns_per_event")) " " nan(lmed(c, "sys_ns_per_event")) : "NaN NaN")
		}
		for (d = 1; d <= 3; d++)
			line = line " " ((c = cpu_cell(d, per)) ? nan(lmed(c, "vcsw_per_event")) : "NaN")
		for (d = 1; d <= 3; d++)
			line = line " " ((c = cpu_cell(d, per)) ? nan(lmed(c, "task_clock_ns_per_event")) : "NaN")
		print line > f
	}
	close(f)
	if (!any) {
		print "Not measured: runs.csv has no CPU-per-event figures for the headline cells.\n"
		return
	}
	print "CPU per event of the headline cells (lower median over repetitions): the readers' user and system time (getrusage), tickbench's whole task-clock (perf stat, readers and controller), and context switches. The producer's own time (timer softirq or kworker) is outside tickbench and not in these figures; the tracing-overhead section and perf/ count it.\n"
	print "| period | source | user µs/event | system µs/event | task-clock µs/event | voluntary switches/event | context switches/event (perf) |"
	print "|---|---|---|---|---|---|---|"
	for (i = 1; i <= NPER; i++)
		for (d = 1; d <= 3; d++)
			if ((c = cpu_cell(d, PER[i])))
				printf "| %s | %s | %s | %s | %s | %s | %s |\n", period_str(PER[i]), cell_label(c), us(lmed(c, "usr_ns_per_event")), us(lmed(c, "sys_ns_per_event")), \
					us(lmed(c, "task_clock_ns_per_event")), dash(lmed(c, "vcsw_per_event")), dash(lmed(c, "context_switches_per_event"))
	print ""
	figure("cpu", "reader CPU per event against rate", "cpu.gp", f, \
		"heading='" plural(HREADERS, "reader") ", " HMODE ", " HFAN ", frame " HFRAME " B'")
}

function cpu_cell(d, per) {
	return d <= 2 ? find("tickdev", DES[d], per, HREADERS, HMODE, HFAN, HFRAME) : find("timerfd", "*", per, HREADERS, HMODE, HFAN, "*")
}

function write_collateral(    f, i, k, a, nf, F, seen, line, d, ref, tfd, r99, any) {
	print "### Collateral latency of an unrelated task"
	print ""
	f = "collateral.csv"
	if (!nrow[f] || !hascol(f, "ct_p99_ns") || !hascol(f, "load")) {
		print "Not measured: " (nrow[f] ? "collateral.csv lacks the load or ct_p99_ns column" : "no collateral.csv in this folder") ".\n"
		return
	}
	group(f, "load design frame_bytes")
	print "A cyclictest thread (SCHED_OTHER, like the readers) that has nothing to do with tickdev, measured alone (`none`) and inside the window of a tickbench load per design and frame size. Lower median over repetitions:\n"
	print "| load | design | frame B | load cell | reps | cyclictest p50 µs | p99 µs | max µs | p99 ÷ unloaded |"
	print "|---|---|---|---|---|---|---|---|---|"
	ref = ""
	for (i = 1; i <= GKN[f]; i++)
		if (GK[f, i] ~ /^none\|/)
			ref = GK[f, i]
	r99 = ref == "" ? "" : gmed(f, ref, "ct_p99_ns")
	nf = 0
	for (i = 1; i <= GKN[f]; i++) {
		k = GK[f, i]
		split(k, a, "|")
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", a[1], dash(a[2]), dash(a[3]), \
			(a[1] == "none" ? "-" : gfirst(f, k, "load_mode") " " plural(gfirst(f, k, "load_readers"), "reader") " " period_str(gfirst(f, k, "load_period_ns"))), \
			gok(f, k) (gok(f, k) == GN[f, k] ? "" : " of " GN[f, k]), us(gmed(f, k, "ct_p50_ns")), us(gmed(f, k, "ct_p99_ns")), us(gmed(f, k, "ct_max_ns")), \
			(a[1] == "none" ? "-" : ratio(gmed(f, k, "ct_p99_ns"), r99))
		if (a[1] == "tickdev") {
			COLL[a[2], a[3], "p50"] = gmed(f, k, "ct_p50_ns")
			COLL[a[2], a[3], "p99"] = gmed(f, k, "ct_p99_ns")
			if (!((a[3]) in seen)) { seen[a[3]] = 1; F[++nf] = a[3] }
		} else if (a[1] == "timerfd")
			tfd = k
	}
	print ""
	COLL["ref", "p50"] = ref == "" ? "" : gmed(f, ref, "ct_p50_ns")
	COLL["ref", "p99"] = r99
	COLL["timerfd", "p50"] = tfd == "" ? "" : gmed(f, tfd, "ct_p50_ns")
	COLL["timerfd", "p99"] = tfd == "" ? "" : gmed(f, tfd, "ct_p99_ns")
	isort(F, nf, 1)
	NCOLLF = nf
	for (i = 1; i <= nf; i++)
		COLLF[i] = F[i]
	if (!nf) {
		print "No tickdev load ran, so there is no figure.\n"
		return
	}
	f = imgdir "/collateral.dat"
	print "# frame_bytes spinlock_p50 spinlock_p99 workqueue_p50 workqueue_p99 unloaded_p50 unloaded_p99 timerfd_p50 timerfd_p99 (ns)" > f
	any = 0
	for (i = 1; i <= nf; i++) {
		line = F[i]
		for (d = 1; d <= 2; d++) {
			line = line " " nan(COLL[DES[d], F[i], "p50"]) " " nan(COLL[DES[d], F[i], "p99"])
			if (isnum(COLL[DES[d], F[i], "p50"]))
				any = 1
		}
		print line " " nan(COLL["ref", "p50"]) " " nan(COLL["ref", "p99"]) " " nan(COLL["timerfd", "p50"]) " " nan(COLL["timerfd", "p99"]) > f
	}
	close(f)
	if (!any) {
		print "No cyclictest figure under a tickdev load, so there is no plot.\n"
		return
	}
	figure("collateral", "collateral latency against frame size", "collateral.gp", f, \
		"heading='latency of an unrelated cyclictest thread while tickdev runs'")
}

function write_overhead(    f, i, d, v, k, off, offtc, line, any) {
	print "### Tracing overhead"
	print ""
	f = "overhead.csv"
	if (!NOVD) {
		print "Not measured: " (nrow[f] ? "overhead.csv lacks the variant or p50_ns column" : "no overhead.csv in this folder") ".\n"
		return
	}
	k = GK[f, 1]
	printf "One fixed cell (%s, %s, %s, %s, %s, frame %s B) with the tickdev tracepoints off, enabled through tracefs, and counted by bpftrace. Lower median over repetitions:\n\n", \
		gfirst(f, k, "design"), gfirst(f, k, "timer"), gfirst(f, k, "mode"), plural(gfirst(f, k, "readers"), "reader"), period_str(gfirst(f, k, "period_ns")), gfirst(f, k, "frame_bytes")
	# scripts/bench runs this phase in a second boot (bench-suite --append).
	if (env["boot2_phases"] ~ /overhead/)
		printf "Measured in a second boot of the guest (%s), because switching tracepoints live-patches kernel text and that can hang multi-threaded TCG (scripts/bench); compare these rows with each other, not with the tables above.\n\n", env["boot2_label"]
	print "| design | tracing | reps | p50 µs | p99 µs | task-clock µs/event | traced events | p50 ÷ off | task-clock ÷ off |"
	print "|---|---|---|---|---|---|---|---|---|"
	for (d = 1; d <= NOVD; d++) {
		off = gmed(f, OVD[d] "|off", "p50_ns")
		offtc = gmed(f, OVD[d] "|off", "task_clock_ns_per_event")
		for (v = 1; v <= NOVV; v++) {
			k = OVD[d] "|" OVV[v]
			if (!((f, k) in GN))
				continue
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", OVD[d], OVV[v], gok(f, k) (gok(f, k) == GN[f, k] ? "" : " of " GN[f, k]), \
				us(gmed(f, k, "p50_ns")), us(gmed(f, k, "p99_ns")), us(gmed(f, k, "task_clock_ns_per_event")), dash(gmed(f, k, "traced_events")), \
				(OVV[v] == "off" ? "-" : ratio(gmed(f, k, "p50_ns"), off)), (OVV[v] == "off" ? "-" : ratio(gmed(f, k, "task_clock_ns_per_event"), offtc))
		}
	}
	print ""
	f = imgdir "/overhead.dat"
	print "# " OVD[1] ": variant p50_ns p99_ns task_clock_ns_per_event" > f
	for (v = 1; v <= NOVV; v++) {
		k = OVD[1] "|" OVV[v]
		print OVV[v] " " nan(gmed("overhead.csv", k, "p50_ns")) " " nan(gmed("overhead.csv", k, "p99_ns")) " " nan(gmed("overhead.csv", k, "task_clock_ns_per_event")) > f
		if (isnum(gmed("overhead.csv", k, "p50_ns")))
			any = 1
	}
	close(f)
	if (!any) {
		print "Every variant failed, so there is no figure.\n"
		return
	}
	figure("overhead", "tracing overhead", "overhead.gp", f, "heading='observer effect: " OVD[1] " at one fixed cell'")
}

function write_rate(    f, i, line, any) {
	print "### Highest sustained rate"
	print ""
	if (RATECOL == "") {
		print "Not measured: " (nrow["rate-best.csv"] ? "rate-best.csv has no best_rate_hz column" : "no rate-best.csv in this folder") ".\n"
		return
	}
	print "Per source and reader count the suite steps the period down a ladder (ring 64, frame 0, hrtimer, broadcast, block) and stops at the first step with a drop, an overrun or an error; the step before is the highest sustained rate (`rate-best.csv`, verbatim):\n"
	csv_table("rate-best.csv")
	print ""
	if (nrow["rate.csv"]) {
		print "<details><summary>Every step of the ladder (<code>rate.csv</code>, verbatim)</summary>\n"
		csv_table("rate.csv")
		print "\n</details>\n"
	}
	f = imgdir "/rate.dat"
	print "# readers spinlock_hz workqueue_hz timerfd_hz" > f
	any = 0
	for (i = 1; i <= NRATER; i++) {
		print RATER[i] " " nan(RATE["spinlock", RATER[i]]) " " nan(RATE["workqueue", RATER[i]]) " " nan(RATE["timerfd", RATER[i]]) > f
		if (isnum(RATE["spinlock", RATER[i]]) || isnum(RATE["workqueue", RATER[i]]) || isnum(RATE["timerfd", RATER[i]]))
			any = 1
	}
	close(f)
	if (!any) {
		print "No source sustained even the slowest step of the ladder, so there is no figure.\n"
		return
	}
	figure("rate", "highest sustained rate", "rate.gp", f, "heading='highest rate with 0 drops and 0 overruns'")
}

function section_memory(    f) {
	f = "memory.csv"
	print "### Memory"
	print ""
	if (!nrow[f]) {
		print "Not measured: no memory.csv in this folder.\n"
		return
	}
	print "Maximum resident size of tickbench (`/usr/bin/time`) for two run lengths of one cell (`memory.csv`, verbatim):\n"
	csv_table(f)
	print ""
}

function section_failures(    f, r, n) {
	f = "failures.txt"
	n = nrow[f]
	print "## Failed runs"
	print ""
	if (!n) {
		print "None: every run of this folder exited successfully" (("failures.txt") in seenfile ? " (`failures.txt` lists no run)." : " (no `failures.txt` was written).")
		print ""
		return
	}
	print "These runs did not succeed; their rows say so (status) and no figure above uses them (`failures.txt`, verbatim):\n"
	csv_table(f)
	print ""
}

function section_all_cells(    i, k, c, o, n, key, t, bad) {
	print "## Every cell"
	print ""
	print "<details><summary>All " "cells of runs.csv (lower median over repetitions; ratios to timerfd at the same period, readers, mode and fan-out)</summary>"
	print ""
	print "| period | readers | mode | fan-out | timer | frame B | source | p50 µs | p99 µs | p99.9 µs | max µs | drops per rep | p50 ÷ timerfd | p99 ÷ timerfd | reps | notes |"
	print "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
	n = 0
	for (c = 1; c <= ncell; c++) {
		key = sprintf("%020.0f|%08d|%s|%s|%s|%08d|%d|%s|%s", 1e18 - C[c, "period_ns"], C[c, "readers"], C[c, "mode"], C[c, "fanout"], \
			C[c, "timer"], C[c, "frame_bytes"], srcorder(c), C[c, "design"], c)
		o[++n] = key
		ofc[key] = c
	}
	isort(o, n, 0)
	for (i = 1; i <= n; i++) {
		c = ofc[o[i]]
		t = C[c, "source"] == "tickdev" ? timerfd_of(c) : 0
		bad = cell_bad(c)
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", period_str(C[c, "period_ns"]), \
			C[c, "readers"], dash(C[c, "mode"]), dash(C[c, "fanout"]), dash(C[c, "timer"]), dash(C[c, "frame_bytes"]), cell_label(c), \
			us(lmed(c, "p50_ns")), us(lmed(c, "p99_ns")), us(lmed(c, "p999_ns")), us(cmax(c, "max_ns")), \
			(C[c, "source"] == "tickdev" ? clist(c, "drops") : "-"), \
			(t ? ratio(lmed(c, "p50_ns"), lmed(t, "p50_ns")) : "-"), (t ? ratio(lmed(c, "p99_ns"), lmed(t, "p99_ns")) : "-"), \
			nok(c) (nok(c) == cn[c] ? "" : " of " cn[c]), bad
	}
	print ""
	print "</details>"
	print ""
}

function dash(v) {
	return v == "" ? "-" : v
}

function srcorder(c) {
	if (C[c, "source"] == "tickdev")
		return C[c, "design"] == "spinlock" ? 1 : 2
	return C[c, "source"] == "timerfd" ? 3 : 4
}

# -- analysis: templated sentences filled with this run's figures -------------

function section_analysis(    per, s, w, t, sp, wp, tp, sprod, wprod, swake, wwake, d, c, i, j, first, nr, R, hi, lo, fs, fw, fr, msg, top)
{
	print "## Analysis"
	print ""
	print "Generated from this run's data; each figure is quoted from the tables above."
	print ""
	per = ref_period()
	if (per == "")
		per = PER[int((NPER + 1) / 2)]
	s = find("tickdev", "spinlock", per, HREADERS, HMODE, HFAN, HFRAME)
	w = find("tickdev", "workqueue", per, HREADERS, HMODE, HFAN, HFRAME)
	t = find("timerfd", "*", per, HREADERS, HMODE, HFAN, "*")
	print "**Latency against the kernel's own path.** " sentence_latency(per, s, w, t)
	print ""
	print "**Why the designs differ.** " sentence_legs(s, w)
	print ""
	print "**Rate.** " sentence_rate()
	print ""
	print "**Drops.** " sentence_drops()
	print ""
	print "**Cost to the rest of the system.** " sentence_collateral()
	print ""
	print "**Wake-ups.** " sentence_wakeups()
	print ""
	print "**CPU.** " sentence_cpu(per)
	print ""
	print "**Observer effect.** " sentence_overhead()
	print ""
	print "**What to choose.** " sentence_choose(s, w, t)
	print ""
}

function sentence_latency(per, s, w, t,    msg) {
	if (!t || (!s && !w))
		return "Not measured: no tickdev and timerfd cell side by side at " period_str(per) " with " plural(HREADERS, "reader") "."
	msg = "At " period_str(per) " with " plural(HREADERS, "reader") " (mode " HMODE "), timerfd's p50 is " us(lmed(t, "p50_ns")) " µs and its p99 " us(lmed(t, "p99_ns")) " µs."
	if (s)
		msg = msg " The spinlock design's p50 is " us(lmed(s, "p50_ns")) " µs, " ratio(lmed(s, "p50_ns"), lmed(t, "p50_ns")) " timerfd's (p99 " ratio(lmed(s, "p99_ns"), lmed(t, "p99_ns")) ")" \
			(BAR1 == "" ? "." : "; the 1.25× bar is a " BAR1 ".")
	if (w)
		msg = msg " The workqueue design's p50 is " us(lmed(w, "p50_ns")) " µs, " ratio(lmed(w, "p50_ns"), lmed(t, "p50_ns")) " timerfd's (p99 " ratio(lmed(w, "p99_ns"), lmed(t, "p99_ns")) ")."
	return msg
}

function sentence_legs(s, w,    sp, wp, sw, ww, se, we, msg) {
	if (!s || !w)
		return "Not measured: the two designs were not both run in the headline cell."
	sp = lmed(s, "prod_p50_ns"); wp = lmed(w, "prod_p50_ns")
	sw = lmed(s, "wake_p50_ns"); ww = lmed(w, "wake_p50_ns")
	se = lmed(s, "p50_ns"); we = lmed(w, "p50_ns")
	if (!isnum(sp) || !isnum(wp))
		return "Not measured: runs.csv has no producer-leg figures for these cells."
	msg = "The producer leg (enqueue − expire) p50 is " us(wp) " µs for workqueue against " us(sp) " µs for spinlock"
	if (sp > 0)
		msg = msg " (" ratio(wp, sp) ")"
	msg = msg ", and the wake leg (user − enqueue) p50 is " us(ww) " µs against " us(sw) " µs."
	if (we > se && wp > sp && (wp - sp) >= 0.5 * (we - se))
		msg = msg " Most of the workqueue design's extra end-to-end latency sits in the producer leg: it is the work item's scheduling hop, from the timer softirq to a kworker that must be woken and scheduled before it can take the mutex and enqueue."
	else if (we > se)
		msg = msg " The producer leg does not account for most of the workqueue design's extra end-to-end latency here; the rest is in the wake leg (the reader's wake-up competes with the kworker for the CPU)."
	else
		msg = msg " In this cell the workqueue design is not slower end to end than spinlock."
	return msg
}

function sentence_rate(    msg, r) {
	if (!((("spinlock") SUBSEP 1) in RATE) || !((("timerfd") SUBSEP 1) in RATE))
		return "Not measured: no highest-sustained-rate figures for spinlock and timerfd with 1 reader (rate-best.csv)."
	msg = "With 1 reader the highest rate without a drop or a missed tick was: timerfd " rate_str("timerfd", 1) ", spinlock " rate_str("spinlock", 1)
	if ((("workqueue") SUBSEP 1) in RATE)
		msg = msg ", workqueue " rate_str("workqueue", 1)
	if (isnum(RATE["spinlock", 1]) && isnum(RATE["timerfd", 1]) && RATE["spinlock", 1] > 0)
		msg = msg " (timerfd ÷ spinlock " ratio(RATE["timerfd", 1], RATE["spinlock", 1]) "; the 1.5× bar is a " BAR2 ")"
	else if (BAR2 != "")
		msg = msg " (the 1.5× bar: " BAR2 ")"
	msg = msg "."
	for (r = 1; r <= NRATER; r++)
		if (RATER[r] != 1)
			msg = msg " With " plural(RATER[r], "reader") ": spinlock " rate_str("spinlock", RATER[r]) ", workqueue " rate_str("workqueue", RATER[r]) ", timerfd " rate_str("timerfd", RATER[r]) "."
	msg = msg " The ladder's steps are coarse, so equal rates mean \"the same step\", not the same limit."
	return msg
}

# The lowest rate (longest period) and fewest readers at which a design dropped.
function sentence_drops(    d, i, j, c, nr, R, msg, part, found) {
	nr = distinct("readers", "tickdev", R, 1)
	msg = ""
	for (d = 1; d <= 2; d++) {
		found = 0
		for (i = 1; i <= NPER && !found; i++)
			for (j = 1; j <= nr && !found; j++) {
				c = find("tickdev", DES[d], PER[i], R[j], HMODE, HFAN, HFRAME)
				if (c && cmax(c, "drops") + 0 > 0) {
					found = 1
					part = "the " DES[d] " design first dropped records at " period_str(PER[i]) " with " plural(R[j], "reader") " (drops per repetition " clist(c, "drops") ")"
				}
			}
		if (!found && find("tickdev", DES[d], "*", "*", HMODE, HFAN, HFRAME))
			part = "the " DES[d] " design dropped no record in any " HMODE "/" HFAN " cell"
		else if (!found)
			part = "the " DES[d] " design has no " HMODE "/" HFAN " cell with frame " HFRAME " B"
		msg = msg (msg == "" ? "" : "; ") part
	}
	return toupper(substr(msg, 1, 1)) substr(msg, 2) ". A drop is counted by the device (the oldest record is overwritten and the reader told how many it lost), so a missing event is never silent."
}

function usq(ns) {
	return isnum(ns) ? us(ns) " µs" : "not measured"
}

function sentence_collateral(    top, s, w, r, msg) {
	if (!NCOLLF)
		return "Not measured: no collateral.csv with a tickdev load in this folder."
	top = COLLF[NCOLLF]
	s = COLL["spinlock", top, "p99"]; w = COLL["workqueue", top, "p99"]; r = COLL["ref", "p99"]
	msg = "With " top "-byte frames the unrelated task's p99 is " usq(s) " under spinlock and " usq(w) " under workqueue"
	if (isnum(r))
		msg = msg ", against " us(r) " µs with the driver idle" (isnum(s) || isnum(w) ? " (" (isnum(s) ? "spinlock " ratio(s, r) : "") (isnum(s) && isnum(w) ? ", " : "") (isnum(w) ? "workqueue " ratio(w, r) : "") ")" : "")
	msg = msg "."
	if (isnum(s) && isnum(w)) {
		if (s > w)
			msg = msg " The spinlock design fills every reader's frame in the timer softirq, where nothing else on that CPU runs until it is done; the workqueue design does that work in a kworker, an ordinary task the scheduler shares the CPU with."
		else
			msg = msg " At this frame size the spinlock design's softirq work does not cost the unrelated task more than the workqueue's kworker."
	} else
		msg = msg " A missing figure means cyclictest reported no percentile for that run (too few samples in the window)."
	return msg
}

function sentence_wakeups(    msg, j, n, M, c, rmax, d, part) {
	if (WAKE_PER == "")
		return "Not measured: the run does not compare reader modes at one period, so the thundering herd of poll versus exclusive waiters is not quantified here."
	msg = "Compared at " period_str(WAKE_PER) " with fan-out `" WAKE_FAN "` for modes " WAKE_MODES "."
	n = split(WAKE_MODES, M, ", ")
	for (d = 1; d <= 2; d++) {
		rmax = 0
		for (j = 1; j <= n; j++)
			if ((c = find("tickdev", DES[d], WAKE_PER, "*", M[j], WAKE_FAN, HFRAME)))
				rmax = max_readers(DES[d], M[j])
		if (!rmax)
			continue
		part = ""
		for (j = 1; j <= n; j++) {
			c = find("tickdev", DES[d], WAKE_PER, rmax, M[j], WAKE_FAN, HFRAME)
			if (!c || !isnum(lmed(c, "produced")))
				continue
			part = part (part == "" ? "" : "; ") M[j] " " dash(lmed(c, "spurious")) " spurious wake-ups, " dash(lmed(c, "vcsw_per_event")) " voluntary switches per record (" lmed(c, "produced") " events)"
		}
		if (part != "")
			msg = msg " " DES[d] " with " plural(rmax, "reader") ": " part "."
	}
	if (WAKE_MODES !~ /epoll/)
		msg = msg " epoll was not measured."
	return msg
}

function sentence_cpu(per,    s, w, t, msg) {
	s = cpu_cell(1, per); w = cpu_cell(2, per); t = cpu_cell(3, per)
	if (!t || !isnum(lmed(t, "task_clock_ns_per_event")) || (!s && !w))
		return "Not measured: no perf task-clock per event for tickdev and timerfd side by side at " period_str(per) "."
	msg = "At " period_str(per) " tickbench spends " us(lmed(t, "task_clock_ns_per_event")) " µs of CPU (perf task-clock) per event with timerfd"
	if (s && isnum(lmed(s, "task_clock_ns_per_event")))
		msg = msg ", " us(lmed(s, "task_clock_ns_per_event")) " µs with spinlock (" ratio(lmed(s, "task_clock_ns_per_event"), lmed(t, "task_clock_ns_per_event")) ")"
	if (w && isnum(lmed(w, "task_clock_ns_per_event")))
		msg = msg ", " us(lmed(w, "task_clock_ns_per_event")) " µs with workqueue (" ratio(lmed(w, "task_clock_ns_per_event"), lmed(t, "task_clock_ns_per_event")) ")"
	return msg ". This is the reader side only: the producer runs in the timer softirq (spinlock) or a kworker (workqueue), outside tickbench."
}

function sentence_overhead(    d, off, tf, bt, msg) {
	if (!NOVD)
		return "Not measured: no overhead.csv in this folder."
	d = OVD[1]
	off = gmed("overhead.csv", d "|off", "p50_ns")
	tf = gmed("overhead.csv", d "|tracefs", "p50_ns")
	bt = gmed("overhead.csv", d "|bpftrace", "p50_ns")
	if (!isnum(off))
		return "Not measured: the run with tracing off failed."
	msg = "On the fixed " d " cell the p50 with tracing off is " us(off) " µs"
	if (isnum(tf))
		msg = msg ", with the tracepoints enabled through tracefs " us(tf) " µs (" ratio(tf, off) ")"
	if (isnum(bt))
		msg = msg ", with bpftrace attached " us(bt) " µs (" ratio(bt, off) ")"
	msg = msg "."
	if (isnum(tf) && tf < off)
		msg = msg " Enabling tracepoints cannot make the path faster, so a ratio below 1 here measures the run-to-run spread of the shared, emulated host, which in this run is larger than the tracepoints' cost; repeat the phase (more reps) before quoting it."
	else if (isnum(bt) && isnum(tf) && bt > tf)
		msg = msg " bpftrace costs more than the bare tracepoints because every event also runs its program and updates its maps."
	return msg
}

# The largest reader count a design ran in a mode at the wake-up period.
function max_readers(des, mode,    c, m) {
	m = 0
	for (c = 1; c <= ncell; c++)
		if (C[c, "source"] == "tickdev" && C[c, "design"] == des && C[c, "mode"] == mode && C[c, "period_ns"] == WAKE_PER && C[c, "fanout"] == WAKE_FAN && nok(c) && C[c, "readers"] + 0 > m)
			m = C[c, "readers"] + 0
	return m
}

function sentence_choose(s, w, t,    msg, sr, wr, top) {
	if (!s || !w || !t)
		return "Not enough data in this run to compare the designs side by side."
	sr = lmed(s, "p50_ns") / lmed(t, "p50_ns")
	wr = lmed(w, "p50_ns") / lmed(t, "p50_ns")
	if (sr < wr)
		msg = "For latency, the spinlock design: its p50 was " ratio(lmed(s, "p50_ns"), lmed(t, "p50_ns")) " timerfd's against " ratio(lmed(w, "p50_ns"), lmed(t, "p50_ns")) " for workqueue, because it enqueues in the timer's own softirq."
	else
		msg = "In this run the workqueue design's p50 (" ratio(lmed(w, "p50_ns"), lmed(t, "p50_ns")) " timerfd's) was not worse than spinlock's (" ratio(lmed(s, "p50_ns"), lmed(t, "p50_ns")) "), so the scheduling hop did not cost latency here."
	if (NCOLLF) {
		top = COLLF[NCOLLF]
		if (COLL["spinlock", top, "p99"] + 0 > COLL["workqueue", top, "p99"] + 0)
			msg = msg " When each event carries real work (here " top "-byte frames), the workqueue design is kinder to the rest of the system: the unrelated task's p99 was " us(COLL["workqueue", top, "p99"]) " µs under it against " us(COLL["spinlock", top, "p99"]) " µs under spinlock. Choose spinlock for small, fixed-cost events and workqueue when the producer must fill large frames, allocate or sleep."
		else
			msg = msg " Up to " top "-byte frames the spinlock design cost the unrelated task no more than workqueue, so in this run spinlock is the choice unless the producer needs to sleep (allocate with GFP_KERNEL, take a mutex), which only the workqueue design allows."
	} else
		msg = msg " The collateral cost of large frames was not measured, so this run cannot say when the workqueue design's preemptible producer is worth its latency."
	return msg
}

# -- main -------------------------------------------------------------------

END {
	if (failed)
		exit 1
	if (!nrow["runs.csv"])
		die(folder "/runs.csv has no data rows")
	n = split("source design timer fanout mode readers period_ns frame_bytes rep events drops overruns p50_ns p90_ns p99_ns p999_ns max_ns", need, " ")
	for (i = 1; i <= n; i++)
		if (!hascol("runs.csv", need[i]))
			die(folder "/runs.csv: the header lacks the column '" need[i] "' (issue 4's data contract)")
	DES[1] = "spinlock"
	DES[2] = "workqueue"
	build_cells()
	choose_headline()

	print "# tickdev results"
	print ""
	print "<!-- Generated by scripts/report from " folder "/. Do not edit: regenerate with `make report`; hand-written notes go in " folder "/NOTES.md. -->"
	print ""
	printf "Data: `%s/` (preset %s, commit %s, started %s).\n\n", folder, dash(preset_name()), dash(env_get("git_commit commit")), dash(env_get("start date"))
	if (!finished)
		print "**This folder has no summary.txt: the suite did not finish (still running, or interrupted). The report covers only the runs that completed; a missing figure is a run that never happened.**\n"
	section_env()
	section_reproduce()
	section_bars()
	section_headline()
	section_legs()
	section_readers()
	print "## Figures"
	print ""
	write_dist_plots()
	write_rate_plot()
	write_drop_plot()
	write_wakeup_plot()
	write_collateral()
	write_cpu_plot()
	write_overhead()
	write_rate()
	section_memory()
	section_analysis()
	section_all_cells()
	section_failures()
	close(plotlist)
}
