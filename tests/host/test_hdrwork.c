/* Header work for header-only devices against real data: for every block
 * of blocks.json, the header JOB built from its Stratum split with the
 * real extranonce2 hashes (device model, midstate + tail + nonce) to the
 * real block hash at the real nonce; the real Stratum jobs of
 * stratum_jobs.json give their known midstate and share difficulties
 * (one with BIP320 rolled version bits); and the extranonce2 split among
 * devices: layout, slice limits, disjointness. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hdrwork.h"
#include "hex.h"
#include "job.h"
#include "sha256.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "vectors.h"
#include "work.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A packed header JOB reads back as it was built (the frame the device
 * gets). */
static void check_frame(const struct proto_job *pj)
{
	uint8_t p[TANDEM_MAX_PAYLOAD];
	struct proto_job back;
	int n = proto_job_pack(pj, p, sizeof(p));

	assert_int_equal(n, PROTO_JOB_HEADER_LEN);
	assert_int_equal(p[0], PROTO_JOB_MODE_HEADER);
	assert_int_equal(proto_job_unpack(p, (size_t)n, &back), 0);
	assert_int_equal(back.mode, PROTO_JOB_MODE_HEADER);
	assert_int_equal(back.nonce_start, pj->nonce_start);
	assert_int_equal(back.nonce_count, pj->nonce_count);
	assert_int_equal(back.version, pj->version);
	assert_int_equal(back.ntime, pj->ntime);
	assert_memory_equal(back.midstate, pj->midstate, sizeof(pj->midstate));
	assert_memory_equal(back.tail, pj->tail, sizeof(pj->tail));
}

/* ---- blocks.json ------------------------------------------------------ */

static void test_blocks(void **state)
{
	json_t *root = vec_load("blocks.json");
	json_t *bs = vec_array(root, "blocks", NULL);
	static struct job_stratum j;
	static struct proto_job pj;
	size_t i, count = 0;
	json_t *b;

	(void)state;
	json_array_foreach(bs, i, b)
	{
		const char *id = vec_id(b);
		const json_t *s = vec_get(b, "stratum");
		json_t *br, *x;
		uint8_t en1[JOB_EN_MAX], en2[JOB_EN_MAX], real[80], hdr[80];
		uint8_t want[32], hash[32], target[32];
		size_t en1_len, en2_len, k, nb;
		uint32_t nonce;

		memset(&j, 0, sizeof(j));
		j.coinb1_len = vec_hex(s, "coinb1", j.coinb1, JOB_COINB_MAX);
		j.coinb2_len = vec_hex(s, "coinb2", j.coinb2, JOB_COINB_MAX);
		en1_len = vec_hex(s, "extranonce1", en1, JOB_EN_MAX);
		en2_len = vec_hex(s, "extranonce2", en2, JOB_EN_MAX);
		br = vec_array(b, "merkle_branch", &nb);
		assert_true(nb <= JOB_MAX_BRANCH);
		json_array_foreach(br, k, x)
		{
			assert_int_equal(hex_decode_exact(json_string_value(x),
			                                  j.branch[k], 32),
			                 0);
		}
		j.branch_count = nb;
		vec_hex_n(b, "header_hex", real, 80, 0);
		vec_hex_n(b, "block_hash", want, 32, 1);
		/* what a pool's notify carries: prevhash (header order),
		 * version, nbits, ntime */
		memcpy(j.prevhash, real + 4, 32);
		j.version = vec_u32_hex(b, "version_hex");
		j.nbits = vec_u32_hex(b, "nbits");
		j.ntime = le32(real + 68);
		nonce = le32(real + 76);

		assert_int_equal(hdrwork_job(&j, en1, en1_len, en2, en2_len,
		                             j.version, 0, 0, &pj, hdr),
		                 0);
		/* the header is the real one up to the nonce */
		if (memcmp(hdr, real, 76) != 0)
			fail_msg("%s: header differs from the block's", id);
		assert_int_equal(le32(hdr + 76), 0);
		assert_int_equal(pj.mode, PROTO_JOB_MODE_HEADER);
		assert_int_equal(pj.nonce_start, 0);
		assert_int_equal(pj.nonce_count, 0);
		assert_int_equal(pj.version, le32(real));
		assert_int_equal(pj.ntime, j.ntime);
		assert_memory_equal(pj.tail, real + 64, 12);
		/* the device model at the real nonce finds the block */
		assert_int_equal(job_proto_hash(&pj, NULL, 0, nonce, hash), 0);
		if (memcmp(hash, want, 32) != 0)
			fail_msg("%s: header JOB does not hash to the block",
			         id);
		assert_int_equal(work_nbits_to_target(j.nbits, target), 0);
		assert_true(work_hash_meets(hash, target));
		/* one nonce off misses it */
		assert_int_equal(job_proto_hash(&pj, NULL, 0, nonce + 1, hash),
		                 0);
		assert_memory_not_equal(hash, want, 32);
		check_frame(&pj);

		/* the window is passed through; header may be NULL */
		assert_int_equal(hdrwork_job(&j, en1, en1_len, en2, en2_len,
		                             j.version, 0x1000, 0x100, &pj,
		                             NULL),
		                 0);
		assert_int_equal(pj.nonce_start, 0x1000);
		assert_int_equal(pj.nonce_count, 0x100);
		check_frame(&pj);

		/* another extranonce2: another coinbase, so another merkle
		 * root in the header (midstate and tail both move) */
		if (en2_len <= TANDEM_MAX_EN2) {
			struct proto_job pj2;
			uint8_t hdr2[80];

			assert_int_equal(job_en2_increment(en2, en2_len), 0);
			assert_int_equal(hdrwork_job(&j, en1, en1_len, en2,
			                             en2_len, j.version, 0, 0,
			                             &pj2, hdr2),
			                 0);
			assert_memory_equal(hdr2, hdr, 36);
			assert_memory_not_equal(hdr2 + 36, hdr + 36, 32);
			assert_memory_equal(hdr2 + 68, hdr + 68, 12);
			assert_memory_not_equal(pj2.midstate, pj.midstate,
			                        sizeof(pj.midstate));
		}
		count++;
	}
	assert_int_equal(count, 9);
	print_message("header JOBs of %zu real blocks hash to the block\n",
	              count);
	json_decref(root);
}

