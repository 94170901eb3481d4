// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev - a timer-driven event device for measuring how a driver should
 * hand data to its readers.
 *
 * Module set-up and teardown, the parameters that give the defaults, and
 * the device-wide controls (START, STOP, SET_CONFIG, statistics).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tickdev.h"

static unsigned long period_ns = 1000000;
module_param(period_ns, ulong, 0444);
MODULE_PARM_DESC(period_ns, "Default timer period in ns (10000..10000000000; default 1000000)");

static char *timer = "hrtimer";
module_param(timer, charp, 0444);
MODULE_PARM_DESC(timer, "Default timer source: list or hrtimer (default hrtimer)");

static char *design = "spinlock";
module_param(design, charp, 0444);
MODULE_PARM_DESC(design, "Default producer design: spinlock or workqueue (default spinlock)");

static char *fanout = "broadcast";
module_param(fanout, charp, 0444);
MODULE_PARM_DESC(fanout, "Default fan-out: broadcast or shared (default broadcast)");

static unsigned int ring_records = 64;
module_param(ring_records, uint, 0444);
MODULE_PARM_DESC(ring_records, "Default records per ring, a power of two in 2..65536 (default 64)");

static unsigned int frame_bytes;
module_param(frame_bytes, uint, 0444);
MODULE_PARM_DESC(frame_bytes, "Default payload bytes per event, 0..65536 (default 0)");

static bool autostart;
module_param(autostart, bool, 0444);
MODULE_PARM_DESC(autostart, "Start the timer at load (default no)");

unsigned int tickdev_max_ring_kib = 16384;
module_param_named(max_ring_kib, tickdev_max_ring_kib, uint, 0444);
MODULE_PARM_DESC(max_ring_kib,
		 "Cap on one ring's memory in KiB; ring_records * record size, rounded up to a power of two, must fit (default 16384, at most 1048576)");

