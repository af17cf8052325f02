`default_nettype none
// Response builder: the one sender of frames to the host. Builds ACK,
// NAK, INFO and STATUS answers for cmd_unit and SHARE frames from the
// hash core's share FIFO, and hands them to link_frame_tx one at a time.
//
// Purpose:
//   A frame's payload is copied into a 16 x 32-bit payload RAM (registered
//   read, block RAM where the family has it) when the frame is chosen, and
//   link_frame_tx reads it through its address port. Answers go before
//   shares; a share whose job generation is not the device's is dropped.
//   Copy: one payload word a clock, words 0..len/4-1 (ACK / NAK 1, INFO 8,
//   SHARE 8, STATUS 12), from a word multiplexer over the live sources;
//   frame_valid_o rises only after the last word is written, so the
//   sender never reads a word before it is there. Each word is read from
//   its sources in one clock; a STATUS is therefore a snapshot taken over
//   12 clocks, field by field. The 64-bit fields stay whole: the high word
//   is latched into hi_q in the clock its low word is written and written
//   from there the next clock, so a carry between the halves cannot tear
//   the hash count (nor, with STRATUM, extranonce2). The other fields are
//   32 bits or less, each read in one clock.
//   A chosen share stays at the head of the share FIFO while it is copied
//   (its job facts meta_* are looked up from that head) and is popped with
//   its last word; a share is checked against the generation when it is
//   chosen, by a comparison registered the clock before (a share can be
//   chosen once it has been the head for a clock). An answer request is taken (resp_ready_o, one clock) the
//   clock after it is chosen, while its first word is written.
//   Purge (FLUSH): before the FLUSH ACK is built, every share still in the
//   core's share FIFO is popped and dropped (the core's flush clears the
//   work in flight but keeps the FIFO), until the FIFO has stayed empty
//   for PURGE_QUIET clocks. A SHARE frame already chosen (being copied or
//   on its way) finishes first, so no share of an older generation
//   follows the ACK.
//   STRATUM=0 (header-mode-only device): INFO says header mode only, with
//   no Stratum limits (max_rem_bytes, max_branch, max_version_bits and
//   en2_max 0); SHARE extranonce2 / en2_size and STATUS extranonce2 /
//   rolls are 0, as header mode makes them anyway.
// Latency: an answer's frame_valid_o rises len/4 + 1 clocks after it is
//   chosen (2 for ACK / NAK, 9 INFO, 13 STATUS), a share's 9 clocks after.
//   frame_data_o is the payload byte at the frame_addr_i of the previous
//   clock (RAM word frame_addr_i[5:2], byte frame_addr_i[1:0]).
// Payload layouts: include/tandem_proto.h (all numbers little-endian).
module cmd_resp #(
    parameter integer STRATUM = 1,            // INFO work_modes: 1 both, 0 header
    parameter integer PIPELINES = 1,          // INFO pipelines, 1..64
    parameter integer LOOP_LOG2 = 0,          // INFO loop_log2, 0..7
    parameter integer SLOTS = 8,              // target slots, 1..16
    parameter integer CLK_HZ = 48000000,      // INFO clock_hz
    parameter integer MAX_PAYLOAD = 1132,     // INFO max_payload, <= 1536
    parameter integer MAX_REM_BLOCKS = 8,     // INFO max_rem_bytes / 64, 1..8
    parameter integer MAX_BRANCH = 16,        // INFO max_branch, 0..16
    parameter [31:0]  BUILD_ID = 32'h0,       // INFO build_id
    parameter [63:0]  SERIAL = "TANDEM00",    // INFO serial, 8 ASCII chars
    parameter integer PIW = 1,                // share pipeline index bits
    parameter integer TAG_W = 98,             // work tag bits (job_engine)
    parameter integer META_LOG2 = 2,          // job-fact table index bits
    parameter integer PURGE_QUIET = 8         // empty clocks ending a purge
) (
    input  wire                 clk_i,
    input  wire                 rst_ni,

    // Answer requests from cmd_unit.
    input  wire                 resp_valid_i,
    output reg                  resp_ready_o,
    input  wire [1:0]           resp_kind_i,   // 0 ACK, 1 NAK, 2 INFO, 3 STATUS
    input  wire [7:0]           resp_type_i,
    input  wire [7:0]           resp_seq_i,
    input  wire [7:0]           resp_reason_i,
    input  wire [7:0]           resp_detail_i,
    input  wire                 resp_purge_i,

    // Device state for ACK and STATUS.
    input  wire [15:0]          generation_i,
    input  wire                 run_i,
    input  wire                 job_active_i,
    input  wire                 job_queued_i,
    input  wire [63:0]          hash_count_i,
    input  wire [31:0]          stat_job_id_i,
    input  wire [63:0]          stat_en2_i,
    input  wire [31:0]          stat_version_i,
    input  wire [31:0]          overflows_i,
    input  wire [31:0]          crc_errors_i,
    input  wire [31:0]          frame_errors_i,
    input  wire [31:0]          rolls_i,

    // Shares from the hash core.
    input  wire                 share_valid_i,
    output wire                 share_ready_o,
    input  wire [31:0]          share_nonce_i,
    input  wire [PIW-1:0]       share_pipe_i,
    input  wire [SLOTS-1:0]     share_map_i,
    input  wire [TAG_W-1:0]     share_tag_i,
    output wire [META_LOG2-1:0] meta_idx_o,
    input  wire [31:0]          meta_job_id_i,
    input  wire [15:0]          meta_gen_i,
    input  wire [31:0]          meta_ntime_i,
    input  wire [3:0]           meta_en2_size_i,
    output reg  [31:0]          shares_o,      // SHARE frames sent

    // To link_frame_tx.
    output reg                  frame_valid_o,
    input  wire                 frame_ready_i,
    output reg  [7:0]           frame_type_o,
    output reg  [7:0]           frame_seq_o,
    output reg  [15:0]          frame_len_o,
    input  wire [15:0]          frame_addr_i,
    output reg  [7:0]           frame_data_o
);

    localparam [7:0] T_ACK = 8'h80, T_INFO = 8'h81, T_NAK = 8'h82,
                     T_STATUS = 8'h86, T_SHARE = 8'h87;

    // SERIAL is written as a string (first character in the top byte);
    // the payload wants the first character first.
    function [63:0] str_bytes;
        input [63:0] s;
        integer i;
        begin
            for (i = 0; i < 8; i = i + 1)
                str_bytes[8 * i +: 8] = s[63 - 8 * i -: 8];
        end
    endfunction

    // INFO payload, byte k in [8k+7:8k]. Without Stratum jobs the device
    // has no remainder, branch, version or extranonce2 limits to offer.
    localparam integer REM_BYTES = (STRATUM != 0) ? 64 * MAX_REM_BLOCKS : 0;
    localparam integer BRANCH = (STRATUM != 0) ? MAX_BRANCH : 0;
    localparam [7:0] VERSION_BITS = (STRATUM != 0) ? 8'd32 : 8'd0;
    localparam [7:0] WORK_MODES = (STRATUM != 0) ? 8'h03 : 8'h01;
    localparam [7:0] EN2_MAX = (STRATUM != 0) ? 8'd8 : 8'd0;
    wire [255:0] info_pl;
    assign info_pl[7:0] = 8'd1;                        //  0 proto_version
    assign info_pl[15:8] = PIPELINES[7:0];             //  1 pipelines
    assign info_pl[23:16] = LOOP_LOG2[7:0];            //  2 loop_log2
    assign info_pl[31:24] = SLOTS[7:0];                //  3 target_slots
    assign info_pl[63:32] = CLK_HZ[31:0];              //  4 clock_hz
    assign info_pl[79:64] = MAX_PAYLOAD[15:0];         //  8 max_payload
    assign info_pl[95:80] = REM_BYTES[15:0];           // 10 max_rem_bytes
    assign info_pl[103:96] = BRANCH[7:0];              // 12 max_branch
    assign info_pl[111:104] = VERSION_BITS;            // 13 max_version_bits
    assign info_pl[119:112] = WORK_MODES;              // 14 work_modes
    assign info_pl[127:120] = EN2_MAX;                 // 15 en2_max
    assign info_pl[159:128] = BUILD_ID;                // 16 build_id
    assign info_pl[223:160] = str_bytes(SERIAL);       // 20 serial
    assign info_pl[255:224] = 32'd0;                   // 28 flags

    // ---- share annotation ----
    assign meta_idx_o = share_tag_i[TAG_W-1:96];
    wire [63:0] sh_en2 = share_tag_i[95:32];
    wire [31:0] sh_version = share_tag_i[31:0];
    wire [3:0]  sh_en2_size = (STRATUM != 0) ? meta_en2_size_i : 4'd0;
    wire [63:0] sh_en2_masked;   // bytes beyond en2_size are 0
    genvar gj;
    generate
        for (gj = 0; gj < 8; gj = gj + 1) begin : g_en2
            if (STRATUM != 0) begin : g_byte
                assign sh_en2_masked[8 * gj +: 8] =
                    (gj < meta_en2_size_i) ? sh_en2[8 * gj +: 8] : 8'd0;
            end else begin : g_zero
                assign sh_en2_masked[8 * gj +: 8] = 8'd0;
            end
        end
    endgenerate
    wire [63:0] st_en2 = (STRATUM != 0) ? stat_en2_i : 64'd0;
    wire [31:0] st_rolls = (STRATUM != 0) ? rolls_i : 32'd0;
    wire [15:0] sh_map16 = {{(16 - SLOTS){1'b0}}, share_map_i};
    wire [7:0]  sh_pipe8 = {{(8 - PIW){1'b0}}, share_pipe_i};
    wire [255:0] share_pl = {
        16'd0, {4'd0, sh_en2_size}, sh_pipe8, sh_en2_masked,
        meta_ntime_i, sh_version, share_nonce_i, sh_map16, meta_gen_i,
        meta_job_id_i
    };
    wire [7:0] state = {5'd0, job_queued_i, job_active_i, run_i};

    // ---- control ----
    // The copy walks a one-hot word select: one bit per payload word of
    // each frame kind, high in the clock that word is written. Each kind's
    // bits are a shift chain from its first word to its last.
    localparam integer W_ST = 0;     // STATUS words 0..11
    localparam integer W_SH = 12;    // SHARE words 0..7
    localparam integer W_INFO = 20;  // INFO words 0..7
    localparam integer W_ACK = 28;   // ACK word 0
    localparam integer W_NAK = 29;   // NAK word 0
    reg        purging_q;
    reg [4:0]  quiet_q;
    reg        bld_q;    // copying the chosen frame's payload into the RAM
    reg [29:0] sel_q;    // one-hot: the word written this clock (W_*)
    reg [3:0]  wc_q;     // its payload word number, the RAM address
    reg        sh_q;     // the frame being copied is a SHARE

    // the word written this clock is the frame's last
    wire last = sel_q[W_ST + 11] || sel_q[W_SH + 7] || sel_q[W_INFO + 7] ||
                sel_q[W_ACK] || sel_q[W_NAK];
    wire idle = !frame_valid_o && !bld_q;
    wire want_resp = resp_valid_i && (!resp_purge_i || (purging_q &&
                     quiet_q >= PURGE_QUIET[4:0]));
    // The generation check of the head share is registered (it looks the
    // share's job facts up through the FIFO's RAM output); head_q says
    // the head was there, and not popped, last clock, so stale_q is its.
    reg  stale_q, head_q;
    wire take_share = idle && !resp_valid_i && share_valid_i && head_q;
    wire stale = stale_q;
    // the head share is being copied: keep it (and its job facts)
    wire sh_copy = bld_q && sh_q;
    wire purge_pop = purging_q && share_valid_i && !sh_copy;
    // a frame is chosen: an answer first, else a share of this generation
    // (resp_ready_o is high only the clock after a start, while bld_q is)
    wire start_resp = idle && want_resp;
    wire start_share = take_share && !purging_q && !stale;
    // pop: a copied share with its last word, a stale or purged one at once
    assign share_ready_o = sel_q[W_SH + 7] || (take_share && stale) ||
                           purge_pop;

    always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
            frame_valid_o <= 1'b0;
            resp_ready_o <= 1'b0;
            purging_q <= 1'b0;
            quiet_q <= 5'd0;
            shares_o <= 32'd0;
            bld_q <= 1'b0;
            sel_q <= 30'd0;
            wc_q <= 4'd0;
        end else begin
            resp_ready_o <= 1'b0;
            if (frame_valid_o && frame_ready_i)
                frame_valid_o <= 1'b0;
            // purge: starts with a purging request, ends with its answer
            // (not restarted by that request while it is being taken)
            if (resp_valid_i && resp_purge_i && !purging_q &&
                !resp_ready_o) begin
                purging_q <= 1'b1;
                quiet_q <= 5'd0;
            end else if (purging_q) begin
                if (share_valid_i)
                    quiet_q <= 5'd0;
                else if (quiet_q != 5'd31)
                    quiet_q <= quiet_q + 5'd1;
            end
            // copy: one word a clock from word 0, then the frame is ready
            sel_q <= {2'b00, sel_q[W_INFO+6:W_INFO], 1'b0,
                      sel_q[W_SH+6:W_SH], 1'b0, sel_q[W_ST+10:W_ST], 1'b0};
            if (bld_q) begin
                wc_q <= last ? 4'd0 : wc_q + 4'd1;
                if (last) begin
                    bld_q <= 1'b0;
                    frame_valid_o <= 1'b1;
                end
            end
            if (start_resp) begin
                bld_q <= 1'b1;
                resp_ready_o <= 1'b1;
                purging_q <= 1'b0;
                case (resp_kind_i)
                    2'd0: sel_q[W_ACK] <= 1'b1;
                    2'd1: sel_q[W_NAK] <= 1'b1;
                    2'd2: sel_q[W_INFO] <= 1'b1;
                    default: sel_q[W_ST] <= 1'b1;
                endcase
            end else if (start_share) begin
                bld_q <= 1'b1;
                sel_q[W_SH] <= 1'b1;
                shares_o <= shares_o + 32'd1;
            end
        end
    end

    always @(posedge clk_i) begin
        stale_q <= meta_gen_i != generation_i;
        head_q <= share_valid_i && !share_ready_o;
    end

    // The chosen frame's header, held until link_frame_tx takes the frame.
    always @(posedge clk_i) begin
        if (start_resp) begin
            sh_q <= 1'b0;
            frame_seq_o <= resp_seq_i;
            case (resp_kind_i)
                2'd0: begin
                    frame_type_o <= T_ACK;
                    frame_len_o <= 16'd4;
                end
                2'd1: begin
                    frame_type_o <= T_NAK;
                    frame_len_o <= 16'd4;
                end
                2'd2: begin
                    frame_type_o <= T_INFO;
                    frame_len_o <= 16'd32;
                end
                default: begin
                    frame_type_o <= T_STATUS;
                    frame_len_o <= 16'd48;
                end
            endcase
        end else if (start_share) begin
            sh_q <= 1'b1;
            frame_type_o <= T_SHARE;
            frame_seq_o <= shares_o[7:0];
            frame_len_o <= 16'd32;
        end
    end

    // ---- payload words ----
    // hi_q: the high word of the 64-bit field whose low word is written
    // this clock (STATUS word 0 hashes, with STRATUM word 4 extranonce2),
    // written itself the next clock.
    reg [31:0] hi_q;
    always @(posedge clk_i)
        hi_q <= (STRATUM != 0 && wc_q[2]) ? st_en2[63:32]
                                          : hash_count_i[63:32];

    // STATUS words 0..11 (word 1, and with STRATUM word 5, from hi_q)
    wire [383:0] status_pl = {
        st_rolls, frame_errors_i, crc_errors_i, overflows_i, shares_o,
        stat_version_i, (STRATUM != 0) ? hi_q : 32'd0, st_en2[31:0],
        8'd0, state, generation_i, stat_job_id_i, hi_q, hash_count_i[31:0]
    };
    // The word of this clock: an AND-OR over the one-hot select.
    reg [31:0] word;
    integer k;
    always @(*) begin
        word = ({32{sel_q[W_ACK]}} & {generation_i, resp_seq_i, resp_type_i}) |
               ({32{sel_q[W_NAK]}} & {resp_detail_i, resp_reason_i,
                                      resp_seq_i, resp_type_i});
        for (k = 0; k < 12; k = k + 1)
            word = word | ({32{sel_q[W_ST + k]}} & status_pl[32 * k +: 32]);
        for (k = 0; k < 8; k = k + 1)
            word = word | ({32{sel_q[W_SH + k]}} & share_pl[32 * k +: 32]) |
                          ({32{sel_q[W_INFO + k]}} & info_pl[32 * k +: 32]);
    end

    // ---- payload RAM ----
    // Written by the copy, read by link_frame_tx: the word of this clock's
    // address, then its byte by a registered copy of the address' low bits
    // (bytes 48..63 of the 6-bit offset are never read). The sender uses
    // no byte it reads while the copy writes (frame_valid_o is low then),
    // so a read of the word being written may return either value
    // (no_rw_check: no bypass logic around the block RAM).
    (* ram_style = "block", no_rw_check *) reg [31:0] pl_mem [0:15];
    reg [31:0] rd_q;
    reg [1:0]  byte_q;
    always @(posedge clk_i)
        if (bld_q)
            pl_mem[wc_q] <= word;
    always @(posedge clk_i) begin
        rd_q <= pl_mem[frame_addr_i[5:2]];
        byte_q <= frame_addr_i[1:0];
    end
    always @(*)
        frame_data_o = rd_q[{byte_q, 3'd0} +: 8];

    wire unused_sig = &{1'b0, frame_addr_i[15:6], sh_en2, stat_en2_i, rolls_i};

endmodule

`default_nettype wire
