// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev rings: a kfifo of bytes holding whole fixed-size records.
 *
 * Records have one size per configuration (header + frame, 8-aligned), so
 * a byte kfifo with our own record count gives exact capacity without
 * kfifo's variable-record headers.  The producer drops the oldest record
 * when the ring is full; that makes it a second consumer of the fifo, so
 * unlike kfifo's lock-free single-producer/single-consumer case every
 * access here is under the ring lock of the design in use.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>

#include "compat.h"
#include "tickdev.h"
#include "tickdev_trace.h"

static const u8 tickdev_zero_pad[8];

void tickdev_ring_init(struct tickdev_ring *ring, u32 id)
{
	spin_lock_init(&ring->lock);
	mutex_init(&ring->mutex);
	init_waitqueue_head(&ring->wait);
	ring->id = id;
}

/* Bytes of ring storage a configuration needs (kfifo wants a power of two). */
u64 tickdev_ring_bytes(const struct tickdev_config *cfg)
{
	u64 bytes = (u64)cfg->ring_records * TICKDEV_RECORD_SIZE(cfg->frame_bytes);

	return roundup_pow_of_two(bytes);
}

/**
 * tickdev_ring_alloc_storage() - allocate storage for a ring of @cfg
 * @cfg: a configuration tickdev_config_check() accepted
 * @storage: where to put the buffer
 *
 * Process context only: allocation never happens in the producer.
 *
 * Return: 0 or -ENOMEM.
 */
int tickdev_ring_alloc_storage(const struct tickdev_config *cfg, void **storage)
{
	*storage = kvmalloc(tickdev_ring_bytes(cfg), GFP_KERNEL);
	return *storage ? 0 : -ENOMEM;
}

/**
 * tickdev_ring_set_storage() - swap a ring's storage for a new layout
 * @ring: the ring; producer stopped, cfg_rwsem held for write
 * @cfg: the new configuration
 * @ops: the design whose lock will guard the ring
 * @storage: in: the new buffer (or NULL for an unused ring); out: the old
 *	one, for the caller to kvfree once nothing can reach it
 *
 * Return: records discarded, for the caller to count as dropped.
 */
u32 tickdev_ring_set_storage(struct tickdev_ring *ring,
			     const struct tickdev_config *cfg,
			     const struct tickdev_producer_ops *ops,
			     void **storage)
{
	void *old = ring->storage;
	u32 discarded = ring->storage ? tickdev_ring_queued(ring) : 0;
	int ret;

	ring->storage = *storage;
	ring->ops = ops;
	ring->pending_drops = 0;
	ring->recsize = TICKDEV_RECORD_SIZE(cfg->frame_bytes);
	ring->capacity = *storage ? cfg->ring_records : 0;
	if (*storage) {
		ret = kfifo_init(&ring->fifo, *storage, tickdev_ring_bytes(cfg));
		/* Cannot fail: the size is a power of two and at least 2. */
		WARN_ON_ONCE(ret);
	} else {
		memset(&ring->fifo, 0, sizeof(ring->fifo));
	}
	*storage = old;
	return discarded;
}

/**
 * tickdev_ring_put() - enqueue one record, dropping the oldest if full
 * @dev: the device, for counters
 * @ring: the ring; the caller holds its lock (ring->ops->lock)
 * @ev: the header; enqueue_ns and cpu are filled in here
 * @payload: ev->frame_bytes payload bytes
 *
 * Runs in the producer's context: softirq or the work item.
 */
void tickdev_ring_put(struct tickdev_dev *dev, struct tickdev_ring *ring,
		      struct tickdev_event *ev, const u8 *payload)
{
	u32 rs = ring->recsize;
	u32 pad = rs - sizeof(*ev) - ev->frame_bytes;
	u32 fill;
	s64 max;

	if (kfifo_len(&ring->fifo) >= ring->capacity * rs) {
		struct tickdev_event old;

		/* Drop-oldest: tell the reader in its next record's header. */
		if (kfifo_out_peek(&ring->fifo, (u8 *)&old, sizeof(old)) != sizeof(old))
			memset(&old, 0, sizeof(old));
		tickdev_kfifo_skip_count(&ring->fifo, rs);
		ring->pending_drops++;
		atomic64_inc(&dev->stats.dropped);
		trace_tickdev_drop(old.seq, old.sched_ns, ring->id,
				   kfifo_len(&ring->fifo) / rs);
	}

