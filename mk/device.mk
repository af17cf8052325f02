# Job engine, command unit and the whole device (rtl/tandem_device.v):
# Verilator builds of their tests, lint of their RTL and the bench-device
# numbers. Included by the root Makefile.
#
# The device tests use a small fast configuration (DEV_TEST_G) so the
# whole set builds and runs in a few minutes; the defaults of the RTL are
# the real-size device. test_device_lite is the header-mode-only device of
# the small boards (STRATUM=0, job_header) with a board-sized core.

DEV_VBUILD := $(BUILD)/verilator
DEV_CXXFLAGS = -std=c++14 -O1 -I$(CURDIR)/sim -I$(CURDIR)/include \
	-I$(CURDIR)/host/lib -I$(CURDIR)/tests/rtl \
	$(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
DEV_LDFLAGS = $(abspath $(LIBTANDEM)) \
	$(shell $(PKG_CONFIG) --libs jansson 2>/dev/null)
DEV_VFLAGS := --cc --exe --build -j 2 --trace -Wall -Wno-fatal \
	-Wno-DECLFILENAME

JOB_RTL := rtl/job_sha256.v rtl/job_ram.v rtl/job_banks.v rtl/job_facts.v \
	rtl/job_engine.v
# the header-mode engine (job_header) and what it uses
HDR_RTL := rtl/job_ram.v rtl/job_banks.v rtl/job_facts.v rtl/job_header.v
DEV_TEST_DEPS := sim/testb.h tests/rtl/test_job_util.h $(LIBTANDEM)

# Engine alone, fed through its job RAM port (job_sha256 includes
# rtl/sha256_k.vh, job_engine rtl/tandem_clog2.vh, hence -Irtl).
$(BUILD)/tests/rtl/test_job_engine: tests/rtl/test_job_engine.cpp \
		$(JOB_RTL) rtl/sha256_k.vh rtl/tandem_clog2.vh $(DEV_TEST_DEPS)
	@mkdir -p $(dir $@) $(DEV_VBUILD)
	$(VERILATOR) $(DEV_VFLAGS) -Irtl --Mdir $(DEV_VBUILD)/test_job_engine \
		--top-module job_engine -o $(abspath $@) \
		-CFLAGS "$(DEV_CXXFLAGS)" -LDFLAGS "$(DEV_LDFLAGS)" \
		$(JOB_RTL) $(abspath $<) >$(DEV_VBUILD)/test_job_engine.log 2>&1 \
		|| { cat $(DEV_VBUILD)/test_job_engine.log; exit 1; }

TEST_BINS += $(BUILD)/tests/rtl/test_job_engine


# Whole device in a small fast configuration: 2 pipelines with rings of 8
# rounds, 4 target slots; the job limits are the real ones.
DEV_TEST_G := -GPIPELINES=2 -GLOOP_LOG2=3 -GSLOTS=4 -GFIFO_DEPTH=8 \
	-GCLK_HZ=50000000
DEV_TEST_D := -DDEV_PIPELINES=2 -DDEV_LOOP_LOG2=3 -DDEV_SLOTS=4 \
	-DDEV_CLK_HZ=50000000
DEVICE_RTL := $(shell sed -e 's://.*::' rtl/core.f rtl/link.f 2>/dev/null) \
	rtl/job_sha256.v rtl/job_ram.v rtl/job_banks.v rtl/job_facts.v \
	rtl/job_engine.v rtl/job_header.v rtl/cmd_unit.v rtl/cmd_resp.v \
	rtl/tandem_device.v

$(BUILD)/tests/rtl/test_device: tests/rtl/test_device.cpp $(DEVICE_RTL) \
		rtl/sha256_k.vh rtl/tandem_clog2.vh $(DEV_TEST_DEPS)
	@mkdir -p $(dir $@) $(DEV_VBUILD)
	$(VERILATOR) $(DEV_VFLAGS) -O3 --x-assign fast --x-initial fast \
		-Irtl --Mdir $(DEV_VBUILD)/test_device \
		--top-module tandem_device $(DEV_TEST_G) -o $(abspath $@) \
		-CFLAGS "$(DEV_CXXFLAGS) $(DEV_TEST_D)" -LDFLAGS "$(DEV_LDFLAGS)" \
		$(DEVICE_RTL) $(abspath $<) >$(DEV_VBUILD)/test_device.log 2>&1 \
		|| { cat $(DEV_VBUILD)/test_device.log; exit 1; }

TEST_BINS += $(BUILD)/tests/rtl/test_device

# Header-mode-only device as the small boards build it: one pipeline of
# LITE_LOOP_LOG2 (6: one round per clock, 7: the compact lanes), 2 slots.
# LITE_LOOP_LOG2 also sets the lite simulator (mk/host-tools.mk).
LITE_LOOP_LOG2 ?= 7
DEV_LITE_G := -GSTRATUM=0 -GPIPELINES=1 -GLOOP_LOG2=$(LITE_LOOP_LOG2) \
	-GSLOTS=2 -GFIFO_DEPTH=8 -GCLK_HZ=12000000
DEV_LITE_D := -DDEV_STRATUM=0 -DDEV_PIPELINES=1 \
	-DDEV_LOOP_LOG2=$(LITE_LOOP_LOG2) -DDEV_SLOTS=2 -DDEV_CLK_HZ=12000000
# A stamp per value, so changing LITE_LOOP_LOG2 rebuilds the lite builds.
LITE_STAMP := $(BUILD)/lite-loop-log2-$(LITE_LOOP_LOG2).stamp
$(LITE_STAMP):
	@mkdir -p $(dir $@)
	@rm -f $(BUILD)/lite-loop-log2-*.stamp
	@touch $@

$(BUILD)/tests/rtl/test_device_lite: tests/rtl/test_device.cpp $(DEVICE_RTL) \
		rtl/sha256_k.vh rtl/tandem_clog2.vh $(DEV_TEST_DEPS) $(LITE_STAMP)
	@mkdir -p $(dir $@) $(DEV_VBUILD)
	$(VERILATOR) $(DEV_VFLAGS) -O3 --x-assign fast --x-initial fast \
		-Irtl --Mdir $(DEV_VBUILD)/test_device_lite \
		--top-module tandem_device $(DEV_LITE_G) -o $(abspath $@) \
		-CFLAGS "$(DEV_CXXFLAGS) $(DEV_LITE_D)" -LDFLAGS "$(DEV_LDFLAGS)" \
		$(DEVICE_RTL) $(abspath $<) >$(DEV_VBUILD)/test_device_lite.log 2>&1 \
		|| { cat $(DEV_VBUILD)/test_device_lite.log; exit 1; }

TEST_BINS += $(BUILD)/tests/rtl/test_device_lite

# ---- bench-device (part of `make bench`, not of `make check`) ----
# Utilisation across rolls on a fully unrolled single pipeline (one nonce
# per clock, the hardest case for the engine), and the LUT/FF cost of the
# engines, the command unit and the link on iCE40 and ECP5.
BENCH_DEV_G := -GPIPELINES=1 -GLOOP_LOG2=0 -GSLOTS=2 -GFIFO_DEPTH=8
$(BUILD)/bench/test_device_bench: tests/rtl/test_device_bench.cpp \
		$(DEVICE_RTL) rtl/sha256_k.vh rtl/tandem_clog2.vh $(DEV_TEST_DEPS)
	@mkdir -p $(dir $@) $(DEV_VBUILD)
	$(VERILATOR) $(DEV_VFLAGS) -O3 --x-assign fast --x-initial fast \
		-Irtl --Mdir $(DEV_VBUILD)/test_device_bench \
		--top-module tandem_device $(BENCH_DEV_G) -o $(abspath $@) \
		-CFLAGS "$(DEV_CXXFLAGS)" -LDFLAGS "$(DEV_LDFLAGS)" \
		$(DEVICE_RTL) $(abspath $<) >$(DEV_VBUILD)/test_device_bench.log 2>&1 \
		|| { cat $(DEV_VBUILD)/test_device_bench.log; exit 1; }

LINK_CMD_RTL := rtl/link_crc8.v rtl/link_crc16.v rtl/link_frame_rx.v \
	rtl/link_frame_tx.v rtl/cmd_unit.v rtl/cmd_resp.v
# $(1) synth command, $(2) top, $(3) files
dev_synth = $(YOSYS) -q -p "read_verilog -Irtl $(3); $(1) -top $(2); \
	tee -o $(BUILD)/bench/synth_$(2)_$(word 1,$(1)).txt stat" >/dev/null && \
	grep -E "Number of cells|SB_LUT4|SB_DFF|LUT4|TRELLIS_FF|SB_RAM|DP16KD|TRELLIS_DPR" \
		$(BUILD)/bench/synth_$(2)_$(word 1,$(1)).txt | sed 's/^/    /'

.PHONY: bench-device
bench-device: $(BUILD)/bench/test_device_bench
	@echo "== bench-device: utilisation across rolls (1 unrolled pipeline)"
	@$(BUILD)/bench/test_device_bench
	@for s in synth_ice40 synth_ecp5; do \
		echo "== $$s: job engine (job_engine + job_sha256 + job_ram)"; \
		$(call dev_synth,$$s,job_engine,$(JOB_RTL)) || exit 1; \
		echo "== $$s: header job engine (job_header + job_ram)"; \
		$(call dev_synth,$$s,job_header,$(HDR_RTL)) || exit 1; \
		echo "== $$s: command unit + response builder"; \
		$(call dev_synth,$$s,cmd_unit,rtl/cmd_unit.v) || exit 1; \
		$(call dev_synth,$$s,cmd_resp,rtl/cmd_resp.v) || exit 1; \
		echo "== $$s: frame link (link_frame_rx + link_frame_tx)"; \
		$(call dev_synth,$$s,link_frame_rx,$(LINK_CMD_RTL)) || exit 1; \
		$(call dev_synth,$$s,link_frame_tx,$(LINK_CMD_RTL)) || exit 1; \
	done
bench: bench-device

# verilator --lint-only -Wall over the engines (two sizes each), the
# command unit and the response builder (both STRATUM settings).
.PHONY: lint-device
lint-device:
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module job_engine $(JOB_RTL)
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module job_engine \
		-GMAX_REM_BLOCKS=2 -GMAX_BRANCH=4 -GMETA_LOG2=1 $(JOB_RTL)
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module job_header \
		-GBANK_AW=5 $(HDR_RTL)
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module job_header \
		-GMETA_LOG2=1 $(HDR_RTL)
	$(VERILATOR) --lint-only -Wall rtl/lint.vlt --top-module cmd_unit rtl/cmd_unit.v
	$(VERILATOR) --lint-only -Wall rtl/lint.vlt --top-module cmd_unit \
		-GSTRATUM=0 -GBUF_AW=10 -GBANK_AW=5 rtl/cmd_unit.v
	$(VERILATOR) --lint-only -Wall rtl/lint.vlt --top-module cmd_resp rtl/cmd_resp.v
	$(VERILATOR) --lint-only -Wall rtl/lint.vlt --top-module cmd_resp \
		-GSTRATUM=0 -GMAX_PAYLOAD=544 rtl/cmd_resp.v
LINT_EXTRA += lint-device

# The whole device with the core and the link under it, at the real size,
# at the small test size and as the header-mode-only (lite) device (every
# flop resets the same way: asynchronous assert on rst_ni).
.PHONY: lint-device-top
lint-device-top:
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module tandem_device \
		$(DEVICE_RTL)
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module tandem_device \
		$(DEV_TEST_G) $(DEVICE_RTL)
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module tandem_device \
		$(DEV_LITE_G) $(DEVICE_RTL)
	$(VERILATOR) --lint-only -Wall -Irtl rtl/lint.vlt --top-module tandem_device \
		-GSTRATUM=0 -GLOOP_LOG2=7 -GSLOTS=16 $(DEVICE_RTL)
LINT_EXTRA += lint-device-top
