// UART transmitter (8N1) for the host link, with a fractional baud generator.
//
// Purpose: sends each byte accepted on the tx_* stream as start bit, eight
// data bits LSB first, one stop bit. Bit times come from a phase
// accumulator (add INC each clock, wrap at MOD, INC/MOD = BAUD/CLK_HZ
// reduced by their gcd), so any CLK_HZ/BAUD ratio is met on average and
// every bit edge lies within one clock of its ideal time; the accumulator
// restarts with each start bit, so errors never add up across bytes.
// Parameters:
//   CLK_HZ  clock frequency in Hz; legal 1_000_000 .. 1_000_000_000
//   BAUD    bits per second; legal 300 .. CLK_HZ/4 (3_000_000 at 12 MHz+)
// Latency: the start bit begins the clock after the byte is accepted.
// Stream: tx_ready_o is high while idle and in the last clock of a stop
// bit, so bytes offered back to back leave with no gap.
`default_nettype none

module link_uart_tx #(
	parameter CLK_HZ = 48000000, // core clock in Hz, 1e6..1e9
	parameter BAUD   = 3000000   // line rate in bit/s, 300..CLK_HZ/4
) (
	input  wire       clk_i,
	input  wire       rst_ni,
	// bytes to send
	input  wire [7:0] tx_data_i,
	input  wire       tx_valid_i,
	output wire       tx_ready_o,
	// serial line (idle high)
	output wire       txd_o,
	output wire       busy_o       // a byte is on the line
);

	`include "link_baud.vh"

	localparam integer G     = link_gcd(CLK_HZ, BAUD);
	localparam integer INC   = BAUD / G;
	localparam integer MOD   = CLK_HZ / G;
	localparam integer ACC_W = $clog2(MOD + INC + 1);

	reg [ACC_W-1:0] acc_q, acc_d;
	reg [3:0]       bit_q, bit_d;   // 0 start, 1..8 data, 9 stop
	reg             busy_q, busy_d;
	reg [7:0]       shift_q, shift_d;
	reg             txd_q, txd_d;

	// Bit boundary: the accumulator passes MOD during this clock.
	wire [ACC_W-1:0] acc_inc = acc_q + INC[ACC_W-1:0];
	wire             tick    = acc_inc >= MOD[ACC_W-1:0];
	wire             last    = busy_q && tick && (bit_q == 4'd9);

	assign tx_ready_o = !busy_q || last;
	assign txd_o      = txd_q;
	assign busy_o     = busy_q;

	always @(*) begin
		acc_d   = acc_q;
		bit_d   = bit_q;
		busy_d  = busy_q;
		shift_d = shift_q;
		txd_d   = txd_q;
		if (busy_q) begin
			acc_d = tick ? acc_inc - MOD[ACC_W-1:0] : acc_inc;
			if (tick) begin
				bit_d = bit_q + 4'd1;
				if (bit_q == 4'd8) begin
					txd_d = 1'b1; // stop bit
				end else if (bit_q != 4'd9) begin
					txd_d   = shift_q[0];
					shift_d = {1'b0, shift_q[7:1]};
				end
			end
		end
		if (last || (!busy_q)) begin
			busy_d = 1'b0;
			txd_d  = 1'b1;
			if (tx_valid_i) begin
				busy_d  = 1'b1;
				acc_d   = {ACC_W{1'b0}};
				bit_d   = 4'd0;
				shift_d = tx_data_i;
				txd_d   = 1'b0; // start bit
			end
		end
	end

	// Control state: asynchronous assert, released by the board's reset
	// synchroniser on a clock edge.
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			busy_q <= 1'b0;
			txd_q  <= 1'b1;
			acc_q  <= {ACC_W{1'b0}};
			bit_q  <= 4'd0;
		end else begin
			busy_q <= busy_d;
			txd_q  <= txd_d;
			acc_q  <= acc_d;
			bit_q  <= bit_d;
		end
	end

	// Datapath: no reset (only read while busy_q).
	always @(posedge clk_i)
		shift_q <= shift_d;

`ifdef LINK_ASSERT
	// The sender must hold a byte steady until it is taken.
	reg       held_q;
	reg [7:0] held_data_q;
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			held_q <= 1'b0;
		end else begin
			if (held_q && !tx_valid_i) begin
				$display("ASSERT link_uart_tx: tx_valid_i dropped before tx_ready_o");
				$stop;
			end
			if (held_q && tx_valid_i && tx_data_i != held_data_q) begin
				$display("ASSERT link_uart_tx: tx_data_i changed while waiting");
				$stop;
			end
			held_q <= tx_valid_i && !tx_ready_o;
		end
	end
	always @(posedge clk_i)
		held_data_q <= tx_data_i;
	initial begin
		if (BAUD * 4 > CLK_HZ) begin
			$display("ASSERT link_uart_tx: BAUD above CLK_HZ/4");
			$stop;
		end
	end
`endif
endmodule

`default_nettype wire
