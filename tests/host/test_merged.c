/* Merged-mining helpers against real data: the fabe6d6d and RSKBLOCK:
 * tags in the coinbases of blocks.json and of the slush Stratum jobs, the
 * coinbase transaction parser (segwit and not), the Namecoin chain slot,
 * and every auxpow.json proof: accepted as it is, rejected after a byte
 * flip in each of its parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "job.h"
#include "merged.h"
#include "sha256.h"
#include "tandem_err.h"
#include "vectors.h"
#include "work.h"

static void test_block_tags(void **state)
{
	json_t *root = vec_load("blocks.json");
	json_t *bs = vec_array(root, "blocks", NULL);
	size_t i, mm_found = 0, rsk_found = 0;
	json_t *b;

	(void)state;
	json_array_foreach(bs, i, b)
	{
		const char *id = vec_id(b);
		json_t *tags = vec_get(b, "tags");
		json_t *mmt = json_object_get(tags, "merged_mining_fabe6d6d");
		json_t *rskt = json_object_get(tags, "rsk_merged_mining");
		size_t nw_len, full_len, ss_len;
		uint8_t *nw =
		        vec_hex_alloc(b, "coinbase_nonwitness_hex", &nw_len);
		uint8_t *full = vec_hex_alloc(b, "coinbase_hex", &full_len);
		uint8_t *ss = vec_hex_alloc(b, "scriptsig_hex", &ss_len);
		uint8_t txid[32], want[32];
		struct merged_tx tx;
		struct merged_mm mm;
		struct merged_rsk rsk;
		int rc;

		/* the coinbase parser, on both serializations */
		assert_int_equal(merged_tx_parse(nw, nw_len, &tx), nw_len);
		assert_int_equal(tx.segwit, 0);
		assert_int_equal(tx.n_in, 1);
		assert_int_equal(
		        tx.scriptsig_off,
		        vec_int(b, "scriptsig_offset_in_nonwitness_tx"));
		assert_int_equal(tx.scriptsig_len, ss_len);
		assert_memory_equal(nw + tx.scriptsig_off, ss, ss_len);
		vec_hex_n(b, "coinbase_txid", want, 32, 1);
		merged_tx_txid(nw, &tx, txid);
		assert_memory_equal(txid, want, 32);
		assert_int_equal(merged_tx_parse(full, full_len, &tx),
		                 full_len);
		assert_int_equal(tx.segwit, json_is_true(vec_get(
		                                    b, "coinbase_is_segwit")));
		merged_tx_txid(full, &tx, txid);
		assert_memory_equal(txid, want, 32);
		/* truncated: a parse error, never an overrun */
		assert_int_equal(merged_tx_parse(full, full_len - 1, &tx),
		                 TANDEM_ERR_PARSE);

		rc = merged_find_mm(ss, ss_len, &mm);
		if (mmt) {
			uint8_t in_script[32];

			if (rc != 1)
				fail_msg("%s: fabe6d6d rc %d", id, rc);
			assert_int_equal(mm.offset,
			                 vec_int(mmt, "scriptsig_offset"));
			vec_hex_n(mmt, "aux_merkle_root_as_in_script_hex",
			          in_script, 32, 0);
			assert_memory_equal(mm.root_as_in_script, in_script,
			                    32);
			hex_reverse(in_script, 32);
			assert_memory_equal(mm.root, in_script, 32);
			assert_int_equal(mm.size, vec_int(mmt, "merkle_size"));
			assert_int_equal(mm.nonce,
			                 vec_int(mmt, "merkle_nonce"));
			mm_found++;
		} else {
			assert_int_equal(rc, TANDEM_ERR_NOT_FOUND);
		}

		rc = merged_find_rsk(full, full_len, &rsk);
		if (rskt) {
			uint8_t script[64], h[32];
			size_t slen = vec_hex(rskt, "script_hex", script,
			                      sizeof(script));

			if (rc != 1)
				fail_msg("%s: RSKBLOCK rc %d", id, rc);
			vec_hex_n(rskt, "rsk_block_hash_hex", h, 32, 0);
			assert_memory_equal(rsk.hash, h, 32);
			/* the tag is the output script of the named output */
			assert_true(rsk.offset + slen <= full_len);
			assert_memory_equal(full + rsk.offset, script, slen);
			rsk_found++;
		} else {
			assert_int_equal(rc, TANDEM_ERR_NOT_FOUND);
		}
		free(nw);
		free(full);
		free(ss);
	}
	assert_int_equal(mm_found, 4);
	assert_int_equal(rsk_found, 1);
	json_decref(root);
}

