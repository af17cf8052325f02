/* Second-stage boot for the RP2040 (datasheet 2.8.1): the bootrom copies
 * the first 256 bytes of flash to 0x20041f00, checks the CRC-32 in the
 * last 4 (added by fwtool boot2) and jumps here with the SSI already
 * talking plain SPI to the flash.
 *
 * 1. Reads the flash's 64-bit unique id (command 0x4B, 4 dummy bytes,
 *    8 id bytes; Winbond W25Q series as on the pico-ice) and leaves it in
 *    WATCHDOG SCRATCH0/1 with the magic "TUID" in SCRATCH2, for the USB
 *    serial number. The RP2040 has no id of its own; this is the id the
 *    Pico SDK uses too. Reading it here, before XIP is on, avoids the
 *    exit-XIP dance the SDK does from RAM at run time.
 * 2. Sets the SSI up for execute-in-place with the 03h serial read
 *    command (works with any SPI flash; slower than quad, ample for a
 *    bridge).
 * 3. Points VTOR at the vector table at 0x10000100, loads the stack
 *    pointer from it and jumps to the reset handler.
 *
 * Thumb-1 only (Cortex-M0+), at most 252 bytes. */
	.syntax unified
	.cpu cortex-m0plus
	.thumb

	.equ SSI_BASE, 0x18000000
	.equ SSI_CTRLR0, 0x00
	.equ SSI_CTRLR1, 0x04
	.equ SSI_SSIENR, 0x08
	.equ SSI_SER, 0x10
	.equ SSI_BAUDR, 0x14
	.equ SSI_RXFLR, 0x24
	.equ SSI_DR0, 0x60
	.equ SSI_SPI_CTRLR0, 0xf4
	.equ WD_SCRATCH0, 0x4005800c
	.equ VTOR, 0xe000ed08
	.equ FLASH_VECTORS, 0x10000100
	.equ UID_BYTES, 13		/* 0x4B + 4 dummy + 8 id */

	.section .text
	.global boot2_entry
	.type boot2_entry, %function
boot2_entry:
	ldr r3, =SSI_BASE
	movs r0, #0
	str r0, [r3, #SSI_SSIENR]	/* SSI off to reconfigure */
	movs r0, #8
	str r0, [r3, #SSI_BAUDR]	/* clk_sys / 8 */
	ldr r0, =0x00070000		/* 8-bit frames, TX and RX, std SPI */
	str r0, [r3, #SSI_CTRLR0]
	movs r0, #0
	str r0, [r3, #SSI_SER]		/* no slave yet: hold the transfer */
	movs r0, #1
	str r0, [r3, #SSI_SSIENR]

	movs r0, #0x4b
	str r0, [r3, #SSI_DR0]
	movs r0, #0
	movs r1, #(UID_BYTES - 1)
1:	str r0, [r3, #SSI_DR0]
	subs r1, #1
	bne 1b
	movs r0, #1
	str r0, [r3, #SSI_SER]		/* all 13 bytes in one CS-low burst */

	ldr r2, =0x100000		/* bounded wait for the answer */
2:	ldr r0, [r3, #SSI_RXFLR]
	cmp r0, #UID_BYTES
	bhs 3f
	subs r2, #1
	bne 2b
	b no_uid
3:	movs r1, #5			/* command and dummy bytes */
4:	ldr r0, [r3, #SSI_DR0]
	subs r1, #1
	bne 4b
	bl get_word			/* id[0..3] -> r4 */
	mov r5, r4
	bl get_word			/* id[4..7] -> r4 */
	ldr r2, =WD_SCRATCH0
	str r5, [r2, #0]
	str r4, [r2, #4]
	ldr r0, =0x54554944		/* "TUID" */
	str r0, [r2, #8]
	b xip

no_uid:
	ldr r2, =WD_SCRATCH0
	movs r0, #0
	str r0, [r2, #8]

xip:	movs r0, #0
	str r0, [r3, #SSI_SSIENR]
	ldr r0, =0x001f0300		/* 32-bit frames, EEPROM read mode */
	str r0, [r3, #SSI_CTRLR0]
	movs r0, #0
	str r0, [r3, #SSI_CTRLR1]	/* one frame per XIP access */
	ldr r1, =(SSI_BASE + SSI_SPI_CTRLR0)
	ldr r0, =0x03000218		/* cmd 03h, 8-bit cmd, 24-bit addr */
	str r0, [r1]
	movs r0, #4
	str r0, [r3, #SSI_BAUDR]
	movs r0, #1
	str r0, [r3, #SSI_SER]
	str r0, [r3, #SSI_SSIENR]

	ldr r0, =FLASH_VECTORS
	ldr r1, =VTOR
	str r0, [r1]
	ldr r1, [r0, #0]
	msr msp, r1
	ldr r1, [r0, #4]
	bx r1

/* Four received bytes, first one least significant, into r4. */
get_word:
	movs r4, #0
	movs r1, #4
5:	ldr r0, [r3, #SSI_DR0]
	lsls r0, r0, #24
	lsrs r4, r4, #8
	orrs r4, r0
	subs r1, #1
	bne 5b
	bx lr

	.ltorg
