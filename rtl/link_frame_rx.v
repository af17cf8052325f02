// Frame receiver of the host link: byte stream in, checked frames out.
//
// Purpose: finds frames of include/tandem_proto.h in a byte stream
// (sync A5 5A, version, type, seq, len u16 LE, hcrc, payload, CRC-16 LE),
// checks the header CRC-8, the version, len <= MAX_PAYLOAD and the
// CRC-16, and hands each good frame to one consumer. Bad frames are
// dropped and counted; frame types are not checked here (the command
// decoder NAKs unknown ones).
//
// Buffer: every accepted byte goes into a ring of 2^BUF_LOG2 bytes. The
// parser reads the ring, never the input, so after a failure it can go
// back: bytes from the candidate frame's first sync byte on stay in the
// ring until the frame is delivered or rejected.
//
// Resynchronisation (the same rule as proto_frame_decode in host/lib):
//   - hunting: a byte other than A5 is skipped; A5 then 5A starts a frame;
//     A5 A5 5A starts it at the second A5;
//   - header rejected (hcrc wrong, else version != TANDEM_PROTO_VERSION,
//     else len > MAX_PAYLOAD) or payload CRC-16 wrong: the frame is
//     dropped and hunting resumes at the byte right after its first sync
//     byte, replaying from the ring every byte already read behind it
//     (header, payload, CRC). So a sync word inside garbage, inside a
//     corrupt header, or a truncated frame that swallowed the start of
//     the next one never costs the next good frame: it is found inside
//     the replayed bytes.
// Counters: crc_errors_o counts header-CRC and CRC-16 failures,
// frame_errors_o bad versions and oversize lengths (STATUS fields 36 and
// 40). drop_o pulses once per dropped frame with the reason in
// drop_why_o. Garbage skipped while hunting is not counted.
//
// Consumer: frame_valid_o rises with frame_type_o/seq_o/len_o; the payload
// is read through frame_addr_i (byte offset 0..len-1) -> frame_data_o one
// clock later. The consumer ends the frame by asserting frame_ready_i
// (a valid/ready handshake; may be a one-clock pulse). While a frame is
// held the parser waits, but input keeps flowing into the ring until it
// is full: rx_ready_o is low only when the ring holds 2^BUF_LOG2 bytes
// from the held frame's first byte on, so at least
// 2^BUF_LOG2 - (MAX_PAYLOAD + 10) bytes of input are absorbed behind
// any held frame (758 with the defaults, 502 at MAX_PAYLOAD 1536). Back-
// pressure, not loss: with a UART in front, a consumer that holds frames
// long enough to fill the ring makes the UART overrun.
//
// No hang: a candidate frame is decided within MAX_PAYLOAD + 10 bytes of
// its first sync byte, the ring holds at least that many, and each
// rejection moves the start forward by one byte; so the parser always
// either has a byte to read or space to take one, whatever the input.
//
// Parameters:
//   MAX_PAYLOAD  largest payload accepted (the device's INFO max_payload),
//                1..1536 (TANDEM_MAX_PAYLOAD)
//   BUF_LOG2     log2 of the ring size; needs 2^BUF_LOG2 >= MAX_PAYLOAD+10,
//                so 11 for MAX_PAYLOAD above 1014; 4..16
// Throughput: one byte per clock; a rejection costs the replay of the
// rejected bytes.
`default_nettype none

module link_frame_rx #(
	parameter MAX_PAYLOAD = 1280, // device payload limit, 1..1536
	parameter BUF_LOG2    = 11    // ring of 2^BUF_LOG2 bytes >= MAX_PAYLOAD+10
) (
	input  wire                clk_i,
	input  wire                rst_ni,
	// byte stream from the physical layer
	input  wire [7:0]          rx_data_i,
	input  wire                rx_valid_i,
	output wire                rx_ready_o,
	// checked frame, held until frame_ready_i
	output wire                frame_valid_o,
	input  wire                frame_ready_i,
	output wire [7:0]          frame_type_o,
	output wire [7:0]          frame_seq_o,
	output wire [15:0]         frame_len_o,
	input  wire [BUF_LOG2-1:0] frame_addr_i,  // payload byte offset
	output wire [7:0]          frame_data_o,  // payload byte, 1 clock later
	// error accounting
	output wire [31:0]         crc_errors_o,
	output wire [31:0]         frame_errors_o,
	output wire                drop_o,
	output wire [1:0]          drop_why_o
);
	localparam integer P    = BUF_LOG2 + 1; // pointer width (wrap bit)
	localparam integer SIZE = 1 << BUF_LOG2;

	localparam [7:0] SYNC0   = 8'hA5;
	localparam [7:0] SYNC1   = 8'h5A;
	localparam [7:0] VERSION = 8'd1;
	// payload offset from the first sync byte
	localparam [BUF_LOG2-1:0] HDR_LEN = 8;

	// drop_why_o codes
	localparam [1:0] WHY_HCRC     = 2'd0,
	                 WHY_CRC      = 2'd1,
	                 WHY_VERSION  = 2'd2,
	                 WHY_OVERSIZE = 2'd3;

	localparam [2:0] S_HUNT  = 3'd0, // skipping to an A5
	                 S_SYNC1 = 3'd1, // A5 seen, want 5A
	                 S_HDR   = 3'd2, // header bytes 2..7
	                 S_PAY   = 3'd3, // payload
	                 S_CRC0  = 3'd4, // CRC-16 low byte
	                 S_CRC1  = 3'd5, // CRC-16 high byte, decide
	                 S_HOLD  = 3'd6; // frame given to the consumer

	// ---- ring buffer: one write port (input), one read port shared by
	// the parser and, while a frame is held, the consumer.
	reg [7:0] mem [0:SIZE-1];
	reg [7:0] rdata_q;

	reg [P-1:0] in_q;     // next write position
	reg [P-1:0] scan_q;   // next position the parser reads
	reg [P-1:0] start_q;  // first byte still needed (candidate's A5)
	reg [P-1:0] pos_q;    // position of the byte in rdata_q
	reg         rv_q;     // rdata_q holds a byte for the parser

	reg [2:0]  state_q;
	reg [2:0]  off_q;     // header byte offset 2..7
	reg [7:0]  ver_q, type_q, seq_q;
	reg [15:0] len_q;
	// the header checks of offset 7, registered beside the fields they
	// test, so no comparator sits in front of the parser's next state
	reg        len_big_q, len_zero_q, ver_bad_q;
	reg [15:0] left_q;    // payload bytes still to read
	reg [7:0]  crc8_q;
	reg [15:0] crc16_q;
	reg [7:0]  crclo_q;
	reg [31:0] crc_err_q, frame_err_q;
	reg        drop_q;
	reg [1:0]  why_q;

	wire [P-1:0] used = in_q - start_q;
	wire         full = used[P-1];   // used == SIZE
	wire         take = rx_valid_i && !full;

	assign rx_ready_o = !full;

	// ---- parser, one byte per clock from the ring
	wire [7:0]  byte_i = rdata_q;
	wire [7:0]  crc8_n;
	wire [15:0] crc16_n;

	link_crc8  u_crc8  (.crc_i(crc8_q),  .data_i(byte_i), .crc_o(crc8_n));
	link_crc16 u_crc16 (.crc_i(crc16_q), .data_i(byte_i), .crc_o(crc16_n));

	reg [2:0]   state_d;
	reg [2:0]   off_d;
	reg [7:0]   ver_d, type_d, seq_d, crclo_d, crc8_d;
	reg [15:0]  len_d, left_d, crc16_d;
	reg [P-1:0] start_d, scan_d;
	reg         fail, done;
	reg [1:0]   why;
	reg         issue;
	reg [BUF_LOG2-1:0] raddr;

	always @(*) begin
		state_d = state_q;
		off_d   = off_q;
		ver_d   = ver_q;
		type_d  = type_q;
		seq_d   = seq_q;
		len_d   = len_q;
		left_d  = left_q;
		crc8_d  = crc8_q;
		crc16_d = crc16_q;
		crclo_d = crclo_q;
		start_d = start_q;
		fail    = 1'b0;
		done    = 1'b0;
		why     = WHY_HCRC;
		case (state_q)
		S_HUNT: if (rv_q) begin
			if (byte_i == SYNC0) begin
				state_d = S_SYNC1;
				start_d = pos_q;
			end else begin
				start_d = pos_q + 1'b1;
			end
		end
		S_SYNC1: if (rv_q) begin
			if (byte_i == SYNC1) begin
				state_d = S_HDR;
				off_d   = 3'd2;
				crc8_d  = 8'h00;
				crc16_d = 16'hFFFF;
			end else if (byte_i == SYNC0) begin
				start_d = pos_q;
			end else begin
				state_d = S_HUNT;
				start_d = pos_q + 1'b1;
			end
		end
		S_HDR: if (rv_q) begin
			crc8_d  = crc8_n;
			crc16_d = crc16_n;
			off_d   = off_q + 3'd1;
			case (off_q)
			3'd2: ver_d  = byte_i;
			3'd3: type_d = byte_i;
			3'd4: seq_d  = byte_i;
			3'd5: len_d  = {len_q[15:8], byte_i};
			3'd6: len_d  = {byte_i, len_q[7:0]};
			default: begin // 7: header check byte
				left_d = len_q;
				if (byte_i != crc8_q) begin
					fail = 1'b1;
					why  = WHY_HCRC;
				end else if (ver_bad_q) begin
					fail = 1'b1;
					why  = WHY_VERSION;
				end else if (len_big_q) begin
					fail = 1'b1;
					why  = WHY_OVERSIZE;
				end else if (len_zero_q) begin
					state_d = S_CRC0;
				end else begin
					state_d = S_PAY;
				end
			end
			endcase
		end
		S_PAY: if (rv_q) begin
			crc16_d = crc16_n;
			left_d  = left_q - 16'd1;
			if (left_q == 16'd1)
				state_d = S_CRC0;
		end
		S_CRC0: if (rv_q) begin
			crclo_d = byte_i;
			state_d = S_CRC1;
		end
		S_CRC1: if (rv_q) begin
			if ({byte_i, crclo_q} == crc16_q) begin
				done    = 1'b1;
				state_d = S_HOLD;
			end else begin
				fail = 1'b1;
				why  = WHY_CRC;
			end
		end
		default: begin // S_HOLD
			if (frame_ready_i) begin
				state_d = S_HUNT;
				start_d = scan_q; // first byte after the frame
			end
		end
		endcase
		if (fail) begin
			// Go back to the byte after the first sync byte.
			state_d = S_HUNT;
			start_d = start_q + 1'b1;
		end

		// Read the next byte unless the parser is redirected, finished,
		// holding a frame, or has caught up with the input.
		// (both sums are formed beside the decision, which only selects)
		issue  = state_q != S_HOLD && !fail && !done && scan_q != in_q;
		scan_d = fail ? start_q + 1'b1 : issue ? scan_q + 1'b1 : scan_q;
		raddr  = state_q == S_HOLD ?
		         start_q[BUF_LOG2-1:0] + frame_addr_i + HDR_LEN :
		         scan_q[BUF_LOG2-1:0];
	end

	always @(posedge clk_i) begin
		if (take)
			mem[in_q[BUF_LOG2-1:0]] <= rx_data_i;
		rdata_q <= mem[raddr];
	end

	// Control state: asynchronous assert, released by the board's reset
	// synchroniser on a clock edge.
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			in_q        <= {P{1'b0}};
			scan_q      <= {P{1'b0}};
			start_q     <= {P{1'b0}};
			rv_q        <= 1'b0;
			state_q     <= S_HUNT;
			crc_err_q   <= 32'd0;
			frame_err_q <= 32'd0;
			drop_q      <= 1'b0;
		end else begin
			in_q    <= in_q + {{(P - 1){1'b0}}, take};
			scan_q  <= scan_d;
			start_q <= start_d;
			rv_q    <= issue;
			state_q <= state_d;
			drop_q  <= fail;
			if (fail && (why == WHY_HCRC || why == WHY_CRC))
				crc_err_q <= crc_err_q + 32'd1;
			if (fail && (why == WHY_VERSION || why == WHY_OVERSIZE))
				frame_err_q <= frame_err_q + 32'd1;
		end
	end

	// Parser datapath: no reset (each field is written before the state
	// that reads it).
	always @(posedge clk_i) begin
		pos_q   <= scan_q;
		off_q   <= off_d;
		ver_q   <= ver_d;
		type_q  <= type_d;
		seq_q   <= seq_d;
		len_q   <= len_d;
		len_big_q  <= len_d > MAX_PAYLOAD[15:0];
		len_zero_q <= len_d == 16'd0;
		ver_bad_q  <= ver_d != VERSION;
		left_q  <= left_d;
		crc8_q  <= crc8_d;
		crc16_q <= crc16_d;
		crclo_q <= crclo_d;
		why_q   <= why;
	end

	assign frame_valid_o  = state_q == S_HOLD;
	assign frame_type_o   = type_q;
	assign frame_seq_o    = seq_q;
	assign frame_len_o    = len_q;
	assign frame_data_o   = rdata_q;
	assign crc_errors_o   = crc_err_q;
	assign frame_errors_o = frame_err_q;
	assign drop_o         = drop_q;
	assign drop_why_o     = why_q;

`ifdef LINK_ASSERT
	wire [P-1:0] span = scan_q - start_q; // bytes kept and already read
	reg       in_held_q;
	reg [7:0] in_data_q;
	always @(posedge clk_i or negedge rst_ni) begin
		if (!rst_ni) begin
			in_held_q <= 1'b0;
		end else begin
			// Producer keeps a refused byte offered and unchanged.
			if (in_held_q && (!rx_valid_i || rx_data_i != in_data_q)) begin
				$display("ASSERT link_frame_rx: rx stream changed before rx_ready_o");
				$stop;
			end
			in_held_q <= rx_valid_i && !rx_ready_o;
			// Ring bookkeeping: start <= scan <= in, at most SIZE kept.
			if (used > SIZE[P-1:0] || span > used) begin
				$display("ASSERT link_frame_rx: ring pointers out of order");
				$stop;
			end
			// The candidate frame always fits in the ring.
			if (state_q != S_HUNT && {{(32 - P){1'b0}}, span} >
			    MAX_PAYLOAD + 10) begin
				$display("ASSERT link_frame_rx: frame longer than its limit (state %0d scan %0d start %0d in %0d)", state_q, scan_q, start_q, in_q);
				$stop;
			end
		end
	end
	always @(posedge clk_i)
		in_data_q <= rx_data_i;
	initial begin
		if (SIZE < MAX_PAYLOAD + 10 || MAX_PAYLOAD > 1536 || MAX_PAYLOAD < 1) begin
			$display("ASSERT link_frame_rx: bad MAX_PAYLOAD/BUF_LOG2");
			$stop;
		end
	end
`endif
endmodule

`default_nettype wire
