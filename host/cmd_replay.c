/* tandem replay and tandem run: Stratum jobs from JSON files, mined with
 * on-device extranonce2/version rolling; run adds a status line and a
 * summary table and succeeds only when every job's real block is found. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd.h"
#include "hex.h"
#include "job.h"
#include "log.h"
#include "tandem_err.h"
#include "work.h"

/* ---- job files -------------------------------------------------------------
 */

struct jobfile {
	char path[512];
	char id[80];
	struct proto_job pj;
	uint32_t nbits;
	size_t en2_size;
	int has_expected;
	uint8_t expected_hash[32]; /* internal order */
};

static const char *json_str(json_t *o, const char *key, int required,
                            const char *path, int *bad)
{
	json_t *v = json_object_get(o, key);

	if (!v) {
		if (required) {
			cli_usage_error("%s: missing field \"%s\"", path, key);
			*bad = 1;
		}
		return NULL;
	}
	if (!json_is_string(v)) {
		cli_usage_error("%s: field \"%s\" must be a string", path, key);
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/* A number field given as a JSON integer or a hex string. */
static int json_u32(json_t *o, const char *key, uint32_t def, int hex_only,
                    const char *path, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(o, key);
	uint32_t x;

	*out = def;
	if (!v)
		return 0;
	if (json_is_integer(v) && !hex_only) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || (uint64_t)i > max) {
			cli_usage_error("%s: \"%s\" out of range", path, key);
			return TANDEM_ERR_RANGE;
		}
		*out = (uint64_t)i;
		return 0;
	}
	if (json_is_string(v) && hex_u32(json_string_value(v), &x) == 0 &&
	    x <= max) {
		*out = x;
		return 0;
	}
	cli_usage_error("%s: \"%s\" must be %s", path, key,
	                hex_only ? "a hex string of up to 8 digits"
	                         : "an integer or a hex string");
	return TANDEM_ERR_PARSE;
}

