/* The bridge between USB bulk frames and the FPGA UART (see bridge.h). */
#include "bridge.h"

#include <string.h>

#include "fpga_cfg.h"
#include "frame.h"
#include "port.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "usb_desc.h"

#define ACC_SIZE      (TANDEM_MAX_FRAME + TANDEM_EP_SIZE)
#define RUN_FRAME_LEN (TANDEM_FRAME_OVERHEAD + PROTO_RUN_LEN)

static struct {
	/* host -> FPGA */
	uint8_t out_pkt[TANDEM_EP_SIZE];
	uint8_t h2f[ACC_SIZE];
	size_t h2f_len;
	uint8_t tx[BRIDGE_TX_RING];
	size_t tx_head, tx_tail; /* free-running indexes */
	/* FPGA -> host */
	uint8_t f2h[ACC_SIZE];
	size_t f2h_len;
	uint8_t inq[BRIDGE_IN_QUEUE];
	size_t inq_head, inq_tail; /* free-running; entries u16 len + bytes */
	uint8_t in_buf[TANDEM_MAX_FRAME];
	/* control requests */
	uint8_t reply[64];
	uint8_t cfg_buf[TB_FPGA_CHUNK_MAX];
	uint8_t cfg_deferred;
	/* watchdog */
	uint32_t wd_timeout_us;
	uint32_t last_host_us;
	uint8_t wd_armed;   /* host sent a frame since the last trip */
	uint8_t wd_pending; /* RUN-stop frame waits for ring space */
	uint8_t wd_ack;     /* its ACK is still to be swallowed */
	uint8_t run_frame[RUN_FRAME_LEN];
	/* UART */
	uint32_t baud;
	uint8_t uart_flags;
	uint32_t cnt[TB_CNT_COUNT];
} br;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

/* ---- rings ------------------------------------------------------------ */

static size_t tx_free(void)
{
	return BRIDGE_TX_RING - (br.tx_head - br.tx_tail);
}

static void tx_put(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		br.tx[(br.tx_head + i) % BRIDGE_TX_RING] = p[i];
	br.tx_head += n;
}

static void tx_drain(void)
{
	while (br.tx_head != br.tx_tail) {
		size_t off = br.tx_tail % BRIDGE_TX_RING;
		size_t n = br.tx_head - br.tx_tail;
		size_t w;

		if (n > BRIDGE_TX_RING - off)
			n = BRIDGE_TX_RING - off;
		w = port_uart_write(br.tx + off, n);
		br.tx_tail += w;
		if (w < n)
			break;
	}
}

static size_t inq_free(void)
{
	return BRIDGE_IN_QUEUE - (br.inq_head - br.inq_tail);
}

static void inq_put(const uint8_t *p, size_t n)
{
	uint8_t hdr[2];

	put16(hdr, (uint16_t)n);
	for (size_t i = 0; i < 2; i++)
		br.inq[(br.inq_head + i) % BRIDGE_IN_QUEUE] = hdr[i];
	br.inq_head += 2;
	for (size_t i = 0; i < n; i++)
		br.inq[(br.inq_head + i) % BRIDGE_IN_QUEUE] = p[i];
	br.inq_head += n;
}

static size_t inq_get(uint8_t *p)
{
	size_t n;

	if (br.inq_head == br.inq_tail)
		return 0;
	n = br.inq[br.inq_tail % BRIDGE_IN_QUEUE] |
	    ((size_t)br.inq[(br.inq_tail + 1) % BRIDGE_IN_QUEUE] << 8);
	br.inq_tail += 2;
	for (size_t i = 0; i < n; i++)
		p[i] = br.inq[(br.inq_tail + i) % BRIDGE_IN_QUEUE];
	br.inq_tail += n;
	return n;
}

static void acc_drop(uint8_t *acc, size_t *len, size_t n)
{
	memmove(acc, acc + n, *len - n);
	*len -= n;
}

/* ---- host -> FPGA ---------------------------------------------------------
 */

static void out_arm(void)
{
	if (!usbd_configuration() || usbd_busy(TANDEM_EP_OUT))
		return;
	if (ACC_SIZE - br.h2f_len < TANDEM_EP_SIZE)
		return;
	usbd_xfer(TANDEM_EP_OUT, br.out_pkt, TANDEM_EP_SIZE, 0);
}

