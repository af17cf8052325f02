/* RP2040 USB device controller driver (dcd.h). Polled: dcd_poll() reads
 * SIE_STATUS and BUFF_STATUS from the main loop, so no interrupt handler
 * touches the stack. Every endpoint is single-buffered with one 64-byte
 * buffer in the controller's DPRAM; EP0 uses the fixed EP0 buffer for
 * both directions (datasheet 4.1.2.5). */
#include <string.h>

#include "dcd.h"
#include "regs.h"
#include "tandem_err.h"
#include "usb_std.h"

#define NUM_EP 4u

struct dcd_ep {
	uint8_t *buf; /* OUT: where the packet goes */
	uint16_t len;
	uint16_t mps;
	uint8_t pid; /* next DATA0/DATA1 */
	uint8_t open;
};

static struct dcd_ep dcd_eps[2][NUM_EP]; /* [in][num] */

static struct dcd_ep *ep_of(uint8_t ep)
{
	return &dcd_eps[USB_EP_DIR_IN(ep) ? 1 : 0][USB_EP_NUM(ep)];
}

static uint32_t buf_ctrl_addr(uint8_t ep)
{
	unsigned n = USB_EP_NUM(ep);

	return USB_DPRAM + (USB_EP_DIR_IN(ep) ? DPRAM_BUF_CTRL_IN(n)
	                                      : DPRAM_BUF_CTRL_OUT(n));
}

static uint32_t buf_addr(uint8_t ep)
{
	unsigned n = USB_EP_NUM(ep);

	if (!n)
		return USB_DPRAM + DPRAM_EP0_BUF;
	/* EPn IN at DATA + 128 (n-1), EPn OUT 64 bytes after it */
	return USB_DPRAM + DPRAM_DATA + 128u * (n - 1u) +
	       (USB_EP_DIR_IN(ep) ? 0u : 64u);
}

/* DPRAM is written and read a word at a time (byte lanes work on the
 * chip, but whole words are what the controller's model expects). */
static void dpram_write(uint32_t addr, const uint8_t *p, uint16_t n)
{
	for (uint16_t i = 0; i < n; i += 4) {
		uint32_t w = 0;

		for (uint16_t k = 0; k < 4 && i + k < n; k++)
			w |= (uint32_t)p[i + k] << (8 * k);
		REG(addr + i) = w;
	}
}

static void dpram_read(uint32_t addr, uint8_t *p, uint16_t n)
{
	for (uint16_t i = 0; i < n; i += 4) {
		uint32_t w = REG(addr + i);

		for (uint16_t k = 0; k < 4 && i + k < n; k++)
			p[i + k] = (uint8_t)(w >> (8 * k));
	}
}

static void buf_ctrl_write(uint8_t ep, uint32_t v)
{
	uint32_t a = buf_ctrl_addr(ep);

	/* AVAILABLE goes in last, a few cycles after the rest: the
	 * controller runs on the slower clk_usb (datasheet 4.1.2.5.1). */
	REG(a) = v & ~BUF_AVAILABLE;
	__asm__ volatile("nop\n nop\n nop\n nop\n nop\n nop\n"
	                 "nop\n nop\n nop\n nop\n nop\n nop");
	REG(a) = v;
}

static void eps_reset(void)
{
	memset(dcd_eps, 0, sizeof(dcd_eps));
	dcd_eps[0][0].open = dcd_eps[1][0].open = 1;
	dcd_eps[0][0].mps = dcd_eps[1][0].mps = 64;
}

void dcd_init(void)
{
	REG_SET(RESETS_RESET) = RESET_USBCTRL;
	REG_CLR(RESETS_RESET) = RESET_USBCTRL;
	while (!(REG(RESETS_RESET_DONE) & RESET_USBCTRL))
		;
	for (uint32_t a = 0; a < 4096u; a += 4)
		REG(USB_DPRAM + a) = 0;
	eps_reset();
	REG(USB_USB_MUXING) = USB_MUXING_TO_PHY | USB_MUXING_SOFTCON;
	/* No VBUS sense pin on the board: the device is bus powered, so
	 * VBUS is present whenever it runs. */
	REG(USB_USB_PWR) =
	        USB_PWR_VBUS_DETECT | USB_PWR_VBUS_DETECT_OVERRIDE_EN;
	REG(USB_MAIN_CTRL) = USB_MAIN_CTRL_CONTROLLER_EN;
	REG(USB_SIE_CTRL) = USB_SIE_CTRL_EP0_INT_1BUF;
}

void dcd_connect(int on)
{
	if (on)
		REG_SET(USB_SIE_CTRL) = USB_SIE_CTRL_PULLUP_EN;
	else
		REG_CLR(USB_SIE_CTRL) = USB_SIE_CTRL_PULLUP_EN;
}

void dcd_set_address(uint8_t addr)
{
	REG(USB_ADDR_ENDP) = addr & 0x7fu;
}

