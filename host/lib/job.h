/* Stratum v1 job model: coinbase assembly, merkle folding, prevhash
 * conversion, header building, extranonce2 counting, and the
 * precomputation the hardware needs to roll extranonce2 on chip. Pure;
 * never prints.
 *
 * Byte orders: hashes (prevhash, merkle branch, merkle root, txid) are in
 * Bitcoin internal order, the order SHA256d returns and the header holds,
 * unless a name says "stratum". SHA-256 states are words H0..H7 (host
 * integers; serialize each big-endian for the FIPS digest bytes). */
#ifndef TANDEM_JOB_H
#define TANDEM_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "tandem_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JOB_ID_MAX     64u   /* job_id characters (plus a NUL) */
#define JOB_COINB_MAX  4096u /* bytes of coinb1, and of coinb2 */
#define JOB_EN_MAX     32u   /* bytes of extranonce1, and of extranonce2 */
#define JOB_MAX_BRANCH 32u   /* merkle branch entries */
/* Largest coinbase coinb1 | en1 | en2 | coinb2. */
#define JOB_COINBASE_MAX (2u * JOB_COINB_MAX + 2u * JOB_EN_MAX)
/* Largest padded remainder, in 64-byte blocks: up to 63 bytes before
 * en2, en2, coinb2, 9 bytes of padding, rounded up. */
#define JOB_REM_MAX_BLOCKS ((63u + JOB_EN_MAX + JOB_COINB_MAX + 9u + 63u) / 64u)

/* One mining.notify, decoded (about 9 KB: keep few on the stack). */
struct job_stratum {
	char job_id[JOB_ID_MAX + 1];
	uint8_t prevhash[32]; /* header order (header[4:36]), not Stratum's */
	uint8_t coinb1[JOB_COINB_MAX];
	size_t coinb1_len;
	uint8_t coinb2[JOB_COINB_MAX];
	size_t coinb2_len;
	uint8_t branch[JOB_MAX_BRANCH][32]; /* internal order, leaf level up */
	size_t branch_count;
	uint32_t version; /* numbers as values (Stratum sends BE hex) */
	uint32_t nbits;
	uint32_t ntime;
	int clean_jobs;
};

/* The mining.notify parameters as the hex strings Stratum sends. */
struct job_notify_hex {
	const char *job_id;   /* may be NULL (stored as "") */
	const char *prevhash; /* Stratum order: 8 words, each byte-swapped */
	const char *coinb1;
	const char *coinb2;
	const char *const *branch; /* branch_count hex strings */
	size_t branch_count;
	const char *version; /* big-endian hex numbers, e.g. "20000000" */
	const char *nbits;
	const char *ntime;
	int clean_jobs;
};

/* Fills j from notify strings. Returns 0, TANDEM_ERR_PARSE (bad hex or a
 * prevhash/branch that is not 32 bytes), TANDEM_ERR_RANGE (a field longer
 * than this model holds) or TANDEM_ERR_INVAL (a NULL field). */
int job_from_notify(struct job_stratum *j, const struct job_notify_hex *n);

/* Stratum prevhash <-> header bytes: reverses the bytes inside each of
 * the eight 4-byte words. The operation is its own inverse. in and out
 * may be the same buffer. */
void job_prevhash_swap(const uint8_t in[32], uint8_t out[32]);

/* coinbase = coinb1 | en1 | en2 | coinb2 into out[0..cap). Returns the
 * length, or TANDEM_ERR_RANGE (cap too small, en1/en2 > JOB_EN_MAX). */
int job_coinbase(const struct job_stratum *j, const uint8_t *en1,
                 size_t en1_len, const uint8_t *en2, size_t en2_len,
                 uint8_t *out, size_t cap);

/* Stratum-order fold: h = leaf; for each b: h = SHA256d(h | b). */
void job_merkle_fold(const uint8_t leaf[32], const uint8_t (*branch)[32],
                     size_t n, uint8_t root[32]);
/* Indexed fold (AuxPoW, SPV proofs): at level k, bit k of index set means
 * h is the right child, h = SHA256d(branch[k] | h); clear means
 * h = SHA256d(h | branch[k]). */
void job_merkle_fold_indexed(const uint8_t leaf[32],
                             const uint8_t (*branch)[32], size_t n,
                             uint32_t index, uint8_t root[32]);

/* Merkle root of the job for one extranonce: SHA256d(coinbase) folded
 * with the job's branch. Returns 0 or as job_coinbase. */
int job_merkle_root(const struct job_stratum *j, const uint8_t *en1,
                    size_t en1_len, const uint8_t *en2, size_t en2_len,
                    uint8_t root[32]);

