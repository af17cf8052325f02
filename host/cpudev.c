/* Software Tandem device (see cpudev.h). One thread per device: poll the
 * socket, answer commands, hash a batch of nonces, send shares, repeat. */
#include "cpudev.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "job.h"
#include "sha256.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "work.h"

#define CPU_BATCH    1024u          /* nonces between socket polls */
#define CPU_OUT_MAX  (256u * 1024u) /* unsent bytes before shares drop */
#define CPU_BUILD_ID 0x43505531u    /* "CPU1" */

struct cpu_job {
	int active;
	struct proto_job pj;
	uint8_t en2[8];   /* current extranonce2 */
	uint32_t version; /* current rolled version */
	uint64_t window;  /* nonces per window (nonce_count, 0 = 2^32) */
	uint64_t next;    /* next nonce index inside the window */
	int prepared;     /* midstate/tail valid for (en2, version) */
	uint32_t midstate[8];
	uint8_t tail[12];
};

struct cpudev {
	pthread_t thread;
	int fd;
	int stop_pipe[2];
	struct cpudev_config cfg;
	uint64_t rng;

	uint8_t in[2 * TANDEM_MAX_FRAME];
	size_t inlen;
	uint8_t *out;
	size_t outlen, outcap;

	uint16_t generation;
	int running;
	struct proto_target targets[TANDEM_MAX_SLOTS];
	struct cpu_job cur, queued;
	uint32_t last_job_id;
	struct proto_status st;
	uint8_t share_seq;
	struct timespec t0;
	uint64_t budget_base_ns;
	uint64_t budget_hashed;
};

static unsigned cpu_default_modes; /* cpudev_set_default_modes */

