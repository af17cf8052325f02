`default_nettype none
// One SHA256d pipeline: the nonce-dependent rounds of the first hash, the
// hand-over, and the second hash cut short after round 60, which already
// fixes H7, the top 32 bits of the result.
//
// Purpose (see docs/architecture.md, "The hash core"):
//  * entry: the job's state after rounds 0..2 (computed once per job) and
//    h + K[3] of round 3; here only the nonce is added: hkw = hk3 + W[3],
//    W[18] = c18 + sigma0(W[3]).  W[4..15] are padding constants, W[16],
//    W[17] job constants.
//  * ring 1: rounds 3..63 of the first hash (61 rounds).
//  * hand-over: digest = state + midstate, and round 0 of the second hash,
//    whose state is the constant IV, reduces to two adds of constants.
//    W[8..15] of the second block are padding constants.
//  * ring 2: rounds 1..60 of the second hash; e after round 60 is h after
//    round 63, so H7 = e + IV[7].  Rounds 61..63 are never built.
//  Every constant is written as a constant, so synthesis folds it and drops
//  the registers and schedule words it makes dead.
// Parameters: LOOP_LOG2 0 = fully unrolled (one nonce per clock) .. 6 = one
// round per clock and ring; each ring has 64 >> LOOP_LOG2 registers.
// Latency: 61 + 1 + 60 clocks from entry to out_valid_o in every setting.
module hash_pipe #(
	parameter LOOP_LOG2 = 0, // unroll setting (0..6), see above
	parameter SW = 1         // side-band bits carried with a nonce (>= 1)
) (
	input  wire          clk_i,
	input  wire          rst_ni,
	input  wire          flush_i,   // drop every nonce in flight

	// entry (one nonce); the job fields are stable while in_valid_i
	input  wire          in_valid_i,
	output wire          in_ready_o,
	input  wire [SW-1:0] in_side_i,
	input  wire [31:0]   in_nonce_i, // header nonce value (stored LE)
	input  wire [255:0]  in_st3_i,   // {a..g} after round 2, h + K[3]
	input  wire [31:0]   in_w16_i,
	input  wire [31:0]   in_w17_i,
	input  wire [31:0]   in_c18_i,   // W[18] without sigma0(W[3])

	// hand-over: side-band of the nonce leaving ring 1, and the midstate
	// of its job (combinational answer, same clock)
	output wire          x_valid_o,
	output wire [SW-1:0] x_side_o,
	input  wire [255:0]  x_mid_i,

	// exit: H7 of SHA256d (the last state word of the second hash)
	output wire          out_valid_o,
	output wire [SW-1:0] out_side_o,
	output wire [31:0]   out_h7_o
);
`include "sha256_k.vh"

	localparam PIPE = (LOOP_LOG2 == 0) ? 1 : 0;
	localparam S = 64 >> LOOP_LOG2;

	// --- entry -----------------------------------------------------------
	// W[3] is bytes 76..79 of the header read big-endian, i.e. the nonce
	// value byte-swapped.
	wire [31:0] w3 = {in_nonce_i[7:0], in_nonce_i[15:8], in_nonce_i[23:16],
			  in_nonce_i[31:24]};
	wire [31:0] w18 = in_c18_i + ssig0(w3);
	// window W[3..18], W[3] in the low word
	wire [511:0] w_in = {w18, in_w17_i, in_w16_i, 32'h00000280, 320'h0,
			     32'h80000000, w3};
	wire [255:0] st_in = {in_st3_i[255:32], in_st3_i[31:0] + w3};

	wire          t1_valid;
	wire [SW-1:0] t1_side;
	wire [255:0]  t1_st;

	sha256_ring #(
		.PIPE(PIPE),
		.S(S),
		.ROUNDS(61),
		.BASE_ROUND(3),
		.SW(SW)
	) u_ring1 (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(flush_i),
		.in_valid_i(in_valid_i),
		.in_ready_o(in_ready_o),
		.in_side_i(in_side_i),
		.in_st_i(st_in),
		.in_w_i(w_in),
		.tap_valid_o(t1_valid),
		.tap_side_o(t1_side),
		.tap_st_o(t1_st),
		.tap_w_o(),
		.tap_busy_o(),
		.tap_pass_o()
	);

	// --- hand-over -------------------------------------------------------
	// t1_st = {a, b, c, d, e, f, g, h} after round 63 (h, not hkw, since
	// K/W stop after the last round).  digest word i = state i + H_i.
	wire [255:0] dg;
	genvar i;
	generate
		for (i = 0; i < 8; i = i + 1) begin : g_dg
			assign dg[255-32*i -: 32] = t1_st[255-32*i -: 32] +
						    x_mid_i[255-32*i -: 32];
		end
	endgenerate
	assign x_valid_o = t1_valid;
	assign x_side_o = t1_side;

	// Round 0 of the second hash on the constant IV with W[0] = digest H0.
	localparam [31:0] T1C = sha256_iv(3'd7) + bsig1(sha256_iv(3'd4)) +
		sha256_ch(sha256_iv(3'd4), sha256_iv(3'd5), sha256_iv(3'd6)) +
		sha256_k(7'd0);
	localparam [31:0] T2C = bsig0(sha256_iv(3'd0)) +
		sha256_maj(sha256_iv(3'd0), sha256_iv(3'd1), sha256_iv(3'd2));
	localparam [31:0] A1C = T1C + T2C;
	localparam [31:0] E1C = sha256_iv(3'd3) + T1C;
	localparam [31:0] H1K = sha256_iv(3'd6) + sha256_k(7'd1);

	wire [31:0] d0 = dg[255:224];
	wire [31:0] d1 = dg[223:192];
	// second block: W[0..7] = digest, W[8] = 0x80000000, W[9..14] = 0,
	// W[15] = 256 (bit length); W[16] = sigma0(W[1]) + W[0]
	wire [31:0] w16b = ssig0(d1) + d0;
	wire [511:0] w2_in = {w16b, 32'h00000100, 192'h0, 32'h80000000,
			      dg[31:0], dg[63:32], dg[95:64], dg[127:96],
			      dg[159:128], dg[191:160], d1};
	wire [255:0] st2_in = {d0 + A1C, sha256_iv(3'd0), sha256_iv(3'd1),
			       sha256_iv(3'd2), d0 + E1C, sha256_iv(3'd4),
			       sha256_iv(3'd5), d1 + H1K};

	wire          t2_valid;
	wire [255:0]  t2_st;
	wire          r2_ready;

	sha256_ring #(
		.PIPE(PIPE),
		.S(S),
		.ROUNDS(60),
		.BASE_ROUND(1),
		.SW(SW)
	) u_ring2 (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(flush_i),
		.in_valid_i(t1_valid),
		.in_ready_o(r2_ready),
		.in_side_i(t1_side),
		.in_st_i(st2_in),
		.in_w_i(w2_in),
		.tap_valid_o(t2_valid),
		.tap_side_o(out_side_o),
		.tap_st_o(t2_st),
		.tap_w_o(),
		.tap_busy_o(),
		.tap_pass_o()
	);

	// e after round 60 is h after round 63: H7 = e + IV[7].
	assign out_valid_o = t2_valid;
	assign out_h7_o = t2_st[127:96] + sha256_iv(3'd7);

`ifndef SYNTHESIS
	// Ring 2 does fewer rounds than ring 1 on the same grid, so it always
	// has room for the nonce ring 1 hands over.
	always @(posedge clk_i)
		if (t1_valid && !r2_ready)
			$error("hash_pipe: ring 2 full at hand-over");
`endif
endmodule
