/* `tandem flash --device usb:VID:PID[:SERIAL] FILE.bin`: loads an iCE40
 * bitstream into the FPGA behind the Tandem USB bridge (docs/firmware.md
 * "Loading a bitstream"). The sequencing is host/flash.c; this file reads
 * the file, opens the device through the usb transport and runs the
 * requests as libusb control transfers. The result is one JSON line on
 * stdout; progress and errors go to stderr. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "flash.h"
#include "log.h"
#include "tandem_bridge.h"
#include "tandem_err.h"
#include "transport.h"
#include "transport_usb.h"

/* BEGIN takes ~1.3 ms and a 4 KiB chunk ~10 ms on the bridge. */
#define FLASH_CTRL_TIMEOUT_MS 2000u

struct flash_usb {
	struct transport *t;
	char err[200]; /* libusb's reason for the last failed request */
	unsigned pct;  /* progress already reported, percent */
	int quiet;
};

static int fu_out(void *ctx, uint8_t req, uint16_t value, const uint8_t *data,
                  uint16_t len)
{
	struct flash_usb *f = ctx;

	/* libusb takes a non-const buffer for both directions. */
	return transport_usb_control(f->t, 0, req, value, (uint8_t *)data, len,
	                             FLASH_CTRL_TIMEOUT_MS, f->err,
	                             sizeof(f->err));
}

static int fu_in(void *ctx, uint8_t req, uint16_t value, uint8_t *data,
                 uint16_t len)
{
	struct flash_usb *f = ctx;

	return transport_usb_control(f->t, 1, req, value, data, len,
	                             FLASH_CTRL_TIMEOUT_MS, f->err,
	                             sizeof(f->err));
}

static void fu_progress(void *ctx, size_t done, size_t total)
{
	struct flash_usb *f = ctx;
	unsigned pct = total ? (unsigned)(done * 100u / total) : 100u;

	if (f->quiet || (pct < f->pct + 25u && done != total))
		return;
	f->pct = pct;
	fprintf(stderr, "tandem: flash: %zu of %zu bytes (%u%%)\n", done, total,
	        pct);
}

static const struct flash_ops flash_usb_ops = {
        .out = fu_out,
        .in = fu_in,
        .progress = fu_progress,
};

/* Reads the whole file; 0 or a negative code with a reason in err. */
static int read_file(const char *path, uint8_t **out, size_t *n, char *err,
                     size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len;
	int rc = 0;

	if (!fp) {
		snprintf(err, errlen, "cannot open '%s'", path);
		return TANDEM_ERR_IO;
	}
	buf = malloc(FLASH_MAX_BITS + 1u);
	if (!buf) {
		rc = TANDEM_ERR_NOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	len = fread(buf, 1, FLASH_MAX_BITS + 1u, fp);
	if (ferror(fp)) {
		rc = TANDEM_ERR_IO;
		snprintf(err, errlen, "cannot read '%s'", path);
		goto out;
	}
	if (len > FLASH_MAX_BITS) {
		rc = TANDEM_ERR_RANGE;
		snprintf(err, errlen, "'%s' is larger than %u bytes", path,
		         FLASH_MAX_BITS);
		goto out;
	}
	*out = buf;
	*n = len;
	buf = NULL;
out:
	free(buf);
	fclose(fp);
	return rc;
}

static void flash_usage(void)
{
	printf("usage: tandem flash --device usb:VID:PID[:SERIAL] FILE.bin\n"
	       "       (or a board name such as pico-ice)\n"
	       "\n"
	       "Loads an iCE40 bitstream (icepack's .bin) into the FPGA "
	       "behind the\n"
	       "Tandem USB bridge firmware over its vendor requests; fails "
	       "if CDONE\n"
	       "does not rise. The FPGA keeps it until power-off or the "
	       "next load.\n"
	       "\n"
	       "options: -v / --log LEVEL / -q   logging to stderr\n");
}

int cmd_flash(int argc, char **argv)
{
	static const struct option lopts[] = {
	        {"device", required_argument, NULL, 'd'},
	        {"log", required_argument, NULL, 'l'},
	        {"verbose", no_argument, NULL, 'v'},
	        {"quiet", no_argument, NULL, 'q'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	struct transport_opts topts;
	struct flash_usb fu;
	struct flash_result res;
	const char *dev = NULL, *path;
	char err[256] = "";
	char where[160] = "";
	uint8_t *bits = NULL;
	size_t n = 0;
	json_t *j;
	int c, rc, status = CLI_EXIT_FAIL;

	memset(&fu, 0, sizeof(fu));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "vqh", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev = optarg;
			break;
		case 'l':
			rc = log_level_parse(optarg);
			if (rc < 0) {
				cli_usage_error("bad --log '%s'", optarg);
				return CLI_EXIT_USAGE;
			}
			log_set_level(rc);
			break;
		case 'v':
			log_set_level(log_get_level() + 1);
			break;
		case 'q':
			log_set_level(LOG_ERROR);
			fu.quiet = 1;
			break;
		case 'h':
			flash_usage();
			return 0;
		default:
			cli_usage_error("flash: unknown or incomplete option "
			                "'%s'",
			                argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (!dev || optind != argc - 1) {
		cli_usage_error("flash needs --device and one FILE.bin");
		return CLI_EXIT_USAGE;
	}
	path = argv[optind];

	rc = read_file(path, &bits, &n, err, sizeof(err));
	if (rc == 0)
		rc = flash_check_bitstream(bits, n, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "tandem: flash: %s\n", err);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	if (transport_check(dev, err, sizeof(err)) < 0) {
		fprintf(stderr, "tandem: flash: %s\n", err);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	memset(&topts, 0, sizeof(topts));
	rc = transport_open(dev, &topts, &fu.t, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "tandem: flash: %s\n", err);
		goto out;
	}
	if (fu.t->ops != &transport_usb_ops) {
		fprintf(stderr,
		        "tandem: flash: '%s' is not a usb: device; only the "
		        "Tandem USB bridge loads bitstreams (FTDI boards: "
		        "iceprog or openFPGALoader)\n",
		        dev);
		status = CLI_EXIT_USAGE;
		goto out;
	}
	if (fu.t->ops->describe)
		fu.t->ops->describe(fu.t, where, sizeof(where));
	log_info("flash", "%s: %zu bytes to %s", path, n, where);

	rc = flash_load(&flash_usb_ops, &fu, bits, n, &res, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "tandem: flash: %s\n", err);
		if (fu.err[0])
			log_info("flash", "last USB error: %s", fu.err);
		goto out;
	}
	j = json_pack("{s:s, s:s, s:s, s:I, s:f, s:i, s:s}", "flash", "done",
	              "device", dev, "file", path, "bytes",
	              (json_int_t)res.bytes, "seconds", res.time_us / 1e6,
	              "chunk", res.chunk, "cdone", res.cdone ? "high" : "low");
	if (j) {
		json_dumpf(j, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(j);
	}
	status = 0;
out:
	if (fu.t)
		fu.t->ops->close(fu.t);
	free(bits);
	return status;
}
