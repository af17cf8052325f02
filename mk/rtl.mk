# RTL tests (Verilator) for the hash core, the RTL lint and the core
# benchmark.  One pattern per test; the hash core test is built once per
# configuration, each configuration a set of -G parameters:
#   name      LOOP_LOG2  PIPELINES   what it covers
#   u1        0          1           fully unrolled, one nonce per clock
#   u2        0          2           fully unrolled, two pipelines
#   m1        3          1           in between: rings of 8 rounds
#   m3        3          3           in between, three pipelines
#   i1        6          1           iterative: one round per clock
#   i4        6          4           iterative, four pipelines
#   c1        7          1           compact: one round unit per lane
#   c3        7          3           compact, three lanes, K table in
#                                    logic (K_RAM=0; c1 has it in RAM)
VERILATOR_FLAGS ?= -O3 --x-assign fast --x-initial fast --assert --trace \
	-Wno-fatal -Wno-lint -Wno-style
VERILATOR_CXXOPT ?= -O1
RTL_DIR   := rtl
RTL_FILES := $(shell cat $(RTL_DIR)/core.f 2>/dev/null)
RTL_DEPS  := $(RTL_FILES) $(RTL_DIR)/sha256_k.vh $(RTL_DIR)/tandem_clog2.vh \
	$(RTL_DIR)/core.f sim/testb.h
RTL_PC_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
RTL_PC_LIBS   := $(shell $(PKG_CONFIG) --libs jansson libcrypto 2>/dev/null)

HASH_CORE_CFGS := u1:0:1 u2:0:2 m1:3:1 m3:3:3 i1:6:1 i4:6:4 c1:7:1 c3:7:3
cfg_name = $(word 1,$(subst :, ,$(1)))
cfg_loop = $(word 2,$(subst :, ,$(1)))
cfg_pipes = $(word 3,$(subst :, ,$(1)))

RTL_TEST_BINS := $(BUILD)/tests/rtl/test_sha256_compress \
	$(BUILD)/tests/rtl/test_share_fifo $(BUILD)/tests/rtl/test_target_slots \
	$(foreach c,$(HASH_CORE_CFGS),$(BUILD)/tests/rtl/test_hash_core_$(call cfg_name,$(c)))
TEST_BINS += $(RTL_TEST_BINS)

# $(1) top module, $(2) test source, $(3) output binary, $(4) object dir,
# $(5) extra Verilator flags (-G parameters, -D defines for the test)
define verilate_test
	@mkdir -p $(4) $(dir $(3))
	$(VERILATOR) --cc --exe --build -j 1 $(VERILATOR_FLAGS) \
		--top-module $(1) -I$(RTL_DIR) $(5) -Mdir $(4) \
		-CFLAGS "$(VERILATOR_CXXOPT) -I$(CURDIR)/sim -I$(CURDIR)/host/lib -I$(CURDIR)/include $(RTL_PC_CFLAGS)" \
		-LDFLAGS "$(abspath $(LIBTANDEM)) $(RTL_PC_LIBS)" \
		-MAKEFLAGS "OPT_FAST=$(VERILATOR_CXXOPT) OPT_SLOW=-O0 OPT_GLOBAL=-O1" \
		$(RTL_FILES) $(abspath $(2)) -o $(abspath $(3)) >$(4).log 2>&1 \
		|| (tail -n 40 $(4).log; exit 1)
endef

$(BUILD)/tests/rtl/test_sha256_compress: tests/rtl/test_sha256_compress.cpp $(RTL_DEPS) $(LIBTANDEM)
	$(call verilate_test,sha256_compress,$<,$@,$(BUILD)/rtl/obj_sha256_compress,)

$(BUILD)/tests/rtl/test_share_fifo: tests/rtl/test_share_fifo.cpp $(RTL_DEPS) $(LIBTANDEM)
	$(call verilate_test,share_fifo,$<,$@,$(BUILD)/rtl/obj_share_fifo,)

$(BUILD)/tests/rtl/test_target_slots: tests/rtl/test_target_slots.cpp $(RTL_DEPS) $(LIBTANDEM)
	$(call verilate_test,target_slots,$<,$@,$(BUILD)/rtl/obj_target_slots,)

define hash_core_rule
$(BUILD)/tests/rtl/test_hash_core_$(call cfg_name,$(1)): tests/rtl/test_hash_core.cpp $(RTL_DEPS) $(LIBTANDEM)
	$$(call verilate_test,hash_core,$$<,$$@,$(BUILD)/rtl/obj_hash_core_$(call cfg_name,$(1)),-GLOOP_LOG2=$(call cfg_loop,$(1)) -GPIPELINES=$(call cfg_pipes,$(1)) $(if $(filter c3,$(call cfg_name,$(1))),-GK_RAM=0) -CFLAGS -DCFG_LOOP_LOG2=$(call cfg_loop,$(1)) -CFLAGS -DCFG_PIPELINES=$(call cfg_pipes,$(1)) -CFLAGS -DCFG_NAME=\\\"$(call cfg_name,$(1))\\\")
endef
$(foreach c,$(HASH_CORE_CFGS),$(eval $(call hash_core_rule,$(c))))

.PHONY: rtl-tests lint-rtl bench-core
rtl-tests: $(RTL_TEST_BINS)
	@scripts/run-tests.sh $(RTL_TEST_BINS)

# verilator --lint-only -Wall over the core in the corner configurations.
LINT_RTL_CFGS := "" "-GLOOP_LOG2=0 -GPIPELINES=1" "-GLOOP_LOG2=0 -GPIPELINES=2" \
	"-GLOOP_LOG2=3 -GPIPELINES=3 -GSLOTS=5" "-GLOOP_LOG2=6 -GPIPELINES=1 -GSLOTS=1" \
	"-GLOOP_LOG2=5 -GPIPELINES=4 -GSLOTS=16" "-GLOOP_LOG2=1 -GPIPELINES=1" \
	"-GLOOP_LOG2=7 -GPIPELINES=1 -GSLOTS=1" "-GLOOP_LOG2=7 -GPIPELINES=3 -GSLOTS=5"
lint-rtl:
	@for g in $(LINT_RTL_CFGS); do \
		echo "verilator --lint-only -Wall hash_core $$g"; \
		$(VERILATOR) --lint-only -Wall -I$(RTL_DIR) $(RTL_DIR)/lint.vlt \
			--top-module hash_core $$g $(RTL_FILES) || exit 1; \
	done
	$(VERILATOR) --lint-only -Wall -I$(RTL_DIR) $(RTL_DIR)/lint.vlt \
		--top-module sha256_compress $(RTL_FILES)
LINT_EXTRA += lint-rtl

# Synthesis / place-and-route numbers (slow; not part of make test).
bench-core:
	$(PYTHON) scripts/bench_core.py --build $(BUILD)/bench
bench: bench-core
