/* SHA-256 reference model against every vector in sha256_nist.json:
 * CAVS short/long messages, the FIPS 180 examples (one million 'a'),
 * NIST SHA2_Additional, the SHAVS Monte Carlo checkpoints and the SHA-256d
 * vectors; plus streaming, midstate export/import and equality with
 * OpenSSL's SHA-256 on many message lengths. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "hex.h"
#include "sha256.h"
#include "tandem_err.h"
#include "vectors.h"

/* Message of a vector: msg_hex, or msg_repeat {unit_hex, count}. */
static uint8_t *vector_message(const json_t *v, size_t *len)
{
	json_t *rep = json_object_get(v, "msg_repeat");
	uint8_t unit[64];
	uint8_t *buf;
	size_t ulen, count, i;

	if (!rep)
		return vec_hex_alloc(v, "msg_hex", len);
	ulen = vec_hex(rep, "unit_hex", unit, sizeof(unit));
	count = (size_t)vec_int(rep, "count");
	assert_true(ulen > 0);
	buf = malloc(ulen * count + 1);
	assert_non_null(buf);
	for (i = 0; i < count; i++)
		memcpy(buf + i * ulen, unit, ulen);
	*len = ulen * count;
	return buf;
}

static void check_digest(const json_t *v, const char *key,
                         const uint8_t got[32])
{
	uint8_t want[32];
	char hex[65];

	vec_hex_n(v, key, want, 32, 0);
	if (memcmp(got, want, 32) != 0) {
		hex_encode(got, 32, hex, sizeof(hex));
		fail_msg("%s: %s want %s got %s", vec_id(v), key,
		         vec_str(v, key), hex);
	}
}

/* A small deterministic generator for chunk sizes and filler bytes. */
static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void test_nist_vectors(void **state)
{
	json_t *root = vec_load("sha256_nist.json");
	json_t *vecs = vec_array(root, "vectors", NULL);
	size_t i, n = 0, kinds[4] = {0, 0, 0, 0};
	uint32_t seed = 12345;
	json_t *v;

	(void)state;
	json_array_foreach(vecs, i, v)
	{
		const char *kind = vec_str(v, "kind");
		uint8_t got[32];
		struct sha256_ctx c;
		size_t len, off;
		uint8_t *msg = vector_message(v, &len);

		assert_int_equal((long long)len * 8, vec_int(v, "len_bits"));
		/* one shot */
		sha256(msg, len, got);
		check_digest(v, "md_hex", got);
		/* streaming in irregular chunks */
		sha256_init(&c);
		for (off = 0; off < len;) {
			size_t k = xorshift(&seed) % 200;

			if (k > len - off)
				k = len - off;
			sha256_update(&c, msg + off, k);
			off += k;
		}
		sha256_final(&c, got);
		check_digest(v, "md_hex", got);
		free(msg);
		n++;
		if (!strcmp(kind, "cavs_short"))
			kinds[0]++;
		else if (!strcmp(kind, "cavs_long"))
			kinds[1]++;
		else if (!strcmp(kind, "fips180_example"))
			kinds[2]++;
		else if (!strcmp(kind, "sha2_additional"))
			kinds[3]++;
	}
	assert_int_equal(n, 144);
	assert_int_equal(kinds[0], 65);
	assert_int_equal(kinds[1], 64);
	assert_int_equal(kinds[2], 5);
	assert_int_equal(kinds[3], 10);
	print_message("checked %zu single-message vectors\n", n);
	json_decref(root);
}

static void test_monte_carlo(void **state)
{
	json_t *root = vec_load("sha256_nist.json");
	json_t *mc = vec_get(root, "monte_carlo");
	json_t *cps = vec_array(mc, "checkpoints", NULL);
	uint8_t seed[32], md[3][32], m[96];
	size_t j, count;
	json_t *cp;

	(void)state;
	vec_hex_n(mc, "seed_hex", seed, 32, 0);
	/* SHAVS: MD0 = MD1 = MD2 = Seed; Mi = MD(i-3) | MD(i-2) | MD(i-1);
	 * MDi = SHA256(Mi) for i = 3..1002; checkpoint MD1002; repeat. */
	json_array_foreach(cps, j, cp)
	{
		int i;

		assert_int_equal(vec_int(cp, "count"), (long long)j);
		memcpy(md[0], seed, 32);
		memcpy(md[1], seed, 32);
		memcpy(md[2], seed, 32);
		for (i = 3; i < 1003; i++) {
			memcpy(m, md[0], 32);
			memcpy(m + 32, md[1], 32);
			memcpy(m + 64, md[2], 32);
			memcpy(md[0], md[1], 32);
			memcpy(md[1], md[2], 32);
			sha256(m, sizeof(m), md[2]);
		}
		check_digest(cp, "md_hex", md[2]);
		memcpy(seed, md[2], 32);
	}
	count = json_array_size(cps);
	assert_int_equal(count, 100);
	print_message("checked %zu Monte Carlo checkpoints\n", count);
	json_decref(root);
}

