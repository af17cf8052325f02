/* UF2 images (Microsoft's USB Flashing Format, as the RP2040 bootrom's
 * mass-storage loader takes them) and the RP2040 boot2 checksum. Host
 * code: used by fwtool and the unit tests.
 *
 * A UF2 file is a sequence of 512-byte blocks, each carrying 256 bytes
 * of the image for one flash address:
 *   off size
 *   0   4  magic 0x0A324655 ("UF2\n")
 *   4   4  magic 0x9E5D5157
 *   8   4  flags (0x00002000: the family id field is present)
 *   12  4  target address
 *   16  4  payload size (256)
 *   20  4  block number (0 based)
 *   24  4  number of blocks in the file
 *   28  4  family id (0xE48BFF56 for the RP2040)
 *   32  476 data (payload, then zeros)
 *   508 4  final magic 0x0AB16F30
 * all little-endian. */
#ifndef TANDEM_UF2_H
#define TANDEM_UF2_H

#include <stddef.h>
#include <stdint.h>

#define UF2_BLOCK         512u
#define UF2_PAYLOAD       256u
#define UF2_MAGIC0        0x0A324655u
#define UF2_MAGIC1        0x9E5D5157u
#define UF2_MAGIC_END     0x0AB16F30u
#define UF2_FLAG_FAMILY   0x00002000u
#define UF2_FAMILY_RP2040 0xE48BFF56u
#define RP2040_FLASH_BASE 0x10000000u

#define BOOT2_SIZE 256u

/* Blocks needed for an n-byte image. */
size_t uf2_block_count(size_t n);
/* Writes the UF2 image of bin[0..n) loaded at base (256-byte aligned)
 * into out (uf2_block_count(n) * 512 bytes; the last payload is padded
 * with zeros). Returns the bytes written or TANDEM_ERR_INVAL. */
long uf2_encode(const uint8_t *bin, size_t n, uint32_t base, uint32_t family,
                uint8_t *out, size_t cap);

/* CRC-32 the RP2040 bootrom checks over boot2: polynomial 0x04C11DB7,
 * init 0xFFFFFFFF, no reflection, no final xor. */
uint32_t boot2_crc32(const uint8_t *p, size_t n);
/* Pads code[0..n) (n <= 252) with zeros to 252 bytes and appends the
 * CRC-32 little-endian: out gets BOOT2_SIZE bytes. Returns 0 or
 * TANDEM_ERR_RANGE. */
int boot2_seal(const uint8_t *code, size_t n, uint8_t out[BOOT2_SIZE]);

#endif /* TANDEM_UF2_H */
