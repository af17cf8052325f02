/* Unit tests of the device manager (host/device.c) and the event loop
 * (host/loop.c): the test plays the device on one end of a socket pair,
 * frame by frame, behind a minimal transport. Shares are built from the
 * real mainnet genesis header (tests/vectors/headers.json, nonce
 * 2083236893) so verification is checked against real data. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "device.h"
#include "hex.h"
#include "job.h"
#include "loop.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "transport_io.h"
#include "work.h"

static const char genesis[] =
        "0100000000000000000000000000000000000000000000000000000000000000"
        "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
        "4b1e5e4a29ab5f49ffff001d1dac2b7c";
#define GENESIS_NONCE 2083236893u

/* ---- a transport over a socket pair; the test holds the far end ---- */

struct fake {
	struct transport base;
	int fd;
	int *peer; /* where the test's end is published */
	int reconnects;
};

static int fake_pair(struct fake *f)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return TANDEM_ERR_IO;
	tio_nonblock(sv[0]);
	tio_nonblock(sv[1]); /* the test's end never blocks either */
	f->fd = sv[0];
	*f->peer = sv[1];
	return 0;
}

static int fake_reconnect(struct transport *t, char *err, size_t n)
{
	struct fake *f = (struct fake *)t;

	close(f->fd);
	f->reconnects++;
	return fake_pair(f);
}

static int fake_write(struct transport *t, const uint8_t *b, size_t n)
{
	return tio_write(((struct fake *)t)->fd, b, n);
}

static int fake_read(struct transport *t, uint8_t *b, size_t n)
{
	return tio_read(((struct fake *)t)->fd, b, n);
}

static int fake_pollfds(struct transport *t, struct pollfd *fds, int max, int w,
                        int *timeout)
{
	return tio_pollfd(((struct fake *)t)->fd, fds, max, w);
}

static void fake_close(struct transport *t)
{
	close(((struct fake *)t)->fd);
	free(t);
}

static const struct transport_ops fake_ops = {
        .name = "fake",
        .open = NULL,
        .reconnect = fake_reconnect,
        .write = fake_write,
        .read = fake_read,
        .pollfds = fake_pollfds,
        .close = fake_close,
};

/* ---- the test's device side ------------------------------------------ */

struct world {
	struct loop *loop;
	struct device *dev;
	struct fake *fake;
	int peer;
	uint8_t rx[8192];
	size_t rxlen;
	int shares;
	struct device_share last;
	int ready;
	int done;
	int acks;
	uint32_t acked_id;
	double acked_ms;
};

static void on_ready(struct device *d, void *u, int re)
{
	((struct world *)u)->ready++;
}

static void on_share(struct device *d, void *u, const struct device_share *s)
{
	struct world *w = u;

	w->shares++;
	w->last = *s;
}

static void on_done(struct device *d, void *u, uint32_t id)
{
	((struct world *)u)->done++;
}

static void on_job_acked(struct device *d, void *u, uint32_t id, double ms)
{
	struct world *w = u;

	w->acks++;
	w->acked_id = id;
	w->acked_ms = ms;
}

static const struct device_events events = {
        .ready = on_ready,
        .share = on_share,
        .job_acked = on_job_acked,
        .job_done = on_done,
};

/* Runs the loop until the device side has a frame; returns its type. */
static int next_frame(struct world *w, struct proto_frame *f, int max_ms)
{
	uint64_t end = loop_now_ms() + (uint64_t)max_ms;

	for (;;) {
		size_t used = 0;
		int rc = proto_frame_decode(w->rx, w->rxlen, f, &used);
		int n;

		if (rc == 0 || used) {
			memmove(w->rx, w->rx + used, w->rxlen - used);
			w->rxlen -= used;
			if (rc == 0)
				return f->type;
			continue;
		}
		n = (int)read(w->peer, w->rx + w->rxlen,
		              sizeof(w->rx) - w->rxlen);
		if (n > 0) {
			w->rxlen += (size_t)n;
			continue;
		}
		if (loop_now_ms() >= end)
			return -1;
		loop_run_once(w->loop, 5);
	}
}

