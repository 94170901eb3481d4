/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tickdev internals: the device, its readers, rings, timer and producer.
 *
 * Data flow: a timer (timer_list or hrtimer, soft mode) fires on an
 * absolute schedule; the producer design turns each expiry into one event
 * and copies it, header plus frame payload, into the rings: one per reader
 * (broadcast) or the device's single shared ring (shared).  Readers take
 * whole records out under the ring lock into a private bounce buffer and
 * copy them to userspace after the lock is dropped.
 *
 * Lock order (outer first):
 *   ctl_mutex > readers_mutex > cfg_rwsem (write)
 *   reader->read_mutex > cfg_rwsem (read) > ring lock
 *   readers_mutex > ring lock          (workqueue producer)
 *   RCU read side > ring lock          (spinlock producer, softirq)
 */
#ifndef TICKDEV_H
#define TICKDEV_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/idr.h>
#include <linux/kfifo.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "uapi/tickdev.h"

#define TICKDEV_NAME		"tickdev"

/* One record of the largest frame: the bounce buffer holds at least one. */
#define TICKDEV_BOUNCE_BYTES	TICKDEV_RECORD_SIZE(TICKDEV_FRAME_MAX)
/* Small records are moved in batches of at most this many bytes per lock hold. */
#define TICKDEV_BATCH_BYTES	16384
/* Expiries the workqueue design may have queued and not yet produced. */
#define TICKDEV_BACKLOG		64

struct tickdev_dev;
struct tickdev_ring;

/**
 * struct tickdev_producer_ops - one producer design
 * @name: the design's name for module parameters and the status view
 * @design: TICKDEV_DESIGN_* it implements
 * @tick: called from the timer callback (softirq) for each expiry
 * @quiesce: called once the timer is cancelled, to finish deferred work;
 *	after it returns no producer code runs until the next START
 * @lock: take a ring's lock as this design's producer takes it
 * @unlock: drop it
 *
 * A new design is one new file that fills this in and one line in
 * tickdev_producers[].
 */
struct tickdev_producer_ops {
	const char *name;
	u32 design;
	void (*tick)(struct tickdev_dev *dev, u64 sched_ns, u64 expire_ns);
	void (*quiesce)(struct tickdev_dev *dev);
	void (*lock)(struct tickdev_ring *ring, unsigned long *flags);
	void (*unlock)(struct tickdev_ring *ring, unsigned long flags);
};

extern const struct tickdev_producer_ops tickdev_spinlock_ops;
extern const struct tickdev_producer_ops tickdev_workqueue_ops;
extern const struct tickdev_producer_ops *const tickdev_producers[TICKDEV_DESIGN_NR];

/**
 * struct tickdev_ring - a ring of whole records
 * @lock: guards @fifo and @pending_drops in the spinlock design
 *	(spin_lock_irqsave everywhere: the producer is a softirq)
 * @mutex: guards the same in the workqueue design
 * @fifo: byte fifo of records, each TICKDEV_RECORD_SIZE(frame_bytes)
 * @storage: @fifo's buffer (kvmalloc'd, power-of-two bytes)
 * @ops: the design whose lock guards @fifo; set with the storage
 * @recsize: bytes per record
 * @capacity: records the ring holds before dropping the oldest
 * @pending_drops: records dropped since the last one a reader took; goes
 *	into the next record's @dropped field
 * @id: 0 for the device's shared ring, else the owning reader's id
 * @wait: readers of this ring sleep here
 *
 * @storage, @ops, @recsize and @capacity change only in SET_CONFIG, under
 * cfg_rwsem held for write while the producer is stopped; everyone else
 * reads them holding cfg_rwsem for read, or is the producer.
 */
struct tickdev_ring {
	spinlock_t lock;		/* fifo state, spinlock design */
	struct mutex mutex;		/* fifo state, workqueue design */
	struct kfifo fifo;
	void *storage;
	const struct tickdev_producer_ops *ops;
	u32 recsize;
	u32 capacity;
	u32 pending_drops;
	u32 id;
	wait_queue_head_t wait;
};

/**
 * struct tickdev_reader - one open() of the device
 * @node: in dev->readers (RCU list; written under readers_mutex)
 * @dev: the device
 * @ring: own ring, used in broadcast fan-out
 * @read_mutex: serialises threads reading this file (they share @bounce)
 * @bounce: records taken from a ring wait here for copy_to_user
 * @id: reader id (>= 1), as in the tracepoints
 */
struct tickdev_reader {
	struct list_head node;
	struct tickdev_dev *dev;
	struct tickdev_ring ring;
	struct mutex read_mutex;	/* readers of this file; @bounce */
	void *bounce;
	u32 id;
};

/**
 * struct tickdev_source - the event source, on an absolute schedule
 * @list: timer_list source
 * @hr: hrtimer source (HRTIMER_MODE_ABS_SOFT: softirq like timer_list)
 * @active: cleared by STOP before cancelling; checked before re-arm
 * @kind: TICKDEV_TIMER_* in use
 * @period_ns: period
 * @start_ns: CLOCK_MONOTONIC time of START; expiry k is due at
 *	start_ns + k * period_ns
 * @start_jiffies: jiffies at START, for the timer_list schedule
 * @k: index of the pending expiry (timer_list)
 * @skip_ahead: expiries skipped by the last re-arm that had not fallen due
 *	yet; counted as overruns at the next callback
 */
struct tickdev_source {
	struct timer_list list;
	struct hrtimer hr;
	bool active;
	u32 kind;
	u64 period_ns;
	u64 start_ns;
	unsigned long start_jiffies;
	u64 k;
	u64 skip_ahead;
};

