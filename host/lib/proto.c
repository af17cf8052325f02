/* Tandem device wire protocol codec: CRCs, framing with resynchronisation,
 * and the typed payloads of include/tandem_proto.h. Pure: no I/O, no
 * allocation, never prints. docs/protocol.md is the human description. */
#include <string.h>

#include "tandem_err.h"
#include "tandem_proto.h"

/* ---- little-endian field access ------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | ((uint64_t)get32(p + 4) << 32);
}

/* ---- CRCs ------------------------------------------------------------ */

/* Bitwise on purpose: the same few lines run on the host, in firmware and
 * in the RTL (one bit per step), so all three are easy to compare. */
uint8_t proto_crc8(const uint8_t *p, size_t n)
{
	uint8_t crc = 0;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (uint8_t)((crc & 0x80) ? (crc << 1) ^ 0x07
			                             : crc << 1);
	}
	return crc;
}

uint16_t proto_crc16(const uint8_t *p, size_t n)
{
	uint16_t crc = 0xFFFF;

	for (size_t i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (int b = 0; b < 8; b++)
			crc = (uint16_t)((crc & 0x8000) ? (crc << 1) ^ 0x1021
			                                : crc << 1);
	}
	return crc;
}

/* ---- framing --------------------------------------------------------- */

int proto_frame_encode(uint8_t type, uint8_t seq, const uint8_t *payload,
                       size_t len, uint8_t *out, size_t out_cap)
{
	uint16_t crc;

	if (len > TANDEM_MAX_PAYLOAD)
		return TANDEM_ERR_RANGE;
	if (!out || out_cap < len + TANDEM_FRAME_OVERHEAD || (len && !payload))
		return TANDEM_ERR_INVAL;
	out[0] = TANDEM_SYNC0;
	out[1] = TANDEM_SYNC1;
	out[2] = TANDEM_PROTO_VERSION;
	out[3] = type;
	out[4] = seq;
	put16(out + 5, (uint16_t)len);
	out[7] = proto_crc8(out + 2, 5);
	if (len)
		memmove(out + TANDEM_FRAME_HEADER, payload, len);
	crc = proto_crc16(out + 2, TANDEM_FRAME_HEADER - 2 + len);
	put16(out + TANDEM_FRAME_HEADER + len, crc);
	return (int)(len + TANDEM_FRAME_OVERHEAD);
}

/* Index of the first byte that may start a frame: a sync word, or a lone
 * sync0 as the very last byte (its sync1 may still be on the way). */
static size_t sync_hunt(const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != TANDEM_SYNC0)
			continue;
		if (i + 1 == n || buf[i + 1] == TANDEM_SYNC1)
			return i;
	}
	return n;
}

int proto_frame_decode(const uint8_t *buf, size_t n, struct proto_frame *f,
                       size_t *consumed)
{
	size_t skip, len;

	if (!consumed)
		return TANDEM_ERR_INVAL;
	*consumed = 0;
	if (!f || (n && !buf))
		return TANDEM_ERR_INVAL;

	/* Drop everything before the next possible sync word. */
	skip = sync_hunt(buf, n);
	if (skip) {
		*consumed = skip;
		return TANDEM_ERR_FRAME_SYNC;
	}
	if (n < TANDEM_FRAME_HEADER)
		return TANDEM_ERR_FRAME_SHORT;

	/* The header is trusted only once its check byte matches; any
	 * failure from here on skips just the sync0 byte so that a real
	 * frame starting inside these bytes is still found. */
	if (proto_crc8(buf + 2, 5) != buf[7]) {
		*consumed = 1;
		return TANDEM_ERR_FRAME_HCRC;
	}
	if (buf[2] != TANDEM_PROTO_VERSION) {
		*consumed = 1;
		return TANDEM_ERR_FRAME_VERSION;
	}
	len = get16(buf + 5);
	if (len > TANDEM_MAX_PAYLOAD) {
		*consumed = 1;
		return TANDEM_ERR_FRAME_OVERSIZE;
	}
	if (n < len + TANDEM_FRAME_OVERHEAD)
		return TANDEM_ERR_FRAME_SHORT;
	if (proto_crc16(buf + 2, TANDEM_FRAME_HEADER - 2 + len) !=
	    get16(buf + TANDEM_FRAME_HEADER + len)) {
		*consumed = 1;
		return TANDEM_ERR_FRAME_CRC;
	}

	f->version = buf[2];
	f->type = buf[3];
	f->seq = buf[4];
	f->len = (uint16_t)len;
	memcpy(f->payload, buf + TANDEM_FRAME_HEADER, len);
	*consumed = len + TANDEM_FRAME_OVERHEAD;
	return 0;
}

