/* Device manager: one Tandem device behind a transport, driven from the
 * host's event loop. It speaks the wire protocol (include/tandem_proto.h):
 * INFO, targets, jobs, FLUSH, STATUS polling, SHARE collection; tracks
 * every request's ACK with a timeout and retransmits; reconnects after a
 * disconnect (replug, simulator restart) and puts its targets and current
 * job back without losing the shares already received.
 *
 * Every SHARE is re-verified with the reference model (job_proto_hash on
 * the job the host sent, then the host's own copy of the targets) before
 * it is handed on. A share that does not hash as claimed is a hardware
 * error, counted per pipeline and never passed on; a device whose error
 * rate is high is reported and reset. Duplicates and shares of an old
 * generation are dropped and counted.
 *
 * Targets change while shares are on their way (a pool raises the
 * difficulty): the device applies a TARGET_SET and then ACKs it, but keeps
 * its share FIFO, and answers go before shares, so shares found under the
 * previous set can arrive both before and shortly after that ACK. The
 * manager therefore keeps a short history of the target sets and judges
 * each share against the sets the device can have had when it found it:
 * the newest set sent, and each older one while the ACK of the set after
 * it is at most DEV_TSET_GRACE (64) SHARE frames ago and no FLUSH has been
 * ACKed since (FLUSH purges the FIFO); a set the device NAKed does not
 * count, and the half-applied states between two sets (entries are
 * applied one by one, slots in ascending order) count too. The share is
 * valid under the newest of those states whose met slots are exactly the
 * claimed ones (else the newest that meets every claimed slot: a slot
 * mismatch); a hash that does not match its nonce, or a claim that no
 * such state explains, is a hardware error. The share reports the set it
 * was judged by (targets_*), so the caller submits it against the
 * difficulty in force when it was found.
 *
 * The device manager knows work only as struct proto_job; building it
 * (Stratum, headers) is the job module's business. */
#ifndef TANDEM_DEVICE_H
#define TANDEM_DEVICE_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "tandem_proto.h"
#include "transport.h"

#define DEVICE_MAX_PIPELINES 256u

struct device;

/* A share that passed re-verification. */
struct device_share {
	uint32_t job_id;
	uint16_t generation;
	uint16_t slots;        /* targets met, by the host's own compare */
	uint16_t device_slots; /* what the device claimed */
	uint32_t nonce;
	uint32_t version;
	uint32_t ntime;
	uint8_t en2[8];
	uint8_t en2_size;
	uint8_t pipeline;
	uint8_t hash[32]; /* SHA256d, internal order (LE number) */
	/* The target set the share was found under (see above): its id
	 * (device_targets_id() when it was made), when the host made it and
	 * when the next set replaced it (0: still the newest), and its
	 * targets (a disabled slot is zero, its bit clear in
	 * targets_enabled). */
	uint32_t targets_id;
	uint64_t targets_since_ms; /* loop_now_ms() clock */
	uint64_t targets_until_ms;
	uint16_t targets_enabled;
	uint8_t targets[TANDEM_MAX_SLOTS][32];
};

struct device_stats {
	uint64_t hashes;           /* device counter, latest STATUS */
	uint64_t hashes_total;     /* summed over reconnects (counter resets) */
	double hashrate;           /* nonces/s from the counters, recent */
	double hashrate_avg;       /* nonces/s from the counters, since start */
	uint64_t shares;           /* verified shares passed on */
	uint64_t hw_errors;        /* shares that did not verify */
	uint64_t duplicates;       /* shares seen before */
	uint64_t stale;            /* shares of another generation or job */
	uint64_t slot_mismatch;    /* verified, but device slots differ */
	uint64_t old_targets;      /* verified under a replaced target set */
	uint64_t jobs_acked;       /* JOB requests the device ACKed */
	uint64_t rx_bad_frames;    /* device->host frames the host rejected */
	uint64_t rx_garbage;       /* bytes skipped hunting for a sync word */
	uint64_t dev_crc_errors;   /* device's STATUS count */
	uint64_t dev_frame_errors; /* device's STATUS count */
	uint64_t fifo_overflows;   /* device's STATUS count */
	uint64_t retransmits;
	uint64_t timeouts;
	uint64_t naks;
	uint64_t reconnects;
	uint64_t resets; /* resets for a high hardware-error rate */
	uint64_t rolls;  /* device's STATUS count */
	uint64_t bytes_in, bytes_out;
	double up_seconds;          /* time since the device first answered */
	double expected_share_rate; /* shares/s the counters predict for the
	                             * easiest target (0 if unknown) */
	double share_hashrate;      /* nonces/s inferred from the shares met on
	                             * the easiest target since start */
	uint32_t hw_errors_pipe[DEVICE_MAX_PIPELINES];
};

