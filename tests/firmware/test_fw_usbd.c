/* The firmware's USB device stack on the fake port: descriptors parse as
 * USB 2.0 chapter 9 says, and the control-request state machine takes
 * every stage the way a host drives it (data IN/OUT in several packets,
 * ZLPs, stalls, deferred status, SET_ADDRESS timing, endpoint halt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "dcd.h"
#include "fake_port.h"
#include "fw_host.h"
#include "tandem_err.h"
#include "usb_desc.h"
#include "usbd.h"

/* ---- a test function layer ---- */
static uint8_t reply[300];
static uint16_t reply_len;
static uint8_t out_buf[300];
static uint16_t out_got;
static int out_result;
static int configured_calls, reset_calls, activity_calls;
static uint8_t done_ep;
static uint16_t done_len;
static int done_calls;

static int t_control(const struct usb_setup *s, struct usbd_reply *r)
{
	switch (s->bRequest) {
	case 0x20: /* IN: reply_len bytes */
		r->data = reply;
		r->len = reply_len;
		return USBD_OK;
	case 0x21: /* OUT with data */
		r->data = out_buf;
		r->len = sizeof(out_buf);
		return USBD_OK;
	case 0x22: /* no data, deferred */
		return USBD_DEFER;
	case 0x23:
		return USBD_OK;
	default:
		return USBD_STALL;
	}
}

static int t_control_out(const struct usb_setup *s, const uint8_t *data,
                         uint16_t len)
{
	(void)s;
	assert_ptr_equal(data, out_buf);
	out_got = len;
	return out_result;
}

static int t_configured(uint8_t cfg)
{
	assert_int_equal(cfg, 1);
	configured_calls++;
	assert_int_equal(usbd_ep_open(0x81, 0x02, 64), 0);
	assert_int_equal(usbd_ep_open(0x02, 0x02, 64), 0);
	return 0;
}

static void t_reset(void)
{
	reset_calls++;
}

static void t_activity(void)
{
	activity_calls++;
}

static void t_xfer_done(uint8_t ep, uint16_t len)
{
	done_ep = ep;
	done_len = len;
	done_calls++;
}

static const struct usbd_class test_class = {
        .descriptor = usb_desc_get,
        .reset = t_reset,
        .configured = t_configured,
        .control = t_control,
        .control_out = t_control_out,
        .xfer_done = t_xfer_done,
        .activity = t_activity,
};

