`default_nettype none
// SHA-256 compression function, one round per clock: H_out = H_in +
// F(H_in, block).  Used by the NIST test and by the shared re-check unit.
//
// Purpose: a one-register ring (sha256_ring, S = 1) runs the 64 rounds; the
// entry pre-adds h + K[0] + W[0]; after the last round hkw holds plain h, so
// the feed-forward is a row of eight adders on the tap.
// Latency: 64 clocks from an accepted block to out_valid_o, which is high for
// one clock (valid-only: the consumer must take it).  One block at a time.
// Word order: in_h_i = {H0..H7}, H0 in [255:224]; in_block_i = the 64 block
// bytes with byte 0 in [511:504], so W[0] (bytes 0..3, big-endian) is
// [511:480]; out_h_o = {H0..H7} like in_h_i.
module sha256_compress (
	input  wire         clk_i,
	input  wire         rst_ni,
	input  wire         flush_i,    // abandon the block in flight

	input  wire         in_valid_i,
	output wire         in_ready_o,
	input  wire [255:0] in_h_i,     // chaining value H0..H7
	input  wire [511:0] in_block_i, // message block, W[0] in [511:480]

	output wire         out_valid_o,
	output wire [255:0] out_h_o,

	// the block in flight: rounds done so far, state {a..g, hkw} and the
	// window W[r..r+15]; lets a user stop after a few rounds (flush_i)
	output wire         run_valid_o,
	output wire [6:0]   run_rounds_o,
	output wire [255:0] run_st_o,
	output wire [511:0] run_w_o
);
`include "sha256_k.vh"

	reg [255:0] h_q; // chaining value kept for the feed-forward
	reg         busy_q;

	// Window order: W[i] in [32*i +: 32].
	wire [511:0] win;
	genvar i;
	generate
		for (i = 0; i < 16; i = i + 1) begin : g_win
			assign win[32*i +: 32] = in_block_i[511-32*i -: 32];
		end
	endgenerate

	wire         take = in_valid_i && in_ready_o;
	wire [255:0] tap_st;
	wire         tap_valid;

	sha256_ring #(
		.PIPE(0),
		.S(1),
		.ROUNDS(64),
		.BASE_ROUND(0),
		.SW(1)
	) u_ring (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(flush_i),
		.in_valid_i(take),
		.in_ready_o(),
		.in_side_i(1'b0),
		.in_st_i({in_h_i[255:32],
			  in_h_i[31:0] + sha256_k(7'd0) + in_block_i[511:480]}),
		.in_w_i(win),
		.tap_valid_o(tap_valid),
		.tap_side_o(),
		.tap_st_o(tap_st),
		.tap_w_o(run_w_o),
		.tap_busy_o(run_valid_o),
		.tap_pass_o(run_rounds_o)
	);
	assign run_st_o = tap_st;

	// A new block may enter in the very clock the previous one leaves.
	assign in_ready_o = !busy_q || tap_valid;

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni)
			busy_q <= 1'b0;
		else if (flush_i)
			busy_q <= 1'b0;
		else if (take)
			busy_q <= 1'b1;
		else if (tap_valid)
			busy_q <= 1'b0;

	always @(posedge clk_i)
		if (take)
			h_q <= in_h_i;

	assign out_valid_o = tap_valid;
	generate
		for (i = 0; i < 8; i = i + 1) begin : g_ff
			assign out_h_o[255-32*i -: 32] = tap_st[255-32*i -: 32] +
							 h_q[255-32*i -: 32];
		end
	endgenerate
endmodule
