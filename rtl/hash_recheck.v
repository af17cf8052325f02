`default_nettype none
// Shared re-check unit: takes the pre-filter candidates of all pipelines,
// hashes each one again in full (SHA256d, one round per clock), compares the
// whole 256-bit result against every target slot and pushes a share when at
// least one slot is met.
//
// Purpose: the pipelines stop after round 60 of the second hash and only
// know H7; this unit gives the exact answer for the few nonces that pass.
// Candidates come from one queue per pipeline (entry {job buffer, nonce of
// lane 0 of the beat}); they are served round-robin.
// The hash is compared as a 256-bit little-endian number (the digest bytes
// H0..H7 each big-endian, byte 31 most significant), so its top word is
// byteswap(H7) and its bottom word byteswap(H0).
// Between candidates the same engine runs the per-job precompute of
// hash_job (rounds 0..2, stopped there), which has priority.
// Parameters: PIPELINES (>= 1); SLOTS (1..16); TAG_W (>= 1).
// Latency: about 65 + 65 + SLOTS*8 + 4 clocks per candidate.
module hash_recheck #(
	parameter PIPELINES = 1, // candidate queues (>= 1)
	parameter SLOTS = 8,     // target slots (1..16)
	parameter TAG_W = 8      // work tag width (>= 1)
) (
	input  wire                   clk_i,
	input  wire                   rst_ni,
	input  wire                   flush_i,   // drop the candidate in work

	// candidate queue heads, queue p in [p*33 +: 33] = {buffer, nonce0}
	input  wire [PIPELINES-1:0]    cand_valid_i,
	output wire [PIPELINES-1:0]    cand_ready_o,
	input  wire [PIPELINES*33-1:0] cand_data_i,

	// precompute for hash_job: rounds 0..2 of buffer pc_sel_i, W[3] = 0
	input  wire                   pc_req_i,
	input  wire                   pc_sel_i,
	output wire                   pc_done_o,
	output wire [255:0]           pc_st_o,
	output wire [511:0]           pc_w_o,

	// job fields of buffer job_sel_o (combinational answer)
	output wire                   job_sel_o,
	input  wire [255:0]           job_mid_i,
	input  wire [95:0]            job_tail_i,
	input  wire [TAG_W-1:0]       job_tag_i,

	// exact compare in target_slots
	output wire                   cmp_valid_o,
	output wire [255:0]           cmp_hash_o,
	input  wire                   cmp_done_i,
	input  wire [SLOTS-1:0]       cmp_map_i,

	// share out (valid-only; the share FIFO counts what it cannot take)
	output wire                   share_valid_o,
	output wire [31:0]            share_nonce_o,
	output wire [PIW-1:0]         share_pipe_o,
	output wire [SLOTS-1:0]       share_map_o,
	output wire [TAG_W-1:0]       share_tag_o,

	// one candidate of buffer done_sel_o is finished
	output wire                   done_o,
	output wire                   done_sel_o,
	output wire                   busy_o
);
`include "sha256_k.vh"
`include "tandem_clog2.vh"

	localparam PIW = (PIPELINES > 1) ? clog2(PIPELINES) : 1;

	localparam [2:0] ST_IDLE = 3'd0, ST_H1 = 3'd1, ST_H1W = 3'd2,
			 ST_H2W = 3'd3, ST_CMP = 3'd4, ST_DONE = 3'd5,
			 ST_PC = 3'd6, ST_PCW = 3'd7;

	reg [2:0]       st_q;
	reg [PIW-1:0]   rr_q;     // round-robin: queue served last
	reg [PIW-1:0]   pipe_q;
	reg             sel_q;
	reg [31:0]      nonce_q;
	reg [255:0]     hash_q;
	reg [SLOTS-1:0] map_q;

	// --- round-robin pick ------------------------------------------------
	reg             pick_any;
	reg [PIW-1:0]   pick;
	integer j;
	always @(*) begin
		pick_any = 1'b0;
		pick = {PIW{1'b0}};
		for (j = PIPELINES - 1; j >= 0; j = j - 1)
			if (cand_valid_i[j] && j > rr_q) begin
				pick_any = 1'b1;
				pick = j[PIW-1:0];
			end
		if (!pick_any)
			for (j = PIPELINES - 1; j >= 0; j = j - 1)
				if (cand_valid_i[j] && j <= rr_q) begin
					pick_any = 1'b1;
					pick = j[PIW-1:0];
				end
	end

	// a job precompute goes first: it is short and a window waits for it
	wire take = (st_q == ST_IDLE) && !pc_req_i && pick_any && !flush_i;
	genvar p;
	generate
		for (p = 0; p < PIPELINES; p = p + 1) begin : g_rdy
			assign cand_ready_o[p] = take && (pick == p);
		end
	endgenerate
	wire [32:0] cand = cand_data_i[pick*33 +: 33];

	// --- the two compressions ---------------------------------------------
	wire         c_ready;
	wire         c_out_valid;
	wire [255:0] c_out;
	// nonce stored little-endian in the header: W[3] is its byte swap
	wire         pc_mode = (st_q == ST_PC);
	wire [31:0]  w3 = pc_mode ? 32'h0 : {nonce_q[7:0], nonce_q[15:8],
					    nonce_q[23:16], nonce_q[31:24]};
	wire         c_run;
	wire [6:0]   c_rounds;
	wire         pc_done = (st_q == ST_PCW) && c_run && (c_rounds == 7'd3);
	wire [255:0] iv = {sha256_iv(3'd0), sha256_iv(3'd1), sha256_iv(3'd2),
			   sha256_iv(3'd3), sha256_iv(3'd4), sha256_iv(3'd5),
			   sha256_iv(3'd6), sha256_iv(3'd7)};
	wire         start1 = (st_q == ST_H1) || pc_mode;
	wire         start2 = (st_q == ST_H1W) && c_out_valid;
	wire [255:0] c_h = start2 ? iv : job_mid_i;
	wire [511:0] c_blk = start2 ?
		{c_out, 32'h80000000, 192'h0, 32'h00000100} :
		{job_tail_i, w3, 32'h80000000, 320'h0, 32'h00000280};

	sha256_compress u_comp (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(flush_i || pc_done),
		.in_valid_i(start1 || start2),
		.in_ready_o(c_ready),
		.in_h_i(c_h),
		.in_block_i(c_blk),
		.out_valid_o(c_out_valid),
		.out_h_o(c_out),
		.run_valid_o(c_run),
		.run_rounds_o(c_rounds),
		.run_st_o(pc_st_o),
		.run_w_o(pc_w_o)
	);
	assign pc_done_o = pc_done;

	// digest as a 256-bit little-endian number, bit 255 most significant
	wire [255:0] num;
	genvar i;
	generate
		for (i = 0; i < 8; i = i + 1) begin : g_num
			wire [31:0] hw = c_out[255-32*i -: 32];
			assign num[32*i +: 32] = {hw[7:0], hw[15:8], hw[23:16],
						  hw[31:24]};
		end
	endgenerate

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			st_q <= ST_IDLE;
			rr_q <= {PIW{1'b0}};
		end else if (flush_i) begin
			st_q <= ST_IDLE;
		end else begin
			case (st_q)
			ST_IDLE:
				if (pc_req_i) begin
					st_q <= ST_PC;
				end else if (take) begin
					rr_q <= pick;
					st_q <= ST_H1;
				end
			ST_PC:
				if (c_ready)
					st_q <= ST_PCW;
			ST_PCW:
				if (pc_done)
					st_q <= ST_IDLE;
			ST_H1:
				if (c_ready)
					st_q <= ST_H1W;
			ST_H1W:
				if (c_out_valid)
					st_q <= ST_H2W;
			ST_H2W:
				if (c_out_valid)
					st_q <= ST_CMP;
			ST_CMP:
				if (cmp_done_i)
					st_q <= ST_DONE;
			default:
				st_q <= ST_IDLE;
			endcase
		end

	always @(posedge clk_i) begin
		if (take) begin
			pipe_q <= pick;
			sel_q <= cand[32];
			nonce_q <= cand[31:0] + {{(32-PIW){1'b0}}, pick};
		end
		if (st_q == ST_H2W && c_out_valid)
			hash_q <= num;
		if (st_q == ST_CMP && cmp_done_i)
			map_q <= cmp_map_i;
	end

	assign job_sel_o = pc_mode ? pc_sel_i : sel_q;
	assign cmp_valid_o = (st_q == ST_H2W) && c_out_valid;
	assign cmp_hash_o = hash_q;
	assign share_valid_o = (st_q == ST_DONE) && (map_q != {SLOTS{1'b0}});
	assign share_nonce_o = nonce_q;
	assign share_pipe_o = pipe_q;
	assign share_map_o = map_q;
	assign share_tag_o = job_tag_i;
	assign done_o = (st_q == ST_DONE);
	assign done_sel_o = sel_q;
	assign busy_o = (st_q != ST_IDLE);
endmodule
