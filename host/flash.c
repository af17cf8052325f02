/* iCE40 bitstream loading through the bridge's vendor requests (see
 * flash.h). */
#include "flash.h"

#include <stdio.h>
#include <string.h>

#include "tandem_bridge.h"
#include "tandem_err.h"

/* icepack writes a comment block (FF 00 ... 00 FF) and then this
 * synchronisation word (Lattice TN1248; icestorm's bitstream notes). */
static const uint8_t ice40_preamble[4] = {0x7e, 0xaa, 0x99, 0x7e};
#define PREAMBLE_WITHIN 4096u

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

const char *flash_state_name(int state)
{
	switch (state) {
	case TB_FPGA_IDLE:
		return "idle";
	case TB_FPGA_RESETTING:
		return "resetting";
	case TB_FPGA_LOADING:
		return "loading";
	case TB_FPGA_DONE:
		return "done";
	case TB_FPGA_FAILED:
		return "failed";
	case TB_FPGA_HELD:
		return "held in reset";
	default:
		return "unknown";
	}
}

int flash_check_bitstream(const uint8_t *bits, size_t n, char *err,
                          size_t errlen)
{
	size_t i, lim;

	if (!bits || n == 0) {
		snprintf(err, errlen, "empty bitstream");
		return TANDEM_ERR_RANGE;
	}
	if (n > FLASH_MAX_BITS) {
		snprintf(err, errlen,
		         "bitstream of %zu bytes is larger than any iCE40 "
		         "takes (%u)",
		         n, FLASH_MAX_BITS);
		return TANDEM_ERR_RANGE;
	}
	lim = n < PREAMBLE_WITHIN ? n : PREAMBLE_WITHIN;
	for (i = 0; i + sizeof(ice40_preamble) <= lim; i++)
		if (memcmp(bits + i, ice40_preamble, sizeof(ice40_preamble)) ==
		    0)
			return 0;
	snprintf(err, errlen,
	         "not an iCE40 bitstream: no 7E AA 99 7E preamble in the "
	         "first %zu bytes (use icepack's .bin, not the .asc)",
	         lim);
	return TANDEM_ERR_PARSE;
}

struct fstat {
	int state;
	int cdone;
	int error;
	uint32_t bytes;
	uint32_t time_us;
};

static int read_status(const struct flash_ops *ops, void *ctx, struct fstat *st)
{
	uint8_t d[TB_FSTAT_LEN];
	int rc = ops->in(ctx, TB_REQ_FPGA_STATUS, 0, d, TB_FSTAT_LEN);

	if (rc < 0)
		return rc;
	if (rc != (int)TB_FSTAT_LEN)
		return TANDEM_ERR_IO;
	st->state = d[TB_FSTAT_STATE];
	st->cdone = d[TB_FSTAT_CDONE];
	st->error = (int16_t)get16(d + TB_FSTAT_ERROR);
	st->bytes = get32(d + TB_FSTAT_BYTES);
	st->time_us = get32(d + TB_FSTAT_TIME);
	return 0;
}

static void fill_result(struct flash_result *res, const struct fstat *st)
{
	if (!res)
		return;
	res->state = st->state;
	res->cdone = st->cdone;
	res->bytes = st->bytes;
	res->time_us = st->time_us;
}

/* A request failed with rc: asks the bridge why and says so. */
static int explain(const struct flash_ops *ops, void *ctx, const char *what,
                   int rc, struct flash_result *res, char *err, size_t errlen)
{
	struct fstat st;

	if (rc == TANDEM_ERR_TIMEOUT) {
		snprintf(err, errlen, "%s: the bridge did not answer in time",
		         what);
		return rc;
	}
	if (read_status(ops, ctx, &st) < 0) {
		snprintf(err, errlen,
		         "%s failed (%s), and FPGA_STATUS did not answer "
		         "either: device gone?",
		         what, tandem_strerror(rc));
		return rc;
	}
	fill_result(res, &st);
	snprintf(err, errlen,
	         "%s refused by the bridge (FPGA %s, CDONE %d, %u bytes "
	         "loaded, last error %s)",
	         what, flash_state_name(st.state), st.cdone, (unsigned)st.bytes,
	         tandem_errname(st.error));
	return rc;
}

