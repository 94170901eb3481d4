# SPDX-License-Identifier: GPL-2.0
#
# tickdev: `make` builds the module and the userspace tools against the
# guest kernel's headers; `make test` runs the suite in the guest; `make
# bench` runs the benchmark suite; `make check` is the style gate.

KVER ?= $(shell scripts/vm-run --print-kver 2>/dev/null)
KDIR ?= /lib/modules/$(KVER)/build
TOP := $(CURDIR)

# Module trees built by kbuild: the driver and the harness probe module.
KMODS := driver tests/harness/tickdev_hello

.PHONY: all deps modules user test check clean help bench report \
	debug-kernel test-debug

# Benchmark preset: quick (~2 min), default (~15 min), full.
PRESET ?= default

all: deps modules user

help:
	@echo "make            build tickdev.ko and the userspace tools"
	@echo "make test       run the test suite in the guest (exit status is the verdict)"
	@echo "make bench      run the benchmark suite in the guest (PRESET=quick|default|full)"
	@echo "make report     RESULTS.md and plots from the newest results folder"
	@echo "make check      W=1 build, sparse C=2, checkpatch --strict"
	@echo "make debug-kernel / make test-debug   the debug-kernel tier"
	@echo "make clean      remove build output (keeps .cache)"

deps:
	@scripts/deps

modules: deps
	@test -d "$(KDIR)" || { echo "no kernel build tree $(KDIR): run scripts/deps" >&2; exit 1; }
	@set -e; for m in $(KMODS); do \
		$(MAKE) -C $(KDIR) M=$(TOP)/$$m modules; \
	done

user: deps
	@for d in bench tests; do \
		if [ -f $$d/Makefile ]; then $(MAKE) -C $$d || exit 1; fi; \
	done

# Two boots (scripts/test-vm): the tests that live-patch kernel text with
# single-threaded TCG, the rest multi-threaded; a hung guest fails with
# where its vCPUs were.
test: all
	scripts/test-vm --stall 900 -t 3600

# The main job: the benchmark suite in the guest, into results/<date>-<commit>/
# (two boots: latency phases multi-threaded TCG, tracing overhead single).
bench: all
	scripts/bench --preset $(PRESET)

# RESULTS.md and its plots from the newest results folder (host side).
report: deps
	scripts/report

# The debug-kernel tier: a lockdep/KASAN/kmemleak kernel, cached in .cache.
debug-kernel: deps
	scripts/debug-kernel

test-debug: deps debug-kernel
	scripts/test-debug

# The style gate: a W=1 build with sparse over every file, then checkpatch
# on every C file we own; any warning fails.
CHECK_C := $(shell git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null)
check: deps
	@ksrc=$$(scripts/ksrc) || exit 1; \
	fail=0; \
	for m in $(KMODS); do \
		$(MAKE) -s -C $(KDIR) M=$(TOP)/$$m clean >/dev/null; \
		$(MAKE) -C $(KDIR) M=$(TOP)/$$m W=1 C=2 CHECK="sparse -Wno-decl" modules \
			>.cache/check-$$(basename $$m).log 2>&1 || fail=1; \
		if grep -E 'warning:|error:' .cache/check-$$(basename $$m).log; then fail=1; fi; \
	done; \
	echo "check: W=1 + sparse: $$( [ $$fail = 0 ] && echo clean || echo FAILED)"; \
	cp="perl $$ksrc/scripts/checkpatch.pl --strict --no-tree --terse --show-types"; \
	$$cp -f $(filter-out driver/compat.h,$(CHECK_C)) || fail=1; \
	: "compat.h exists to compare LINUX_VERSION_CODE; nothing else is waived"; \
	$$cp --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON -f driver/compat.h || fail=1; \
	[ $$fail = 0 ] && echo "check: all clean"; exit $$fail

clean:
	@for m in $(KMODS); do \
		if [ -d "$(KDIR)" ]; then $(MAKE) -s -C $(KDIR) M=$(TOP)/$$m clean; fi; \
	done
	@for d in bench tests; do \
		if [ -f $$d/Makefile ]; then $(MAKE) -s -C $$d clean; fi; \
	done
