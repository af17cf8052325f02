`default_nettype none
// Pulse stretcher for the board LEDs: makes a one-clock event (a byte on
// the link, a share found) long enough for a person to see.
//
// Purpose: a pulse on event_i loads a STEP_W-bit down-counter with
// 2^STEP_W - 1; it counts down on tick_i, a one-clock pulse every
// 2^(COUNT_W - STEP_W) clocks from a prescaler the LEDs share (so each
// stretcher needs only a few flip-flops, not a COUNT_W-bit counter).
// led_o is high while the counter is not 0. A further event reloads it,
// so a busy link keeps the LED steadily on.
// Stretch of a lone event, with P = 2^(COUNT_W - STEP_W) and
// M = 2^STEP_W - 1: led_o is high for (M - 1) * P + 1 .. M * P clocks,
// depending on where the event falls between two ticks; 0.75 .. 0.875 of
// 2^COUNT_W clocks with STEP_W = 3 (about 0.1 s at 30 MHz with
// COUNT_W = 22). With COUNT_W = STEP_W (tick_i high every clock) it is
// exactly 2^COUNT_W - 1 clocks.
// Parameters:
//   COUNT_W  stretch of about 2^COUNT_W clocks (STEP_W..31); sets the
//            tick period the instance expects, 2^(COUNT_W - STEP_W)
//   STEP_W   counter bits (1..COUNT_W); more bits, a tighter stretch
// Latency: led_o rises one clock after event_i; an event in the clock of
//   a tick is loaded, the tick is not counted.
module board_led_stretch #(
	parameter COUNT_W = 22, // stretch ~2^COUNT_W clocks (STEP_W..31)
	parameter STEP_W = 3    // counter bits (1..COUNT_W)
) (
	input  wire clk_i,
	input  wire rst_ni,
	input  wire tick_i,  // one clock every 2^(COUNT_W - STEP_W) clocks
	input  wire event_i, // one-clock (or longer) event, active high
	output wire led_o    // active high; the board top inverts if needed
);
	// Checked here so a wrong pair fails the build rather than blinking
	// at another length: the tick period is the caller's side of it.
	localparam integer TICK_LOG2 = COUNT_W - STEP_W;

	generate
		if (TICK_LOG2 < 0 || STEP_W < 1) begin : g_bad_params
			// not a module: elaboration stops here
			board_led_stretch_needs_1_le_STEP_W_le_COUNT_W u_bad ();
		end
	endgenerate

	reg [STEP_W-1:0] count_q;

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni)
			count_q <= {STEP_W{1'b0}};
		else if (event_i)
			count_q <= {STEP_W{1'b1}};
		else if (tick_i && count_q != {STEP_W{1'b0}})
			count_q <= count_q - 1'b1;

	assign led_o = (count_q != {STEP_W{1'b0}});
endmodule
