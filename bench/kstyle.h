/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kstyle.h - the few kernel-style names bench/ uses in userspace, as the
 * kernel's own tools/include does, so the code reads like the driver and
 * passes checkpatch --strict unchanged.
 *
 * Our printf-like reporting helpers are macros over snprintf()/warnx()
 * rather than functions, so the compiler checks their formats without a
 * hand-written format attribute.
 */
#ifndef TICKBENCH_KSTYLE_H
#define TICKBENCH_KSTYLE_H

#include <linux/types.h>

typedef __u8 u8;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(1UL << (n))

#endif /* TICKBENCH_KSTYLE_H */
