/* Pieces the `tandem` commands share (host/cmd_*.c): exit codes, bad-input
 * messages, number parsing, named targets, a set of devices on one event
 * loop, and the option table of scan/replay/run/bench/list. Printing here
 * is the command line's own (usage errors to stderr); the process ends
 * only in main.c. */
#ifndef TANDEM_CLI_H
#define TANDEM_CLI_H

#include <signal.h>
#include <stdint.h>

#include "device.h"
#include "loop.h"
#include "tandem_proto.h"
#include "transport.h"

#define CLI_EXIT_FAIL   1 /* run-time failure (device lost, block not found) */
#define CLI_EXIT_USAGE  2 /* bad input (options, hex, files) */
#define CLI_MAX_DEVICES 256
#define CLI_MAX_JOBS    64

/* Set by main's SIGINT/SIGTERM handler (the signal number). */
extern volatile sig_atomic_t cli_interrupted;

struct jobfile; /* cmd_replay.c */

/* Named target slots of scan/replay/run/bench (--target NAME=HEX64). */
struct cli_targets {
	char name[TANDEM_MAX_SLOTS][16];
	uint8_t value[TANDEM_MAX_SLOTS][32]; /* little-endian */
	int n;
	int parent; /* slot of "parent", -1 none */
};

/* Why a device session stopped. */
enum cli_stop {
	CLI_STOP_NONE,
	CLI_STOP_DONE,    /* job range finished */
	CLI_STOP_PARENT,  /* a share met the parent target */
	CLI_STOP_SHARES,  /* --max-shares reached */
	CLI_STOP_TIMEOUT, /* --timeout */
	CLI_STOP_FAILED,  /* device lost for good */
	CLI_STOP_SIGNAL,
};

/* Devices on one loop, driven by scan/replay/run/bench/list. */
struct cli_session {
	struct loop *loop;
	struct device *dev[CLI_MAX_DEVICES];
	int ndev;
	int ready[CLI_MAX_DEVICES];
	struct cli_targets tg;
	int mode_stratum;
	int quiet;       /* do not print shares (bench) */
	uint64_t shares; /* printed / counted shares, this job */
	uint64_t shares_total;
	uint64_t max_shares;
	uint64_t tag_count[TANDEM_MAX_SLOTS]; /* this job */
	uint64_t tag_total[TANDEM_MAX_SLOTS]; /* whole session, by slot */
	uint32_t job_id[CLI_MAX_DEVICES];
	int have_job;
	int stop_on_parent;
	enum cli_stop stop;
	int failed_err;
	struct jobfile *jf; /* current replay job */
	int parent_found;
	struct device_share parent_share;
	int info_error;
};

/* Device options every command shares. */
struct cli_common {
	const char *devices[CLI_MAX_DEVICES];
	int ndevices;
	unsigned count; /* copies of each --device */
	struct transport_opts topts;
	struct device_config dcfg;
};

/* Options of scan/replay/run/bench/list (one table, see cli.c). */
struct cli_opts {
	struct cli_common co;
	const char *header;
	uint64_t nonce_start, nonce_count;
	int have_nonce_count;
	struct cli_targets tg;
	const char *jobs[CLI_MAX_JOBS];
	int njobs;
	uint64_t max_shares;
	double timeout;
	double seconds;
	int boards;
	int all_shares;
	unsigned job_every_ms;
	int help;
};

extern const struct device_events cli_session_events;

/* "tandem: MESSAGE" plus a hint to --help, on stderr. */
void cli_usage_error(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));
/* Decimal or 0x hex, 0..max; TANDEM_ERR_PARSE otherwise. */
int cli_parse_u64(const char *s, uint64_t max, uint64_t *out);
int cli_parse_double(const char *s, double lo, double hi, double *out);
/* --fault corrupt=R,drop=R,bad-nonce=R,stall=MS,disconnect=S */
int cli_parse_faults(const char *spec, struct transport_faults *f);

/* Appends the parent target from nbits unless the user named one. */
int cli_target_parent_default(struct cli_targets *t, uint32_t nbits);

/* Opens every device of co; 0, CLI_EXIT_USAGE (bad device string) or
 * CLI_EXIT_FAIL (a device cannot be opened). */
int cli_session_open(struct cli_session *s, const struct cli_common *co);
void cli_session_close(struct cli_session *s);
int cli_session_targets(struct cli_session *s);
/* Runs the loop until a stop reason, a signal or the deadline
 * (loop_now_ms time, 0 = none); tick runs every tick_ms if given. */
void cli_session_run(struct cli_session *s, uint64_t deadline,
                     void (*tick)(struct cli_session *), unsigned tick_ms);
/* Waits until every device answered INFO (or the loop stops). */
int cli_session_wait_ready(struct cli_session *s, unsigned timeout_s);
void cli_log_devices(struct cli_session *s);
const char *cli_stop_text(enum cli_stop r);

/* Parses argv[1..] (argv[0] is the command name); 0 or CLI_EXIT_USAGE. */
int cli_parse_opts(int argc, char **argv, struct cli_opts *o);
int cli_need_one_device(const struct cli_opts *o, const char *cmd);

/* The whole usage text (tandem --help). */
void cli_help(void);

#endif /* TANDEM_CLI_H */
