/* Device manager (see device.h): frames, sequence numbers, ACK tracking
 * with timeouts and retransmits, setup after (re)connect, STATUS polling,
 * share re-verification, hardware-error accounting, duplicates. */
#include "device.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "job.h"
#include "log.h"
#include "tandem_err.h"
#include "work.h"

#define DEV_RX_CAP         (4u * TANDEM_MAX_FRAME)
#define DEV_TX_CAP         (4u * TANDEM_MAX_FRAME)
#define DEV_QUEUE          32u /* requests waiting for their turn */
#define DEV_JOBS           8u  /* recent jobs kept for share verification */
#define DEV_HW_WINDOW      64u /* results per hardware-error rate window */
#define DEV_STATUS_SOON_MS 20u /* second look when a job seems done */
#define DEV_TSETS          16u /* target sets remembered for late shares */
/* SHARE frames after a TARGET_SET's ACK that may still have been found
 * under the set before it: the device keeps its share FIFO across a
 * TARGET_SET (17 entries in the RTL, plus a frame on the link) and sends
 * answers before shares. Generous, so a bigger FIFO is covered too. */
#define DEV_TSET_GRACE 64u

enum dev_state {
	DEV_DOWN,  /* no connection; a reconnect timer is armed */
	DEV_HELLO, /* connected, INFO_GET sent */
	DEV_UP,    /* INFO known, setup sent */
};

struct dev_req {
	uint8_t type;
	uint8_t seq;
	uint32_t tag; /* JOB: which job; TARGET_SET: which target set */
	size_t flen;
	uint8_t frame[TANDEM_MAX_FRAME];
};

struct dev_job {
	int used;
	uint32_t job_id;
	int acked;
	int done;
	uint64_t submit_us;  /* device_start_job() time, until its ACK */
	struct proto_job pj; /* as first sent (generation, job_id set) */
};

/* One target set as the host made it (device_set_targets), kept while a
 * share found under it can still arrive. */
struct dev_tset {
	uint32_t id;         /* 1, 2, ...; 0: unused entry */
	uint64_t since_ms;   /* made */
	uint64_t until_ms;   /* replaced by the next set; 0: current */
	int sent;            /* went out in a TARGET_SET at least once */
	int acked;           /* the device applied it (or a later set) */
	int refused;         /* NAKed: the device kept what it had */
	int closed;          /* no share of an older set can follow */
	uint64_t ack_shares; /* SHARE frames received when it was ACKed */
	uint8_t enabled[TANDEM_MAX_SLOTS];
	uint8_t target[TANDEM_MAX_SLOTS][32];
};

/* Fingerprints of shares already seen (open addressing, 0 = empty). */
struct dup_set {
	uint64_t *slot;
	size_t cap, used;
};

struct device {
	struct loop *loop;
	struct transport *t;
	char name[96];
	char spec[256];
	struct transport_opts topts;
	struct device_config cfg;
	const struct device_events *ev;
	void *user;
	enum dev_state state;
	int ever_up;
	int connected;

	/* requests: q[0] is in flight once sent */
	struct dev_req *q;
	unsigned qlen;
	int head_sent;
	unsigned tries;
	int req_timer;
	uint64_t req_sent_ms;
	uint8_t next_seq;

	uint8_t rx[DEV_RX_CAP];
	size_t rxlen;
	uint8_t tx[DEV_TX_CAP];
	size_t txlen;

	struct proto_info info;
	uint16_t generation;
	uint32_t next_job_id;
	struct proto_target targets[TANDEM_MAX_SLOTS];
	uint8_t target_set[TANDEM_MAX_SLOTS]; /* slot configured by host */
	struct dev_tset tsets[DEV_TSETS];     /* ring, tset_head the newest */
	unsigned tset_head;
	uint32_t tset_serial;  /* id of the newest set */
	uint64_t share_frames; /* SHARE frames received, ever */
	struct dev_job jobs[DEV_JOBS];
	int cur; /* index into jobs of the current job, -1 none */
	uint8_t resume_en2[8];
	int resume_valid;
	unsigned idle_polls;
	int status_after_ack; /* a STATUS_GET sent after the current JOB ACK */

	int status_timer;
	int reconnect_timer;
	unsigned reconnect_delay;
	uint64_t down_since_ms;

	struct dup_set dups;
	unsigned hw_window, hw_window_errors;
	double job_latency_ms;

	/* hash-rate bookkeeping */
	uint64_t first_ms;    /* first STATUS */
	uint64_t last_ms;     /* last STATUS */
	uint64_t last_hashes; /* device counter at last STATUS */
	uint64_t hash_base;   /* counts from before device resets */
	uint64_t first_total;
	uint64_t easy_shares; /* verified shares meeting the easiest target */
	uint64_t up_ms;
	struct device_stats st;
};

static void dev_disconnect(struct device *d, const char *why);
static void dev_kick(struct device *d);
static void dev_arm_status(struct device *d);
static void dev_status_soon(struct device *d);

/* ---- small helpers -------------------------------------------------- */

void device_config_default(struct device_config *c)
{
	c->status_ms = 100;
	c->timeout_ms = 1000;
	c->retries = 4;
	c->reconnect_ms = 100;
	c->reconnect_max_ms = 2000;
	c->give_up_s = 30;
	c->hw_reset_min = 8;
	c->hw_reset_rate = 0.2;
}

const char *device_name(const struct device *d)
{
	return d->name;
}

const struct proto_info *device_info(const struct device *d)
{
	return d->ever_up ? &d->info : NULL;
}

