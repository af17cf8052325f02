// Helpers shared by the job-engine and whole-device Verilator tests: real
// vectors from tests/vectors/ (jansson), Stratum jobs built by the C
// reference model (host/lib/job.h), and the engine's expected work items.
// Nothing here computes an answer on its own: every expected value comes
// from libtandem (sha256, work, job) or from the vector files.
#ifndef TANDEM_TEST_JOB_UTIL_H
#define TANDEM_TEST_JOB_UTIL_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <jansson.h>

#include "job.h"
#include "sha256.h"
#include "tandem_proto.h"
#include "work.h"

namespace tj {

// ---- vectors ------------------------------------------------------------

inline json_t *load_vectors(const char *name)
{
	const char *dir = std::getenv("TANDEM_VECTORS");
	std::string path = std::string(dir ? dir : "tests/vectors") + "/" + name;
	json_error_t err;
	json_t *j = json_load_file(path.c_str(), 0, &err);
	if (!j) {
		std::fprintf(stderr, "cannot load %s: %s\n", path.c_str(),
			     err.text);
		std::exit(2);
	}
	return j;
}

inline const char *str_of(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!v || !json_is_string(v)) {
		std::fprintf(stderr, "vector field %s missing\n", key);
		std::exit(2);
	}
	return json_string_value(v);
}

inline std::vector<uint8_t> hex_of(const char *s)
{
	std::vector<uint8_t> out;
	size_t n = std::strlen(s);
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned v;
		if (std::sscanf(s + i, "%2x", &v) != 1) {
			std::fprintf(stderr, "bad hex in vector\n");
			std::exit(2);
		}
		out.push_back((uint8_t)v);
	}
	return out;
}

inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

// One real block reduced to what a Stratum miner gets, plus the answer.
struct Block {
	std::string id;
	struct job_stratum js;
	std::vector<uint8_t> en1, en2;   // real extranonce1 / extranonce2
	uint8_t header[80];
	uint32_t version, nonce;
	uint8_t target[32]; // nbits target, little-endian
};

// blocks.json -> Block list (Stratum split, branch, real header).
inline std::vector<Block> load_blocks()
{
	std::vector<Block> out;
	json_t *root = load_vectors("blocks.json");
	json_t *arr = json_object_get(root, "blocks");
	size_t i;
	json_t *b;
	json_array_foreach(arr, i, b)
	{
		Block blk;
		std::memset(&blk.js, 0, sizeof(blk.js));
		blk.id = str_of(b, "id");
		std::vector<uint8_t> hdr = hex_of(str_of(b, "header_hex"));
		if (hdr.size() != 80) {
			std::fprintf(stderr, "bad header in %s\n", blk.id.c_str());
			std::exit(2);
		}
		std::memcpy(blk.header, hdr.data(), 80);
		json_t *st = json_object_get(b, "stratum");
		std::vector<uint8_t> c1 = hex_of(str_of(st, "coinb1"));
		std::vector<uint8_t> c2 = hex_of(str_of(st, "coinb2"));
		blk.en1 = hex_of(str_of(st, "extranonce1"));
		blk.en2 = hex_of(str_of(st, "extranonce2"));
		std::memcpy(blk.js.coinb1, c1.data(), c1.size());
		blk.js.coinb1_len = c1.size();
		std::memcpy(blk.js.coinb2, c2.data(), c2.size());
		blk.js.coinb2_len = c2.size();
		json_t *br = json_object_get(b, "merkle_branch");
		size_t k;
		json_t *e;
		json_array_foreach(br, k, e)
		{
			std::vector<uint8_t> h = hex_of(json_string_value(e));
			std::memcpy(blk.js.branch[k], h.data(), 32);
		}
		blk.js.branch_count = json_array_size(br);
		std::memcpy(blk.js.prevhash, blk.header + 4, 32);
		blk.version = le32(blk.header);
		blk.js.version = blk.version;
		blk.js.ntime = le32(blk.header + 68);
		blk.js.nbits = le32(blk.header + 72);
		blk.nonce = le32(blk.header + 76);
		work_nbits_to_target(blk.js.nbits, blk.target);
		out.push_back(blk);
	}
	json_decref(root);
	return out;
}