/* ---- typed payloads -------------------------------------------------- */

/* Common argument check of every pack function. */
static int pack_room(const void *in, const uint8_t *out, size_t cap,
                     size_t need)
{
	if (!in || !out || cap < need)
		return TANDEM_ERR_INVAL;
	return 0;
}

/* Common check of every unpack function: exact length. */
static int unpack_len(const uint8_t *p, size_t n, const void *out, size_t need)
{
	if (!out || (n && !p))
		return TANDEM_ERR_INVAL;
	if (n != need)
		return TANDEM_ERR_FRAME_LENGTH;
	return 0;
}

/* ACK: only host commands (types below 0x80) are acknowledged. */
static int ack_valid(const struct proto_ack *a)
{
	return !(a->type & 0x80);
}

int proto_ack_pack(const struct proto_ack *a, uint8_t *out, size_t cap)
{
	int rc = pack_room(a, out, cap, PROTO_ACK_LEN);

	if (rc)
		return rc;
	if (!ack_valid(a))
		return TANDEM_ERR_RANGE;
	out[0] = a->type;
	out[1] = a->seq;
	put16(out + 2, a->generation);
	return PROTO_ACK_LEN;
}

int proto_ack_unpack(const uint8_t *p, size_t n, struct proto_ack *a)
{
	int rc = unpack_len(p, n, a, PROTO_ACK_LEN);

	if (rc)
		return rc;
	memset(a, 0, sizeof(*a));
	a->type = p[0];
	a->seq = p[1];
	a->generation = get16(p + 2);
	return ack_valid(a) ? 0 : TANDEM_ERR_FRAME_FIELD;
}

/* NAK: the refused type may be anything (an unknown type is NAKed too);
 * reason 0 is not a reason. Reasons added later within the version are
 * accepted and treated by the receiver as a plain refusal. */
int proto_nak_pack(const struct proto_nak *a, uint8_t *out, size_t cap)
{
	int rc = pack_room(a, out, cap, PROTO_NAK_LEN);

	if (rc)
		return rc;
	if (!a->reason)
		return TANDEM_ERR_RANGE;
	out[0] = a->type;
	out[1] = a->seq;
	out[2] = a->reason;
	out[3] = a->detail;
	return PROTO_NAK_LEN;
}

int proto_nak_unpack(const uint8_t *p, size_t n, struct proto_nak *a)
{
	int rc = unpack_len(p, n, a, PROTO_NAK_LEN);

	if (rc)
		return rc;
	memset(a, 0, sizeof(*a));
	a->type = p[0];
	a->seq = p[1];
	a->reason = p[2];
	a->detail = p[3];
	return a->reason ? 0 : TANDEM_ERR_FRAME_FIELD;
}

/* INFO serial: printable ASCII, then NUL padding to the end. */
static int serial_valid(const char *s)
{
	int pad = 0;

	for (int i = 0; i < 8; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!c)
			pad = 1;
		else if (pad || c < 0x20 || c > 0x7e)
			return 0;
	}
	return 1;
}

/* A fully rolled SHA256d core takes 2 x 64 rounds per nonce. */
#define INFO_MAX_LOOP_LOG2 7u

