/* The fake port for host unit tests: port.h and dcd.h on plain memory,
 * with hooks that let a test play the USB host, the FPGA's UART and the
 * FPGA's configuration pins. Nothing here runs on hardware. */
#ifndef TANDEM_FAKE_PORT_H
#define TANDEM_FAKE_PORT_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_NAK   (-1000) /* endpoint not armed: the device NAKs */
#define FAKE_STALL (-1001) /* endpoint stalled */

/* Resets every fake to power-up state (time 0, empty buffers). */
void fake_reset(void);

/* ---- time ---- */
void fake_time_set(uint32_t us);
void fake_time_add(uint32_t us);

/* ---- UART: what the bridge sent to the FPGA, what the FPGA sends ---- */
extern uint8_t fake_uart_tx[65536];
extern size_t fake_uart_tx_len;
extern size_t fake_uart_tx_room; /* bytes accepted per write call */
extern uint32_t fake_uart_baud;
extern unsigned fake_uart_flags;
/* Queues bytes for the bridge to read; returns the count queued. */
size_t fake_uart_feed(const uint8_t *p, size_t n);
void fake_uart_lose(uint32_t lost, uint32_t line);

/* ---- FPGA configuration pins ---- */
struct fake_fpga {
	int creset;    /* CRESET_B level */
	int ss;        /* SPI_SS_B level */
	int claimed;   /* SPI lines driven by the bridge */
	int cdone;     /* CDONE level */
	int will_done; /* 1: CDONE rises once clocked with SS_B high after
	                * a load; 0: it never rises */
	int slave;     /* SS_B was low when CRESET_B rose */
	uint32_t t_creset_high;
	uint32_t t_first_data; /* time of the first byte with SS_B low */
	uint8_t data[131072];  /* bytes clocked with SS_B low, after reset */
	size_t data_len;
	size_t pre_clocks;  /* bytes clocked with SS_B high before data */
	size_t post_clocks; /* bytes clocked with SS_B high after data */
	char log[256];      /* pin events in order: r/R CRESET_B low/high,
	                     * s/S SS_B low/high, c/f claim/free */
	size_t log_len;
};
extern struct fake_fpga fake_fpga;

/* ---- unique id ---- */
extern uint8_t fake_uid[8];
extern int fake_uid_ok;
extern unsigned fake_wdt_feeds;

/* ---- USB host side ---- */
extern uint8_t fake_usb_address;
extern int fake_usb_connected;
/* Delivers a SETUP packet (clears EP0 stalls, as hardware does). */
void fake_usb_setup(const uint8_t pkt[8]);
/* Host IN token on ep (0x80 | n): returns bytes received (0 = ZLP),
 * FAKE_NAK or FAKE_STALL. */
int fake_usb_in(uint8_t ep, uint8_t *buf, uint16_t cap);
/* Host OUT on ep: returns len, FAKE_NAK, FAKE_STALL, or -1 when len is
 * more than the device armed for. */
int fake_usb_out(uint8_t ep, const uint8_t *data, uint16_t len);
void fake_usb_bus_reset(void);
int fake_usb_stalled(uint8_t ep);
int fake_usb_armed(uint8_t ep);
/* DATA0/1 the device will use next on ep. */
int fake_usb_pid(uint8_t ep);

#endif /* TANDEM_FAKE_PORT_H */
