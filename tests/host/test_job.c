/* Stratum job model against real data: the blocks of blocks.json rebuilt
 * from their Stratum split (coinbase txid, merkle root, header, block
 * hash, and the hardware precomputation), the merkle proof of block
 * 100000, all stratum_jobs.json cases, and the strict hex helpers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "job.h"
#include "sha256.h"
#include "tandem_err.h"
#include "vectors.h"
#include "work.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* ---- hex ------------------------------------------------------------ */

static void test_hex(void **state)
{
	uint8_t b[8];
	char s[17];
	uint32_t v;

	(void)state;
	assert_int_equal(hex_decode("00ff7F80", b, sizeof(b)), 4);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0xff);
	assert_int_equal(b[2], 0x7f);
	assert_int_equal(b[3], 0x80);
	assert_int_equal(hex_decode("", b, sizeof(b)), 0);
	assert_int_equal(hex_decode("abc", b, sizeof(b)), TANDEM_ERR_PARSE);
	assert_int_equal(hex_decode("zz", b, sizeof(b)), TANDEM_ERR_PARSE);
	assert_int_equal(hex_decode("0g", b, sizeof(b)), TANDEM_ERR_PARSE);
	assert_int_equal(hex_decode(" 00", b, sizeof(b)), TANDEM_ERR_PARSE);
	assert_int_equal(hex_decode("0x00", b, sizeof(b)), TANDEM_ERR_PARSE);
	assert_int_equal(hex_decode("000000000000000000", b, sizeof(b)),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(hex_decode(NULL, b, sizeof(b)), TANDEM_ERR_INVAL);
	assert_int_equal(hex_decode_exact("0102", b, 2), 0);
	assert_int_equal(hex_decode_exact("010203", b, 2), TANDEM_ERR_PARSE);
	assert_int_equal(hex_decode_exact("01", b, 2), TANDEM_ERR_PARSE);
	assert_int_equal(hex_decode_rev("010203", b, 3), 0);
	assert_int_equal(b[0], 3);
	assert_int_equal(b[2], 1);
	assert_int_equal(hex_encode(b, 3, s, sizeof(s)), 6);
	assert_string_equal(s, "030201");
	assert_int_equal(hex_encode_rev(b, 3, s, sizeof(s)), 6);
	assert_string_equal(s, "010203");
	assert_int_equal(hex_encode(b, 8, s, 16), TANDEM_ERR_RANGE);
	hex_reverse(b, 3);
	assert_int_equal(b[0], 1);
	assert_int_equal(hex_u32("1d00ffff", &v), 0);
	assert_int_equal(v, 0x1d00ffff);
	assert_int_equal(hex_u32("875b4b7", &v), 0);
	assert_int_equal(v, 0x875b4b7);
	assert_int_equal(hex_u32("", &v), TANDEM_ERR_PARSE);
	assert_int_equal(hex_u32("123456789", &v), TANDEM_ERR_PARSE);
	assert_int_equal(hex_u32("1234567x", &v), TANDEM_ERR_PARSE);
}

/* ---- blocks.json ------------------------------------------------------ */

struct block_case {
	struct job_stratum job;
	uint8_t en1[JOB_EN_MAX], en2[JOB_EN_MAX];
	size_t en1_len, en2_len;
	uint8_t header[80];
	uint8_t hash[32];
	uint8_t txid[32];
	uint8_t *coinbase; /* non-witness, malloc'd */
	size_t coinbase_len;
};

