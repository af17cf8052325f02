`default_nettype none
// Job-fact table of the job engines (job_engine, job_header): what the
// host needs to report a share (job_id, generation, ntime, extranonce2
// size), one entry per recent job, looked up by the index field of the
// share's work tag.
//
// Purpose:
//   The engine writes the facts of its current job into entry wr_idx_i
//   (job_banks' meta_wr_o), each fact with its own write enable, so an
//   engine may store them all at once or word by word as its job loads.
//   Shares still in the core or the share FIFO keep pointing at older
//   entries after the job has changed, up to 2^META_LOG2 - 1 job starts
//   back. Entries are data, not reset.
//
// Parameters: META_LOG2 and EN2_SIZE, below.
// Cycles: a write lands at the clock edge; the read port is combinational
//   (a small register file, not block RAM).
module job_facts #(
    parameter integer META_LOG2 = 2,  // log2 table entries, 1..4
    parameter integer EN2_SIZE = 1    // 1: keep each job's extranonce2 size,
                                      // 0: header mode only (en2_size_o = 0)
) (
    input  wire                 clk_i,

    // Write port: entry wr_idx_i, one enable per fact.
    input  wire [META_LOG2-1:0] wr_idx_i,
    input  wire                 wr_id_en_i,
    input  wire [31:0]          wr_id_i,        // job_id
    input  wire                 wr_gen_en_i,
    input  wire [15:0]          wr_gen_i,       // generation
    input  wire                 wr_ntime_en_i,
    input  wire [31:0]          wr_ntime_i,     // the job's ntime
    input  wire                 wr_size_en_i,   // ignored when EN2_SIZE = 0
    input  wire [3:0]           wr_size_i,      // extranonce2 bytes (0: header)

    // Read port: the facts of entry rd_idx_i.
    input  wire [META_LOG2-1:0] rd_idx_i,
    output wire [31:0]          rd_id_o,
    output wire [15:0]          rd_gen_o,
    output wire [31:0]          rd_ntime_o,
    output wire [3:0]           rd_size_o
);

    localparam integer ENTRIES = 1 << META_LOG2;

    reg [31:0] id_q [0:ENTRIES-1];
    reg [15:0] gen_q [0:ENTRIES-1];
    reg [31:0] ntime_q [0:ENTRIES-1];

    always @(posedge clk_i) begin
        if (wr_id_en_i)
            id_q[wr_idx_i] <= wr_id_i;
        if (wr_gen_en_i)
            gen_q[wr_idx_i] <= wr_gen_i;
        if (wr_ntime_en_i)
            ntime_q[wr_idx_i] <= wr_ntime_i;
    end

    assign rd_id_o = id_q[rd_idx_i];
    assign rd_gen_o = gen_q[rd_idx_i];
    assign rd_ntime_o = ntime_q[rd_idx_i];

    generate
        if (EN2_SIZE != 0) begin : g_size
            reg [3:0] size_q [0:ENTRIES-1];
            always @(posedge clk_i)
                if (wr_size_en_i)
                    size_q[wr_idx_i] <= wr_size_i;
            assign rd_size_o = size_q[rd_idx_i];
        end else begin : g_no_size
            // Header mode: no job rolls extranonce2.
            assign rd_size_o = 4'd0;
            wire unused_size = &{1'b0, wr_size_en_i, wr_size_i};
        end
    endgenerate

endmodule

`default_nettype wire
