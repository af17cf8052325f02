/* Host-side helpers for the firmware tests (see fw_host.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fake_port.h"
#include "fw_host.h"

#define SPINS 20000

static void pump_none(void)
{
}

void (*fw_host_pump)(void) = pump_none;

static int in_packet(uint8_t ep, uint8_t *buf, uint16_t cap)
{
	for (int i = 0; i < SPINS; i++) {
		int r = fake_usb_in(ep, buf, cap);

		if (r != FAKE_NAK)
			return r;
		fw_host_pump();
	}
	return FAKE_NAK;
}

static int out_packet(uint8_t ep, const uint8_t *data, uint16_t len)
{
	for (int i = 0; i < SPINS; i++) {
		int r = fake_usb_out(ep, data, len);

		if (r != FAKE_NAK)
			return r;
		fw_host_pump();
	}
	return FAKE_NAK;
}

int fw_control(uint8_t bm, uint8_t req, uint16_t value, uint16_t index,
               uint16_t length, uint8_t *data)
{
	uint8_t pkt[8] = {bm,
	                  req,
	                  (uint8_t)value,
	                  (uint8_t)(value >> 8),
	                  (uint8_t)index,
	                  (uint8_t)(index >> 8),
	                  (uint8_t)length,
	                  (uint8_t)(length >> 8)};
	int got = 0, r;

	fake_usb_setup(pkt);
	if (bm & 0x80) {
		while (got < length) {
			r = in_packet(0x80, data ? data + got : NULL, 64);
			if (r < 0)
				return r;
			got += r;
			if (r < 64)
				break;
		}
		r = out_packet(0x00, NULL, 0); /* status */
		return r < 0 ? r : got;
	}
	while (got < length) {
		uint16_t n = (uint16_t)(length - got < 64 ? length - got : 64);

		r = out_packet(0x00, data ? data + got : NULL, n);
		if (r < 0)
			return r;
		got += n;
	}
	r = in_packet(0x80, NULL, 0); /* status: a ZLP */
	return r < 0 ? r : 0;
}

int fw_bulk_out(uint8_t ep, const uint8_t *data, size_t len, int zlp)
{
	size_t off = 0;
	int r;

	while (off < len) {
		uint16_t n = (uint16_t)(len - off < 64 ? len - off : 64);

		r = out_packet(ep, data + off, n);
		if (r < 0)
			return r;
		off += n;
	}
	if (zlp && len % 64 == 0) {
		r = out_packet(ep, NULL, 0);
		if (r < 0)
			return r;
	}
	return (int)len;
}

int fw_bulk_in(uint8_t ep, uint8_t *buf, size_t cap)
{
	size_t got = 0;
	int r;

	for (;;) {
		uint8_t pkt[64];

		r = in_packet(ep, pkt, 64);
		if (r < 0)
			return got ? (int)got : r;
		assert_true(got + (size_t)r <= cap);
		memcpy(buf + got, pkt, (size_t)r);
		got += (size_t)r;
		if (r < 64)
			return (int)got;
	}
}

void fw_enumerate(void)
{
	assert_int_equal(fw_control(0x00, 0x05, 5, 0, 0, NULL), 0);
	assert_int_equal(fake_usb_address, 5);
	assert_int_equal(fw_control(0x00, 0x09, 1, 0, 0, NULL), 0);
}
