`default_nettype none
// Parallel work item to hash_lanes' word-at-a-time item port.
//
// Purpose: hash_core's parallel work ports (the engines that build the
// item in registers: job_engine, the test benches) feed the compact
// lanes, which copy the item a word at a time (hash_lanes, "Work item").
// word_o is the word at index widx_i of the last clock:
//   0..7 midstate H0..H7, 8..10 tail W0..W2, 11 nonce start,
//   12 nonce count bits 31..0, 13 count bit 32 in bit 0, else 0.
// Latency: one clock (a registered 14:1 word multiplexer).
module hash_work_words (
	input  wire        clk_i,
	input  wire [255:0] midstate_i, // H0 in [255:224]
	input  wire [95:0] tail_i,      // W0 in [95:64]
	input  wire [31:0] nonce_start_i,
	input  wire [32:0] nonce_count_i,
	input  wire [3:0]  widx_i,
	output reg  [31:0] word_o
);
	always @(posedge clk_i)
		case (widx_i)
		4'd0:  word_o <= midstate_i[255:224];
		4'd1:  word_o <= midstate_i[223:192];
		4'd2:  word_o <= midstate_i[191:160];
		4'd3:  word_o <= midstate_i[159:128];
		4'd4:  word_o <= midstate_i[127:96];
		4'd5:  word_o <= midstate_i[95:64];
		4'd6:  word_o <= midstate_i[63:32];
		4'd7:  word_o <= midstate_i[31:0];
		4'd8:  word_o <= tail_i[95:64];
		4'd9:  word_o <= tail_i[63:32];
		4'd10: word_o <= tail_i[31:0];
		4'd11: word_o <= nonce_start_i;
		4'd12: word_o <= nonce_count_i[31:0];
		4'd13: word_o <= {31'd0, nonce_count_i[32]};
		default: word_o <= 32'd0;
		endcase
endmodule

`default_nettype wire
