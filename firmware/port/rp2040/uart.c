/* RP2040 UART0 (ARM PL011) to the FPGA. Receive runs from the UART
 * interrupt into a ring, so a long stretch of main-loop work (a CRC over
 * a large frame) never overruns the 32-byte hardware FIFO; the interrupt
 * handler only queues bytes. Transmit is polled from the main loop. */
#include "board.h"
#include "port.h"
#include "regs.h"
#include "rp2040_port.h"
#include "tandem_err.h"

#define UART(off)   REG(UART0_BASE + (off))
#define RX_RING     4096u /* power of two */
#define CLK_PERI_HZ 48000000u

static volatile uint8_t rx_ring[RX_RING];
static volatile uint32_t rx_head; /* written by the interrupt only */
static volatile uint32_t rx_tail; /* written by the main loop only */
static volatile uint32_t rx_lost;
static volatile uint32_t rx_line;
static volatile uint8_t rx_paused;
static uint32_t lost_seen, line_seen;

void rp2040_uart_irq(void)
{
	while (!(UART(UART_FR) & UART_FR_RXFE)) {
		if (rx_head - rx_tail >= RX_RING) {
			/* Ring full: leave the rest in the FIFO and stop
			 * taking interrupts until the main loop reads (with
			 * RTS/CTS the FPGA is then held off). */
			UART(UART_IMSC) = 0;
			rx_paused = 1;
			return;
		}
		uint32_t d = UART(UART_DR);

		if (d & UART_DR_OE)
			rx_lost++;
		if (d & (UART_DR_BE | UART_DR_PE | UART_DR_FE)) {
			rx_line++;
			continue;
		}
		rx_ring[rx_head % RX_RING] = (uint8_t)d;
		rx_head++;
	}
}

void rp2040_uart_init(void)
{
	REG_SET(RESETS_RESET) = RESET_UART0;
	REG_CLR(RESETS_RESET) = RESET_UART0;
	while (!(REG(RESETS_RESET_DONE) & RESET_UART0))
		;
	rp2040_pin_func(BOARD_UART_TX, FUNC_UART, PAD_DRIVE_8MA);
	/* Pull-up on RX: the line idles high while the FPGA is unconfigured
	 * or in reset, instead of floating into framing errors. */
	rp2040_pin_func(BOARD_UART_RX, FUNC_UART,
	                PAD_IE | PAD_PUE | PAD_SCHMITT);
	rx_head = rx_tail = 0;
	REG(NVIC_ISER) = 1u << UART0_IRQ;
}

int port_uart_config(uint32_t baud, unsigned flags)
{
	/* PL011 divisor = clk_peri / (16 * baud) in 16.6 fixed point. */
	uint32_t div64, ibrd, fbrd;

	if (baud < 300 || baud > CLK_PERI_HZ / 16u)
		return TANDEM_ERR_RANGE;
	div64 = (uint32_t)(((uint64_t)CLK_PERI_HZ * 4u + baud / 2u) / baud);
	ibrd = div64 >> 6;
	fbrd = div64 & 0x3fu;
	if (ibrd == 0 || ibrd > 0xffffu)
		return TANDEM_ERR_RANGE;

	UART(UART_CR) = 0;
	UART(UART_IBRD) = ibrd;
	UART(UART_FBRD) = fbrd;
	/* 8N1, FIFOs on; LCR_H latches the divisor. */
	UART(UART_LCR_H) = UART_LCR_H_WLEN8 | UART_LCR_H_FEN;
	/* Interrupt when the RX FIFO is half full (IFLS RX 1/2) or idle. */
	UART(UART_IFLS) = 2u << 3;
	if (flags & PORT_UART_FLOW) {
		rp2040_pin_func(BOARD_UART_CTS, FUNC_UART, PAD_IE | PAD_PUE);
		rp2040_pin_func(BOARD_UART_RTS, FUNC_UART, PAD_DRIVE_8MA);
	} else {
		rp2040_pin_func(BOARD_UART_CTS, FUNC_NULL, PAD_IE);
		rp2040_pin_func(BOARD_UART_RTS, FUNC_NULL, PAD_IE);
	}
	UART(UART_CR) =
	        UART_CR_UARTEN | UART_CR_TXE | UART_CR_RXE |
	        (flags & PORT_UART_FLOW ? UART_CR_RTSEN | UART_CR_CTSEN : 0);
	UART(UART_IMSC) = UART_INT_RX | UART_INT_RT;
	rx_paused = 0;
	return 0;
}

size_t port_uart_write(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && !(UART(UART_FR) & UART_FR_TXFF); i++)
		UART(UART_DR) = p[i];
	return i;
}

size_t port_uart_read(uint8_t *p, size_t n)
{
	size_t i;
	uint32_t head = rx_head;

	for (i = 0; i < n && rx_tail != head; i++) {
		p[i] = rx_ring[rx_tail % RX_RING];
		rx_tail++;
	}
	if (rx_paused && i) {
		rx_paused = 0;
		UART(UART_IMSC) = UART_INT_RX | UART_INT_RT;
	}
	return i;
}

void port_uart_errors(uint32_t *lost, uint32_t *line)
{
	uint32_t l = rx_lost, e = rx_line;

	*lost = l - lost_seen;
	*line = e - line_seen;
	lost_seen = l;
	line_seen = e;
}
