`default_nettype none
// Header-mode job engine: job_engine's ports and job semantics without the
// on-chip rolling, for small parts (tandem_device STRATUM=0).
//
// Purpose:
//   Holds two jobs in the two-bank job RAM the command unit fills (the
//   current one and one queued or being written), exactly as job_engine
//   does, but knows only header-mode jobs (JOB mode 0): the host has
//   already computed the midstate, so a job is one work item (midstate,
//   tail, nonce window, tag) that the hash core copies a word at a time
//   straight out of the job RAM (hash_core WORK_SERIAL=1; only the compact
//   lanes, LOOP_LOG2=7, take items that way). There is no SHA-256
//   unit and nothing rolls: stat_en2_o and rolls_o stay 0, the tag's
//   extranonce2 field is 0. The command unit refuses Stratum jobs
//   (NAK MODE), so the mode byte is not looked at here.
//   QUEUE / replace / FLUSH / RUN and core_abort_o behave as in
//   job_engine (both use job_banks and job_facts): a replacing commit
//   restarts the load and pulses core_abort_o the clock after; a job is
//   done when the core takes its item, and a queued job then becomes
//   current.
//
// Job RAM layout (per bank, 32-bit words, each holding four JOB payload
//   bytes p[4i..4i+3] packed big-endian {p0,p1,p2,p3}): words 0..16 are
//   the 68-byte header-mode JOB (rtl/job_engine.v layout, of which only
//   the head is used). Only the low 5 bits of jw_addr_i address a bank;
//   a write with higher bits set is ignored.
//
// Loading: words 0..5 are read in order, one per clock: generation,
//   job_id and ntime go straight into the job-fact table entry of this
//   job as their words arrive, job_id and version also into registers
//   (STATUS's job_id and version, the work tag), and whether the nonce
//   count is 0 (= 2^32). Then the item is offered, and while it is the
//   RAM's read port answers the core's word requests (work_widx_i, the
//   word in work_word_o one clock later, in hash_lanes' order: midstate
//   H0..H7, tail W0..W2, nonce start, count bits 31..0, count bit 32).
//
// Work tag (TAG_W = META_LOG2 + 96 bits), as job_engine's:
//   [TAG_W-1:96] job-fact table index, [95:32] extranonce2 = 0,
//   [31:0] the job's version. meta_* give the facts for a share's index
//   (meta_en2_size_o is always 0: header mode).
//
// Parameters: those of job_engine, so tandem_device can swap the two;
//   MAX_REM_BLOCKS, MAX_BRANCH, REM_BASE and BR_BASE are not used here.
//   BANK_AW must be at least 5.
// Cycles: a job start takes 8 clocks to its work item (6 RAM reads,
//   the last word's arrival, then the offer); the core's copy then takes
//   15 clocks.
module job_header #(
    parameter integer MAX_REM_BLOCKS = 8,  // unused here (job_engine's), 1..8
    parameter integer MAX_BRANCH = 16,     // unused here (job_engine's), 0..16
    parameter integer META_LOG2 = 2,       // log2 job-fact table entries, 1..4
    // derived in job_engine; BANK_AW is the job RAM write address width
    parameter integer REM_BASE = 32,       // unused here (job_engine's)
    parameter integer BR_BASE = REM_BASE + 16 * MAX_REM_BLOCKS, // unused here
    parameter integer BANK_AW = clog2(BR_BASE + 8 * MAX_BRANCH), // >= 5
    parameter integer TAG_W = META_LOG2 + 96   // work tag bits, do not override
) (
    input  wire                 clk_i,
    input  wire                 rst_ni,

    // Job RAM write port (command unit), bank chosen here.
    input  wire                 jw_en_i,
    input  wire [BANK_AW-1:0]   jw_addr_i,
    input  wire [31:0]          jw_data_i,

    // Job control from the command unit.
    input  wire                 job_begin_i,   // a JOB copy starts: drop queued job
    input  wire                 job_commit_i,  // the copied job is complete
    input  wire                 job_queue_i,   // with commit: queue, else replace
    input  wire                 flush_i,       // drop current and queued job
    input  wire                 run_i,         // level: issue work while high
    output wire                 job_active_o,  // a job is current
    output wire                 job_queued_o,  // a queued job waits
    output wire                 core_abort_o,  // pulse: abandon the core's work
                                               // (the clock after a replacing commit)

    // Work items to the hash core.
    output wire                 work_valid_o,
    input  wire                 work_ready_i,
    input  wire [3:0]           work_widx_i,   // item word wanted (see above)
    output reg  [31:0]          work_word_o,   // word of last clock's index
    output wire [TAG_W-1:0]     work_tag_o,

    // Job facts for a share's tag.
    input  wire [META_LOG2-1:0] meta_idx_i,
    output wire [31:0]          meta_job_id_o,
    output wire [15:0]          meta_gen_o,
    output wire [31:0]          meta_ntime_o,
    output wire [3:0]           meta_en2_size_o, // 0: header mode

    // Status.
    output wire [31:0]          stat_job_id_o,
    output reg  [63:0]          stat_en2_o,     // always 0 (nothing rolls)
    output wire [31:0]          stat_version_o, // current job's version
    output reg  [31:0]          rolls_o         // always 0
);
`include "tandem_clog2.vh"

    function [31:0] bswap;
        input [31:0] w;
        begin
            bswap = {w[7:0], w[15:8], w[23:16], w[31:24]};
        end
    endfunction

    localparam integer HAW = 5;          // bank address bits used (32 words)
    localparam [4:0] LAST_WORD = 5'd5;   // the facts: words 0..5

    // FSM states.
    localparam [1:0] S_IDLE  = 2'd0,  // no job
                     S_LOAD  = 2'd1,  // reading the job's words
                     S_LDONE = 2'd2,  // the last word arrives
                     S_OFFER = 2'd3;  // work item offered to the core

    // ---- control state (reset) ----
    reg [1:0]  st_q, st_d;
    reg [4:0]  ld_cnt_q, ld_cnt_d;    // load address counter
    reg [4:0]  ld_prev_q;             // address whose data arrives now
    reg        ld_vld_q;              // ... and it belongs to this load

    // ---- job registers (datapath) ----
    reg [31:0] job_id_q;
    reg [31:0] version_q;
    reg        czero_q;               // nonce count 0: the whole 2^32

    // ---- job RAM ----
    // Two banks of 2^HAW words; the command unit writes the bank that is
    // not current.
    wire [31:0] rw;
    wire        cur_bank;
    wire        jw_in_bank = ((jw_addr_i >> HAW) == {BANK_AW{1'b0}});

    job_ram #(.AW(HAW + 1), .DW(32)) u_ram (
        .clk_i     (clk_i),
        .wr_en_i   (jw_en_i && jw_in_bank),
        .wr_addr_i ({~cur_bank, jw_addr_i[HAW-1:0]}),
        .wr_data_i (jw_data_i),
        .rd_addr_i ({cur_bank, rd_word}),
        .rd_data_o (rw)
    );

    // While the item is offered the read port serves the core: item
    // word k is RAM word k + 6 (midstate 6..13, tail 14..16), the nonce
    // start and count are words 2 and 3.
    wire [4:0] rd_word = (st_q != S_OFFER) ? ld_cnt_q :
                         (work_widx_i == 4'd11) ? 5'd2 :
                         (work_widx_i == 4'd12) ? 5'd3 :
                         {1'b0, work_widx_i} + 5'd6;

    wire offer = (st_q == S_OFFER) && run_i;
    wire take = offer && work_ready_i;

    // ---- current / queued job, job-fact entry (job_banks) ----
    // One item per job: the job is done when the core takes it.
    wire                 restart;
    wire                 bk_load, bk_idle;
    wire [META_LOG2-1:0] meta_wr;

    job_banks #(.META_LOG2(META_LOG2)) u_banks (
        .clk_i        (clk_i),
        .rst_ni       (rst_ni),
        .job_begin_i  (job_begin_i),
        .job_commit_i (job_commit_i),
        .job_queue_i  (job_queue_i),
        .flush_i      (flush_i),
        .done_i       (take),
        .loading_i    (st_q == S_LOAD),
        .load_o       (bk_load),
        .idle_o       (bk_idle),
        .restart_o    (restart),
        .bank_o       (cur_bank),
        .job_active_o (job_active_o),
        .job_queued_o (job_queued_o),
        .core_abort_o (core_abort_o),
        .meta_wr_o    (meta_wr)
    );

    // ---- FSM ----
    always @(*) begin
        st_d = st_q;
        ld_cnt_d = ld_cnt_q;

        case (st_q)
            S_LOAD: begin
                ld_cnt_d = ld_cnt_q + 5'd1;
                if (ld_cnt_q == LAST_WORD)
                    st_d = S_LDONE;
            end
            S_LDONE: st_d = S_OFFER;
            default: ;  // S_OFFER: left by job_banks once the item is taken
        endcase

        // A new current job (handed over, or a replacing commit) loads
        // from its first word; no job left (done, flushed): idle.
        if (bk_load) begin
            st_d = S_LOAD;
            ld_cnt_d = 5'd0;
        end else if (bk_idle) begin
            st_d = S_IDLE;
        end
    end

    always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
            st_q <= S_IDLE;
            ld_cnt_q <= 5'd0;
            ld_prev_q <= 5'd0;
            ld_vld_q <= 1'b0;
        end else begin
            st_q <= st_d;
            ld_cnt_q <= ld_cnt_d;
            ld_prev_q <= ld_cnt_q;
            // a restarted load drops the word still on its way
            ld_vld_q <= (st_q == S_LOAD) && !restart;
        end
    end

    // Nothing rolls in header mode.
    always @(*) begin
        stat_en2_o = 64'd0;
        rolls_o = 32'd0;
    end

    // ---- job registers: loaded from RAM as the words arrive ----
    // Words 0, 1 and 5 are facts (generation, job_id, ntime), 3 the nonce
    // count, 4 the version. A load that is cut short by a replacing JOB
    // restarts on the same table entry (job_banks does not step meta_wr),
    // a FLUSH purges every share that could point at it.
    always @(posedge clk_i) begin
        if (ld_vld_q && ld_prev_q == 5'd1)
            job_id_q <= bswap(rw);
        if (ld_vld_q && ld_prev_q == 5'd3)
            czero_q <= (rw == 32'd0);
        if (ld_vld_q && ld_prev_q == 5'd4)
            version_q <= bswap(rw);
    end

    // The word the core asked for last clock, in the core's order: the
    // midstate and the nonce words are u32 LE on the wire, the tail is
    // header[64:76] read as big-endian words, as stored.
    reg [3:0] widx_q;
    always @(posedge clk_i)
        widx_q <= work_widx_i;
    always @(*) begin
        if (widx_q == 4'd13)
            work_word_o = {31'd0, czero_q};
        else if (widx_q >= 4'd8 && widx_q <= 4'd10)
            work_word_o = rw;
        else
            work_word_o = bswap(rw);
    end

    // Job-fact table: the facts go in as their words arrive.
    job_facts #(.META_LOG2(META_LOG2), .EN2_SIZE(0)) u_facts (
        .clk_i         (clk_i),
        .wr_idx_i      (meta_wr),
        .wr_id_en_i    (ld_vld_q && ld_prev_q == 5'd1),
        .wr_id_i       (bswap(rw)),
        .wr_gen_en_i   (ld_vld_q && ld_prev_q == 5'd0),
        .wr_gen_i      ({rw[7:0], rw[15:8]}),  // u16 LE at payload 2..3
        .wr_ntime_en_i (ld_vld_q && ld_prev_q == 5'd5),
        .wr_ntime_i    (bswap(rw)),
        .wr_size_en_i  (1'b0),
        .wr_size_i     (4'd0),
        .rd_idx_i      (meta_idx_i),
        .rd_id_o       (meta_job_id_o),
        .rd_gen_o      (meta_gen_o),
        .rd_ntime_o    (meta_ntime_o),
        .rd_size_o     (meta_en2_size_o)
    );

    assign work_tag_o = {meta_wr, 64'd0, version_q};
    assign work_valid_o = offer;

    assign stat_job_id_o = job_id_q;
    assign stat_version_o = version_q;

    // job_engine's sizing parameters have no use in header mode.
    wire [31:0] unused_par = MAX_REM_BLOCKS + MAX_BRANCH + REM_BASE + BR_BASE;
    wire unused_sig = &{1'b0, unused_par};

endmodule

`default_nettype wire
