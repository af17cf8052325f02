/* tandem: the host command line. Results go to stdout (one JSON object per
 * line), logs to stderr. Exit codes: 0 done, 1 a run-time failure (device
 * lost, block not found), 2 bad input (options, hex, files). Only this
 * file ends the process. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "boards.h"
#include "device.h"
#include "hex.h"
#include "job.h"
#include "log.h"
#include "loop.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "transport.h"
#include "work.h"

#define EXIT_FAIL   1
#define EXIT_USAGE  2
#define MAX_DEVICES 256
#define MAX_JOBS    64

/* The Bitcoin genesis block header (mainnet height 0; headers.json),
 * the default work of `tandem bench`. */
static const char genesis_header[] =
        "0100000000000000000000000000000000000000000000000000000000000000"
        "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
        "4b1e5e4a29ab5f49ffff001d1dac2b7c";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

/* ---- bad input --------------------------------------------------------- */

static void usage_error(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tandem: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try 'tandem --help')\n");
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == ' ')
		return TANDEM_ERR_PARSE;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return TANDEM_ERR_PARSE;
	*out = v;
	return 0;
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return TANDEM_ERR_PARSE;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !(v >= lo && v <= hi))
		return TANDEM_ERR_PARSE;
	*out = v;
	return 0;
}

/* ---- targets ------------------------------------------------------------ */

struct targets {
	char name[TANDEM_MAX_SLOTS][16];
	uint8_t value[TANDEM_MAX_SLOTS][32]; /* little-endian */
	int n;
	int parent; /* slot of "parent", -1 none */
};

/* NAME=HEX64, HEX64 a big-endian 256-bit number as explorers show it. */
static int target_add(struct targets *t, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t nl = eq ? (size_t)(eq - arg) : 0;
	size_t i;

	if (!eq || nl == 0 || nl >= sizeof(t->name[0])) {
		usage_error("--target wants NAME=HEX64 (NAME 1..15 chars), "
		            "got '%s'",
		            arg);
		return TANDEM_ERR_PARSE;
	}
	for (i = 0; i < nl; i++) {
		char c = arg[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-')) {
			usage_error("target name '%.*s' may only hold letters, "
			            "digits, '_' and '-'",
			            (int)nl, arg);
			return TANDEM_ERR_PARSE;
		}
	}
	for (i = 0; i < (size_t)t->n; i++) {
		if (strlen(t->name[i]) == nl &&
		    strncmp(t->name[i], arg, nl) == 0) {
			usage_error("target '%.*s' given twice", (int)nl, arg);
			return TANDEM_ERR_PARSE;
		}
	}
	if (t->n >= (int)TANDEM_MAX_SLOTS) {
		usage_error("at most %u targets", TANDEM_MAX_SLOTS);
		return TANDEM_ERR_RANGE;
	}
	if (strlen(eq + 1) != 64 ||
	    hex_decode_rev(eq + 1, t->value[t->n], 32) < 0) {
		usage_error("target '%.*s' must be 64 hex digits (a 256-bit "
		            "big-endian number), got '%s'",
		            (int)nl, arg, eq + 1);
		return TANDEM_ERR_PARSE;
	}
	memcpy(t->name[t->n], arg, nl);
	t->name[t->n][nl] = '\0';
	if (strcmp(t->name[t->n], "parent") == 0)
		t->parent = t->n;
	t->n++;
	return 0;
}

/* Appends the parent target from nbits unless the user named one. */
static int target_parent_default(struct targets *t, uint32_t nbits)
{
	if (t->parent >= 0)
		return 0;
	if (t->n >= (int)TANDEM_MAX_SLOTS) {
		usage_error("no slot left for the parent target");
		return TANDEM_ERR_RANGE;
	}
	if (work_nbits_to_target(nbits, t->value[t->n]) < 0) {
		usage_error("nbits %08x is not a valid compact target", nbits);
		return TANDEM_ERR_RANGE;
	}
	snprintf(t->name[t->n], sizeof(t->name[0]), "parent");
	t->parent = t->n++;
	return 0;
}

static void targets_to_proto(const struct targets *t, struct proto_target *p)
{
	int i;

	for (i = 0; i < t->n; i++) {
		p[i].slot = (uint8_t)i;
		p[i].flags = PROTO_TARGET_ENABLE;
		memcpy(p[i].target, t->value[i], 32);
	}
}

