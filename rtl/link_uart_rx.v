// UART receiver (8N1) for the host link, with a fractional baud generator.
//
// Purpose: turns the serial line into a byte stream. The line passes a
// two-flop synchroniser; a falling edge while idle starts a byte; each bit
// is sampled once near its middle, timed by a phase accumulator (add INC
// each clock, wrap at MOD, INC/MOD = BAUD/CLK_HZ reduced by their gcd)
// that is preloaded so the first sample falls half a bit after the edge.
// A start bit that is high again at mid-bit is a glitch and is ignored;
// a low stop bit is a framing error: the byte is dropped, frame_err_o
// pulses, the counter counts, and the receiver waits for the line to go
// high before hunting for the next start bit (so a held break counts
// once). After a good stop-bit sample it hunts at once, half a bit early,
// so the next start bit of a fast sender is not missed.
// Tolerance: sampling lands within +-1 clock (edge detection) of the bit
// middle, so the sender's rate may differ by about
// +-(0.5 - 1/N) / 9.5 with N = CLK_HZ/BAUD: +-2.6% at N = 4 (3 Mbaud at
// 12 MHz), +-4.6% at N = 16 (48 MHz), +-5% for large N.
// Parameters:
//   CLK_HZ  clock frequency in Hz; legal 1_000_000 .. 1_000_000_000
//   BAUD    bits per second; legal 300 .. CLK_HZ/4
// Stream: rx_valid_o holds a byte until rx_ready_i. The line cannot be
// stopped, so if the next byte completes while one is still held it is
// dropped and overrun_o pulses (counted in overrun_cnt_o).
`default_nettype none

module link_uart_rx #(
	parameter CLK_HZ = 48000000, // core clock in Hz, 1e6..1e9
	parameter BAUD   = 3000000   // line rate in bit/s, 300..CLK_HZ/4
) (
	input  wire        clk_i,
	input  wire        rst_ni,
	// serial line (idle high), asynchronous to clk_i
	input  wire        rxd_i,
	// received bytes
	output wire [7:0]  rx_data_o,
	output wire        rx_valid_o,
	input  wire        rx_ready_i,
	// errors: one-clock pulses and wrapping counters
	output wire        frame_err_o,
	output wire        overrun_o,
	output wire [15:0] frame_err_cnt_o,
	output wire [15:0] overrun_cnt_o
);

	`include "link_baud.vh"

	localparam integer G     = link_gcd(CLK_HZ, BAUD);
	localparam integer INC   = BAUD / G;
	localparam integer MOD   = CLK_HZ / G;
	localparam integer ACC_W = $clog2(MOD + INC + 1);
	// Preload: the first tick comes about half a bit after the edge was
	// seen; the extra INC/2 takes off the half clock by which detection
	// lags the true edge on average.
	localparam integer HALF  = (MOD + INC) / 2;

	localparam [1:0] S_IDLE  = 2'd0, // waiting for a falling edge
	                 S_BITS  = 2'd1, // start, data and stop samples
	                 S_BREAK = 2'd2; // framing error: wait for high

	// Two-flop synchroniser; reset to idle-high.
	reg [1:0] sync_q;
	wire      rxd = sync_q[1];

	reg [1:0]       state_q, state_d;
	reg [ACC_W-1:0] acc_q, acc_d;
	reg [3:0]       bit_q, bit_d;   // 0 start, 1..8 data, 9 stop
	reg [7:0]       shift_q, shift_d;
	reg [7:0]       data_q, data_d;
	reg             valid_q, valid_d;
	reg             ferr_q, ferr_d;
	reg             ovr_q, ovr_d;
	reg [15:0]      ferr_cnt_q, ovr_cnt_q;

	wire [ACC_W-1:0] acc_inc = acc_q + INC[ACC_W-1:0];
	wire             tick    = acc_inc >= MOD[ACC_W-1:0];

	assign rx_data_o       = data_q;
	assign rx_valid_o      = valid_q;
	assign frame_err_o     = ferr_q;
	assign overrun_o       = ovr_q;
	assign frame_err_cnt_o = ferr_cnt_q;
	assign overrun_cnt_o   = ovr_cnt_q;

	always @(*) begin
		state_d = state_q;
		acc_d   = acc_q;
		bit_d   = bit_q;
		shift_d = shift_q;
		data_d  = data_q;
		valid_d = valid_q && !rx_ready_i;
		ferr_d  = 1'b0;
		ovr_d   = 1'b0;
		case (state_q)
		S_IDLE: begin
			if (!rxd) begin
				state_d = S_BITS;
				acc_d   = HALF[ACC_W-1:0];
				bit_d   = 4'd0;
			end
		end
		S_BITS: begin
			acc_d = tick ? acc_inc - MOD[ACC_W-1:0] : acc_inc;
			if (tick) begin
				bit_d = bit_q + 4'd1;
				if (bit_q == 4'd0) begin
					if (rxd)
						state_d = S_IDLE; // glitch
				end else if (bit_q != 4'd9) begin
					shift_d = {rxd, shift_q[7:1]};
				end else if (rxd) begin
					state_d = S_IDLE;
					if (valid_d) begin
						ovr_d = 1'b1;
					end else begin
						data_d  = shift_q;
						valid_d = 1'b1;
					end
				end else begin
					state_d = S_BREAK;
					ferr_d  = 1'b1;
				end
			end
		end
		default: begin // S_BREAK
			if (rxd)
				state_d = S_IDLE;
		end
		endcase
	end

	// Control state: asynchronous assert, released by the board's reset
	// synchroniser on a clock edge.
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			sync_q     <= 2'b11;
			state_q    <= S_IDLE;
			acc_q      <= {ACC_W{1'b0}};
			bit_q      <= 4'd0;
			valid_q    <= 1'b0;
			ferr_q     <= 1'b0;
			ovr_q      <= 1'b0;
			ferr_cnt_q <= 16'd0;
			ovr_cnt_q  <= 16'd0;
		end else begin
			sync_q     <= {sync_q[0], rxd_i};
			state_q    <= state_d;
			acc_q      <= acc_d;
			bit_q      <= bit_d;
			valid_q    <= valid_d;
			ferr_q     <= ferr_d;
			ovr_q      <= ovr_d;
			ferr_cnt_q <= ferr_cnt_q + {15'd0, ferr_d};
			ovr_cnt_q  <= ovr_cnt_q + {15'd0, ovr_d};
		end
	end

	// Datapath: no reset (only read while valid_q / in S_BITS).
	always @(posedge clk_i) begin
		shift_q <= shift_d;
		data_q  <= data_d;
	end

`ifdef LINK_ASSERT
	// The output byte must stay put until it is taken.
	reg       held_q;
	reg [7:0] held_data_q;
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			held_q <= 1'b0;
		end else begin
			if (held_q && (!rx_valid_o || rx_data_o != held_data_q)) begin
				$display("ASSERT link_uart_rx: output changed before rx_ready_i");
				$stop;
			end
			held_q <= rx_valid_o && !rx_ready_i;
		end
	end
	always @(posedge clk_i)
		held_data_q <= rx_data_o;
	initial begin
		if (BAUD * 4 > CLK_HZ) begin
			$display("ASSERT link_uart_rx: BAUD above CLK_HZ/4");
			$stop;
		end
	end
`endif
endmodule

`default_nettype wire
