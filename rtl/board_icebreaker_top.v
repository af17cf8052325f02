`default_nettype none
// Board top for the 1BitSquared iCEBreaker (iCE40UP5K-SG48): PLL, reset,
// pin buffers and LEDs around the portable board_uart_device.
//
// Clocking: the 12 MHz oscillator arrives on pin 35, which is the PLL's
// own input pad, so the PLL is an SB_PLL40_PAD fed straight from the pin;
// its global output is the only clock of the design.
//   f_clk = 12 MHz * (PLL_DIVF + 1) / ((PLL_DIVR + 1) * 2^PLL_DIVQ)
// constraints/icebreaker.mk holds the values (icepll -i 12 -o <MHz>) and
// CLK_HZ below follows from them, so the UART divisor always matches the
// clock the PLL really makes.
// Reset: PLL not locked or the user button (BTN_N) pressed.
// Link: UART on FT2232H channel B (channel A is the flash SPI).
// LEDs (active low): green = link activity, red = share found.
module board_icebreaker_top #(
	parameter PLL_DIVR = 0,      // PLL reference divider (0..15)
	parameter PLL_DIVF = 79,     // PLL feedback divider (0..127)
	parameter PLL_DIVQ = 5,      // PLL output divider, power of two (1..6)
	parameter PLL_FILTER = 1,    // PLL loop filter range (0..7, from icepll)
	parameter BAUD = 3000000,    // UART line rate (300..CLK_HZ/4)
	parameter PIPELINES = 1,     // SHA256d pipelines (1..64)
	parameter LOOP_LOG2 = 6,     // 0 unrolled .. 6 rolled, 7 compact lanes
	parameter SLOTS = 2,         // target slots (1..16)
	parameter STRATUM = 1        // 1 header + Stratum jobs, 0 header only
) (
	input  wire clk_12m_i,    // pin 35: 12 MHz oscillator, PLL pad
	input  wire btn_ni,       // pin 10: user button, low when pressed
	input  wire rxd_i,        // pin 6: from the FT2232H (its TXD)
	output wire txd_o,        // pin 9: to the FT2232H (its RXD)
	output wire led_red_no,   // pin 11
	output wire led_green_no  // pin 37
);
	localparam CLK_HZ = 12000000 / (PLL_DIVR + 1) * (PLL_DIVF + 1) /
			    (1 << PLL_DIVQ);

	wire clk, pll_lock;
	SB_PLL40_PAD #(
		.FEEDBACK_PATH("SIMPLE"),
		.DIVR(PLL_DIVR),
		.DIVF(PLL_DIVF),
		.DIVQ(PLL_DIVQ),
		.FILTER_RANGE(PLL_FILTER)
	) u_pll (
		.PACKAGEPIN(clk_12m_i),
		.PLLOUTCORE(),
		.PLLOUTGLOBAL(clk),
		.EXTFEEDBACK(1'b0),
		.DYNAMICDELAY(8'd0),
		.LOCK(pll_lock),
		.BYPASS(1'b0),
		.RESETB(1'b1),
		.LATCHINPUTVALUE(1'b0),
		.SDI(1'b0),
		.SCLK(1'b0),
		.SDO()
	);

	// The button has no pull-up on every board revision: use the pin's.
	wire btn_n;
	SB_IO #(
		.PIN_TYPE(6'b0000_01), // plain input, no output
		.PULLUP(1'b1)
	) u_btn (
		.PACKAGE_PIN(btn_ni),
		.D_IN_0(btn_n)
	);

	wire rst_n;
	board_reset_sync u_rst (
		.clk_i(clk),
		.arst_i(!pll_lock || !btn_n),
		.rst_no(rst_n)
	);

	wire led_alive, led_rx, led_tx, led_share;
	board_uart_device #(
		.CLK_HZ(CLK_HZ),
		.BAUD(BAUD),
		.PIPELINES(PIPELINES),
		.LOOP_LOG2(LOOP_LOG2),
		.SLOTS(SLOTS),
		.STRATUM(STRATUM)
	) u_board (
		.clk_i(clk),
		.rst_ni(rst_n),
		.rxd_i(rxd_i),
		.txd_o(txd_o),
		.led_alive_o(led_alive),
		.led_rx_o(led_rx),
		.led_tx_o(led_tx),
		.led_share_o(led_share)
	);

	assign led_green_no = !(led_rx || led_tx);
	assign led_red_no = !led_share;
endmodule
