/* Shared pieces of the tandem commands (see cli.h). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpudev.h"
#include "hex.h"
#include "log.h"
#include "tandem_err.h"
#include "work.h"

volatile sig_atomic_t cli_interrupted;

/* ---- bad input --------------------------------------------------------- */

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tandem: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(try 'tandem --help')\n");
}

int cli_parse_u64(const char *s, uint64_t max, uint64_t *out)
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

int cli_parse_double(const char *s, double lo, double hi, double *out)
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

/* NAME=HEX64, HEX64 a big-endian 256-bit number as explorers show it. */
static int target_add(struct cli_targets *t, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t nl = eq ? (size_t)(eq - arg) : 0;
	size_t i;

	if (!eq || nl == 0 || nl >= sizeof(t->name[0])) {
		cli_usage_error("--target wants NAME=HEX64 (NAME 1..15 chars), "
		                "got '%s'",
		                arg);
		return TANDEM_ERR_PARSE;
	}
	for (i = 0; i < nl; i++) {
		char c = arg[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-')) {
			cli_usage_error(
			        "target name '%.*s' may only hold letters, "
			        "digits, '_' and '-'",
			        (int)nl, arg);
			return TANDEM_ERR_PARSE;
		}
	}
	for (i = 0; i < (size_t)t->n; i++) {
		if (strlen(t->name[i]) == nl &&
		    strncmp(t->name[i], arg, nl) == 0) {
			cli_usage_error("target '%.*s' given twice", (int)nl,
			                arg);
			return TANDEM_ERR_PARSE;
		}
	}
	if (t->n >= (int)TANDEM_MAX_SLOTS) {
		cli_usage_error("at most %u targets", TANDEM_MAX_SLOTS);
		return TANDEM_ERR_RANGE;
	}
	if (strlen(eq + 1) != 64 ||
	    hex_decode_rev(eq + 1, t->value[t->n], 32) < 0) {
		cli_usage_error(
		        "target '%.*s' must be 64 hex digits (a 256-bit "
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
int cli_target_parent_default(struct cli_targets *t, uint32_t nbits)
{
	if (t->parent >= 0)
		return 0;
	if (t->n >= (int)TANDEM_MAX_SLOTS) {
		cli_usage_error("no slot left for the parent target");
		return TANDEM_ERR_RANGE;
	}
	if (work_nbits_to_target(nbits, t->value[t->n]) < 0) {
		cli_usage_error("nbits %08x is not a valid compact target",
		                nbits);
		return TANDEM_ERR_RANGE;
	}
	snprintf(t->name[t->n], sizeof(t->name[0]), "parent");
	t->parent = t->n++;
	return 0;
}

static void targets_to_proto(const struct cli_targets *t,
                             struct proto_target *p)
{
	int i;

	for (i = 0; i < t->n; i++) {
		p[i].slot = (uint8_t)i;
		p[i].flags = PROTO_TARGET_ENABLE;
		memcpy(p[i].target, t->value[i], 32);
	}
}

static void print_tags(FILE *f, const struct cli_targets *t, uint32_t slots)
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

/* ---- session: devices on one loop -----------------------------------------
 */

static struct cli_session *sess_of(void *user)
{
	return user;
}

static int dev_index(struct cli_session *s, struct device *d)
{
	int i;

	for (i = 0; i < s->ndev; i++)
		if (s->dev[i] == d)
			return i;
	return -1;
}

static void ev_ready(struct device *d, void *user, int reconnected)
{
	struct cli_session *s = sess_of(user);
	const struct proto_info *in = device_info(d);
	int i = dev_index(s, d);

	if (i < 0)
		return;
	s->ready[i] = 1;
	if (in && s->tg.n > in->target_slots) {
		log_err(device_name(d), "device has %u target slots, %d needed",
		        in->target_slots, s->tg.n);
		s->info_error = 1;
		s->stop = CLI_STOP_FAILED;
		loop_stop(s->loop);
	}
	if (reconnected)
		log_warn(device_name(d), "device back; job resumed");
}

static void print_share(struct cli_session *s, const struct device_share *sh)
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
	struct cli_session *s = sess_of(user);
	int i = dev_index(s, d);
	int k;

	if (i < 0 || !s->have_job || sh->job_id != s->job_id[i])
		return;
	if (s->stop != CLI_STOP_NONE)
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
			s->stop = CLI_STOP_PARENT;
			loop_stop(s->loop);
		}
	}
	if (s->max_shares && s->shares >= s->max_shares) {
		s->stop = CLI_STOP_SHARES;
		loop_stop(s->loop);
	}
}