static int load_job(const char *path, struct jobfile *jf)
{
	json_error_t jerr;
	json_t *root, *branch, *en2s, *exp;
	struct job_stratum *js = NULL;
	struct job_notify_hex n;
	const char *branch_hex[JOB_MAX_BRANCH];
	const char *en1_hex, *en2_hex, *id;
	uint8_t en1[JOB_EN_MAX], en2[TANDEM_MAX_EN2];
	uint64_t mask, nstart, ncount;
	int en1_len, bad = 0, rc = TANDEM_ERR_PARSE;
	size_t i;

	memset(jf, 0, sizeof(*jf));
	snprintf(jf->path, sizeof(jf->path), "%s", path);
	root = json_load_file(path, 0, &jerr);
	if (!root) {
		cli_usage_error("cannot read job file %s: %s (line %d)", path,
		                jerr.text, jerr.line);
		return TANDEM_ERR_PARSE;
	}
	if (!json_is_object(root)) {
		cli_usage_error("%s: a job file is one JSON object", path);
		goto out;
	}
	js = malloc(sizeof(*js));
	if (!js) {
		rc = TANDEM_ERR_NOMEM;
		goto out;
	}
	memset(&n, 0, sizeof(n));
	id = json_str(root, "id", 0, path, &bad);
	snprintf(jf->id, sizeof(jf->id), "%s", id ? id : path);
	n.job_id = json_str(root, "job_id", 0, path, &bad);
	n.prevhash = json_str(root, "prevhash", 1, path, &bad);
	n.coinb1 = json_str(root, "coinb1", 1, path, &bad);
	n.coinb2 = json_str(root, "coinb2", 1, path, &bad);
	n.version = json_str(root, "version", 1, path, &bad);
	n.nbits = json_str(root, "nbits", 1, path, &bad);
	n.ntime = json_str(root, "ntime", 1, path, &bad);
	en1_hex = json_str(root, "extranonce1", 1, path, &bad);
	en2_hex = json_str(root, "extranonce2_start", 0, path, &bad);
	if (bad)
		goto out;
	branch = json_object_get(root, "merkle_branch");
	if (!json_is_array(branch)) {
		cli_usage_error("%s: \"merkle_branch\" must be an array of hex "
		                "strings",
		                path);
		goto out;
	}
	if (json_array_size(branch) > JOB_MAX_BRANCH) {
		cli_usage_error("%s: merkle branch longer than %u", path,
		                JOB_MAX_BRANCH);
		goto out;
	}
	for (i = 0; i < json_array_size(branch); i++) {
		json_t *b = json_array_get(branch, i);

		if (!json_is_string(b)) {
			cli_usage_error(
			        "%s: merkle_branch[%zu] is not a string", path,
			        i);
			goto out;
		}
		branch_hex[i] = json_string_value(b);
	}
	n.branch = branch_hex;
	n.branch_count = json_array_size(branch);
	en2s = json_object_get(root, "extranonce2_size");
	if (!json_is_integer(en2s) || json_integer_value(en2s) < 1 ||
	    json_integer_value(en2s) > (json_int_t)TANDEM_MAX_EN2) {
		cli_usage_error("%s: \"extranonce2_size\" must be an integer "
		                "1..%u",
		                path, TANDEM_MAX_EN2);
		goto out;
	}
	jf->en2_size = (size_t)json_integer_value(en2s);
	if (json_u32(root, "version_mask", 0, 1, path, 0xffffffffu, &mask) <
	            0 ||
	    json_u32(root, "nonce_start", 0, 1, path, 0xffffffffu, &nstart) <
	            0 ||
	    json_u32(root, "nonce_count", 0, 0, path, 1ull << 32, &ncount) < 0)
		goto out;
	rc = job_from_notify(js, &n);
	if (rc < 0) {
		cli_usage_error(
		        "%s: bad Stratum field (%s): prevhash and branch "
		        "entries are 32 bytes of hex, version/nbits/ntime "
		        "up to 8 hex digits",
		        path, tandem_strerror(rc));
		rc = TANDEM_ERR_PARSE;
		goto out;
	}
	rc = TANDEM_ERR_PARSE;
	en1_len = hex_decode(en1_hex, en1, sizeof(en1));
	if (en1_len < 0) {
		cli_usage_error("%s: bad \"extranonce1\" hex", path);
		goto out;
	}
	memset(en2, 0, sizeof(en2));
	if (en2_hex && hex_decode_exact(en2_hex, en2, jf->en2_size) < 0) {
		cli_usage_error(
		        "%s: \"extranonce2_start\" must be %zu bytes of hex",
		        path, jf->en2_size);
		goto out;
	}
	rc = job_proto_stratum(js, en1, (size_t)en1_len, en2, jf->en2_size,
	                       (uint32_t)mask, (uint32_t)nstart,
	                       (uint32_t)(ncount == (1ull << 32) ? 0 : ncount),
	                       &jf->pj);
	if (rc < 0) {
		cli_usage_error(
		        "%s: the job does not fit the device protocol "
		        "(coinbase remainder <= %u blocks, branch <= %u)",
		        path, TANDEM_MAX_REM_BLOCKS, TANDEM_MAX_BRANCH);
		rc = TANDEM_ERR_PARSE;
		goto out;
	}
	jf->nbits = js->nbits;
	exp = json_object_get(root, "expected");
	if (json_is_object(exp)) {
		const char *bh = json_str(exp, "block_hash", 0, path, &bad);

		if (bh && hex_decode_rev(bh, jf->expected_hash, 32) == 0)
			jf->has_expected = 1;
	}
	rc = 0;
out:
	free(js);
	json_decref(root);
	return rc;
}

/* ---- replay and run ---------------------------------------------------------
 */

struct run_state {
	struct cli_session *s;
	struct jobfile *jf;
	int index, total;
	uint64_t started_ms;
	int tty;
	int status_line;
};

static struct run_state *run_tick_state;

