/* Tandem's one error vocabulary, shared by host, simulator and firmware.
 *
 * Functions return int: zero or a count on success, one of these negative
 * codes on failure. Foreign codes (errno, libusb, libftdi, JSON) are mapped
 * to these once, where the foreign library is called.
 */
#ifndef TANDEM_ERR_H
#define TANDEM_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

enum tandem_err {
	TANDEM_OK = 0,

	/* General. */
	TANDEM_ERR_INVAL = -1,   /* invalid argument */
	TANDEM_ERR_NOMEM = -2,   /* allocation failed */
	TANDEM_ERR_RANGE = -3,   /* value outside its legal range */
	TANDEM_ERR_PARSE = -4,   /* malformed text input (hex, JSON, number) */
	TANDEM_ERR_IO = -5,      /* I/O error on a file, socket or device */
	TANDEM_ERR_TIMEOUT = -6, /* no answer in time */
	TANDEM_ERR_NOT_FOUND = -7,   /* a searched item is not there */
	TANDEM_ERR_UNSUPPORTED = -8, /* the peer or build cannot do it */

	/* Wire protocol decoder (docs/protocol.md). */
	TANDEM_ERR_FRAME_SHORT = -20,   /* not enough bytes for a frame yet */
	TANDEM_ERR_FRAME_SYNC = -21,    /* bytes before the sync word skipped */
	TANDEM_ERR_FRAME_HCRC = -22,    /* header check byte wrong */
	TANDEM_ERR_FRAME_CRC = -23,     /* frame CRC-16 wrong */
	TANDEM_ERR_FRAME_VERSION = -24, /* protocol version not spoken */
	TANDEM_ERR_FRAME_OVERSIZE = -25, /* length above TANDEM_MAX_PAYLOAD */
	TANDEM_ERR_FRAME_TYPE = -26,     /* unknown frame type */
	TANDEM_ERR_FRAME_LENGTH = -27,   /* payload length wrong for its type */
	TANDEM_ERR_FRAME_FIELD = -28,    /* a payload field out of range */

	/* Mining work and merged mining. */
	TANDEM_ERR_AUXPOW = -40, /* an auxpow proof does not verify */
	TANDEM_ERR_HWERR = -41,  /* a device share does not hash as claimed */
	TANDEM_ERR_STALE = -42,  /* result of an older job generation */
};

/* Symbolic name ("TANDEM_ERR_FRAME_CRC") of a code; never NULL. */
const char *tandem_errname(int err);
/* One-line English description of a code; never NULL. */
const char *tandem_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_ERR_H */
