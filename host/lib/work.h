/* Bitcoin proof-of-work arithmetic: compact nbits, 256-bit targets, pool
 * difficulty, hash-vs-target compare, 80-byte headers. Pure; never prints.
 *
 * 256-bit numbers (targets, hashes) are uint8_t[32] little-endian: byte 0
 * is least significant, exactly the order SHA256d returns, so a hash is
 * compared as int.from_bytes(hash, 'little'). */
#ifndef TANDEM_WORK_H
#define TANDEM_WORK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WORK_HEADER_LEN 80u

struct work_header {
	uint32_t version;
	uint8_t prevhash[32];    /* internal order (header bytes 4..35) */
	uint8_t merkle_root[32]; /* internal order (header bytes 36..67) */
	uint32_t ntime;
	uint32_t nbits;
	uint32_t nonce;
};

void work_header_pack(const struct work_header *h, uint8_t out[80]);
void work_header_unpack(const uint8_t in[80], struct work_header *h);
/* SHA-256 state after header[0:64] and the 16-byte tail header[64:80]. */
void work_header_midstate(const uint8_t header[80], uint32_t midstate[8]);
/* SHA256d of the header given as midstate + tail[12] + nonce (the split
 * the hardware hashes), equal to sha256d(header, 80). */
void work_hash_from_midstate(const uint32_t midstate[8], const uint8_t tail[12],
                             uint32_t nonce, uint8_t hash[32]);

/* Compact nbits -> target. Returns 0, or TANDEM_ERR_RANGE when the sign
 * bit is set with a non-zero mantissa (negative) or the value overflows
 * 256 bits; a zero mantissa gives target 0. */
int work_nbits_to_target(uint32_t nbits, uint8_t target[32]);
/* Target -> compact nbits (Bitcoin's GetCompact rules). */
uint32_t work_target_to_nbits(const uint8_t target[32]);

/* Pool difficulty -> target: floor(0xffff * 2^208 / diff), capped at
 * 2^256 - 1. diff must be > 0 and finite (fractions below 1 work).
 * Returns 0 or TANDEM_ERR_RANGE. */
int work_difficulty_to_target(double diff, uint8_t target[32]);
/* Difficulty of a target or a hash: 0xffff * 2^208 / value (inf for 0). */
double work_target_to_difficulty(const uint8_t target[32]);

/* Compare two 256-bit LE numbers: <0, 0, >0. */
int work_cmp256(const uint8_t a[32], const uint8_t b[32]);
/* 1 when hash <= target (equal meets), else 0. */
int work_hash_meets(const uint8_t hash[32], const uint8_t target[32]);

/* BIP320/BIP323 version rolling: (base & ~mask) | (bits & mask). */
uint32_t work_version_roll(uint32_t base, uint32_t mask, uint32_t bits);
/* Next rolled version: the masked bits count up by one as a single number
 * (carry skipping bits outside the mask), wrapping inside the mask. */
uint32_t work_version_next(uint32_t version, uint32_t mask);

/* Multi-target classification: bit i of the result is set when the hash
 * meets targets[i] (enabled[i] non-zero; enabled == NULL enables all);
 * count <= 32 (entries beyond 32 are ignored). */
uint32_t work_classify(const uint8_t hash[32], const uint8_t (*targets)[32],
                       const uint8_t *enabled, size_t count);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_WORK_H */
