/* Merged-mining helpers: the Namecoin-style "fabe6d6d" commitment and the
 * RSK "RSKBLOCK:" tag in a coinbase, the aux-chain slot index, a minimal
 * transaction parser for coinbases, and AuxPoW parsing and verification
 * following Namecoin's CAuxPow::check. Pure; never prints.
 *
 * Hashes are in Bitcoin internal order (as SHA256d returns them) unless a
 * field says "as in script". */
#ifndef TANDEM_MERGED_H
#define TANDEM_MERGED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MERGED_MAX_BRANCH       32u /* merkle branch entries an auxpow may hold */
#define MERGED_MAX_CHAIN_BRANCH 30u /* Namecoin's limit on the chain branch */

/* ---- transactions ---------------------------------------------------- */

/* Where things sit in one serialized transaction (segwit or not). */
struct merged_tx {
	size_t len; /* serialized bytes, witness included */
	int segwit; /* marker 00 and flag != 0 after the version */
	size_t n_in, n_out;
	size_t scriptsig_off; /* first input's script (a coinbase scriptSig) */
	size_t scriptsig_len;
	size_t outputs_off; /* the output count varint */
	size_t witness_off; /* segwit: first witness byte; else = len - 4 */
};

/* Parses the transaction at the start of buf[0..n). Returns the number of
 * bytes it takes (extra bytes after it are allowed) or TANDEM_ERR_PARSE
 * (truncated, no input, absurd counts). */
int merged_tx_parse(const uint8_t *buf, size_t n, struct merged_tx *tx);
/* Txid (SHA256d of the non-witness serialization) of a parsed tx. */
void merged_tx_txid(const uint8_t *buf, const struct merged_tx *tx,
                    uint8_t txid[32]);

/* ---- commitments in a coinbase ---------------------------------------- */

/* Namecoin-style merged-mining commitment:
 * fabe6d6d | aux root (32 bytes, byte-reversed internal order) |
 * size u32 LE | nonce u32 LE. */
struct merged_mm {
	size_t offset; /* of the magic in the searched bytes */
	uint8_t root_as_in_script[32];
	uint8_t root[32]; /* internal order (reversed) */
	uint32_t size;    /* merkle tree size, 2^height */
	uint32_t nonce;   /* merkle nonce */
};

/* Finds fabe6d6d in buf[0..n) (typically a coinbase scriptSig). Returns
 * the number of magics found (1 is the only valid count for Namecoin)
 * with the first one in *mm; TANDEM_ERR_NOT_FOUND when there is none;
 * TANDEM_ERR_PARSE when the first is cut short of its 40 bytes. */
int merged_find_mm(const uint8_t *buf, size_t n, struct merged_mm *mm);

/* RSK tag: "RSKBLOCK:" | 32-byte RSK merged-mining hash. */
struct merged_rsk {
	size_t offset;    /* of the tag in the searched bytes */
	uint8_t hash[32]; /* the 32 bytes after the tag, as in the coinbase */
};

/* Finds "RSKBLOCK:" in buf[0..n) (typically a whole coinbase). Returns the
 * number of tags found and describes the last one (the one RSK's own
 * validation uses); TANDEM_ERR_NOT_FOUND when there is none;
 * TANDEM_ERR_PARSE when the last is cut short of its 32-byte hash. */
int merged_find_rsk(const uint8_t *buf, size_t n, struct merged_rsk *r);

/* Namecoin's slot of an aux chain in the chain merkle tree of the given
 * height (getExpectedIndex), with uint32 arithmetic:
 * r = nonce * 1103515245 + 12345; r += chain_id;
 * r = r * 1103515245 + 12345; return r % 2^height. */
uint32_t merged_chain_index(uint32_t nonce, uint32_t chain_id, unsigned height);

/* ---- AuxPoW -------------------------------------------------------- */

/* A parsed AuxPoW (the bytes after the 80-byte aux header):
 * parent coinbase tx | parent block hash (32, unused) | varint n |
 * n x 32 coinbase branch | int32 coinbase index | varint m |
 * m x 32 chain branch | int32 chain index | 80-byte parent header. */
struct merged_auxpow {
	const uint8_t *coinbase; /* points into the parsed buffer */
	struct merged_tx cb;
	uint8_t parent_hash[32];
	size_t cb_branch_count;
	uint8_t cb_branch[MERGED_MAX_BRANCH][32];
	int32_t cb_index;
	size_t chain_branch_count;
	uint8_t chain_branch[MERGED_MAX_BRANCH][32];
	int32_t chain_index;
	uint8_t parent_header[80];
};

/* Parses raw[0..n), which must be exactly one AuxPoW. a->coinbase points
 * into raw: keep raw alive while a is used. Returns 0 or
 * TANDEM_ERR_PARSE. */
int merged_auxpow_parse(const uint8_t *raw, size_t n, struct merged_auxpow *a);

/* Namecoin CAuxPow::check for the aux block hash aux_hash and its
 * chain id: coinbase index 0; coinbase txid folded with the coinbase
 * branch gives the parent header's merkle root; chain branch at most 30;
 * the chain root (aux_hash folded with the chain branch at chain_index),
 * byte-reversed, is in the parent coinbase scriptSig, right after the one
 * and only fabe6d6d magic, or, without a magic, starting within its first
 * 20 bytes; the following size equals 2^branch length and the chain index
 * equals merged_chain_index(nonce, chain_id, branch length). With
 * strict_chain_id the parent's chain id (version >> 16) must differ from
 * chain_id. Does not check proof of work. Returns 0 or TANDEM_ERR_AUXPOW;
 * *why (if why is not NULL) gets a static English reason. */
int merged_auxpow_check(const struct merged_auxpow *a,
                        const uint8_t aux_hash[32], uint32_t chain_id,
                        int strict_chain_id, const char **why);

/* Full check of an aux block header and its AuxPoW bytes: parse, then
 * merged_auxpow_check with aux_hash = SHA256d(aux_header) and chain id =
 * aux version >> 16 (strict), then SHA256d(parent header) must meet the
 * target of the aux header's nbits. Returns 0, TANDEM_ERR_PARSE or
 * TANDEM_ERR_AUXPOW (with *why as above). */
int merged_auxpow_verify(const uint8_t aux_header[80], const uint8_t *raw,
                         size_t n, const char **why);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_MERGED_H */