/* ---- stratum_jobs.json ----------------------------------------------- */

static void load_notify(const json_t *jv, struct job_stratum *j)
{
	const json_t *n = vec_get(jv, "notify");
	const char *branch[JOB_MAX_BRANCH];
	json_t *br = vec_get(n, "merkle_branch"), *x;
	size_t k, nb = json_array_size(br);
	struct job_notify_hex h;

	assert_true(json_is_array(br) && nb <= JOB_MAX_BRANCH);
	json_array_foreach(br, k, x) branch[k] = json_string_value(x);
	memset(&h, 0, sizeof(h));
	h.job_id = json_string_value(json_object_get(n, "job_id"));
	h.prevhash = vec_str(n, "prevhash");
	h.coinb1 = vec_str(n, "coinb1");
	h.coinb2 = vec_str(n, "coinb2");
	h.branch = branch;
	h.branch_count = nb;
	h.version = vec_str(n, "version");
	h.nbits = vec_str(n, "nbits");
	h.ntime = vec_str(n, "ntime");
	assert_int_equal(job_from_notify(j, &h), 0);
}

/* Every job with a whole notify and a known answer: the header JOB for
 * the job's extranonce2 (and the submit's version bits) meets it. */
static void test_stratum_jobs(void **state)
{
	json_t *root = vec_load("stratum_jobs.json");
	json_t *js = vec_array(root, "jobs", NULL);
	static struct job_stratum j;
	struct proto_job pj;
	size_t i, checks = 0;
	json_t *jv;

	(void)state;
	json_array_foreach(js, i, jv)
	{
		const char *id = vec_id(jv);
		const json_t *n = vec_get(jv, "notify");
		json_t *exp = vec_get(jv, "expected"), *sub, *vb;
		uint8_t en1[JOB_EN_MAX], en2[JOB_EN_MAX], hdr[80], hash[32];
		size_t en1_len, en2_len;
		uint32_t version, nonce;
		double diff;

		sub = json_object_get(jv, "submit");
		if (!json_object_get(n, "prevhash") ||
		    !json_object_get(n, "coinb1") || !sub)
			continue;
		load_notify(jv, &j);
		en1_len = vec_hex(jv, "extranonce1", en1, JOB_EN_MAX);
		en2_len = vec_hex(jv, "extranonce2", en2, JOB_EN_MAX);
		/* the job's ntime is what a header JOB carries */
		assert_int_equal(vec_u32_hex(sub, "ntime"), j.ntime);
		version = j.version;
		vb = json_object_get(sub, "version_bits");
		if (json_is_string(vb))
			version = work_version_roll(
			        j.version, vec_u32_hex(jv, "version_mask"),
			        vec_u32_hex(sub, "version_bits"));
		nonce = vec_u32_hex(sub, "nonce");
		assert_int_equal(hdrwork_job(&j, en1, en1_len, en2, en2_len,
		                             version, 0, 0, &pj, hdr),
		                 0);
		assert_int_equal(pj.version, version);
		check_frame(&pj);
		assert_int_equal(job_proto_hash(&pj, NULL, 0, nonce, hash), 0);
		diff = work_target_to_difficulty(hash);
		if (json_object_get(exp, "merkle_root_internal_hex")) {
			uint8_t want[32];

			vec_hex_n(exp, "merkle_root_internal_hex", want, 32, 0);
			if (memcmp(hdr + 36, want, 32) != 0)
				fail_msg("%s: merkle root differs", id);
			checks++;
		}
		if (json_object_get(exp, "merkle_root_last4_hex")) {
			uint8_t want[4];

			vec_hex_n(exp, "merkle_root_last4_hex", want, 4, 0);
			assert_memory_equal(hdr + 64, want, 4);
			assert_memory_equal(pj.tail, want, 4);
			checks++;
		}
		if (json_object_get(exp, "midstate_esp_miner_order_hex")) {
			uint8_t want[32], le[32];
			int w;

			/* ESP-Miner prints each state word little-endian */
			vec_hex_n(exp, "midstate_esp_miner_order_hex", want, 32,
			          0);
			for (w = 0; w < 8; w++) {
				le[4 * w] = (uint8_t)pj.midstate[w];
				le[4 * w + 1] = (uint8_t)(pj.midstate[w] >> 8);
				le[4 * w + 2] = (uint8_t)(pj.midstate[w] >> 16);
				le[4 * w + 3] = (uint8_t)(pj.midstate[w] >> 24);
			}
			if (memcmp(le, want, 32) != 0)
				fail_msg("%s: midstate differs", id);
			checks++;
		}
		if (json_object_get(exp, "share_difficulty_int")) {
			assert_int_equal((long long)floor(diff),
			                 vec_int(exp, "share_difficulty_int"));
			checks++;
		}
		if (json_object_get(exp, "share_difficulty_approx")) {
			double w = json_number_value(
			        vec_get(exp, "share_difficulty_approx"));

			if (fabs(diff - w) > w * 1e-3)
				fail_msg("%s: share difficulty %g, want %g", id,
				         diff, w);
			checks++;
		}
		if (json_object_get(exp, "min_share_difficulty")) {
			assert_true(
			        diff >=
			        (double)vec_int(exp, "min_share_difficulty"));
			checks++;
		}
		/* the same header through the full SHA256d of 80 bytes */
		hdr[76] = (uint8_t)nonce;
		hdr[77] = (uint8_t)(nonce >> 8);
		hdr[78] = (uint8_t)(nonce >> 16);
		hdr[79] = (uint8_t)(nonce >> 24);
		{
			uint8_t h2[32];

			sha256d(hdr, 80, h2);
			assert_memory_equal(h2, hash, 32);
		}
	}
	/* 2 merkle roots, 1 root tail, 2 midstates, share difficulties
	 * 683, ~29588 (rolled version) and >= 512 */
	assert_int_equal(checks, 8);
	json_decref(root);
}

