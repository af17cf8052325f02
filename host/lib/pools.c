/* Pool failover policy (see pools.h). */
#include "pools.h"

#include <string.h>

#include "tandem_err.h"

void pools_cfg_default(struct pools_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->failback_ms = 60000;
	c->nowork_ms = 120000;
	c->stable_ms = 60000;
	c->grace_ms = 5000;
	c->backoff_min_ms = 1000;
	c->backoff_max_ms = 60000;
	c->seed = 0x7a6e64656dULL;
}

int pools_init(struct pools *p, size_t n, const struct pools_cfg *cfg,
               uint64_t now)
{
	size_t i;

	if (!p || !cfg || n == 0 || n > POOLS_MAX || cfg->backoff_min_ms == 0 ||
	    cfg->backoff_max_ms < cfg->backoff_min_ms || cfg->nowork_ms == 0)
		return TANDEM_ERR_INVAL;
	memset(p, 0, sizeof(*p));
	p->n = n;
	p->cfg = *cfg;
	p->active = -1;
	p->rng = cfg->seed ? cfg->seed : 1;
	for (i = 0; i < n; i++) {
		p->p[i].state = POOLS_IDLE;
		p->p[i].since = now;
		p->p[i].backoff_ms = cfg->backoff_min_ms;
		p->p[i].last_reason = -1;
		p->p[i].down_since = UINT64_MAX;
	}
	return 0;
}

/* xorshift64*: jitter only, not security. */
static uint64_t rnd(struct pools *p)
{
	uint64_t x = p->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	p->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

void pools_work(struct pools *p, size_t i, uint64_t now)
{
	struct pools_pool *q;

	if (!p || i >= p->n)
		return;
	q = &p->p[i];
	if (q->state != POOLS_WORKING) {
		if (q->state != POOLS_CONNECTING)
			return; /* late work from a connection we dropped */
		q->state = POOLS_WORKING;
		q->since = now;
		q->working_since = now;
	}
	q->failed = 0;
	q->down_since = UINT64_MAX;
	q->last_work = now;
}

void pools_down(struct pools *p, size_t i, int reason, unsigned wait_ms,
                uint64_t now)
{
	struct pools_pool *q;
	unsigned delay, half;

	if (!p || i >= p->n || reason < 0 || reason >= POOLS_REASONS)
		return;
	q = &p->p[i];
	if (q->state == POOLS_IDLE || q->state == POOLS_WAIT)
		return;
	if (q->state == POOLS_WORKING &&
	    now - q->working_since >= p->cfg.stable_ms)
		q->backoff_ms = p->cfg.backoff_min_ms;
	if (q->down_since == UINT64_MAX)
		q->down_since = now;
	q->downs[reason]++;
	q->last_reason = reason;
	q->since = now;
	if (reason == POOLS_DOWN_UNNEEDED) {
		q->state = POOLS_IDLE;
		return;
	}
	q->state = POOLS_WAIT;
	if (reason == POOLS_DOWN_RECONNECT) {
		q->retry_at = now + wait_ms;
		return;
	}
	q->failed = 1;
	/* "equal jitter": half the ceiling fixed, half random */
	half = q->backoff_ms / 2;
	delay = half +
	        (unsigned)(rnd(p) % ((uint64_t)q->backoff_ms - half + 1));
	q->retry_at = now + delay;
	q->backoff_ms = q->backoff_ms >= p->cfg.backoff_max_ms / 2
	                        ? p->cfg.backoff_max_ms
	                        : q->backoff_ms * 2;
}

static int lowest_working(const struct pools *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->p[i].state == POOLS_WORKING)
			return (int)i;
	return -1;
}

