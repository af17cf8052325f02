/* Pools, sessions and connections glued on the event loop (see
 * upstream.h). */
#include "upstream.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "tandem_err.h"

#define SEQ_SHIFT 27u /* job seq = pool index << 27 | session seq */
#define SEQ_MASK  ((1u << SEQ_SHIFT) - 1u)
#define TICK_MS   200u

struct up_pool {
	struct upstream *u;
	size_t idx;
	struct pool_url url;  /* as configured */
	struct pool_url next; /* where the next connect goes */
	char urlstr[POOL_URL_MAX_HOST + 32];
	char user[256];
	struct pool_conn *conn;
	struct session_ctx *sess;
	int up;
	int want_reconnect;
	unsigned reconnect_wait;
	uint64_t last_share_time; /* wall clock, seconds */
};

struct upstream {
	struct loop *loop;
	struct upstream_cfg cfg;
	struct upstream_sink sink;
	void *user;
	struct pools policy;
	struct up_pool pool[POOLS_MAX];
	size_t n;
	int active;
	int timer;
	int in_policy;
	uint64_t started;
};

static void run_policy(struct upstream *u);

static void flush(struct up_pool *p)
{
	const char *data;
	size_t n = session_out(p->sess, &data);

	if (!n)
		return;
	if (!p->up) {
		session_out_consume(p->sess, n);
		return;
	}
	if (pool_conn_send(p->conn, data, n) < 0)
		log_warn("pool", "#%zu: send buffer full, lines lost", p->idx);
	session_out_consume(p->sess, n);
}

/* ---- session sink ----------------------------------------------------------
 */

static void forward_job(struct upstream *u, size_t idx,
                        const struct session_job *j, unsigned flags)
{
	struct session_job copy = *j;

	copy.seq = ((uint32_t)idx << SEQ_SHIFT) | (j->seq & SEQ_MASK);
	if (u->sink.job)
		u->sink.job(u->user, &copy, flags);
}

static void s_job(void *user, const struct session_job *j, unsigned flags)
{
	struct up_pool *p = user;
	struct upstream *u = p->u;

	if (!(flags & SESSION_JOB_UPDATE))
		pools_work(&u->policy, p->idx, loop_now_ms());
	if (u->active == (int)p->idx)
		forward_job(u, p->idx, j, flags);
	else if (u->active < 0 && !u->in_policy)
		run_policy(u); /* first work may make it active */
}

static void s_stop(void *user)
{
	struct up_pool *p = user;

	if (p->u->active == (int)p->idx && p->u->sink.stop)
		p->u->sink.stop(p->u->user);
}

static void s_reconnect(void *user, const char *host, unsigned port,
                        unsigned wait_s)
{
	struct up_pool *p = user;

	if (host && host[0]) {
		snprintf(p->next.host, sizeof(p->next.host), "%s", host);
		p->next.ipv6 = strchr(host, ':') != NULL;
	}
	if (port)
		p->next.port = port;
	p->want_reconnect = 1;
	p->reconnect_wait = wait_s;
}

static void s_log(void *user, int level, const char *msg)
{
	struct up_pool *p = user;
	int l = level == SESSION_LOG_ERROR  ? LOG_ERROR
	        : level == SESSION_LOG_WARN ? LOG_WARN
	        : level == SESSION_LOG_INFO ? LOG_INFO
	                                    : LOG_DEBUG;

	log_msg(l, "pool", "#%zu %s: %s", p->idx, p->urlstr, msg);
}

static const struct session_sink up_session_sink = {
        .job = s_job,
        .stop = s_stop,
        .reconnect = s_reconnect,
        .log = s_log,
};

/* ---- connection events ------------------------------------------------------
 */

static void drop(struct up_pool *p, int reason, unsigned wait_ms)
{
	uint64_t now = loop_now_ms();

	pool_conn_close(p->conn);
	if (p->up)
		session_disconnected(p->sess, now);
	p->up = 0;
	pools_down(&p->u->policy, p->idx, reason, wait_ms, now);
}

static void c_connected(void *user)
{
	struct up_pool *p = user;

	p->up = 1;
	session_connected(p->sess, loop_now_ms());
	flush(p);
}

