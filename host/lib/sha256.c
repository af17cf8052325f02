/* SHA-256 (FIPS 180-4) reference model. Written for clarity, not speed:
 * it is the golden model the RTL pipelines and the host re-verification
 * are checked against. All word <-> byte conversions are big-endian, as
 * FIPS 180-4 specifies. */
#include <string.h>

#include "sha256.h"
#include "tandem_err.h"

/* FIPS 180-4 section 4.2.2: first 32 bits of the fractional parts of the
 * cube roots of the first 64 primes. */
static const uint32_t sha256_k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
        0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
        0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
        0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
        0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
        0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* FIPS 180-4 section 5.3.3: the initial hash value H(0). */
static const uint32_t sha256_h0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

static uint32_t rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32u - n));
}

static uint32_t load_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void sha256_iv(uint32_t h[8])
{
	memcpy(h, sha256_h0, sizeof(sha256_h0));
}

void sha256_compress(uint32_t h[8], const uint8_t block[64])
{
	uint32_t w[64];
	uint32_t a, b, c, d, e, f, g, hh;
	unsigned t;

	/* Message schedule (FIPS 180-4 section 6.2.2 step 1). */
	for (t = 0; t < 16; t++)
		w[t] = load_be32(block + 4 * t);
	for (t = 16; t < 64; t++) {
		uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^
		              (w[t - 15] >> 3);
		uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^
		              (w[t - 2] >> 10);
		w[t] = w[t - 16] + s0 + w[t - 7] + s1;
	}

	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	f = h[5];
	g = h[6];
	hh = h[7];

	/* 64 rounds (step 3). */
	for (t = 0; t < 64; t++) {
		uint32_t S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = hh + S1 + ch + sha256_k[t] + w[t];
		uint32_t S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
		uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
		uint32_t t2 = S0 + maj;

		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}

	/* Feed-forward (step 4). */
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

void sha256_init(struct sha256_ctx *c)
{
	sha256_iv(c->h);
	c->bytes = 0;
	c->fill = 0;
	memset(c->buf, 0, sizeof(c->buf));
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t n)
{
	const uint8_t *p = data;

	c->bytes += n;
	if (c->fill > 0) {
		size_t take = SHA256_BLOCK_LEN - c->fill;

		if (take > n)
			take = n;
		memcpy(c->buf + c->fill, p, take);
		c->fill += take;
		p += take;
		n -= take;
		if (c->fill < SHA256_BLOCK_LEN)
			return;
		sha256_compress(c->h, c->buf);
		c->fill = 0;
	}
	while (n >= SHA256_BLOCK_LEN) {
		sha256_compress(c->h, p);
		p += SHA256_BLOCK_LEN;
		n -= SHA256_BLOCK_LEN;
	}
	if (n > 0) {
		memcpy(c->buf, p, n);
		c->fill = n;
	}
}

void sha256_final(struct sha256_ctx *c, uint8_t out[32])
{
	uint64_t bits = c->bytes * 8u;
	unsigned i;

	/* Padding (section 5.1.1): 0x80, zeros up to 56 mod 64, then the
	 * message length in bits as a 64-bit big-endian number. */
	c->buf[c->fill++] = 0x80;
	if (c->fill > 56) {
		memset(c->buf + c->fill, 0, SHA256_BLOCK_LEN - c->fill);
		sha256_compress(c->h, c->buf);
		c->fill = 0;
	}
	memset(c->buf + c->fill, 0, 56 - c->fill);
	for (i = 0; i < 8; i++)
		c->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_compress(c->h, c->buf);
	sha256_state_to_bytes(c->h, out);
	/* Leave the context unusable until sha256_init again. */
	memset(c->buf, 0, sizeof(c->buf));
	c->fill = 0;
}

int sha256_midstate_export(const struct sha256_ctx *c, uint32_t h[8],
                           uint64_t *bytes)
{
	if (c->fill != 0)
		return TANDEM_ERR_INVAL;
	memcpy(h, c->h, sizeof(c->h));
	if (bytes)
		*bytes = c->bytes;
	return 0;
}

int sha256_midstate_import(struct sha256_ctx *c, const uint32_t h[8],
                           uint64_t bytes)
{
	if (bytes % SHA256_BLOCK_LEN != 0)
		return TANDEM_ERR_INVAL;
	memcpy(c->h, h, sizeof(c->h));
	c->bytes = bytes;
	c->fill = 0;
	memset(c->buf, 0, sizeof(c->buf));
	return 0;
}

void sha256(const void *data, size_t n, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, n);
	sha256_final(&c, out);
}

void sha256d(const void *data, size_t n, uint8_t out[32])
{
	uint8_t first[32];

	sha256(data, n, first);
	sha256(first, sizeof(first), out);
}

void sha256_state_to_bytes(const uint32_t h[8], uint8_t out[32])
{
	unsigned i;

	for (i = 0; i < 8; i++)
		store_be32(out + 4 * i, h[i]);
}

void sha256_state_from_bytes(const uint8_t in[32], uint32_t h[8])
{
	unsigned i;

	for (i = 0; i < 8; i++)
		h[i] = load_be32(in + 4 * i);
}
