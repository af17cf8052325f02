`default_nettype none
// The portable part of every UART board: the serial link, the whole device
// and the status LEDs, with no vendor primitive, so Verilator and the
// post-synthesis netlist test run exactly what the board tops build.
//
// Purpose: a board top only adds its PLL, the reset synchroniser and pin
// buffers around this module.
//   rxd_i -> link_uart_rx -> tandem_device (byte stream) -> link_uart_tx
//   -> txd_o
// LEDs (active high, the top inverts for active-low boards):
//   led_alive_o  blinks at CLK_HZ / 2^(LED_COUNT_W + 3): clock and reset ok
//   led_rx_o     a byte came from the host (stretched)
//   led_tx_o     a byte went to the host (stretched)
//   led_share_o  a SHARE frame left the device (stretched, see below)
// One free-running counter drives them all: its top bit is led_alive_o
// and its ticks step the stretchers (board_led_stretch, 3-bit counters).
// A lone event lights led_rx_o / led_tx_o for 0.75 .. 0.875 of
// 2^LED_COUNT_W clocks, led_share_o for 0.75 .. 0.875 of 2^(LED_COUNT_W+2)
// (at 30 MHz with LED_COUNT_W = 22: about 0.11 s and 0.45 s).
// Parameters:
//   CLK_HZ       clock of clk_i in Hz (what the board's PLL makes)
//   BAUD         UART line rate, CLK_HZ/4 at most (link_uart_rx)
//   PIPELINES    SHA256d pipelines of the hash core (1..64)
//   LOOP_LOG2    rounds folding of the core: 0 unrolled .. 6 iterative
//   SLOTS        target slots (1..16)
//   STRATUM      1 header and Stratum jobs, 0 header jobs only (the small
//                parts: no on-chip rolling, tandem_device STRATUM)
//   LED_COUNT_W  LED stretch of about 2^LED_COUNT_W clocks (4..29)
module board_uart_device #(
	parameter CLK_HZ = 30000000,  // clk_i in Hz (1e6..1e9)
	parameter BAUD = 3000000,     // line rate in bit/s (300..CLK_HZ/4)
	parameter PIPELINES = 1,      // SHA256d pipelines (1..64)
	parameter LOOP_LOG2 = 6,      // 0 fully unrolled .. 6 one round/clock, 7 lanes
	parameter SLOTS = 2,          // target slots (1..16)
	parameter STRATUM = 1,        // 1 header + Stratum jobs, 0 header only
	parameter LED_COUNT_W = 22    // LED stretch ~2^LED_COUNT_W clocks (4..29)
) (
	input  wire clk_i,
	input  wire rst_ni,

	// serial line to the host's USB-UART (idle high)
	input  wire rxd_i,
	output wire txd_o,

	// status, active high
	output wire led_alive_o,
	output wire led_rx_o,
	output wire led_tx_o,
	output wire led_share_o
);
	// --- link -----------------------------------------------------------
	wire [7:0] rx_data, tx_data;
	wire       rx_valid, rx_ready, tx_valid, tx_ready;

	link_uart_rx #(
		.CLK_HZ(CLK_HZ),
		.BAUD(BAUD)
	) u_rx (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.rxd_i(rxd_i),
		.rx_data_o(rx_data),
		.rx_valid_o(rx_valid),
		.rx_ready_i(rx_ready),
		.frame_err_o(),
		.overrun_o(),
		.frame_err_cnt_o(),
		.overrun_cnt_o()
	);

	tandem_device #(
		.STRATUM(STRATUM),
		.PIPELINES(PIPELINES),
		.LOOP_LOG2(LOOP_LOG2),
		.SLOTS(SLOTS),
		.CLK_HZ(CLK_HZ)
	) u_dev (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.rx_valid_i(rx_valid),
		.rx_data_i(rx_data),
		.rx_ready_o(rx_ready),
		.tx_valid_o(tx_valid),
		.tx_data_o(tx_data),
		.tx_ready_i(tx_ready)
	);

	link_uart_tx #(
		.CLK_HZ(CLK_HZ),
		.BAUD(BAUD)
	) u_tx (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.tx_data_i(tx_data),
		.tx_valid_i(tx_valid),
		.tx_ready_o(tx_ready),
		.txd_o(txd_o),
		.busy_o()
	);

	wire rx_take = rx_valid && rx_ready;
	wire tx_take = tx_valid && tx_ready;

	// --- share watch ------------------------------------------------------
	// Looks for the start of a SHARE frame in the bytes leaving the device:
	// sync0 0xA5, sync1 0x5A, version (any), type 0x87 (PROTO_SHARE), at
	// frame offsets 0..3 of include/tandem_proto.h. Payload bytes can mimic
	// it; for an LED that is harmless, and it needs no port on the device.
	localparam [7:0] SYNC0 = 8'hA5;
	localparam [7:0] SYNC1 = 8'h5A;
	localparam [7:0] T_SHARE = 8'h87;
	reg [1:0] watch_q; // 0 hunting, 1 after sync0, 2 after sync1, 3 after version
	reg       share_q;

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			watch_q <= 2'd0;
			share_q <= 1'b0;
		end else begin
			share_q <= 1'b0;
			if (tx_take)
				case (watch_q)
				2'd0: watch_q <= (tx_data == SYNC0) ? 2'd1 : 2'd0;
				2'd1: watch_q <= (tx_data == SYNC1) ? 2'd2 :
						 (tx_data == SYNC0) ? 2'd1 : 2'd0;
				2'd2: watch_q <= 2'd3;
				default: begin
					share_q <= (tx_data == T_SHARE);
					watch_q <= (tx_data == SYNC0) ? 2'd1 : 2'd0;
				end
				endcase
		end

	// --- LEDs ---------------------------------------------------------------
	// alive_q counts every clock; its top bit is the alive blink. A tick is
	// the clock in which its low bits have just wrapped to 0: tick_link
	// every 2^(LED_COUNT_W - 3) clocks (bit TL - 1 fell), tick_share every
	// fourth of those (the next two bits are 0 as well), so each stretcher
	// counts 7 ticks of its own period.
	localparam LED_STEP_W = 3;                  // stretcher counter bits
	localparam TL = LED_COUNT_W - LED_STEP_W;   // log2 link tick period
	reg [LED_COUNT_W+2:0] alive_q;
	reg                   tap_q;                // alive_q[TL-1] a clock ago
	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			alive_q <= {(LED_COUNT_W + 3){1'b0}};
			tap_q <= 1'b0;
		end else begin
			alive_q <= alive_q + 1'b1;
			tap_q <= alive_q[TL-1];
		end
	assign led_alive_o = alive_q[LED_COUNT_W+2];
	wire tick_link = tap_q && !alive_q[TL-1];
	wire tick_share = tick_link && alive_q[TL+1:TL] == 2'b00;

	board_led_stretch #(
		.COUNT_W(LED_COUNT_W), .STEP_W(LED_STEP_W)
	) u_led_rx (
		.clk_i(clk_i), .rst_ni(rst_ni), .tick_i(tick_link),
		.event_i(rx_take), .led_o(led_rx_o)
	);
	board_led_stretch #(
		.COUNT_W(LED_COUNT_W), .STEP_W(LED_STEP_W)
	) u_led_tx (
		.clk_i(clk_i), .rst_ni(rst_ni), .tick_i(tick_link),
		.event_i(tx_take), .led_o(led_tx_o)
	);
	board_led_stretch #(
		.COUNT_W(LED_COUNT_W + 2), .STEP_W(LED_STEP_W)
	) u_led_share (
		.clk_i(clk_i), .rst_ni(rst_ni), .tick_i(tick_share),
		.event_i(share_q), .led_o(led_share_o)
	);
endmodule