static int info_valid(const struct proto_info *a)
{
	return a->proto_version >= 1 && a->pipelines >= 1 &&
	       a->loop_log2 <= INFO_MAX_LOOP_LOG2 && a->target_slots >= 1 &&
	       a->target_slots <= TANDEM_MAX_SLOTS &&
	       a->max_payload >= PROTO_JOB_HEADER_LEN &&
	       a->max_payload <= TANDEM_MAX_PAYLOAD &&
	       a->max_rem_bytes % 64 == 0 &&
	       a->max_rem_bytes <= 64 * TANDEM_MAX_REM_BLOCKS &&
	       a->max_branch <= TANDEM_MAX_BRANCH &&
	       a->max_version_bits <= 32 && a->work_modes &&
	       !(a->work_modes & ~(PROTO_MODE_HEADER | PROTO_MODE_STRATUM)) &&
	       a->en2_max <= TANDEM_MAX_EN2 && serial_valid(a->serial);
}

int proto_info_pack(const struct proto_info *a, uint8_t *out, size_t cap)
{
	int rc = pack_room(a, out, cap, PROTO_INFO_LEN);

	if (rc)
		return rc;
	if (!info_valid(a))
		return TANDEM_ERR_RANGE;
	out[0] = a->proto_version;
	out[1] = a->pipelines;
	out[2] = a->loop_log2;
	out[3] = a->target_slots;
	put32(out + 4, a->clock_hz);
	put16(out + 8, a->max_payload);
	put16(out + 10, a->max_rem_bytes);
	out[12] = a->max_branch;
	out[13] = a->max_version_bits;
	out[14] = a->work_modes;
	out[15] = a->en2_max;
	put32(out + 16, a->build_id);
	memcpy(out + 20, a->serial, 8);
	put32(out + 28, a->flags);
	return PROTO_INFO_LEN;
}

int proto_info_unpack(const uint8_t *p, size_t n, struct proto_info *a)
{
	int rc = unpack_len(p, n, a, PROTO_INFO_LEN);

	if (rc)
		return rc;
	memset(a, 0, sizeof(*a));
	a->proto_version = p[0];
	a->pipelines = p[1];
	a->loop_log2 = p[2];
	a->target_slots = p[3];
	a->clock_hz = get32(p + 4);
	a->max_payload = get16(p + 8);
	a->max_rem_bytes = get16(p + 10);
	a->max_branch = p[12];
	a->max_version_bits = p[13];
	a->work_modes = p[14];
	a->en2_max = p[15];
	a->build_id = get32(p + 16);
	memcpy(a->serial, p + 20, 8);
	a->flags = get32(p + 28);
	return info_valid(a) ? 0 : TANDEM_ERR_FRAME_FIELD;
}

/* TARGET_SET entries: slot in range, only known flag bits, and no slot
 * named twice in one frame (which entry would win is not defined). */
static int targets_valid(const struct proto_target *t, size_t count)
{
	uint32_t seen = 0;

	for (size_t i = 0; i < count; i++) {
		if (t[i].slot >= TANDEM_MAX_SLOTS ||
		    (t[i].flags & ~PROTO_TARGET_ENABLE) ||
		    (seen & (1u << t[i].slot)))
			return 0;
		seen |= 1u << t[i].slot;
	}
	return 1;
}

int proto_targets_pack(const struct proto_target *t, size_t count, uint8_t *out,
                       size_t cap)
{
	if (!t || !out)
		return TANDEM_ERR_INVAL;
	if (count < 1 || count > TANDEM_MAX_SLOTS || !targets_valid(t, count))
		return TANDEM_ERR_RANGE;
	if (cap < count * PROTO_TARGET_ENTRY_LEN)
		return TANDEM_ERR_INVAL;
	for (size_t i = 0; i < count; i++) {
		uint8_t *e = out + i * PROTO_TARGET_ENTRY_LEN;

		e[0] = t[i].slot;
		e[1] = t[i].flags;
		memcpy(e + 2, t[i].target, 32);
	}
	return (int)(count * PROTO_TARGET_ENTRY_LEN);
}

