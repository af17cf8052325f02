/* Stratum session state machine (see session.h). */
#include "session.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "tandem_err.h"
#include "work.h"

#define OUT_MAX     (1u << 20) /* bytes of unsent lines we hold */
#define LINE_CAP    1024u      /* our requests are short */
#define NTIME_AHEAD 7200u      /* seconds a share's ntime may run ahead */
#define BOUND_AUX   8u         /* set_aux_targets kept for future jobs */

enum req_kind {
	REQ_NONE = 0,
	REQ_CONFIGURE,
	REQ_SUBSCRIBE,
	REQ_AUTHORIZE,
	REQ_SUGGEST,
	REQ_EXSUB,
	REQ_SUBMIT,
};

/* A share on its way to the pool. */
struct share_rec {
	uint32_t seq;
	char job_id[STRATUM_MAX_JOB_ID + 1];
	uint8_t en2[JOB_EN_MAX];
	size_t en2_len;
	uint32_t ntime, nonce, version;
	double diff; /* difficulty in force when found */
};

struct pending {
	uint32_t id;
	enum req_kind kind;
	int resume; /* subscribe offered a session */
	uint64_t sent_ms;
	struct share_rec sh;
};

struct job_slot {
	int used;
	int issued;
	int valid;
	const char *stale_why;
	uint32_t seq;
	struct job_stratum *js;
	uint8_t en1[JOB_EN_MAX];
	size_t en1_len;
	unsigned en2_size;
	uint32_t mask;
	uint8_t parent_target[32];
	size_t ext_count; /* aux from the extension, bound to this job */
	struct session_aux ext[SESSION_MAX_AUX];
};

struct aux_binding {
	int used;
	char job_id[STRATUM_MAX_JOB_ID + 1];
	size_t count;
	struct session_aux e[SESSION_MAX_AUX];
};

struct diff_point {
	uint64_t t;
	double diff;
};

struct session_ctx {
	struct session_cfg cfg;
	char *user, *pass, *agent, *version;
	struct session_aux static_aux[SESSION_MAX_AUX];
	struct session_sink sink;
	void *sink_user;

	/* connection */
	int up;
	int subscribed;
	int authorized;
	int configure_pending;
	int awaiting_notify; /* reconnected: queue waits for first notify */
	int fail;
	char fail_reason[STRATUM_MAX_TEXT + 64];
	uint32_t next_id;
	int aux_negotiated;
	uint32_t mask;

	/* subscription (kept across connections for resume) */
	char session_id[STRATUM_MAX_SESSION + 1];
	int have_en1;
	uint8_t en1[STRATUM_MAX_EXTRANONCE];
	size_t en1_len;
	unsigned en2_size;
	uint8_t prev_en1[STRATUM_MAX_EXTRANONCE];
	size_t prev_en1_len;
	unsigned prev_en2_size;
	int had_session;

	/* jobs */
	struct job_slot slot[SESSION_MAX_JOBS];
	int cur; /* slot of the current job, -1 none */
	uint32_t next_seq;
	struct job_precomp precomp; /* scratch of job_fits_device */
	struct session_job view;    /* what session_current() returns */
	struct session_aux view_aux[SESSION_MAX_AUX];

	/* aux extension targets */
	int default_ext_used;
	size_t default_ext_count;
	struct session_aux default_ext[SESSION_MAX_AUX];
	struct aux_binding bound[BOUND_AUX];
	size_t bound_next;

	/* difficulty history, oldest first */
	struct diff_point diff[SESSION_DIFF_HISTORY];
	size_t diff_count;

	/* shares */
	struct pending pend[SESSION_MAX_PENDING];
	struct share_rec *queue; /* ring of cfg.queue_max */
	size_t q_head, q_len;
	uint8_t (*dedupe)[16];
	size_t dd_next, dd_len;

	/* output */
	char *out;
	size_t out_len, out_cap;

	struct session_stats st;
};

/* ---- helpers ------------------------------------------------------------ */

