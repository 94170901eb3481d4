/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hist.h - log-linear (HDR-style) latency histogram for tickbench.
 *
 * Values below 2 * HIST_SUB are counted exactly.  Above that, every power
 * of two [2^k, 2^(k+1)) is cut into HIST_SUB equal sub-buckets, so a bucket
 * is never wider than 1/HIST_SUB (0.78 %) of its lower bound: a percentile
 * read back as a bucket's lower bound is within 0.78 % of the true value.
 * Recording is a count-leading-zeros and an add, the size is fixed by the
 * value range and not by how many values were seen, and two histograms
 * merge by adding bucket counts.
 */
#ifndef TICKBENCH_HIST_H
#define TICKBENCH_HIST_H

#include <stdio.h>

#include "kstyle.h"

#define HIST_SUB_BITS	7
#define HIST_SUB	((unsigned int)BIT(HIST_SUB_BITS))	/* sub-buckets per power of 2 */
/*
 * Values at or above 2^HIST_MAX_BITS ns (about 18 minutes) are counted in
 * the last bucket; min, max and the mean stay exact.
 */
#define HIST_MAX_BITS	40
#define HIST_BUCKETS	((HIST_MAX_BITS - HIST_SUB_BITS + 1) * HIST_SUB)

/**
 * struct hist - one latency distribution, in nanoseconds
 * @count: values recorded
 * @min: smallest value (meaningless while @count is 0)
 * @max: largest value
 * @sum: sum of the values, for the exact mean
 * @negative: values below zero, recorded as 0 (a clock went backwards)
 * @bucket: counts per bucket, see hist_index()
 * @sumsq: sum of squares, for the standard deviation
 */
struct hist {
	u64 count;
	u64 min;
	u64 max;
	u64 sum;
	u64 negative;
	u64 bucket[HIST_BUCKETS];
	double sumsq;
};

void hist_init(struct hist *h);
unsigned int hist_index(u64 v);
u64 hist_bucket_low(unsigned int idx);
u64 hist_bucket_high(unsigned int idx);
void hist_record(struct hist *h, s64 v);
void hist_merge(struct hist *dst, const struct hist *src);
u64 hist_percentile(const struct hist *h, double pct);
double hist_mean(const struct hist *h);
double hist_stddev(const struct hist *h);
int hist_write(FILE *f, const struct hist *h, u64 limit_ns);

#endif /* TICKBENCH_HIST_H */
