/* tandem mine: devices mining for Stratum pools. The glue between the pool
 * side (upstream.h: failover list of sessions, TLS, share accounting) and
 * the device side (device.h: frames, re-verification, reconnects):
 *
 *   upstream sink.job  -> one proto_job per device in Stratum-job mode (the
 *                         device rolls extranonce2 and version bits), each
 *                         device on its own extranonce2 range; targets
 *                         slot 0 share, slot 1 parent (nbits), 2.. aux
 *                      -> a device without Stratum-job mode (INFO
 *                         work_modes) gets header-mode JOBs instead: the
 *                         host rolls extranonce2 over the same range
 *                         (hdrwork.h), one JOB per value, the next one
 *                         when the device reports the range done
 *   clean_jobs         -> device_start_job(clean): FLUSH, then the job
 *   sink.stop, no pool -> device_flush(): the devices stop hashing
 *   device share       -> upstream_share() with the job's seq (the session
 *                         decides: submit, queue, local-only, stale)
 *
 * A status line goes to stderr every few seconds; at the end (signal,
 * --seconds, --max-shares) the devices stop, answers to submitted shares
 * are awaited, the summary goes to stderr and one JSON object with every
 * counter to stdout. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "api.h"
#include "boards.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "cpudev.h"
#include "device.h"
#include "hdrwork.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "transport.h"
#include "upstream.h"
#include "work.h"

#define MINE_MAX_DEVICES 64
#define MINE_JOB_MAP     8   /* device job ids remembered per device */
#define MINE_RATE_WIN    5   /* seconds of the short hash rate */
#define MINE_LAT_MAX     64u /* clean-job acknowledgements listed */
#define MINE_VERSION     "tandem-0.1"

/* device job id -> upstream seq, for shares of jobs replaced without a
 * flush (still valid at the pool); for a header-mode JOB also the
 * extranonce2 the host built it from (its shares carry none). */
struct job_map {
	uint32_t job_id;
	uint32_t seq;
	int used;
	int header;
	uint8_t en2[TANDEM_MAX_EN2];
	uint8_t en2_size;
};

struct mine_dev {
	struct miner *m;
	struct device *d;
	char spec[CONFIG_MAX_DEVICE + 1];
	int index; /* in miner.dev: the device's extranonce2 slice */
	int ready;
	int have_job;
	/* work mode, known once INFO is in */
	int header;      /* header-mode JOBs built by the host */
	int unusable;    /* offers no mode this host can drive */
	uint32_t cur_id; /* device job id of the newest JOB */
	/* header mode: extranonce2 of the next JOB; en2_left 0 when the
	 * device's slice is used up (idle until the next pool job) */
	uint8_t en2[TANDEM_MAX_EN2];
	int en2_left;
	struct job_map map[MINE_JOB_MAP];
	unsigned map_next;
	/* latency probe of the last clean job */
	int lat_pending;
	uint32_t lat_job_id; /* the device's id of that job */
	char lat_job[STRATUM_MAX_JOB_ID + 1];
	uint64_t handed;
	uint64_t results[8];
	int slots_warned;
	int lost; /* the device manager gave up on it */
};

struct miner {
	struct loop *loop;
	struct upstream *up;
	struct api *api;
	struct mine_dev dev[MINE_MAX_DEVICES];
	int ndev;
	int done;   /* leaving: no new work */
	int failed; /* devices given up */
	/* the current job, copied (session pointers live until the next
	 * call into the session) */
	int have_job;
	uint32_t seq;
	struct job_stratum js;
	uint8_t en1[JOB_EN_MAX];
	size_t en1_len;
	unsigned en2_size;
	uint32_t mask;
	struct proto_target pt[TANDEM_MAX_SLOTS];
	size_t npt;
	uint64_t issued;  /* jobs given to the devices: en2 start offset */
	int force_header; /* --header-jobs */
	uint32_t header_nonces; /* nonces per header JOB, 0 = 2^32 */
	/* counters for the summary */
	uint64_t jobs, cleans, stops, updates;
	uint64_t jobs_header, jobs_stratum; /* JOBs started, by mode */
	uint64_t handed, results[8], share_errors;
	uint64_t started_ms;
	struct {
		char job_id[STRATUM_MAX_JOB_ID + 1];
		double ack_s; /* CLOCK_MONOTONIC seconds of the ACK */
		double ms;    /* from the notify's arrival to the ACK */
	} lat[MINE_LAT_MAX];
	unsigned nlat;
	double lat_sum, lat_max;
	/* hash rate: total hashes sampled once a second */
	uint64_t rate_h[MINE_RATE_WIN + 1];
	uint64_t rate_t[MINE_RATE_WIN + 1];
	unsigned rate_n;
};

struct mine_opts {
	struct upstream_cfg ucfg;
	struct api_cfg acfg;
	struct session_aux aux[SESSION_MAX_AUX];
	struct cli_common co;
	const char *config;
	double seconds;
	uint64_t max_shares;
	unsigned status_s;
	unsigned drain_ms;
	int force_header;
	uint32_t header_nonces;
	int help;
};

/* ---- jobs to devices ------------------------------------------------------
 */

/* Targets of the current job: share, parent, then aux (as many as the
 * device has slots for). */
static void make_targets(struct miner *m, const struct session_job *j)
{
	size_t i;

	memset(m->pt, 0, sizeof(m->pt));
	m->pt[0].slot = 0;
	m->pt[0].flags = PROTO_TARGET_ENABLE;
	memcpy(m->pt[0].target, j->share_target, 32);
	m->pt[1].slot = 1;
	m->pt[1].flags = PROTO_TARGET_ENABLE;
	memcpy(m->pt[1].target, j->parent_target, 32);
	m->npt = 2;
	for (i = 0; i < j->aux_count && m->npt < TANDEM_MAX_SLOTS; i++) {
		m->pt[m->npt].slot = (uint8_t)m->npt;
		m->pt[m->npt].flags = PROTO_TARGET_ENABLE;
		memcpy(m->pt[m->npt].target, j->aux[i].target, 32);
		m->npt++;
	}
}

static void dev_set_targets(struct mine_dev *md)
{
	const struct proto_info *in = device_info(md->d);
	size_t n = md->m->npt;

	if (in && in->target_slots && n > in->target_slots) {
		if (!md->slots_warned)
			log_warn(device_name(md->d),
			         "%u target slots: %zu aux chain(s) only "
			         "checked by the pool side",
			         in->target_slots, n - in->target_slots);
		md->slots_warned = 1;
		n = in->target_slots;
	}
	if (device_set_targets(md->d, md->m->pt, n) < 0)
		log_warn(device_name(md->d), "cannot set the targets");
}