static void load_block(const json_t *b, struct block_case *c)
{
	const json_t *s = vec_get(b, "stratum");
	size_t i, n;
	json_t *br = vec_array(b, "merkle_branch", &n), *x;

	memset(c, 0, sizeof(*c));
	c->job.coinb1_len = vec_hex(s, "coinb1", c->job.coinb1, JOB_COINB_MAX);
	c->job.coinb2_len = vec_hex(s, "coinb2", c->job.coinb2, JOB_COINB_MAX);
	c->en1_len = vec_hex(s, "extranonce1", c->en1, JOB_EN_MAX);
	c->en2_len = vec_hex(s, "extranonce2", c->en2, JOB_EN_MAX);
	assert_int_equal(c->en2_len, vec_int(s, "extranonce2_size"));
	assert_true(n <= JOB_MAX_BRANCH);
	json_array_foreach(br, i, x)
	{
		assert_int_equal(hex_decode_exact(json_string_value(x),
		                                  c->job.branch[i], 32),
		                 0);
	}
	c->job.branch_count = n;
	vec_hex_n(b, "header_hex", c->header, 80, 0);
	/* the pool's view of the header fields: prevhash from the header
	 * bytes, numbers from the JSON */
	memcpy(c->job.prevhash, c->header + 4, 32);
	c->job.version = vec_u32_hex(b, "version_hex");
	c->job.nbits = vec_u32_hex(b, "nbits");
	c->job.ntime = le32(c->header + 68);
	vec_hex_n(b, "block_hash", c->hash, 32, 1);
	vec_hex_n(b, "coinbase_txid", c->txid, 32, 1);
	c->coinbase =
	        vec_hex_alloc(b, "coinbase_nonwitness_hex", &c->coinbase_len);
}

static void check_precompute(const struct block_case *c, const char *id)
{
	static struct job_precomp p, p0;
	struct sha256_ctx ctx;
	uint32_t ms[8];
	uint8_t txid[32];
	uint64_t bits;
	size_t en2_pos = c->job.coinb1_len + c->en1_len, i;

	assert_int_equal(job_precompute(&c->job, c->en1, c->en1_len, c->en2,
	                                c->en2_len, &p),
	                 0);
	/* split point: the last 64-byte boundary at or before en2 */
	assert_int_equal(p.prefix_len % 64, 0);
	assert_true(p.prefix_len <= en2_pos && en2_pos < p.prefix_len + 64);
	assert_int_equal(p.en2_offset, en2_pos - p.prefix_len);
	assert_int_equal(p.coinbase_len, c->coinbase_len);
	assert_int_equal(p.rem_len, c->coinbase_len - p.prefix_len);
	/* midstate = streaming SHA-256 state after the prefix */
	sha256_init(&ctx);
	sha256_update(&ctx, c->coinbase, p.prefix_len);
	assert_int_equal(sha256_midstate_export(&ctx, ms, NULL), 0);
	assert_memory_equal(p.cb_midstate, ms, sizeof(ms));
	/* remainder = the coinbase tail, 0x80, zeros, bit length BE */
	assert_memory_equal(p.remainder, c->coinbase + p.prefix_len, p.rem_len);
	assert_int_equal(p.rem_blocks, (p.rem_len + 8) / 64 + 1);
	assert_int_equal(p.remainder[p.rem_len], 0x80);
	for (i = p.rem_len + 1; i < 64 * p.rem_blocks - 8; i++)
		assert_int_equal(p.remainder[i], 0);
	bits = 0;
	for (i = 0; i < 8; i++)
		bits = bits << 8 | p.remainder[64 * p.rem_blocks - 8 + i];
	assert_int_equal(bits, 8 * (uint64_t)c->coinbase_len);
	/* finishing the hash reproduces the real txid */
	job_precomp_txid(&p, c->en2, txid);
	if (memcmp(txid, c->txid, 32) != 0)
		fail_msg("%s: precomputed txid differs", id);
	/* with zeros in place of en2, inserting en2 gives it back */
	assert_int_equal(job_precompute(&c->job, c->en1, c->en1_len, NULL,
	                                c->en2_len, &p0),
	                 0);
	for (i = 0; i < c->en2_len; i++)
		assert_int_equal(p0.remainder[p0.en2_offset + i], 0);
	job_precomp_txid(&p0, c->en2, txid);
	assert_memory_equal(txid, c->txid, 32);
}