static void ev_job_done(struct device *d, void *user, uint32_t job_id)
{
	struct cli_session *s = sess_of(user);
	int i = dev_index(s, d);

	if (i < 0 || job_id != s->job_id[i])
		return;
	for (i = 0; i < s->ndev; i++)
		if (s->job_id[i] && !s->ready[i])
			return;
	if (s->stop == CLI_STOP_NONE)
		s->stop = CLI_STOP_DONE;
	loop_stop(s->loop);
}

static void ev_nak(struct device *d, void *user, const struct proto_nak *n)
{
	struct cli_session *s = sess_of(user);

	if (n->type == PROTO_JOB || n->type == PROTO_TARGET_SET) {
		log_err(device_name(d), "device refused the %s (reason %u)",
		        proto_type_name(n->type), n->reason);
		s->stop = CLI_STOP_FAILED;
		s->failed_err = TANDEM_ERR_UNSUPPORTED;
		loop_stop(s->loop);
	}
}

static void ev_failed(struct device *d, void *user, int err)
{
	struct cli_session *s = sess_of(user);

	s->stop = CLI_STOP_FAILED;
	s->failed_err = err;
	loop_stop(s->loop);
}

const struct device_events cli_session_events = {
        .ready = ev_ready,
        .share = ev_share,
        .status = NULL,
        .job_done = ev_job_done,
        .nak = ev_nak,
        .failed = ev_failed,
};

void cli_session_close(struct cli_session *s)
{
	int i;

	for (i = 0; i < s->ndev; i++)
		device_close(s->dev[i]);
	s->ndev = 0;
	loop_free(s->loop);
	s->loop = NULL;
}

/* Opens every device; returns 0, CLI_EXIT_USAGE for a bad device string or
 * CLI_EXIT_FAIL when a device cannot be opened. */
int cli_session_open(struct cli_session *s, const struct cli_common *co)
{
	char err[512];
	int i, rc;
	unsigned k;

	if (loop_new(&s->loop) < 0)
		return CLI_EXIT_FAIL;
	for (i = 0; i < co->ndevices; i++) {
		if (transport_check(co->devices[i], err, sizeof(err)) < 0) {
			cli_usage_error("%s", err);
			return CLI_EXIT_USAGE;
		}
	}
	for (i = 0; i < co->ndevices; i++) {
		for (k = 0; k < (co->count ? co->count : 1); k++) {
			if (s->ndev >= CLI_MAX_DEVICES) {
				cli_usage_error("at most %d devices",
				                CLI_MAX_DEVICES);
				return CLI_EXIT_USAGE;
			}
			err[0] = '\0';
			rc = device_open(s->loop, co->devices[i], &co->topts,
			                 &co->dcfg, &cli_session_events, s,
			                 &s->dev[s->ndev], err, sizeof(err));
			if (rc == TANDEM_ERR_PARSE) {
				cli_usage_error("%s", err);
				return CLI_EXIT_USAGE;
			}
			if (rc < 0) {
				log_err("tandem", "%s: %s", co->devices[i],
				        err[0] ? err : tandem_strerror(rc));
				return CLI_EXIT_FAIL;
			}
			s->ndev++;
		}
	}
	return 0;
}

