/* The fake port (see fake_port.h). */
#include "fake_port.h"

#include <string.h>

#include "dcd.h"
#include "port.h"
#include "tandem_err.h"
#include "usb_std.h"

static uint32_t fake_now;
uint8_t fake_uart_tx[65536];
size_t fake_uart_tx_len;
size_t fake_uart_tx_room;
uint32_t fake_uart_baud;
unsigned fake_uart_flags;
static uint8_t fake_rx[65536];
static size_t fake_rx_head, fake_rx_tail;
static uint32_t fake_lost, fake_line;
struct fake_fpga fake_fpga;
uint8_t fake_uid[8];
int fake_uid_ok;
unsigned fake_wdt_feeds;
uint8_t fake_usb_address;
int fake_usb_connected;

struct fake_ep {
	uint8_t *buf;
	uint16_t len;
	int armed;
	int stalled;
	int open;
	int pid;
	uint16_t mps;
};
static struct fake_ep fake_eps[2][16];

static struct fake_ep *ep_of(uint8_t ep)
{
	return &fake_eps[USB_EP_DIR_IN(ep) ? 1 : 0][USB_EP_NUM(ep)];
}

void fake_reset(void)
{
	fake_now = 0;
	fake_uart_tx_len = 0;
	fake_uart_tx_room = (size_t)-1;
	fake_uart_baud = 0;
	fake_uart_flags = 0;
	fake_rx_head = fake_rx_tail = 0;
	fake_lost = fake_line = 0;
	memset(&fake_fpga, 0, sizeof(fake_fpga));
	fake_fpga.creset = 1;
	fake_fpga.ss = 1;
	fake_fpga.will_done = 1;
	for (unsigned i = 0; i < 8; i++)
		fake_uid[i] = (uint8_t)(0xe6 - 0x11 * i);
	fake_uid_ok = 1;
	fake_wdt_feeds = 0;
	fake_usb_address = 0;
	fake_usb_connected = 0;
	memset(fake_eps, 0, sizeof(fake_eps));
}

/* ---- port.h ---------------------------------------------------------------
 */

void port_init(void)
{
}

uint32_t port_time_us(void)
{
	return fake_now;
}

void port_delay_us(uint32_t us)
{
	fake_now += us;
}

void fake_time_set(uint32_t us)
{
	fake_now = us;
}

void fake_time_add(uint32_t us)
{
	fake_now += us;
}

int port_uart_config(uint32_t baud, unsigned flags)
{
	if (baud < 300 || baud > 6000000)
		return TANDEM_ERR_RANGE;
	fake_uart_baud = baud;
	fake_uart_flags = flags;
	return 0;
}

size_t port_uart_write(const uint8_t *p, size_t n)
{
	size_t room = sizeof(fake_uart_tx) - fake_uart_tx_len;

	if (n > room)
		n = room;
	if (n > fake_uart_tx_room)
		n = fake_uart_tx_room;
	memcpy(fake_uart_tx + fake_uart_tx_len, p, n);
	fake_uart_tx_len += n;
	return n;
}

size_t fake_uart_feed(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && fake_rx_head - fake_rx_tail < sizeof(fake_rx); i++)
		fake_rx[fake_rx_head++ % sizeof(fake_rx)] = p[i];
	return i;
}

size_t port_uart_read(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && fake_rx_tail != fake_rx_head; i++)
		p[i] = fake_rx[fake_rx_tail++ % sizeof(fake_rx)];
	return i;
}

void fake_uart_lose(uint32_t lost, uint32_t line)
{
	fake_lost += lost;
	fake_line += line;
}

void port_uart_errors(uint32_t *lost, uint32_t *line)
{
	*lost = fake_lost;
	*line = fake_line;
	fake_lost = fake_line = 0;
}

static void fpga_log(char c)
{
	if (fake_fpga.log_len + 1 < sizeof(fake_fpga.log))
		fake_fpga.log[fake_fpga.log_len++] = c;
}

void port_fpga_creset(int level)
{
	level = level ? 1 : 0;
	if (level && !fake_fpga.creset) {
		fake_fpga.t_creset_high = fake_now;
		fake_fpga.slave = !fake_fpga.ss;
		fake_fpga.data_len = 0;
		fake_fpga.pre_clocks = 0;
		fake_fpga.post_clocks = 0;
		fake_fpga.t_first_data = 0;
	}
	if (!level)
		fake_fpga.cdone = 0;
	fake_fpga.creset = level;
	fpga_log(level ? 'R' : 'r');
}

int port_fpga_cdone(void)
{
	return fake_fpga.cdone;
}

void port_fpga_spi_claim(int on)
{
	fake_fpga.claimed = on ? 1 : 0;
	fpga_log(on ? 'c' : 'f');
}

void port_fpga_ss(int level)
{
	fake_fpga.ss = level ? 1 : 0;
	fpga_log(level ? 'S' : 's');
}