static void send_frame(struct world *w, uint8_t type, uint8_t seq,
                       const uint8_t *p, size_t n)
{
	uint8_t buf[TANDEM_MAX_FRAME];
	int len = proto_frame_encode(type, seq, p, n, buf, sizeof(buf));

	assert_true(len > 0);
	assert_int_equal(write(w->peer, buf, (size_t)len), len);
}

static void ack(struct world *w, const struct proto_frame *f)
{
	struct proto_ack a = {.type = f->type, .seq = f->seq};
	uint8_t p[PROTO_ACK_LEN];

	proto_ack_pack(&a, p, sizeof(p));
	send_frame(w, PROTO_ACK, f->seq, p, sizeof(p));
}

static void send_info(struct world *w, uint8_t seq)
{
	struct proto_info i;
	uint8_t p[PROTO_INFO_LEN];

	memset(&i, 0, sizeof(i));
	i.proto_version = 1;
	i.pipelines = 4;
	i.loop_log2 = 6;
	i.target_slots = 4;
	i.clock_hz = 48000000;
	i.max_payload = TANDEM_MAX_PAYLOAD;
	i.max_rem_bytes = 512;
	i.max_branch = 16;
	i.max_version_bits = 16;
	i.work_modes = 3;
	i.en2_max = 8;
	memcpy(i.serial, "unit", 4);
	assert_int_equal(proto_info_pack(&i, p, sizeof(p)), PROTO_INFO_LEN);
	send_frame(w, PROTO_INFO, seq, p, sizeof(p));
}

static void pump(struct world *w, int ms)
{
	uint64_t end = loop_now_ms() + (uint64_t)ms;

	while (loop_now_ms() < end)
		loop_run_once(w->loop, 5);
}

static struct world *world_new(unsigned timeout_ms)
{
	struct world *w = calloc(1, sizeof(*w));
	struct device_config c;

	assert_non_null(w);
	assert_int_equal(loop_new(&w->loop), 0);
	w->fake = calloc(1, sizeof(*w->fake));
	w->fake->base.ops = &fake_ops;
	w->fake->peer = &w->peer;
	assert_int_equal(fake_pair(w->fake), 0);
	device_config_default(&c);
	c.timeout_ms = timeout_ms;
	c.status_ms = 10000; /* no polling unless a test asks */
	c.reconnect_ms = 10;
	assert_int_equal(device_attach(w->loop, &w->fake->base, "unit", &c,
	                               &events, w, &w->dev),
	                 0);
	return w;
}

static void world_free(struct world *w)
{
	device_close(w->dev);
	close(w->peer);
	loop_free(w->loop);
	free(w);
}

/* Answers the setup after INFO: FLUSH, TARGET_SET, RUN, JOB. Returns the
 * JOB's generation. */
static uint16_t answer_setup(struct world *w, struct proto_job *job_out)
{
	struct proto_frame f;
	uint16_t gen = 0;
	int t;

	while ((t = next_frame(w, &f, 500)) > 0) {
		if (t == PROTO_FLUSH)
			proto_flush_unpack(f.payload, f.len, &gen);
		if (t == PROTO_JOB && job_out)
			assert_int_equal(
			        proto_job_unpack(f.payload, f.len, job_out), 0);
		ack(w, &f);
		if (t == PROTO_JOB)
			break;
	}
	assert_int_equal(t, PROTO_JOB);
	return gen;
}

static void send_share(struct world *w, const struct proto_job *j,
                       uint32_t nonce, uint16_t gen, uint16_t slots,
                       uint8_t pipe)
{
	struct proto_share s;
	uint8_t p[PROTO_SHARE_LEN];

	memset(&s, 0, sizeof(s));
	s.job_id = j->job_id;
	s.generation = gen;
	s.slots = slots;
	s.nonce = nonce;
	s.version = j->version;
	s.ntime = j->ntime;
	s.pipeline = pipe;
	assert_int_equal(proto_share_pack(&s, p, sizeof(p)), PROTO_SHARE_LEN);
	send_frame(w, PROTO_SHARE, 0, p, sizeof(p));
}

