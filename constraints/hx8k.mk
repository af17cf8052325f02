# iCE40-HX8K Breakout Board settings (make variables read by mk/boards.mk).
BOARD_DESC := Lattice iCE40-HX8K Breakout Board (iCE40HX8K-CT256, FT2232H)
FAMILY     := ice40
DEVICE     := hx8k
PACKAGE    := ct256
TOP        := board_hx8k_top
PINS       := constraints/hx8k.pcf
# 12 MHz in; PLL values from `icepll -i 12 -o $(CLK_MHZ)`
CLK_IN_MHZ := 12
CLK_MHZ    := 48
PLL_PARAMS := PLL_DIVR=0 PLL_DIVF=63 PLL_DIVQ=4 PLL_FILTER=1
# nextpnr's target: the PLL clock plus a 10 % margin; the build fails below
FREQ       := 53
# core: compact lanes (LOOP_LOG2=7, one round unit per lane for both
# hashes) on the header-mode-only device (STRATUM=0: the host builds the
# headers; a 2^32 window lasts minutes at this rate). Two lanes: a third
# would need 6 more of the 32 block RAMs than the part has.
PIPELINES  := 2
LOOP_LOG2  := 7
SLOTS      := 2
STRATUM    := 0
BAUD       := 3000000
SEED       := 1
# flash: iceprog over FT2232H channel A; -S loads SRAM. The board's jumpers
# select flash or SRAM mode (board user guide; docs/boards.md)
FLASH_CMD      := iceprog
FLASH_SRAM_CMD := iceprog -S
