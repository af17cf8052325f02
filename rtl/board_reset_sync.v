`default_nettype none
// Reset synchroniser for the board tops: turns any asynchronous reset
// request (PLL not locked, reset button) into a reset that asserts at once
// and releases on a clock edge.
//
// Purpose: rst_no goes low as soon as arst_i is high (no clock needed, so a
// PLL that loses lock resets the design even while its clock is stopped)
// and goes high STAGES clocks after arst_i has gone low, through a chain
// of flops, so every register of the design leaves reset on the same edge
// and a release close to that edge cannot make the chain metastable at
// its output.
// Parameters:
//   STAGES  flops in the release chain (2..16); two is the classic
//           synchroniser, more also hold reset a little after lock
// Latency: rst_no rises on the STAGES-th rising clk_i edge after arst_i
// falls.
module board_reset_sync #(
	parameter STAGES = 3 // release chain length (2..16)
) (
	input  wire clk_i,
	input  wire arst_i, // asynchronous, active high
	output wire rst_no  // synchronous release, active low
);
	reg [STAGES-1:0] chain_q;

	always @(posedge clk_i or posedge arst_i)
		if (arst_i)
			chain_q <= {STAGES{1'b0}};
		else
			chain_q <= {chain_q[STAGES-2:0], 1'b1};

	assign rst_no = chain_q[STAGES-1];
endmodule