int cli_session_targets(struct cli_session *s)
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
void cli_session_run(struct cli_session *s, uint64_t deadline,
                     void (*tick)(struct cli_session *), unsigned tick_ms)
{
	uint64_t next_tick = loop_now_ms() + tick_ms;

	while (s->stop == CLI_STOP_NONE) {
		uint64_t now = loop_now_ms();
		int wait = -1;

		if (cli_interrupted) {
			s->stop = CLI_STOP_SIGNAL;
			break;
		}
		if (deadline && now >= deadline) {
			s->stop = CLI_STOP_TIMEOUT;
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
			s->stop = CLI_STOP_FAILED;
			break;
		}
	}
}

/* Waits until every device answered INFO (or the loop stops). */
int cli_session_wait_ready(struct cli_session *s, unsigned timeout_s)
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
		if (cli_interrupted || s->stop != CLI_STOP_NONE ||
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
	OPT_CPU_HEADER,
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
        {"cpu-header", no_argument, NULL, OPT_CPU_HEADER},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
};

/* --fault corrupt=R,drop=R,stall=MS,disconnect=S,bad-nonce=R */
int cli_parse_faults(const char *spec, struct transport_faults *f)
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
			if (cli_parse_double(eq, 0, 1, &f->corrupt) < 0)
				return TANDEM_ERR_PARSE;
		} else if (strcmp(tok, "drop") == 0) {
			if (cli_parse_double(eq, 0, 1, &f->drop) < 0)
				return TANDEM_ERR_PARSE;
		} else if (strcmp(tok, "bad-nonce") == 0) {
			if (cli_parse_double(eq, 0, 1, &f->bad_nonce) < 0)
				return TANDEM_ERR_PARSE;
		} else if (strcmp(tok, "stall") == 0) {
			if (cli_parse_u64(eq, 60000, &u) < 0)
				return TANDEM_ERR_PARSE;
			f->stall_ms = (unsigned)u;
		} else if (strcmp(tok, "disconnect") == 0) {
			if (cli_parse_u64(eq, 86400, &u) < 0)
				return TANDEM_ERR_PARSE;
			f->disconnect = (unsigned)u;
		} else {
			return TANDEM_ERR_PARSE;
		}
	}
	return 0;
}

