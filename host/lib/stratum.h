/* Stratum v1 codec: pool lines in, tagged structs out; requests in, lines
 * out. Pure: no sockets, no printing, no global state, so it runs on
 * captured pool lines without a network (the client in `tandem mine` owns
 * the socket, the pending-request table and the policy).
 *
 * Every entry point returns int: zero or a length on success, a negative
 * code from include/tandem_err.h on failure, with a one-line English detail
 * in the caller's err buffer (err may be NULL or errlen 0 to skip it):
 *
 *   TANDEM_ERR_INVAL       NULL argument, or a formatter argument that is
 *                          not valid (bad job id, oversized extranonce2,
 *                          a string that is not UTF-8...)
 *   TANDEM_ERR_RANGE       a line longer than STRATUM_MAX_LINE; a number or
 *                          length outside its legal range (difficulty <= 0,
 *                          port, wait, coinbase part above its cap, too many
 *                          branches); a formatter's output buffer too small
 *   TANDEM_ERR_PARSE       not JSON (or not UTF-8), not an object, a NUL
 *                          byte, a missing field, a wrong JSON type, bad or
 *                          wrong-length hex
 *   TANDEM_ERR_UNSUPPORTED a method this codec does not know; out->kind is
 *                          then STRATUM_UNKNOWN_METHOD with id and method
 *                          filled so the client can answer with an error
 *   TANDEM_ERR_NOMEM       allocation failed
 *
 * Byte orders: hex numbers (version, nbits, ntime, nonce, version masks)
 * are big-endian text of a uint32_t. prevhash is stored in header order
 * (bytes 4..35 of the 80-byte header): Stratum sends it with each 4-byte
 * word byte-swapped, the parser undoes that. Merkle branch entries and
 * coinbase parts are raw bytes, exactly the hex as sent. Targets of
 * mining.set_aux_targets are sent as big-endian 64-digit hex numbers and
 * stored little-endian, the convention of work.h.
 */
#ifndef TANDEM_STRATUM_H
#define TANDEM_STRATUM_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The notify limits are the job model's (job.h), so a mining.notify that
 * parses always fits a struct job_stratum: an oversized one is refused
 * here, once, with TANDEM_ERR_RANGE and a detail naming the field. (What
 * the device protocol can take is narrower and depends on the extranonce
 * sizes; the session checks that when it turns a job into work.) */
#define STRATUM_MAX_LINE       65536u         /* bytes, newline included */
#define STRATUM_MAX_JOB_ID     JOB_ID_MAX     /* characters of a job id */
#define STRATUM_MAX_MERKLE     JOB_MAX_BRANCH /* merkle branch entries */
#define STRATUM_MAX_COINB      JOB_COINB_MAX  /* bytes of coinb1, of coinb2 */
#define STRATUM_MAX_EXTRANONCE JOB_EN_MAX     /* bytes of extranonce1 / 2 */

#define STRATUM_MAX_METHOD   64u    /* characters of a method name */
#define STRATUM_MAX_TEXT     256u   /* bytes kept of a message or reason */
#define STRATUM_MAX_HOST     255u   /* characters of a reconnect host */
#define STRATUM_MAX_WAIT     86400u /* seconds a reconnect may ask to wait */
#define STRATUM_MAX_SESSION  64u    /* characters of a subscription id */
#define STRATUM_MAX_AUX      16u    /* entries of mining.set_aux_targets */
#define STRATUM_MAX_AUX_NAME 32u    /* characters of an aux chain name */

enum stratum_kind {
	STRATUM_NONE = 0,         /* zeroed, or a parse failed */
	STRATUM_RESPONSE,         /* answer to one of our requests */
	STRATUM_NOTIFY,           /* mining.notify */
	STRATUM_SET_DIFFICULTY,   /* mining.set_difficulty */
	STRATUM_SET_EXTRANONCE,   /* mining.set_extranonce */
	STRATUM_SET_VERSION_MASK, /* mining.set_version_mask */
	STRATUM_RECONNECT,        /* client.reconnect */
	STRATUM_SHOW_MESSAGE,     /* client.show_message */
	STRATUM_GET_VERSION,      /* client.get_version (answer it) */
	STRATUM_PING,             /* mining.ping (answer with pong) */
	STRATUM_SET_AUX_TARGETS,  /* mining.set_aux_targets (Tandem) */
	STRATUM_UNKNOWN_METHOD,   /* returned with TANDEM_ERR_UNSUPPORTED */
};

