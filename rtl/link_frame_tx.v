// Frame sender of the host link: a frame description in, bytes out.
//
// Purpose: emits one frame of include/tandem_proto.h per request: sync
// A5 5A, version, type, seq, len (u16 LE), hcrc (CRC-8 over version..len),
// payload, CRC-16/IBM-3740 over version..payload sent low byte first.
//
// Request interface, chosen for a command/response unit whose payloads
// (ACK, NAK, INFO, STATUS, SHARE) are fixed layouts of its own registers:
// it raises frame_valid_i with frame_type_i/seq_i/len_i and keeps them,
// and the payload source, steady until frame_ready_o. This module reads
// the payload through frame_addr_o (byte offset 0..len-1) and expects
// frame_data_i to be the byte at the frame_addr_o of the previous clock:
// a registered "case (addr)" over the unit's fields, or a block RAM read
// port, fits directly. frame_ready_o is high for one clock together with
// the last byte of the frame entering the output register; after it the
// unit may change everything and raise the next request at once (frames
// go out back to back).
// Throughput: one byte per clock; bytes leave through a two-byte output
// queue (tx_valid_o holds a byte until tx_ready_i), so whether the next
// byte is made depends on the queue's registered state only, never on
// tx_ready_i in the same clock (that path ran from the physical layer's
// ready through the payload address into the unit's field mux).
// Lengths are sent as given; the unit keeps them within the protocol
// limit (TANDEM_MAX_PAYLOAD) itself.
`default_nettype none

module link_frame_tx (
	input  wire        clk_i,
	input  wire        rst_ni,
	// frame request, held until frame_ready_o
	input  wire        frame_valid_i,
	output wire        frame_ready_o,
	input  wire [7:0]  frame_type_i,
	input  wire [7:0]  frame_seq_i,
	input  wire [15:0] frame_len_i,
	output wire [15:0] frame_addr_o,  // payload byte wanted next clock
	input  wire [7:0]  frame_data_i,  // payload byte at last clock's addr
	// byte stream to the physical layer
	output wire [7:0]  tx_data_o,
	output wire        tx_valid_o,
	input  wire        tx_ready_i
);
	localparam [7:0] SYNC0   = 8'hA5;
	localparam [7:0] SYNC1   = 8'h5A;
	localparam [7:0] VERSION = 8'd1;

	// idx_q: position in the frame of the next byte to send (0 = sync0);
	// 17 bits hold len + 9 for any 16-bit len.
	reg [16:0] idx_q;
	reg [7:0]  crc8_q;
	reg [15:0] crc16_q;
	reg [7:0]  out_q;
	reg        out_valid_q;
	reg [7:0]  sk_q;         // second byte of the output queue
	reg        sk_valid_q;

	// Where idx_q is (payload, CRC low byte, CRC high byte = last) is
	// decided a byte ahead and registered, so no comparator sits in
	// front of the byte multiplexer and the CRCs.
	wire [16:0] len17   = {1'b0, frame_len_i};
	reg         in_pay, is_lo, last;
	wire        in_pay_n1 = idx_q >= 17'd7 && idx_q < len17 + 17'd7;
	wire        is_lo_n1  = idx_q == len17 + 17'd7;
	wire        load    = frame_valid_i && !sk_valid_q;
	wire        pop     = out_valid_q && tx_ready_i;

	// The byte at idx_q.
	reg [7:0] cur;
	always @(*) begin
		case (idx_q)
		17'd0:   cur = SYNC0;
		17'd1:   cur = SYNC1;
		17'd2:   cur = VERSION;
		17'd3:   cur = frame_type_i;
		17'd4:   cur = frame_seq_i;
		17'd5:   cur = frame_len_i[7:0];
		17'd6:   cur = frame_len_i[15:8];
		17'd7:   cur = crc8_q;
		default: cur = in_pay ? frame_data_i :
		               is_lo  ? crc16_q[7:0] : crc16_q[15:8];
		endcase
	end

	wire [7:0]  crc8_n;
	wire [15:0] crc16_n;
	link_crc8  u_crc8  (.crc_i(crc8_q),  .data_i(cur), .crc_o(crc8_n));
	link_crc16 u_crc16 (.crc_i(crc16_q), .data_i(cur), .crc_o(crc16_n));

	// Next position, and the payload offset the source should present
	// now so that its byte is there when idx reaches it.
	// pa_q = idx_q - 8 and pa1_q = idx_q - 7 are kept beside idx_q, so
	// the address is a choice between registers, not a subtraction after
	// the load decision (0 while the header goes out).
	wire [16:0] idx_n  = !load ? idx_q : last ? 17'd0 : idx_q + 17'd1;
	reg  [15:0] pa_q, pa1_q;
	reg         pa_ok_q, pa1_ok_q;          // idx_q >= 8, idx_q >= 7
	wire [15:0] paddr  = !load ? pa_q : last ? 16'hfff8 : pa1_q;
	wire        pa_ok  = !load ? pa_ok_q : !last && pa1_ok_q;

	assign frame_addr_o  = pa_ok ? paddr : 16'd0;
	assign frame_ready_o = load && last;
	assign tx_data_o     = out_q;
	assign tx_valid_o    = out_valid_q;

	// Control state: asynchronous assert, released by the board's reset
	// synchroniser on a clock edge.
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			idx_q       <= 17'd0;
			out_valid_q <= 1'b0;
			sk_valid_q  <= 1'b0;
			pa_q        <= 16'hfff8;
			pa1_q       <= 16'hfff9;
			pa_ok_q     <= 1'b0;
			pa1_ok_q    <= 1'b0;
			in_pay      <= 1'b0;
			is_lo       <= 1'b0;
			last        <= 1'b0;
		end else begin
			if (load) begin
				in_pay <= !last && in_pay_n1;
				is_lo  <= !last && is_lo_n1;
				last   <= is_lo;
			end
			idx_q <= idx_n;
			pa_q <= paddr;
			pa1_q <= paddr + 16'd1;
			pa_ok_q <= pa_ok;
			pa1_ok_q <= (idx_n >= 17'd7);
			// the queue: a new byte goes to the head when it is free
			// or leaving, else behind it
			if (load) begin
				out_valid_q <= 1'b1;
				sk_valid_q <= out_valid_q && !pop;
			end else if (pop) begin
				out_valid_q <= sk_valid_q;
				sk_valid_q <= 1'b0;
			end
		end
	end

	always @(posedge clk_i)
		if (load ? (!out_valid_q || pop) : pop)
			out_q <= load ? cur : sk_q;

	// Datapath: no reset. Every frame starts at idx 0 (reset or the end
	// of the previous frame) and the CRCs are (re)started while the sync
	// bytes go out, before the first byte they cover; the output byte is
	// only read while out_valid_q.
	always @(posedge clk_i)
		if (load) begin
			sk_q <= cur;
			if (idx_q <= 17'd1) begin
				crc8_q  <= 8'h00;
				crc16_q <= 16'hFFFF;
			end else begin
				if (idx_q <= 17'd6)
					crc8_q <= crc8_n;
				if (idx_q <= 17'd7 || in_pay)
					crc16_q <= crc16_n;
			end
		end

`ifdef LINK_ASSERT
	reg        req_held_q;
	reg [31:0] req_q;
	reg        out_held_q;
	reg [7:0]  out_data_q;
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			req_held_q <= 1'b0;
			out_held_q <= 1'b0;
		end else begin
			// A request stays up and unchanged until it is done.
			if (req_held_q && (!frame_valid_i ||
			    req_q != {frame_type_i, frame_seq_i, frame_len_i})) begin
				$display("ASSERT link_frame_tx: request changed before frame_ready_o");
				$stop;
			end
			// A started frame is never abandoned.
			if (idx_q != 17'd0 && !frame_valid_i) begin
				$display("ASSERT link_frame_tx: frame_valid_i dropped mid-frame");
				$stop;
			end
			// An offered byte stays until taken.
			if (out_held_q && (!tx_valid_o || tx_data_o != out_data_q)) begin
				$display("ASSERT link_frame_tx: tx stream changed before tx_ready_i");
				$stop;
			end
			req_held_q <= frame_valid_i && !frame_ready_o;
			out_held_q <= tx_valid_o && !tx_ready_i;
		end
	end
	always @(posedge clk_i) begin
		req_q      <= {frame_type_i, frame_seq_i, frame_len_i};
		out_data_q <= tx_data_o;
	end
`endif
endmodule

`default_nettype wire
