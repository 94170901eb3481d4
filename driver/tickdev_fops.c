// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev file operations: every open() is a reader.
 *
 * read() takes whole records out of the reader's ring under the ring lock
 * into the reader's bounce buffer, drops the lock, then copies them to
 * userspace: copy_to_user may fault and sleep, which no ring lock of the
 * spinlock design allows.  Blocking readers sleep exclusively, so in the
 * shared fan-out one event wakes one reader; a reader that leaves records
 * behind passes the wake-up on.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/rculist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "tickdev.h"
#include "tickdev_broken.h"
#include "tickdev_trace.h"

static struct tickdev_dev *tickdev_from_file(struct file *file)
{
	struct miscdevice *misc = file->private_data;

	return container_of(misc, struct tickdev_dev, misc);
}

static int tickdev_open(struct inode *inode, struct file *file)
{
	struct tickdev_dev *dev = tickdev_from_file(file);
	struct tickdev_reader *rd;
	void *storage = NULL;
	int id, ret;

	rd = kzalloc(sizeof(*rd), GFP_KERNEL);
	if (!rd)
		return -ENOMEM;
	rd->dev = dev;
	mutex_init(&rd->read_mutex);

	rd->bounce = kvmalloc(TICKDEV_BOUNCE_BYTES, GFP_KERNEL);
	if (!rd->bounce) {
		ret = -ENOMEM;
		goto err_free_reader;
	}

	id = ida_alloc_min(&dev->ids, 1, GFP_KERNEL);
	if (id < 0) {
		ret = id;
		goto err_free_bounce;
	}
	rd->id = id;
	tickdev_ring_init(&rd->ring, id);

	/* ctl_mutex keeps the configuration still while the ring is sized. */
	mutex_lock(&dev->ctl_mutex);
	if (dev->cfg.fanout == TICKDEV_FANOUT_BROADCAST) {
		ret = tickdev_ring_alloc_storage(&dev->cfg, &storage);
		if (ret)
			goto err_unlock_ctl;
	}
	tickdev_ring_set_storage(&rd->ring, &dev->cfg, dev->prod, &storage);

	mutex_lock(&dev->readers_mutex);
	if (dev->nreaders >= tickdev_max_readers) {
		ret = -EUSERS;
		goto err_unlock_readers;
	}
	dev->nreaders++;
	list_add_tail_rcu(&rd->node, &dev->readers);
	mutex_unlock(&dev->readers_mutex);
	mutex_unlock(&dev->ctl_mutex);

	file->private_data = rd;
	return stream_open(inode, file);

err_unlock_readers:
	mutex_unlock(&dev->readers_mutex);
	kvfree(rd->ring.storage);
err_unlock_ctl:
	mutex_unlock(&dev->ctl_mutex);
	ida_free(&dev->ids, rd->id);
err_free_bounce:
	kvfree(rd->bounce);
err_free_reader:
	kfree(rd);
	return ret;
}

static int tickdev_release(struct inode *inode, struct file *file)
{
	struct tickdev_reader *rd = file->private_data;
	struct tickdev_dev *dev = rd->dev;

	mutex_lock(&dev->readers_mutex);
	list_del_rcu(&rd->node);
	dev->nreaders--;
	mutex_unlock(&dev->readers_mutex);
	/* The softirq producer may still be walking past us. */
	synchronize_rcu();

	/* Unreachable now: records still queued are counted as dropped. */
	atomic64_add(tickdev_ring_queued(&rd->ring), &dev->stats.dropped);
	kvfree(rd->ring.storage);
	ida_free(&dev->ids, rd->id);
	kvfree(rd->bounce);
	kfree(rd);
	return 0;
}

/* Emit tickdev_read for each record just copied out; only when enabled. */
static void tickdev_trace_reads(struct tickdev_reader *rd, u32 bytes, u32 rs)
{
	u64 now = ktime_get_ns();
	u32 off;

	for (off = 0; off < bytes; off += rs) {
		const struct tickdev_event *ev = rd->bounce + off;

		trace_tickdev_read(ev->seq, rd->id, ev->enqueue_ns, now);
	}
}

/*
 * One pass: move what is queued (up to @count bytes) to @buf.  Returns
 * bytes copied, 0 when the ring is empty, or a negative errno.
 */
static ssize_t tickdev_read_once(struct tickdev_reader *rd, char __user *buf,
				 size_t count, struct tickdev_ring **ringp)
{
	struct tickdev_dev *dev = rd->dev;
	struct tickdev_ring *ring;
	size_t done = 0;
	ssize_t ret = 0;
	u32 bytes, rs;

	down_read(&dev->cfg_rwsem);
	ring = tickdev_reader_ring(rd);
	*ringp = ring;
	rs = ring->recsize;
	if (count < rs) {
		ret = -EINVAL;
		goto out;
	}
	/* Empty unless built with TICKDEV_BROKEN=1 for the debug tier's self-test. */
	tickdev_broken_read(ring, buf);
	while (count - done >= rs) {
		bytes = tickdev_ring_take(ring, rd->bounce, count - done);
		if (!bytes)
			break;
		if (copy_to_user(buf + done, rd->bounce, bytes)) {
			/*
			 * Taken but not delivered: count them as dropped and
			 * report them in the next record, like any other loss.
			 */
			tickdev_ring_lost(ring, bytes / rs);
			atomic64_add(bytes / rs, &dev->stats.dropped);
			ret = -EFAULT;
			break;
		}
		atomic64_add(bytes / rs, &dev->stats.delivered);
		if (trace_tickdev_read_enabled())
			tickdev_trace_reads(rd, bytes, rs);
		done += bytes;
	}
out:
	up_read(&dev->cfg_rwsem);
	return done ? done : ret;
}

