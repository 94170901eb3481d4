# SPDX-License-Identifier: GPL-2.0
#
# scripts/bench.d/cells.awk - runs.csv -> cells.csv: one row per cell (a
# configuration) over its repetitions, with the spread, the paired timerfd
# cell and the cyclictest floor at the same period.
#
# Only runs with status ok enter the figures; the others are counted in
# reps_failed.  A figure no ok run measured stays blank.  Ratios are
# tickdev median over timerfd median, for tickdev rows only.
#
# usage: awk -f cells.awk runs.csv >cells.csv

BEGIN { FS = ","; OFS = "," }

function med(list,   n, a, i, j, t) {
	n = split(list, a, " ")
	if (n == 0) return ""
	for (i = 2; i <= n; i++) {
		t = a[i] + 0
		for (j = i - 1; j >= 1 && a[j] + 0 > t; j--) a[j + 1] = a[j]
		a[j + 1] = t
	}
	if (n % 2) return a[(n + 1) / 2]
	t = (a[n / 2] + a[n / 2 + 1]) / 2
	return t == int(t) ? sprintf("%d", t) : sprintf("%.4f", t)
}

function lmin(list,   n, a, i, m) {
	n = split(list, a, " ")
	if (n == 0) return ""
	m = a[1] + 0
	for (i = 2; i <= n; i++) if (a[i] + 0 < m) m = a[i] + 0
	return m
}

function lmax(list,   n, a, i, m) {
	n = split(list, a, " ")
	if (n == 0) return ""
	m = a[1] + 0
	for (i = 2; i <= n; i++) if (a[i] + 0 > m) m = a[i] + 0
	return m
}

function add(name, k, v) {
	if (v == "") return
	L[name, k] = L[name, k] == "" ? v : L[name, k] " " v
}

function f(name) { return (name in col) ? $(col[name]) : "" }

function ratio(a, b) {
	if (a == "" || b == "" || b + 0 == 0) return ""
	return sprintf("%.3f", a / b)
}

NR == 1 && /^#/ {
	sub(/^#/, "")
	for (i = 1; i <= NF; i++) col[$i] = i
	next
}
/^#/ || /^$/ { next }
{
	src = f("source")
	k = src FS f("design") FS f("timer") FS f("fanout") FS f("mode") FS \
	    f("readers") FS f("period_ns") FS f("frame_bytes") FS f("ring") FS \
	    f("batch")
	if (!(k in seen)) { seen[k] = 1; order[++n] = k; grp[k] = f("group") }
	if (f("status") != "ok") { bad[k]++; next }
	ok[k]++
	ev[k] += f("events"); dr[k] += f("drops"); ov[k] += f("overruns")
	ie[k] += f("integrity_errors")
	if (f("drops") != "") hasdr[k] = 1
	if (f("overruns") != "") hasov[k] = 1
	if (f("integrity_errors") != "") hasie[k] = 1
	add("p50", k, f("p50_ns")); add("p99", k, f("p99_ns"))
	add("max", k, f("max_ns"))
	add("lat", k, f("lat_p50_ns")); add("prod", k, f("prod_p50_ns"))
	add("wake", k, f("wake_p50_ns"))
	add("tc", k, f("task_clock_ns_per_event"))
	add("cs", k, f("context_switches_per_event"))
	if (src == "timerfd") {
		pk = f("period_ns") FS f("readers") FS f("mode") FS f("fanout")
		tfd[pk] = k
	} else if (src == "cyclictest") {
		floor[f("period_ns")] = k
	}
}
END {
	print "#source,design,timer,fanout,mode,readers,period_ns,frame_bytes,ring,batch,group,reps_ok,reps_failed,events,drops,overruns,integrity_errors,p50_med_ns,p50_min_ns,p50_max_ns,p99_med_ns,p99_min_ns,p99_max_ns,max_ns,lat_p50_med_ns,prod_p50_med_ns,wake_p50_med_ns,task_clock_ns_per_event_med,context_switches_per_event_med,timerfd_p50_med_ns,timerfd_p99_med_ns,p50_vs_timerfd,p99_vs_timerfd,floor_p50_med_ns,floor_p99_med_ns"
	for (i = 1; i <= n; i++) {
		k = order[i]
		split(k, c, FS)
		p50 = med(L["p50", k]); p99 = med(L["p99", k])
		t50 = t99 = r50 = r99 = f50 = f99 = ""
		if (c[1] == "tickdev") {
			pk = c[7] FS c[6] FS c[5] FS c[4]
			if (pk in tfd) {
				t50 = med(L["p50", tfd[pk]]); t99 = med(L["p99", tfd[pk]])
				r50 = ratio(p50, t50); r99 = ratio(p99, t99)
			}
		}
		if (c[1] != "cyclictest" && (c[7] in floor)) {
			f50 = med(L["p50", floor[c[7]]]); f99 = med(L["p99", floor[c[7]]])
		}
		print k, grp[k], ok[k] + 0, bad[k] + 0, \
		    ok[k] ? ev[k] : "", (ok[k] && hasdr[k]) ? dr[k] : "", \
		    (ok[k] && hasov[k]) ? ov[k] : "", (ok[k] && hasie[k]) ? ie[k] : "", \
		    p50, lmin(L["p50", k]), lmax(L["p50", k]), \
		    p99, lmin(L["p99", k]), lmax(L["p99", k]), lmax(L["max", k]), \
		    med(L["lat", k]), med(L["prod", k]), med(L["wake", k]), \
		    med(L["tc", k]), med(L["cs", k]), t50, t99, r50, r99, f50, f99
	}
}
