// SPDX-License-Identifier: GPL-2.0
/*
 * The one place the tickdev tracepoints are instantiated; every other file
 * includes tickdev_trace.h for the trace_tickdev_*() calls only.
 */
#define CREATE_TRACE_POINTS
#include "tickdev_trace.h"
