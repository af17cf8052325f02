/* SHA-256 (FIPS 180-4) reference model: compression, streaming hash,
 * midstates and SHA256d. Clear C, the golden model for the RTL. */
#ifndef TANDEM_SHA256_H
#define TANDEM_SHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SHA256_BLOCK_LEN  64u
#define SHA256_DIGEST_LEN 32u

struct sha256_ctx {
	uint32_t h[8];   /* chaining state H0..H7 */
	uint64_t bytes;  /* message bytes absorbed so far */
	uint8_t buf[64]; /* partial block */
	size_t fill;     /* bytes in buf */
};

/* The initial hash value H(0). */
void sha256_iv(uint32_t h[8]);
/* One compression: h = h + F(h, block); block read as 16 big-endian words. */
void sha256_compress(uint32_t h[8], const uint8_t block[64]);

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t n);
void sha256_final(struct sha256_ctx *c, uint8_t out[32]);

/* Midstate export/import: only on a block boundary (fill == 0).
 * export returns TANDEM_ERR_INVAL when a partial block is buffered. */
int sha256_midstate_export(const struct sha256_ctx *c, uint32_t h[8],
                           uint64_t *bytes);
int sha256_midstate_import(struct sha256_ctx *c, const uint32_t h[8],
                           uint64_t bytes);

/* One-shot hashes. */
void sha256(const void *data, size_t n, uint8_t out[32]);
void sha256d(const void *data, size_t n, uint8_t out[32]);

/* State words to digest bytes (each word big-endian) and back. */
void sha256_state_to_bytes(const uint32_t h[8], uint8_t out[32]);
void sha256_state_from_bytes(const uint8_t in[32], uint32_t h[8]);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_SHA256_H */
