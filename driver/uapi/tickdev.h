/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tickdev user API: the contract between /dev/tickdev and its readers.
 *
 * read() returns whole records only: each is a struct tickdev_event
 * followed by frame_bytes payload bytes, then padding up to the next
 * 8-byte boundary (TICKDEV_RECORD_SIZE()).  Payload byte i of the event
 * with sequence number seq is (seq + i) & 0xff.
 *
 * All times are CLOCK_MONOTONIC nanoseconds (ktime_get_ns()), comparable
 * with clock_gettime(CLOCK_MONOTONIC) in userspace.
 *
 * ioctl magic 'k' (0x6b), numbers 0xa0-0xaf.
 */
#ifndef _UAPI_LINUX_TICKDEV_H
#define _UAPI_LINUX_TICKDEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Bumped on any incompatible change of a struct or ioctl below. */
#define TICKDEV_API_VERSION	1

/**
 * struct tickdev_event - one record as read() returns it
 * @seq: producer's event count, from 1 at each START; a gap is a drop
 * @sched_ns: when the timer was due (the absolute schedule)
 * @expire_ns: when the timer callback ran
 * @enqueue_ns: when the record entered this reader's ring
 * @cpu: CPU that enqueued the record
 * @dropped: records dropped from this reader's ring since its previous record
 * @frame_bytes: payload bytes that follow this header
 * @design: TICKDEV_DESIGN_* of the producer
 * @timer: TICKDEV_TIMER_* of the producer
 */
struct tickdev_event {
	__u64 seq;
	__u64 sched_ns;
	__u64 expire_ns;
	__u64 enqueue_ns;
	__u32 cpu;
	__u32 dropped;
	__u32 frame_bytes;
	__u16 design;
	__u16 timer;
};

/* Bytes one record with @frame payload bytes takes in a read() buffer. */
#define TICKDEV_RECORD_SIZE(frame) \
	((sizeof(struct tickdev_event) + (frame) + 7) & ~(__u64)7)

enum tickdev_timer {
	TICKDEV_TIMER_LIST = 0,		/* timer_list, jiffy granularity */
	TICKDEV_TIMER_HRTIMER = 1,	/* hrtimer, HRTIMER_MODE_ABS_SOFT */
	TICKDEV_TIMER_NR,
};

enum tickdev_design {
	TICKDEV_DESIGN_SPINLOCK = 0,	/* enqueue in the timer's softirq */
	TICKDEV_DESIGN_WORKQUEUE = 1,	/* enqueue from a work item */
	TICKDEV_DESIGN_NR,
};

enum tickdev_fanout {
	TICKDEV_FANOUT_BROADCAST = 0,	/* every reader gets every event */
	TICKDEV_FANOUT_SHARED = 1,	/* one ring; each event to one reader */
	TICKDEV_FANOUT_NR,
};

/* Limits a config is checked against (-EINVAL outside them). */
#define TICKDEV_PERIOD_MIN_NS		10000ULL	/* 10 us */
#define TICKDEV_PERIOD_MAX_NS		10000000000ULL	/* 10 s */
#define TICKDEV_RING_MIN		2
#define TICKDEV_RING_MAX		65536
#define TICKDEV_FRAME_MAX		65536

/**
 * struct tickdev_config - the producer's configuration (device-wide)
 * @period_ns: timer period; TICKDEV_PERIOD_MIN_NS..TICKDEV_PERIOD_MAX_NS
 * @timer: TICKDEV_TIMER_*
 * @design: TICKDEV_DESIGN_*
 * @fanout: TICKDEV_FANOUT_*
 * @ring_records: records per ring, a power of two in 2..65536, and at most
 *	the module's max_ring_kib of memory per ring
 * @frame_bytes: payload bytes per record, 0..65536
 * @reserved: must be zero
 */
struct tickdev_config {
	__u64 period_ns;
	__u32 timer;
	__u32 design;
	__u32 fanout;
	__u32 ring_records;
	__u32 frame_bytes;
	__u32 reserved;
};

/**
 * struct tickdev_stats - device-wide counters since load or RESET_STATS
 * @produced: events the producer made (one per timer period run)
 * @enqueued: records put in rings
 * @dropped: records removed unread (ring full, SET_CONFIG, CLEAR, close)
 * @delivered: records copied to userspace
 * @wakeups: wake-up calls made to waiting readers
 * @rearms: timer re-arms
 * @overruns: timer periods missed because the callback ran late
 * @max_fill: highest ring fill seen at enqueue, in records
 * @readers: open readers
 * @running: 1 while started
 *
 * Once stopped and every reader drained: enqueued == delivered + dropped.
 */
struct tickdev_stats {
	__u64 produced;
	__u64 enqueued;
	__u64 dropped;
	__u64 delivered;
	__u64 wakeups;
	__u64 rearms;
	__u64 overruns;
	__u64 max_fill;
	__u32 readers;
	__u32 running;
};

#define TICKDEV_IOC_MAGIC	'k'

#define TICKDEV_IOC_START		_IO(TICKDEV_IOC_MAGIC, 0xa0)
#define TICKDEV_IOC_STOP		_IO(TICKDEV_IOC_MAGIC, 0xa1)
#define TICKDEV_IOC_GET_CONFIG		_IOR(TICKDEV_IOC_MAGIC, 0xa2, struct tickdev_config)
#define TICKDEV_IOC_SET_CONFIG		_IOW(TICKDEV_IOC_MAGIC, 0xa3, struct tickdev_config)
#define TICKDEV_IOC_GET_STATS		_IOR(TICKDEV_IOC_MAGIC, 0xa4, struct tickdev_stats)
#define TICKDEV_IOC_RESET_STATS		_IO(TICKDEV_IOC_MAGIC, 0xa5)
#define TICKDEV_IOC_CLEAR		_IO(TICKDEV_IOC_MAGIC, 0xa6)
#define TICKDEV_IOC_GET_QUEUE_SIZE	_IOR(TICKDEV_IOC_MAGIC, 0xa7, __u32)
#define TICKDEV_IOC_GET_MAX_CAPACITY	_IOR(TICKDEV_IOC_MAGIC, 0xa8, __u32)
#define TICKDEV_IOC_GET_API_VERSION	_IOR(TICKDEV_IOC_MAGIC, 0xa9, __u32)

#endif /* _UAPI_LINUX_TICKDEV_H */