/* ---- tests ----------------------------------------------------------------
 */

static void test_info_first_then_setup(void **state)
{
	struct world *w = world_new(1000);
	struct proto_frame f;
	struct proto_target t = {.slot = 0, .flags = PROTO_TARGET_ENABLE};
	struct proto_job pj, got;
	uint8_t header[80];
	uint32_t id;
	int types[8], n = 0, k;

	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	assert_int_equal(f.len, 0);
	/* work given before INFO waits for the setup */
	assert_int_equal(hex_decode_exact(genesis, header, 80), 0);
	job_proto_header(header, 0, 0, &pj);
	work_nbits_to_target(0x1d00ffff, t.target);
	assert_int_equal(device_set_targets(w->dev, &t, 1), 0);
	assert_int_equal(device_start_job(w->dev, &pj, 1, &id), 0);
	send_info(w, f.seq);
	for (k = 0; k < 4; k++) {
		types[n++] = next_frame(w, &f, 500);
		if (f.type == PROTO_JOB)
			assert_int_equal(
			        proto_job_unpack(f.payload, f.len, &got), 0);
		ack(w, &f);
	}
	assert_int_equal(types[0], PROTO_FLUSH);
	assert_int_equal(types[1], PROTO_TARGET_SET);
	assert_int_equal(types[2], PROTO_RUN);
	assert_int_equal(types[3], PROTO_JOB);
	assert_int_equal(got.job_id, id);
	assert_memory_equal(got.midstate, pj.midstate, sizeof(pj.midstate));
	assert_int_equal(w->ready, 1);
	assert_non_null(device_info(w->dev));
	assert_int_equal(device_info(w->dev)->pipelines, 4);
	world_free(w);
}

static void test_retransmit_same_seq(void **state)
{
	struct world *w = world_new(40);
	struct proto_frame f;
	struct device_stats st;
	uint8_t seq;

	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	seq = f.seq;
	/* no answer: the same request comes again with the same seq */
	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	assert_int_equal(f.seq, seq);
	send_info(w, f.seq);
	pump(w, 20);
	device_get_stats(w->dev, &st);
	assert_true(st.retransmits >= 1);
	assert_int_equal(w->ready, 1);
	world_free(w);
}

static void test_share_verification(void **state)
{
	struct world *w = world_new(1000);
	struct proto_frame f;
	struct proto_target t = {.slot = 1, .flags = PROTO_TARGET_ENABLE};
	struct proto_job pj, got;
	struct device_stats st;
	uint8_t header[80], want[32];
	uint16_t gen;

	assert_int_equal(hex_decode_exact(genesis, header, 80), 0);
	job_proto_header(header, GENESIS_NONCE - 100, 1000, &pj);
	work_nbits_to_target(0x1d00ffff, t.target);
	device_set_targets(w->dev, &t, 1);
	device_start_job(w->dev, &pj, 1, NULL);
	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	send_info(w, f.seq);
	gen = answer_setup(w, &got);
	assert_int_equal(got.generation, gen);

	/* the real nonce: verified, passed on with the host's slots */
	send_share(w, &got, GENESIS_NONCE, gen, 1u << 1, 2);
	pump(w, 30);
	assert_int_equal(w->shares, 1);
	assert_int_equal(w->last.nonce, GENESIS_NONCE);
	assert_int_equal(w->last.slots, 1u << 1);
	hex_decode_rev(
	        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b6"
	        "0a8ce26f",
	        want, 32);
	assert_memory_equal(w->last.hash, want, 32);

	/* the same share again: a duplicate, not passed on */
	send_share(w, &got, GENESIS_NONCE, gen, 1u << 1, 2);
	/* a wrong nonce inside the window: a hardware error on pipeline 3 */
	send_share(w, &got, GENESIS_NONCE + 1, gen, 1u << 1, 3);
	/* a nonce outside the window: also a hardware error */
	send_share(w, &got, GENESIS_NONCE + 5000, gen, 1u << 1, 3);
	/* claims a slot the hash misses (slot 0 is not even set) */
	send_share(w, &got, GENESIS_NONCE, gen, 0x3, 1);
	/* an old generation: stale */
	send_share(w, &got, GENESIS_NONCE, (uint16_t)(gen - 1), 1u << 1, 0);
	pump(w, 50);
	device_get_stats(w->dev, &st);
	assert_int_equal(w->shares, 1);
	assert_int_equal(st.shares, 1);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.hw_errors, 3);
	assert_int_equal(st.hw_errors_pipe[3], 2);
	assert_int_equal(st.hw_errors_pipe[1], 1);
	assert_int_equal(st.stale, 1);
	world_free(w);
}

