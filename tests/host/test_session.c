/* Stratum session state machine, driven with pool lines and checked on
 * the lines it writes. The share tests replay the real captures of
 * tests/vectors/stratum_jobs.json (mujina's Bitaxe on public-pool and
 * public-pool's testnet recording): the session must rebuild the header,
 * accept the recorded share at the recorded pool difficulty and write
 * exactly the recorded mining.submit values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "hex.h"
#include "job.h"
#include "session.h"
#include "tandem_err.h"
#include "vectors.h"
#include "work.h"

struct rec {
	int jobs, cleans, updates, stops, reconnects, errors;
	char last_error[512];
	struct session_job last;
	uint8_t en1[32];
	char reconnect_host[64];
	unsigned reconnect_port, reconnect_wait;
};

static void r_job(void *user, const struct session_job *j, unsigned flags)
{
	struct rec *r = user;

	if (flags & SESSION_JOB_UPDATE)
		r->updates++;
	else
		r->jobs++;
	if (flags & SESSION_JOB_CLEAN)
		r->cleans++;
	r->last = *j;
	memcpy(r->en1, j->en1, j->en1_len);
}

static void r_stop(void *user)
{
	((struct rec *)user)->stops++;
}

static void r_reconnect(void *user, const char *host, unsigned port,
                        unsigned wait)
{
	struct rec *r = user;

	r->reconnects++;
	snprintf(r->reconnect_host, sizeof(r->reconnect_host), "%s", host);
	r->reconnect_port = port;
	r->reconnect_wait = wait;
}

static void r_log(void *user, int level, const char *msg)
{
	struct rec *r = user;

	if (level != SESSION_LOG_ERROR)
		return;
	r->errors++;
	snprintf(r->last_error, sizeof(r->last_error), "%s", msg);
}

static const struct session_sink sink = {
        .job = r_job,
        .stop = r_stop,
        .reconnect = r_reconnect,
        .log = r_log,
};

/* Pops every line the session wrote, parsed, into a JSON array. */
static json_t *take_out(struct session_ctx *s)
{
	json_t *arr = json_array();
	const char *data;
	size_t n = session_out(s, &data), start = 0, i;

	for (i = 0; i < n; i++) {
		if (data[i] != '\n')
			continue;
		json_t *j = json_loadb(data + start, i - start, 0, NULL);

		assert_non_null(j);
		json_array_append_new(arr, j);
		start = i + 1;
	}
	assert_int_equal(start, n);
	session_out_consume(s, n);
	return arr;
}

/* The request with this method in arr (NULL if none). */
static json_t *find_method(json_t *arr, const char *method)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
	{
		const char *m = json_string_value(json_object_get(v, "method"));

		if (m && strcmp(m, method) == 0)
			return v;
	}
	return NULL;
}

static long long req_id(json_t *arr, const char *method)
{
	json_t *v = find_method(arr, method);

	assert_non_null(v);
	return json_integer_value(json_object_get(v, "id"));
}