int dcd_ep_open(uint8_t ep, uint8_t type, uint16_t mps)
{
	unsigned n = USB_EP_NUM(ep);
	struct dcd_ep *e;
	uint32_t ctrl;

	if (!n || n >= NUM_EP || mps > 64 ||
	    (type != USB_EP_BULK && type != USB_EP_INTERRUPT))
		return TANDEM_ERR_RANGE;
	e = ep_of(ep);
	memset(e, 0, sizeof(*e));
	e->mps = mps;
	e->open = 1;
	ctrl = EP_CTRL_ENABLE | EP_CTRL_INT_PER_BUFF |
	       ((uint32_t)type << EP_CTRL_TYPE_SHIFT) |
	       (buf_addr(ep) - USB_DPRAM);
	REG(USB_DPRAM + (USB_EP_DIR_IN(ep) ? DPRAM_EP_CTRL_IN(n)
	                                   : DPRAM_EP_CTRL_OUT(n))) = ctrl;
	REG(buf_ctrl_addr(ep)) = 0;
	return 0;
}

void dcd_ep_close_all(void)
{
	for (unsigned n = 1; n < NUM_EP; n++) {
		REG(USB_DPRAM + DPRAM_EP_CTRL_IN(n)) = 0;
		REG(USB_DPRAM + DPRAM_EP_CTRL_OUT(n)) = 0;
		REG(USB_DPRAM + DPRAM_BUF_CTRL_IN(n)) = 0;
		REG(USB_DPRAM + DPRAM_BUF_CTRL_OUT(n)) = 0;
		memset(&dcd_eps[0][n], 0, sizeof(dcd_eps[0][n]));
		memset(&dcd_eps[1][n], 0, sizeof(dcd_eps[1][n]));
	}
}

int dcd_ep_xfer(uint8_t ep, uint8_t *buf, uint16_t len)
{
	struct dcd_ep *e = ep_of(ep);
	uint32_t v;

	if (USB_EP_NUM(ep) >= NUM_EP || !e->open || len > e->mps ||
	    (len && !buf))
		return TANDEM_ERR_INVAL;
	v = len | (e->pid ? BUF_DATA1 : 0) | BUF_AVAILABLE;
	if (USB_EP_DIR_IN(ep)) {
		dpram_write(buf_addr(ep), buf, len);
		v |= BUF_FULL;
	} else {
		e->buf = buf;
		e->len = len;
	}
	e->pid ^= 1u;
	buf_ctrl_write(ep, v);
	return 0;
}

void dcd_ep_stall(uint8_t ep)
{
	if (!USB_EP_NUM(ep))
		REG_SET(USB_EP_STALL_ARM) = USB_EP_DIR_IN(ep) ? 1u : 2u;
	buf_ctrl_write(ep, BUF_STALL);
}

void dcd_ep_clear_stall(uint8_t ep)
{
	if (!USB_EP_NUM(ep))
		return;
	ep_of(ep)->pid = 0;
	REG(buf_ctrl_addr(ep)) = 0;
}

static void setup_received(void)
{
	uint8_t pkt[8];

	REG(USB_SIE_STATUS) = USB_SIE_STATUS_SETUP_REC;
	dpram_read(USB_DPRAM + DPRAM_SETUP, pkt, 8);
	/* Data and status stages start with DATA1 (USB 2.0, 8.5.3). */
	dcd_eps[0][0].pid = 1;
	dcd_eps[1][0].pid = 1;
	usbd_evt_setup(pkt);
}

static void buffers_done(uint32_t bs)
{
	for (unsigned bit = 0; bit < 2u * NUM_EP; bit++) {
		uint8_t ep;
		uint32_t ctrl;
		uint16_t n;
		struct dcd_ep *e;

		if (!(bs & (1u << bit)))
			continue;
		REG(USB_BUFF_STATUS) = 1u << bit;
		/* bit 2n: EPn IN, bit 2n+1: EPn OUT */
		ep = (uint8_t)((bit >> 1) | (bit & 1u ? 0u : 0x80u));
		ctrl = REG(buf_ctrl_addr(ep));
		n = (uint16_t)(ctrl & BUF_LEN_MASK);
		e = ep_of(ep);
		if (!USB_EP_DIR_IN(ep)) {
			if (n > e->len)
				n = e->len;
			if (n && e->buf)
				dpram_read(buf_addr(ep), e->buf, n);
		}
		usbd_evt_xfer_done(ep, n);
	}
}

void dcd_poll(void)
{
	uint32_t st = REG(USB_SIE_STATUS);
	uint32_t bs;

	if (st & USB_SIE_STATUS_BUS_RESET) {
		REG(USB_SIE_STATUS) = USB_SIE_STATUS_BUS_RESET;
		REG(USB_ADDR_ENDP) = 0;
		REG(USB_BUFF_STATUS) = 0xffffffffu;
		eps_reset();
		usbd_evt_reset();
		return;
	}
	/* Finish packets before a new SETUP so the old control transfer
	 * ends in order. */
	bs = REG(USB_BUFF_STATUS);
	if (bs)
		buffers_done(bs);
	if (st & USB_SIE_STATUS_SETUP_REC)
		setup_received();
}
