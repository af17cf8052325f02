/* tandem-selfcheck: runs the C reference model (libtandem) over the real
 * test vectors in tests/vectors/ and prints a short summary: SHA-256
 * known answers, every header's hash against its nbits target, each block
 * rebuilt from its Stratum split (also through the hardware's coinbase
 * precomputation), the Stratum jobs' share difficulties and the merged-
 * mining proofs. Exit status 0 when every check holds.
 *
 * usage: tandem-selfcheck [vector-dir]   (default tests/vectors) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "hex.h"
#include "job.h"
#include "merged.h"
#include "sha256.h"
#include "work.h"

static unsigned n_ok, n_bad;

static int check(int cond, const char *what, const char *id)
{
	if (cond) {
		n_ok++;
		return 1;
	}
	n_bad++;
	printf("  FAIL %s: %s\n", id, what);
	return 0;
}

static json_t *load(const char *dir, const char *name)
{
	char path[1024];
	json_error_t err;
	json_t *root;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	root = json_load_file(path, 0, &err);
	if (!root) {
		printf("cannot load %s: %s\n", path, err.text);
		n_bad++;
	}
	return root;
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static const char *id_of(const json_t *o)
{
	return str(o, "id");
}

/* Hex field into out[0..cap): byte count, or -1 (counted as a failure). */
static int hexf(const json_t *o, const char *key, uint8_t *out, size_t cap)
{
	int n = hex_decode(str(o, key), out, cap);

	if (n < 0)
		check(0, key, id_of(o));
	return n;
}

static uint32_t u32f(const json_t *o, const char *key)
{
	uint32_t v = 0;

	if (hex_u32(str(o, key), &v) < 0)
		check(0, key, id_of(o));
	return v;
}

static void display(const uint8_t h[32], char out[65])
{
	hex_encode_rev(h, 32, out, 65);
}

static void do_sha256(const char *dir)
{
	json_t *root = load(dir, "sha256_nist.json"), *v;
	static uint8_t buf[1000000];
	unsigned vecs = 0, mc = 0;
	size_t i;

	if (!root)
		return;
	json_array_foreach(json_object_get(root, "vectors"), i, v)
	{
		json_t *rep = json_object_get(v, "msg_repeat");
		uint8_t md[32], want[32];
		size_t len;
		int n;

		if (rep) {
			uint8_t unit[64];
			size_t count = (size_t)json_integer_value(
			        json_object_get(rep, "count"));
			size_t ul = (size_t)hexf(rep, "unit_hex", unit, 64), k;

			if (ul * count > sizeof(buf)) {
				check(0, "message too long", id_of(v));
				continue;
			}
			for (k = 0; k < count; k++)
				memcpy(buf + k * ul, unit, ul);
			len = ul * count;
		} else {
			n = hexf(v, "msg_hex", buf, sizeof(buf));
			if (n < 0)
				continue;
			len = (size_t)n;
		}
		sha256(buf, len, md);
		hexf(v, "md_hex", want, 32);
		vecs += check(!memcmp(md, want, 32), "digest", id_of(v));
	}
	{
		json_t *m = json_object_get(root, "monte_carlo"), *cp;
		uint8_t seed[32], md[3][32], msg[96], want[32];

		hexf(m, "seed_hex", seed, 32);
		json_array_foreach(json_object_get(m, "checkpoints"), i, cp)
		{
			int k;

			for (k = 0; k < 3; k++)
				memcpy(md[k], seed, 32);
			for (k = 3; k < 1003; k++) {
				memcpy(msg, md[0], 32);
				memcpy(msg + 32, md[1], 32);
				memcpy(msg + 64, md[2], 32);
				memcpy(md[0], md[1], 32);
				memcpy(md[1], md[2], 32);
				sha256(msg, 96, md[2]);
			}
			hexf(cp, "md_hex", want, 32);
			mc += check(!memcmp(md[2], want, 32), "monte carlo",
			            "checkpoint");
			memcpy(seed, md[2], 32);
		}
	}
	printf("SHA-256: %u NIST vectors, %u Monte Carlo checkpoints ok\n",
	       vecs, mc);
	json_decref(root);
}

