`default_nettype none
// Job RAM: one write port (command unit), one registered read port (job
// engine). Written so that Yosys infers block RAM on iCE40 and ECP5; in
// simulation it is a plain array.
//
// Parameters:
//   AW  address bits (word count 2^AW), 4..16
//   DW  data bits, 8..64
// Latency: rd_data_o holds mem[rd_addr_i] one clock after rd_addr_i.
module job_ram #(
    parameter integer AW = 10,  // address bits, 4..16
    parameter integer DW = 32   // word bits, 8..64
) (
    input  wire          clk_i,
    input  wire          wr_en_i,
    input  wire [AW-1:0] wr_addr_i,
    input  wire [DW-1:0] wr_data_i,
    input  wire [AW-1:0] rd_addr_i,
    output reg  [DW-1:0] rd_data_o
);

    reg [DW-1:0] mem_q [0:(1<<AW)-1];

    always @(posedge clk_i) begin
        if (wr_en_i)
            mem_q[wr_addr_i] <= wr_data_i;
        rd_data_o <= mem_q[rd_addr_i];
    end

endmodule

`default_nettype wire