int proto_targets_unpack(const uint8_t *p, size_t n, struct proto_target *t,
                         size_t max)
{
	size_t count = n / PROTO_TARGET_ENTRY_LEN;

	if (!t || (n && !p))
		return TANDEM_ERR_INVAL;
	if (n % PROTO_TARGET_ENTRY_LEN || count < 1 ||
	    count > TANDEM_MAX_SLOTS || count > max)
		return TANDEM_ERR_FRAME_LENGTH;
	for (size_t i = 0; i < count; i++) {
		const uint8_t *e = p + i * PROTO_TARGET_ENTRY_LEN;

		t[i].slot = e[0];
		t[i].flags = e[1];
		memcpy(t[i].target, e + 2, 32);
	}
	if (!targets_valid(t, count))
		return TANDEM_ERR_FRAME_FIELD;
	return (int)count;
}

/* Payload length of a stratum-mode JOB with these (already checked)
 * counts. */
static size_t job_stratum_len(unsigned rem_blocks, unsigned branch_count)
{
	return PROTO_JOB_STRATUM_FIXED + 64u * rem_blocks + 32u * branch_count;
}

/* Field checks that decide the layout (done before the length is known)
 * and the rest. Returns 1 when valid. */
static int job_layout_valid(const struct proto_job *a)
{
	if (a->mode == PROTO_JOB_MODE_HEADER)
		return 1;
	if (a->mode != PROTO_JOB_MODE_STRATUM)
		return 0;
	return a->rem_blocks >= 1 && a->rem_blocks <= TANDEM_MAX_REM_BLOCKS &&
	       a->branch_count <= TANDEM_MAX_BRANCH;
}

static int job_fields_valid(const struct proto_job *a)
{
	if (a->flags & ~PROTO_JOB_QUEUE)
		return 0;
	if (a->mode == PROTO_JOB_MODE_HEADER)
		return 1;
	if (a->en2_size < 1 || a->en2_size > TANDEM_MAX_EN2 ||
	    (unsigned)a->en2_offset + a->en2_size > 64u * a->rem_blocks)
		return 0;
	for (unsigned i = a->en2_size; i < TANDEM_MAX_EN2; i++)
		if (a->en2_start[i])
			return 0;
	return 1;
}

static void job_head_pack(const struct proto_job *a, uint8_t *out)
{
	out[0] = a->mode;
	out[1] = a->flags;
	put16(out + 2, a->generation);
	put32(out + 4, a->job_id);
	put32(out + 8, a->nonce_start);
	put32(out + 12, a->nonce_count);
	put32(out + 16, a->version);
	put32(out + 20, a->ntime);
}

int proto_job_pack(const struct proto_job *a, uint8_t *out, size_t cap)
{
	size_t len, off;

	if (!a || !out)
		return TANDEM_ERR_INVAL;
	if (!job_layout_valid(a) || !job_fields_valid(a))
		return TANDEM_ERR_RANGE;
	len = a->mode == PROTO_JOB_MODE_HEADER
	              ? PROTO_JOB_HEADER_LEN
	              : job_stratum_len(a->rem_blocks, a->branch_count);
	if (cap < len)
		return TANDEM_ERR_INVAL;

	job_head_pack(a, out);
	if (a->mode == PROTO_JOB_MODE_HEADER) {
		for (int i = 0; i < 8; i++)
			put32(out + 24 + 4 * i, a->midstate[i]);
		memcpy(out + 56, a->tail, 12);
		return (int)len;
	}
	put32(out + 24, a->version_mask);
	put32(out + 28, a->nbits);
	memcpy(out + 32, a->prevhash, 32);
	for (int i = 0; i < 8; i++)
		put32(out + 64 + 4 * i, a->cb_midstate[i]);
	out[96] = a->rem_blocks;
	out[97] = a->en2_offset;
	out[98] = a->en2_size;
	out[99] = a->branch_count;
	memcpy(out + 100, a->en2_start, 8);
	off = PROTO_JOB_STRATUM_FIXED;
	memcpy(out + off, a->remainder, 64u * a->rem_blocks);
	off += 64u * a->rem_blocks;
	for (unsigned i = 0; i < a->branch_count; i++, off += 32)
		memcpy(out + off, a->branch[i], 32);
	return (int)len;
}

