/* tandem list: the devices found (INFO of each), or the board table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards.h"
#include "cli.h"
#include "cmd.h"
#include "log.h"
#include "transport.h"

static int list(struct cli_opts *o)
{
	const struct board *b;
	const char *probe[CLI_MAX_DEVICES];
	int nprobe = 0, i, j;
	char devstr[CLI_MAX_DEVICES][96];

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
		struct cli_session s;
		struct cli_common co = o->co;
		const struct proto_info *in;
		char err[256];

		memset(&s, 0, sizeof(s));
		s.tg.parent = -1;
		co.devices[0] = probe[i];
		co.ndevices = 1;
		co.count = 1;
		co.dcfg.give_up_s = 2;
		if (transport_check(probe[i], err, sizeof(err)) < 0) {
			cli_usage_error("%s", err);
			return CLI_EXIT_USAGE;
		}
		if (loop_new(&s.loop) < 0)
			return CLI_EXIT_FAIL;
		err[0] = '\0';
		if (device_open(s.loop, probe[i], &co.topts, &co.dcfg,
		                &cli_session_events, &s, &s.dev[0], err,
		                sizeof(err)) < 0) {
			log_info("list", "%s: %s", probe[i], err);
			loop_free(s.loop);
			continue;
		}
		s.ndev = 1;
		if (cli_session_wait_ready(&s, 5) < 0) {
			printf("{\"device\":\"%s\",\"error\":\"no INFO "
			       "answer\"}\n",
			       probe[i]);
			cli_session_close(&s);
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
		cli_session_close(&s);
	}
	return 0;
}

int cmd_list(int argc, char **argv)
{
	struct cli_opts *o = calloc(1, sizeof(*o));
	int rc;

	if (!o)
		return CLI_EXIT_FAIL;
	rc = cli_parse_opts(argc, argv, o);
	if (!rc && o->help)
		cli_help();
	else if (!rc)
		rc = list(o);
	free(o);
	return rc;
}