/* The 80-byte header of a share: version | prevhash | merkle root |
 * ntime | nbits | nonce, numbers little-endian. version is the final
 * version (with rolling: work_version_roll(j->version, mask, bits)),
 * ntime the submitted ntime. Returns 0 or as job_coinbase. */
int job_header(const struct job_stratum *j, const uint8_t *en1, size_t en1_len,
               const uint8_t *en2, size_t en2_len, uint32_t version,
               uint32_t ntime, uint32_t nonce, uint8_t header[80]);

/* Header midstate: SHA-256 state after header[0:64] = version (LE) |
 * prevhash | merkle_root[0:28]. */
void job_header_midstate(uint32_t version, const uint8_t prevhash[32],
                         const uint8_t merkle_root[32], uint32_t midstate[8]);
/* Header tail header[64:76] = merkle_root[28:32] | ntime LE | nbits LE. */
void job_header_tail(const uint8_t merkle_root[32], uint32_t ntime,
                     uint32_t nbits, uint8_t tail[12]);

/* Extranonce2 as an unsigned little-endian counter over n bytes (first
 * byte fastest): adds one. Returns 1 when it wrapped to all zeros, else
 * 0. */
int job_en2_increment(uint8_t *en2, size_t n);

/* What the hardware needs to finish the coinbase txid for any en2. */
struct job_precomp {
	uint32_t cb_midstate[8]; /* state after coinbase[0:prefix_len] */
	size_t prefix_len;       /* last multiple of 64 at or before en2 */
	uint64_t coinbase_len;   /* whole coinbase bytes */
	size_t rem_len;          /* coinbase_len - prefix_len (unpadded) */
	size_t rem_blocks;       /* padded remainder blocks */
	size_t en2_offset;       /* en2 position inside remainder, 0..63 */
	size_t en2_size;
	/* coinbase[prefix_len:] then SHA-256 padding: 0x80, zeros, 64-bit
	 * big-endian bit length of the whole coinbase. */
	uint8_t remainder[64u * JOB_REM_MAX_BLOCKS];
};

/* Splits the coinbase for extranonce2 rolling; en2 gives the en2 bytes
 * written into the remainder (NULL: zeros). Returns 0 or
 * TANDEM_ERR_RANGE (en1/en2 longer than JOB_EN_MAX, en2_size 0). */
int job_precompute(const struct job_stratum *j, const uint8_t *en1,
                   size_t en1_len, const uint8_t *en2, size_t en2_size,
                   struct job_precomp *p);
/* Finishes the coinbase txid the way the hardware does: en2 (en2_size
 * bytes) written into a copy of the remainder at en2_offset, the
 * remainder blocks compressed from cb_midstate, then SHA-256 of that
 * 32-byte digest. */
void job_precomp_txid(const struct job_precomp *p, const uint8_t *en2,
                      uint8_t txid[32]);

/* Fills a PROTO_JOB_MODE_STRATUM job (struct only, no frame encoding):
 * version/nbits/ntime/prevhash from j, the coinbase midstate and padded
 * remainder with en2_start inserted, the branch, the nonce window
 * (nonce_count 0 = 2^32) and the version mask. job_id, generation and
 * flags are left 0 for the caller. Returns 0 or TANDEM_ERR_RANGE when the
 * work exceeds the protocol's limits (en2_size 1..TANDEM_MAX_EN2, branch
 * <= TANDEM_MAX_BRANCH, remainder <= TANDEM_MAX_REM_BLOCKS blocks). */
int job_proto_stratum(const struct job_stratum *j, const uint8_t *en1,
                      size_t en1_len, const uint8_t *en2_start, size_t en2_size,
                      uint32_t version_mask, uint32_t nonce_start,
                      uint32_t nonce_count, struct proto_job *out);
/* Fills a PROTO_JOB_MODE_HEADER job from an 80-byte header: version and
 * ntime echoed, midstate of header[0:64], tail header[64:76]. job_id,
 * generation and flags are left 0 for the caller. */
void job_proto_header(const uint8_t header[80], uint32_t nonce_start,
                      uint32_t nonce_count, struct proto_job *out);

/* Golden model of the device: SHA256d of the header a proto_job yields
 * for one nonce. Stratum mode: txid from cb_midstate + remainder with en2
 * (pj->en2_size bytes) inserted, folded with the branch, header built
 * with the given version; header mode: midstate + tail + nonce (en2 and
 * version unused). Returns 0 or TANDEM_ERR_INVAL (bad mode or sizes). */
int job_proto_hash(const struct proto_job *pj, const uint8_t *en2,
                   uint32_t version, uint32_t nonce, uint8_t hash[32]);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_JOB_H */
