/* RP2040 port: clocks and PLLs, timer, FPGA pins, unique id, watchdog
 * (port.h). The UART is in uart.c, the USB controller in usb_dcd.c. */
#include "port.h"

#include <string.h>

#include "board.h"
#include "regs.h"
#include "rp2040_port.h"
#include "tandem_err.h"

#define MHZ            1000000u
#define WDT_TIMEOUT_MS 500u

/* Bounded poll: hardware that never becomes ready must not hang the
 * start-up forever (the watchdog is not running yet). */
static void wait_set(uint32_t addr, uint32_t mask)
{
	for (uint32_t i = 0; i < 10000000u && !(REG(addr) & mask); i++)
		;
}

static void unreset(uint32_t bits)
{
	REG_CLR(RESETS_RESET) = bits;
	wait_set(RESETS_RESET_DONE, bits);
}

/* f_out = 12 MHz * fbdiv / (post1 * post2), VCO = 12 MHz * fbdiv. */
static void pll_start(uint32_t base, uint32_t reset_bit, uint32_t fbdiv,
                      uint32_t post1, uint32_t post2)
{
	REG_SET(RESETS_RESET) = reset_bit;
	unreset(reset_bit);
	REG(base + PLL_CS) = 1; /* REFDIV 1 */
	REG(base + PLL_FBDIV_INT) = fbdiv;
	REG_CLR(base + PLL_PWR) = PLL_PWR_PD | PLL_PWR_VCOPD;
	wait_set(base + PLL_CS, PLL_CS_LOCK);
	REG(base + PLL_PRIM) = PLL_PRIM_DIV(post1, post2);
	REG_CLR(base + PLL_PWR) = PLL_PWR_POSTDIVPD;
}

/* clk_ref = XOSC 12 MHz, clk_sys = PLL_SYS 125 MHz, clk_usb = clk_peri =
 * PLL_USB 48 MHz (so 3 Mbaud divides exactly), clk_gpout2 = clk_usb for
 * the FPGA. */
static void clocks_init(void)
{
	REG(CLK_SYS_RESUS_CTRL) = 0;

	REG(XOSC_CTRL) = XOSC_CTRL_1_15MHZ;
	REG(XOSC_STARTUP) = ((BOARD_XOSC_HZ / 1000u) + 128u) / 256u; /* 1 ms */
	REG_SET(XOSC_CTRL) = XOSC_CTRL_ENABLE;
	wait_set(XOSC_STATUS, XOSC_STATUS_STABLE);

	/* Run from the ring oscillator while the PLLs start. */
	REG(CLK_SYS_CTRL) = CLK_SYS_SRC_REF;
	wait_set(CLK_SYS_SELECTED, 1u << CLK_SYS_SRC_REF);
	REG(CLK_REF_CTRL) = CLK_REF_SRC_ROSC;
	wait_set(CLK_REF_SELECTED, 1u << CLK_REF_SRC_ROSC);

	pll_start(PLL_SYS_BASE, RESET_PLL_SYS, 125, 6, 2); /* 1500/12 */
	pll_start(PLL_USB_BASE, RESET_PLL_USB, 40, 5, 2);  /* 480/10 */

	REG(CLK_REF_DIV) = CLK_DIV_INT(1);
	REG(CLK_REF_CTRL) = CLK_REF_SRC_XOSC;
	wait_set(CLK_REF_SELECTED, 1u << CLK_REF_SRC_XOSC);

	REG(CLK_SYS_DIV) = CLK_DIV_INT(1);
	REG(CLK_SYS_CTRL) = CLK_SYS_AUX_PLL_SYS << CLK_AUXSRC_SHIFT;
	REG(CLK_SYS_CTRL) =
	        (CLK_SYS_AUX_PLL_SYS << CLK_AUXSRC_SHIFT) | CLK_SYS_SRC_AUX;
	wait_set(CLK_SYS_SELECTED, 1u << CLK_SYS_SRC_AUX);

	REG(CLK_USB_DIV) = CLK_DIV_INT(1);
	REG(CLK_USB_CTRL) =
	        CLK_CTRL_ENABLE | (CLK_USB_AUX_PLL_USB << CLK_AUXSRC_SHIFT);
	REG(CLK_PERI_CTRL) =
	        CLK_CTRL_ENABLE | (CLK_PERI_AUX_PLL_USB << CLK_AUXSRC_SHIFT);
	REG(CLK_GPOUT2_DIV) = CLK_DIV_INT(BOARD_ICE_CLK_DIV);
	REG(CLK_GPOUT2_CTRL) =
	        CLK_CTRL_ENABLE | (CLK_GPOUT_AUX_CLK_USB << CLK_AUXSRC_SHIFT);

	/* 1 us watchdog/timer tick from the 12 MHz clk_ref. */
	REG(WATCHDOG_TICK) = WATCHDOG_TICK_ENABLE | (BOARD_XOSC_HZ / MHZ);
}

void rp2040_pin_func(unsigned pin, unsigned func, uint32_t pad)
{
	REG(PADS_GPIO(pin)) = pad;
	REG(IO_GPIO_CTRL(pin)) = func;
}

static void pins_init(void)
{
	/* CRESET_B: output, high (the FPGA boots from its own flash until
	 * the host loads a bitstream). CDONE: input. */
	REG(SIO_GPIO_OUT_SET) = 1u << BOARD_ICE_CRESET;
	REG(SIO_GPIO_OE_SET) = 1u << BOARD_ICE_CRESET;
	rp2040_pin_func(BOARD_ICE_CRESET, FUNC_SIO, PAD_IE | PAD_DRIVE_8MA);
	rp2040_pin_func(BOARD_ICE_CDONE, FUNC_SIO, PAD_IE | PAD_SCHMITT);
	port_fpga_spi_claim(0);
	rp2040_pin_func(BOARD_ICE_CLK, FUNC_GPCK, PAD_DRIVE_8MA | PAD_SLEWFAST);
}

