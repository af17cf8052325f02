/* Header work for header-only devices (see hdrwork.h). */
#include <string.h>

#include "hdrwork.h"
#include "job.h"
#include "tandem_err.h"

static int slice_valid(unsigned index, unsigned count, unsigned en2_size)
{
	return en2_size >= 1 && en2_size <= TANDEM_MAX_EN2 && count >= 1 &&
	       count <= HDRWORK_MAX_SLICES && index < count;
}

/* Top byte where slice index begins (end: index + 1; 256 = no end but
 * the counter's wrap). */
static unsigned slice_top(unsigned index, unsigned count)
{
	return index * 256u / count;
}

int hdrwork_en2_start(unsigned index, unsigned count, uint64_t jobs,
                      unsigned en2_size, uint8_t en2[TANDEM_MAX_EN2])
{
	if (!slice_valid(index, count, en2_size))
		return TANDEM_ERR_RANGE;
	memset(en2, 0, TANDEM_MAX_EN2);
	en2[en2_size - 1] = (uint8_t)slice_top(index, count);
	if (en2_size >= 2)
		en2[en2_size - 2] = (uint8_t)jobs;
	return 0;
}

int hdrwork_en2_next(unsigned index, unsigned count, unsigned en2_size,
                     uint8_t en2[TANDEM_MAX_EN2])
{
	uint8_t next[TANDEM_MAX_EN2];

	if (!slice_valid(index, count, en2_size))
		return TANDEM_ERR_RANGE;
	memcpy(next, en2, TANDEM_MAX_EN2);
	/* a wrap to all zeros leaves every slice: the last one ends there,
	 * and slice 0 would start over */
	if (job_en2_increment(next, en2_size))
		return TANDEM_ERR_RANGE;
	if (next[en2_size - 1] >= slice_top(index + 1, count))
		return TANDEM_ERR_RANGE;
	memcpy(en2, next, TANDEM_MAX_EN2);
	return 0;
}

int hdrwork_job(const struct job_stratum *j, const uint8_t *en1, size_t en1_len,
                const uint8_t *en2, size_t en2_size, uint32_t version,
                uint32_t nonce_start, uint32_t nonce_count,
                struct proto_job *out, uint8_t header[80])
{
	uint8_t h[80];
	int rc;

	if (en2_size < 1 || en2_size > TANDEM_MAX_EN2)
		return TANDEM_ERR_RANGE;
	rc = job_header(j, en1, en1_len, en2, en2_size, version, j->ntime, 0,
	                h);
	if (rc < 0)
		return rc;
	job_proto_header(h, nonce_start, nonce_count, out);
	if (header)
		memcpy(header, h, sizeof(h));
	return 0;
}