static void feed(struct session_ctx *s, uint64_t now, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void feed(struct session_ctx *s, uint64_t now, const char *fmt, ...)
{
	char line[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	assert_int_equal(session_line(s, line, strlen(line), now), 0);
}

static void check_invariant(struct session_ctx *s)
{
	struct session_stats st;

	session_get_stats(s, &st);
	assert_int_equal(st.found, st.accepted + st.rejected + st.stale +
	                                   st.dropped + st.pending);
}

/* A real job from the vectors, and what the recorded submit needs. */
struct capture {
	json_t *root;
	const json_t *job;
	char notify_line[16384];
	char job_id[65];
	uint8_t en2[8];
	size_t en2_len;
	uint32_t ntime, nonce, vbits, mask, version;
	double pool_diff;
	const char *en1_hex;
};

static void load_capture(struct capture *c, const char *id, double diff)
{
	json_t *jobs, *j, *n, *params, *sub;
	size_t count, i;
	char *dump;

	memset(c, 0, sizeof(*c));
	c->root = vec_load("stratum_jobs.json");
	jobs = vec_array(c->root, "jobs", &count);
	for (i = 0; i < count; i++) {
		j = json_array_get(jobs, i);
		if (strcmp(vec_id(j), id) == 0)
			c->job = j;
	}
	assert_non_null(c->job);
	n = vec_get(c->job, "notify");
	sub = vec_get(c->job, "submit");
	snprintf(c->job_id, sizeof(c->job_id), "%s", vec_str(sub, "job_id"));
	params = json_pack("[s,O,O,O,O,O,O,O,b]", c->job_id,
	                   vec_get(n, "prevhash"), vec_get(n, "coinb1"),
	                   vec_get(n, "coinb2"), vec_get(n, "merkle_branch"),
	                   vec_get(n, "version"), vec_get(n, "nbits"),
	                   vec_get(n, "ntime"), 1);
	assert_non_null(params);
	dump = json_dumps(json_pack("{s:n,s:s,s:o}", "id", "method",
	                            "mining.notify", "params", params),
	                  JSON_COMPACT);
	snprintf(c->notify_line, sizeof(c->notify_line), "%s", dump);
	free(dump);
	c->en1_hex = vec_str(c->job, "extranonce1");
	c->en2_len = vec_hex(sub, "extranonce2", c->en2, sizeof(c->en2));
	c->ntime = vec_u32_hex(sub, "ntime");
	c->nonce = vec_u32_hex(sub, "nonce");
	c->vbits = vec_u32_hex(sub, "version_bits");
	c->mask = vec_u32_hex(c->job, "version_mask");
	c->version =
	        work_version_roll(vec_u32_hex(n, "version"), c->mask, c->vbits);
	c->pool_diff = diff;
}

/* Connects, answers configure/subscribe/authorize (rolling with the
 * capture's mask, its extranonce1), sets the difficulty and sends the
 * capture's notify. */
static struct session_ctx *open_capture(struct capture *c, struct rec *r,
                                        int rolling, size_t queue_max)
{
	struct session_cfg cfg;
	struct session_ctx *s;
	json_t *out;

	session_cfg_default(&cfg);
	cfg.user = "bc1q...bitaxe";
	cfg.pass = "x";
	cfg.queue_max = queue_max;
	memset(r, 0, sizeof(*r));
	assert_int_equal(session_new(&cfg, &sink, r, &s), 0);
	assert_int_equal(session_connected(s, 10), 0);
	out = take_out(s);
	if (rolling)
		feed(s, 11,
		     "{\"id\":%lld,\"result\":{\"version-rolling\":true,"
		     "\"version-rolling.mask\":\"%08x\"},\"error\":null}",
		     req_id(out, "mining.configure"), c->mask);
	else
		feed(s, 11,
		     "{\"id\":%lld,\"result\":{\"version-rolling\":false},"
		     "\"error\":null}",
		     req_id(out, "mining.configure"));
	feed(s, 12,
	     "{\"id\":%lld,\"result\":[[[\"mining.notify\",\"ab12\"]],\"%s\",%"
	     "zu],"
	     "\"error\":null}",
	     req_id(out, "mining.subscribe"), c->en1_hex, c->en2_len);
	feed(s, 13, "{\"id\":%lld,\"result\":true,\"error\":null}",
	     req_id(out, "mining.authorize"));
	json_decref(out);
	feed(s, 14,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[%g]"
	     "}",
	     c->pool_diff);
	feed(s, 15, "%s", c->notify_line);
	assert_true(session_ready(s));
	assert_int_equal(r->jobs, 1);
	return s;
}

static int share(struct session_ctx *s, const struct capture *c,
                 const struct rec *r, uint32_t version, uint64_t found,
                 uint64_t now)
{
	struct session_share_in in;

	memset(&in, 0, sizeof(in));
	in.seq = r->last.seq;
	in.en2 = c->en2;
	in.en2_len = c->en2_len;
	in.ntime = c->ntime;
	in.nonce = c->nonce;
	in.version = version;
	in.found_ms = found;
	return session_share(s, &in, now);
}

static void check_submit(json_t *line, const struct capture *c, int vbits)
{
	json_t *p = json_object_get(line, "params");
	char hex[20];

	assert_string_equal(json_string_value(json_object_get(line, "method")),
	                    "mining.submit");
	assert_int_equal(json_array_size(p), vbits ? 6 : 5);
	assert_string_equal(json_string_value(json_array_get(p, 1)), c->job_id);
	hex_encode(c->en2, c->en2_len, hex, sizeof(hex));
	assert_string_equal(json_string_value(json_array_get(p, 2)), hex);
	assert_string_equal(json_string_value(json_array_get(p, 3)),
	                    vec_str(vec_get(c->job, "submit"), "ntime"));
	assert_string_equal(json_string_value(json_array_get(p, 4)),
	                    vec_str(vec_get(c->job, "submit"), "nonce"));
	if (vbits)
		assert_string_equal(
		        json_string_value(json_array_get(p, 5)),
		        vec_str(vec_get(c->job, "submit"), "version_bits"));
}

/* ---- tests
 * --------------------------------------------------------------------- */

static void test_handshake_lines(void **state)
{
	struct session_cfg cfg;
	struct session_ctx *s;
	struct rec r;
	json_t *out, *v, *names;

	(void)state;
	session_cfg_default(&cfg);
	cfg.user = "worker.1";
	cfg.suggest_difficulty = 512;
	memset(&r, 0, sizeof(r));
	assert_int_equal(session_new(&cfg, &sink, &r, &s), 0);
	assert_int_equal(session_connected(s, 0), 0);
	out = take_out(s);
	v = find_method(out, "mining.configure");
	assert_non_null(v);
	names = json_array_get(json_object_get(v, "params"), 0);
	assert_string_equal(json_string_value(json_array_get(names, 0)),
	                    "version-rolling");
	assert_string_equal(json_string_value(json_array_get(
	                            names, json_array_size(names) - 1)),
	                    "tandem-aux-targets");
	assert_string_equal(
	        json_string_value(json_object_get(
	                json_array_get(json_object_get(v, "params"), 1),
	                "version-rolling.mask")),
	        "1fffe000");
	assert_non_null(find_method(out, "mining.subscribe"));
	v = find_method(out, "mining.authorize");
	assert_string_equal(json_string_value(json_array_get(
	                            json_object_get(v, "params"), 0)),
	                    "worker.1");
	v = find_method(out, "mining.suggest_difficulty");
	assert_int_equal(json_integer_value(json_array_get(
	                         json_object_get(v, "params"), 0)),
	                 512);
	assert_non_null(find_method(out, "mining.extranonce.subscribe"));
	/* configure goes first: its answer decides rolling for every job */
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(out, 0), "method")),
	                    "mining.configure");
	json_decref(out);
	session_free(s);
}

