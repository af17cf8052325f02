/* Tandem device wire protocol: the one header shared by host, simulator,
 * firmware and (by its offsets) the RTL link. docs/protocol.md is the human
 * side of this file; the two must agree.
 *
 * Every multi-byte number on the wire is little-endian. Hashes, targets,
 * prevhash, merkle branches and coinbase bytes are byte strings in the order
 * stated at each field (Bitcoin "internal" order unless said otherwise).
 *
 * Frame (10 bytes of overhead):
 *   off size field
 *   0   1    sync0 0xA5
 *   1   1    sync1 0x5A
 *   2   1    version (TANDEM_PROTO_VERSION)
 *   3   1    type (enum proto_type)
 *   4   1    seq: sender's frame counter; replies echo the request's seq
 *   5   2    len: payload bytes, u16 LE, at most TANDEM_MAX_PAYLOAD
 *   7   1    hcrc: CRC-8 (poly 0x07, init 0x00) over bytes 2..6
 *   8   len  payload
 *   8+len 2  crc: CRC-16/IBM-3740 (poly 0x1021, init 0xFFFF) over bytes
 *            2..7+len (header after the sync, and payload), u16 LE
 * The header check byte lets a receiver reject a corrupt length at once and
 * hunt for the next sync word instead of swallowing the frames behind it.
 */
#ifndef TANDEM_PROTO_H
#define TANDEM_PROTO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TANDEM_PROTO_VERSION  1u
#define TANDEM_SYNC0          0xA5u
#define TANDEM_SYNC1          0x5Au
#define TANDEM_FRAME_HEADER   8u  /* sync..hcrc */
#define TANDEM_FRAME_OVERHEAD 10u /* header + CRC-16 */
#define TANDEM_MAX_PAYLOAD    1536u
#define TANDEM_MAX_FRAME      (TANDEM_MAX_PAYLOAD + TANDEM_FRAME_OVERHEAD)

/* Protocol-wide limits; a device reports its own (smaller or equal) ones in
 * INFO and NAKs work beyond them. */
#define TANDEM_MAX_SLOTS      16u /* target slots addressable (bitmap u16) */
#define TANDEM_MAX_REM_BLOCKS 8u  /* 64-byte blocks of coinbase remainder */
#define TANDEM_MAX_BRANCH     16u /* merkle branch depth */
#define TANDEM_MAX_EN2        8u  /* extranonce2 bytes */

enum proto_type {
	/* host -> device */
	PROTO_INFO_GET = 0x01,   /* empty; answered by INFO */
	PROTO_TARGET_SET = 0x02, /* 1..16 slot entries; answered by ACK */
	PROTO_JOB = 0x03,        /* answered by ACK or NAK */
	PROTO_FLUSH = 0x04,      /* new generation; answered by ACK */
	PROTO_RUN = 0x05,        /* start/stop hashing; answered by ACK */
	PROTO_STATUS_GET = 0x06, /* empty; answered by STATUS */
	/* device -> host */
	PROTO_ACK = 0x80,
	PROTO_INFO = 0x81,
	PROTO_NAK = 0x82,
	PROTO_STATUS = 0x86,
	PROTO_SHARE = 0x87, /* unsolicited; seq is the device's share counter */
};

/* NAK reasons. */
enum proto_nak_reason {
	PROTO_NAK_LENGTH = 1,  /* payload length wrong for the type */
	PROTO_NAK_FIELD = 2,   /* a field out of range */
	PROTO_NAK_STALE = 3,   /* JOB generation differs from the device's */
	PROTO_NAK_MODE = 4,    /* work mode not supported */
	PROTO_NAK_TYPE = 5,    /* unknown frame type */
	PROTO_NAK_BUSY = 6,    /* next-job slot already taken */
	PROTO_NAK_LIMIT = 7,   /* beyond this device's INFO limits */
	PROTO_NAK_VERSION = 8, /* protocol version not spoken */
};

/* ---- payloads ------------------------------------------------------- */

/* ACK (4 bytes): 0 u8 type acked, 1 u8 seq acked, 2 u16 device generation */
#define PROTO_ACK_LEN 4u
struct proto_ack {
	uint8_t type;
	uint8_t seq;
	uint16_t generation;
};

