/* fwtool: the firmware build's host helper.
 *   fwtool boot2 CODE.bin OUT.bin     pad boot2 to 252 bytes + CRC-32
 *   fwtool uf2 IMAGE.bin OUT.uf2      RP2040 UF2 image at 0x10000000
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tandem_err.h"
#include "uf2.h"

#define MAX_IMAGE (16u * 1024u * 1024u)

static long read_file(const char *path, uint8_t **buf)
{
	FILE *f = fopen(path, "rb");
	long n = -1;

	*buf = NULL;
	if (!f)
		return -1;
	*buf = malloc(MAX_IMAGE);
	if (*buf)
		n = (long)fread(*buf, 1, MAX_IMAGE, f);
	if (ferror(f) || (n >= 0 && !feof(f)))
		n = -1;
	fclose(f);
	return n;
}

static int write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (!f)
		return -1;
	ok = fwrite(p, 1, n, f) == n;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

static int usage(void)
{
	fprintf(stderr, "usage: fwtool boot2 CODE.bin OUT.bin\n"
	                "       fwtool uf2 IMAGE.bin OUT.uf2\n");
	return 2;
}

int main(int argc, char **argv)
{
	uint8_t *in = NULL, *out = NULL;
	long n, m;
	int rc = 1;

	if (argc != 4)
		return usage();
	n = read_file(argv[2], &in);
	if (n < 0) {
		fprintf(stderr, "fwtool: cannot read %s\n", argv[2]);
		goto out;
	}
	if (strcmp(argv[1], "boot2") == 0) {
		uint8_t sealed[BOOT2_SIZE];

		if (boot2_seal(in, (size_t)n, sealed) < 0) {
			fprintf(stderr, "fwtool: boot2 is %ld bytes, max %u\n",
			        n, BOOT2_SIZE - 4);
			goto out;
		}
		if (write_file(argv[3], sealed, sizeof(sealed)) < 0)
			goto werr;
		printf("boot2: %ld bytes of code, crc32 %08x\n", n,
		       (unsigned)boot2_crc32(sealed, BOOT2_SIZE - 4));
	} else if (strcmp(argv[1], "uf2") == 0) {
		size_t cap = uf2_block_count((size_t)n) * UF2_BLOCK;

		out = malloc(cap ? cap : 1);
		if (!out)
			goto out;
		m = uf2_encode(in, (size_t)n, RP2040_FLASH_BASE,
		               UF2_FAMILY_RP2040, out, cap);
		if (m < 0) {
			fprintf(stderr, "fwtool: %s\n",
			        tandem_strerror((int)m));
			goto out;
		}
		if (write_file(argv[3], out, (size_t)m) < 0)
			goto werr;
	} else {
		rc = usage();
		goto out;
	}
	rc = 0;
	goto out;
werr:
	fprintf(stderr, "fwtool: cannot write %s\n", argv[3]);
out:
	free(in);
	free(out);
	return rc;
}
