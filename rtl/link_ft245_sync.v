// FT2232H / FT232H synchronous 245 FIFO master, with byte streams in the
// core clock domain.
//
// Purpose: drives the FTDI chip's synchronous FIFO interface on its own
// 60 MHz CLKOUT (ft_clk_i) and crosses both byte directions to the core
// clock (clk_i) through link_async_fifo, so the core sees the same
// rx_*/tx_* valid/ready streams as with link_uart_rx/link_uart_tx.
// Chip interface (FTDI DS_FT2232H, FT245 synchronous FIFO mode; AN_130):
//   - everything is sampled on the rising edge of CLKOUT; the chip drives
//     RXF#, TXE# and D shortly after that edge, the FPGA sets up RD#, WR#,
//     OE# and D before the next one (all FPGA outputs here are flops);
//   - a byte moves chip -> FPGA on every edge where RXF# and RD# are both
//     low; OE# must be low at least one clock before RD# goes low, and
//     while OE# is low the chip drives D;
//   - a byte moves FPGA -> chip on every edge where TXE# and WR# are both
//     low;
//   - SIWU# is held high (unused): the host's latency timer flushes short
//     packets.
// Every transfer is qualified by the flags as sampled at the same edge,
// exactly as the chip does, so a flag that rises in the middle of a burst
// loses or repeats nothing.
// Bus turnaround: the FSM passes through S_IDLE (OE# high, D released by
// both sides) for at least one full clock between reading and writing,
// so the two drivers never overlap.
// Scheduling: reads and writes alternate in bursts of at most BURST bytes
// when both directions have work; RD# is asserted only while the rx FIFO
// has room for the byte that edge could bring, so the chip is
// back-pressured instead of data being lost.
// Parameters:
//   RX_DEPTH_LOG2  log2 of the host->core FIFO, 2..12
//   TX_DEPTH_LOG2  log2 of the core->host FIFO, 2..12
//   BURST          bytes per burst while the other direction waits, 1..255
// CDC: the only signals crossing domains are the FIFOs' gray pointers
// (two-flop synchronisers inside link_async_fifo) and rst_ni. rst_ni is
// the core domain's reset (asynchronous assert, released in step with
// clk_i by the board's reset synchroniser); a local two-flop synchroniser
// makes the CLKOUT domain's copy, which asserts with rst_ni at once and
// releases two ft_clk_i edges later, so each domain leaves reset on an
// edge of its own clock. Hold rst_ni low for at least four CLKOUT
// periods (and a few core clocks) with both clocks running, so the FIFO
// pointers of both sides are cleared together.
`default_nettype none

module link_ft245_sync #(
	parameter RX_DEPTH_LOG2 = 4,  // host->core FIFO, log2 bytes, 2..12
	parameter TX_DEPTH_LOG2 = 4,  // core->host FIFO, log2 bytes, 2..12
	parameter BURST         = 64  // max bytes per burst under contention, 1..255
) (
	// core clock domain
	input  wire       clk_i,
	input  wire       rst_ni,
	output wire [7:0] rx_data_o,   // bytes from the host
	output wire       rx_valid_o,
	input  wire       rx_ready_i,
	input  wire [7:0] tx_data_i,   // bytes to the host
	input  wire       tx_valid_i,
	output wire       tx_ready_o,
	// FTDI chip, CLKOUT domain (D is split: d_i from the pad, d_o/d_oe_o
	// to a tristate buffer in the board top)
	input  wire       ft_clk_i,
	input  wire [7:0] ft_d_i,
	output wire [7:0] ft_d_o,
	output wire       ft_d_oe_o,
	input  wire       ft_rxf_n_i,
	input  wire       ft_txe_n_i,
	output wire       ft_rd_n_o,
	output wire       ft_wr_n_o,
	output wire       ft_oe_n_o,
	output wire       ft_siwu_n_o
);
	// ---- reset for the CLKOUT domain: asynchronous assert with rst_ni,
	// release synchronised to ft_clk_i by two flops
	reg [1:0] ft_rst_q;
	always @(posedge ft_clk_i or negedge rst_ni)
		if (!rst_ni)
			ft_rst_q <= 2'b00;
		else
			ft_rst_q <= {ft_rst_q[0], 1'b1};
	wire ft_rst_n = ft_rst_q[1];

	// ---- FIFOs
	wire                   rxf_push;
	wire [RX_DEPTH_LOG2:0] rxf_free;
	wire                   rxf_ready_unused; // only the assertion reads it

	link_async_fifo #(.DEPTH_LOG2(RX_DEPTH_LOG2)) u_rx_fifo (
		.w_clk_i   (ft_clk_i),
		.w_rst_ni  (ft_rst_n),
		.w_data_i  (ft_d_i),
		.w_valid_i (rxf_push),
		.w_ready_o (rxf_ready_unused),
		.w_free_o  (rxf_free),
		.r_clk_i   (clk_i),
		.r_rst_ni  (rst_ni),
		.r_data_o  (rx_data_o),
		.r_valid_o (rx_valid_o),
		.r_ready_i (rx_ready_i)
	);

	wire [7:0]             txf_data;
	wire                   txf_valid;
	wire                   txf_pop;
	wire [TX_DEPTH_LOG2:0] txf_free_unused;

	link_async_fifo #(.DEPTH_LOG2(TX_DEPTH_LOG2)) u_tx_fifo (
		.w_clk_i   (clk_i),
		.w_rst_ni  (rst_ni),
		.w_data_i  (tx_data_i),
		.w_valid_i (tx_valid_i),
		.w_ready_o (tx_ready_o),
		.w_free_o  (txf_free_unused),
		.r_clk_i   (ft_clk_i),
		.r_rst_ni  (ft_rst_n),
		.r_data_o  (txf_data),
		.r_valid_o (txf_valid),
		.r_ready_i (txf_pop)
	);

	// ---- bus FSM (CLKOUT domain)
	localparam [1:0] S_IDLE  = 2'd0, // bus released by both sides
	                 S_OE    = 2'd1, // OE# low, chip starts driving D
	                 S_READ  = 2'd2, // OE# low, RD# low while room
	                 S_WRITE = 2'd3; // FPGA drives D, WR# low with a byte

	reg [1:0] state_q, state_d;
	reg       oe_n_q, rd_n_q, wr_n_q, d_oe_q;
	reg [7:0] d_q, d_d;
	reg       pend_q, pend_d;   // d_q holds a byte not yet taken
	reg [7:0] cnt_q, cnt_d;     // bytes moved in this burst
	reg       last_wr_q, last_wr_d; // the last burst was a write
	reg       load;             // take the next byte from the tx FIFO
	reg       rd_ok;

	// Transfers at this edge, judged exactly as the chip judges them.
	wire rd_take = !rd_n_q && !ft_rxf_n_i;
	wire wr_take = !wr_n_q && !ft_txe_n_i;
	// Room for one more byte after this edge's push.
	wire rx_room = rxf_free > {{RX_DEPTH_LOG2{1'b0}}, rd_take};
	wire rx_want = !ft_rxf_n_i && rx_room;
	wire tx_want = (pend_q || txf_valid) && !ft_txe_n_i;
	wire burst_done = cnt_q >= BURST[7:0] - 8'd1;

	assign rxf_push    = rd_take;
	assign txf_pop     = load;
	assign ft_d_o      = d_q;
	assign ft_d_oe_o   = d_oe_q;
	assign ft_rd_n_o   = rd_n_q;
	assign ft_wr_n_o   = wr_n_q;
	assign ft_oe_n_o   = oe_n_q;
	assign ft_siwu_n_o = 1'b1;

	always @(*) begin
		state_d   = state_q;
		d_d       = d_q;
		pend_d    = pend_q && !wr_take;
		cnt_d     = cnt_q;
		last_wr_d = last_wr_q;
		load      = 1'b0;
		rd_ok     = 1'b0;
		case (state_q)
		S_IDLE: begin
			cnt_d = 8'd0;
			if (rx_want && (!tx_want || last_wr_q)) begin
				state_d = S_OE;
			end else if (tx_want) begin
				state_d = S_WRITE;
				load    = !pend_q;
			end
		end
		S_OE: begin
			state_d = S_READ;
			rd_ok   = rx_want;
		end
		S_READ: begin
			cnt_d = cnt_q + {7'd0, rd_take};
			if (!rx_want || (burst_done && rd_take && tx_want)) begin
				state_d   = S_IDLE;
				last_wr_d = 1'b0;
			end else begin
				rd_ok = 1'b1;
			end
		end
		default: begin // S_WRITE
			cnt_d = cnt_q + {7'd0, wr_take};
			if ((!ft_rxf_n_i && (ft_txe_n_i ||
			     (burst_done && wr_take))) ||
			    (!txf_valid && !pend_d)) begin
				// Leave (a byte not yet taken stays in d_q).
				state_d   = S_IDLE;
				last_wr_d = 1'b1;
			end else begin
				load = !pend_d;
			end
		end
		endcase
		load = load && txf_valid;
		if (load) begin
			d_d    = txf_data;
			pend_d = 1'b1;
		end
	end

	// Control state and the bus strobes (asynchronous assert: the strobes
	// go inactive and D is released at once on reset).
	always @(posedge ft_clk_i or negedge ft_rst_n) begin
		if (!ft_rst_n) begin
			state_q   <= S_IDLE;
			oe_n_q    <= 1'b1;
			rd_n_q    <= 1'b1;
			wr_n_q    <= 1'b1;
			d_oe_q    <= 1'b0;
			pend_q    <= 1'b0;
			cnt_q     <= 8'd0;
			last_wr_q <= 1'b0;
		end else begin
			state_q   <= state_d;
			oe_n_q    <= !(state_d == S_OE || state_d == S_READ);
			rd_n_q    <= !(state_d == S_READ && rd_ok);
			wr_n_q    <= !(state_d == S_WRITE && pend_d);
			d_oe_q    <= state_d == S_WRITE;
			pend_q    <= pend_d;
			cnt_q     <= cnt_d;
			last_wr_q <= last_wr_d;
		end
	end

	// Output byte: no reset (only driven while d_oe_q).
	always @(posedge ft_clk_i)
		d_q <= d_d;

`ifdef LINK_ASSERT
	always @(posedge ft_clk_i or negedge ft_rst_n) begin
		if (ft_rst_n) begin
			if (rxf_push && !rxf_ready_unused) begin
				$display("ASSERT link_ft245_sync: rx FIFO overflow");
				$stop;
			end
			if (!rd_n_q && oe_n_q) begin
				$display("ASSERT link_ft245_sync: RD# low without OE#");
				$stop;
			end
			if (d_oe_q && !oe_n_q) begin
				$display("ASSERT link_ft245_sync: bus driven by both sides");
				$stop;
			end
		end
	end
`endif
endmodule

`default_nettype wire