/* NAK (4 bytes): 0 u8 type, 1 u8 seq, 2 u8 reason, 3 u8 detail (field
 * offset or limit that failed, 0 if none) */
#define PROTO_NAK_LEN 4u
struct proto_nak {
	uint8_t type;
	uint8_t seq;
	uint8_t reason;
	uint8_t detail;
};

/* INFO (32 bytes):
 *  0 u8  proto_version       1 u8  pipelines        2 u8 loop_log2
 *  3 u8  target_slots        4 u32 clock_hz         8 u16 max_payload
 * 10 u16 max_rem_bytes      12 u8  max_branch      13 u8 max_version_bits
 * 14 u8  work_modes (bit0 header, bit1 stratum)     15 u8 en2_max
 * 16 u32 build_id           20 u8[8] serial (ASCII, NUL padded)
 * 28 u32 flags (reserved, 0)
 * loop_log2: the pipelines' unroll setting, 0 (fully unrolled) .. 6 (one
 * round per clock): rings of 64 >> loop_log2 rounds. A nonce needs 61
 * rounds of the first hash and 61 of the cut second hash, so a pipeline
 * takes one nonce every proto_clocks_per_nonce(loop_log2) clocks:
 * 1, 2, 4, 8, 16, 31, 62. 7: compact lanes, one round unit per lane for
 * both hashes (61 + 64 rounds + 16 clocks of state shifts): 141 clocks.
 * Nonces per clock = pipelines / that. */
#define PROTO_INFO_LEN     32u
#define PROTO_MODE_HEADER  0x01u
#define PROTO_MODE_STRATUM 0x02u
struct proto_info {
	uint8_t proto_version;
	uint8_t pipelines;
	uint8_t loop_log2;
	uint8_t target_slots;
	uint32_t clock_hz;
	uint16_t max_payload;
	uint16_t max_rem_bytes;
	uint8_t max_branch;
	uint8_t max_version_bits;
	uint8_t work_modes;
	uint8_t en2_max;
	uint32_t build_id;
	char serial[8];
	uint32_t flags;
};

/* Clocks between two nonces of one pipeline (or lane) for an INFO
 * loop_log2 (0..7; larger values are treated as 7). */
#define PROTO_LANE_CLOCKS 141u
static inline uint32_t proto_clocks_per_nonce(unsigned loop_log2)
{
	if (loop_log2 >= 7)
		return PROTO_LANE_CLOCKS;
	return (61u >> (6u - loop_log2)) + 1u;
}

/* TARGET_SET: n entries of 34 bytes, 1 <= n <= 16:
 *  0 u8 slot  1 u8 flags (bit0 enable)  2 u8[32] target, little-endian
 *  256-bit number (byte 0 least significant: the order SHA256d returns, so
 *  a hash meets the target when hash <= target compared from byte 31 down).
 * A disabled slot never matches. */
#define PROTO_TARGET_ENTRY_LEN 34u
#define PROTO_TARGET_ENABLE    0x01u
struct proto_target {
	uint8_t slot;
	uint8_t flags;
	uint8_t target[32];
};