enum stratum_result {
	STRATUM_RESULT_NULL = 0, /* null or absent */
	STRATUM_RESULT_FALSE,
	STRATUM_RESULT_TRUE,
	STRATUM_RESULT_OTHER, /* array, object, string or number: decode it
	                       * with stratum_result_subscribe/_configure */
};

struct stratum_response {
	enum stratum_result result;
	int is_error;   /* error member present and not null */
	long long code; /* the pool's reject code (0 when it gave none) */
	char reason[STRATUM_MAX_TEXT + 1]; /* the pool's reason, control
	                                    * characters replaced by '?' */
	void *result_json; /* private: the result kept for the decoders,
	                    * released by stratum_msg_free */
};

struct stratum_notify {
	char job_id[STRATUM_MAX_JOB_ID + 1];
	uint8_t prevhash[32]; /* header order (header bytes 4..35) */
	uint8_t *coinb1;      /* malloc'd, owned by the message */
	size_t coinb1_len;
	uint8_t *coinb2; /* malloc'd, owned by the message */
	size_t coinb2_len;
	uint8_t merkle_branch[STRATUM_MAX_MERKLE][32]; /* as sent */
	size_t merkle_count;
	uint32_t version;
	uint32_t nbits;
	uint32_t ntime;
	int clean_jobs;
};

struct stratum_extranonce {
	uint8_t extranonce1[STRATUM_MAX_EXTRANONCE];
	size_t extranonce1_len;
	unsigned extranonce2_size; /* bytes, 0..STRATUM_MAX_EXTRANONCE */
};

struct stratum_reconnect {
	char host[STRATUM_MAX_HOST + 1]; /* "" = the current host */
	unsigned port;                   /* 0 = the current port */
	unsigned wait;                   /* seconds before reconnecting */
};

/* Tandem's opt-in extension mining.set_aux_targets, params
 * [job_id or null, [[name, target_hex64], ...]]: per merged-mined chain,
 * the target a share must meet to be sent for that chain. null applies to
 * every job until the next one; an empty list clears the aux targets.
 * The lead documents it in docs/stratum-extensions.md. */
struct stratum_aux_target {
	char name[STRATUM_MAX_AUX_NAME + 1];
	uint8_t target[32]; /* little-endian 256-bit number (work.h) */
};

struct stratum_aux_targets {
	int has_job_id;
	char job_id[STRATUM_MAX_JOB_ID + 1];
	size_t count;
	struct stratum_aux_target entry[STRATUM_MAX_AUX];
};

struct stratum_msg {
	enum stratum_kind kind;
	int has_id;   /* 0 when the id was null or absent */
	long long id; /* the JSON-RPC id (echo it in answers) */
	char method[STRATUM_MAX_METHOD + 1]; /* "" for responses */
	union {
		struct stratum_response response;     /* STRATUM_RESPONSE */
		struct stratum_notify notify;         /* STRATUM_NOTIFY */
		double difficulty;                    /* SET_DIFFICULTY, > 0 */
		struct stratum_extranonce extranonce; /* SET_EXTRANONCE */
		uint32_t version_mask;                /* SET_VERSION_MASK */
		struct stratum_reconnect reconnect;   /* RECONNECT */
		char message[STRATUM_MAX_TEXT + 1];   /* SHOW_MESSAGE */
		struct stratum_aux_targets aux;       /* SET_AUX_TARGETS */
	} u;
};

/* Parse one line (a trailing "\n" or "\r\n" is allowed) into *out. out is
 * overwritten without being freed first; after any return, success or
 * not, stratum_msg_free(out) is safe and releases what the parse kept. */
int stratum_parse_line(const char *line, size_t len, struct stratum_msg *out,
                       char *err, size_t errlen);
/* Release what a parsed message owns and zero it. NULL is fine. */
void stratum_msg_free(struct stratum_msg *m);
/* Lower-case name of a kind ("notify"); never NULL. */
const char *stratum_kind_name(enum stratum_kind kind);

/* Result of mining.subscribe: [[subscriptions], extranonce1, en2_size]. */
struct stratum_subscribe_result {
	char session[STRATUM_MAX_SESSION + 1]; /* the mining.notify (else
	                                        * first) subscription id,
	                                        * "" when none: offer it
	                                        * on the next subscribe */
	uint8_t extranonce1[STRATUM_MAX_EXTRANONCE];
	size_t extranonce1_len;
	unsigned extranonce2_size;
};