static void map_add(struct mine_dev *md, uint32_t job_id, uint32_t seq,
                    const uint8_t *hdr_en2, unsigned en2_size)
{
	struct job_map *e = &md->map[md->map_next++ % MINE_JOB_MAP];

	memset(e, 0, sizeof(*e));
	e->job_id = job_id;
	e->seq = seq;
	e->used = 1;
	if (hdr_en2) {
		e->header = 1;
		memcpy(e->en2, hdr_en2, TANDEM_MAX_EN2);
		e->en2_size = (uint8_t)en2_size;
	}
}

static const struct job_map *map_find(const struct mine_dev *md,
                                      uint32_t job_id)
{
	unsigned i;

	for (i = 0; i < MINE_JOB_MAP; i++)
		if (md->map[i].used && md->map[i].job_id == job_id)
			return &md->map[i];
	return NULL;
}

/* Nonces per (extranonce2, version) unit: about one second of the
 * device's work (a power of two, 2^16..2^32), so version bits and
 * extranonce2 roll on a slow device too. 0 means 2^32. */
static uint32_t nonce_window(const struct mine_dev *md)
{
	const struct proto_info *in = device_info(md->d);
	struct device_stats st;
	double rate = 0;
	uint64_t w = 1u << 16;

	if (in && in->clock_hz)
		rate = (double)in->clock_hz * in->pipelines /
		       (double)proto_clocks_per_nonce(in->loop_log2);
	device_get_stats(md->d, &st);
	if (st.hashrate_avg > 0 && (rate <= 0 || st.hashrate_avg < rate))
		rate = st.hashrate_avg;
	if (rate <= 0)
		rate = (double)(1u << 20);
	while (w < (1ull << 32) && (double)(w * 2) <= rate)
		w *= 2;
	return w >= (1ull << 32) ? 0 : (uint32_t)w;
}

/* Hands one JOB to the device and remembers it for its shares (hdr_en2:
 * the extranonce2 of a header-mode JOB, NULL in Stratum mode). */
static int dev_send(struct mine_dev *md, const struct proto_job *pj, int clean,
                    const uint8_t *hdr_en2)
{
	struct miner *m = md->m;
	uint32_t id;
	int rc;

	md->lat_pending = 0;
	rc = device_start_job(md->d, pj, clean, &id);
	if (rc < 0) {
		log_err(device_name(md->d), "cannot queue job %s: %s",
		        m->js.job_id, tandem_strerror(rc));
		md->have_job = 0;
		return rc;
	}
	if (clean) {
		/* measured when the device ACKs it (ev_job_acked) */
		md->lat_pending = device_is_ready(md->d);
		md->lat_job_id = id;
		snprintf(md->lat_job, sizeof(md->lat_job), "%s", m->js.job_id);
		memset(md->map, 0, sizeof(md->map));
	}
	map_add(md, id, m->seq, hdr_en2, m->en2_size);
	md->cur_id = id;
	md->have_job = 1;
	if (hdr_en2)
		m->jobs_header++;
	else
		m->jobs_stratum++;
	return 0;
}

/* Header mode: the JOB for the device's next extranonce2 (the whole
 * header built here: coinbase, merkle root, midstate and tail, the job's
 * own version and ntime), then the extranonce2 steps on inside the
 * device's slice. */
static void dev_next_header(struct mine_dev *md, int clean)
{
	struct miner *m = md->m;
	struct proto_job pj;
	uint8_t en2[TANDEM_MAX_EN2];
	int rc;

	if (!md->en2_left) {
		log_warn(device_name(md->d),
		         "job %s: extranonce2 range used up; idle until the "
		         "next job",
		         m->js.job_id);
		if (clean && device_flush(md->d) < 0)
			log_warn(device_name(md->d), "cannot flush");
		md->have_job = 0;
		return;
	}
	memcpy(en2, md->en2, sizeof(en2));
	rc = hdrwork_job(&m->js, m->en1, m->en1_len, en2, m->en2_size,
	                 m->js.version, 0, m->header_nonces, &pj, NULL);
	if (rc < 0) {
		log_err(device_name(md->d), "job %s: no header: %s",
		        m->js.job_id, tandem_strerror(rc));
		md->have_job = 0;
		return;
	}
	if (dev_send(md, &pj, clean, en2) < 0)
		return;
	if (hdrwork_en2_next((unsigned)md->index, (unsigned)m->ndev,
	                     m->en2_size, md->en2) < 0)
		md->en2_left = 0;
}

/* A new pool job for device md (or a device that just became ready).
 * Device i of n gets the i-th slice of the extranonce2 space in either
 * mode (hdrwork_en2_start: top byte, and a job counter below it so a
 * job the pool sends again does not repeat work). Nothing goes to a
 * device before its INFO says which mode it takes. */
static void dev_start(struct mine_dev *md, int clean)
{
	struct miner *m = md->m;
	struct proto_job pj;
	uint8_t en2[TANDEM_MAX_EN2];
	int rc;

	if (!md->ready || md->unusable)
		return;
	rc = hdrwork_en2_start((unsigned)md->index, (unsigned)m->ndev,
	                       m->issued, m->en2_size, en2);
	if (rc < 0) {
		log_err(device_name(md->d),
		        "job %s: extranonce2 size %u not usable: %s",
		        m->js.job_id, m->en2_size, tandem_strerror(rc));
		md->have_job = 0;
		return;
	}
	dev_set_targets(md);
	if (md->header) {
		memcpy(md->en2, en2, sizeof(en2));
		md->en2_left = 1;
		dev_next_header(md, clean);
		return;
	}
	rc = job_proto_stratum(&m->js, m->en1, m->en1_len, en2, m->en2_size,
	                       m->mask, 0, nonce_window(md), &pj);
	if (rc < 0) {
		log_err(device_name(md->d),
		        "job %s does not fit the device: %s", m->js.job_id,
		        tandem_strerror(rc));
		return;
	}
	dev_send(md, &pj, clean, NULL);
}

static void sink_job(void *user, const struct session_job *j, unsigned flags)
{
	struct miner *m = user;
	int i;

	if (m->done)
		return;
	if (flags & SESSION_JOB_UPDATE) {
		if (!m->have_job || j->seq != m->seq)
			return;
		m->updates++;
		make_targets(m, j);
		for (i = 0; i < m->ndev; i++)
			dev_set_targets(&m->dev[i]);
		return;
	}
	m->jobs++;
	if (flags & SESSION_JOB_CLEAN)
		m->cleans++;
	if (j->en1_len > sizeof(m->en1) || j->en2_size > TANDEM_MAX_EN2) {
		log_err("mine", "job %s: extranonce sizes do not fit",
		        j->js->job_id);
		return;
	}
	m->seq = j->seq;
	m->js = *j->js;
	memcpy(m->en1, j->en1, j->en1_len);
	m->en1_len = j->en1_len;
	m->en2_size = j->en2_size;
	m->mask = j->version_mask;
	make_targets(m, j);
	m->issued++;
	/* a job that follows "no work" must flush whatever is left */
	for (i = 0; i < m->ndev; i++)
		dev_start(&m->dev[i],
		          (flags & SESSION_JOB_CLEAN) || !m->have_job);
	m->have_job = 1;
	log_info("mine", "job %s (seq %08x)%s, diff %g, mask %08x",
	         m->js.job_id, j->seq,
	         flags & SESSION_JOB_CLEAN ? " clean" : "", j->difficulty,
	         m->mask);
}