static void check_proto(const struct block_case *c, const char *id)
{
	static struct proto_job pj;
	uint8_t hash[32], hdr2[80], want[32], en2[JOB_EN_MAX];
	uint32_t version = le32(c->header), nonce = le32(c->header + 76);

	/* stratum mode */
	assert_int_equal(job_proto_stratum(&c->job, c->en1, c->en1_len, c->en2,
	                                   c->en2_len, 0x1fffe000u, 0, 0, &pj),
	                 0);
	assert_int_equal(pj.mode, PROTO_JOB_MODE_STRATUM);
	assert_int_equal(pj.version, c->job.version);
	assert_int_equal(pj.nbits, c->job.nbits);
	assert_int_equal(pj.ntime, c->job.ntime);
	assert_int_equal(pj.version_mask, 0x1fffe000u);
	assert_int_equal(pj.en2_size, c->en2_len);
	assert_int_equal(pj.branch_count, c->job.branch_count);
	assert_true(pj.rem_blocks >= 1 && pj.rem_blocks <= 8);
	assert_true(pj.en2_offset < 64);
	assert_memory_equal(pj.prevhash, c->header + 4, 32);
	assert_memory_equal(pj.en2_start, c->en2, c->en2_len);
	assert_int_equal(job_proto_hash(&pj, c->en2, version, nonce, hash), 0);
	if (memcmp(hash, c->hash, 32) != 0)
		fail_msg("%s: proto_job (stratum) hash differs", id);
	/* the next en2: the midstate path equals a full rebuild */
	memcpy(en2, c->en2, c->en2_len);
	assert_int_equal(job_en2_increment(en2, c->en2_len), 0);
	assert_int_equal(job_proto_hash(&pj, en2, version, nonce, hash), 0);
	assert_int_equal(job_header(&c->job, c->en1, c->en1_len, en2,
	                            c->en2_len, version, c->job.ntime, nonce,
	                            hdr2),
	                 0);
	sha256d(hdr2, 80, want);
	assert_memory_equal(hash, want, 32);
	assert_memory_not_equal(hash, c->hash, 32);

	/* header mode */
	job_proto_header(c->header, 5, 7, &pj);
	assert_int_equal(pj.mode, PROTO_JOB_MODE_HEADER);
	assert_int_equal(pj.nonce_start, 5);
	assert_int_equal(pj.nonce_count, 7);
	assert_int_equal(pj.version, version);
	assert_int_equal(pj.ntime, c->job.ntime);
	assert_memory_equal(pj.tail, c->header + 64, 12);
	assert_int_equal(job_proto_hash(&pj, NULL, 0, nonce, hash), 0);
	assert_memory_equal(hash, c->hash, 32);
}

static void test_blocks(void **state)
{
	json_t *root = vec_load("blocks.json");
	json_t *bs = vec_array(root, "blocks", NULL);
	static struct block_case c;
	static uint8_t cb[JOB_COINBASE_MAX];
	size_t i, count = 0;
	json_t *b;

	(void)state;
	json_array_foreach(bs, i, b)
	{
		const char *id = vec_id(b);
		uint8_t txid[32], mroot[32], want[32], hdr[80], hash[32];
		uint8_t tail[12];
		uint32_t ms[8], ms_want[8];
		int len;

		load_block(b, &c);
		/* coinb1 | en1 | en2 | coinb2 is the real coinbase */
		len = job_coinbase(&c.job, c.en1, c.en1_len, c.en2, c.en2_len,
		                   cb, sizeof(cb));
		assert_int_equal(len, c.coinbase_len);
		assert_memory_equal(cb, c.coinbase, c.coinbase_len);
		sha256d(cb, (size_t)len, txid);
		if (memcmp(txid, c.txid, 32) != 0)
			fail_msg("%s: coinbase txid differs", id);
		/* merkle root = the header's, = display merkle_root */
		assert_int_equal(job_merkle_root(&c.job, c.en1, c.en1_len,
		                                 c.en2, c.en2_len, mroot),
		                 0);
		assert_memory_equal(mroot, c.header + 36, 32);
		vec_hex_n(b, "merkle_root", want, 32, 1);
		assert_memory_equal(mroot, want, 32);
		/* the header is the real one, its hash the block hash */
		assert_int_equal(job_header(&c.job, c.en1, c.en1_len, c.en2,
		                            c.en2_len, c.job.version,
		                            c.job.ntime, le32(c.header + 76),
		                            hdr),
		                 0);
		assert_memory_equal(hdr, c.header, 80);
		sha256d(hdr, 80, hash);
		if (memcmp(hash, c.hash, 32) != 0)
			fail_msg("%s: block hash differs", id);
		/* header midstate and tail for this root and version */
		job_header_midstate(c.job.version, c.job.prevhash, mroot, ms);
		work_header_midstate(c.header, ms_want);
		assert_memory_equal(ms, ms_want, sizeof(ms));
		job_header_tail(mroot, c.job.ntime, c.job.nbits, tail);
		assert_memory_equal(tail, c.header + 64, 12);
		work_hash_from_midstate(ms, tail, le32(c.header + 76), hash);
		assert_memory_equal(hash, c.hash, 32);

		check_precompute(&c, id);
		check_proto(&c, id);
		free(c.coinbase);
		count++;
	}
	assert_int_equal(count, 9);
	print_message("rebuilt %zu blocks from their Stratum split\n", count);
	json_decref(root);
}

