/* Stratum v1 job model (see job.h). */
#include <string.h>

#include "hex.h"
#include "job.h"
#include "sha256.h"
#include "tandem_err.h"
#include "work.h"

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

void job_prevhash_swap(const uint8_t in[32], uint8_t out[32])
{
	uint8_t t[32];
	unsigned w, i;

	for (w = 0; w < 8; w++)
		for (i = 0; i < 4; i++)
			t[4 * w + i] = in[4 * w + 3 - i];
	memcpy(out, t, 32);
}

int job_from_notify(struct job_stratum *j, const struct job_notify_hex *n)
{
	uint8_t stratum_prev[32];
	size_t i;
	int rc;

	if (!n->prevhash || !n->coinb1 || !n->coinb2 || !n->version ||
	    !n->nbits || !n->ntime || (n->branch_count && !n->branch))
		return TANDEM_ERR_INVAL;
	memset(j, 0, sizeof(*j));
	if (n->job_id) {
		if (strnlen(n->job_id, JOB_ID_MAX + 1) > JOB_ID_MAX)
			return TANDEM_ERR_RANGE;
		memcpy(j->job_id, n->job_id, strnlen(n->job_id, JOB_ID_MAX));
	}
	rc = hex_decode_exact(n->prevhash, stratum_prev, 32);
	if (rc < 0)
		return rc;
	job_prevhash_swap(stratum_prev, j->prevhash);

	rc = hex_decode(n->coinb1, j->coinb1, sizeof(j->coinb1));
	if (rc < 0)
		return rc;
	j->coinb1_len = (size_t)rc;
	rc = hex_decode(n->coinb2, j->coinb2, sizeof(j->coinb2));
	if (rc < 0)
		return rc;
	j->coinb2_len = (size_t)rc;

	if (n->branch_count > JOB_MAX_BRANCH)
		return TANDEM_ERR_RANGE;
	for (i = 0; i < n->branch_count; i++) {
		if (!n->branch[i])
			return TANDEM_ERR_INVAL;
		rc = hex_decode_exact(n->branch[i], j->branch[i], 32);
		if (rc < 0)
			return rc;
	}
	j->branch_count = n->branch_count;

	if ((rc = hex_u32(n->version, &j->version)) < 0 ||
	    (rc = hex_u32(n->nbits, &j->nbits)) < 0 ||
	    (rc = hex_u32(n->ntime, &j->ntime)) < 0)
		return rc;
	j->clean_jobs = n->clean_jobs;
	return 0;
}

int job_coinbase(const struct job_stratum *j, const uint8_t *en1,
                 size_t en1_len, const uint8_t *en2, size_t en2_len,
                 uint8_t *out, size_t cap)
{
	size_t len, off = 0;

	if (en1_len > JOB_EN_MAX || en2_len > JOB_EN_MAX ||
	    j->coinb1_len > JOB_COINB_MAX || j->coinb2_len > JOB_COINB_MAX)
		return TANDEM_ERR_RANGE;
	len = j->coinb1_len + en1_len + en2_len + j->coinb2_len;
	if (len > cap)
		return TANDEM_ERR_RANGE;
	memcpy(out + off, j->coinb1, j->coinb1_len);
	off += j->coinb1_len;
	if (en1_len)
		memcpy(out + off, en1, en1_len);
	off += en1_len;
	if (en2_len)
		memcpy(out + off, en2, en2_len);
	off += en2_len;
	memcpy(out + off, j->coinb2, j->coinb2_len);
	return (int)len;
}

/* SHA256d(left | right) */
static void hash_pair(const uint8_t left[32], const uint8_t right[32],
                      uint8_t out[32])
{
	uint8_t buf[64];

	memcpy(buf, left, 32);
	memcpy(buf + 32, right, 32);
	sha256d(buf, sizeof(buf), out);
}

void job_merkle_fold(const uint8_t leaf[32], const uint8_t (*branch)[32],
                     size_t n, uint8_t root[32])
{
	uint8_t h[32];
	size_t i;

	memcpy(h, leaf, 32);
	for (i = 0; i < n; i++)
		hash_pair(h, branch[i], h);
	memcpy(root, h, 32);
}

void job_merkle_fold_indexed(const uint8_t leaf[32],
                             const uint8_t (*branch)[32], size_t n,
                             uint32_t index, uint8_t root[32])
{
	uint8_t h[32];
	size_t i;

	memcpy(h, leaf, 32);
	for (i = 0; i < n; i++) {
		if (i < 32 && ((index >> i) & 1u))
			hash_pair(branch[i], h, h);
		else
			hash_pair(h, branch[i], h);
	}
	memcpy(root, h, 32);
}