// One real header of headers.json, with its nbits target.
struct Header {
	std::string id;
	uint8_t header[80];
	uint32_t nonce;
	uint8_t target[32]; // nbits target, little-endian
};

inline std::vector<Header> load_headers()
{
	std::vector<Header> out;
	json_t *root = load_vectors("headers.json");
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(root, "headers"), i, h)
	{
		Header hd;
		hd.id = str_of(h, "id");
		std::vector<uint8_t> b = hex_of(str_of(h, "header_hex"));
		if (b.size() != 80) {
			std::fprintf(stderr, "bad header in %s\n", hd.id.c_str());
			std::exit(2);
		}
		std::memcpy(hd.header, b.data(), 80);
		hd.nonce = le32(hd.header + 76);
		work_nbits_to_target(le32(hd.header + 72), hd.target);
		out.push_back(hd);
	}
	json_decref(root);
	return out;
}

// extranonce2 as the device counts it: unsigned little-endian over n bytes.
inline void en2_add(uint8_t *en2, size_t n, long delta)
{
	while (delta > 0) {
		job_en2_increment(en2, n);
		delta--;
	}
	while (delta < 0) {
		for (size_t i = 0; i < n; i++)
			if (en2[i]-- != 0)
				break;
		delta++;
	}
}

// ---- job RAM image -------------------------------------------------------
// The engine's per-bank layout (rtl/job_engine.v): payload words 0..26 at
// 0..26, the remainder at REM_BASE, the branch at REM_BASE + 16*max_rem.
// Words hold payload bytes packed big-endian.
struct RamWord {
	unsigned addr;
	uint32_t data;
};

inline std::vector<RamWord> ram_image(const uint8_t *p, size_t len,
				      unsigned max_rem)
{
	std::vector<RamWord> out;
	unsigned rem_blocks = (len > 96 && p[0] == 1) ? p[96] : 0;
	const unsigned rem_base = 32, br_base = 32 + 16 * max_rem;
	for (size_t q = 0; q * 4 < len; q++) {
		uint32_t w = (uint32_t)p[4 * q] << 24 |
			     (uint32_t)p[4 * q + 1] << 16 |
			     (uint32_t)p[4 * q + 2] << 8 | p[4 * q + 3];
		unsigned a;
		if (q < 27)
			a = (unsigned)q;
		else if (q < 27 + 16 * rem_blocks)
			a = rem_base + (unsigned)(q - 27);
		else
			a = br_base + (unsigned)(q - 27 - 16 * rem_blocks);
		out.push_back({a, w});
	}
	return out;
}

// ---- expected work --------------------------------------------------------
// The work item the engine must produce for one (extranonce2, version):
// coinbase finished from the job's midstate and remainder, txid, merkle
// fold, header midstate and tail, all with the C model.
inline void model_work(const struct proto_job *pj, const uint8_t *en2,
		       uint32_t version, uint32_t mid[8], uint8_t tail[12])
{
	if (pj->mode == PROTO_JOB_MODE_HEADER) {
		std::memcpy(mid, pj->midstate, 32);
		std::memcpy(tail, pj->tail, 12);
		return;
	}
	uint8_t rem[64 * TANDEM_MAX_REM_BLOCKS];
	std::memcpy(rem, pj->remainder, 64u * pj->rem_blocks);
	std::memcpy(rem + pj->en2_offset, en2, pj->en2_size);
	uint32_t h[8];
	std::memcpy(h, pj->cb_midstate, 32);
	for (unsigned b = 0; b < pj->rem_blocks; b++)
		sha256_compress(h, rem + 64 * b);
	uint8_t d1[32], txid[32], root[32];
	sha256_state_to_bytes(h, d1);
	sha256(d1, 32, txid);
	job_merkle_fold(txid, (const uint8_t(*)[32])pj->branch,
			pj->branch_count, root);
	job_header_midstate(version, pj->prevhash, root, mid);
	job_header_tail(root, pj->ntime, pj->nbits, tail);
}

// Word helpers for Verilator wide ports (word 0 = bits 31:0).
template <class W> inline uint32_t wword(const W &w, int i) { return w[i]; }

} // namespace tj

#endif // TANDEM_TEST_JOB_UTIL_H