static void slog(struct session_ctx *s, int level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void slog(struct session_ctx *s, int level, const char *fmt, ...)
{
	char msg[STRATUM_MAX_TEXT + 256];
	va_list ap;

	if (!s->sink.log)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->sink.log(s->sink_user, level, msg);
}

static char *dup_str(const char *p)
{
	size_t n;
	char *d;

	if (!p)
		return NULL;
	n = strlen(p);
	d = malloc(n + 1);
	if (d)
		memcpy(d, p, n + 1);
	return d;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

static void count_reason(struct session_reasons *r, const char *why)
{
	size_t i;

	if (!why || !*why)
		why = "unknown";
	for (i = 0; i < r->count; i++) {
		if (strncmp(r->r[i].reason, why, SESSION_MAX_REASON) == 0) {
			r->r[i].n++;
			return;
		}
	}
	if (r->count < SESSION_MAX_REASONS) {
		copy_str(r->r[r->count].reason, sizeof(r->r[0].reason), why);
		r->r[r->count].n = 1;
		r->count++;
		return;
	}
	r->other++;
}

static void count_chain(struct session_ctx *s, const char *name)
{
	struct session_stats *st = &s->st;
	size_t i;

	for (i = 0; i < st->chain_count; i++) {
		if (strcmp(st->chain[i].name, name) == 0) {
			st->chain[i].candidates++;
			return;
		}
	}
	if (st->chain_count < SESSION_MAX_AUX + 1) {
		copy_str(st->chain[i].name, sizeof(st->chain[i].name), name);
		st->chain[i].candidates = 1;
		st->chain_count++;
	}
}

static void out_append(struct session_ctx *s, const char *line, size_t n)
{
	if (s->out_len + n > s->out_cap) {
		size_t cap = s->out_cap ? s->out_cap : 4096;
		char *p;

		while (cap < s->out_len + n)
			cap *= 2;
		if (cap > OUT_MAX) {
			slog(s, SESSION_LOG_ERROR,
			     "output buffer full, line not sent");
			return;
		}
		p = realloc(s->out, cap);
		if (!p) {
			slog(s, SESSION_LOG_ERROR, "out of memory");
			return;
		}
		s->out = p;
		s->out_cap = cap;
	}
	memcpy(s->out + s->out_len, line, n);
	s->out_len += n;
}

static struct pending *pend_add(struct session_ctx *s, enum req_kind kind,
                                uint32_t id, uint64_t now)
{
	size_t i;

	for (i = 0; i < SESSION_MAX_PENDING; i++) {
		if (s->pend[i].kind == REQ_NONE) {
			memset(&s->pend[i], 0, sizeof(s->pend[i]));
			s->pend[i].kind = kind;
			s->pend[i].id = id;
			s->pend[i].sent_ms = now;
			return &s->pend[i];
		}
	}
	return NULL;
}

static struct pending *pend_find(struct session_ctx *s, long long id)
{
	size_t i;

	for (i = 0; i < SESSION_MAX_PENDING; i++)
		if (s->pend[i].kind != REQ_NONE &&
		    (long long)s->pend[i].id == id)
			return &s->pend[i];
	return NULL;
}

/* Writes a request line from a formatter result; returns its id or a
 * negative code. */
static int send_line(struct session_ctx *s, const char *buf, int n)
{
	if (n < 0)
		return n;
	out_append(s, buf, (size_t)n);
	return 0;
}

/* ---- difficulty -----------------------------------------------------------
 */

static void diff_push(struct session_ctx *s, uint64_t t, double d)
{
	if (s->diff_count == SESSION_DIFF_HISTORY) {
		memmove(&s->diff[0], &s->diff[1],
		        (SESSION_DIFF_HISTORY - 1) * sizeof(s->diff[0]));
		s->diff_count--;
	}
	s->diff[s->diff_count].t = t;
	s->diff[s->diff_count].diff = d;
	s->diff_count++;
	s->st.difficulty = d;
}

/* Difficulty in force at time t: the newest change not after t (the
 * oldest remembered one when t is older than all). */
static double diff_at(const struct session_ctx *s, uint64_t t)
{
	size_t i = s->diff_count;

	while (i > 0) {
		i--;
		if (s->diff[i].t <= t)
			return s->diff[i].diff;
	}
	return s->diff[0].diff;
}

/* ---- jobs -----------------------------------------------------------------
 */

/* The parser refuses a notify larger than the job model (stratum.h takes
 * its limits from job.h), so every parsed notify fits a job_stratum. */
_Static_assert(STRATUM_MAX_COINB <= JOB_COINB_MAX, "coinbase part limit");
_Static_assert(STRATUM_MAX_MERKLE <= JOB_MAX_BRANCH, "merkle branch limit");
_Static_assert(STRATUM_MAX_JOB_ID <= JOB_ID_MAX, "job id limit");
_Static_assert(STRATUM_MAX_EXTRANONCE <= JOB_EN_MAX, "extranonce limit");

static void job_from_msg(struct job_stratum *j, const struct stratum_notify *n)
{
	memset(j, 0, sizeof(*j));
	copy_str(j->job_id, sizeof(j->job_id), n->job_id);
	memcpy(j->prevhash, n->prevhash, 32);
	if (n->coinb1_len)
		memcpy(j->coinb1, n->coinb1, n->coinb1_len);
	j->coinb1_len = n->coinb1_len;
	if (n->coinb2_len)
		memcpy(j->coinb2, n->coinb2, n->coinb2_len);
	j->coinb2_len = n->coinb2_len;
	memcpy(j->branch, n->merkle_branch, n->merkle_count * 32);
	j->branch_count = n->merkle_count;
	j->version = n->version;
	j->nbits = n->nbits;
	j->ntime = n->ntime;
	j->clean_jobs = n->clean_jobs;
}

/* Can a device take this job with these extranonce sizes? The limits are
 * the wire protocol's (tandem_proto.h) and the coinbase split is the job
 * model's own (job_precompute), so job_proto_stratum accepts every job
 * that passes. Returns 0 or TANDEM_ERR_RANGE with the reason in err. */
static int job_fits_device(struct session_ctx *s, const struct job_stratum *js,
                           char *err, size_t errlen)
{
	struct job_precomp *p = &s->precomp;
	int rc;

	if (js->branch_count > TANDEM_MAX_BRANCH) {
		snprintf(err, errlen,
		         "merkle branch of %zu entries, the device protocol "
		         "takes at most %u",
		         js->branch_count, TANDEM_MAX_BRANCH);
		return TANDEM_ERR_RANGE;
	}
	if (s->en2_size < 1 || s->en2_size > TANDEM_MAX_EN2) {
		snprintf(err, errlen,
		         "extranonce2 of %u bytes, the device protocol rolls "
		         "1..%u",
		         s->en2_size, TANDEM_MAX_EN2);
		return TANDEM_ERR_RANGE;
	}
	rc = job_precompute(js, s->en1, s->en1_len, NULL, s->en2_size, p);
	if (rc < 0) {
		snprintf(err, errlen, "coinbase cannot be split (%s)",
		         tandem_errname(rc));
		return TANDEM_ERR_RANGE;
	}
	if (p->rem_blocks > TANDEM_MAX_REM_BLOCKS) {
		snprintf(err, errlen,
		         "coinbase has %zu bytes after the last 64-byte "
		         "boundary before extranonce2 (coinb2 %zu bytes): %zu "
		         "blocks with padding, the device protocol takes at "
		         "most %u",
		         p->rem_len, js->coinb2_len, p->rem_blocks,
		         TANDEM_MAX_REM_BLOCKS);
		return TANDEM_ERR_RANGE;
	}
	return 0;
}

static struct job_slot *slot_by_seq(struct session_ctx *s, uint32_t seq)
{
	size_t i;

	for (i = 0; i < SESSION_MAX_JOBS; i++)
		if (s->slot[i].used && s->slot[i].issued &&
		    s->slot[i].seq == seq)
			return &s->slot[i];
	return NULL;
}

static void invalidate_jobs(struct session_ctx *s, int keep, const char *why)
{
	size_t i;

	for (i = 0; i < SESSION_MAX_JOBS; i++) {
		if ((int)i == keep || !s->slot[i].used || !s->slot[i].valid)
			continue;
		s->slot[i].valid = 0;
		s->slot[i].stale_why = why;
	}
}

/* A slot for a new job: a free one, else the oldest that is not the
 * current job. Returns its index or -1 (out of memory). */
static int alloc_slot(struct session_ctx *s)
{
	uint32_t oldest = UINT32_MAX;
	size_t i, pick = 0;

	for (i = 0; i < SESSION_MAX_JOBS; i++) {
		uint32_t age;

		if (!s->slot[i].used) {
			pick = i;
			break;
		}
		if ((int)i == s->cur)
			continue;
		age = s->slot[i].issued ? s->slot[i].seq : 0;
		if (age <= oldest) {
			oldest = age;
			pick = i;
		}
	}
	if (!s->slot[pick].js) {
		s->slot[pick].js = malloc(sizeof(*s->slot[pick].js));
		if (!s->slot[pick].js)
			return -1;
	}
	s->slot[pick].used = 0;
	return (int)pick;
}

/* Aux list of a job: static --aux targets, then the extension's (a name
 * given by both takes the extension's target). */
static size_t job_aux(const struct session_ctx *s, const struct job_slot *j,
                      struct session_aux *out)
{
	size_t n = 0, i, k;

	for (i = 0; i < s->cfg.aux_count && n < SESSION_MAX_AUX; i++)
		out[n++] = s->static_aux[i];
	for (i = 0; i < j->ext_count; i++) {
		for (k = 0; k < n; k++)
			if (strcmp(out[k].name, j->ext[i].name) == 0)
				break;
		if (k < n)
			out[k] = j->ext[i];
		else if (n < SESSION_MAX_AUX)
			out[n++] = j->ext[i];
	}
	return n;
}

static void fill_view(struct session_ctx *s, struct job_slot *j)
{
	struct session_job *v = &s->view;

	memset(v, 0, sizeof(*v));
	v->seq = j->seq;
	v->js = j->js;
	v->en1 = j->en1;
	v->en1_len = j->en1_len;
	v->en2_size = j->en2_size;
	v->version_mask = j->mask;
	v->difficulty = s->st.difficulty;
	work_difficulty_to_target(v->difficulty, v->share_target);
	memcpy(v->parent_target, j->parent_target, 32);
	v->aux_count = job_aux(s, j, s->view_aux);
	v->aux = s->view_aux;
}

static int can_issue(const struct session_ctx *s)
{
	return s->up && s->subscribed && !s->configure_pending && !s->fail;
}

/* Hands the current job to the sink if it has not gone out yet. */
static void issue_current(struct session_ctx *s, unsigned flags)
{
	struct job_slot *j;
	char err[256];

	if (s->cur < 0 || !can_issue(s))
		return;
	j = &s->slot[s->cur];
	if (j->issued)
		return;
	if (job_fits_device(s, j->js, err, sizeof(err)) < 0) {
		s->st.jobs_refused++;
		slog(s, SESSION_LOG_ERROR, "job %s refused: %s", j->js->job_id,
		     err);
		j->valid = 0;
		j->stale_why = "job does not fit the device protocol";
		s->cur = -1;
		if (s->sink.stop)
			s->sink.stop(s->sink_user);
		return;
	}
	j->issued = 1;
	j->seq = s->next_seq++;
	memcpy(j->en1, s->en1, s->en1_len);
	j->en1_len = s->en1_len;
	j->en2_size = s->en2_size;
	j->mask = s->mask;
	fill_view(s, j);
	if (s->sink.job)
		s->sink.job(s->sink_user, &s->view, flags);
}

/* The current job again under a new seq (extranonce or mask changed):
 * a copy in a fresh slot; the old slot stays for shares already found
 * (old_stale marks them stale). */
static void reissue_current(struct session_ctx *s, const char *why,
                            int old_stale)
{
	struct job_slot *o, *j;
	int k;

	if (s->cur < 0 || !s->slot[s->cur].issued)
		return;
	k = alloc_slot(s);
	if (k < 0) {
		slog(s, SESSION_LOG_ERROR, "out of memory for a job");
		return;
	}
	o = &s->slot[s->cur];
	j = &s->slot[k];
	memcpy(j->js, o->js, sizeof(*j->js));
	memcpy(j->parent_target, o->parent_target, 32);
	j->ext_count = o->ext_count;
	memcpy(j->ext, o->ext, o->ext_count * sizeof(o->ext[0]));
	j->used = 1;
	j->issued = 0;
	j->valid = 1;
	j->stale_why = NULL;
	if (old_stale) {
		o->valid = 0;
		o->stale_why = why;
	}
	s->cur = k;
	slog(s, SESSION_LOG_INFO, "job %s re-issued: %s", j->js->job_id, why);
	issue_current(s, old_stale ? SESSION_JOB_CLEAN : 0);
}

static void update_current(struct session_ctx *s)
{
	struct job_slot *j;

	if (s->cur < 0 || !can_issue(s))
		return;
	j = &s->slot[s->cur];
	if (!j->issued)
		return;
	fill_view(s, j);
	if (s->sink.job)
		s->sink.job(s->sink_user, &s->view, SESSION_JOB_UPDATE);
}

static const struct aux_binding *find_binding(const struct session_ctx *s,
                                              const char *job_id)
{
	size_t i;

	for (i = 0; i < BOUND_AUX; i++)
		if (s->bound[i].used && strcmp(s->bound[i].job_id, job_id) == 0)
			return &s->bound[i];
	return NULL;
}

/* ---- shares ---------------------------------------------------------------
 */

static void share_key(const struct share_rec *r, uint8_t fp[16])
{
	struct sha256_ctx c;
	uint8_t h[32], nums[12];
	size_t i;

	for (i = 0; i < 4; i++) {
		nums[i] = (uint8_t)(r->ntime >> (8 * i));
		nums[4 + i] = (uint8_t)(r->nonce >> (8 * i));
		nums[8 + i] = (uint8_t)(r->version >> (8 * i));
	}
	sha256_init(&c);
	sha256_update(&c, r->job_id, strlen(r->job_id) + 1);
	sha256_update(&c, r->en2, r->en2_len);
	sha256_update(&c, nums, sizeof(nums));
	sha256_final(&c, h);
	memcpy(fp, h, 16);
}

/* 1 when seen before; remembers it otherwise. */
static int dedupe_check(struct session_ctx *s, const struct share_rec *r)
{
	uint8_t fp[16];
	size_t i;

	share_key(r, fp);
	for (i = 0; i < s->dd_len; i++)
		if (memcmp(s->dedupe[i], fp, 16) == 0)
			return 1;
	memcpy(s->dedupe[s->dd_next], fp, 16);
	s->dd_next = (s->dd_next + 1) % SESSION_DEDUPE;
	if (s->dd_len < SESSION_DEDUPE)
		s->dd_len++;
	return 0;
}

static void share_stale(struct session_ctx *s, const char *why)
{
	s->st.stale++;
	count_reason(&s->st.stales, why);
}

static void share_dropped(struct session_ctx *s, const char *why)
{
	s->st.dropped++;
	count_reason(&s->st.drops, why);
}

static int can_submit(const struct session_ctx *s)
{
	return s->up && s->subscribed && s->authorized && !s->awaiting_notify &&
	       !s->configure_pending && !s->fail;
}

/* Sends one share; the caller has counted it found. Returns
 * SESSION_SHARE_SENT or SESSION_SHARE_DROPPED. */
static int submit(struct session_ctx *s, const struct share_rec *r,
                  uint64_t now)
{
	struct stratum_submit sub;
	char buf[LINE_CAP];
	struct pending *p;
	uint32_t id = s->next_id;
	int n;

	memset(&sub, 0, sizeof(sub));
	sub.user = s->user;
	sub.job_id = r->job_id;
	sub.extranonce2 = r->en2;
	sub.extranonce2_len = r->en2_len;
	sub.ntime = r->ntime;
	sub.nonce = r->nonce;
	if (s->mask) {
		sub.has_version_bits = 1;
		sub.version_bits = r->version & s->mask;
	}
	n = stratum_format_submit(buf, sizeof(buf), id, &sub);
	if (n < 0) {
		share_dropped(s, "submit not formatted");
		return SESSION_SHARE_DROPPED;
	}
	p = pend_add(s, REQ_SUBMIT, id, now);
	if (!p) {
		share_dropped(s, "too many unanswered submits");
		return SESSION_SHARE_DROPPED;
	}
	p->sh = *r;
	s->next_id++;
	s->st.pending++;
	out_append(s, buf, (size_t)n);
	return SESSION_SHARE_SENT;
}

static void queue_push(struct session_ctx *s, const struct share_rec *r)
{
	size_t cap = s->cfg.queue_max;

	if (s->q_len == cap) {
		/* oldest out: newer shares are likelier to stay valid */
		s->q_head = (s->q_head + 1) % cap;
		s->q_len--;
		s->st.queued--;
		s->st.pending--;
		share_dropped(s, "queue full");
	}
	s->queue[(s->q_head + s->q_len) % cap] = *r;
	s->q_len++;
	s->st.queued++;
	s->st.pending++;
}

/* Sends or stales every queued share (the pool is back and its jobs are
 * known). */
static void queue_release(struct session_ctx *s, uint64_t now)
{
	while (s->q_len && can_submit(s)) {
		struct share_rec r = s->queue[s->q_head];
		struct job_slot *j;

		s->q_head = (s->q_head + 1) % s->cfg.queue_max;
		s->q_len--;
		s->st.queued--;
		s->st.pending--;
		j = slot_by_seq(s, r.seq);
		if (!j)
			share_stale(s, "job expired while queued");
		else if (!j->valid)
			share_stale(s, j->stale_why);
		else
			submit(s, &r, now);
	}
}

/* ---- answers to our requests ----------------------------------------------
 */

static void fail_session(struct session_ctx *s, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void fail_session(struct session_ctx *s, int code, const char *fmt, ...)
{
	va_list ap;

	if (s->fail)
		return;
	va_start(ap, fmt);
	vsnprintf(s->fail_reason, sizeof(s->fail_reason), fmt, ap);
	va_end(ap);
	s->fail = code;
	slog(s, SESSION_LOG_ERROR, "%s", s->fail_reason);
}

static const char *resp_reason(const struct stratum_response *r)
{
	if (r->is_error && r->reason[0])
		return r->reason;
	if (r->is_error)
		return "error";
	if (r->result == STRATUM_RESULT_FALSE)
		return "false";
	return "no result";
}

static void send_subscribe(struct session_ctx *s, int resume, uint64_t now);

static void on_configure(struct session_ctx *s, const struct stratum_msg *m,
                         uint64_t now)
{
	const struct stratum_response *r = &m->u.response;
	struct stratum_configure_result cr;
	char err[256];

	s->configure_pending = 0;
	if (r->is_error || r->result != STRATUM_RESULT_OTHER) {
		s->mask = 0;
		slog(s, SESSION_LOG_INFO,
		     "mining.configure not supported (%s): no version rolling",
		     resp_reason(r));
	} else if (stratum_result_configure(m, &cr, err, sizeof(err)) < 0) {
		s->mask = 0;
		s->st.lines_bad++;
		slog(s, SESSION_LOG_WARN, "bad mining.configure answer: %s",
		     err);
	} else {
		if (s->cfg.version_rolling && cr.version_rolling)
			s->mask = cr.version_mask & s->cfg.version_mask;
		else
			s->mask = 0;
		if (cr.version_rolling && !s->mask)
			slog(s, SESSION_LOG_WARN,
			     "pool's version mask shares no bit with ours");
		s->aux_negotiated = s->cfg.aux_extension && cr.aux_targets;
		slog(s, SESSION_LOG_INFO,
		     "configure: version rolling %s (mask %08x)%s",
		     s->mask ? "on" : "refused", s->mask,
		     s->aux_negotiated ? ", aux targets extension on" : "");
	}
	issue_current(s, SESSION_JOB_CLEAN);
	queue_release(s, now);
}

static void on_subscribe(struct session_ctx *s, const struct stratum_msg *m,
                         int resume, uint64_t now)
{
	const struct stratum_response *r = &m->u.response;
	struct stratum_subscribe_result sr;
	char err[256];
	int resumed;

	if (r->is_error || r->result != STRATUM_RESULT_OTHER) {
		if (resume) {
			slog(s, SESSION_LOG_INFO,
			     "subscribe with resume refused (%s), retrying "
			     "without",
			     resp_reason(r));
			s->session_id[0] = 0;
			send_subscribe(s, 0, now);
			return;
		}
		fail_session(s, TANDEM_ERR_IO, "mining.subscribe refused: %s",
		             resp_reason(r));
		return;
	}
	if (stratum_result_subscribe(m, &sr, err, sizeof(err)) < 0) {
		s->st.lines_bad++;
		fail_session(s, TANDEM_ERR_PARSE,
		             "bad mining.subscribe answer: %s", err);
		return;
	}
	if (sr.extranonce2_size == 0 || sr.extranonce2_size > TANDEM_MAX_EN2) {
		fail_session(s, TANDEM_ERR_UNSUPPORTED,
		             "mining.subscribe: extranonce2_size %u not "
		             "supported (the device protocol rolls 1..%u "
		             "bytes)",
		             sr.extranonce2_size, TANDEM_MAX_EN2);
		return;
	}
	resumed = s->had_session && sr.extranonce1_len == s->prev_en1_len &&
	          sr.extranonce2_size == s->prev_en2_size &&
	          memcmp(sr.extranonce1, s->prev_en1, sr.extranonce1_len) == 0;
	if (s->had_session && !resumed) {
		invalidate_jobs(s, -1, "new session");
		s->cur = -1;
		if (s->sink.stop)
			s->sink.stop(s->sink_user);
	}
	if (resumed)
		s->st.resumed++;
	copy_str(s->session_id, sizeof(s->session_id), sr.session);
	memcpy(s->en1, sr.extranonce1, sr.extranonce1_len);
	s->en1_len = sr.extranonce1_len;
	s->en2_size = sr.extranonce2_size;
	s->have_en1 = 1;
	s->subscribed = 1;
	slog(s, SESSION_LOG_INFO,
	     "subscribed%s: extranonce1 %zu bytes, extranonce2 %u bytes",
	     resumed ? " (session resumed)" : "", s->en1_len, s->en2_size);
	issue_current(s, SESSION_JOB_CLEAN);
	queue_release(s, now);
}

static void on_authorize(struct session_ctx *s, const struct stratum_msg *m,
                         uint64_t now)
{
	const struct stratum_response *r = &m->u.response;

	if (r->is_error || r->result != STRATUM_RESULT_TRUE) {
		fail_session(s, TANDEM_ERR_IO,
		             "mining.authorize refused for %s: %s", s->user,
		             resp_reason(r));
		return;
	}
	s->authorized = 1;
	slog(s, SESSION_LOG_INFO, "authorized as %s", s->user);
	queue_release(s, now);
}

static void on_submit_answer(struct session_ctx *s, const struct pending *p,
                             const struct stratum_msg *m)
{
	const struct stratum_response *r = &m->u.response;

	s->st.pending--;
	if (!r->is_error && r->result == STRATUM_RESULT_TRUE) {
		s->st.accepted++;
		s->st.accepted_diff += p->sh.diff;
		slog(s, SESSION_LOG_INFO, "share accepted (job %s, nonce %08x)",
		     p->sh.job_id, p->sh.nonce);
		return;
	}
	s->st.rejected++;
	s->st.rejected_diff += p->sh.diff;
	count_reason(&s->st.rejects, resp_reason(r));
	slog(s, SESSION_LOG_WARN, "share rejected (job %s, nonce %08x): %s",
	     p->sh.job_id, p->sh.nonce, resp_reason(r));
}

static void on_response(struct session_ctx *s, const struct stratum_msg *m,
                        uint64_t now)
{
	struct pending *p;
	struct pending copy;

	if (!m->has_id || !(p = pend_find(s, m->id))) {
		s->st.lines_bad++;
		slog(s, SESSION_LOG_WARN,
		     "answer to an unknown request id %lld",
		     m->has_id ? m->id : -1LL);
		return;
	}
	copy = *p;
	p->kind = REQ_NONE;
	switch (copy.kind) {
	case REQ_CONFIGURE:
		on_configure(s, m, now);
		break;
	case REQ_SUBSCRIBE:
		on_subscribe(s, m, copy.resume, now);
		break;
	case REQ_AUTHORIZE:
		on_authorize(s, m, now);
		break;
	case REQ_SUGGEST:
	case REQ_EXSUB:
		if (m->u.response.is_error)
			slog(s, SESSION_LOG_INFO, "%s: %s",
			     copy.kind == REQ_SUGGEST
			             ? "mining.suggest_difficulty"
			             : "mining.extranonce.subscribe",
			     resp_reason(&m->u.response));
		break;
	case REQ_SUBMIT:
		on_submit_answer(s, &copy, m);
		break;
	case REQ_NONE:
		break;
	}
}

/* ---- server messages ------------------------------------------------------
 */

static void on_notify(struct session_ctx *s, const struct stratum_msg *m,
                      uint64_t now)
{
	const struct stratum_notify *n = &m->u.notify;
	const struct aux_binding *b;
	struct job_slot *j = NULL;
	char err[256];
	size_t pick;
	int k;

	k = alloc_slot(s);
	if (k < 0) {
		slog(s, SESSION_LOG_ERROR, "out of memory for a job");
		return;
	}
	pick = (size_t)k;
	j = &s->slot[pick];
	job_from_msg(j->js, n);
	if (work_nbits_to_target(n->nbits, j->parent_target) < 0) {
		s->st.lines_bad++;
		slog(s, SESSION_LOG_WARN, "job %s ignored: bad nbits %08x",
		     n->job_id, n->nbits);
		j->used = 0;
		return;
	}
	/* Before subscribing the extranonce sizes are not known yet:
	 * issue_current checks then. */
	if (s->subscribed && job_fits_device(s, j->js, err, sizeof(err)) < 0) {
		s->st.jobs_refused++;
		slog(s, SESSION_LOG_ERROR, "job %s refused: %s", n->job_id,
		     err);
		j->used = 0;
		if (n->clean_jobs) {
			/* the pool flushed the old work: none is left */
			invalidate_jobs(s, -1, "job flushed (clean_jobs)");
			s->cur = -1;
			if (s->sink.stop)
				s->sink.stop(s->sink_user);
		}
		return;
	}
	j->used = 1;
	j->issued = 0;
	j->valid = 1;
	j->stale_why = NULL;
	j->ext_count = 0;
	b = find_binding(s, n->job_id);
	if (b) {
		j->ext_count = b->count;
		memcpy(j->ext, b->e, b->count * sizeof(b->e[0]));
	} else if (s->default_ext_used) {
		j->ext_count = s->default_ext_count;
		memcpy(j->ext, s->default_ext,
		       s->default_ext_count * sizeof(s->default_ext[0]));
	}
	s->st.jobs++;
	s->st.last_work_ms = now;
	if (n->clean_jobs) {
		size_t i;

		/* every other job goes; the same job sent again (a resumed
		 * session) stays valid */
		s->st.cleans++;
		for (i = 0; i < SESSION_MAX_JOBS; i++) {
			struct job_slot *o = &s->slot[i];

			if (i == pick || !o->used || !o->valid ||
			    strcmp(o->js->job_id, n->job_id) == 0)
				continue;
			o->valid = 0;
			o->stale_why = "job flushed (clean_jobs)";
		}
	}
	s->cur = (int)pick;
	issue_current(s, n->clean_jobs ? SESSION_JOB_CLEAN : 0);
	if (s->awaiting_notify) {
		s->awaiting_notify = 0;
		queue_release(s, now);
	}
}

static void on_set_extranonce(struct session_ctx *s,
                              const struct stratum_msg *m)
{
	const struct stratum_extranonce *e = &m->u.extranonce;

	if (e->extranonce2_size == 0 || e->extranonce2_size > JOB_EN_MAX ||
	    e->extranonce1_len > JOB_EN_MAX) {
		s->st.lines_bad++;
		slog(s, SESSION_LOG_WARN,
		     "mining.set_extranonce ignored: extranonce2_size %u",
		     e->extranonce2_size);
		return;
	}
	memcpy(s->en1, e->extranonce1, e->extranonce1_len);
	s->en1_len = e->extranonce1_len;
	s->en2_size = e->extranonce2_size;
	s->have_en1 = 1;
	slog(s, SESSION_LOG_INFO,
	     "extranonce changed: extranonce1 %zu bytes, extranonce2 %u bytes",
	     s->en1_len, s->en2_size);
	/* work built on the old extranonce1 cannot verify any more */
	if (s->cur >= 0 && s->slot[s->cur].issued) {
		int cur = s->cur;

		invalidate_jobs(s, cur, "extranonce changed");
		reissue_current(s, "extranonce changed", 1);
		if (s->cur != cur)
			return;
	}
	invalidate_jobs(s, -1, "extranonce changed");
	s->cur = -1;
	if (s->sink.stop)
		s->sink.stop(s->sink_user);
}

static void on_set_aux(struct session_ctx *s, const struct stratum_msg *m)
{
	const struct stratum_aux_targets *a = &m->u.aux;
	struct session_aux e[SESSION_MAX_AUX];
	size_t i, n = a->count;

	if (!s->aux_negotiated) {
		s->st.lines_bad++;
		slog(s, SESSION_LOG_WARN,
		     "mining.set_aux_targets ignored: "
		     "extension not negotiated");
		return;
	}
	if (n > SESSION_MAX_AUX)
		n = SESSION_MAX_AUX;
	for (i = 0; i < n; i++) {
		copy_str(e[i].name, sizeof(e[i].name), a->entry[i].name);
		memcpy(e[i].target, a->entry[i].target, 32);
	}
	if (!a->has_job_id) {
		s->default_ext_used = 1;
		s->default_ext_count = n;
		memcpy(s->default_ext, e, n * sizeof(e[0]));
		/* applies to the current job as well */
		if (s->cur >= 0) {
			s->slot[s->cur].ext_count = n;
			memcpy(s->slot[s->cur].ext, e, n * sizeof(e[0]));
			update_current(s);
		}
	} else {
		struct aux_binding *b = NULL;

		for (i = 0; i < SESSION_MAX_JOBS; i++) {
			struct job_slot *j = &s->slot[i];

			if (j->used && strcmp(j->js->job_id, a->job_id) == 0) {
				j->ext_count = n;
				memcpy(j->ext, e, n * sizeof(e[0]));
				if ((int)i == s->cur)
					update_current(s);
			}
		}
		for (i = 0; i < BOUND_AUX; i++)
			if (s->bound[i].used &&
			    strcmp(s->bound[i].job_id, a->job_id) == 0)
				b = &s->bound[i];
		if (!b) {
			b = &s->bound[s->bound_next];
			s->bound_next = (s->bound_next + 1) % BOUND_AUX;
		}
		b->used = 1;
		copy_str(b->job_id, sizeof(b->job_id), a->job_id);
		b->count = n;
		memcpy(b->e, e, n * sizeof(e[0]));
	}
	slog(s, SESSION_LOG_INFO, "aux targets: %zu chain(s)%s%s", n,
	     a->has_job_id ? " for job " : "", a->has_job_id ? a->job_id : "");
}

static void on_reconnect(struct session_ctx *s, const struct stratum_msg *m)
{
	const struct stratum_reconnect *r = &m->u.reconnect;

	if (r->host[0] && !s->cfg.allow_reconnect_host) {
		slog(s, SESSION_LOG_WARN,
		     "client.reconnect to %s:%u refused (other hosts not "
		     "allowed); reconnecting to the same pool",
		     r->host, r->port);
		if (s->sink.reconnect)
			s->sink.reconnect(s->sink_user, "", 0, r->wait);
		return;
	}
	slog(s, SESSION_LOG_INFO, "client.reconnect to %s:%u in %u s",
	     r->host[0] ? r->host : "(same host)", r->port, r->wait);
	if (s->sink.reconnect)
		s->sink.reconnect(s->sink_user, r->host, r->port, r->wait);
}

static void handle(struct session_ctx *s, const struct stratum_msg *m,
                   uint64_t now)
{
	char buf[LINE_CAP];

	switch (m->kind) {
	case STRATUM_RESPONSE:
		on_response(s, m, now);
		break;
	case STRATUM_NOTIFY:
		on_notify(s, m, now);
		break;
	case STRATUM_SET_DIFFICULTY:
		diff_push(s, now, m->u.difficulty);
		slog(s, SESSION_LOG_INFO, "difficulty %g", m->u.difficulty);
		update_current(s);
		break;
	case STRATUM_SET_EXTRANONCE:
		on_set_extranonce(s, m);
		break;
	case STRATUM_SET_VERSION_MASK: {
		uint32_t mask =
		        s->cfg.version_rolling
		                ? m->u.version_mask & s->cfg.version_mask
		                : 0;

		slog(s, SESSION_LOG_INFO, "version mask %08x", mask);
		if (mask != s->mask) {
			s->mask = mask;
			reissue_current(s, "version mask changed", 0);
		}
		break;
	}
	case STRATUM_SET_AUX_TARGETS:
		on_set_aux(s, m);
		break;
	case STRATUM_RECONNECT:
		on_reconnect(s, m);
		break;
	case STRATUM_SHOW_MESSAGE:
		slog(s, SESSION_LOG_WARN, "pool says: %s", m->u.message);
		break;
	case STRATUM_GET_VERSION:
		if (m->has_id)
			send_line(s, buf,
			          stratum_format_version(buf, sizeof(buf),
			                                 m->id, s->version));
		break;
	case STRATUM_PING:
		if (m->has_id)
			send_line(s, buf,
			          stratum_format_pong(buf, sizeof(buf), m->id));
		break;
	case STRATUM_UNKNOWN_METHOD:
	case STRATUM_NONE:
		break;
	}
}

/* ---- public ---------------------------------------------------------------
 */

void session_cfg_default(struct session_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->agent = "tandem";
	c->version = "tandem";
	c->version_rolling = 1;
	c->version_mask = 0x1fffe000u;
	c->version_min_bits = 2;
	c->extranonce_subscribe = 1;
	c->aux_extension = 1;
	c->queue_max = 64;
	c->submit_timeout_ms = 60000;
}

int session_new(const struct session_cfg *cfg, const struct session_sink *sink,
                void *user, struct session_ctx **out)
{
	struct session_ctx *s;

	if (!cfg || !out || !cfg->user || cfg->aux_count > SESSION_MAX_AUX ||
	    (cfg->aux_count && !cfg->aux) || cfg->queue_max == 0 ||
	    cfg->queue_max > SESSION_MAX_QUEUE || cfg->version_min_bits > 32)
		return TANDEM_ERR_INVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return TANDEM_ERR_NOMEM;
	s->cfg = *cfg;
	s->user = dup_str(cfg->user);
	s->pass = dup_str(cfg->pass ? cfg->pass : "");
	s->agent = dup_str(cfg->agent ? cfg->agent : "tandem");
	s->version = dup_str(cfg->version ? cfg->version : "tandem");
	s->queue = calloc(cfg->queue_max, sizeof(*s->queue));
	s->dedupe = calloc(SESSION_DEDUPE, sizeof(*s->dedupe));
	if (!s->user || !s->pass || !s->agent || !s->version || !s->queue ||
	    !s->dedupe) {
		session_free(s);
		return TANDEM_ERR_NOMEM;
	}
	s->cfg.user = s->user;
	s->cfg.pass = s->pass;
	s->cfg.agent = s->agent;
	s->cfg.version = s->version;
	if (cfg->aux_count)
		memcpy(s->static_aux, cfg->aux,
		       cfg->aux_count * sizeof(cfg->aux[0]));
	s->cfg.aux = s->static_aux;
	if (sink)
		s->sink = *sink;
	s->sink_user = user;
	s->cur = -1;
	s->next_id = 1;
	s->next_seq = 1;
	diff_push(s, 0, 1.0); /* Stratum's default until set_difficulty */
	*out = s;
	return 0;
}

void session_free(struct session_ctx *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < SESSION_MAX_JOBS; i++)
		free(s->slot[i].js);
	free(s->user);
	free(s->pass);
	free(s->agent);
	free(s->version);
	free(s->queue);
	free(s->dedupe);
	free(s->out);
	free(s);
}

static void send_subscribe(struct session_ctx *s, int resume, uint64_t now)
{
	char buf[LINE_CAP];
	struct pending *p;
	uint32_t id = s->next_id++;
	int n;

	n = stratum_format_subscribe(buf, sizeof(buf), id, s->agent,
	                             resume ? s->session_id : NULL);
	if (n < 0 && resume) {
		resume = 0;
		n = stratum_format_subscribe(buf, sizeof(buf), id, s->agent,
		                             NULL);
	}
	if (n < 0 || !(p = pend_add(s, REQ_SUBSCRIBE, id, now))) {
		fail_session(s, TANDEM_ERR_INVAL, "cannot format subscribe");
		return;
	}
	p->resume = resume;
	out_append(s, buf, (size_t)n);
}

/* mining.configure with every extension the configuration asks for.
 * Returns the line length, 0 when there is nothing to ask, or < 0. */
static int format_configure(struct session_ctx *s, char *buf, size_t cap,
                            uint32_t id)
{
	struct stratum_configure_req req;

	memset(&req, 0, sizeof(req));
	req.version_rolling = s->cfg.version_rolling;
	req.version_mask = s->cfg.version_mask;
	req.version_min_bit_count = s->cfg.version_min_bits;
	req.minimum_difficulty = s->cfg.minimum_difficulty > 0;
	req.minimum_difficulty_value = s->cfg.minimum_difficulty;
	req.subscribe_extranonce = s->cfg.extranonce_subscribe;
	req.aux_targets = s->cfg.aux_extension;
	if (!(req.version_rolling || req.minimum_difficulty ||
	      req.subscribe_extranonce || req.aux_targets))
		return 0;
	return stratum_format_configure(buf, cap, id, &req);
}

int session_connected(struct session_ctx *s, uint64_t now)
{
	char buf[LINE_CAP];
	struct pending *p;
	uint32_t id;
	int n;

	if (!s)
		return TANDEM_ERR_INVAL;
	s->up = 1;
	s->subscribed = 0;
	s->authorized = 0;
	s->fail = 0;
	s->fail_reason[0] = 0;
	s->aux_negotiated = 0;
	s->configure_pending = 0;
	s->out_len = 0;
	s->st.connects++;
	if (s->have_en1) {
		s->had_session = 1;
		memcpy(s->prev_en1, s->en1, s->en1_len);
		s->prev_en1_len = s->en1_len;
		s->prev_en2_size = s->en2_size;
		s->awaiting_notify = 1;
	}
	id = s->next_id;
	n = format_configure(s, buf, sizeof(buf), id);
	if (n > 0 && (p = pend_add(s, REQ_CONFIGURE, id, now))) {
		s->next_id++;
		s->configure_pending = 1;
		out_append(s, buf, (size_t)n);
	} else {
		s->mask = 0;
	}
	send_subscribe(s, s->session_id[0] != 0, now);
	id = s->next_id++;
	n = stratum_format_authorize(buf, sizeof(buf), id, s->user, s->pass);
	if (n < 0 || !(p = pend_add(s, REQ_AUTHORIZE, id, now))) {
		fail_session(s, TANDEM_ERR_INVAL, "cannot format authorize");
		return s->fail;
	}
	out_append(s, buf, (size_t)n);
	if (s->cfg.suggest_difficulty > 0) {
		id = s->next_id++;
		n = stratum_format_suggest_difficulty(
		        buf, sizeof(buf), id, s->cfg.suggest_difficulty);
		if (n > 0 && pend_add(s, REQ_SUGGEST, id, now))
			out_append(s, buf, (size_t)n);
	}
	if (s->cfg.extranonce_subscribe) {
		id = s->next_id++;
		n = stratum_format_extranonce_subscribe(buf, sizeof(buf), id);
		if (n > 0 && pend_add(s, REQ_EXSUB, id, now))
			out_append(s, buf, (size_t)n);
	}
	return 0;
}

void session_disconnected(struct session_ctx *s, uint64_t now)
{
	size_t i;

	(void)now;
	if (!s)
		return;
	s->up = 0;
	s->subscribed = 0;
	s->authorized = 0;
	s->configure_pending = 0;
	s->out_len = 0;
	for (i = 0; i < SESSION_MAX_PENDING; i++) {
		if (s->pend[i].kind == REQ_SUBMIT) {
			s->st.pending--;
			share_dropped(s, "connection lost before the answer");
		}
		s->pend[i].kind = REQ_NONE;
	}
	/* jobs stay valid until the next subscription tells whether the
	 * session resumed; shares found meanwhile are queued */
}

void session_abandon(struct session_ctx *s, const char *why)
{
	size_t i;

	if (!s)
		return;
	if (!why)
		why = "pool abandoned";
	for (i = 0; i < SESSION_MAX_PENDING; i++) {
		if (s->pend[i].kind == REQ_SUBMIT) {
			s->st.pending--;
			share_dropped(s, why);
		}
		s->pend[i].kind = REQ_NONE;
	}
	while (s->q_len) {
		s->q_head = (s->q_head + 1) % s->cfg.queue_max;
		s->q_len--;
		s->st.queued--;
		s->st.pending--;
		share_dropped(s, why);
	}
	invalidate_jobs(s, -1, why);
}

int session_line(struct session_ctx *s, const char *line, size_t len,
                 uint64_t now)
{
	struct stratum_msg m;
	char err[256];
	char buf[LINE_CAP];
	int rc;

	if (!s || (!line && len))
		return TANDEM_ERR_INVAL;
	s->st.lines_in++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len == 0)
		return 0;
	rc = stratum_parse_line(line, len, &m, err, sizeof(err));
	if (rc == TANDEM_ERR_UNSUPPORTED && m.kind == STRATUM_UNKNOWN_METHOD) {
		s->st.unknown_methods++;
		slog(s, SESSION_LOG_WARN, "unknown method %s%s", m.method,
		     m.has_id ? " (answered with an error)" : "");
		if (m.has_id)
			send_line(s, buf,
			          stratum_format_error(buf, sizeof(buf), m.id,
			                               20, "unknown method"));
	} else if (rc < 0) {
		s->st.lines_bad++;
		slog(s, SESSION_LOG_WARN, "bad line from the pool (%s): %s",
		     tandem_errname(rc), err);
	} else {
		handle(s, &m, now);
	}
	stratum_msg_free(&m);
	return 0;
}

void session_tick(struct session_ctx *s, uint64_t now)
{
	size_t i;

	if (!s || !s->cfg.submit_timeout_ms)
		return;
	for (i = 0; i < SESSION_MAX_PENDING; i++) {
		struct pending *p = &s->pend[i];

		if (p->kind != REQ_SUBMIT ||
		    now < p->sent_ms + s->cfg.submit_timeout_ms)
			continue;
		p->kind = REQ_NONE;
		s->st.pending--;
		share_dropped(s, "no answer in time");
	}
}

size_t session_out(const struct session_ctx *s, const char **data)
{
	*data = s->out;
	return s->out_len;
}

void session_out_consume(struct session_ctx *s, size_t n)
{
	if (n >= s->out_len) {
		s->out_len = 0;
		return;
	}
	memmove(s->out, s->out + n, s->out_len - n);
	s->out_len -= n;
}

int session_share(struct session_ctx *s, const struct session_share_in *sh,
                  uint64_t now)
{
	struct session_aux aux[SESSION_MAX_AUX];
	uint8_t header[80], hash[32], target[32];
	struct share_rec r;
	struct job_slot *j;
	size_t i, naux;
	uint64_t t;
	uint32_t mask;

	if (!s || !sh || (!sh->en2 && sh->en2_len))
		return TANDEM_ERR_INVAL;
	j = slot_by_seq(s, sh->seq);
	if (!j) {
		s->st.unknown_job++;
		return SESSION_SHARE_UNKNOWN;
	}
	if (sh->en2_len != j->en2_size)
		return TANDEM_ERR_INVAL;
	if (job_header(j->js, j->en1, j->en1_len, sh->en2, sh->en2_len,
	               sh->version, sh->ntime, sh->nonce, header) < 0)
		return TANDEM_ERR_INVAL;
	sha256d(header, sizeof(header), hash);

	memset(&r, 0, sizeof(r));
	r.seq = sh->seq;
	copy_str(r.job_id, sizeof(r.job_id), j->js->job_id);
	memcpy(r.en2, sh->en2, sh->en2_len);
	r.en2_len = sh->en2_len;
	r.ntime = sh->ntime;
	r.nonce = sh->nonce;
	r.version = sh->version;
	if (dedupe_check(s, &r)) {
		s->st.duplicates++;
		return SESSION_SHARE_DUPLICATE;
	}

	/* block candidates: reported whatever becomes of the share */
	if (work_hash_meets(hash, j->parent_target)) {
		count_chain(s, "parent");
		slog(s, SESSION_LOG_ERROR,
		     "*** BLOCK CANDIDATE for the parent chain: job %s nonce "
		     "%08x ***",
		     r.job_id, r.nonce);
	}
	naux = job_aux(s, j, aux);
	for (i = 0; i < naux; i++) {
		if (!work_hash_meets(hash, aux[i].target))
			continue;
		count_chain(s, aux[i].name);
		slog(s, SESSION_LOG_ERROR,
		     "*** BLOCK CANDIDATE for aux chain %s: job %s nonce "
		     "%08x ***",
		     aux[i].name, r.job_id, r.nonce);
	}

	t = sh->found_ms ? sh->found_ms : now;
	r.diff = diff_at(s, t);
	if (work_difficulty_to_target(r.diff, target) < 0 ||
	    !work_hash_meets(hash, target)) {
		s->st.below_target++;
		return SESSION_SHARE_LOW;
	}
	s->st.found++;
	s->st.last_share_ms = now;
	if (!j->valid) {
		share_stale(s, j->stale_why);
		return SESSION_SHARE_STALE;
	}
	if (j->en1_len != s->en1_len ||
	    memcmp(j->en1, s->en1, s->en1_len) != 0) {
		share_stale(s, "extranonce changed");
		return SESSION_SHARE_STALE;
	}
	mask = j->mask & s->mask;
	if ((sh->version ^ j->js->version) & ~mask) {
		share_dropped(s, "version bits outside the agreed mask");
		return SESSION_SHARE_DROPPED;
	}
	if (sh->ntime < j->js->ntime ||
	    sh->ntime > j->js->ntime + NTIME_AHEAD) {
		share_dropped(s, "ntime out of range");
		return SESSION_SHARE_DROPPED;
	}
	if (can_submit(s) && s->q_len == 0)
		return submit(s, &r, now);
	queue_push(s, &r);
	return SESSION_SHARE_QUEUED;
}

int session_ready(const struct session_ctx *s)
{
	return s && s->up && s->subscribed && s->authorized && !s->fail;
}

int session_failed(const struct session_ctx *s)
{
	return s ? s->fail : TANDEM_ERR_INVAL;
}

const char *session_fail_reason(const struct session_ctx *s)
{
	return s && s->fail ? s->fail_reason : "";
}

const struct session_job *session_current(struct session_ctx *s)
{
	struct job_slot *j;

	if (!s || s->cur < 0 || !can_issue(s))
		return NULL;
	j = &s->slot[s->cur];
	if (!j->issued || !j->valid)
		return NULL;
	fill_view(s, j);
	return &s->view;
}

void session_get_stats(const struct session_ctx *s, struct session_stats *st)
{
	*st = s->st;
}

uint32_t session_version_mask(const struct session_ctx *s)
{
	return s ? s->mask : 0;
}