/* Name of Tandem's opt-in extension (docs/stratum-extensions.md): offered
 * in mining.configure, it lets the pool send mining.set_aux_targets. It
 * has no parameters. */
#define STRATUM_EXT_AUX_TARGETS "tandem-aux-targets"

/* Result of mining.configure (BIP310); absent or refused extensions are
 * 0, a refusal reason string counts as refused. For the BIP310
 * extensions any other answer than true, false, null or a string is a
 * TANDEM_ERR_PARSE; for aux_targets only true turns it on and any other
 * answer turns it off without an error, as its document says. */
struct stratum_configure_result {
	int version_rolling;
	uint32_t version_mask; /* valid when version_rolling */
	int minimum_difficulty;
	int subscribe_extranonce;
	int aux_targets; /* "tandem-aux-targets": true */
};

/* Decode the result of a response the client matched (by id) to its
 * mining.subscribe / mining.configure. TANDEM_ERR_INVAL when m is not a
 * successful response. */
int stratum_result_subscribe(const struct stratum_msg *m,
                             struct stratum_subscribe_result *r, char *err,
                             size_t errlen);
int stratum_result_configure(const struct stratum_msg *m,
                             struct stratum_configure_result *r, char *err,
                             size_t errlen);

/* Formatters: one compact JSON line ending in "\n" (and NUL-terminated)
 * into buf. They return the line length including the "\n" (not the NUL),
 * or a negative code; TANDEM_ERR_RANGE when cap is too small. */

/* mining.subscribe [agent] or [agent, session] to resume a session (the
 * previous subscription id or extranonce1 hex; NULL or "" for none). */
int stratum_format_subscribe(char *buf, size_t cap, uint32_t id,
                             const char *agent, const char *session);

struct stratum_configure_req {
	int version_rolling;            /* ask for BIP320 version rolling */
	uint32_t version_mask;          /* bits we would like to roll */
	unsigned version_min_bit_count; /* fewest bits we can work with */
	int minimum_difficulty;         /* ask for a difficulty floor */
	double minimum_difficulty_value;
	int subscribe_extranonce; /* accept set_extranonce */
	int aux_targets;          /* offer STRATUM_EXT_AUX_TARGETS */
};
/* mining.configure [[extensions], {extension parameters}]; at least one
 * extension must be asked for. Names go out in the order of the fields
 * above (the aux extension last); only the BIP310 extensions add
 * parameters. */
int stratum_format_configure(char *buf, size_t cap, uint32_t id,
                             const struct stratum_configure_req *req);
/* mining.authorize [user, password]; password NULL sends "". */
int stratum_format_authorize(char *buf, size_t cap, uint32_t id,
                             const char *user, const char *password);

struct stratum_submit {
	const char *user;
	const char *job_id;
	const uint8_t *extranonce2;
	size_t extranonce2_len; /* 0..STRATUM_MAX_EXTRANONCE */
	uint32_t ntime;
	uint32_t nonce;
	int has_version_bits;  /* append the fifth parameter (BIP310) */
	uint32_t version_bits; /* rolled version & mask */
};
/* mining.submit [user, job_id, en2 hex, ntime, nonce(, version_bits)]. */
int stratum_format_submit(char *buf, size_t cap, uint32_t id,
                          const struct stratum_submit *s);
/* mining.suggest_difficulty [diff]; diff > 0 and finite. */
int stratum_format_suggest_difficulty(char *buf, size_t cap, uint32_t id,
                                      double diff);
/* mining.extranonce.subscribe []. */
int stratum_format_extranonce_subscribe(char *buf, size_t cap, uint32_t id);

/* Answers to the pool's own requests, echoing its id. */
/* mining.ping -> {"id":id,"result":"pong","error":null} */
int stratum_format_pong(char *buf, size_t cap, long long id);
/* client.get_version -> {"id":id,"result":version,"error":null} */
int stratum_format_version(char *buf, size_t cap, long long id,
                           const char *version);
/* Any request we refuse -> {"id":id,"result":null,"error":[code,reason,
 * null]}, e.g. an unknown method. */
int stratum_format_error(char *buf, size_t cap, long long id, int code,
                         const char *reason);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_STRATUM_H */
