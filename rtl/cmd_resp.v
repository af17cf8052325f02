`default_nettype none
// Response builder: the one sender of frames to the host. Builds ACK,
// NAK, INFO and STATUS answers for cmd_unit and SHARE frames from the
// hash core's share FIFO, and hands them to link_frame_tx one at a time.
//
// Purpose:
//   A frame's payload is copied into a 48-byte register file when the
//   frame is chosen (so a STATUS is one consistent snapshot) and read by
//   link_frame_tx through its address port. Answers go before shares; a
//   share whose job generation is not the device's is dropped.
//   Purge (FLUSH): before the FLUSH ACK is built, every share still in the
//   core's share FIFO is popped and dropped (the core's flush clears the
//   work in flight but keeps the FIFO), until the FIFO has stayed empty
//   for PURGE_QUIET clocks. A SHARE frame already on its way finishes
//   first, so no share of an older generation follows the ACK.
//   STRATUM=0 (header-mode-only device): INFO says header mode only, with
//   no Stratum limits (max_rem_bytes, max_branch, max_version_bits and
//   en2_max 0); SHARE extranonce2 / en2_size and STATUS extranonce2 /
//   rolls are 0, as header mode makes them anyway.
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
    wire [383:0] status_pl = {
        st_rolls, frame_errors_i, crc_errors_i, overflows_i, shares_o,
        stat_version_i, st_en2, 8'd0, state, generation_i,
        stat_job_id_i, hash_count_i
    };

    // ---- control ----
    reg        purging_q;
    reg [4:0]  quiet_q;

    wire idle = !frame_valid_o;
    wire want_resp = resp_valid_i && (!resp_purge_i || (purging_q &&
                     quiet_q >= PURGE_QUIET[4:0]));
    wire take_share = idle && !resp_valid_i && share_valid_i;
    wire stale = meta_gen_i != generation_i;
    wire purge_pop = purging_q && share_valid_i;
    assign share_ready_o = take_share || purge_pop;
    // a frame is chosen: an answer first, else a share of this generation
    wire load_resp = idle && want_resp && !resp_ready_o;
    wire load_share = !load_resp && take_share && !purging_q && !stale;

    always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
            frame_valid_o <= 1'b0;
            resp_ready_o <= 1'b0;
            purging_q <= 1'b0;
            quiet_q <= 5'd0;
            shares_o <= 32'd0;
        end else begin
            resp_ready_o <= 1'b0;
            if (frame_valid_o && frame_ready_i)
                frame_valid_o <= 1'b0;
            // purge: starts with a purging request, ends with its answer
            if (resp_valid_i && resp_purge_i && !purging_q) begin
                purging_q <= 1'b1;
                quiet_q <= 5'd0;
            end else if (purging_q) begin
                if (share_valid_i)
                    quiet_q <= 5'd0;
                else if (quiet_q != 5'd31)
                    quiet_q <= quiet_q + 5'd1;
            end
            if (load_resp) begin
                resp_ready_o <= 1'b1;
                purging_q <= 1'b0;
                frame_valid_o <= 1'b1;
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
            end else if (load_share) begin
                frame_valid_o <= 1'b1;
                frame_type_o <= T_SHARE;
                frame_seq_o <= shares_o[7:0];
                frame_len_o <= 16'd32;
                shares_o <= shares_o + 32'd1;
            end
        end
    end

    // ---- payload register file ----
    // Written when a frame is chosen, and only the bytes that frame sends
    // (link_frame_tx reads no byte at or beyond its length): ACK / NAK
    // bytes 0..3, SHARE 0..31, STATUS 0..47. INFO is a constant, read
    // straight from info_pl.
    reg [31:0]  pl0_q;   // bytes 0..3
    reg [223:0] pl1_q;   // bytes 4..31
    reg [127:0] pl2_q;   // bytes 32..47 (STATUS only)
    reg         info_q;  // the frame is INFO

    always @(posedge clk_i) begin
        if (load_resp) begin
            info_q <= (resp_kind_i == 2'd2);
            case (resp_kind_i)
                2'd0: pl0_q <= {generation_i, resp_seq_i, resp_type_i};
                2'd1: pl0_q <= {resp_detail_i, resp_reason_i, resp_seq_i,
                                resp_type_i};
                2'd2: ;
                default: {pl2_q, pl1_q, pl0_q} <= status_pl;
            endcase
        end else if (load_share) begin
            info_q <= 1'b0;
            {pl1_q, pl0_q} <= share_pl;
        end
    end

    // Payload byte for link_frame_tx, one clock after its address (bytes
    // 48..63 of the 6-bit offset are never read).
    wire [511:0] pl = {128'd0, pl2_q, pl1_q, pl0_q};
    always @(posedge clk_i)
        frame_data_o <= info_q ? info_pl[{frame_addr_i[4:0], 3'd0} +: 8]
                               : pl[{frame_addr_i[5:0], 3'd0} +: 8];

    wire unused_sig = &{1'b0, frame_addr_i[15:6], sh_en2, stat_en2_i, rolls_i};

endmodule

`default_nettype wire