int job_merkle_root(const struct job_stratum *j, const uint8_t *en1,
                    size_t en1_len, const uint8_t *en2, size_t en2_len,
                    uint8_t root[32])
{
	uint8_t cb[JOB_COINBASE_MAX];
	uint8_t txid[32];
	int len;

	len = job_coinbase(j, en1, en1_len, en2, en2_len, cb, sizeof(cb));
	if (len < 0)
		return len;
	sha256d(cb, (size_t)len, txid);
	job_merkle_fold(txid, (const uint8_t(*)[32])j->branch, j->branch_count,
	                root);
	return 0;
}

int job_header(const struct job_stratum *j, const uint8_t *en1, size_t en1_len,
               const uint8_t *en2, size_t en2_len, uint32_t version,
               uint32_t ntime, uint32_t nonce, uint8_t header[80])
{
	struct work_header h;
	int rc;

	rc = job_merkle_root(j, en1, en1_len, en2, en2_len, h.merkle_root);
	if (rc < 0)
		return rc;
	h.version = version;
	memcpy(h.prevhash, j->prevhash, 32);
	h.ntime = ntime;
	h.nbits = j->nbits;
	h.nonce = nonce;
	work_header_pack(&h, header);
	return 0;
}

void job_header_midstate(uint32_t version, const uint8_t prevhash[32],
                         const uint8_t merkle_root[32], uint32_t midstate[8])
{
	uint8_t block[64];

	store_le32(block, version);
	memcpy(block + 4, prevhash, 32);
	memcpy(block + 36, merkle_root, 28);
	sha256_iv(midstate);
	sha256_compress(midstate, block);
}

void job_header_tail(const uint8_t merkle_root[32], uint32_t ntime,
                     uint32_t nbits, uint8_t tail[12])
{
	memcpy(tail, merkle_root + 28, 4);
	store_le32(tail + 4, ntime);
	store_le32(tail + 8, nbits);
}

int job_en2_increment(uint8_t *en2, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (++en2[i] != 0)
			return 0;
	}
	return 1;
}

int job_precompute(const struct job_stratum *j, const uint8_t *en1,
                   size_t en1_len, const uint8_t *en2, size_t en2_size,
                   struct job_precomp *p)
{
	size_t en2_pos, pad_at, i;
	uint64_t bits;

	if (en1_len > JOB_EN_MAX || en2_size > JOB_EN_MAX || en2_size == 0 ||
	    j->coinb1_len > JOB_COINB_MAX || j->coinb2_len > JOB_COINB_MAX)
		return TANDEM_ERR_RANGE;
	memset(p, 0, sizeof(*p));
	en2_pos = j->coinb1_len + en1_len;
	p->prefix_len = en2_pos / 64u * 64u;
	p->coinbase_len = en2_pos + en2_size + j->coinb2_len;
	p->rem_len = (size_t)p->coinbase_len - p->prefix_len;
	p->en2_offset = en2_pos - p->prefix_len;
	p->en2_size = en2_size;
	/* 0x80 and the 8-byte length must fit after the remainder. */
	p->rem_blocks = (p->rem_len + 9u + 63u) / 64u;

	/* Midstate over the whole 64-byte blocks before en2. They come from
	 * coinb1 and, when coinb1 is short of the boundary, en1. */
	sha256_iv(p->cb_midstate);
	for (i = 0; i < p->prefix_len; i += 64) {
		uint8_t block[64];
		size_t k;

		for (k = 0; k < 64; k++) {
			size_t at = i + k;

			block[k] = at < j->coinb1_len ? j->coinb1[at]
			                              : en1[at - j->coinb1_len];
		}
		sha256_compress(p->cb_midstate, block);
	}

	/* Remainder: the tail of coinb1|en1, en2, coinb2, then padding. */
	for (i = p->prefix_len; i < en2_pos; i++)
		p->remainder[i - p->prefix_len] =
		        i < j->coinb1_len ? j->coinb1[i]
		                          : en1[i - j->coinb1_len];
	if (en2)
		memcpy(p->remainder + p->en2_offset, en2, en2_size);
	memcpy(p->remainder + p->en2_offset + en2_size, j->coinb2,
	       j->coinb2_len);
	pad_at = p->rem_len;
	p->remainder[pad_at] = 0x80;
	bits = p->coinbase_len * 8u;
	for (i = 0; i < 8; i++)
		p->remainder[64 * p->rem_blocks - 1 - i] =
		        (uint8_t)(bits >> (8 * i));
	return 0;
}

/* Hardware-style txid: remainder blocks from the midstate, en2 inserted,
 * then a second SHA-256 over the 32-byte digest. */