int device_is_ready(const struct device *d)
{
	return d->state == DEV_UP;
}

double device_job_latency_ms(const struct device *d)
{
	return d->job_latency_ms;
}

uint32_t device_targets_id(const struct device *d)
{
	return d->tset_serial;
}

static uint64_t fnv1a(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static uint64_t share_fingerprint(const struct proto_share *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint8_t k[4 * 4 + 8 + 1];

	memcpy(k, &s->job_id, 4);
	memcpy(k + 4, &s->nonce, 4);
	memcpy(k + 8, &s->version, 4);
	memcpy(k + 12, &s->ntime, 4);
	memcpy(k + 16, s->en2, 8);
	k[24] = s->en2_size;
	h = fnv1a(h, k, sizeof(k));
	return h ? h : 1;
}

/* Returns 1 if fp was there already, 0 if added, negative on error. */
static int dup_check_add(struct dup_set *ds, uint64_t fp)
{
	size_t i;

	if ((ds->used + 1) * 2 > ds->cap) {
		size_t ncap = ds->cap ? ds->cap * 2 : 1024;
		uint64_t *n = calloc(ncap, sizeof(*n));

		if (!n)
			return TANDEM_ERR_NOMEM;
		for (i = 0; i < ds->cap; i++) {
			size_t j;

			if (!ds->slot[i])
				continue;
			j = ds->slot[i] & (ncap - 1);
			while (n[j])
				j = (j + 1) & (ncap - 1);
			n[j] = ds->slot[i];
		}
		free(ds->slot);
		ds->slot = n;
		ds->cap = ncap;
	}
	i = fp & (ds->cap - 1);
	while (ds->slot[i]) {
		if (ds->slot[i] == fp)
			return 1;
		i = (i + 1) & (ds->cap - 1);
	}
	ds->slot[i] = fp;
	ds->used++;
	return 0;
}

/* (T + 1) / 2^256 for a little-endian 256-bit target. */
static double target_probability(const uint8_t t[32])
{
	double v = 0;
	int i;

	for (i = 31; i >= 0; i--)
		v = v * 256.0 + t[i];
	return (v + 1.0) / pow(2.0, 256);
}

/* Easiest enabled target slot, or -1. */
static int easiest_slot(const struct device *d)
{
	int best = -1;
	unsigned i;

	for (i = 0; i < TANDEM_MAX_SLOTS; i++) {
		if (!d->target_set[i] ||
		    !(d->targets[i].flags & PROTO_TARGET_ENABLE))
			continue;
		if (best < 0 || work_cmp256(d->targets[i].target,
		                            d->targets[best].target) > 0)
			best = (int)i;
	}
	return best;
}

static struct dev_job *find_job(struct device *d, uint32_t job_id)
{
	unsigned i;

	for (i = 0; i < DEV_JOBS; i++)
		if (d->jobs[i].used && d->jobs[i].job_id == job_id)
			return &d->jobs[i];
	return NULL;
}

/* ---- target history -------------------------------------------------
 * A share is judged against the target set in force when the device found
 * it, which need not be the host's newest: the device applies a
 * TARGET_SET some time after the host made it, and shares found before
 * that can still be in its FIFO or on the link. */

/* The k-th newest set (k = 0 the newest), or NULL. */
static struct dev_tset *tset_at(struct device *d, unsigned k)
{
	struct dev_tset *e;

	if (k >= DEV_TSETS)
		return NULL;
	e = &d->tsets[(d->tset_head + DEV_TSETS - k) % DEV_TSETS];
	return e->id ? e : NULL;
}

static struct dev_tset *tset_find(struct device *d, uint32_t id)
{
	unsigned k;

	for (k = 0; k < DEV_TSETS; k++) {
		struct dev_tset *e = tset_at(d, k);

		if (!e)
			break;
		if (e->id == id)
			return e;
	}
	return NULL;
}

/* Records the host's current targets as the newest set, unless they are
 * the newest set already. */
static void tset_update(struct device *d)
{
	struct dev_tset *cur = tset_at(d, 0), *e;
	uint8_t en[TANDEM_MAX_SLOTS];
	uint8_t tg[TANDEM_MAX_SLOTS][32];
	uint64_t now = loop_now_ms();
	unsigned i;

	memset(tg, 0, sizeof(tg));
	for (i = 0; i < TANDEM_MAX_SLOTS; i++) {
		en[i] = d->target_set[i] &&
		        (d->targets[i].flags & PROTO_TARGET_ENABLE);
		if (en[i])
			memcpy(tg[i], d->targets[i].target, 32);
	}
	if (cur && !memcmp(cur->enabled, en, sizeof(en)) &&
	    !memcmp(cur->target, tg, sizeof(tg)))
		return;
	if (cur) {
		cur->until_ms = now;
		d->tset_head = (d->tset_head + 1) % DEV_TSETS;
	}
	e = &d->tsets[d->tset_head];
	memset(e, 0, sizeof(*e));
	e->id = ++d->tset_serial;
	if (e->id == 0)
		e->id = d->tset_serial = 1;
	e->since_ms = now;
	memcpy(e->enabled, en, sizeof(en));
	memcpy(e->target, tg, sizeof(tg));
}

/* The device ACKed the TARGET_SET carrying set id. Sets made before it
 * and not ACKed (an ACK lost with a disconnect) were applied before it or
 * never: either way they are over from now on too. */
static void tset_acked(struct device *d, uint32_t id)
{
	unsigned k;
	int seen = 0;

	for (k = 0; k < DEV_TSETS; k++) {
		struct dev_tset *e = tset_at(d, k);

		if (!e)
			break;
		if (e->id == id)
			seen = 1;
		if (seen && e->sent && !e->refused && !e->acked) {
			e->acked = 1;
			e->ack_shares = d->share_frames;
		}
	}
}

/* FLUSH ACKed: the device purged its share FIFO, so every share from now
 * on was found under the newest set it had applied (or a later one). */
static void tset_flushed(struct device *d)
{
	unsigned k;

	for (k = 0; k < DEV_TSETS; k++) {
		struct dev_tset *e = tset_at(d, k);

		if (!e)
			break;
		if (e->acked && !e->refused) {
			e->closed = 1;
			return;
		}
	}
}

/* The sets a share arriving now can have been found under, newest first:
 * from the newest set on the wire back to the first whose ACK is more
 * than DEV_TSET_GRACE shares ago (or that a FLUSH closed). Returns how
 * many went into c. */
static unsigned tset_candidates(struct device *d, struct dev_tset **c)
{
	unsigned k, n = 0;

	for (k = 0; k < DEV_TSETS; k++) {
		struct dev_tset *e = tset_at(d, k);

		if (!e)
			break;
		if (!e->sent || e->refused)
			continue;
		c[n++] = e;
		if (e->closed || (e->acked && d->share_frames - e->ack_shares >
		                                      DEV_TSET_GRACE))
			break;
	}
	return n;
}

/* ---- transmit ------------------------------------------------------- */

static int tx_flush(struct device *d)
{
	while (d->txlen) {
		int n = d->t->ops->write(d->t, d->tx, d->txlen);

		if (n < 0)
			return n;
		if (n == 0)
			return 0;
		d->st.bytes_out += (uint64_t)n;
		memmove(d->tx, d->tx + n, d->txlen - (size_t)n);
		d->txlen -= (size_t)n;
	}
	return 0;
}

static void req_timeout(void *arg);

static void send_head(struct device *d)
{
	struct dev_req *r = &d->q[0];
	int rc;

	if (d->txlen + r->flen > sizeof(d->tx)) {
		dev_disconnect(d, "transmit buffer full");
		return;
	}
	memcpy(d->tx + d->txlen, r->frame, r->flen);
	d->txlen += r->flen;
	d->head_sent = 1;
	d->req_sent_ms = loop_now_ms();
	if (r->type == PROTO_TARGET_SET) {
		struct dev_tset *e = tset_find(d, r->tag);

		if (e)
			e->sent = 1;
	}
	d->req_timer =
	        loop_timer_add(d->loop, d->cfg.timeout_ms, req_timeout, d);
	log_debug(d->name, "-> %s seq %u (%zu bytes)%s",
	          proto_type_name(r->type), r->seq, r->flen,
	          d->tries ? " retransmit" : "");
	rc = tx_flush(d);
	if (rc < 0)
		dev_disconnect(d, "write failed");
}

/* Sends the next request if none is in flight. */
static void dev_kick(struct device *d)
{
	if (d->state == DEV_DOWN || d->head_sent || d->qlen == 0)
		return;
	d->tries = 0;
	send_head(d);
}

static int enqueue(struct device *d, uint8_t type, const uint8_t *payload,
                   size_t len, uint32_t tag)
{
	struct dev_req *r;
	int n;

	if (d->qlen >= DEV_QUEUE)
		return TANDEM_ERR_RANGE;
	r = &d->q[d->qlen];
	r->type = type;
	r->seq = d->next_seq++;
	r->tag = tag;
	n = proto_frame_encode(type, r->seq, payload, len, r->frame,
	                       sizeof(r->frame));
	if (n < 0)
		return n;
	r->flen = (size_t)n;
	d->qlen++;
	dev_kick(d);
	return 0;
}

static int queued(const struct device *d, uint8_t type)
{
	unsigned i;

	for (i = 0; i < d->qlen; i++)
		if (d->q[i].type == type)
			return 1;
	return 0;
}

static void complete_head(struct device *d)
{
	loop_timer_cancel(d->loop, d->req_timer);
	d->req_timer = 0;
	d->head_sent = 0;
	if (d->qlen) {
		memmove(&d->q[0], &d->q[1], (d->qlen - 1) * sizeof(d->q[0]));
		d->qlen--;
	}
	dev_kick(d);
}

static void req_timeout(void *arg)
{
	struct device *d = arg;

	d->req_timer = 0;
	if (!d->head_sent || d->state == DEV_DOWN)
		return;
	if (d->tries >= d->cfg.retries) {
		d->st.timeouts++;
		log_warn(d->name, "no answer to %s after %u tries",
		         proto_type_name(d->q[0].type), d->tries + 1);
		dev_disconnect(d, "request timed out");
		return;
	}
	d->tries++;
	d->st.retransmits++;
	send_head(d);
}

/* ---- requests -------------------------------------------------------- */

static int send_flush(struct device *d)
{
	uint8_t p[PROTO_FLUSH_LEN];
	int n = proto_flush_pack(d->generation, p, sizeof(p));

	if (n < 0)
		return n;
	return enqueue(d, PROTO_FLUSH, p, (size_t)n, 0);
}

static int send_targets(struct device *d)
{
	struct proto_target t[TANDEM_MAX_SLOTS];
	uint8_t p[TANDEM_MAX_SLOTS * PROTO_TARGET_ENTRY_LEN];
	size_t n = 0;
	unsigned i;
	int len;

	for (i = 0; i < TANDEM_MAX_SLOTS; i++)
		if (d->target_set[i])
			t[n++] = d->targets[i];
	if (!n)
		return 0;
	len = proto_targets_pack(t, n, p, sizeof(p));
	if (len < 0)
		return len;
	tset_update(d);
	return enqueue(d, PROTO_TARGET_SET, p, (size_t)len, tset_at(d, 0)->id);
}

static int send_run(struct device *d, uint8_t run)
{
	uint8_t p[PROTO_RUN_LEN];
	int n = proto_run_pack(run, p, sizeof(p));

	if (n < 0)
		return n;
	return enqueue(d, PROTO_RUN, p, (size_t)n, 0);
}

static int send_job(struct device *d, struct dev_job *j, int resume)
{
	uint8_t p[TANDEM_MAX_PAYLOAD];
	struct proto_job pj = j->pj;
	int n;

	pj.generation = d->generation;
	if (resume && d->resume_valid && pj.mode == PROTO_JOB_MODE_STRATUM) {
		/* Restart at the extranonce2 the device last reported: the
		 * versions of that en2 are hashed again, earlier ones were
		 * done (their shares already arrived or were lost with the
		 * link). */
		memcpy(pj.en2_start, d->resume_en2, sizeof(pj.en2_start));
	}
	n = proto_job_pack(&pj, p, sizeof(p));
	if (n < 0)
		return n;
	j->acked = 0;
	d->status_after_ack = 0;
	d->idle_polls = 0;
	return enqueue(d, PROTO_JOB, p, (size_t)n, j->job_id);
}

static void send_status_get(struct device *d)
{
	if (d->state != DEV_UP || queued(d, PROTO_STATUS_GET))
		return;
	if (enqueue(d, PROTO_STATUS_GET, NULL, 0, 0) == 0) {
		struct dev_job *j = d->cur >= 0 ? &d->jobs[d->cur] : NULL;

		if (j && j->acked)
			d->status_after_ack = 1;
	}
}

static void status_tick(void *arg)
{
	struct device *d = arg;

	d->status_timer = 0;
	send_status_get(d);
	dev_arm_status(d);
}

/* The next STATUS in DEV_STATUS_SOON_MS instead of the full period. */
static void dev_status_soon(struct device *d)
{
	if (d->state != DEV_UP)
		return;
	loop_timer_cancel(d->loop, d->status_timer);
	d->status_timer =
	        loop_timer_add(d->loop, DEV_STATUS_SOON_MS, status_tick, d);
	if (d->status_timer < 0)
		d->status_timer = 0;
}

static void dev_arm_status(struct device *d)
{
	if (d->status_timer || d->state != DEV_UP)
		return;
	d->status_timer =
	        loop_timer_add(d->loop, d->cfg.status_ms, status_tick, d);
	if (d->status_timer < 0)
		d->status_timer = 0;
}

/* ---- connection ------------------------------------------------------ */

static void reconnect_tick(void *arg);

static void start_hello(struct device *d)
{
	d->state = DEV_HELLO;
	d->connected = 1;
	d->qlen = 0;
	d->head_sent = 0;
	d->rxlen = 0;
	d->txlen = 0;
	d->reconnect_delay = d->cfg.reconnect_ms;
	enqueue(d, PROTO_INFO_GET, NULL, 0, 0);
}

static void dev_disconnect(struct device *d, const char *why)
{
	if (d->state == DEV_DOWN)
		return;
	log_warn(d->name, "connection lost (%s); reconnecting", why);
	loop_timer_cancel(d->loop, d->req_timer);
	loop_timer_cancel(d->loop, d->status_timer);
	d->req_timer = 0;
	d->status_timer = 0;
	d->state = DEV_DOWN;
	d->connected = 0;
	d->qlen = 0;
	d->head_sent = 0;
	d->rxlen = 0;
	d->txlen = 0;
	d->down_since_ms = loop_now_ms();
	d->reconnect_delay = d->cfg.reconnect_ms;
	d->reconnect_timer =
	        loop_timer_add(d->loop, d->reconnect_delay, reconnect_tick, d);
}

static void reconnect_tick(void *arg)
{
	struct device *d = arg;
	char err[256] = "";
	int rc;

	d->reconnect_timer = 0;
	rc = d->t->ops->reconnect(d->t, err, sizeof(err));
	if (rc == 0) {
		d->st.reconnects++;
		log_info(d->name, "reconnected");
		start_hello(d);
		return;
	}
	if (loop_now_ms() - d->down_since_ms >
	    (uint64_t)d->cfg.give_up_s * 1000u) {
		log_err(d->name, "giving up: %s", err);
		if (d->ev->failed)
			d->ev->failed(d, d->user, rc);
		return;
	}
	log_debug(d->name, "reconnect failed: %s", err);
	d->reconnect_delay *= 2;
	if (d->reconnect_delay > d->cfg.reconnect_max_ms)
		d->reconnect_delay = d->cfg.reconnect_max_ms;
	d->reconnect_timer =
	        loop_timer_add(d->loop, d->reconnect_delay, reconnect_tick, d);
}

/* INFO arrived: put the device into the state the host wants. */
static void setup(struct device *d)
{
	int reconnected = d->ever_up;

	d->state = DEV_UP;
	if (!d->ever_up)
		d->up_ms = loop_now_ms();
	d->ever_up = 1;
	send_flush(d);
	send_targets(d);
	send_run(d, 1);
	if (d->cur >= 0 && !d->jobs[d->cur].done)
		send_job(d, &d->jobs[d->cur], reconnected);
	dev_arm_status(d);
	if (d->ev->ready)
		d->ev->ready(d, d->user, reconnected);
}

/* ---- receive ---------------------------------------------------------- */

static void hw_error(struct device *d, const struct proto_share *s,
                     const char *why)
{
	unsigned p = s->pipeline;

	d->st.hw_errors++;
	d->st.hw_errors_pipe[p]++;
	d->hw_window_errors++;
	log_warn(d->name, "hardware error: pipeline %u job %u nonce %08x: %s",
	         p, s->job_id, s->nonce, why);
}

/* Counts a result into the error-rate window; resets a bad device. */
static void hw_window_add(struct device *d)
{
	d->hw_window++;
	if (d->hw_window_errors >= d->cfg.hw_reset_min &&
	    (double)d->hw_window_errors >=
	            d->cfg.hw_reset_rate * (double)d->hw_window) {
		log_err(d->name,
		        "high hardware error rate (%u of %u results); "
		        "resetting the device",
		        d->hw_window_errors, d->hw_window);
		d->st.resets++;
		d->hw_window = 0;
		d->hw_window_errors = 0;
		dev_disconnect(d, "reset for hardware errors");
		return;
	}
	if (d->hw_window >= DEV_HW_WINDOW) {
		d->hw_window = 0;
		d->hw_window_errors = 0;
	}
}

/* One target state the device can have been in when it found a share. */
struct tstate {
	const struct dev_tset *set; /* the set it belongs to (the newer one
	                             * while the device was applying it) */
	const struct dev_tset *old; /* with cut: the set being replaced */
	unsigned cut;               /* slots < cut from set, the rest from
	                             * old (old NULL: all from set) */
	uint32_t met;               /* slots the hash meets in this state */
};

static uint32_t tset_classify(const struct dev_tset *e, const uint8_t hash[32])
{
	return work_classify(hash, (const uint8_t(*)[32])e->target, e->enabled,
	                     TANDEM_MAX_SLOTS);
}

/* Every state the device can have had, newest first, with the slots the
 * hash meets in each. Between two candidate sets the device may have
 * compared with the TARGET_SET half applied: the RTL writes its entries
 * one by one, in frame order, and send_targets() lists the slots in
 * ascending order, so those states are "slots below cut new, the others
 * old". Returns the number of states. */
static unsigned tset_states(struct device *d, const uint8_t hash[32],
                            struct tstate *st)
{
	struct dev_tset *c[DEV_TSETS];
	uint32_t met[DEV_TSETS];
	unsigned n = tset_candidates(d, c), i, cut, ns = 0;

	for (i = 0; i < n; i++)
		met[i] = tset_classify(c[i], hash);
	for (i = 0; i < n; i++) {
		st[ns++] = (struct tstate){.set = c[i], .met = met[i]};
		if (i + 1 == n)
			break;
		for (cut = TANDEM_MAX_SLOTS - 1; cut > 0; cut--) {
			uint32_t low = (1u << cut) - 1u;

			st[ns++] = (struct tstate){
			        .set = c[i],
			        .old = c[i + 1],
			        .cut = cut,
			        .met = (met[i] & low) | (met[i + 1] & ~low),
			};
		}
	}
	return ns;
}

/* The state that explains the device's claim: first one whose met slots
 * are exactly the claimed ones, else the first that meets every claimed
 * slot (the device missed one: a slot mismatch, not an error). NULL when
 * none: the device claims a target the hash misses under every set it
 * could have had. */
static const struct tstate *tset_explain(const struct tstate *st, unsigned n,
                                         uint32_t claimed)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (st[i].met && st[i].met == claimed)
			return &st[i];
	for (i = 0; i < n; i++)
		if (st[i].met && !(claimed & ~st[i].met))
			return &st[i];
	return NULL;
}

