# Host link RTL (rtl/link_*.v, listed in rtl/link.f): Verilator models,
# their test programs tests/rtl/test_link_*.cpp, and lint.
#
# Each model is one top module with one parameter set, verilated with a
# prefix of its own so several can live in one test program; the
# Verilator runtime is compiled once and shared by the link tests.
LINK_RTL   := $(filter %.v,$(shell cat rtl/link.f 2>/dev/null))
LINK_OBJ   := $(BUILD)/link
LINK_VL_ROOT    := $(shell $(VERILATOR) --getenv VERILATOR_ROOT 2>/dev/null)
LINK_VL_INC     := $(LINK_VL_ROOT)/include
# Models are built with the handshake assertions on.
LINK_VFLAGS := --cc --trace -Wall -O3 +define+LINK_ASSERT -Irtl \
	--x-assign unique --x-initial unique
LINK_CXXFLAGS := -std=c++17 -O1 -g0 \
	-I$(LINK_VL_INC) -I$(LINK_VL_INC)/vltstd -Isim -Iinclude -Ihost/lib
LINK_RT_SRCS := verilated.cpp verilated_vcd_c.cpp verilated_threads.cpp
LINK_RT_OBJS := $(patsubst %.cpp,$(LINK_OBJ)/rt/%.o,$(LINK_RT_SRCS))

$(LINK_OBJ)/rt/%.o: $(LINK_VL_INC)/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(LINK_CXXFLAGS) -c $< -o $@

# $(call link_model,name,top,params): $(LINK_OBJ)/name/Vname__ALL.a
define link_model
$(LINK_OBJ)/$(1)/V$(1)__ALL.a: $(LINK_RTL) rtl/link_baud.vh rtl/link.f mk/link.mk
	@rm -rf $(LINK_OBJ)/$(1) && mkdir -p $(LINK_OBJ)/$(1)
	$(VERILATOR) $(LINK_VFLAGS) --top-module $(2) --prefix V$(1) \
		-Mdir $(LINK_OBJ)/$(1) $(3) $(LINK_RTL)
	+$(MAKE) -s --no-print-directory -C $(LINK_OBJ)/$(1) -f V$(1).mk \
		V$(1)__ALL.a OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1 \
		CXX="$(CXX)" >/dev/null
endef

# frame layer: default sizes and a small ring that fills often
$(eval $(call link_model,link_frame_rx,link_frame_rx,))
$(eval $(call link_model,link_frame_rx_s,link_frame_rx,-GMAX_PAYLOAD=64 -GBUF_LOG2=7))
$(eval $(call link_model,link_frame_tx,link_frame_tx,))
# UART at 3 Mbaud on a 48, 12, 60 and 100 MHz clock
$(foreach f,48 12 60 100,$(eval $(call link_model,link_uart_tx_$(f),link_uart_tx,-GCLK_HZ=$(f)000000 -GBAUD=3000000)))
$(foreach f,48 12 60 100,$(eval $(call link_model,link_uart_rx_$(f),link_uart_rx,-GCLK_HZ=$(f)000000 -GBAUD=3000000)))
# FT245 with small FIFOs and bursts, so back-pressure and turnarounds
# happen all the time
$(eval $(call link_model,link_ft245_sync,link_ft245_sync,-GRX_DEPTH_LOG2=3 -GTX_DEPTH_LOG2=3 -GBURST=8))

LINK_MODELS_frame := link_frame_rx link_frame_rx_s link_frame_tx
LINK_MODELS_uart  := $(foreach f,48 12 60 100,link_uart_tx_$(f) link_uart_rx_$(f))
LINK_MODELS_ft245 := link_ft245_sync
link_libs = $(foreach m,$(LINK_MODELS_$(1)),$(LINK_OBJ)/$(m)/V$(m)__ALL.a)
link_incs = $(foreach m,$(LINK_MODELS_$(1)),-I$(LINK_OBJ)/$(m))

# Test programs themselves compile with warnings as errors.
LINK_TEST_WARN := -Wall -Wextra -Werror -Wno-unused-parameter

# test_link_frame also links the C codec (the reference) and reads the
# real headers in tests/vectors with jansson.
$(BUILD)/tests/rtl/test_link_frame: tests/rtl/test_link_frame.cpp sim/testb.h \
		$(call link_libs,frame) $(LINK_RT_OBJS) $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CXX) $(LINK_CXXFLAGS) $(LINK_TEST_WARN) $(call link_incs,frame) $< -o $@ \
		$(call link_libs,frame) $(LINK_RT_OBJS) $(LIBTANDEM) \
		$(shell $(PKG_CONFIG) --libs jansson libcrypto 2>/dev/null) -lpthread

$(BUILD)/tests/rtl/test_link_uart: tests/rtl/test_link_uart.cpp sim/testb.h \
		$(call link_libs,uart) $(LINK_RT_OBJS)
	@mkdir -p $(dir $@)
	$(CXX) $(LINK_CXXFLAGS) $(LINK_TEST_WARN) $(call link_incs,uart) $< -o $@ \
		$(call link_libs,uart) $(LINK_RT_OBJS) -lpthread

$(BUILD)/tests/rtl/test_link_ft245: tests/rtl/test_link_ft245.cpp sim/testb.h \
		$(call link_libs,ft245) $(LINK_RT_OBJS)
	@mkdir -p $(dir $@)
	$(CXX) $(LINK_CXXFLAGS) $(LINK_TEST_WARN) $(call link_incs,ft245) $< -o $@ \
		$(call link_libs,ft245) $(LINK_RT_OBJS) -lpthread

TEST_BINS += $(BUILD)/tests/rtl/test_link_frame $(BUILD)/tests/rtl/test_link_uart \
	$(BUILD)/tests/rtl/test_link_ft245

# Lint every link top, with and without the assertions.
LINK_TOPS := link_uart_rx link_uart_tx link_async_fifo link_ft245_sync \
	link_frame_rx link_frame_tx link_crc8 link_crc16
.PHONY: lint-link
lint-link:
	@set -e; for top in $(LINK_TOPS); do \
		for def in "" +define+LINK_ASSERT; do \
			echo "verilator --lint-only -Wall $$def --top-module $$top"; \
			$(VERILATOR) --lint-only -Wall -Irtl $$def $(wildcard rtl/link.vlt) \
				--top-module $$top $(LINK_RTL); \
		done; \
	done
LINT_EXTRA += lint-link