static void devices_stop(struct miner *m)
{
	int i;

	for (i = 0; i < m->ndev; i++) {
		if (m->dev[i].have_job && device_flush(m->dev[i].d) < 0)
			log_warn(device_name(m->dev[i].d), "cannot flush");
		m->dev[i].have_job = 0;
	}
	m->have_job = 0;
}

static void sink_stop(void *user)
{
	struct miner *m = user;

	if (m->have_job)
		log_warn("mine", "no work from any pool: devices stopped");
	m->stops++;
	devices_stop(m);
}

static const struct upstream_sink mine_sink = {
        .job = sink_job,
        .stop = sink_stop,
};

/* ---- device events
 * -----------------------------------------------------------
 */

/* The work mode from INFO: Stratum-mode JOBs when the device rolls them
 * (unless --header-jobs), else host-built header-mode JOBs. */
static void dev_pick_mode(struct mine_dev *md, const struct proto_info *in)
{
	unsigned modes = in ? in->work_modes : 0;
	int was = md->header;

	md->unusable = 0;
	if (modes & PROTO_MODE_STRATUM)
		md->header = md->m->force_header && (modes & PROTO_MODE_HEADER);
	else if (modes & PROTO_MODE_HEADER)
		md->header = 1;
	else
		md->unusable = 1;
	if ((modes & PROTO_MODE_STRATUM) && !(modes & PROTO_MODE_HEADER) &&
	    md->m->force_header && !md->ready)
		log_warn(device_name(md->d),
		         "no header mode: Stratum-mode jobs despite "
		         "--header-jobs");
	if (md->unusable)
		log_err(device_name(md->d),
		        "device offers no work mode this host drives (modes "
		        "%x)",
		        modes);
	else if (md->header && (!md->ready || was != md->header))
		log_info(device_name(md->d),
		         "header-mode jobs: the host rolls extranonce2 "
		         "(device modes %x)",
		         modes);
}

static void ev_ready(struct device *d, void *user, int reconnected)
{
	struct mine_dev *md = user;
	struct miner *m = md->m;
	const struct proto_info *in = device_info(d);
	int was_header = md->header;

	dev_pick_mode(md, in);
	md->ready = 1;
	if (reconnected)
		log_warn(device_name(d), "device back");
	else
		log_info(device_name(d), "ready: %u pipelines, %u slots",
		         in ? in->pipelines : 0, in ? in->target_slots : 0);
	if (!m->have_job || m->done || md->unusable)
		return;
	if (!reconnected || !md->have_job || was_header != md->header) {
		/* first work (or a device that changed its mode) */
		dev_start(md, 0);
	} else if (md->header) {
		/* the device manager put the old JOB back, from its first
		 * nonce: take the next extranonce2 instead of hashing that
		 * range again */
		dev_set_targets(md);
		dev_next_header(md, 0);
	} else {
		/* Stratum mode: the manager resumed the JOB at the
		 * extranonce2 the device last reported */
		dev_set_targets(md);
	}
}

/* A header-mode JOB's nonce range is done: the next extranonce2. */
static void ev_job_done(struct device *d, void *user, uint32_t job_id)
{
	struct mine_dev *md = user;
	struct miner *m = md->m;

	if (m->done || !m->have_job || !md->header || !md->have_job ||
	    job_id != md->cur_id)
		return;
	log_debug(device_name(d), "job %u done: next extranonce2", job_id);
	dev_next_header(md, 0);
}

/* When a share was found, for the session's difficulty history: now,
 * unless the device found it under a target set the host has replaced
 * since (a difficulty change while it was on its way); then the last
 * millisecond that set was the newest. The session keys its difficulty
 * changes by the millisecond the line arrived, and the set is replaced
 * while that line is handled, so this lands before the change. */
static uint64_t found_ms(const struct device_share *sh)
{
	uint64_t until = sh->targets_until_ms;

	if (!until)
		return loop_now_ms();
	return until - 1 > sh->targets_since_ms ? until - 1
	                                        : sh->targets_since_ms;
}

static void ev_share(struct device *d, void *user,
                     const struct device_share *sh)
{
	struct mine_dev *md = user;
	struct miner *m = md->m;
	const struct job_map *e = map_find(md, sh->job_id);
	struct session_share_in in;
	int rc;

	if (!e) {
		log_debug(device_name(d), "share of a forgotten job %u",
		          sh->job_id);
		return;
	}
	memset(&in, 0, sizeof(in));
	in.seq = e->seq;
	if (e->header) {
		/* the JOB's header was built from this extranonce2 */
		in.en2 = e->en2;
		in.en2_len = e->en2_size;
	} else {
		in.en2 = sh->en2;
		in.en2_len = sh->en2_size;
	}
	in.ntime = sh->ntime;
	in.nonce = sh->nonce;
	in.version = sh->version;
	in.found_ms = found_ms(sh);
	m->handed++;
	md->handed++;
	rc = upstream_share(m->up, &in);
	if (rc >= 0 && rc < 8) {
		m->results[rc]++;
		md->results[rc]++;
	} else {
		m->share_errors++;
		log_warn(device_name(d), "share not taken: %s",
		         tandem_strerror(rc));
	}
	if (rc == SESSION_SHARE_LOW && (sh->slots & ~1u))
		log_info(device_name(d),
		         "share meets a block target only (local, not "
		         "submitted)");
}

/* The ACK latency of clean jobs (from device_start_job to the ACK). */
static void ev_job_acked(struct device *d, void *user, uint32_t job_id,
                         double l)
{
	struct mine_dev *md = user;
	struct miner *m = md->m;

	if (!md->lat_pending || job_id != md->lat_job_id || l < 0)
		return;
	md->lat_pending = 0;
	if (m->nlat < MINE_LAT_MAX) {
		snprintf(m->lat[m->nlat].job_id, sizeof(m->lat[0].job_id), "%s",
		         md->lat_job);
		m->lat[m->nlat].ack_s = (double)loop_now_us() / 1e6;
		m->lat[m->nlat].ms = l;
	}
	m->nlat++;
	m->lat_sum += l;
	if (l > m->lat_max)
		m->lat_max = l;
	log_debug(device_name(d), "clean job acknowledged in %.2f ms", l);
}

static void ev_nak(struct device *d, void *user, const struct proto_nak *n)
{
	log_warn(device_name(d), "device refused a %s (reason %u)",
	         proto_type_name(n->type), n->reason);
}

