/* The UF2 converter and boot2 sealing (firmware/tools/uf2.c), checked
 * against the UF2 format rules field by field, and the real firmware
 * image (build/firmware/, when built) checked as the RP2040 bootrom and
 * its mass-storage loader will see it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tandem_err.h"
#include "uf2.h"

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* Every rule of the format, for one file of blocks carrying image. */
static void check_uf2(const uint8_t *u, size_t ulen, const uint8_t *image,
                      size_t n, uint32_t base)
{
	size_t blocks = (n + 255) / 256;

	assert_int_equal(ulen, blocks * 512);
	for (size_t i = 0; i < blocks; i++) {
		const uint8_t *b = u + 512 * i;
		size_t len = n - 256 * i < 256 ? n - 256 * i : 256;

		assert_int_equal(rd32(b + 0), 0x0A324655);
		assert_int_equal(rd32(b + 4), 0x9E5D5157);
		assert_int_equal(rd32(b + 8), 0x00002000); /* family present */
		assert_int_equal(rd32(b + 12), base + 256 * i);
		assert_int_equal(rd32(b + 12) % 256, 0);
		assert_int_equal(rd32(b + 16), 256);
		assert_int_equal(rd32(b + 20), i);
		assert_int_equal(rd32(b + 24), blocks);
		assert_int_equal(rd32(b + 28), 0xE48BFF56);
		assert_memory_equal(b + 32, image + 256 * i, len);
		for (size_t k = 32 + len; k < 508; k++)
			assert_int_equal(b[k], 0);
		assert_int_equal(rd32(b + 508), 0x0AB16F30);
	}
}

static void test_uf2_blocks(void **state)
{
	static uint8_t img[1000], out[4 * 512];
	long n;

	(void)state;
	for (size_t i = 0; i < sizeof(img); i++)
		img[i] = (uint8_t)(i * 31 + 7);
	assert_int_equal(uf2_block_count(sizeof(img)), 4);
	n = uf2_encode(img, sizeof(img), 0x10000000, 0xE48BFF56, out,
	               sizeof(out));
	assert_int_equal(n, 4 * 512);
	check_uf2(out, (size_t)n, img, sizeof(img), 0x10000000);
	/* Exactly one block. */
	n = uf2_encode(img, 256, 0x10000000, 0xE48BFF56, out, sizeof(out));
	assert_int_equal(n, 512);
	check_uf2(out, 512, img, 256, 0x10000000);
}

static void test_uf2_errors(void **state)
{
	uint8_t img[300] = {0}, out[1024];

	(void)state;
	assert_int_equal(
	        uf2_encode(img, 300, 0x10000080, 0xE48BFF56, out, sizeof(out)),
	        TANDEM_ERR_INVAL);
	assert_int_equal(
	        uf2_encode(img, 300, 0x10000000, 0xE48BFF56, out, 1023),
	        TANDEM_ERR_INVAL);
	assert_int_equal(uf2_encode(img, 0, 0x10000000, 0xE48BFF56, out, 0), 0);
}

static void test_boot2_crc(void **state)
{
	uint8_t code[100], sealed[256], big[253] = {0};

	(void)state;
	/* The catalogue check value of CRC-32/MPEG-2 (the bootrom's
	 * parameters) over "123456789". */
	assert_int_equal(boot2_crc32((const uint8_t *)"123456789", 9),
	                 0x0376E6E7u);
	for (size_t i = 0; i < sizeof(code); i++)
		code[i] = (uint8_t)(0xa0 + i);
	assert_int_equal(boot2_seal(code, sizeof(code), sealed), 0);
	assert_memory_equal(sealed, code, sizeof(code));
	for (size_t i = sizeof(code); i < 252; i++)
		assert_int_equal(sealed[i], 0);
	assert_int_equal(rd32(sealed + 252), boot2_crc32(sealed, 252));
	assert_int_equal(boot2_seal(big, sizeof(big), sealed),
	                 TANDEM_ERR_RANGE);
}

static uint8_t *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;

	if (!f)
		return NULL;
	buf = malloc(4u << 20);
	assert_non_null(buf);
	*n = fread(buf, 1, 4u << 20, f);
	fclose(f);
	return buf;
}

static void test_firmware_image(void **state)
{
	size_t nb, nu;
	uint8_t *bin = slurp("build/firmware/tandem-bridge.bin", &nb);
	uint8_t *u = slurp("build/firmware/tandem-bridge.uf2", &nu);
	uint32_t sp, reset;

	(void)state;
	if (!bin || !u) {
		free(bin);
		free(u);
		skip(); /* make firmware not run */
		return;
	}
	check_uf2(u, nu, bin, nb, 0x10000000);
	/* boot2: 256 bytes whose last 4 are the CRC the bootrom checks. */
	assert_true(nb > 256 + 8);
	assert_int_equal(rd32(bin + 252), boot2_crc32(bin, 252));
	/* The vector table boot2 jumps to: a stack in SRAM, a Thumb reset
	 * handler inside the image. */
	sp = rd32(bin + 256);
	reset = rd32(bin + 260);
	assert_true(sp > 0x20000000u && sp <= 0x20042000u);
	assert_true(reset & 1u);
	assert_true(reset > 0x10000100u && reset < 0x10000000u + nb);
	free(bin);
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_uf2_blocks),
	        cmocka_unit_test(test_uf2_errors),
	        cmocka_unit_test(test_boot2_crc),
	        cmocka_unit_test(test_firmware_image),
	};

	return cmocka_run_group_tests_name("firmware_uf2", tests, NULL, NULL);
}