static void h2f_process(void)
{
	enum frame_scan_result r;
	size_t n;

	for (;;) {
		/* The watchdog's frame goes in between two host frames. */
		if (br.wd_pending && tx_free() >= RUN_FRAME_LEN) {
			tx_put(br.run_frame, RUN_FRAME_LEN);
			br.wd_pending = 0;
			br.wd_ack = 1;
		}
		r = frame_scan(br.h2f, br.h2f_len, &n);
		if (r == FRAME_SHORT)
			break;
		if (r == FRAME_OK) {
			if (br.wd_pending || tx_free() < n)
				break; /* wait for the UART */
			tx_put(br.h2f, n);
			br.cnt[TB_CNT_H2F_FRAMES]++;
			br.wd_armed = 1;
		} else if (r == FRAME_JUNK) {
			br.cnt[TB_CNT_H2F_JUNK] += (uint32_t)n;
		} else {
			br.cnt[TB_CNT_H2F_BAD]++;
		}
		acc_drop(br.h2f, &br.h2f_len, n);
	}
}

/* ---- FPGA -> host ---------------------------------------------------------
 */

static int is_watchdog_ack(const uint8_t *f, size_t n)
{
	return n >= TANDEM_FRAME_OVERHEAD + 2 && f[3] == PROTO_ACK &&
	       f[TANDEM_FRAME_HEADER] == PROTO_RUN &&
	       f[TANDEM_FRAME_HEADER + 1] == TB_WATCHDOG_SEQ;
}

static void f2h_process(void)
{
	enum frame_scan_result r;
	uint32_t lost, line;
	size_t n;

	if (br.f2h_len < ACC_SIZE)
		br.f2h_len += port_uart_read(br.f2h + br.f2h_len,
		                             ACC_SIZE - br.f2h_len);
	port_uart_errors(&lost, &line);
	br.cnt[TB_CNT_UART_LOST] += lost;
	br.cnt[TB_CNT_UART_ERRORS] += line;

	for (;;) {
		r = frame_scan(br.f2h, br.f2h_len, &n);
		if (r == FRAME_SHORT)
			break;
		if (r == FRAME_OK) {
			if (br.wd_ack && is_watchdog_ack(br.f2h, n)) {
				br.wd_ack = 0;
			} else if (inq_free() >= n + 2) {
				inq_put(br.f2h, n);
				br.cnt[TB_CNT_F2H_FRAMES]++;
			} else if (br.uart_flags & TB_UART_FLOW) {
				break; /* hold it; RTS stops the FPGA */
			} else {
				br.cnt[TB_CNT_F2H_DROPPED]++;
			}
		} else if (r == FRAME_JUNK) {
			br.cnt[TB_CNT_F2H_JUNK] += (uint32_t)n;
		} else {
			br.cnt[TB_CNT_F2H_BAD]++;
		}
		acc_drop(br.f2h, &br.f2h_len, n);
	}
}

static void in_kick(void)
{
	size_t n;

	if (!usbd_configuration() || usbd_busy(TANDEM_EP_IN) ||
	    usbd_halted(TANDEM_EP_IN))
		return;
	n = inq_get(br.in_buf);
	if (n)
		usbd_xfer(TANDEM_EP_IN, br.in_buf, (uint16_t)n, 1);
}

/* ---- watchdog -------------------------------------------------------------
 */

static void wd_trip(void)
{
	br.wd_armed = 0;
	br.wd_pending = 1;
	br.cnt[TB_CNT_WD_TRIPS]++;
}

static void wd_check(uint32_t now_us)
{
	if (!br.wd_armed || !br.wd_timeout_us || fpga_cfg_busy())
		return;
	if (now_us - br.last_host_us >= br.wd_timeout_us)
		wd_trip();
}

/* ---- USB function callbacks -----------------------------------------------
 */

static void br_reset(void)
{
	/* The host's session is gone: partial frames are garbage, queued
	 * answers belong to nobody, and a running job must stop. */
	br.h2f_len = 0;
	br.inq_head = br.inq_tail = 0;
	if (br.wd_armed && br.wd_timeout_us)
		wd_trip();
}