/* The slush jobs carry both tags: fabe6d6d in coinb1, RSKBLOCK: in an
 * OP_RETURN output of coinb2. */
static void test_stratum_job_tags(void **state)
{
	json_t *root = vec_load("stratum_jobs.json");
	json_t *js = vec_array(root, "jobs", NULL);
	size_t i, found = 0;
	json_t *jv;

	(void)state;
	json_array_foreach(js, i, jv)
	{
		json_t *n = vec_get(jv, "notify");
		uint8_t *c1, *c2, *cb;
		size_t l1, l2, e1, e2, len;
		struct merged_mm mm;
		struct merged_rsk rsk;

		if (!strstr(vec_id(jv), "slush_2023") &&
		    strcmp(vec_id(jv), "esp_miner_nonce_diff_683") != 0)
			continue;
		c1 = vec_hex_alloc(n, "coinb1", &l1);
		c2 = vec_hex_alloc(n, "coinb2", &l2);
		cb = malloc(l1 + 2 * 64 + l2);
		assert_non_null(cb);
		memcpy(cb, c1, l1);
		e1 = vec_hex(jv, "extranonce1", cb + l1, 64);
		e2 = vec_hex(jv, "extranonce2", cb + l1 + e1, 64);
		memcpy(cb + l1 + e1 + e2, c2, l2);
		len = l1 + e1 + e2 + l2;
		/* the magic is in coinb1 (its payload may run on into the
		 * extranonces), so search the whole coinbase */
		assert_int_equal(merged_find_mm(cb, len, &mm), 1);
		assert_true(mm.offset + 4 <= l1);
		assert_int_equal(merged_find_rsk(cb, len, &rsk), 1);
		assert_true(rsk.offset >= l1 + e1 + e2);
		/* OP_RETURN OP_PUSHDATA1 0x29: a 41-byte push of tag+hash */
		assert_int_equal(cb[rsk.offset - 3], 0x6a);
		assert_int_equal(cb[rsk.offset - 2], 0x4c);
		assert_int_equal(cb[rsk.offset - 1], 0x29);
		assert_int_equal(merged_find_rsk(c1, l1, &rsk),
		                 TANDEM_ERR_NOT_FOUND);
		/* cut short: found but unusable */
		assert_int_equal(merged_find_mm(cb, mm.offset + 20, &mm),
		                 TANDEM_ERR_PARSE);
		free(c1);
		free(c2);
		free(cb);
		found++;
	}
	assert_int_equal(found, 3);
	json_decref(root);
}

/* ---- auxpow ------------------------------------------------------------ */

struct aux_case {
	uint8_t aux_header[80];
	uint8_t *raw; /* the auxpow bytes (malloc'd) */
	size_t len;
};

static void put(uint8_t *raw, size_t *at, const void *p, size_t n)
{
	memcpy(raw + *at, p, n);
	*at += n;
}

static void put_branch(const json_t *a, const char *key, const char *ikey,
                       uint8_t *raw, size_t *at)
{
	size_t n, k;
	json_t *br = vec_array(a, key, &n), *x;
	uint32_t idx = (uint32_t)vec_int(a, ikey);
	uint8_t le[4] = {(uint8_t)idx, (uint8_t)(idx >> 8),
	                 (uint8_t)(idx >> 16), (uint8_t)(idx >> 24)};

	assert_true(n < 0xfd);
	raw[(*at)++] = (uint8_t)n;
	json_array_foreach(br, k, x)
	{
		assert_int_equal(
		        hex_decode_exact(json_string_value(x), raw + *at, 32),
		        0);
		*at += 32;
	}
	put(raw, at, le, 4);
}

/* The auxpow bytes: auxpow_hex, or for the entry without it (Syscoin
 * 91510) the same serialization rebuilt from its parsed fields. */