static void run_tick(struct cli_session *s)
{
	struct run_state *r = run_tick_state;
	struct device_stats st;
	char line[400];
	int n = 0, k;
	double el = (double)(loop_now_ms() - r->started_ms) / 1000.0;

	if (!r->status_line)
		return;
	device_get_stats(s->dev[0], &st);
	n += snprintf(line + n, sizeof(line) - (size_t)n,
	              "[%d/%d %s] %.1f s  %.1f kH/s (shares %.1f kH/s) |",
	              r->index, r->total, r->jf->id, el, st.hashrate / 1e3,
	              st.share_hashrate / 1e3);
	for (k = 0; k < s->tg.n && n < (int)sizeof(line) - 40; k++)
		n += snprintf(line + n, sizeof(line) - (size_t)n, " %s %llu",
		              s->tg.name[k],
		              (unsigned long long)s->tag_count[k]);
	snprintf(line + n, sizeof(line) - (size_t)n,
	         " | hw %llu dup %llu stale %llu bad %llu rx %llu",
	         (unsigned long long)st.hw_errors,
	         (unsigned long long)st.duplicates,
	         (unsigned long long)st.stale,
	         (unsigned long long)st.rx_bad_frames,
	         (unsigned long long)st.reconnects);
	if (r->tty)
		fprintf(stderr, "\r\033[K%s", line);
	else
		fprintf(stderr, "%s\n", line);
}

struct job_result {
	int found;
	int matches;
	double seconds;
	uint64_t hashes;
	uint64_t shares;
	struct device_share share;
	enum cli_stop stop;
};