static int setup_fn(void **state)
{
	(void)state;
	fake_reset();
	usb_desc_set_serial(fake_uid);
	usbd_init(&test_class);
	dcd_init();
	dcd_connect(1);
	for (unsigned i = 0; i < sizeof(reply); i++)
		reply[i] = (uint8_t)(i * 7 + 3);
	reply_len = 0;
	out_got = 0;
	out_result = USBD_OK;
	configured_calls = reset_calls = activity_calls = done_calls = 0;
	return 0;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

/* ---- descriptors ---- */

static void test_device_descriptor(void **state)
{
	uint8_t d[64];

	(void)state;
	assert_int_equal(fw_control(0x80, 6, 0x0100, 0, 64, d), 18);
	assert_int_equal(d[0], 18);
	assert_int_equal(d[1], 1);
	assert_int_equal(le16(d + 2), 0x0200);
	assert_int_equal(d[4], 0); /* class per interface */
	assert_int_equal(d[7], 64);
	assert_int_equal(le16(d + 8), 0x1209);
	assert_int_equal(le16(d + 10), 0x0001);
	assert_int_equal(d[14], 1);
	assert_int_equal(d[15], 2);
	assert_int_equal(d[16], 3);
	assert_int_equal(d[17], 1);
	/* A host's first request asks for 8 bytes only. */
	memset(d, 0, sizeof(d));
	assert_int_equal(fw_control(0x80, 6, 0x0100, 0, 8, d), 8);
	assert_int_equal(d[7], 64);
	assert_int_equal(activity_calls, 2);
}

static void test_config_descriptor(void **state)
{
	uint8_t d[255];
	int total, off, n_if = 0, n_ep = 0;
	uint8_t eps[2] = {0, 0};

	(void)state;
	assert_int_equal(fw_control(0x80, 6, 0x0200, 0, 9, d), 9);
	total = le16(d + 2);
	assert_int_equal(total, 9 + 9 + 7 + 7);
	assert_int_equal(fw_control(0x80, 6, 0x0200, 0, 255, d), total);
	assert_int_equal(d[4], 1); /* bNumInterfaces */
	assert_int_equal(d[5], 1); /* bConfigurationValue */
	assert_true(d[7] & 0x80);  /* bmAttributes bit 7 set */
	/* Walk it as a host parser does: every descriptor's bLength must
	 * land exactly on the total. */
	for (off = 0; off < total;) {
		uint8_t len = d[off];

		assert_true(len >= 2 && off + len <= total);
		if (d[off + 1] == 4) {
			assert_int_equal(len, 9);
			assert_int_equal(d[off + 4], 2);    /* endpoints */
			assert_int_equal(d[off + 5], 0xff); /* vendor class */
			n_if++;
		} else if (d[off + 1] == 5) {
			assert_int_equal(len, 7);
			assert_int_equal(d[off + 3], 2); /* bulk */
			assert_int_equal(le16(d + off + 4), 64);
			eps[n_ep++ & 1] = d[off + 2];
		}
		off += len;
	}
	assert_int_equal(off, total);
	assert_int_equal(n_if, 1);
	assert_int_equal(n_ep, 2);
	assert_int_equal(eps[0] | eps[1], 0x81);
	assert_int_equal(eps[0] & eps[1], 0x01);
}

static void check_string_desc(uint8_t index, const char *want)
{
	uint8_t d[255];
	size_t n = strlen(want);

	assert_int_equal(
	        fw_control(0x80, 6, (uint16_t)(0x0300 | index), 0x0409, 255, d),
	        (int)(2 + 2 * n));
	assert_int_equal(d[0], 2 + 2 * n);
	assert_int_equal(d[1], 3);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(d[2 + 2 * i], (uint8_t)want[i]);
		assert_int_equal(d[3 + 2 * i], 0);
	}
}

static void test_string_descriptors(void **state)
{
	uint8_t d[16];
	char serial[17];

	(void)state;
	assert_int_equal(fw_control(0x80, 6, 0x0300, 0, 255, d), 4);
	assert_int_equal(d[0], 4);
	assert_int_equal(d[1], 3);
	assert_int_equal(le16(d + 2), 0x0409);
	check_string_desc(1, "Tandem");
	check_string_desc(2, "Tandem USB bridge");
	check_string_desc(4, "Tandem frames");
	/* Serial: the unique id in hex, first byte first. */
	for (int i = 0; i < 8; i++)
		snprintf(serial + 2 * i, 3, "%02X", fake_uid[i]);
	check_string_desc(3, serial);
	assert_string_equal(usb_desc_serial(), serial);
	assert_int_equal(fw_control(0x80, 6, 0x0305, 0x0409, 255, d),
	                 FAKE_STALL);
}

static void test_stall_then_recover(void **state)
{
	uint8_t d[64] = {0xaa, 0xaa};

	(void)state;
	/* Full-speed only: DEVICE_QUALIFIER must stall (9.6.2). */
	assert_int_equal(fw_control(0x80, 6, 0x0600, 0, 10, d), FAKE_STALL);
	assert_true(fake_usb_stalled(0x80));
	/* The next SETUP clears the EP0 stall. */
	assert_int_equal(fw_control(0x80, 0, 0, 0, 2, d), 2);
	assert_int_equal(d[0], 0);
	assert_int_equal(d[1], 0);
	/* Unknown standard, vendor and other-interface requests stall. */
	assert_int_equal(fw_control(0x00, 7, 0, 0, 0, NULL), FAKE_STALL);
	assert_int_equal(fw_control(0x40, 0x7f, 0, 0, 0, NULL), FAKE_STALL);
	fw_enumerate();
	assert_int_equal(fw_control(0x81, 10, 0, 1, 1, d), FAKE_STALL);
	assert_int_equal(fw_control(0x81, 10, 0, 0, 1, d), 1);
}

