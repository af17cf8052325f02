# iCEBreaker settings (make variables read by mk/boards.mk).
BOARD_DESC := 1BitSquared iCEBreaker (iCE40UP5K-SG48, FT2232H)
FAMILY     := ice40
DEVICE     := up5k
PACKAGE    := sg48
TOP        := board_icebreaker_top
PINS       := constraints/icebreaker.pcf
# 12 MHz in; PLL values from `icepll -i 12 -o $(CLK_MHZ)`
CLK_IN_MHZ := 12
# 24 MHz: the UP5K (the slow iCE40 family) routes this device, at 95 % of
# its cells, at 27-28 MHz (docs/boards.md)
CLK_MHZ    := 24
PLL_PARAMS := PLL_DIVR=0 PLL_DIVF=63 PLL_DIVQ=5 PLL_FILTER=1
# nextpnr's target: the PLL clock plus a 10 % margin; the build fails below
FREQ       := 26.4
# core: compact lanes (LOOP_LOG2=7, one round unit per lane for both
# hashes) on the header-mode-only device (STRATUM=0: the host builds the
# headers; a 2^32 window lasts minutes at this rate)
PIPELINES  := 1
LOOP_LOG2  := 7
SLOTS      := 2
STRATUM    := 0
BAUD       := 3000000
SEED       := 1
# flash: iceprog writes the SPI flash over FT2232H channel A; -S loads SRAM
FLASH_CMD      := iceprog
FLASH_SRAM_CMD := iceprog -S