	ev->cpu = raw_smp_processor_id();
	ev->enqueue_ns = ktime_get_ns();
	kfifo_in(&ring->fifo, (u8 *)ev, sizeof(*ev));
	if (ev->frame_bytes)
		kfifo_in(&ring->fifo, payload, ev->frame_bytes);
	if (pad)
		kfifo_in(&ring->fifo, tickdev_zero_pad, pad);

	fill = kfifo_len(&ring->fifo) / rs;
	atomic64_inc(&dev->stats.enqueued);
	/* The producer is the only writer, so read-then-set cannot regress. */
	max = atomic64_read(&dev->stats.max_fill);
	if (fill > max)
		atomic64_set(&dev->stats.max_fill, fill);
	trace_tickdev_enqueue(ev->seq, ev->sched_ns, ring->id, fill);
}

/**
 * tickdev_ring_take() - dequeue whole records into @dst
 * @ring: the ring; cfg_rwsem held for read, ring lock NOT held
 * @dst: a buffer of TICKDEV_BOUNCE_BYTES
 * @room: bytes the reader can still accept
 *
 * Takes at most TICKDEV_BATCH_BYTES (but always one record if one fits)
 * per call, to bound how long the producer may wait for the lock.  The
 * first record taken carries the drops that preceded it.
 *
 * Return: bytes placed in @dst, a multiple of the record size.
 */
u32 tickdev_ring_take(struct tickdev_ring *ring, void *dst, size_t room)
{
	u32 rs = ring->recsize;
	u32 n, bytes = 0;
	unsigned long flags;

	n = min_t(size_t, room, TICKDEV_BATCH_BYTES) / rs;
	if (!n && room >= rs)
		n = 1;
	if (!n || !ring->capacity)
		return 0;

	ring->ops->lock(ring, &flags);
	n = min(n, kfifo_len(&ring->fifo) / rs);
	if (n) {
		struct tickdev_event *first = dst;

		bytes = kfifo_out(&ring->fifo, (u8 *)dst, n * rs);
		first->dropped = ring->pending_drops;
		ring->pending_drops = 0;
	}
	ring->ops->unlock(ring, flags);
	return bytes;
}

/**
 * tickdev_ring_clear() - discard every queued record
 * @ring: the ring; cfg_rwsem held for read
 *
 * The discarded records still show as a gap in seq, so they are added to
 * the pending drops the next record reports.
 *
 * Return: records discarded.
 */
u32 tickdev_ring_clear(struct tickdev_ring *ring)
{
	unsigned long flags;
	u32 n;

	if (!ring->capacity)
		return 0;
	ring->ops->lock(ring, &flags);
	n = kfifo_len(&ring->fifo) / ring->recsize;
	kfifo_reset_out(&ring->fifo);
	ring->pending_drops += n;
	ring->ops->unlock(ring, flags);
	return n;
}

/**
 * tickdev_ring_lost() - report records taken but never delivered
 * @ring: the ring; cfg_rwsem held for read
 * @n: records lost (copy_to_user faulted)
 */
void tickdev_ring_lost(struct tickdev_ring *ring, u32 n)
{
	unsigned long flags;

	ring->ops->lock(ring, &flags);
	ring->pending_drops += n;
	ring->ops->unlock(ring, flags);
}

/* Records waiting; a snapshot (no lock) is enough for every caller. */
u32 tickdev_ring_queued(struct tickdev_ring *ring)
{
	if (!ring->capacity)
		return 0;
	return kfifo_len(&ring->fifo) / ring->recsize;
}

/*
 * Lockless emptiness test for wait conditions and poll: kfifo's in/out
 * are updated with the barriers its SPSC use needs, and the waitqueue
 * re-checks after every wake-up.
 */
bool tickdev_ring_empty(struct tickdev_ring *ring)
{
	return !ring->capacity || kfifo_len(&ring->fifo) < ring->recsize;
}