static void test_corrupt_bytes_are_skipped(void **state)
{
	struct world *w = world_new(1000);
	struct proto_frame f;
	struct proto_target t = {.slot = 0, .flags = PROTO_TARGET_ENABLE};
	struct proto_job pj, got;
	struct device_stats st;
	uint8_t header[80], buf[TANDEM_MAX_FRAME];
	struct proto_share s;
	uint8_t p[PROTO_SHARE_LEN];
	uint16_t gen;
	int len;

	assert_int_equal(hex_decode_exact(genesis, header, 80), 0);
	job_proto_header(header, 0, 0, &pj);
	work_nbits_to_target(0x1d00ffff, t.target);
	device_set_targets(w->dev, &t, 1);
	device_start_job(w->dev, &pj, 1, NULL);
	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	send_info(w, f.seq);
	gen = answer_setup(w, &got);
	memset(&s, 0, sizeof(s));
	s.job_id = got.job_id;
	s.generation = gen;
	s.slots = 1;
	s.nonce = GENESIS_NONCE;
	s.version = got.version;
	s.ntime = got.ntime;
	proto_share_pack(&s, p, sizeof(p));
	len = proto_frame_encode(PROTO_SHARE, 1, p, sizeof(p), buf,
	                         sizeof(buf));
	/* garbage, then a frame with one flipped payload bit, then the
	 * good frame: only the good one counts */
	assert_int_equal(write(w->peer, "\x00\x13\xa5", 3), 3);
	buf[12] ^= 0x10;
	assert_int_equal(write(w->peer, buf, (size_t)len), len);
	buf[12] ^= 0x10;
	assert_int_equal(write(w->peer, buf, (size_t)len), len);
	pump(w, 50);
	device_get_stats(w->dev, &st);
	assert_int_equal(w->shares, 1);
	assert_int_equal(st.hw_errors, 0);
	assert_true(st.rx_bad_frames >= 1);
	world_free(w);
}

static void test_reconnect_resends_job(void **state)
{
	struct world *w = world_new(1000);
	struct proto_frame f;
	struct proto_target t = {.slot = 0, .flags = PROTO_TARGET_ENABLE};
	struct proto_job pj, got, again;
	struct device_stats st;
	uint8_t header[80];
	uint16_t gen, gen2;

	assert_int_equal(hex_decode_exact(genesis, header, 80), 0);
	job_proto_header(header, 0, 0, &pj);
	work_nbits_to_target(0x1d00ffff, t.target);
	device_set_targets(w->dev, &t, 1);
	device_start_job(w->dev, &pj, 1, NULL);
	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	send_info(w, f.seq);
	gen = answer_setup(w, &got);
	send_share(w, &got, GENESIS_NONCE, gen, 1, 0);
	pump(w, 20);
	assert_int_equal(w->shares, 1);

	/* unplug: the far end closes; the manager reconnects, asks INFO,
	 * restores generation, targets and the same job */
	close(w->peer);
	w->peer = -1;
	w->rxlen = 0;
	pump(w, 100);
	assert_true(w->fake->reconnects >= 1);
	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	send_info(w, f.seq);
	gen2 = answer_setup(w, &again);
	assert_int_equal(gen2, gen);
	assert_int_equal(again.job_id, got.job_id);
	/* the share found before the unplug is not reported twice */
	send_share(w, &again, GENESIS_NONCE, gen, 1, 0);
	pump(w, 20);
	device_get_stats(w->dev, &st);
	assert_int_equal(w->shares, 1);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.reconnects, 1);
	assert_int_equal(w->ready, 2);
	world_free(w);
}