static void test_real_share_rolled(void **state)
{
	struct capture c;
	struct rec r;
	struct session_ctx *s;
	struct session_stats st;
	json_t *out;

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	s = open_capture(&c, &r, 1, 8);
	assert_int_equal(r.last.version_mask, c.mask);
	assert_int_equal(share(s, &c, &r, c.version, 0, 20),
	                 SESSION_SHARE_SENT);
	out = take_out(s);
	assert_int_equal(json_array_size(out), 1);
	check_submit(json_array_get(out, 0), &c, 1);
	/* the pool accepts */
	feed(s, 21, "{\"id\":%lld,\"result\":true,\"error\":null}",
	     req_id(out, "mining.submit"));
	json_decref(out);
	session_get_stats(s, &st);
	assert_int_equal(st.found, 1);
	assert_int_equal(st.accepted, 1);
	assert_int_equal(st.pending, 0);
	/* the same share again is a duplicate, never a second submit */
	assert_int_equal(share(s, &c, &r, c.version, 0, 22),
	                 SESSION_SHARE_DUPLICATE);
	assert_int_equal(session_out(s, &(const char *){NULL}), 0);
	check_invariant(s);
	session_free(s);
	json_decref(c.root);
}

static void test_real_share_difficulty(void **state)
{
	struct capture c;
	struct rec r;
	struct session_ctx *s;

	(void)state;
	/* about 29588: below a pool difficulty of 32768 */
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 32768);
	s = open_capture(&c, &r, 1, 8);
	assert_int_equal(share(s, &c, &r, c.version, 0, 20), SESSION_SHARE_LOW);
	check_invariant(s);
	session_free(s);
	json_decref(c.root);

	/* found before a raise to 32768: judged at the 8192 in force then */
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	s = open_capture(&c, &r, 1, 8);
	feed(s, 100,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":["
	     "32768]}");
	assert_int_equal(r.updates, 1);
	assert_true(r.last.difficulty == 32768);
	assert_int_equal(share(s, &c, &r, c.version, 90, 110),
	                 SESSION_SHARE_SENT);
	json_decref(take_out(s));
	session_free(s);

	/* found after the raise: local only */
	s = open_capture(&c, &r, 1, 8);
	feed(s, 100,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":["
	     "32768]}");
	assert_int_equal(share(s, &c, &r, c.version, 105, 110),
	                 SESSION_SHARE_LOW);
	session_free(s);

	/* a fractional difficulty below 1 works */
	s = open_capture(&c, &r, 1, 8);
	feed(s, 100,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0."
	     "001]}");
	assert_true(r.last.difficulty == 0.001);
	assert_int_equal(r.last.share_target[31], 0x00);
	assert_int_equal(share(s, &c, &r, c.version, 0, 110),
	                 SESSION_SHARE_SENT);
	session_free(s);
	json_decref(c.root);
}

static void test_real_share_testnet(void **state)
{
	struct capture c;
	struct rec r;
	struct session_ctx *s;
	json_t *out;

	(void)state;
	load_capture(&c, "public_pool_testnet_recording", 512);
	s = open_capture(&c, &r, 1, 8);
	assert_int_equal(share(s, &c, &r, c.version, 0, 20),
	                 SESSION_SHARE_SENT);
	out = take_out(s);
	check_submit(json_array_get(out, 0), &c, 1);
	/* a reject is counted with its reason */
	feed(s, 21,
	     "{\"id\":%lld,\"result\":null,\"error\":[23,\"Low difficulty "
	     "share\",null]}",
	     req_id(out, "mining.submit"));
	json_decref(out);
	{
		struct session_stats st;

		session_get_stats(s, &st);
		assert_int_equal(st.rejected, 1);
		assert_int_equal(st.rejects.count, 1);
		assert_string_equal(st.rejects.r[0].reason,
		                    "Low difficulty share");
	}
	check_invariant(s);
	session_free(s);
	json_decref(c.root);
}

static void test_rolling_refused(void **state)
{
	struct capture c;
	struct rec r;
	struct session_ctx *s;
	struct session_stats st;

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	s = open_capture(&c, &r, 0, 8);
	assert_int_equal(r.last.version_mask, 0);
	assert_int_equal(session_version_mask(s), 0);
	/* a rolled share to a pool that refused rolling is never sent */
	assert_int_equal(share(s, &c, &r, c.version, 0, 20),
	                 SESSION_SHARE_DROPPED);
	assert_int_equal(session_out(s, &(const char *){NULL}), 0);
	session_get_stats(s, &st);
	assert_int_equal(st.dropped, 1);
	check_invariant(s);
	session_free(s);
	json_decref(c.root);
}