static void share_targets(const struct tstate *ts, struct device_share *out)
{
	const struct dev_tset *src;
	unsigned i;

	out->targets_id = ts->set->id;
	out->targets_since_ms = ts->set->since_ms;
	out->targets_until_ms = ts->set->until_ms;
	out->targets_enabled = 0;
	for (i = 0; i < TANDEM_MAX_SLOTS; i++) {
		src = (ts->old && i >= ts->cut) ? ts->old : ts->set;
		memcpy(out->targets[i], src->target[i], 32);
		if (src->enabled[i])
			out->targets_enabled |= (uint16_t)(1u << i);
	}
}

static void on_share(struct device *d, const struct proto_frame *f)
{
	struct proto_share s;
	struct device_share out;
	struct dev_job *j;
	struct tstate states[DEV_TSETS * TANDEM_MAX_SLOTS];
	const struct tstate *ts;
	uint8_t hash[32];
	uint32_t slots, any = 0;
	unsigned i, ns;
	int rc, easy;

	if (proto_share_unpack(f->payload, f->len, &s) < 0) {
		d->st.rx_bad_frames++;
		return;
	}
	j = find_job(d, s.job_id);
	if (!j || s.generation != d->generation ||
	    j->pj.generation != d->generation) {
		d->st.stale++;
		log_debug(d->name, "stale share job %u gen %u (now %u)",
		          s.job_id, s.generation, d->generation);
		return;
	}
	/* The share must name a position inside the job's work. */
	if (s.ntime != j->pj.ntime) {
		hw_error(d, &s, "ntime differs from the job");
		goto counted;
	}
	if (j->pj.mode == PROTO_JOB_MODE_HEADER) {
		if (s.version != j->pj.version || s.en2_size != 0) {
			hw_error(d, &s, "version/en2 in a header job");
			goto counted;
		}
	} else if (((s.version ^ j->pj.version) & ~j->pj.version_mask) ||
	           s.en2_size != j->pj.en2_size) {
		hw_error(d, &s, "version outside the mask or en2 size wrong");
		goto counted;
	}
	if (j->pj.nonce_count &&
	    (uint32_t)(s.nonce - j->pj.nonce_start) >= j->pj.nonce_count) {
		hw_error(d, &s, "nonce outside the job's window");
		goto counted;
	}
	rc = job_proto_hash(&j->pj, s.en2, s.version, s.nonce, hash);
	if (rc < 0) {
		hw_error(d, &s, "job cannot be hashed");
		goto counted;
	}
	/* Judged against the targets the device had when it found it. */
	ns = tset_states(d, hash, states);
	for (i = 0; i < ns; i++)
		any |= states[i].met;
	if (!any) {
		hw_error(d, &s, "hash meets no target");
		goto counted;
	}
	ts = tset_explain(states, ns, s.slots);
	if (!ts) {
		hw_error(d, &s, "device claims a target the hash misses");
		goto counted;
	}
	slots = ts->met;
	if (slots & ~(uint32_t)s.slots) {
		d->st.slot_mismatch++;
		log_warn(d->name, "share meets slots %04x, device said %04x",
		         (unsigned)slots, s.slots);
	}
	rc = dup_check_add(&d->dups, share_fingerprint(&s));
	if (rc != 0) {
		d->st.duplicates++;
		log_debug(d->name, "duplicate share nonce %08x", s.nonce);
		return;
	}
	d->st.shares++;
	if (ts->set->until_ms || ts->old) {
		d->st.old_targets++;
		log_debug(d->name,
		          "share nonce %08x found under target set %u "
		          "(now %u)",
		          s.nonce, ts->set->id, d->tset_serial);
	}
	easy = easiest_slot(d);
	if (easy >= 0 && (slots & (1u << easy)))
		d->easy_shares++;
	memset(&out, 0, sizeof(out));
	out.job_id = s.job_id;
	out.generation = s.generation;
	out.slots = (uint16_t)slots;
	out.device_slots = s.slots;
	out.nonce = s.nonce;
	out.version = s.version;
	out.ntime = s.ntime;
	memcpy(out.en2, s.en2, sizeof(out.en2));
	out.en2_size = s.en2_size;
	out.pipeline = s.pipeline;
	memcpy(out.hash, hash, 32);
	share_targets(ts, &out);
	hw_window_add(d);
	if (d->ev->share)
		d->ev->share(d, d->user, &out);
	return;
counted:
	hw_window_add(d);
}

