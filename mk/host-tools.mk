# The host tools: the `tandem` command line (host/*.c linked with
# libtandem), the simulated device tandem-sim (sim/tandem_sim.cpp around
# the Verilator model of rtl/tandem_device.v), their end-to-end tests and
# benchmarks.
HOST_TOOL_SRCS := $(filter-out host/selfcheck.c,$(wildcard host/*.c))
HOST_TOOL_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(HOST_TOOL_SRCS))
HOST_TOOL_LIBS = $(shell $(PKG_CONFIG) --libs libusb-1.0 libftdi1 jansson) \
	-lpthread -lm
HOST_TOOL_CFLAGS = $(shell $(PKG_CONFIG) --cflags libusb-1.0 libftdi1 jansson)
TANDEM := $(BUILD)/host/tandem

.PHONY: host tandem
host tandem: $(TANDEM)

$(BUILD)/host/%.o: host/%.c $(wildcard host/*.h include/*.h host/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ihost $(HOST_TOOL_CFLAGS) -c $< -o $@

$(TANDEM): $(HOST_TOOL_OBJS) $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $(HOST_TOOL_OBJS) $(LIBTANDEM) $(HOST_TOOL_LIBS) \
		$(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null)

# ---- simulated device -------------------------------------------------------
# Each configuration is one Verilator build of the whole device with its
# parameters set; build/sim/tandem-sim points at the default (fast) one.
#   fast      rolled core: few pipelines, quick to build, used by tests/run
#   unrolled  fully unrolled core (LOOP_LOG2=0): slow to build, bench only
#   lite      the small boards' header-mode-only device (STRATUM=0), one
#             pipeline, LITE_LOOP_LOG2 (mk/device.mk; 7 = compact lanes)
# Any configuration runs as build/sim/tandem-sim-NAME, or through
# build/sim/tandem-sim --config NAME (tandem ... --sim-config NAME).
SIM_CONFIGS ?= fast unrolled lite
SIM_DEFAULT ?= fast
SIM_PARAMS_fast     ?= -GPIPELINES=2 -GLOOP_LOG2=6 -GSLOTS=4
SIM_PARAMS_unrolled ?= -GPIPELINES=1 -GLOOP_LOG2=0 -GSLOTS=4
SIM_PARAMS_lite     ?= -GSTRATUM=0 -GPIPELINES=1 -GLOOP_LOG2=$(LITE_LOOP_LOG2) \
	-GSLOTS=2 -GCLK_HZ=12000000
SIM_VFLAGS ?= -O3 --x-assign fast --x-initial fast -Wno-fatal \
	--trace --threads 1
SIM_DEVICE_F := rtl/device.f
TANDEM_SIM := $(BUILD)/sim/tandem-sim

.PHONY: sim sim-all
sim: $(TANDEM_SIM)
sim-all: $(foreach c,$(SIM_CONFIGS),$(BUILD)/sim/tandem-sim-$(c))

# (device.f includes further .f files, so every RTL file is a prerequisite)
$(BUILD)/sim/tandem-sim-%: sim/tandem_sim.cpp sim/testb.h $(LIBTANDEM) \
		$(wildcard rtl/*.f rtl/*.v rtl/*.vh) $(wildcard include/*.h)
	@mkdir -p $(BUILD)/sim/obj-$*
	$(VERILATOR) --cc --exe --build -j 2 $(SIM_VFLAGS) \
		--top-module tandem_device -Irtl -f $(SIM_DEVICE_F) $(SIM_PARAMS_$*) \
		--Mdir $(BUILD)/sim/obj-$* -o tandem-sim-$* \
		-CFLAGS "-O2 -I$(CURDIR)/include -DSIM_CONFIG=\\\"$*\\\"" \
		-LDFLAGS "$(abspath $(LIBTANDEM))" \
		$(CURDIR)/sim/tandem_sim.cpp
	cp $(BUILD)/sim/obj-$*/tandem-sim-$* $@

$(TANDEM_SIM): $(BUILD)/sim/tandem-sim-$(SIM_DEFAULT)
	ln -sf tandem-sim-$(SIM_DEFAULT) $@

# The lite simulator is built with the tests, so it keeps building; it is
# rebuilt when LITE_LOOP_LOG2 changes (LITE_STAMP, mk/device.mk).
.PHONY: sim-lite
sim-lite: $(BUILD)/sim/tandem-sim-lite
$(BUILD)/sim/tandem-sim-lite: $(LITE_STAMP)
test-bins: $(BUILD)/sim/tandem-sim-lite

# ---- end-to-end tests -------------------------------------------------------
# One runner drives build/host/tandem against the software device and the
# simulator; it prints "cli: N passed, N failed".
CLI_TEST := $(BUILD)/tests/cli/cli-tests
TEST_BINS += $(CLI_TEST)

# (without rtl/device.f yet, the simulator tests are skipped and say so)
$(CLI_TEST): tests/cli/cli_tests.py tests/cli/make_jobs.py $(TANDEM) \
		$(if $(wildcard $(SIM_DEVICE_F)),$(TANDEM_SIM))
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec $(PYTHON) tests/cli/cli_tests.py "$$@"\n' > $@
	chmod +x $@

# ---- the main job and benchmarks --------------------------------------------
JOB_FILES := $(sort $(wildcard data/jobs/*.json))
RUN_TARGETS ?= \
	--target share=000fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff \
	--target aux=0000ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff

.PHONY: run-sim bench-host
run-sim: $(TANDEM) $(TANDEM_SIM)
	$(TANDEM) run --device sim --log info $(RUN_TARGETS) \
		$(foreach j,$(JOB_FILES),--job $(j))

bench: bench-host
bench-host: $(TANDEM) $(TANDEM_SIM)
	$(PYTHON) tests/cli/bench_host.py

# ---- unit tests of the host tools (cmocka) ----------------------------------
# They link the host objects (not main.o), so they live here rather than in
# tests/host/ (which links libtandem only).
HOST_TOOL_UNIT_SRCS := $(wildcard tests/cli/test_*.c)
HOST_TOOL_UNIT_BINS := $(patsubst tests/cli/%.c,$(BUILD)/tests/cli/%,$(HOST_TOOL_UNIT_SRCS))
TEST_BINS += $(HOST_TOOL_UNIT_BINS)

$(BUILD)/tests/cli/test_%: tests/cli/test_%.c \
		$(filter-out $(BUILD)/host/main.o,$(HOST_TOOL_OBJS)) $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -Ihost $(HOST_TOOL_CFLAGS) \
		$(shell $(PKG_CONFIG) --cflags cmocka) $< \
		$(filter-out $(BUILD)/host/main.o,$(HOST_TOOL_OBJS)) $(LIBTANDEM) \
		-o $@ $(HOST_TOOL_LIBS) $(shell $(PKG_CONFIG) --libs cmocka libcrypto)