void cpudev_set_default_modes(unsigned modes)
{
	cpu_default_modes = modes & (PROTO_MODE_HEADER | PROTO_MODE_STRATUM);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: fault injection only, not security. */
static uint64_t rnd(struct cpudev *c)
{
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 2685821657736338717ull;
}

static int chance(struct cpudev *c, double p)
{
	if (p <= 0)
		return 0;
	return (double)(rnd(c) >> 11) * (1.0 / 9007199254740992.0) < p;
}

/* ---- output ------------------------------------------------------------ */

static int out_reserve(struct cpudev *c, size_t n)
{
	uint8_t *p;
	size_t cap;

	if (c->outlen + n <= c->outcap)
		return 0;
	cap = c->outcap ? c->outcap : 4096;
	while (cap < c->outlen + n)
		cap *= 2;
	p = realloc(c->out, cap);
	if (!p)
		return TANDEM_ERR_NOMEM;
	c->out = p;
	c->outcap = cap;
	return 0;
}

static void emit(struct cpudev *c, uint8_t type, uint8_t seq,
                 const uint8_t *payload, size_t len)
{
	uint8_t frame[TANDEM_MAX_FRAME];
	int n = proto_frame_encode(type, seq, payload, len, frame,
	                           sizeof(frame));
	int i;

	if (n < 0 || chance(c, c->cfg.faults.drop))
		return;
	for (i = 0; i < n; i++)
		if (chance(c, c->cfg.faults.corrupt))
			frame[i] ^= (uint8_t)(1u << (rnd(c) & 7));
	if (out_reserve(c, (size_t)n) < 0)
		return;
	memcpy(c->out + c->outlen, frame, (size_t)n);
	c->outlen += (size_t)n;
}

static int flush_out(struct cpudev *c)
{
	while (c->outlen) {
		ssize_t n = write(c->fd, c->out, c->outlen);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			return TANDEM_ERR_IO;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
	return 0;
}

static void ack(struct cpudev *c, const struct proto_frame *f)
{
	struct proto_ack a = {
	        .type = f->type, .seq = f->seq, .generation = c->generation};
	uint8_t p[PROTO_ACK_LEN];

	if (proto_ack_pack(&a, p, sizeof(p)) > 0)
		emit(c, PROTO_ACK, f->seq, p, sizeof(p));
}

static void nak(struct cpudev *c, const struct proto_frame *f, uint8_t reason,
                uint8_t detail)
{
	struct proto_nak a = {.type = f->type,
	                      .seq = f->seq,
	                      .reason = reason,
	                      .detail = detail};
	uint8_t p[PROTO_NAK_LEN];

	if (proto_nak_pack(&a, p, sizeof(p)) > 0)
		emit(c, PROTO_NAK, f->seq, p, sizeof(p));
}

/* ---- commands ----------------------------------------------------------- */

static void job_load(struct cpu_job *j, const struct proto_job *pj)
{
	memset(j, 0, sizeof(*j));
	j->active = 1;
	j->pj = *pj;
	memcpy(j->en2, pj->en2_start, sizeof(j->en2));
	j->version = pj->version;
	j->window = pj->nonce_count ? pj->nonce_count : (1ull << 32);
}

static void on_info_get(struct cpudev *c, const struct proto_frame *f)
{
	struct proto_info i;
	uint8_t p[PROTO_INFO_LEN];
	char serial[16];

	memset(&i, 0, sizeof(i));
	i.proto_version = TANDEM_PROTO_VERSION;
	i.pipelines = 1;
	i.loop_log2 = 0;
	i.target_slots = TANDEM_MAX_SLOTS;
	i.clock_hz = (uint32_t)c->cfg.rate;
	i.max_payload = TANDEM_MAX_PAYLOAD;
	i.max_rem_bytes = 64 * TANDEM_MAX_REM_BLOCKS;
	i.max_branch = TANDEM_MAX_BRANCH;
	i.max_version_bits = 32;
	i.work_modes = (uint8_t)c->cfg.modes;
	i.en2_max = TANDEM_MAX_EN2;
	i.build_id = CPU_BUILD_ID;
	snprintf(serial, sizeof(serial), "cpu%05u", c->cfg.index % 100000u);
	memcpy(i.serial, serial, sizeof(i.serial));
	if (proto_info_pack(&i, p, sizeof(p)) > 0)
		emit(c, PROTO_INFO, f->seq, p, sizeof(p));
}

static void on_status_get(struct cpudev *c, const struct proto_frame *f)
{
	uint8_t p[PROTO_STATUS_LEN];

	c->st.job_id = c->cur.active ? c->cur.pj.job_id : c->last_job_id;
	c->st.generation = c->generation;
	c->st.state = (uint8_t)((c->running ? PROTO_STATE_RUNNING : 0) |
	                        (c->cur.active ? PROTO_STATE_JOB : 0) |
	                        (c->queued.active ? PROTO_STATE_QUEUED : 0));
	if (c->cur.active) {
		memcpy(c->st.en2, c->cur.en2, sizeof(c->st.en2));
		c->st.version = c->cur.version;
	}
	if (proto_status_pack(&c->st, p, sizeof(p)) > 0)
		emit(c, PROTO_STATUS, f->seq, p, sizeof(p));
}

static void on_job(struct cpudev *c, const struct proto_frame *f)
{
	struct proto_job pj;
	int rc;

	/* The mode is judged first, as the RTL does: an unknown mode, or
	 * one this device does not offer, is NAK MODE whatever follows. */
	if (f->len >= 1 && (f->payload[0] > PROTO_JOB_MODE_STRATUM ||
	                    !(c->cfg.modes & (1u << f->payload[0])))) {
		nak(c, f, PROTO_NAK_MODE, 0);
		return;
	}
	rc = proto_job_unpack(f->payload, f->len, &pj);
	if (rc == TANDEM_ERR_FRAME_LENGTH) {
		nak(c, f, PROTO_NAK_LENGTH, 0);
		return;
	}
	if (rc < 0) {
		nak(c, f, PROTO_NAK_FIELD, 0);
		return;
	}
	if (pj.generation != c->generation) {
		nak(c, f, PROTO_NAK_STALE, 0);
		return;
	}
	if ((pj.flags & PROTO_JOB_QUEUE) && c->cur.active) {
		if (c->queued.active) {
			nak(c, f, PROTO_NAK_BUSY, 0);
			return;
		}
		job_load(&c->queued, &pj);
	} else {
		job_load(&c->cur, &pj);
		c->last_job_id = pj.job_id;
	}
	ack(c, f);
}

static void on_frame(struct cpudev *c, const struct proto_frame *f)
{
	struct proto_target t[TANDEM_MAX_SLOTS];
	uint16_t gen;
	uint8_t run;
	int n, i;

	switch (f->type) {
	case PROTO_INFO_GET:
		if (f->len)
			nak(c, f, PROTO_NAK_LENGTH, 0);
		else
			on_info_get(c, f);
		return;
	case PROTO_STATUS_GET:
		if (f->len)
			nak(c, f, PROTO_NAK_LENGTH, 0);
		else
			on_status_get(c, f);
		return;
	case PROTO_TARGET_SET:
		n = proto_targets_unpack(f->payload, f->len, t,
		                         TANDEM_MAX_SLOTS);
		if (n < 0) {
			nak(c, f,
			    n == TANDEM_ERR_FRAME_LENGTH ? PROTO_NAK_LENGTH
			                                 : PROTO_NAK_FIELD,
			    0);
			return;
		}
		for (i = 0; i < n; i++)
			c->targets[t[i].slot] = t[i];
		ack(c, f);
		return;
	case PROTO_JOB:
		on_job(c, f);
		return;
	case PROTO_FLUSH:
		if (proto_flush_unpack(f->payload, f->len, &gen) < 0) {
			nak(c, f, PROTO_NAK_LENGTH, 0);
			return;
		}
		c->generation = gen;
		c->cur.active = 0;
		c->queued.active = 0;
		ack(c, f);
		return;
	case PROTO_RUN:
		if (proto_run_unpack(f->payload, f->len, &run) < 0) {
			nak(c, f, PROTO_NAK_LENGTH, 0);
			return;
		}
		c->running = run != 0;
		ack(c, f);
		return;
	default:
		c->st.frame_errors++;
		nak(c, f, PROTO_NAK_TYPE, 0);
		return;
	}
}

static void parse_input(struct cpudev *c)
{
	struct proto_frame f;
	size_t off = 0;

	while (off < c->inlen) {
		size_t used = 0;
		int rc = proto_frame_decode(c->in + off, c->inlen - off, &f,
		                            &used);

		if (rc == 0) {
			off += used;
			on_frame(c, &f);
			continue;
		}
		if (rc == TANDEM_ERR_FRAME_SHORT) {
			off += used;
			break;
		}
		if (rc == TANDEM_ERR_FRAME_HCRC || rc == TANDEM_ERR_FRAME_CRC)
			c->st.crc_errors++;
		else if (rc != TANDEM_ERR_FRAME_SYNC)
			c->st.frame_errors++;
		off += used ? used : 1;
	}
	memmove(c->in, c->in + off, c->inlen - off);
	c->inlen -= off;
}

/* ---- hashing ------------------------------------------------------------- */

/* Midstate and tail of the header for the job's current en2/version. */
static void prepare_window(struct cpu_job *j)
{
	const struct proto_job *pj = &j->pj;

	if (pj->mode == PROTO_JOB_MODE_HEADER) {
		memcpy(j->midstate, pj->midstate, sizeof(j->midstate));
		memcpy(j->tail, pj->tail, sizeof(j->tail));
	} else {
		uint8_t rem[64 * TANDEM_MAX_REM_BLOCKS];
		uint32_t h[8];
		uint8_t d1[32], txid[32], root[32];
		unsigned b;

		memcpy(rem, pj->remainder, 64u * pj->rem_blocks);
		memcpy(rem + pj->en2_offset, j->en2, pj->en2_size);
		memcpy(h, pj->cb_midstate, sizeof(h));
		for (b = 0; b < pj->rem_blocks; b++)
			sha256_compress(h, rem + 64 * b);
		sha256_state_to_bytes(h, d1);
		sha256(d1, sizeof(d1), txid);
		job_merkle_fold(txid, (const uint8_t(*)[32])pj->branch,
		                pj->branch_count, root);
		job_header_midstate(j->version, pj->prevhash, root,
		                    j->midstate);
		job_header_tail(root, pj->ntime, pj->nbits, j->tail);
	}
	j->prepared = 1;
}

/* Steps to the next window in the rolling order; returns 1 when the job's
 * whole space is done. */
static int next_window(struct cpudev *c, struct cpu_job *j)
{
	const struct proto_job *pj = &j->pj;

	j->next = 0;
	j->prepared = 0;
	if (pj->mode == PROTO_JOB_MODE_HEADER)
		return 1;
	c->st.rolls++;
	if (pj->version_mask) {
		j->version = work_version_next(j->version, pj->version_mask);
		if (j->version != pj->version)
			return 0;
	}
	job_en2_increment(j->en2, pj->en2_size);
	return memcmp(j->en2, pj->en2_start, pj->en2_size) == 0;
}

static void send_share(struct cpudev *c, const struct cpu_job *j,
                       uint32_t nonce, uint16_t slots)
{
	struct proto_share s;
	uint8_t p[PROTO_SHARE_LEN];

	if (c->outlen > CPU_OUT_MAX) {
		c->st.fifo_overflows++;
		return;
	}
	memset(&s, 0, sizeof(s));
	s.job_id = j->pj.job_id;
	s.generation = c->generation;
	s.slots = slots;
	s.nonce = nonce;
	if (chance(c, c->cfg.faults.bad_nonce))
		s.nonce ^= 1u << (rnd(c) & 31); /* injected wrong nonce */
	s.version = j->version;
	s.ntime = j->pj.ntime;
	if (j->pj.mode == PROTO_JOB_MODE_STRATUM) {
		memcpy(s.en2, j->en2, j->pj.en2_size);
		s.en2_size = j->pj.en2_size;
	}
	s.pipeline = 0;
	if (proto_share_pack(&s, p, sizeof(p)) > 0) {
		emit(c, PROTO_SHARE, c->share_seq++, p, sizeof(p));
		c->st.shares++;
	}
}

/* Hashes up to max nonces of the current job; returns how many. */
static uint64_t hash_some(struct cpudev *c, uint64_t max)
{
	struct cpu_job *j = &c->cur;
	uint8_t targets[TANDEM_MAX_SLOTS][32];
	uint8_t enabled[TANDEM_MAX_SLOTS];
	uint64_t done = 0;
	unsigned i;

	for (i = 0; i < TANDEM_MAX_SLOTS; i++) {
		memcpy(targets[i], c->targets[i].target, 32);
		enabled[i] = c->targets[i].flags & PROTO_TARGET_ENABLE;
	}
	while (done < max && j->active) {
		uint8_t hash[32];
		uint32_t nonce, slots;

		if (!j->prepared)
			prepare_window(j);
		nonce = j->pj.nonce_start + (uint32_t)j->next;
		work_hash_from_midstate(j->midstate, j->tail, nonce, hash);
		slots = work_classify(hash, (const uint8_t(*)[32])targets,
		                      enabled, TANDEM_MAX_SLOTS);
		if (slots)
			send_share(c, j, nonce, (uint16_t)slots);
		done++;
		c->st.hashes++;
		if (++j->next >= j->window && next_window(c, j)) {
			j->active = 0;
			if (c->queued.active) {
				*j = c->queued;
				c->queued.active = 0;
				c->last_job_id = j->pj.job_id;
			}
		}
	}
	return done;
}

/* ---- thread ----------------------------------------------------------------
 */

static void *cpudev_main(void *arg)
{
	struct cpudev *c = arg;
	uint64_t start = now_ns();
	uint64_t stall_until = 0, next_stall = start + 1000000000ull;

	c->budget_base_ns = start;
	for (;;) {
		struct pollfd p[2];
		uint64_t now = now_ns();
		int timeout = -1;
		int busy = c->running && c->cur.active && now >= stall_until;
		uint64_t allow = CPU_BATCH;

		if (c->cfg.faults.disconnect &&
		    now - start >=
		            (uint64_t)c->cfg.faults.disconnect * 1000000000ull)
			break; /* injected disconnect: the host sees EOF */
		if (c->cfg.faults.stall_ms && now >= next_stall) {
			stall_until = now + (uint64_t)c->cfg.faults.stall_ms *
			                            1000000ull;
			next_stall = now + 1000000000ull;
			busy = 0;
		}
		if (busy && c->cfg.rate > 0) {
			double may = c->cfg.rate *
			             (double)(now - c->budget_base_ns) / 1e9;

			if (may > (double)c->budget_hashed + CPU_BATCH)
				allow = CPU_BATCH;
			else if (may > (double)c->budget_hashed)
				allow = (uint64_t)(may -
				                   (double)c->budget_hashed);
			else
				allow = 0;
			if (!allow) {
				double wait_ms =
				        ((double)c->budget_hashed + 1.0 - may) *
				        1000.0 / c->cfg.rate;

				timeout = wait_ms < 1 ? 1 : (int)wait_ms;
				if (timeout > 100)
					timeout = 100;
				busy = 0;
			}
		} else if (!busy) {
			/* restart the budget so idle time is not banked */
			c->budget_base_ns = now;
			c->budget_hashed = 0;
		}
		if (busy)
			timeout = 0;
		else if (stall_until > now)
			timeout = (int)((stall_until - now) / 1000000ull) + 1;
		else if (c->cfg.faults.disconnect || c->cfg.faults.stall_ms)
			timeout = timeout < 0 || timeout > 100 ? 100 : timeout;

		p[0].fd = c->fd;
		p[0].events = (short)(POLLIN | (c->outlen ? POLLOUT : 0));
		p[1].fd = c->stop_pipe[0];
		p[1].events = POLLIN;
		p[0].revents = p[1].revents = 0;
		if (now < stall_until)
			p[0].events = 0; /* stalled: do not even read */
		if (poll(p, 2, timeout) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(c->fd, c->in + c->inlen,
			                 sizeof(c->in) - c->inlen);

			if (n == 0)
				break;
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				break;
			if (n > 0) {
				ssize_t k;

				for (k = 0; k < n; k++)
					if (chance(c, c->cfg.faults.corrupt))
						c->in[c->inlen + (size_t)k] ^=
						        (uint8_t)(1u
						                  << (rnd(c) &
						                      7));
				c->inlen += (size_t)n;
				parse_input(c);
			}
		}
		if (busy && allow)
			c->budget_hashed += hash_some(c, allow);
		if (flush_out(c) < 0)
			break;
	}
	close(c->fd);
	c->fd = -1;
	return NULL;
}

int cpudev_start(int fd, const struct cpudev_config *cfg, struct cpudev **out)
{
	struct cpudev *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return TANDEM_ERR_NOMEM;
	c->fd = fd;
	c->cfg = *cfg;
	if (!c->cfg.modes)
		c->cfg.modes = cpu_default_modes
		                       ? cpu_default_modes
		                       : PROTO_MODE_HEADER | PROTO_MODE_STRATUM;
	c->running = 1;
	c->rng =
	        0x9e3779b97f4a7c15ull ^ ((uint64_t)cfg->index << 32) ^ now_ns();
	if (pipe(c->stop_pipe) < 0) {
		free(c);
		return TANDEM_ERR_IO;
	}
	rc = pthread_create(&c->thread, NULL, cpudev_main, c);
	if (rc) {
		close(c->stop_pipe[0]);
		close(c->stop_pipe[1]);
		free(c);
		return TANDEM_ERR_NOMEM;
	}
	*out = c;
	return 0;
}

void cpudev_stop(struct cpudev *c)
{
	if (!c)
		return;
	if (write(c->stop_pipe[1], "x", 1) < 0) {
		/* the pipe cannot be full; fall through to join anyway */
	}
	pthread_join(c->thread, NULL);
	if (c->fd >= 0)
		close(c->fd);
	close(c->stop_pipe[0]);
	close(c->stop_pipe[1]);
	free(c->out);
	free(c);
}