static void test_order_and_stale(void **state)
{
	struct capture c;
	struct session_cfg cfg;
	struct session_ctx *s;
	struct rec r;
	struct session_stats st;
	json_t *out;
	uint32_t first;

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	session_cfg_default(&cfg);
	cfg.user = "u";
	memset(&r, 0, sizeof(r));
	assert_int_equal(session_new(&cfg, &sink, &r, &s), 0);
	session_connected(s, 0);
	out = take_out(s);
	/* notify and difficulty before any answer, answers in reverse */
	feed(s, 1,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":["
	     "8192]}");
	feed(s, 2, "%s", c.notify_line);
	assert_int_equal(r.jobs, 0);
	feed(s, 3, "{\"id\":%lld,\"result\":true,\"error\":null}",
	     req_id(out, "mining.authorize"));
	feed(s, 4,
	     "{\"id\":%lld,\"result\":[[[\"mining.notify\",\"ab12\"]],\"%s\",4]"
	     ","
	     "\"error\":null}",
	     req_id(out, "mining.subscribe"), c.en1_hex);
	assert_int_equal(r.jobs, 0); /* configure still open */
	feed(s, 5,
	     "{\"id\":%lld,\"result\":{\"version-rolling\":true,"
	     "\"version-rolling.mask\":\"1fffe000\"},\"error\":null}",
	     req_id(out, "mining.configure"));
	json_decref(out);
	assert_int_equal(r.jobs, 1);
	assert_int_equal(r.last.version_mask, 0x1fffe000u);
	first = r.last.seq;
	/* a clean job flushes the first: its share is stale, not sent */
	{
		char line[16384];
		char *p;

		snprintf(line, sizeof(line), "%s", c.notify_line);
		p = strstr(line, c.job_id);
		assert_non_null(p);
		p[0] = 'X'; /* another job id, same work */
		feed(s, 6, "%s", line);
	}
	assert_int_equal(r.cleans, 2);
	assert_int_not_equal(r.last.seq, first);
	r.last.seq = first;
	assert_int_equal(share(s, &c, &r, c.version, 0, 7),
	                 SESSION_SHARE_STALE);
	assert_int_equal(session_out(s, &(const char *){NULL}), 0);
	session_get_stats(s, &st);
	assert_int_equal(st.stale, 1);
	check_invariant(s);
	session_free(s);
	json_decref(c.root);
}

static void test_queue_and_resume(void **state)
{
	struct capture c;
	struct rec r;
	struct session_ctx *s;
	struct session_stats st;
	json_t *out, *sub;

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	s = open_capture(&c, &r, 1, 8);
	session_disconnected(s, 30);
	assert_int_equal(share(s, &c, &r, c.version, 0, 31),
	                 SESSION_SHARE_QUEUED);
	session_get_stats(s, &st);
	assert_int_equal(st.queued, 1);
	/* reconnect: the subscribe offers the old session */
	session_connected(s, 40);
	out = take_out(s);
	sub = find_method(out, "mining.subscribe");
	assert_string_equal(json_string_value(json_array_get(
	                            json_object_get(sub, "params"), 1)),
	                    "ab12");
	feed(s, 41,
	     "{\"id\":%lld,\"result\":{\"version-rolling\":true,"
	     "\"version-rolling.mask\":\"1fffe000\"},\"error\":null}",
	     req_id(out, "mining.configure"));
	feed(s, 42,
	     "{\"id\":%lld,\"result\":[[[\"mining.notify\",\"ab12\"]],\"%s\",4]"
	     ","
	     "\"error\":null}",
	     req_id(out, "mining.subscribe"), c.en1_hex);
	feed(s, 43, "{\"id\":%lld,\"result\":true,\"error\":null}",
	     req_id(out, "mining.authorize"));
	json_decref(out);
	/* held until the pool says which jobs live: same job, resent */
	assert_int_equal(session_out(s, &(const char *){NULL}), 0);
	feed(s, 44, "%s", c.notify_line);
	out = take_out(s);
	assert_int_equal(json_array_size(out), 1);
	check_submit(json_array_get(out, 0), &c, 1);
	json_decref(out);
	session_get_stats(s, &st);
	assert_int_equal(st.resumed, 1);
	assert_int_equal(st.queued, 0);
	assert_int_equal(st.pending, 1);
	check_invariant(s);
	session_free(s);

	/* not resumed (new extranonce1): the queued share is stale */
	s = open_capture(&c, &r, 1, 8);
	session_disconnected(s, 30);
	assert_int_equal(share(s, &c, &r, c.version, 0, 31),
	                 SESSION_SHARE_QUEUED);
	session_connected(s, 40);
	out = take_out(s);
	feed(s, 41,
	     "{\"id\":%lld,\"result\":[[[\"mining.notify\",\"zz\"]],"
	     "\"0badcafe\","
	     "4],\"error\":null}",
	     req_id(out, "mining.subscribe"));
	assert_int_equal(r.stops, 1);
	feed(s, 42, "{\"id\":%lld,\"result\":false,\"error\":null}",
	     req_id(out, "mining.configure"));
	feed(s, 43, "{\"id\":%lld,\"result\":true,\"error\":null}",
	     req_id(out, "mining.authorize"));
	json_decref(out);
	feed(s, 44, "%s", c.notify_line);
	json_decref(take_out(s));
	session_get_stats(s, &st);
	assert_int_equal(st.stale, 1);
	assert_int_equal(st.pending, 0);
	check_invariant(s);
	session_free(s);

	/* a bounded queue drops the oldest, with a reason (a tiny
	 * difficulty makes any nonce a share) */
	s = open_capture(&c, &r, 1, 1);
	feed(s, 29,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":"
	     "[1e-12]}");
	session_disconnected(s, 30);
	assert_int_equal(share(s, &c, &r, c.version, 0, 31),
	                 SESSION_SHARE_QUEUED);
	c.nonce ^= 1;
	assert_int_equal(share(s, &c, &r, c.version, 0, 32),
	                 SESSION_SHARE_QUEUED);
	session_get_stats(s, &st);
	assert_int_equal(st.queued, 1);
	assert_int_equal(st.dropped, 1);
	assert_string_equal(st.drops.r[0].reason, "queue full");
	session_abandon(s, "exit");
	session_get_stats(s, &st);
	assert_int_equal(st.dropped, 2);
	assert_string_equal(st.drops.r[1].reason, "exit");
	check_invariant(s);
	session_free(s);
	json_decref(c.root);
}