static void do_headers(const char *dir)
{
	json_t *root = load(dir, "headers.json"), *h;
	unsigned ok = 0, total = 0;
	size_t i;

	if (!root)
		return;
	json_array_foreach(json_object_get(root, "headers"), i, h)
	{
		uint8_t hdr[80], hash[32], want[32], target[32];
		uint32_t ms[8];
		struct work_header wh;
		int good;

		total++;
		if (hexf(h, "header_hex", hdr, 80) != 80)
			continue;
		work_header_unpack(hdr, &wh);
		sha256d(hdr, 80, hash);
		hex_decode_rev(str(h, "block_hash"), want, 32);
		good = check(!memcmp(hash, want, 32), "block hash", id_of(h));
		good &= check(work_nbits_to_target(wh.nbits, target) == 0 &&
		                      work_hash_meets(hash, target),
		              "hash meets nbits target", id_of(h));
		good &= check(work_target_to_nbits(target) == wh.nbits,
		              "target -> nbits", id_of(h));
		work_header_midstate(hdr, ms);
		work_hash_from_midstate(ms, hdr + 64, wh.nonce, want);
		good &= check(!memcmp(hash, want, 32), "midstate hash",
		              id_of(h));
		ok += (unsigned)good;
	}
	printf("Headers: %u/%u real headers hash to their block hash and "
	       "meet their nbits target\n",
	       ok, total);
	json_decref(root);
}

static void do_blocks(const char *dir)
{
	json_t *root = load(dir, "blocks.json"), *b, *x;
	static struct job_stratum j;
	static struct job_precomp p;
	size_t i, k;

	if (!root)
		return;
	printf("Blocks rebuilt from their Stratum split:\n");
	json_array_foreach(json_object_get(root, "blocks"), i, b)
	{
		json_t *s = json_object_get(b, "stratum");
		uint8_t en1[JOB_EN_MAX], en2[JOB_EN_MAX], hdr[80], built[80];
		uint8_t hash[32], want[32], txid[32], target[32];
		char disp[65];
		int l1, l2, good;

		memset(&j, 0, sizeof(j));
		l1 = hexf(s, "coinb1", j.coinb1, JOB_COINB_MAX);
		l2 = hexf(s, "coinb2", j.coinb2, JOB_COINB_MAX);
		if (l1 < 0 || l2 < 0 || hexf(b, "header_hex", hdr, 80) != 80)
			continue;
		j.coinb1_len = (size_t)l1;
		j.coinb2_len = (size_t)l2;
		json_array_foreach(json_object_get(b, "merkle_branch"), k, x)
		{
			if (k < JOB_MAX_BRANCH &&
			    hex_decode_exact(json_string_value(x), j.branch[k],
			                     32) == 0)
				j.branch_count++;
		}
		memcpy(j.prevhash, hdr + 4, 32);
		j.version = u32f(b, "version_hex");
		j.nbits = u32f(b, "nbits");
		j.ntime = (uint32_t)hdr[68] | (uint32_t)hdr[69] << 8 |
		          (uint32_t)hdr[70] << 16 | (uint32_t)hdr[71] << 24;
		l1 = hexf(s, "extranonce1", en1, JOB_EN_MAX);
		l2 = hexf(s, "extranonce2", en2, JOB_EN_MAX);
		if (l1 < 0 || l2 < 1)
			continue;
		good = check(job_header(&j, en1, (size_t)l1, en2, (size_t)l2,
		                        j.version, j.ntime,
		                        (uint32_t)hdr[76] |
		                                (uint32_t)hdr[77] << 8 |
		                                (uint32_t)hdr[78] << 16 |
		                                (uint32_t)hdr[79] << 24,
		                        built) == 0 &&
		                     !memcmp(built, hdr, 80),
		             "header rebuilt from the Stratum split", id_of(b));
		sha256d(hdr, 80, hash);
		hex_decode_rev(str(b, "block_hash"), want, 32);
		good &= check(!memcmp(hash, want, 32), "block hash", id_of(b));
		good &= check(work_nbits_to_target(j.nbits, target) == 0 &&
		                      work_hash_meets(hash, target),
		              "meets nbits", id_of(b));
		hex_decode_rev(str(b, "coinbase_txid"), want, 32);
		good &= check(job_precompute(&j, en1, (size_t)l1, NULL,
		                             (size_t)l2, &p) == 0,
		              "precompute", id_of(b));
		job_precomp_txid(&p, en2, txid);
		good &= check(!memcmp(txid, want, 32),
		              "txid via coinbase midstate", id_of(b));
		display(hash, disp);
		printf("  %-16s %s  meets %08x (%zu branch, %zu+%zu cb "
		       "bytes) %s\n",
		       id_of(b), disp, j.nbits, j.branch_count, p.prefix_len,
		       p.rem_len, good ? "ok" : "FAIL");
	}
	json_decref(root);
}

