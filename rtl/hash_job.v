`default_nettype none
// Job double buffer, per-job precompute and nonce-window bookkeeping: takes
// work items, computes what does not depend on the nonce once per job, and
// hands the pipelines one beat of PIPELINES nonces per clock.
//
// Purpose: two buffers; a work item is accepted into the free one while the
// other is still being hashed, so back-to-back windows leave no bubble.
// After acceptance the shared re-check engine (hash_recheck) runs rounds
// 0..2 of the header's second block, which only use W[0..2] of the tail,
// and hands back: the state after round 2 with h + K[3] (W[3] = 0 stands in
// for the nonce), W[16], W[17] and c18 = W[18] - sigma0(W[3]).
// A buffer is reused only when no nonce or candidate of its job is left
// (busy_i from the core).
// Beats: lane p of a beat hashes nonce iss_next_o + p (the job window is
// interleaved over the pipelines); iss_left_o nonces are still to issue.
// Parameters: PIPELINES nonces per beat (>= 1); TAG_W work tag bits (>= 1).
module hash_job #(
	parameter PIPELINES = 1, // nonces per beat (>= 1)
	parameter TAG_W = 8      // opaque work tag width (>= 1)
) (
	input  wire             clk_i,
	input  wire             rst_ni,
	input  wire             flush_i,       // drop both buffers

	input  wire             work_valid_i,
	output wire             work_ready_o,
	input  wire [255:0]     work_midstate_i, // {H0..H7}, H0 in [255:224]
	input  wire [95:0]      work_tail_i,     // {W0,W1,W2}, W0 in [95:64]
	input  wire [31:0]      work_nonce_start_i,
	input  wire [32:0]      work_nonce_count_i, // 0 .. 2^32 nonces
	input  wire [TAG_W-1:0] work_tag_i,

	input  wire [1:0]       busy_i,        // buffer b still referenced

	// precompute request to the shared engine (hash_recheck): rounds 0..2
	// of buffer pc_sel_o with W[3] = 0; the answer comes with pc_done_i
	output wire             pc_req_o,
	output wire             pc_sel_o,
	input  wire             pc_done_i,
	input  wire [255:0]     pc_st_i,       // {a..g} after round 2, h + K[3]
	input  wire [511:0]     pc_w_i,        // window W[3..18] (W[3] = 0)

	output wire             iss_valid_o,   // a beat can be issued
	input  wire             iss_take_i,    // it is issued this clock
	output wire             iss_sel_o,     // buffer of that beat
	output wire [31:0]      iss_next_o,    // nonce of lane 0
	output wire [32:0]      iss_left_o,    // nonces left in the window
	output wire             iss_first_o,   // the first beat of its job

	// both buffers' fields, buffer b in [b*W +: W]
	output wire [511:0]     mid_o,
	output wire [191:0]     tail_o,
	output wire [511:0]     st3_o,
	output wire [63:0]      w16_o,
	output wire [63:0]      w17_o,
	output wire [63:0]      c18_o,
	output wire [63:0]      start_o,
	output wire [2*TAG_W-1:0] tag_o,

	output wire             idle_o         // no job loaded or being loaded
);
	localparam [32:0] N = PIPELINES * 33'd1; // nonces per beat, 33-bit

	reg        wr_sel_q;   // buffer the next work item goes to
	reg        iss_sel_q;  // buffer beats are issued from
	reg [1:0]  full_q;     // loaded and not yet fully issued
	reg        pc_busy_q;  // precompute running on buffer wr_sel_q

	wire accept = work_valid_i && work_ready_o;
	assign work_ready_o = !pc_busy_q && !full_q[wr_sel_q] &&
			      !busy_i[wr_sel_q] && !flush_i;

	// --- precompute: rounds 0..2, run by the shared re-check engine on
	// buffer wr_sel_q (its midstate and tail are already in the buffer)
	assign pc_req_o = pc_busy_q;
	assign pc_sel_o = wr_sel_q;
	wire pc_valid = pc_done_i && pc_busy_q;

	// --- buffers ----------------------------------------------------------
	wire [63:0] next_v;
	wire [65:0] left_v;
	wire [1:0]  first_v;

	genvar b;
	generate
		for (b = 0; b < 2; b = b + 1) begin : g_buf
			reg [255:0]     mid_q;
			reg [95:0]      tail_q;
			reg [255:0]     st3_q;
			reg [31:0]      w16_q, w17_q, c18_q;
			reg [31:0]      start_q, next_q;
			reg [32:0]      left_q;
			reg             first_q;
			reg [TAG_W-1:0] tag_q;

			wire mine_wr = (wr_sel_q == b);
			wire mine_iss = (iss_sel_q == b);

			always @(posedge clk_i) begin
				if (accept && mine_wr) begin
					mid_q <= work_midstate_i;
					tail_q <= work_tail_i;
					start_q <= work_nonce_start_i;
					tag_q <= work_tag_i;
				end
				if (pc_valid && mine_wr) begin
					st3_q <= pc_st_i;
					// window W[3..18]: W[18] with W[3] = 0 is c18
					w16_q <= pc_w_i[13*32 +: 32];
					w17_q <= pc_w_i[14*32 +: 32];
					c18_q <= pc_w_i[15*32 +: 32];
				end
			end

			// issue counters are control state
			always @(posedge clk_i or negedge rst_ni)
				if (!rst_ni) begin
					next_q <= 32'd0;
					left_q <= 33'd0;
					first_q <= 1'b0;
				end else if (accept && mine_wr) begin
					next_q <= work_nonce_start_i;
					left_q <= work_nonce_count_i;
					first_q <= 1'b1;
				end else if (iss_take_i && mine_iss) begin
					next_q <= next_q + N[31:0];
					left_q <= (left_q > N) ? left_q - N : 33'd0;
					first_q <= 1'b0;
				end

			assign mid_o[b*256 +: 256] = mid_q;
			assign tail_o[b*96 +: 96] = tail_q;
			assign st3_o[b*256 +: 256] = st3_q;
			assign w16_o[b*32 +: 32] = w16_q;
			assign w17_o[b*32 +: 32] = w17_q;
			assign c18_o[b*32 +: 32] = c18_q;
			assign start_o[b*32 +: 32] = start_q;
			assign tag_o[b*TAG_W +: TAG_W] = tag_q;
			assign next_v[b*32 +: 32] = next_q;
			assign left_v[b*33 +: 33] = left_q;
			assign first_v[b] = first_q;
		end
	endgenerate

	wire [32:0] left_cur = iss_sel_q ? left_v[65:33] : left_v[32:0];
	wire        cur_full = full_q[iss_sel_q];
	wire        last_beat = iss_take_i && (left_cur <= N);
	wire        empty_job = cur_full && (left_cur == 33'd0);

	assign iss_valid_o = cur_full && (left_cur != 33'd0);
	assign iss_sel_o = iss_sel_q;
	assign iss_next_o = iss_sel_q ? next_v[63:32] : next_v[31:0];
	assign iss_left_o = left_cur;
	assign iss_first_o = first_v[iss_sel_q];
	assign idle_o = !pc_busy_q && (full_q == 2'b00);

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			wr_sel_q <= 1'b0;
			iss_sel_q <= 1'b0;
			full_q <= 2'b00;
			pc_busy_q <= 1'b0;
		end else if (flush_i) begin
			wr_sel_q <= 1'b0;
			iss_sel_q <= 1'b0;
			full_q <= 2'b00;
			pc_busy_q <= 1'b0;
		end else begin
			if (accept)
				pc_busy_q <= 1'b1;
			if (pc_valid) begin
				pc_busy_q <= 1'b0;
				full_q[wr_sel_q] <= 1'b1;
				wr_sel_q <= !wr_sel_q;
			end
			if (last_beat || empty_job) begin
				full_q[iss_sel_q] <= 1'b0;
				iss_sel_q <= !iss_sel_q;
			end
		end
endmodule