static void test_server_requests(void **state)
{
	struct capture c;
	struct rec r;
	struct session_ctx *s;
	struct session_stats st;
	json_t *out;
	char big[70000];

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	s = open_capture(&c, &r, 1, 8);
	feed(s, 50, "{\"id\":7,\"method\":\"mining.ping\",\"params\":[]}");
	feed(s, 51,
	     "{\"id\":8,\"method\":\"client.get_version\",\"params\":[]}");
	feed(s, 52,
	     "{\"id\":9,\"method\":\"mining.frobnicate\",\"params\":[]}");
	feed(s, 53,
	     "{\"id\":null,\"method\":\"mining.frobnicate\",\"params\":[]}");
	out = take_out(s);
	assert_int_equal(json_array_size(out), 3);
	assert_string_equal(json_string_value(json_object_get(
	                            json_array_get(out, 0), "result")),
	                    "pong");
	assert_int_equal(json_integer_value(
	                         json_object_get(json_array_get(out, 1), "id")),
	                 8);
	assert_true(json_is_string(
	        json_object_get(json_array_get(out, 1), "result")));
	assert_true(json_is_array(
	        json_object_get(json_array_get(out, 2), "error")));
	json_decref(out);
	/* garbage of every kind: counted, survived */
	feed(s, 54, "not json at all");
	feed(s, 55, "[1,2,3]");
	feed(s, 56,
	     "{\"id\":null,\"method\":\"mining.notify\",\"params\":[1]}");
	feed(s, 57,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[-1]"
	     "}");
	feed(s, 58, "{\"id\":4242,\"result\":true,\"error\":null}");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	assert_int_equal(session_line(s, big, strlen(big), 59), 0);
	session_get_stats(s, &st);
	assert_int_equal(st.lines_bad, 6);
	assert_int_equal(st.unknown_methods, 2);
	assert_true(st.difficulty == 8192);
	/* reconnect: another host is refused by default */
	feed(s, 60,
	     "{\"id\":null,\"method\":\"client.reconnect\",\"params\":"
	     "[\"evil.example\",3333,5]}");
	assert_int_equal(r.reconnects, 1);
	assert_string_equal(r.reconnect_host, "");
	assert_int_equal(r.reconnect_wait, 5);
	/* still mining after all that */
	assert_int_equal(share(s, &c, &r, c.version, 0, 61),
	                 SESSION_SHARE_SENT);
	session_free(s);
	json_decref(c.root);
}

static void test_extranonce_and_mask(void **state)
{
	struct capture c;
	struct rec r;
	struct session_ctx *s;
	uint32_t old;

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	s = open_capture(&c, &r, 1, 8);
	old = r.last.seq;
	feed(s, 70,
	     "{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":"
	     "[\"01020304\",4]}");
	assert_int_equal(r.jobs, 2);
	assert_int_not_equal(r.last.seq, old);
	assert_memory_equal(r.en1, "\x01\x02\x03\x04", 4);
	/* the share on the old extranonce1 is stale */
	r.last.seq = old;
	assert_int_equal(share(s, &c, &r, c.version, 0, 71),
	                 SESSION_SHARE_STALE);
	check_invariant(s);
	session_free(s);

	/* a narrower mask: shares with bits outside it are not sent */
	s = open_capture(&c, &r, 1, 8);
	feed(s, 80,
	     "{\"id\":null,\"method\":\"mining.set_version_mask\",\"params\":"
	     "[\"00000000\"]}");
	assert_int_equal(r.last.version_mask, 0);
	assert_int_equal(share(s, &c, &r, c.version, 0, 81),
	                 SESSION_SHARE_DROPPED);
	check_invariant(s);
	session_free(s);
	json_decref(c.root);
}

static void test_aux_targets(void **state)
{
	struct capture c;
	struct session_cfg cfg;
	struct session_ctx *s;
	struct session_aux aux;
	struct rec r;
	struct session_stats st;
	json_t *out;
	size_t i;
	int found_ext = 0, found_cli = 0;

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	session_cfg_default(&cfg);
	cfg.user = "u";
	snprintf(aux.name, sizeof(aux.name), "cli");
	/* the share (difficulty ~29588) meets difficulty 16384 */
	assert_int_equal(work_difficulty_to_target(16384, aux.target), 0);
	cfg.aux = &aux;
	cfg.aux_count = 1;
	memset(&r, 0, sizeof(r));
	assert_int_equal(session_new(&cfg, &sink, &r, &s), 0);
	session_connected(s, 0);
	out = take_out(s);
	feed(s, 1,
	     "{\"id\":%lld,\"result\":{\"version-rolling\":true,"
	     "\"version-rolling.mask\":\"1fffe000\",\"tandem-aux-targets\":"
	     "true},"
	     "\"error\":null}",
	     req_id(out, "mining.configure"));
	feed(s, 2,
	     "{\"id\":%lld,\"result\":[[[\"mining.notify\",\"ab\"]],\"%s\",4],"
	     "\"error\":null}",
	     req_id(out, "mining.subscribe"), c.en1_hex);
	feed(s, 3, "{\"id\":%lld,\"result\":true,\"error\":null}",
	     req_id(out, "mining.authorize"));
	json_decref(out);
	/* bound to the job before it arrives; difficulty-1 target */
	feed(s, 4,
	     "{\"id\":null,\"method\":\"mining.set_aux_targets\",\"params\":"
	     "[\"%s\",[[\"ext\",\"00000000ffff00000000000000000000000000000000"
	     "00000000000000000000\"]]]}",
	     c.job_id);
	feed(s, 5,
	     "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":["
	     "100000]}");
	feed(s, 6, "%s", c.notify_line);
	assert_int_equal(r.last.aux_count, 2);
	for (i = 0; i < r.last.aux_count; i++) {
		found_ext |= strcmp(r.last.aux[i].name, "ext") == 0;
		found_cli |= strcmp(r.last.aux[i].name, "cli") == 0;
	}
	assert_true(found_ext && found_cli);
	/* below the pool's 100000 but a candidate for both aux chains */
	assert_int_equal(share(s, &c, &r, c.version, 0, 7), SESSION_SHARE_LOW);
	session_get_stats(s, &st);
	assert_int_equal(st.found, 0);
	assert_int_equal(st.chain_count, 2);
	for (i = 0; i < st.chain_count; i++)
		assert_int_equal(st.chain[i].candidates, 1);
	assert_int_equal(session_out(s, &(const char *){NULL}), 0);
	session_free(s);
	json_decref(c.root);
}

/* Handshake of a session with this configuration; returns the lines it
 * wrote first. */
static json_t *connect_with(const struct session_cfg *cfg, struct rec *r,
                            struct session_ctx **s)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(session_new(cfg, &sink, r, s), 0);
	assert_int_equal(session_connected(*s, 0), 0);
	return take_out(*s);
}

