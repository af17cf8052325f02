/* UF2 encoder and boot2 checksum (see uf2.h). */
#include "uf2.h"

#include <string.h>

#include "tandem_err.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

size_t uf2_block_count(size_t n)
{
	return (n + UF2_PAYLOAD - 1) / UF2_PAYLOAD;
}

long uf2_encode(const uint8_t *bin, size_t n, uint32_t base, uint32_t family,
                uint8_t *out, size_t cap)
{
	size_t blocks = uf2_block_count(n);

	if ((!bin && n) || !out || base % UF2_PAYLOAD ||
	    blocks * UF2_BLOCK > cap || (uint64_t)base + n > 0xffffffffu)
		return TANDEM_ERR_INVAL;
	for (size_t i = 0; i < blocks; i++) {
		uint8_t *b = out + i * UF2_BLOCK;
		size_t off = i * UF2_PAYLOAD;
		size_t len = n - off < UF2_PAYLOAD ? n - off : UF2_PAYLOAD;

		memset(b, 0, UF2_BLOCK);
		put32(b + 0, UF2_MAGIC0);
		put32(b + 4, UF2_MAGIC1);
		put32(b + 8, UF2_FLAG_FAMILY);
		put32(b + 12, base + (uint32_t)off);
		put32(b + 16, UF2_PAYLOAD);
		put32(b + 20, (uint32_t)i);
		put32(b + 24, (uint32_t)blocks);
		put32(b + 28, family);
		memcpy(b + 32, bin + off, len);
		put32(b + 508, UF2_MAGIC_END);
	}
	return (long)(blocks * UF2_BLOCK);
}

uint32_t boot2_crc32(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 24;
		for (int b = 0; b < 8; b++)
			crc = (crc & 0x80000000u) ? (crc << 1) ^ 0x04c11db7u
			                          : crc << 1;
	}
	return crc;
}

int boot2_seal(const uint8_t *code, size_t n, uint8_t out[BOOT2_SIZE])
{
	if (n > BOOT2_SIZE - 4 || (n && !code))
		return TANDEM_ERR_RANGE;
	memset(out, 0, BOOT2_SIZE);
	if (n)
		memcpy(out, code, n);
	put32(out + BOOT2_SIZE - 4, boot2_crc32(out, BOOT2_SIZE - 4));
	return 0;
}