/* JOB: a common 24-byte head, then a mode-specific body.
 *  0 u8  mode (0 header, 1 stratum)
 *  1 u8  flags: bit0 QUEUE (start when the current job's work is done;
 *        else replace the current job now)
 *  2 u16 generation: must equal the device's (set by FLUSH) or NAK STALE
 *  4 u32 job_id (host's handle, echoed in shares)
 *  8 u32 nonce_start
 * 12 u32 nonce_count: nonces scanned per version/extranonce2 value;
 *        0 means 2^32 (the whole space)
 * 16 u32 version: header mode: the header's version (echo only);
 *        stratum mode: base version, rolled bits start from it
 * 20 u32 ntime
 * Header mode (PROTO_JOB_HEADER_LEN = 68 bytes):
 * 24 u32[8] midstate H0..H7 (each LE): SHA-256 state after header[0:64]
 * 56 u8[12] tail = header[64:76] (merkle root's last 4 bytes, ntime, nbits)
 * Stratum mode (108 + 64*rem_blocks + 32*branch_count bytes):
 * 24 u32 version_mask (bits the device may roll; BIP320 0x1fffe000)
 * 28 u32 nbits
 * 32 u8[32] prevhash in header byte order (header[4:36])
 * 64 u32[8] coinbase midstate H0..H7 (each LE): state after the coinbase
 *        bytes before the remainder (SHA-256 IV if the remainder is all)
 * 96 u8  rem_blocks 1..8: 64-byte blocks of padded coinbase remainder
 * 97 u8  en2_offset: byte offset of extranonce2 inside the remainder
 * 98 u8  en2_size 1..8
 * 99 u8  branch_count 0..16
 *100 u8[8] en2_start: extranonce2 bytes as in the coinbase (unused = 0)
 *108 u8[64*rem_blocks] remainder, SHA-256 padded (0x80, zeros, 64-bit
 *        big-endian bit length of the whole coinbase); its en2 bytes are
 *        overwritten by the device
 *  .. u8[32*branch_count] merkle branch, internal order, leaf level first
 * Rolling order: nonce over the window, then version (the masked bits
 * count up as one number from the job's value, wrapping inside the mask),
 * then extranonce2 (unsigned little-endian counter over its en2_size
 * bytes, first byte fastest) once the version wraps back to its start. */
#define PROTO_JOB_HEAD_LEN      24u
#define PROTO_JOB_HEADER_LEN    68u
#define PROTO_JOB_STRATUM_FIXED 108u
#define PROTO_JOB_MODE_HEADER   0u
#define PROTO_JOB_MODE_STRATUM  1u
#define PROTO_JOB_QUEUE         0x01u
struct proto_job {
	uint8_t mode;
	uint8_t flags;
	uint16_t generation;
	uint32_t job_id;
	uint32_t nonce_start;
	uint32_t nonce_count;
	uint32_t version;
	uint32_t ntime;
	/* header mode */
	uint32_t midstate[8];
	uint8_t tail[12];
	/* stratum mode */
	uint32_t version_mask;
	uint32_t nbits;
	uint8_t prevhash[32];
	uint32_t cb_midstate[8];
	uint8_t rem_blocks;
	uint8_t en2_offset;
	uint8_t en2_size;
	uint8_t branch_count;
	uint8_t en2_start[8];
	uint8_t remainder[64 * TANDEM_MAX_REM_BLOCKS];
	uint8_t branch[TANDEM_MAX_BRANCH][32];
};

/* FLUSH (2 bytes): 0 u16 generation. Drops the current and queued job; no
 * SHARE of another generation is sent after its ACK. */
#define PROTO_FLUSH_LEN 2u

/* RUN (1 byte): 0 u8 run (0 stop hashing, 1 start). */
#define PROTO_RUN_LEN 1u

/* STATUS (48 bytes):
 *  0 u64 hashes: nonces hashed since reset (monotonic)
 *  8 u32 job_id   12 u16 generation   14 u8 state   15 u8 reserved
 * 16 u8[8] extranonce2 now     24 u32 version now
 * 28 u32 shares sent           32 u32 share FIFO overflows
 * 36 u32 crc errors (header or frame CRC)
 * 40 u32 frame errors (oversize, version, type, length)
 * 44 u32 rolls (version or extranonce2 steps taken) */
#define PROTO_STATUS_LEN    48u
#define PROTO_STATE_RUNNING 0x01u
#define PROTO_STATE_JOB     0x02u /* a job is being hashed */
#define PROTO_STATE_QUEUED  0x04u /* a next job waits */
struct proto_status {
	uint64_t hashes;
	uint32_t job_id;
	uint16_t generation;
	uint8_t state;
	uint8_t en2[8];
	uint32_t version;
	uint32_t shares;
	uint32_t fifo_overflows;
	uint32_t crc_errors;
	uint32_t frame_errors;
	uint32_t rolls;
};

/* SHARE (32 bytes):
 *  0 u32 job_id  4 u16 generation  6 u16 slots (bit i = target slot i met)
 *  8 u32 nonce (header[76:80] read as u32 LE)
 * 12 u32 version (as in the hashed header)   16 u32 ntime
 * 20 u8[8] extranonce2 (stratum mode; bytes as in the coinbase)
 * 28 u8 pipeline  29 u8 en2_size (0 in header mode)  30 u16 reserved */
