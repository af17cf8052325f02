/* The bridge logic on the fake port, driven through its USB interface
 * exactly as the host driver will: frames built by the host's protocol
 * codec (host/lib/proto.c) from real block headers (tests/vectors/
 * headers.json) must reach the FPGA's UART byte for byte, FPGA frames
 * must reach bulk IN one per transfer, flow control must lose nothing,
 * counters, the watchdog and the FPGA loader must behave as
 * include/tandem_bridge.h says. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bridge.h"
#include "dcd.h"
#include "fake_port.h"
#include "fw_host.h"
#include "port.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "usb_desc.h"
#include "usbd.h"
#include "vectors.h"
#include "work.h"

#define MAX_HDRS 89

static uint8_t hdrs[MAX_HDRS][80];
static size_t n_hdrs;

static void pump(void)
{
	bridge_task(port_time_us());
	fake_time_add(5);
}

static void pump_n(unsigned n)
{
	while (n--)
		pump();
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

static int group_setup(void **state)
{
	json_t *root = vec_load("headers.json");
	size_t count, i;
	json_t *arr = vec_array(root, "headers", &count);

	(void)state;
	for (i = 0; i < count && i < MAX_HDRS; i++)
		vec_hex_n(json_array_get(arr, i), "header_hex", hdrs[i], 80, 0);
	n_hdrs = i;
	json_decref(root);
	return n_hdrs >= 8 ? 0 : -1;
}

/* A header-mode JOB frame for real header h. */
static size_t job_frame(size_t h, uint8_t seq, uint8_t *out, size_t cap)
{
	struct proto_job j;
	struct work_header wh;
	uint8_t payload[PROTO_JOB_HEADER_LEN];
	int n;

	memset(&j, 0, sizeof(j));
	work_header_unpack(hdrs[h], &wh);
	j.mode = PROTO_JOB_MODE_HEADER;
	j.job_id = (uint32_t)h;
	j.version = wh.version;
	j.ntime = wh.ntime;
	work_header_midstate(hdrs[h], j.midstate);
	memcpy(j.tail, hdrs[h] + 64, 12);
	n = proto_job_pack(&j, payload, sizeof(payload));
	assert_int_equal(n, PROTO_JOB_HEADER_LEN);
	n = proto_frame_encode(PROTO_JOB, seq, payload, (size_t)n, out, cap);
	assert_true(n > 0);
	return (size_t)n;
}

/* The SHARE the FPGA sends for real header h (its real nonce). */
static size_t share_frame(size_t h, uint8_t seq, uint8_t *out, size_t cap)
{
	struct proto_share s;
	struct work_header wh;
	uint8_t payload[PROTO_SHARE_LEN];
	int n;

	memset(&s, 0, sizeof(s));
	work_header_unpack(hdrs[h], &wh);
	s.job_id = (uint32_t)h;
	s.slots = 1;
	s.nonce = wh.nonce;
	s.version = wh.version;
	s.ntime = wh.ntime;
	n = proto_share_pack(&s, payload, sizeof(payload));
	assert_int_equal(n, PROTO_SHARE_LEN);
	n = proto_frame_encode(PROTO_SHARE, seq, payload, (size_t)n, out, cap);
	assert_true(n > 0);
	return (size_t)n;
}

static size_t simple_frame(uint8_t type, uint8_t seq, const uint8_t *p,
                           size_t len, uint8_t *out, size_t cap)
{
	int n = proto_frame_encode(type, seq, p, len, out, cap);

	assert_true(n > 0);
	return (size_t)n;
}

static uint32_t get_counter(enum tb_counter c)
{
	uint8_t d[4 * TB_CNT_COUNT];

	assert_int_equal(
	        fw_control(0xc0, TB_REQ_GET_COUNTERS, 0, 0, sizeof(d), d),
	        (int)sizeof(d));
	return (uint32_t)d[4 * c] | ((uint32_t)d[4 * c + 1] << 8) |
	       ((uint32_t)d[4 * c + 2] << 16) | ((uint32_t)d[4 * c + 3] << 24);
}

/* ---- host -> FPGA ---- */