/* The aux extension is on only when offered and answered true; else a
 * mining.set_aux_targets is a bad line that changes nothing. */
static void test_aux_negotiation(void **state)
{
	static const char aux_line[] =
	        "{\"id\":null,\"method\":\"mining.set_aux_targets\","
	        "\"params\":[null,[[\"ext\",\"00000000ffff0000000000000000"
	        "000000000000000000000000000000000000\"]]]}";
	static const char *const answers[] = {
	        "\"tandem-aux-targets\":false",
	        "\"tandem-aux-targets\":\"not supported\"",
	        "\"tandem-aux-targets\":1",
	        "\"other\":true",
	};
	struct capture c;
	struct session_cfg cfg;
	struct session_ctx *s;
	struct session_stats st;
	struct rec r;
	json_t *out, *v;
	size_t i;

	(void)state;
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	session_cfg_default(&cfg);
	cfg.user = "u";
	/* refused in every way the document lists, offered (default cfg) */
	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		out = connect_with(&cfg, &r, &s);
		feed(s, 1,
		     "{\"id\":%lld,\"result\":{\"version-rolling\":true,"
		     "\"version-rolling.mask\":\"1fffe000\",%s},"
		     "\"error\":null}",
		     req_id(out, "mining.configure"), answers[i]);
		feed(s, 2,
		     "{\"id\":%lld,\"result\":[[],\"%s\",8],\"error\":null}",
		     req_id(out, "mining.subscribe"), c.en1_hex);
		json_decref(out);
		feed(s, 3, "%s", c.notify_line);
		assert_int_equal(r.jobs, 1);
		/* rolling still agreed from the same answer */
		assert_int_equal(r.last.version_mask, 0x1fffe000u & c.mask);
		feed(s, 4, "%s", aux_line);
		session_get_stats(s, &st);
		assert_int_equal(st.lines_bad, 1);
		assert_int_equal(r.updates, 0);
		assert_int_equal(session_current(s)->aux_count, 0);
		session_free(s);
	}
	/* not offered: a pool answering true anyway does not turn it on */
	cfg.aux_extension = 0;
	out = connect_with(&cfg, &r, &s);
	v = json_array_get(
	        json_object_get(find_method(out, "mining.configure"), "params"),
	        0);
	for (i = 0; i < json_array_size(v); i++)
		assert_string_not_equal(json_string_value(json_array_get(v, i)),
		                        "tandem-aux-targets");
	feed(s, 1,
	     "{\"id\":%lld,\"result\":{\"tandem-aux-targets\":true},"
	     "\"error\":null}",
	     req_id(out, "mining.configure"));
	feed(s, 2, "{\"id\":%lld,\"result\":[[],\"%s\",8],\"error\":null}",
	     req_id(out, "mining.subscribe"), c.en1_hex);
	json_decref(out);
	feed(s, 3, "%s", c.notify_line);
	feed(s, 4, "%s", aux_line);
	session_get_stats(s, &st);
	assert_int_equal(st.lines_bad, 1);
	assert_int_equal(session_current(s)->aux_count, 0);
	session_free(s);
	/* the extension alone still makes a mining.configure ... */
	cfg.aux_extension = 1;
	cfg.version_rolling = 0;
	cfg.extranonce_subscribe = 0;
	out = connect_with(&cfg, &r, &s);
	v = find_method(out, "mining.configure");
	assert_non_null(v);
	v = json_object_get(v, "params");
	assert_int_equal(json_array_size(v), 2);
	assert_int_equal(json_array_size(json_array_get(v, 0)), 1);
	assert_string_equal(
	        json_string_value(json_array_get(json_array_get(v, 0), 0)),
	        "tandem-aux-targets");
	assert_int_equal(json_object_size(json_array_get(v, 1)), 0);
	/* ... and the answer turns it on */
	feed(s, 1,
	     "{\"id\":%lld,\"result\":{\"tandem-aux-targets\":true},"
	     "\"error\":null}",
	     req_id(out, "mining.configure"));
	feed(s, 2, "{\"id\":%lld,\"result\":[[],\"%s\",8],\"error\":null}",
	     req_id(out, "mining.subscribe"), c.en1_hex);
	json_decref(out);
	feed(s, 3, "%s", c.notify_line);
	feed(s, 4, "%s", aux_line);
	session_get_stats(s, &st);
	assert_int_equal(st.lines_bad, 0);
	assert_int_equal(r.updates, 1);
	assert_int_equal(r.last.aux_count, 1);
	assert_string_equal(r.last.aux[0].name, "ext");
	assert_int_equal(r.last.version_mask, 0);
	session_free(s);
	/* nothing to ask: no mining.configure at all */
	cfg.aux_extension = 0;
	out = connect_with(&cfg, &r, &s);
	assert_null(find_method(out, "mining.configure"));
	assert_non_null(find_method(out, "mining.subscribe"));
	json_decref(out);
	session_free(s);
	json_decref(c.root);
}