static void c_line(void *user, const char *line, size_t len)
{
	struct up_pool *p = user;

	log_debug("pool", "#%zu <- %.*s", p->idx, (int)(len > 400 ? 400 : len),
	          line);
	session_line(p->sess, line, len, loop_now_ms());
	flush(p);
	if (session_failed(p->sess)) {
		log_warn("pool", "#%zu %s: dropped: %s", p->idx, p->urlstr,
		         session_fail_reason(p->sess));
		drop(p, POOLS_DOWN_REFUSED, 0);
		run_policy(p->u);
	} else if (p->want_reconnect) {
		p->want_reconnect = 0;
		drop(p, POOLS_DOWN_RECONNECT, p->reconnect_wait * 1000u);
		run_policy(p->u);
	}
}

static void c_closed(void *user, int was_up, int err, const char *why)
{
	struct up_pool *p = user;
	uint64_t now = loop_now_ms();

	log_warn("pool", "#%zu %s: %s (%s)", p->idx, p->urlstr, why,
	         tandem_errname(err));
	if (p->up)
		session_disconnected(p->sess, now);
	p->up = 0;
	pools_down(&p->u->policy, p->idx,
	           was_up ? POOLS_DOWN_LOST : POOLS_DOWN_CONNECT, 0, now);
	run_policy(p->u);
}

static const struct pool_events up_conn_events = {
        .connected = c_connected,
        .line = c_line,
        .closed = c_closed,
};

/* ---- policy -----------------------------------------------------------------
 */

static void switch_active(struct upstream *u, int next)
{
	const struct session_job *j;
	int old = u->active;

	u->active = next;
	if (next < 0) {
		log_warn("pool", "no pool: devices stopped");
		if (u->sink.stop)
			u->sink.stop(u->user);
		return;
	}
	log_info("pool", "%s pool #%zu %s",
	         old < 0 ? "mining on" : "switching to", (size_t)next,
	         u->pool[next].urlstr);
	j = session_current(u->pool[next].sess);
	if (j)
		forward_job(u, (size_t)next, j, SESSION_JOB_CLEAN);
	else if (u->sink.stop)
		u->sink.stop(u->user);
}

static void run_policy(struct upstream *u)
{
	struct pools_action acts[2 * POOLS_MAX];
	uint64_t now = loop_now_ms();
	size_t i, n;
	int guard;

	if (u->in_policy)
		return;
	u->in_policy = 1;
	for (guard = 0; guard < 4; guard++) {
		int again = 0;

		n = pools_tick(&u->policy, now, acts, 2 * POOLS_MAX);
		for (i = 0; i < n; i++) {
			struct up_pool *p = &u->pool[acts[i].pool];
			char err[256];

			if (acts[i].act == POOLS_DISCONNECT) {
				log_info("pool", "#%zu %s: disconnect (%s)",
				         p->idx, p->urlstr,
				         pools_reason_name(acts[i].reason));
				pool_conn_close(p->conn);
				if (p->up)
					session_disconnected(p->sess, now);
				p->up = 0;
				if (acts[i].reason == POOLS_DOWN_UNNEEDED)
					session_abandon(p->sess,
					                "pool switched");
				continue;
			}
			log_info("pool", "#%zu: connecting to %s%s%s:%u%s",
			         p->idx, p->next.ipv6 ? "[" : "", p->next.host,
			         p->next.ipv6 ? "]" : "", p->next.port,
			         p->next.tls ? " (TLS)" : "");
			if (pool_conn_open(p->conn, &p->next, &u->cfg.tls,
			                   u->cfg.connect_timeout_ms, err,
			                   sizeof(err)) < 0) {
				log_warn("pool", "#%zu: %s", p->idx, err);
				pools_down(&u->policy, p->idx,
				           POOLS_DOWN_CONNECT, 0, now);
				again = 1;
			}
			/* a client.reconnect target is used once */
			p->next = p->url;
		}
		if (!again)
			break;
	}
	if (pools_active(&u->policy) != u->active)
		switch_active(u, pools_active(&u->policy));
	u->in_policy = 0;
}

static void on_tick(void *arg)
{
	struct upstream *u = arg;
	uint64_t now = loop_now_ms();
	size_t i;

	for (i = 0; i < u->n; i++) {
		session_tick(u->pool[i].sess, now);
		flush(&u->pool[i]);
	}
	run_policy(u);
	u->timer = loop_timer_add(u->loop, TICK_MS, on_tick, u);
}

/* ---- public -----------------------------------------------------------------
 */

void upstream_cfg_default(struct upstream_cfg *c)
{
	memset(c, 0, sizeof(*c));
	session_cfg_default(&c->session);
	pools_cfg_default(&c->policy);
	c->connect_timeout_ms = 10000;
}

int upstream_new(struct loop *l, const struct upstream_cfg *cfg,
                 const struct upstream_sink *sink, void *user,
                 struct upstream **out, char *err, size_t errlen)
{
	struct upstream *u;
	size_t i;
	int rc;

