/* Loading an iCE40 bitstream into the FPGA behind the Tandem USB bridge:
 * the order of the bridge's vendor requests (include/tandem_bridge.h,
 * docs/firmware.md "Loading a bitstream") and the reading of its answers.
 * Pure sequencing over a small ops table, so it runs against libusb in
 * `tandem flash` (host/cmd_flash.c) and against the firmware's own bridge
 * on a fake port in the unit tests. Never prints: a reason goes into the
 * caller's buffer.
 */
#ifndef TANDEM_FLASH_H
#define TANDEM_FLASH_H

#include <stddef.h>
#include <stdint.h>

/* Largest file taken (the UP5K's bitstream is 104090 bytes; the biggest
 * iCE40 parts need under 1 MiB). */
#define FLASH_MAX_BITS (1024u * 1024u)

/* Vendor control requests to the bridge. Each returns the data bytes
 * moved (0 for no data), TANDEM_ERR_IO when the device stalled the
 * request or the transfer failed, or TANDEM_ERR_TIMEOUT when it did not
 * answer in time. */
struct flash_ops {
	int (*out)(void *ctx, uint8_t req, uint16_t value, const uint8_t *data,
	           uint16_t len);
	int (*in)(void *ctx, uint8_t req, uint16_t value, uint8_t *data,
	          uint16_t len);
	/* Optional: called after BEGIN and after every DATA chunk. */
	void (*progress)(void *ctx, size_t done, size_t total);
};

struct flash_result {
	uint32_t bytes;   /* bitstream bytes the bridge clocked in */
	uint32_t time_us; /* BEGIN to END, as the bridge measured it */
	uint16_t chunk;   /* DATA size used */
	int state;        /* enum tb_fpga_state after the load */
	int cdone;        /* CDONE level after the load */
};

/* Checks that bits looks like an iCE40 configuration image (the output
 * of icepack: optional comment, then the preamble 7E AA 99 7E within the
 * first bytes); 0 or TANDEM_ERR_PARSE / TANDEM_ERR_RANGE with a reason. */
int flash_check_bitstream(const uint8_t *bits, size_t n, char *err,
                          size_t errlen);

/* Loads bits: GET_INFO (bridge version, chunk size), FPGA_BEGIN,
 * FPGA_DATA chunks, FPGA_END, FPGA_STATUS. Returns 0 when CDONE rose and
 * every byte was clocked in; TANDEM_ERR_TIMEOUT when CDONE stayed low;
 * TANDEM_ERR_UNSUPPORTED for a bridge of another version; TANDEM_ERR_IO
 * (or the ops' code) when a request failed, with the bridge's reported
 * state in err. res (optional) is filled as far as known. */
int flash_load(const struct flash_ops *ops, void *ctx, const uint8_t *bits,
               size_t n, struct flash_result *res, char *err, size_t errlen);

/* "idle", "resetting", "loading", "done", "failed", "held in reset" or
 * "unknown" for enum tb_fpga_state. */
const char *flash_state_name(int state);

#endif /* TANDEM_FLASH_H */