static ushort dev_mode = 0600;
module_param(dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Mode of /dev/tickdev (default 0600; control ioctls also need CAP_SYS_ADMIN)");

unsigned int tickdev_max_readers = 64;
module_param_named(max_readers, tickdev_max_readers, uint, 0444);
MODULE_PARM_DESC(max_readers, "Most readers open at once; the next open fails with EUSERS (default 64, at most 4096)");

const struct tickdev_producer_ops *const tickdev_producers[TICKDEV_DESIGN_NR] = {
	[TICKDEV_DESIGN_SPINLOCK] = &tickdev_spinlock_ops,
	[TICKDEV_DESIGN_WORKQUEUE] = &tickdev_workqueue_ops,
};

static const char *const tickdev_timer_names[TICKDEV_TIMER_NR] = {
	[TICKDEV_TIMER_LIST] = "list",
	[TICKDEV_TIMER_HRTIMER] = "hrtimer",
};

static const char *const tickdev_fanout_names[TICKDEV_FANOUT_NR] = {
	[TICKDEV_FANOUT_BROADCAST] = "broadcast",
	[TICKDEV_FANOUT_SHARED] = "shared",
};

static struct tickdev_dev tickdev;

/**
 * tickdev_config_check() - validate a configuration
 * @cfg: the configuration
 *
 * Return: 0, or -EINVAL for any field out of range (see the uapi header),
 * a timer_list period below one jiffy, or a ring over max_ring_kib.
 */
int tickdev_config_check(const struct tickdev_config *cfg)
{
	if (cfg->period_ns < TICKDEV_PERIOD_MIN_NS ||
	    cfg->period_ns > TICKDEV_PERIOD_MAX_NS)
		return -EINVAL;
	if (cfg->timer >= TICKDEV_TIMER_NR || cfg->design >= TICKDEV_DESIGN_NR ||
	    cfg->fanout >= TICKDEV_FANOUT_NR || cfg->reserved)
		return -EINVAL;
	/* timer_list cannot do better than one jiffy; refuse, don't round. */
	if (cfg->timer == TICKDEV_TIMER_LIST && cfg->period_ns < TICK_NSEC)
		return -EINVAL;
	if (cfg->ring_records < TICKDEV_RING_MIN ||
	    cfg->ring_records > TICKDEV_RING_MAX ||
	    !is_power_of_2(cfg->ring_records))
		return -EINVAL;
	if (cfg->frame_bytes > TICKDEV_FRAME_MAX)
		return -EINVAL;
	if (tickdev_ring_bytes(cfg) > (u64)tickdev_max_ring_kib * 1024)
		return -EINVAL;
	return 0;
}

/**
 * tickdev_start() - start producing
 * @dev: the device
 *
 * Return: 0, or -EBUSY if already running.
 */
int tickdev_start(struct tickdev_dev *dev)
{
	mutex_lock(&dev->ctl_mutex);
	if (dev->running) {
		mutex_unlock(&dev->ctl_mutex);
		return -EBUSY;
	}
	dev->seq = 0;
	kfifo_reset(&dev->backlog);
	dev->running = true;
	tickdev_timer_start(&dev->timer, dev->cfg.timer, dev->cfg.period_ns);
	mutex_unlock(&dev->ctl_mutex);
	return 0;
}

/**
 * tickdev_stop() - stop producing; idempotent
 * @dev: the device
 *
 * Order matters: the timer's active flag is cleared and the timer
 * cancelled synchronously first, so nothing queues new work; then the
 * design finishes what the timer already handed it.  Readers blocked in
 * read() keep waiting, as on a disarmed timerfd.
 */
void tickdev_stop(struct tickdev_dev *dev)
{
	mutex_lock(&dev->ctl_mutex);
	if (dev->running) {
		tickdev_timer_stop(&dev->timer);
		dev->prod->quiesce(dev);
		dev->running = false;
	}
	mutex_unlock(&dev->ctl_mutex);
}

static void tickdev_free_storage(void **storage, unsigned int n)
{
	while (n--)
		kvfree(storage[n]);
}

/*
 * Give every ring the layout of @cfg: all storage is allocated first, so a
 * failure changes nothing; the swap itself cannot fail.  Caller holds
 * ctl_mutex with the producer stopped.
 */
static int tickdev_relayout(struct tickdev_dev *dev, const struct tickdev_config *cfg)
{
	const struct tickdev_producer_ops *ops = tickdev_producers[cfg->design];
	bool shared = cfg->fanout == TICKDEV_FANOUT_SHARED;
	struct tickdev_reader *rd;
	void **storage;
	unsigned int n = 0, i = 0;
	u64 discarded = 0;
	int ret = 0;

	mutex_lock(&dev->readers_mutex);
	/* Slot 0 is the shared ring, then one per reader in list order. */
	storage = kcalloc(dev->nreaders + 1, sizeof(*storage), GFP_KERNEL);
	if (!storage) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	if (shared)
		ret = tickdev_ring_alloc_storage(cfg, &storage[0]);
	for (n = 1; !ret && !shared && n <= dev->nreaders; n++)
		ret = tickdev_ring_alloc_storage(cfg, &storage[n]);
	if (ret)
		goto out_free;

	down_write(&dev->cfg_rwsem);
	discarded += tickdev_ring_set_storage(&dev->shared, cfg, ops, &storage[0]);
	list_for_each_entry(rd, &dev->readers, node)
		discarded += tickdev_ring_set_storage(&rd->ring, cfg, ops,
						      &storage[++i]);
	dev->cfg = *cfg;
	dev->prod = ops;
	WRITE_ONCE(dev->cfg_gen, dev->cfg_gen + 1);
	up_write(&dev->cfg_rwsem);
	atomic64_add(discarded, &dev->stats.dropped);
	n = dev->nreaders + 1;

	/* Sleepers re-check against the new layout. */
	wake_up_interruptible_all(&dev->shared.wait);
	list_for_each_entry(rd, &dev->readers, node)
		wake_up_interruptible_all(&rd->ring.wait);
out_free:
	/* On success these are the old buffers; on failure the new ones. */
	tickdev_free_storage(storage, n);
	kfree(storage);
out_unlock:
	mutex_unlock(&dev->readers_mutex);
	return ret;
}

/**
 * tickdev_set_config() - apply a checked configuration
 * @dev: the device
 * @cfg: a configuration tickdev_config_check() accepted
 *
 * Records still queued are discarded and counted as dropped.
 *
 * Return: 0, -EBUSY while running, or -ENOMEM (nothing changed).
 */
int tickdev_set_config(struct tickdev_dev *dev, const struct tickdev_config *cfg)
{
	int ret;

	mutex_lock(&dev->ctl_mutex);
	ret = dev->running ? -EBUSY : tickdev_relayout(dev, cfg);
	mutex_unlock(&dev->ctl_mutex);
	return ret;
}

/**
 * tickdev_get_stats() - snapshot the device-wide counters
 * @dev: the device
 * @st: filled in, padding included
 */
void tickdev_get_stats(struct tickdev_dev *dev, struct tickdev_stats *st)
{
	struct tickdev_counters *c = &dev->stats;

	memset(st, 0, sizeof(*st));
	st->produced = atomic64_read(&c->produced);
	st->enqueued = atomic64_read(&c->enqueued);
	st->dropped = atomic64_read(&c->dropped);
	st->delivered = atomic64_read(&c->delivered);
	st->wakeups = atomic64_read(&c->wakeups);
	st->rearms = atomic64_read(&c->rearms);
	st->overruns = atomic64_read(&c->overruns);
	st->max_fill = atomic64_read(&c->max_fill);
	st->readers = READ_ONCE(dev->nreaders);
	st->running = READ_ONCE(dev->running);
}

/**
 * tickdev_reset_stats() - zero the counters
 * @dev: the device
 *
 * Records queued at the time stay counted as enqueued-before-reset, so the
 * accounting identity holds again only for events produced afterwards.
 */
void tickdev_reset_stats(struct tickdev_dev *dev)
{
	struct tickdev_counters *c = &dev->stats;

	atomic64_set(&c->produced, 0);
	atomic64_set(&c->enqueued, 0);
	atomic64_set(&c->dropped, 0);
	atomic64_set(&c->delivered, 0);
	atomic64_set(&c->wakeups, 0);
	atomic64_set(&c->rearms, 0);
	atomic64_set(&c->overruns, 0);
	atomic64_set(&c->max_fill, 0);
	atomic64_set(&c->backlog_full, 0);
}

static int tickdev_parse_name(const char *what, const char *val,
			      const char *const *names, unsigned int n, u32 *out)
{
	int i = match_string(names, n, val);

	if (i < 0) {
		pr_err("unknown %s '%s'\n", what, val);
		return -EINVAL;
	}
	*out = i;
	return 0;
}

/* The module parameters as a configuration; -EINVAL names what is wrong. */
static int tickdev_param_config(struct tickdev_config *cfg)
{
	const char *design_names[TICKDEV_DESIGN_NR];
	unsigned int i;
	int ret;

	if (!tickdev_max_ring_kib || tickdev_max_ring_kib > 1048576 ||
	    !tickdev_max_readers || tickdev_max_readers > 4096) {
		pr_err("max_ring_kib must be 1..1048576 and max_readers 1..4096\n");
		return -EINVAL;
	}
	for (i = 0; i < TICKDEV_DESIGN_NR; i++)
		design_names[i] = tickdev_producers[i]->name;

	memset(cfg, 0, sizeof(*cfg));
	cfg->period_ns = period_ns;
	cfg->ring_records = ring_records;
	cfg->frame_bytes = frame_bytes;
	ret = tickdev_parse_name("timer", timer, tickdev_timer_names,
				 TICKDEV_TIMER_NR, &cfg->timer) ?:
	      tickdev_parse_name("design", design, design_names,
				 TICKDEV_DESIGN_NR, &cfg->design) ?:
	      tickdev_parse_name("fanout", fanout, tickdev_fanout_names,
				 TICKDEV_FANOUT_NR, &cfg->fanout);
	if (ret)
		return ret;
	ret = tickdev_config_check(cfg);
	if (ret)
		pr_err("invalid defaults: period_ns=%lu timer=%s ring_records=%u frame_bytes=%u (max_ring_kib=%u, one jiffy=%lu ns)\n",
		       period_ns, timer, ring_records, frame_bytes,
		       tickdev_max_ring_kib, TICK_NSEC);
	return ret;
}

/* Names for the status view. */
const char *tickdev_timer_name(u32 t)
{
	return t < TICKDEV_TIMER_NR ? tickdev_timer_names[t] : "?";
}

const char *tickdev_fanout_name(u32 f)
{
	return f < TICKDEV_FANOUT_NR ? tickdev_fanout_names[f] : "?";
}

static int __init tickdev_init(void)
{
	struct tickdev_dev *dev = &tickdev;
	struct tickdev_config cfg;
	void *storage = NULL;
	int ret;

	ret = tickdev_param_config(&cfg);
	if (ret)
		return ret;

	mutex_init(&dev->ctl_mutex);
	mutex_init(&dev->readers_mutex);
	init_rwsem(&dev->cfg_rwsem);
	INIT_LIST_HEAD(&dev->readers);
	ida_init(&dev->ids);
	tickdev_ring_init(&dev->shared, 0);
	tickdev_timer_init(&dev->timer);
	dev->cfg = cfg;
	dev->prod = tickdev_producers[cfg.design];

	dev->pattern = kvmalloc(TICKDEV_FRAME_MAX + 256, GFP_KERNEL);
	if (!dev->pattern)
		return -ENOMEM;
	for (ret = 0; ret < TICKDEV_FRAME_MAX + 256; ret++)
		dev->pattern[ret] = ret & 0xff;

	ret = tickdev_workqueue_init(dev);
	if (ret)
		goto err_free_pattern;

	if (cfg.fanout == TICKDEV_FANOUT_SHARED) {
		ret = tickdev_ring_alloc_storage(&cfg, &storage);
		if (ret)
			goto err_destroy_wq;
	}
	tickdev_ring_set_storage(&dev->shared, &cfg, dev->prod, &storage);

	tickdev_debugfs_init(dev);

	if (autostart)
		tickdev_start(dev);

	dev->misc.minor = MISC_DYNAMIC_MINOR;
	dev->misc.name = TICKDEV_NAME;
	dev->misc.fops = &tickdev_fops;
	dev->misc.mode = dev_mode & 0666;
	ret = misc_register(&dev->misc);
	if (ret)
		goto err_stop;

	pr_info("ready: /dev/%s period_ns=%llu timer=%s design=%s fanout=%s ring_records=%u frame_bytes=%u%s\n",
		TICKDEV_NAME, cfg.period_ns, tickdev_timer_name(cfg.timer),
		dev->prod->name, tickdev_fanout_name(cfg.fanout),
		cfg.ring_records, cfg.frame_bytes, autostart ? " (started)" : "");
	return 0;

err_stop:
	tickdev_stop(dev);
	tickdev_debugfs_exit(dev);
	kvfree(dev->shared.storage);
err_destroy_wq:
	tickdev_workqueue_exit(dev);
err_free_pattern:
	kvfree(dev->pattern);
	return ret;
}

static void __exit tickdev_exit(void)
{
	struct tickdev_dev *dev = &tickdev;

	/* No new opens; .owner kept us loaded while any reader was open. */
	misc_deregister(&dev->misc);
	tickdev_stop(dev);
	tickdev_debugfs_exit(dev);
	kvfree(dev->shared.storage);
	tickdev_workqueue_exit(dev);
	kvfree(dev->pattern);
	ida_destroy(&dev->ids);
}

module_init(tickdev_init);
module_exit(tickdev_exit);
MODULE_DESCRIPTION("Timer-driven event device for driver latency experiments");
MODULE_AUTHOR("tickdev developers");
MODULE_LICENSE("GPL");