static void print_tags(FILE *f, const struct targets *t, uint32_t slots)
{
	int i, first = 1;

	fputc('[', f);
	for (i = 0; i < t->n; i++) {
		if (!(slots & (1u << i)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", t->name[i]);
		first = 0;
	}
	fputc(']', f);
}

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
			usage_error("%s: missing field \"%s\"", path, key);
			*bad = 1;
		}
		return NULL;
	}
	if (!json_is_string(v)) {
		usage_error("%s: field \"%s\" must be a string", path, key);
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
			usage_error("%s: \"%s\" out of range", path, key);
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
	usage_error("%s: \"%s\" must be %s", path, key,
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
		usage_error("cannot read job file %s: %s (line %d)", path,
		            jerr.text, jerr.line);
		return TANDEM_ERR_PARSE;
	}
	if (!json_is_object(root)) {
		usage_error("%s: a job file is one JSON object", path);
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
		usage_error("%s: \"merkle_branch\" must be an array of hex "
		            "strings",
		            path);
		goto out;
	}
	if (json_array_size(branch) > JOB_MAX_BRANCH) {
		usage_error("%s: merkle branch longer than %u", path,
		            JOB_MAX_BRANCH);
		goto out;
	}
	for (i = 0; i < json_array_size(branch); i++) {
		json_t *b = json_array_get(branch, i);

		if (!json_is_string(b)) {
			usage_error("%s: merkle_branch[%zu] is not a string",
			            path, i);
			goto out;
		}
		branch_hex[i] = json_string_value(b);
	}
	n.branch = branch_hex;
	n.branch_count = json_array_size(branch);
	en2s = json_object_get(root, "extranonce2_size");
	if (!json_is_integer(en2s) || json_integer_value(en2s) < 1 ||
	    json_integer_value(en2s) > (json_int_t)TANDEM_MAX_EN2) {
		usage_error("%s: \"extranonce2_size\" must be an integer "
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
		usage_error("%s: bad Stratum field (%s): prevhash and branch "
		            "entries are 32 bytes of hex, version/nbits/ntime "
		            "up to 8 hex digits",
		            path, tandem_strerror(rc));
		rc = TANDEM_ERR_PARSE;
		goto out;
	}
	rc = TANDEM_ERR_PARSE;
	en1_len = hex_decode(en1_hex, en1, sizeof(en1));
	if (en1_len < 0) {
		usage_error("%s: bad \"extranonce1\" hex", path);
		goto out;
	}
	memset(en2, 0, sizeof(en2));
	if (en2_hex && hex_decode_exact(en2_hex, en2, jf->en2_size) < 0) {
		usage_error(
		        "%s: \"extranonce2_start\" must be %zu bytes of hex",
		        path, jf->en2_size);
		goto out;
	}
	rc = job_proto_stratum(js, en1, (size_t)en1_len, en2, jf->en2_size,
	                       (uint32_t)mask, (uint32_t)nstart,
	                       (uint32_t)(ncount == (1ull << 32) ? 0 : ncount),
	                       &jf->pj);
	if (rc < 0) {
		usage_error("%s: the job does not fit the device protocol "
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

/* ---- session: devices on one loop -----------------------------------------
 */

enum stop_reason {
	STOP_NONE,
	STOP_DONE,    /* job range finished */
	STOP_PARENT,  /* a share met the parent target */
	STOP_SHARES,  /* --max-shares reached */
	STOP_TIMEOUT, /* --timeout */
	STOP_FAILED,  /* device lost for good */
	STOP_SIGNAL,
};

struct session {
	struct loop *loop;
	struct device *dev[MAX_DEVICES];
	int ndev;
	int ready[MAX_DEVICES];
	struct targets tg;
	int mode_stratum;
	int quiet;       /* do not print shares (bench) */
	uint64_t shares; /* printed / counted shares, this job */
	uint64_t shares_total;
	uint64_t max_shares;
	uint64_t tag_count[TANDEM_MAX_SLOTS]; /* this job */
	uint64_t tag_total[TANDEM_MAX_SLOTS]; /* whole session, by slot */
	uint32_t job_id[MAX_DEVICES];
	int have_job;
	int stop_on_parent;
	enum stop_reason stop;
	int failed_err;
	struct jobfile *jf; /* current replay job */
	int parent_found;
	struct device_share parent_share;
	int info_error;
};

static struct session *sess_of(void *user)
{
	return user;
}

static int dev_index(struct session *s, struct device *d)
{
	int i;

	for (i = 0; i < s->ndev; i++)
		if (s->dev[i] == d)
			return i;
	return -1;
}

static void ev_ready(struct device *d, void *user, int reconnected)
{
	struct session *s = sess_of(user);
	const struct proto_info *in = device_info(d);
	int i = dev_index(s, d);

	if (i < 0)
		return;
	s->ready[i] = 1;
	if (in && s->tg.n > in->target_slots) {
		log_err(device_name(d), "device has %u target slots, %d needed",
		        in->target_slots, s->tg.n);
		s->info_error = 1;
		s->stop = STOP_FAILED;
		loop_stop(s->loop);
	}
	if (reconnected)
		log_warn(device_name(d), "device back; job resumed");
}

static void print_share(struct session *s, const struct device_share *sh)
{
	char hash[65], en2[17];

	hex_encode_rev(sh->hash, 32, hash, sizeof(hash));
	if (s->mode_stratum) {
		hex_encode(sh->en2, sh->en2_size, en2, sizeof(en2));
		printf("{\"extranonce2\":\"%s\",\"version\":\"%08x\","
		       "\"ntime\":\"%08x\",\"nonce\":\"%08x\",\"hash\":\"%s\","
		       "\"tags\":",
		       en2, sh->version, sh->ntime, sh->nonce, hash);
	} else {
		printf("{\"nonce\":\"%08x\",\"hash\":\"%s\",\"tags\":",
		       sh->nonce, hash);
	}
	print_tags(stdout, &s->tg, sh->slots);
	printf("}\n");
	fflush(stdout);
}

static void ev_share(struct device *d, void *user,
                     const struct device_share *sh)
{
	struct session *s = sess_of(user);
	int i = dev_index(s, d);
	int k;

	if (i < 0 || !s->have_job || sh->job_id != s->job_id[i])
		return;
	if (s->stop != STOP_NONE)
		return; /* already stopping: nothing more is reported */
	for (k = 0; k < s->tg.n; k++) {
		if (sh->slots & (1u << k)) {
			s->tag_count[k]++;
			s->tag_total[k]++;
		}
	}
	s->shares++;
	s->shares_total++;
	if (!s->quiet)
		print_share(s, sh);
	if (s->tg.parent >= 0 && (sh->slots & (1u << s->tg.parent))) {
		if (!s->parent_found)
			s->parent_share = *sh;
		s->parent_found = 1;
		if (s->stop_on_parent) {
			s->stop = STOP_PARENT;
			loop_stop(s->loop);
		}
	}
	if (s->max_shares && s->shares >= s->max_shares) {
		s->stop = STOP_SHARES;
		loop_stop(s->loop);
	}
}

static void ev_job_done(struct device *d, void *user, uint32_t job_id)
{
	struct session *s = sess_of(user);
	int i = dev_index(s, d);

	if (i < 0 || job_id != s->job_id[i])
		return;
	for (i = 0; i < s->ndev; i++)
		if (s->job_id[i] && !s->ready[i])
			return;
	if (s->stop == STOP_NONE)
		s->stop = STOP_DONE;
	loop_stop(s->loop);
}

static void ev_nak(struct device *d, void *user, const struct proto_nak *n)
{
	struct session *s = sess_of(user);

	if (n->type == PROTO_JOB || n->type == PROTO_TARGET_SET) {
		log_err(device_name(d), "device refused the %s (reason %u)",
		        proto_type_name(n->type), n->reason);
		s->stop = STOP_FAILED;
		s->failed_err = TANDEM_ERR_UNSUPPORTED;
		loop_stop(s->loop);
	}
}

static void ev_failed(struct device *d, void *user, int err)
{
	struct session *s = sess_of(user);

	s->stop = STOP_FAILED;
	s->failed_err = err;
	loop_stop(s->loop);
}

static const struct device_events session_events = {
        .ready = ev_ready,
        .share = ev_share,
        .status = NULL,
        .job_done = ev_job_done,
        .nak = ev_nak,
        .failed = ev_failed,
};

struct common_opts {
	const char *devices[MAX_DEVICES];
	int ndevices;
	unsigned count; /* copies of each --device */
	struct transport_opts topts;
	struct device_config dcfg;
};

static void session_close(struct session *s)
{
	int i;

	for (i = 0; i < s->ndev; i++)
		device_close(s->dev[i]);
	s->ndev = 0;
	loop_free(s->loop);
	s->loop = NULL;
}

/* Opens every device; returns 0, EXIT_USAGE for a bad device string or
 * EXIT_FAIL when a device cannot be opened. */
static int session_open(struct session *s, const struct common_opts *co)
{
	char err[512];
	int i, rc;
	unsigned k;

	if (loop_new(&s->loop) < 0)
		return EXIT_FAIL;
	for (i = 0; i < co->ndevices; i++) {
		if (transport_check(co->devices[i], err, sizeof(err)) < 0) {
			usage_error("%s", err);
			return EXIT_USAGE;
		}
	}
	for (i = 0; i < co->ndevices; i++) {
		for (k = 0; k < (co->count ? co->count : 1); k++) {
			if (s->ndev >= MAX_DEVICES) {
				usage_error("at most %d devices", MAX_DEVICES);
				return EXIT_USAGE;
			}
			err[0] = '\0';
			rc = device_open(s->loop, co->devices[i], &co->topts,
			                 &co->dcfg, &session_events, s,
			                 &s->dev[s->ndev], err, sizeof(err));
			if (rc == TANDEM_ERR_PARSE) {
				usage_error("%s", err);
				return EXIT_USAGE;
			}
			if (rc < 0) {
				log_err("tandem", "%s: %s", co->devices[i],
				        err[0] ? err : tandem_strerror(rc));
				return EXIT_FAIL;
			}
			s->ndev++;
		}
	}
	return 0;
}

static int session_targets(struct session *s)
{
	struct proto_target pt[TANDEM_MAX_SLOTS];
	int i, rc;

	targets_to_proto(&s->tg, pt);
	for (i = 0; i < s->ndev; i++) {
		rc = device_set_targets(s->dev[i], pt, (size_t)s->tg.n);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Runs the loop until a stop reason, a signal or the deadline (ms since
 * epoch of loop_now_ms, 0 = none); tick runs every tick_ms if given. */
static void session_run(struct session *s, uint64_t deadline,
                        void (*tick)(struct session *), unsigned tick_ms)
{
	uint64_t next_tick = loop_now_ms() + tick_ms;

	while (s->stop == STOP_NONE) {
		uint64_t now = loop_now_ms();
		int wait = -1;

		if (interrupted) {
			s->stop = STOP_SIGNAL;
			break;
		}
		if (deadline && now >= deadline) {
			s->stop = STOP_TIMEOUT;
			break;
		}
		if (deadline)
			wait = (int)(deadline - now);
		if (tick) {
			if (now >= next_tick) {
				tick(s);
				next_tick = now + tick_ms;
			}
			if (wait < 0 || (uint64_t)wait > next_tick - now)
				wait = (int)(next_tick - now);
		}
		if (loop_run_once(s->loop, wait) < 0) {
			s->stop = STOP_FAILED;
			break;
		}
	}
}

/* Waits until every device answered INFO (or the loop stops). */
static int session_wait_ready(struct session *s, unsigned timeout_s)
{
	uint64_t deadline = loop_now_ms() + (uint64_t)timeout_s * 1000u;
	int i, all;

	for (;;) {
		all = 1;
		for (i = 0; i < s->ndev; i++)
			if (!s->ready[i])
				all = 0;
		if (all)
			return 0;
		if (interrupted || s->stop != STOP_NONE ||
		    loop_now_ms() >= deadline)
			return TANDEM_ERR_TIMEOUT;
		if (loop_run_once(s->loop, 100) < 0)
			return TANDEM_ERR_IO;
	}
}

/* ---- option parsing shared by the commands ---------------------------- */

enum {
	OPT_DEVICE = 256,
	OPT_HEADER,
	OPT_NONCE_START,
	OPT_NONCE_COUNT,
	OPT_TARGET,
	OPT_JOB,
	OPT_MAX_SHARES,
	OPT_TIMEOUT,
	OPT_SECONDS,
	OPT_COUNT,
	OPT_FAULT,
	OPT_SIM_BIN,
	OPT_SIM_CONFIG,
	OPT_TRACE,
	OPT_BAUD,
	OPT_LOG,
	OPT_BOARDS,
	OPT_ALL_SHARES,
	OPT_STATUS_MS,
	OPT_JOB_EVERY,
	OPT_HELP,
};

static const struct option long_opts[] = {
        {"device", required_argument, NULL, OPT_DEVICE},
        {"header", required_argument, NULL, OPT_HEADER},
        {"nonce-start", required_argument, NULL, OPT_NONCE_START},
        {"nonce-count", required_argument, NULL, OPT_NONCE_COUNT},
        {"target", required_argument, NULL, OPT_TARGET},
        {"job", required_argument, NULL, OPT_JOB},
        {"max-shares", required_argument, NULL, OPT_MAX_SHARES},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"seconds", required_argument, NULL, OPT_SECONDS},
        {"count", required_argument, NULL, OPT_COUNT},
        {"fault", required_argument, NULL, OPT_FAULT},
        {"sim-bin", required_argument, NULL, OPT_SIM_BIN},
        {"sim-config", required_argument, NULL, OPT_SIM_CONFIG},
        {"trace", no_argument, NULL, OPT_TRACE},
        {"baud", required_argument, NULL, OPT_BAUD},
        {"log", required_argument, NULL, OPT_LOG},
        {"boards", no_argument, NULL, OPT_BOARDS},
        {"all-shares", no_argument, NULL, OPT_ALL_SHARES},
        {"status-ms", required_argument, NULL, OPT_STATUS_MS},
        {"job-every", required_argument, NULL, OPT_JOB_EVERY},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
};

struct opts {
	struct common_opts co;
	const char *header;
	uint64_t nonce_start, nonce_count;
	int have_nonce_count;
	struct targets tg;
	const char *jobs[MAX_JOBS];
	int njobs;
	uint64_t max_shares;
	double timeout;
	double seconds;
	int boards;
	int all_shares;
	unsigned job_every_ms;
	int help;
};

/* --fault corrupt=R,drop=R,stall=MS,disconnect=S,bad-nonce=R */
static int parse_faults(const char *spec, struct transport_faults *f)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(spec) >= sizeof(buf))
		return TANDEM_ERR_PARSE;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		uint64_t u;

		if (!eq)
			return TANDEM_ERR_PARSE;
		*eq++ = '\0';
		if (strcmp(tok, "corrupt") == 0) {
			if (parse_double(eq, 0, 1, &f->corrupt) < 0)
				return TANDEM_ERR_PARSE;
		} else if (strcmp(tok, "drop") == 0) {
			if (parse_double(eq, 0, 1, &f->drop) < 0)
				return TANDEM_ERR_PARSE;
		} else if (strcmp(tok, "bad-nonce") == 0) {
			if (parse_double(eq, 0, 1, &f->bad_nonce) < 0)
				return TANDEM_ERR_PARSE;
		} else if (strcmp(tok, "stall") == 0) {
			if (parse_u64(eq, 60000, &u) < 0)
				return TANDEM_ERR_PARSE;
			f->stall_ms = (unsigned)u;
		} else if (strcmp(tok, "disconnect") == 0) {
			if (parse_u64(eq, 86400, &u) < 0)
				return TANDEM_ERR_PARSE;
			f->disconnect = (unsigned)u;
		} else {
			return TANDEM_ERR_PARSE;
		}
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c;
	uint64_t u;

	memset(o, 0, sizeof(*o));
	o->tg.parent = -1;
	device_config_default(&o->co.dcfg);
	optind = 1;
	while ((c = getopt_long(argc, argv, "vqh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_DEVICE:
			if (o->co.ndevices >= MAX_DEVICES) {
				usage_error("too many --device");
				return EXIT_USAGE;
			}
			o->co.devices[o->co.ndevices++] = optarg;
			break;
		case OPT_HEADER:
			o->header = optarg;
			break;
		case OPT_NONCE_START:
			if (parse_u64(optarg, 0xffffffffu, &o->nonce_start) <
			    0) {
				usage_error("--nonce-start wants 0..4294967295 "
				            "(decimal or 0x hex), got '%s'",
				            optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_NONCE_COUNT:
			if (parse_u64(optarg, 1ull << 32, &o->nonce_count) <
			            0 ||
			    o->nonce_count == 0) {
				usage_error(
				        "--nonce-count wants 1..4294967296, "
				        "got '%s'",
				        optarg);
				return EXIT_USAGE;
			}
			o->have_nonce_count = 1;
			break;
		case OPT_TARGET:
			if (target_add(&o->tg, optarg) < 0)
				return EXIT_USAGE;
			break;
		case OPT_JOB:
			if (o->njobs >= MAX_JOBS) {
				usage_error("at most %d --job", MAX_JOBS);
				return EXIT_USAGE;
			}
			o->jobs[o->njobs++] = optarg;
			break;
		case OPT_MAX_SHARES:
			if (parse_u64(optarg, UINT32_MAX, &o->max_shares) < 0) {
				usage_error("--max-shares wants a count, got "
				            "'%s'",
				            optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_TIMEOUT:
			if (parse_double(optarg, 0, 1e7, &o->timeout) < 0) {
				usage_error("--timeout wants seconds, got '%s'",
				            optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SECONDS:
			if (parse_double(optarg, 0.1, 1e7, &o->seconds) < 0) {
				usage_error("--seconds wants seconds, got '%s'",
				            optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_COUNT:
			if (parse_u64(optarg, MAX_DEVICES, &u) < 0 || !u) {
				usage_error("--count wants 1..%d", MAX_DEVICES);
				return EXIT_USAGE;
			}
			o->co.count = (unsigned)u;
			break;
		case OPT_FAULT:
			if (parse_faults(optarg, &o->co.topts.faults) < 0) {
				usage_error("--fault wants corrupt=R,drop=R,"
				            "bad-nonce=R,stall=MS,disconnect=S "
				            "(R a probability 0..1), got '%s'",
				            optarg);
				return EXIT_USAGE;
			}
			break;
		case OPT_SIM_BIN:
			o->co.topts.sim_bin = optarg;
			break;
		case OPT_SIM_CONFIG:
			o->co.topts.sim_config = optarg;
			break;
		case OPT_TRACE:
			o->co.topts.sim_trace = 1;
			break;
		case OPT_BAUD:
			if (parse_u64(optarg, 12000000, &u) < 0 || u < 300) {
				usage_error("--baud wants 300..12000000");
				return EXIT_USAGE;
			}
			o->co.topts.baud = (unsigned)u;
			break;
		case OPT_LOG:
			if (log_level_parse(optarg) < 0) {
				usage_error("--log wants error, warn, info or "
				            "debug");
				return EXIT_USAGE;
			}
			log_set_level(log_level_parse(optarg));
			break;
		case OPT_BOARDS:
			o->boards = 1;
			break;
		case OPT_ALL_SHARES:
			o->all_shares = 1;
			break;
		case OPT_STATUS_MS:
			if (parse_u64(optarg, 60000, &u) < 0 || u < 10) {
				usage_error("--status-ms wants 10..60000");
				return EXIT_USAGE;
			}
			o->co.dcfg.status_ms = (unsigned)u;
			break;
		case OPT_JOB_EVERY:
			if (parse_u64(optarg, 600000, &u) < 0 || u < 10) {
				usage_error("--job-every wants 10..600000 ms");
				return EXIT_USAGE;
			}
			o->job_every_ms = (unsigned)u;
			break;
		case 'v':
			log_set_level(log_get_level() + 1);
			break;
		case 'q':
			log_set_level(LOG_ERROR);
			break;
		case OPT_HELP:
		case 'h':
			o->help = 1;
			break;
		default:
			usage_error("unknown option");
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		usage_error("unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	return 0;
}

static int need_one_device(const struct opts *o, const char *cmd)
{
	if (o->co.ndevices != 1 || o->co.count > 1) {
		usage_error("%s needs exactly one --device", cmd);
		return EXIT_USAGE;
	}
	return 0;
}

static const char *stop_text(enum stop_reason r)
{
	switch (r) {
	case STOP_DONE:
		return "range done";
	case STOP_PARENT:
		return "parent target met";
	case STOP_SHARES:
		return "max shares";
	case STOP_TIMEOUT:
		return "timeout";
	case STOP_FAILED:
		return "device failed";
	case STOP_SIGNAL:
		return "interrupted";
	default:
		return "running";
	}
}

static void log_device_summary(struct session *s)
{
	int i;

	for (i = 0; i < s->ndev; i++) {
		struct device_stats st;

		device_get_stats(s->dev[i], &st);
		log_info(device_name(s->dev[i]),
		         "%llu hashes, %.0f H/s (counters) / %.0f H/s "
		         "(shares), %llu shares, %llu hw errors, %llu dup, "
		         "%llu stale, %llu bad frames, %llu retransmits, "
		         "%llu reconnects",
		         (unsigned long long)st.hashes_total, st.hashrate_avg,
		         st.share_hashrate, (unsigned long long)st.shares,
		         (unsigned long long)st.hw_errors,
		         (unsigned long long)st.duplicates,
		         (unsigned long long)st.stale,
		         (unsigned long long)st.rx_bad_frames,
		         (unsigned long long)st.retransmits,
		         (unsigned long long)st.reconnects);
	}
}

/* ---- scan ------------------------------------------------------------------
 */

static int cmd_scan(struct opts *o)
{
	struct session s;
	uint8_t header[80];
	struct proto_job pj;
	struct work_header wh;
	int rc, ret = EXIT_FAIL;

	if ((rc = need_one_device(o, "scan")))
		return rc;
	if (!o->header) {
		usage_error("scan needs --header HEX160 (an 80-byte header)");
		return EXIT_USAGE;
	}
	if (strlen(o->header) != 160 ||
	    hex_decode_exact(o->header, header, 80) < 0) {
		usage_error("--header must be 160 hex digits (80 bytes), got "
		            "%zu characters%s",
		            strlen(o->header),
		            strlen(o->header) == 160 ? " with a non-hex digit"
		                                     : "");
		return EXIT_USAGE;
	}
	if (o->njobs || o->max_shares) {
		usage_error("scan takes no --job/--max-shares");
		return EXIT_USAGE;
	}
	work_header_unpack(header, &wh);
	memset(&s, 0, sizeof(s));
	s.tg = o->tg;
	if (target_parent_default(&s.tg, wh.nbits) < 0)
		return EXIT_USAGE;
	job_proto_header(header, (uint32_t)o->nonce_start,
	                 o->have_nonce_count ? (uint32_t)o->nonce_count : 0,
	                 &pj);
	rc = session_open(&s, &o->co);
	if (rc) {
		session_close(&s);
		return rc;
	}
	if (session_targets(&s) < 0 ||
	    device_start_job(s.dev[0], &pj, 1, &s.job_id[0]) < 0) {
		log_err("scan", "cannot queue the job");
		goto out;
	}
	s.have_job = 1;
	session_run(&s,
	            o->timeout > 0
	                    ? loop_now_ms() + (uint64_t)(o->timeout * 1000)
	                    : 0,
	            NULL, 0);
	log_info("scan", "stopped: %s", stop_text(s.stop));
	log_device_summary(&s);
	if (s.stop == STOP_DONE || s.stop == STOP_TIMEOUT)
		ret = 0;
out:
	session_close(&s);
	return ret;
}

/* ---- replay and run ---------------------------------------------------------
 */

struct run_state {
	struct session *s;
	struct jobfile *jf;
	int index, total;
	uint64_t started_ms;
	int tty;
	int status_line;
};

static struct run_state *run_tick_state;

static void run_tick(struct session *s)
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
	enum stop_reason stop;
};

static int run_jobs(struct opts *o, int is_run)
{
	static struct jobfile jf[MAX_JOBS];
	struct job_result res[MAX_JOBS];
	struct session s;
	struct run_state r;
	int i, rc, ret = 0;
	uint64_t hashes_before = 0;
	const char *cmd = is_run ? "run" : "replay";

	if ((rc = need_one_device(o, cmd)))
		return rc;
	if (!o->njobs) {
		usage_error("%s needs --job FILE.json", cmd);
		return EXIT_USAGE;
	}
	if (o->header || o->have_nonce_count || o->nonce_start) {
		usage_error("%s takes the nonce window from the job file "
		            "(nonce_start, nonce_count)",
		            cmd);
		return EXIT_USAGE;
	}
	for (i = 0; i < o->njobs; i++)
		if (load_job(o->jobs[i], &jf[i]) < 0)
			return EXIT_USAGE;
	memset(&s, 0, sizeof(s));
	memset(res, 0, sizeof(res));
	s.tg = o->tg;
	s.mode_stratum = 1;
	s.max_shares = o->max_shares;
	s.stop_on_parent = !o->all_shares;
	s.quiet = is_run; /* run shows a status line and a summary instead */
	/* The parent slot follows the first job's nbits; each job re-sets
	 * it below if its nbits differ. */
	if (target_parent_default(&s.tg, jf[0].nbits) < 0)
		return EXIT_USAGE;
	rc = session_open(&s, &o->co);
	if (rc) {
		session_close(&s);
		return rc;
	}
	memset(&r, 0, sizeof(r));
	r.s = &s;
	r.total = o->njobs;
	r.tty = isatty(STDERR_FILENO);
	r.status_line = is_run;
	run_tick_state = &r;
	for (i = 0; i < o->njobs && !interrupted; i++) {
		struct device_stats st;
		uint64_t deadline;
		double timeout = o->timeout;

		if (o->tg.parent < 0) {
			struct targets t2 = o->tg;

			t2.parent = -1;
			if (target_parent_default(&t2, jf[i].nbits) < 0) {
				ret = EXIT_USAGE;
				break;
			}
			s.tg = t2;
		}
		if (session_targets(&s) < 0) {
			log_err(cmd, "bad targets for the device");
			ret = EXIT_FAIL;
			break;
		}
		s.jf = &jf[i];
		s.shares = 0;
		s.parent_found = 0;
		s.stop = STOP_NONE;
		memset(s.tag_count, 0, sizeof(s.tag_count));
		r.jf = &jf[i];
		r.index = i + 1;
		r.started_ms = loop_now_ms();
		device_get_stats(s.dev[0], &st);
		hashes_before = st.hashes_total;
		if (device_start_job(s.dev[0], &jf[i].pj, 1, &s.job_id[0]) <
		    0) {
			log_err(cmd, "%s: cannot queue the job", jf[i].path);
			ret = EXIT_FAIL;
			break;
		}
		s.have_job = 1;
		if (is_run)
			log_info(cmd, "job %d/%d: %s", i + 1, o->njobs,
			         jf[i].id);
		deadline = timeout > 0
		                   ? loop_now_ms() + (uint64_t)(timeout * 1000)
		                   : 0;
		session_run(&s, deadline, run_tick, r.tty ? 250 : 5000);
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
		         stop_text(s.stop), res[i].seconds);
		if (s.stop == STOP_FAILED || s.stop == STOP_SIGNAL) {
			ret = EXIT_FAIL;
			i++;
			break;
		}
	}
	log_device_summary(&s);
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
			ret = EXIT_FAIL;
	}
	session_close(&s);
	return ret;
}

/* ---- bench
 * ------------------------------------------------------------------- */

struct bench_state {
	struct proto_job pj;
	uint32_t next_start;
	double lat_sum, lat_max;
	unsigned lat_n;
	unsigned job_every_ms;
	uint64_t next_job_ms;
};

static struct bench_state *bench_tick_state;

static void bench_collect_latency(struct session *s, struct bench_state *b)
{
	int i;

	for (i = 0; i < s->ndev; i++) {
		double l = device_job_latency_ms(s->dev[i]);

		if (l >= 0) {
			b->lat_sum += l;
			b->lat_n++;
			if (l > b->lat_max)
				b->lat_max = l;
		}
	}
}

/* Device i scans its own slice of the nonce space, so the share-based
 * hash rate counts distinct work. */
static int bench_job(struct session *s, struct bench_state *b, int i)
{
	struct proto_job pj = b->pj;
	uint32_t slice = (uint32_t)(0x100000000ull / (uint64_t)s->ndev);

	pj.nonce_start = b->next_start + (uint32_t)i * slice;
	pj.nonce_count = slice;
	return device_start_job(s->dev[i], &pj, 1, &s->job_id[i]);
}

/* New work every job_every_ms, as a pool notify would cause. */
static void bench_tick(struct session *s)
{
	struct bench_state *b = bench_tick_state;
	int i;

	if (!b->job_every_ms || loop_now_ms() < b->next_job_ms)
		return;
	b->next_job_ms = loop_now_ms() + b->job_every_ms;
	bench_collect_latency(s, b);
	b->next_start += 0x01000000u;
	for (i = 0; i < s->ndev; i++)
		if (bench_job(s, b, i) < 0)
			log_warn("bench", "cannot queue a job");
}

static double thread_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_bench(struct opts *o)
{
	static struct bench_state b;
	struct session s;
	uint8_t header[80];
	double seconds = o->seconds > 0 ? o->seconds : 10;
	double cpu0, cpu1, t0, t1;
	double rate_sum = 0, share_rate_sum = 0, nominal_sum = 0;
	uint64_t shares = 0, hw = 0, dup = 0;
	struct rusage ru;
	int i, rc;

	if (!o->co.ndevices) {
		usage_error("bench needs --device (repeatable; --count N "
		            "copies)");
		return EXIT_USAGE;
	}
	if (hex_decode_exact(o->header ? o->header : genesis_header, header,
	                     80) < 0) {
		usage_error("--header must be 160 hex digits");
		return EXIT_USAGE;
	}
	memset(&s, 0, sizeof(s));
	s.tg = o->tg;
	s.quiet = 1;
	if (s.tg.n == 0) {
		/* about one share per 2^16 nonces */
		snprintf(s.tg.name[0], sizeof(s.tg.name[0]), "share");
		memset(s.tg.value[0], 0xff, 32);
		s.tg.value[0][31] = 0;
		s.tg.value[0][30] = 0;
		s.tg.n = 1;
	}
	job_proto_header(header, 0, 0, &b.pj);
	b.job_every_ms = o->job_every_ms ? o->job_every_ms : 1000;
	rc = session_open(&s, &o->co);
	if (rc) {
		session_close(&s);
		return rc;
	}
	if (session_targets(&s) < 0) {
		session_close(&s);
		return EXIT_USAGE;
	}
	if (session_wait_ready(&s, 60) < 0) {
		log_err("bench", "devices did not answer INFO");
		session_close(&s);
		return EXIT_FAIL;
	}
	for (i = 0; i < s.ndev; i++)
		bench_job(&s, &b, i);
	s.have_job = 1;
	b.next_job_ms = loop_now_ms() + b.job_every_ms;
	bench_tick_state = &b;
	cpu0 = thread_cpu_seconds();
	t0 = (double)loop_now_ms() / 1000.0;
	session_run(&s, loop_now_ms() + (uint64_t)(seconds * 1000), bench_tick,
	            50);
	bench_collect_latency(&s, &b);
	cpu1 = thread_cpu_seconds();
	t1 = (double)loop_now_ms() / 1000.0;
	getrusage(RUSAGE_SELF, &ru);
	for (i = 0; i < s.ndev; i++) {
		struct device_stats st;
		const struct proto_info *in = device_info(s.dev[i]);

		device_get_stats(s.dev[i], &st);
		rate_sum += st.hashrate_avg;
		share_rate_sum += st.share_hashrate;
		shares += st.shares;
		hw += st.hw_errors;
		dup += st.duplicates;
		if (in && in->clock_hz)
			nominal_sum += (double)in->clock_hz * in->pipelines /
			               (double)(1u << in->loop_log2);
	}
	printf("{\"devices\":%d,\"seconds\":%.2f,"
	       "\"hashrate_counters\":%.0f,\"hashrate_shares\":%.0f,"
	       "\"shares\":%llu,\"hw_errors\":%llu,\"duplicates\":%llu,"
	       "\"nominal_hashrate\":%.0f,\"utilisation\":%.4f,"
	       "\"host_loop_cpu_s\":%.4f,\"host_loop_cpu_per_device_s\":%.6f,"
	       "\"host_loop_cpu_per_share_ms\":%.4f,"
	       "\"process_cpu_s\":%.3f,"
	       "\"job_latency_ms_avg\":%.3f,\"job_latency_ms_max\":%.3f,"
	       "\"job_latency_samples\":%u}\n",
	       s.ndev, t1 - t0, rate_sum, share_rate_sum,
	       (unsigned long long)shares, (unsigned long long)hw,
	       (unsigned long long)dup, nominal_sum,
	       nominal_sum > 0 ? rate_sum / nominal_sum : 0.0, cpu1 - cpu0,
	       (cpu1 - cpu0) / s.ndev,
	       shares ? (cpu1 - cpu0) * 1000.0 / (double)shares : 0.0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	               (double)ru.ru_stime.tv_sec +
	               (double)ru.ru_stime.tv_usec / 1e6,
	       b.lat_n ? b.lat_sum / b.lat_n : -1.0, b.lat_max, b.lat_n);
	log_device_summary(&s);
	session_close(&s);
	return s.stop == STOP_FAILED ? EXIT_FAIL : 0;
}

/* ---- list
 * --------------------------------------------------------------------- */

static int cmd_list(struct opts *o)
{
	const struct board *b;
	const char *probe[MAX_DEVICES];
	int nprobe = 0, i, j;
	char devstr[MAX_DEVICES][96];

	if (o->boards) {
		for (b = boards_table; b->name; b++) {
			char ds[96];

			boards_device_string(b, ds, sizeof(ds));
			printf("{\"board\":\"%s\",\"device\":\"%s\","
			       "\"description\":\"%s\"}\n",
			       b->name, ds, b->description);
		}
		return 0;
	}
	/* Without --device: the simulator, the software device, and every
	 * board's USB id (each id probed once). */
	if (o->co.ndevices) {
		for (i = 0; i < o->co.ndevices; i++)
			probe[nprobe++] = o->co.devices[i];
	} else {
		probe[nprobe++] = "sim";
		probe[nprobe++] = "cpu";
		for (b = boards_table; b->name; b++) {
			int dup = 0;

			boards_device_string(b, devstr[nprobe],
			                     sizeof(devstr[0]));
			for (j = 0; j < nprobe; j++)
				if (strcmp(probe[j], devstr[nprobe]) == 0)
					dup = 1;
			if (!dup)
				probe[nprobe] = devstr[nprobe], nprobe++;
		}
	}
	for (i = 0; i < nprobe; i++) {
		struct session s;
		struct common_opts co = o->co;
		const struct proto_info *in;
		char err[256];

		memset(&s, 0, sizeof(s));
		s.tg.parent = -1;
		co.devices[0] = probe[i];
		co.ndevices = 1;
		co.count = 1;
		co.dcfg.give_up_s = 2;
		if (transport_check(probe[i], err, sizeof(err)) < 0) {
			usage_error("%s", err);
			return EXIT_USAGE;
		}
		if (loop_new(&s.loop) < 0)
			return EXIT_FAIL;
		err[0] = '\0';
		if (device_open(s.loop, probe[i], &co.topts, &co.dcfg,
		                &session_events, &s, &s.dev[0], err,
		                sizeof(err)) < 0) {
			log_info("list", "%s: %s", probe[i], err);
			loop_free(s.loop);
			continue;
		}
		s.ndev = 1;
		if (session_wait_ready(&s, 5) < 0) {
			printf("{\"device\":\"%s\",\"error\":\"no INFO "
			       "answer\"}\n",
			       probe[i]);
			session_close(&s);
			continue;
		}
		in = device_info(s.dev[0]);
		printf("{\"device\":\"%s\",\"proto_version\":%u,"
		       "\"pipelines\":%u,\"loop_log2\":%u,\"target_slots\":%u,"
		       "\"clock_hz\":%u,\"work_modes\":%u,\"en2_max\":%u,"
		       "\"build_id\":\"%08x\",\"serial\":\"%.8s\"}\n",
		       probe[i], in->proto_version, in->pipelines,
		       in->loop_log2, in->target_slots, in->clock_hz,
		       in->work_modes, in->en2_max, in->build_id, in->serial);
		session_close(&s);
	}
	return 0;
}

/* ---- main
 * ---------------------------------------------------------------------- */

static void help(void)
{
	int i;

	printf("usage: tandem COMMAND [options]\n"
	       "\n"
	       "commands:\n"
	       "  list [--boards] [--device DEV]   devices found, with INFO\n"
	       "  scan --device DEV --header HEX160 [--nonce-start N]\n"
	       "       [--nonce-count N] [--target NAME=HEX64]...\n"
	       "       scan a nonce range of one header (header mode)\n"
	       "  replay --device DEV --job FILE.json [--target "
	       "NAME=HEX64]...\n"
	       "       [--max-shares N] [--timeout S] [--all-shares]\n"
	       "       mine a Stratum job with on-device rolling; stops at "
	       "the\n"
	       "       first share meeting the parent target unless "
	       "--all-shares\n"
	       "  run --device DEV --job FILE.json... [--target ...]\n"
	       "       replay several jobs with a live status line and a\n"
	       "       summary; exit 0 only if every job's real block is "
	       "found\n"
	       "  bench --device DEV [--count N] [--seconds S] [--job-every "
	       "MS]\n"
	       "       hash rate, utilisation, host CPU, new-job latency\n"
	       "\n"
	       "targets are 64 hex digits, big-endian as block explorers show\n"
	       "them; \"parent\" defaults to the header's nbits target.\n"
	       "\n"
	       "common options:\n"
	       "  --fault corrupt=R,drop=R,bad-nonce=R,stall=MS,disconnect=S\n"
	       "       fault injection in the simulator / software device\n"
	       "  --sim-bin PATH --sim-config NAME --trace   spawned "
	       "simulator\n"
	       "  --baud N        FTDI UART baud\n"
	       "  --status-ms MS  STATUS poll period (default 100)\n"
	       "  --timeout S     stop after S seconds\n"
	       "  -v / --log LEVEL / -q   logging to stderr\n"
	       "\n"
	       "devices:\n");
	for (i = 0; transport_table[i]; i++)
		printf("  %s\n", transport_table[i]->help);
	printf("  BOARD  a board name (tandem list --boards)\n"
	       "\n"
	       "exit status: 0 done, 1 run-time failure, 2 bad input\n");
}

int main(int argc, char **argv)
{
	struct opts *o;
	struct sigaction sa;
	const char *cmd;
	int rc;

	log_set_level(LOG_WARN);
	if (argc < 2) {
		usage_error("no command given");
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
	    strcmp(cmd, "help") == 0) {
		help();
		return 0;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	o = calloc(1, sizeof(*o));
	if (!o)
		return EXIT_FAIL;
	rc = parse_opts(argc - 1, argv + 1, o);
	if (rc)
		goto out;
	if (o->help) {
		help();
		goto out;
	}
	if (strcmp(cmd, "scan") == 0) {
		rc = cmd_scan(o);
	} else if (strcmp(cmd, "replay") == 0) {
		rc = run_jobs(o, 0);
	} else if (strcmp(cmd, "run") == 0) {
		rc = run_jobs(o, 1);
	} else if (strcmp(cmd, "bench") == 0) {
		rc = cmd_bench(o);
	} else if (strcmp(cmd, "list") == 0) {
		rc = cmd_list(o);
	} else {
		usage_error("unknown command '%s'", cmd);
		rc = EXIT_USAGE;
	}
out:
	free(o);
	fflush(stdout);
	return rc;
}
