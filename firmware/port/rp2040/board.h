/* pico-ice wiring between the RP2040 and the iCE40UP5K, as tinyVision's
 * pico-ice-sdk defines it (include/boards/pico_ice.h and the pico-ice
 * pinout in its documentation); docs/firmware.md has the table. Another
 * RP2040 + iCE40 board changes only this file. */
#ifndef TANDEM_BOARD_H
#define TANDEM_BOARD_H

/* UART0 to the FPGA: GPIO0 = UART0 TX (-> iCE40 pin 27, IOT_38b),
 * GPIO1 = UART0 RX (<- iCE40 pin 25, IOT_36b); optional flow control on
 * GPIO2 = UART0 CTS (<- pin 21) and GPIO3 = UART0 RTS (-> pin 19). */
#define BOARD_UART_TX  0u
#define BOARD_UART_RX  1u
#define BOARD_UART_CTS 2u
#define BOARD_UART_RTS 3u

/* iCE40 configuration SPI, shared with the FPGA's flash. The iCE40
 * receives on ICE_SI, which reaches the RP2040 on GPIO8: the pin SPI1
 * uses as RX, so the PL022 cannot drive it; the port bit-bangs the
 * configuration stream through SIO instead. */
#define BOARD_ICE_SI     8u  /* data to the iCE40 (SPI_SI) */
#define BOARD_ICE_SSN    9u  /* SPI_SS_B (also the flash's CS) */
#define BOARD_ICE_SCK    10u /* SPI_SCK */
#define BOARD_ICE_SO     11u /* from the iCE40 (unused here) */
#define BOARD_ICE_CDONE  26u
#define BOARD_ICE_CRESET 27u

/* The iCE40's clock comes from the RP2040: CLK_GPOUT2 on GPIO24. */
#define BOARD_ICE_CLK     24u
#define BOARD_ICE_CLK_DIV 1u /* clk_usb (48 MHz) / 1 */

#define BOARD_XOSC_HZ 12000000u

#endif /* TANDEM_BOARD_H */