static ssize_t tickdev_read(struct file *file, char __user *buf, size_t count,
			    loff_t *ppos)
{
	struct tickdev_reader *rd = file->private_data;
	struct tickdev_dev *dev = rd->dev;
	struct tickdev_ring *ring;
	unsigned int gen;
	ssize_t ret;

	if (mutex_lock_interruptible(&rd->read_mutex))
		return -ERESTARTSYS;
	for (;;) {
		gen = READ_ONCE(dev->cfg_gen);
		ret = tickdev_read_once(rd, buf, count, &ring);
		if (ret)
			break;
		if (file->f_flags & O_NONBLOCK) {
			ret = -EAGAIN;
			break;
		}
		/* SET_CONFIG bumps cfg_gen: look again at the (new) ring. */
		ret = wait_event_interruptible_exclusive(ring->wait,
							 !tickdev_ring_empty(ring) ||
							 READ_ONCE(dev->cfg_gen) != gen);
		if (ret)
			break;
	}
	mutex_unlock(&rd->read_mutex);

	/* An exclusive wake-up we consumed but did not use goes to the next sleeper. */
	if (!tickdev_ring_empty(ring) && wq_has_sleeper(&ring->wait))
		wake_up_interruptible_poll(&ring->wait, EPOLLIN | EPOLLRDNORM);
	return ret;
}

static __poll_t tickdev_poll(struct file *file, struct poll_table_struct *wait)
{
	struct tickdev_reader *rd = file->private_data;
	struct tickdev_dev *dev = rd->dev;

	/*
	 * Register on both rings a reader can consume, so an epoll set keeps
	 * working after SET_CONFIG switches the fan-out under it.
	 */
	poll_wait(file, &rd->ring.wait, wait);
	poll_wait(file, &dev->shared.wait, wait);

	if (!tickdev_ring_empty(tickdev_reader_ring(rd)))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static long tickdev_ring_ioctl(struct tickdev_reader *rd, unsigned int cmd,
			       u32 __user *argp)
{
	struct tickdev_dev *dev = rd->dev;
	struct tickdev_ring *ring;
	u32 val = 0, n;

	down_read(&dev->cfg_rwsem);
	ring = tickdev_reader_ring(rd);
	switch (cmd) {
	case TICKDEV_IOC_CLEAR:
		n = tickdev_ring_clear(ring);
		atomic64_add(n, &dev->stats.dropped);
		break;
	case TICKDEV_IOC_GET_QUEUE_SIZE:
		val = tickdev_ring_queued(ring);
		break;
	case TICKDEV_IOC_GET_MAX_CAPACITY:
		val = ring->capacity;
		break;
	}
	up_read(&dev->cfg_rwsem);

	if (cmd == TICKDEV_IOC_CLEAR)
		return 0;
	return put_user(val, argp);
}

static long tickdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct tickdev_reader *rd = file->private_data;
	struct tickdev_dev *dev = rd->dev;
	void __user *argp = (void __user *)arg;
	struct tickdev_config cfg;
	struct tickdev_stats st;
	int ret;

	/*
	 * The producer is device-wide: changing it affects every reader, so
	 * it takes CAP_SYS_ADMIN; a reader's own ring and queries do not.
	 */
	switch (cmd) {
	case TICKDEV_IOC_START:
	case TICKDEV_IOC_STOP:
	case TICKDEV_IOC_SET_CONFIG:
	case TICKDEV_IOC_RESET_STATS:
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		break;
	}

	switch (cmd) {
	case TICKDEV_IOC_START:
		return tickdev_start(dev);
	case TICKDEV_IOC_STOP:
		tickdev_stop(dev);
		return 0;
	case TICKDEV_IOC_GET_CONFIG:
		mutex_lock(&dev->ctl_mutex);
		cfg = dev->cfg;
		mutex_unlock(&dev->ctl_mutex);
		return copy_to_user(argp, &cfg, sizeof(cfg)) ? -EFAULT : 0;
	case TICKDEV_IOC_SET_CONFIG:
		if (copy_from_user(&cfg, argp, sizeof(cfg)))
			return -EFAULT;
		ret = tickdev_config_check(&cfg);
		if (ret)
			return ret;
		return tickdev_set_config(dev, &cfg);
	case TICKDEV_IOC_GET_STATS:
		tickdev_get_stats(dev, &st);
		return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
	case TICKDEV_IOC_RESET_STATS:
		tickdev_reset_stats(dev);
		return 0;
	case TICKDEV_IOC_CLEAR:
	case TICKDEV_IOC_GET_QUEUE_SIZE:
	case TICKDEV_IOC_GET_MAX_CAPACITY:
		return tickdev_ring_ioctl(rd, cmd, argp);
	case TICKDEV_IOC_GET_API_VERSION:
		return put_user((u32)TICKDEV_API_VERSION, (u32 __user *)argp);
	default:
		return -ENOTTY;
	}
}

/*
 * No .write: the VFS refuses write() with -EINVAL, as for timerfd.  No
 * .llseek: stream_open() makes the file a stream (-ESPIPE).
 */
const struct file_operations tickdev_fops = {
	.owner = THIS_MODULE,
	.open = tickdev_open,
	.release = tickdev_release,
	.read = tickdev_read,
	.poll = tickdev_poll,
	.unlocked_ioctl = tickdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
