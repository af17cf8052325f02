/* Stratum v1 codec tests on real captured data.
 *
 * Every job of tests/vectors/stratum_jobs.json and every block of
 * tests/vectors/blocks.json becomes the mining.notify line a pool sends;
 * the parsed struct is checked field by field against the JSON, then fed
 * through the job model (job.h) to the known merkle roots, midstates,
 * share difficulties and whole 80-byte headers. Submit lines are built
 * from the captured submit values and read back with jansson. A table of
 * broken lines checks that every kind of damage gives its own error code
 * and a detail naming the problem. */
#include <math.h>
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
#include "sha256.h"
#include "stratum.h"
#include "tandem_err.h"
#include "vectors.h"
#include "work.h"

#define ERRLEN 256

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

/* Serialise a JSON value as a pool line ending in "\n" (malloc'd). */
static char *line_of(const json_t *obj, size_t flags, size_t *len)
{
	char *s = json_dumps(obj, flags);
	char *line;
	size_t n;

	assert_non_null(s);
	n = strlen(s);
	line = malloc(n + 2);
	assert_non_null(line);
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	free(s);
	*len = n + 1;
	return line;
}

/* Parse a NUL-terminated line that must parse; fails the test otherwise. */
static void parse_ok(const char *line, struct stratum_msg *m)
{
	char err[ERRLEN];
	int rc = stratum_parse_line(line, strlen(line), m, err, sizeof(err));

	if (rc != 0)
		fail_msg("parse failed (%d: %s) on %.200s", rc, err, line);
}

/* Stratum prevhash text -> header bytes, as the vector README §5 says:
 * reverse the bytes inside each 4-byte group. */
static void prevhash_header_order(const json_t *notify, uint8_t out[32])
{
	uint8_t raw[32];
	int i;

	vec_hex_n(notify, "prevhash", raw, 32, 0);
	for (i = 0; i < 32; i++)
		out[i] = raw[(i / 4) * 4 + 3 - i % 4];
}

/* The parsed notify as the job model's struct. */
static void to_job(const struct stratum_notify *n, struct job_stratum *j)
{
	memset(j, 0, sizeof(*j));
	assert_true(n->coinb1_len <= JOB_COINB_MAX);
	assert_true(n->coinb2_len <= JOB_COINB_MAX);
	assert_true(n->merkle_count <= JOB_MAX_BRANCH);
	memcpy(j->job_id, n->job_id, sizeof(n->job_id));
	memcpy(j->prevhash, n->prevhash, 32);
	memcpy(j->coinb1, n->coinb1, n->coinb1_len);
	j->coinb1_len = n->coinb1_len;
	memcpy(j->coinb2, n->coinb2, n->coinb2_len);
	j->coinb2_len = n->coinb2_len;
	memcpy(j->branch, n->merkle_branch, n->merkle_count * 32);
	j->branch_count = n->merkle_count;
	j->version = n->version;
	j->nbits = n->nbits;
	j->ntime = n->ntime;
	j->clean_jobs = n->clean_jobs;
}

/* Check every notify field against the JSON object it was built from. */
static void check_notify(const struct stratum_notify *n, const json_t *src)
{
	uint8_t ph[32], *b;
	size_t len, count, i;
	json_t *br;

	assert_string_equal(n->job_id, vec_str(src, "job_id"));
	prevhash_header_order(src, ph);
	assert_memory_equal(n->prevhash, ph, 32);
	b = vec_hex_alloc(src, "coinb1", &len);
	assert_int_equal(n->coinb1_len, len);
	assert_memory_equal(n->coinb1, b, len);
	free(b);
	b = vec_hex_alloc(src, "coinb2", &len);
	assert_int_equal(n->coinb2_len, len);
	assert_memory_equal(n->coinb2, b, len);
	free(b);
	br = vec_array(src, "merkle_branch", &count);
	assert_int_equal(n->merkle_count, count);
	for (i = 0; i < count; i++) {
		const char *hx = json_string_value(json_array_get(br, i));
		uint8_t h[32];

		assert_non_null(hx);
		assert_int_equal(hex_decode_exact(hx, h, 32), 0);
		assert_memory_equal(n->merkle_branch[i], h, 32);
	}
	assert_int_equal(n->version, vec_u32_hex(src, "version"));
	assert_int_equal(n->nbits, vec_u32_hex(src, "nbits"));
	assert_int_equal(n->ntime, vec_u32_hex(src, "ntime"));
	assert_int_equal(n->clean_jobs,
	                 json_is_true(vec_get(src, "clean_jobs")) ? 1 : 0);
}

/* The mining.notify line of a notify object (with every field). */
static char *notify_line(const json_t *nt, size_t flags, size_t *len)
{
	json_t *msg =
	        json_pack("{s:n,s:s,s:[O,O,O,O,O,O,O,O,O]}", "id", "method",
	                  "mining.notify", "params", vec_get(nt, "job_id"),
	                  vec_get(nt, "prevhash"), vec_get(nt, "coinb1"),
	                  vec_get(nt, "coinb2"), vec_get(nt, "merkle_branch"),
	                  vec_get(nt, "version"), vec_get(nt, "nbits"),
	                  vec_get(nt, "ntime"), vec_get(nt, "clean_jobs"));
	char *line;

	assert_non_null(msg);
	line = line_of(msg, flags, len);
	json_decref(msg);
	return line;
}

/* ------------------------------------------------------------------ */
/* stratum_jobs.json                                                   */

static const char *const notify_keys[] = {
        "job_id",  "prevhash", "coinb1", "coinb2",    "merkle_branch",
        "version", "nbits",    "ntime",  "clean_jobs"};

static int has_all_fields(const json_t *nt)
{
	size_t i;

	for (i = 0; i < sizeof(notify_keys) / sizeof(notify_keys[0]); i++)
		if (!json_object_get(nt, notify_keys[i]))
			return 0;
	return 1;
}

/* A job's notify object; fields its source does not give are taken from
 * the first complete capture in the file, so that every job still makes
 * a whole line (the checks below only use the job's own fields). */
static json_t *complete_notify(const json_t *jobs, const json_t *job)
{
	const json_t *nt = vec_get(job, "notify"), *donor = NULL;
	json_t *out;
	size_t i;

	for (i = 0; i < json_array_size(jobs) && !donor; i++) {
		const json_t *d = vec_get(json_array_get(jobs, i), "notify");

		if (has_all_fields(d))
			donor = d;
	}
	assert_non_null(donor);
	out = json_deep_copy(nt);
	assert_non_null(out);
	for (i = 0; i < sizeof(notify_keys) / sizeof(notify_keys[0]); i++)
		if (!json_object_get(out, notify_keys[i]))
			json_object_set(out, notify_keys[i],
			                json_object_get(donor, notify_keys[i]));
	return out;
}

/* Share difficulty of the header the job and its submit give. */
static double share_difficulty(const json_t *job, const struct job_stratum *j,
                               const uint8_t *en1, size_t en1_len,
                               const uint8_t *en2, size_t en2_len,
                               const uint8_t *given_root)
{
	const json_t *sub = vec_get(job, "submit");
	const json_t *vb = json_object_get(sub, "version_bits");
	uint32_t version = j->version, ntime, nonce;
	uint8_t header[80], hash[32];

	ntime = vec_u32_hex(sub, "ntime");
	nonce = vec_u32_hex(sub, "nonce");
	if (vb && !json_is_null(vb))
		version = work_version_roll(j->version,
		                            vec_u32_hex(job, "version_mask"),
		                            vec_u32_hex(sub, "version_bits"));
	if (given_root) {
		struct work_header h = {.version = version,
		                        .ntime = ntime,
		                        .nbits = j->nbits,
		                        .nonce = nonce};

		memcpy(h.prevhash, j->prevhash, 32);
		memcpy(h.merkle_root, given_root, 32);
		work_header_pack(&h, header);
	} else {
		assert_int_equal(job_header(j, en1, en1_len, en2, en2_len,
		                            version, ntime, nonce, header),
		                 0);
	}
	sha256d(header, 80, hash);
	return work_target_to_difficulty(hash);
}