static void on_status(struct device *d, const struct proto_status *s)
{
	uint64_t now = loop_now_ms();
	uint64_t total;
	struct dev_job *j = d->cur >= 0 ? &d->jobs[d->cur] : NULL;
	int after_ack = d->status_after_ack;
	uint64_t prev_hashes = d->last_hashes;

	log_debug(d->name,
	          "STATUS: job %u gen %u state %x hashes %llu shares %u",
	          s->job_id, s->generation, s->state,
	          (unsigned long long)s->hashes, s->shares);
	if (s->hashes < d->last_hashes)
		d->hash_base += d->last_hashes; /* device was reset */
	total = d->hash_base + s->hashes;
	if (d->first_ms == 0) {
		d->first_ms = now;
		d->first_total = total;
	} else if (now > d->last_ms) {
		double inst = (double)(total - d->st.hashes_total) * 1000.0 /
		              (double)(now - d->last_ms);

		d->st.hashrate = d->st.hashrate == 0
		                         ? inst
		                         : 0.7 * d->st.hashrate + 0.3 * inst;
	}
	if (now > d->first_ms)
		d->st.hashrate_avg = (double)(total - d->first_total) * 1000.0 /
		                     (double)(now - d->first_ms);
	d->last_ms = now;
	d->last_hashes = s->hashes;
	d->st.hashes = s->hashes;
	d->st.hashes_total = total;
	d->st.dev_crc_errors = s->crc_errors;
	d->st.dev_frame_errors = s->frame_errors;
	d->st.fifo_overflows = s->fifo_overflows;
	d->st.rolls = s->rolls;

	if (j && s->job_id == j->job_id && s->generation == d->generation) {
		if (s->state & PROTO_STATE_JOB) {
			memcpy(d->resume_en2, s->en2, sizeof(d->resume_en2));
			d->resume_valid = 1;
		}
		/* Done: two answers after the JOB ACK that both say idle and
		 * whose hash counters agree (a device that stopped hashing;
		 * a core still finishing its window moves the counter), the
		 * second some time after the first, so every share of the
		 * job is in by then. */
		if (j->acked && after_ack && !j->done &&
		    !(s->state & (PROTO_STATE_JOB | PROTO_STATE_QUEUED))) {
			if (d->idle_polls && s->hashes == prev_hashes)
				d->idle_polls++;
			else
				d->idle_polls = 1;
			if (d->idle_polls >= 2) {
				j->done = 1;
				if (d->ev->job_done)
					d->ev->job_done(d, d->user, j->job_id);
			} else {
				dev_status_soon(d);
			}
		} else {
			d->idle_polls = 0;
		}
	}
	complete_head(d);
	if (d->ev->status)
		d->ev->status(d, d->user, s);
}