	if (!l || !cfg || !out || cfg->npools == 0 || cfg->npools > POOLS_MAX)
		return TANDEM_ERR_INVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return TANDEM_ERR_NOMEM;
	u->loop = l;
	u->cfg = *cfg;
	if (sink)
		u->sink = *sink;
	u->user = user;
	u->n = cfg->npools;
	u->active = -1;
	u->timer = -1;
	u->started = (uint64_t)time(NULL);
	for (i = 0; i < u->n; i++) {
		struct up_pool *p = &u->pool[i];
		struct session_cfg sc = cfg->session;

		p->u = u;
		p->idx = i;
		rc = pool_url_parse(cfg->pool[i].url, &p->url, err, errlen);
		if (rc < 0)
			goto fail;
		p->next = p->url;
		pool_url_format(&p->url, p->urlstr, sizeof(p->urlstr));
		snprintf(p->user, sizeof(p->user), "%s",
		         cfg->pool[i].user ? cfg->pool[i].user : "");
		sc.user = p->user;
		sc.pass = cfg->pool[i].pass ? cfg->pool[i].pass : "x";
		rc = session_new(&sc, &up_session_sink, p, &p->sess);
		if (rc < 0) {
			snprintf(err, errlen, "pool #%zu: bad session settings",
			         i);
			goto fail;
		}
		rc = pool_conn_new(l, &up_conn_events, p, &p->conn);
		if (rc < 0) {
			snprintf(err, errlen, "pool #%zu: %s", i,
			         tandem_strerror(rc));
			goto fail;
		}
	}
	rc = pools_init(&u->policy, u->n, &cfg->policy, loop_now_ms());
	if (rc < 0) {
		snprintf(err, errlen, "bad failover settings");
		goto fail;
	}
	run_policy(u);
	u->timer = loop_timer_add(l, TICK_MS, on_tick, u);
	*out = u;
	return 0;
fail:
	upstream_free(u);
	return rc;
}

void upstream_free(struct upstream *u)
{
	size_t i;

	if (!u)
		return;
	loop_timer_cancel_arg(u->loop, u);
	for (i = 0; i < POOLS_MAX; i++) {
		struct up_pool *p = &u->pool[i];

		if (p->sess)
			session_abandon(p->sess, "exit");
		pool_conn_free(p->conn);
		session_free(p->sess);
	}
	free(u);
}

int upstream_share(struct upstream *u, const struct session_share_in *sh)
{
	struct session_share_in in;
	struct up_pool *p;
	size_t idx;
	int rc;

	if (!u || !sh)
		return TANDEM_ERR_INVAL;
	idx = sh->seq >> SEQ_SHIFT;
	if (idx >= u->n)
		return TANDEM_ERR_INVAL;
	p = &u->pool[idx];
	in = *sh;
	in.seq = sh->seq & SEQ_MASK;
	rc = session_share(p->sess, &in, loop_now_ms());
	if (rc == SESSION_SHARE_SENT)
		p->last_share_time = (uint64_t)time(NULL);
	flush(p);
	return rc;
}

static void merge_reasons(struct session_reasons *a,
                          const struct session_reasons *b)
{
	size_t i, k;

	for (i = 0; i < b->count; i++) {
		for (k = 0; k < a->count; k++)
			if (strcmp(a->r[k].reason, b->r[i].reason) == 0)
				break;
		if (k < a->count) {
			a->r[k].n += b->r[i].n;
		} else if (a->count < SESSION_MAX_REASONS) {
			a->r[a->count] = b->r[i];
			a->count++;
		} else {
			a->other += b->r[i].n;
		}
	}
	a->other += b->other;
}

