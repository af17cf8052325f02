`default_nettype none
// Benchmark wrapper for place-and-route of one hash_pipe alone (not part of
// the core, not in core.f): measures the speed of the round registers and
// rings without the job, re-check and compare logic around them.  Inputs
// come from a 64-bit shift register loaded one bit per clock; outputs are
// folded into a registered parity bit so nothing is optimised away.
// Parameters: LOOP_LOG2 as hash_core.
module hash_bench_pipe #(
	parameter LOOP_LOG2 = 6  // see hash_core
) (
	input  wire clk_i,
	input  wire rst_ni,
	input  wire sdi_i,       // shift-register data
	input  wire valid_i,
	output reg  [1:0] obs_o  // registered parity of the outputs
);
	reg [63:0] sr_q;
	reg        valid_q;
	always @(posedge clk_i) begin
		sr_q <= {sr_q[62:0], sdi_i};
		valid_q <= valid_i;
	end
	wire [31:0] x = sr_q[31:0];
	wire [31:0] y = sr_q[63:32];

	wire        ready, out_valid, x_valid;
	wire [1:0]  x_side, out_side;
	wire [31:0] h7;

	hash_pipe #(
		.LOOP_LOG2(LOOP_LOG2),
		.SW(2)
	) u_pipe (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(1'b0),
		.in_valid_i(valid_q && ready),
		.in_ready_o(ready),
		.in_side_i(x[1:0]),
		.in_nonce_i(x),
		.in_st3_i({y, x ^ y, x, y ^ 32'h6a09e667, y, x ^ 32'h3c6ef372,
			   x, y ^ 32'h510e527f}),
		.in_w16_i(y ^ 32'h1f83d9ab),
		.in_w17_i(x ^ 32'h5be0cd19),
		.in_c18_i(x ^ y),
		.x_valid_o(x_valid),
		.x_side_o(x_side),
		.x_mid_i({x, y, y, x, x ^ y, y, x, y}),
		.out_valid_o(out_valid),
		.out_side_o(out_side),
		.out_h7_o(h7)
	);

	always @(posedge clk_i)
		obs_o <= {out_valid ^ (^out_side) ^ (^h7), x_valid ^ (^x_side)};
endmodule