int proto_job_unpack(const uint8_t *p, size_t n, struct proto_job *a)
{
	size_t off;

	if (!a || (n && !p))
		return TANDEM_ERR_INVAL;
	memset(a, 0, sizeof(*a));
	if (n < PROTO_JOB_HEAD_LEN)
		return TANDEM_ERR_FRAME_LENGTH;
	a->mode = p[0];
	a->flags = p[1];
	a->generation = get16(p + 2);
	a->job_id = get32(p + 4);
	a->nonce_start = get32(p + 8);
	a->nonce_count = get32(p + 12);
	a->version = get32(p + 16);
	a->ntime = get32(p + 20);

	if (a->mode == PROTO_JOB_MODE_HEADER) {
		if (n != PROTO_JOB_HEADER_LEN)
			return TANDEM_ERR_FRAME_LENGTH;
		for (int i = 0; i < 8; i++)
			a->midstate[i] = get32(p + 24 + 4 * i);
		memcpy(a->tail, p + 56, 12);
		return job_fields_valid(a) ? 0 : TANDEM_ERR_FRAME_FIELD;
	}
	if (a->mode != PROTO_JOB_MODE_STRATUM)
		return TANDEM_ERR_FRAME_FIELD;
	if (n < PROTO_JOB_STRATUM_FIXED)
		return TANDEM_ERR_FRAME_LENGTH;
	a->version_mask = get32(p + 24);
	a->nbits = get32(p + 28);
	memcpy(a->prevhash, p + 32, 32);
	for (int i = 0; i < 8; i++)
		a->cb_midstate[i] = get32(p + 64 + 4 * i);
	a->rem_blocks = p[96];
	a->en2_offset = p[97];
	a->en2_size = p[98];
	a->branch_count = p[99];
	memcpy(a->en2_start, p + 100, 8);
	if (!job_layout_valid(a))
		return TANDEM_ERR_FRAME_FIELD;
	if (n != job_stratum_len(a->rem_blocks, a->branch_count))
		return TANDEM_ERR_FRAME_LENGTH;
	off = PROTO_JOB_STRATUM_FIXED;
	memcpy(a->remainder, p + off, 64u * a->rem_blocks);
	off += 64u * a->rem_blocks;
	for (unsigned i = 0; i < a->branch_count; i++, off += 32)
		memcpy(a->branch[i], p + off, 32);
	return job_fields_valid(a) ? 0 : TANDEM_ERR_FRAME_FIELD;
}

int proto_flush_pack(uint16_t generation, uint8_t *out, size_t cap)
{
	if (!out || cap < PROTO_FLUSH_LEN)
		return TANDEM_ERR_INVAL;
	put16(out, generation);
	return PROTO_FLUSH_LEN;
}

int proto_flush_unpack(const uint8_t *p, size_t n, uint16_t *generation)
{
	int rc = unpack_len(p, n, generation, PROTO_FLUSH_LEN);

	if (rc)
		return rc;
	*generation = get16(p);
	return 0;
}

int proto_run_pack(uint8_t run, uint8_t *out, size_t cap)
{
	if (!out || cap < PROTO_RUN_LEN)
		return TANDEM_ERR_INVAL;
	if (run > 1)
		return TANDEM_ERR_RANGE;
	out[0] = run;
	return PROTO_RUN_LEN;
}

int proto_run_unpack(const uint8_t *p, size_t n, uint8_t *run)
{
	int rc = unpack_len(p, n, run, PROTO_RUN_LEN);

	if (rc)
		return rc;
	*run = p[0];
	return *run > 1 ? TANDEM_ERR_FRAME_FIELD : 0;
}

#define STATUS_STATE_KNOWN                                                     \
	(PROTO_STATE_RUNNING | PROTO_STATE_JOB | PROTO_STATE_QUEUED)