static void load_aux(const json_t *a, struct aux_case *c)
{
	json_t *hexv = vec_get(a, "auxpow_hex");
	uint8_t *cb, ph[80], zero[32] = {0};
	size_t cb_len, at = 0;

	vec_hex_n(a, "aux_header_hex", c->aux_header, 80, 0);
	if (json_is_string(hexv)) {
		c->raw = vec_hex_alloc(a, "auxpow_hex", &c->len);
		return;
	}
	cb = vec_hex_alloc(a, "parent_coinbase_hex", &cb_len);
	vec_hex_n(a, "parent_header_hex", ph, 80, 0);
	c->raw = malloc(cb_len + 32 + 2 * (1 + 32 * 32 + 4) + 80);
	assert_non_null(c->raw);
	put(c->raw, &at, cb, cb_len);
	put(c->raw, &at, zero, 32);
	put_branch(a, "coinbase_merkle_branch", "coinbase_merkle_index", c->raw,
	           &at);
	put_branch(a, "chain_merkle_branch", "chain_merkle_index", c->raw, &at);
	put(c->raw, &at, ph, 80);
	c->len = at;
	free(cb);
}

static void test_auxpow_valid(void **state)
{
	json_t *root = vec_load("auxpow.json");
	json_t *as = vec_array(root, "auxpow", NULL);
	size_t i;
	json_t *a;

	(void)state;
	json_array_foreach(as, i, a)
	{
		const char *id = vec_id(a);
		const char *why = "";
		struct aux_case c;
		struct merged_auxpow ap;
		uint8_t aux_hash[32], want[32], ph[32], target[32], hdr[80];
		uint8_t *cb;
		size_t cb_len, k, n;
		json_t *br, *x;
		int rc;

		load_aux(a, &c);
		sha256d(c.aux_header, 80, aux_hash);
		vec_hex_n(a, "aux_block_hash", want, 32, 1);
		assert_memory_equal(aux_hash, want, 32);

		/* parsed fields equal the JSON's */
		assert_int_equal(merged_auxpow_parse(c.raw, c.len, &ap), 0);
		cb = vec_hex_alloc(a, "parent_coinbase_hex", &cb_len);
		assert_int_equal(ap.cb.len, cb_len);
		assert_memory_equal(ap.coinbase, cb, cb_len);
		merged_tx_txid(ap.coinbase, &ap.cb, want);
		vec_hex_n(a, "parent_coinbase_txid", ph, 32, 1);
		assert_memory_equal(want, ph, 32);
		br = vec_array(a, "coinbase_merkle_branch", &n);
		assert_int_equal(ap.cb_branch_count, n);
		json_array_foreach(br, k, x)
		{
			assert_int_equal(hex_decode_exact(json_string_value(x),
			                                  want, 32),
			                 0);
			assert_memory_equal(ap.cb_branch[k], want, 32);
		}
		br = vec_array(a, "chain_merkle_branch", &n);
		assert_int_equal(ap.chain_branch_count, n);
		json_array_foreach(br, k, x)
		{
			assert_int_equal(hex_decode_exact(json_string_value(x),
			                                  want, 32),
			                 0);
			assert_memory_equal(ap.chain_branch[k], want, 32);
		}
		assert_int_equal(ap.cb_index,
		                 vec_int(a, "coinbase_merkle_index"));
		assert_int_equal(ap.chain_index,
		                 vec_int(a, "chain_merkle_index"));
		vec_hex_n(a, "parent_header_hex", hdr, 80, 0);
		assert_memory_equal(ap.parent_header, hdr, 80);

		/* the chain slot from the script's merkle nonce */
		if (ap.chain_branch_count > 0) {
			struct merged_mm mm;

			assert_int_equal(
			        merged_find_mm(ap.coinbase +
			                               ap.cb.scriptsig_off,
			                       ap.cb.scriptsig_len, &mm),
			        1);
			assert_int_equal(mm.size, 1u << ap.chain_branch_count);
			assert_int_equal(
			        merged_chain_index(
			                mm.nonce,
			                (uint32_t)vec_int(a, "aux_chain_id"),
			                (unsigned)ap.chain_branch_count),
			        (uint32_t)ap.chain_index);
		}

		/* the whole proof verifies */
		rc = merged_auxpow_verify(c.aux_header, c.raw, c.len, &why);
		if (rc != 0)
			fail_msg("%s: rejected: %s", id, why ? why : "?");
		assert_int_equal(merged_auxpow_check(
		                         &ap, aux_hash,
		                         (uint32_t)vec_int(a, "aux_chain_id"),
		                         1, NULL),
		                 0);

		/* parent hash: meets the aux target, not the parent's */
		sha256d(ap.parent_header, 80, ph);
		vec_hex_n(a, "parent_block_hash", want, 32, 1);
		assert_memory_equal(ph, want, 32);
		assert_int_equal(work_nbits_to_target(
		                         vec_u32_hex(a, "aux_nbits"), target),
		                 0);
		vec_hex_n(a, "aux_target_hex", want, 32, 1);
		assert_memory_equal(target, want, 32);
		assert_int_equal(work_hash_meets(ph, target),
		                 json_is_true(vec_get(vec_get(a, "expected"),
		                                      "parent_hash_meets_aux_"
		                                      "target")));
		assert_int_equal(
		        work_nbits_to_target(vec_u32_hex(a, "parent_nbits"),
		                             target),
		        0);
		assert_int_equal(work_hash_meets(ph, target),
		                 json_is_true(vec_get(vec_get(a, "expected"),
		                                      "parent_hash_meets_"
		                                      "parent_target")));
		free(cb);
		free(c.raw);
	}
	assert_int_equal(json_array_size(as), 6);
	json_decref(root);
}