void port_init(void)
{
	/* Everything this port drives starts from reset. */
	REG_SET(RESETS_RESET) = RESET_IO_BANK0 | RESET_PADS_BANK0 |
	                        RESET_UART0 | RESET_TIMER | RESET_USBCTRL |
	                        RESET_SPI1;
	clocks_init();
	unreset(RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_TIMER);
	pins_init();
	rp2040_uart_init();

	/* A hung main loop resets the chip (everything but the
	 * oscillators); the tick runs at 1 MHz and the counter drops by 2
	 * per tick (RP2040-E1). */
	REG(PSM_WDSEL) = PSM_WDSEL_ALL_BUT_OSC;
	REG(WATCHDOG_LOAD) = WDT_TIMEOUT_MS * 1000u * 2u;
	REG(WATCHDOG_CTRL) = WATCHDOG_CTRL_ENABLE | WATCHDOG_CTRL_PAUSE_ALL;
}

uint32_t port_time_us(void)
{
	return REG(TIMER_TIMERAWL);
}

void port_delay_us(uint32_t us)
{
	uint32_t t0 = port_time_us();

	while (port_time_us() - t0 < us)
		;
}

void port_wdt_feed(void)
{
	REG(WATCHDOG_LOAD) = WDT_TIMEOUT_MS * 1000u * 2u;
}

/* ---- FPGA configuration pins ------------------------------------------ */

void port_fpga_creset(int level)
{
	if (level)
		REG(SIO_GPIO_OUT_SET) = 1u << BOARD_ICE_CRESET;
	else
		REG(SIO_GPIO_OUT_CLR) = 1u << BOARD_ICE_CRESET;
}

int port_fpga_cdone(void)
{
	return (REG(SIO_GPIO_IN) >> BOARD_ICE_CDONE) & 1u;
}

#define SPI_OUT_MASK                                                           \
	((1u << BOARD_ICE_SI) | (1u << BOARD_ICE_SSN) | (1u << BOARD_ICE_SCK))

void port_fpga_spi_claim(int on)
{
	if (on) {
		/* SCK idles high (mode 3), SS_B high until asked. */
		REG(SIO_GPIO_OUT_SET) = SPI_OUT_MASK;
		REG(SIO_GPIO_OE_SET) = SPI_OUT_MASK;
		rp2040_pin_func(BOARD_ICE_SI, FUNC_SIO,
		                PAD_DRIVE_8MA | PAD_SLEWFAST);
		rp2040_pin_func(BOARD_ICE_SSN, FUNC_SIO, PAD_DRIVE_8MA);
		rp2040_pin_func(BOARD_ICE_SCK, FUNC_SIO,
		                PAD_DRIVE_8MA | PAD_SLEWFAST);
	} else {
		/* High-impedance (SS_B pulled up) so the FPGA and its flash
		 * own the lines. */
		REG(SIO_GPIO_OE_CLR) = SPI_OUT_MASK;
		rp2040_pin_func(BOARD_ICE_SI, FUNC_NULL, PAD_IE);
		rp2040_pin_func(BOARD_ICE_SSN, FUNC_NULL, PAD_IE | PAD_PUE);
		rp2040_pin_func(BOARD_ICE_SCK, FUNC_NULL, PAD_IE);
	}
}

void port_fpga_ss(int level)
{
	if (level)
		REG(SIO_GPIO_OUT_SET) = 1u << BOARD_ICE_SSN;
	else
		REG(SIO_GPIO_OUT_CLR) = 1u << BOARD_ICE_SSN;
}

void port_fpga_spi_write(const uint8_t *p, size_t n)
{
	const uint32_t sck = 1u << BOARD_ICE_SCK;
	const uint32_t si = 1u << BOARD_ICE_SI;

	/* Mode 3, MSB first: data changes while SCK is low and is sampled
	 * on the rising edge. Each half period is a few cycles at 125 MHz,
	 * well under the iCE40's 25 MHz slave limit. */
	for (size_t i = 0; i < n; i++) {
		uint32_t b = p[i];

		for (int bit = 7; bit >= 0; bit--) {
			REG(SIO_GPIO_OUT_CLR) = sck;
			if ((b >> bit) & 1u)
				REG(SIO_GPIO_OUT_SET) = si;
			else
				REG(SIO_GPIO_OUT_CLR) = si;
			__asm__ volatile("nop\n nop\n nop\n nop");
			REG(SIO_GPIO_OUT_SET) = sck;
			__asm__ volatile("nop\n nop\n nop\n nop");
		}
	}
}

/* ---- identity -------------------------------------------------------------
 */

int port_unique_id(uint8_t id[8])
{
	uint32_t lo, hi;

	if (REG(WATCHDOG_SCRATCH2) != BOOT2_UID_MAGIC) {
		memset(id, 0, 8);
		return TANDEM_ERR_NOT_FOUND;
	}
	lo = REG(WATCHDOG_SCRATCH0);
	hi = REG(WATCHDOG_SCRATCH1);
	for (unsigned i = 0; i < 4; i++) {
		id[i] = (uint8_t)(lo >> (8 * i));
		id[4 + i] = (uint8_t)(hi >> (8 * i));
	}
	return 0;
}
