// SPDX-License-Identifier: GPL-2.0
/*
 * test_hist - TAP unit test of the log-linear histogram (hist.c): the
 * bucket layout has no holes or overlaps, the relative error bound holds,
 * percentiles, mean and stddev match exact figures, merging equals
 * recording into one, and the size does not depend on how much is
 * recorded.  Needs no driver.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"

static int tests, failures;

static void ok(int cond, const char *name)
{
	tests++;
	if (!cond)
		failures++;
	printf("%sok %d - %s\n", cond ? "" : "not ", tests, name);
}

/* Deterministic, so a failure reproduces. */
static u64 rnd(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void test_layout(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i + 1 < HIST_BUCKETS; i++)
		if (hist_bucket_high(i) + 1 != hist_bucket_low(i + 1))
			bad++;
	ok(!bad, "buckets are contiguous: each starts where the last ended");

	bad = 0;
	for (i = 0; i < HIST_BUCKETS; i++)
		if (hist_index(hist_bucket_low(i)) != i ||
		    (i + 1 < HIST_BUCKETS &&
		     hist_index(hist_bucket_high(i)) != i))
			bad++;
	ok(!bad, "both bounds of every bucket index back to it");
	ok(hist_index(0) == 0 && hist_index(255) == 255,
	   "values below 256 ns are counted exactly");
	ok(hist_index(UINT64_MAX) == HIST_BUCKETS - 1 &&
	   hist_index(1ULL << HIST_MAX_BITS) == HIST_BUCKETS - 1,
	   "values beyond the range land in the last bucket");
}

static void test_error_bound(void)
{
	double worst = 0, e;
	unsigned int i;

	for (i = 2 * HIST_SUB; i + 1 < HIST_BUCKETS; i++) {
		e = (double)(hist_bucket_high(i) + 1 - hist_bucket_low(i)) /
		    hist_bucket_low(i);
		if (e > worst)
			worst = e;
	}
	printf("# widest bucket relative to its lower bound: %.4f%%\n",
	       100 * worst);
	ok(worst < 0.01, "every bucket is narrower than 1% of its lower bound");
}

static void test_percentiles(void)
{
	static const double pcts[] = { 50, 90, 99, 99.9 };
	u64 *v, seed = 88172645463325252ULL, sum = 0, exact, got;
	const unsigned int n = 200000;
	struct hist *h = calloc(1, sizeof(*h));
	double mean, sd = 0, worst = 0, e;
	unsigned int i;
	char name[96];

	v = malloc(n * sizeof(*v));
	if (!h || !v) {
		ok(0, "allocation");
		return;
	}
	hist_init(h);
	for (i = 0; i < n; i++) {
		/* Log-uniform over 100 ns .. 100 ms, like latency data. */
		v[i] = (u64)(100 * pow(1e6, (rnd(&seed) >> 11) *
					     (1.0 / (1ULL << 53))));
		hist_record(h, (s64)v[i]);
		sum += v[i];
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < ARRAY_SIZE(pcts); i++) {
		exact = v[(size_t)ceil(pcts[i] / 100 * n) - 1];
		got = hist_percentile(h, pcts[i]);
		e = fabs((double)got - exact) / exact;
		if (e > worst)
			worst = e;
		printf("# p%g exact %llu histogram %llu error %.4f%%\n",
		       pcts[i], (unsigned long long)exact,
		       (unsigned long long)got, 100 * e);
	}
	snprintf(name, sizeof(name),
		 "p50/p90/p99/p99.9 within 1%% of exact (worst %.3f%%)",
		 100 * worst);
	ok(worst < 0.01, name);
	ok(h->min == v[0] && h->max == v[n - 1] &&
	   hist_percentile(h, 100) == v[n - 1] &&
	   hist_percentile(h, 0) == v[0],
	   "min, max, p0 and p100 are exact");

	mean = (double)sum / n;
	for (i = 0; i < n; i++)
		sd += ((double)v[i] - mean) * ((double)v[i] - mean);
	sd = sqrt(sd / n);
	ok(fabs(hist_mean(h) - mean) < mean / 1e6, "mean is exact");
	ok(fabs(hist_stddev(h) - sd) < sd / 1e6,
	   "stddev matches a two-pass computation");
	free(v);
	free(h);
}

static void test_merge(void)
{
	struct hist *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct hist *all = calloc(1, sizeof(*all));
	u64 seed = 12345, x;
	unsigned int i;

	if (!a || !b || !all) {
		ok(0, "allocation");
		return;
	}
	for (i = 0; i < 100000; i++) {
		x = rnd(&seed) % 5000000;
		hist_record(i & 1 ? a : b, (s64)x);
		hist_record(all, (s64)x);
	}
	hist_merge(a, b);
	ok(!memcmp(a->bucket, all->bucket, sizeof(a->bucket)) &&
	   a->count == all->count && a->min == all->min &&
	   a->max == all->max && a->sum == all->sum,
	   "merging two halves equals recording everything into one");

	hist_init(b);
	hist_merge(b, all);
	ok(b->min == all->min && b->count == all->count,
	   "merging into an empty histogram takes the source's min");
	free(a);
	free(b);
	free(all);
}

static void test_edges(void)
{
	struct hist *h = calloc(1, sizeof(*h));

	if (!h) {
		ok(0, "allocation");
		return;
	}
	ok(hist_percentile(h, 50) == 0 && hist_mean(h) == 0 &&
	   hist_stddev(h) == 0, "an all-zero histogram reads as empty");
	hist_record(h, 123456);
	ok(hist_percentile(h, 50) == 123456 && h->min == 123456,
	   "a single value is reported exactly at every percentile");
	hist_record(h, -5);
	ok(h->negative == 1 && h->min == 0,
	   "a negative value is counted as 0 and flagged");
	ok(sizeof(struct hist) < 64 * 1024,
	   "a histogram is a fixed size under 64 KiB whatever it records");
	free(h);
}

int main(void)
{
	printf("TAP version 13\n1..15\n");
	test_layout();
	test_error_bound();
	test_percentiles();
	test_merge();
	test_edges();
	if (tests != 15)
		printf("# planned 15 tests, ran %d\n", tests);
	return failures || tests != 15;
}