static int br_configured(uint8_t config)
{
	(void)config;
	if (usbd_ep_open(TANDEM_EP_OUT, USB_EP_BULK, TANDEM_EP_SIZE) < 0 ||
	    usbd_ep_open(TANDEM_EP_IN, USB_EP_BULK, TANDEM_EP_SIZE) < 0)
		return TANDEM_ERR_IO;
	br.h2f_len = 0;
	br.inq_head = br.inq_tail = 0;
	out_arm();
	return 0;
}

static void br_activity(void)
{
	br.last_host_us = port_time_us();
}

static void br_xfer_done(uint8_t ep, uint16_t len)
{
	if (ep == TANDEM_EP_OUT) {
		br.last_host_us = port_time_us();
		memcpy(br.h2f + br.h2f_len, br.out_pkt, len);
		br.h2f_len += len;
		h2f_process();
		out_arm();
	} else if (ep == TANDEM_EP_IN) {
		in_kick();
	}
}

static uint16_t info_fill(uint8_t *p)
{
	memset(p, 0, TB_INFO_LEN);
	p[TB_INFO_VERSION] = TB_BRIDGE_VERSION;
	p[TB_INFO_PROTO] = TANDEM_PROTO_VERSION;
	put16(p + TB_INFO_MAX_FRAME, TANDEM_MAX_FRAME);
	put32(p + TB_INFO_BAUD, br.baud);
	p[TB_INFO_UART_FLAGS] = br.uart_flags;
	p[TB_INFO_COUNTERS] = TB_CNT_COUNT;
	put16(p + TB_INFO_WATCHDOG, (uint16_t)(br.wd_timeout_us / 10000u));
	put16(p + TB_INFO_CHUNK, TB_FPGA_CHUNK_MAX);
	return TB_INFO_LEN;
}

static uint16_t fstat_fill(uint8_t *p)
{
	memset(p, 0, TB_FSTAT_LEN);
	p[TB_FSTAT_STATE] = (uint8_t)fpga_cfg_state();
	p[TB_FSTAT_CDONE] = (uint8_t)(port_fpga_cdone() ? 1 : 0);
	put16(p + TB_FSTAT_ERROR, (uint16_t)(int16_t)fpga_cfg_error());
	put32(p + TB_FSTAT_BYTES, fpga_cfg_bytes());
	put32(p + TB_FSTAT_TIME, fpga_cfg_time_us());
	return TB_FSTAT_LEN;
}

