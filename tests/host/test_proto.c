/* Tests of the device wire protocol codec (host/lib/proto.c) against the
 * standard CRC check values, real headers and blocks (tests/vectors/), and
 * the worked examples of docs/protocol.md, which are read from the doc
 * itself so the two cannot drift.
 *
 * The payload layouts are checked independently of the unpackers: the
 * JOB tests read midstate, tail, remainder and branch straight from the
 * wire bytes at the offsets of include/tandem_proto.h and hash them with
 * OpenSSL, which must give the real block hash and merkle root.
 *
 * TANDEM_PROTO_EXAMPLES=1 build/tests/host/test_proto prints the worked
 * examples in the doc's format instead of testing. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>
#include <openssl/sha.h>

#include "tandem_err.h"
#include "tandem_proto.h"

#define HEADERS_JSON "tests/vectors/headers.json"
#define BLOCKS_JSON  "tests/vectors/blocks.json"
#define PROTOCOL_MD  "docs/protocol.md"

static json_t *g_headers; /* the "headers" array */
static json_t *g_blocks;  /* the "blocks" array */
static json_t *g_roots[2];

/* ---- small helpers (test-local, independent of the library) --------- */

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Hex string to bytes; returns the byte count or -1. */
static int unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);

	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

static void reverse(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		uint8_t t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	assert_non_null(s);
	return s;
}

/* A hex field of a vector entry into out; returns its byte count. */
static int jhex(json_t *o, const char *key, uint8_t *out, size_t cap)
{
	int n = unhex(jstr(o, key), out, cap);

	assert_true(n >= 0);
	return n;
}

static json_t *find_id(json_t *arr, const char *id)
{
	size_t i;
	json_t *e;

	json_array_foreach(arr, i, e)
	{
		if (!strcmp(json_string_value(json_object_get(e, "id")), id))
			return e;
	}
	fail_msg("vector %s not found", id);
	return NULL;
}

/* xorshift64: a fixed, reproducible stream of test randomness. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Compact nbits to a 256-bit little-endian target (Bitcoin's rules for
 * valid, non-negative values), checked against target_hex below. */
static void nbits_target(uint32_t nbits, uint8_t t[32])
{
	uint32_t mant = nbits & 0x007fffff;
	int exp = (int)(nbits >> 24);

	memset(t, 0, 32);
	if (exp <= 3) {
		mant >>= 8 * (3 - exp);
		exp = 3;
	}
	for (int i = 0; i < 3; i++)
		if (exp - 3 + i < 32)
			t[exp - 3 + i] = (uint8_t)(mant >> (8 * i));
}

/* ---- building realistic payloads from the vectors -------------------- */

/* Header-mode JOB of a real header: midstate_hex holds H0..H7 as
 * big-endian hex words. */
static void job_from_header(json_t *h, struct proto_job *j)
{
	uint8_t hdr[80], ms[32];

	memset(j, 0, sizeof(*j));
	assert_int_equal(jhex(h, "header_hex", hdr, sizeof(hdr)), 80);
	assert_int_equal(jhex(h, "midstate_hex", ms, sizeof(ms)), 32);
	j->mode = PROTO_JOB_MODE_HEADER;
	j->version = rd32(hdr);
	j->ntime = rd32(hdr + 68);
	for (int i = 0; i < 8; i++)
		j->midstate[i] = (uint32_t)ms[4 * i] << 24 |
		                 (uint32_t)ms[4 * i + 1] << 16 |
		                 (uint32_t)ms[4 * i + 2] << 8 | ms[4 * i + 3];
	memcpy(j->tail, hdr + 64, 12);
}

/* Stratum-mode JOB of a real block: the coinbase is cut at the last
 * 64-byte boundary before extranonce2; the part before it becomes the
 * coinbase midstate (OpenSSL), the rest is padded into the remainder. */
static void job_from_block(json_t *b, struct proto_job *j)
{
	static uint8_t cb[1024], part[1024];
	json_t *st = json_object_get(b, "stratum"), *br, *e;
	uint8_t hdr[80];
	size_t cb_len, en2_pos, prefix, rem, off, i;
	SHA256_CTX c;
	int n;

	memset(j, 0, sizeof(*j));
	assert_non_null(st);
	cb_len = (size_t)jhex(b, "coinbase_nonwitness_hex", cb, sizeof(cb));
	/* coinb1 | extranonce1 | extranonce2 | coinb2 is the coinbase. */
	off = 0;
	n = jhex(st, "coinb1", part, sizeof(part));
	assert_memory_equal(part, cb + off, (size_t)n);
	off += (size_t)n;
	n = jhex(st, "extranonce1", part, sizeof(part));
	assert_memory_equal(part, cb + off, (size_t)n);
	off += (size_t)n;
	en2_pos = off;
	n = jhex(st, "extranonce2", part, sizeof(part));
	assert_int_equal(
	        n, json_integer_value(json_object_get(st, "extranonce2_size")));
	assert_memory_equal(part, cb + off, (size_t)n);
	memcpy(j->en2_start, part, (size_t)n);
	j->en2_size = (uint8_t)n;
	off += (size_t)n;
	n = jhex(st, "coinb2", part, sizeof(part));
	assert_memory_equal(part, cb + off, (size_t)n);
	assert_int_equal(off + (size_t)n, cb_len);

	prefix = en2_pos / 64 * 64;
	SHA256_Init(&c);
	SHA256_Update(&c, cb, prefix);
	for (i = 0; i < 8; i++)
		j->cb_midstate[i] = c.h[i];
	rem = cb_len - prefix;
	memcpy(j->remainder, cb + prefix, rem);
	j->remainder[rem] = 0x80;
	j->rem_blocks = (uint8_t)((rem + 9 + 63) / 64);
	assert_true(j->rem_blocks <= TANDEM_MAX_REM_BLOCKS);
	for (i = 0; i < 8; i++)
		j->remainder[64u * j->rem_blocks - 1 - i] =
		        (uint8_t)((uint64_t)cb_len * 8 >> (8 * i));
	j->en2_offset = (uint8_t)(en2_pos - prefix);

	br = json_object_get(b, "merkle_branch");
	json_array_foreach(br, i, e)
	{
		assert_true(i < TANDEM_MAX_BRANCH);
		assert_int_equal(unhex(json_string_value(e), j->branch[i], 32),
		                 32);
	}
	j->branch_count = (uint8_t)json_array_size(br);

	assert_int_equal(jhex(b, "header_hex", hdr, sizeof(hdr)), 80);
	j->mode = PROTO_JOB_MODE_STRATUM;
	j->version = rd32(hdr);
	memcpy(j->prevhash, hdr + 4, 32);
	j->ntime = rd32(hdr + 68);
	j->nbits = rd32(hdr + 72);
	j->version_mask = 0x1fffe000;
}

/* ---- independent checks of JOB wire bytes --------------------------- */

/* SHA256d(header) for a header-mode JOB payload and a nonce, computed from
 * the raw payload bytes: midstate words LE at 24, tail at 56. */
static void hash_header_job(const uint8_t *p, uint32_t nonce, uint8_t out[32])
{
	uint8_t t[16], h1[32];
	SHA256_CTX c;

	SHA256_Init(&c);
	for (int i = 0; i < 8; i++)
		c.h[i] = rd32(p + 24 + 4 * i);
	c.Nl = 512; /* the 64 header bytes already in the midstate */
	memcpy(t, p + 56, 12);
	for (int i = 0; i < 4; i++)
		t[12 + i] = (uint8_t)(nonce >> (8 * i));
	SHA256_Update(&c, t, 16);
	SHA256_Final(h1, &c);
	SHA256(h1, 32, out);
}

/* Rebuilds the merkle root from a stratum-mode JOB payload (midstate at
 * 64, counts at 96..99, remainder at 108, then the branch). */
static void merkle_stratum_job(const uint8_t *p, uint8_t root[32])
{
	uint8_t h[64], d[32];
	unsigned rem_blocks = p[96], branch = p[99];
	const uint8_t *rem = p + PROTO_JOB_STRATUM_FIXED;
	SHA256_CTX c;

	SHA256_Init(&c);
	for (int i = 0; i < 8; i++)
		c.h[i] = rd32(p + 64 + 4 * i);
	for (unsigned b = 0; b < rem_blocks; b++)
		SHA256_Transform(&c, rem + 64 * b);
	for (int i = 0; i < 8; i++) {
		d[4 * i] = (uint8_t)(c.h[i] >> 24);
		d[4 * i + 1] = (uint8_t)(c.h[i] >> 16);
		d[4 * i + 2] = (uint8_t)(c.h[i] >> 8);
		d[4 * i + 3] = (uint8_t)c.h[i];
	}
	SHA256(d, 32, h);
	for (unsigned b = 0; b < branch; b++) {
		memcpy(h + 32, rem + 64 * rem_blocks + 32 * b, 32);
		SHA256(h, 64, d);
		SHA256(d, 32, h);
	}
	memcpy(root, h, 32);
}