static void do_jobs(const char *dir)
{
	json_t *root = load(dir, "stratum_jobs.json"), *jv;
	static struct job_stratum j;
	size_t i;

	if (!root)
		return;
	printf("Stratum jobs:\n");
	json_array_foreach(json_object_get(root, "jobs"), i, jv)
	{
		json_t *n = json_object_get(jv, "notify");
		json_t *sub = json_object_get(jv, "submit");
		json_t *exp = json_object_get(jv, "expected");
		const char *branch[JOB_MAX_BRANCH];
		uint8_t en1[JOB_EN_MAX], en2[JOB_EN_MAX], root32[32];
		uint8_t want[32], hdr[80], hash[32];
		struct job_notify_hex h;
		int l1 = 0, l2 = 0, have_root = 0;
		size_t k, nb = 0;
		json_t *x;

		memset(&h, 0, sizeof(h));
		json_array_foreach(json_object_get(n, "merkle_branch"), k, x)
		{
			if (k < JOB_MAX_BRANCH)
				branch[nb++] = json_string_value(x);
		}
		h.prevhash = json_object_get(n, "prevhash")
		                     ? str(n, "prevhash")
		                     : "00000000000000000000000000000000"
		                       "00000000000000000000000000000000";
		h.coinb1 = str(n, "coinb1");
		h.coinb2 = str(n, "coinb2");
		h.branch = branch;
		h.branch_count = nb;
		h.version =
		        json_object_get(n, "version") ? str(n, "version") : "0";
		h.nbits = json_object_get(n, "nbits") ? str(n, "nbits") : "0";
		h.ntime = json_object_get(n, "ntime") ? str(n, "ntime") : "0";
		if (!check(job_from_notify(&j, &h) == 0, "notify", id_of(jv)))
			continue;
		if (json_object_get(jv, "extranonce1")) {
			l1 = hexf(jv, "extranonce1", en1, JOB_EN_MAX);
			l2 = hexf(jv, "extranonce2", en2, JOB_EN_MAX);
		}
		if (j.coinb1_len && l1 >= 0 && l2 >= 0) {
			have_root = job_merkle_root(&j, en1, (size_t)l1, en2,
			                            (size_t)l2, root32) == 0;
		} else if (json_object_get(jv, "merkle_root_internal_hex")) {
			have_root = hexf(jv, "merkle_root_internal_hex", root32,
			                 32) == 32;
		}
		printf("  %-42s", id_of(jv));
		if (json_object_get(exp, "merkle_root_internal_hex")) {
			hexf(exp, "merkle_root_internal_hex", want, 32);
			printf(" root %s",
			       check(have_root && !memcmp(root32, want, 32),
			             "merkle root", id_of(jv))
			               ? "ok"
			               : "FAIL");
		}
		if (sub && have_root) {
			struct work_header wh;
			uint32_t version = j.version;
			double d;

			if (json_is_string(
			            json_object_get(sub, "version_bits")))
				version = work_version_roll(
				        j.version, u32f(jv, "version_mask"),
				        u32f(sub, "version_bits"));
			wh.version = version;
			memcpy(wh.prevhash, j.prevhash, 32);
			memcpy(wh.merkle_root, root32, 32);
			wh.ntime = u32f(sub, "ntime");
			wh.nbits = j.nbits;
			wh.nonce = u32f(sub, "nonce");
			work_header_pack(&wh, hdr);
			sha256d(hdr, 80, hash);
			d = work_target_to_difficulty(hash);
			if (json_object_get(exp, "share_difficulty_int"))
				check((long long)d ==
				              json_integer_value(
				                      json_object_get(
				                              exp, "share_"
				                                   "difficulty_"
				                                   "int")),
				      "share difficulty", id_of(jv));
			if (json_object_get(exp, "min_share_difficulty"))
				check(d >= json_number_value(json_object_get(
				                   exp,
				                   "min_share_difficulty")),
				      "share difficulty", id_of(jv));
			if (json_object_get(exp, "share_difficulty_approx"))
				check(d > json_number_value(json_object_get(
				                  exp,
				                  "share_difficulty_approx")) -
				                              1.0 &&
				              d < json_number_value(
				                          json_object_get(
				                                  exp,
				                                  "share_"
				                                  "difficulty_"
				                                  "approx")) +
				                              1.0,
				      "share difficulty", id_of(jv));
			if (json_object_get(exp, "share_difficulty_int") ||
			    json_object_get(exp, "min_share_difficulty") ||
			    json_object_get(exp, "share_difficulty_approx"))
				printf(" share difficulty %.1f", d);
			else
				printf(" header built");
		}
		printf("\n");
	}
	json_decref(root);
}

