/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tickdev tracepoints: one event per step of an event's life, so a trace
 * alone gives expiry -> enqueue -> wakeup -> read for each event.
 *
 *   tickdev_timer_fire  the timer callback ran (sched_ns is the join key)
 *   tickdev_rearm       the timer was re-armed; overruns = periods skipped
 *   tickdev_enqueue     a record entered ring @ring (seq, sched_ns join)
 *   tickdev_drop        the oldest record of ring @ring was dropped
 *   tickdev_wakeup      sleepers of ring @ring were woken after seq
 *   tickdev_read        reader @reader copied record seq to userspace
 *
 * Ring 0 is the shared fan-out's ring; otherwise ring == reader id.
 * Derived values (lateness, latency) are computed in TP_fast_assign, so
 * nothing is computed while the events are disabled.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tickdev

#if !defined(_TICKDEV_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TICKDEV_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(tickdev_timer_fire,
	    TP_PROTO(u64 sched_ns, u64 expire_ns, u32 timer),
	    TP_ARGS(sched_ns, expire_ns, timer),
	    TP_STRUCT__entry(__field(u64, sched_ns)
			     __field(u64, expire_ns)
			     __field(s64, lateness_ns)
			     __field(u32, timer)),
	    TP_fast_assign(__entry->sched_ns = sched_ns;
			   __entry->expire_ns = expire_ns;
			   __entry->lateness_ns = (s64)(expire_ns - sched_ns);
			   __entry->timer = timer;),
	    TP_printk("sched_ns=%llu expire_ns=%llu lateness_ns=%lld timer=%s",
		      __entry->sched_ns, __entry->expire_ns, __entry->lateness_ns,
		      __print_symbolic(__entry->timer,
				       { 0, "list" }, { 1, "hrtimer" }))
);

TRACE_EVENT(tickdev_rearm,
	    TP_PROTO(u64 next_ns, u64 overruns),
	    TP_ARGS(next_ns, overruns),
	    TP_STRUCT__entry(__field(u64, next_ns)
			     __field(u64, overruns)),
	    TP_fast_assign(__entry->next_ns = next_ns;
			   __entry->overruns = overruns;),
	    TP_printk("next_ns=%llu overruns=%llu",
		      __entry->next_ns, __entry->overruns)
);

DECLARE_EVENT_CLASS(tickdev_record_class,
		    TP_PROTO(u64 seq, u64 sched_ns, u32 ring, u32 fill),
		    TP_ARGS(seq, sched_ns, ring, fill),
		    TP_STRUCT__entry(__field(u64, seq)
				     __field(u64, sched_ns)
				     __field(u32, ring)
				     __field(u32, fill)),
		    TP_fast_assign(__entry->seq = seq;
				   __entry->sched_ns = sched_ns;
				   __entry->ring = ring;
				   __entry->fill = fill;),
		    TP_printk("seq=%llu sched_ns=%llu ring=%u fill=%u",
			      __entry->seq, __entry->sched_ns, __entry->ring,
			      __entry->fill)
);

/* fill: records in the ring after the enqueue. */
DEFINE_EVENT(tickdev_record_class, tickdev_enqueue,
	     TP_PROTO(u64 seq, u64 sched_ns, u32 ring, u32 fill),
	     TP_ARGS(seq, sched_ns, ring, fill)
);

/* seq/sched_ns: the dropped record; fill: records left after the drop. */
DEFINE_EVENT(tickdev_record_class, tickdev_drop,
	     TP_PROTO(u64 seq, u64 sched_ns, u32 ring, u32 fill),
	     TP_ARGS(seq, sched_ns, ring, fill)
);

TRACE_EVENT(tickdev_wakeup,
	    TP_PROTO(u64 seq, u32 ring),
	    TP_ARGS(seq, ring),
	    TP_STRUCT__entry(__field(u64, seq)
			     __field(u32, ring)),
	    TP_fast_assign(__entry->seq = seq;
			   __entry->ring = ring;),
	    TP_printk("seq=%llu ring=%u", __entry->seq, __entry->ring)
);

TRACE_EVENT(tickdev_read,
	    TP_PROTO(u64 seq, u32 reader, u64 enqueue_ns, u64 now_ns),
	    TP_ARGS(seq, reader, enqueue_ns, now_ns),
	    TP_STRUCT__entry(__field(u64, seq)
			     __field(u64, enqueue_ns)
			     __field(u64, latency_ns)
			     __field(u32, reader)),
	    TP_fast_assign(__entry->seq = seq;
			   __entry->enqueue_ns = enqueue_ns;
			   __entry->latency_ns = now_ns - enqueue_ns;
			   __entry->reader = reader;),
	    TP_printk("seq=%llu reader=%u enqueue_ns=%llu latency_ns=%llu",
		      __entry->seq, __entry->reader, __entry->enqueue_ns,
		      __entry->latency_ns)
);

#endif /* _TICKDEV_TRACE_H */

/* Out-of-tree: define_trace.h finds this file through the include path. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE tickdev_trace
#include <trace/define_trace.h>