static void test_bad_args(void **state)
{
	static struct job_stratum j;
	struct proto_job pj;
	uint8_t en[JOB_EN_MAX + 1] = {0};

	(void)state;
	memset(&j, 0, sizeof(j));
	assert_int_equal(hdrwork_job(&j, en, 4, en, 0, 0, 0, 0, &pj, NULL),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(hdrwork_job(&j, en, 4, en, TANDEM_MAX_EN2 + 1, 0, 0, 0,
	                             &pj, NULL),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(
	        hdrwork_job(&j, en, JOB_EN_MAX + 1, en, 4, 0, 0, 0, &pj, NULL),
	        TANDEM_ERR_RANGE);
	assert_int_equal(
	        hdrwork_job(&j, en, 4, en, TANDEM_MAX_EN2, 0, 0, 0, &pj, NULL),
	        0);
}

/* ---- the extranonce2 split --------------------------------------------- */

static void test_en2_start_layout(void **state)
{
	uint8_t e[TANDEM_MAX_EN2];
	static const uint8_t z[TANDEM_MAX_EN2];

	(void)state;
	/* one device, 4 bytes: top byte 0, job byte below it */
	assert_int_equal(hdrwork_en2_start(0, 1, 0x1234, 4, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){0, 0, 0x34, 0}), 8);
	/* device 3 of 4: top byte 192 */
	assert_int_equal(hdrwork_en2_start(3, 4, 7, 4, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){0, 0, 7, 192}), 8);
	/* device 1 of 3: 85 */
	assert_int_equal(hdrwork_en2_start(1, 3, 0, 8, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){0, 0, 0, 0, 0, 0, 0, 85}),
	                    8);
	/* one byte: the slice only */
	assert_int_equal(hdrwork_en2_start(1, 2, 99, 1, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){128}), 8);
	/* two bytes: job byte is the first */
	assert_int_equal(hdrwork_en2_start(1, 2, 0x105, 2, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){5, 128}), 8);
	/* out of range */
	memset(e, 0, sizeof(e));
	assert_int_equal(hdrwork_en2_start(0, 1, 0, 0, e), TANDEM_ERR_RANGE);
	assert_int_equal(hdrwork_en2_start(0, 1, 0, 9, e), TANDEM_ERR_RANGE);
	assert_int_equal(hdrwork_en2_start(0, 0, 0, 4, e), TANDEM_ERR_RANGE);
	assert_int_equal(hdrwork_en2_start(2, 2, 0, 4, e), TANDEM_ERR_RANGE);
	assert_int_equal(hdrwork_en2_start(0, 257, 0, 4, e), TANDEM_ERR_RANGE);
	assert_int_equal(hdrwork_en2_next(0, 1, 0, e), TANDEM_ERR_RANGE);
	assert_int_equal(hdrwork_en2_next(1, 1, 4, e), TANDEM_ERR_RANGE);
	assert_memory_equal(e, z, sizeof(z));
}