/* ---- targets changing while shares are on their way ----------------------
 * Targets sit just around the genesis block's real hash: "at" is the hash
 * itself (met, equal counts), "below" is one less (missed). */

static const char genesis_hash[] =
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";

static void targets_around(struct proto_target *t, int slot0_met, int slot1_met)
{
	uint8_t at[32], below[32];

	assert_int_equal(hex_decode_rev(genesis_hash, at, 32), 0);
	memcpy(below, at, 32);
	assert_int_not_equal(below[0], 0);
	below[0]--; /* the least significant byte: hash - 1 */
	memset(t, 0, 2 * sizeof(*t));
	t[0].slot = 0;
	t[0].flags = PROTO_TARGET_ENABLE;
	memcpy(t[0].target, slot0_met ? at : below, 32);
	t[1].slot = 1;
	t[1].flags = PROTO_TARGET_ENABLE;
	memcpy(t[1].target, slot1_met ? at : below, 32);
}

/* A device set up with the genesis header in n jobs of one generation
 * (the same work, so the real nonce gives n distinct shares); targets
 * slot 0 met, slot 1 missed. */
static struct world *world_genesis_jobs(struct proto_job *jobs, int n,
                                        uint16_t *gen)
{
	struct world *w = world_new(1000);
	struct proto_frame f;
	struct proto_target t[2];
	struct proto_job pj;
	uint8_t header[80];
	int k;

	assert_int_equal(hex_decode_exact(genesis, header, 80), 0);
	job_proto_header(header, GENESIS_NONCE - 100, 1000, &pj);
	targets_around(t, 1, 0);
	assert_int_equal(device_set_targets(w->dev, t, 2), 0);
	assert_int_equal(device_start_job(w->dev, &pj, 1, NULL), 0);
	assert_int_equal(next_frame(w, &f, 500), PROTO_INFO_GET);
	send_info(w, f.seq);
	*gen = answer_setup(w, &jobs[0]);
	for (k = 1; k < n; k++) {
		assert_int_equal(device_start_job(w->dev, &pj, 0, NULL), 0);
		assert_int_equal(next_frame(w, &f, 500), PROTO_JOB);
		assert_int_equal(proto_job_unpack(f.payload, f.len, &jobs[k]),
		                 0);
		ack(w, &f);
	}
	pump(w, 20);
	return w;
}

