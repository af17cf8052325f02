# RP2040 USB bridge firmware (firmware/, docs/firmware.md): the ARM image
# (ELF, BIN, UF2 with its boot2), the host tool that seals boot2 and
# writes UF2, the host unit tests against the fake port, and the
# rp2040js emulator test. Included by the root Makefile.
ARM_PREFIX  ?= arm-none-eabi-
ARM_CC      ?= $(ARM_PREFIX)gcc
ARM_OBJCOPY ?= $(ARM_PREFIX)objcopy
ARM_SIZE    ?= $(ARM_PREFIX)size
NPM         ?= npm
NODE        ?= node

FW_OUT   := $(BUILD)/firmware
FW_NAME  := tandem-bridge
FW_ELF   := $(FW_OUT)/$(FW_NAME).elf
FW_BIN   := $(FW_OUT)/$(FW_NAME).bin
FW_UF2   := $(FW_OUT)/$(FW_NAME).uf2
FWTOOL   := $(FW_OUT)/fwtool

# Hardware-independent layers, then the RP2040 port. The bridge shares
# the protocol codec (CRCs, frame encoder) with the host: host/lib/proto.c.
FW_CORE_SRCS := $(wildcard firmware/usb/*.c) $(wildcard firmware/bridge/*.c)
FW_SRCS  := firmware/main.c $(FW_CORE_SRCS) host/lib/proto.c \
	$(wildcard firmware/port/rp2040/*.c) firmware/lib/mem.c
FW_OBJS  := $(patsubst %.c,$(FW_OUT)/arm/%.o,$(FW_SRCS))
FW_HDRS  := $(wildcard include/*.h firmware/*/*.h firmware/port/*/*.h \
	firmware/lib/include/*.h)
FW_INCS  := -Iinclude -Ifirmware/usb -Ifirmware/bridge -Ifirmware/port \
	-Ifirmware/port/rp2040 -Ifirmware/lib/include
FW_ARCH  := -mcpu=cortex-m0plus -mthumb
# No C library: -ffreestanding with our own string functions (lib/mem.c);
# libgcc for the division helpers.
FW_CFLAGS := -std=c11 $(FW_ARCH) -Os -g -ffreestanding -nostdlib \
	-fno-tree-loop-distribute-patterns -fno-strict-aliasing \
	-ffunction-sections -fdata-sections $(WARN) $(FW_INCS)
FW_LDFLAGS := $(FW_ARCH) -nostdlib -nostartfiles -Wl,--gc-sections \
	-Wl,-Tfirmware/port/rp2040/rp2040.ld -Wl,-Map=$(FW_OUT)/$(FW_NAME).map
FW_LIBGCC = $(shell $(ARM_CC) $(FW_ARCH) -print-libgcc-file-name)

.PHONY: firmware
firmware: $(FW_ELF) $(FW_BIN) $(FW_UF2)
	@echo "firmware: $(FW_ELF) $(FW_BIN) $(FW_UF2)"
	@$(ARM_SIZE) $(FW_ELF)
	@$(ARM_SIZE) -A $(FW_ELF) | awk \
		'$$1==".boot2"||$$1==".text"||$$1==".ARM.exidx"||$$1==".data"{f+=$$2} \
		 $$1==".data"||$$1==".bss"{r+=$$2} \
		 END{printf "firmware size: flash %d bytes, RAM %d bytes (+4096 stack)\n",f,r}'

$(FW_OUT)/arm/%.o: %.c $(FW_HDRS)
	@mkdir -p $(dir $@)
	$(ARM_CC) $(FW_CFLAGS) -c $< -o $@

# boot2: assembled and linked for 0x20041f00, sealed with its CRC-32,
# then included by boot2_blob.S, whose .boot2 section the main link places
# at the start of flash.
$(FW_OUT)/boot2.elf: firmware/port/rp2040/boot2.S firmware/port/rp2040/boot2.ld
	@mkdir -p $(dir $@)
	$(ARM_CC) $(FW_ARCH) -nostdlib -nostartfiles \
		-Wl,-Tfirmware/port/rp2040/boot2.ld $< -o $@
$(FW_OUT)/boot2.code: $(FW_OUT)/boot2.elf
	$(ARM_OBJCOPY) -O binary $< $@
$(FW_OUT)/boot2.bin: $(FW_OUT)/boot2.code $(FWTOOL)
	$(FWTOOL) boot2 $< $@
$(FW_OUT)/boot2.o: firmware/port/rp2040/boot2_blob.S $(FW_OUT)/boot2.bin
	$(ARM_CC) $(FW_ARCH) -I$(FW_OUT) -c $< -o $@

$(FW_ELF): $(FW_OBJS) $(FW_OUT)/boot2.o firmware/port/rp2040/rp2040.ld
	$(ARM_CC) $(FW_LDFLAGS) $(FW_OUT)/boot2.o $(FW_OBJS) $(FW_LIBGCC) -o $@

$(FW_BIN): $(FW_ELF)
	$(ARM_OBJCOPY) -O binary $< $@

$(FW_UF2): $(FW_BIN) $(FWTOOL)
	$(FWTOOL) uf2 $< $@

$(FWTOOL): firmware/tools/fwtool.c firmware/tools/uf2.c \
		firmware/tools/uf2.h host/lib/err.c include/tandem_err.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ifirmware/tools firmware/tools/fwtool.c \
		firmware/tools/uf2.c host/lib/err.c -o $@

# ---- host unit tests (cmocka) against the fake port ----
# The host's bitstream loader (host/flash.c, pure sequencing) is linked in
# too: test_fw_flash runs it against the firmware's own bridge, so host
# and firmware are tested against each other.
FW_TEST_SRCS := $(wildcard tests/firmware/test_*.c)
FW_TEST_BINS := $(patsubst %.c,$(BUILD)/%,$(FW_TEST_SRCS))
FW_HOST_SRCS := $(FW_CORE_SRCS) $(wildcard firmware/port/fake/*.c) \
	firmware/tools/uf2.c tests/firmware/fw_host.c tests/host/vectors.c \
	host/flash.c
FW_HOST_INCS := -Iinclude -Ihost/lib -Ifirmware/usb -Ifirmware/bridge \
	-Ifirmware/port -Ifirmware/port/fake -Ifirmware/tools \
	-Itests/firmware -Itests/host -Ihost

$(BUILD)/tests/firmware/%: tests/firmware/%.c $(FW_HOST_SRCS) $(FW_HDRS) \
		host/flash.h $(wildcard tests/firmware/*.h) $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes $(FW_HOST_INCS) \
		$(PC_CFLAGS) $< $(FW_HOST_SRCS) -o $@ $(LIBTANDEM) $(PC_LIBS) -lm

TEST_BINS += $(FW_TEST_BINS)

# ---- the image in the rp2040js emulator (tests/firmware/emu/) ----
# Its end-to-end part connects the emulated UART0 to the simulated device,
# so the simulator is built first (its rule is in mk/host-tools.mk).
TEST_BINS += scripts/firmware-emu-test.sh
test-bins: firmware $(BUILD)/sim/tandem-sim

C_SOURCES += $(wildcard firmware/*.c firmware/*/*.c firmware/*/*.h \
	firmware/port/*/*.c firmware/port/*/*.h tests/firmware/*.c \
	tests/firmware/*.h)
