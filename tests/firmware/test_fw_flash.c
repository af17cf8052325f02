/* The host's bitstream loader (host/flash.c) against the firmware's own
 * bridge (firmware/bridge/, USB stack and iCE40 loader) running on the
 * fake port: flash_ops are real control transfers through the firmware's
 * EP0 state machine, so host sequencing and firmware request handling are
 * tested against each other. The fake FPGA records what was clocked in
 * and raises CDONE (or not). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bridge.h"
#include "dcd.h"
#include "fake_port.h"
#include "flash.h"
#include "fw_host.h"
#include "port.h"
#include "tandem_bridge.h"
#include "tandem_err.h"
#include "usb_desc.h"
#include "usbd.h"

static void pump(void)
{
	bridge_task(port_time_us());
	fake_time_add(5);
}

static int setup_fn(void **state)
{
	(void)state;
	fake_reset();
	usb_desc_set_serial(fake_uid);
	usbd_init(&bridge_usb_class);
	bridge_init();
	dcd_init();
	dcd_connect(1);
	fw_host_pump = pump;
	fw_enumerate();
	return 0;
}

/* ---- flash_ops over the fake USB host ---- */

struct fake_dev {
	unsigned outs[0x20]; /* requests sent, by bRequest */
	unsigned ins[0x20];
	uint16_t max_data; /* largest FPGA_DATA seen */
	int info_version;  /* >= 0: patch GET_INFO's version byte */
	int info_chunk;    /* >= 0: patch GET_INFO's chunk size */
	int hold_after;    /* > 0: hold the FPGA in reset after this many
	                    * DATA requests (another program interfering) */
	int dead_after;    /* > 0: every request after this many DATA
	                    * requests times out (unplugged) */
	size_t progress_calls;
	size_t last_done, last_total;
	int progress_monotonic;
};

static int map(int r)
{
	if (r == FAKE_STALL)
		return TANDEM_ERR_IO;
	if (r == FAKE_NAK)
		return TANDEM_ERR_TIMEOUT;
	return r;
}

static int fd_out(void *ctx, uint8_t req, uint16_t value, const uint8_t *data,
                  uint16_t len)
{
	struct fake_dev *f = ctx;
	uint8_t buf[TB_FPGA_CHUNK_MAX];

	if (f->dead_after &&
	    f->outs[TB_REQ_FPGA_DATA] >= (unsigned)f->dead_after)
		return TANDEM_ERR_TIMEOUT;
	assert_true(len <= sizeof(buf));
	f->outs[req & 0x1f]++;
	if (req == TB_REQ_FPGA_DATA && len > f->max_data)
		f->max_data = len;
	if (len)
		memcpy(buf, data, len);
	/* Interface recipient, as the usb transport sends them. */
	return map(fw_control(0x41, req, value, 0, len, len ? buf : NULL));
}

static int fd_in(void *ctx, uint8_t req, uint16_t value, uint8_t *data,
                 uint16_t len)
{
	struct fake_dev *f = ctx;
	int r;

	if (f->dead_after &&
	    f->outs[TB_REQ_FPGA_DATA] >= (unsigned)f->dead_after)
		return TANDEM_ERR_TIMEOUT;
	f->ins[req & 0x1f]++;
	r = map(fw_control(0xc1, req, value, 0, len, data));
	if (r >= (int)TB_INFO_LEN && req == TB_REQ_GET_INFO) {
		if (f->info_version >= 0)
			data[TB_INFO_VERSION] = (uint8_t)f->info_version;
		if (f->info_chunk >= 0) {
			data[TB_INFO_CHUNK] = (uint8_t)f->info_chunk;
			data[TB_INFO_CHUNK + 1] = (uint8_t)(f->info_chunk >> 8);
		}
	}
	return r;
}

static void fd_progress(void *ctx, size_t done, size_t total)
{
	struct fake_dev *f = ctx;

	if (f->progress_calls && done < f->last_done)
		f->progress_monotonic = 0;
	f->progress_calls++;
	f->last_done = done;
	f->last_total = total;
	if (f->hold_after &&
	    f->outs[TB_REQ_FPGA_DATA] == (unsigned)f->hold_after)
		assert_int_equal(
		        fw_control(0x40, TB_REQ_FPGA_RESET, 0, 0, 0, NULL), 0);
}

static const struct flash_ops fd_ops = {
        .out = fd_out,
        .in = fd_in,
        .progress = fd_progress,
};

static void fd_init(struct fake_dev *f)
{
	memset(f, 0, sizeof(*f));
	f->info_version = -1;
	f->info_chunk = -1;
	f->progress_monotonic = 1;
}