static void check_job(const json_t *jobs, const json_t *job, int *checks)
{
	const json_t *exp = vec_get(job, "expected");
	struct stratum_msg m;
	struct job_stratum *j = malloc(sizeof(*j));
	json_t *nt = complete_notify(jobs, job);
	uint8_t en1[64], en2[64], root[32], want[64], given[32];
	size_t en1_len = 0, en2_len = 0, len;
	int have_root = 0, have_given = 0;
	char *line;

	assert_non_null(j);
	/* Pretty-printed and compact lines must give the same message. */
	line = notify_line(nt, JSON_INDENT(1), &len);
	parse_ok(line, &m);
	free(line);
	stratum_msg_free(&m);
	line = notify_line(nt, JSON_COMPACT, &len);
	assert_int_equal(stratum_parse_line(line, len, &m, NULL, 0), 0);
	free(line);
	assert_int_equal(m.kind, STRATUM_NOTIFY);
	assert_int_equal(m.has_id, 0);
	assert_string_equal(m.method, "mining.notify");
	check_notify(&m.u.notify, nt);
	(*checks)++;

	to_job(&m.u.notify, j);
	if (json_object_get(job, "extranonce1")) {
		en1_len = vec_hex(job, "extranonce1", en1, sizeof(en1));
		en2_len = vec_hex(job, "extranonce2", en2, sizeof(en2));
	}
	if (json_object_get(exp, "coinbase_hex")) {
		uint8_t *cb = malloc(JOB_COINBASE_MAX), *wcb;
		int n;

		assert_non_null(cb);
		n = job_coinbase(j, en1, en1_len, en2, en2_len, cb,
		                 JOB_COINBASE_MAX);
		wcb = vec_hex_alloc(exp, "coinbase_hex", &len);
		assert_int_equal(n, (int)len);
		assert_memory_equal(cb, wcb, len);
		free(wcb);
		free(cb);
		(*checks)++;
	}
	if (json_object_get(vec_get(job, "notify"), "coinb1")) {
		assert_int_equal(
		        job_merkle_root(j, en1, en1_len, en2, en2_len, root),
		        0);
		have_root = 1;
	}
	if (json_object_get(job, "merkle_root_internal_hex")) {
		vec_hex_n(job, "merkle_root_internal_hex", given, 32, 0);
		memcpy(root, given, 32);
		have_given = have_root = 1;
	}
	if (json_object_get(exp, "merkle_root_internal_hex")) {
		vec_hex_n(exp, "merkle_root_internal_hex", want, 32, 0);
		assert_true(have_root);
		assert_memory_equal(root, want, 32);
		(*checks)++;
	}
	if (json_object_get(exp, "merkle_root_last4_hex")) {
		vec_hex_n(exp, "merkle_root_last4_hex", want, 4, 0);
		assert_true(have_root);
		assert_memory_equal(root + 28, want, 4);
		(*checks)++;
	}
	if (json_object_get(exp, "midstate_esp_miner_order_hex")) {
		uint32_t ms[8];
		uint8_t le[32];
		int w;

		assert_true(have_root);
		job_header_midstate(j->version, j->prevhash, root, ms);
		for (w = 0; w < 8; w++) {
			le[4 * w] = (uint8_t)ms[w];
			le[4 * w + 1] = (uint8_t)(ms[w] >> 8);
			le[4 * w + 2] = (uint8_t)(ms[w] >> 16);
			le[4 * w + 3] = (uint8_t)(ms[w] >> 24);
		}
		vec_hex_n(exp, "midstate_esp_miner_order_hex", want, 32, 0);
		assert_memory_equal(le, want, 32);
		(*checks)++;
	}
	if (json_object_get(exp, "share_difficulty_int")) {
		double d = share_difficulty(job, j, en1, en1_len, en2, en2_len,
		                            have_given ? given : NULL);

		assert_int_equal((long long)floor(d),
		                 vec_int(exp, "share_difficulty_int"));
		(*checks)++;
	}
	if (json_object_get(exp, "share_difficulty_approx")) {
		double d = share_difficulty(job, j, en1, en1_len, en2, en2_len,
		                            NULL);
		double want_d = json_number_value(
		        vec_get(exp, "share_difficulty_approx"));

		assert_true(fabs(d - want_d) < 1.0);
		assert_true(d >= (double)vec_int(exp, "pool_difficulty"));
		(*checks)++;
	}
	if (json_object_get(exp, "min_share_difficulty")) {
		double d = share_difficulty(job, j, en1, en1_len, en2, en2_len,
		                            NULL);

		assert_true(d >= (double)vec_int(exp, "min_share_difficulty"));
		(*checks)++;
	}
	stratum_msg_free(&m);
	json_decref(nt);
	free(j);
}

static void test_jobs_notify(void **state)
{
	json_t *root = vec_load("stratum_jobs.json");
	size_t count, i;
	json_t *jobs = vec_array(root, "jobs", &count);
	int checks = 0;

	(void)state;
	assert_true(count >= 8);
	for (i = 0; i < count; i++)
		check_job(jobs, json_array_get(jobs, i), &checks);
	/* 8 parses + 1 coinbase + 5 roots + 2 midstates + 4 difficulties. */
	assert_int_equal(checks, 20);
	json_decref(root);
}

/* ------------------------------------------------------------------ */
/* blocks.json: notify lines rebuilt from real blocks give the block's  */
/* exact header.                                                       */

static void test_blocks_header(void **state)
{
	json_t *root = vec_load("blocks.json");
	size_t count, i, k;
	json_t *blocks = vec_array(root, "blocks", &count);

	(void)state;
	assert_true(count >= 9);
	for (i = 0; i < count; i++) {
		const json_t *b = json_array_get(blocks, i);
		const json_t *st = vec_get(b, "stratum");
		uint8_t hdr[80], got[80], en1[32], en2[32], swapped[32];
		char prev_hex[65], v_hex[9], nb_hex[9], nt_hex[9];
		struct job_stratum *j = malloc(sizeof(*j));
		struct work_header h;
		struct stratum_msg m;
		size_t en1_len, en2_len, len;
		json_t *nt;
		char *line;

		assert_non_null(j);
		vec_hex_n(b, "header_hex", hdr, 80, 0);
		work_header_unpack(hdr, &h);
		/* Header prevhash -> Stratum text: swap inside each word. */
		for (k = 0; k < 32; k++)
			swapped[k] = hdr[4 + (k / 4) * 4 + 3 - k % 4];
		for (k = 0; k < 32; k++)
			snprintf(prev_hex + 2 * k, 3, "%02x", swapped[k]);
		snprintf(v_hex, sizeof(v_hex), "%08x", (unsigned)h.version);
		snprintf(nb_hex, sizeof(nb_hex), "%08x", (unsigned)h.nbits);
		snprintf(nt_hex, sizeof(nt_hex), "%08x", (unsigned)h.ntime);
		nt = json_pack("{s:s,s:s,s:O,s:O,s:O,s:s,s:s,s:s,s:b}",
		               "job_id", vec_str(b, "id"), "prevhash", prev_hex,
		               "coinb1", vec_get(st, "coinb1"), "coinb2",
		               vec_get(st, "coinb2"), "merkle_branch",
		               vec_get(b, "merkle_branch"), "version", v_hex,
		               "nbits", nb_hex, "ntime", nt_hex, "clean_jobs",
		               1);
		assert_non_null(nt);
		line = notify_line(nt, JSON_COMPACT, &len);
		assert_int_equal(stratum_parse_line(line, len, &m, NULL, 0), 0);
		assert_int_equal(m.kind, STRATUM_NOTIFY);
		check_notify(&m.u.notify, nt);
		assert_int_equal(m.u.notify.nbits, vec_u32_hex(b, "nbits"));
		to_job(&m.u.notify, j);
		en1_len = vec_hex(st, "extranonce1", en1, sizeof(en1));
		en2_len = vec_hex(st, "extranonce2", en2, sizeof(en2));
		assert_int_equal(en2_len, vec_int(st, "extranonce2_size"));
		assert_int_equal(job_header(j, en1, en1_len, en2, en2_len,
		                            m.u.notify.version,
		                            m.u.notify.ntime, h.nonce, got),
		                 0);
		if (memcmp(got, hdr, 80) != 0)
			fail_msg("%s: header rebuilt from the notify differs",
			         vec_str(b, "id"));
		stratum_msg_free(&m);
		json_decref(nt);
		free(line);
		free(j);
	}
	json_decref(root);
}

/* ------------------------------------------------------------------ */
/* mining.submit from captured values                                   */