static void test_difficulty_raised_with_shares_in_flight(void **state)
{
	struct proto_job jobs[4];
	struct proto_target t[2];
	struct proto_frame f;
	struct device_stats st;
	uint8_t at[32];
	uint16_t gen;
	uint32_t old_id, new_id;
	struct world *w = world_genesis_jobs(jobs, 4, &gen);
	int k;

	old_id = device_targets_id(w->dev);
	assert_int_not_equal(old_id, 0);
	/* the pool raises the difficulty: slot 0 now misses */
	targets_around(t, 0, 0);
	assert_int_equal(device_set_targets(w->dev, t, 2), 0);
	new_id = device_targets_id(w->dev);
	assert_int_not_equal(new_id, old_id);
	assert_int_equal(next_frame(w, &f, 500), PROTO_TARGET_SET);

	/* found before the device applied the new set: sent before its
	 * ACK, valid under the old one */
	send_share(w, &jobs[0], GENESIS_NONCE, gen, 1u << 0, 0);
	pump(w, 30);
	assert_int_equal(w->shares, 1);
	assert_int_equal(w->last.slots, 1u << 0);
	assert_int_equal(w->last.targets_id, old_id);
	assert_true(w->last.targets_until_ms != 0);
	assert_true(w->last.targets_since_ms <= w->last.targets_until_ms);
	assert_int_equal(w->last.targets_enabled, 0x3);
	/* its targets are the old ones: slot 0 the hash, slot 1 below */
	assert_int_equal(hex_decode_rev(genesis_hash, at, 32), 0);
	assert_memory_equal(w->last.targets[0], at, 32);
	assert_memory_equal(w->last.targets[1], t[1].target, 32);
	assert_memory_equal(w->last.hash, at, 32);

	/* ACKed; a share that sat in the device's FIFO comes after it */
	ack(w, &f);
	pump(w, 20);
	send_share(w, &jobs[1], GENESIS_NONCE, gen, 1u << 0, 1);
	pump(w, 30);
	assert_int_equal(w->shares, 2);
	assert_int_equal(w->last.targets_id, old_id);

	/* a claim no set explains (slot 1 misses under both): an error */
	send_share(w, &jobs[2], GENESIS_NONCE, gen, 0x3, 2);
	/* a slot that was never set: an error */
	send_share(w, &jobs[2], GENESIS_NONCE, gen, 1u << 2, 2);
	/* a nonce that does not give the hash: an error whatever the set */
	send_share(w, &jobs[2], GENESIS_NONCE + 1, gen, 1u << 0, 3);
	pump(w, 30);
	device_get_stats(w->dev, &st);
	assert_int_equal(w->shares, 2);
	assert_int_equal(st.shares, 2);
	assert_int_equal(st.old_targets, 2);
	assert_int_equal(st.hw_errors, 3);
	assert_int_equal(st.hw_errors_pipe[2], 2);
	assert_int_equal(st.hw_errors_pipe[3], 1);

	/* long after the ACK (more shares than any FIFO holds), the old
	 * set no longer explains a claim: that is an error now */
	for (k = 0; k < 100; k++)
		send_share(w, &jobs[3], GENESIS_NONCE, (uint16_t)(gen - 1),
		           1u << 0, 0);
	pump(w, 50);
	send_share(w, &jobs[3], GENESIS_NONCE, gen, 1u << 0, 0);
	pump(w, 30);
	device_get_stats(w->dev, &st);
	assert_int_equal(st.stale, 100);
	assert_int_equal(w->shares, 2);
	assert_int_equal(st.hw_errors, 4);

	/* the difficulty goes down again: judged under the newest set */
	targets_around(t, 1, 0);
	assert_int_equal(device_set_targets(w->dev, t, 2), 0);
	assert_int_equal(next_frame(w, &f, 500), PROTO_TARGET_SET);
	ack(w, &f);
	pump(w, 20);
	send_share(w, &jobs[3], GENESIS_NONCE, gen, 1u << 0, 0);
	pump(w, 30);
	device_get_stats(w->dev, &st);
	assert_int_equal(w->shares, 3);
	assert_int_equal(w->last.targets_id, device_targets_id(w->dev));
	assert_int_equal(w->last.targets_until_ms, 0);
	assert_int_equal(st.old_targets, 2);
	assert_int_equal(st.hw_errors, 4);
	world_free(w);
}

/* The device refuses a TARGET_SET: it keeps the old targets, so its
 * shares stay valid under them however many follow, and a claim only the
 * refused set would explain is an error. */
static void test_refused_targets_keep_old_set(void **state)
{
	struct proto_job jobs[2];
	struct proto_target t[2];
	struct proto_frame f;
	struct proto_nak n = {.reason = PROTO_NAK_LIMIT};
	struct device_stats st;
	uint8_t p[PROTO_NAK_LEN];
	uint16_t gen;
	uint32_t old_id;
	struct world *w = world_genesis_jobs(jobs, 2, &gen);
	int k;

	old_id = device_targets_id(w->dev);
	targets_around(t, 0, 1);
	assert_int_equal(device_set_targets(w->dev, t, 2), 0);
	assert_int_equal(next_frame(w, &f, 500), PROTO_TARGET_SET);
	n.type = f.type;
	n.seq = f.seq;
	assert_int_equal(proto_nak_pack(&n, p, sizeof(p)), PROTO_NAK_LEN);
	send_frame(w, PROTO_NAK, f.seq, p, sizeof(p));
	for (k = 0; k < 100; k++)
		send_share(w, &jobs[0], GENESIS_NONCE, (uint16_t)(gen - 1),
		           1u << 0, 0);
	send_share(w, &jobs[1], GENESIS_NONCE, gen, 1u << 0, 0);
	send_share(w, &jobs[0], GENESIS_NONCE, gen, 1u << 1, 1);
	pump(w, 50);
	device_get_stats(w->dev, &st);
	assert_int_equal(st.naks, 1);
	assert_int_equal(st.hw_errors, 1);
	assert_int_equal(st.hw_errors_pipe[1], 1);
	assert_int_equal(w->shares, 1);
	assert_int_equal(w->last.targets_id, old_id);
	world_free(w);
}

