# Tandem: one Makefile for the host library and tools, the RTL tests, the
# simulator, synthesis and boards. `make help` lists the verbs.
#
# Tool variables come first so any of them can be overridden on the command
# line (make VERILATOR=/opt/verilator/bin/verilator test).
CC        ?= cc
CXX       ?= c++
CLANG     ?= clang
PKG_CONFIG ?= pkg-config
VERILATOR ?= verilator
YOSYS     ?= yosys
NEXTPNR_ICE40 ?= nextpnr-ice40
ICEPACK   ?= icepack
PYTHON    ?= python3
BUILD     ?= build
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)

# Warnings are errors everywhere (../shared/STYLE.md).
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wno-unused-parameter
CSTD    := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT     ?= -O2 -g
INCLUDES := -Iinclude -Ihost/lib
CFLAGS_ALL = $(CSTD) $(OPT) $(WARN) $(INCLUDES) $(CFLAGS)

# Libraries, through pkg-config (never vendored).
PC_CFLAGS = $(shell $(PKG_CONFIG) --cflags jansson cmocka libcrypto 2>/dev/null)
PC_LIBS   = $(shell $(PKG_CONFIG) --libs jansson cmocka libcrypto 2>/dev/null)

# Every fragment appends the executables `make check` runs to TEST_BINS
# (built by make, run from the repository root by scripts/run-tests.sh).
TEST_BINS :=

.PHONY: all help deps test check run lint bench clean
all: lib

help:
	@echo "make test     install missing dependencies, build, run every test"
	@echo "make run      the main job on the simulated device (no hardware)"
	@echo "make check    build and run the tests (dependencies already there)"
	@echo "make lint     clang-format check, cppcheck, verilator --lint-only"
	@echo "make bench    synthesis numbers and benchmarks (slow, not in CI)"
	@echo "make deps     install missing Debian packages / Python wheels"
	@echo "make clean    remove build/"

deps:
	@scripts/deps.sh

# The README's test command: dependencies first, then a fresh make so that
# pkg-config sees what was just installed.
test: deps
	@$(MAKE) --no-print-directory check

check:
	@$(MAKE) --no-print-directory -j$(JOBS) test-bins
	@scripts/run-tests.sh $(TEST_BINS)

include mk/host.mk
-include mk/fuzz.mk
-include mk/rtl.mk
-include mk/link.mk
-include mk/run.mk
-include mk/stratum.mk
-include mk/device.mk
-include mk/firmware.mk
-include mk/host-tools.mk
-include mk/mine.mk
-include mk/boards.mk

.PHONY: test-bins
test-bins: $(filter-out scripts/%,$(TEST_BINS))

lint: lint-c $(LINT_EXTRA)

# Benchmarks: fragments add their bench-* targets as prerequisites of bench;
# bench-deps comes first so the ECP5 wheels are there.
bench: bench-deps
.PHONY: bench-deps
bench-deps:
	@scripts/deps.sh bench

clean:
	rm -rf $(BUILD)