/* ---- the worked examples of docs/protocol.md ------------------------- */

/* Each builder writes one complete frame and returns its length. The
 * story: a host asks a 4-slot device for INFO, sets a pool share target
 * and the network target of block 881423, sends that block's Stratum job
 * (and, for header mode, the genesis header), and gets the real share. */

static int ex_info_get(uint8_t *out, size_t cap)
{
	return proto_frame_encode(PROTO_INFO_GET, 1, NULL, 0, out, cap);
}

static int ex_info(uint8_t *out, size_t cap)
{
	struct proto_info in = {
	        .proto_version = 1,
	        .pipelines = 4,
	        .loop_log2 = 6,
	        .target_slots = 4,
	        .clock_hz = 48000000,
	        .max_payload = TANDEM_MAX_PAYLOAD,
	        .max_rem_bytes = 64 * TANDEM_MAX_REM_BLOCKS,
	        .max_branch = TANDEM_MAX_BRANCH,
	        .max_version_bits = 16,
	        .work_modes = PROTO_MODE_HEADER | PROTO_MODE_STRATUM,
	        .en2_max = TANDEM_MAX_EN2,
	        .build_id = 0x07c50938,
	        .serial = {'T', 'N', 'D', '0', '0', '0', '1', 0},
	};
	uint8_t p[PROTO_INFO_LEN];

	assert_int_equal(proto_info_pack(&in, p, sizeof(p)), PROTO_INFO_LEN);
	return proto_frame_encode(PROTO_INFO, 1, p, PROTO_INFO_LEN, out, cap);
}

static int ex_target_set(uint8_t *out, size_t cap)
{
	struct proto_target t[2] = {0};
	uint8_t p[2 * PROTO_TARGET_ENTRY_LEN];

	/* Slot 0: pool difficulty 65536, target 0xffff * 2^208 / 2^16. */
	t[0].slot = 0;
	t[0].flags = PROTO_TARGET_ENABLE;
	t[0].target[24] = 0xff;
	t[0].target[25] = 0xff;
	/* Slot 1: the network target of block 881423 (nbits 17029a8a). */
	t[1].slot = 1;
	t[1].flags = PROTO_TARGET_ENABLE;
	nbits_target(0x17029a8a, t[1].target);
	assert_int_equal(proto_targets_pack(t, 2, p, sizeof(p)), sizeof(p));
	return proto_frame_encode(PROTO_TARGET_SET, 2, p, sizeof(p), out, cap);
}

static int ex_job_header(uint8_t *out, size_t cap)
{
	struct proto_job j;
	uint8_t p[PROTO_JOB_HEADER_LEN];

	job_from_header(find_id(g_headers, "mainnet_genesis"), &j);
	j.generation = 1;
	j.job_id = 1;
	assert_int_equal(proto_job_pack(&j, p, sizeof(p)), sizeof(p));
	return proto_frame_encode(PROTO_JOB, 3, p, sizeof(p), out, cap);
}

static int ex_job_stratum(uint8_t *out, size_t cap)
{
	static struct proto_job j;
	static uint8_t p[TANDEM_MAX_PAYLOAD];
	int n;

	job_from_block(find_id(g_blocks, "mainnet_881423"), &j);
	j.generation = 1;
	j.job_id = 2;
	n = proto_job_pack(&j, p, sizeof(p));
	assert_true(n > 0);
	return proto_frame_encode(PROTO_JOB, 4, p, (size_t)n, out, cap);
}

static int ex_ack(uint8_t *out, size_t cap)
{
	struct proto_ack a = {.type = PROTO_JOB, .seq = 4, .generation = 1};
	uint8_t p[PROTO_ACK_LEN];

	assert_int_equal(proto_ack_pack(&a, p, sizeof(p)), PROTO_ACK_LEN);
	return proto_frame_encode(PROTO_ACK, 4, p, sizeof(p), out, cap);
}

static int ex_run(uint8_t *out, size_t cap)
{
	uint8_t p[PROTO_RUN_LEN];

	assert_int_equal(proto_run_pack(1, p, sizeof(p)), PROTO_RUN_LEN);
	return proto_frame_encode(PROTO_RUN, 5, p, sizeof(p), out, cap);
}

static int ex_share(uint8_t *out, size_t cap)
{
	json_t *b = find_id(g_blocks, "mainnet_881423");
	struct proto_share s = {0};
	uint8_t hdr[80], p[PROTO_SHARE_LEN];

	assert_int_equal(jhex(b, "header_hex", hdr, sizeof(hdr)), 80);
	s.job_id = 2;
	s.generation = 1;
	s.slots = 0x0003; /* a block: meets the pool and network targets */
	s.nonce = rd32(hdr + 76);
	s.version = rd32(hdr);
	s.ntime = rd32(hdr + 68);
	s.en2_size = (uint8_t)jhex(json_object_get(b, "stratum"), "extranonce2",
	                           s.en2, sizeof(s.en2));
	assert_int_equal(proto_share_pack(&s, p, sizeof(p)), PROTO_SHARE_LEN);
	return proto_frame_encode(PROTO_SHARE, 0, p, sizeof(p), out, cap);
}

static int ex_status_get(uint8_t *out, size_t cap)
{
	return proto_frame_encode(PROTO_STATUS_GET, 6, NULL, 0, out, cap);
}

static int ex_status(uint8_t *out, size_t cap)
{
	struct proto_status s = {
	        .hashes = 30000000, /* 10 s at 3 MH/s */
	        .job_id = 2,
	        .generation = 1,
	        .state = PROTO_STATE_RUNNING | PROTO_STATE_JOB,
	        .en2 = {0x22, 0x0c, 0xf1, 0xad},
	        .version = 0x2e596000,
	        .shares = 1,
	};
	uint8_t p[PROTO_STATUS_LEN];

	assert_int_equal(proto_status_pack(&s, p, sizeof(p)), PROTO_STATUS_LEN);
	return proto_frame_encode(PROTO_STATUS, 6, p, sizeof(p), out, cap);
}

static int ex_flush(uint8_t *out, size_t cap)
{
	uint8_t p[PROTO_FLUSH_LEN];

	assert_int_equal(proto_flush_pack(2, p, sizeof(p)), PROTO_FLUSH_LEN);
	return proto_frame_encode(PROTO_FLUSH, 7, p, sizeof(p), out, cap);
}

static int ex_nak(uint8_t *out, size_t cap)
{
	/* A JOB still carrying generation 1 after the FLUSH to 2; detail is
	 * the offset of the generation field. */
	struct proto_nak a = {.type = PROTO_JOB,
	                      .seq = 8,
	                      .reason = PROTO_NAK_STALE,
	                      .detail = 2};
	uint8_t p[PROTO_NAK_LEN];

	assert_int_equal(proto_nak_pack(&a, p, sizeof(p)), PROTO_NAK_LEN);
	return proto_frame_encode(PROTO_NAK, 8, p, sizeof(p), out, cap);
}

struct example {
	const char *name;
	int (*build)(uint8_t *out, size_t cap);
	/* The expected frame for the short ones, computed apart from this
	 * code with Python's binascii.crc_hqx (CRC-16/IBM-3740), a bitwise
	 * CRC-8 and struct.pack('<...') from the header's field tables. */
	const char *hex;
	/* SHA-256 of the expected frame for the long ones, computed the
	 * same independent way from the vectors' header_hex, midstate_hex,
	 * coinbase and branch. */
	const char *sha;
};

static const struct example examples[] = {
        {.name = "INFO_GET",
         .build = ex_info_get,
         .hex = "a55a01010100001f8b74"},
        {.name = "INFO",
         .build = ex_info,
         .hex = "a55a01810120008001040604006cdc020006000210100308"
                "3809c507544e44303030310000000000a610"},
        {.name = "TARGET_SET",
         .build = ex_target_set,
         .sha = "868c185c7ce4b9a7d9707513508d3915"
                "d02f2e67be1b1e2eadeff413df738055"},
        {.name = "JOB header mode",
         .build = ex_job_header,
         .sha = "02f683da2f2ee42bfd2e5eadaf2bd761"
                "28db4135d278275fa0314590a11ed6f1"},
        {.name = "JOB stratum mode",
         .build = ex_job_stratum,
         .sha = "d5bed8eee072fc5d277e6627b3d8ac1f"
                "4cda1fb8df85cd81c1e60b24f5744fb4"},
        {.name = "ACK", .build = ex_ack, .hex = "a55a0180040400ac03040100072a"},
        {.name = "RUN", .build = ex_run, .hex = "a55a0105050100f90135e6"},
        {.name = "SHARE",
         .build = ex_share,
         .sha = "a215fa9095e67c93d4c0653c1991aa88"
                "b4316b4254cce1aee2497e924e61edbb"},
        {.name = "STATUS_GET",
         .build = ex_status_get,
         .hex = "a55a01060600006b617c"},
        {.name = "STATUS",
         .build = ex_status,
         .hex = "a55a0186063000a380c3c901000000000200000001000300"
                "220cf1ad000000000060592e010000000000000000000000"
                "00000000000000004c05"},
        {.name = "FLUSH", .build = ex_flush, .hex = "a55a01040702000602002bef"},
        {.name = "NAK", .build = ex_nak, .hex = "a55a01820804007a03080302f134"},
};

