`default_nettype none
// Board top for the Radiona ULX3S (ECP5 LFE5U-85F / 45F / 25F, CABGA381):
// PLL, reset and LEDs around the portable board_uart_device.
//
// Clocking: the 25 MHz oscillator (G2) feeds an EHXPLLL with feedback from
// its own CLKOP output; CLKOP is the only clock of the design.
//   f_clk = 25 MHz * PLL_CLKFB_DIV / PLL_CLKI_DIV
//   f_vco = f_clk * PLL_CLKOP_DIV (400..800 MHz)
// constraints/ulx3s.mk holds the values (ecppll -i 25 -o <MHz>); CLK_HZ
// below follows from them.
// Reset: PLL not locked or FIRE1 pressed.
// Link: UART on the FT231X (M1 in, L4 out).
// LEDs D0..D7 (active high): led_o[0] alive, [1] host -> device bytes,
// [2] device -> host bytes, [3] share found, [4] PLL locked, rest off.
// wifi_gpio0_o is held high so the ESP32, if fitted, boots its own
// firmware and leaves the FPGA alone.
module board_ulx3s_top #(
	parameter PLL_CLKI_DIV = 5,     // input divider (1..128)
	parameter PLL_CLKFB_DIV = 12,   // feedback divider (1..128)
	parameter PLL_CLKOP_DIV = 10,   // VCO to CLKOP divider (1..128)
	parameter PLL_CLKOP_CPHASE = 4, // CLKOP phase, from ecppll (0..127)
	parameter BAUD = 3000000,       // UART line rate (300..CLK_HZ/4)
	parameter PIPELINES = 1,        // SHA256d pipelines (1..64)
	parameter LOOP_LOG2 = 2,        // 0 unrolled .. 6 rolled, 7 compact lanes
	parameter SLOTS = 4,            // target slots (1..16)
	parameter STRATUM = 1           // 1 header + Stratum jobs, 0 header only
) (
	input  wire       clk_25m_i,     // G2: 25 MHz oscillator
	input  wire       btn_fire1_i,   // R1: FIRE1, high when pressed
	input  wire       rxd_i,         // M1: from the FT231X (its TXD)
	output wire       txd_o,         // L4: to the FT231X (its RXD)
	output wire [7:0] led_o,         // D0..D7
	output wire       wifi_gpio0_o   // L2: ESP32 GPIO0
);
	localparam CLK_HZ = 25000000 / PLL_CLKI_DIV * PLL_CLKFB_DIV;

	wire clk, pll_lock;
	(* FREQUENCY_PIN_CLKI = "25" *)
	EHXPLLL #(
		.PLLRST_ENA("DISABLED"),
		.INTFB_WAKE("DISABLED"),
		.STDBY_ENABLE("DISABLED"),
		.DPHASE_SOURCE("DISABLED"),
		.OUTDIVIDER_MUXA("DIVA"),
		.OUTDIVIDER_MUXB("DIVB"),
		.OUTDIVIDER_MUXC("DIVC"),
		.OUTDIVIDER_MUXD("DIVD"),
		.CLKI_DIV(PLL_CLKI_DIV),
		.CLKOP_ENABLE("ENABLED"),
		.CLKOP_DIV(PLL_CLKOP_DIV),
		.CLKOP_CPHASE(PLL_CLKOP_CPHASE),
		.CLKOP_FPHASE(0),
		.FEEDBK_PATH("CLKOP"),
		.CLKFB_DIV(PLL_CLKFB_DIV)
	) u_pll (
		.RST(1'b0),
		.STDBY(1'b0),
		.CLKI(clk_25m_i),
		.CLKOP(clk),
		.CLKFB(clk),
		.CLKINTFB(),
		.PHASESEL0(1'b0),
		.PHASESEL1(1'b0),
		.PHASEDIR(1'b1),
		.PHASESTEP(1'b1),
		.PHASELOADREG(1'b1),
		.PLLWAKESYNC(1'b0),
		.ENCLKOP(1'b0),
		.LOCK(pll_lock)
	);

	wire rst_n;
	board_reset_sync u_rst (
		.clk_i(clk),
		.arst_i(!pll_lock || btn_fire1_i),
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
	assign wifi_gpio0_o = 1'b1;
endmodule
