# Job engine, command unit and the whole device (rtl/tandem_device.v):
# Verilator builds of their tests, lint of their RTL and the bench-device
# numbers. Included by the root Makefile.
#
# The device tests use a small fast configuration (DEV_TEST_PARAMS) so the
# whole set builds and runs in a few minutes; the defaults of the RTL are
# the real-size device.

DEV_VBUILD := $(BUILD)/verilator
DEV_CXXFLAGS = -std=c++14 -O1 -I$(CURDIR)/sim -I$(CURDIR)/include \
	-I$(CURDIR)/host/lib -I$(CURDIR)/tests/rtl \
	$(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
DEV_LDFLAGS = $(abspath $(LIBTANDEM)) \
	$(shell $(PKG_CONFIG) --libs jansson 2>/dev/null)
DEV_VFLAGS := --cc --exe --build -j 2 --trace -Wall -Wno-fatal \
	-Wno-DECLFILENAME

JOB_RTL := rtl/job_sha256.v rtl/job_ram.v rtl/job_engine.v
DEV_TEST_DEPS := sim/testb.h tests/rtl/test_job_util.h $(LIBTANDEM)

# Engine alone, fed through its job RAM port.
$(BUILD)/tests/rtl/test_job_engine: tests/rtl/test_job_engine.cpp \
		$(JOB_RTL) $(DEV_TEST_DEPS)
	@mkdir -p $(dir $@) $(DEV_VBUILD)
	$(VERILATOR) $(DEV_VFLAGS) --Mdir $(DEV_VBUILD)/test_job_engine \
		--top-module job_engine -o $(abspath $@) \
		-CFLAGS "$(DEV_CXXFLAGS)" -LDFLAGS "$(DEV_LDFLAGS)" \
		$(JOB_RTL) $(abspath $<) >$(DEV_VBUILD)/test_job_engine.log 2>&1 \
		|| { cat $(DEV_VBUILD)/test_job_engine.log; exit 1; }

TEST_BINS += $(BUILD)/tests/rtl/test_job_engine

.PHONY: lint-device
lint-device:
	$(VERILATOR) --lint-only -Wall --top-module job_engine $(JOB_RTL)
LINT_EXTRA += lint-device

# Whole device in a small fast configuration: 2 pipelines with rings of 8
# rounds, 4 target slots; the job limits are the real ones.
DEV_TEST_G := -GPIPELINES=2 -GLOOP_LOG2=3 -GSLOTS=4 -GFIFO_DEPTH=8 \
	-GCLK_HZ=50000000
DEV_TEST_D := -DDEV_PIPELINES=2 -DDEV_LOOP_LOG2=3 -DDEV_SLOTS=4 \
	-DDEV_CLK_HZ=50000000
DEVICE_RTL := $(shell sed -e 's://.*::' rtl/core.f rtl/link.f 2>/dev/null) \
	rtl/job_sha256.v rtl/job_ram.v rtl/job_engine.v rtl/cmd_unit.v \
	rtl/cmd_resp.v rtl/tandem_device.v

$(BUILD)/tests/rtl/test_device: tests/rtl/test_device.cpp $(DEVICE_RTL) \
		rtl/sha256_k.vh $(DEV_TEST_DEPS)
	@mkdir -p $(dir $@) $(DEV_VBUILD)
	$(VERILATOR) $(DEV_VFLAGS) -O3 --x-assign fast --x-initial fast \
		-Irtl --Mdir $(DEV_VBUILD)/test_device \
		--top-module tandem_device $(DEV_TEST_G) -o $(abspath $@) \
		-CFLAGS "$(DEV_CXXFLAGS) $(DEV_TEST_D)" -LDFLAGS "$(DEV_LDFLAGS)" \
		$(DEVICE_RTL) $(abspath $<) >$(DEV_VBUILD)/test_device.log 2>&1 \
		|| { cat $(DEV_VBUILD)/test_device.log; exit 1; }

TEST_BINS += $(BUILD)/tests/rtl/test_device