/* The JOB job_id was ACKed: latency of a job the host just started. */
static void job_acked(struct device *d, uint32_t job_id)
{
	struct dev_job *j = find_job(d, job_id);
	double ms = -1;

	if (!j)
		return;
	j->acked = 1;
	d->st.jobs_acked++;
	if (j->submit_us) {
		ms = (double)(loop_now_us() - j->submit_us) / 1000.0;
		d->job_latency_ms = ms;
		j->submit_us = 0;
	}
	if (d->ev->job_acked)
		d->ev->job_acked(d, d->user, job_id, ms);
}

static int head_is(const struct device *d, uint8_t type, uint8_t seq)
{
	return d->head_sent && d->qlen && d->q[0].type == type &&
	       d->q[0].seq == seq;
}

static void on_frame(struct device *d, const struct proto_frame *f)
{
	struct proto_ack a;
	struct proto_nak n;
	struct proto_status s;
	struct dev_job *j;

	log_debug(d->name, "<- %s seq %u len %u", proto_type_name(f->type),
	          f->seq, f->len);
	switch (f->type) {
	case PROTO_SHARE:
		d->share_frames++;
		if (d->state == DEV_UP)
			on_share(d, f);
		return;
	case PROTO_ACK:
		if (proto_ack_unpack(f->payload, f->len, &a) < 0)
			break;
		if (!head_is(d, a.type, a.seq))
			return; /* late ACK of a retransmitted request */
		if (a.type == PROTO_JOB)
			job_acked(d, d->q[0].tag);
		else if (a.type == PROTO_TARGET_SET)
			tset_acked(d, d->q[0].tag);
		else if (a.type == PROTO_FLUSH)
			tset_flushed(d);
		complete_head(d);
		return;
	case PROTO_NAK:
		if (proto_nak_unpack(f->payload, f->len, &n) < 0)
			break;
		if (!head_is(d, n.type, n.seq))
			return;
		d->st.naks++;
		log_warn(d->name, "device refused %s: reason %u detail %u",
		         proto_type_name(n.type), n.reason, n.detail);
		if (n.type == PROTO_JOB) {
			j = find_job(d, d->q[0].tag);
			if (j)
				j->done = 1;
		} else if (n.type == PROTO_TARGET_SET) {
			struct dev_tset *e = tset_find(d, d->q[0].tag);

			if (e)
				e->refused = 1;
		}
		complete_head(d);
		if (d->ev->nak)
			d->ev->nak(d, d->user, &n);
		return;
	case PROTO_INFO:
		if (!head_is(d, PROTO_INFO_GET, f->seq))
			return;
		if (proto_info_unpack(f->payload, f->len, &d->info) < 0)
			break;
		log_info(
		        d->name,
		        "INFO: proto %u, %u pipelines, loop_log2 %u, %u slots, "
		        "%u Hz, modes %x, serial %.8s",
		        d->info.proto_version, d->info.pipelines,
		        d->info.loop_log2, d->info.target_slots,
		        d->info.clock_hz, d->info.work_modes, d->info.serial);
		complete_head(d);
		setup(d);
		return;
	case PROTO_STATUS:
		if (!head_is(d, PROTO_STATUS_GET, f->seq))
			return;
		if (proto_status_unpack(f->payload, f->len, &s) < 0)
			break;
		on_status(d, &s);
		return;
	default:
		break;
	}
	d->st.rx_bad_frames++;
	log_debug(d->name, "unexpected or malformed %s frame",
	          proto_type_name(f->type));
}