/* Full txid lists: the merkle tree built level by level (odd levels
 * duplicate their last hash) gives the header root, and the siblings of
 * leaf 0 are the Stratum merkle branch. */
static void test_block_txid_lists(void **state)
{
	json_t *root = vec_load("blocks.json");
	json_t *bs = vec_array(root, "blocks", NULL);
	size_t i, with_lists = 0;
	json_t *b;

	(void)state;
	json_array_foreach(bs, i, b)
	{
		json_t *txids = json_object_get(b, "txids"), *x;
		uint8_t(*level)[32];
		uint8_t hdr[80], branch[32];
		size_t n, k, depth = 0, nb;
		json_t *br;

		if (!json_is_array(txids))
			continue;
		br = vec_array(b, "merkle_branch", &nb);
		n = json_array_size(txids);
		assert_int_equal(n, vec_int(b, "tx_count"));
		level = malloc((n + 1) * 32);
		assert_non_null(level);
		json_array_foreach(txids, k, x)
		{
			assert_int_equal(hex_decode_rev(json_string_value(x),
			                                level[k], 32),
			                 0);
		}
		while (n > 1) {
			if (n % 2) {
				memcpy(level[n], level[n - 1], 32);
				n++;
			}
			assert_true(depth < nb);
			assert_int_equal(
			        hex_decode_exact(
			                json_string_value(
			                        json_array_get(br, depth)),
			                branch, 32),
			        0);
			assert_memory_equal(level[1], branch, 32);
			for (k = 0; k < n / 2; k++)
				sha256d(level[2 * k], 64, level[k]);
			n /= 2;
			depth++;
		}
		assert_int_equal(depth, nb);
		vec_hex_n(b, "header_hex", hdr, 80, 0);
		assert_memory_equal(level[0], hdr + 36, 32);
		free(level);
		with_lists++;
	}
	assert_true(with_lists >= 1);
	print_message("%zu blocks rebuilt from full txid lists\n", with_lists);
	json_decref(root);
}

