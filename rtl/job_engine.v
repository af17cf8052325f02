`default_nettype none
// Job engine: turns the current job into a stream of work items (header
// midstate + tail + nonce window) for the hash core, rolling version and
// extranonce2 on chip.
//
// Purpose:
//   Holds two jobs in a two-bank job RAM (the current one and one queued
//   or being written; job_banks keeps which is which and what QUEUE,
//   replace and FLUSH do, job_facts the facts of recent jobs). For a
//   Stratum-mode job it computes, for every extranonce2 value, coinbase
//   hash -> txid -> merkle root (folding the branch) -> header midstate
//   with one iterative SHA-256 round unit (job_sha256); for every further
//   version value only the header midstate. A header-mode job is one
//   work item, passed through.
//   Rolling order (include/tandem_proto.h): nonce window (in the core),
//   then version (masked bits counted as one number from the job's value),
//   then extranonce2 (little-endian counter over en2_size bytes) when the
//   version wraps back to its start. The job is done when extranonce2
//   wraps back to its start value; a queued job then becomes current.
//
//   The engine computes the next work item while the hash core still
//   hashes earlier ones: the core takes an item into its own next-window
//   buffer, so the engine has a whole window to prepare the following
//   item. Rolling costs no hashing cycles as long as a window lasts
//   longer than one extranonce2 step (see docs/architecture.md).
//
// Job RAM layout (per bank, 32-bit words, each holding four JOB payload
//   bytes p[4i..4i+3] packed big-endian {p0,p1,p2,p3}):
//   words 0..26    JOB payload bytes 0..107 (head and fixed part)
//   REM_BASE..     remainder blocks (payload 108..), 16 words per block
//   BR_BASE..      merkle branch (after the remainder), 8 words per entry
//   The command unit writes the bank that is not current (wr_bank).
//
// Work tag (TAG_W = META_LOG2 + 96 bits) copied into shares by the core:
//   [TAG_W-1:96] index into a small table of job facts (job_id,
//   generation, ntime, en2_size, mode) written at each job start,
//   [95:32] extranonce2 (byte 0 = first coinbase byte in [39:32]),
//   [31:0] version as hashed. meta_* give the facts for a share's index.
//
// Parameters: see below.
// Cycles: one compression takes 68 clocks (job_sha256 plus the word
//   feeder); an extranonce2 step costs 9 + 68*(rem_blocks + 2 + 3*branch)
//   clocks, a version step 68 + 1.
module job_engine #(
    parameter integer MAX_REM_BLOCKS = 8,  // remainder blocks per job, 1..8
    parameter integer MAX_BRANCH = 16,     // merkle branch depth, 0..16
    parameter integer META_LOG2 = 2,       // log2 job-fact table entries, 1..4
    // derived, do not override
    parameter integer REM_BASE = 32,
    parameter integer BR_BASE = REM_BASE + 16 * MAX_REM_BLOCKS,
    parameter integer BANK_AW = clog2(BR_BASE + 8 * MAX_BRANCH),
    parameter integer TAG_W = META_LOG2 + 96
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
    output wire [255:0]         work_midstate_o, // H0 in [255:224]
    output wire [95:0]          work_tail_o,     // W0 (header[64:68] BE) in [95:64]
    output wire [31:0]          work_nonce_start_o,
    output wire [31:0]          work_nonce_count_o, // 0 = 2^32
    output wire [TAG_W-1:0]     work_tag_o,

    // Job facts for a share's tag.
    input  wire [META_LOG2-1:0] meta_idx_i,
    output wire [31:0]          meta_job_id_o,
    output wire [15:0]          meta_gen_o,
    output wire [31:0]          meta_ntime_o,
    output wire [3:0]           meta_en2_size_o, // 0 in header mode

    // Status.
    output wire [31:0]          stat_job_id_o,
    output reg  [63:0]          stat_en2_o,     // last issued item
    output reg  [31:0]          stat_version_o,
    output reg  [31:0]          rolls_o         // version/en2 steps taken
);
`include "tandem_clog2.vh"

    function [31:0] bswap;
        input [31:0] w;
        begin
            bswap = {w[7:0], w[15:8], w[23:16], w[31:24]};
        end
    endfunction

    localparam [255:0] SHA_IV = {32'h6a09e667, 32'hbb67ae85, 32'h3c6ef372,
                                 32'ha54ff53a, 32'h510e527f, 32'h9b05688c,
                                 32'h1f83d9ab, 32'h5be0cd19};

    // FSM states.
    localparam [3:0] S_IDLE  = 4'd0,  // no job
                     S_LOAD  = 4'd1,  // reading the job's fixed words
                     S_LDONE = 4'd2,  // last load word arrives, facts stored
                     S_HLOAD = 4'd3,  // header mode: midstate into round unit
                     S_CBLD  = 4'd4,  // coinbase midstate into h_q
                     S_START = 4'd5,  // start one compression
                     S_COMP  = 4'd6,  // compression running
                     S_OFFER = 4'd7,  // work item offered to the core
                     S_CBEND = 4'd8;  // last coinbase midstate word arrives

    // Compression kinds.
    localparam [2:0] K_CB = 3'd0,   // coinbase remainder block idx_q
                     K_TXID = 3'd1, // SHA-256 of the coinbase digest
                     K_MK1 = 3'd2,  // merkle level idx_q: h | branch
                     K_MK2 = 3'd3,  //   its padding block
                     K_MK3 = 3'd4,  //   second SHA-256
                     K_HDR = 3'd5;  // header[0:64] -> midstate

    localparam integer LOAD_WORDS = 27;

    // ---- control state (reset) ----
    reg [3:0]  st_q, st_d;
    reg [4:0]  ld_cnt_q, ld_cnt_d;      // load address counter
    reg [4:0]  ld_prev_q;               // address whose data arrives now
    reg        ld_vld_q;
    reg        ld_cb_q;                 // ... and it is a coinbase midstate word
    reg [2:0]  kind_q, kind_d;
    reg [4:0]  idx_q, idx_d;
    reg        fd_act_q;                // feeder stage A active
    reg [3:0]  fd_i_q;
    reg        fb_val_q;                // feeder stage B valid
    reg        w_valid_q;               // feeder output valid

    // ---- job registers (datapath) ----
    reg        mode_hdr_q;
    reg [15:0] gen_q;
    reg [31:0] job_id_q, nstart_q, ncount_q, ver_base_q, ver_cur_q, mask_q;
    reg [31:0] ntime_q;
    reg [31:0] tail0_q, tail1_q, tail2_q;
    reg [3:0]  rem_q;
    reg [7:0]  en2_off_q;
    reg [3:0]  en2_size_q;
    reg [4:0]  br_q;
    reg [63:0] en2_start_q, en2_cur_q;
    reg [255:0] h_q;    // chaining / merkle accumulator / root

    // ---- round unit ----
    wire        sha_busy, sha_done, sha_w_ready;
    wire [255:0] sha_state;
    reg         sha_start, sha_load;
    wire        sha_clear;  // replacing commit or flush (job_banks)
    wire        use_iv = (kind_q != K_CB) && (kind_q != K_MK2);
    wire [255:0] sha_state_in = (st_q == S_START && use_iv) ? SHA_IV : h_q;
    reg [31:0]  w_q;
    wire        fa_active = sha_start || fd_act_q;  // feeder stage A busy

    job_sha256 u_sha (
        .clk_i     (clk_i),
        .rst_ni    (rst_ni),
        .clear_i   (sha_clear),
        .start_i   (sha_start),
        .load_i    (sha_load),
        .state_i   (sha_state_in),
        .w_valid_i (w_valid_q),
        .w_i       (w_q),
        .w_ready_o (sha_w_ready),
        .busy_o    (sha_busy),
        .done_o    (sha_done),
        .state_o   (sha_state)
    );

    // ---- job RAM ----
    wire [31:0]        ram_rdata;
    reg  [BANK_AW-1:0] rd_addr;
    wire               cur_bank;

    job_ram #(.AW(BANK_AW + 1), .DW(32)) u_ram (
        .clk_i     (clk_i),
        .wr_en_i   (jw_en_i),
        .wr_addr_i ({~cur_bank, jw_addr_i}),
        .wr_data_i (jw_data_i),
        .rd_addr_i ({cur_bank, rd_addr}),
        .rd_data_o (ram_rdata)
    );

    // ---- word feeder ----
    // Stage A (clock c): picks the source of message word fd_i_q and sets
    // the RAM address; stage B (c+1) merges RAM data with the register
    // word and the extranonce2 bytes; w_q is offered at c+2.
    function [31:0] hword;
        input [255:0] h;
        input [2:0] i;
        begin
            hword = h[255 - 32 * i -: 32];
        end
    endfunction

    reg [BANK_AW-1:0] fa_addr;
    reg [15:0]        fa_addr_w;
    reg               fa_ram;
    reg [31:0]        fa_word;
    reg [3:0]         fa_use;
    reg [31:0]        fa_byte;
    reg               fb_ram_q;
    reg [31:0]        fb_word_q;
    reg [3:0]         fb_use_q;
    reg [31:0]        fb_byte_q;
    reg [9:0]         ba, rel;
    integer j;

    always @(*) begin
        j = 0;  // assigned on every path, or newer Yosys infers a latch
        fa_addr_w = 16'd0;
        fa_ram = 1'b0;
        fa_word = 32'd0;
        fa_use = 4'd0;
        fa_byte = 32'd0;
        ba = 10'd0;
        rel = 10'd0;
        case (kind_q)
            K_CB: begin
                fa_ram = 1'b1;
                fa_addr_w = REM_BASE[15:0] + {7'd0, idx_q, fd_i_q};
                // Bytes of this word that are extranonce2 come from en2_cur.
                for (j = 0; j < 4; j = j + 1) begin
                    ba = {1'b0, idx_q[2:0], fd_i_q, j[1:0]};
                    rel = ba - {2'b00, en2_off_q};
                    if (ba >= {2'b00, en2_off_q} && rel < {6'd0, en2_size_q}) begin
                        fa_use[3 - j] = 1'b1;
                        fa_byte[31 - 8 * j -: 8] = en2_cur_q[8 * rel[2:0] +: 8];
                    end
                end
            end
            K_TXID, K_MK3: begin
                // digest h_q | 0x80 | zeros | 256-bit length
                if (fd_i_q < 4'd8)
                    fa_word = hword(h_q, fd_i_q[2:0]);
                else if (fd_i_q == 4'd8)
                    fa_word = 32'h80000000;
                else if (fd_i_q == 4'd15)
                    fa_word = 32'd256;
            end
            K_MK1: begin
                // h_q | branch[idx_q]
                if (fd_i_q < 4'd8) begin
                    fa_word = hword(h_q, fd_i_q[2:0]);
                end else begin
                    fa_ram = 1'b1;
                    fa_addr_w = BR_BASE[15:0] + {8'd0, idx_q, fd_i_q[2:0]};
                end
            end
            K_MK2: begin
                // padding block of a 64-byte message
                if (fd_i_q == 4'd0)
                    fa_word = 32'h80000000;
                else if (fd_i_q == 4'd15)
                    fa_word = 32'd512;
            end
            default: begin
                // K_HDR: version (LE) | prevhash | merkle root words 0..6
                if (fd_i_q == 4'd0) begin
                    fa_word = bswap(ver_cur_q);
                end else if (fd_i_q < 4'd9) begin
                    fa_ram = 1'b1;
                    fa_addr_w = 16'd8 + {12'd0, fd_i_q - 4'd1};
                end else begin
                    fa_word = hword(h_q, fd_i_q[2:0] - 3'd1);
                end
            end
        endcase
        fa_addr = fa_addr_w[BANK_AW-1:0];
    end

    always @(*) begin
        if (st_q == S_LOAD || st_q == S_CBLD)
            rd_addr = {{(BANK_AW-5){1'b0}}, ld_cnt_q};
        else
            rd_addr = fa_addr;
    end

    reg [31:0] fb_raw, fb_out;
    always @(*) begin
        fb_raw = fb_ram_q ? ram_rdata : fb_word_q;
        for (j = 0; j < 4; j = j + 1)
            fb_out[31 - 8 * j -: 8] = fb_use_q[3 - j] ? fb_byte_q[31 - 8 * j -: 8]
                                                     : fb_raw[31 - 8 * j -: 8];
    end

    always @(posedge clk_i) begin
        fb_ram_q <= fa_ram;
        fb_word_q <= fa_word;
        fb_use_q <= fa_use;
        fb_byte_q <= fa_byte;
        w_q <= fb_out;
    end

    // ---- rolling arithmetic ----
    // Next version: masked bits count up as one number, carries skip the
    // bits outside the mask (they are forced to 1 before the add).
    wire [31:0] ver_inc = (ver_cur_q | ~mask_q) + 32'd1;
    wire [31:0] ver_next = (ver_cur_q & ~mask_q) | (ver_inc & mask_q);
    // Next extranonce2: +1 over en2_size bytes, bytes above untouched.
    reg  [63:0] en2_mask;
    always @(*) begin
        en2_mask = 64'd0;
        for (j = 0; j < 8; j = j + 1)
            if (j < en2_size_q)
                en2_mask[8 * j +: 8] = 8'hff;
    end
    wire [63:0] en2_inc = en2_cur_q + 64'd1;
    wire [63:0] en2_next = (en2_inc & en2_mask) | (en2_cur_q & ~en2_mask);

    wire offer = (st_q == S_OFFER) && run_i;
    wire take = offer && work_ready_i;
    // The job is done with its last item: a header-mode job has one, a
    // Stratum job ends when neither version nor extranonce2 can roll on.
    wire job_done = take && (mode_hdr_q || (ver_next == ver_base_q &&
                                            en2_next == en2_start_q));

    // ---- current / queued job, job-fact entry (job_banks) ----
    wire                 bk_load, bk_idle;
    wire [META_LOG2-1:0] meta_wr;

    job_banks #(.META_LOG2(META_LOG2)) u_banks (
        .clk_i        (clk_i),
        .rst_ni       (rst_ni),
        .job_begin_i  (job_begin_i),
        .job_commit_i (job_commit_i),
        .job_queue_i  (job_queue_i),
        .flush_i      (flush_i),
        .done_i       (job_done),
        .loading_i    (st_q == S_LOAD),
        .load_o       (bk_load),
        .idle_o       (bk_idle),
        .restart_o    (sha_clear),
        .bank_o       (cur_bank),
        .job_active_o (job_active_o),
        .job_queued_o (job_queued_o),
        .core_abort_o (core_abort_o),
        .meta_wr_o    (meta_wr)
    );

    // ---- FSM ----
    reg roll_ver, roll_en2;
    always @(*) begin
        st_d = st_q;
        ld_cnt_d = ld_cnt_q;
        kind_d = kind_q;
        idx_d = idx_q;
        sha_start = 1'b0;
        sha_load = 1'b0;
        roll_ver = 1'b0;
        roll_en2 = 1'b0;

        case (st_q)
            S_LOAD: begin
                ld_cnt_d = ld_cnt_q + 5'd1;
                if (ld_cnt_q == LOAD_WORDS[4:0] - 5'd1)
                    st_d = S_LDONE;
            end
            S_LDONE: begin
                if (mode_hdr_q) begin
                    st_d = S_HLOAD;
                end else begin
                    st_d = S_CBLD;
                    ld_cnt_d = 5'd16;
                end
            end
            S_HLOAD: begin
                sha_load = 1'b1;
                st_d = S_OFFER;
            end
            S_CBLD: begin
                ld_cnt_d = ld_cnt_q + 5'd1;
                if (ld_cnt_q == 5'd23)
                    st_d = S_CBEND;
            end
            S_CBEND: begin
                st_d = S_START;
                kind_d = K_CB;
                idx_d = 5'd0;
            end
            S_START: begin
                sha_start = 1'b1;
                st_d = S_COMP;
            end
            S_COMP: begin
                if (sha_done) begin
                    st_d = S_START;
                    case (kind_q)
                        K_CB:
                            if (idx_q + 5'd1 < {1'b0, rem_q}) begin
                                idx_d = idx_q + 5'd1;
                            end else begin
                                kind_d = K_TXID;
                            end
                        K_TXID:
                            if (br_q != 5'd0) begin
                                kind_d = K_MK1;
                                idx_d = 5'd0;
                            end else begin
                                kind_d = K_HDR;
                            end
                        K_MK1: kind_d = K_MK2;
                        K_MK2: kind_d = K_MK3;
                        K_MK3:
                            if (idx_q + 5'd1 < br_q) begin
                                kind_d = K_MK1;
                                idx_d = idx_q + 5'd1;
                            end else begin
                                kind_d = K_HDR;
                            end
                        default: st_d = S_OFFER;
                    endcase
                end
            end
            S_OFFER: begin
                // taken and not done (job_done): roll version, else
                // extranonce2
                if (take && !mode_hdr_q) begin
                    if (ver_next != ver_base_q) begin
                        roll_ver = 1'b1;
                        st_d = S_START;
                        kind_d = K_HDR;
                    end else if (en2_next != en2_start_q) begin
                        roll_en2 = 1'b1;
                        st_d = S_CBLD;
                        ld_cnt_d = 5'd16;
                    end
                end
            end
            default: ;
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
            ld_cb_q <= 1'b0;
            kind_q <= K_CB;
            idx_q <= 5'd0;
            fd_act_q <= 1'b0;
            fd_i_q <= 4'd0;
            fb_val_q <= 1'b0;
            w_valid_q <= 1'b0;
            stat_en2_o <= 64'd0;
            stat_version_o <= 32'd0;
            rolls_o <= 32'd0;
        end else begin
            st_q <= st_d;
            ld_cnt_q <= ld_cnt_d;
            ld_prev_q <= ld_cnt_q;
            ld_vld_q <= (st_q == S_LOAD || st_q == S_CBLD) && !sha_clear;
            ld_cb_q <= (st_q == S_CBLD);
            kind_q <= kind_d;
            idx_q <= idx_d;
            // Feeder: 16 words from the clock a compression starts.
            if (sha_clear) begin
                fd_act_q <= 1'b0;
                fd_i_q <= 4'd0;
                fb_val_q <= 1'b0;
                w_valid_q <= 1'b0;
            end else begin
                // fd_i_q is 0 whenever the feeder is idle (it wraps
                // after word 15), so stage A handles word 0 in the very
                // clock the compression starts.
                if (fa_active) begin
                    fd_i_q <= fd_i_q + 4'd1;
                    fd_act_q <= (fd_i_q != 4'd15);
                end
                fb_val_q <= fa_active;
                w_valid_q <= fb_val_q;
            end
            if (take) begin
                stat_en2_o <= en2_cur_q;
                stat_version_o <= ver_cur_q;
            end
            if (roll_ver || roll_en2)
                rolls_o <= rolls_o + 32'd1;
        end
    end


    // ---- job registers: loaded from RAM, updated when rolling ----
    wire [31:0] rw = ram_rdata;
    always @(posedge clk_i) begin
        if (ld_vld_q && ld_cb_q) begin
            // coinbase midstate words 16..23 (u32 LE each) shift into h_q
            h_q <= {h_q[223:0], bswap(rw)};
        end else if (ld_vld_q) begin
            case (ld_prev_q)
                5'd0: begin
                    mode_hdr_q <= (rw[31:24] == 8'd0);
                    gen_q <= {rw[7:0], rw[15:8]};
                end
                5'd1: job_id_q <= bswap(rw);
                5'd2: nstart_q <= bswap(rw);
                5'd3: ncount_q <= bswap(rw);
                5'd4: begin
                    ver_base_q <= bswap(rw);
                    ver_cur_q <= bswap(rw);
                end
                5'd5: begin
                    ntime_q <= bswap(rw);
                    tail1_q <= rw;  // header[68:72] read big-endian
                end
                5'd6: if (!mode_hdr_q) mask_q <= bswap(rw);
                5'd7: if (!mode_hdr_q) tail2_q <= rw;  // nbits
                5'd14: if (mode_hdr_q) tail0_q <= rw;
                5'd15: if (mode_hdr_q) tail1_q <= rw;
                5'd16: if (mode_hdr_q) tail2_q <= rw;
                5'd24: if (!mode_hdr_q) begin
                    rem_q <= rw[27:24];
                    en2_off_q <= rw[23:16];
                    en2_size_q <= rw[11:8];
                    br_q <= rw[4:0];
                end
                5'd25: if (!mode_hdr_q) begin
                    en2_start_q[31:0] <= bswap(rw);
                    en2_cur_q[31:0] <= bswap(rw);
                end
                5'd26: if (!mode_hdr_q) begin
                    en2_start_q[63:32] <= bswap(rw);
                    en2_cur_q[63:32] <= bswap(rw);
                end
                default: ;
            endcase
            // header-mode midstate words 6..13 (u32 LE each)
            if (mode_hdr_q && ld_prev_q >= 5'd6 && ld_prev_q <= 5'd13)
                h_q <= {h_q[223:0], bswap(rw)};
        end else if (sha_done && kind_q != K_HDR) begin
            h_q <= sha_state;
        end
        if (roll_ver)
            ver_cur_q <= ver_next;
        if (roll_en2) begin
            ver_cur_q <= ver_base_q;
            en2_cur_q <= en2_next;
        end
    end

    // Job-fact table: the loaded job's facts, stored once its fixed words
    // are in.
    wire facts_we = (st_q == S_LDONE);
    job_facts #(.META_LOG2(META_LOG2), .EN2_SIZE(1)) u_facts (
        .clk_i         (clk_i),
        .wr_idx_i      (meta_wr),
        .wr_id_en_i    (facts_we),
        .wr_id_i       (job_id_q),
        .wr_gen_en_i   (facts_we),
        .wr_gen_i      (gen_q),
        .wr_ntime_en_i (facts_we),
        .wr_ntime_i    (ntime_q),
        .wr_size_en_i  (facts_we),
        .wr_size_i     (mode_hdr_q ? 4'd0 : en2_size_q),
        .rd_idx_i      (meta_idx_i),
        .rd_id_o       (meta_job_id_o),
        .rd_gen_o      (meta_gen_o),
        .rd_ntime_o    (meta_ntime_o),
        .rd_size_o     (meta_en2_size_o)
    );

    assign work_valid_o = offer;
    assign work_midstate_o = sha_state;
    assign work_tail_o = {mode_hdr_q ? tail0_q : h_q[31:0], tail1_q, tail2_q};
    assign work_nonce_start_o = nstart_q;
    assign work_nonce_count_o = ncount_q;
    assign work_tag_o = {meta_wr, en2_cur_q, ver_cur_q};
    assign stat_job_id_o = job_id_q;

    // Signals kept for visibility in waves only.
    wire unused_sig = &{1'b0, sha_busy, sha_w_ready, fa_addr_w};

endmodule

`default_nettype wire