/* Not a real design: icepack's framing (comment block FF 00 .. 00 FF,
 * preamble 7E AA 99 7E) around pattern bytes; the fake FPGA only records
 * them. n matches a UP5K image. */
#define UP5K_BITS 104090u
static uint8_t bits[UP5K_BITS];

static void make_bits(uint8_t *p, size_t n)
{
	static const uint8_t head[] = {0xff, 0x00, 0x00, 0xff,
	                               0x7e, 0xaa, 0x99, 0x7e};
	uint32_t x = 0x9e3779b9u;

	for (size_t i = 0; i < n; i++) {
		x = x * 1664525u + 1013904223u;
		p[i] = (uint8_t)(x >> 24);
	}
	memcpy(p, head, sizeof(head));
}

/* ---- tests ---- */

static void test_load_ok(void **state)
{
	struct fake_dev f;
	struct flash_result res;
	char err[256] = "";

	(void)state;
	fd_init(&f);
	make_bits(bits, sizeof(bits));
	assert_int_equal(flash_load(&fd_ops, &f, bits, sizeof(bits), &res, err,
	                            sizeof(err)),
	                 0);
	/* Every byte reached the FPGA's SPI port in order, after a reset
	 * into slave mode, and the lines were given back. */
	assert_int_equal(fake_fpga.data_len, sizeof(bits));
	assert_memory_equal(fake_fpga.data, bits, sizeof(bits));
	assert_true(fake_fpga.slave);
	assert_false(fake_fpga.claimed);
	assert_true(fake_fpga.t_first_data - fake_fpga.t_creset_high >= 1200);
	assert_int_equal(res.state, TB_FPGA_DONE);
	assert_int_equal(res.cdone, 1);
	assert_int_equal(res.bytes, sizeof(bits));
	assert_int_equal(res.chunk, TB_FPGA_CHUNK_MAX);
	assert_true(res.time_us >= 1200);
	/* The sequence: INFO, BEGIN once, ceil(n / 4096) DATA, END once,
	 * STATUS at the end. */
	assert_int_equal(f.ins[TB_REQ_GET_INFO], 1);
	assert_int_equal(f.outs[TB_REQ_FPGA_BEGIN], 1);
	assert_int_equal(f.outs[TB_REQ_FPGA_DATA],
	                 (sizeof(bits) + TB_FPGA_CHUNK_MAX - 1) /
	                         TB_FPGA_CHUNK_MAX);
	assert_int_equal(f.max_data, TB_FPGA_CHUNK_MAX);
	assert_int_equal(f.outs[TB_REQ_FPGA_END], 1);
	assert_int_equal(f.ins[TB_REQ_FPGA_STATUS], 1);
	assert_true(f.progress_monotonic);
	assert_int_equal(f.last_done, sizeof(bits));
	assert_int_equal(f.last_total, sizeof(bits));
	assert_int_equal(f.progress_calls, 1 + f.outs[TB_REQ_FPGA_DATA]);
}

static void test_cdone_low(void **state)
{
	struct fake_dev f;
	struct flash_result res;
	char err[256] = "";

	(void)state;
	fd_init(&f);
	make_bits(bits, 5000);
	fake_fpga.will_done = 0;
	assert_int_equal(
	        flash_load(&fd_ops, &f, bits, 5000, &res, err, sizeof(err)),
	        TANDEM_ERR_TIMEOUT);
	assert_non_null(strstr(err, "CDONE did not rise after 5000 bytes"));
	assert_int_equal(res.state, TB_FPGA_FAILED);
	assert_int_equal(res.cdone, 0);
	assert_int_equal(res.bytes, 5000);
	assert_false(fake_fpga.claimed);
	/* A second load with a good FPGA works after the failure. */
	fake_fpga.will_done = 1;
	assert_int_equal(
	        flash_load(&fd_ops, &f, bits, 5000, &res, err, sizeof(err)), 0);
	assert_int_equal(res.state, TB_FPGA_DONE);
}

static void test_chunk_from_info(void **state)
{
	struct fake_dev f;
	struct flash_result res;
	char err[256] = "";

	(void)state;
	fd_init(&f);
	f.info_chunk = 1000;
	make_bits(bits, 9999);
	assert_int_equal(
	        flash_load(&fd_ops, &f, bits, 9999, &res, err, sizeof(err)), 0);
	assert_int_equal(res.chunk, 1000);
	assert_int_equal(f.max_data, 1000);
	assert_int_equal(f.outs[TB_REQ_FPGA_DATA], 10);
	assert_memory_equal(fake_fpga.data, bits, 9999);
	/* A bridge claiming a larger chunk than this host knows is held
	 * to the host's limit. */
	fd_init(&f);
	f.info_chunk = 60000;
	assert_int_equal(
	        flash_load(&fd_ops, &f, bits, 9999, &res, err, sizeof(err)), 0);
	assert_int_equal(f.max_data, TB_FPGA_CHUNK_MAX);
}