static void test_set_address_after_status(void **state)
{
	const uint8_t pkt[8] = {0x00, 5, 9, 0, 0, 0, 0, 0};
	uint8_t z[1];

	(void)state;
	fake_usb_setup(pkt);
	/* Not before the status stage (9.4.6) ... */
	assert_int_equal(fake_usb_address, 0);
	assert_int_equal(fake_usb_in(0x80, z, 1), 0);
	/* ... but right after it. */
	assert_int_equal(fake_usb_address, 9);
	assert_int_equal(fw_control(0x00, 5, 200, 0, 0, NULL), FAKE_STALL);
	assert_int_equal(fake_usb_address, 9);
}

static void test_configuration(void **state)
{
	uint8_t d[2] = {0xff};

	(void)state;
	assert_int_equal(fw_control(0x80, 8, 0, 0, 1, d), 1);
	assert_int_equal(d[0], 0);
	assert_int_equal(usbd_xfer(0x81, reply, 10, 0), TANDEM_ERR_INVAL);
	fw_enumerate();
	assert_int_equal(configured_calls, 1);
	assert_int_equal(fw_control(0x80, 8, 0, 0, 1, d), 1);
	assert_int_equal(d[0], 1);
	assert_int_equal(fw_control(0x00, 9, 2, 0, 0, NULL), FAKE_STALL);
	assert_int_equal(usbd_configuration(), 1);
	/* Interface requests: alternate setting 0 only. */
	assert_int_equal(fw_control(0x81, 10, 0, 0, 1, d), 1);
	assert_int_equal(d[0], 0);
	assert_int_equal(fw_control(0x01, 11, 0, 0, 0, NULL), 0);
	assert_int_equal(fw_control(0x01, 11, 1, 0, 0, NULL), FAKE_STALL);
	assert_int_equal(fw_control(0x00, 9, 0, 0, 0, NULL), 0);
	assert_int_equal(usbd_configuration(), 0);
	assert_int_equal(reset_calls, 1);
	assert_int_equal(usbd_xfer(0x81, reply, 10, 0), TANDEM_ERR_INVAL);
}

static void test_control_in_packets(void **state)
{
	uint8_t pkt[8] = {0xc0, 0x20, 0, 0, 0, 0, 255, 0};
	uint8_t d[300];

	(void)state;
	/* 130 bytes: 64 + 64 + 2. */
	reply_len = 130;
	assert_int_equal(fw_control(0xc0, 0x20, 0, 0, 255, d), 130);
	assert_memory_equal(d, reply, 130);
	/* Exactly 64 of 255 asked: a full packet, then a ZLP ends it. */
	reply_len = 64;
	fake_usb_setup(pkt);
	assert_int_equal(fake_usb_in(0x80, d, 64), 64);
	assert_int_equal(fake_usb_in(0x80, d, 64), 0);
	assert_int_equal(fake_usb_out(0x00, NULL, 0), 0);
	/* 64 of 64 asked: no ZLP, the device waits for the status OUT. */
	pkt[6] = 64;
	fake_usb_setup(pkt);
	assert_int_equal(fake_usb_in(0x80, d, 64), 64);
	assert_int_equal(fake_usb_in(0x80, d, 64), FAKE_NAK);
	assert_int_equal(fake_usb_out(0x00, NULL, 0), 0);
	/* A longer reply is cut at wLength. */
	reply_len = 200;
	assert_int_equal(fw_control(0xc0, 0x20, 0, 0, 100, d), 100);
	assert_memory_equal(d, reply, 100);
}

