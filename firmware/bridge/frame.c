/* Frame boundaries for the bridge (see frame.h). */
#include "frame.h"

#include "tandem_proto.h"

enum frame_scan_result frame_scan(const uint8_t *buf, size_t n,
                                  size_t *consumed)
{
	size_t i, len;
	uint16_t crc;

	*consumed = 0;
	/* Skip to the first byte that can start a sync word (a trailing
	 * 0xA5 may be the start of one). */
	for (i = 0; i < n; i++)
		if (buf[i] == TANDEM_SYNC0 &&
		    (i + 1 == n || buf[i + 1] == TANDEM_SYNC1))
			break;
	if (i) {
		*consumed = i;
		return FRAME_JUNK;
	}
	if (n < TANDEM_FRAME_HEADER)
		return FRAME_SHORT;
	if (proto_crc8(buf + 2, 5) != buf[7]) {
		*consumed = 1;
		return FRAME_BAD;
	}
	len = (size_t)buf[5] | ((size_t)buf[6] << 8);
	if (len > TANDEM_MAX_PAYLOAD) {
		*consumed = 1;
		return FRAME_BAD;
	}
	if (n < len + TANDEM_FRAME_OVERHEAD)
		return FRAME_SHORT;
	crc = (uint16_t)(buf[TANDEM_FRAME_HEADER + len] |
	                 (buf[TANDEM_FRAME_HEADER + len + 1] << 8));
	if (proto_crc16(buf + 2, TANDEM_FRAME_HEADER - 2 + len) != crc) {
		*consumed = 1;
		return FRAME_BAD;
	}
	*consumed = len + TANDEM_FRAME_OVERHEAD;
	return FRAME_OK;
}
