/* Bitcoin proof-of-work arithmetic: headers, compact nbits, targets,
 * difficulty, hash-vs-target compare, version rolling. Pure; never prints.
 * 256-bit numbers are uint8_t[32] little-endian (byte 0 least significant). */
#include <math.h>
#include <string.h>

#include "sha256.h"
#include "tandem_err.h"
#include "work.h"

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void work_header_pack(const struct work_header *h, uint8_t out[80])
{
	store_le32(out, h->version);
	memcpy(out + 4, h->prevhash, 32);
	memcpy(out + 36, h->merkle_root, 32);
	store_le32(out + 68, h->ntime);
	store_le32(out + 72, h->nbits);
	store_le32(out + 76, h->nonce);
}

void work_header_unpack(const uint8_t in[80], struct work_header *h)
{
	h->version = load_le32(in);
	memcpy(h->prevhash, in + 4, 32);
	memcpy(h->merkle_root, in + 36, 32);
	h->ntime = load_le32(in + 68);
	h->nbits = load_le32(in + 72);
	h->nonce = load_le32(in + 76);
}

void work_header_midstate(const uint8_t header[80], uint32_t midstate[8])
{
	sha256_iv(midstate);
	sha256_compress(midstate, header);
}

void work_hash_from_midstate(const uint32_t midstate[8], const uint8_t tail[12],
                             uint32_t nonce, uint8_t hash[32])
{
	uint8_t block[64];
	uint32_t h[8];

	/* Second block of the header: tail (merkle root's last 4 bytes,
	 * ntime, nbits), the nonce LE, 0x80, zeros, length 640 bits. */
	memset(block, 0, sizeof(block));
	memcpy(block, tail, 12);
	store_le32(block + 12, nonce);
	block[16] = 0x80;
	block[62] = 0x02;
	block[63] = 0x80;
	memcpy(h, midstate, sizeof(h));
	sha256_compress(h, block);

	/* Outer hash over the 32-byte digest: one block, length 256 bits. */
	memset(block, 0, sizeof(block));
	sha256_state_to_bytes(h, block);
	block[32] = 0x80;
	block[62] = 0x01;
	block[63] = 0x00;
	sha256_iv(h);
	sha256_compress(h, block);
	sha256_state_to_bytes(h, hash);
}

int work_nbits_to_target(uint32_t nbits, uint8_t target[32])
{
	unsigned exponent = nbits >> 24;
	uint32_t mantissa = nbits & 0x007fffffu;
	unsigned i;

	memset(target, 0, 32);
	/* Bitcoin's SetCompact: with exponent < 3 the mantissa is shifted
	 * right first, and the sign and overflow rules look at what is left
	 * of it. */
	if (exponent < 3)
		mantissa >>= 8 * (3 - exponent);
	if (mantissa == 0)
		return 0;
	if (nbits & 0x00800000u)
		return TANDEM_ERR_RANGE; /* negative */
	/* Overflow: the value needs more than 256 bits. */
	if (exponent > 34 || (mantissa > 0xff && exponent > 33) ||
	    (mantissa > 0xffff && exponent > 32))
		return TANDEM_ERR_RANGE;
	if (exponent < 3) {
		for (i = 0; i < 3; i++)
			target[i] = (uint8_t)(mantissa >> (8 * i));
		return 0;
	}
	/* mantissa * 256^(exponent-3): its three bytes land at byte
	 * exponent-3 upwards; bytes beyond 31 are zero by the rule above. */
	for (i = 0; i < 3; i++) {
		unsigned pos = exponent - 3 + i;

		if (pos < 32)
			target[pos] = (uint8_t)(mantissa >> (8 * i));
	}
	return 0;
}

uint32_t work_target_to_nbits(const uint8_t target[32])
{
	unsigned size = 32;
	uint32_t compact = 0;
	unsigned i;

	while (size > 0 && target[size - 1] == 0)
		size--;
	/* compact = the top three bytes of the number (size bytes long). */
	for (i = 0; i < 3; i++) {
		compact <<= 8;
		if (size >= i + 1)
			compact |= target[size - 1 - i];
	}
	/* A set top bit would read back as the sign: shift one byte more. */
	if (compact & 0x00800000u) {
		compact >>= 8;
		size++;
	}
	return compact | ((uint32_t)size << 24);
}

/* Multi-word helpers for work_difficulty_to_target: little-endian arrays
 * of 32-bit words. */