static void precomp_txid(const uint32_t midstate[8], const uint8_t *rem,
                         size_t rem_blocks, size_t en2_offset,
                         const uint8_t *en2, size_t en2_size, uint8_t txid[32])
{
	uint8_t block[64];
	uint8_t digest[32];
	uint32_t h[8];
	size_t b, k;

	memcpy(h, midstate, sizeof(h));
	for (b = 0; b < rem_blocks; b++) {
		memcpy(block, rem + 64 * b, 64);
		for (k = 0; k < en2_size; k++) {
			size_t at = en2_offset + k;

			if (at / 64 == b)
				block[at % 64] = en2[k];
		}
		sha256_compress(h, block);
	}
	sha256_state_to_bytes(h, digest);
	sha256(digest, sizeof(digest), txid);
}

void job_precomp_txid(const struct job_precomp *p, const uint8_t *en2,
                      uint8_t txid[32])
{
	precomp_txid(p->cb_midstate, p->remainder, p->rem_blocks, p->en2_offset,
	             en2, p->en2_size, txid);
}

int job_proto_stratum(const struct job_stratum *j, const uint8_t *en1,
                      size_t en1_len, const uint8_t *en2_start, size_t en2_size,
                      uint32_t version_mask, uint32_t nonce_start,
                      uint32_t nonce_count, struct proto_job *out)
{
	struct job_precomp p;
	int rc;

	if (en2_size < 1 || en2_size > TANDEM_MAX_EN2 ||
	    j->branch_count > TANDEM_MAX_BRANCH)
		return TANDEM_ERR_RANGE;
	rc = job_precompute(j, en1, en1_len, en2_start, en2_size, &p);
	if (rc < 0)
		return rc;
	if (p.rem_blocks > TANDEM_MAX_REM_BLOCKS)
		return TANDEM_ERR_RANGE;

	memset(out, 0, sizeof(*out));
	out->mode = PROTO_JOB_MODE_STRATUM;
	out->nonce_start = nonce_start;
	out->nonce_count = nonce_count;
	out->version = j->version;
	out->ntime = j->ntime;
	out->version_mask = version_mask;
	out->nbits = j->nbits;
	memcpy(out->prevhash, j->prevhash, 32);
	memcpy(out->cb_midstate, p.cb_midstate, sizeof(out->cb_midstate));
	out->rem_blocks = (uint8_t)p.rem_blocks;
	out->en2_offset = (uint8_t)p.en2_offset;
	out->en2_size = (uint8_t)en2_size;
	out->branch_count = (uint8_t)j->branch_count;
	if (en2_start)
		memcpy(out->en2_start, en2_start, en2_size);
	memcpy(out->remainder, p.remainder, 64 * p.rem_blocks);
	memcpy(out->branch, j->branch, 32 * j->branch_count);
	return 0;
}

void job_proto_header(const uint8_t header[80], uint32_t nonce_start,
                      uint32_t nonce_count, struct proto_job *out)
{
	memset(out, 0, sizeof(*out));
	out->mode = PROTO_JOB_MODE_HEADER;
	out->nonce_start = nonce_start;
	out->nonce_count = nonce_count;
	out->version = load_le32(header);
	out->ntime = load_le32(header + 68);
	work_header_midstate(header, out->midstate);
	memcpy(out->tail, header + 64, 12);
}

int job_proto_hash(const struct proto_job *pj, const uint8_t *en2,
                   uint32_t version, uint32_t nonce, uint8_t hash[32])
{
	struct work_header h;
	uint8_t header[80];
	uint8_t txid[32];

	if (pj->mode == PROTO_JOB_MODE_HEADER) {
		work_hash_from_midstate(pj->midstate, pj->tail, nonce, hash);
		return 0;
	}
	if (pj->mode != PROTO_JOB_MODE_STRATUM || pj->rem_blocks < 1 ||
	    pj->rem_blocks > TANDEM_MAX_REM_BLOCKS || pj->en2_size < 1 ||
	    pj->en2_size > TANDEM_MAX_EN2 ||
	    pj->branch_count > TANDEM_MAX_BRANCH ||
	    (size_t)pj->en2_offset + pj->en2_size > 64u * pj->rem_blocks)
		return TANDEM_ERR_INVAL;
	precomp_txid(pj->cb_midstate, pj->remainder, pj->rem_blocks,
	             pj->en2_offset, en2, pj->en2_size, txid);
	job_merkle_fold(txid, (const uint8_t(*)[32])pj->branch,
	                pj->branch_count, h.merkle_root);
	h.version = version;
	memcpy(h.prevhash, pj->prevhash, 32);
	h.ntime = pj->ntime;
	h.nbits = pj->nbits;
	h.nonce = nonce;
	work_header_pack(&h, header);
	sha256d(header, sizeof(header), hash);
	return 0;
}