static void test_h2f_frames_byte_for_byte(void **state)
{
	static uint8_t stream[4096];
	size_t len = 0;
	uint8_t run = 1;

	(void)state;
	for (size_t h = 0; h < 8; h++)
		len += job_frame(h, (uint8_t)h, stream + len,
		                 sizeof(stream) - len);
	len += simple_frame(PROTO_RUN, 8, &run, 1, stream + len,
	                    sizeof(stream) - len);
	len += simple_frame(PROTO_STATUS_GET, 9, NULL, 0, stream + len,
	                    sizeof(stream) - len);
	/* One stream: frames straddle the 64-byte packets. */
	assert_int_equal(fw_bulk_out(0x01, stream, len, 0), (int)len);
	pump_n(10);
	assert_int_equal(fake_uart_tx_len, len);
	assert_memory_equal(fake_uart_tx, stream, len);
	assert_int_equal(get_counter(TB_CNT_H2F_FRAMES), 10);
	assert_int_equal(get_counter(TB_CNT_H2F_BAD), 0);
	assert_int_equal(get_counter(TB_CNT_H2F_JUNK), 0);
}

static void test_h2f_bad_frames_dropped(void **state)
{
	uint8_t stream[1024], good[2][128];
	size_t len = 0, g0, g1;

	(void)state;
	g0 = job_frame(0, 1, good[0], sizeof(good[0]));
	g1 = job_frame(1, 2, good[1], sizeof(good[1]));
	memcpy(stream, "junk!", 5); /* bytes before any sync */
	len = 5;
	len += job_frame(2, 3, stream + len, sizeof(stream) - len);
	stream[len - 20] ^= 0x40; /* payload bit flip: CRC-16 fails */
	memcpy(stream + len, good[0], g0);
	len += g0;
	len += job_frame(3, 4, stream + len, sizeof(stream) - len);
	stream[len - g0 + 5] ^= 0x01; /* length byte: header check fails */
	memcpy(stream + len, good[1], g1);
	len += g1;
	assert_int_equal(fw_bulk_out(0x01, stream, len, 0), (int)len);
	pump_n(10);
	assert_int_equal(fake_uart_tx_len, g0 + g1);
	assert_memory_equal(fake_uart_tx, good[0], g0);
	assert_memory_equal(fake_uart_tx + g0, good[1], g1);
	assert_int_equal(get_counter(TB_CNT_H2F_FRAMES), 2);
	assert_true(get_counter(TB_CNT_H2F_BAD) >= 2);
	assert_true(get_counter(TB_CNT_H2F_JUNK) >= 5);
}

static void test_h2f_flow_control(void **state)
{
	static uint8_t stream[16384];
	size_t len = 0, sent = 0;
	int r;

	(void)state;
	for (size_t i = 0; len + 100 < sizeof(stream); i++)
		len += job_frame(i % n_hdrs, (uint8_t)i, stream + len,
		                 sizeof(stream) - len);
	/* The UART takes nothing: the bridge must stop taking packets
	 * (NAK) instead of dropping frames. */
	fake_uart_tx_room = 0;
	while (sent < len) {
		size_t n = len - sent < 64 ? len - sent : 64;

		r = fake_usb_out(0x01, stream + sent, (uint16_t)n);
		if (r == FAKE_NAK) {
			pump_n(3);
			r = fake_usb_out(0x01, stream + sent, (uint16_t)n);
			if (r == FAKE_NAK)
				break;
		}
		assert_int_equal(r, (int)n);
		sent += n;
	}
	assert_true(sent < len);
	assert_true(sent >= BRIDGE_TX_RING);
	assert_int_equal(fake_uart_tx_len, 0);
	/* A slow UART: 7 bytes per call. Everything arrives, in order. */
	fake_uart_tx_room = 7;
	assert_int_equal(fw_bulk_out(0x01, stream + sent, len - sent, 0),
	                 (int)(len - sent));
	for (int i = 0; i < 10000 && fake_uart_tx_len < len; i++)
		pump();
	assert_int_equal(fake_uart_tx_len, len);
	assert_memory_equal(fake_uart_tx, stream, len);
	assert_int_equal(get_counter(TB_CNT_H2F_BAD), 0);
}

/* ---- FPGA -> host ---- */