static void test_submit_vectors(void **state)
{
	json_t *root = vec_load("stratum_jobs.json");
	size_t count, i;
	json_t *jobs = vec_array(root, "jobs", &count);
	int with_worker = 0, rolled = 0, formatted = 0;

	(void)state;
	for (i = 0; i < count; i++) {
		const json_t *job = json_array_get(jobs, i);
		const json_t *sub = json_object_get(job, "submit");
		const json_t *vb, *p;
		struct stratum_submit s = {0};
		uint8_t en2[32];
		char buf[1024];
		json_error_t je;
		json_t *back;
		int n;

		/* Only jobs whose source names the job id can be submitted. */
		if (!sub ||
		    (!json_object_get(sub, "job_id") &&
		     !json_object_get(vec_get(job, "notify"), "job_id")))
			continue;
		vb = json_object_get(sub, "version_bits");
		s.user = json_object_get(sub, "worker") ? vec_str(sub, "worker")
		                                        : "tandem.test";
		s.job_id = json_object_get(sub, "job_id")
		                   ? vec_str(sub, "job_id")
		                   : vec_str(vec_get(job, "notify"), "job_id");
		if (json_object_get(sub, "extranonce2"))
			s.extranonce2_len =
			        vec_hex(sub, "extranonce2", en2, sizeof(en2));
		else if (json_object_get(job, "extranonce2"))
			s.extranonce2_len =
			        vec_hex(job, "extranonce2", en2, sizeof(en2));
		s.extranonce2 = en2;
		s.ntime = vec_u32_hex(sub, "ntime");
		s.nonce = vec_u32_hex(sub, "nonce");
		if (vb && !json_is_null(vb)) {
			s.has_version_bits = 1;
			s.version_bits = vec_u32_hex(sub, "version_bits");
			rolled++;
		}
		n = stratum_format_submit(buf, sizeof(buf), 4242, &s);
		assert_true(n > 0);
		assert_int_equal((size_t)n, strlen(buf));
		assert_int_equal(buf[n - 1], '\n');
		assert_null(memchr(buf, '\n', (size_t)n - 1));
		back = json_loadb(buf, (size_t)n, 0, &je);
		assert_non_null(back);
		assert_int_equal(
		        json_integer_value(json_object_get(back, "id")), 4242);
		assert_string_equal(
		        json_string_value(json_object_get(back, "method")),
		        "mining.submit");
		p = json_object_get(back, "params");
		assert_int_equal(json_array_size(p),
		                 s.has_version_bits ? 6 : 5);
		assert_string_equal(json_string_value(json_array_get(p, 0)),
		                    s.user);
		assert_string_equal(json_string_value(json_array_get(p, 1)),
		                    s.job_id);
		if (json_object_get(sub, "extranonce2")) {
			assert_string_equal(
			        json_string_value(json_array_get(p, 2)),
			        vec_str(sub, "extranonce2"));
			with_worker++;
		} else if (json_object_get(job, "extranonce2")) {
			assert_string_equal(
			        json_string_value(json_array_get(p, 2)),
			        vec_str(job, "extranonce2"));
		}
		assert_string_equal(json_string_value(json_array_get(p, 3)),
		                    vec_str(sub, "ntime"));
		assert_string_equal(json_string_value(json_array_get(p, 4)),
		                    vec_str(sub, "nonce"));
		if (s.has_version_bits)
			assert_string_equal(
			        json_string_value(json_array_get(p, 5)),
			        vec_str(sub, "version_bits"));
		json_decref(back);
		formatted++;
	}
	/* mujina and public-pool carry whole submits with version bits. */
	assert_int_equal(with_worker, 2);
	assert_int_equal(rolled, 2);
	assert_int_equal(formatted, 4);
	json_decref(root);
}

/* ------------------------------------------------------------------ */
/* Client requests                                                      */

static json_t *load_line(const char *buf, int n)
{
	json_error_t je;
	json_t *v;

	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	assert_int_equal(buf[n - 1], '\n');
	v = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		fail_msg("formatter output is not JSON: %s", buf);
	return v;
}

static void expect_json(const char *buf, int n, const char *want)
{
	json_error_t je;
	json_t *got = load_line(buf, n);
	json_t *w = json_loads(want, 0, &je);

	assert_non_null(w);
	if (!json_equal(got, w))
		fail_msg("got %s want %s", buf, want);
	json_decref(got);
	json_decref(w);
}

static void test_format_requests(void **state)
{
	json_t *root = vec_load("stratum_jobs.json");
	size_t count, i;
	json_t *jobs = vec_array(root, "jobs", &count);
	const json_t *mj = NULL;
	struct stratum_configure_req cr = {0};
	char buf[512], want[512];
	int n;

	(void)state;
	for (i = 0; i < count; i++)
		if (json_object_get(json_array_get(jobs, i), "version_mask"))
			mj = json_array_get(jobs, i);
	assert_non_null(mj);

	n = stratum_format_subscribe(buf, sizeof(buf), 1, "tandem/0.1", NULL);
	expect_json(buf, n,
	            "{\"id\":1,\"method\":\"mining.subscribe\","
	            "\"params\":[\"tandem/0.1\"]}");
	/* Compact: no spaces, fields in request order. */
	assert_string_equal(buf, "{\"id\":1,\"method\":\"mining.subscribe\","
	                         "\"params\":[\"tandem/0.1\"]}\n");
	/* Session resume with the extranonce1 of the capture. */
	n = stratum_format_subscribe(buf, sizeof(buf), 2, "tandem/0.1",
	                             vec_str(mj, "extranonce1"));
	snprintf(want, sizeof(want),
	         "{\"id\":2,\"method\":\"mining.subscribe\","
	         "\"params\":[\"tandem/0.1\",\"%s\"]}",
	         vec_str(mj, "extranonce1"));
	expect_json(buf, n, want);

	cr.version_rolling = 1;
	cr.version_mask = vec_u32_hex(mj, "version_mask");
	cr.version_min_bit_count = 2;
	cr.minimum_difficulty = 1;
	cr.minimum_difficulty_value = 512;
	cr.subscribe_extranonce = 1;
	n = stratum_format_configure(buf, sizeof(buf), 3, &cr);
	snprintf(want, sizeof(want),
	         "{\"id\":3,\"method\":\"mining.configure\",\"params\":"
	         "[[\"version-rolling\",\"minimum-difficulty\","
	         "\"subscribe-extranonce\"],{\"version-rolling.mask\":\"%s\","
	         "\"version-rolling.min-bit-count\":2,"
	         "\"minimum-difficulty.value\":512}]}",
	         vec_str(mj, "version_mask"));
	expect_json(buf, n, want);
	cr.minimum_difficulty = 0;
	cr.subscribe_extranonce = 0;
	n = stratum_format_configure(buf, sizeof(buf), 4, &cr);
	snprintf(want, sizeof(want),
	         "{\"id\":4,\"method\":\"mining.configure\",\"params\":"
	         "[[\"version-rolling\"],{\"version-rolling.mask\":\"%s\","
	         "\"version-rolling.min-bit-count\":2}]}",
	         vec_str(mj, "version_mask"));
	expect_json(buf, n, want);

	n = stratum_format_authorize(buf, sizeof(buf), 5, "bc1q...bitaxe",
	                             NULL);
	expect_json(buf, n,
	            "{\"id\":5,\"method\":\"mining.authorize\","
	            "\"params\":[\"bc1q...bitaxe\",\"\"]}");
	n = stratum_format_suggest_difficulty(buf, sizeof(buf), 6, 512);
	expect_json(buf, n,
	            "{\"id\":6,\"method\":\"mining.suggest_difficulty\","
	            "\"params\":[512]}");
	n = stratum_format_suggest_difficulty(buf, sizeof(buf), 7, 0.0625);
	expect_json(buf, n,
	            "{\"id\":7,\"method\":\"mining.suggest_difficulty\","
	            "\"params\":[0.0625]}");
	n = stratum_format_extranonce_subscribe(buf, sizeof(buf), 8);
	expect_json(buf, n,
	            "{\"id\":8,\"method\":\"mining.extranonce.subscribe\","
	            "\"params\":[]}");
	n = stratum_format_pong(buf, sizeof(buf), 9007199254740993LL);
	expect_json(buf, n,
	            "{\"id\":9007199254740993,\"result\":\"pong\","
	            "\"error\":null}");
	n = stratum_format_version(buf, sizeof(buf), 17, "tandem/0.1");
	expect_json(buf, n,
	            "{\"id\":17,\"result\":\"tandem/0.1\",\"error\":null}");
	n = stratum_format_error(buf, sizeof(buf), 18, -32601,
	                         "method not found");
	expect_json(buf, n,
	            "{\"id\":18,\"result\":null,"
	            "\"error\":[-32601,\"method not found\",null]}");
	json_decref(root);
}