/* The capture's notify under another job id, its coinb2 grown to cb2_len
 * bytes by repeating its own bytes and its branch to nbranch entries by
 * repeating its own entries. */
static void notify_grown(const struct capture *c, const char *job_id,
                         size_t cb2_len, size_t nbranch, int clean, char *line,
                         size_t cap)
{
	const json_t *n = vec_get(c->job, "notify");
	const json_t *br = vec_get(n, "merkle_branch");
	uint8_t *cb2, *grown;
	size_t len, i;
	char *hex, *dump;
	json_t *branch = json_array(), *msg;

	cb2 = vec_hex_alloc(n, "coinb2", &len);
	assert_true(len > 0 && json_array_size(br) > 0);
	grown = malloc(cb2_len);
	hex = malloc(2 * cb2_len + 1);
	assert_non_null(grown);
	assert_non_null(hex);
	for (i = 0; i < cb2_len; i++)
		grown[i] = cb2[i % len];
	hex_encode(grown, cb2_len, hex, 2 * cb2_len + 1);
	for (i = 0; i < nbranch; i++)
		json_array_append(branch,
		                  json_array_get(br, i % json_array_size(br)));
	msg = json_pack("{s:n,s:s,s:[s,O,O,s,o,O,O,O,b]}", "id", "method",
	                "mining.notify", "params", job_id,
	                vec_get(n, "prevhash"), vec_get(n, "coinb1"), hex,
	                branch, vec_get(n, "version"), vec_get(n, "nbits"),
	                vec_get(n, "ntime"), clean);
	assert_non_null(msg);
	dump = json_dumps(msg, JSON_COMPACT);
	assert_non_null(dump);
	assert_true(strlen(dump) < cap);
	snprintf(line, cap, "%s", dump);
	free(dump);
	json_decref(msg);
	free(hex);
	free(grown);
	free(cb2);
}

/* Work the session issues always fits the device protocol: the limits
 * are found with the job model (job_proto_stratum), the session must
 * issue a job right at them and refuse one just beyond, with a reason. */