static void rx_parse(struct device *d)
{
	struct proto_frame f;
	size_t off = 0;

	while (off < d->rxlen && d->connected) {
		size_t used = 0;
		int rc = proto_frame_decode(d->rx + off, d->rxlen - off, &f,
		                            &used);

		if (rc == 0) {
			off += used;
			on_frame(d, &f);
			continue;
		}
		if (rc == TANDEM_ERR_FRAME_SHORT) {
			d->st.rx_garbage += used;
			off += used;
			break;
		}
		if (rc == TANDEM_ERR_FRAME_SYNC)
			d->st.rx_garbage += used;
		else
			d->st.rx_bad_frames++;
		off += used ? used : 1;
	}
	if (!d->connected)
		return; /* buffers were reset by a disconnect */
	if (off) {
		memmove(d->rx, d->rx + off, d->rxlen - off);
		d->rxlen -= off;
	}
}

static void rx_read(struct device *d)
{
	while (d->connected) {
		int n;

		if (d->rxlen == sizeof(d->rx)) {
			/* cannot happen with a sane decoder: drop a byte */
			memmove(d->rx, d->rx + 1, d->rxlen - 1);
			d->rxlen--;
		}
		n = d->t->ops->read(d->t, d->rx + d->rxlen,
		                    sizeof(d->rx) - d->rxlen);
		if (n < 0) {
			dev_disconnect(d, n == TANDEM_ERR_IO ? "closed by peer"
			                                     : "read error");
			return;
		}
		if (n == 0)
			return;
		d->st.bytes_in += (uint64_t)n;
		d->rxlen += (size_t)n;
		rx_parse(d);
	}
}