/* Flips one byte at raw[at] (or the aux header when aux is set) and
 * expects a rejection. */
static int flip_rejected(const struct aux_case *c, int aux, size_t at)
{
	uint8_t hdr[80];
	uint8_t *raw = malloc(c->len);
	int rc;

	assert_non_null(raw);
	memcpy(hdr, c->aux_header, 80);
	memcpy(raw, c->raw, c->len);
	if (aux)
		hdr[at] ^= 0x01;
	else
		raw[at] ^= 0x01;
	rc = merged_auxpow_verify(hdr, raw, c->len, NULL);
	free(raw);
	return rc == TANDEM_ERR_AUXPOW || rc == TANDEM_ERR_PARSE;
}

static size_t find_bytes(const uint8_t *p, size_t n, const uint8_t *k,
                         size_t kn)
{
	size_t i;

	for (i = 0; i + kn <= n; i++)
		if (!memcmp(p + i, k, kn))
			return i;
	fail_msg("bytes not found");
	return 0;
}

static void test_auxpow_corrupted(void **state)
{
	json_t *root = vec_load("auxpow.json");
	json_t *as = vec_array(root, "auxpow", NULL);
	size_t i, flips = 0;
	json_t *a;

	(void)state;
	json_array_foreach(as, i, a)
	{
		const char *id = vec_id(a);
		struct aux_case c;
		struct merged_auxpow ap;
		uint8_t aux_hash[32], croot[32];
		size_t L, cbi, chi, root_at, k;
		size_t where[16];
		const char *what[16];
		size_t nw = 0;

		load_aux(a, &c);
		assert_int_equal(merged_auxpow_parse(c.raw, c.len, &ap), 0);
		L = ap.cb.len;
		/* offsets inside the serialization (varints are 1 byte) */
		cbi = L + 32 + 1 + 32 * ap.cb_branch_count;
		chi = cbi + 4 + 1 + 32 * ap.chain_branch_count;
		assert_int_equal(chi + 4 + 80, c.len);
		/* the chain root as it sits in the script */
		sha256d(c.aux_header, 80, aux_hash);
		job_merkle_fold_indexed(
		        aux_hash, (const uint8_t(*)[32])ap.chain_branch,
		        ap.chain_branch_count, (uint32_t)ap.chain_index, croot);
		hex_reverse(croot, 32);
		root_at = find_bytes(c.raw, L, croot, 32);

		where[nw] = 0, what[nw++] = "coinbase version";
		where[nw] = ap.cb.scriptsig_off, what[nw++] = "scriptSig start";
		where[nw] = root_at + 5, what[nw++] = "chain root in script";
		where[nw] = root_at + 32, what[nw++] = "tree size in script";
		where[nw] = L - 1, what[nw++] = "coinbase lock time";
		where[nw] = L + 32, what[nw++] = "coinbase branch count";
		if (ap.cb_branch_count) {
			where[nw] = L + 33 + 7;
			what[nw++] = "coinbase branch";
		}
		where[nw] = cbi, what[nw++] = "coinbase index";
		where[nw] = cbi + 4, what[nw++] = "chain branch count";
		if (ap.chain_branch_count) {
			where[nw] = cbi + 5 + 32 * ap.chain_branch_count - 1;
			what[nw++] = "chain branch";
			/* the merkle nonce picks the slot */
			where[nw] = root_at + 36;
			what[nw++] = "merkle nonce in script";
		}
		where[nw] = chi, what[nw++] = "chain index";
		where[nw] = chi + 4 + 40, what[nw++] = "parent merkle root";
		where[nw] = chi + 4 + 79, what[nw++] = "parent nonce";
		where[nw] = chi + 4 + 5, what[nw++] = "parent prevhash";

		for (k = 0; k < nw; k++) {
			if (!flip_rejected(&c, 0, where[k]))
				fail_msg("%s: flip in %s accepted", id,
				         what[k]);
			flips++;
		}
		/* the aux header: its hash is what the chain root commits */
		assert_true(flip_rejected(&c, 1, 4));
		assert_true(flip_rejected(&c, 1, 79));
		flips += 2;
		/* truncated or extended: parse errors */
		assert_int_equal(merged_auxpow_verify(c.aux_header, c.raw,
		                                      c.len - 1, NULL),
		                 TANDEM_ERR_PARSE);
		/* the parent block hash field is unused by CAuxPow::check */
		c.raw[L + 3] ^= 0xff;
		assert_int_equal(
		        merged_auxpow_verify(c.aux_header, c.raw, c.len, NULL),
		        0);
		free(c.raw);
	}
	print_message("%zu corrupted copies rejected\n", flips);
	json_decref(root);
}

