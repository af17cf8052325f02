/* pool_driver: a test tool, not the product. It runs the pool side of
 * `tandem mine` (host/upstream.c: failover list, sessions, TCP/TLS
 * connections, API) against the scriptable test pool and mines the jobs
 * it gets with the C reference model (job.h/work.h) on one CPU thread, so
 * the whole Stratum path is tested end to end before the device glue of
 * `tandem mine` exists.
 *
 *   pool_driver -o URL -u USER -p PASS [-o URL -u USER -p PASS]...
 *       [--seconds N] [--tls-ca FILE] [--tls-insecure] [--api ADDR:PORT]
 *       [--api-write] [--suggest-diff D] [--aux NAME=HEX64|NBITS]
 *       [--no-rolling] [--failback-ms N] [--nowork-ms N] [--grace-ms N]
 *       [--backoff-ms MIN,MAX] [--stable-ms N] [--queue N]
 *       [--submit-timeout-ms N] [--stop-after-accepted N] [--log LEVEL]
 *
 * At the end one JSON object with every counter goes to stdout. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "hex.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "pools.h"
#include "sha256.h"
#include "tandem_err.h"
#include "upstream.h"
#include "work.h"

#define CHUNK      4096u      /* nonces per loop iteration */
#define NONCE_SPAN (1u << 18) /* nonces per (en2, version) unit */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

struct miner {
	struct loop *loop;
	struct upstream *up;
	int have_job;
	uint32_t seq;
	struct job_stratum js;
	uint8_t en1[JOB_EN_MAX];
	size_t en1_len;
	unsigned en2_size;
	uint32_t mask;
	uint8_t target[32]; /* easiest of share and aux targets */
	uint8_t en2[JOB_EN_MAX];
	uint32_t vcount;
	uint32_t version;
	uint32_t nonce;
	uint32_t midstate[8];
	uint8_t tail[12];
	uint64_t hashes;
	uint64_t jobs, cleans, stops;
	uint64_t handed, results[8], share_errors;
	uint64_t started;
	uint64_t stop_after;
};

static void easiest(uint8_t t[32], const uint8_t c[32])
{
	if (work_cmp256(c, t) > 0)
		memcpy(t, c, 32);
}

static void set_targets(struct miner *m, const struct session_job *j)
{
	size_t i;

	memcpy(m->target, j->share_target, 32);
	for (i = 0; i < j->aux_count; i++)
		easiest(m->target, j->aux[i].target);
}

/* Header pieces for the current (en2, version). */
static int prepare_unit(struct miner *m)
{
	uint8_t header[80];
	int rc;

	rc = job_header(&m->js, m->en1, m->en1_len, m->en2, m->en2_size,
	                m->version, m->js.ntime, 0, header);
	if (rc < 0)
		return rc;
	work_header_midstate(header, m->midstate);
	memcpy(m->tail, header + 64, 12);
	m->nonce = 0;
	return 0;
}

static void next_unit(struct miner *m)
{
	if (m->mask) {
		m->vcount++;
		m->version = work_version_next(m->version, m->mask);
		if ((m->version & m->mask) != (m->js.version & m->mask) &&
		    m->vcount < 64) {
			prepare_unit(m);
			return;
		}
		m->vcount = 0;
		m->version = m->js.version;
	}
	job_en2_increment(m->en2, m->en2_size);
	prepare_unit(m);
}

static void sink_job(void *user, const struct session_job *j, unsigned flags)
{
	struct miner *m = user;

	if (flags & SESSION_JOB_UPDATE) {
		if (m->have_job && j->seq == m->seq)
			set_targets(m, j);
		return;
	}
	m->jobs++;
	if (flags & SESSION_JOB_CLEAN)
		m->cleans++;
	m->seq = j->seq;
	m->js = *j->js;
	memcpy(m->en1, j->en1, j->en1_len);
	m->en1_len = j->en1_len;
	m->en2_size = j->en2_size;
	m->mask = j->version_mask;
	set_targets(m, j);
	memset(m->en2, 0, sizeof(m->en2));
	/* a different en2 start per job keeps shares unique */
	m->en2[0] = (uint8_t)m->jobs;
	m->version = m->js.version;
	m->vcount = 0;
	m->have_job = prepare_unit(m) == 0;
	log_info("driver", "job %s (seq %08x)%s%s mask %08x", m->js.job_id,
	         j->seq, flags & SESSION_JOB_CLEAN ? " clean" : "",
	         m->have_job ? "" : " UNUSABLE", m->mask);
}