#define N_EXAMPLES (sizeof(examples) / sizeof(examples[0]))

/* The hex bytes of the fenced block after "<!-- example: NAME -->" in the
 * doc; returns the byte count or -1. */
static int doc_example(const char *doc, const char *name, uint8_t *out,
                       size_t cap)
{
	char marker[64];
	const char *s, *end;
	size_t n = 0;

	snprintf(marker, sizeof(marker), "<!-- example: %s -->", name);
	s = strstr(doc, marker);
	if (!s)
		return -1;
	s = strstr(s, "```");
	if (!s)
		return -1;
	s = strchr(s, '\n');
	if (!s)
		return -1;
	end = strstr(s, "```");
	if (!end)
		return -1;
	for (; s < end; s++) {
		if (hexval(*s) < 0)
			continue;
		if (s + 1 >= end || hexval(s[1]) < 0 || n >= cap)
			return -1;
		out[n++] = (uint8_t)(hexval(s[0]) << 4 | hexval(s[1]));
		s++;
	}
	return (int)n;
}

static char *read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET)) {
		fclose(fp);
		return NULL;
	}
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	fclose(fp);
	return buf;
}

static void test_examples_match_doc(void **state)
{
	static uint8_t frame[TANDEM_MAX_FRAME], doc_bytes[TANDEM_MAX_FRAME],
	        want[TANDEM_MAX_FRAME];
	char *doc = read_file(PROTOCOL_MD);

	(void)state;
	assert_non_null(doc);
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		int n = examples[i].build(frame, sizeof(frame));
		int d = doc_example(doc, examples[i].name, doc_bytes,
		                    sizeof(doc_bytes));

		assert_true(n >= (int)TANDEM_FRAME_OVERHEAD);
		if (d != n)
			fail_msg("%s: doc has %d bytes, code %d",
			         examples[i].name, d, n);
		assert_memory_equal(doc_bytes, frame, (size_t)n);
		if (examples[i].hex) {
			assert_int_equal(
			        unhex(examples[i].hex, want, sizeof(want)), n);
			assert_memory_equal(want, frame, (size_t)n);
		}
		if (examples[i].sha) {
			uint8_t md[32];

			assert_int_equal(unhex(examples[i].sha, want, 32), 32);
			SHA256(frame, (size_t)n, md);
			assert_memory_equal(want, md, 32);
		}
		assert_true(examples[i].hex || examples[i].sha);
	}
	free(doc);
}

/* Every example decodes back as one frame of its own type. */
static void test_examples_decode(void **state)
{
	static uint8_t frame[TANDEM_MAX_FRAME];
	static struct proto_frame f;
	size_t used;

	(void)state;
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		int n = examples[i].build(frame, sizeof(frame));

		assert_int_equal(
		        proto_frame_decode(frame, (size_t)n, &f, &used), 0);
		assert_int_equal(used, n);
		assert_int_equal(f.version, TANDEM_PROTO_VERSION);
		assert_int_equal(f.len + TANDEM_FRAME_OVERHEAD, n);
		/* the example's name starts with its type's name */
		{
			const char *tn = proto_type_name(f.type);
			size_t k = strlen(tn);

			assert_int_equal(strncmp(examples[i].name, tn, k), 0);
			assert_true(examples[i].name[k] == 0 ||
			            examples[i].name[k] == ' ');
		}
	}
}

/* ---- CRCs and frame layout ------------------------------------------ */

static void test_crc_check_values(void **state)
{
	const uint8_t *check = (const uint8_t *)"123456789";

	(void)state;
	/* The catalogue check values of CRC-16/IBM-3740 and CRC-8/SMBUS
	 * (poly 0x07, init 0). */
	assert_int_equal(proto_crc16(check, 9), 0x29B1);
	assert_int_equal(proto_crc8(check, 9), 0xF4);
	assert_int_equal(proto_crc16(check, 0), 0xFFFF);
	assert_int_equal(proto_crc8(check, 0), 0x00);
	/* A CRC over data followed by its own (big-endian) CRC is zero. */
	{
		uint8_t b[11];
		uint16_t c = proto_crc16(check, 9);

		memcpy(b, check, 9);
		b[9] = (uint8_t)(c >> 8);
		b[10] = (uint8_t)c;
		assert_int_equal(proto_crc16(b, 11), 0);
		b[9] = proto_crc8(check, 9);
		assert_int_equal(proto_crc8(b, 10), 0);
	}
}