static void test_merkle_proof_100000(void **state)
{
	json_t *root = vec_load("blocks.json");
	json_t *ps = vec_array(root, "merkle_proofs", NULL);
	size_t i;
	json_t *p;

	(void)state;
	assert_int_equal(json_array_size(ps), 1);
	json_array_foreach(ps, i, p)
	{
		uint8_t leaf[32], sib[8][32], hdr[80], got[32];
		size_t n, k;
		json_t *s = vec_array(p, "siblings_display", &n), *x;

		assert_true(n <= 8);
		vec_hex_n(p, "tx_hash_display", leaf, 32, 1);
		json_array_foreach(s, k, x)
		{
			assert_int_equal(hex_decode_rev(json_string_value(x),
			                                sib[k], 32),
			                 0);
		}
		vec_hex_n(p, "header_hex", hdr, 80, 0);
		job_merkle_fold_indexed(leaf, (const uint8_t(*)[32])sib, n,
		                        (uint32_t)vec_int(p, "tx_index"), got);
		assert_memory_equal(got, hdr + 36, 32);
		/* index 0 is the Stratum fold */
		job_merkle_fold(leaf, (const uint8_t(*)[32])sib, n, got);
		assert_memory_equal(got, hdr + 36, 32);
		/* the wrong side at level 0 gives another root */
		job_merkle_fold_indexed(leaf, (const uint8_t(*)[32])sib, n, 1,
		                        got);
		assert_memory_not_equal(got, hdr + 36, 32);
	}
	json_decref(root);
}

/* ---- stratum_jobs.json ------------------------------------------------ */

/* The job from its notify: through job_from_notify when the notify has
 * every field, else from the fields it has (the rest stays zero). */
static void load_job(const json_t *jv, struct job_stratum *j)
{
	const json_t *n = vec_get(jv, "notify");
	const char *branch[JOB_MAX_BRANCH];
	json_t *br = json_object_get(n, "merkle_branch"), *x;
	size_t k, nb = 0;

	if (json_is_array(br)) {
		nb = json_array_size(br);
		assert_true(nb <= JOB_MAX_BRANCH);
		json_array_foreach(br, k, x) branch[k] = json_string_value(x);
	}
	if (json_object_get(n, "coinb1") && json_object_get(n, "prevhash")) {
		struct job_notify_hex h = {
		        .job_id =
		                json_string_value(json_object_get(n, "job_id")),
		        .prevhash = vec_str(n, "prevhash"),
		        .coinb1 = vec_str(n, "coinb1"),
		        .coinb2 = vec_str(n, "coinb2"),
		        .branch = branch,
		        .branch_count = nb,
		        .version = vec_str(n, "version"),
		        .nbits = vec_str(n, "nbits"),
		        .ntime = vec_str(n, "ntime"),
		        .clean_jobs =
		                json_is_true(json_object_get(n, "clean_jobs")),
		};

		assert_int_equal(job_from_notify(j, &h), 0);
		return;
	}
	memset(j, 0, sizeof(*j));
	if (json_object_get(n, "coinb1")) {
		j->coinb1_len = vec_hex(n, "coinb1", j->coinb1, JOB_COINB_MAX);
		j->coinb2_len = vec_hex(n, "coinb2", j->coinb2, JOB_COINB_MAX);
		for (k = 0; k < nb; k++)
			assert_int_equal(
			        hex_decode_exact(branch[k], j->branch[k], 32),
			        0);
		j->branch_count = nb;
	}
	if (json_object_get(n, "prevhash")) {
		uint8_t sp[32];

		vec_hex_n(n, "prevhash", sp, 32, 0);
		job_prevhash_swap(sp, j->prevhash);
		j->version = vec_u32_hex(n, "version");
		j->nbits = vec_u32_hex(n, "nbits");
		j->ntime = vec_u32_hex(n, "ntime");
	}
}

/* Header of the job's share: the job's root (or the given one), version
 * rolled by the submit's version_bits under version_mask. */
static void share_header(const json_t *jv, const struct job_stratum *j,
                         const uint8_t *en1, size_t en1_len, const uint8_t *en2,
                         size_t en2_len, uint8_t hdr[80])
{
	const json_t *s = vec_get(jv, "submit");
	json_t *vb = json_object_get(s, "version_bits");
	uint32_t version = j->version, ntime = vec_u32_hex(s, "ntime");
	uint32_t nonce = vec_u32_hex(s, "nonce");

	if (json_is_string(vb))
		version = work_version_roll(j->version,
		                            vec_u32_hex(jv, "version_mask"),
		                            vec_u32_hex(s, "version_bits"));
	if (j->coinb1_len) {
		assert_int_equal(job_header(j, en1, en1_len, en2, en2_len,
		                            version, ntime, nonce, hdr),
		                 0);
	} else {
		struct work_header h;

		vec_hex_n(jv, "merkle_root_internal_hex", h.merkle_root, 32, 0);
		memcpy(h.prevhash, j->prevhash, 32);
		h.version = version;
		h.ntime = ntime;
		h.nbits = j->nbits;
		h.nonce = nonce;
		work_header_pack(&h, hdr);
	}
}