struct device_events {
	/* INFO arrived and setup (FLUSH, targets, RUN, current job) is
	 * queued; reconnected is non-zero after a reconnect. */
	void (*ready)(struct device *d, void *user, int reconnected);
	void (*share)(struct device *d, void *user,
	              const struct device_share *s);
	void (*status)(struct device *d, void *user,
	               const struct proto_status *st);
	/* The device ACKed job job_id; latency_ms is the time from its
	 * device_start_job() call (negative when it was a resend after a
	 * reconnect, not measured). */
	void (*job_acked)(struct device *d, void *user, uint32_t job_id,
	                  double latency_ms);
	/* The job's whole range is hashed and its shares collected. */
	void (*job_done)(struct device *d, void *user, uint32_t job_id);
	/* The device NAKed a request (detail in the log). */
	void (*nak)(struct device *d, void *user, const struct proto_nak *n);
	/* Gave up: the device cannot be reached (err is a negative code). */
	void (*failed)(struct device *d, void *user, int err);
};

struct device_config {
	unsigned status_ms;        /* STATUS poll period (default 100) */
	unsigned timeout_ms;       /* ACK/answer timeout (default 1000) */
	unsigned retries;          /* retransmits before reconnecting (4) */
	unsigned reconnect_ms;     /* first reconnect delay, doubles (100) */
	unsigned reconnect_max_ms; /* reconnect delay cap (2000) */
	unsigned give_up_s;        /* stop reconnecting after this long (30) */
	unsigned hw_reset_min;     /* hardware errors before a reset (8) */
	double hw_reset_rate; /* error share of results that resets (0.2) */
};

/* Defaults for every field. */
void device_config_default(struct device_config *c);

/* Opens the device string (transport.h) and starts talking: INFO_GET
 * first. Returns 0 or a negative code with a reason in err. */
int device_open(struct loop *l, const char *spec,
                const struct transport_opts *o, const struct device_config *c,
                const struct device_events *ev, void *user, struct device **out,
                char *err, size_t errlen);
/* As device_open, on a transport the caller opened (tests, custom
 * transports); the device owns t from now on, even on failure. */
int device_attach(struct loop *l, struct transport *t, const char *name,
                  const struct device_config *c, const struct device_events *ev,
                  void *user, struct device **out);
void device_close(struct device *d);

/* Name for logs: the device string plus an index ("cpu#3"). */
const char *device_name(const struct device *d);
/* INFO of the device, or NULL before it answered. */
const struct proto_info *device_info(const struct device *d);
int device_is_ready(const struct device *d);

/* Sets target slots (host copy kept for verification, re-sent after a
 * reconnect). t[i].slot < the device's target_slots. A change makes a
 * new target set (see above); setting the same values again does not. */
int device_set_targets(struct device *d, const struct proto_target *t,
                       size_t n);
/* Id of the newest target set (0 before any). */
uint32_t device_targets_id(const struct device *d);

/* Starts a job. clean: FLUSH to a new generation first (drops the old
 * job and its late shares); else the job replaces the current one in the
 * same generation. job_id and generation are assigned here (returned in
 * *job_id); the rest of *job is sent as given. */
int device_start_job(struct device *d, const struct proto_job *job, int clean,
                     uint32_t *job_id);
/* Drops the current job (FLUSH to a new generation). */
int device_flush(struct device *d);

/* Latency probe: milliseconds from the last device_start_job() call to
 * its ACK (negative when not measured yet). To catch every ACK, use the
 * job_acked event or device_stats.jobs_acked. */
double device_job_latency_ms(const struct device *d);

void device_get_stats(const struct device *d, struct device_stats *s);

#endif /* TANDEM_DEVICE_H */
