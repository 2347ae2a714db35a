# SPDX-License-Identifier: GPL-2.0-only
# The table of bench/capture.sh from its results, one line per run:
#   case size filter round offered ns written sent cpu_ticks rss_kib
# Ratios are paired: taken per round against the reference of the same round
# (same frame size; same filter for tcpdump and dumpcap), then summarised.
# Run with -v clk=CLK_TCK -v cases="CASE ..." (the order of the rows). Plain POSIX awk (mawk): no asort.

function sort_n(a, n,    i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}

# The values stored under key k (vals[k, 1..cnt[k]]) into v, sorted; their count.
function sorted(k, v,    n, i) {
	n = cnt[k]
	for (i = 1; i <= n; i++)
		v[i] = vals[k, i]
	sort_n(v, n)
	return n
}

function median_of(v, n) {
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}

# "median [min-max]" of the values stored under key k.
function summary(k, fmt,    v, n) {
	n = sorted(k, v)
	if (!n)
		return "-"
	if (n == 1)
		return sprintf(fmt, v[1])
	return sprintf(fmt " [" fmt "-" fmt "]", median_of(v, n), v[1], v[n])
}

function median(k,    v, n) {
	n = sorted(k, v)
	return n ? median_of(v, n) : ""
}

function add(k, x) {
	vals[k, ++cnt[k]] = x
}

{
	c = $1; s = $2; f = $3; r = $4
	rate[c, s, f, r] = $6 > 0 ? $5 * 1000 / $6 : 0	# Mpps
	wrate[c, s, f, r] = $6 > 0 ? $7 * 1000 / $6 : 0
	off[c, s, f, r] = $5
	wr[c, s, f, r] = $7
	cpu[c, s, f, r] = $9
	rss[c, s, f, r] = $10
	k = c SUBSEP s SUBSEP f
	if (!(k in seen)) {
		seen[k] = 1
		order[++nkeys] = k
	}
	rounds[r] = 1
	if (!(s in sizes)) {
		sizes[s] = 1
		size_list[++nsizes] = s
	}
}

END {
	for (i = 1; i <= nkeys; i++) {
		split(order[i], p, SUBSEP)
		c = p[1]; s = p[2]; f = p[3]
		k = c SUBSEP s SUBSEP f
		for (r in rounds) {
			if (!((k SUBSEP r) in rate))
				continue
			add(k SUBSEP "rate", rate[c, s, f, r])
			kc = "ceiling" SUBSEP s SUBSEP "all" SUBSEP r
			kt = "tcpdump" SUBSEP s SUBSEP f SUBSEP r
			kd = "dumpcap" SUBSEP s SUBSEP f SUBSEP r
			if ((kc in rate) && rate[kc] > 0) {
				add(k SUBSEP "ceil", rate[c, s, f, r] / rate[kc])
				if (rate[c, s, f, r] > 0)
					add(k SUBSEP "kns", 1000 / rate[c, s, f, r] - 1000 / rate[kc])
			}
			if (c == "ceiling")
				continue
			if (off[c, s, f, r] > 0)
				add(k SUBSEP "wpct", 100 * wr[c, s, f, r] / off[c, s, f, r])
			add(k SUBSEP "wrate", wrate[c, s, f, r])
			if (f == "all" && (kt in wrate) && wrate[kt] > 0)
				add(k SUBSEP "xtcp", wrate[c, s, f, r] / wrate[kt])
			if (f == "all" && (kd in wrate) && wrate[kd] > 0)
				add(k SUBSEP "xdc", wrate[c, s, f, r] / wrate[kd])
			if (wr[c, s, f, r] > 0)
				add(k SUBSEP "cpu", cpu[c, s, f, r] * 1e9 / clk / wr[c, s, f, r])
			add(k SUBSEP "rss", rss[c, s, f, r] / 1024)
		}
	}
	# rows in the order of -v cases="...", each with filter all, then none
	ncases = split(cases, cl, " ")
	for (i = 1; i <= ncases; i++) {
		rows[++nrows] = cl[i] " all"
		rows[++nrows] = cl[i] " none"
	}
	hdr = sprintf("%-15s %-6s %-24s %-20s %-22s %-20s %-17s %-17s %-19s %-9s %s", "case",
		      "filter", "offered Mpps", "x ceiling", "written %", "written Mpps",
		      "x tcpdump", "x dumpcap", "+kernel ns/pkt", "cpu ns", "RSS MiB")
	for (j = 1; j <= nsizes; j++) {
		s = size_list[j]
		printf "\n## %s-byte frames\n%s\n", s, hdr
		for (i = 1; i <= nrows; i++) {
			split(rows[i], rf, " ")
			k = rf[1] SUBSEP s SUBSEP rf[2]
			if (!(k in seen))
				continue
			split(k, p, SUBSEP)
			printf "%-15s %-6s %-24s %-20s %-22s %-20s %-17s %-17s %-19s %-9s %s\n",
			       p[1], p[3] == "all" ? "all" : "none",
			       summary(k SUBSEP "rate", "%.3f"), summary(k SUBSEP "ceil", "%.2f"),
			       summary(k SUBSEP "wpct", "%.1f"), summary(k SUBSEP "wrate", "%.3f"),
			       summary(k SUBSEP "xtcp", "%.2f"), summary(k SUBSEP "xdc", "%.2f"),
			       summary(k SUBSEP "kns", "%.0f"),
			       cnt[k SUBSEP "cpu"] ? sprintf("%.0f", median(k SUBSEP "cpu")) : "-",
			       cnt[k SUBSEP "rss"] ? sprintf("%.1f", median(k SUBSEP "rss")) : "-"
		}
	}
}
