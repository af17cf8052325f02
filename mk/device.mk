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
