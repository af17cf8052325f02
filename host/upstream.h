/* The pool side of `tandem mine`: a failover list of Stratum pools on
 * the host's event loop. For each pool a connection (pool.h) and a
 * session (session.h); the failover policy (pools.h) decides which pools
 * are connected and whose work goes to the devices. The caller (the
 * device glue of `tandem mine`, or the test driver) sees one stream of
 * work and hands back found shares. */
#ifndef TANDEM_UPSTREAM_H
#define TANDEM_UPSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "loop.h"
#include "pool.h"
#include "pools.h"
#include "session.h"

struct upstream_pool_cfg {
	const char *url;
	const char *user;
	const char *pass;
};

struct upstream_cfg {
	struct upstream_pool_cfg pool[POOLS_MAX];
	size_t npools;
	struct session_cfg session; /* user and pass come from each pool */
	struct pools_cfg policy;
	struct pool_tls_opts tls;
	unsigned connect_timeout_ms; /* TCP + TLS handshake (10 s) */
};

/* Work for the devices, from the active pool only. job->seq is unique
 * across pools: hand it back unchanged in upstream_share. */
struct upstream_sink {
	void (*job)(void *user, const struct session_job *j, unsigned flags);
	/* No pool, or no valid work: stop hashing. */
	void (*stop)(void *user);
};

struct upstream;

/* Defaults for everything but the pools. */
void upstream_cfg_default(struct upstream_cfg *c);

/* Parses the URLs and starts connecting. Returns 0 or a negative code
 * with a reason in err. */
int upstream_new(struct loop *l, const struct upstream_cfg *cfg,
                 const struct upstream_sink *sink, void *user,
                 struct upstream **out, char *err, size_t errlen);
/* Every pending share becomes dropped ("exit"), connections close. */
void upstream_free(struct upstream *u);

/* A share of a job from upstream's sink; result as session_share. */
int upstream_share(struct upstream *u, const struct session_share_in *sh);

/* Totals over all pools (reason tables merged). */
void upstream_stats(const struct upstream *u, struct session_stats *st);
int upstream_active(const struct upstream *u);
/* 1 when a pool feeds work now. */
int upstream_has_work(const struct upstream *u);

/* "A:3 R:0 S:1 D:0 P:0 | blocks parent:0 | pool 0 diff 0.001" */
int upstream_status(const struct upstream *u, char *buf, size_t cap);
/* Multi-line summary with every reason; the invariant found = accepted +
 * rejected + stale + dropped + pending is stated in it. */
int upstream_summary(const struct upstream *u, char *buf, size_t cap);

/* cgminer API pieces: appends one object per pool to arr (POOLS) and
 * sets the share fields of a SUMMARY object. Returns 0 or
 * TANDEM_ERR_NOMEM. */
int upstream_api_pools(const struct upstream *u, json_t *arr);
int upstream_api_summary(const struct upstream *u, json_t *obj);

#endif /* TANDEM_UPSTREAM_H */
