`default_nettype none
// Benchmark wrapper for place-and-route of hash_core (not part of the core,
// not in core.f): a handful of pins instead of ~1,000.  The wide inputs are
// derived from a 64-bit shift register loaded one bit per clock, so no input
// is constant and synthesis cannot fold the hash logic away; every output
// is folded into a registered parity bit so nothing is left unused.
// Parameters: as hash_core (PIPELINES, LOOP_LOG2, SLOTS).
module hash_bench_top #(
	parameter PIPELINES = 1, // see hash_core
	parameter LOOP_LOG2 = 6, // see hash_core
	parameter SLOTS = 8,     // see hash_core
	parameter K_RAM = 1      // see hash_core
) (
	input  wire clk_i,
	input  wire rst_ni,
	input  wire sdi_i,         // shift-register data
	input  wire work_valid_i,
	input  wire tgt_we_i,
	input  wire flush_i,
	input  wire share_ready_i,
	output reg  [3:0] obs_o    // registered parity of the core outputs
);
	reg [63:0] sr_q;
	reg        work_valid_q, tgt_we_q, flush_q, share_ready_q;

	always @(posedge clk_i) begin
		sr_q <= {sr_q[62:0], sdi_i};
		work_valid_q <= work_valid_i;
		tgt_we_q <= tgt_we_i;
		flush_q <= flush_i;
		share_ready_q <= share_ready_i;
	end

	wire [31:0] x = sr_q[31:0];
	wire [31:0] y = sr_q[63:32];
	localparam SLW = (SLOTS > 1) ? $clog2(SLOTS) : 1;
	localparam PIW = (PIPELINES > 1) ? $clog2(PIPELINES) : 1;

	wire              work_ready, idle, tgt_ready, share_valid;
	wire [31:0]       share_nonce;
	wire [PIW-1:0]    share_pipe;
	wire [SLOTS-1:0]  share_map;
	wire [7:0]        share_tag;
	wire [63:0]       hash_count;
	wire [31:0]       share_overflow;

	hash_core #(
		.PIPELINES(PIPELINES),
		.LOOP_LOG2(LOOP_LOG2),
		.SLOTS(SLOTS),
		.FIFO_DEPTH(16),
		.TAG_W(8),
		.K_RAM(K_RAM)
	) u_core (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(flush_q),
		.work_valid_i(work_valid_q),
		.work_ready_o(work_ready),
		.work_midstate_i({x, y, x ^ 32'h6a09e667, y ^ 32'hbb67ae85,
				  x ^ 32'h3c6ef372, y ^ 32'ha54ff53a,
				  x ^ 32'h510e527f, y ^ 32'h9b05688c}),
		.work_tail_i({y ^ 32'h1f83d9ab, x ^ 32'h5be0cd19, x ^ y}),
		.work_nonce_start_i(x),
		.work_nonce_count_i({1'b0, y}),
		.work_tag_i(x[7:0]),
		.work_widx_o(),
		.work_word_i(32'd0),
		.idle_o(idle),
		.tgt_we_i(tgt_we_q),
		.tgt_ready_o(tgt_ready),
		.tgt_slot_i(y[SLW-1:0]),
		.tgt_en_i(y[31]),
		.tgt_wr_i(work_valid_q),
		.tgt_widx_i(x[2:0]),
		.tgt_word_i(y ^ x),
		.share_valid_o(share_valid),
		.share_ready_i(share_ready_q),
		.share_nonce_o(share_nonce),
		.share_pipe_o(share_pipe),
		.share_map_o(share_map),
		.share_tag_o(share_tag),
		.hash_count_o(hash_count),
		.share_overflow_o(share_overflow)
	);

	always @(posedge clk_i)
		obs_o <= {work_ready ^ idle ^ tgt_ready,
			  share_valid ^ (^share_nonce) ^ (^share_pipe),
			  (^share_map) ^ (^share_tag),
			  (^hash_count) ^ (^share_overflow)};
endmodule
