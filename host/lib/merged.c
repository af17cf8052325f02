/* Merged-mining helpers (see merged.h). */
#include <string.h>

#include "job.h"
#include "merged.h"
#include "sha256.h"
#include "tandem_err.h"
#include "work.h"

static const uint8_t mm_magic[4] = {0xfa, 0xbe, 0x6d, 0x6d};
static const uint8_t rsk_tag[9] = {'R', 'S', 'K', 'B', 'L', 'O', 'C', 'K', ':'};

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* Bounded reader over a byte buffer; any overrun sets err. */
struct rd {
	const uint8_t *p;
	size_t n, at;
	int err;
};

static int rd_skip(struct rd *r, size_t k)
{
	if (r->err || k > r->n - r->at) {
		r->err = 1;
		return -1;
	}
	r->at += k;
	return 0;
}

static const uint8_t *rd_bytes(struct rd *r, size_t k)
{
	size_t at = r->at;

	if (rd_skip(r, k) < 0)
		return NULL;
	return r->p + at;
}

static uint64_t rd_varint(struct rd *r)
{
	const uint8_t *b = rd_bytes(r, 1);
	uint64_t v = 0;
	unsigned k, i;

	if (!b)
		return 0;
	if (b[0] < 0xfd)
		return b[0];
	k = b[0] == 0xfd ? 2 : b[0] == 0xfe ? 4 : 8;
	b = rd_bytes(r, k);
	if (!b)
		return 0;
	for (i = 0; i < k; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

static uint32_t rd_u32(struct rd *r)
{
	const uint8_t *b = rd_bytes(r, 4);

	return b ? load_le32(b) : 0;
}

int merged_tx_parse(const uint8_t *buf, size_t n, struct merged_tx *tx)
{
	struct rd r = {buf, n, 0, 0};
	uint64_t count, len, i, k;

	memset(tx, 0, sizeof(*tx));
	rd_skip(&r, 4); /* version */
	if (!r.err && n - r.at >= 2 && buf[r.at] == 0 && buf[r.at + 1] != 0) {
		tx->segwit = 1;
		rd_skip(&r, 2);
	}
	count = rd_varint(&r);
	if (r.err || count == 0 || count > n)
		return TANDEM_ERR_PARSE;
	tx->n_in = (size_t)count;
	for (i = 0; i < count; i++) {
		rd_skip(&r, 36); /* outpoint */
		len = rd_varint(&r);
		if (r.err || len > n)
			return TANDEM_ERR_PARSE;
		if (i == 0) {
			tx->scriptsig_off = r.at;
			tx->scriptsig_len = (size_t)len;
		}
		rd_skip(&r, (size_t)len);
		rd_skip(&r, 4); /* sequence */
	}
	tx->outputs_off = r.at;
	count = rd_varint(&r);
	if (r.err || count > n)
		return TANDEM_ERR_PARSE;
	tx->n_out = (size_t)count;
	for (i = 0; i < count; i++) {
		rd_skip(&r, 8); /* value */
		len = rd_varint(&r);
		if (r.err || len > n)
			return TANDEM_ERR_PARSE;
		rd_skip(&r, (size_t)len);
	}
	tx->witness_off = r.at;
	if (tx->segwit) {
		for (i = 0; i < tx->n_in; i++) {
			count = rd_varint(&r);
			if (r.err || count > n)
				return TANDEM_ERR_PARSE;
			for (k = 0; k < count; k++) {
				len = rd_varint(&r);
				if (r.err || len > n)
					return TANDEM_ERR_PARSE;
				rd_skip(&r, (size_t)len);
			}
		}
	}
	rd_skip(&r, 4); /* lock time */
	if (r.err || r.at > (size_t)0x7fffffff)
		return TANDEM_ERR_PARSE;
	tx->len = r.at;
	return (int)r.at;
}

void merged_tx_txid(const uint8_t *buf, const struct merged_tx *tx,
                    uint8_t txid[32])
{
	struct sha256_ctx c;
	uint8_t first[32];

	if (!tx->segwit) {
		sha256d(buf, tx->len, txid);
		return;
	}
	/* Non-witness form: version | inputs and outputs | lock time. */
	sha256_init(&c);
	sha256_update(&c, buf, 4);
	sha256_update(&c, buf + 6, tx->witness_off - 6);
	sha256_update(&c, buf + tx->len - 4, 4);
	sha256_final(&c, first);
	sha256(first, sizeof(first), txid);
}

/* Offset of the first needle at or after from, or n when absent. */
static size_t find(const uint8_t *buf, size_t n, size_t from,
                   const uint8_t *needle, size_t k)
{
	size_t i;

	if (k == 0 || n < k)
		return n;
	for (i = from; i + k <= n; i++) {
		if (memcmp(buf + i, needle, k) == 0)
			return i;
	}
	return n;
}

int merged_find_mm(const uint8_t *buf, size_t n, struct merged_mm *mm)
{
	size_t first = find(buf, n, 0, mm_magic, 4), at;
	const uint8_t *p;
	int count = 0;
	unsigned i;

	if (first == n)
		return TANDEM_ERR_NOT_FOUND;
	for (at = first; at < n; at = find(buf, n, at + 1, mm_magic, 4))
		count++;
	if (n - first < 4 + 32 + 8)
		return TANDEM_ERR_PARSE;
	p = buf + first + 4;
	mm->offset = first;
	memcpy(mm->root_as_in_script, p, 32);
	for (i = 0; i < 32; i++)
		mm->root[i] = p[31 - i];
	mm->size = load_le32(p + 32);
	mm->nonce = load_le32(p + 36);
	return count;
}

int merged_find_rsk(const uint8_t *buf, size_t n, struct merged_rsk *r)
{
	size_t at, last = n;
	int count = 0;

	for (at = find(buf, n, 0, rsk_tag, sizeof(rsk_tag)); at < n;
	     at = find(buf, n, at + 1, rsk_tag, sizeof(rsk_tag))) {
		last = at;
		count++;
	}
	if (count == 0)
		return TANDEM_ERR_NOT_FOUND;
	if (n - last < sizeof(rsk_tag) + 32)
		return TANDEM_ERR_PARSE;
	r->offset = last;
	memcpy(r->hash, buf + last + sizeof(rsk_tag), 32);
	return count;
}

uint32_t merged_chain_index(uint32_t nonce, uint32_t chain_id, unsigned height)
{
	uint32_t r = nonce * 1103515245u + 12345u;

	r += chain_id;
	r = r * 1103515245u + 12345u;
	if (height >= 32)
		return r;
	return r % ((uint32_t)1 << height);
}

int merged_auxpow_parse(const uint8_t *raw, size_t n, struct merged_auxpow *a)
{
	struct rd r = {raw, n, 0, 0};
	uint64_t count;
	const uint8_t *b;
	int len;

	memset(a, 0, sizeof(*a));
	len = merged_tx_parse(raw, n, &a->cb);
	if (len < 0)
		return len;
	a->coinbase = raw;
	rd_skip(&r, (size_t)len);

	b = rd_bytes(&r, 32);
	if (!b)
		return TANDEM_ERR_PARSE;
	memcpy(a->parent_hash, b, 32);

	count = rd_varint(&r);
	if (r.err || count > MERGED_MAX_BRANCH)
		return TANDEM_ERR_PARSE;
	b = rd_bytes(&r, 32 * (size_t)count);
	if (!b)
		return TANDEM_ERR_PARSE;
	memcpy(a->cb_branch, b, 32 * (size_t)count);
	a->cb_branch_count = (size_t)count;
	a->cb_index = (int32_t)rd_u32(&r);

	count = rd_varint(&r);
	if (r.err || count > MERGED_MAX_BRANCH)
		return TANDEM_ERR_PARSE;
	b = rd_bytes(&r, 32 * (size_t)count);
	if (!b)
		return TANDEM_ERR_PARSE;
	memcpy(a->chain_branch, b, 32 * (size_t)count);
	a->chain_branch_count = (size_t)count;
	a->chain_index = (int32_t)rd_u32(&r);

	b = rd_bytes(&r, 80);
	if (!b || r.at != n)
		return TANDEM_ERR_PARSE;
	memcpy(a->parent_header, b, 80);
	return 0;
}

static int reject(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return TANDEM_ERR_AUXPOW;
}

int merged_auxpow_check(const struct merged_auxpow *a,
                        const uint8_t aux_hash[32], uint32_t chain_id,
                        int strict_chain_id, const char **why)
{
	const uint8_t *script = a->coinbase + a->cb.scriptsig_off;
	size_t slen = a->cb.scriptsig_len;
	unsigned height = (unsigned)a->chain_branch_count;
	uint8_t txid[32], root[32], rev[32];
	size_t pos, head;
	unsigned i;

	if (why)
		*why = NULL;
	if (a->cb_index != 0)
		return reject(why, "auxpow coinbase is not leaf 0");
	if (strict_chain_id && (load_le32(a->parent_header) >> 16) == chain_id)
		return reject(why, "auxpow parent has the aux chain id");
	if (a->chain_branch_count > MERGED_MAX_CHAIN_BRANCH)
		return reject(why, "auxpow chain merkle branch too long");
	if (a->chain_index < 0)
		return reject(why, "auxpow negative chain index");

	/* The aux chain root, byte-reversed as it sits in the script. */
	job_merkle_fold_indexed(aux_hash, (const uint8_t(*)[32])a->chain_branch,
	                        a->chain_branch_count, (uint32_t)a->chain_index,
	                        root);
	for (i = 0; i < 32; i++)
		rev[i] = root[31 - i];

	/* The coinbase is in the parent block. */
	merged_tx_txid(a->coinbase, &a->cb, txid);
	job_merkle_fold_indexed(txid, (const uint8_t(*)[32])a->cb_branch,
	                        a->cb_branch_count, 0, root);
	if (memcmp(root, a->parent_header + 36, 32) != 0)
		return reject(why, "auxpow coinbase not in the parent merkle "
		                   "root");

	head = find(script, slen, 0, mm_magic, sizeof(mm_magic));
	pos = find(script, slen, 0, rev, sizeof(rev));
	if (pos == slen)
		return reject(why, "auxpow chain merkle root not in the parent "
		                   "coinbase");
	if (head != slen) {
		if (find(script, slen, head + 1, mm_magic, sizeof(mm_magic)) !=
		    slen)
			return reject(why, "auxpow multiple merged-mining "
			                   "headers in the coinbase");
		if (head + sizeof(mm_magic) != pos)
			return reject(why, "auxpow merged-mining header not "
			                   "just before the chain root");
	} else if (pos > 20) {
		return reject(why, "auxpow chain root not in the first 20 "
		                   "bytes of the coinbase");
	}

	pos += sizeof(rev);
	if (slen - pos < 8)
		return reject(why, "auxpow chain tree size and nonce missing");
	if (load_le32(script + pos) != (uint32_t)1 << height)
		return reject(why, "auxpow chain tree size does not match the "
		                   "branch");
	if ((uint32_t)a->chain_index !=
	    merged_chain_index(load_le32(script + pos + 4), chain_id, height))
		return reject(why, "auxpow wrong chain index");
	return 0;
}

int merged_auxpow_verify(const uint8_t aux_header[80], const uint8_t *raw,
                         size_t n, const char **why)
{
	struct merged_auxpow a;
	uint8_t aux_hash[32], parent_hash[32], target[32];
	uint32_t version = load_le32(aux_header);
	int rc;

	if (why)
		*why = NULL;
	rc = merged_auxpow_parse(raw, n, &a);
	if (rc < 0) {
		if (why)
			*why = "auxpow does not parse";
		return rc;
	}
	sha256d(aux_header, 80, aux_hash);
	rc = merged_auxpow_check(&a, aux_hash, version >> 16, 1, why);
	if (rc < 0)
		return rc;
	if (work_nbits_to_target(load_le32(aux_header + 72), target) < 0)
		return reject(why, "aux header nbits invalid");
	sha256d(a.parent_header, 80, parent_hash);
	if (!work_hash_meets(parent_hash, target))
		return reject(why, "auxpow parent hash above the aux target");
	return 0;
}