/* Schedule point handed from the timer to the workqueue producer. */
struct tickdev_tick {
	u64 sched_ns;
	u64 expire_ns;
};

/* Device-wide counters (see struct tickdev_stats); atomic, any context. */
struct tickdev_counters {
	atomic64_t produced;
	atomic64_t enqueued;
	atomic64_t dropped;
	atomic64_t delivered;
	atomic64_t wakeups;
	atomic64_t rearms;
	atomic64_t overruns;
	atomic64_t max_fill;
	atomic64_t backlog_full;
};

/**
 * struct tickdev_dev - the device
 * @misc: /dev/tickdev
 * @ctl_mutex: guards @cfg, @running, START/STOP/SET_CONFIG
 * @readers_mutex: guards changes to @readers and @nreaders; held by the
 *	workqueue producer while it walks @readers
 * @cfg_rwsem: ring storage and layout (see struct tickdev_ring)
 * @cfg: current configuration
 * @cfg_gen: bumped by SET_CONFIG so sleeping readers look again
 * @running: the producer is started
 * @readers: open readers (RCU for the softirq producer)
 * @nreaders: number of open readers
 * @ids: reader ids
 * @shared: the ring of the shared fan-out
 * @pattern: 256 + TICKDEV_FRAME_MAX bytes with byte i = i & 0xff; the
 *	payload of event seq starts at offset seq & 0xff
 * @prod: producer design in use (changes only while stopped)
 * @timer: the event source
 * @seq: last event number produced since START (producer only)
 * @wq: the workqueue design's own workqueue
 * @work: its work item
 * @backlog: expiries the timer handed to @work (single producer, single
 *	consumer: the kfifo needs no lock)
 * @stats: counters
 * @debugfs: the status view's folder
 */
struct tickdev_dev {
	struct miscdevice misc;
	struct mutex ctl_mutex;		/* @cfg, @running, controls */
	struct mutex readers_mutex;	/* @readers, @nreaders */
	struct rw_semaphore cfg_rwsem;
	struct tickdev_config cfg;
	unsigned int cfg_gen;
	bool running;
	struct list_head readers;
	unsigned int nreaders;
	struct ida ids;
	struct tickdev_ring shared;
	u8 *pattern;
	const struct tickdev_producer_ops *prod;
	struct tickdev_source timer;
	u64 seq;
	struct workqueue_struct *wq;
	struct work_struct work;
	DECLARE_KFIFO(backlog, struct tickdev_tick, TICKDEV_BACKLOG);
	struct tickdev_counters stats;
	struct dentry *debugfs;
};

/* Module parameters the device and the status view read. */
extern unsigned int tickdev_max_ring_kib;
extern unsigned int tickdev_max_readers;

/* tickdev_main.c */
int tickdev_config_check(const struct tickdev_config *cfg);
int tickdev_start(struct tickdev_dev *dev);
void tickdev_stop(struct tickdev_dev *dev);
int tickdev_set_config(struct tickdev_dev *dev, const struct tickdev_config *cfg);
void tickdev_get_stats(struct tickdev_dev *dev, struct tickdev_stats *st);
void tickdev_reset_stats(struct tickdev_dev *dev);
const char *tickdev_timer_name(u32 t);
const char *tickdev_fanout_name(u32 f);

/* tickdev_fops.c */
extern const struct file_operations tickdev_fops;

/* tickdev_ring.c */
void tickdev_ring_init(struct tickdev_ring *ring, u32 id);
u64 tickdev_ring_bytes(const struct tickdev_config *cfg);
int tickdev_ring_alloc_storage(const struct tickdev_config *cfg, void **storage);
u32 tickdev_ring_set_storage(struct tickdev_ring *ring,
			     const struct tickdev_config *cfg,
			     const struct tickdev_producer_ops *ops,
			     void **storage);
void tickdev_ring_put(struct tickdev_dev *dev, struct tickdev_ring *ring,
		      struct tickdev_event *ev, const u8 *payload);
u32 tickdev_ring_take(struct tickdev_ring *ring, void *dst, size_t room);
u32 tickdev_ring_clear(struct tickdev_ring *ring);
void tickdev_ring_lost(struct tickdev_ring *ring, u32 n);
u32 tickdev_ring_queued(struct tickdev_ring *ring);
bool tickdev_ring_empty(struct tickdev_ring *ring);

/* tickdev_timer.c */
void tickdev_timer_init(struct tickdev_source *t);
void tickdev_timer_start(struct tickdev_source *t, u32 kind, u64 period_ns);
void tickdev_timer_stop(struct tickdev_source *t);

/* tickdev_produce.c */
void tickdev_produce(struct tickdev_dev *dev, u64 sched_ns, u64 expire_ns);

/* tickdev_workqueue.c */
int tickdev_workqueue_init(struct tickdev_dev *dev);
void tickdev_workqueue_exit(struct tickdev_dev *dev);

/* tickdev_debugfs.c */
void tickdev_debugfs_init(struct tickdev_dev *dev);
void tickdev_debugfs_exit(struct tickdev_dev *dev);

static inline struct tickdev_dev *tickdev_from_timer(struct tickdev_source *t)
{
	return container_of(t, struct tickdev_dev, timer);
}

/* The ring a reader consumes under the current fan-out. */
static inline struct tickdev_ring *tickdev_reader_ring(struct tickdev_reader *rd)
{
	if (rd->dev->cfg.fanout == TICKDEV_FANOUT_SHARED)
		return &rd->dev->shared;
	return &rd->ring;
}

#endif /* TICKDEV_H */