/* The chain id: a parent with the aux chain's own id is refused when
 * strict, and the slot formula in uint32 arithmetic. */
static void test_chain_index(void **state)
{
	json_t *root = vec_load("auxpow.json");
	json_t *as = vec_array(root, "auxpow", NULL);
	size_t i;
	json_t *a;

	(void)state;
	/* nonce 0, chain 1, height 0: everything lands in slot 0 */
	assert_int_equal(merged_chain_index(0, 1, 0), 0);
	/* nonce 0: r = 12345, + chain id 1, then one more LCG step,
	 * computed here in 64-bit arithmetic reduced mod 2^32 */
	assert_int_equal(merged_chain_index(0, 1, 4),
	                 (uint32_t)(((uint64_t)12346 * 1103515245u + 12345u) &
	                            0xffffffffu) %
	                         16u);
	json_array_foreach(as, i, a)
	{
		struct aux_case c;
		struct merged_auxpow ap;
		uint8_t aux_hash[32];
		uint32_t parent_id;
		const char *why = NULL;

		load_aux(a, &c);
		assert_int_equal(merged_auxpow_parse(c.raw, c.len, &ap), 0);
		sha256d(c.aux_header, 80, aux_hash);
		parent_id = ((uint32_t)ap.parent_header[3] << 8 |
		             ap.parent_header[2]);
		if (ap.chain_branch_count == 0) {
			/* a one-slot tree accepts any chain id ... */
			assert_int_equal(merged_auxpow_check(&ap, aux_hash,
			                                     parent_id, 0,
			                                     NULL),
			                 0);
		}
		/* ... except the parent's own when strict */
		assert_int_equal(
		        merged_auxpow_check(&ap, aux_hash, parent_id, 1, &why),
		        TANDEM_ERR_AUXPOW);
		assert_non_null(why);
		free(c.raw);
	}
	json_decref(root);
}

/* The coinbase script rules on their own: the parent coinbase is altered
 * and the parent merkle root recomputed to match (merged_auxpow_check does
 * not look at proof of work), so each rule must catch its own flaw. */
static int check_mutated(const struct merged_auxpow *orig,
                         const uint8_t aux_hash[32], uint32_t chain_id,
                         size_t at, const uint8_t *bytes, size_t n,
                         const char **why)
{
	struct merged_auxpow a = *orig;
	uint8_t *cb = malloc(orig->cb.len);
	uint8_t txid[32];
	int rc;

	assert_non_null(cb);
	memcpy(cb, orig->coinbase, orig->cb.len);
	if (n)
		memcpy(cb + at, bytes, n);
	a.coinbase = cb;
	merged_tx_txid(cb, &a.cb, txid);
	job_merkle_fold(txid, (const uint8_t(*)[32])a.cb_branch,
	                a.cb_branch_count, a.parent_header + 36);
	*why = NULL;
	rc = merged_auxpow_check(&a, aux_hash, chain_id, 1, why);
	free(cb);
	return rc;
}