static void test_format_errors(void **state)
{
	struct stratum_configure_req cr = {0};
	struct stratum_submit s = {0};
	uint8_t en2[40] = {0};
	char buf[256], big[300];
	int n;

	(void)state;
	/* Too small a buffer: RANGE, and no half line left behind. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(
	        stratum_format_subscribe(buf, 20, 1, "tandem/0.1", NULL),
	        TANDEM_ERR_RANGE);
	assert_int_equal(buf[0], '\0');
	n = stratum_format_subscribe(buf, sizeof(buf), 1, "tandem/0.1", NULL);
	assert_true(n > 0);
	/* Exactly line + NUL fits; one byte less does not. */
	assert_int_equal(stratum_format_subscribe(buf, (size_t)n + 1, 1,
	                                          "tandem/0.1", NULL),
	                 n);
	assert_int_equal(
	        stratum_format_subscribe(buf, (size_t)n, 1, "tandem/0.1", NULL),
	        TANDEM_ERR_RANGE);
	assert_int_equal(
	        stratum_format_subscribe(buf, sizeof(buf), 1, NULL, NULL),
	        TANDEM_ERR_INVAL);
	assert_int_equal(stratum_format_subscribe(NULL, 0, 1, "a", NULL),
	                 TANDEM_ERR_INVAL);
	/* Invalid UTF-8 cannot become a JSON string. */
	assert_int_equal(
	        stratum_format_authorize(buf, sizeof(buf), 1, "\xff\xfe", "x"),
	        TANDEM_ERR_INVAL);
	assert_int_equal(
	        stratum_format_authorize(buf, sizeof(buf), 1, NULL, "x"),
	        TANDEM_ERR_INVAL);

	s.user = "u";
	s.job_id = "875b4b7";
	s.extranonce2 = en2;
	s.extranonce2_len = 4;
	assert_true(stratum_format_submit(buf, sizeof(buf), 1, &s) > 0);
	s.extranonce2_len = 33;
	assert_int_equal(stratum_format_submit(buf, sizeof(buf), 1, &s),
	                 TANDEM_ERR_INVAL);
	s.extranonce2_len = 4;
	s.extranonce2 = NULL;
	assert_int_equal(stratum_format_submit(buf, sizeof(buf), 1, &s),
	                 TANDEM_ERR_INVAL);
	s.extranonce2 = en2;
	s.job_id = "";
	assert_int_equal(stratum_format_submit(buf, sizeof(buf), 1, &s),
	                 TANDEM_ERR_INVAL);
	s.job_id = "bad\njob";
	assert_int_equal(stratum_format_submit(buf, sizeof(buf), 1, &s),
	                 TANDEM_ERR_INVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s.job_id = big;
	assert_int_equal(stratum_format_submit(buf, sizeof(buf), 1, &s),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(stratum_format_submit(buf, sizeof(buf), 1, NULL),
	                 TANDEM_ERR_INVAL);

	assert_int_equal(
	        stratum_format_suggest_difficulty(buf, sizeof(buf), 1, 0),
	        TANDEM_ERR_RANGE);
	assert_int_equal(
	        stratum_format_suggest_difficulty(buf, sizeof(buf), 1, -1),
	        TANDEM_ERR_RANGE);
	assert_int_equal(
	        stratum_format_suggest_difficulty(buf, sizeof(buf), 1, NAN),
	        TANDEM_ERR_RANGE);
	assert_int_equal(stratum_format_suggest_difficulty(buf, sizeof(buf), 1,
	                                                   INFINITY),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(stratum_format_configure(buf, sizeof(buf), 1, &cr),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(stratum_format_configure(buf, sizeof(buf), 1, NULL),
	                 TANDEM_ERR_INVAL);
	cr.minimum_difficulty = 1;
	cr.minimum_difficulty_value = -3;
	assert_int_equal(stratum_format_configure(buf, sizeof(buf), 1, &cr),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(stratum_format_version(buf, sizeof(buf), 1, NULL),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(stratum_format_error(buf, sizeof(buf), 1, 20, NULL),
	                 TANDEM_ERR_INVAL);
}

/* Tandem's "tandem-aux-targets" (docs/stratum-extensions.md): offered in
 * mining.configure after the BIP310 extensions, without parameters; on
 * only when the pool answers true. The lines are the document's own. */
static void test_aux_extension(void **state)
{
	struct stratum_configure_req cr = {0};
	struct stratum_configure_result res;
	struct stratum_msg m;
	char buf[512], err[ERRLEN];
	size_t i;
	int n;
	static const struct {
		const char *result; /* the "result" member */
		int rc, aux, rolling;
	} answers[] = {
	        /* the document's example answer */
	        {"{\"version-rolling\":true,\"version-rolling.mask\":"
	         "\"1fffe000\",\"tandem-aux-targets\":true}",
	         0, 1, 1},
	        {"{\"tandem-aux-targets\":true}", 0, 1, 0},
	        /* refused: false, a reason string, absent, null */
	        {"{\"version-rolling\":true,\"version-rolling.mask\":"
	         "\"1fffe000\",\"tandem-aux-targets\":false}",
	         0, 0, 1},
	        {"{\"tandem-aux-targets\":\"unknown extension\"}", 0, 0, 0},
	        {"{\"version-rolling\":true,\"version-rolling.mask\":"
	         "\"1fffe000\"}",
	         0, 0, 1},
	        {"{\"tandem-aux-targets\":null}", 0, 0, 0},
	        /* any other answer turns it off without failing the rest */
	        {"{\"version-rolling\":true,\"version-rolling.mask\":"
	         "\"1fffe000\",\"tandem-aux-targets\":1}",
	         0, 0, 1},
	        {"{\"tandem-aux-targets\":{\"on\":true}}", 0, 0, 0},
	        {"{}", 0, 0, 0},
	        /* a broken BIP310 answer still fails the whole result */
	        {"{\"version-rolling\":1,\"tandem-aux-targets\":true}",
	         TANDEM_ERR_PARSE, 0, 0},
	};

	(void)state;
	/* The document's mining.configure request, byte for byte. */
	cr.version_rolling = 1;
	cr.version_mask = 0x1fffe000u;
	cr.version_min_bit_count = 2;
	cr.subscribe_extranonce = 1;
	cr.aux_targets = 1;
	n = stratum_format_configure(buf, sizeof(buf), 1, &cr);
	assert_true(n > 0);
	assert_string_equal(
	        buf, "{\"id\":1,\"method\":\"mining.configure\",\"params\":[["
	             "\"version-rolling\",\"subscribe-extranonce\","
	             "\"tandem-aux-targets\"],{\"version-rolling.mask\":"
	             "\"1fffe000\",\"version-rolling.min-bit-count\":2}]}\n");
	/* With a minimum difficulty the name still comes last and adds no
	 * parameter of its own. */
	cr.minimum_difficulty = 1;
	cr.minimum_difficulty_value = 512;
	n = stratum_format_configure(buf, sizeof(buf), 2, &cr);
	expect_json(buf, n,
	            "{\"id\":2,\"method\":\"mining.configure\",\"params\":"
	            "[[\"version-rolling\",\"minimum-difficulty\","
	            "\"subscribe-extranonce\",\"tandem-aux-targets\"],"
	            "{\"version-rolling.mask\":\"1fffe000\","
	            "\"version-rolling.min-bit-count\":2,"
	            "\"minimum-difficulty.value\":512}]}");
	/* Alone it is enough for a request: no BIP310 parameters. */
	memset(&cr, 0, sizeof(cr));
	cr.aux_targets = 1;
	n = stratum_format_configure(buf, sizeof(buf), 3, &cr);
	assert_true(n > 0);
	assert_string_equal(buf, "{\"id\":3,\"method\":\"mining.configure\","
	                         "\"params\":[[\"tandem-aux-targets\"],{}]}\n");
	/* Not asked for: the name is not sent. */
	cr.aux_targets = 0;
	cr.subscribe_extranonce = 1;
	n = stratum_format_configure(buf, sizeof(buf), 4, &cr);
	assert_true(n > 0);
	assert_null(strstr(buf, STRATUM_EXT_AUX_TARGETS));

	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++) {
		char line[512];

		snprintf(line, sizeof(line),
		         "{\"id\":1,\"result\":%s,\"error\":null}",
		         answers[i].result);
		parse_ok(line, &m);
		memset(&res, 0x5a, sizeof(res));
		n = stratum_result_configure(&m, &res, err, sizeof(err));
		if (n != answers[i].rc)
			fail_msg("answer %zu: got %d (%s), want %d", i, n, err,
			         answers[i].rc);
		if (n == 0) {
			if (res.aux_targets != answers[i].aux ||
			    res.version_rolling != answers[i].rolling)
				fail_msg("answer %zu: aux %d rolling %d", i,
				         res.aux_targets, res.version_rolling);
			if (answers[i].rolling)
				assert_int_equal(res.version_mask, 0x1fffe000u);
		}
		stratum_msg_free(&m);
	}
	/* An error answer (a pool without mining.configure) is not a
	 * result: the caller treats the extension as off. */
	parse_ok("{\"id\":1,\"result\":null,\"error\":[20,\"Method not "
	         "found\",null]}",
	         &m);
	assert_int_equal(stratum_result_configure(&m, &res, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	stratum_msg_free(&m);
}

/* ------------------------------------------------------------------ */
/* Pool messages other than notify                                      */

static void test_pool_methods(void **state)
{
	struct stratum_msg m;
	char err[ERRLEN];
	size_t i;

	(void)state;
	parse_ok("{\"id\":null,\"method\":\"mining.set_difficulty\","
	         "\"params\":[8192]}\n",
	         &m);
	assert_int_equal(m.kind, STRATUM_SET_DIFFICULTY);
	assert_true(m.u.difficulty == 8192.0);
	parse_ok("{\"id\":null,\"method\":\"mining.set_difficulty\","
	         "\"params\":[0.001]}\r\n",
	         &m);
	assert_true(m.u.difficulty == 0.001);

	parse_ok("{\"id\":null,\"method\":\"mining.set_extranonce\","
	         "\"params\":[\"4128064f\",4]}",
	         &m);
	assert_int_equal(m.kind, STRATUM_SET_EXTRANONCE);
	assert_int_equal(m.u.extranonce.extranonce1_len, 4);
	assert_memory_equal(m.u.extranonce.extranonce1, "\x41\x28\x06\x4f", 4);
	assert_int_equal(m.u.extranonce.extranonce2_size, 4);

	parse_ok("{\"id\":null,\"method\":\"mining.set_version_mask\","
	         "\"params\":[\"1fffe000\"]}",
	         &m);
	assert_int_equal(m.kind, STRATUM_SET_VERSION_MASK);
	assert_int_equal(m.u.version_mask, 0x1fffe000u);

	parse_ok("{\"id\":null,\"method\":\"client.reconnect\","
	         "\"params\":[\"pool.example.org\",3333,5]}",
	         &m);
	assert_int_equal(m.kind, STRATUM_RECONNECT);
	assert_string_equal(m.u.reconnect.host, "pool.example.org");
	assert_int_equal(m.u.reconnect.port, 3333);
	assert_int_equal(m.u.reconnect.wait, 5);
	parse_ok("{\"id\":null,\"method\":\"client.reconnect\","
	         "\"params\":[\"[2001:db8::1]\",\"443\"]}",
	         &m);
	assert_string_equal(m.u.reconnect.host, "[2001:db8::1]");
	assert_int_equal(m.u.reconnect.port, 443);
	assert_int_equal(m.u.reconnect.wait, 0);
	parse_ok("{\"id\":null,\"method\":\"client.reconnect\","
	         "\"params\":[]}",
	         &m);
	assert_string_equal(m.u.reconnect.host, "");
	assert_int_equal(m.u.reconnect.port, 0);

	parse_ok("{\"id\":null,\"method\":\"client.show_message\","
	         "\"params\":[\"Maintenance\\tat 12:00\\u001b[31m \\u00e9\"]}",
	         &m);
	assert_int_equal(m.kind, STRATUM_SHOW_MESSAGE);
	assert_string_equal(m.u.message, "Maintenance?at 12:00?[31m \xc3\xa9");

	parse_ok("{\"id\":7,\"method\":\"client.get_version\",\"params\":[]}",
	         &m);
	assert_int_equal(m.kind, STRATUM_GET_VERSION);
	assert_int_equal(m.has_id, 1);
	assert_int_equal(m.id, 7);
	parse_ok("{\"id\":8,\"method\":\"mining.ping\"}", &m);
	assert_int_equal(m.kind, STRATUM_PING);
	assert_int_equal(m.id, 8);

	parse_ok("{\"id\":null,\"method\":\"mining.set_aux_targets\","
	         "\"params\":[\"875b4b7\",[[\"nmc\",\"000000000000000000"
	         "01ffff0000000000000000000000000000000000000000\"],"
	         "[\"sys\",\"00000000ffff000000000000000000000000000000"
	         "0000000000000000000001\"]]]}",
	         &m);
	assert_int_equal(m.kind, STRATUM_SET_AUX_TARGETS);
	assert_int_equal(m.u.aux.has_job_id, 1);
	assert_string_equal(m.u.aux.job_id, "875b4b7");
	assert_int_equal(m.u.aux.count, 2);
	assert_string_equal(m.u.aux.entry[0].name, "nmc");
	/* Big-endian text -> little-endian bytes. */
	for (i = 0; i < 32; i++) {
		uint8_t want = i == 22 ? 0x01 : (i == 21 || i == 20) ? 0xff : 0;

		assert_int_equal(m.u.aux.entry[0].target[i], want);
	}
	assert_int_equal(m.u.aux.entry[1].target[0], 0x01);
	assert_int_equal(m.u.aux.entry[1].target[27], 0xff);
	assert_int_equal(m.u.aux.entry[1].target[26], 0xff);
	assert_int_equal(m.u.aux.entry[1].target[31], 0x00);
	parse_ok("{\"id\":null,\"method\":\"mining.set_aux_targets\","
	         "\"params\":[null,[]]}",
	         &m);
	assert_int_equal(m.u.aux.has_job_id, 0);
	assert_int_equal(m.u.aux.count, 0);

	/* Unknown method: its own code, but id and name kept for an
	 * error answer. */
	{
		static const char unk[] = "{\"id\":12,\"method\":"
		                          "\"mining.set_goal\",\"params\":"
		                          "[\"x\"]}";

		assert_int_equal(stratum_parse_line(unk, sizeof(unk) - 1, &m,
		                                    err, sizeof(err)),
		                 TANDEM_ERR_UNSUPPORTED);
	}
	assert_int_equal(m.kind, STRATUM_UNKNOWN_METHOD);
	assert_int_equal(m.id, 12);
	assert_string_equal(m.method, "mining.set_goal");
	assert_non_null(strstr(err, "mining.set_goal"));
	stratum_msg_free(&m);
	assert_int_equal(m.kind, STRATUM_NONE);

	assert_string_equal(stratum_kind_name(STRATUM_NOTIFY), "notify");
	assert_string_equal(stratum_kind_name(STRATUM_SET_AUX_TARGETS),
	                    "set_aux_targets");
	assert_string_equal(stratum_kind_name((enum stratum_kind)99),
	                    "invalid");
}

/* The parser keeps no state: a line parses the same whatever came
 * before it, in any order. */
static void test_order_independent(void **state)
{
	static const char *const lines[] = {
	        "{\"id\":null,\"method\":\"mining.set_difficulty\","
	        "\"params\":[0.5]}",
	        "{\"id\":3,\"result\":true,\"error\":null}",
	        "{\"id\":null,\"method\":\"mining.set_version_mask\","
	        "\"params\":[\"1fffe000\"]}",
	        "{\"id\":null,\"method\":\"mining.set_extranonce\","
	        "\"params\":[\"57a6f098\",4]}",
	        "{\"id\":5,\"result\":null,\"error\":[23,\"Low difficulty "
	        "share\",null]}",
	};
	struct stratum_msg first[5], again;
	int order[5] = {4, 2, 0, 3, 1};
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		parse_ok(lines[i], &first[i]);
	for (i = 0; i < 5; i++) {
		int k = order[i];

		parse_ok(lines[k], &again);
		assert_int_equal(again.kind, first[k].kind);
		assert_memory_equal(&again.u, &first[k].u, sizeof(again.u));
		stratum_msg_free(&again);
	}
	for (i = 0; i < 5; i++)
		stratum_msg_free(&first[i]);
}

/* ------------------------------------------------------------------ */
/* Responses                                                            */

static void test_responses(void **state)
{
	json_t *root = vec_load("stratum_jobs.json");
	size_t count, i;
	json_t *jobs = vec_array(root, "jobs", &count);
	struct stratum_subscribe_result sr;
	struct stratum_configure_result cr;
	struct stratum_msg m;
	char line[512], err[ERRLEN];
	int subs = 0;

	(void)state;
	/* A subscribe answer for every captured extranonce1/extranonce2. */
	for (i = 0; i < count; i++) {
		const json_t *job = json_array_get(jobs, i);
		uint8_t en1[32], en2[32];
		size_t n1, n2;

		if (!json_object_get(job, "extranonce1"))
			continue;
		n1 = vec_hex(job, "extranonce1", en1, sizeof(en1));
		n2 = vec_hex(job, "extranonce2", en2, sizeof(en2));
		snprintf(line, sizeof(line),
		         "{\"id\":1,\"result\":[[[\"mining.set_difficulty\","
		         "\"d1\"],[\"mining.notify\",\"n%zu\"]],\"%s\",%zu],"
		         "\"error\":null}",
		         i, vec_str(job, "extranonce1"), n2);
		parse_ok(line, &m);
		assert_int_equal(m.kind, STRATUM_RESPONSE);
		assert_int_equal(m.id, 1);
		assert_int_equal(m.u.response.result, STRATUM_RESULT_OTHER);
		assert_int_equal(
		        stratum_result_subscribe(&m, &sr, err, sizeof(err)), 0);
		assert_int_equal(sr.extranonce1_len, n1);
		assert_memory_equal(sr.extranonce1, en1, n1);
		assert_int_equal(sr.extranonce2_size, n2);
		snprintf(line, sizeof(line), "n%zu", i);
		assert_string_equal(sr.session, line);
		/* The same answer is not a configure result. */
		assert_int_equal(
		        stratum_result_configure(&m, &cr, err, sizeof(err)),
		        TANDEM_ERR_PARSE);
		stratum_msg_free(&m);
		subs++;
	}
	assert_int_equal(subs, 7);
	json_decref(root);

	/* A flat subscription pair and a null list. */
	parse_ok("{\"id\":1,\"result\":[[\"mining.notify\",\"ae6812eb4cd7735a"
	         "302a8a9dd95cf71f\"],\"08000002\",4],\"error\":null}",
	         &m);
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 0);
	assert_string_equal(sr.session, "ae6812eb4cd7735a302a8a9dd95cf71f");
	stratum_msg_free(&m);
	parse_ok("{\"id\":1,\"result\":[null,\"\",8],\"error\":null}", &m);
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 0);
	assert_string_equal(sr.session, "");
	assert_int_equal(sr.extranonce1_len, 0);
	assert_int_equal(sr.extranonce2_size, 8);
	stratum_msg_free(&m);
	/* Broken subscribe results. */
	parse_ok("{\"id\":1,\"result\":[[],\"0800000\",4],\"error\":null}", &m);
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	assert_non_null(strstr(err, "extranonce1"));
	stratum_msg_free(&m);
	parse_ok("{\"id\":1,\"result\":[[],\"08000002\",33],\"error\":null}",
	         &m);
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 TANDEM_ERR_RANGE);
	stratum_msg_free(&m);
	parse_ok("{\"id\":1,\"result\":[[[\"mining.notify\",7]],\"08\",4],"
	         "\"error\":null}",
	         &m);
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	stratum_msg_free(&m);
	parse_ok("{\"id\":1,\"result\":[[],\"08\"],\"error\":null}", &m);
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	stratum_msg_free(&m);

	/* mining.configure answers (BIP310). */
	parse_ok("{\"id\":2,\"result\":{\"version-rolling\":true,"
	         "\"version-rolling.mask\":\"1fffe000\","
	         "\"minimum-difficulty\":true},\"error\":null}",
	         &m);
	assert_int_equal(stratum_result_configure(&m, &cr, err, sizeof(err)),
	                 0);
	assert_int_equal(cr.version_rolling, 1);
	assert_int_equal(cr.version_mask, 0x1fffe000u);
	assert_int_equal(cr.minimum_difficulty, 1);
	assert_int_equal(cr.subscribe_extranonce, 0);
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	stratum_msg_free(&m);
	parse_ok("{\"id\":2,\"result\":{\"version-rolling\":\"not allowed\","
	         "\"subscribe-extranonce\":true},\"error\":null}",
	         &m);
	assert_int_equal(stratum_result_configure(&m, &cr, err, sizeof(err)),
	                 0);
	assert_int_equal(cr.version_rolling, 0);
	assert_int_equal(cr.subscribe_extranonce, 1);
	stratum_msg_free(&m);
	parse_ok("{\"id\":2,\"result\":{\"version-rolling\":true},"
	         "\"error\":null}",
	         &m);
	assert_int_equal(stratum_result_configure(&m, &cr, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	assert_non_null(strstr(err, "version-rolling.mask"));
	stratum_msg_free(&m);
	parse_ok("{\"id\":2,\"result\":{\"version-rolling\":1},"
	         "\"error\":null}",
	         &m);
	assert_int_equal(stratum_result_configure(&m, &cr, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	stratum_msg_free(&m);

	/* Accepted and rejected shares; reject reasons in all three error
	 * shapes pools use. */
	parse_ok("{\"id\":4242,\"result\":true,\"error\":null}", &m);
	assert_int_equal(m.u.response.result, STRATUM_RESULT_TRUE);
	assert_int_equal(m.u.response.is_error, 0);
	/* A bool result is not something to decode further. */
	assert_int_equal(stratum_result_subscribe(&m, &sr, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	parse_ok("{\"id\":4243,\"result\":null,\"error\":[23,\"Low "
	         "difficulty share\",null]}",
	         &m);
	assert_int_equal(m.u.response.result, STRATUM_RESULT_NULL);
	assert_int_equal(m.u.response.is_error, 1);
	assert_int_equal(m.u.response.code, 23);
	assert_string_equal(m.u.response.reason, "Low difficulty share");
	assert_int_equal(stratum_result_configure(&m, &cr, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	parse_ok("{\"id\":4244,\"result\":false,\"error\":{\"code\":21,"
	         "\"message\":\"Job not found\"}}",
	         &m);
	assert_int_equal(m.u.response.result, STRATUM_RESULT_FALSE);
	assert_int_equal(m.u.response.code, 21);
	assert_string_equal(m.u.response.reason, "Job not found");
	parse_ok("{\"id\":4245,\"error\":\"Duplicate share\\n\"}", &m);
	assert_int_equal(m.u.response.is_error, 1);
	assert_int_equal(m.u.response.code, 0);
	assert_string_equal(m.u.response.reason, "Duplicate share?");
	parse_ok("{\"id\":null,\"result\":null,\"error\":[20,null,null]}", &m);
	assert_int_equal(m.has_id, 0);
	assert_int_equal(m.u.response.code, 20);
	assert_string_equal(m.u.response.reason, "");
}

/* Reasons are cut at STRATUM_MAX_TEXT bytes on a character boundary. */
static void test_long_reason(void **state)
{
	char line[2048], *p;
	struct stratum_msg m;
	size_t i;

	(void)state;
	p = line + snprintf(line, sizeof(line),
	                    "{\"id\":1,\"result\":null,\"error\":[25,\"");
	/* 300 two-byte characters (U+00E9). */
	for (i = 0; i < 300; i++) {
		*p++ = (char)0xc3;
		*p++ = (char)0xa9;
	}
	snprintf(p, sizeof(line) - (size_t)(p - line), "\",null]}");
	parse_ok(line, &m);
	assert_int_equal(strlen(m.u.response.reason), STRATUM_MAX_TEXT);
	for (i = 0; i < STRATUM_MAX_TEXT; i += 2)
		assert_memory_equal(m.u.response.reason + i, "\xc3\xa9", 2);
	/* An odd cut would split a character: one byte shorter. */
	p = line + snprintf(line, sizeof(line),
	                    "{\"id\":1,\"result\":null,\"error\":[25,\"x");
	for (i = 0; i < 300; i++) {
		*p++ = (char)0xc3;
		*p++ = (char)0xa9;
	}
	snprintf(p, sizeof(line) - (size_t)(p - line), "\",null]}");
	parse_ok(line, &m);
	assert_int_equal(strlen(m.u.response.reason), STRATUM_MAX_TEXT - 1);
}

/* ------------------------------------------------------------------ */
/* Broken lines                                                         */

/* A real notify (the mujina capture) with one parameter replaced. */
#define NTF_HEAD "{\"id\":null,\"method\":\"mining.notify\",\"params\":["
#define NTF_JOB  "\"875b4b7\""
#define NTF_PREV                                                               \
	"\"6b6455fd6db962c101f2d4fc0d67f4a3bc96391d00015296000000"             \
	"0000000000\""
#define NTF_CB1                                                                \
	"\"02000000010000000000000000000000000000000000000000000000"           \
	"000000000000000000ffffffff170330c30d5075626c69632d506f6f6c\""
#define NTF_CB2                                                                \
	"\"ffffffff02e5b5c61200000000220020984a77c289084ff2d434c3"             \
	"16bdada021c6c183d507c8a20d3b159b09ac02fe2800000000000000"             \
	"00266a24aa21a9edb98ee50410ed4abd48401ed484fc874409d086a3"             \
	"faf0816136a8ad6168314c5800000000\""
#define NTF_BR                                                                 \
	"[\"21af451ddb51e887ff1feb5592b87290098565035eb8500031aedc"            \
	"c776d4e72a\"]"
#define NTF_VER   "\"20000000\""
#define NTF_NBITS "\"17023a04\""
#define NTF_NTIME "\"685468d7\""
#define NTF_CLEAN "false"
#define NTF(job, prev, cb1, cb2, br, ver, nbits, ntime, clean)                 \
	NTF_HEAD job "," prev "," cb1 "," cb2 "," br "," ver "," nbits         \
	             "," ntime "," clean "]}"
#define NTF_OK                                                                 \
	NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,   \
	    NTF_NTIME, NTF_CLEAN)

struct bad_line {
	const char *line;
	int code;
	const char *detail; /* must appear in the error text */
};

static const struct bad_line bad_lines[] = {
        /* Not JSON or not a message. */
        {"", TANDEM_ERR_PARSE, "empty"},
        {"\r\n", TANDEM_ERR_PARSE, "empty"},
        {"   ", TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":1,\"method\":\"mining.notify\",\"par", TANDEM_ERR_PARSE,
         "JSON"},
        {"{\"id\":1,\"result\":true}}", TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":1,\"result\":true} x", TANDEM_ERR_PARSE, "JSON"},
        {"{'id':1}", TANDEM_ERR_PARSE, "JSON"},
        {"[1,2,3]", TANDEM_ERR_PARSE, "not a JSON object"},
        /* Invalid UTF-8 is malformed input, not a caller error. */
        {"{\"id\":1,\"result\":\"\xa4\"}", TANDEM_ERR_PARSE, "JSON"},
        {"\"mining.notify\"", TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":1}", TANDEM_ERR_PARSE, "neither"},
        {"{}", TANDEM_ERR_PARSE, "neither"},
        {"{\"id\":1,\"id\":2,\"result\":true}", TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":\"1\",\"result\":true}", TANDEM_ERR_PARSE, "id"},
        {"{\"id\":1.5,\"result\":true}", TANDEM_ERR_PARSE, "id"},
        {"{\"id\":[],\"result\":true}", TANDEM_ERR_PARSE, "id"},
        {"{\"id\":123456789012345678901234567890,\"result\":true}",
         TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":1,\"method\":7,\"params\":[]}", TANDEM_ERR_PARSE,
         "method must be a string"},
        {"{\"id\":1,\"method\":\"\",\"params\":[]}", TANDEM_ERR_PARSE,
         "method name"},
        {"{\"id\":1,\"method\":\"mining.notify\\u0000x\",\"params\":[]}",
         TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":1,\"method\":\"mining.bogus\",\"params\":[]}",
         TANDEM_ERR_UNSUPPORTED, "unknown method"},
        {"{\"id\":1,\"result\":true,\"error\":7}", TANDEM_ERR_PARSE,
         "error must be"},
        {"{\"id\":1,\"result\":null,\"error\":[\"23\",\"x\"]}",
         TANDEM_ERR_PARSE, "error code"},
        {"{\"id\":1,\"result\":null,\"error\":[23,5]}", TANDEM_ERR_PARSE,
         "error reason"},
        /* mining.notify: structure. */
        {NTF_HEAD "]}", TANDEM_ERR_PARSE, "expected 9 params, got 0"},
        {"{\"id\":null,\"method\":\"mining.notify\"}", TANDEM_ERR_PARSE,
         "params must be an array"},
        {"{\"id\":null,\"method\":\"mining.notify\",\"params\":{}}",
         TANDEM_ERR_PARSE, "params must be an array"},
        {NTF_HEAD NTF_JOB "," NTF_PREV "]}", TANDEM_ERR_PARSE,
         "expected 9 params, got 2"},
        {NTF_HEAD NTF_JOB "," NTF_PREV "," NTF_CB1 "," NTF_CB2 "," NTF_BR
                          "," NTF_VER "," NTF_NBITS "," NTF_NTIME "," NTF_CLEAN
                          ",1]}",
         TANDEM_ERR_PARSE, "expected 9 params, got 10"},
        /* job_id */
        {NTF("7", NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "job_id: expected a string"},
        {NTF("\"\"", NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "job_id: must be"},
        {NTF("\"a\\nb\"", NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER,
             NTF_NBITS, NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "job_id: must be"},
        {NTF("\"0123456789012345678901234567890123456789012345678901234"
             "567890123456789\"",
             NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS, NTF_NTIME,
             NTF_CLEAN),
         TANDEM_ERR_PARSE, "job_id: must be"},
        /* prevhash */
        {NTF(NTF_JOB, "\"6b6455fd\"", NTF_CB1, NTF_CB2, NTF_BR, NTF_VER,
             NTF_NBITS, NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "prevhash: expected 64 hex digits, got 8"},
        {NTF(NTF_JOB,
             "\"6b6455fd6db962c101f2d4fc0d67f4a3bc96391d0001529600000000"
             "00000000ab\"",
             NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS, NTF_NTIME,
             NTF_CLEAN),
         TANDEM_ERR_PARSE, "prevhash: expected 64 hex digits, got 66"},
        {NTF(NTF_JOB,
             "\"6b6455fd6db962c101f2d4fc0d67f4a3bc96391d0001529600000000"
             "0000000g\"",
             NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS, NTF_NTIME,
             NTF_CLEAN),
         TANDEM_ERR_PARSE, "prevhash: non-hex character at offset 63"},
        {NTF(NTF_JOB, "null", NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "prevhash: expected a string"},
        /* coinb1 / coinb2 */
        {NTF(NTF_JOB, NTF_PREV, "\"020\"", NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "coinb1: odd number"},
        {NTF(NTF_JOB, NTF_PREV, "\"\"", NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "coinb1: 0 bytes"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, "\"ffzz\"", NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "coinb2: non-hex character at offset 2"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, "[\"ff\"]", NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "coinb2: expected a string"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, "\" 0ff\"", NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "coinb2: non-hex character at offset 0"},
        /* merkle_branch */
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, "\"21af\"", NTF_VER,
             NTF_NBITS, NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "merkle_branch: expected an array"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, "[\"21af451d\"]", NTF_VER,
             NTF_NBITS, NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "merkle_branch[0]: expected 64 hex digits"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2,
             "[\"21af451ddb51e887ff1feb5592b87290098565035eb8500031aedcc"
             "776d4e72a\",[]]",
             NTF_VER, NTF_NBITS, NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "merkle_branch[1]: expected a string"},
        /* version / nbits / ntime / clean_jobs */
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, "\"2000000\"",
             NTF_NBITS, NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "version: expected 8 hex digits, got 7"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, "536870912",
             NTF_NBITS, NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "version: expected a string"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER,
             "\"0x023a04\"", NTF_NTIME, NTF_CLEAN),
         TANDEM_ERR_PARSE, "nbits: non-hex character at offset 1"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             "\"685468d7aa\"", NTF_CLEAN),
         TANDEM_ERR_PARSE, "ntime: expected 8 hex digits, got 10"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, "1"),
         TANDEM_ERR_PARSE, "clean_jobs: expected true or false"},
        {NTF(NTF_JOB, NTF_PREV, NTF_CB1, NTF_CB2, NTF_BR, NTF_VER, NTF_NBITS,
             NTF_NTIME, "\"true\""),
         TANDEM_ERR_PARSE, "clean_jobs: expected true or false"},
        /* Numbers JSON cannot hold or we must not accept. */
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[-1]}",
         TANDEM_ERR_RANGE, "not above 0"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[0]}",
         TANDEM_ERR_RANGE, "not above 0"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[-0.0]}",
         TANDEM_ERR_RANGE, "not above 0"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[NaN]}",
         TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[Infinity]}",
         TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[1e999]}",
         TANDEM_ERR_PARSE, "JSON"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[\"512\"]}",
         TANDEM_ERR_PARSE, "expected a number"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[]}",
         TANDEM_ERR_PARSE, "expected 1 params, got 0"},
        {"{\"id\":null,\"method\":\"mining.set_difficulty\","
         "\"params\":[99999999999999999999999999]}",
         TANDEM_ERR_PARSE, "JSON"},
        /* Other methods. */
        {"{\"id\":null,\"method\":\"mining.set_extranonce\","
         "\"params\":[\"4128064\",4]}",
         TANDEM_ERR_PARSE, "extranonce1: odd"},
        {"{\"id\":null,\"method\":\"mining.set_extranonce\","
         "\"params\":[\"4128064f\",33]}",
         TANDEM_ERR_RANGE, "extranonce2_size: 33 outside 0..32"},
        {"{\"id\":null,\"method\":\"mining.set_extranonce\","
         "\"params\":[\"4128064f\",-1]}",
         TANDEM_ERR_RANGE, "extranonce2_size: -1"},
        {"{\"id\":null,\"method\":\"mining.set_extranonce\","
         "\"params\":[\"4128064f\",4.0]}",
         TANDEM_ERR_PARSE, "extranonce2_size: expected an integer"},
        {"{\"id\":null,\"method\":\"mining.set_extranonce\",\"params\":"
         "[\"0000000000000000000000000000000000000000000000000000000000"
         "00000000\",4]}",
         TANDEM_ERR_RANGE, "extranonce1: 33 bytes"},
        {"{\"id\":null,\"method\":\"mining.set_version_mask\","
         "\"params\":[\"1fffe00\"]}",
         TANDEM_ERR_PARSE, "expected 8 hex digits"},
        {"{\"id\":null,\"method\":\"mining.set_version_mask\","
         "\"params\":[536862720]}",
         TANDEM_ERR_PARSE, "expected a string"},
        {"{\"id\":null,\"method\":\"client.reconnect\","
         "\"params\":[\"pool.example.org\",70000]}",
         TANDEM_ERR_RANGE, "port: 70000 outside"},
        {"{\"id\":null,\"method\":\"client.reconnect\","
         "\"params\":[\"pool.example.org\",\"0\"]}",
         TANDEM_ERR_RANGE, "port: 0 outside"},
        {"{\"id\":null,\"method\":\"client.reconnect\","
         "\"params\":[\"pool.example.org\",\"33a3\"]}",
         TANDEM_ERR_PARSE, "port is not a number"},
        {"{\"id\":null,\"method\":\"client.reconnect\","
         "\"params\":[\"pool.example.org\",3333,-1]}",
         TANDEM_ERR_RANGE, "wait: -1"},
        {"{\"id\":null,\"method\":\"client.reconnect\","
         "\"params\":[\"evil host/x\",3333]}",
         TANDEM_ERR_PARSE, "host is not"},
        {"{\"id\":null,\"method\":\"client.reconnect\","
         "\"params\":[\"a\",1,2,3]}",
         TANDEM_ERR_PARSE, "expected 0..3 params, got 4"},
        {"{\"id\":null,\"method\":\"client.show_message\","
         "\"params\":[42]}",
         TANDEM_ERR_PARSE, "expected a string"},
        {"{\"id\":3,\"method\":\"mining.ping\",\"params\":\"x\"}",
         TANDEM_ERR_PARSE, "params must be an array"},
        {"{\"id\":null,\"method\":\"mining.set_aux_targets\","
         "\"params\":[null]}",
         TANDEM_ERR_PARSE, "expected 2 params, got 1"},
        {"{\"id\":null,\"method\":\"mining.set_aux_targets\","
         "\"params\":[null,[[\"nmc\",\"00\"]]]}",
         TANDEM_ERR_PARSE, "expected 64 hex digits, got 2"},
        {"{\"id\":null,\"method\":\"mining.set_aux_targets\","
         "\"params\":[null,[[\"\",\"0000000000000000000000000000000000"
         "000000000000000000000000000000\"]]]}",
         TANDEM_ERR_PARSE, "name must be"},
        {"{\"id\":null,\"method\":\"mining.set_aux_targets\","
         "\"params\":[7,[]]}",
         TANDEM_ERR_PARSE, "job_id: expected a string"},
        {"{\"id\":null,\"method\":\"mining.set_aux_targets\","
         "\"params\":[null,{}]}",
         TANDEM_ERR_PARSE, "expected a list"},
};

static void check_bad(const char *line, size_t len, int code,
                      const char *detail)
{
	struct stratum_msg m;
	char err[ERRLEN], tiny[8];
	int rc;

	memset(&m, 0x5a, sizeof(m));
	rc = stratum_parse_line(line, len, &m, err, sizeof(err));
	if (rc != code || !strstr(err, detail))
		fail_msg("line %.120s: got %d \"%s\", want %d \"%s\"", line, rc,
		         err, code, detail);
	if (code == TANDEM_ERR_UNSUPPORTED)
		assert_int_equal(m.kind, STRATUM_UNKNOWN_METHOD);
	else
		assert_int_equal(m.kind, STRATUM_NONE);
	stratum_msg_free(&m);
	/* No detail buffer, or a tiny one: same code, no overflow. */
	assert_int_equal(stratum_parse_line(line, len, &m, NULL, 0), code);
	stratum_msg_free(&m);
	assert_int_equal(stratum_parse_line(line, len, &m, tiny, sizeof(tiny)),
	                 code);
	assert_true(strlen(tiny) < sizeof(tiny));
	stratum_msg_free(&m);
}

static void test_bad_lines(void **state)
{
	size_t i;

	(void)state;
	/* The base line itself is fine. */
	{
		struct stratum_msg m;

		parse_ok(NTF_OK, &m);
		assert_int_equal(m.kind, STRATUM_NOTIFY);
		stratum_msg_free(&m);
	}
	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++)
		check_bad(bad_lines[i].line, strlen(bad_lines[i].line),
		          bad_lines[i].code, bad_lines[i].detail);
}

/* Lines the table cannot hold: NUL bytes, length limits, deep nesting,
 * oversized fields. */
static void test_bad_big(void **state)
{
	static const char with_nul[] = "{\"id\":1,\"result\":true}\0{}";
	size_t cap = 80 * 1024, n, i;
	char *line = malloc(cap);
	char detail[128];
	struct stratum_msg m;

	(void)state;
	assert_non_null(line);
	check_bad(with_nul, sizeof(with_nul) - 1, TANDEM_ERR_PARSE,
	          "NUL byte at offset 22");
	check_bad("\0", 1, TANDEM_ERR_PARSE, "NUL byte at offset 0");

	/* 70 KiB line: refused before any JSON parsing. */
	n = 70 * 1024;
	memset(line, ' ', n);
	memcpy(line, "{\"id\":1,\"result\":true}", 22);
	check_bad(line, n, TANDEM_ERR_RANGE, "exceeds the 65536-byte limit");
	/* Exactly at the limit (newline included) is still a line. */
	n = STRATUM_MAX_LINE;
	line[n - 1] = '\n';
	assert_int_equal(stratum_parse_line(line, n, &m, NULL, 0), 0);
	assert_int_equal(m.kind, STRATUM_RESPONSE);
	check_bad(line, n + 1, TANDEM_ERR_RANGE, "exceeds");

	/* Nesting 30000 deep stays inside the line limit: jansson's depth
	 * limit refuses it, no stack overflow. */
	n = 0;
	n += (size_t)snprintf(line, cap, "{\"id\":1,\"result\":");
	for (i = 0; i < 30000; i++)
		line[n++] = '[';
	for (i = 0; i < 30000; i++)
		line[n++] = ']';
	line[n++] = '}';
	line[n] = '\0';
	check_bad(line, n, TANDEM_ERR_PARSE, "JSON");

	/* The parser's coinbase limit is the job model's: a coinb1 of
	 * JOB_COINB_MAX bytes parses and becomes a job_stratum, one byte
	 * more is refused by the parser with one clear error. */
	n = (size_t)snprintf(line, cap, NTF_HEAD NTF_JOB "," NTF_PREV ",\"");
	for (i = 0; i < 2 * JOB_COINB_MAX; i++)
		line[n++] = 'a';
	n += (size_t)snprintf(line + n, cap - n,
	                      "\"," NTF_CB2 "," NTF_BR "," NTF_VER "," NTF_NBITS
	                      "," NTF_NTIME "," NTF_CLEAN "]}");
	assert_int_equal(stratum_parse_line(line, n, &m, NULL, 0), 0);
	assert_int_equal(m.u.notify.coinb1_len, JOB_COINB_MAX);
	{
		struct job_stratum *j = malloc(sizeof(*j));

		assert_non_null(j);
		to_job(&m.u.notify, j);
		assert_int_equal(j->coinb1[JOB_COINB_MAX - 1], 0xaa);
		free(j);
	}
	stratum_msg_free(&m);
	n = (size_t)snprintf(line, cap, NTF_HEAD NTF_JOB "," NTF_PREV ",\"");
	for (i = 0; i < 2 * (JOB_COINB_MAX + 1); i++)
		line[n++] = 'a';
	n += (size_t)snprintf(line + n, cap - n,
	                      "\"," NTF_CB2 "," NTF_BR "," NTF_VER "," NTF_NBITS
	                      "," NTF_NTIME "," NTF_CLEAN "]}");
	snprintf(detail, sizeof(detail), "coinb1: %u bytes, at most %u",
	         JOB_COINB_MAX + 1, JOB_COINB_MAX);
	check_bad(line, n, TANDEM_ERR_RANGE, detail);
	/* The same for coinb2. */
	n = (size_t)snprintf(line, cap,
	                     NTF_HEAD NTF_JOB "," NTF_PREV "," NTF_CB1 ",\"");
	for (i = 0; i < 2 * (JOB_COINB_MAX + 1); i++)
		line[n++] = 'b';
	n += (size_t)snprintf(line + n, cap - n,
	                      "\"," NTF_BR "," NTF_VER "," NTF_NBITS
	                      "," NTF_NTIME "," NTF_CLEAN "]}");
	snprintf(detail, sizeof(detail), "coinb2: %u bytes, at most %u",
	         JOB_COINB_MAX + 1, JOB_COINB_MAX);
	check_bad(line, n, TANDEM_ERR_RANGE, detail);

	/* One merkle branch entry more than the job model holds. */
	n = (size_t)snprintf(line, cap,
	                     NTF_HEAD NTF_JOB "," NTF_PREV "," NTF_CB1
	                                      "," NTF_CB2 ",[");
	for (i = 0; i < STRATUM_MAX_MERKLE + 1; i++)
		n += (size_t)snprintf(line + n, cap - n, "%s\"%064x\"",
		                      i ? "," : "", (unsigned)i);
	n += (size_t)snprintf(line + n, cap - n,
	                      "]," NTF_VER "," NTF_NBITS "," NTF_NTIME
	                      "," NTF_CLEAN "]}");
	snprintf(detail, sizeof(detail), "merkle_branch: %u entries",
	         JOB_MAX_BRANCH + 1);
	check_bad(line, n, TANDEM_ERR_RANGE, detail);
	free(line);
}

static void test_null_args(void **state)
{
	struct stratum_msg m;
	char err[ERRLEN];

	(void)state;
	assert_int_equal(stratum_parse_line(NULL, 3, &m, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(stratum_parse_line("{}", 2, NULL, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	stratum_msg_free(NULL);
	assert_int_equal(stratum_result_subscribe(NULL, NULL, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(stratum_result_configure(NULL, NULL, NULL, 0),
	                 TANDEM_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_jobs_notify),
	        cmocka_unit_test(test_blocks_header),
	        cmocka_unit_test(test_submit_vectors),
	        cmocka_unit_test(test_format_requests),
	        cmocka_unit_test(test_format_errors),
	        cmocka_unit_test(test_aux_extension),
	        cmocka_unit_test(test_pool_methods),
	        cmocka_unit_test(test_order_independent),
	        cmocka_unit_test(test_responses),
	        cmocka_unit_test(test_long_reason),
	        cmocka_unit_test(test_bad_lines),
	        cmocka_unit_test(test_bad_big),
	        cmocka_unit_test(test_null_args),
	};

	return cmocka_run_group_tests_name("stratum", tests, NULL, NULL);
}
