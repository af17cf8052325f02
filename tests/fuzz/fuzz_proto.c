/* libFuzzer target for the device wire protocol decoder (host/lib/proto.c).
 *
 * Each input is used three ways:
 *  1. as a byte stream fed in chunks (sizes drawn from the input itself) to
 *     the receive loop a driver uses, asserting progress and that every
 *     decoded frame re-encodes to exactly the bytes it was decoded from;
 *  2. as a raw payload for every unpacker (which must accept or reject it
 *     with a specific code, and whose accepted structs must pack back to
 *     the same bytes);
 *  3. as type, seq and payload of a frame built with the encoder, which
 *     must decode back unchanged;
 *  4. as a frame whose sync word and both CRCs are patched in, so that the
 *     fuzzer reaches the version, length and payload paths with any
 *     header values (including lengths beyond the maximum).
 * Built with -fsanitize=fuzzer,address,undefined by mk/fuzz.mk. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tandem_err.h"
#include "tandem_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() so libFuzzer reports and saves the input. */
#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c))                                                      \
			abort();                                               \
	} while (0)

static struct proto_frame frame;

/* The decoder's codes are the only negative values it may return. */
static int is_frame_code(int rc)
{
	return rc == TANDEM_ERR_FRAME_SHORT || rc == TANDEM_ERR_FRAME_SYNC ||
	       rc == TANDEM_ERR_FRAME_HCRC || rc == TANDEM_ERR_FRAME_CRC ||
	       rc == TANDEM_ERR_FRAME_VERSION ||
	       rc == TANDEM_ERR_FRAME_OVERSIZE;
}

static int is_unpack_code(int rc)
{
	return rc == TANDEM_ERR_FRAME_LENGTH || rc == TANDEM_ERR_FRAME_FIELD;
}

/* Compares a re-packed payload with the original, skipping the reserved
 * bytes that unpack ignores and pack writes as zero. */
static void check_repack(uint8_t type, const uint8_t *p, size_t n,
                         const uint8_t *q, int m)
{
	CHECK(m >= 0 && (size_t)m == n);
	for (size_t i = 0; i < n; i++) {
		if (type == PROTO_STATUS && i == 15)
			continue;
		if (type == PROTO_SHARE && i >= 30)
			continue;
		CHECK(p[i] == q[i]);
	}
}

/* Runs the unpacker of one type on a payload; when it accepts, packing
 * the result must give the payload back. */
static void unpack_one(uint8_t type, const uint8_t *p, size_t n)
{
	static uint8_t out[TANDEM_MAX_PAYLOAD];
	static struct proto_job job;
	struct proto_target t[TANDEM_MAX_SLOTS];
	struct proto_ack ack;
	struct proto_nak nak;
	struct proto_info info;
	struct proto_status st;
	struct proto_share sh;
	uint16_t gen;
	uint8_t run;
	int rc, m = -1;

	switch (type) {
	case PROTO_ACK:
		rc = proto_ack_unpack(p, n, &ack);
		if (!rc)
			m = proto_ack_pack(&ack, out, sizeof(out));
		break;
	case PROTO_NAK:
		rc = proto_nak_unpack(p, n, &nak);
		if (!rc)
			m = proto_nak_pack(&nak, out, sizeof(out));
		break;
	case PROTO_INFO:
		rc = proto_info_unpack(p, n, &info);
		if (!rc)
			m = proto_info_pack(&info, out, sizeof(out));
		break;
	case PROTO_TARGET_SET:
		rc = proto_targets_unpack(p, n, t, TANDEM_MAX_SLOTS);
		CHECK(rc <= (int)TANDEM_MAX_SLOTS);
		if (rc > 0) {
			m = proto_targets_pack(t, (size_t)rc, out, sizeof(out));
			rc = 0;
		}
		CHECK(rc != 0 || m >= 0);
		break;
	case PROTO_JOB:
		rc = proto_job_unpack(p, n, &job);
		if (!rc)
			m = proto_job_pack(&job, out, sizeof(out));
		break;
	case PROTO_FLUSH:
		rc = proto_flush_unpack(p, n, &gen);
		if (!rc)
			m = proto_flush_pack(gen, out, sizeof(out));
		break;
	case PROTO_RUN:
		rc = proto_run_unpack(p, n, &run);
		if (!rc)
			m = proto_run_pack(run, out, sizeof(out));
		break;
	case PROTO_STATUS:
		rc = proto_status_unpack(p, n, &st);
		if (!rc)
			m = proto_status_pack(&st, out, sizeof(out));
		break;
	case PROTO_SHARE:
		rc = proto_share_unpack(p, n, &sh);
		if (!rc)
			m = proto_share_pack(&sh, out, sizeof(out));
		break;
	default:
		/* INFO_GET, STATUS_GET and unknown types have no unpacker. */
		CHECK(proto_type_name(type) != NULL);
		return;
	}
	CHECK(rc == 0 || is_unpack_code(rc));
	CHECK(tandem_errname(rc) != NULL && tandem_strerror(rc) != NULL);
	if (!rc)
		check_repack(type, p, n, out, m);
}