static void test_control_out_data(void **state)
{
	uint8_t d[150];

	(void)state;
	for (unsigned i = 0; i < sizeof(d); i++)
		d[i] = (uint8_t)(0x5a ^ i);
	assert_int_equal(fw_control(0x40, 0x21, 0, 0, 150, d), 0);
	assert_int_equal(out_got, 150);
	assert_memory_equal(out_buf, d, 150);
	/* Rejected after the data stage: the status stage stalls. */
	out_result = USBD_STALL;
	assert_int_equal(fw_control(0x40, 0x21, 0, 0, 10, d), FAKE_STALL);
	/* More data than the function can take: stalled at once. */
	out_result = USBD_OK;
	out_got = 0;
	assert_int_equal(fw_control(0x40, 0x21, 0, 0, 301, d), FAKE_STALL);
	assert_int_equal(out_got, 0);
}

static void test_deferred_status(void **state)
{
	const uint8_t pkt[8] = {0x40, 0x22, 0, 0, 0, 0, 0, 0};
	uint8_t z[1];

	(void)state;
	assert_int_equal(usbd_control_complete(1), TANDEM_ERR_INVAL);
	fake_usb_setup(pkt);
	assert_true(usbd_control_pending());
	assert_int_equal(fake_usb_in(0x80, z, 1), FAKE_NAK);
	assert_int_equal(fake_usb_in(0x80, z, 1), FAKE_NAK);
	assert_int_equal(usbd_control_complete(1), 0);
	assert_int_equal(fake_usb_in(0x80, z, 1), 0);
	assert_false(usbd_control_pending());
	/* Completed with an error: the status stage stalls. */
	fake_usb_setup(pkt);
	assert_int_equal(usbd_control_complete(0), 0);
	assert_int_equal(fake_usb_in(0x80, z, 1), FAKE_STALL);
	/* A new SETUP abandons a deferred request. */
	fake_usb_setup(pkt);
	reply_len = 3;
	assert_int_equal(fw_control(0xc0, 0x20, 0, 0, 3, z), 1 + 2);
	assert_int_equal(usbd_control_complete(1), TANDEM_ERR_INVAL);
}

static void test_setup_aborts_transfer(void **state)
{
	const uint8_t pkt[8] = {0xc0, 0x20, 0, 0, 0, 0, 200, 0};
	uint8_t d[200];

	(void)state;
	reply_len = 200;
	fake_usb_setup(pkt);
	assert_int_equal(fake_usb_in(0x80, d, 64), 64);
	/* The host gives up; the next request works from its start. */
	assert_int_equal(fw_control(0xc0, 0x20, 0, 0, 200, d), 200);
	assert_memory_equal(d, reply, 200);
}

static void test_bulk_transfers(void **state)
{
	uint8_t d[300];

	(void)state;
	fw_enumerate();
	assert_int_equal(usbd_xfer(0x81, reply, 130, 1), 0);
	assert_int_equal(usbd_xfer(0x81, reply, 130, 1), TANDEM_ERR_IO);
	assert_int_equal(fw_bulk_in(0x81, d, sizeof(d)), 130);
	assert_memory_equal(d, reply, 130);
	assert_int_equal(done_ep, 0x81);
	assert_int_equal(done_len, 130);
	/* A multiple of 64 with zlp: 64, 64, then a ZLP. */
	assert_int_equal(usbd_xfer(0x81, reply, 128, 1), 0);
	assert_int_equal(fake_usb_in(0x81, d, 64), 64);
	assert_int_equal(fake_usb_in(0x81, d, 64), 64);
	assert_int_equal(done_calls, 1);
	assert_int_equal(fake_usb_in(0x81, d, 64), 0);
	assert_int_equal(done_calls, 2);
	/* Without zlp the transfer ends with its last full packet. */
	assert_int_equal(usbd_xfer(0x81, reply, 64, 0), 0);
	assert_int_equal(fake_usb_in(0x81, d, 64), 64);
	assert_int_equal(done_calls, 3);
	assert_int_equal(fake_usb_in(0x81, d, 64), FAKE_NAK);
	/* OUT: ends with the short packet. */
	assert_int_equal(usbd_xfer(0x02, out_buf, 200, 0), 0);
	assert_int_equal(fw_bulk_out(0x02, reply, 138, 0), 138);
	assert_int_equal(done_ep, 0x02);
	assert_int_equal(done_len, 138);
	assert_memory_equal(out_buf, reply, 138);
	/* OUT: ends when the length is reached. */
	assert_int_equal(usbd_xfer(0x02, out_buf, 128, 0), 0);
	assert_int_equal(fw_bulk_out(0x02, reply + 1, 128, 0), 128);
	assert_int_equal(done_len, 128);
	assert_int_equal(usbd_xfer(0x03, out_buf, 10, 0), TANDEM_ERR_INVAL);
}