static void test_device_limits(void **state)
{
	struct capture c;
	struct session_cfg cfg;
	struct session_ctx *s;
	struct session_stats st;
	struct job_stratum *js = malloc(sizeof(*js));
	struct proto_job *pj = malloc(sizeof(*pj));
	struct rec r;
	char line[8192];
	size_t limit, i;
	uint32_t old;
	json_t *out;

	(void)state;
	assert_non_null(js);
	assert_non_null(pj);
	load_capture(&c, "mujina_bitaxe_public_pool_version_rolling", 8192);
	s = open_capture(&c, &r, 1, 8);
	assert_int_equal(job_proto_stratum(r.last.js, r.last.en1,
	                                   r.last.en1_len, NULL,
	                                   r.last.en2_size, 0, 0, 0, pj),
	                 0);
	/* the longest coinb2 the job model splits into TANDEM_MAX_REM_BLOCKS
	 * blocks with this capture's coinb1 and extranonce sizes */
	*js = *r.last.js;
	for (limit = js->coinb2_len;; limit++) {
		for (i = 0; i <= limit; i++)
			js->coinb2[i] =
			        r.last.js->coinb2[i % r.last.js->coinb2_len];
		js->coinb2_len = limit + 1;
		if (job_proto_stratum(js, r.last.en1, r.last.en1_len, NULL,
		                      r.last.en2_size, 0, 0, 0,
		                      pj) == TANDEM_ERR_RANGE)
			break;
	}
	assert_true(limit < 64u * TANDEM_MAX_REM_BLOCKS);
	old = r.last.seq;

	/* at the limit: issued, and the device job builds */
	notify_grown(&c, "fits", limit, 1, 0, line, sizeof(line));
	feed(s, 20, "%s", line);
	assert_int_equal(r.jobs, 2);
	assert_string_equal(r.last.js->job_id, "fits");
	assert_int_equal(r.last.js->coinb2_len, limit);
	assert_int_equal(job_proto_stratum(r.last.js, r.last.en1,
	                                   r.last.en1_len, NULL,
	                                   r.last.en2_size, 0, 0, 0, pj),
	                 0);
	assert_int_equal(pj->rem_blocks, TANDEM_MAX_REM_BLOCKS);
	/* one byte more: refused with the reason, the current job stays */
	notify_grown(&c, "toolong", limit + 1, 1, 0, line, sizeof(line));
	feed(s, 21, "%s", line);
	assert_int_equal(r.jobs, 2);
	assert_int_equal(r.errors, 1);
	assert_non_null(strstr(r.last_error, "job toolong refused"));
	assert_non_null(strstr(r.last_error, "64-byte boundary"));
	assert_non_null(strstr(r.last_error, "takes at most 8"));
	assert_string_equal(session_current(s)->js->job_id, "fits");
	/* TANDEM_MAX_BRANCH entries fit, one more does not */
	notify_grown(&c, "deep", 99, TANDEM_MAX_BRANCH, 0, line, sizeof(line));
	feed(s, 22, "%s", line);
	assert_int_equal(r.jobs, 3);
	assert_int_equal(job_proto_stratum(r.last.js, r.last.en1,
	                                   r.last.en1_len, NULL,
	                                   r.last.en2_size, 0, 0, 0, pj),
	                 0);
	notify_grown(&c, "deeper", 99, TANDEM_MAX_BRANCH + 1, 0, line,
	             sizeof(line));
	feed(s, 23, "%s", line);
	assert_int_equal(r.jobs, 3);
	assert_non_null(strstr(r.last_error, "job deeper refused: merkle "
	                                     "branch of 17 entries"));
	*js = *r.last.js;
	js->branch_count = TANDEM_MAX_BRANCH + 1;
	assert_int_equal(job_proto_stratum(js, r.last.en1, r.last.en1_len, NULL,
	                                   r.last.en2_size, 0, 0, 0, pj),
	                 TANDEM_ERR_RANGE);
	/* a refused clean job flushes the old work: devices stop, a share
	 * of the capture's job is stale */
	notify_grown(&c, "cleanbig", limit + 1, 1, 1, line, sizeof(line));
	feed(s, 24, "%s", line);
	assert_int_equal(r.stops, 1);
	assert_null(session_current(s));
	r.last.seq = old;
	assert_int_equal(share(s, &c, &r, c.version, 0, 25),
	                 SESSION_SHARE_STALE);
	session_get_stats(s, &st);
	assert_int_equal(st.jobs_refused, 3);
	assert_int_equal(st.jobs, 3);
	check_invariant(s);
	session_free(s);

	/* a job that came before the subscribe answer is checked when the
	 * extranonce sizes are known */
	session_cfg_default(&cfg);
	cfg.user = "u";
	out = connect_with(&cfg, &r, &s);
	feed(s, 1,
	     "{\"id\":%lld,\"result\":{\"version-rolling\":false},"
	     "\"error\":null}",
	     req_id(out, "mining.configure"));
	notify_grown(&c, "early", limit + 1, 1, 1, line, sizeof(line));
	feed(s, 2, "%s", line);
	feed(s, 3, "{\"id\":%lld,\"result\":[[],\"%s\",%zu],\"error\":null}",
	     req_id(out, "mining.subscribe"), c.en1_hex, c.en2_len);
	json_decref(out);
	assert_int_equal(r.jobs, 0);
	assert_int_equal(r.stops, 1);
	assert_non_null(strstr(r.last_error, "job early refused"));
	session_get_stats(s, &st);
	assert_int_equal(st.jobs_refused, 1);
	assert_null(session_current(s));
	session_free(s);

	/* an extranonce2 wider than the device rolls fails the pool at
	 * subscribe, so failover can pick another */
	out = connect_with(&cfg, &r, &s);
	feed(s, 1, "{\"id\":%lld,\"result\":[[],\"%s\",%u],\"error\":null}",
	     req_id(out, "mining.subscribe"), c.en1_hex, TANDEM_MAX_EN2 + 1);
	json_decref(out);
	assert_int_equal(session_failed(s), TANDEM_ERR_UNSUPPORTED);
	assert_non_null(strstr(session_fail_reason(s), "extranonce2_size 9"));
	session_free(s);
	json_decref(c.root);
	free(js);
	free(pj);
}

static void test_refused_login(void **state)
{
	struct session_cfg cfg;
	struct session_ctx *s;
	struct rec r;
	json_t *out;

	(void)state;
	session_cfg_default(&cfg);
	cfg.user = "nobody";
	memset(&r, 0, sizeof(r));
	assert_int_equal(session_new(&cfg, &sink, &r, &s), 0);
	session_connected(s, 0);
	out = take_out(s);
	assert_int_equal(session_failed(s), 0);
	feed(s, 1,
	     "{\"id\":%lld,\"result\":null,\"error\":[24,\"Unauthorized "
	     "worker\","
	     "null]}",
	     req_id(out, "mining.authorize"));
	json_decref(out);
	assert_true(session_failed(s) < 0);
	assert_non_null(strstr(session_fail_reason(s), "Unauthorized"));
	assert_false(session_ready(s));
	session_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_handshake_lines),
	        cmocka_unit_test(test_real_share_rolled),
	        cmocka_unit_test(test_real_share_difficulty),
	        cmocka_unit_test(test_real_share_testnet),
	        cmocka_unit_test(test_rolling_refused),
	        cmocka_unit_test(test_order_and_stale),
	        cmocka_unit_test(test_queue_and_resume),
	        cmocka_unit_test(test_server_requests),
	        cmocka_unit_test(test_extranonce_and_mask),
	        cmocka_unit_test(test_aux_targets),
	        cmocka_unit_test(test_aux_negotiation),
	        cmocka_unit_test(test_device_limits),
	        cmocka_unit_test(test_refused_login),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
