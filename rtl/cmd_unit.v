`default_nettype none
// Command unit: executes the host's frames (include/tandem_proto.h) and
// asks cmd_resp for the answer to each one.
//
// Purpose:
//   Takes one checked frame at a time from link_frame_rx, reads its
//   payload through the receiver's read port and
//     INFO_GET, STATUS_GET  -> INFO / STATUS (built by cmd_resp)
//     TARGET_SET            -> validates every entry, then writes the
//                              targets into the hash core a word at a
//                              time, each entry committed; ACK
//     JOB                   -> validates the head, copies the payload into
//                              the engine's free job-RAM bank, commits it
//                              (replace now or queue); ACK
//     FLUSH                 -> new generation, engine and core flushed,
//                              share FIFO purged (cmd_resp); ACK
//     RUN                   -> run flag; stopping also abandons the
//                              core's current work; ACK
//     anything else         -> NAK TYPE
//   A bad length gives NAK LENGTH, a field out of the protocol's range NAK
//   FIELD, beyond this device's limits NAK LIMIT (detail = the payload
//   offset of the field), a JOB of another generation NAK STALE, a queued
//   JOB while one already waits NAK BUSY, an unknown mode NAK MODE (also a
//   Stratum JOB when STRATUM=0; detail 0, the mode field). A refused frame
//   changes nothing. The frame is released before the answer is queued, so
//   the receiver can take the next one meanwhile.
// Parameters: see below; BANK_AW, REM_BASE, BR_BASE must match job_engine
//   (STRATUM=1) or job_header (STRATUM=0: BANK_AW >= 5). frame_len_i is at
//   most 2^BUF_AW - 10 (link_frame_rx drops longer frames: its BUF_LOG2
//   rule), so payload offsets and lengths are kept in BUF_AW bits.
module cmd_unit #(
    parameter integer STRATUM = 1,          // 1 header + Stratum JOBs, 0 header only
    parameter integer SLOTS = 8,            // target slots, 1..16
    parameter integer MAX_REM_BLOCKS = 8,   // remainder blocks, 1..8
    parameter integer MAX_BRANCH = 16,      // merkle depth, 0..16
    parameter integer BUF_AW = 11,          // frame payload address bits, 10..16
    parameter integer BANK_AW = 9,          // job RAM bank address bits
    parameter integer REM_BASE = 32,        // job RAM remainder word
    parameter integer BR_BASE = 160         // job RAM branch word
) (
    input  wire               clk_i,
    input  wire               rst_ni,

    // Frames from link_frame_rx.
    input  wire               frame_valid_i,
    output reg                frame_ready_o,
    input  wire [7:0]         frame_type_i,
    input  wire [7:0]         frame_seq_i,
    input  wire [15:0]        frame_len_i,
    output wire [BUF_AW-1:0]  frame_addr_o,
    input  wire [7:0]         frame_data_i,

    // Answer request to cmd_resp (held until resp_ready_i).
    output reg                resp_valid_o,
    input  wire               resp_ready_i,
    output reg  [1:0]         resp_kind_o,    // 0 ACK, 1 NAK, 2 INFO, 3 STATUS
    output reg  [7:0]         resp_type_o,    // type answered
    output reg  [7:0]         resp_seq_o,
    output reg  [7:0]         resp_reason_o,  // NAK
    output reg  [7:0]         resp_detail_o,  // NAK
    output reg                resp_purge_o,   // purge share FIFO first (FLUSH)

    // Device state.
    output reg  [15:0]        generation_o,
    output reg                run_o,
    output reg  [31:0]        cmd_errors_o,   // type and length errors

    // Job engine.
    output reg                jw_en_o,
    output wire [BANK_AW-1:0] jw_addr_o,
    output wire [31:0]        jw_data_o,
    output reg                job_begin_o,
    output reg                job_commit_o,
    output reg                job_queue_o,
    output reg                flush_o,        // engine and core
    output reg                core_stop_o,    // RUN 0: abandon core work
    input  wire               job_queued_i,

    // Hash core targets (target_slots): each entry's eight words as
    // they arrive (word 0 = bits 255..224), then its commit.
    output reg                tgt_wr_o,
    output reg  [2:0]         tgt_widx_o,
    output wire [31:0]        tgt_word_o,
    output reg                tgt_we_o,
    input  wire               tgt_ready_i,
    output reg  [3:0]         tgt_slot_o,
    output reg                tgt_en_o
);

    localparam [7:0] T_INFO_GET = 8'h01, T_TARGET_SET = 8'h02,
                     T_JOB = 8'h03, T_FLUSH = 8'h04, T_RUN = 8'h05,
                     T_STATUS_GET = 8'h06;
    localparam [1:0] R_ACK = 2'd0, R_NAK = 2'd1, R_INFO = 2'd2,
                     R_STATUS = 2'd3;
    localparam [7:0] N_LENGTH = 8'd1, N_FIELD = 8'd2, N_STALE = 8'd3,
                     N_MODE = 8'd4, N_TYPE = 8'd5, N_BUSY = 8'd6,
                     N_LIMIT = 8'd7;
    // Payload offsets.
    localparam [BUF_AW-1:0] A_ZERO = 0, A_ONE = 1, A_TWO = 2,
                            A_ENTRY = 34,  // TARGET_SET entry bytes
                            A_STR = 96;    // JOB: rem_blocks .. branch_count
    localparam [BANK_AW-1:0] W_ONE = 1;

    localparam [3:0] S_IDLE = 4'd0,
                     S_FETCH = 4'd1,   // 4 bytes from fa_q into f_q
                     S_DISPATCH = 4'd2,
                     S_JOB_HEAD = 4'd3,
                     S_JOB_STR = 4'd4,
                     S_JOB_DONE = 4'd5,
                     S_JOB_COPY = 4'd6,
                     S_FLUSH = 4'd7,
                     S_RUN = 4'd8,
                     S_TS_SCAN = 4'd9,
                     S_TS_ENTRY = 4'd10,
                     S_TS_VALUE = 4'd11,
                     S_TS_WRITE = 4'd12,
                     S_ANSWER = 4'd13,
                     S_WAIT = 4'd14;

    reg [3:0]  st_q, ret_q;
    reg [2:0]  fk_q;            // fetch step 0..4
    reg [BUF_AW-1:0] fa_q;      // fetch / copy address
    reg [31:0] f_q;             // fetched bytes, byte 0 in [7:0] (4th
                                // byte of a copied JOB word in [31:24])
    reg [BUF_AW-1:0] len_q;     // payload length (< 2^BUF_AW, see above)
    reg [3:0]  rem_q;
    reg [4:0]  br_q;
    reg        queue_q;
    reg [BUF_AW-1:0] off_q;     // TARGET_SET entry offset
    reg [4:0]  tb_q;            // TARGET_SET: target bytes taken
    reg        pend_q;          // copy: the byte at fa_q - 1 arrives
    reg [BANK_AW-1:0] wa_q;     // JOB copy: job RAM word of the next write

    wire [15:0] len16 = {{(16 - BUF_AW){1'b0}}, len_q};
    // (no wrap: off_q + 34 <= 578 < 2^BUF_AW in a TARGET_SET of <= 544)
    // off_nx is kept in a register beside off_q (written together), so
    // the entry decisions start from flip-flops, not from an adder.
    reg  [BUF_AW-1:0] offn_q;
    wire [BUF_AW-1:0] off_nx = offn_q;
    wire off_hi = |off_q[BUF_AW-1:8];   // NAK detail saturates at 255

    // Job RAM address after wa_q (rtl/job_engine.v layout): payload words
    // 0..26 at 0..26, the remainder at REM_BASE, the branch at BR_BASE.
    // A header JOB is words 0..16 only.
    wire [15:0] wa16 = {{(16 - BANK_AW){1'b0}}, wa_q};
    wire [15:0] rem_last = REM_BASE[15:0] + {8'd0, rem_q, 4'd0} - 16'd1;
    reg  [BANK_AW-1:0] wa_next;
    always @(*) begin
        if (STRATUM == 0)
            wa_next = wa_q + W_ONE;
        else if (wa16 == 16'd26)
            wa_next = REM_BASE[BANK_AW-1:0];
        else if (wa16 == rem_last)
            wa_next = BR_BASE[BANK_AW-1:0];
        else
            wa_next = wa_q + W_ONE;
    end

    // Expected stratum JOB length: 108 + 64*rem + 32*branch.
    wire [15:0] str_len = 16'd108 + {6'd0, rem_q, 6'd0} + {6'd0, br_q, 5'd0};

    // The copy gathers four payload bytes {p0,p1,p2,p3} with p0 in [7:0];
    // the job RAM word packs them big-endian.
    assign jw_data_o = {f_q[7:0], f_q[15:8], f_q[23:16], f_q[31:24]};
    assign jw_addr_o = wa_q;
    assign frame_addr_o = fa_q;
    // A target word: four little-endian bytes gathered in f_q.
    assign tgt_word_o = f_q;

    task answer;
        input [1:0] kind;
        input [7:0] reason;
        input [7:0] detail;
        begin
            resp_kind_o <= kind;
            resp_reason_o <= reason;
            resp_detail_o <= detail;
            st_q <= S_ANSWER;
        end
    endtask

    task fetch;
        input [BUF_AW-1:0] addr;
        input [3:0] ret;
        begin
            fa_q <= addr;
            fk_q <= 3'd0;
            ret_q <= ret;
            st_q <= S_FETCH;
        end
    endtask

    // Starts copying the (validated) JOB into the free job-RAM bank.
    task copy_job;
        begin
            job_begin_o <= 1'b1;
            fa_q <= A_ZERO;
            wa_q <= {BANK_AW{1'b0}};
            st_q <= S_JOB_COPY;
        end
    endtask

    always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
            st_q <= S_IDLE;
            ret_q <= S_IDLE;
            fk_q <= 3'd0;
            pend_q <= 1'b0;
            frame_ready_o <= 1'b0;
            resp_valid_o <= 1'b0;
            resp_purge_o <= 1'b0;
            generation_o <= 16'd0;
            run_o <= 1'b1;
            cmd_errors_o <= 32'd0;
            jw_en_o <= 1'b0;
            job_begin_o <= 1'b0;
            job_commit_o <= 1'b0;
            job_queue_o <= 1'b0;
            flush_o <= 1'b0;
            core_stop_o <= 1'b0;
            tgt_we_o <= 1'b0;
            tgt_wr_o <= 1'b0;
        end else begin
            tgt_wr_o <= 1'b0;
            frame_ready_o <= 1'b0;
            jw_en_o <= 1'b0;
            job_begin_o <= 1'b0;
            job_commit_o <= 1'b0;
            flush_o <= 1'b0;
            core_stop_o <= 1'b0;
            // JOB / target copy: an address went out this clock, its byte
            // comes next
            pend_q <= (st_q == S_JOB_COPY && fa_q != len_q) ||
                      st_q == S_TS_VALUE;
            if (jw_en_o)
                wa_q <= wa_next;
            case (st_q)
                S_IDLE: begin
                    resp_purge_o <= 1'b0;
                    if (frame_valid_i) begin
                        len_q <= frame_len_i[BUF_AW-1:0];
                        resp_type_o <= frame_type_i;
                        resp_seq_o <= frame_seq_i;
                        st_q <= S_DISPATCH;
                    end
                end
                S_FETCH: begin
                    // address k at step k, its byte arrives at step k+1
                    fk_q <= fk_q + 3'd1;
                    fa_q <= fa_q + A_ONE;
                    if (fk_q != 3'd0)
                        f_q <= {frame_data_i, f_q[31:8]};
                    if (fk_q == 3'd4)
                        st_q <= ret_q;
                end
                S_DISPATCH: begin
                    case (resp_type_o)
                        T_INFO_GET, T_STATUS_GET:
                            if (len16 != 16'd0) begin
                                cmd_errors_o <= cmd_errors_o + 32'd1;
                                answer(R_NAK, N_LENGTH, 8'd0);
                            end else begin
                                answer(resp_type_o == T_INFO_GET ? R_INFO
                                                                 : R_STATUS,
                                       8'd0, 8'd0);
                            end
                        T_RUN:
                            if (len16 != 16'd1) begin
                                cmd_errors_o <= cmd_errors_o + 32'd1;
                                answer(R_NAK, N_LENGTH, 8'd0);
                            end else begin
                                fetch(A_ZERO, S_RUN);
                            end
                        T_FLUSH:
                            if (len16 != 16'd2) begin
                                cmd_errors_o <= cmd_errors_o + 32'd1;
                                answer(R_NAK, N_LENGTH, 8'd0);
                            end else begin
                                fetch(A_ZERO, S_FLUSH);
                            end
                        T_TARGET_SET:
                            if (len16 == 16'd0 || len16 > 16'd544) begin
                                cmd_errors_o <= cmd_errors_o + 32'd1;
                                answer(R_NAK, N_LENGTH, 8'd0);
                            end else begin
                                off_q <= A_ZERO;
                                offn_q <= A_ENTRY;
                                fetch(A_ZERO, S_TS_SCAN);
                            end
                        T_JOB:
                            if (len16 < 16'd24) begin
                                cmd_errors_o <= cmd_errors_o + 32'd1;
                                answer(R_NAK, N_LENGTH, 8'd0);
                            end else begin
                                fetch(A_ZERO, S_JOB_HEAD);
                            end
                        default: begin
                            cmd_errors_o <= cmd_errors_o + 32'd1;
                            answer(R_NAK, N_TYPE, 8'd0);
                        end
                    endcase
                end
                S_RUN: begin
                    if (f_q[7:1] != 7'd0) begin
                        answer(R_NAK, N_FIELD, 8'd0);
                    end else begin
                        run_o <= f_q[0];
                        core_stop_o <= !f_q[0];
                        answer(R_ACK, 8'd0, 8'd0);
                    end
                end
                S_FLUSH: begin
                    generation_o <= f_q[15:0];
                    flush_o <= 1'b1;
                    resp_purge_o <= 1'b1;
                    answer(R_ACK, 8'd0, 8'd0);
                end

                // ---- TARGET_SET: scan slots, then write ----
                S_TS_SCAN: begin
                    // f_q[7:0] = slot of the entry at off_q
                    if (off_nx > len_q) begin
                        cmd_errors_o <= cmd_errors_o + 32'd1;
                        answer(R_NAK, N_LENGTH, 8'd0);
                    end else if (f_q[7:0] >= 8'd16) begin
                        answer(R_NAK, N_FIELD, off_hi ? 8'hff : off_q[7:0]);
                    end else if (f_q[7:0] >= SLOTS[7:0]) begin
                        answer(R_NAK, N_LIMIT, off_hi ? 8'hff : off_q[7:0]);
                    end else if (off_nx == len_q) begin
                        off_q <= A_ZERO;
                        offn_q <= A_ENTRY;
                        fetch(A_ZERO, S_TS_ENTRY);
                    end else begin
                        off_q <= off_nx;
                        offn_q <= off_nx + A_ENTRY;
                        fetch(off_nx, S_TS_SCAN);
                    end
                end
                S_TS_ENTRY: begin
                    tgt_slot_o <= f_q[3:0];
                    tgt_en_o <= f_q[8];
                    fa_q <= off_q + A_TWO;
                    tb_q <= 5'd0;
                    st_q <= S_TS_VALUE;
                end
                S_TS_VALUE: begin
                    // 32 little-endian target bytes (offsets off_q + 2 ..
                    // off_q + 33), least significant first: every fourth
                    // completes a word in f_q, written the next clock
                    fa_q <= fa_q + A_ONE;
                    if (pend_q) begin
                        f_q <= {frame_data_i, f_q[31:8]};
                        tb_q <= tb_q + 5'd1;
                        if (tb_q[1:0] == 2'd3) begin
                            tgt_wr_o <= 1'b1;
                            tgt_widx_o <= ~tb_q[4:2];
                        end
                    end
                    if (fa_q == off_nx)
                        st_q <= S_TS_WRITE;
                end
                S_TS_WRITE: begin
                    // the last word (the top) is written in the first
                    // clock here; the commit follows it
                    tgt_we_o <= 1'b1;
                    if (tgt_we_o && tgt_ready_i) begin
                        tgt_we_o <= 1'b0;
                        if (off_nx == len_q) begin
                            answer(R_ACK, 8'd0, 8'd0);
                        end else begin
                            off_q <= off_nx;
                            offn_q <= off_nx + A_ENTRY;
                            fetch(off_nx, S_TS_ENTRY);
                        end
                    end
                end

                // ---- JOB ----
                S_JOB_HEAD: begin
                    // f_q = mode | flags | generation
                    queue_q <= f_q[8];
                    if (f_q[7:0] > 8'd1 ||
                        (STRATUM == 0 && f_q[7:0] != 8'd0)) begin
                        answer(R_NAK, N_MODE, 8'd0);
                    end else if (f_q[31:16] != generation_o) begin
                        answer(R_NAK, N_STALE, 8'd2);
                    end else if (f_q[7:0] == 8'd0) begin
                        if (len16 != 16'd68) begin
                            cmd_errors_o <= cmd_errors_o + 32'd1;
                            answer(R_NAK, N_LENGTH, 8'd0);
                        end else if (f_q[8] && job_queued_i) begin
                            answer(R_NAK, N_BUSY, 8'd0);
                        end else begin
                            rem_q <= 4'd0;
                            br_q <= 5'd0;
                            copy_job;
                        end
                    end else if (len16 < 16'd108) begin
                        cmd_errors_o <= cmd_errors_o + 32'd1;
                        answer(R_NAK, N_LENGTH, 8'd0);
                    end else begin
                        fetch(A_STR, S_JOB_STR);
                    end
                end
                S_JOB_STR: if (STRATUM != 0) begin
                    // f_q = rem_blocks | en2_offset | en2_size | branch_count
                    rem_q <= f_q[3:0];
                    br_q <= f_q[28:24];
                    if (f_q[7:0] == 8'd0 || f_q[7:0] > 8'd8)
                        answer(R_NAK, N_FIELD, 8'd96);
                    else if (f_q[7:0] > MAX_REM_BLOCKS[7:0])
                        answer(R_NAK, N_LIMIT, 8'd96);
                    else if (f_q[23:16] == 8'd0 || f_q[23:16] > 8'd8)
                        answer(R_NAK, N_FIELD, 8'd98);
                    else if (f_q[31:24] > 8'd16)
                        answer(R_NAK, N_FIELD, 8'd99);
                    else if (f_q[31:24] > MAX_BRANCH[7:0])
                        answer(R_NAK, N_LIMIT, 8'd99);
                    else if ({2'b0, f_q[15:8]} + {2'b0, f_q[23:16]} >
                             {f_q[3:0], 6'd0})
                        answer(R_NAK, N_FIELD, 8'd97);
                    else
                        st_q <= S_JOB_DONE;  // length check next clock
                end
                S_JOB_DONE: if (STRATUM != 0) begin
                    // rem_q / br_q now hold the validated sizes
                    if (len16 != str_len) begin
                        cmd_errors_o <= cmd_errors_o + 32'd1;
                        answer(R_NAK, N_LENGTH, 8'd0);
                    end else if (queue_q && job_queued_i) begin
                        answer(R_NAK, N_BUSY, 8'd0);
                    end else begin
                        copy_job;
                    end
                end
                S_JOB_COPY: begin
                    // address fa_q out now, its byte comes next clock; the
                    // byte arriving now is payload byte fa_q - 1
                    if (fa_q != len_q)
                        fa_q <= fa_q + A_ONE;
                    if (pend_q) begin
                        f_q <= {frame_data_i, f_q[31:8]};
                        if (fa_q[1:0] == 2'd0)
                            jw_en_o <= 1'b1;  // a whole word: write it
                        if (fa_q == len_q) begin
                            job_commit_o <= 1'b1;
                            job_queue_o <= queue_q;
                            answer(R_ACK, 8'd0, 8'd0);
                        end
                    end
                end

                S_ANSWER: begin
                    // release the frame, then queue the answer
                    frame_ready_o <= 1'b1;
                    resp_valid_o <= 1'b1;
                    st_q <= S_WAIT;
                end
                S_WAIT: begin
                    if (resp_ready_i) begin
                        resp_valid_o <= 1'b0;
                        st_q <= S_IDLE;
                    end
                end
                default: st_q <= S_IDLE;
            endcase
        end
    end

    wire unused_sig = &{1'b0, frame_len_i[15:BUF_AW]};

endmodule

`default_nettype wire