static void test_f2h_one_frame_per_transfer(void **state)
{
	uint8_t f[3][128], got[2048];
	size_t n[3];
	uint8_t st[PROTO_STATUS_LEN];

	(void)state;
	n[0] = share_frame(0, 0, f[0], sizeof(f[0]));
	memset(st, 0, sizeof(st));
	memcpy(st, hdrs[1] + 76, 4); /* a real nonce as a counter value */
	n[1] = simple_frame(PROTO_STATUS, 7, st, sizeof(st), f[1],
	                    sizeof(f[1]));
	n[2] = share_frame(5, 1, f[2], sizeof(f[2]));
	/* Split across reads and with junk in front. */
	fake_uart_feed((const uint8_t *)"\x00\xff\xa5", 3);
	for (int i = 0; i < 3; i++) {
		fake_uart_feed(f[i], 10);
		pump();
		fake_uart_feed(f[i] + 10, n[i] - 10);
	}
	pump_n(5);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fw_bulk_in(0x81, got, sizeof(got)), (int)n[i]);
		assert_memory_equal(got, f[i], n[i]);
	}
	assert_int_equal(fw_bulk_in(0x81, got, sizeof(got)), FAKE_NAK);
	assert_int_equal(get_counter(TB_CNT_F2H_FRAMES), 3);
	assert_int_equal(get_counter(TB_CNT_F2H_JUNK), 3);
}

static void test_f2h_zlp_after_full_packet(void **state)
{
	uint8_t payload[54], f[64], got[64];

	(void)state;
	/* A 64-byte frame: the transfer is one full packet and a ZLP. */
	memcpy(payload, hdrs[2], sizeof(payload));
	assert_int_equal(simple_frame(PROTO_INFO, 1, payload, sizeof(payload),
	                              f, sizeof(f)),
	                 64);
	fake_uart_feed(f, 64);
	pump_n(3);
	assert_int_equal(fake_usb_in(0x81, got, 64), 64);
	assert_memory_equal(got, f, 64);
	assert_int_equal(fake_usb_in(0x81, got, 64), 0);
	assert_int_equal(fake_usb_in(0x81, got, 64), FAKE_NAK);
}

static void test_f2h_host_not_reading(void **state)
{
	uint8_t f[128], got[256];
	size_t n = 0, fed = 0;
	uint32_t queued, dropped;

	(void)state;
	for (size_t i = 0; i < 120; i++) {
		n = share_frame(i % n_hdrs, (uint8_t)i, f, sizeof(f));
		fake_uart_feed(f, n);
		fed++;
		pump();
	}
	queued = get_counter(TB_CNT_F2H_FRAMES);
	dropped = get_counter(TB_CNT_F2H_DROPPED);
	assert_int_equal(queued + dropped, fed);
	assert_true(dropped > 0);
	/* The frames that were kept are the oldest, whole and in order
	 * (one is already in flight in the IN endpoint). */
	for (size_t i = 0; i < queued; i++) {
		size_t want = share_frame(i % n_hdrs, (uint8_t)i, f, sizeof(f));

		assert_int_equal(fw_bulk_in(0x81, got, sizeof(got)), (int)want);
		assert_memory_equal(got, f, want);
	}
	assert_int_equal(fw_bulk_in(0x81, got, sizeof(got)), FAKE_NAK);
}

static void test_f2h_bad_frames_and_uart_errors(void **state)
{
	uint8_t f[128], bad[128], got[256];
	size_t n, nb;

	(void)state;
	nb = share_frame(3, 1, bad, sizeof(bad));
	bad[nb - 1] ^= 0x80; /* CRC byte */
	n = share_frame(4, 2, f, sizeof(f));
	fake_uart_feed(bad, nb);
	fake_uart_feed(f, n);
	fake_uart_lose(2, 3);
	pump_n(5);
	assert_int_equal(fw_bulk_in(0x81, got, sizeof(got)), (int)n);
	assert_memory_equal(got, f, n);
	assert_true(get_counter(TB_CNT_F2H_BAD) >= 1);
	assert_int_equal(get_counter(TB_CNT_F2H_FRAMES), 1);
	assert_int_equal(get_counter(TB_CNT_UART_LOST), 2);
	assert_int_equal(get_counter(TB_CNT_UART_ERRORS), 3);
	assert_int_equal(fw_control(0x40, TB_REQ_CLEAR_COUNTERS, 0, 0, 0, NULL),
	                 0);
	assert_int_equal(get_counter(TB_CNT_F2H_FRAMES), 0);
	assert_int_equal(get_counter(TB_CNT_UART_ERRORS), 0);
	assert_int_equal(bridge_counter(TB_CNT_F2H_BAD), 0);
}