void upstream_stats(const struct upstream *u, struct session_stats *st)
{
	size_t i, c, k;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < u->n; i++) {
		struct session_stats s;

		session_get_stats(u->pool[i].sess, &s);
		st->found += s.found;
		st->accepted += s.accepted;
		st->rejected += s.rejected;
		st->stale += s.stale;
		st->dropped += s.dropped;
		st->pending += s.pending;
		st->queued += s.queued;
		st->duplicates += s.duplicates;
		st->below_target += s.below_target;
		st->unknown_job += s.unknown_job;
		st->accepted_diff += s.accepted_diff;
		st->rejected_diff += s.rejected_diff;
		st->jobs += s.jobs;
		st->cleans += s.cleans;
		st->jobs_refused += s.jobs_refused;
		st->lines_in += s.lines_in;
		st->lines_bad += s.lines_bad;
		st->unknown_methods += s.unknown_methods;
		st->connects += s.connects;
		st->resumed += s.resumed;
		merge_reasons(&st->rejects, &s.rejects);
		merge_reasons(&st->stales, &s.stales);
		merge_reasons(&st->drops, &s.drops);
		for (c = 0; c < s.chain_count; c++) {
			for (k = 0; k < st->chain_count; k++)
				if (strcmp(st->chain[k].name,
				           s.chain[c].name) == 0)
					break;
			if (k < st->chain_count)
				st->chain[k].candidates +=
				        s.chain[c].candidates;
			else if (st->chain_count < SESSION_MAX_AUX + 1)
				st->chain[st->chain_count++] = s.chain[c];
		}
		if ((int)i == u->active) {
			st->difficulty = s.difficulty;
			st->last_work_ms = s.last_work_ms;
		}
		if (s.last_share_ms > st->last_share_ms)
			st->last_share_ms = s.last_share_ms;
	}
}

int upstream_active(const struct upstream *u)
{
	return u ? u->active : -1;
}

int upstream_has_work(const struct upstream *u)
{
	return u && u->active >= 0 &&
	       session_current(u->pool[u->active].sess) != NULL;
}

/* snprintf into buf at *off, never past cap. */
static void put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t cap, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= cap)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, cap - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < cap - *off ? (size_t)n : cap - *off - 1;
}

int upstream_status(const struct upstream *u, char *buf, size_t cap)
{
	struct session_stats st;
	size_t off = 0, i;

	if (!u || !buf || !cap)
		return TANDEM_ERR_INVAL;
	upstream_stats(u, &st);
	buf[0] = 0;
	put(buf, cap, &off, "A:%llu R:%llu S:%llu D:%llu P:%llu",
	    (unsigned long long)st.accepted, (unsigned long long)st.rejected,
	    (unsigned long long)st.stale, (unsigned long long)st.dropped,
	    (unsigned long long)st.pending);
	put(buf, cap, &off, " | blocks");
	if (!st.chain_count)
		put(buf, cap, &off, " 0");
	for (i = 0; i < st.chain_count; i++)
		put(buf, cap, &off, " %s:%llu", st.chain[i].name,
		    (unsigned long long)st.chain[i].candidates);
	if (u->active >= 0)
		put(buf, cap, &off, " | pool #%d %s diff %g", u->active,
		    u->pool[u->active].urlstr, st.difficulty);
	else
		put(buf, cap, &off, " | no pool");
	return (int)off;
}

static void put_reasons(char *buf, size_t cap, size_t *off, const char *what,
                        const struct session_reasons *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		put(buf, cap, off, "  %s: %s: %llu\n", what, r->r[i].reason,
		    (unsigned long long)r->r[i].n);
	if (r->other)
		put(buf, cap, off, "  %s: other reasons: %llu\n", what,
		    (unsigned long long)r->other);
}

int upstream_summary(const struct upstream *u, char *buf, size_t cap)
{
	struct session_stats st;
	size_t off = 0, i;

	if (!u || !buf || !cap)
		return TANDEM_ERR_INVAL;
	upstream_stats(u, &st);
	buf[0] = 0;
	put(buf, cap, &off,
	    "shares: found %llu = accepted %llu + rejected %llu + stale %llu "
	    "+ dropped %llu + pending %llu\n",
	    (unsigned long long)st.found, (unsigned long long)st.accepted,
	    (unsigned long long)st.rejected, (unsigned long long)st.stale,
	    (unsigned long long)st.dropped, (unsigned long long)st.pending);
	put_reasons(buf, cap, &off, "rejected", &st.rejects);
	put_reasons(buf, cap, &off, "stale", &st.stales);
	put_reasons(buf, cap, &off, "dropped", &st.drops);
	put(buf, cap, &off,
	    "not shares: duplicates %llu, below target %llu, unknown job "
	    "%llu\n",
	    (unsigned long long)st.duplicates,
	    (unsigned long long)st.below_target,
	    (unsigned long long)st.unknown_job);
	for (i = 0; i < st.chain_count; i++)
		put(buf, cap, &off, "block candidates %s: %llu\n",
		    st.chain[i].name,
		    (unsigned long long)st.chain[i].candidates);
	put(buf, cap, &off,
	    "pool lines %llu, bad %llu, unknown methods %llu, jobs %llu "
	    "(clean %llu, refused %llu), connects %llu (resumed %llu)\n",
	    (unsigned long long)st.lines_in, (unsigned long long)st.lines_bad,
	    (unsigned long long)st.unknown_methods, (unsigned long long)st.jobs,
	    (unsigned long long)st.cleans, (unsigned long long)st.jobs_refused,
	    (unsigned long long)st.connects, (unsigned long long)st.resumed);
	return (int)off;
}