/* The frame layout byte by byte, as written in tandem_proto.h. */
static void test_frame_layout(void **state)
{
	const uint8_t pay[3] = {0x11, 0x22, 0x33};
	uint8_t out[16];

	(void)state;
	assert_int_equal(
	        proto_frame_encode(0x42, 0x99, pay, 3, out, sizeof(out)), 13);
	assert_int_equal(out[0], 0xA5);
	assert_int_equal(out[1], 0x5A);
	assert_int_equal(out[2], 1);
	assert_int_equal(out[3], 0x42);
	assert_int_equal(out[4], 0x99);
	assert_int_equal(out[5], 3);
	assert_int_equal(out[6], 0);
	assert_int_equal(out[7], proto_crc8(out + 2, 5));
	assert_memory_equal(out + 8, pay, 3);
	assert_int_equal(rd16(out + 11), proto_crc16(out + 2, 9));

	/* The payload may already sit in place at out + 8. */
	{
		uint8_t a[32], b[32];
		struct proto_ack ack = {PROTO_JOB, 4, 1};

		assert_int_equal(ex_ack(a, sizeof(a)), 14);
		assert_int_equal(proto_ack_pack(&ack, b + 8, 4), 4);
		assert_int_equal(proto_frame_encode(PROTO_ACK, 4, b + 8, 4, b,
		                                    sizeof(b)),
		                 14);
		assert_memory_equal(a, b, 14);
	}

	/* Limits of the encoder. */
	assert_int_equal(proto_frame_encode(1, 0, pay, 3, out, 12),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(proto_frame_encode(1, 0, NULL, 3, out, 16),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(proto_frame_encode(1, 0, pay, TANDEM_MAX_PAYLOAD + 1,
	                                    out, sizeof(out)),
	                 TANDEM_ERR_RANGE);
	{
		static uint8_t big[TANDEM_MAX_FRAME], bp[TANDEM_MAX_PAYLOAD];
		static struct proto_frame f;
		size_t used;

		memset(bp, 0x5A, sizeof(bp));
		assert_int_equal(proto_frame_encode(PROTO_JOB, 7, bp,
		                                    sizeof(bp), big,
		                                    sizeof(big)),
		                 TANDEM_MAX_FRAME);
		assert_int_equal(
		        proto_frame_decode(big, sizeof(big), &f, &used), 0);
		assert_int_equal(used, TANDEM_MAX_FRAME);
		assert_int_equal(f.len, TANDEM_MAX_PAYLOAD);
		assert_memory_equal(f.payload, bp, sizeof(bp));
	}
}

/* ---- round trips of every frame type with real data ------------------ */

/* pack -> frame -> decode -> unpack for one typed payload. */
static const struct proto_frame *through_wire(uint8_t type, const uint8_t *p,
                                              int n)
{
	static uint8_t buf[TANDEM_MAX_FRAME];
	static struct proto_frame f;
	size_t used;
	int fl;

	assert_true(n >= 0);
	fl = proto_frame_encode(type, (uint8_t)rng(), p, (size_t)n, buf,
	                        sizeof(buf));
	assert_int_equal(fl, n + (int)TANDEM_FRAME_OVERHEAD);
	assert_int_equal(proto_frame_decode(buf, (size_t)fl, &f, &used), 0);
	assert_int_equal(used, fl);
	assert_int_equal(f.type, type);
	assert_int_equal(f.len, n);
	assert_memory_equal(f.payload, p, (size_t)n);
	return &f;
}

static void test_roundtrip_job_headers(void **state)
{
	struct proto_job j, back;
	uint8_t p[PROTO_JOB_HEADER_LEN], hash[32], want[32], hdr[80];
	const struct proto_frame *f;
	size_t i, count = 0;
	json_t *h;

	(void)state;
	json_array_foreach(g_headers, i, h)
	{
		job_from_header(h, &j);
		j.generation = (uint16_t)i;
		j.job_id = 0x1000 + (uint32_t)i;
		j.flags = i & 1 ? PROTO_JOB_QUEUE : 0;
		j.nonce_start = (uint32_t)rng();
		j.nonce_count = (uint32_t)rng();
		assert_int_equal(proto_job_pack(&j, p, sizeof(p)),
		                 PROTO_JOB_HEADER_LEN);
		f = through_wire(PROTO_JOB, p, PROTO_JOB_HEADER_LEN);
		assert_int_equal(proto_job_unpack(f->payload, f->len, &back),
		                 0);
		assert_memory_equal(&back, &j, sizeof(j));

		/* The wire bytes hash to the real block with its nonce. */
		assert_int_equal(jhex(h, "header_hex", hdr, 80), 80);
		assert_int_equal(jhex(h, "block_hash", want, 32), 32);
		reverse(want, 32);
		hash_header_job(f->payload, rd32(hdr + 76), hash);
		assert_memory_equal(hash, want, 32);
		assert_int_equal(f->payload[0], PROTO_JOB_MODE_HEADER);
		assert_int_equal(rd16(f->payload + 2), j.generation);
		assert_int_equal(rd32(f->payload + 4), j.job_id);
		assert_int_equal(rd32(f->payload + 16), rd32(hdr));
		assert_int_equal(rd32(f->payload + 20), rd32(hdr + 68));
		count++;
	}
	assert_true(count >= 80);
}

static void test_roundtrip_job_blocks(void **state)
{
	static struct proto_job j, back;
	static uint8_t p[TANDEM_MAX_PAYLOAD];
	uint8_t root[32], want[32], hdr[80], hash[32];
	const struct proto_frame *f;
	size_t i;
	json_t *b;
	int n;

	(void)state;
	json_array_foreach(g_blocks, i, b)
	{
		job_from_block(b, &j);
		j.generation = 0xfff0 + (uint16_t)i;
		j.job_id = 0xdead0000u + (uint32_t)i;
		n = proto_job_pack(&j, p, sizeof(p));
		assert_int_equal(n, PROTO_JOB_STRATUM_FIXED +
		                            64 * j.rem_blocks +
		                            32 * j.branch_count);
		f = through_wire(PROTO_JOB, p, n);
		assert_int_equal(proto_job_unpack(f->payload, f->len, &back),
		                 0);
		assert_memory_equal(&back, &j, sizeof(j));

		/* From the raw wire bytes: the real merkle root ... */
		merkle_stratum_job(f->payload, root);
		assert_int_equal(jhex(b, "merkle_root", want, 32), 32);
		reverse(want, 32);
		assert_memory_equal(root, want, 32);
		/* ... extranonce2 where en2_offset says ... */
		assert_memory_equal(f->payload + PROTO_JOB_STRATUM_FIXED +
		                            f->payload[97],
		                    f->payload + 100, f->payload[98]);
		/* ... and the real block hash from the header fields. */
		assert_int_equal(jhex(b, "header_hex", hdr, 80), 80);
		memcpy(hdr, f->payload + 16, 4);
		memcpy(hdr + 4, f->payload + 32, 32);
		memcpy(hdr + 36, root, 32);
		memcpy(hdr + 68, f->payload + 20, 4);
		memcpy(hdr + 72, f->payload + 28, 4);
		SHA256(hdr, 80, hash);
		SHA256(hash, 32, hash);
		assert_int_equal(jhex(b, "block_hash", want, 32), 32);
		reverse(want, 32);
		assert_memory_equal(hash, want, 32);
		assert_int_equal(rd32(f->payload + 24), 0x1fffe000);
	}
	assert_true(i >= 5);
}

static void test_nbits_targets(void **state)
{
	uint8_t t[32], want[32];
	size_t i;
	json_t *h;

	(void)state;
	json_array_foreach(g_headers, i, h)
	{
		uint8_t nb[4];

		assert_int_equal(jhex(h, "nbits", nb, 4), 4);
		nbits_target((uint32_t)nb[0] << 24 | nb[1] << 16 | nb[2] << 8 |
		                     nb[3],
		             t);
		assert_int_equal(jhex(h, "target_hex", want, 32), 32);
		reverse(want, 32);
		assert_memory_equal(t, want, 32);
	}
}

static void test_roundtrip_targets(void **state)
{
	struct proto_target t[TANDEM_MAX_SLOTS], back[TANDEM_MAX_SLOTS];
	uint8_t p[TANDEM_MAX_SLOTS * PROTO_TARGET_ENTRY_LEN], nb[4];
	const struct proto_frame *f;

	(void)state;
	memset(t, 0, sizeof(t));
	/* 16 real network targets, in a shuffled slot order. */
	for (unsigned i = 0; i < TANDEM_MAX_SLOTS; i++) {
		json_t *h = json_array_get(g_headers, 5 * i);

		assert_non_null(h);
		assert_int_equal(jhex(h, "nbits", nb, 4), 4);
		t[i].slot = (uint8_t)((i * 7) % 16);
		t[i].flags = i % 3 ? PROTO_TARGET_ENABLE : 0;
		nbits_target((uint32_t)nb[0] << 24 | nb[1] << 16 | nb[2] << 8 |
		                     nb[3],
		             t[i].target);
	}
	for (unsigned count = 1; count <= TANDEM_MAX_SLOTS; count++) {
		int n = proto_targets_pack(t, count, p, sizeof(p));

		assert_int_equal(n, count * PROTO_TARGET_ENTRY_LEN);
		f = through_wire(PROTO_TARGET_SET, p, n);
		memset(back, 0, sizeof(back));
		assert_int_equal(proto_targets_unpack(f->payload, f->len, back,
		                                      TANDEM_MAX_SLOTS),
		                 count);
		assert_memory_equal(back, t, count * sizeof(t[0]));
		for (unsigned i = 0; i < count; i++) {
			assert_int_equal(f->payload[34 * i], t[i].slot);
			assert_memory_equal(f->payload + 34 * i + 2,
			                    t[i].target, 32);
		}
	}
}

static void test_roundtrip_small(void **state)
{
	uint8_t p[64];
	const struct proto_frame *f;
	json_t *b = find_id(g_blocks, "mainnet_540107");
	uint8_t hdr[80];

	(void)state;
	{
		struct proto_ack a = {PROTO_TARGET_SET, 0xfe, 0xbeef}, r;

		f = through_wire(PROTO_ACK, p, proto_ack_pack(&a, p, 64));
		assert_int_equal(proto_ack_unpack(f->payload, f->len, &r), 0);
		assert_memory_equal(&r, &a, sizeof(a));
		assert_int_equal(rd16(f->payload + 2), 0xbeef);
	}
	{
		struct proto_nak a = {0x77, 3, PROTO_NAK_TYPE, 0}, r;

		f = through_wire(PROTO_NAK, p, proto_nak_pack(&a, p, 64));
		assert_int_equal(proto_nak_unpack(f->payload, f->len, &r), 0);
		assert_memory_equal(&r, &a, sizeof(a));
	}
	{
		struct proto_info a = {1,         8,         0,   16,
		                       100000000, 1536,      512, 16,
		                       16,        3,         8,   0xcafef00d,
		                       "abc",     0x12345678},
		                  r;

		f = through_wire(PROTO_INFO, p, proto_info_pack(&a, p, 64));
		assert_int_equal(proto_info_unpack(f->payload, f->len, &r), 0);
		assert_memory_equal(&r, &a, sizeof(a));
		assert_int_equal(rd32(f->payload + 4), 100000000);
		assert_int_equal(rd32(f->payload + 16), 0xcafef00d);
		assert_int_equal(rd32(f->payload + 28), 0x12345678);
	}
	for (unsigned g = 0; g < 0x10000; g += 0x1111) {
		uint16_t r;

		f = through_wire(PROTO_FLUSH, p,
		                 proto_flush_pack((uint16_t)g, p, 64));
		assert_int_equal(proto_flush_unpack(f->payload, f->len, &r), 0);
		assert_int_equal(r, g);
	}
	for (uint8_t v = 0; v <= 1; v++) {
		uint8_t r;

		f = through_wire(PROTO_RUN, p, proto_run_pack(v, p, 64));
		assert_int_equal(proto_run_unpack(f->payload, f->len, &r), 0);
		assert_int_equal(r, v);
	}
	{
		struct proto_status a, r;

		/* memset: the struct has padding and is compared whole */
		memset(&a, 0, sizeof(a));
		a.hashes = 0x0123456789abcdefull;
		a.job_id = 7;
		a.generation = 9;
		a.state = PROTO_STATE_RUNNING | PROTO_STATE_QUEUED;
		for (int i = 0; i < 8; i++)
			a.en2[i] = (uint8_t)(i + 1);
		a.version = 0x20000000;
		a.shares = 10;
		a.fifo_overflows = 11;
		a.crc_errors = 12;
		a.frame_errors = 13;
		a.rolls = 14;
		f = through_wire(PROTO_STATUS, p, proto_status_pack(&a, p, 64));
		assert_int_equal(proto_status_unpack(f->payload, f->len, &r),
		                 0);
		assert_memory_equal(&r, &a, sizeof(a));
		assert_int_equal(rd32(f->payload), 0x89abcdef);
		assert_int_equal(rd32(f->payload + 4), 0x01234567);
		assert_int_equal(rd32(f->payload + 44), 14);
	}
	{
		/* The real share of block 540107 (8-byte extranonce2). */
		struct proto_share a, r;
		json_t *st = json_object_get(b, "stratum");

		memset(&a, 0, sizeof(a));
		assert_int_equal(jhex(b, "header_hex", hdr, 80), 80);
		a.job_id = 42;
		a.generation = 3;
		a.slots = 0x8001;
		a.nonce = rd32(hdr + 76);
		a.version = rd32(hdr);
		a.ntime = rd32(hdr + 68);
		a.en2_size = (uint8_t)jhex(st, "extranonce2", a.en2, 8);
		a.pipeline = 5;
		f = through_wire(PROTO_SHARE, p, proto_share_pack(&a, p, 64));
		assert_int_equal(proto_share_unpack(f->payload, f->len, &r), 0);
		assert_memory_equal(&r, &a, sizeof(a));
		/* nonce is header[76:80] byte for byte */
		assert_memory_equal(f->payload + 8, hdr + 76, 4);
		assert_memory_equal(f->payload + 12, hdr, 4);
		assert_memory_equal(f->payload + 16, hdr + 68, 4);
	}
	/* The two empty requests. */
	f = through_wire(PROTO_INFO_GET, p, 0);
	assert_int_equal(f->len, 0);
	f = through_wire(PROTO_STATUS_GET, p, 0);
	assert_int_equal(f->len, 0);
}

/* ---- typed payload errors ------------------------------------------- */

static void test_unpack_lengths(void **state)
{
	static uint8_t p[TANDEM_MAX_PAYLOAD + 64];
	static struct proto_job j;
	struct proto_ack a;
	struct proto_nak k;
	struct proto_info in;
	struct proto_status s;
	struct proto_share sh;
	struct proto_target t[TANDEM_MAX_SLOTS];
	uint16_t g;
	uint8_t r;
	int n;

	(void)state;
	memset(p, 0, sizeof(p));
	p[2] = 1; /* a NAK reason */
	for (size_t d = 1; d <= 2; d++) {
		assert_int_equal(proto_ack_unpack(p, PROTO_ACK_LEN - d, &a),
		                 TANDEM_ERR_FRAME_LENGTH);
		assert_int_equal(proto_ack_unpack(p, PROTO_ACK_LEN + d, &a),
		                 TANDEM_ERR_FRAME_LENGTH);
		assert_int_equal(proto_nak_unpack(p, PROTO_NAK_LEN + d, &k),
		                 TANDEM_ERR_FRAME_LENGTH);
		assert_int_equal(proto_info_unpack(p, PROTO_INFO_LEN - d, &in),
		                 TANDEM_ERR_FRAME_LENGTH);
		assert_int_equal(
		        proto_status_unpack(p, PROTO_STATUS_LEN + d, &s),
		        TANDEM_ERR_FRAME_LENGTH);
		assert_int_equal(
		        proto_share_unpack(p, PROTO_SHARE_LEN - d, &sh),
		        TANDEM_ERR_FRAME_LENGTH);
		assert_int_equal(proto_flush_unpack(p, PROTO_FLUSH_LEN + d, &g),
		                 TANDEM_ERR_FRAME_LENGTH);
		assert_int_equal(proto_run_unpack(p, PROTO_RUN_LEN + d, &r),
		                 TANDEM_ERR_FRAME_LENGTH);
	}
	assert_int_equal(proto_nak_unpack(p, PROTO_NAK_LEN, &k), 0);
	assert_int_equal(proto_flush_unpack(p, 0, &g), TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_run_unpack(p, 0, &r), TANDEM_ERR_FRAME_LENGTH);

	/* TARGET_SET: a multiple of 34, 1..16 entries, within max. */
	assert_int_equal(proto_targets_unpack(p, 0, t, 16),
	                 TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_targets_unpack(p, 33, t, 16),
	                 TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_targets_unpack(p, 35, t, 16),
	                 TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_targets_unpack(p, 34, t, 16), 1);
	for (int i = 0; i < 17; i++)
		p[34 * i] = (uint8_t)i;
	assert_int_equal(proto_targets_unpack(p, 34 * 16, t, 16), 16);
	assert_int_equal(proto_targets_unpack(p, 34 * 17, t, 16),
	                 TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_targets_unpack(p, 34 * 5, t, 4),
	                 TANDEM_ERR_FRAME_LENGTH);

	/* JOB: head too short, header mode exact, stratum exact. */
	memset(p, 0, sizeof(p));
	assert_int_equal(proto_job_unpack(p, 23, &j), TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_job_unpack(p, 68, &j), 0);
	assert_int_equal(proto_job_unpack(p, 67, &j), TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_job_unpack(p, 69, &j), TANDEM_ERR_FRAME_LENGTH);
	job_from_block(find_id(g_blocks, "mainnet_227836"), &j);
	n = proto_job_pack(&j, p, sizeof(p));
	assert_int_equal(n, 108 + 64 * 3 + 32 * 7);
	assert_int_equal(proto_job_unpack(p, (size_t)n, &j), 0);
	assert_int_equal(proto_job_unpack(p, (size_t)n - 1, &j),
	                 TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_job_unpack(p, (size_t)n + 32, &j),
	                 TANDEM_ERR_FRAME_LENGTH);
	assert_int_equal(proto_job_unpack(p, 107, &j), TANDEM_ERR_FRAME_LENGTH);
}

/* Set byte off of a valid payload to v and expect unpack to give rc. */
typedef int (*unpack_fn)(const uint8_t *p, size_t n, void *out);

static int job_unpack_any(const uint8_t *p, size_t n, void *o)
{
	return proto_job_unpack(p, n, o);
}

static int info_unpack_any(const uint8_t *p, size_t n, void *o)
{
	return proto_info_unpack(p, n, o);
}

static int share_unpack_any(const uint8_t *p, size_t n, void *o)
{
	return proto_share_unpack(p, n, o);
}

static void expect_field(unpack_fn fn, const uint8_t *good, size_t n,
                         size_t off, uint8_t v, int rc)
{
	static uint8_t p[TANDEM_MAX_PAYLOAD];
	static union {
		struct proto_job job;
		struct proto_info info;
		struct proto_share share;
	} out;

	memcpy(p, good, n);
	p[off] = v;
	if (fn(p, n, &out) != rc)
		fail_msg("byte %zu = 0x%02x: got %d, want %d", off, v,
		         fn(p, n, &out), rc);
}

static void test_unpack_fields(void **state)
{
	static struct proto_job j;
	static uint8_t jp[TANDEM_MAX_PAYLOAD], hp[PROTO_JOB_HEADER_LEN];
	uint8_t p[PROTO_INFO_LEN + PROTO_SHARE_LEN + 16], fr[128];
	struct proto_target t[TANDEM_MAX_SLOTS];
	struct proto_ack a;
	struct proto_nak k;
	struct proto_status s;
	uint8_t r;
	int n;

	(void)state;
	/* JOB, stratum mode, from block 227836: rem_blocks 3, en2 at 63,
	 * en2_size 4, 7 branches. */
	job_from_block(find_id(g_blocks, "mainnet_227836"), &j);
	n = proto_job_pack(&j, jp, sizeof(jp));
	assert_true(n > 0);
	assert_int_equal(jp[96], 3);
	assert_int_equal(jp[97], 63);
	assert_int_equal(jp[98], 4);
	assert_int_equal(jp[99], 7);
	expect_field(job_unpack_any, jp, (size_t)n, 0, 2,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 0, 0xff,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 1, 2,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 1, 1, 0);
	expect_field(job_unpack_any, jp, (size_t)n, 96, 0,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 96, 9,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 96, 2,
	             TANDEM_ERR_FRAME_LENGTH);
	expect_field(job_unpack_any, jp, (size_t)n, 98, 0,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 98, 9,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 98, 8, 0);
	expect_field(job_unpack_any, jp, (size_t)n, 99, 17,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 99, 6,
	             TANDEM_ERR_FRAME_LENGTH);
	/* en2_offset + en2_size <= 64 * rem_blocks = 192 */
	expect_field(job_unpack_any, jp, (size_t)n, 97, 188, 0);
	expect_field(job_unpack_any, jp, (size_t)n, 97, 189,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 97, 255,
	             TANDEM_ERR_FRAME_FIELD);
	/* en2_start bytes beyond en2_size must be zero */
	expect_field(job_unpack_any, jp, (size_t)n, 100 + 4, 1,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, jp, (size_t)n, 100 + 3, 0xee, 0);

	/* JOB, header mode: only the flags can be out of range. */
	job_from_header(find_id(g_headers, "mainnet_genesis"), &j);
	assert_int_equal(proto_job_pack(&j, hp, sizeof(hp)), sizeof(hp));
	expect_field(job_unpack_any, hp, sizeof(hp), 1, 0x80,
	             TANDEM_ERR_FRAME_FIELD);
	expect_field(job_unpack_any, hp, sizeof(hp), 0, 1,
	             TANDEM_ERR_FRAME_LENGTH);
	expect_field(job_unpack_any, hp, sizeof(hp), 0, 7,
	             TANDEM_ERR_FRAME_FIELD);

	/* INFO, from the worked example. */
	assert_int_equal(ex_info(fr, sizeof(fr)), 42);
	memcpy(p, fr + 8, PROTO_INFO_LEN);
	expect_field(info_unpack_any, p, 32, 0, 0, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 1, 0, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 2, 8, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 3, 0, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 3, 17, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 9, 0x07, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 8, 0x01, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 10, 0x01, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 11, 0x04, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 12, 17, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 13, 33, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 14, 0, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 14, 4, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 14, 1, 0);
	expect_field(info_unpack_any, p, 32, 15, 9, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 21, 0x01, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 20, 0, TANDEM_ERR_FRAME_FIELD);
	expect_field(info_unpack_any, p, 32, 27, 'x', 0);

	/* SHARE, from the worked example (en2_size 4). */
	assert_int_equal(ex_share(fr, sizeof(fr)), 42);
	memcpy(p, fr + 8, PROTO_SHARE_LEN);
	assert_int_equal(p[6], 0x03);
	expect_field(share_unpack_any, p, 32, 6, 0, TANDEM_ERR_FRAME_FIELD);
	expect_field(share_unpack_any, p, 32, 6, 0x80, 0);
	expect_field(share_unpack_any, p, 32, 29, 9, TANDEM_ERR_FRAME_FIELD);
	expect_field(share_unpack_any, p, 32, 29, 3, TANDEM_ERR_FRAME_FIELD);
	expect_field(share_unpack_any, p, 32, 29, 8, 0);
	expect_field(share_unpack_any, p, 32, 24, 1, TANDEM_ERR_FRAME_FIELD);
	expect_field(share_unpack_any, p, 32, 30, 0xff, 0); /* reserved */

	/* TARGET_SET: slot < 16, known flags, no slot twice. */
	memset(p, 0, sizeof(p));
	p[0] = 15;
	assert_int_equal(proto_targets_unpack(p, 34, t, 16), 1);
	p[0] = 16;
	assert_int_equal(proto_targets_unpack(p, 34, t, 16),
	                 TANDEM_ERR_FRAME_FIELD);
	p[0] = 3;
	p[1] = 2;
	assert_int_equal(proto_targets_unpack(p, 34, t, 16),
	                 TANDEM_ERR_FRAME_FIELD);
	memset(fr, 0, 68);
	fr[0] = fr[34] = 5;
	assert_int_equal(proto_targets_unpack(fr, 68, t, 16),
	                 TANDEM_ERR_FRAME_FIELD);

	/* RUN, ACK, NAK, STATUS. */
	r = 2;
	assert_int_equal(proto_run_unpack(&r, 1, &r), TANDEM_ERR_FRAME_FIELD);
	memset(p, 0, sizeof(p));
	p[0] = PROTO_SHARE;
	assert_int_equal(proto_ack_unpack(p, 4, &a), TANDEM_ERR_FRAME_FIELD);
	p[0] = PROTO_JOB;
	assert_int_equal(proto_ack_unpack(p, 4, &a), 0);
	assert_int_equal(proto_nak_unpack(p, 4, &k), TANDEM_ERR_FRAME_FIELD);
	p[2] = 0x40; /* a reason added later: still a NAK */
	assert_int_equal(proto_nak_unpack(p, 4, &k), 0);
	memset(p, 0, sizeof(p));
	p[14] = 0x08;
	assert_int_equal(proto_status_unpack(p, 48, &s),
	                 TANDEM_ERR_FRAME_FIELD);
	p[14] = 0x07;
	p[15] = 0xff; /* reserved: ignored */
	assert_int_equal(proto_status_unpack(p, 48, &s), 0);
}

static void test_pack_errors(void **state)
{
	static struct proto_job j;
	uint8_t p[PROTO_JOB_HEADER_LEN];
	struct proto_target t[TANDEM_MAX_SLOTS + 1] = {0};
	struct proto_ack a = {PROTO_INFO, 0, 0};
	struct proto_nak k = {PROTO_JOB, 0, 0, 0};
	struct proto_share s = {0};
	struct proto_status st = {0};
	struct proto_info in = {0};

	(void)state;
	memset(&j, 0, sizeof(j));
	assert_int_equal(proto_job_pack(&j, p, 67), TANDEM_ERR_INVAL);
	assert_int_equal(proto_job_pack(&j, p, 68), 68);
	j.mode = 2;
	assert_int_equal(proto_job_pack(&j, p, 68), TANDEM_ERR_RANGE);
	j.mode = 1;
	j.rem_blocks = 1;
	j.en2_size = 1;
	j.en2_offset = 64;
	assert_int_equal(proto_job_pack(&j, p, 68), TANDEM_ERR_RANGE);
	j.en2_offset = 63;
	assert_int_equal(proto_job_pack(&j, p, 68), TANDEM_ERR_INVAL);
	j.branch_count = 17;
	assert_int_equal(proto_job_pack(&j, p, 68), TANDEM_ERR_RANGE);
	assert_int_equal(proto_job_pack(NULL, p, 68), TANDEM_ERR_INVAL);

	assert_int_equal(proto_targets_pack(t, 0, p, 68), TANDEM_ERR_RANGE);
	assert_int_equal(proto_targets_pack(t, 17, p, 68), TANDEM_ERR_RANGE);
	assert_int_equal(proto_targets_pack(t, 2, p, 68), TANDEM_ERR_RANGE);
	t[1].slot = 1;
	assert_int_equal(proto_targets_pack(t, 2, p, 67), TANDEM_ERR_INVAL);
	assert_int_equal(proto_targets_pack(t, 2, p, 68), 68);

	assert_int_equal(proto_ack_pack(&a, p, 4), TANDEM_ERR_RANGE);
	a.type = PROTO_RUN;
	assert_int_equal(proto_ack_pack(&a, p, 3), TANDEM_ERR_INVAL);
	assert_int_equal(proto_nak_pack(&k, p, 4), TANDEM_ERR_RANGE);
	assert_int_equal(proto_share_pack(&s, p, 32), TANDEM_ERR_RANGE);
	s.slots = 1;
	assert_int_equal(proto_share_pack(&s, p, 31), TANDEM_ERR_INVAL);
	assert_int_equal(proto_share_pack(&s, p, 32), 32);
	s.en2[0] = 1;
	assert_int_equal(proto_share_pack(&s, p, 32), TANDEM_ERR_RANGE);
	st.state = 0x80;
	assert_int_equal(proto_status_pack(&st, p, 48), TANDEM_ERR_RANGE);
	assert_int_equal(proto_info_pack(&in, p, 32), TANDEM_ERR_RANGE);
	assert_int_equal(proto_run_pack(2, p, 1), TANDEM_ERR_RANGE);
	assert_int_equal(proto_run_pack(1, p, 0), TANDEM_ERR_INVAL);
	assert_int_equal(proto_flush_pack(1, p, 1), TANDEM_ERR_INVAL);
}

/* ---- corruption classes ---------------------------------------------- */

static void test_decode_errors(void **state)
{
	static uint8_t fr[TANDEM_MAX_FRAME + 8], c[TANDEM_MAX_FRAME + 8];
	static struct proto_frame f;
	size_t used;
	int n;

	(void)state;
	n = ex_ack(fr, sizeof(fr));
	assert_int_equal(n, 14);

	/* Truncated anywhere: SHORT, nothing consumed. */
	for (int k = 0; k < n; k++) {
		used = 99;
		assert_int_equal(proto_frame_decode(fr, (size_t)k, &f, &used),
		                 TANDEM_ERR_FRAME_SHORT);
		assert_int_equal(used, 0);
	}

	/* Garbage before the sync word. */
	memcpy(c, "\x00\xA5\xA5\x5B", 4);
	memcpy(c + 4, fr, (size_t)n);
	assert_int_equal(proto_frame_decode(c, (size_t)n + 4, &f, &used),
	                 TANDEM_ERR_FRAME_SYNC);
	assert_int_equal(used, 4);
	assert_int_equal(proto_frame_decode(c + 4, (size_t)n, &f, &used), 0);
	assert_int_equal(used, n);
	/* A lone sync0 at the very end may be a frame start. */
	assert_int_equal(proto_frame_decode(c, 2, &f, &used),
	                 TANDEM_ERR_FRAME_SYNC);
	assert_int_equal(used, 1);
	assert_int_equal(proto_frame_decode(c + 1, 1, &f, &used),
	                 TANDEM_ERR_FRAME_SHORT);
	assert_int_equal(used, 0);
	assert_int_equal(proto_frame_decode(c, 1, &f, &used),
	                 TANDEM_ERR_FRAME_SYNC);
	assert_int_equal(used, 1);

	/* Header check byte wrong: any single header bit flipped. */
	for (int bit = 16; bit < 64; bit++) {
		memcpy(c, fr, (size_t)n);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(proto_frame_decode(c, (size_t)n, &f, &used),
		                 TANDEM_ERR_FRAME_HCRC);
		assert_int_equal(used, 1);
	}

	/* Wrong version with a good header check byte (and good CRC). */
	memcpy(c, fr, (size_t)n);
	c[2] = 2;
	c[7] = proto_crc8(c + 2, 5);
	{
		uint16_t crc = proto_crc16(c + 2, (size_t)n - 4);

		c[n - 2] = (uint8_t)crc;
		c[n - 1] = (uint8_t)(crc >> 8);
	}
	assert_int_equal(proto_frame_decode(c, (size_t)n, &f, &used),
	                 TANDEM_ERR_FRAME_VERSION);
	assert_int_equal(used, 1);
	/* ... even before the payload has arrived. */
	assert_int_equal(proto_frame_decode(c, 8, &f, &used),
	                 TANDEM_ERR_FRAME_VERSION);
	c[2] = 0;
	c[7] = proto_crc8(c + 2, 5);
	assert_int_equal(proto_frame_decode(c, (size_t)n, &f, &used),
	                 TANDEM_ERR_FRAME_VERSION);

	/* Oversized length with a good header check byte. */
	memcpy(c, fr, (size_t)n);
	c[5] = (uint8_t)(TANDEM_MAX_PAYLOAD + 1);
	c[6] = (uint8_t)((TANDEM_MAX_PAYLOAD + 1) >> 8);
	c[7] = proto_crc8(c + 2, 5);
	assert_int_equal(proto_frame_decode(c, 8, &f, &used),
	                 TANDEM_ERR_FRAME_OVERSIZE);
	assert_int_equal(used, 1);
	c[5] = c[6] = 0xff;
	c[7] = proto_crc8(c + 2, 5);
	assert_int_equal(proto_frame_decode(c, (size_t)n, &f, &used),
	                 TANDEM_ERR_FRAME_OVERSIZE);
	/* The largest legal length just waits for its bytes. */
	c[5] = (uint8_t)TANDEM_MAX_PAYLOAD;
	c[6] = (uint8_t)(TANDEM_MAX_PAYLOAD >> 8);
	c[7] = proto_crc8(c + 2, 5);
	assert_int_equal(proto_frame_decode(c, TANDEM_MAX_FRAME - 1, &f, &used),
	                 TANDEM_ERR_FRAME_SHORT);
	assert_int_equal(used, 0);

	/* Frame CRC wrong: any single payload or CRC bit flipped. */
	for (int bit = 64; bit < 8 * n; bit++) {
		memcpy(c, fr, (size_t)n);
		c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(proto_frame_decode(c, (size_t)n, &f, &used),
		                 TANDEM_ERR_FRAME_CRC);
		assert_int_equal(used, 1);
	}

	/* Unknown type with a good CRC: framing is fine, the type is the
	 * caller's business (the device NAKs it with reason TYPE). */
	n = proto_frame_encode(0x3c, 9, (const uint8_t *)"xy", 2, c, sizeof(c));
	assert_int_equal(proto_frame_decode(c, (size_t)n, &f, &used), 0);
	assert_int_equal(f.type, 0x3c);
	assert_string_equal(proto_type_name(f.type), "?");
	assert_string_equal(proto_type_name(0x00), "?");
	assert_string_equal(proto_type_name(0xff), "?");

	/* Bad arguments. */
	assert_int_equal(proto_frame_decode(fr, 4, NULL, &used),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(proto_frame_decode(fr, 4, &f, NULL), TANDEM_ERR_INVAL);
	assert_int_equal(proto_frame_decode(NULL, 4, &f, &used),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(proto_frame_decode(NULL, 0, &f, &used),
	                 TANDEM_ERR_FRAME_SHORT);
}

/* ---- streaming ------------------------------------------------------- */

/* A receiver as a driver would write it: append what arrives, decode
 * until SHORT, drop what decode says. Counts results per code. */
struct rx {
	uint8_t buf[2 * TANDEM_MAX_FRAME];
	size_t n;
	size_t frames, calls;
	size_t errs[32]; /* by -code - 20 */
	struct proto_frame f;
	uint8_t *log; /* decoded frames, re-encoded, appended here */
	size_t log_n, log_cap;
};

static void rx_feed(struct rx *r, const uint8_t *p, size_t len)
{
	size_t used;
	int rc;

	assert_true(len <= TANDEM_MAX_FRAME);
	assert_true(r->n + len <= sizeof(r->buf));
	memcpy(r->buf + r->n, p, len);
	r->n += len;
	for (;;) {
		used = 12345;
		rc = proto_frame_decode(r->buf, r->n, &r->f, &used);
		r->calls++;
		assert_true(used <= r->n);
		if (rc == 0) {
			r->frames++;
			if (r->log) {
				int m = proto_frame_encode(
				        r->f.type, r->f.seq, r->f.payload,
				        r->f.len, r->log + r->log_n,
				        r->log_cap - r->log_n);

				assert_true(m > 0);
				r->log_n += (size_t)m;
			}
		} else {
			assert_true(rc <= -20 && rc > -52);
			r->errs[-rc - 20]++;
		}
		if (rc == TANDEM_ERR_FRAME_SHORT) {
			/* progress rule: SHORT holds less than a frame */
			assert_true(r->n < TANDEM_MAX_FRAME);
			break;
		}
		assert_true(used > 0);
		memmove(r->buf, r->buf + used, r->n - used);
		r->n -= used;
	}
}

/* Feeds bytes in random chunks of 1..max bytes. */
static void rx_feed_chunked(struct rx *r, const uint8_t *p, size_t len,
                            size_t max)
{
	while (len) {
		size_t k = 1 + (size_t)(rng() % max);

		if (k > len)
			k = len;
		rx_feed(r, p, k);
		p += k;
		len -= k;
	}
}

#define ERRS(r, code) ((r)->errs[-(code)-20])

static void append(uint8_t *dst, size_t *n, const uint8_t *src, int m)
{
	assert_true(m > 0);
	memcpy(dst + *n, src, (size_t)m);
	*n += (size_t)m;
}

static void test_resync(void **state)
{
	static uint8_t s[8192], ok[8192], fr[TANDEM_MAX_FRAME];
	static struct rx r;
	size_t n = 0, okn = 0;
	int m;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.log = calloc(1, 8192);
	r.log_cap = 8192;
	assert_non_null(r.log);

	/* garbage full of sync bytes */
	append(s, &n, (const uint8_t *)"\xA5\xA5\x5A\x5A\xA5\x00\x5A\xA5", 8);
	/* good frame */
	m = ex_target_set(fr, sizeof(fr));
	append(s, &n, fr, m);
	append(ok, &okn, fr, m);
	/* frame with a bad header check byte */
	m = ex_info(fr, sizeof(fr));
	fr[7] ^= 0x40;
	append(s, &n, fr, m);
	/* a lone sync0, then a good frame */
	append(s, &n, (const uint8_t *)"\xA5", 1);
	m = ex_share(fr, sizeof(fr));
	append(s, &n, fr, m);
	append(ok, &okn, fr, m);
	/* a frame with a bad CRC whose payload holds a whole good frame:
	 * skipping only the sync byte finds the inner one */
	{
		uint8_t inner[64];
		int k = ex_nak(inner, sizeof(inner));

		m = proto_frame_encode(0x55, 1, inner, (size_t)k, fr,
		                       sizeof(fr));
		fr[m - 1] ^= 1;
		append(s, &n, fr, m);
		append(ok, &okn, inner, k);
	}
	/* a good stratum JOB */
	m = ex_job_stratum(fr, sizeof(fr));
	append(s, &n, fr, m);
	append(ok, &okn, fr, m);
	/* wrong version (good header check byte), then a good RUN */
	m = ex_run(fr, sizeof(fr));
	fr[2] = 7;
	fr[7] = proto_crc8(fr + 2, 5);
	append(s, &n, fr, m);
	m = ex_run(fr, sizeof(fr));
	append(s, &n, fr, m);
	append(ok, &okn, fr, m);

	rx_feed(&r, s, n);
	assert_int_equal(r.frames, 5);
	assert_int_equal(r.log_n, okn);
	assert_memory_equal(r.log, ok, okn);
	assert_true(ERRS(&r, TANDEM_ERR_FRAME_SYNC) > 0);
	assert_int_equal(ERRS(&r, TANDEM_ERR_FRAME_HCRC) > 0, 1);
	assert_int_equal(ERRS(&r, TANDEM_ERR_FRAME_CRC), 1);
	assert_int_equal(ERRS(&r, TANDEM_ERR_FRAME_VERSION), 1);
	assert_int_equal(r.n, 0);

	/* The same stream in random chunks, many times: the same frames. */
	for (int rep = 0; rep < 200; rep++) {
		size_t max = rep < 20 ? 1 + (size_t)rep : 1 + rng() % 700;

		free(r.log);
		memset(&r, 0, sizeof(r));
		r.log = calloc(1, 8192);
		r.log_cap = 8192;
		rx_feed_chunked(&r, s, n, max);
		assert_int_equal(r.frames, 5);
		assert_memory_equal(r.log, ok, okn);
		assert_int_equal(r.n, 0);
	}
	free(r.log);
}

/* Every single-bit error in a real JOB frame is caught, and the frame
 * behind it still arrives. */
static void test_bitflips(void **state)
{
	static uint8_t s[2 * TANDEM_MAX_FRAME], good[TANDEM_MAX_FRAME],
	        tailf[64];
	static struct rx r;
	int n = ex_job_header(good, sizeof(good));
	int t = ex_flush(tailf, sizeof(tailf));

	(void)state;
	for (int bit = 0; bit < 8 * n; bit++) {
		memcpy(s, good, (size_t)n);
		s[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		memcpy(s + n, tailf, (size_t)t);
		memset(&r, 0, sizeof(r));
		rx_feed(&r, s, (size_t)(n + t));
		assert_int_equal(r.frames, 1);
		assert_int_equal(r.f.type, PROTO_FLUSH);
		assert_int_equal(r.n, 0);
		if (bit >= 64)
			assert_int_equal(ERRS(&r, TANDEM_ERR_FRAME_CRC), 1);
		else if (bit >= 16)
			assert_int_equal(ERRS(&r, TANDEM_ERR_FRAME_HCRC), 1);
		else
			assert_true(ERRS(&r, TANDEM_ERR_FRAME_SYNC) > 0);
	}
}

/* Random garbage never crashes, always makes progress, and ends SHORT
 * with less than a frame held. Sync bytes and valid-looking headers are
 * mixed in so every decoder path is taken. */
static void test_garbage(void **state)
{
	static uint8_t g[1 << 16];
	static struct rx r;

	(void)state;
	for (int rep = 0; rep < 24; rep++) {
		size_t len = sizeof(g) >> (rep % 4);

		for (size_t i = 0; i < len; i++) {
			uint64_t x = rng();

			switch (x % 8) {
			case 0:
				g[i] = 0xA5;
				break;
			case 1:
				g[i] = 0x5A;
				break;
			default:
				g[i] = (uint8_t)(x >> 8);
			}
		}
		/* plant headers with a good check byte and a random length */
		for (size_t i = 0; i + 8 < len; i += 1 + rng() % 4096) {
			g[i] = 0xA5;
			g[i + 1] = 0x5A;
			g[i + 2] = rng() % 4 ? 1 : (uint8_t)rng();
			g[i + 5] = (uint8_t)rng();
			g[i + 6] = (uint8_t)(rng() % 8);
			g[i + 7] = proto_crc8(g + i + 2, 5);
		}
		memset(&r, 0, sizeof(r));
		rx_feed_chunked(&r, g, len, rep % 2 ? 64 : TANDEM_MAX_FRAME);
		/* every call either consumed bytes or asked for more */
		assert_true(r.calls <= 2 * len + len);
		assert_true(ERRS(&r, TANDEM_ERR_FRAME_SYNC) > 0);
		assert_true(ERRS(&r, TANDEM_ERR_FRAME_HCRC) > 0);
		assert_true(ERRS(&r, TANDEM_ERR_FRAME_CRC) +
		                    ERRS(&r, TANDEM_ERR_FRAME_SHORT) >
		            0);
	}
	/* all 65536 two-byte and many three-byte inputs, one call each */
	for (unsigned v = 0; v < 0x10000; v++) {
		uint8_t b[3] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)rng()};
		size_t used;
		int rc = proto_frame_decode(b, 1 + v % 3, &r.f, &used);

		assert_true(rc == TANDEM_ERR_FRAME_SHORT ? used == 0
		                                         : used > 0);
	}
}

/* ---- error names ----------------------------------------------------- */

static void test_errnames(void **state)
{
	static const int codes[] = {
	        TANDEM_OK,
	        TANDEM_ERR_INVAL,
	        TANDEM_ERR_NOMEM,
	        TANDEM_ERR_RANGE,
	        TANDEM_ERR_PARSE,
	        TANDEM_ERR_IO,
	        TANDEM_ERR_TIMEOUT,
	        TANDEM_ERR_NOT_FOUND,
	        TANDEM_ERR_UNSUPPORTED,
	        TANDEM_ERR_FRAME_SHORT,
	        TANDEM_ERR_FRAME_SYNC,
	        TANDEM_ERR_FRAME_HCRC,
	        TANDEM_ERR_FRAME_CRC,
	        TANDEM_ERR_FRAME_VERSION,
	        TANDEM_ERR_FRAME_OVERSIZE,
	        TANDEM_ERR_FRAME_TYPE,
	        TANDEM_ERR_FRAME_LENGTH,
	        TANDEM_ERR_FRAME_FIELD,
	        TANDEM_ERR_AUXPOW,
	        TANDEM_ERR_HWERR,
	        TANDEM_ERR_STALE,
	};
	const size_t nc = sizeof(codes) / sizeof(codes[0]);

	(void)state;
	assert_string_equal(tandem_errname(TANDEM_ERR_FRAME_CRC),
	                    "TANDEM_ERR_FRAME_CRC");
	assert_string_equal(tandem_errname(TANDEM_OK), "TANDEM_OK");
	for (size_t i = 0; i < nc; i++) {
		const char *name = tandem_errname(codes[i]);

		assert_non_null(name);
		assert_non_null(tandem_strerror(codes[i]));
		assert_true(strncmp(name, "TANDEM_", 7) == 0);
		assert_string_not_equal(name, tandem_errname(-1000));
		for (size_t k = 0; k < i; k++) {
			assert_string_not_equal(name, tandem_errname(codes[k]));
			assert_string_not_equal(tandem_strerror(codes[i]),
			                        tandem_strerror(codes[k]));
		}
	}
	for (int c = -100; c <= 100; c++) {
		assert_non_null(tandem_errname(c));
		assert_non_null(tandem_strerror(c));
	}
	assert_non_null(tandem_strerror(-2147483647 - 1));
}

/* ---- setup, example printer, main ----------------------------------- */

static int load_vectors(void)
{
	json_error_t e;

	g_roots[0] = json_load_file(HEADERS_JSON, 0, &e);
	g_roots[1] = json_load_file(BLOCKS_JSON, 0, &e);
	if (!g_roots[0] || !g_roots[1])
		return -1;
	g_headers = json_object_get(g_roots[0], "headers");
	g_blocks = json_object_get(g_roots[1], "blocks");
	return json_is_array(g_headers) && json_is_array(g_blocks) ? 0 : -1;
}

static int setup(void **state)
{
	(void)state;
	return load_vectors();
}

static int teardown(void **state)
{
	(void)state;
	json_decref(g_roots[0]);
	json_decref(g_roots[1]);
	return 0;
}

/* Prints every example as the doc shows it (16 bytes a line). */
static int print_examples(void)
{
	static uint8_t fr[TANDEM_MAX_FRAME];

	if (load_vectors())
		return 1;
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		int n = examples[i].build(fr, sizeof(fr));

		printf("<!-- example: %s -->\n```\n", examples[i].name);
		for (int k = 0; k < n; k++)
			printf("%02x%s", fr[k],
			       k % 16 == 15 || k == n - 1 ? "\n" : " ");
		printf("```\n\n");
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_crc_check_values),
	        cmocka_unit_test(test_frame_layout),
	        cmocka_unit_test(test_examples_match_doc),
	        cmocka_unit_test(test_examples_decode),
	        cmocka_unit_test(test_roundtrip_job_headers),
	        cmocka_unit_test(test_roundtrip_job_blocks),
	        cmocka_unit_test(test_nbits_targets),
	        cmocka_unit_test(test_roundtrip_targets),
	        cmocka_unit_test(test_roundtrip_small),
	        cmocka_unit_test(test_unpack_lengths),
	        cmocka_unit_test(test_unpack_fields),
	        cmocka_unit_test(test_pack_errors),
	        cmocka_unit_test(test_decode_errors),
	        cmocka_unit_test(test_resync),
	        cmocka_unit_test(test_bitflips),
	        cmocka_unit_test(test_garbage),
	        cmocka_unit_test(test_errnames),
	};

	if (getenv("TANDEM_PROTO_EXAMPLES"))
		return print_examples();
	return cmocka_run_group_tests(tests, setup, teardown);
}