static void sink_stop(void *user)
{
	struct miner *m = user;

	if (m->have_job)
		log_info("driver", "stop");
	m->have_job = 0;
	m->stops++;
}

static const struct upstream_sink driver_sink = {
        .job = sink_job,
        .stop = sink_stop,
};

static void mine_chunk(struct miner *m)
{
	uint8_t hash[32];
	unsigned i;

	for (i = 0; i < CHUNK && m->have_job; i++) {
		uint32_t nonce = m->nonce++;

		work_hash_from_midstate(m->midstate, m->tail, nonce, hash);
		m->hashes++;
		if (work_hash_meets(hash, m->target)) {
			struct session_share_in sh;
			int rc;

			memset(&sh, 0, sizeof(sh));
			sh.seq = m->seq;
			sh.en2 = m->en2;
			sh.en2_len = m->en2_size;
			sh.ntime = m->js.ntime;
			sh.nonce = nonce;
			sh.version = m->version;
			m->handed++;
			rc = upstream_share(m->up, &sh);
			if (rc >= 0 && rc < 8)
				m->results[rc]++;
			else
				m->share_errors++;
		}
		if (m->nonce >= NONCE_SPAN)
			next_unit(m);
	}
}

static int src_prepare(void *arg, struct pollfd *fds, int max, int *timeout)
{
	struct miner *m = arg;

	if (m->have_job)
		*timeout = 0;
	return 0;
}

static void src_dispatch(void *arg, const struct pollfd *fds, int n)
{
	struct miner *m = arg;

	if (m->have_job)
		mine_chunk(m);
}

static const struct loop_source_ops miner_ops = {
        .prepare = src_prepare,
        .dispatch = src_dispatch,
};

/* ---- API provider ----------------------------------------------------------
 */

static void api_summary(void *user, json_t *o)
{
	struct miner *m = user;
	double secs = (double)(loop_now_ms() - m->started) / 1000.0;
	double mhs = secs > 0 ? (double)m->hashes / secs / 1e6 : 0;

	json_object_set_new(o, "MHS av", json_real(mhs));
	json_object_set_new(o, "MHS 5s", json_real(mhs));
	json_object_set_new(o, "Hardware Errors", json_integer(0));
	json_object_set_new(o, "Total MH", json_real((double)m->hashes / 1e6));
}

static void api_devs(void *user, json_t *arr)
{
	struct miner *m = user;

	json_array_append_new(
	        arr, json_pack("{s:i,s:s,s:i,s:s,s:s,s:f}", "ASC", 0, "Name",
	                       "REF", "ID", 0, "Enabled", "Y", "Status",
	                       m->have_job ? "Alive" : "Idle", "Total MH",
	                       (double)m->hashes / 1e6));
}

static void api_quit(void *user)
{
	interrupted = SIGTERM;
}

static const struct api_provider driver_api = {
        .summary = api_summary,
        .devs = api_devs,
        .quit = api_quit,
};

/* ---- options
 * ------------------------------------------------------------------ */

static int parse_aux(const char *arg, struct session_aux *a)
{
	const char *eq = strchr(arg, '=');
	size_t n;
	uint32_t nbits;

	if (!eq || eq == arg || (size_t)(eq - arg) > STRATUM_MAX_AUX_NAME)
		return TANDEM_ERR_PARSE;
	n = (size_t)(eq - arg);
	memcpy(a->name, arg, n);
	a->name[n] = 0;
	if (strlen(eq + 1) == 64)
		return hex_decode_rev(eq + 1, a->target, 32);
	if (strlen(eq + 1) == 8 && hex_u32(eq + 1, &nbits) == 0)
		return work_nbits_to_target(nbits, a->target);
	return TANDEM_ERR_PARSE;
}

