`default_nettype none
// Pulse stretcher for the board LEDs: makes a one-clock event (a byte on
// the link, a share found) long enough for a person to see.
//
// Purpose: a pulse on event_i starts a down-counter of 2^COUNT_W - 1
// clocks; led_o is high while it runs. A further event restarts it, so a
// busy link keeps the LED steadily on and a lone event shows as one blink
// of 2^COUNT_W clocks (about 0.14 s at 30 MHz with COUNT_W = 22).
// Parameters:
//   COUNT_W  counter width (1..31); the stretch is 2^COUNT_W - 1 clocks
// Latency: led_o rises one clock after event_i.
module board_led_stretch #(
	parameter COUNT_W = 22 // stretch of 2^COUNT_W - 1 clocks (1..31)
) (
	input  wire clk_i,
	input  wire rst_ni,
	input  wire event_i, // one-clock (or longer) event, active high
	output wire led_o    // active high; the board top inverts if needed
);
	reg [COUNT_W-1:0] count_q;

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni)
			count_q <= {COUNT_W{1'b0}};
		else if (event_i)
			count_q <= {COUNT_W{1'b1}};
		else if (count_q != {COUNT_W{1'b0}})
			count_q <= count_q - 1'b1;

	assign led_o = (count_q != {COUNT_W{1'b0}});
endmodule