/* ---- vendor requests ---- */

static void test_info_and_uart(void **state)
{
	uint8_t d[16], cfg[8] = {0x00, 0xc2, 0x01, 0x00, 0x01, 0, 0, 0};

	(void)state;
	assert_int_equal(fw_control(0xc0, TB_REQ_GET_INFO, 0, 0, 16, d), 16);
	assert_int_equal(d[TB_INFO_VERSION], TB_BRIDGE_VERSION);
	assert_int_equal(d[TB_INFO_PROTO], TANDEM_PROTO_VERSION);
	assert_int_equal(d[2] | (d[3] << 8), TANDEM_MAX_FRAME);
	assert_int_equal(d[4] | (d[5] << 8) | (d[6] << 16) | (d[7] << 24),
	                 3000000);
	assert_int_equal(fake_uart_baud, 3000000);
	assert_int_equal(d[TB_INFO_COUNTERS], TB_CNT_COUNT);
	assert_int_equal(d[10] | (d[11] << 8), TB_WATCHDOG_DEFAULT_10MS);
	assert_int_equal(d[12] | (d[13] << 8), TB_FPGA_CHUNK_MAX);
	/* Interface recipient works the same; another interface stalls. */
	assert_int_equal(fw_control(0xc1, TB_REQ_GET_INFO, 0, 0, 16, d), 16);
	assert_int_equal(fw_control(0xc1, TB_REQ_GET_INFO, 0, 1, 16, d),
	                 FAKE_STALL);
	/* 115200 baud with RTS/CTS. */
	assert_int_equal(fw_control(0x40, TB_REQ_SET_UART, 0, 0, 8, cfg), 0);
	assert_int_equal(fake_uart_baud, 115200);
	assert_int_equal(fake_uart_flags, 1);
	assert_int_equal(fw_control(0xc0, TB_REQ_GET_INFO, 0, 0, 16, d), 16);
	assert_int_equal(d[4] | (d[5] << 8) | (d[6] << 16), 115200);
	assert_int_equal(d[TB_INFO_UART_FLAGS], TB_UART_FLOW);
	cfg[4] = 0x02; /* unknown flag */
	assert_int_equal(fw_control(0x40, TB_REQ_SET_UART, 0, 0, 8, cfg),
	                 FAKE_STALL);
	assert_int_equal(fw_control(0x40, TB_REQ_SET_UART, 0, 0, 4, cfg),
	                 FAKE_STALL);
	assert_int_equal(fake_uart_baud, 115200);
}

/* ---- watchdog ---- */

static int uart_has_run_stop(size_t from)
{
	struct proto_frame f;
	size_t used;
	uint8_t run = 0xaa;

	if (proto_frame_decode(fake_uart_tx + from, fake_uart_tx_len - from, &f,
	                       &used) != 0)
		return 0;
	return f.type == PROTO_RUN && f.seq == TB_WATCHDOG_SEQ &&
	       proto_run_unpack(f.payload, f.len, &run) == 0 && run == 0 &&
	       used == fake_uart_tx_len - from;
}

static void test_watchdog_stops_fpga(void **state)
{
	uint8_t frame[128], ack[16], got[64], p[4];
	size_t n, before;
	uint8_t run = 1;

	(void)state;
	/* 1 s timeout; silent host before any frame: nothing happens. */
	assert_int_equal(fw_control(0x40, TB_REQ_SET_WATCHDOG, 100, 0, 0, NULL),
	                 0);
	fake_time_add(5000000);
	pump_n(3);
	assert_int_equal(fake_uart_tx_len, 0);
	n = simple_frame(PROTO_RUN, 3, &run, 1, frame, sizeof(frame));
	assert_int_equal(fw_bulk_out(0x01, frame, n, 0), (int)n);
	pump_n(3);
	assert_int_equal(fake_uart_tx_len, n);
	fake_time_add(900000);
	pump_n(3);
	assert_int_equal(fake_uart_tx_len, n);
	/* A control request is host activity too. */
	assert_int_equal(get_counter(TB_CNT_WD_TRIPS), 0);
	fake_time_add(900000);
	pump_n(3);
	assert_int_equal(fake_uart_tx_len, n);
	fake_time_add(200000);
	pump_n(3);
	before = n;
	assert_true(uart_has_run_stop(before));
	assert_int_equal(bridge_counter(TB_CNT_WD_TRIPS), 1);
	/* Once only, until the host sends frames again. */
	fake_time_add(5000000);
	pump_n(3);
	assert_true(uart_has_run_stop(before));
	/* The FPGA's ACK of the stop is swallowed; others pass. */
	p[0] = PROTO_RUN;
	p[1] = TB_WATCHDOG_SEQ;
	p[2] = p[3] = 0;
	n = simple_frame(PROTO_ACK, TB_WATCHDOG_SEQ, p, 4, ack, sizeof(ack));
	fake_uart_feed(ack, n);
	pump_n(3);
	assert_int_equal(fake_usb_in(0x81, got, 64), FAKE_NAK);
	p[1] = 3;
	n = simple_frame(PROTO_ACK, 3, p, 4, ack, sizeof(ack));
	fake_uart_feed(ack, n);
	pump_n(3);
	assert_int_equal(fw_bulk_in(0x81, got, 64), (int)n);
	assert_memory_equal(got, ack, n);
}

