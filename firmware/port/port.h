/* The per-chip port below the bridge: time, the UART to the FPGA, the
 * FPGA configuration pins, the unique id and the MCU watchdog. One
 * implementation per chip (port/rp2040/), plus port/fake/ for the host
 * unit tests. The USB device controller is the other half of a port
 * (usb/dcd.h). All functions are called from the main loop only.
 */
#ifndef TANDEM_PORT_H
#define TANDEM_PORT_H

#include <stddef.h>
#include <stdint.h>

/* Sets up clocks, pins, timer and the UART at its default rate. */
void port_init(void);

/* Free-running microsecond counter (wraps after ~71 minutes; compare
 * differences only). */
uint32_t port_time_us(void);
void port_delay_us(uint32_t us);

/* ---- UART to the FPGA ---- */
#define PORT_UART_FLOW 0x01u /* RTS/CTS hardware flow control */
/* Returns 0 or TANDEM_ERR_RANGE (baud outside what the clock can do). */
int port_uart_config(uint32_t baud, unsigned flags);
/* Non-blocking: bytes accepted by the transmitter (0..n). */
size_t port_uart_write(const uint8_t *p, size_t n);
/* Non-blocking: bytes taken from the receiver (0..n). */
size_t port_uart_read(uint8_t *p, size_t n);
/* Receive bytes lost (hardware or buffer overrun) and line errors
 * (framing, parity, break) since the last call; both reset to 0. */
void port_uart_errors(uint32_t *lost, uint32_t *line);

/* ---- FPGA configuration port (iCE40 SPI slave mode) ---- */
void port_fpga_creset(int level); /* CRESET_B: 0 holds the FPGA in reset */
int port_fpga_cdone(void);        /* CDONE level */
/* Takes the shared SPI lines (SCK, SI, SS_B) as outputs, or gives them
 * back (inputs, so the FPGA may use them after configuration). */
void port_fpga_spi_claim(int on);
void port_fpga_ss(int level);
/* Clocks n bytes out MSB first (SPI mode 3, iCE40 samples on the rising
 * edge); blocking. */
void port_fpga_spi_write(const uint8_t *p, size_t n);

/* ---- identity and supervision ---- */
/* 8-byte unique id of this board (RP2040: the QSPI flash's unique id).
 * Returns 0, or TANDEM_ERR_NOT_FOUND (id unavailable; id zeroed). */
int port_unique_id(uint8_t id[8]);
/* Feeds the MCU watchdog (resets the chip if the main loop hangs). */
void port_wdt_feed(void);

#endif /* TANDEM_PORT_H */
