/* Stratum session: the client state machine over one pool connection.
 * Pure: it consumes the pool's lines and produces the lines to send (no
 * sockets, no clock of its own, no printing), so every conversation can be
 * replayed in a unit test. Times are milliseconds from any monotonic clock,
 * passed in by the caller.
 *
 * What it does (stratum.h parses and formats the lines):
 *   - handshake on every connection: mining.configure (version rolling,
 *     minimum difficulty, subscribe-extranonce, Tandem's aux targets),
 *     mining.subscribe (offering the previous session to resume),
 *     mining.authorize, mining.suggest_difficulty, extranonce.subscribe;
 *     answers in any order, notifications before answers are kept;
 *   - every server message: notify, set_difficulty (with a history, so a
 *     share is judged against the difficulty in force when it was found),
 *     set_extranonce, set_version_mask, set_aux_targets, reconnect,
 *     show_message, get_version, ping, unknown methods (answered with an
 *     error), garbage (counted and survived);
 *   - shares: re-hashed with the reference model, classified against the
 *     share, parent and aux targets, deduplicated, checked for staleness,
 *     submitted or queued (bounded) while the pool is away, every outcome
 *     counted so that found = accepted + rejected + stale + dropped +
 *     pending at any time.
 * Work and events go out through a struct session_sink (the "work sink"
 * that `tandem mine` glues to the devices). */
#ifndef TANDEM_SESSION_H
#define TANDEM_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "stratum.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SESSION_MAX_JOBS     16u   /* jobs kept for late shares */
#define SESSION_MAX_AUX      16u   /* aux chains per job */
#define SESSION_MAX_REASONS  16u   /* distinct reasons counted per table */
#define SESSION_MAX_REASON   63u   /* characters kept of a reason */
#define SESSION_MAX_QUEUE    1024u /* upper bound of queue_max */
#define SESSION_MAX_PENDING  512u  /* requests awaiting an answer */
#define SESSION_DEDUPE       4096u /* recent submits remembered */
#define SESSION_DIFF_HISTORY 16u   /* difficulty changes remembered */

/* One aux chain target (from --aux or mining.set_aux_targets). */
struct session_aux {
	char name[STRATUM_MAX_AUX_NAME + 1];
	uint8_t target[32]; /* little-endian 256-bit number (work.h) */
};

struct session_cfg {
	const char *user;           /* mining.authorize user (required) */
	const char *pass;           /* password; NULL sends "" */
	const char *agent;          /* mining.subscribe user agent */
	const char *version;        /* answer to client.get_version */
	int version_rolling;        /* ask for BIP310 version rolling */
	uint32_t version_mask;      /* bits we would roll (0x1fffe000) */
	unsigned version_min_bits;  /* fewest bits we can work with */
	double minimum_difficulty;  /* > 0: ask for a floor in configure */
	double suggest_difficulty;  /* > 0: send mining.suggest_difficulty */
	int extranonce_subscribe;   /* accept mining.set_extranonce */
	int aux_extension;          /* offer "tandem-aux-targets" */
	int allow_reconnect_host;   /* follow client.reconnect elsewhere */
	size_t queue_max;           /* shares held while away (<= MAX_QUEUE) */
	unsigned submit_timeout_ms; /* unanswered submit counted dropped */
	const struct session_aux *aux; /* static aux targets (--aux) */
	size_t aux_count;
};

/* Defaults: agent/version "tandem", rolling on with mask 0x1fffe000 and
 * 2 bits, extranonce subscribe and aux extension on, queue 64, submit
 * timeout 60 s. user/pass stay NULL. */
void session_cfg_default(struct session_cfg *c);

/* A job ready for the devices. Pointers stay valid until the next call
 * into the session. Every job issued fits the device protocol
 * (tandem_proto.h): job_proto_stratum(js, en1, en1_len, en2, en2_size,
 * version_mask, ...) succeeds for it. A notify that does not fit (merkle
 * branch above TANDEM_MAX_BRANCH, extranonce2 above TANDEM_MAX_EN2, a
 * coinbase remainder above TANDEM_MAX_REM_BLOCKS) is refused, counted in
 * jobs_refused and logged as an error with the reason; when it flushed
 * the old work (clean_jobs) the sink's stop is called. */
struct session_job {
	uint32_t seq; /* session-unique job number, for session_share */
	const struct job_stratum *js;
	const uint8_t *en1;
	size_t en1_len;
	unsigned en2_size;
	uint32_t version_mask; /* 0: no rolling */
	double difficulty;     /* pool difficulty in force */
	uint8_t share_target[32];
	uint8_t parent_target[32]; /* from nbits */
	const struct session_aux *aux;
	size_t aux_count;
};

#define SESSION_JOB_CLEAN  1u /* drop all older work first */
#define SESSION_JOB_UPDATE 2u /* same work, new targets (no new job) */

enum session_level {
	SESSION_LOG_ERROR = 0,
	SESSION_LOG_WARN = 1,
	SESSION_LOG_INFO = 2,
	SESSION_LOG_DEBUG = 3,
};

