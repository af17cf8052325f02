`default_nettype none
// Tandem whole device, portable top: host link framing, command unit, job
// engine, hash core (pipelines, target compare, share FIFO) and response
// builder behind one byte-stream interface. No vendor primitives; a board
// top adds clocks, reset synchroniser, pins and a physical link
// (rtl/board_uart_device.v puts link_uart_rx/tx in front).
//
// Data path (docs/architecture.md has the diagram):
//   rx bytes -> link_frame_rx -> cmd_unit -> job RAM (2 banks) -> job_engine
//   -> work items -> hash_core -> shares -> cmd_resp -> link_frame_tx
//   -> tx bytes. cmd_unit also writes the core's targets and asks cmd_resp
//   for ACK/NAK/INFO/STATUS answers; cmd_resp interleaves them with SHARE
//   frames.
//   STRATUM=0 builds the header-mode-only device for small parts: job_header
//   (no SHA-256 unit, no rolling) replaces job_engine, the job RAM holds
//   header jobs only, cmd_unit refuses Stratum JOBs with NAK MODE and INFO
//   reports work_modes = header only and no Stratum limits. The work tag
//   then carries no extranonce2 through the core (it is always 0), and
//   the core (compact lanes only: LOOP_LOG2 must be 7) copies each work
//   item a word at a time out of job_header's job RAM.
//
// Parameters (INFO reports them):
//   STRATUM         1 header and Stratum jobs (on-chip rolling), 0 header
//                   jobs only (small parts)
//   PIPELINES       SHA256d pipelines (1..64)
//   LOOP_LOG2       0 fully unrolled .. 6 one round per clock, 7 compact
//                   lanes (hash_core)
//   SLOTS           target slots (1..16)
//   CLK_HZ          clk_i frequency in Hz, reported in INFO
//   FIFO_DEPTH      share FIFO entries (power of two, >= 2)
//   MAX_REM_BLOCKS  coinbase remainder blocks per job (1..8; STRATUM=1)
//   MAX_BRANCH      merkle branch depth (0..16; STRATUM=1)
//   META_LOG2       log2 of the job-fact table (1..4): jobs whose shares
//                   can still be in the share FIFO when a new job starts
//   BUILD_ID        INFO build_id
//   SERIAL          INFO serial, 8 ASCII characters
module tandem_device #(
    parameter integer STRATUM = 1,          // 1 header + Stratum, 0 header only
    parameter integer PIPELINES = 1,        // SHA256d pipelines, 1..64
    parameter integer LOOP_LOG2 = 0,        // 0 unrolled .. 6 iterative, 7 lanes
    parameter integer SLOTS = 8,            // target slots, 1..16
    parameter integer CLK_HZ = 48000000,    // clock in Hz (INFO)
    parameter integer FIFO_DEPTH = 16,      // share FIFO entries, 2^n >= 2
    parameter integer MAX_REM_BLOCKS = 8,   // remainder blocks, 1..8
    parameter integer MAX_BRANCH = 16,      // merkle depth, 0..16
    parameter integer META_LOG2 = 2,        // job-fact table log2, 1..4
    parameter [31:0]  BUILD_ID = 32'h0,     // INFO build_id
    parameter [63:0]  SERIAL = "TANDEM00"   // INFO serial, 8 ASCII chars
) (
    input  wire       clk_i,
    input  wire       rst_ni,

    // Byte stream from the host (physical link receiver).
    input  wire [7:0] rx_data_i,
    input  wire       rx_valid_i,
    output wire       rx_ready_o,

    // Byte stream to the host (physical link sender).
    output wire [7:0] tx_data_o,
    output wire       tx_valid_o,
    input  wire       tx_ready_i
);
`include "tandem_clog2.vh"

    // Largest payload: a full Stratum JOB (STRATUM=1), at least a full
    // TARGET_SET (a header JOB is 68 bytes).
    localparam integer JOB_MAX = (STRATUM != 0) ?
                                 108 + 64 * MAX_REM_BLOCKS + 32 * MAX_BRANCH : 68;
    localparam integer MAX_PAYLOAD = (JOB_MAX > 544) ? JOB_MAX : 544;
    localparam integer BUF_LOG2 = clog2(MAX_PAYLOAD + 10);
    // Job RAM bank: job_engine's layout; header jobs need words 0..16.
    localparam integer REM_BASE = 32;
    localparam integer BR_BASE = REM_BASE + 16 * MAX_REM_BLOCKS;
    localparam integer BANK_AW = (STRATUM != 0) ?
                                 clog2(BR_BASE + 8 * MAX_BRANCH) : 5;
    localparam integer TAG_W = META_LOG2 + 96;
    // Tag through the core: all of it, or without the extranonce2 field
    // (always 0 in header mode) when STRATUM=0.
    localparam integer CTAG_W = (STRATUM != 0) ? TAG_W : META_LOG2 + 32;
    localparam integer PIW = (PIPELINES > 1) ? clog2(PIPELINES) : 1;
    localparam integer SLW = (SLOTS > 1) ? clog2(SLOTS) : 1;

    // ---- link framing ----
    wire              fr_valid, fr_ready;
    wire [7:0]        fr_type, fr_seq;
    wire [15:0]       fr_len;
    wire [BUF_LOG2-1:0] fr_addr;
    wire [7:0]        fr_data;
    wire [31:0]       crc_errors, link_frame_errors;

    link_frame_rx #(
        .MAX_PAYLOAD(MAX_PAYLOAD),
        .BUF_LOG2(BUF_LOG2)
    ) u_frx (
        .clk_i         (clk_i),
        .rst_ni        (rst_ni),
        .rx_data_i     (rx_data_i),
        .rx_valid_i    (rx_valid_i),
        .rx_ready_o    (rx_ready_o),
        .frame_valid_o (fr_valid),
        .frame_ready_i (fr_ready),
        .frame_type_o  (fr_type),
        .frame_seq_o   (fr_seq),
        .frame_len_o   (fr_len),
        .frame_addr_i  (fr_addr),
        .frame_data_o  (fr_data),
        .crc_errors_o  (crc_errors),
        .frame_errors_o(link_frame_errors),
        .drop_o        (),
        .drop_why_o    ()
    );

    wire        ft_valid, ft_ready;
    wire [7:0]  ft_type, ft_seq, ft_data;
    wire [15:0] ft_len, ft_addr;

    link_frame_tx u_ftx (
        .clk_i        (clk_i),
        .rst_ni       (rst_ni),
        .frame_valid_i(ft_valid),
        .frame_ready_o(ft_ready),
        .frame_type_i (ft_type),
        .frame_seq_i  (ft_seq),
        .frame_len_i  (ft_len),
        .frame_addr_o (ft_addr),
        .frame_data_i (ft_data),
        .tx_data_o    (tx_data_o),
        .tx_valid_o   (tx_valid_o),
        .tx_ready_i   (tx_ready_i)
    );

    // ---- command unit ----
    wire        rq_valid, rq_ready, rq_purge;
    wire [1:0]  rq_kind;
    wire [7:0]  rq_type, rq_seq, rq_reason, rq_detail;
    wire [15:0] generation;
    wire        run;
    wire [31:0] cmd_errors;
    wire        jw_en, job_begin, job_commit, job_queue, cmd_flush, core_stop;
    wire [BANK_AW-1:0] jw_addr;
    wire [31:0] jw_data;
    wire        job_active, job_queued;
    wire        tgt_we, tgt_ready, tgt_en;
    wire [3:0]  tgt_slot;
    wire         tgt_wr;
    wire [2:0]   tgt_widx;
    wire [31:0]  tgt_word;

    cmd_unit #(
        .STRATUM(STRATUM),
        .SLOTS(SLOTS),
        .MAX_REM_BLOCKS(MAX_REM_BLOCKS),
        .MAX_BRANCH(MAX_BRANCH),
        .BUF_AW(BUF_LOG2),
        .BANK_AW(BANK_AW),
        .REM_BASE(REM_BASE),
        .BR_BASE(BR_BASE)
    ) u_cmd (
        .clk_i        (clk_i),
        .rst_ni       (rst_ni),
        .frame_valid_i(fr_valid),
        .frame_ready_o(fr_ready),
        .frame_type_i (fr_type),
        .frame_seq_i  (fr_seq),
        .frame_len_i  (fr_len),
        .frame_addr_o (fr_addr),
        .frame_data_i (fr_data),
        .resp_valid_o (rq_valid),
        .resp_ready_i (rq_ready),
        .resp_kind_o  (rq_kind),
        .resp_type_o  (rq_type),
        .resp_seq_o   (rq_seq),
        .resp_reason_o(rq_reason),
        .resp_detail_o(rq_detail),
        .resp_purge_o (rq_purge),
        .generation_o (generation),
        .run_o        (run),
        .cmd_errors_o (cmd_errors),
        .jw_en_o      (jw_en),
        .jw_addr_o    (jw_addr),
        .jw_data_o    (jw_data),
        .job_begin_o  (job_begin),
        .job_commit_o (job_commit),
        .job_queue_o  (job_queue),
        .flush_o      (cmd_flush),
        .core_stop_o  (core_stop),
        .job_queued_i (job_queued),
        .tgt_we_o     (tgt_we),
        .tgt_ready_i  (tgt_ready),
        .tgt_slot_o   (tgt_slot),
        .tgt_en_o     (tgt_en),
        .tgt_wr_o     (tgt_wr),
        .tgt_widx_o   (tgt_widx),
        .tgt_word_o   (tgt_word)
    );

    // ---- job engine ----
    wire         wk_valid, wk_ready, eng_abort;
    wire [255:0] wk_mid;
    wire [95:0]  wk_tail;
    wire [31:0]  wk_nstart, wk_ncount;
    wire [TAG_W-1:0] wk_tag;
    wire [3:0]   wk_widx;        // header mode: the core copies the item
    wire [31:0]  wk_word;        // a word at a time from the job RAM
    wire [META_LOG2-1:0] meta_idx;
    wire [31:0]  meta_job_id, meta_ntime;
    wire [15:0]  meta_gen;
    wire [3:0]   meta_en2_size;
    wire [31:0]  stat_job_id, stat_version, rolls;
    wire [63:0]  stat_en2;

    // One of the two engines; both have the same ports and job semantics.
    generate
        if (STRATUM != 0) begin : g_stratum
            job_engine #(
                .MAX_REM_BLOCKS(MAX_REM_BLOCKS),
                .MAX_BRANCH(MAX_BRANCH),
                .META_LOG2(META_LOG2),
                .BANK_AW(BANK_AW)
            ) u_eng (
                .clk_i             (clk_i),
                .rst_ni            (rst_ni),
                .jw_en_i           (jw_en),
                .jw_addr_i         (jw_addr),
                .jw_data_i         (jw_data),
                .job_begin_i       (job_begin),
                .job_commit_i      (job_commit),
                .job_queue_i       (job_queue),
                .flush_i           (cmd_flush),
                .run_i             (run),
                .job_active_o      (job_active),
                .job_queued_o      (job_queued),
                .core_abort_o      (eng_abort),
                .work_valid_o      (wk_valid),
                .work_ready_i      (wk_ready),
                .work_midstate_o   (wk_mid),
                .work_tail_o       (wk_tail),
                .work_nonce_start_o(wk_nstart),
                .work_nonce_count_o(wk_ncount),
                .work_tag_o        (wk_tag),
                .meta_idx_i        (meta_idx),
                .meta_job_id_o     (meta_job_id),
                .meta_gen_o        (meta_gen),
                .meta_ntime_o      (meta_ntime),
                .meta_en2_size_o   (meta_en2_size),
                .stat_job_id_o     (stat_job_id),
                .stat_en2_o        (stat_en2),
                .stat_version_o    (stat_version),
                .rolls_o           (rolls)
            );
            assign wk_word = 32'd0;
            wire unused_widx = &{1'b0, wk_widx};
        end else begin : g_header
            // the item reaches the compact lanes a word at a time only
            if (LOOP_LOG2 != 7) begin : g_bad
                STRATUM_0_needs_LOOP_LOG2_7 u_stop ();
            end
            assign wk_mid = 256'd0;
            assign wk_tail = 96'd0;
            assign wk_nstart = 32'd0;
            assign wk_ncount = 32'd0;
            job_header #(
                .MAX_REM_BLOCKS(MAX_REM_BLOCKS),
                .MAX_BRANCH(MAX_BRANCH),
                .META_LOG2(META_LOG2),
                .BANK_AW(BANK_AW)
            ) u_eng (
                .clk_i             (clk_i),
                .rst_ni            (rst_ni),
                .jw_en_i           (jw_en),
                .jw_addr_i         (jw_addr),
                .jw_data_i         (jw_data),
                .job_begin_i       (job_begin),
                .job_commit_i      (job_commit),
                .job_queue_i       (job_queue),
                .flush_i           (cmd_flush),
                .run_i             (run),
                .job_active_o      (job_active),
                .job_queued_o      (job_queued),
                .core_abort_o      (eng_abort),
                .work_valid_o      (wk_valid),
                .work_ready_i      (wk_ready),
                .work_widx_i       (wk_widx),
                .work_word_o       (wk_word),
                .work_tag_o        (wk_tag),
                .meta_idx_i        (meta_idx),
                .meta_job_id_o     (meta_job_id),
                .meta_gen_o        (meta_gen),
                .meta_ntime_o      (meta_ntime),
                .meta_en2_size_o   (meta_en2_size),
                .stat_job_id_o     (stat_job_id),
                .stat_en2_o        (stat_en2),
                .stat_version_o    (stat_version),
                .rolls_o           (rolls)
            );
        end
    endgenerate

    // ---- hash core ----
    // FLUSH, a replacing JOB and RUN 0 abandon the core's work in flight.
    wire core_flush = cmd_flush || eng_abort || core_stop;
    // The protocol's count 0 means the whole 2^32 space.
    wire [32:0] wk_count33 = (wk_ncount == 32'd0) ? 33'h100000000
                                                  : {1'b0, wk_ncount};
    wire         sh_valid, sh_ready;
    wire [31:0]  sh_nonce;
    wire [PIW-1:0] sh_pipe;
    wire [SLOTS-1:0] sh_map;
    wire [TAG_W-1:0] sh_tag;
    wire [CTAG_W-1:0] wk_ctag, sh_ctag;
    wire [63:0]  hash_count;
    wire [31:0]  overflows;

    // Tag layout {fact index, extranonce2, version} (job_engine); without
    // Stratum the extranonce2 field is 0 and stays out of the core.
    generate
        if (STRATUM != 0) begin : g_tag_full
            assign wk_ctag = wk_tag;
            assign sh_tag = sh_ctag;
        end else begin : g_tag_hdr
            assign wk_ctag = {wk_tag[TAG_W-1:96], wk_tag[31:0]};
            assign sh_tag = {sh_ctag[CTAG_W-1:32], 64'd0, sh_ctag[31:0]};
            wire unused_tag = &{1'b0, wk_tag[95:32]};
        end
    endgenerate

    hash_core #(
        .PIPELINES(PIPELINES),
        .LOOP_LOG2(LOOP_LOG2),
        .SLOTS(SLOTS),
        .FIFO_DEPTH(FIFO_DEPTH),
        .TAG_W(CTAG_W),
        .WORK_SERIAL((STRATUM != 0) ? 0 : 1)
    ) u_core (
        .clk_i             (clk_i),
        .rst_ni            (rst_ni),
        .flush_i           (core_flush),
        .work_valid_i      (wk_valid),
        .work_ready_o      (wk_ready),
        .work_midstate_i   (wk_mid),
        .work_tail_i       (wk_tail),
        .work_nonce_start_i(wk_nstart),
        .work_nonce_count_i(wk_count33),
        .work_tag_i        (wk_ctag),
        .work_widx_o       (wk_widx),
        .work_word_i       (wk_word),
        .idle_o            (),
        .tgt_we_i          (tgt_we),
        .tgt_ready_o       (tgt_ready),
        .tgt_slot_i        (tgt_slot[SLW-1:0]),
        .tgt_en_i          (tgt_en),
        .tgt_wr_i          (tgt_wr),
        .tgt_widx_i        (tgt_widx),
        .tgt_word_i        (tgt_word),
        .share_valid_o     (sh_valid),
        .share_ready_i     (sh_ready),
        .share_nonce_o     (sh_nonce),
        .share_pipe_o      (sh_pipe),
        .share_map_o       (sh_map),
        .share_tag_o       (sh_ctag),
        .hash_count_o      (hash_count),
        .share_overflow_o  (overflows)
    );

    // ---- responses and shares ----
    wire [31:0] shares_sent;

    cmd_resp #(
        .STRATUM(STRATUM),
        .PIPELINES(PIPELINES),
        .LOOP_LOG2(LOOP_LOG2),
        .SLOTS(SLOTS),
        .CLK_HZ(CLK_HZ),
        .MAX_PAYLOAD(MAX_PAYLOAD),
        .MAX_REM_BLOCKS(MAX_REM_BLOCKS),
        .MAX_BRANCH(MAX_BRANCH),
        .BUILD_ID(BUILD_ID),
        .SERIAL(SERIAL),
        .PIW(PIW),
        .TAG_W(TAG_W),
        .META_LOG2(META_LOG2)
    ) u_resp (
        .clk_i          (clk_i),
        .rst_ni         (rst_ni),
        .resp_valid_i   (rq_valid),
        .resp_ready_o   (rq_ready),
        .resp_kind_i    (rq_kind),
        .resp_type_i    (rq_type),
        .resp_seq_i     (rq_seq),
        .resp_reason_i  (rq_reason),
        .resp_detail_i  (rq_detail),
        .resp_purge_i   (rq_purge),
        .generation_i   (generation),
        .run_i          (run),
        .job_active_i   (job_active),
        .job_queued_i   (job_queued),
        .hash_count_i   (hash_count),
        .stat_job_id_i  (stat_job_id),
        .stat_en2_i     (stat_en2),
        .stat_version_i (stat_version),
        .overflows_i    (overflows),
        .crc_errors_i   (crc_errors),
        .frame_errors_i (link_frame_errors + cmd_errors),
        .rolls_i        (rolls),
        .share_valid_i  (sh_valid),
        .share_ready_o  (sh_ready),
        .share_nonce_i  (sh_nonce),
        .share_pipe_i   (sh_pipe),
        .share_map_i    (sh_map),
        .share_tag_i    (sh_tag),
        .meta_idx_o     (meta_idx),
        .meta_job_id_i  (meta_job_id),
        .meta_gen_i     (meta_gen),
        .meta_ntime_i   (meta_ntime),
        .meta_en2_size_i(meta_en2_size),
        .shares_o       (shares_sent),
        .frame_valid_o  (ft_valid),
        .frame_ready_i  (ft_ready),
        .frame_type_o   (ft_type),
        .frame_seq_o    (ft_seq),
        .frame_len_o    (ft_len),
        .frame_addr_i   (ft_addr),
        .frame_data_o   (ft_data)
    );

    wire unused_sig = &{1'b0, shares_sent, tgt_slot};

endmodule

`default_nettype wire