static void test_stratum_jobs(void **state)
{
	json_t *root = vec_load("stratum_jobs.json");
	json_t *js = vec_array(root, "jobs", NULL);
	static struct job_stratum j;
	static uint8_t cb[JOB_COINBASE_MAX];
	size_t i, checks = 0;
	json_t *jv;

	(void)state;
	json_array_foreach(js, i, jv)
	{
		const char *id = vec_id(jv);
		json_t *exp = vec_get(jv, "expected"), *e;
		uint8_t en1[JOB_EN_MAX], en2[JOB_EN_MAX], mroot[32], want[32];
		uint8_t hdr[80], hash[32];
		size_t en1_len = 0, en2_len = 0;

		load_job(jv, &j);
		if (json_object_get(jv, "extranonce1")) {
			en1_len = vec_hex(jv, "extranonce1", en1, JOB_EN_MAX);
			en2_len = vec_hex(jv, "extranonce2", en2, JOB_EN_MAX);
		}
		if (j.coinb1_len)
			assert_int_equal(job_merkle_root(&j, en1, en1_len, en2,
			                                 en2_len, mroot),
			                 0);
		if ((e = json_object_get(exp, "coinbase_hex"))) {
			size_t want_len;
			uint8_t *wcb =
			        vec_hex_alloc(exp, "coinbase_hex", &want_len);
			int len = job_coinbase(&j, en1, en1_len, en2, en2_len,
			                       cb, sizeof(cb));

			assert_int_equal(len, want_len);
			assert_memory_equal(cb, wcb, want_len);
			free(wcb);
			checks++;
		}
		if ((e = json_object_get(exp, "merkle_root_internal_hex"))) {
			vec_hex_n(exp, "merkle_root_internal_hex", want, 32, 0);
			if (memcmp(mroot, want, 32) != 0)
				fail_msg("%s: merkle root differs", id);
			checks++;
		}
		if ((e = json_object_get(exp, "merkle_root_last4_hex"))) {
			vec_hex_n(exp, "merkle_root_last4_hex", want, 4, 0);
			assert_memory_equal(mroot + 28, want, 4);
			checks++;
		}
		if (!json_object_get(jv, "submit"))
			continue;
		share_header(jv, &j, en1, en1_len, en2, en2_len, hdr);
		sha256d(hdr, 80, hash);
		if ((e = json_object_get(exp,
		                         "midstate_esp_miner_order_hex"))) {
			uint32_t ms[8], ms2[8];
			uint8_t le[32];
			int w;

			/* ESP-Miner prints each state word little-endian */
			work_header_midstate(hdr, ms);
			for (w = 0; w < 8; w++) {
				le[4 * w] = (uint8_t)ms[w];
				le[4 * w + 1] = (uint8_t)(ms[w] >> 8);
				le[4 * w + 2] = (uint8_t)(ms[w] >> 16);
				le[4 * w + 3] = (uint8_t)(ms[w] >> 24);
			}
			vec_hex_n(exp, "midstate_esp_miner_order_hex", want, 32,
			          0);
			if (memcmp(le, want, 32) != 0)
				fail_msg("%s: midstate differs", id);
			/* and through the job's own midstate helper */
			job_header_midstate(le32(hdr), j.prevhash, hdr + 36,
			                    ms2);
			assert_memory_equal(ms, ms2, sizeof(ms));
			checks++;
		}
		if ((e = json_object_get(exp, "share_difficulty_int"))) {
			double d = work_target_to_difficulty(hash);

			if ((long long)d != json_integer_value(e))
				fail_msg("%s: share difficulty %f", id, d);
			checks++;
		}
		if ((e = json_object_get(exp, "share_difficulty_approx"))) {
			double d = work_target_to_difficulty(hash);
			uint8_t t[3][32];
			const uint8_t on[3] = {1, 1, 1};

			if (fabs(d - json_number_value(e)) >= 1.0)
				fail_msg("%s: share difficulty %f", id, d);
			/* classify: pool target met, network target and a
			 * target just above the share difficulty not */
			assert_int_equal(
			        work_difficulty_to_target(
			                (double)vec_int(exp, "pool_difficulty"),
			                t[0]),
			        0);
			assert_int_equal(work_nbits_to_target(j.nbits, t[1]),
			                 0);
			assert_int_equal(
			        work_difficulty_to_target(d * 1.0001, t[2]), 0);
			assert_int_equal(work_classify(hash, t, on, 3), 0x1u);
			checks++;
		}
		if ((e = json_object_get(exp, "min_share_difficulty"))) {
			uint8_t t[32];

			assert_true(work_target_to_difficulty(hash) >=
			            (double)json_integer_value(e));
			assert_int_equal(
			        work_difficulty_to_target(
			                (double)json_integer_value(e), t),
			        0);
			assert_true(work_hash_meets(hash, t));
			checks++;
		}
		if ((e = json_object_get(jv, "bm1370_wire"))) {
			uint8_t f[128];
			size_t flen = vec_hex(e, "job_frame_hex", f, sizeof(f));
			int w;

			/* BM1370 job frame: merkle root at 18 and prevhash at
			 * 50, each as its eight 4-byte words in reverse order
			 */
			assert_true(flen >= 86);
			for (w = 0; w < 8; w++) {
				assert_memory_equal(f + 18 + 4 * w,
				                    hdr + 36 + 4 * (7 - w), 4);
				assert_memory_equal(f + 50 + 4 * w,
				                    hdr + 4 + 4 * (7 - w), 4);
			}
			assert_int_equal(le32(f + 82), j.version);
			checks++;
		}
		/* the device model finds the same share */
		if (j.coinb1_len && en2_len <= TANDEM_MAX_EN2 &&
		    j.branch_count <= TANDEM_MAX_BRANCH) {
			static struct proto_job pj;
			uint8_t h2[32];

			assert_int_equal(job_proto_stratum(
			                         &j, en1, en1_len, en2, en2_len,
			                         0x1fffe000u, 0, 0, &pj),
			                 0);
			assert_int_equal(job_proto_hash(&pj, en2, le32(hdr),
			                                le32(hdr + 76), h2),
			                 0);
			if (le32(hdr + 68) == j.ntime)
				assert_memory_equal(h2, hash, 32);
		}
	}
	assert_int_equal(json_array_size(js), 8);
	print_message("%zu expectations checked over 8 Stratum jobs\n", checks);
	json_decref(root);
}