static void test_endpoint_halt(void **state)
{
	uint8_t d[64];

	(void)state;
	fw_enumerate();
	assert_int_equal(fw_control(0x02, 3, 0, 0x81, 0, NULL), 0);
	assert_true(fake_usb_stalled(0x81));
	assert_true(usbd_halted(0x81));
	assert_int_equal(fw_control(0x82, 0, 0, 0x81, 2, d), 2);
	assert_int_equal(d[0], 1);
	/* A transfer queued while halted waits... */
	assert_int_equal(usbd_xfer(0x81, reply, 10, 0), 0);
	assert_int_equal(fake_usb_in(0x81, d, 64), FAKE_STALL);
	/* ... and goes out after CLEAR_FEATURE, from DATA0. */
	assert_int_equal(fw_control(0x02, 1, 0, 0x81, 0, NULL), 0);
	assert_false(fake_usb_stalled(0x81));
	assert_int_equal(fake_usb_pid(0x81), 0);
	assert_int_equal(fake_usb_in(0x81, d, 64), 10);
	assert_memory_equal(d, reply, 10);
	assert_int_equal(fw_control(0x82, 0, 0, 0x81, 2, d), 2);
	assert_int_equal(d[0], 0);
	/* Endpoints that do not exist stall. */
	assert_int_equal(fw_control(0x02, 3, 0, 0x85, 0, NULL), FAKE_STALL);
	assert_int_equal(fw_control(0x82, 0, 0, 0x03, 2, d), FAKE_STALL);
}

static void test_bus_reset(void **state)
{
	(void)state;
	fw_enumerate();
	assert_int_equal(usbd_xfer(0x81, reply, 10, 0), 0);
	fake_usb_bus_reset();
	assert_int_equal(usbd_configuration(), 0);
	assert_int_equal(reset_calls, 1);
	assert_false(usbd_busy(0x81));
	fw_enumerate();
	assert_int_equal(configured_calls, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_device_descriptor, setup_fn),
	        cmocka_unit_test_setup(test_config_descriptor, setup_fn),
	        cmocka_unit_test_setup(test_string_descriptors, setup_fn),
	        cmocka_unit_test_setup(test_stall_then_recover, setup_fn),
	        cmocka_unit_test_setup(test_set_address_after_status, setup_fn),
	        cmocka_unit_test_setup(test_configuration, setup_fn),
	        cmocka_unit_test_setup(test_control_in_packets, setup_fn),
	        cmocka_unit_test_setup(test_control_out_data, setup_fn),
	        cmocka_unit_test_setup(test_deferred_status, setup_fn),
	        cmocka_unit_test_setup(test_setup_aborts_transfer, setup_fn),
	        cmocka_unit_test_setup(test_bulk_transfers, setup_fn),
	        cmocka_unit_test_setup(test_endpoint_halt, setup_fn),
	        cmocka_unit_test_setup(test_bus_reset, setup_fn),
	};

	return cmocka_run_group_tests_name("firmware_usbd", tests, NULL, NULL);
}
