/* tandem: the host command line. Results go to stdout (one JSON object per
 * line), logs to stderr. Exit codes: 0 done, 1 a run-time failure (device
 * lost, block not found), 2 bad input (options, hex, files). This file
 * picks the command (host/cmd_*.c), installs the signal handlers and ends
 * the process; nothing else does. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "log.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
        {"list", cmd_list},   {"scan", cmd_scan},   {"replay", cmd_replay},
        {"run", cmd_replay},  {"bench", cmd_bench}, {"mine", cmd_mine},
        {"flash", cmd_flash}, {NULL, NULL},
};

static void on_signal(int sig)
{
	cli_interrupted = sig;
}

int main(int argc, char **argv)
{
	const struct command *c;
	struct sigaction sa;
	int rc;

	log_set_level(LOG_WARN);
	if (argc < 2) {
		cli_usage_error("no command given");
		return CLI_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cli_help();
		return 0;
	}
	for (c = commands; c->name; c++)
		if (strcmp(argv[1], c->name) == 0)
			break;
	if (!c->name) {
		cli_usage_error("unknown command '%s'", argv[1]);
		return CLI_EXIT_USAGE;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = c->run(argc - 1, argv + 1);
	fflush(stdout);
	return rc;
}