/* README example: Stratum "bf44fd35 13dc7b83 ... 00000000" becomes header
 * bytes "35fd44bf 837bdc13 ..." and display "0000...074948d204a8..
 * bf44fd35". */
static void test_prevhash_swap(void **state)
{
	static const char *stratum = "bf44fd3513dc7b837d60e5c628b572b448d204a"
	                             "8000007490000000000000000";
	uint8_t sp[32], hp[32], back[32];
	char disp[65];

	(void)state;
	assert_int_equal(hex_decode_exact(stratum, sp, 32), 0);
	job_prevhash_swap(sp, hp);
	assert_int_equal(hp[0], 0x35);
	assert_int_equal(hp[1], 0xfd);
	assert_int_equal(hp[2], 0x44);
	assert_int_equal(hp[3], 0xbf);
	assert_int_equal(hp[4], 0x83);
	hex_encode_rev(hp, 32, disp, sizeof(disp));
	assert_memory_equal(disp, "00000000000000000000074948d204a8", 32);
	assert_memory_equal(disp + 56, "bf44fd35", 8);
	job_prevhash_swap(hp, back);
	assert_memory_equal(back, sp, 32);
	job_prevhash_swap(back, back); /* in place */
	assert_memory_equal(back, hp, 32);
}

static void test_en2_increment(void **state)
{
	uint8_t a[4] = {0xff, 0xff, 0x00, 0x00};
	uint8_t b[2] = {0xff, 0xff};
	uint8_t c[4] = {0x00, 0x00, 0x03, 0x55};

	(void)state;
	assert_int_equal(job_en2_increment(a, 4), 0);
	assert_int_equal(a[0], 0x00);
	assert_int_equal(a[1], 0x00);
	assert_int_equal(a[2], 0x01);
	assert_int_equal(job_en2_increment(b, 2), 1);
	assert_int_equal(b[0], 0);
	assert_int_equal(b[1], 0);
	/* first byte fastest */
	assert_int_equal(job_en2_increment(c, 4), 0);
	assert_int_equal(c[0], 0x01);
	assert_int_equal(c[3], 0x55);
}

