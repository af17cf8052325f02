`default_nettype none
// One lane of the compact SHA256d engine (hash_lanes, LOOP_LOG2 = 7): a
// single SHA-256 round unit that does both hashes of a nonce, one round per
// clock.  Pure data path: hash_lanes sequences every lane in lockstep with
// the op_* controls and shares the words they need.
//
// Purpose: the state {a..h} is also a shift register (a -> b -> c -> d ->
// e -> f -> g -> h): a shift clock (op_shift_i) moves every word one place,
// takes sin_i into a and pushes h out as out_o = h + add_i.  Eight shift
// clocks unload a finished state (plus its feed-forward words) and load
// the next start state through one 32-bit port, so no register needs a
// wide load multiplexer.  Only a and e have a two-way choice (round or
// shift); b..d and f..h always copy their neighbour.
// The message schedule: a schedule step (sch_step_i) pushes W[s], taken
// from the expansion (s >= 16) or from one of the entry sources, and forms
// hkw = g + K[s] + W[s] for the round after it: h of that round is the g
// of this clock, because every step coincides with a round or a shift.
// So the round adds only Sigma1(e) + Ch to hkw (h + K + W one clock early).
// The expansion W[s] = sigma1(W[s-2]) + P[s] with
// P[s] = W[s-7] + sigma0(W[s-15]) + W[s-16]: P only needs words at least
// seven steps old, so it is summed a clock early into a register and the
// step itself adds one word to it.  Only W[s-1], W[s-2], W[s-16] and P are
// registers; every pushed word also goes into a 16-word ring memory at
// sch_wp_i (steps mod 16), kept twice so that two registered reads a clock
// find W[s-6] and W[s-14] for the step after the next one (addresses from
// sch_wpn_i, the pointer after this clock's step).  The early sum assumes
// a step every clock, which holds wherever the expansion is used (s >= 16
// runs in the middle of a hash, never across a wait).  The memories map
// to block RAM, so the window costs 4 words of logic, not 16.
// Words are FIPS 180-4 big-endian numbers.
module hash_lane (
	input  wire        clk_i,

	input  wire        adv_i,       // clock enable of the whole lane
	input  wire        op_round_i,  // one SHA-256 round with hkw
	input  wire        op_shift_i,  // shift the state one word
	input  wire [31:0] sin_i,       // word shifted into a
	input  wire [31:0] add_i,       // added to h on the way out

	input  wire        sch_step_i,  // push W[s], form hkw for round s
	input  wire [3:0]  sch_wp_i,    // ring address of this step (steps mod 16)
	input  wire [3:0]  sch_wpn_i,   // ring address of the next step
	input  wire [2:0]  sch_src_i,   // W[s] source, SRC_* below
	input  wire [31:0] sch_k_i,     // K[s]
	input  wire [31:0] sch_c_i,     // SRC_CONST word
	input  wire [31:0] nonce_w_i,   // SRC_NONCE word (this lane's W[3])
	input  wire [31:0] m0_i,        // midstate H0: d0 = a + m0_i
	input  wire        d0_take_i,   // first shift-out clock of hash 1

	// this lane's message memory, 16 words: 0..7 the second hash's
	// message (W[0..7], the first digest), 8..15 the last digest for the
	// exact compare.  It is written with out_o and read every clock
	// (registered read), whatever adv_i.
	input  wire        mem_we_i,
	input  wire [3:0]  mem_waddr_i,
	input  wire [3:0]  mem_raddr_i,
	output wire [31:0] mem_o,       // word at last clock's mem_raddr_i

	output wire [31:0] out_o,       // h + add_i
	output wire [31:0] top_o        // byteswap(out_o), one clock later
);
`include "sha256_k.vh"

	localparam [2:0] SRC_EXPAND = 3'd0, SRC_CONST = 3'd1, SRC_NONCE = 3'd2,
			 SRC_MSG = 3'd3, SRC_D0 = 3'd4;

	reg [31:0] a_q, b_q, c_q, d_q, e_q, f_q, g_q, hkw_q;
	reg [31:0] h_q;   // plain h: only for the shift-out
	// digest word 0 of hash 1 (W[0] of hash 2): a + H0 while a still
	// holds it, so the step that pushes it starts from a register
	reg [31:0] d0_q;
	reg [31:0] top_q;
	reg [31:0] w1_q, w2_q;        // W[s-1], W[s-2]
	reg [31:0] w16_q;             // W[s-15] (W[s-16] of the next step)
	reg [31:0] p_q;               // P[s]

	// --- round ----------------------------------------------------------
	// h_q is not read by the round: hkw_q already holds h + K + W.
	wire [31:0] t1 = hkw_q + bsig1(e_q) + sha256_ch(e_q, f_q, g_q);
	wire [31:0] t2 = bsig0(a_q) + sha256_maj(a_q, b_q, c_q);

	assign out_o = h_q + add_i;

	// --- message memory -----------------------------------------------------
	// a read that meets the write on one address is never used: no
	// read-first emulation logic
	// block RAM also where small memories would go to LUT RAM (Gowin):
	// the logic is what the small parts run out of
	(* no_rw_check, ram_style = "block" *)
	reg [31:0] mem [0:15];
	reg [31:0] mem_q;
	assign mem_o = mem_q;
	always @(posedge clk_i) begin
		if (mem_we_i)
			mem[mem_waddr_i] <= out_o;
		mem_q <= mem[mem_raddr_i];
	end

	// --- schedule ---------------------------------------------------------
	// W[s] = sigma1(W[s-2]) + W[s-7] + sigma0(W[s-15]) + W[s-16]
	// the reads never hit the address written (7 and 15 words apart)
	(* no_rw_check, ram_style = "block" *)
	reg  [31:0] ring7 [0:15];
	(* no_rw_check, ram_style = "block" *)
	reg  [31:0] ring15 [0:15];
	reg  [31:0] w6_q, w14_q;      // W[s-6], W[s-14] (for step s+1)
	wire [31:0] w_exp = ssig1(w2_q) + p_q;
	reg  [31:0] w_s;
	always @(*)
		case (sch_src_i)
		SRC_EXPAND: w_s = w_exp;
		SRC_CONST: w_s = sch_c_i;
		SRC_NONCE: w_s = nonce_w_i;
		SRC_MSG:   w_s = mem_q;
		SRC_D0:    w_s = d0_q;
		default:   w_s = w_exp; // SRC_EXPAND
		endcase

	wire move = adv_i && (op_round_i || op_shift_i);
	assign top_o = top_q;

	always @(posedge clk_i) begin
		if (d0_take_i)
			d0_q <= a_q + m0_i;
		// the pre-filter compares a register, not the adder's output
		top_q <= {out_o[7:0], out_o[15:8], out_o[23:16], out_o[31:24]};
		if (move) begin
			a_q <= op_shift_i ? sin_i : t1 + t2;
			b_q <= a_q;
			c_q <= b_q;
			d_q <= c_q;
			e_q <= op_shift_i ? d_q : d_q + t1;
			f_q <= e_q;
			g_q <= f_q;
			h_q <= g_q;
		end
		if (adv_i && sch_step_i) begin
			w1_q <= w_s;
			w2_q <= w1_q;
			w16_q <= w14_q;
			hkw_q <= g_q + sch_k_i + w_s;
		end
		// P[s+1] while step s runs
		p_q <= w6_q + ssig0(w14_q) + w16_q;
	end

	wire push = adv_i && sch_step_i;
	always @(posedge clk_i) begin
		if (push) begin
			ring7[sch_wp_i] <= w_s;
			ring15[sch_wp_i] <= w_s;
		end
		w6_q <= ring7[sch_wpn_i - 4'd6];
		w14_q <= ring15[sch_wpn_i - 4'd14];
	end
endmodule