static void ev_failed(struct device *d, void *user, int err)
{
	struct mine_dev *md = user;

	md->ready = 0;
	md->have_job = 0;
	if (!md->lost)
		md->m->failed++;
	md->lost = 1;
	log_err(device_name(d), "device lost: %s", tandem_strerror(err));
}

static const struct device_events mine_events = {
        .ready = ev_ready,
        .share = ev_share,
        .job_acked = ev_job_acked,
        .job_done = ev_job_done,
        .nak = ev_nak,
        .failed = ev_failed,
};

/* ---- statistics ------------------------------------------------------------
 */

struct dev_totals {
	uint64_t hashes, hw_errors, dup, stale, reconnects, naks;
	double up_s;
};

static void totals(const struct miner *m, struct dev_totals *t)
{
	int i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < m->ndev; i++) {
		struct device_stats st;

		device_get_stats(m->dev[i].d, &st);
		t->hashes += st.hashes_total;
		t->hw_errors += st.hw_errors;
		t->dup += st.duplicates;
		t->stale += st.stale;
		t->reconnects += st.reconnects;
		t->naks += st.naks;
	}
	t->up_s = (double)(loop_now_ms() - m->started_ms) / 1000.0;
}

/* Hash rate over the last MINE_RATE_WIN seconds of samples. */
static double rate_short(const struct miner *m)
{
	unsigned n =
	        m->rate_n < MINE_RATE_WIN + 1 ? m->rate_n : MINE_RATE_WIN + 1;
	unsigned last = (m->rate_n + MINE_RATE_WIN) % (MINE_RATE_WIN + 1);
	unsigned first =
	        (m->rate_n + MINE_RATE_WIN + 1 - n + 1) % (MINE_RATE_WIN + 1);

	if (n < 2 || m->rate_t[last] <= m->rate_t[first])
		return 0;
	return (double)(m->rate_h[last] - m->rate_h[first]) * 1000.0 /
	       (double)(m->rate_t[last] - m->rate_t[first]);
}

static void rate_sample(struct miner *m)
{
	struct dev_totals t;
	unsigned k = m->rate_n % (MINE_RATE_WIN + 1);

	totals(m, &t);
	m->rate_h[k] = t.hashes;
	m->rate_t[k] = loop_now_ms();
	m->rate_n++;
}

static void status_line(struct miner *m)
{
	struct dev_totals t;
	char up[512];

	totals(m, &t);
	upstream_status(m->up, up, sizeof(up));
	log_warn("status",
	         "%.2f MH/s (5s) %.2f MH/s (avg) | HW %llu | %s | jobs %llu "
	         "(clean %llu)",
	         rate_short(m) / 1e6,
	         t.up_s > 0 ? (double)t.hashes / t.up_s / 1e6 : 0.0,
	         (unsigned long long)t.hw_errors, up,
	         (unsigned long long)m->jobs, (unsigned long long)m->cleans);
}

/* ---- API -------------------------------------------------------------------
 */

static void api_summary(void *user, json_t *o)
{
	struct miner *m = user;
	struct dev_totals t;

	totals(m, &t);
	json_object_set_new(
	        o, "MHS av",
	        json_real(t.up_s > 0 ? (double)t.hashes / t.up_s / 1e6 : 0));
	json_object_set_new(o, "MHS 5s", json_real(rate_short(m) / 1e6));
	json_object_set_new(o, "Total MH", json_real((double)t.hashes / 1e6));
	json_object_set_new(o, "Hardware Errors",
	                    json_integer((json_int_t)t.hw_errors));
	json_object_set_new(o, "Local Work", json_integer((json_int_t)m->jobs));
}

static void api_devs(void *user, json_t *arr)
{
	struct miner *m = user;
	int i;

	for (i = 0; i < m->ndev; i++) {
		struct mine_dev *md = &m->dev[i];
		struct device_stats st;

		device_get_stats(md->d, &st);
		json_array_append_new(
		        arr,
		        json_pack("{s:i,s:s,s:i,s:s,s:s,s:f,s:f,s:f,s:I,s:I,"
		                  "s:I,s:f}",
		                  "ASC", i, "Name", "TDM", "ID", i, "Enabled",
		                  "Y", "Status",
		                  md->ready ? (md->have_job ? "Alive" : "Idle")
		                            : "Dead",
		                  "MHS av", st.hashrate_avg / 1e6, "MHS 5s",
		                  st.hashrate / 1e6, "Total MH",
		                  (double)st.hashes_total / 1e6, "Accepted",
		                  (json_int_t)md->results[SESSION_SHARE_SENT],
		                  "Hardware Errors", (json_int_t)st.hw_errors,
		                  "Diff1 Work", (json_int_t)st.shares,
		                  "Device Elapsed", st.up_seconds));
	}
}

static void api_stats(void *user, json_t *arr)
{
	struct miner *m = user;
	int i;

	for (i = 0; i < m->ndev; i++) {
		struct device_stats st;

		device_get_stats(m->dev[i].d, &st);
		json_array_append_new(
		        arr,
		        json_pack("{s:i,s:s,s:f,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
		                  "s:I,s:f}",
		                  "STATS", i, "ID", device_name(m->dev[i].d),
		                  "Elapsed", st.up_seconds, "Shares",
		                  (json_int_t)st.shares, "Duplicates",
		                  (json_int_t)st.duplicates, "Stale",
		                  (json_int_t)st.stale, "Bad Frames",
		                  (json_int_t)st.rx_bad_frames, "Retransmits",
		                  (json_int_t)st.retransmits, "Timeouts",
		                  (json_int_t)st.timeouts, "Reconnects",
		                  (json_int_t)st.reconnects, "Job Latency ms",
		                  device_job_latency_ms(m->dev[i].d)));
	}
}

static void api_quit(void *user)
{
	cli_interrupted = SIGTERM;
}

static const struct api_provider mine_api = {
        .summary = api_summary,
        .devs = api_devs,
        .stats = api_stats,
        .quit = api_quit,
};

/* ---- options ---------------------------------------------------------------
 */

enum {
	MO_TLS_CA = 256,
	MO_TLS_INSECURE,
	MO_API,
	MO_API_REMOTE,
	MO_API_WRITE,
	MO_SUGGEST,
	MO_AUX,
	MO_DEVICE,
	MO_CONFIG,
	MO_SECONDS,
	MO_MAX_SHARES,
	MO_STATUS,
	MO_DRAIN,
	MO_FAILBACK,
	MO_NOWORK,
	MO_GRACE,
	MO_BACKOFF,
	MO_STABLE,
	MO_QUEUE,
	MO_SUBMIT_TIMEOUT,
	MO_NO_ROLLING,
	MO_SIM_BIN,
	MO_SIM_CONFIG,
	MO_FAULT,
	MO_STATUS_MS,
	MO_LOG,
	MO_HEADER_JOBS,
	MO_HEADER_NONCES,
	MO_CPU_HEADER,
	MO_HELP,
};

