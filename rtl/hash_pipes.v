`default_nettype none
// The pipelined form of the hash core (LOOP_LOG2 0..6; hash_core picks it):
// PIPELINES SHA256d pipelines that roll the nonce over a job's window, a
// pre-filter on the top word of every hash, a shared exact re-check
// against SLOTS 256-bit targets, and a share FIFO.
//
// Purpose / data path (docs/architecture.md, "The hash core" has the diagram):
//   work (valid/ready) -> hash_job (2 buffers, rounds 0..2 once per job)
//   -> beats of PIPELINES nonces -> hash_pipe x PIPELINES (valid-only)
//   -> H7 <= threshold?  -> candidate queue per pipeline
//   -> hash_recheck (full SHA256d) -> target_slots compare -> share_fifo.
// The pipelines never stall.  Issue is credit-based: a beat leaves only
// when every candidate queue has room for every nonce already in flight
// plus this beat, so no candidate is ever lost.  A share that finds the
// share FIFO full is dropped and counted in share_overflow_o.
//
// Parameters:
//   PIPELINES   SHA256d pipelines (1..64); lane p of a beat hashes nonce
//               next + p, so each pipeline takes every PIPELINES-th nonce
//   LOOP_LOG2   0 = fully unrolled, one nonce per clock per pipeline;
//               1..6 = rings of 64 >> LOOP_LOG2 round registers, about
//               2^-LOOP_LOG2 nonces per clock per pipeline (exactly
//               1 / (61 / (64 >> LOOP_LOG2) + 1), e.g. 1/31 at 5, 1/62 at 6)
//   SLOTS       target slots (1..16)
//   FIFO_DEPTH  share FIFO entries (power of two, >= 2; one more fits in
//               its output register)
//   TAG_W       opaque work tag width (>= 1), copied into every share
//
// Nonce and count: work_nonce_start_i is the header nonce value (the uint32
// stored little-endian at header bytes 76..79); work_nonce_count_i is a
// 33-bit count, 0 .. 2^32 nonces (0: the job completes at once).
// Flush: drops current and pending work, every nonce in flight and every
// candidate; shares already in the share FIFO stay (their tag tells them
// apart); targets and counters are kept.
// Targets (target_slots): the eight words of a 256-bit target go in
// through tgt_wr_i / tgt_widx_i / tgt_word_i (word 0 = bits 255..224),
// then the commit is taken when tgt_we_i && tgt_ready_o; it applies to
// hashes compared after it.  A hash is reported when it meets a slot that
// was enabled both when the hash left its pipeline and when it was compared.
module hash_pipes #(
	parameter PIPELINES = 1,  // SHA256d pipelines (1..64)
	parameter LOOP_LOG2 = 0,  // 0 fully unrolled .. 6 one round per clock
	parameter SLOTS = 8,      // target slots (1..16)
	parameter FIFO_DEPTH = 16,// share FIFO entries (power of two, >= 2)
	parameter TAG_W = 8       // work tag width (>= 1)
) (
	input  wire               clk_i,
	input  wire               rst_ni,
	input  wire               flush_i,

	// work: midstate {H0..H7} (H0 in [255:224]); tail {W0,W1,W2} = header
	// bytes 64..75 as three big-endian words (W0 in [95:64])
	input  wire               work_valid_i,
	output wire               work_ready_o,
	input  wire [255:0]       work_midstate_i,
	input  wire [95:0]        work_tail_i,
	input  wire [31:0]        work_nonce_start_i,
	input  wire [32:0]        work_nonce_count_i,
	input  wire [TAG_W-1:0]   work_tag_i,
	output wire               idle_o,   // no work, nothing in flight

	// targets: words of plain 256-bit numbers (word 0 = bits 255..224),
	// then the commit
	input  wire               tgt_wr_i,
	input  wire [2:0]         tgt_widx_i,
	input  wire [31:0]        tgt_word_i,
	input  wire               tgt_we_i,
	output wire               tgt_ready_o,
	input  wire [SLW-1:0]     tgt_slot_i,
	input  wire               tgt_en_i,

	// shares: nonce (header value), pipeline, met slots, work tag
	output wire               share_valid_o,
	input  wire               share_ready_i,
	output wire [31:0]        share_nonce_o,
	output wire [PIW-1:0]     share_pipe_o,
	output wire [SLOTS-1:0]   share_map_o,
	output wire [TAG_W-1:0]   share_tag_o,

	output wire [63:0]        hash_count_o,    // nonces hashed (monotonic)
	output wire [31:0]        share_overflow_o // shares dropped, FIFO full
);
`include "tandem_clog2.vh"

	localparam N = PIPELINES;
	localparam PIW = (N > 1) ? clog2(N) : 1;
	localparam SLW = (SLOTS > 1) ? clog2(SLOTS) : 1;
	localparam S = 64 >> LOOP_LOG2;
	// beats that can be in flight: ring registers of both rings, plus the
	// exit register (a fully unrolled pipeline holds 62 + 61 + 1)
	localparam INFL = (LOOP_LOG2 == 0) ? 124 : 2 * S + 1;
	localparam CDEPTH = 1 << clog2(INFL + 2);
	localparam CW = clog2(CDEPTH) + 1;
	localparam SH_W = TAG_W + SLOTS + PIW + 32;

	// --- jobs ---------------------------------------------------------------
	wire         iss_valid, iss_sel;
	wire [31:0]  iss_next;
	wire [32:0]  iss_left;
	wire         iss_first;
	wire [511:0] mid_v, st3_v;
	wire [191:0] tail_v;
	wire [63:0]  w16_v, w17_v, c18_v, start_v;
	wire [2*TAG_W-1:0] tag_v;
	wire         job_idle;
	wire [1:0]   busy;
	wire         iss_take;
	wire         pc_req, pc_sel, pc_done;
	wire [255:0] pc_st;
	wire [511:0] pc_w;

	hash_job #(
		.PIPELINES(N),
		.TAG_W(TAG_W)
	) u_job (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(flush_i),
		.work_valid_i(work_valid_i),
		.work_ready_o(work_ready_o),
		.work_midstate_i(work_midstate_i),
		.work_tail_i(work_tail_i),
		.work_nonce_start_i(work_nonce_start_i),
		.work_nonce_count_i(work_nonce_count_i),
		.work_tag_i(work_tag_i),
		.busy_i(busy),
		.pc_req_o(pc_req),
		.pc_sel_o(pc_sel),
		.pc_done_i(pc_done),
		.pc_st_i(pc_st),
		.pc_w_i(pc_w),
		.iss_valid_o(iss_valid),
		.iss_take_i(iss_take),
		.iss_sel_o(iss_sel),
		.iss_next_o(iss_next),
		.iss_left_o(iss_left),
		.iss_first_o(iss_first),
		.mid_o(mid_v),
		.tail_o(tail_v),
		.st3_o(st3_v),
		.w16_o(w16_v),
		.w17_o(w17_v),
		.c18_o(c18_v),
		.start_o(start_v),
		.tag_o(tag_v),
		.idle_o(job_idle)
	);

	// --- issue ---------------------------------------------------------------
	reg  [CW-1:0]     ref_q [0:1];  // beats in flight per buffer
	reg  [CW+6:0]     cref_q [0:1]; // candidates pending per buffer
	wire [CW:0]       inflight = ref_q[0] + ref_q[1];
	wire [N-1:0]      pipe_ready;
	wire [N*CW-1:0]   cand_cnt;
	reg               credit_ok;
	integer q;
	always @(*) begin
		credit_ok = 1'b1;
		for (q = 0; q < N; q = q + 1)
			if ({1'b0, cand_cnt[q*CW +: CW]} + inflight + 1 > CDEPTH)
				credit_ok = 1'b0;
	end
	assign iss_take = iss_valid && (&pipe_ready) && credit_ok && !flush_i;

	wire [255:0] st3 = iss_sel ? st3_v[511:256] : st3_v[255:0];
	wire [31:0]  w16 = iss_sel ? w16_v[63:32] : w16_v[31:0];
	wire [31:0]  w17 = iss_sel ? w17_v[63:32] : w17_v[31:0];
	wire [31:0]  c18 = iss_sel ? c18_v[63:32] : c18_v[31:0];

	// --- pipelines -----------------------------------------------------------
	// side-band of a nonce: {first beat of its job, job buffer}
	wire [N-1:0]  out_valid;
	wire [2*N-1:0] out_side;
	wire [N*32-1:0] out_h7;
	wire [2*N-1:0] x_side;
	wire [N-1:0]  x_valid;
	wire [255:0]  x_mid = x_side[0] ? mid_v[511:256] : mid_v[255:0];
	wire [31:0]   thr;
	wire          thr_any;

	genvar p;
	generate
		for (p = 0; p < N; p = p + 1) begin : g_pipe
			wire [32:0] lane = p;
			hash_pipe #(
				.LOOP_LOG2(LOOP_LOG2),
				.SW(2)
			) u_pipe (
				.clk_i(clk_i),
				.rst_ni(rst_ni),
				.flush_i(flush_i),
				.in_valid_i(iss_take && (lane < iss_left)),
				.in_ready_o(pipe_ready[p]),
				.in_side_i({iss_first, iss_sel}),
				.in_nonce_i(iss_next + lane[31:0]),
				.in_st3_i(st3),
				.in_w16_i(w16),
				.in_w17_i(w17),
				.in_c18_i(c18),
				.x_valid_o(x_valid[p]),
				.x_side_o(x_side[2*p +: 2]),
				.x_mid_i(x_mid),
				.out_valid_o(out_valid[p]),
				.out_side_o(out_side[2*p +: 2]),
				.out_h7_o(out_h7[p*32 +: 32])
			);
		end
	endgenerate

	// --- exit: pre-filter, nonce tracking ---------------------------------
	// The hash as a little-endian number has byteswap(H7) as its top word.
	// Lanes leave in lockstep and in issue order, lane 0 always valid, so
	// the nonce of a beat is tracked here instead of riding down the pipe:
	// the first beat of a job restarts at its window start, every other
	// beat is PIPELINES nonces after the one before.
	reg           ex_valid_q;
	reg           ex_sel_q;
	reg [N-1:0]   ex_hit_q;
	reg [N-1:0]   ex_lanes_q;
	reg [31:0]    base_q;
	reg [63:0]    hash_count_q;

	wire [N-1:0] hit;
	generate
		for (p = 0; p < N; p = p + 1) begin : g_hit
			wire [31:0] h7 = out_h7[p*32 +: 32];
			wire [31:0] top = {h7[7:0], h7[15:8], h7[23:16], h7[31:24]};
			assign hit[p] = out_valid[p] && thr_any && (top <= thr);
		end
	endgenerate

	wire        ex_sel = out_side[0];
	wire        ex_first = out_side[1];
	wire [31:0] ex_start = ex_sel ? start_v[63:32] : start_v[31:0];
	wire [31:0] n32 = N;

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			ex_valid_q <= 1'b0;
			ex_sel_q <= 1'b0;
			ex_hit_q <= {N{1'b0}};
			ex_lanes_q <= {N{1'b0}};
			base_q <= 32'd0;
		end else if (flush_i) begin
			ex_valid_q <= 1'b0;
			ex_hit_q <= {N{1'b0}};
			ex_lanes_q <= {N{1'b0}};
		end else begin
			ex_valid_q <= out_valid[0];
			ex_hit_q <= hit;
			ex_lanes_q <= out_valid;
			if (out_valid[0]) begin
				ex_sel_q <= ex_sel;
				base_q <= ex_first ? ex_start : base_q + n32;
			end
		end

	// popcounts of the exit register
	reg [7:0] n_hit, n_lanes;
	always @(*) begin
		n_hit = 8'd0;
		n_lanes = 8'd0;
		for (q = 0; q < N; q = q + 1) begin
			n_hit = n_hit + {7'd0, ex_hit_q[q]};
			n_lanes = n_lanes + {7'd0, ex_lanes_q[q]};
		end
	end

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni)
			hash_count_q <= 64'd0;
		else if (ex_valid_q)
			hash_count_q <= hash_count_q + {56'd0, n_lanes};
	assign hash_count_o = hash_count_q;

	// --- candidate queues ------------------------------------------------------
	wire [N-1:0]    cq_valid, cq_ready;
	wire [N*33-1:0] cq_data;
	generate
		for (p = 0; p < N; p = p + 1) begin : g_cq
			share_fifo #(
				.WIDTH(33),
				.DEPTH(CDEPTH)
			) u_cq (
				.clk_i(clk_i),
				.rst_ni(rst_ni),
				.flush_i(flush_i),
				.in_valid_i(ex_hit_q[p]),
				.in_ready_o(),
				.in_data_i({ex_sel_q, base_q}),
				.out_valid_o(cq_valid[p]),
				.out_ready_i(cq_ready[p]),
				.out_data_o(cq_data[p*33 +: 33]),
				.count_o(cand_cnt[p*CW +: CW]),
				.overflow_o()
			);
		end
	endgenerate

	// --- re-check and compare -----------------------------------------------
	wire               rc_sel;
	wire               cmp_valid, cmp_done;
	wire [255:0]       cmp_hash;
	wire [SLOTS-1:0]   cmp_map;
	wire               sh_valid;
	wire [31:0]        sh_nonce;
	wire [PIW-1:0]     sh_pipe;
	wire [SLOTS-1:0]   sh_map;
	wire [TAG_W-1:0]   sh_tag;
	wire               rc_done, rc_done_sel, rc_busy;

	hash_recheck #(
		.PIPELINES(N),
		.SLOTS(SLOTS),
		.TAG_W(TAG_W)
	) u_rc (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(flush_i),
		.cand_valid_i(cq_valid),
		.cand_ready_o(cq_ready),
		.cand_data_i(cq_data),
		.pc_req_i(pc_req),
		.pc_sel_i(pc_sel),
		.pc_done_o(pc_done),
		.pc_st_o(pc_st),
		.pc_w_o(pc_w),
		.job_sel_o(rc_sel),
		.job_mid_i(rc_sel ? mid_v[511:256] : mid_v[255:0]),
		.job_tail_i(rc_sel ? tail_v[191:96] : tail_v[95:0]),
		.job_tag_i(rc_sel ? tag_v[2*TAG_W-1:TAG_W] : tag_v[TAG_W-1:0]),
		.cmp_valid_o(cmp_valid),
		.cmp_hash_o(cmp_hash),
		.cmp_done_i(cmp_done),
		.cmp_map_i(cmp_map),
		.share_valid_o(sh_valid),
		.share_nonce_o(sh_nonce),
		.share_pipe_o(sh_pipe),
		.share_map_o(sh_map),
		.share_tag_o(sh_tag),
		.done_o(rc_done),
		.done_sel_o(rc_done_sel),
		.busy_o(rc_busy)
	);

	target_slots #(
		.SLOTS(SLOTS)
	) u_tgt (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.tgt_we_i(tgt_we_i),
		.tgt_ready_o(tgt_ready_o),
		.tgt_slot_i(tgt_slot_i),
		.tgt_en_i(tgt_en_i),
		.tgt_wr_i(tgt_wr_i),
		.tgt_widx_i(tgt_widx_i),
		.tgt_word_i(tgt_word_i),
		.thr_o(thr),
		.thr_any_o(thr_any),
		.cmp_valid_i(cmp_valid),
		.cmp_hash_i(cmp_hash),
		.cmp_widx_o(),
		.cmp_word_i(32'd0),
		.cmp_done_o(cmp_done),
		.cmp_map_o(cmp_map)
	);

	// --- share FIFO -------------------------------------------------------------
	wire [SH_W-1:0] sh_out;
	share_fifo #(
		.WIDTH(SH_W),
		.DEPTH(FIFO_DEPTH)
	) u_shares (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(1'b0),
		.in_valid_i(sh_valid),
		.in_ready_o(),
		.in_data_i({sh_tag, sh_map, sh_pipe, sh_nonce}),
		.out_valid_o(share_valid_o),
		.out_ready_i(share_ready_i),
		.out_data_o(sh_out),
		.count_o(),
		.overflow_o(share_overflow_o)
	);
	assign share_nonce_o = sh_out[31:0];
	assign share_pipe_o = sh_out[32 +: PIW];
	assign share_map_o = sh_out[32 + PIW +: SLOTS];
	assign share_tag_o = sh_out[32 + PIW + SLOTS +: TAG_W];

	// --- buffer references ---------------------------------------------------
	// A beat holds its buffer from issue to the exit register; a candidate
	// from the exit register until the re-check is done.
	genvar b;
	generate
		for (b = 0; b < 2; b = b + 1) begin : g_ref
			wire inc = iss_take && (iss_sel == b);
			wire dec = ex_valid_q && (ex_sel_q == b);
			wire [CW+6:0] c_inc = (ex_valid_q && ex_sel_q == b) ?
					      {{(CW-1){1'b0}}, n_hit} : {(CW+7){1'b0}};
			wire c_dec = rc_done && (rc_done_sel == b);
			always @(posedge clk_i or negedge rst_ni)
				if (!rst_ni) begin
					ref_q[b] <= {CW{1'b0}};
					cref_q[b] <= {(CW+7){1'b0}};
				end else if (flush_i) begin
					ref_q[b] <= {CW{1'b0}};
					cref_q[b] <= {(CW+7){1'b0}};
				end else begin
					ref_q[b] <= ref_q[b] + {{(CW-1){1'b0}}, inc} -
						    {{(CW-1){1'b0}}, dec};
					cref_q[b] <= cref_q[b] + c_inc -
						     {{(CW+6){1'b0}}, c_dec};
				end
			assign busy[b] = (ref_q[b] != 0) || (cref_q[b] != 0);
		end
	endgenerate

`ifndef SYNTHESIS
	// The pipelines run in lockstep: a valid lane leaves with lane 0 and
	// with the same job buffer (the exit tracking relies on it).
	always @(posedge clk_i)
		for (q = 1; q < N; q = q + 1)
			if ((out_valid[q] && (!out_valid[0] ||
			     out_side[2*q +: 2] != out_side[1:0])) ||
			    (x_valid[q] && (!x_valid[0] ||
			     x_side[2*q +: 2] != x_side[1:0])))
				$error("hash_pipes: pipelines out of lockstep");
`endif

	assign idle_o = job_idle && (busy == 2'b00) && !rc_busy;
endmodule