#define PROTO_SHARE_LEN 32u
struct proto_share {
	uint32_t job_id;
	uint16_t generation;
	uint16_t slots;
	uint32_t nonce;
	uint32_t version;
	uint32_t ntime;
	uint8_t en2[8];
	uint8_t pipeline;
	uint8_t en2_size;
};

/* ---- CRCs ------------------------------------------------------------ */
uint8_t proto_crc8(const uint8_t *p, size_t n);   /* poly 0x07, init 0 */
uint16_t proto_crc16(const uint8_t *p, size_t n); /* IBM-3740 */

/* ---- framing --------------------------------------------------------- */
struct proto_frame {
	uint8_t version;
	uint8_t type;
	uint8_t seq;
	uint16_t len;
	uint8_t payload[TANDEM_MAX_PAYLOAD];
};

/* Writes one frame into out. Returns bytes written, or TANDEM_ERR_RANGE
 * (len > TANDEM_MAX_PAYLOAD) / TANDEM_ERR_INVAL (out too small). */
int proto_frame_encode(uint8_t type, uint8_t seq, const uint8_t *payload,
                       size_t len, uint8_t *out, size_t out_cap);

/* Decodes the first frame in buf[0..n). Always sets *consumed to the bytes
 * the caller should drop before calling again:
 *  0 with a frame: a whole valid frame (type not checked here);
 *  TANDEM_ERR_FRAME_SHORT: need more bytes (consumed drops leading garbage);
 *  TANDEM_ERR_FRAME_SYNC: garbage before a sync word (consumed skips it);
 *  TANDEM_ERR_FRAME_HCRC / _OVERSIZE / _VERSION / _CRC: a bad frame
 *  (consumed skips the sync byte, so the next sync is hunted for).
 * Never reads past buf[n-1]. */
int proto_frame_decode(const uint8_t *buf, size_t n, struct proto_frame *f,
                       size_t *consumed);

/* ---- typed payloads: pack returns bytes written or a negative code;
 * unpack checks length and field ranges and returns 0 or
 * TANDEM_ERR_FRAME_LENGTH / TANDEM_ERR_FRAME_FIELD. ---------------------- */
int proto_ack_pack(const struct proto_ack *a, uint8_t *out, size_t cap);
int proto_ack_unpack(const uint8_t *p, size_t n, struct proto_ack *a);
int proto_nak_pack(const struct proto_nak *a, uint8_t *out, size_t cap);
int proto_nak_unpack(const uint8_t *p, size_t n, struct proto_nak *a);
int proto_info_pack(const struct proto_info *a, uint8_t *out, size_t cap);
int proto_info_unpack(const uint8_t *p, size_t n, struct proto_info *a);
/* targets: t[0..count) */
int proto_targets_pack(const struct proto_target *t, size_t count, uint8_t *out,
                       size_t cap);
/* returns the entry count (1..16) or a negative code */
int proto_targets_unpack(const uint8_t *p, size_t n, struct proto_target *t,
                         size_t max);
int proto_job_pack(const struct proto_job *a, uint8_t *out, size_t cap);
int proto_job_unpack(const uint8_t *p, size_t n, struct proto_job *a);
int proto_flush_pack(uint16_t generation, uint8_t *out, size_t cap);
int proto_flush_unpack(const uint8_t *p, size_t n, uint16_t *generation);
int proto_run_pack(uint8_t run, uint8_t *out, size_t cap);
int proto_run_unpack(const uint8_t *p, size_t n, uint8_t *run);
int proto_status_pack(const struct proto_status *a, uint8_t *out, size_t cap);
int proto_status_unpack(const uint8_t *p, size_t n, struct proto_status *a);
int proto_share_pack(const struct proto_share *a, uint8_t *out, size_t cap);
int proto_share_unpack(const uint8_t *p, size_t n, struct proto_share *a);

/* Name of a frame type ("JOB"), or "?" for an unknown one. */
const char *proto_type_name(uint8_t type);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_PROTO_H */