static void test_watchdog_off_and_bus_reset(void **state)
{
	uint8_t frame[16];
	size_t n;
	uint8_t run = 1;

	(void)state;
	assert_int_equal(fw_control(0x40, TB_REQ_SET_WATCHDOG, 0, 0, 0, NULL),
	                 0);
	n = simple_frame(PROTO_RUN, 3, &run, 1, frame, sizeof(frame));
	assert_int_equal(fw_bulk_out(0x01, frame, n, 0), (int)n);
	fake_time_add(100000000);
	pump_n(3);
	assert_int_equal(fake_uart_tx_len, n);
	/* Watchdog on again: a bus reset ends the host's session at once. */
	assert_int_equal(
	        fw_control(0x40, TB_REQ_SET_WATCHDOG, 1000, 0, 0, NULL), 0);
	assert_int_equal(fw_bulk_out(0x01, frame, n, 0), (int)n);
	pump_n(3);
	assert_int_equal(fake_uart_tx_len, 2 * n);
	fake_usb_bus_reset();
	pump_n(3);
	assert_true(uart_has_run_stop(2 * n));
	assert_int_equal(bridge_counter(TB_CNT_WD_TRIPS), 1);
}

/* ---- FPGA loader ---- */

/* Not block data: a stand-in bitstream the fake FPGA only records. */
static void pattern(uint8_t *p, size_t n)
{
	uint32_t x = 0x12345678u;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

static void fpga_status(uint8_t d[TB_FSTAT_LEN])
{
	assert_int_equal(
	        fw_control(0xc0, TB_REQ_FPGA_STATUS, 0, 0, TB_FSTAT_LEN, d),
	        TB_FSTAT_LEN);
}

static void test_fpga_load(void **state)
{
	static uint8_t bits[10000];
	uint8_t d[TB_FSTAT_LEN];
	uint32_t t0;

	(void)state;
	pattern(bits, sizeof(bits));
	t0 = port_time_us();
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_BEGIN, 0, 0, 0, NULL), 0);
	/* The status stage waited for the memory clear. */
	assert_true(port_time_us() - t0 >= 1200);
	assert_true(fake_fpga.slave);
	assert_true(fake_fpga.creset);
	assert_int_equal(fake_fpga.pre_clocks, 1);
	fpga_status(d);
	assert_int_equal(d[TB_FSTAT_STATE], TB_FPGA_LOADING);
	for (size_t off = 0; off < sizeof(bits); off += TB_FPGA_CHUNK_MAX) {
		size_t n = sizeof(bits) - off < TB_FPGA_CHUNK_MAX
		                   ? sizeof(bits) - off
		                   : TB_FPGA_CHUNK_MAX;

		assert_int_equal(fw_control(0x40, TB_REQ_FPGA_DATA, 0, 0,
		                            (uint16_t)n, bits + off),
		                 0);
		/* Acknowledged only once clocked into the FPGA. */
		assert_int_equal(fake_fpga.data_len, off + n);
	}
	assert_true(fake_fpga.t_first_data - fake_fpga.t_creset_high >= 1200);
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_END, 0, 0, 0, NULL), 0);
	assert_int_equal(fake_fpga.data_len, sizeof(bits));
	assert_memory_equal(fake_fpga.data, bits, sizeof(bits));
	assert_true(fake_fpga.post_clocks >= 1 + 7); /* >= 49 after CDONE */
	assert_false(fake_fpga.claimed);
	assert_string_equal(fake_fpga.log, "csrRSsSf");
	fpga_status(d);
	assert_int_equal(d[TB_FSTAT_STATE], TB_FPGA_DONE);
	assert_int_equal(d[TB_FSTAT_CDONE], 1);
	assert_int_equal(d[2] | (d[3] << 8), 0);
	assert_int_equal(d[4] | (d[5] << 8) | (d[6] << 16), sizeof(bits));
	assert_int_equal(get_counter(TB_CNT_FPGA_LOADS), 1);
}

