// Byte FIFO between two unrelated clocks (the FT245 CLKOUT domain and the
// core clock), with gray-coded pointers.
//
// Purpose: each side keeps a binary pointer one bit wider than the address
// and publishes its gray code from a register; the other side samples
// that through two flops. Gray codes change one bit per step, so a sample
// taken mid-change is either the old or the new value, never a mix: full
// and empty are judged on a pointer that is at most a few clocks old,
// which only ever makes them pessimistic (never an overflow or underflow).
// The read side is first-word-fall-through through an output register
// (r_valid_o/r_ready_i like any stream), so the memory is read with a
// registered port and maps to block RAM where there is one.
// Parameters:
//   DEPTH_LOG2  log2 of the memory depth; legal 2..12 (4..4096 bytes)
// Latency: a byte written at the write clock appears at r_valid_o after
// two to three read clocks plus one.
// Resets: w_rst_ni and r_rst_ni assert asynchronously and must each be
// released synchronously to their own clock (one reset passed through a
// reset synchroniser per domain, as link_ft245_sync does); both must be
// asserted together, long enough for each side to see the other's
// cleared pointer, while both clocks run.
`default_nettype none

module link_async_fifo #(
	parameter DEPTH_LOG2 = 4 // log2 of bytes held, 2..12
) (
	// write side
	input  wire                w_clk_i,
	input  wire                w_rst_ni,
	input  wire [7:0]          w_data_i,
	input  wire                w_valid_i,
	output wire                w_ready_o,
	output wire [DEPTH_LOG2:0] w_free_o,  // free places (pessimistic)
	// read side
	input  wire                r_clk_i,
	input  wire                r_rst_ni,
	output wire [7:0]          r_data_o,
	output wire                r_valid_o,
	input  wire                r_ready_i
);
	localparam integer A     = DEPTH_LOG2;
	localparam integer DEPTH = 1 << A;

	function [A:0] bin2gray;
		input [A:0] b;
		begin
			bin2gray = b ^ (b >> 1);
		end
	endfunction

	function [A:0] gray2bin;
		input [A:0] g;
		integer i;
		begin
			gray2bin[A] = g[A];
			for (i = A - 1; i >= 0; i = i - 1)
				gray2bin[i] = gray2bin[i + 1] ^ g[i];
		end
	endfunction

	reg [7:0] mem [0:DEPTH-1];

	// ---- write domain
	reg [A:0] wbin_q, wgray_q;
	reg [A:0] w_rgray_q1, w_rgray_q2; // read pointer, synchronised
	wire [A:0] w_rbin  = gray2bin(w_rgray_q2);
	wire [A:0] w_used  = wbin_q - w_rbin;
	wire       w_full  = w_used[A];   // used == DEPTH
	wire       w_push  = w_valid_i && !w_full;
	wire [A:0] wbin_d  = wbin_q + {{A{1'b0}}, w_push};

	assign w_ready_o = !w_full;
	assign w_free_o  = DEPTH[A:0] - w_used;

	always @(posedge w_clk_i or negedge w_rst_ni) begin
		if (!w_rst_ni) begin
			wbin_q     <= {(A + 1){1'b0}};
			wgray_q    <= {(A + 1){1'b0}};
			w_rgray_q1 <= {(A + 1){1'b0}};
			w_rgray_q2 <= {(A + 1){1'b0}};
		end else begin
			wbin_q     <= wbin_d;
			wgray_q    <= bin2gray(wbin_d);
			w_rgray_q1 <= rgray_q;
			w_rgray_q2 <= w_rgray_q1;
		end
	end

	// Memory write port: no reset.
	always @(posedge w_clk_i)
		if (w_push)
			mem[wbin_q[A-1:0]] <= w_data_i;

	// ---- read domain
	reg [A:0] rbin_q, rgray_q;
	reg [A:0] r_wgray_q1, r_wgray_q2; // write pointer, synchronised
	reg [7:0] out_q;
	reg       out_valid_q;
	wire      r_empty = (rgray_q == r_wgray_q2);
	// Refill the output register when it is empty or being taken.
	wire      r_pop   = !r_empty && (!out_valid_q || r_ready_i);
	wire [A:0] rbin_d = rbin_q + {{A{1'b0}}, r_pop};

	assign r_data_o  = out_q;
	assign r_valid_o = out_valid_q;

	always @(posedge r_clk_i or negedge r_rst_ni) begin
		if (!r_rst_ni) begin
			rbin_q      <= {(A + 1){1'b0}};
			rgray_q     <= {(A + 1){1'b0}};
			r_wgray_q1  <= {(A + 1){1'b0}};
			r_wgray_q2  <= {(A + 1){1'b0}};
			out_valid_q <= 1'b0;
		end else begin
			rbin_q      <= rbin_d;
			rgray_q     <= bin2gray(rbin_d);
			r_wgray_q1  <= wgray_q;
			r_wgray_q2  <= r_wgray_q1;
			if (r_pop)
				out_valid_q <= 1'b1;
			else if (r_ready_i)
				out_valid_q <= 1'b0;
		end
	end

	// Registered read port and output byte: no reset (only read while
	// out_valid_q).
	always @(posedge r_clk_i)
		if (r_pop)
			out_q <= mem[rbin_q[A-1:0]];

`ifdef LINK_ASSERT
	// Occupancy seen from either side never exceeds the depth, and the
	// read side never passes the write side.
	wire [A:0] r_wbin = gray2bin(r_wgray_q2);
	wire [A:0] r_used = r_wbin - rbin_q;
	always @(posedge w_clk_i or negedge w_rst_ni) begin
		if (w_rst_ni && w_used > DEPTH[A:0]) begin
			$display("ASSERT link_async_fifo: write side overflow");
			$stop;
		end
	end
	always @(posedge r_clk_i or negedge r_rst_ni) begin
		if (r_rst_ni && r_used > DEPTH[A:0]) begin
			$display("ASSERT link_async_fifo: read side underflow");
			$stop;
		end
	end
	initial begin
		if (DEPTH_LOG2 < 2 || DEPTH_LOG2 > 12) begin
			$display("ASSERT link_async_fifo: DEPTH_LOG2 out of range");
			$stop;
		end
	end
`endif
endmodule

`default_nettype wire
