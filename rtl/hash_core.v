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
// Work item words (WORK_SERIAL = 1, compact lanes only): instead of the
// parallel midstate / tail / nonce ports, the lanes ask for the item a
// word at a time (work_widx_o, the word in work_word_i one clock later;
// rtl/hash_lanes.v has the word order), so a job engine that keeps the
// job in a RAM hands it over without a 352-bit register.  With
// WORK_SERIAL = 0 the parallel ports are used and the word port is idle.
// Flush: drops current and pending work and every nonce in flight; shares
// already in the share FIFO stay (their tag tells them apart); targets and
// counters are kept.
// Targets (target_slots): the eight words of a 256-bit target go in
// through tgt_wr_i / tgt_widx_i / tgt_word_i (word 0 = bits 255..224),
// then the commit is taken when tgt_we_i && tgt_ready_o; it applies to
// hashes compared after it.  A hash is reported when it meets a slot that
// was enabled both when the hash left its engine and when it was compared.
module hash_core #(
	parameter PIPELINES = 1,  // pipelines or lanes (1..64)
	parameter LOOP_LOG2 = 0,  // 0 fully unrolled .. 6 one round per clock
				  // per ring, 7 one round unit per lane
	parameter SLOTS = 8,      // target slots (1..16)
	parameter FIFO_DEPTH = 16,// share FIFO entries (power of two, >= 2)
	parameter TAG_W = 8,      // work tag width (>= 1)
	parameter K_RAM = 1,      // LOOP_LOG2 = 7: K table in block RAM (1)
				  // or in logic (0)
	parameter WORK_SERIAL = 0 // LOOP_LOG2 = 7: 1 item through the word
				  // port, 0 through the parallel ports
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
	output wire [3:0]         work_widx_o, // WORK_SERIAL: word wanted
	input  wire [31:0]        work_word_i, // ... one clock later
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

	localparam PIW = (PIPELINES > 1) ? clog2(PIPELINES) : 1;
	localparam SLW = (SLOTS > 1) ? clog2(SLOTS) : 1;

	generate
		if (LOOP_LOG2 == 7) begin : g_lanes
			wire [3:0]  widx;
			wire [31:0] word;
			if (WORK_SERIAL != 0) begin : g_serial
				assign word = work_word_i;
				wire unused_par = &{1'b0, work_midstate_i,
					work_tail_i, work_nonce_start_i,
					work_nonce_count_i};
			end else begin : g_parallel
				hash_work_words u_words (
					.clk_i(clk_i),
					.midstate_i(work_midstate_i),
					.tail_i(work_tail_i),
					.nonce_start_i(work_nonce_start_i),
					.nonce_count_i(work_nonce_count_i),
					.widx_i(widx),
					.word_o(word)
				);
				wire unused_word = &{1'b0, work_word_i};
			end
			assign work_widx_o = widx;
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
				.work_widx_o(widx),
				.work_word_i(word),
				.work_tag_i(work_tag_i),
				.idle_o(idle_o),
				.tgt_we_i(tgt_we_i),
				.tgt_ready_o(tgt_ready_o),
				.tgt_slot_i(tgt_slot_i),
				.tgt_en_i(tgt_en_i),
				.tgt_wr_i(tgt_wr_i),
				.tgt_widx_i(tgt_widx_i),
				.tgt_word_i(tgt_word_i),
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
			assign work_widx_o = 4'd0;
			wire unused_word = &{1'b0, work_word_i, WORK_SERIAL[0]};
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
				.tgt_wr_i(tgt_wr_i),
				.tgt_widx_i(tgt_widx_i),
				.tgt_word_i(tgt_word_i),
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
