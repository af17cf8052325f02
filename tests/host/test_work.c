/* Proof-of-work arithmetic against the 89 real headers of headers.json
 * (hash, target from nbits, hash <= target, midstate, tail, hashing from
 * the midstate, target -> nbits round trip, parsed fields) and exact
 * integer reasoning for nbits edge cases and difficulty -> target. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "sha256.h"
#include "tandem_err.h"
#include "vectors.h"
#include "work.h"

/* 256-bit little-endian number with one value v placed at byte pos:
 * v * 256^pos (v up to 3 bytes). */
static void num_at(uint8_t out[32], uint32_t v, int pos)
{
	int i;

	memset(out, 0, 32);
	for (i = 0; i < 4; i++) {
		if (pos + i >= 0 && pos + i < 32)
			out[pos + i] = (uint8_t)(v >> (8 * i));
	}
}

static void dec256(uint8_t x[32])
{
	int i;

	for (i = 0; i < 32; i++) {
		if (x[i]-- != 0)
			break;
	}
}

static void test_headers(void **state)
{
	json_t *root = vec_load("headers.json");
	json_t *hs = vec_array(root, "headers", NULL);
	size_t i, rolled = 0;
	json_t *h;

	(void)state;
	json_array_foreach(hs, i, h)
	{
		uint8_t hdr[80], again[80], hash[32], want[32], target[32];
		uint8_t tail[16], ms_bytes[32], ms_want[32], tmp[32];
		uint32_t ms[8], nbits = vec_u32_hex(h, "nbits");
		struct work_header wh;
		struct sha256_ctx c;
		uint64_t bytes;
		json_t *bits;
		const char *id = vec_id(h);

		vec_hex_n(h, "header_hex", hdr, 80, 0);
		/* block hash: display order is the reversed SHA256d */
		sha256d(hdr, 80, hash);
		vec_hex_n(h, "block_hash", want, 32, 1);
		assert_memory_equal(hash, want, 32);

		/* fields */
		work_header_unpack(hdr, &wh);
		assert_int_equal(wh.version, vec_int(h, "version"));
		assert_int_equal(wh.version, vec_u32_hex(h, "version_hex"));
		assert_int_equal(wh.ntime, vec_int(h, "time"));
		assert_int_equal(wh.nonce, vec_int(h, "nonce"));
		assert_int_equal(wh.nonce, vec_u32_hex(h, "nonce_hex"));
		assert_int_equal(wh.nbits, nbits);
		vec_hex_n(h, "prev_block_hash", tmp, 32, 1);
		assert_memory_equal(wh.prevhash, tmp, 32);
		vec_hex_n(h, "merkle_root", tmp, 32, 1);
		assert_memory_equal(wh.merkle_root, tmp, 32);
		work_header_pack(&wh, again);
		assert_memory_equal(again, hdr, 80);

		/* target from nbits, and the proof of work */
		assert_int_equal(work_nbits_to_target(nbits, target), 0);
		vec_hex_n(h, "target_hex", want, 32, 1);
		assert_memory_equal(target, want, 32);
		if (!work_hash_meets(hash, target))
			fail_msg("%s: hash above its nbits target", id);
		/* nbits -> target -> nbits */
		assert_int_equal(work_target_to_nbits(target), nbits);

		/* midstate (H0..H7 as big-endian hex) and tail */
		work_header_midstate(hdr, ms);
		sha256_state_to_bytes(ms, ms_bytes);
		vec_hex_n(h, "midstate_hex", ms_want, 32, 0);
		assert_memory_equal(ms_bytes, ms_want, 32);
		sha256_init(&c);
		sha256_update(&c, hdr, 64);
		assert_int_equal(sha256_midstate_export(&c, ms, &bytes), 0);
		sha256_state_to_bytes(ms, ms_bytes);
		assert_memory_equal(ms_bytes, ms_want, 32);
		vec_hex_n(h, "tail_hex", tail, 16, 0);
		assert_memory_equal(tail, hdr + 64, 16);
		/* the split the hardware hashes */
		work_hash_from_midstate(ms, tail, wh.nonce, tmp);
		assert_memory_equal(tmp, hash, 32);
		/* another nonce gives another hash */
		work_hash_from_midstate(ms, tail, wh.nonce ^ 1u, tmp);
		assert_memory_not_equal(tmp, hash, 32);

		/* BIP320 rolled bits */
		bits = vec_get(h, "bip320_rolled_bits_hex");
		if (json_is_string(bits)) {
			uint32_t b = vec_u32_hex(h, "bip320_rolled_bits_hex");

			assert_int_equal(wh.version & 0xe0000000u, 0x20000000u);
			assert_int_equal(b, wh.version & 0x1fffe000u);
			/* the base version plus the rolled bits rebuild it */
			assert_int_equal(
			        work_version_roll(wh.version & ~0x1fffe000u,
			                          0x1fffe000u, b),
			        wh.version);
			rolled++;
		}
	}
	assert_int_equal(json_array_size(hs), 89);
	print_message("checked 89 headers (%zu with BIP320 bits)\n", rolled);
	json_decref(root);
}