static int br_control(const struct usb_setup *s, struct usbd_reply *r)
{
	unsigned recip = s->bmRequestType & USB_RECIP_MASK;
	int in = (s->bmRequestType & USB_DIR_IN) != 0;
	int rc;

	if ((s->bmRequestType & USB_TYPE_MASK) != USB_TYPE_VENDOR)
		return USBD_STALL;
	if (recip == USB_RECIP_INTERFACE) {
		if (s->wIndex != TANDEM_USB_IFACE)
			return USBD_STALL;
	} else if (recip != USB_RECIP_DEVICE) {
		return USBD_STALL;
	}
	/* Requests without a data stage must have wLength 0 and vice
	 * versa; the direction bit must match the request. */
	switch (s->bRequest) {
	case TB_REQ_GET_INFO:
		if (!in)
			return USBD_STALL;
		r->data = br.reply;
		r->len = info_fill(br.reply);
		return USBD_OK;
	case TB_REQ_GET_COUNTERS:
		if (!in)
			return USBD_STALL;
		for (unsigned i = 0; i < TB_CNT_COUNT; i++)
			put32(br.reply + 4 * i, br.cnt[i]);
		r->data = br.reply;
		r->len = 4 * TB_CNT_COUNT;
		return USBD_OK;
	case TB_REQ_CLEAR_COUNTERS:
		if (in || s->wLength)
			return USBD_STALL;
		memset(br.cnt, 0, sizeof(br.cnt));
		return USBD_OK;
	case TB_REQ_SET_WATCHDOG:
		if (in || s->wLength)
			return USBD_STALL;
		br.wd_timeout_us = (uint32_t)s->wValue * 10000u;
		return USBD_OK;
	case TB_REQ_SET_UART:
		if (in || s->wLength != 8)
			return USBD_STALL;
		r->data = br.reply;
		r->len = 8;
		return USBD_OK; /* applied in br_control_out */
	case TB_REQ_FPGA_BEGIN:
		if (in || s->wLength)
			return USBD_STALL;
		rc = fpga_cfg_begin(port_time_us());
		if (rc < 0)
			return USBD_STALL;
		br.cfg_deferred = 1;
		return USBD_DEFER;
	case TB_REQ_FPGA_DATA:
		if (in || !s->wLength || s->wLength > TB_FPGA_CHUNK_MAX ||
		    fpga_cfg_busy() || fpga_cfg_state() != TB_FPGA_LOADING)
			return USBD_STALL;
		r->data = br.cfg_buf;
		r->len = TB_FPGA_CHUNK_MAX;
		return USBD_OK; /* clocked out from br_control_out */
	case TB_REQ_FPGA_END:
		if (in || s->wLength)
			return USBD_STALL;
		rc = fpga_cfg_end(port_time_us());
		if (rc == 0) {
			br.cnt[TB_CNT_FPGA_LOADS]++;
			return USBD_OK;
		}
		if (rc == TANDEM_ERR_TIMEOUT)
			br.cnt[TB_CNT_FPGA_FAILS]++;
		return USBD_STALL;
	case TB_REQ_FPGA_STATUS:
		if (!in)
			return USBD_STALL;
		r->data = br.reply;
		r->len = fstat_fill(br.reply);
		return USBD_OK;
	case TB_REQ_FPGA_RESET:
		if (in || s->wLength || s->wValue > 1)
			return USBD_STALL;
		return fpga_cfg_hold(s->wValue) < 0 ? USBD_STALL : USBD_OK;
	default:
		return USBD_STALL;
	}
}

static int br_control_out(const struct usb_setup *s, const uint8_t *data,
                          uint16_t len)
{
	uint32_t baud, flags;

	switch (s->bRequest) {
	case TB_REQ_SET_UART:
		baud = get32(data);
		flags = get32(data + 4);
		if (len != 8 || (flags & ~(uint32_t)TB_UART_FLOW) ||
		    port_uart_config(baud, flags & TB_UART_FLOW ? PORT_UART_FLOW
		                                                : 0) < 0)
			return USBD_STALL;
		br.baud = baud;
		br.uart_flags = (uint8_t)flags;
		return USBD_OK;
	case TB_REQ_FPGA_DATA:
		if (fpga_cfg_data(data, len) < 0)
			return USBD_STALL;
		br.cfg_deferred = 1;
		return USBD_DEFER;
	default:
		return USBD_STALL;
	}
}

const struct usbd_class bridge_usb_class = {
        .descriptor = usb_desc_get,
        .reset = br_reset,
        .configured = br_configured,
        .control = br_control,
        .control_out = br_control_out,
        .xfer_done = br_xfer_done,
        .activity = br_activity,
};

/* ---- main loop ------------------------------------------------------------
 */

void bridge_init(void)
{
	uint8_t payload[PROTO_RUN_LEN];

	memset(&br, 0, sizeof(br));
	fpga_cfg_init();
	br.wd_timeout_us = TB_WATCHDOG_DEFAULT_10MS * 10000u;
	br.baud = TB_UART_DEFAULT_BAUD;
	port_uart_config(br.baud, 0);
	proto_run_pack(0, payload, sizeof(payload));
	proto_frame_encode(PROTO_RUN, TB_WATCHDOG_SEQ, payload, sizeof(payload),
	                   br.run_frame, sizeof(br.run_frame));
	br.last_host_us = port_time_us();
}

void bridge_task(uint32_t now_us)
{
	if (fpga_cfg_task(now_us) && br.cfg_deferred) {
		br.cfg_deferred = 0;
		usbd_control_complete(1);
	}
	wd_check(now_us);
	h2f_process();
	tx_drain();
	out_arm();
	f2h_process();
	in_kick();
}

uint32_t bridge_counter(enum tb_counter c)
{
	return (unsigned)c < TB_CNT_COUNT ? br.cnt[c] : 0;
}