void port_fpga_spi_write(const uint8_t *p, size_t n)
{
	if (!fake_fpga.claimed || !fake_fpga.creset || !fake_fpga.slave)
		return; /* nobody listens */
	for (size_t i = 0; i < n; i++) {
		fake_now += 1; /* ~8 clocks at a few MHz */
		if (!fake_fpga.ss) {
			if (!fake_fpga.data_len)
				fake_fpga.t_first_data = fake_now;
			if (fake_fpga.data_len < sizeof(fake_fpga.data))
				fake_fpga.data[fake_fpga.data_len++] = p[i];
		} else if (!fake_fpga.data_len) {
			fake_fpga.pre_clocks++;
		} else {
			fake_fpga.post_clocks++;
			if (fake_fpga.will_done)
				fake_fpga.cdone = 1;
		}
	}
}

int port_unique_id(uint8_t id[8])
{
	if (!fake_uid_ok) {
		memset(id, 0, 8);
		return TANDEM_ERR_NOT_FOUND;
	}
	memcpy(id, fake_uid, 8);
	return 0;
}

void port_wdt_feed(void)
{
	fake_wdt_feeds++;
}

/* ---- dcd.h ----------------------------------------------------------------
 */

void dcd_init(void)
{
	memset(fake_eps, 0, sizeof(fake_eps));
	fake_eps[0][0].open = fake_eps[1][0].open = 1;
	fake_eps[0][0].mps = fake_eps[1][0].mps = 64;
}

void dcd_connect(int on)
{
	fake_usb_connected = on;
}

void dcd_set_address(uint8_t addr)
{
	fake_usb_address = addr;
}

int dcd_ep_open(uint8_t ep, uint8_t type, uint16_t mps)
{
	struct fake_ep *e = ep_of(ep);

	if (!USB_EP_NUM(ep) ||
	    (type != USB_EP_BULK && type != USB_EP_INTERRUPT))
		return TANDEM_ERR_RANGE;
	memset(e, 0, sizeof(*e));
	e->open = 1;
	e->mps = mps;
	return 0;
}

void dcd_ep_close_all(void)
{
	for (unsigned n = 1; n < 16; n++) {
		memset(&fake_eps[0][n], 0, sizeof(fake_eps[0][n]));
		memset(&fake_eps[1][n], 0, sizeof(fake_eps[1][n]));
	}
}

int dcd_ep_xfer(uint8_t ep, uint8_t *buf, uint16_t len)
{
	struct fake_ep *e = ep_of(ep);

	if (!e->open || len > e->mps || (len && !buf))
		return TANDEM_ERR_INVAL;
	e->buf = buf;
	e->len = len;
	e->armed = 1;
	return 0;
}

void dcd_ep_stall(uint8_t ep)
{
	struct fake_ep *e = ep_of(ep);

	e->stalled = 1;
	e->armed = 0;
}

void dcd_ep_clear_stall(uint8_t ep)
{
	struct fake_ep *e = ep_of(ep);

	e->stalled = 0;
	e->pid = 0;
}

void dcd_poll(void)
{
}

void fake_usb_setup(const uint8_t pkt[8])
{
	fake_eps[0][0].stalled = fake_eps[1][0].stalled = 0;
	fake_eps[0][0].armed = fake_eps[1][0].armed = 0;
	fake_eps[0][0].pid = fake_eps[1][0].pid = 1;
	usbd_evt_setup(pkt);
}

int fake_usb_in(uint8_t ep, uint8_t *buf, uint16_t cap)
{
	struct fake_ep *e = ep_of(ep | 0x80u);
	uint16_t n;

	if (e->stalled)
		return FAKE_STALL;
	if (!e->armed)
		return FAKE_NAK;
	n = e->len < cap ? e->len : cap;
	if (n)
		memcpy(buf, e->buf, n);
	e->armed = 0;
	e->pid ^= 1;
	usbd_evt_xfer_done((uint8_t)(ep | 0x80u), e->len);
	return n;
}

int fake_usb_out(uint8_t ep, const uint8_t *data, uint16_t len)
{
	struct fake_ep *e = ep_of(ep & 0x0fu);

	if (e->stalled)
		return FAKE_STALL;
	if (!e->armed)
		return FAKE_NAK;
	if (len > e->len)
		return -1;
	if (len)
		memcpy(e->buf, data, len);
	e->armed = 0;
	e->pid ^= 1;
	usbd_evt_xfer_done((uint8_t)(ep & 0x0fu), len);
	return len;
}

void fake_usb_bus_reset(void)
{
	fake_usb_address = 0;
	usbd_evt_reset();
}

int fake_usb_stalled(uint8_t ep)
{
	return ep_of(ep)->stalled;
}

int fake_usb_armed(uint8_t ep)
{
	return ep_of(ep)->armed;
}

int fake_usb_pid(uint8_t ep)
{
	return ep_of(ep)->pid;
}
