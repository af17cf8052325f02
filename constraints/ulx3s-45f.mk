# ULX3S with the LFE5U-45F: the ulx3s board (same pins and host entry)
# with the smaller device and a core that fits it.
include constraints/ulx3s.mk
BOARD_OF   := ulx3s
BOARD_DESC := Radiona ULX3S (ECP5 LFE5U-45F, FT231X)
DEVICE     := 45k
LOOP_LOG2  := 3
