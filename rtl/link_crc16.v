// One byte of the link's frame check: CRC-16/IBM-3740 (poly 0x1021).
//
// Purpose: combinational byte-wise update used by link_frame_rx and
// link_frame_tx for the frame CRC (include/tandem_proto.h: "crc:
// CRC-16/IBM-3740 (poly 0x1021, init 0xFFFF) over bytes 2..7+len, u16
// LE"). Non-reflected, no final XOR; the caller starts at 16'hFFFF.
// Latency: none (combinational).
`default_nettype none

module link_crc16 (
	input  wire [15:0] crc_i,  // running CRC before this byte
	input  wire [7:0]  data_i, // next byte of the message
	output wire [15:0] crc_o   // running CRC after this byte
);
	// The byte enters at the top of the register; then eight shifts,
	// most significant bit first.
	function [15:0] step;
		input [15:0] c;
		input [7:0] d;
		integer i;
		reg [15:0] x;
		begin
			x = c ^ {d, 8'h00};
			for (i = 0; i < 8; i = i + 1)
				x = x[15] ? ((x << 1) ^ 16'h1021) : (x << 1);
			step = x;
		end
	endfunction

	assign crc_o = step(crc_i, data_i);
endmodule

`default_nettype wire