/* ---- loop source ------------------------------------------------------ */

static int dev_prepare(void *arg, struct pollfd *fds, int max, int *timeout)
{
	struct device *d = arg;

	if (d->state == DEV_DOWN)
		return 0;
	return d->t->ops->pollfds(d->t, fds, max, d->txlen != 0, timeout);
}

static void dev_dispatch(void *arg, const struct pollfd *fds, int n)
{
	struct device *d = arg;
	int i, readable = 0, writable = 0;

	if (d->state == DEV_DOWN)
		return;
	if (d->t->ops->service)
		d->t->ops->service(d->t, fds, n);
	for (i = 0; i < n; i++) {
		if (fds[i].revents & (POLLIN | POLLHUP | POLLERR))
			readable = 1;
		if (fds[i].revents & POLLOUT)
			writable = 1;
	}
	/* Transports with their own buffering (usb) are read every pass. */
	if (readable || d->t->ops->service)
		rx_read(d);
	if (d->state != DEV_DOWN && d->txlen &&
	    (writable || d->t->ops->service))
		if (tx_flush(d) < 0)
			dev_disconnect(d, "write failed");
}

static const struct loop_source_ops dev_source = {
        .prepare = dev_prepare,
        .dispatch = dev_dispatch,
};

/* ---- public ------------------------------------------------------------- */

