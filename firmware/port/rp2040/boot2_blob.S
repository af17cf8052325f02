/* Places the sealed boot2 (built from boot2.S, 252 bytes + CRC-32, see
 * mk/firmware.mk) at the start of flash. */
	.section .boot2, "a"
	.incbin "boot2.bin"
