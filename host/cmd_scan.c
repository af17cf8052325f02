/* tandem scan: one header's nonce range in header mode, shares printed
 * as JSON lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "hex.h"
#include "job.h"
#include "log.h"
#include "work.h"

static int scan(struct cli_opts *o)
{
	struct cli_session s;
	uint8_t header[80];
	struct proto_job pj;
	struct work_header wh;
	int rc, ret = CLI_EXIT_FAIL;

	if ((rc = cli_need_one_device(o, "scan")))
		return rc;
	if (!o->header) {
		cli_usage_error(
		        "scan needs --header HEX160 (an 80-byte header)");
		return CLI_EXIT_USAGE;
	}
	if (strlen(o->header) != 160 ||
	    hex_decode_exact(o->header, header, 80) < 0) {
		cli_usage_error(
		        "--header must be 160 hex digits (80 bytes), got "
		        "%zu characters%s",
		        strlen(o->header),
		        strlen(o->header) == 160 ? " with a non-hex digit"
		                                 : "");
		return CLI_EXIT_USAGE;
	}
	if (o->njobs || o->max_shares) {
		cli_usage_error("scan takes no --job/--max-shares");
		return CLI_EXIT_USAGE;
	}
	work_header_unpack(header, &wh);
	memset(&s, 0, sizeof(s));
	s.tg = o->tg;
	if (cli_target_parent_default(&s.tg, wh.nbits) < 0)
		return CLI_EXIT_USAGE;
	job_proto_header(header, (uint32_t)o->nonce_start,
	                 o->have_nonce_count ? (uint32_t)o->nonce_count : 0,
	                 &pj);
	rc = cli_session_open(&s, &o->co);
	if (rc) {
		cli_session_close(&s);
		return rc;
	}
	if (cli_session_targets(&s) < 0 ||
	    device_start_job(s.dev[0], &pj, 1, &s.job_id[0]) < 0) {
		log_err("scan", "cannot queue the job");
		goto out;
	}
	s.have_job = 1;
	cli_session_run(&s,
	                o->timeout > 0
	                        ? loop_now_ms() + (uint64_t)(o->timeout * 1000)
	                        : 0,
	                NULL, 0);
	log_info("scan", "stopped: %s", cli_stop_text(s.stop));
	cli_log_devices(&s);
	if (s.stop == CLI_STOP_DONE || s.stop == CLI_STOP_TIMEOUT)
		ret = 0;
out:
	cli_session_close(&s);
	return ret;
}

int cmd_scan(int argc, char **argv)
{
	struct cli_opts *o = calloc(1, sizeof(*o));
	int rc;

	if (!o)
		return CLI_EXIT_FAIL;
	rc = cli_parse_opts(argc, argv, o);
	if (!rc && o->help)
		cli_help();
	else if (!rc)
		rc = scan(o);
	free(o);
	return rc;
}