static const struct option mine_long[] = {
        {"url", required_argument, NULL, 'o'},
        {"user", required_argument, NULL, 'u'},
        {"pass", required_argument, NULL, 'p'},
        {"tls-ca", required_argument, NULL, MO_TLS_CA},
        {"tls-insecure", no_argument, NULL, MO_TLS_INSECURE},
        {"api", required_argument, NULL, MO_API},
        {"api-allow-remote", no_argument, NULL, MO_API_REMOTE},
        {"api-write", no_argument, NULL, MO_API_WRITE},
        {"suggest-diff", required_argument, NULL, MO_SUGGEST},
        {"aux", required_argument, NULL, MO_AUX},
        {"device", required_argument, NULL, MO_DEVICE},
        {"config", required_argument, NULL, MO_CONFIG},
        {"seconds", required_argument, NULL, MO_SECONDS},
        {"duration", required_argument, NULL, MO_SECONDS},
        {"max-shares", required_argument, NULL, MO_MAX_SHARES},
        {"status-period", required_argument, NULL, MO_STATUS},
        {"drain-ms", required_argument, NULL, MO_DRAIN},
        {"failback-ms", required_argument, NULL, MO_FAILBACK},
        {"nowork-ms", required_argument, NULL, MO_NOWORK},
        {"grace-ms", required_argument, NULL, MO_GRACE},
        {"backoff-ms", required_argument, NULL, MO_BACKOFF},
        {"stable-ms", required_argument, NULL, MO_STABLE},
        {"queue", required_argument, NULL, MO_QUEUE},
        {"submit-timeout-ms", required_argument, NULL, MO_SUBMIT_TIMEOUT},
        {"no-rolling", no_argument, NULL, MO_NO_ROLLING},
        {"sim-bin", required_argument, NULL, MO_SIM_BIN},
        {"sim-config", required_argument, NULL, MO_SIM_CONFIG},
        {"fault", required_argument, NULL, MO_FAULT},
        {"status-ms", required_argument, NULL, MO_STATUS_MS},
        {"log", required_argument, NULL, MO_LOG},
        {"header-jobs", no_argument, NULL, MO_HEADER_JOBS},
        {"header-nonces", required_argument, NULL, MO_HEADER_NONCES},
        {"cpu-header", no_argument, NULL, MO_CPU_HEADER},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, MO_HELP},
        {NULL, 0, NULL, 0},
};

static void mine_help(void)
{
	printf("usage: tandem mine -o URL -u USER [-p PASS] [-o URL -u USER "
	       "-p PASS]...\n"
	       "       [--device DEV]... [--aux NAME=TARGET]... [--api "
	       "ADDR:PORT]\n"
	       "       [--config FILE] [options]\n"
	       "\n"
	       "  -o URL            stratum+tcp://HOST:PORT or "
	       "stratum+tls://HOST:PORT;\n"
	       "                    repeat -o/-u/-p for failover pools (first "
	       "preferred)\n"
	       "  --device DEV      repeatable; default every board found\n"
	       "                    (cpu = software device, sim = simulator)\n"
	       "  --aux NAME=T      aux chain target: 64 hex digits or nbits "
	       "(8 digits)\n"
	       "  --config FILE     cgminer-style JSON (pools, devices, aux, "
	       "api-listen...)\n"
	       "  --tls-ca FILE / --tls-insecure   TLS certificate check\n"
	       "  --suggest-diff D  mining.suggest_difficulty\n"
	       "  --api ADDR:PORT   cgminer-compatible API (loopback only "
	       "unless\n"
	       "                    --api-allow-remote; --api-write allows "
	       "quit)\n"
	       "  --seconds S / --max-shares N   stop after S seconds / N "
	       "accepted\n"
	       "  --status-period S status line period (default 5)\n"
	       "  --failback-ms --nowork-ms --grace-ms --stable-ms "
	       "--backoff-ms MIN,MAX\n"
	       "                    failover policy; --queue N, "
	       "--submit-timeout-ms MS\n"
	       "  --no-rolling      do not ask for version rolling\n"
	       "  --header-jobs     host-built header-mode jobs for every "
	       "device (devices\n"
	       "                    without Stratum-job mode always get "
	       "them)\n"
	       "  --header-nonces N nonces per header-mode job (65536.."
	       "4294967296,\n"
	       "                    default 4294967296)\n"
	       "  --sim-bin --sim-config --fault --status-ms --cpu-header   "
	       "device\n"
	       "                    options (tandem --help)\n"
	       "  -v / --log LEVEL / -q   logging to stderr\n"
	       "\n"
	       "At the end one JSON object with every counter goes to "
	       "stdout;\n"
	       "found = accepted + rejected + stale + dropped + pending.\n");
}

static int opt_ms(const char *name, const char *arg, unsigned *out)
{
	uint64_t v;

	if (cli_parse_u64(arg, 86400000u, &v) < 0) {
		cli_usage_error("--%s wants milliseconds, got '%s'", name, arg);
		return CLI_EXIT_USAGE;
	}
	*out = (unsigned)v;
	return 0;
}

static int add_aux(struct mine_opts *o, const char *spec)
{
	struct session_cfg *s = &o->ucfg.session;
	struct session_aux a;
	char err[256];
	size_t i;

	if (config_parse_aux(spec, &a, err, sizeof(err)) < 0) {
		cli_usage_error("--aux: %s", err);
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < s->aux_count; i++)
		if (strcmp(o->aux[i].name, a.name) == 0)
			return 0; /* the command line wins over the file */
	if (s->aux_count >= SESSION_MAX_AUX) {
		cli_usage_error("at most %u --aux chains", SESSION_MAX_AUX);
		return CLI_EXIT_USAGE;
	}
	o->aux[s->aux_count++] = a;
	s->aux = o->aux;
	return 0;
}