/* The AuxPoW serialization of an entry that only has its parsed fields
 * (Syscoin 91510): coinbase | 32 zero bytes | branch | index | chain
 * branch | chain index | parent header. Returns its length or -1. */
static int put_branch(const json_t *a, const char *key, const char *ikey,
                      uint8_t *out, size_t cap, size_t *at)
{
	json_t *br = json_object_get(a, key), *x;
	uint32_t idx = (uint32_t)json_integer_value(json_object_get(a, ikey));
	size_t k, n = json_array_size(br);
	int i;

	if (n >= 0xfd || *at + 1 + 32 * n + 4 > cap)
		return -1;
	out[(*at)++] = (uint8_t)n;
	json_array_foreach(br, k, x)
	{
		if (hex_decode_exact(json_string_value(x), out + *at, 32) < 0)
			return -1;
		*at += 32;
	}
	for (i = 0; i < 4; i++)
		out[(*at)++] = (uint8_t)(idx >> (8 * i));
	return 0;
}

static int build_auxpow(const json_t *a, uint8_t *out, size_t cap)
{
	int n = hexf(a, "parent_coinbase_hex", out, cap);
	size_t at;

	if (n < 0 || (size_t)n + 32 > cap)
		return -1;
	at = (size_t)n;
	memset(out + at, 0, 32);
	at += 32;
	if (put_branch(a, "coinbase_merkle_branch", "coinbase_merkle_index",
	               out, cap, &at) < 0 ||
	    put_branch(a, "chain_merkle_branch", "chain_merkle_index", out, cap,
	               &at) < 0 ||
	    at + 80 > cap || hexf(a, "parent_header_hex", out + at, 80) != 80)
		return -1;
	return (int)(at + 80);
}

static void do_auxpow(const char *dir)
{
	json_t *root = load(dir, "auxpow.json"), *a;
	static uint8_t raw[65536];
	size_t i;

	if (!root)
		return;
	printf("AuxPoW proofs:\n");
	json_array_foreach(json_object_get(root, "auxpow"), i, a)
	{
		uint8_t aux[80];
		const char *why = NULL;
		int n, rc;

		if (json_is_string(json_object_get(a, "auxpow_hex")))
			n = hexf(a, "auxpow_hex", raw, sizeof(raw));
		else
			n = build_auxpow(a, raw, sizeof(raw));
		if (n < 0 || hexf(a, "aux_header_hex", aux, 80) != 80)
			continue;
		rc = merged_auxpow_verify(aux, raw, (size_t)n, &why);
		check(rc == 0, why ? why : "auxpow", id_of(a));
		raw[n - 1] ^= 1; /* parent nonce: must now fail */
		check(merged_auxpow_verify(aux, raw, (size_t)n, NULL) != 0,
		      "corrupted auxpow rejected", id_of(a));
		printf("  %-26s chain id %-5u %s\n", id_of(a),
		       (unsigned)(((uint32_t)aux[3] << 8) | aux[2]),
		       rc == 0 ? "verifies" : "FAIL");
	}
	json_decref(root);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/vectors";

	do_sha256(dir);
	do_headers(dir);
	do_blocks(dir);
	do_jobs(dir);
	do_auxpow(dir);
	printf("\n%u passed, %u failed\n", n_ok, n_bad);
	return n_bad ? 1 : 0;
}