/* Every JOB ACK is an event with its latency and is counted. */
static void test_job_ack_event(void **state)
{
	struct proto_job jobs[1], pj;
	struct proto_frame f;
	struct device_stats st;
	uint64_t before;
	uint16_t gen;
	uint32_t id;
	struct world *w = world_genesis_jobs(jobs, 1, &gen);

	device_get_stats(w->dev, &st);
	before = st.jobs_acked;
	assert_int_equal(before, 1);
	assert_int_equal(w->acks, 1);
	assert_int_equal(w->acked_id, jobs[0].job_id);
	pj = jobs[0];
	assert_int_equal(device_start_job(w->dev, &pj, 1, &id), 0);
	assert_int_equal(next_frame(w, &f, 500), PROTO_FLUSH);
	ack(w, &f);
	assert_int_equal(next_frame(w, &f, 500), PROTO_JOB);
	pump(w, 30); /* the device takes its time */
	device_get_stats(w->dev, &st);
	assert_int_equal(st.jobs_acked, before);
	assert_int_equal(w->acks, 1);
	ack(w, &f);
	pump(w, 20);
	device_get_stats(w->dev, &st);
	assert_int_equal(st.jobs_acked, before + 1);
	assert_int_equal(w->acks, 2);
	assert_int_equal(w->acked_id, id);
	assert_true(w->acked_ms >= 29.0);
	assert_true(w->acked_ms < 1000.0);
	assert_true(device_job_latency_ms(w->dev) == w->acked_ms);
	world_free(w);
}

/* ---- loop ---------------------------------------------------------------- */

static int fired[4];

static void tm(void *arg)
{
	fired[(intptr_t)arg]++;
}

static void test_loop_timers(void **state)
{
	struct loop *l;
	uint64_t t0;
	int a, b;

	assert_int_equal(loop_new(&l), 0);
	memset(fired, 0, sizeof(fired));
	a = loop_timer_add(l, 30, tm, (void *)(intptr_t)1);
	b = loop_timer_add(l, 10, tm, (void *)(intptr_t)2);
	loop_timer_add(l, 20, tm, (void *)(intptr_t)3);
	assert_true(a > 0 && b > 0 && a != b);
	loop_timer_cancel(l, a);
	t0 = loop_now_ms();
	/* poll() sleeps until the next timer: no spinning */
	loop_run_once(l, -1);
	assert_true(loop_now_ms() - t0 >= 9);
	assert_int_equal(fired[2], 1);
	loop_run_once(l, -1);
	assert_int_equal(fired[3], 1);
	assert_int_equal(fired[1], 0);
	t0 = loop_now_ms();
	loop_run_once(l, 25);
	assert_true(loop_now_ms() - t0 >= 24);
	assert_int_equal(fired[1], 0);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_info_first_then_setup),
	        cmocka_unit_test(test_retransmit_same_seq),
	        cmocka_unit_test(test_share_verification),
	        cmocka_unit_test(test_corrupt_bytes_are_skipped),
	        cmocka_unit_test(test_reconnect_resends_job),
	        cmocka_unit_test(test_difficulty_raised_with_shares_in_flight),
	        cmocka_unit_test(test_refused_targets_keep_old_set),
	        cmocka_unit_test(test_job_ack_event),
	        cmocka_unit_test(test_loop_timers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