static void expect_reason(int rc, const char *why, const char *part,
                          const char *id, const char *what)
{
	if (rc != TANDEM_ERR_AUXPOW || !why || !strstr(why, part))
		fail_msg("%s: %s: rc %d reason '%s', want '%s'", id, what, rc,
		         why ? why : "", part);
}

static void test_auxpow_script_rules(void **state)
{
	static const uint8_t magic[4] = {0xfa, 0xbe, 0x6d, 0x6d};
	json_t *root = vec_load("auxpow.json");
	json_t *as = vec_array(root, "auxpow", NULL);
	size_t i;
	json_t *a;

	(void)state;
	json_array_foreach(as, i, a)
	{
		const char *id = vec_id(a), *why;
		uint32_t chain_id = (uint32_t)vec_int(a, "aux_chain_id");
		struct aux_case c;
		struct merged_auxpow ap;
		uint8_t aux_hash[32], croot[32], b[4];
		size_t root_at, ss = 0;
		int rc;

		load_aux(a, &c);
		assert_int_equal(merged_auxpow_parse(c.raw, c.len, &ap), 0);
		sha256d(c.aux_header, 80, aux_hash);
		job_merkle_fold_indexed(
		        aux_hash, (const uint8_t(*)[32])ap.chain_branch,
		        ap.chain_branch_count, (uint32_t)ap.chain_index, croot);
		hex_reverse(croot, 32);
		root_at = find_bytes(ap.coinbase, ap.cb.len, croot, 32);
		ss = ap.cb.scriptsig_off;

		/* unchanged: accepted */
		rc = check_mutated(&ap, aux_hash, chain_id, 0, NULL, 0, &why);
		assert_int_equal(rc, 0);
		/* the chain root */
		b[0] = ap.coinbase[root_at + 5] ^ 0x10;
		rc = check_mutated(&ap, aux_hash, chain_id, root_at + 5, b, 1,
		                   &why);
		expect_reason(rc, why, "root not in", id, "root");
		/* the tree size */
		b[0] = ap.coinbase[root_at + 32] ^ 0x02;
		rc = check_mutated(&ap, aux_hash, chain_id, root_at + 32, b, 1,
		                   &why);
		expect_reason(rc, why, "size", id, "size");
		/* the merkle nonce (only matters with more than one slot) */
		if (ap.chain_branch_count) {
			b[0] = ap.coinbase[root_at + 36] ^ 0x01;
			rc = check_mutated(&ap, aux_hash, chain_id,
			                   root_at + 36, b, 1, &why);
			expect_reason(rc, why, "chain index", id, "nonce");
		}
		if (root_at >= ss + 4 &&
		    !memcmp(ap.coinbase + root_at - 4, magic, 4)) {
			/* a second magic in front of the first */
			if (root_at - 4 >= ss + 4) {
				rc = check_mutated(&ap, aux_hash, chain_id, ss,
				                   magic, 4, &why);
				expect_reason(rc, why, "multiple", id,
				              "second magic");
			}
			/* without its magic, the legacy 20-byte rule */
			b[0] = 0x00;
			rc = check_mutated(&ap, aux_hash, chain_id, root_at - 4,
			                   b, 1, &why);
			if (root_at - ss > 20)
				expect_reason(rc, why, "first 20", id,
				              "legacy position");
			else
				assert_int_equal(rc, 0);
		} else {
			/* legacy proof: a magic added elsewhere must sit
			 * right before the root (where there is room for one
			 * in front of the root: not in the testnet proof,
			 * whose root starts at script byte 1) */
			assert_true(root_at - ss <= 20);
			if (root_at >= ss + 8) {
				rc = check_mutated(&ap, aux_hash, chain_id, ss,
				                   magic, 4, &why);
				expect_reason(rc, why, "not just before", id,
				              "stray magic");
			}
		}
		free(c.raw);
	}
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_block_tags),
	        cmocka_unit_test(test_stratum_job_tags),
	        cmocka_unit_test(test_auxpow_valid),
	        cmocka_unit_test(test_auxpow_corrupted),
	        cmocka_unit_test(test_auxpow_script_rules),
	        cmocka_unit_test(test_chain_index),
	};

	return cmocka_run_group_tests_name("merged", tests, NULL, NULL);
}
