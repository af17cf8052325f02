/* Header work: what `tandem mine` hands a device that takes header-mode
 * JOBs only (INFO work_modes without PROTO_MODE_STRATUM, as on small FPGA
 * boards). The host does the rolling such a device cannot do: each JOB
 * is one extranonce2 value of the current Stratum job, turned into
 * coinbase -> merkle root -> 80-byte header -> midstate + tail, and the
 * device scans the nonces. Also the split of the extranonce2 space among
 * the devices of one miner, which both work paths (header and Stratum
 * mode) share so that no two devices ever hash the same coinbase.
 * Pure; never prints.
 *
 * Extranonce2 is handled as Stratum-mode devices roll it: an unsigned
 * little-endian counter over its en2_size bytes (first byte fastest), so
 * en2[size - 1] is the most significant byte. */
#ifndef TANDEM_HDRWORK_H
#define TANDEM_HDRWORK_H

#include <stddef.h>
#include <stdint.h>

#include "job.h"
#include "tandem_proto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HDRWORK_MAX_SLICES 256u /* devices the en2 space is split into */

/* First extranonce2 of device index of count for the jobs-th job handed
 * out: the top byte starts the device's slice, index * 256 / count; the
 * byte below it (en2_size >= 2) is the low byte of jobs, so a job the
 * pool sends again (a resumed session) starts elsewhere; the rest is
 * zero. en2 gets TANDEM_MAX_EN2 bytes, those beyond en2_size zero.
 * Returns 0 or TANDEM_ERR_RANGE (en2_size 0 or above TANDEM_MAX_EN2,
 * count 0 or above HDRWORK_MAX_SLICES, index >= count). */
int hdrwork_en2_start(unsigned index, unsigned count, uint64_t jobs,
                      unsigned en2_size, uint8_t en2[TANDEM_MAX_EN2]);

/* Steps en2 to the next value of device index's slice (the counter plus
 * one). Returns 0, or TANDEM_ERR_RANGE when that value would leave the
 * slice (the top byte reaching the next device's start, or the counter
 * wrapping) or the arguments are out of range as above; en2 is then
 * unchanged. */
int hdrwork_en2_next(unsigned index, unsigned count, unsigned en2_size,
                     uint8_t en2[TANDEM_MAX_EN2]);

/* The header-mode JOB for one extranonce2 of job j: header = version |
 * prevhash | merkle root of coinb1 | en1 | en2 | coinb2 | j->ntime |
 * j->nbits | nonce 0, sent as midstate + tail with the nonce window
 * (nonce_count 0 = 2^32). version is the header's whole version (the
 * job's, or a rolled one). header, if not NULL, receives the 80 bytes.
 * job_id, generation and flags are left 0 for the caller. Returns 0 or
 * TANDEM_ERR_RANGE (en1 longer than JOB_EN_MAX, en2_size 0 or above
 * TANDEM_MAX_EN2). */
int hdrwork_job(const struct job_stratum *j, const uint8_t *en1, size_t en1_len,
                const uint8_t *en2, size_t en2_size, uint32_t version,
                uint32_t nonce_start, uint32_t nonce_count,
                struct proto_job *out, uint8_t header[80]);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_HDRWORK_H */