static unsigned num(const char *s)
{
	return (unsigned)strtoul(s, NULL, 0);
}

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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"url", required_argument, NULL, 'o'},
	        {"user", required_argument, NULL, 'u'},
	        {"pass", required_argument, NULL, 'p'},
	        {"seconds", required_argument, NULL, 's'},
	        {"tls-ca", required_argument, NULL, 1},
	        {"tls-insecure", no_argument, NULL, 2},
	        {"api", required_argument, NULL, 3},
	        {"api-write", no_argument, NULL, 4},
	        {"suggest-diff", required_argument, NULL, 5},
	        {"aux", required_argument, NULL, 6},
	        {"no-rolling", no_argument, NULL, 7},
	        {"failback-ms", required_argument, NULL, 8},
	        {"nowork-ms", required_argument, NULL, 9},
	        {"grace-ms", required_argument, NULL, 10},
	        {"backoff-ms", required_argument, NULL, 11},
	        {"stable-ms", required_argument, NULL, 12},
	        {"queue", required_argument, NULL, 13},
	        {"submit-timeout-ms", required_argument, NULL, 14},
	        {"stop-after-accepted", required_argument, NULL, 15},
	        {"log", required_argument, NULL, 16},
	        {"status-ms", required_argument, NULL, 17},
	        {NULL, 0, NULL, 0},
	};
	struct upstream_cfg cfg;
	struct session_aux aux[SESSION_MAX_AUX];
	struct api_cfg acfg;
	struct api *api = NULL;
	struct miner m;
	struct session_stats st;
	char err[512], buf[4096];
	double seconds = 10;
	unsigned status_ms = 2000;
	uint64_t deadline, next_status, drain_end;
	json_t *o;
	int c, rc, i;

	memset(&m, 0, sizeof(m));
	memset(&acfg, 0, sizeof(acfg));
	upstream_cfg_default(&cfg);
	cfg.session.agent = "tandem-pool-driver";
	log_set_level(LOG_INFO);
	while ((c = getopt_long(argc, argv, "o:u:p:s:", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (cfg.npools == POOLS_MAX)
				return 2;
			cfg.pool[cfg.npools++].url = optarg;
			break;
		case 'u':
			if (!cfg.npools)
				return 2;
			cfg.pool[cfg.npools - 1].user = optarg;
			break;
		case 'p':
			if (!cfg.npools)
				return 2;
			cfg.pool[cfg.npools - 1].pass = optarg;
			break;
		case 's':
			seconds = strtod(optarg, NULL);
			break;
		case 1:
			cfg.tls.ca_file = optarg;
			break;
		case 2:
			cfg.tls.insecure = 1;
			break;
		case 3:
			acfg.listen = optarg;
			break;
		case 4:
			acfg.writable = 1;
			break;
		case 5:
			cfg.session.suggest_difficulty = strtod(optarg, NULL);
			break;
		case 6:
			if (cfg.session.aux_count == SESSION_MAX_AUX ||
			    parse_aux(optarg, &aux[cfg.session.aux_count]) <
			            0) {
				fprintf(stderr, "bad --aux %s\n", optarg);
				return 2;
			}
			cfg.session.aux_count++;
			cfg.session.aux = aux;
			break;
		case 7:
			cfg.session.version_rolling = 0;
			break;
		case 8:
			cfg.policy.failback_ms = num(optarg);
			break;
		case 9:
			cfg.policy.nowork_ms = num(optarg);
			break;
		case 10:
			cfg.policy.grace_ms = num(optarg);
			break;
		case 11:
			cfg.policy.backoff_min_ms = num(optarg);
			cfg.policy.backoff_max_ms =
			        strchr(optarg, ',')
			                ? num(strchr(optarg, ',') + 1)
			                : cfg.policy.backoff_min_ms;
			break;
		case 12:
			cfg.policy.stable_ms = num(optarg);
			break;
		case 13:
			cfg.session.queue_max = num(optarg);
			break;
		case 14:
			cfg.session.submit_timeout_ms = num(optarg);
			break;
		case 15:
			m.stop_after = num(optarg);
			break;
		case 16:
			rc = log_level_parse(optarg);
			if (rc < 0)
				return 2;
			log_set_level(rc);
			break;
		case 17:
			status_ms = num(optarg);
			break;
		default:
			fprintf(stderr,
			        "usage: see tests/pool/pool_driver.c\n");
			return 2;
		}
	}
	if (!cfg.npools) {
		fprintf(stderr, "pool_driver: no -o URL\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (loop_new(&m.loop) < 0)
		return 1;
	m.started = loop_now_ms();
	loop_source_add(m.loop, &miner_ops, &m);
	rc = upstream_new(m.loop, &cfg, &driver_sink, &m, &m.up, err,
	                  sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "pool_driver: %s\n", err);
		return 2;
	}
	if (acfg.listen) {
		acfg.version = "tandem-pool-driver";
		rc = api_new(m.loop, &acfg, m.up, &driver_api, &m, &api, err,
		             sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "pool_driver: %s\n", err);
			upstream_free(m.up);
			return 2;
		}
	}
	deadline = m.started + (uint64_t)(seconds * 1000.0);
	next_status = m.started + status_ms;
	while (!interrupted && loop_now_ms() < deadline) {
		loop_run_once(m.loop, 100);
		if (loop_now_ms() >= next_status) {
			double secs = (double)(loop_now_ms() - m.started) / 1e3;

			upstream_status(m.up, buf, sizeof(buf));
			log_info("status", "%.1f kH/s | %s",
			         (double)m.hashes / secs / 1e3, buf);
			next_status += status_ms;
		}
		if (m.stop_after) {
			upstream_stats(m.up, &st);
			if (st.accepted >= m.stop_after)
				break;
		}
	}
	/* stop hashing, give answers to submitted shares a moment */
	m.have_job = 0;
	loop_source_del(m.loop, &m);
	drain_end = loop_now_ms() + 2000;
	for (;;) {
		upstream_stats(m.up, &st);
		if (st.pending == st.queued || loop_now_ms() >= drain_end)
			break;
		loop_run_once(m.loop, 50);
	}
	upstream_stats(m.up, &st);
	upstream_summary(m.up, buf, sizeof(buf));
	fprintf(stderr, "%s", buf);

	o = json_pack(
	        "{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,"
	        "s:I,s:I,s:I,s:I,s:i,s:f}",
	        "found", (json_int_t)st.found, "accepted",
	        (json_int_t)st.accepted, "rejected", (json_int_t)st.rejected,
	        "stale", (json_int_t)st.stale, "dropped",
	        (json_int_t)st.dropped, "pending", (json_int_t)st.pending,
	        "duplicates", (json_int_t)st.duplicates, "below_target",
	        (json_int_t)st.below_target, "unknown_job",
	        (json_int_t)st.unknown_job, "jobs", (json_int_t)m.jobs,
	        "cleans", (json_int_t)m.cleans, "stops", (json_int_t)m.stops,
	        "handed", (json_int_t)m.handed, "hashes", (json_int_t)m.hashes,
	        "lines_bad", (json_int_t)st.lines_bad, "unknown_methods",
	        (json_int_t)st.unknown_methods, "connects",
	        (json_int_t)st.connects, "active", upstream_active(m.up),
	        "difficulty", st.difficulty);
	put_reasons(o, "reject_reasons", &st.rejects);
	put_reasons(o, "stale_reasons", &st.stales);
	put_reasons(o, "drop_reasons", &st.drops);
	{
		json_t *ch = json_object();
		size_t k;

		for (k = 0; k < st.chain_count; k++)
			json_object_set_new(
			        ch, st.chain[k].name,
			        json_integer(
			                (json_int_t)st.chain[k].candidates));
		json_object_set_new(o, "candidates", ch);
	}
	{
		json_t *res = json_array();

		for (i = 0; i < 7; i++)
			json_array_append_new(
			        res, json_integer((json_int_t)m.results[i]));
		json_object_set_new(o, "share_results", res);
	}
	{
		char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

		if (s)
			printf("%s\n", s);
		free(s);
	}
	json_decref(o);
	api_free(api);
	upstream_free(m.up);
	loop_free(m.loop);
	return 0;
}