int proto_status_pack(const struct proto_status *a, uint8_t *out, size_t cap)
{
	int rc = pack_room(a, out, cap, PROTO_STATUS_LEN);

	if (rc)
		return rc;
	if (a->state & ~STATUS_STATE_KNOWN)
		return TANDEM_ERR_RANGE;
	put64(out, a->hashes);
	put32(out + 8, a->job_id);
	put16(out + 12, a->generation);
	out[14] = a->state;
	out[15] = 0;
	memcpy(out + 16, a->en2, 8);
	put32(out + 24, a->version);
	put32(out + 28, a->shares);
	put32(out + 32, a->fifo_overflows);
	put32(out + 36, a->crc_errors);
	put32(out + 40, a->frame_errors);
	put32(out + 44, a->rolls);
	return PROTO_STATUS_LEN;
}

int proto_status_unpack(const uint8_t *p, size_t n, struct proto_status *a)
{
	int rc = unpack_len(p, n, a, PROTO_STATUS_LEN);

	if (rc)
		return rc;
	memset(a, 0, sizeof(*a));
	a->hashes = get64(p);
	a->job_id = get32(p + 8);
	a->generation = get16(p + 12);
	a->state = p[14];
	memcpy(a->en2, p + 16, 8);
	a->version = get32(p + 24);
	a->shares = get32(p + 28);
	a->fifo_overflows = get32(p + 32);
	a->crc_errors = get32(p + 36);
	a->frame_errors = get32(p + 40);
	a->rolls = get32(p + 44);
	return (a->state & ~STATUS_STATE_KNOWN) ? TANDEM_ERR_FRAME_FIELD : 0;
}

/* SHARE: it met at least one slot, and extranonce2 bytes beyond en2_size
 * are zero (all of them in header mode). */
static int share_valid(const struct proto_share *a)
{
	if (!a->slots || a->en2_size > TANDEM_MAX_EN2)
		return 0;
	for (unsigned i = a->en2_size; i < TANDEM_MAX_EN2; i++)
		if (a->en2[i])
			return 0;
	return 1;
}

int proto_share_pack(const struct proto_share *a, uint8_t *out, size_t cap)
{
	int rc = pack_room(a, out, cap, PROTO_SHARE_LEN);

	if (rc)
		return rc;
	if (!share_valid(a))
		return TANDEM_ERR_RANGE;
	put32(out, a->job_id);
	put16(out + 4, a->generation);
	put16(out + 6, a->slots);
	put32(out + 8, a->nonce);
	put32(out + 12, a->version);
	put32(out + 16, a->ntime);
	memcpy(out + 20, a->en2, 8);
	out[28] = a->pipeline;
	out[29] = a->en2_size;
	put16(out + 30, 0);
	return PROTO_SHARE_LEN;
}

int proto_share_unpack(const uint8_t *p, size_t n, struct proto_share *a)
{
	int rc = unpack_len(p, n, a, PROTO_SHARE_LEN);

	if (rc)
		return rc;
	memset(a, 0, sizeof(*a));
	a->job_id = get32(p);
	a->generation = get16(p + 4);
	a->slots = get16(p + 6);
	a->nonce = get32(p + 8);
	a->version = get32(p + 12);
	a->ntime = get32(p + 16);
	memcpy(a->en2, p + 20, 8);
	a->pipeline = p[28];
	a->en2_size = p[29];
	return share_valid(a) ? 0 : TANDEM_ERR_FRAME_FIELD;
}

const char *proto_type_name(uint8_t type)
{
	switch (type) {
	case PROTO_INFO_GET:
		return "INFO_GET";
	case PROTO_TARGET_SET:
		return "TARGET_SET";
	case PROTO_JOB:
		return "JOB";
	case PROTO_FLUSH:
		return "FLUSH";
	case PROTO_RUN:
		return "RUN";
	case PROTO_STATUS_GET:
		return "STATUS_GET";
	case PROTO_ACK:
		return "ACK";
	case PROTO_INFO:
		return "INFO";
	case PROTO_NAK:
		return "NAK";
	case PROTO_STATUS:
		return "STATUS";
	case PROTO_SHARE:
		return "SHARE";
	default:
		return "?";
	}
}