static void test_notify_errors(void **state)
{
	static struct job_stratum j;
	const char *good_branch[1] = {"4ea53a030256c37391b891b0d5060537df63944c"
	                              "e3fcd45121215596376bb3db"};
	const char *bad_branch[1] = {"4ea53a"};
	struct job_notify_hex n = {
	        .job_id = "1",
	        .prevhash = "bf44fd3513dc7b837d60e5c628b572b448d204a80000074900"
	                    "00000000000000",
	        .coinb1 = "01000000",
	        .coinb2 = "00000000",
	        .branch = good_branch,
	        .branch_count = 1,
	        .version = "20000004",
	        .nbits = "1705dd01",
	        .ntime = "64658bd8",
	};

	(void)state;
	assert_int_equal(job_from_notify(&j, &n), 0);
	assert_int_equal(j.version, 0x20000004u);
	assert_int_equal(j.coinb1_len, 4);
	assert_string_equal(j.job_id, "1");
	n.coinb1 = "0100000";
	assert_int_equal(job_from_notify(&j, &n), TANDEM_ERR_PARSE);
	n.coinb1 = "01000000";
	n.branch = bad_branch;
	assert_int_equal(job_from_notify(&j, &n), TANDEM_ERR_PARSE);
	n.branch = good_branch;
	n.prevhash = "bf44fd35";
	assert_int_equal(job_from_notify(&j, &n), TANDEM_ERR_PARSE);
	n.prevhash = NULL;
	assert_int_equal(job_from_notify(&j, &n), TANDEM_ERR_INVAL);
}

/* Header mode for every header of headers.json: the device model of the
 * proto job hashes to the block hash. */
static void test_proto_header_mode(void **state)
{
	json_t *root = vec_load("headers.json");
	json_t *hs = vec_array(root, "headers", NULL);
	struct proto_job pj;
	size_t i;
	json_t *h;

	(void)state;
	json_array_foreach(hs, i, h)
	{
		uint8_t hdr[80], hash[32], want[32];

		vec_hex_n(h, "header_hex", hdr, 80, 0);
		vec_hex_n(h, "block_hash", want, 32, 1);
		job_proto_header(hdr, 0, 0, &pj);
		assert_int_equal(
		        job_proto_hash(&pj, NULL, 0, le32(hdr + 76), hash), 0);
		assert_memory_equal(hash, want, 32);
	}
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hex),
	        cmocka_unit_test(test_prevhash_swap),
	        cmocka_unit_test(test_en2_increment),
	        cmocka_unit_test(test_notify_errors),
	        cmocka_unit_test(test_blocks),
	        cmocka_unit_test(test_block_txid_lists),
	        cmocka_unit_test(test_merkle_proof_100000),
	        cmocka_unit_test(test_stratum_jobs),
	        cmocka_unit_test(test_proto_header_mode),
	};

	return cmocka_run_group_tests_name("job", tests, NULL, NULL);
}
