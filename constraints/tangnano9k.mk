# Tang Nano 9K settings (make variables read by mk/boards.mk).
BOARD_DESC   := Sipeed Tang Nano 9K (Gowin GW1NR-LV9, BL702 USB-UART/JTAG)
FAMILY       := gowin
DEVICE       := GW1NR-LV9QN88PC6/I5
GOWIN_FAMILY := GW1N-9C
PACKAGE      := QN88P
TOP          := board_tangnano9k_top
PINS         := constraints/tangnano9k.cst
# 27 MHz in; PLL values from `gowin_pll -i 27 -o $(CLK_MHZ) -d "GW1NR-9 C6/I5"`
CLK_IN_MHZ   := 27
CLK_MHZ      := 40.5
PLL_PARAMS   := PLL_IDIV=1 PLL_FBDIV=2 PLL_ODIV=16
# nextpnr's target: the PLL clock plus a 10 % margin; the build fails below
FREQ         := 45
PIPELINES    := 1
LOOP_LOG2    := 7
SLOTS        := 2
STRATUM      := 0
BAUD         := 3000000
SEED         := 1
# flash: openFPGALoader over the BL702's JTAG
FLASH_CMD      := openFPGALoader -b tangnano9k -f
FLASH_SRAM_CMD := openFPGALoader -b tangnano9k