static int run_jobs(struct cli_opts *o, int is_run)
{
	static struct jobfile jf[CLI_MAX_JOBS];
	struct job_result res[CLI_MAX_JOBS];
	struct cli_session s;
	struct run_state r;
	int i, rc, ret = 0;
	uint64_t hashes_before = 0;
	const char *cmd = is_run ? "run" : "replay";

	if ((rc = cli_need_one_device(o, cmd)))
		return rc;
	if (!o->njobs) {
		cli_usage_error("%s needs --job FILE.json", cmd);
		return CLI_EXIT_USAGE;
	}
	if (o->header || o->have_nonce_count || o->nonce_start) {
		cli_usage_error("%s takes the nonce window from the job file "
		                "(nonce_start, nonce_count)",
		                cmd);
		return CLI_EXIT_USAGE;
	}
	for (i = 0; i < o->njobs; i++)
		if (load_job(o->jobs[i], &jf[i]) < 0)
			return CLI_EXIT_USAGE;
	memset(&s, 0, sizeof(s));
	memset(res, 0, sizeof(res));
	s.tg = o->tg;
	s.mode_stratum = 1;
	s.max_shares = o->max_shares;
	s.stop_on_parent = !o->all_shares;
	s.quiet = is_run; /* run shows a status line and a summary instead */
	/* The parent slot follows the first job's nbits; each job re-sets
	 * it below if its nbits differ. */
	if (cli_target_parent_default(&s.tg, jf[0].nbits) < 0)
		return CLI_EXIT_USAGE;
	rc = cli_session_open(&s, &o->co);
	if (rc) {
		cli_session_close(&s);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.total = o->njobs;
	r.tty = isatty(STDERR_FILENO);
	r.status_line = is_run;
	run_tick_state = &r;
	for (i = 0; i < o->njobs && !cli_interrupted; i++) {
		struct device_stats st;
		uint64_t deadline;
		double timeout = o->timeout;

		if (o->tg.parent < 0) {
			struct cli_targets t2 = o->tg;

			t2.parent = -1;
			if (cli_target_parent_default(&t2, jf[i].nbits) < 0) {
				ret = CLI_EXIT_USAGE;
				break;
			}
			s.tg = t2;
		}
		if (cli_session_targets(&s) < 0) {
			log_err(cmd, "bad targets for the device");
			ret = CLI_EXIT_FAIL;
			break;
		}
		s.jf = &jf[i];
		s.shares = 0;
		s.parent_found = 0;
		s.stop = CLI_STOP_NONE;
		memset(s.tag_count, 0, sizeof(s.tag_count));
		r.jf = &jf[i];
		r.index = i + 1;
		r.started_ms = loop_now_ms();
		device_get_stats(s.dev[0], &st);
		hashes_before = st.hashes_total;
		if (device_start_job(s.dev[0], &jf[i].pj, 1, &s.job_id[0]) <
		    0) {
			log_err(cmd, "%s: cannot queue the job", jf[i].path);
			ret = CLI_EXIT_FAIL;
			break;
		}
		s.have_job = 1;
		if (is_run)
			log_info(cmd, "job %d/%d: %s", i + 1, o->njobs,
			         jf[i].id);
		deadline = timeout > 0
		                   ? loop_now_ms() + (uint64_t)(timeout * 1000)
		                   : 0;
		cli_session_run(&s, deadline, run_tick, r.tty ? 250 : 5000);
		if (r.status_line && r.tty)
			fprintf(stderr, "\n");
		device_get_stats(s.dev[0], &st);
		res[i].stop = s.stop;
		res[i].seconds =
		        (double)(loop_now_ms() - r.started_ms) / 1000.0;
		res[i].hashes = st.hashes_total - hashes_before;
		res[i].shares = s.shares;
		res[i].found = s.parent_found;
		res[i].share = s.parent_share;
		res[i].matches = s.parent_found && jf[i].has_expected &&
		                 memcmp(s.parent_share.hash,
		                        jf[i].expected_hash, 32) == 0;
		log_info(cmd, "%s: stopped (%s) after %.1f s", jf[i].id,
		         cli_stop_text(s.stop), res[i].seconds);
		if (s.stop == CLI_STOP_FAILED || s.stop == CLI_STOP_SIGNAL) {
			ret = CLI_EXIT_FAIL;
			i++;
			break;
		}
	}
	cli_log_devices(&s);
	if (is_run) {
		struct device_stats st;
		int found = 0, k;

		device_get_stats(s.dev[0], &st);
		printf("\n%-18s %-6s %8s %12s %7s  %-16s %-8s %-8s %s\n", "job",
		       "block", "seconds", "hashes", "shares", "extranonce2",
		       "version", "nonce", "block hash");
		for (k = 0; k < i; k++) {
			char hash[65] = "-", en2[17] = "-", ver[9] = "-",
			     non[9] = "-";

			if (res[k].found) {
				hex_encode_rev(res[k].share.hash, 32, hash,
				               sizeof(hash));
				hex_encode(res[k].share.en2,
				           res[k].share.en2_size, en2,
				           sizeof(en2));
				snprintf(ver, sizeof(ver), "%08x",
				         res[k].share.version);
				snprintf(non, sizeof(non), "%08x",
				         res[k].share.nonce);
			}
			printf("%-18s %-6s %8.1f %12llu %7llu  %-16s %-8s "
			       "%-8s %s\n",
			       jf[k].id,
			       res[k].matches ? "FOUND"
			       : res[k].found ? "parent"
			                      : "miss",
			       res[k].seconds,
			       (unsigned long long)res[k].hashes,
			       (unsigned long long)res[k].shares, en2, ver, non,
			       hash);
			found += res[k].matches;
		}
		printf("\n%d of %d real blocks found; %.0f H/s (counters), "
		       "%.0f H/s (from shares); shares by tag:",
		       found, o->njobs, st.hashrate_avg, st.share_hashrate);
		for (k = 0; k < s.tg.n; k++)
			printf(" %s %llu", s.tg.name[k],
			       (unsigned long long)s.tag_total[k]);
		printf("; %llu hw errors, %llu duplicates, %llu stale, %llu "
		       "reconnects\n",
		       (unsigned long long)st.hw_errors,
		       (unsigned long long)st.duplicates,
		       (unsigned long long)st.stale,
		       (unsigned long long)st.reconnects);
		if (found != o->njobs)
			ret = CLI_EXIT_FAIL;
	}
	cli_session_close(&s);
	return ret;
}

int cmd_replay(int argc, char **argv)
{
	struct cli_opts *o = calloc(1, sizeof(*o));
	int rc;

	if (!o)
		return CLI_EXIT_FAIL;
	rc = cli_parse_opts(argc, argv, o);
	if (!rc && o->help)
		cli_help();
	else if (!rc)
		rc = run_jobs(o, strcmp(argv[0], "run") == 0);
	free(o);
	return rc;
}
