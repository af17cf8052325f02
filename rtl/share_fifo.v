`default_nettype none
// Synchronous FIFO with valid/ready on both sides and an overflow counter;
// used for shares (host side) and for the candidate queues of the core.
//
// Purpose: entries live in a memory with a registered read (maps to block
// RAM where the family has it) plus a one-entry output register, so the head
// is visible without a read delay (first-word fall-through).
// A push while the memory is full is dropped and counted in overflow_o,
// never silently; a push is never dropped while there is space.
// Parameters: WIDTH entry bits (>= 1); DEPTH memory entries (power of two,
// >= 2); total capacity DEPTH + 1 (the output register).
// Latency: 2 clocks from push to out_valid_o on an empty FIFO.
module share_fifo #(
	parameter WIDTH = 32, // entry width (>= 1)
	parameter DEPTH = 16  // memory entries (power of two, >= 2)
) (
	input  wire             clk_i,
	input  wire             rst_ni,
	input  wire             flush_i,    // empty the FIFO (overflow kept)

	input  wire             in_valid_i,
	output wire             in_ready_o, // space in the memory
	input  wire [WIDTH-1:0] in_data_i,

	output wire             out_valid_o,
	input  wire             out_ready_i,
	output wire [WIDTH-1:0] out_data_o,

	// entries held (0 .. DEPTH + 1); the width is AW + 1, written out
	// because a port may not use a localparam declared after it
	output wire [$clog2(DEPTH > 1 ? DEPTH : 2):0] count_o,
	output wire [31:0]      overflow_o  // pushes dropped because full
);
`include "tandem_clog2.vh"

	localparam AW = clog2(DEPTH);

	// a read (load: some entry held) and a write (push: not full) never
	// meet on one address, so no read-during-write logic
	(* no_rw_check *)
	reg [WIDTH-1:0] mem [0:DEPTH-1];
	reg [AW-1:0]    wp_q, rp_q;
	reg [AW:0]      cnt_q;      // entries in mem
	reg             ov_q;       // output register holds an entry
	reg [WIDTH-1:0] out_q;
	reg [31:0]      overflow_q;

	wire push = in_valid_i && (cnt_q != DEPTH[AW:0]);
	wire drop = in_valid_i && (cnt_q == DEPTH[AW:0]);
	wire load = (cnt_q != 0) && (!ov_q || out_ready_i);

	assign in_ready_o = (cnt_q != DEPTH[AW:0]);
	assign out_valid_o = ov_q;
	assign out_data_o = out_q;
	assign count_o = cnt_q + {{AW{1'b0}}, ov_q};
	assign overflow_o = overflow_q;

	always @(posedge clk_i)
		if (push)
			mem[wp_q] <= in_data_i;

	// Registered read into the output register.
	always @(posedge clk_i)
		if (load)
			out_q <= mem[rp_q];

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			wp_q <= {AW{1'b0}};
			rp_q <= {AW{1'b0}};
			cnt_q <= {(AW+1){1'b0}};
			ov_q <= 1'b0;
			overflow_q <= 32'd0;
		end else begin
			if (drop && overflow_q != 32'hffffffff)
				overflow_q <= overflow_q + 32'd1;
			if (flush_i) begin
				wp_q <= {AW{1'b0}};
				rp_q <= {AW{1'b0}};
				cnt_q <= {(AW+1){1'b0}};
				ov_q <= 1'b0;
			end else begin
				if (push)
					wp_q <= wp_q + 1'b1;
				if (load)
					rp_q <= rp_q + 1'b1;
				cnt_q <= cnt_q + {{AW{1'b0}}, push} - {{AW{1'b0}}, load};
				if (load)
					ov_q <= 1'b1;
				else if (out_ready_i)
					ov_q <= 1'b0;
			end
		end

`ifdef FORMAL_ASSERT
	always @(posedge clk_i)
		if (rst_ni && !flush_i) begin
			if (cnt_q > DEPTH[AW:0])
				$error("share_fifo: count above depth");
		end
`endif
endmodule
