`default_nettype none
// Tandem hash core: SHA256d engines that roll the nonce over a job's
// window, compare every hash against SLOTS 256-bit targets and queue the
// shares.  One interface for every board and for the ASIC flow; no vendor
// primitives.  LOOP_LOG2 picks the engine:
//   0..6  hash_pipes: PIPELINES pipelines, each a chain (0) or rings of
//         64 >> LOOP_LOG2 round registers per hash, the second hash cut
//         after round 60 and a shared unit re-checking candidates;
//         1 / (61 / (64 >> LOOP_LOG2) + 1) nonces per clock per pipeline.
//   7     hash_lanes: PIPELINES lanes of one round unit each doing both
//         hashes, 1/141 nonce per clock per lane, the least logic per hash
//         (small FPGAs).
// docs/architecture.md, "The hash core", has the diagrams.
//
// Nonce and count: work_nonce_start_i is the header nonce value (the uint32
// stored little-endian at header bytes 76..79); work_nonce_count_i is a
// 33-bit count, 0 .. 2^32 nonces (0: the job completes at once).
// Flush: drops current and pending work and every nonce in flight; shares
// already in the share FIFO stay (their tag tells them apart); targets and
// counters are kept.
// Targets: a write is taken when tgt_we_i && tgt_ready_o; it applies to
// hashes compared after it.  A hash is reported when it meets a slot that
// was enabled both when the hash left its engine and when it was compared.
module hash_core #(
	parameter PIPELINES = 1,  // pipelines or lanes (1..64)
	parameter LOOP_LOG2 = 0,  // 0 fully unrolled .. 6 one round per clock
				  // per ring, 7 one round unit per lane
	parameter SLOTS = 8,      // target slots (1..16)
	parameter FIFO_DEPTH = 16,// share FIFO entries (power of two, >= 2)
	parameter TAG_W = 8,      // work tag width (>= 1)
	parameter K_RAM = 1       // LOOP_LOG2 = 7: K table in block RAM (1)
				  // or in logic (0)
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

	// targets: plain 256-bit numbers, bit 255 most significant
	input  wire               tgt_we_i,
	output wire               tgt_ready_o,
	input  wire [SLW-1:0]     tgt_slot_i,
	input  wire               tgt_en_i,
	input  wire [255:0]       tgt_value_i,

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

	localparam PIW = (PIPELINES > 1) ? clog2(PIPELINES) : 1;
	localparam SLW = (SLOTS > 1) ? clog2(SLOTS) : 1;

	generate
		if (LOOP_LOG2 == 7) begin : g_lanes
			hash_lanes #(
				.PIPELINES(PIPELINES),
				.SLOTS(SLOTS),
				.FIFO_DEPTH(FIFO_DEPTH),
				.TAG_W(TAG_W),
				.K_RAM(K_RAM)
			) u_eng (
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
				.idle_o(idle_o),
				.tgt_we_i(tgt_we_i),
				.tgt_ready_o(tgt_ready_o),
				.tgt_slot_i(tgt_slot_i),
				.tgt_en_i(tgt_en_i),
				.tgt_value_i(tgt_value_i),
				.share_valid_o(share_valid_o),
				.share_ready_i(share_ready_i),
				.share_nonce_o(share_nonce_o),
				.share_pipe_o(share_pipe_o),
				.share_map_o(share_map_o),
				.share_tag_o(share_tag_o),
				.hash_count_o(hash_count_o),
				.share_overflow_o(share_overflow_o)
			);
		end else begin : g_pipes
			hash_pipes #(
				.PIPELINES(PIPELINES),
				.LOOP_LOG2(LOOP_LOG2),
				.SLOTS(SLOTS),
				.FIFO_DEPTH(FIFO_DEPTH),
				.TAG_W(TAG_W)
			) u_eng (
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
				.idle_o(idle_o),
				.tgt_we_i(tgt_we_i),
				.tgt_ready_o(tgt_ready_o),
				.tgt_slot_i(tgt_slot_i),
				.tgt_en_i(tgt_en_i),
				.tgt_value_i(tgt_value_i),
				.share_valid_o(share_valid_o),
				.share_ready_i(share_ready_i),
				.share_nonce_o(share_nonce_o),
				.share_pipe_o(share_pipe_o),
				.share_map_o(share_map_o),
				.share_tag_o(share_tag_o),
				.hash_count_o(hash_count_o),
				.share_overflow_o(share_overflow_o)
			);
		end
	endgenerate
endmodule