static struct device *dev_new(struct loop *l, const char *name,
                              const struct device_config *c,
                              const struct device_events *ev, void *user)
{
	static unsigned counter;
	struct device *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->q = calloc(DEV_QUEUE, sizeof(*d->q));
	if (!d->q) {
		free(d);
		return NULL;
	}
	d->loop = l;
	if (c)
		d->cfg = *c;
	else
		device_config_default(&d->cfg);
	d->ev = ev;
	d->user = user;
	d->cur = -1;
	d->generation = 1;
	d->next_job_id = 1;
	d->job_latency_ms = -1;
	snprintf(d->spec, sizeof(d->spec), "%s", name);
	snprintf(d->name, sizeof(d->name), "%s#%u", name, counter++);
	return d;
}

static int dev_start(struct device *d, struct device **out)
{
	int rc = loop_source_add(d->loop, &dev_source, d);

	if (rc < 0) {
		d->t->ops->close(d->t);
		free(d->q);
		free(d);
		return rc;
	}
	start_hello(d);
	*out = d;
	return 0;
}

int device_attach(struct loop *l, struct transport *t, const char *name,
                  const struct device_config *c, const struct device_events *ev,
                  void *user, struct device **out)
{
	struct device *d = dev_new(l, name, c, ev, user);

	if (!d) {
		t->ops->close(t);
		return TANDEM_ERR_NOMEM;
	}
	d->t = t;
	return dev_start(d, out);
}

int device_open(struct loop *l, const char *spec,
                const struct transport_opts *o, const struct device_config *c,
                const struct device_events *ev, void *user, struct device **out,
                char *err, size_t errlen)
{
	struct device *d = dev_new(l, spec, c, ev, user);
	int rc;

	if (!d)
		return TANDEM_ERR_NOMEM;
	if (o)
		d->topts = *o;
	rc = transport_open(spec, &d->topts, &d->t, err, errlen);
	if (rc < 0) {
		free(d->q);
		free(d);
		return rc;
	}
	return dev_start(d, out);
}

void device_close(struct device *d)
{
	if (!d)
		return;
	loop_source_del(d->loop, d);
	loop_timer_cancel_arg(d->loop, d);
	if (d->t)
		d->t->ops->close(d->t);
	free(d->dups.slot);
	free(d->q);
	free(d);
}

int device_set_targets(struct device *d, const struct proto_target *t, size_t n)
{
	size_t i;
	unsigned max = d->ever_up ? d->info.target_slots : TANDEM_MAX_SLOTS;

	for (i = 0; i < n; i++)
		if (t[i].slot >= TANDEM_MAX_SLOTS || t[i].slot >= max)
			return TANDEM_ERR_RANGE;
	for (i = 0; i < n; i++) {
		d->targets[t[i].slot] = t[i];
		d->target_set[t[i].slot] = 1;
	}
	tset_update(d);
	if (d->state == DEV_UP)
		return send_targets(d);
	return 0;
}

int device_flush(struct device *d)
{
	d->generation++;
	if (d->generation == 0)
		d->generation = 1;
	if (d->cur >= 0)
		d->jobs[d->cur].done = 1;
	d->cur = -1;
	if (d->state == DEV_UP)
		return send_flush(d);
	return 0;
}

int device_start_job(struct device *d, const struct proto_job *job, int clean,
                     uint32_t *job_id)
{
	struct dev_job *j;
	unsigned i, pick = 0;
	int rc;

	if (clean) {
		rc = device_flush(d);
		if (rc < 0)
			return rc;
	}
	/* reuse the oldest slot that is not the current job */
	for (i = 0; i < DEV_JOBS; i++) {
		if ((int)i == d->cur)
			continue;
		if (!d->jobs[i].used) {
			pick = i;
			break;
		}
		if ((int)pick == d->cur ||
		    d->jobs[i].job_id < d->jobs[pick].job_id)
			pick = i;
	}
	j = &d->jobs[pick];
	memset(j, 0, sizeof(*j));
	j->used = 1;
	j->job_id = d->next_job_id++;
	j->pj = *job;
	j->pj.job_id = j->job_id;
	j->pj.generation = d->generation;
	j->pj.flags &= (uint8_t)~PROTO_JOB_QUEUE;
	j->submit_us = loop_now_us();
	d->cur = (int)pick;
	d->resume_valid = 0;
	if (job_id)
		*job_id = j->job_id;
	if (d->state == DEV_UP)
		return send_job(d, j, 0);
	return 0;
}

void device_get_stats(const struct device *d, struct device_stats *s)
{
	int easy = easiest_slot(d);
	uint64_t now = loop_now_ms();

	*s = d->st;
	s->up_seconds = d->ever_up ? (double)(now - d->up_ms) / 1000.0 : 0;
	if (easy >= 0) {
		double p = target_probability(d->targets[easy].target);

		s->expected_share_rate = s->hashrate_avg * p;
		if (s->up_seconds > 0 && p > 0)
			s->share_hashrate =
			        (double)d->easy_shares / s->up_seconds / p;
	}
}