static const char *api_status(const struct upstream *u, size_t i)
{
	switch (u->policy.p[i].state) {
	case POOLS_WORKING:
		return "Alive";
	case POOLS_CONNECTING:
		return "Connecting";
	case POOLS_WAIT:
		return "Dead";
	case POOLS_IDLE:
		return u->policy.p[i].failed ? "Dead" : "Idle";
	}
	return "Unknown";
}

int upstream_api_pools(const struct upstream *u, json_t *arr)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		const struct up_pool *p = &u->pool[i];
		struct session_stats s;
		json_t *o;
		double tot;

		session_get_stats(p->sess, &s);
		tot = s.accepted_diff + s.rejected_diff;
		o = json_pack(
		        "{s:I,s:s,s:s,s:I,s:I,s:s,s:I,s:I,s:I,s:I,s:I,s:I,"
		        "s:s,s:I,s:f,s:f,s:f,s:b,s:b,s:s,s:f,s:b,s:b,s:f,"
		        "s:f,s:I}",
		        "POOL", (json_int_t)i, "URL", p->urlstr, "Status",
		        api_status(u, i), "Priority", (json_int_t)i, "Quota",
		        (json_int_t)1, "Long Poll", "N", "Getworks",
		        (json_int_t)s.jobs, "Accepted", (json_int_t)s.accepted,
		        "Rejected", (json_int_t)s.rejected, "Stale",
		        (json_int_t)s.stale, "Discarded", (json_int_t)s.dropped,
		        "Get Failures",
		        (json_int_t)(u->policy.p[i].downs[POOLS_DOWN_CONNECT] +
		                     u->policy.p[i].downs[POOLS_DOWN_LOST] +
		                     u->policy.p[i].downs[POOLS_DOWN_NOWORK]),
		        "User", p->user, "Last Share Time",
		        (json_int_t)p->last_share_time, "Difficulty Accepted",
		        s.accepted_diff, "Difficulty Rejected", s.rejected_diff,
		        "Stratum Difficulty", s.difficulty, "Has Stratum", 1,
		        "Stratum Active", p->up, "Stratum URL", p->url.host,
		        "Work Difficulty", s.difficulty, "Has Vmask",
		        session_version_mask(p->sess) != 0, "Has GBT", 0,
		        "Pool Rejected%",
		        tot > 0 ? 100.0 * s.rejected_diff / tot : 0.0,
		        "Pool Stale%", 0.0, "Bad Work",
		        (json_int_t)s.lines_bad);
		if (!o || json_array_append_new(arr, o))
			return TANDEM_ERR_NOMEM;
	}
	return 0;
}

int upstream_api_summary(const struct upstream *u, json_t *obj)
{
	struct session_stats st;
	uint64_t blocks = 0;
	size_t i;
	int bad = 0;

	upstream_stats(u, &st);
	for (i = 0; i < st.chain_count; i++)
		blocks += st.chain[i].candidates;
	bad |= json_object_set_new(obj, "Found Blocks",
	                           json_integer((json_int_t)blocks));
	bad |= json_object_set_new(obj, "Getworks",
	                           json_integer((json_int_t)st.jobs));
	bad |= json_object_set_new(obj, "Jobs Refused",
	                           json_integer((json_int_t)st.jobs_refused));
	bad |= json_object_set_new(obj, "Accepted",
	                           json_integer((json_int_t)st.accepted));
	bad |= json_object_set_new(obj, "Rejected",
	                           json_integer((json_int_t)st.rejected));
	bad |= json_object_set_new(obj, "Stale",
	                           json_integer((json_int_t)st.stale));
	bad |= json_object_set_new(obj, "Discarded",
	                           json_integer((json_int_t)st.dropped));
	bad |= json_object_set_new(obj, "Difficulty Accepted",
	                           json_real(st.accepted_diff));
	bad |= json_object_set_new(obj, "Difficulty Rejected",
	                           json_real(st.rejected_diff));
	bad |= json_object_set_new(
	        obj, "Pool Rejected%",
	        json_real(
	                st.accepted_diff + st.rejected_diff > 0
	                        ? 100.0 * st.rejected_diff /
	                                  (st.accepted_diff + st.rejected_diff)
	                        : 0.0));
	return bad ? TANDEM_ERR_NOMEM : 0;
}
