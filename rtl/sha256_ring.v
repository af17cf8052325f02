`default_nettype none
// A chain or a ring of registered SHA-256 rounds with one entry point: the
// building block of every Tandem hash engine, from one nonce per clock to
// one round per clock.
//
// Purpose: each slot (state + schedule window + side-band) does ROUNDS
// consecutive rounds starting at BASE_ROUND.
//  * PIPE = 1: a straight pipeline of ROUNDS+1 registers, a round between
//    each pair.  A new slot every clock, no multiplexer anywhere.
//  * PIPE = 0: a ring of S registers.  The only multiplexer sits in front of
//    register 0: a slot coming back from the last register either goes
//    round again (pass + 1) or, when it has passed its tap, makes room for
//    a new slot.  Each register carries a pass counter, so the round after
//    register k on pass p is BASE_ROUND + p*S + k and its K comes from a
//    small table indexed by p.  The ring holds S slots at once and accepts
//    one new slot every ROUNDS/S + 1 passes per position, i.e. a throughput
//    of 1 / (ROUNDS / S + 1) slots per clock.
// A slot enters register 0 as-is (no round in front of it), so the entry
// path is a plain register load.
//
// Parameters:
//   PIPE        1 straight pipeline, 0 ring
//   S           ring registers (1..32, PIPE = 0 only)
//   ROUNDS      rounds per slot (1..64)
//   BASE_ROUND  index of the first round (0..63)
//   SW          side-band bits carried with each slot (>= 1)
// Latency: ROUNDS clocks from in_valid_i to tap_valid_o (PIPE = 1 and 0).
module sha256_ring #(
	parameter PIPE = 0,       // 1: pipeline, 0: ring (0..1)
	parameter S = 1,          // ring registers when PIPE = 0 (1..32)
	parameter ROUNDS = 64,    // rounds each slot does (1..64)
	parameter BASE_ROUND = 0, // first round index (0..63)
	parameter SW = 1          // side-band width (>= 1)
) (
	input  wire          clk_i,
	input  wire          rst_ni,
	input  wire          flush_i,    // drop every slot

	// entry: a slot with state {a..g, hkw} (hkw = h + K[BASE] + W[BASE])
	// and window W[BASE] .. W[BASE+15] (W[BASE] in the low word)
	input  wire          in_valid_i,
	output wire          in_ready_o, // a slot may enter this clock
	input  wire [SW-1:0] in_side_i,
	input  wire [255:0]  in_st_i,
	input  wire [511:0]  in_w_i,

	// tap: the slot after its last round (valid for one clock)
	output wire          tap_valid_o,
	output wire [SW-1:0] tap_side_o,
	output wire [255:0]  tap_st_o,
	output wire [511:0]  tap_w_o,
	// the tap register whatever its pass (for engines that stop early)
	output wire          tap_busy_o,
	output wire [6:0]    tap_pass_o
);
`include "sha256_k.vh"
`include "tandem_clog2.vh"

	localparam NREG = (PIPE != 0) ? ROUNDS + 1 : S;
	localparam TAP_REG = (PIPE != 0) ? ROUNDS : ROUNDS % S;
	localparam [31:0] TAP_PASS = (PIPE != 0) ? 0 : ROUNDS / S;
	localparam PW = clog2(TAP_PASS + 1);
	localparam [PW-1:0] TAP_PASS_W = TAP_PASS[PW-1:0];

	// Every register's contents and the round after it, as flat vectors
	// (register k in bits [k*W +: W]).
	wire [NREG-1:0]      q_valid;
	wire [NREG*PW-1:0]   q_pass;
	wire [NREG*SW-1:0]   q_side;
	wire [NREG*256-1:0]  n_st;
	wire [NREG*512-1:0]  n_w;

	// The ring's one entry multiplexer: a slot returning from the last
	// register circulates until it has reached its tap pass.
	wire          ret_valid = q_valid[NREG-1];
	wire [PW-1:0] ret_pass = q_pass[(NREG-1)*PW +: PW];
	wire          circ = (PIPE == 0) && ret_valid && (ret_pass < TAP_PASS_W);
	assign in_ready_o = !circ;

	genvar k;
	generate
		for (k = 0; k < NREG; k = k + 1) begin : g_reg
			reg          valid_q;
			reg [PW-1:0] pass_q;
			reg [SW-1:0] side_q;
			reg [255:0]  st_q;
			reg [511:0]  w_q;
			wire          valid_d;
			wire [PW-1:0] pass_d;
			wire [SW-1:0] side_d;
			wire [255:0]  st_d;
			wire [511:0]  w_d;

			if (k == 0) begin : g_head
				assign valid_d = circ || in_valid_i;
				assign pass_d = circ ? ret_pass + 1'b1 : {PW{1'b0}};
				assign side_d = circ ? q_side[(NREG-1)*SW +: SW] : in_side_i;
				assign st_d = circ ? n_st[(NREG-1)*256 +: 256] : in_st_i;
				assign w_d = circ ? n_w[(NREG-1)*512 +: 512] : in_w_i;
			end else begin : g_body
				assign valid_d = q_valid[k-1];
				assign pass_d = q_pass[(k-1)*PW +: PW];
				assign side_d = q_side[(k-1)*SW +: SW];
				assign st_d = n_st[(k-1)*256 +: 256];
				assign w_d = n_w[(k-1)*512 +: 512];
			end

			// valid is control state: reset and flushed; the rest is data.
			always @(posedge clk_i or negedge rst_ni)
				if (!rst_ni)
					valid_q <= 1'b0;
				else
					valid_q <= valid_d && !flush_i;
			always @(posedge clk_i) begin
				pass_q <= (PIPE != 0) ? {PW{1'b0}} : pass_d;
				side_q <= side_d;
				st_q <= st_d;
				w_q <= w_d;
			end

			assign q_valid[k] = valid_q;
			assign q_pass[k*PW +: PW] = pass_q;
			assign q_side[k*SW +: SW] = side_q;
			if (k == TAP_REG) begin : g_tap
				assign tap_valid_o = valid_q && (pass_q == TAP_PASS_W);
				assign tap_side_o = side_q;
				assign tap_st_o = st_q;
				assign tap_w_o = w_q;
				assign tap_busy_o = valid_q;
				assign tap_pass_o = {{(7-PW){1'b0}}, pass_q};
			end

			// The round done on the way out of this register.
			wire [31:0] r_next = BASE_ROUND + k + 1 + pass_q * S;
			wire        kw_en = r_next < 64;
			wire [31:0] k_next = kw_en ? sha256_k(r_next[6:0]) : 32'h0;

			sha256_round u_round (
				.st_i(st_q),
				.w_i(w_q),
				.k_next_i(k_next),
				.kw_en_i(kw_en),
				.st_o(n_st[k*256 +: 256]),
				.w_o(n_w[k*512 +: 512])
			);
		end
	endgenerate

endmodule
