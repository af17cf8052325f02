`default_nettype none
// Multi-target store and compare: SLOTS 256-bit targets with enables, the
// top-word threshold for the pipelines' pre-filter, and the exact compare
// that gives every re-checked hash its bitmap of met slots.
//
// Purpose: targets live in one SLOTS*16 x 32 memory with a registered read
// (block RAM on FPGAs): two copies of 8 words per slot, word 0 = bits
// [255:224] of the target (the most significant word).  One copy is the
// slot's target, the other takes the next one: the writer puts its eight
// words there one at a time (tgt_wr_i, any clock, no handshake), then
// commits (tgt_we_i until tgt_ready_o), which makes that copy the slot's
// target and sets its enable in one clock, so a compare never sees half
// a target and the writer needs no 256-bit register.  All eight words
// must be written between two commits of a slot; the words of one slot
// must not be written while that slot's commit waits.
// The pre-filter threshold thr_o is the largest top word of any enabled
// target, so hash <= target implies top(hash) <= thr_o: a hash that meets an
// enabled target is always a candidate.  Every commit is followed by a
// rescan of the slots' top words (SLOTS + 1 clocks) that sets thr_o
// exactly; until it ends thr_o is the older value, or all ones when the
// commit enables a slot, which only lets more candidates through (never
// fewer).
// The compare walks the slots word by word from the most significant end,
// all eight words of every slot (the first unequal word decides; equal
// counts as met; disabled slots give 0), so the read address never waits
// for a compare result.
// Parameters: SLOTS target slots (1..16); SERIAL 0: the hash is
// cmp_hash_i; 1: it is read a word at a time from the caller's memory
// (cmp_widx_o this clock, the word in cmp_word_i the next clock), so the
// caller need not hold 256 bits.
// Latency: a compare takes SLOTS*8 + 2 clocks; a commit is taken in a
// clock with no compare or threshold scan running, ahead of a waiting
// compare.
module target_slots #(
	parameter SLOTS = 8, // target slots (1..16)
	parameter SERIAL = 0 // 1: hash words through cmp_widx_o/cmp_word_i
) (
	input  wire             clk_i,
	input  wire             rst_ni,

	// target writes: words of a plain 256-bit number (word 0 = bits
	// 255..224) into the slot's spare copy, then the commit
	input  wire             tgt_wr_i,    // word tgt_word_i -> word tgt_widx_i
	input  wire [2:0]       tgt_widx_i,
	input  wire [31:0]      tgt_word_i,
	input  wire             tgt_we_i,    // commit, taken when tgt_ready_o
	output wire             tgt_ready_o,
	input  wire [SLW-1:0]   tgt_slot_i,  // slot of the words and the commit
	input  wire             tgt_en_i,    // commit: enable the slot

	// pre-filter: a hash is a candidate when thr_any_o && top <= thr_o
	output wire [31:0]      thr_o,
	output wire             thr_any_o,

	// exact compare of one hash (256-bit number, bit 255 MSB, held stable
	// from cmp_valid_i until cmp_done_o); SERIAL: word cmp_widx_o
	// (0 = bits 255..224) of it in cmp_word_i one clock later
	input  wire             cmp_valid_i,
	input  wire [255:0]     cmp_hash_i,
	output wire [2:0]       cmp_widx_o,
	input  wire [31:0]      cmp_word_i,
	output wire             cmp_done_o,
	output wire [SLOTS-1:0] cmp_map_o
);
`include "tandem_clog2.vh"

	localparam SLW = (SLOTS > 1) ? clog2(SLOTS) : 1;
	localparam AW = SLW + 4;     // {slot, copy, word}
	localparam [31:0] LAST32 = SLOTS - 1;
	localparam [SLW-1:0] LAST = LAST32[SLW-1:0];

	localparam [1:0] ST_IDLE = 2'd0, ST_SCAN = 2'd2, ST_CMP = 2'd3;

	// reads walk the target copies, writes go to the spare ones: never
	// the same word in one clock, so no read-during-write logic
	(* no_rw_check *)
	reg [31:0]      mem [0:(16 << SLW)-1];
	reg [31:0]      rdata_q;
	reg [AW-1:0]    raddr;

	reg [1:0]       st_q;
	reg [SLOTS-1:0] en_q;
	reg [SLOTS-1:0] cp_q;       // copy holding the slot's target
	reg [31:0]      thr_q;
	reg             scan_need_q;
	reg             cmp_pend_q;


	// walk position (write copy, scan and compare share it)
	reg [SLW-1:0]   ws_q;
	reg [2:0]       ww_q;
	reg [31:0]      acc_q;
	reg [SLOTS-1:0] map_q;
	reg             dec_q;      // an earlier word of this slot decided
	reg             met_q;      // ... and the hash was below
	reg             done_q;

	// a commit is taken in an idle clock
	wire accept = (st_q == ST_IDLE) && tgt_we_i;
	assign tgt_ready_o = (st_q == ST_IDLE);
	assign thr_o = thr_q;
	assign thr_any_o = |en_q;
	assign cmp_done_o = done_q;
	assign cmp_map_o = map_q;

	// compare step on the word read last clock
	wire [31:0] hw = (SERIAL != 0) ? cmp_word_i :
			 cmp_hash_i[255 - 32 * ww_q -: 32];
	wire        w_lt = hw < rdata_q;
	wire        w_gt = hw > rdata_q;
	wire        slot_done = (ww_q == 3'd7);
	wire        slot_met = (dec_q ? met_q : !w_gt) && en_q[ws_q];

	// the walk reads the slot's target copy
	wire [SLW-1:0] ws_nx = ws_q + 1'b1;
	always @(*) begin
		case (st_q)
		ST_IDLE: raddr = {{SLW{1'b0}}, cp_q[0], 3'd0};
		ST_SCAN: raddr = {ws_nx, cp_q[ws_nx], 3'd0};
		default: raddr = slot_done ? {ws_nx, cp_q[ws_nx], 3'd0} :
				 {ws_q, cp_q[ws_q], ww_q + 3'd1};
		endcase
	end
	assign cmp_widx_o = raddr[2:0];

	always @(posedge clk_i) begin
		rdata_q <= mem[raddr];
		if (tgt_wr_i)
			mem[{tgt_slot_i, !cp_q[tgt_slot_i], tgt_widx_i}] <= tgt_word_i;
	end

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			st_q <= ST_IDLE;
			en_q <= {SLOTS{1'b0}};
			cp_q <= {SLOTS{1'b0}};
			thr_q <= 32'd0;
			scan_need_q <= 1'b0;
			cmp_pend_q <= 1'b0;
			ws_q <= {SLW{1'b0}};
			ww_q <= 3'd0;
			acc_q <= 32'd0;
			map_q <= {SLOTS{1'b0}};
			dec_q <= 1'b0;
			met_q <= 1'b0;
			done_q <= 1'b0;
		end else begin
			done_q <= 1'b0;
			if (cmp_valid_i)
				cmp_pend_q <= 1'b1;
			case (st_q)
			ST_IDLE: begin
				ws_q <= {SLW{1'b0}};
				ww_q <= 3'd0;
				if (accept) begin
					cp_q[tgt_slot_i] <= !cp_q[tgt_slot_i];
					en_q[tgt_slot_i] <= tgt_en_i;
					scan_need_q <= 1'b1;
					// the rescan that follows finds the
					// new threshold; opening it fully
					// until then keeps the pre-filter a
					// superset without a copy of the top
					if (tgt_en_i)
						thr_q <= 32'hffffffff;
				end else if (scan_need_q) begin
					st_q <= ST_SCAN;
					acc_q <= 32'd0;
				end else if (cmp_pend_q || cmp_valid_i) begin
					st_q <= ST_CMP;
					cmp_pend_q <= 1'b0;
					map_q <= {SLOTS{1'b0}};
				end
			end
			ST_SCAN: begin
				// rdata_q is the top word of slot ws_q
				if (en_q[ws_q] && rdata_q > acc_q)
					acc_q <= rdata_q;
				ws_q <= ws_q + 1'b1;
				if (ws_q == LAST) begin
					st_q <= ST_IDLE;
					scan_need_q <= 1'b0;
					// writes wait in ST_IDLE: the scan saw them all
					thr_q <= (en_q[ws_q] && rdata_q > acc_q) ?
						 rdata_q : acc_q;
				end
			end
			default: begin // ST_CMP
				if (!dec_q && (w_lt || w_gt)) begin
					dec_q <= 1'b1;
					met_q <= w_lt;
				end
				if (slot_done) begin
					map_q[ws_q] <= slot_met;
					dec_q <= 1'b0;
					ws_q <= ws_q + 1'b1;
					ww_q <= 3'd0;
					if (ws_q == LAST) begin
						st_q <= ST_IDLE;
						done_q <= 1'b1;
					end
				end else begin
					ww_q <= ww_q + 3'd1;
				end
			end
			endcase
		end
endmodule