/* Classification against the real headers: own nbits target (met),
 * the hash itself (equal meets), hash - 1 (not met), a disabled slot. */
static void test_classify_headers(void **state)
{
	json_t *root = vec_load("headers.json");
	json_t *hs = vec_array(root, "headers", NULL);
	size_t i;
	json_t *h;

	(void)state;
	json_array_foreach(hs, i, h)
	{
		uint8_t hdr[80], hash[32], targets[5][32];
		const uint8_t enabled[5] = {1, 1, 1, 0, 1};
		uint32_t nbits = vec_u32_hex(h, "nbits");

		vec_hex_n(h, "header_hex", hdr, 80, 0);
		sha256d(hdr, 80, hash);
		assert_int_equal(work_nbits_to_target(nbits, targets[0]), 0);
		memcpy(targets[1], hash, 32);
		memcpy(targets[2], hash, 32);
		dec256(targets[2]);
		memset(targets[3], 0xff, 32);
		memset(targets[4], 0, 32); /* nothing meets target 0 */
		assert_int_equal(work_classify(hash, targets, enabled, 5),
		                 0x3u);
		assert_int_equal(work_classify(hash, targets, NULL, 5), 0xbu);
		assert_int_equal(work_cmp256(hash, targets[1]), 0);
		assert_true(work_cmp256(targets[2], hash) < 0);
		assert_true(work_cmp256(hash, targets[2]) > 0);
	}
	json_decref(root);
}

/* nbits edge cases; the expected targets are placed by hand:
 * mantissa * 256^(exponent - 3). */