#define DIFF_WORDS 12u /* 384 bits: 0xffff << 294 still fits */

int work_difficulty_to_target(double diff, uint8_t target[32])
{
	uint32_t num[DIFF_WORDS];
	uint32_t quo[DIFF_WORDS];
	uint64_t m, r;
	int x, s, bit;
	double f;
	unsigned i;

	memset(target, 0, 32);
	if (!(diff > 0.0) || !isfinite(diff))
		return TANDEM_ERR_RANGE;

	/* diff = f * 2^x with f in [0.5, 1), so diff = m * 2^(x-53) exactly
	 * with the integer m in [2^52, 2^53). Then
	 * target = floor(0xffff * 2^208 / diff)
	 *        = floor(0xffff * 2^s / m),  s = 208 - (x - 53) = 261 - x. */
	f = frexp(diff, &x);
	m = (uint64_t)ldexp(f, 53);
	s = 261 - x;

	/* The quotient is at least 0xffff * 2^s / 2^53 >= 2^(s-38): with
	 * s >= 294 it is >= 2^256, so the target saturates. */
	if (s >= 294) {
		memset(target, 0xff, 32);
		return 0;
	}

	memset(num, 0, sizeof(num));
	if (s >= 0) {
		/* 0xffff << s */
		unsigned w = (unsigned)s / 32u, b = (unsigned)s % 32u;
		uint64_t v = (uint64_t)0xffff << b;

		num[w] = (uint32_t)v;
		if (w + 1 < DIFF_WORDS)
			num[w + 1] = (uint32_t)(v >> 32);
	} else if (s > -16) {
		/* floor(floor(a / 2^k) / m) = floor(a / (m * 2^k)) */
		num[0] = 0xffffu >> (unsigned)(-s);
	}

	/* Binary long division by m (< 2^53): the running remainder stays
	 * below 2^54, so a uint64_t holds it exactly. */
	memset(quo, 0, sizeof(quo));
	r = 0;
	for (bit = (int)(DIFF_WORDS * 32u) - 1; bit >= 0; bit--) {
		r = (r << 1) | ((num[bit / 32] >> (bit % 32)) & 1u);
		if (r >= m) {
			r -= m;
			quo[bit / 32] |= 1u << (bit % 32);
		}
	}

	for (i = 8; i < DIFF_WORDS; i++) {
		if (quo[i] != 0) {
			memset(target, 0xff, 32);
			return 0;
		}
	}
	for (i = 0; i < 8; i++)
		store_le32(target + 4 * i, quo[i]);
	return 0;
}

double work_target_to_difficulty(const uint8_t target[32])
{
	double v = 0.0;
	int top = 31;
	int i;

	while (top >= 0 && target[top] == 0)
		top--;
	if (top < 0)
		return INFINITY;
	/* The top 8 bytes (64 bits) carry more precision than a double
	 * holds; lower bytes cannot change the rounded value much. */
	for (i = top; i >= 0 && i > top - 8; i--)
		v = v * 256.0 + (double)target[i];
	v = ldexp(v, 8 * (i + 1));
	return ldexp(65535.0, 208) / v;
}

int work_cmp256(const uint8_t a[32], const uint8_t b[32])
{
	int i;

	for (i = 31; i >= 0; i--) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	}
	return 0;
}

int work_hash_meets(const uint8_t hash[32], const uint8_t target[32])
{
	return work_cmp256(hash, target) <= 0;
}

uint32_t work_version_roll(uint32_t base, uint32_t mask, uint32_t bits)
{
	return (base & ~mask) | (bits & mask);
}

uint32_t work_version_next(uint32_t version, uint32_t mask)
{
	/* Setting every bit outside the mask makes the +1 carry jump over
	 * them; a carry out of bit 31 wraps the masked bits to zero. */
	uint32_t rolled = ((version | ~mask) + 1u) & mask;

	return (version & ~mask) | rolled;
}

uint32_t work_classify(const uint8_t hash[32], const uint8_t (*targets)[32],
                       const uint8_t *enabled, size_t count)
{
	uint32_t met = 0;
	size_t i;

	if (count > 32)
		count = 32;
	for (i = 0; i < count; i++) {
		if (enabled && !enabled[i])
			continue;
		if (work_hash_meets(hash, targets[i]))
			met |= (uint32_t)1 << i;
	}
	return met;
}