static void choose_active(struct pools *p, uint64_t now)
{
	int a = p->active, w = lowest_working(p), next = a;
	size_t i;

	if (a >= 0 && p->p[a].state == POOLS_WORKING) {
		/* failback to a better pool that has proved itself */
		for (i = 0; i < (size_t)a; i++) {
			if (p->p[i].state == POOLS_WORKING &&
			    now - p->p[i].working_since >= p->cfg.failback_ms) {
				next = (int)i;
				break;
			}
		}
	} else if (a >= 0) {
		/* the active pool is down: grace, then fail over */
		if (p->p[a].state == POOLS_IDLE ||
		    now - p->p[a].down_since >= p->cfg.grace_ms)
			next = w;
	} else {
		next = w;
	}
	if (next != a) {
		p->active = next;
		p->switches++;
	}
}

size_t pools_tick(struct pools *p, uint64_t now, struct pools_action *acts,
                  size_t max)
{
	size_t i, n = 0, k;
	int need;

	if (!p)
		return 0;
	/* no work for too long counts as down */
	for (i = 0; i < p->n; i++) {
		struct pools_pool *q = &p->p[i];
		uint64_t last =
		        q->state == POOLS_WORKING ? q->last_work : q->since;

		if ((q->state == POOLS_CONNECTING ||
		     q->state == POOLS_WORKING) &&
		    now - last >= p->cfg.nowork_ms && n < max) {
			pools_down(p, i, POOLS_DOWN_NOWORK, 0, now);
			acts[n].act = POOLS_DISCONNECT;
			acts[n].pool = i;
			acts[n].reason = POOLS_DOWN_NOWORK;
			n++;
		}
	}
	choose_active(p, now);
	/* pools 0..k are wanted: k is the first pool that works or has not
	 * failed (every pool when all failed); the active one too */
	k = p->n - 1;
	for (i = 0; i < p->n; i++) {
		if (p->p[i].state == POOLS_WORKING || !p->p[i].failed) {
			k = i;
			break;
		}
	}
	need = (int)k;
	if (p->active > need)
		need = p->active;
	for (i = 0; i < p->n; i++) {
		struct pools_pool *q = &p->p[i];

		if ((int)i > need) {
			if ((q->state == POOLS_CONNECTING ||
			     q->state == POOLS_WORKING) &&
			    n < max) {
				pools_down(p, i, POOLS_DOWN_UNNEEDED, 0, now);
				acts[n].act = POOLS_DISCONNECT;
				acts[n].pool = i;
				acts[n].reason = POOLS_DOWN_UNNEEDED;
				n++;
			} else if (q->state == POOLS_WAIT) {
				q->state = POOLS_IDLE;
				q->since = now;
			}
			continue;
		}
		if (q->state == POOLS_IDLE ||
		    (q->state == POOLS_WAIT && now >= q->retry_at)) {
			if (n >= max)
				break;
			q->state = POOLS_CONNECTING;
			q->since = now;
			q->connects++;
			acts[n].act = POOLS_CONNECT;
			acts[n].pool = i;
			acts[n].reason = -1;
			n++;
		}
	}
	return n;
}

unsigned pools_next_ms(const struct pools *p, uint64_t now)
{
	uint64_t best = 1000;
	size_t i;

	for (i = 0; p && i < p->n; i++) {
		const struct pools_pool *q = &p->p[i];

		if (q->state == POOLS_WAIT) {
			uint64_t d = q->retry_at > now ? q->retry_at - now : 0;

			if (d < best)
				best = d;
		}
	}
	return (unsigned)best;
}

int pools_active(const struct pools *p)
{
	return p ? p->active : -1;
}

const char *pools_state_name(int state)
{
	switch (state) {
	case POOLS_IDLE:
		return "idle";
	case POOLS_WAIT:
		return "waiting";
	case POOLS_CONNECTING:
		return "connecting";
	case POOLS_WORKING:
		return "alive";
	}
	return "?";
}

const char *pools_reason_name(int reason)
{
	switch (reason) {
	case POOLS_DOWN_CONNECT:
		return "connect failed";
	case POOLS_DOWN_LOST:
		return "connection lost";
	case POOLS_DOWN_NOWORK:
		return "no work";
	case POOLS_DOWN_REFUSED:
		return "refused";
	case POOLS_DOWN_RECONNECT:
		return "reconnect requested";
	case POOLS_DOWN_UNNEEDED:
		return "not needed";
	}
	return "none";
}