static void test_nbits_edges(void **state)
{
	static const struct {
		uint32_t nbits;
		int rc;
		uint32_t value; /* expected target = value * 256^pos */
		int pos;
		uint32_t back; /* target -> nbits, 0 = skip */
	} cases[] = {
	        /* difficulty 1: 0xffff * 2^208 */
	        {0x1d00ffff, 0, 0x00ffff, 26, 0x1d00ffff},
	        /* zero mantissa gives 0, with or without the sign bit */
	        {0x00123456, 0, 0, 0, 0},
	        {0x01003456, 0, 0, 0, 0},
	        {0x02000056, 0, 0, 0, 0},
	        {0x03000000, 0, 0, 0, 0},
	        {0x04000000, 0, 0, 0, 0},
	        {0x00923456, 0, 0, 0, 0},
	        {0x01803456, 0, 0, 0, 0},
	        {0x02800056, 0, 0, 0, 0},
	        {0x03800000, 0, 0, 0, 0},
	        {0x04800000, 0, 0, 0, 0},
	        /* exponent < 3: mantissa >> 8 * (3 - exponent) */
	        {0x01123456, 0, 0x12, 0, 0x01120000},
	        {0x02123456, 0, 0x1234, 0, 0x02123400},
	        {0x03123456, 0, 0x123456, 0, 0x03123456},
	        {0x04123456, 0, 0x123456, 1, 0x04123456},
	        {0x05009234, 0, 0x009234, 2, 0x05009234},
	        {0x20123456, 0, 0x123456, 29, 0x20123456},
	        /* sign bit with a non-zero mantissa: negative */
	        {0x01fedcba, TANDEM_ERR_RANGE, 0, 0, 0},
	        {0x04923456, TANDEM_ERR_RANGE, 0, 0, 0},
	        {0x1d80ffff, TANDEM_ERR_RANGE, 0, 0, 0},
	        /* the largest values that fit 256 bits */
	        {0x220000ff, 0, 0xff, 31, 0x2100ff00}, /* canonical form */
	        {0x2100ffff, 0, 0xffff, 30, 0x2100ffff},
	        {0x207fffff, 0, 0x7fffff, 29, 0x207fffff},
	        /* overflow */
	        {0x22000100, TANDEM_ERR_RANGE, 0, 0, 0},
	        {0x21010000, TANDEM_ERR_RANGE, 0, 0, 0},
	        {0x23000001, TANDEM_ERR_RANGE, 0, 0, 0},
	        {0xff123456, TANDEM_ERR_RANGE, 0, 0, 0},
	};
	uint8_t got[32], want[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = work_nbits_to_target(cases[i].nbits, got);

		if (rc != cases[i].rc)
			fail_msg("nbits %08x: rc %d want %d", cases[i].nbits,
			         rc, cases[i].rc);
		num_at(want, cases[i].value, cases[i].pos);
		assert_memory_equal(got, want, 32);
		if (cases[i].back)
			assert_int_equal(work_target_to_nbits(got),
			                 cases[i].back);
	}
	/* GetCompact of small numbers: 0 -> 0; 0x80 needs a zero byte in
	 * front of it so that its top bit is not read as the sign. */
	num_at(want, 0, 0);
	assert_int_equal(work_target_to_nbits(want), 0);
	num_at(want, 0x80, 0);
	assert_int_equal(work_target_to_nbits(want), 0x02008000);
	num_at(want, 0x800000, 26);
	assert_int_equal(work_target_to_nbits(want), 0x1e008000);
	/* low bytes below the top three are dropped */
	num_at(want, 0xffff, 26);
	want[0] = 1;
	assert_int_equal(work_target_to_nbits(want), 0x1d00ffff);
	memset(want, 0xff, 32);
	assert_int_equal(work_target_to_nbits(want), 0x2100ffff);
}

/* Checks floor(0xffff * 2^208 / diff) == t by its defining inequality,
 * with diff = m / 2^k exactly (m a 53-bit integer):
 *   t * m <= 0xffff * 2^(208 + k) < (t + 1) * m
 * in exact multi-word integer arithmetic (24 32-bit words). */
#define NW 24
static void mul_small(const uint8_t t[32], uint64_t m, uint32_t out[NW])
{
	uint64_t carry = 0;
	uint32_t lo = (uint32_t)m, hi = (uint32_t)(m >> 32);
	uint32_t tw[NW] = {0};
	int i, j;

	for (i = 0; i < 8; i++)
		tw[i] = (uint32_t)t[4 * i] | (uint32_t)t[4 * i + 1] << 8 |
		        (uint32_t)t[4 * i + 2] << 16 |
		        (uint32_t)t[4 * i + 3] << 24;
	memset(out, 0, NW * sizeof(uint32_t));
	for (j = 0; j < 2; j++) {
		uint32_t f = j ? hi : lo;

		carry = 0;
		for (i = 0; i + j < NW; i++) {
			uint64_t v = (uint64_t)tw[i] * f + out[i + j] + carry;

			out[i + j] = (uint32_t)v;
			carry = v >> 32;
		}
	}
}

