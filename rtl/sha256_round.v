`default_nettype none
// One SHA-256 round and one message-schedule step, combinational, in the
// "h + K + W one round early" form used by every Tandem stage.
//
// Purpose: the slot a stage register holds is {a,b,c,d,e,f,g,hkw} plus the
// 16-word schedule window.  hkw = h + K[r] + W[r] was summed during the
// previous round, so the round itself only adds Sigma1(e) + Ch and
// Sigma0(a) + Maj: four adders deep instead of six.  While round r runs,
// the same logic already forms hkw for round r+1 = g + K[r+1] + W[r+1]
// (h of round r+1 is g of round r).  After the last round (kw_en_i = 0)
// hkw becomes plain h so the feed-forward can use it.
//
// Word order: st_i = {a, b, c, d, e, f, g, hkw}, a in [255:224].
// Window: w_i[32*i +: 32] = W[r+i], i = 0..15 (W[r] in the low word).
module sha256_round (
	input  wire [255:0] st_i,     // slot state before round r
	input  wire [511:0] w_i,      // schedule window W[r] .. W[r+15]
	input  wire [31:0]  k_next_i, // K[r+1] (0 after the last round)
	input  wire         kw_en_i,  // 1: fold W[r+1] into the next hkw
	output wire [255:0] st_o,     // slot state after round r
	output wire [511:0] w_o       // window W[r+1] .. W[r+16]
);
`include "sha256_k.vh"

	wire [31:0] a = st_i[255:224];
	wire [31:0] b = st_i[223:192];
	wire [31:0] c = st_i[191:160];
	wire [31:0] d = st_i[159:128];
	wire [31:0] e = st_i[127:96];
	wire [31:0] f = st_i[95:64];
	wire [31:0] g = st_i[63:32];
	wire [31:0] hkw = st_i[31:0];

	// T1 without the h + K + W part, which hkw already holds.
	wire [31:0] t1 = hkw + bsig1(e) + sha256_ch(e, f, g);
	wire [31:0] a_n = t1 + bsig0(a) + sha256_maj(a, b, c);
	wire [31:0] e_n = d + t1;
	wire [31:0] w_next = kw_en_i ? w_i[63:32] : 32'h0;
	wire [31:0] hkw_n = g + k_next_i + w_next;

	// W[r+16] = sigma1(W[r+14]) + W[r+9] + sigma0(W[r+1]) + W[r]
	wire [31:0] w_new = ssig1(w_i[479:448]) + w_i[319:288] +
			    ssig0(w_i[63:32]) + w_i[31:0];

	assign st_o = {a_n, a, b, c, e_n, e, f, hkw_n};
	assign w_o = {w_new, w_i[511:32]};
endmodule