static const uint8_t all_types[] = {
        PROTO_ACK,   PROTO_NAK, PROTO_INFO,   PROTO_TARGET_SET, PROTO_JOB,
        PROTO_FLUSH, PROTO_RUN, PROTO_STATUS, PROTO_SHARE,
};

/* 1: the streaming receive loop. */
static void stream(const uint8_t *data, size_t size)
{
	static uint8_t buf[2 * TANDEM_MAX_FRAME], re[TANDEM_MAX_FRAME];
	size_t n = 0, pos = 0, calls = 0, step = 0;

	while (pos < size) {
		/* chunk sizes come from the input: 1..256 bytes */
		size_t k = 1 + data[step++ % size];

		if (k > size - pos)
			k = size - pos;
		memcpy(buf + n, data + pos, k);
		n += k;
		pos += k;
		for (;;) {
			size_t used = (size_t)-1;
			int rc = proto_frame_decode(buf, n, &frame, &used);

			CHECK(++calls <= 2 * size + 2);
			CHECK(used <= n);
			if (rc == 0) {
				int m = proto_frame_encode(
				        frame.type, frame.seq, frame.payload,
				        frame.len, re, sizeof(re));

				CHECK(m > 0 && (size_t)m == used);
				CHECK(!memcmp(re, buf, used));
				unpack_one(frame.type, frame.payload,
				           frame.len);
			} else {
				CHECK(is_frame_code(rc));
			}
			if (rc == TANDEM_ERR_FRAME_SHORT) {
				CHECK(used == 0 && n < TANDEM_MAX_FRAME);
				break;
			}
			CHECK(used > 0);
			memmove(buf, buf + used, n - used);
			n -= used;
		}
	}
}

/* 4: the input with a valid-looking frame forced onto its start. */
static void patched(const uint8_t *data, size_t size)
{
	static uint8_t fix[4 * TANDEM_MAX_FRAME];
	size_t len;
	uint16_t crc;

	if (size < TANDEM_FRAME_HEADER || size > sizeof(fix))
		return;
	memcpy(fix, data, size);
	fix[0] = TANDEM_SYNC0;
	fix[1] = TANDEM_SYNC1;
	fix[7] = proto_crc8(fix + 2, 5);
	len = (size_t)(fix[5] | fix[6] << 8);
	if (len + TANDEM_FRAME_OVERHEAD <= size) {
		crc = proto_crc16(fix + 2, TANDEM_FRAME_HEADER - 2 + len);
		fix[TANDEM_FRAME_HEADER + len] = (uint8_t)crc;
		fix[TANDEM_FRAME_HEADER + len + 1] = (uint8_t)(crc >> 8);
	}
	stream(fix, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t enc[TANDEM_MAX_FRAME];
	size_t used;
	int rc;

	if (!size)
		return 0;
	stream(data, size);
	patched(data, size);

	/* 2: every unpacker on the raw bytes (after a selector byte). */
	for (size_t i = 0; i < sizeof(all_types); i++)
		unpack_one(all_types[i], data + 1, size - 1);

	/* 3: encode data[2..] as a frame, decode it back. */
	if (size >= 2 && size - 2 <= TANDEM_MAX_PAYLOAD) {
		rc = proto_frame_encode(data[0], data[1], data + 2, size - 2,
		                        enc, sizeof(enc));
		CHECK(rc == (int)(size - 2 + TANDEM_FRAME_OVERHEAD));
		CHECK(proto_frame_decode(enc, (size_t)rc, &frame, &used) == 0);
		CHECK(used == (size_t)rc && frame.type == data[0] &&
		      frame.seq == data[1] && frame.len == size - 2 &&
		      !memcmp(frame.payload, data + 2, size - 2));
		unpack_one(frame.type, frame.payload, frame.len);
		/* one flipped bit anywhere must not decode as a frame */
		enc[data[0] % (size_t)rc] ^= (uint8_t)(1u << (data[1] % 8));
		CHECK(proto_frame_decode(enc, (size_t)rc, &frame, &used) != 0);
	}
	return 0;
}