int flash_load(const struct flash_ops *ops, void *ctx, const uint8_t *bits,
               size_t n, struct flash_result *res, char *err, size_t errlen)
{
	uint8_t info[TB_INFO_LEN];
	struct fstat st;
	char what[64];
	uint16_t chunk;
	size_t off;
	int rc;

	if (res)
		memset(res, 0, sizeof(*res));
	if (!ops || !ops->out || !ops->in) {
		snprintf(err, errlen, "no device operations");
		return TANDEM_ERR_INVAL;
	}
	rc = flash_check_bitstream(bits, n, err, errlen);
	if (rc < 0)
		return rc;

	rc = ops->in(ctx, TB_REQ_GET_INFO, 0, info, TB_INFO_LEN);
	if (rc < 0 || rc < (int)TB_INFO_LEN) {
		snprintf(err, errlen,
		         "GET_INFO failed (%s): not a Tandem USB bridge?",
		         tandem_strerror(rc < 0 ? rc : TANDEM_ERR_IO));
		return rc < 0 ? rc : TANDEM_ERR_IO;
	}
	if (info[TB_INFO_VERSION] != TB_BRIDGE_VERSION) {
		snprintf(err, errlen,
		         "bridge firmware speaks version %u, this host %u: "
		         "update one of them",
		         info[TB_INFO_VERSION], TB_BRIDGE_VERSION);
		return TANDEM_ERR_UNSUPPORTED;
	}
	chunk = get16(info + TB_INFO_CHUNK);
	if (chunk == 0 || chunk > TB_FPGA_CHUNK_MAX)
		chunk = TB_FPGA_CHUNK_MAX; /* a newer bridge may take more */
	if (res)
		res->chunk = chunk;

	rc = ops->out(ctx, TB_REQ_FPGA_BEGIN, 0, NULL, 0);
	if (rc < 0)
		return explain(ops, ctx, "FPGA_BEGIN", rc, res, err, errlen);
	if (ops->progress)
		ops->progress(ctx, 0, n);

	for (off = 0; off < n; off += chunk) {
		uint16_t len = (uint16_t)(n - off < chunk ? n - off : chunk);

		rc = ops->out(ctx, TB_REQ_FPGA_DATA, 0, bits + off, len);
		if (rc < 0) {
			snprintf(what, sizeof(what), "FPGA_DATA at byte %zu",
			         off);
			return explain(ops, ctx, what, rc, res, err, errlen);
		}
		if (ops->progress)
			ops->progress(ctx, off + len, n);
	}

	rc = ops->out(ctx, TB_REQ_FPGA_END, 0, NULL, 0);
	if (rc < 0) {
		if (rc == TANDEM_ERR_TIMEOUT || read_status(ops, ctx, &st) < 0)
			return explain(ops, ctx, "FPGA_END", rc, res, err,
			               errlen);
		fill_result(res, &st);
		if (st.state == TB_FPGA_FAILED &&
		    st.error == TANDEM_ERR_TIMEOUT) {
			snprintf(err, errlen,
			         "CDONE did not rise after %u bytes: wrong or "
			         "corrupt bitstream, or a different FPGA",
			         (unsigned)st.bytes);
			return TANDEM_ERR_TIMEOUT;
		}
		return explain(ops, ctx, "FPGA_END", rc, res, err, errlen);
	}

	rc = read_status(ops, ctx, &st);
	if (rc < 0) {
		snprintf(err, errlen, "FPGA_STATUS after the load failed (%s)",
		         tandem_strerror(rc));
		return rc;
	}
	fill_result(res, &st);
	if (st.state != TB_FPGA_DONE || !st.cdone) {
		snprintf(err, errlen,
		         "FPGA_END passed but the bridge reports FPGA %s, "
		         "CDONE %d",
		         flash_state_name(st.state), st.cdone);
		return TANDEM_ERR_IO;
	}
	if (st.bytes != n) {
		snprintf(err, errlen,
		         "the bridge clocked in %u of %zu bitstream bytes",
		         (unsigned)st.bytes, n);
		return TANDEM_ERR_IO;
	}
	return 0;
}