static void test_other_bridge_version(void **state)
{
	struct fake_dev f;
	char err[256] = "";

	(void)state;
	fd_init(&f);
	f.info_version = TB_BRIDGE_VERSION + 1;
	make_bits(bits, 300);
	assert_int_equal(
	        flash_load(&fd_ops, &f, bits, 300, NULL, err, sizeof(err)),
	        TANDEM_ERR_UNSUPPORTED);
	assert_non_null(strstr(err, "version"));
	/* Nothing was started. */
	assert_int_equal(f.outs[TB_REQ_FPGA_BEGIN], 0);
	assert_int_equal(fake_fpga.data_len, 0);
}

static void test_held_in_reset_midway(void **state)
{
	struct fake_dev f;
	struct flash_result res;
	char err[256] = "";

	(void)state;
	fd_init(&f);
	f.hold_after = 2;
	make_bits(bits, sizeof(bits));
	assert_int_equal(flash_load(&fd_ops, &f, bits, sizeof(bits), &res, err,
	                            sizeof(err)),
	                 TANDEM_ERR_IO);
	/* The third chunk is refused by the firmware; the host asked why. */
	assert_int_equal(f.outs[TB_REQ_FPGA_DATA], 3);
	assert_int_equal(f.outs[TB_REQ_FPGA_END], 0);
	assert_non_null(strstr(err, "FPGA_DATA at byte 8192"));
	assert_non_null(strstr(err, "held in reset"));
	assert_int_equal(res.state, TB_FPGA_HELD);
	assert_int_equal(res.bytes, 2 * TB_FPGA_CHUNK_MAX);
}

static void test_device_gone(void **state)
{
	struct fake_dev f;
	char err[256] = "";

	(void)state;
	fd_init(&f);
	f.dead_after = 1;
	make_bits(bits, 10000);
	assert_int_equal(
	        flash_load(&fd_ops, &f, bits, 10000, NULL, err, sizeof(err)),
	        TANDEM_ERR_TIMEOUT);
	assert_non_null(strstr(err, "FPGA_DATA at byte 4096"));
	assert_non_null(strstr(err, "did not answer"));
}

static void test_bitstream_checks(void **state)
{
	struct fake_dev f;
	char err[256] = "";
	uint8_t junk[64];

	(void)state;
	fd_init(&f);
	memset(junk, 0x55, sizeof(junk));
	assert_int_equal(flash_check_bitstream(junk, 0, err, sizeof(err)),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(flash_check_bitstream(junk, FLASH_MAX_BITS + 1u, err,
	                                       sizeof(err)),
	                 TANDEM_ERR_RANGE);
	assert_int_equal(
	        flash_check_bitstream(junk, sizeof(junk), err, sizeof(err)),
	        TANDEM_ERR_PARSE);
	assert_non_null(strstr(err, "7E AA 99 7E"));
	/* The preamble may follow a comment block of any length. */
	junk[40] = 0x7e;
	junk[41] = 0xaa;
	junk[42] = 0x99;
	junk[43] = 0x7e;
	assert_int_equal(
	        flash_check_bitstream(junk, sizeof(junk), err, sizeof(err)), 0);
	/* The load refuses a non-bitstream before touching the device. */
	junk[40] = 0;
	assert_int_equal(flash_load(&fd_ops, &f, junk, sizeof(junk), NULL, err,
	                            sizeof(err)),
	                 TANDEM_ERR_PARSE);
	assert_int_equal(f.ins[TB_REQ_GET_INFO], 0);
	assert_int_equal(f.outs[TB_REQ_FPGA_BEGIN], 0);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(flash_state_name(TB_FPGA_DONE), "done");
	assert_string_equal(flash_state_name(TB_FPGA_FAILED), "failed");
	assert_string_equal(flash_state_name(TB_FPGA_HELD), "held in reset");
	assert_string_equal(flash_state_name(99), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_load_ok, setup_fn),
	        cmocka_unit_test_setup(test_cdone_low, setup_fn),
	        cmocka_unit_test_setup(test_chunk_from_info, setup_fn),
	        cmocka_unit_test_setup(test_other_bridge_version, setup_fn),
	        cmocka_unit_test_setup(test_held_in_reset_midway, setup_fn),
	        cmocka_unit_test_setup(test_device_gone, setup_fn),
	        cmocka_unit_test_setup(test_bitstream_checks, setup_fn),
	        cmocka_unit_test_setup(test_state_names, setup_fn),
	};

	return cmocka_run_group_tests_name("fw_flash", tests, NULL, NULL);
}
