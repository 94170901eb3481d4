// SPDX-License-Identifier: GPL-2.0
/*
 * hist.c - log-linear histogram: layout, percentiles, merge, dump.
 *
 * Layout (HIST_SUB = 128): index v for v < 256, then for a value whose
 * highest set bit is b >= 8, shift = b - 7 and the index is
 * shift * 128 + (v >> shift), which lands in [shift * 128 + 128,
 * shift * 128 + 256): the buckets of consecutive powers of two follow each
 * other without holes.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hist.h"

/**
 * hist_init() - empty a histogram
 * @h: histogram
 *
 * All-zero memory is an empty histogram too (min is only read when count
 * is non-zero), so one in a fresh mapping needs no init and its untouched
 * pages are never faulted in.
 */
void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
}

/**
 * hist_index() - bucket a value falls in
 * @v: value in ns
 *
 * Return: index into hist.bucket; values beyond the range map to the last.
 */
unsigned int hist_index(u64 v)
{
	unsigned int shift;

	if (v < 2 * HIST_SUB)
		return (unsigned int)v;
	if (v >> HIST_MAX_BITS)
		return HIST_BUCKETS - 1;
	shift = (63 - __builtin_clzll(v)) - HIST_SUB_BITS;
	return shift * HIST_SUB + (unsigned int)(v >> shift);
}

/**
 * hist_bucket_low() - smallest value counted in a bucket
 * @idx: bucket index
 *
 * Return: the bucket's lower bound in ns.
 */
u64 hist_bucket_low(unsigned int idx)
{
	unsigned int shift;

	if (idx < 2 * HIST_SUB)
		return idx;
	shift = idx / HIST_SUB - 1;
	return (u64)(idx - shift * HIST_SUB) << shift;
}

/**
 * hist_bucket_high() - largest value counted in a bucket
 * @idx: bucket index
 *
 * Return: the bucket's upper bound in ns (inclusive).
 */
u64 hist_bucket_high(unsigned int idx)
{
	if (idx == HIST_BUCKETS - 1)
		return UINT64_MAX;
	return hist_bucket_low(idx + 1) - 1;
}

/**
 * hist_record() - count one value
 * @h: histogram
 * @v: value in ns; a negative value is counted as 0 and in @h->negative
 */
void hist_record(struct hist *h, s64 v)
{
	u64 u;

	if (v < 0) {
		h->negative++;
		v = 0;
	}
	u = (u64)v;
	if (!h->count || u < h->min)
		h->min = u;
	h->bucket[hist_index(u)]++;
	h->count++;
	h->sum += u;
	h->sumsq += (double)u * u;
	if (u > h->max)
		h->max = u;
}

/**
 * hist_merge() - add one histogram into another
 * @dst: accumulates
 * @src: added, unchanged
 */
void hist_merge(struct hist *dst, const struct hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	/* Buckets past max's are empty: leave their pages untouched. */
	for (i = 0; i <= hist_index(src->max); i++)
		dst->bucket[i] += src->bucket[i];
	if (!dst->count || src->min < dst->min)
		dst->min = src->min;
	dst->negative += src->negative;
	dst->count += src->count;
	dst->sum += src->sum;
	dst->sumsq += src->sumsq;
	if (src->max > dst->max)
		dst->max = src->max;
}

/**
 * hist_percentile() - value at or below which @pct percent of values lie
 * @h: histogram
 * @pct: percentile, 0..100
 *
 * Reports the lower bound of the bucket holding the rank (clamped into
 * [min, max], so p100 is the exact maximum and a one-value histogram
 * reports that value).
 *
 * Return: the value in ns, 0 for an empty histogram.
 */
u64 hist_percentile(const struct hist *h, double pct)
{
	u64 rank, seen = 0, v;
	unsigned int i;

	if (!h->count)
		return 0;
	if (pct >= 100.0)
		return h->max;
	/* The rank of the value: ceil(pct/100 * count), at least the first. */
	rank = (u64)ceil(pct / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	v = hist_bucket_low(i < HIST_BUCKETS ? i : HIST_BUCKETS - 1);
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

/**
 * hist_mean() - exact mean
 * @h: histogram
 *
 * Return: the mean in ns, 0 for an empty histogram.
 */
double hist_mean(const struct hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}

/**
 * hist_stddev() - population standard deviation
 * @h: histogram
 *
 * Return: the standard deviation in ns, 0 for fewer than two values.
 */
double hist_stddev(const struct hist *h)
{
	double n = h->count, mean, var;

	if (h->count < 2)
		return 0.0;
	mean = (double)h->sum / n;
	var = h->sumsq / n - mean * mean;
	return var > 0 ? sqrt(var) : 0.0;
}

/**
 * hist_write() - rows "bucket_low_ns count cumulative_fraction"
 * @f: stream
 * @h: histogram
 * @limit_ns: stop before buckets starting above this (0: no limit); the
 *	rest is summed into a final "# overflow" comment
 *
 * Only non-empty buckets are written, so a file stays small however wide
 * the distribution; gnuplot plots it with "with steps" or "with boxes".
 *
 * Return: 0, or -1 with errno set when the stream failed.
 */
int hist_write(FILE *f, const struct hist *h, u64 limit_ns)
{
	u64 seen = 0, over = 0;
	unsigned int i;

	for (i = 0; h->count && i <= hist_index(h->max); i++) {
		if (!h->bucket[i])
			continue;
		if (limit_ns && hist_bucket_low(i) > limit_ns) {
			over += h->bucket[i];
			continue;
		}
		seen += h->bucket[i];
		fprintf(f, "%llu %llu %.9f\n",
			(unsigned long long)hist_bucket_low(i),
			(unsigned long long)h->bucket[i],
			(double)seen / (double)h->count);
	}
	if (over)
		fprintf(f, "# overflow above %llu ns: %llu\n",
			(unsigned long long)limit_ns, (unsigned long long)over);
	return ferror(f) ? -1 : 0;
}