struct session_sink {
	/* New work (flags SESSION_JOB_*). With UPDATE only the targets and
	 * difficulty changed; the seq is the same as before. */
	void (*job)(void *user, const struct session_job *j, unsigned flags);
	/* No valid work left (stale after an extranonce change without a
	 * job to replace it): stop hashing. */
	void (*stop)(void *user);
	/* client.reconnect accepted: host "" means the current one. */
	void (*reconnect)(void *user, const char *host, unsigned port,
	                  unsigned wait_s);
	/* A line for the log (the caller adds the pool's name). */
	void (*log)(void *user, int level, const char *msg);
};

/* Counters with a reason each. */
struct session_reasons {
	size_t count;
	struct {
		char reason[SESSION_MAX_REASON + 1];
		uint64_t n;
	} r[SESSION_MAX_REASONS];
	uint64_t other; /* reasons beyond the table */
};

struct session_chain {
	char name[STRATUM_MAX_AUX_NAME + 1];
	uint64_t candidates;
};

struct session_stats {
	uint64_t found; /* shares that met the share target in force */
	uint64_t accepted;
	uint64_t rejected;
	uint64_t stale;        /* job no longer valid, never submitted */
	uint64_t dropped;      /* lost for a stated reason */
	uint64_t pending;      /* queued plus submitted without an answer */
	uint64_t queued;       /* of pending: not sent yet */
	uint64_t duplicates;   /* shares handed in twice (not found) */
	uint64_t below_target; /* hashed above the share target */
	uint64_t unknown_job;  /* seq not known (not found) */
	double accepted_diff;  /* sum of the difficulties accepted */
	double rejected_diff;
	struct session_reasons rejects, stales, drops;
	size_t chain_count; /* block candidates per chain, "parent" first */
	struct session_chain chain[SESSION_MAX_AUX + 1];
	uint64_t jobs;         /* mining.notify accepted */
	uint64_t cleans;       /* of them clean_jobs */
	uint64_t jobs_refused; /* notify the device protocol cannot take
	                        * (merkle branch, extranonce2 size, coinbase
	                        * remainder): logged with the reason */
	uint64_t lines_in;
	uint64_t lines_bad; /* unparseable or invalid lines */
	uint64_t unknown_methods;
	uint64_t connects;
	uint64_t resumed;  /* connects that kept extranonce1 */
	double difficulty; /* current */
	uint64_t last_share_ms;
	uint64_t last_work_ms;
};

/* Outcome of session_share. */
enum session_share_result {
	SESSION_SHARE_SENT = 0,  /* mining.submit written */
	SESSION_SHARE_QUEUED,    /* held until the pool is back */
	SESSION_SHARE_LOW,       /* above the share target: local only */
	SESSION_SHARE_STALE,     /* job flushed or replaced: counted */
	SESSION_SHARE_DUPLICATE, /* seen before: ignored */
	SESSION_SHARE_DROPPED,   /* counted with a reason */
	SESSION_SHARE_UNKNOWN,   /* seq unknown: ignored */
};

/* A share from a device (or the test driver). */
struct session_share_in {
	uint32_t seq; /* session_job.seq */
	const uint8_t *en2;
	size_t en2_len;
	uint32_t ntime;
	uint32_t nonce;
	uint32_t version;  /* the full (rolled) version */
	uint64_t found_ms; /* when it was found (0: now) */
};

struct session_ctx;

/* cfg is copied (strings and aux too). Returns 0 or a negative code. */
int session_new(const struct session_cfg *cfg, const struct session_sink *sink,
                void *user, struct session_ctx **out);
void session_free(struct session_ctx *s);

/* The connection is up: starts the handshake. */
int session_connected(struct session_ctx *s, uint64_t now_ms);
/* The connection is gone: submitted shares without an answer are counted
 * dropped ("no answer"); queued ones wait for the next connection. */
void session_disconnected(struct session_ctx *s, uint64_t now_ms);
/* The session is given up (failover elsewhere, exit): every pending share
 * becomes dropped with reason why, every job stale. */
void session_abandon(struct session_ctx *s, const char *why);

/* One line from the pool (with or without its newline). Returns 0; a bad
 * line is counted and logged, never fatal. */
int session_line(struct session_ctx *s, const char *line, size_t len,
                 uint64_t now_ms);
/* Timers: submit timeouts. Call at least once a second. */
void session_tick(struct session_ctx *s, uint64_t now_ms);

/* Bytes waiting to be sent (lines ending in "\n"); consume what was
 * written. */
size_t session_out(const struct session_ctx *s, const char **data);
void session_out_consume(struct session_ctx *s, size_t n);

/* Hands a found share over. Returns an enum session_share_result, or
 * TANDEM_ERR_INVAL. */
int session_share(struct session_ctx *s, const struct session_share_in *sh,
                  uint64_t now_ms);

/* 1 after a successful subscribe and authorize on this connection. */
int session_ready(const struct session_ctx *s);
/* Non-zero when the pool must be dropped (authorization refused, subscribe
 * failed): a negative code, with the reason in session_fail_reason. */
int session_failed(const struct session_ctx *s);
const char *session_fail_reason(const struct session_ctx *s);
/* The current job, or NULL when there is none (not subscribed yet or
 * flushed). */
const struct session_job *session_current(struct session_ctx *s);
void session_get_stats(const struct session_ctx *s, struct session_stats *st);
/* Version mask agreed (0: no rolling). */
uint32_t session_version_mask(const struct session_ctx *s);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_SESSION_H */
