// SPDX-License-Identifier: GPL-2.0
/*
 * The human view: /sys/kernel/debug/tickdev/status, one "key: value" line
 * per setting and counter, then one line per reader.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "tickdev.h"

static int tickdev_status_show(struct seq_file *m, void *unused)
{
	struct tickdev_dev *dev = m->private;
	struct tickdev_reader *rd;
	struct tickdev_config cfg;
	struct tickdev_stats st;

	mutex_lock(&dev->ctl_mutex);
	cfg = dev->cfg;
	mutex_unlock(&dev->ctl_mutex);
	tickdev_get_stats(dev, &st);

	seq_printf(m, "running: %u\n", st.running);
	seq_printf(m, "period_ns: %llu\n", cfg.period_ns);
	seq_printf(m, "timer: %s\n", tickdev_timer_name(cfg.timer));
	seq_printf(m, "design: %s\n", tickdev_producers[cfg.design]->name);
	seq_printf(m, "fanout: %s\n", tickdev_fanout_name(cfg.fanout));
	seq_printf(m, "ring_records: %u\n", cfg.ring_records);
	seq_printf(m, "frame_bytes: %u\n", cfg.frame_bytes);
	seq_printf(m, "record_bytes: %llu\n",
		   (u64)TICKDEV_RECORD_SIZE(cfg.frame_bytes));
	seq_printf(m, "ring_bytes: %llu\n", tickdev_ring_bytes(&cfg));
	seq_printf(m, "max_ring_kib: %u\n", tickdev_max_ring_kib);
	seq_printf(m, "max_readers: %u\n", tickdev_max_readers);
	seq_printf(m, "readers: %u\n", st.readers);
	seq_printf(m, "produced: %llu\n", st.produced);
	seq_printf(m, "enqueued: %llu\n", st.enqueued);
	seq_printf(m, "dropped: %llu\n", st.dropped);
	seq_printf(m, "delivered: %llu\n", st.delivered);
	seq_printf(m, "wakeups: %llu\n", st.wakeups);
	seq_printf(m, "rearms: %llu\n", st.rearms);
	seq_printf(m, "overruns: %llu\n", st.overruns);
	seq_printf(m, "backlog_full: %lld\n",
		   atomic64_read(&dev->stats.backlog_full));
	seq_printf(m, "max_fill: %llu\n", st.max_fill);

	mutex_lock(&dev->readers_mutex);
	down_read(&dev->cfg_rwsem);
	if (cfg.fanout == TICKDEV_FANOUT_SHARED)
		seq_printf(m, "ring 0 (shared): queued %u of %u\n",
			   tickdev_ring_queued(&dev->shared), dev->shared.capacity);
	list_for_each_entry(rd, &dev->readers, node)
		seq_printf(m, "reader %u: queued %u of %u\n", rd->id,
			   tickdev_ring_queued(&rd->ring), rd->ring.capacity);
	up_read(&dev->cfg_rwsem);
	mutex_unlock(&dev->readers_mutex);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(tickdev_status);

/**
 * tickdev_debugfs_init() - create the status view
 * @dev: the device
 *
 * debugfs failures are not errors (the view is optional), so nothing is
 * returned, as the debugfs API intends.
 */
void tickdev_debugfs_init(struct tickdev_dev *dev)
{
	dev->debugfs = debugfs_create_dir(TICKDEV_NAME, NULL);
	debugfs_create_file("status", 0444, dev->debugfs, dev,
			    &tickdev_status_fops);
}

/**
 * tickdev_debugfs_exit() - remove the status view
 * @dev: the device
 */
void tickdev_debugfs_exit(struct tickdev_dev *dev)
{
	debugfs_remove_recursive(dev->debugfs);
}
