/* Frame boundaries in a byte stream, for the bridge. The bridge forwards
 * whole frames byte for byte and does not interpret them: it checks only
 * what it needs to find a frame's end and to count corrupt ones (sync
 * word, header check byte, length limit, CRC-16, as include/tandem_proto.h
 * defines them). Version and type are left to the endpoints, so a frame
 * of a newer protocol version still reaches the FPGA, which NAKs it. */
#ifndef TANDEM_BRIDGE_FRAME_H
#define TANDEM_BRIDGE_FRAME_H

#include <stddef.h>
#include <stdint.h>

enum frame_scan_result {
	FRAME_OK,    /* a whole frame of *consumed bytes at buf[0] */
	FRAME_SHORT, /* need more bytes; *consumed is 0 */
	FRAME_JUNK,  /* *consumed bytes before a possible sync word */
	FRAME_BAD,   /* bad header or CRC: drop *consumed (1) byte, rescan */
};

/* Looks at buf[0..n). Never reads past buf[n-1]. */
enum frame_scan_result frame_scan(const uint8_t *buf, size_t n,
                                  size_t *consumed);

#endif /* TANDEM_BRIDGE_FRAME_H */
