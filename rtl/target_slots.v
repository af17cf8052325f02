`default_nettype none
// Multi-target store and compare: SLOTS 256-bit targets with enables, the
// top-word threshold for the pipelines' pre-filter, and the exact compare
// that gives every re-checked hash its bitmap of met slots.
//
// Purpose: targets live in one SLOTS*8 x 32 memory with a registered read
// (block RAM on FPGAs), word 0 of a slot = bits [255:224] of the target (the
// most significant word).  A write is copied straight from tgt_value_i in
// 8 clocks and taken (tgt_ready_o) on the last one, so tgt_value_i must
// stay put while tgt_we_i waits, as valid/ready asks; no staging copy.
// The pre-filter threshold thr_o is the largest top word of any enabled
// target, so hash <= target implies top(hash) <= thr_o: a hash that meets an
// enabled target is always a candidate.  A write that enables a slot raises
// thr_o when it is taken; lowering (disable, smaller target) is found by a
// rescan after it, and until then thr_o stays at the older, higher value,
// which only lets more candidates through (never fewer).
// The compare walks the slots word by word from the most significant end,
// all eight words of every slot (the first unequal word decides; equal
// counts as met; disabled slots give 0), so the read address never waits
// for a compare result.
// Parameters: SLOTS target slots (1..16); SERIAL 0: the hash is
// cmp_hash_i; 1: it is read a word at a time from the caller's memory
// (cmp_widx_o this clock, the word in cmp_word_i the next clock), so the
// caller need not hold 256 bits.
// Latency: a compare takes SLOTS*8 + 2 clocks; it waits while a
// target write is being copied, and a write waits for a running compare.
module target_slots #(
	parameter SLOTS = 8, // target slots (1..16)
	parameter SERIAL = 0 // 1: hash words through cmp_widx_o/cmp_word_i
) (
	input  wire             clk_i,
	input  wire             rst_ni,

	// target writes: tgt_value_i is a plain 256-bit number, bit 255 MSB
	input  wire             tgt_we_i,
	output wire             tgt_ready_o, // a write is accepted when both high
	input  wire [SLW-1:0]   tgt_slot_i,
	input  wire             tgt_en_i,
	input  wire [255:0]     tgt_value_i,

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
	localparam AW = SLW + 3;
	localparam [31:0] LAST32 = SLOTS - 1;
	localparam [SLW-1:0] LAST = LAST32[SLW-1:0];

	localparam [1:0] ST_IDLE = 2'd0, ST_WR = 2'd1, ST_SCAN = 2'd2,
			 ST_CMP = 2'd3;

	reg [31:0]      mem [0:(8 << SLW)-1];
	reg [31:0]      rdata_q;
	reg [AW-1:0]    raddr;

	reg [1:0]       st_q;
	reg [SLOTS-1:0] en_q;
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

	// the write is taken on the last word of its copy
	wire accept = (st_q == ST_WR) && (ww_q == 3'd7);
	assign tgt_ready_o = accept;
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

	always @(*) begin
		raddr = {ws_q, ww_q};
		case (st_q)
		ST_IDLE: raddr = {{SLW{1'b0}}, 3'd0};
		ST_SCAN: raddr = {ws_q + 1'b1, 3'd0};
		ST_CMP:  raddr = slot_done ? {ws_q + 1'b1, 3'd0} :
				 {ws_q, ww_q + 3'd1};
		default: raddr = {ws_q, ww_q};
		endcase
	end
	assign cmp_widx_o = raddr[2:0];

	always @(posedge clk_i) begin
		rdata_q <= mem[raddr];
		if (st_q == ST_WR)
			mem[{tgt_slot_i, ww_q}] <= tgt_value_i[255 - 32 * ww_q -: 32];
	end

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			st_q <= ST_IDLE;
			en_q <= {SLOTS{1'b0}};
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
			if (accept) begin
				// raising at once keeps the pre-filter a superset
				if (tgt_en_i && tgt_value_i[255:224] > thr_q)
					thr_q <= tgt_value_i[255:224];
			end
			case (st_q)
			ST_IDLE: begin
				ws_q <= {SLW{1'b0}};
				ww_q <= 3'd0;
				if (tgt_we_i) begin
					st_q <= ST_WR;
				end else if (scan_need_q) begin
					st_q <= ST_SCAN;
					acc_q <= 32'd0;
				end else if (cmp_pend_q || cmp_valid_i) begin
					st_q <= ST_CMP;
					cmp_pend_q <= 1'b0;
					map_q <= {SLOTS{1'b0}};
				end
			end
			ST_WR: begin
				ww_q <= ww_q + 3'd1;
				if (ww_q == 3'd7) begin
					en_q[tgt_slot_i] <= tgt_en_i;
					scan_need_q <= 1'b1;
					st_q <= ST_IDLE;
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