/* One byte of en2: each device walks exactly its own top-byte values, in
 * order, then is refused; together the slices cover 0..255 once. */
static void test_en2_slices_one_byte(void **state)
{
	static const unsigned counts[] = {1, 2, 3, 5, 7, 64, 255, 256};
	size_t c;

	(void)state;
	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned n = counts[c], i, seen[256] = {0}, v;

		for (i = 0; i < n; i++) {
			uint8_t e[TANDEM_MAX_EN2], keep[TANDEM_MAX_EN2];
			unsigned lo = i * 256u / n, hi = (i + 1) * 256u / n;

			assert_int_equal(hdrwork_en2_start(i, n, 3, 1, e), 0);
			assert_int_equal(e[0], lo);
			for (v = lo;; v++) {
				assert_int_equal(e[0], v);
				seen[v]++;
				memcpy(keep, e, sizeof(e));
				if (hdrwork_en2_next(i, n, 1, e) < 0)
					break;
			}
			assert_int_equal(v, hi - 1);
			assert_memory_equal(e, keep, sizeof(e)); /* unchanged */
		}
		for (v = 0; v < 256; v++)
			assert_int_equal(seen[v], 1);
	}
}

/* Wider en2: the counter runs through the low bytes and carries, and is
 * refused exactly where the next device's slice (or the wrap) begins. */