static void test_sha256d_vectors(void **state)
{
	json_t *root = vec_load("sha256_nist.json");
	json_t *vs = vec_array(root, "sha256d", NULL);
	size_t i;
	json_t *v;

	(void)state;
	json_array_foreach(vs, i, v)
	{
		uint8_t got[32];
		size_t len;
		uint8_t *msg = vector_message(v, &len);

		sha256(msg, len, got);
		check_digest(v, "sha256_hex", got);
		sha256d(msg, len, got);
		check_digest(v, "sha256d_hex", got);
		free(msg);
	}
	assert_int_equal(json_array_size(vs), 3);
	json_decref(root);
}

/* FIPS 180 "abc" through sha256_iv + sha256_compress with padding done by
 * hand: one block 61 62 63 80 00.. 00 18. */
static void test_compress_abc(void **state)
{
	static const uint8_t want[32] = {
	        0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
	        0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
	        0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
	        0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	uint8_t block[64] = {0x61, 0x62, 0x63, 0x80};
	uint8_t out[32];
	uint32_t h[8], back[8];

	(void)state;
	block[63] = 0x18;
	sha256_iv(h);
	assert_int_equal(h[0], 0x6a09e667);
	assert_int_equal(h[7], 0x5be0cd19);
	sha256_compress(h, block);
	assert_int_equal(h[0], 0xba7816bf); /* FIPS word H0 of the digest */
	sha256_state_to_bytes(h, out);
	assert_memory_equal(out, want, 32);
	sha256_state_from_bytes(out, back);
	assert_memory_equal(back, h, sizeof(h));
}

/* Export after k whole blocks, import into a fresh context, finish:
 * equal to the one-shot digest of the million-'a' vector. */
static void test_midstate_export_import(void **state)
{
	json_t *root = vec_load("sha256_nist.json");
	json_t *vecs = vec_array(root, "vectors", NULL);
	size_t i, checked = 0;
	json_t *v;

	(void)state;
	json_array_foreach(vecs, i, v)
	{
		struct sha256_ctx a, b;
		uint32_t h[8];
		uint64_t bytes;
		uint8_t got[32];
		size_t len, k;
		uint8_t *msg;

		if (vec_int(v, "len_bits") < 8 * 130)
			continue;
		msg = vector_message(v, &len);
		k = (len / 2) / 64 * 64;
		sha256_init(&a);
		sha256_update(&a, msg, k + 1);
		/* a partial block is buffered: export must refuse */
		assert_int_equal(sha256_midstate_export(&a, h, &bytes),
		                 TANDEM_ERR_INVAL);
		sha256_init(&a);
		sha256_update(&a, msg, k);
		assert_int_equal(sha256_midstate_export(&a, h, &bytes), 0);
		assert_int_equal(bytes, k);
		assert_int_equal(sha256_midstate_import(&b, h, bytes + 1),
		                 TANDEM_ERR_INVAL);
		assert_int_equal(sha256_midstate_import(&b, h, bytes), 0);
		sha256_update(&b, msg + k, len - k);
		sha256_final(&b, got);
		check_digest(v, "md_hex", got);
		free(msg);
		checked++;
	}
	assert_true(checked >= 60);
	json_decref(root);
}

/* Equality with OpenSSL (the optional fast path) on every length from 0
 * to 300 bytes and some long ones, single and double hash. */
static void test_openssl_equal(void **state)
{
	static const size_t longs[] = {1000, 4095, 4096, 4097, 65536 + 17};
	uint8_t *buf = malloc(65536 + 64);
	uint8_t a[32], b[32], t[32];
	unsigned int outlen;
	uint32_t seed = 99;
	size_t i, len;

	(void)state;
	assert_non_null(buf);
	for (i = 0; i < 65536 + 64; i++)
		buf[i] = (uint8_t)xorshift(&seed);
	for (len = 0; len < 300 + 5; len++) {
		size_t n = len < 300 ? len : longs[len - 300];

		sha256(buf, n, a);
		assert_int_equal(
		        EVP_Digest(buf, n, b, &outlen, EVP_sha256(), NULL), 1);
		assert_int_equal(outlen, 32);
		assert_memory_equal(a, b, 32);
		sha256d(buf, n, a);
		EVP_Digest(buf, n, t, &outlen, EVP_sha256(), NULL);
		EVP_Digest(t, 32, b, &outlen, EVP_sha256(), NULL);
		assert_memory_equal(a, b, 32);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_nist_vectors),
	        cmocka_unit_test(test_monte_carlo),
	        cmocka_unit_test(test_sha256d_vectors),
	        cmocka_unit_test(test_compress_abc),
	        cmocka_unit_test(test_midstate_export_import),
	        cmocka_unit_test(test_openssl_equal),
	};

	return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