static int cmp_words(const uint32_t a[NW], const uint32_t b[NW])
{
	int i;

	for (i = NW - 1; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static void check_floor(double diff, const uint8_t t[32])
{
	uint32_t lhs[NW], rhs[NW], num[NW];
	uint8_t t1[32];
	uint64_t m, wide;
	unsigned shift;
	int k = 0, i;

	/* diff = m / 2^k with m < 2^53 an integer (k may be negative):
	 * scaling by 2 is exact in binary floating point */
	while (diff != floor(diff)) {
		diff *= 2.0;
		k++;
	}
	while (diff >= 9007199254740992.0) {
		diff /= 2.0;
		k--;
	}
	assert_true(diff == floor(diff));
	assert_true(diff < 9007199254740992.0); /* 2^53 */
	m = (uint64_t)diff;
	assert_true(208 + k >= 0 && 208 + k + 16 < NW * 32);
	shift = (unsigned)(208 + k);
	memset(num, 0, sizeof(num));
	wide = (uint64_t)0xffff << (shift % 32u);
	num[shift / 32u] = (uint32_t)wide;
	num[shift / 32u + 1] = (uint32_t)(wide >> 32);
	mul_small(t, m, lhs);
	assert_true(cmp_words(lhs, num) <= 0);
	memcpy(t1, t, 32);
	for (i = 0; i < 32; i++)
		if (++t1[i] != 0)
			break;
	assert_true(i < 32); /* t + 1 fits */
	mul_small(t1, m, rhs);
	assert_true(cmp_words(num, rhs) < 0);
}

static void test_difficulty(void **state)
{
	static const double diffs[] = {
	        1.0,     0.5,    1.0 / 65536, 0.001,  0.1,     1e-9,
	        3.0,     7.0,    512.0,       8192.0, 65536.0, 12345.678,
	        29588.0, 1e6,    1e12,        1.5e13, 1e15,    1e20,
	        1e30,    4.2e50, 0.000123456,
	};
	uint8_t got[32], want[32];
	size_t i;

	(void)state;
	/* exact placements: 0xffff * 2^208 / 2^e = 0xffff * 2^(208-e) */
	assert_int_equal(work_difficulty_to_target(1.0, got), 0);
	num_at(want, 0xffff, 26);
	assert_memory_equal(got, want, 32);
	assert_int_equal(work_difficulty_to_target(1.0 / 65536, got), 0);
	num_at(want, 0xffff, 28);
	assert_memory_equal(got, want, 32);
	assert_int_equal(work_difficulty_to_target(0.5, got), 0);
	num_at(want, 0x1fffe, 26);
	assert_memory_equal(got, want, 32);
	assert_int_equal(work_difficulty_to_target(65536.0, got), 0);
	num_at(want, 0xffff, 24);
	assert_memory_equal(got, want, 32);
	assert_int_equal(work_difficulty_to_target(ldexp(1.0, 200), got), 0);
	num_at(want, 0xffff, 1); /* 0xffff * 2^8 */
	assert_memory_equal(got, want, 32);
	/* 0xffff * 2^208 / 2^224 = 0 */
	assert_int_equal(work_difficulty_to_target(ldexp(1.0, 224), got), 0);
	num_at(want, 0, 0);
	assert_memory_equal(got, want, 32);
	/* 0xffff: the target is exactly 2^208 */
	assert_int_equal(work_difficulty_to_target(65535.0, got), 0);
	num_at(want, 1, 26);
	assert_memory_equal(got, want, 32);

	/* floor property for assorted values */
	for (i = 0; i < sizeof(diffs) / sizeof(diffs[0]); i++) {
		assert_int_equal(work_difficulty_to_target(diffs[i], got), 0);
		check_floor(diffs[i], got);
	}

	/* saturation: 0xffff * 2^208 / 1e-10 > 2^256 */
	assert_int_equal(work_difficulty_to_target(1e-10, got), 0);
	memset(want, 0xff, 32);
	assert_memory_equal(got, want, 32);
	assert_int_equal(work_difficulty_to_target(1e-300, got), 0);
	assert_memory_equal(got, want, 32);
	assert_int_equal(work_difficulty_to_target(4.9e-324, got), 0);
	assert_memory_equal(got, want, 32);
	/* bad input */
	assert_int_equal(work_difficulty_to_target(0.0, got), TANDEM_ERR_RANGE);
	assert_int_equal(work_difficulty_to_target(-1.0, got),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(work_difficulty_to_target(NAN, got), TANDEM_ERR_RANGE);
	assert_int_equal(work_difficulty_to_target(INFINITY, got),
	                 TANDEM_ERR_RANGE);

	/* target -> difficulty */
	num_at(want, 0xffff, 26);
	assert_true(work_target_to_difficulty(want) == 1.0);
	num_at(want, 0xffff, 24);
	assert_true(work_target_to_difficulty(want) == 65536.0);
	num_at(want, 0xffff, 28);
	assert_true(work_target_to_difficulty(want) == 1.0 / 65536);
	num_at(want, 0, 0);
	assert_true(isinf(work_target_to_difficulty(want)));
	/* round trip within double precision */
	for (i = 0; i < sizeof(diffs) / sizeof(diffs[0]); i++) {
		double back;

		if (diffs[i] > 1e15)
			continue; /* targets too short for 53-bit precision */
		work_difficulty_to_target(diffs[i], got);
		back = work_target_to_difficulty(got);
		assert_true(fabs(back - diffs[i]) <= diffs[i] * 1e-12);
	}
}

static void test_cmp_order(void **state)
{
	uint8_t a[32] = {0}, b[32] = {0};

	(void)state;
	/* byte 31 is the most significant */
	a[0] = 0xff;
	b[31] = 0x01;
	assert_true(work_cmp256(a, b) < 0);
	assert_true(work_cmp256(b, a) > 0);
	assert_int_equal(work_hash_meets(a, b), 1);
	assert_int_equal(work_hash_meets(b, a), 0);
	assert_int_equal(work_hash_meets(a, a), 1); /* equal meets */
}

static void test_version_rolling(void **state)
{
	const uint32_t mask = 0x1fffe000u;
	uint32_t v;
	unsigned n;

	(void)state;
	assert_int_equal(work_version_roll(0x20000000u, mask, 0x00b44000u),
	                 0x20b44000u);
	assert_int_equal(work_version_roll(0x20000004u, mask, 0xffffffffu),
	                 0x3fffe004u);
	assert_int_equal(work_version_roll(0x20000000u, 0, 0xffffffffu),
	                 0x20000000u);
	/* +1 in units of the lowest mask bit (1 << 13) */
	assert_int_equal(work_version_next(0x20000000u, mask), 0x20002000u);
	assert_int_equal(work_version_next(0x20000004u, mask), 0x20002004u);
	assert_int_equal(work_version_next(0x2000e000u, mask), 0x20010000u);
	/* wraps inside the mask, leaving the other bits alone */
	assert_int_equal(work_version_next(0x3fffe004u, mask), 0x20000004u);
	/* a mask with a hole: the carry jumps over bits 4..7 */
	assert_int_equal(work_version_next(0x000000ffu, 0x00000f0fu),
	                 0x000001f0u);
	assert_int_equal(work_version_next(0x00000fffu, 0x00000f0fu),
	                 0x000000f0u);
	/* a full cycle over 16 bits visits 2^16 values and comes back */
	v = 0x20000000u;
	for (n = 0; n < 65536; n++) {
		v = work_version_next(v, mask);
		if (v == 0x20000000u)
			break;
	}
	assert_int_equal(n, 65535);
	/* no mask: nothing moves */
	assert_int_equal(work_version_next(0x20000000u, 0), 0x20000000u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_headers),
	        cmocka_unit_test(test_classify_headers),
	        cmocka_unit_test(test_nbits_edges),
	        cmocka_unit_test(test_difficulty),
	        cmocka_unit_test(test_cmp_order),
	        cmocka_unit_test(test_version_rolling),
	};

	return cmocka_run_group_tests_name("work", tests, NULL, NULL);
}