static void test_en2_slices_wide(void **state)
{
	uint8_t e[TANDEM_MAX_EN2];
	unsigned k;

	(void)state;
	/* 4 bytes, device 0 of 4: ... 0xff 0xff 0xff 0x3f is its last */
	assert_int_equal(hdrwork_en2_start(0, 4, 0, 4, e), 0);
	for (k = 0; k < 300; k++)
		assert_int_equal(hdrwork_en2_next(0, 4, 4, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){44, 1, 0, 0}), 8);
	memcpy(e, (const uint8_t[8]){0xfe, 0xff, 0xff, 0x3f}, 8);
	assert_int_equal(hdrwork_en2_next(0, 4, 4, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){0xff, 0xff, 0xff, 0x3f}), 8);
	assert_int_equal(hdrwork_en2_next(0, 4, 4, e), TANDEM_ERR_RANGE);
	assert_memory_equal(e, ((const uint8_t[8]){0xff, 0xff, 0xff, 0x3f}), 8);
	/* device 3 of 4 ends at the wrap */
	memcpy(e, (const uint8_t[8]){0xff, 0xff, 0xff, 0xff}, 8);
	assert_int_equal(hdrwork_en2_next(3, 4, 4, e), TANDEM_ERR_RANGE);
	memcpy(e, (const uint8_t[8]){0xff, 0xff, 0xfe, 0xff}, 8);
	assert_int_equal(hdrwork_en2_next(3, 4, 4, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){0, 0, 0xff, 0xff}), 8);
	/* 8 bytes, bytes beyond en2_size stay zero */
	assert_int_equal(hdrwork_en2_start(1, 2, 0xab, 8, e), 0);
	memset(e, 0xff, 7);
	assert_int_equal(hdrwork_en2_next(1, 2, 8, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){0, 0, 0, 0, 0, 0, 0, 129}),
	                    8);
	/* 2 bytes, two devices: 0x0000..0x7fff and 0x8000..0xffff */
	assert_int_equal(hdrwork_en2_start(0, 2, 0, 2, e), 0);
	for (k = 1; k < 0x8000; k++)
		assert_int_equal(hdrwork_en2_next(0, 2, 2, e), 0);
	assert_memory_equal(e, ((const uint8_t[8]){0xff, 0x7f}), 8);
	assert_int_equal(hdrwork_en2_next(0, 2, 2, e), TANDEM_ERR_RANGE);
}

/* Devices walking their slices side by side never meet: the values of
 * four devices over many steps (from different job bytes) are distinct,
 * and each device's values keep its own top byte range. */
static void test_en2_disjoint(void **state)
{
	enum { DEVS = 5, STEPS = 2000 };
	static uint8_t all[DEVS * STEPS][TANDEM_MAX_EN2];
	unsigned i, k, n = 0;

	(void)state;
	for (i = 0; i < DEVS; i++) {
		uint8_t e[TANDEM_MAX_EN2];

		assert_int_equal(hdrwork_en2_start(i, DEVS, 250 + i, 2, e), 0);
		for (k = 0; k < STEPS; k++) {
			assert_true(e[1] >= i * 256u / DEVS &&
			            e[1] < (i + 1) * 256u / DEVS);
			memcpy(all[n++], e, sizeof(e));
			assert_int_equal(hdrwork_en2_next(i, DEVS, 2, e), 0);
		}
	}
	for (i = 0; i < n; i++)
		for (k = i + 1; k < n; k++)
			if (memcmp(all[i], all[k], TANDEM_MAX_EN2) == 0)
				fail_msg("en2 %02x%02x handed out twice",
				         all[i][0], all[i][1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_blocks),
	        cmocka_unit_test(test_stratum_jobs),
	        cmocka_unit_test(test_bad_args),
	        cmocka_unit_test(test_en2_start_layout),
	        cmocka_unit_test(test_en2_slices_one_byte),
	        cmocka_unit_test(test_en2_slices_wide),
	        cmocka_unit_test(test_en2_disjoint),
	};

	return cmocka_run_group_tests_name("hdrwork", tests, NULL, NULL);
}