int cli_parse_opts(int argc, char **argv, struct cli_opts *o)
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
			if (o->co.ndevices >= CLI_MAX_DEVICES) {
				cli_usage_error("too many --device");
				return CLI_EXIT_USAGE;
			}
			o->co.devices[o->co.ndevices++] = optarg;
			break;
		case OPT_HEADER:
			o->header = optarg;
			break;
		case OPT_NONCE_START:
			if (cli_parse_u64(optarg, 0xffffffffu,
			                  &o->nonce_start) < 0) {
				cli_usage_error(
				        "--nonce-start wants 0..4294967295 "
				        "(decimal or 0x hex), got '%s'",
				        optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case OPT_NONCE_COUNT:
			if (cli_parse_u64(optarg, 1ull << 32, &o->nonce_count) <
			            0 ||
			    o->nonce_count == 0) {
				cli_usage_error(
				        "--nonce-count wants 1..4294967296, "
				        "got '%s'",
				        optarg);
				return CLI_EXIT_USAGE;
			}
			o->have_nonce_count = 1;
			break;
		case OPT_TARGET:
			if (target_add(&o->tg, optarg) < 0)
				return CLI_EXIT_USAGE;
			break;
		case OPT_JOB:
			if (o->njobs >= CLI_MAX_JOBS) {
				cli_usage_error("at most %d --job",
				                CLI_MAX_JOBS);
				return CLI_EXIT_USAGE;
			}
			o->jobs[o->njobs++] = optarg;
			break;
		case OPT_MAX_SHARES:
			if (cli_parse_u64(optarg, UINT32_MAX, &o->max_shares) <
			    0) {
				cli_usage_error(
				        "--max-shares wants a count, got "
				        "'%s'",
				        optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case OPT_TIMEOUT:
			if (cli_parse_double(optarg, 0, 1e7, &o->timeout) < 0) {
				cli_usage_error(
				        "--timeout wants seconds, got '%s'",
				        optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case OPT_SECONDS:
			if (cli_parse_double(optarg, 0.1, 1e7, &o->seconds) <
			    0) {
				cli_usage_error(
				        "--seconds wants seconds, got '%s'",
				        optarg);
				return CLI_EXIT_USAGE;
			}
			break;
		case OPT_COUNT:
			if (cli_parse_u64(optarg, CLI_MAX_DEVICES, &u) < 0 ||
			    !u) {
				cli_usage_error("--count wants 1..%d",
				                CLI_MAX_DEVICES);
				return CLI_EXIT_USAGE;
			}
			o->co.count = (unsigned)u;
			break;
		case OPT_FAULT:
			if (cli_parse_faults(optarg, &o->co.topts.faults) < 0) {
				cli_usage_error(
				        "--fault wants corrupt=R,drop=R,"
				        "bad-nonce=R,stall=MS,disconnect=S "
				        "(R a probability 0..1), got '%s'",
				        optarg);
				return CLI_EXIT_USAGE;
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
			if (cli_parse_u64(optarg, 12000000, &u) < 0 ||
			    u < 300) {
				cli_usage_error("--baud wants 300..12000000");
				return CLI_EXIT_USAGE;
			}
			o->co.topts.baud = (unsigned)u;
			break;
		case OPT_LOG:
			if (log_level_parse(optarg) < 0) {
				cli_usage_error(
				        "--log wants error, warn, info or "
				        "debug");
				return CLI_EXIT_USAGE;
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
			if (cli_parse_u64(optarg, 60000, &u) < 0 || u < 10) {
				cli_usage_error("--status-ms wants 10..60000");
				return CLI_EXIT_USAGE;
			}
			o->co.dcfg.status_ms = (unsigned)u;
			break;
		case OPT_JOB_EVERY:
			if (cli_parse_u64(optarg, 600000, &u) < 0 || u < 10) {
				cli_usage_error(
				        "--job-every wants 10..600000 ms");
				return CLI_EXIT_USAGE;
			}
			o->job_every_ms = (unsigned)u;
			break;
		case OPT_CPU_HEADER:
			cpudev_set_default_modes(PROTO_MODE_HEADER);
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
			cli_usage_error("unknown option");
			return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_usage_error("unexpected argument '%s'", argv[optind]);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

int cli_need_one_device(const struct cli_opts *o, const char *cmd)
{
	if (o->co.ndevices != 1 || o->co.count > 1) {
		cli_usage_error("%s needs exactly one --device", cmd);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

const char *cli_stop_text(enum cli_stop r)
{
	switch (r) {
	case CLI_STOP_DONE:
		return "range done";
	case CLI_STOP_PARENT:
		return "parent target met";
	case CLI_STOP_SHARES:
		return "max shares";
	case CLI_STOP_TIMEOUT:
		return "timeout";
	case CLI_STOP_FAILED:
		return "device failed";
	case CLI_STOP_SIGNAL:
		return "interrupted";
	default:
		return "running";
	}
}

void cli_log_devices(struct cli_session *s)
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

/* ---- help ---------------------------------------------------------------- */

void cli_help(void)
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
	       "  mine -o URL -u USER [-p PASS]... [--device DEV]... [--api "
	       "ADDR:PORT]\n"
	       "       mine for Stratum pools with failover (tandem mine "
	       "--help,\n"
	       "       docs/mining.md)\n"
	       "  flash --device usb:VID:PID[:SERIAL] FILE.bin\n"
	       "       load an iCE40 bitstream through the RP2040 USB bridge\n"
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
	       "  --cpu-header    software devices offer header mode only, "
	       "as small\n"
	       "       boards do (Stratum-mode JOBs get NAK MODE)\n"
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
