`default_nettype none
// Board top for the Lattice iCE40-HX8K Breakout Board (iCE40HX8K-CT256):
// PLL, reset and LEDs around the portable board_uart_device.
//
// Clocking: the 12 MHz oscillator arrives on J3, a global-buffer input that
// is not a PLL pad, so the PLL is an SB_PLL40_CORE fed from the fabric
// clock network; its global output is the only clock of the design.
//   f_clk = 12 MHz * (PLL_DIVF + 1) / ((PLL_DIVR + 1) * 2^PLL_DIVQ)
// constraints/hx8k.mk holds the values (icepll -i 12 -o <MHz>); CLK_HZ
// below follows from them.
// Reset: PLL not locked (the board has no user button).
// Link: UART on FT2232H channel B (B10 in, B12 out); channel A is the
// flash SPI.
// LEDs D2..D9 (active high): led_o[0] alive, [1] host -> device bytes,
// [2] device -> host bytes, [3] share found, [4] PLL locked, rest off.
module board_hx8k_top #(
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
	input  wire       clk_12m_i, // J3: 12 MHz oscillator
	input  wire       rxd_i,     // B10: from the FT2232H (its TXD)
	output wire       txd_o,     // B12: to the FT2232H (its RXD)
	output wire [7:0] led_o      // D2..D9
);
	localparam CLK_HZ = 12000000 / (PLL_DIVR + 1) * (PLL_DIVF + 1) /
			    (1 << PLL_DIVQ);

	wire clk, pll_lock;
	SB_PLL40_CORE #(
		.FEEDBACK_PATH("SIMPLE"),
		.DIVR(PLL_DIVR),
		.DIVF(PLL_DIVF),
		.DIVQ(PLL_DIVQ),
		.FILTER_RANGE(PLL_FILTER)
	) u_pll (
		.REFERENCECLK(clk_12m_i),
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

	wire rst_n;
	board_reset_sync u_rst (
		.clk_i(clk),
		.arst_i(!pll_lock),
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

	assign led_o = {3'b000, pll_lock, led_share, led_tx, led_rx, led_alive};
endmodule
