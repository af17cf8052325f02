// One byte of the link's header check: CRC-8, polynomial 0x07, MSB first.
//
// Purpose: combinational byte-wise update used by link_frame_rx and
// link_frame_tx for the frame header check byte (include/tandem_proto.h:
// "hcrc: CRC-8 (poly 0x07, init 0x00) over bytes 2..6"). The caller holds
// the running value; start it at 8'h00.
// Latency: none (combinational).
`default_nettype none

module link_crc8 (
	input  wire [7:0] crc_i,  // running CRC before this byte
	input  wire [7:0] data_i, // next byte of the message
	output wire [7:0] crc_o   // running CRC after this byte
);
	// Bit-serial definition unrolled over the eight data bits, most
	// significant bit first (non-reflected CRC).
	function [7:0] step;
		input [7:0] c;
		input [7:0] d;
		integer i;
		reg [7:0] x;
		begin
			x = c ^ d;
			for (i = 0; i < 8; i = i + 1)
				x = x[7] ? ((x << 1) ^ 8'h07) : (x << 1);
			step = x;
		end
	endfunction

	assign crc_o = step(crc_i, data_i);
endmodule

`default_nettype wire