static void test_fpga_cdone_stays_low(void **state)
{
	uint8_t bits[300], d[TB_FSTAT_LEN];

	(void)state;
	pattern(bits, sizeof(bits));
	fake_fpga.will_done = 0;
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_BEGIN, 0, 0, 0, NULL), 0);
	assert_int_equal(
	        fw_control(0x40, TB_REQ_FPGA_DATA, 0, 0, sizeof(bits), bits),
	        0);
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_END, 0, 0, 0, NULL),
	                 FAKE_STALL);
	fpga_status(d);
	assert_int_equal(d[TB_FSTAT_STATE], TB_FPGA_FAILED);
	assert_int_equal(d[TB_FSTAT_CDONE], 0);
	assert_int_equal((int16_t)(d[2] | (d[3] << 8)), TANDEM_ERR_TIMEOUT);
	/* 104 clocks were given for CDONE, as the iCE40 needs. */
	assert_int_equal(fake_fpga.post_clocks, 13);
	assert_false(fake_fpga.claimed);
	assert_int_equal(get_counter(TB_CNT_FPGA_FAILS), 1);
	assert_int_equal(get_counter(TB_CNT_FPGA_LOADS), 0);
}

static void test_fpga_sequence_errors(void **state)
{
	uint8_t bits[16] = {0}, d[TB_FSTAT_LEN];

	(void)state;
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_DATA, 0, 0, 16, bits),
	                 FAKE_STALL);
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_END, 0, 0, 0, NULL),
	                 FAKE_STALL);
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_RESET, 0, 0, 0, NULL), 0);
	assert_false(fake_fpga.creset);
	fpga_status(d);
	assert_int_equal(d[TB_FSTAT_STATE], TB_FPGA_HELD);
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_RESET, 1, 0, 0, NULL), 0);
	assert_true(fake_fpga.creset);
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_RESET, 2, 0, 0, NULL),
	                 FAKE_STALL);
	/* Too long a chunk. */
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_BEGIN, 0, 0, 0, NULL), 0);
	assert_int_equal(fw_control(0x40, TB_REQ_FPGA_DATA, 0, 0,
	                            TB_FPGA_CHUNK_MAX + 1, bits),
	                 FAKE_STALL);
	assert_int_equal(fake_fpga.data_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_h2f_frames_byte_for_byte, setup_fn),
	        cmocka_unit_test_setup(test_h2f_bad_frames_dropped, setup_fn),
	        cmocka_unit_test_setup(test_h2f_flow_control, setup_fn),
	        cmocka_unit_test_setup(test_f2h_one_frame_per_transfer,
	                               setup_fn),
	        cmocka_unit_test_setup(test_f2h_zlp_after_full_packet,
	                               setup_fn),
	        cmocka_unit_test_setup(test_f2h_host_not_reading, setup_fn),
	        cmocka_unit_test_setup(test_f2h_bad_frames_and_uart_errors,
	                               setup_fn),
	        cmocka_unit_test_setup(test_info_and_uart, setup_fn),
	        cmocka_unit_test_setup(test_watchdog_stops_fpga, setup_fn),
	        cmocka_unit_test_setup(test_watchdog_off_and_bus_reset,
	                               setup_fn),
	        cmocka_unit_test_setup(test_fpga_load, setup_fn),
	        cmocka_unit_test_setup(test_fpga_cdone_stays_low, setup_fn),
	        cmocka_unit_test_setup(test_fpga_sequence_errors, setup_fn),
	};

	return cmocka_run_group_tests_name("firmware_bridge", tests,
	                                   group_setup, NULL);
}
