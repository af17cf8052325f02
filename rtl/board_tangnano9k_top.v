`default_nettype none
// Board top for the Sipeed Tang Nano 9K (Gowin GW1NR-LV9QN88P): PLL, reset
// and LEDs around the portable board_uart_device.
//
// Clocking: the 27 MHz oscillator (pin 52) feeds an rPLL; its CLKOUT is
// the only clock of the design.
//   f_clk = 27 MHz * (PLL_FBDIV + 1) / (PLL_IDIV + 1)
//   f_vco = f_clk * PLL_ODIV (400..1200 MHz)
// constraints/tangnano9k.mk holds the values (gowin_pll -i 27 -o <MHz>
// -d "GW1NR-9 C6/I5"); CLK_HZ below follows from them.
// Reset: PLL not locked or the button on pin 4 pressed.
// Link: UART through the BL702 USB bridge (pin 18 in, pin 17 out).
// LEDs 1..6 (active low): led_no[0] alive, [1] host -> device bytes,
// [2] device -> host bytes, [3] share found, [4] PLL locked, [5] off.
module board_tangnano9k_top #(
	parameter PLL_IDIV = 1,      // IDIV_SEL: input divider - 1 (0..63)
	parameter PLL_FBDIV = 2,     // FBDIV_SEL: feedback divider - 1 (0..63)
	parameter PLL_ODIV = 16,     // ODIV_SEL: VCO divider (2..128, even)
	parameter BAUD = 3000000,    // UART line rate (300..CLK_HZ/4)
	parameter PIPELINES = 1,     // SHA256d pipelines (1..64)
	parameter LOOP_LOG2 = 6,     // 0 unrolled .. 6 rolled, 7 compact lanes
	parameter SLOTS = 2,         // target slots (1..16)
	parameter STRATUM = 1        // 1 header + Stratum jobs, 0 header only
) (
	input  wire       clk_27m_i, // pin 52: 27 MHz oscillator
	input  wire       btn_ni,    // pin 4: button, low when pressed
	input  wire       rxd_i,     // pin 18: from the BL702 (its TXD)
	output wire       txd_o,     // pin 17: to the BL702 (its RXD)
	output wire [5:0] led_no     // pins 10, 11, 13, 14, 15, 16
);
	localparam CLK_HZ = 27000000 / (PLL_IDIV + 1) * (PLL_FBDIV + 1);

	wire clk, pll_lock;
	rPLL #(
		.FCLKIN("27"),
		.DEVICE("GW1NR-9C"),
		.IDIV_SEL(PLL_IDIV),
		.FBDIV_SEL(PLL_FBDIV),
		.ODIV_SEL(PLL_ODIV)
	) u_pll (
		.CLKIN(clk_27m_i),
		.CLKFB(1'b0),
		.RESET(1'b0),
		.RESET_P(1'b0),
		.FBDSEL(6'd0),
		.IDSEL(6'd0),
		.ODSEL(6'd0),
		.PSDA(4'd0),
		.DUTYDA(4'd0),
		.FDLY(4'd0),
		.CLKOUT(clk),
		.LOCK(pll_lock),
		.CLKOUTP(),
		.CLKOUTD(),
		.CLKOUTD3()
	);

	wire rst_n;
	board_reset_sync u_rst (
		.clk_i(clk),
		.arst_i(!pll_lock || !btn_ni),
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

	assign led_no = ~{1'b0, pll_lock, led_share, led_tx, led_rx, led_alive};
endmodule
