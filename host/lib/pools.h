/* Pool failover list: which pools to connect, which one feeds the
 * devices, when to retry. Pure: no sockets and no clock of its own (times
 * are milliseconds from any monotonic clock), a seeded generator for the
 * backoff jitter, so tests drive it with a fake clock.
 *
 * Policy:
 *   - pools are in priority order; the lowest-numbered pool that works is
 *     preferred, the others are connected only while every better one is
 *     failing;
 *   - a pool that fails (connect error, disconnect, refused login, no work
 *     for nowork_ms) is retried after an exponential backoff with jitter;
 *     the backoff restarts only after the pool stayed up for stable_ms;
 *   - the active pool (the one whose work the devices hash) keeps its role
 *     for grace_ms after it drops, so a quick reconnect does not fail
 *     over; then the next working pool takes over, or there is no pool
 *     (pools_active() < 0: devices must stop);
 *   - a better pool that comes back takes over (failback) once it has
 *     been working for failback_ms; meanwhile it is a probe whose work is
 *     not used. */
#ifndef TANDEM_POOLS_H
#define TANDEM_POOLS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POOLS_MAX 16u

enum pools_state {
	POOLS_IDLE = 0,   /* not connected, not wanted */
	POOLS_WAIT,       /* down, retry at retry_at */
	POOLS_CONNECTING, /* connect issued, no work yet */
	POOLS_WORKING,    /* work arrived recently */
};

enum pools_reason {
	POOLS_DOWN_CONNECT = 0, /* could not connect (refused, TLS, DNS) */
	POOLS_DOWN_LOST,        /* connection closed or broken */
	POOLS_DOWN_NOWORK,      /* no work for nowork_ms */
	POOLS_DOWN_REFUSED,     /* subscribe or authorize refused */
	POOLS_DOWN_RECONNECT,   /* client.reconnect: planned, not a failure */
	POOLS_DOWN_UNNEEDED,    /* a better pool works (not a failure) */
	POOLS_REASONS
};

struct pools_cfg {
	unsigned failback_ms;    /* a better pool must work this long (60 s) */
	unsigned nowork_ms;      /* no work this long = down (120 s) */
	unsigned stable_ms;      /* up this long resets the backoff (60 s) */
	unsigned grace_ms;       /* active pool kept while down (5 s) */
	unsigned backoff_min_ms; /* first retry delay (1 s) */
	unsigned backoff_max_ms; /* retry delay cap (60 s) */
	uint64_t seed;           /* jitter generator seed */
};

struct pools_pool {
	enum pools_state state;
	int failed;        /* failed since it last worked */
	uint64_t since;    /* state entered */
	uint64_t retry_at; /* POOLS_WAIT: when to connect again */
	uint64_t working_since;
	uint64_t last_work;
	uint64_t down_since; /* when it stopped working */
	unsigned backoff_ms; /* next backoff ceiling */
	uint64_t connects;
	uint64_t downs[POOLS_REASONS];
	int last_reason; /* -1 none */
};

enum pools_act {
	POOLS_CONNECT = 1, /* open pool i (new connection + handshake) */
	POOLS_DISCONNECT,  /* close pool i; already accounted, do not call
	                    * pools_down for it */
};

struct pools_action {
	enum pools_act act;
	size_t pool;
	int reason; /* enum pools_reason for POOLS_DISCONNECT */
};

struct pools {
	size_t n;
	struct pools_cfg cfg;
	struct pools_pool p[POOLS_MAX];
	int active; /* -1: no pool */
	uint64_t rng;
	uint64_t switches; /* changes of the active pool */
};

void pools_cfg_default(struct pools_cfg *c);
/* n pools (1..POOLS_MAX). Returns 0 or TANDEM_ERR_INVAL. */
int pools_init(struct pools *p, size_t n, const struct pools_cfg *cfg,
               uint64_t now);

/* Events the caller sees. */
/* A job arrived on pool i: it works. */
void pools_work(struct pools *p, size_t i, uint64_t now);
/* Pool i went down (reason enum pools_reason); wait_ms only for
 * POOLS_DOWN_RECONNECT (the pool's requested wait). */
void pools_down(struct pools *p, size_t i, int reason, unsigned wait_ms,
                uint64_t now);

/* Decisions: fills up to max actions and returns how many. Call it after
 * every event and at least every pools_next_ms(). */
size_t pools_tick(struct pools *p, uint64_t now, struct pools_action *acts,
                  size_t max);
/* Milliseconds until pools_tick has something to do (capped at 1000). */
unsigned pools_next_ms(const struct pools *p, uint64_t now);

/* The pool whose work the devices hash, -1 for none. */
int pools_active(const struct pools *p);
const char *pools_state_name(int state);
const char *pools_reason_name(int reason);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_POOLS_H */