static int parse_mine_opts(int argc, char **argv, struct mine_opts *o)
{
	struct upstream_cfg *u = &o->ucfg;
	uint64_t v;
	double d;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:u:p:vqh", mine_long, NULL)) !=
	       -1) {
		rc = 0;
		switch (c) {
		case 'o':
			if (u->npools >= POOLS_MAX) {
				cli_usage_error("at most %u pools", POOLS_MAX);
				return CLI_EXIT_USAGE;
			}
			u->pool[u->npools++].url = optarg;
			break;
		case 'u':
		case 'p':
			if (!u->npools) {
				cli_usage_error("-%c comes after its -o URL",
				                c);
				return CLI_EXIT_USAGE;
			}
			if (c == 'u')
				u->pool[u->npools - 1].user = optarg;
			else
				u->pool[u->npools - 1].pass = optarg;
			break;
		case MO_TLS_CA:
			u->tls.ca_file = optarg;
			break;
		case MO_TLS_INSECURE:
			u->tls.insecure = 1;
			break;
		case MO_API:
			o->acfg.listen = optarg;
			break;
		case MO_API_REMOTE:
			o->acfg.allow_remote = 1;
			break;
		case MO_API_WRITE:
			o->acfg.writable = 1;
			break;
		case MO_SUGGEST:
			if (cli_parse_double(optarg, 1e-12, 1e15, &d) < 0) {
				cli_usage_error(
				        "--suggest-diff wants a positive "
				        "number, got '%s'",
				        optarg);
				return CLI_EXIT_USAGE;
			}
			u->session.suggest_difficulty = d;
			break;
		case MO_AUX:
			rc = add_aux(o, optarg);
			break;
		case MO_DEVICE:
			if (o->co.ndevices >= MINE_MAX_DEVICES) {
				cli_usage_error("at most %d devices",
				                MINE_MAX_DEVICES);
				return CLI_EXIT_USAGE;
			}
			o->co.devices[o->co.ndevices++] = optarg;
			break;
		case MO_CONFIG:
			o->config = optarg;
			break;
		case MO_SECONDS:
			if (cli_parse_double(optarg, 0.1, 1e9, &o->seconds) <
			    0) {
				cli_usage_error("--seconds wants seconds, got "
				                "'%s'",
				                optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case MO_MAX_SHARES:
			if (cli_parse_u64(optarg, UINT32_MAX, &o->max_shares) <
			            0 ||
			    !o->max_shares) {
				cli_usage_error(
				        "--max-shares wants a count, got "
				        "'%s'",
				        optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case MO_STATUS:
			if (cli_parse_u64(optarg, 3600, &v) < 0 || !v) {
				cli_usage_error("--status-period wants 1..3600 "
				                "seconds");
				return CLI_EXIT_USAGE;
			}
			o->status_s = (unsigned)v;
			break;
		case MO_DRAIN:
			rc = opt_ms("drain-ms", optarg, &o->drain_ms);
			break;
		case MO_FAILBACK:
			rc = opt_ms("failback-ms", optarg,
			            &u->policy.failback_ms);
			break;
		case MO_NOWORK:
			rc = opt_ms("nowork-ms", optarg, &u->policy.nowork_ms);
			break;
		case MO_GRACE:
			rc = opt_ms("grace-ms", optarg, &u->policy.grace_ms);
			break;
		case MO_STABLE:
			rc = opt_ms("stable-ms", optarg, &u->policy.stable_ms);
			break;
		case MO_BACKOFF: {
			char lo[32];
			const char *comma = strchr(optarg, ',');
			size_t n = comma ? (size_t)(comma - optarg)
			                 : strlen(optarg);

			if (n >= sizeof(lo)) {
				cli_usage_error("--backoff-ms wants MIN,MAX");
				return CLI_EXIT_USAGE;
			}
			memcpy(lo, optarg, n);
			lo[n] = 0;
			rc = opt_ms("backoff-ms", lo,
			            &u->policy.backoff_min_ms);
			if (!rc)
				rc = opt_ms("backoff-ms",
				            comma ? comma + 1 : lo,
				            &u->policy.backoff_max_ms);
			break;
		}
		case MO_QUEUE:
			if (cli_parse_u64(optarg, SESSION_MAX_QUEUE, &v) < 0) {
				cli_usage_error("--queue wants 0..%u",
				                SESSION_MAX_QUEUE);
				return CLI_EXIT_USAGE;
			}
			u->session.queue_max = (size_t)v;
			break;
		case MO_SUBMIT_TIMEOUT:
			rc = opt_ms("submit-timeout-ms", optarg,
			            &u->session.submit_timeout_ms);
			break;
		case MO_NO_ROLLING:
			u->session.version_rolling = 0;
			break;
		case MO_SIM_BIN:
			o->co.topts.sim_bin = optarg;
			break;
		case MO_SIM_CONFIG:
			o->co.topts.sim_config = optarg;
			break;
		case MO_FAULT:
			if (cli_parse_faults(optarg, &o->co.topts.faults) < 0) {
				cli_usage_error("bad --fault '%s'", optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case MO_STATUS_MS:
			if (cli_parse_u64(optarg, 60000, &v) < 0 || v < 10) {
				cli_usage_error("--status-ms wants 10..60000");
				return CLI_EXIT_USAGE;
			}
			o->co.dcfg.status_ms = (unsigned)v;
			break;
		case MO_LOG:
			if (log_level_parse(optarg) < 0) {
				cli_usage_error("--log wants error, warn, info "
				                "or debug");
				return CLI_EXIT_USAGE;
			}
			log_set_level(log_level_parse(optarg));
			break;
		case MO_HEADER_JOBS:
			o->force_header = 1;
			break;
		case MO_HEADER_NONCES:
			if (cli_parse_u64(optarg, 1ull << 32, &v) < 0 ||
			    v < (1u << 16)) {
				cli_usage_error("--header-nonces wants "
				                "65536..4294967296");
				return CLI_EXIT_USAGE;
			}
			o->header_nonces = (uint32_t)v; /* 2^32 -> 0 */
			break;
		case MO_CPU_HEADER:
			cpudev_set_default_modes(PROTO_MODE_HEADER);
			break;
		case 'v':
			log_set_level(log_get_level() + 1);
			break;
		case 'q':
			log_set_level(LOG_ERROR);
			break;
		case 'h':
		case MO_HELP:
			o->help = 1;
			break;
		default:
			cli_usage_error("unknown option for mine");
			return CLI_EXIT_USAGE;
		}
		if (rc)
			return rc;
	}
	if (optind < argc) {
		cli_usage_error("unexpected argument '%s'", argv[optind]);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* Fills what the command line left open from the config file: pools and
 * devices only when none were given, flags and scalars when unset, aux
 * chains merged (the command line's first). */
static int apply_config(struct mine_opts *o, const struct config *c)
{
	struct upstream_cfg *u = &o->ucfg;
	size_t i;

	for (i = 0; i < c->nwarnings; i++)
		log_warn("config", "%s: %s (ignored)", o->config,
		         c->warning[i]);
	if (c->warnings_more)
		log_warn("config", "%s: %zu more unknown keys", o->config,
		         c->warnings_more);
	if (!u->npools) {
		for (i = 0; i < c->npools; i++) {
			u->pool[i].url = c->pool[i].url;
			u->pool[i].user = c->pool[i].user;
			u->pool[i].pass = c->pool[i].pass;
		}
		u->npools = c->npools;
	}
	if (!o->co.ndevices)
		for (i = 0;
		     i < c->ndevices && o->co.ndevices < MINE_MAX_DEVICES; i++)
			o->co.devices[o->co.ndevices++] = c->device[i];
	for (i = 0; i < c->naux; i++) {
		size_t k;
		int dup = 0;

		for (k = 0; k < u->session.aux_count; k++)
			if (strcmp(o->aux[k].name, c->aux[i].name) == 0)
				dup = 1;
		if (dup)
			continue;
		if (u->session.aux_count >= SESSION_MAX_AUX) {
			cli_usage_error("too many aux chains");
			return CLI_EXIT_USAGE;
		}
		o->aux[u->session.aux_count++] = c->aux[i];
		u->session.aux = o->aux;
	}
	if (!o->acfg.listen && c->api_listen[0])
		o->acfg.listen = c->api_listen;
	o->acfg.allow_remote |= c->api_allow_remote;
	o->acfg.writable |= c->api_write;
	if (!u->session.suggest_difficulty && c->suggest_diff > 0)
		u->session.suggest_difficulty = c->suggest_diff;
	if (!u->tls.ca_file && c->tls_ca[0])
		u->tls.ca_file = c->tls_ca;
	u->tls.insecure |= c->tls_insecure;
	return 0;
}

/* ---- devices -------------------------------------------------------------
 */

static int open_device(struct miner *m, const struct cli_common *co,
                       const char *spec, int quiet_absent)
{
	struct mine_dev *md;
	char err[512];
	int rc;

	if (m->ndev >= MINE_MAX_DEVICES)
		return TANDEM_ERR_RANGE;
	md = &m->dev[m->ndev];
	memset(md, 0, sizeof(*md));
	md->m = m;
	md->index = m->ndev;
	snprintf(md->spec, sizeof(md->spec), "%s", spec);
	err[0] = 0;
	rc = device_open(m->loop, spec, &co->topts, &co->dcfg, &mine_events, md,
	                 &md->d, err, sizeof(err));
	if (rc < 0) {
		if (quiet_absent)
			log_info("mine", "%s: %s", spec,
			         err[0] ? err : tandem_strerror(rc));
		else
			log_err("mine", "%s: %s", spec,
			        err[0] ? err : tandem_strerror(rc));
		return rc;
	}
	m->ndev++;
	return 0;
}

/* Without --device: every board in the table whose USB id answers (the
 * software device and the simulator only when asked for). */
static int open_devices(struct miner *m, const struct cli_common *co)
{
	char tried[1024], ds[96];
	const struct board *b;
	size_t off = 0;
	int i;

	for (i = 0; i < co->ndevices; i++)
		if (open_device(m, co, co->devices[i], 0) < 0)
			return CLI_EXIT_FAIL;
	if (co->ndevices)
		return 0;
	tried[0] = 0;
	for (b = boards_table; b->name; b++) {
		int k, dup = 0;

		boards_device_string(b, ds, sizeof(ds));
		for (k = 0; k < m->ndev; k++)
			if (strcmp(m->dev[k].spec, ds) == 0)
				dup = 1;
		if (dup || strstr(tried, ds))
			continue;
		if (off < sizeof(tried))
			off += (size_t)snprintf(tried + off,
			                        sizeof(tried) - off, "%s%s",
			                        off ? ", " : "", ds);
		open_device(m, co, ds, 1);
	}
	if (!m->ndev) {
		log_err("mine",
		        "no device found (looked for %s); connect a board or "
		        "name one with --device (cpu = software device, sim = "
		        "simulator; see tandem list)",
		        tried);
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/* ---- the run ---------------------------------------------------------------
 */

static void put_reasons(json_t *o, const char *key,
                        const struct session_reasons *r)
{
	json_t *d = json_object();
	size_t i;

	for (i = 0; i < r->count; i++)
		json_object_set_new(d, r->r[i].reason,
		                    json_integer((json_int_t)r->r[i].n));
	if (r->other)
		json_object_set_new(d, "other",
		                    json_integer((json_int_t)r->other));
	json_object_set_new(o, key, d);
}

static double process_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void print_result(struct miner *m, double loop_cpu)
{
	struct session_stats st;
	struct dev_totals t;
	json_t *o, *ch, *res;
	char *s;
	size_t k;
	int i;

	upstream_stats(m->up, &st);
	totals(m, &t);
	o = json_pack(
	        "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
	        "s:I,s:I,s:I,s:I,s:I,s:i,s:f,s:I,s:I,s:I,s:I,s:i}",
	        "found", (json_int_t)st.found, "accepted",
	        (json_int_t)st.accepted, "rejected", (json_int_t)st.rejected,
	        "stale", (json_int_t)st.stale, "dropped",
	        (json_int_t)st.dropped, "pending", (json_int_t)st.pending,
	        "duplicates", (json_int_t)st.duplicates, "below_target",
	        (json_int_t)st.below_target, "unknown_job",
	        (json_int_t)st.unknown_job, "jobs", (json_int_t)m->jobs,
	        "cleans", (json_int_t)m->cleans, "stops", (json_int_t)m->stops,
	        "handed", (json_int_t)m->handed, "hashes", (json_int_t)t.hashes,
	        "lines_bad", (json_int_t)st.lines_bad, "unknown_methods",
	        (json_int_t)st.unknown_methods, "connects",
	        (json_int_t)st.connects, "jobs_refused",
	        (json_int_t)st.jobs_refused, "active", upstream_active(m->up),
	        "difficulty", st.difficulty, "hw_errors",
	        (json_int_t)t.hw_errors, "device_duplicates", (json_int_t)t.dup,
	        "device_stale", (json_int_t)t.stale, "device_reconnects",
	        (json_int_t)t.reconnects, "devices", m->ndev);
	if (!o)
		return;
	put_reasons(o, "reject_reasons", &st.rejects);
	put_reasons(o, "stale_reasons", &st.stales);
	put_reasons(o, "drop_reasons", &st.drops);
	ch = json_object();
	for (k = 0; k < st.chain_count; k++)
		json_object_set_new(
		        ch, st.chain[k].name,
		        json_integer((json_int_t)st.chain[k].candidates));
	json_object_set_new(o, "candidates", ch);
	/* work modes: JOBs started per mode, devices in header mode, and
	 * the requests the devices refused */
	json_object_set_new(o, "header_jobs",
	                    json_integer((json_int_t)m->jobs_header));
	json_object_set_new(o, "stratum_jobs",
	                    json_integer((json_int_t)m->jobs_stratum));
	for (k = 0, i = 0; i < m->ndev; i++)
		k += m->dev[i].header && !m->dev[i].unusable;
	json_object_set_new(o, "header_devices", json_integer((json_int_t)k));
	json_object_set_new(o, "device_naks", json_integer((json_int_t)t.naks));
	res = json_array();
	for (i = 0; i < 7; i++)
		json_array_append_new(res,
		                      json_integer((json_int_t)m->results[i]));
	json_object_set_new(o, "share_results", res);
	json_object_set_new(o, "clean_latency_samples",
	                    json_integer((json_int_t)m->nlat));
	json_object_set_new(o, "clean_latency_ms_avg",
	                    json_real(m->nlat ? m->lat_sum / m->nlat : -1.0));
	json_object_set_new(o, "clean_latency_ms_max", json_real(m->lat_max));
	/* [job id, monotonic time of the device's ACK, ms] per clean job, so
	 * a test pool can measure from its own send time */
	res = json_array();
	for (k = 0; k < m->nlat && k < MINE_LAT_MAX; k++)
		json_array_append_new(res,
		                      json_pack("[s,f,f]", m->lat[k].job_id,
		                                m->lat[k].ack_s, m->lat[k].ms));
	json_object_set_new(o, "clean_acks", res);
	json_object_set_new(o, "seconds", json_real(t.up_s));
	json_object_set_new(o, "host_loop_cpu_s", json_real(loop_cpu));
	json_object_set_new(o, "process_cpu_s", json_real(process_cpu_s()));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(o);
}

/* Stop hashing, collect the devices' last shares, then wait for the
 * pool's answers to what was submitted. */
static void drain(struct miner *m, unsigned drain_ms)
{
	struct session_stats st;
	uint64_t end = loop_now_ms() + 300;

	m->done = 1;
	/* shares already found but still on the link: one STATUS period */
	while (loop_now_ms() < end)
		loop_run_once(m->loop, 50);
	devices_stop(m);
	end = loop_now_ms() + drain_ms;
	for (;;) {
		upstream_stats(m->up, &st);
		if (st.pending == st.queued || loop_now_ms() >= end)
			break;
		loop_run_once(m->loop, 50);
	}
}

static int mine(struct mine_opts *o)
{
	struct miner *m;
	struct session_stats st;
	char err[512], *buf = NULL;
	uint64_t deadline, next_status, next_sample;
	double cpu0, loop_cpu;
	int rc, ret = 0;
	size_t i;

	if (!o->ucfg.npools) {
		cli_usage_error("mine needs a pool: -o URL -u USER [-p PASS] "
		                "(or --config FILE)");
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < o->ucfg.npools; i++) {
		if (!o->ucfg.pool[i].user || !o->ucfg.pool[i].user[0]) {
			cli_usage_error("pool %zu (%s) has no -u USER", i + 1,
			                o->ucfg.pool[i].url);
			return CLI_EXIT_USAGE;
		}
	}
	for (i = 0; i < (size_t)o->co.ndevices; i++) {
		if (transport_check(o->co.devices[i], err, sizeof(err)) < 0) {
			cli_usage_error("%s", err);
			return CLI_EXIT_USAGE;
		}
	}
	m = calloc(1, sizeof(*m));
	buf = malloc(8192);
	if (!m || !buf) {
		free(m);
		free(buf);
		return CLI_EXIT_FAIL;
	}
	if (loop_new(&m->loop) < 0) {
		ret = CLI_EXIT_FAIL;
		goto out;
	}
	m->started_ms = loop_now_ms();
	m->force_header = o->force_header;
	m->header_nonces = o->header_nonces;
	rc = open_devices(m, &o->co);
	if (rc) {
		ret = rc;
		goto out;
	}
	o->ucfg.session.agent = MINE_VERSION;
	o->ucfg.session.version = MINE_VERSION;
	rc = upstream_new(m->loop, &o->ucfg, &mine_sink, m, &m->up, err,
	                  sizeof(err));
	if (rc < 0) {
		cli_usage_error("%s", err);
		ret = CLI_EXIT_USAGE;
		goto out;
	}
	if (o->acfg.listen) {
		o->acfg.version = MINE_VERSION;
		rc = api_new(m->loop, &o->acfg, m->up, &mine_api, m, &m->api,
		             err, sizeof(err));
		if (rc < 0) {
			log_err("api", "%s", err);
			ret = rc == TANDEM_ERR_PARSE ? CLI_EXIT_USAGE
			                             : CLI_EXIT_FAIL;
			goto out;
		}
	}
	log_info("mine", "%d device(s), %zu pool(s)", m->ndev, o->ucfg.npools);
	deadline = o->seconds > 0
	                   ? m->started_ms + (uint64_t)(o->seconds * 1000.0)
	                   : 0;
	next_status = m->started_ms + (uint64_t)o->status_s * 1000u;
	next_sample = m->started_ms;
	cpu0 = thread_cpu_s();
	while (!cli_interrupted) {
		uint64_t now = loop_now_ms();
		int wait = 200;

		if (deadline && now >= deadline)
			break;
		if (m->failed >= m->ndev) {
			log_err("mine", "every device is lost");
			ret = CLI_EXIT_FAIL;
			break;
		}
		if (now >= next_sample) {
			rate_sample(m);
			next_sample += 1000;
		}
		if (now >= next_status) {
			status_line(m);
			next_status += (uint64_t)o->status_s * 1000u;
		}
		if (o->max_shares) {
			upstream_stats(m->up, &st);
			if (st.accepted >= o->max_shares)
				break;
		}
		if (deadline && deadline - now < (uint64_t)wait)
			wait = (int)(deadline - now);
		if (loop_run_once(m->loop, wait) < 0) {
			ret = CLI_EXIT_FAIL;
			break;
		}
	}
	if (cli_interrupted)
		log_info("mine", "signal %d: stopping", (int)cli_interrupted);
	drain(m, o->drain_ms);
	loop_cpu = thread_cpu_s() - cpu0;
	status_line(m);
	upstream_summary(m->up, buf, 8192);
	fprintf(stderr, "%s", buf);
	upstream_stats(m->up, &st);
	for (i = 0; i < st.chain_count; i++)
		if (st.chain[i].candidates)
			log_warn("mine",
			         "*** %llu block candidate(s) for %s ***",
			         (unsigned long long)st.chain[i].candidates,
			         st.chain[i].name);
	print_result(m, loop_cpu);
out:
	api_free(m->api);
	if (m->up)
		upstream_free(m->up);
	for (rc = 0; rc < m->ndev; rc++)
		device_close(m->dev[rc].d);
	loop_free(m->loop);
	free(m);
	free(buf);
	return ret;
}

int cmd_mine(int argc, char **argv)
{
	struct mine_opts *o = calloc(1, sizeof(*o));
	struct config *c = NULL;
	char err[512];
	int rc;

	if (!o)
		return CLI_EXIT_FAIL;
	upstream_cfg_default(&o->ucfg);
	device_config_default(&o->co.dcfg);
	o->status_s = 5;
	o->drain_ms = 2000;
	log_set_level(LOG_WARN);
	rc = parse_mine_opts(argc, argv, o);
	if (rc)
		goto out;
	if (o->help) {
		mine_help();
		goto out;
	}
	if (o->config) {
		c = malloc(sizeof(*c));
		if (!c) {
			rc = CLI_EXIT_FAIL;
			goto out;
		}
		rc = config_load(o->config, c, err, sizeof(err));
		if (rc < 0) {
			cli_usage_error("%s", err);
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		rc = apply_config(o, c);
		if (rc)
			goto out;
	}
	rc = mine(o);
out:
	free(c);
	free(o);
	return rc;
}
