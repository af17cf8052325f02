`default_nettype none
// Iterative SHA-256 compressor for the job engine: one round per clock,
// shared by every coinbase, txid, merkle and header-midstate compression.
//
// Purpose: the job engine turns a Stratum job into header midstates. It
//   needs a few hundred compressions per extranonce2 value and one per
//   version step, far fewer than the nonce pipelines do, so a single
//   round unit (about 1/64 of an unrolled compressor) is enough.
// Interface:
//   start_i   loads state_i (H0 in [255:224]) as the chaining value and
//             begins a compression. Only legal while idle (busy_o low).
//   w_*       the 16 message words W0..W15 (each the big-endian read of
//             four block bytes), offered in order. A word is taken when
//             w_valid_i && w_ready_o; rounds 0..15 wait for their word,
//             rounds 16..63 run from the schedule every clock.
//   done_o    one-clock pulse; from then on state_o holds H + F(H, block)
//             until the next start_i or load_i.
//   load_i    copies state_i to state_o without a compression (the job
//             engine uses it for header-mode midstates).
//   clear_i   abandons a compression in progress.
// Latency: start_i at clock s with words offered from s+1 on gives done_o
//   at s+66 (64 rounds, one feed-forward add, one start clock).
//
// Note: rtl/sha256_*.v (hash core) is owned separately; this round unit
// carries its own constant table until the two can share one include.
module job_sha256 (
    input  wire         clk_i,
    input  wire         rst_ni,
    input  wire         clear_i,
    input  wire         start_i,
    input  wire         load_i,
    input  wire [255:0] state_i,
    input  wire         w_valid_i,
    input  wire [31:0]  w_i,
    output wire         w_ready_o,
    output wire         busy_o,
    output wire         done_o,
    output wire [255:0] state_o
);

    // SHA-256 round constants K0..K63 (FIPS 180-4 section 4.2.2).
    function [31:0] k_of;
        input [5:0] t;
        begin
            case (t)
                6'd0:  k_of = 32'h428a2f98; 6'd1:  k_of = 32'h71374491;
                6'd2:  k_of = 32'hb5c0fbcf; 6'd3:  k_of = 32'he9b5dba5;
                6'd4:  k_of = 32'h3956c25b; 6'd5:  k_of = 32'h59f111f1;
                6'd6:  k_of = 32'h923f82a4; 6'd7:  k_of = 32'hab1c5ed5;
                6'd8:  k_of = 32'hd807aa98; 6'd9:  k_of = 32'h12835b01;
                6'd10: k_of = 32'h243185be; 6'd11: k_of = 32'h550c7dc3;
                6'd12: k_of = 32'h72be5d74; 6'd13: k_of = 32'h80deb1fe;
                6'd14: k_of = 32'h9bdc06a7; 6'd15: k_of = 32'hc19bf174;
                6'd16: k_of = 32'he49b69c1; 6'd17: k_of = 32'hefbe4786;
                6'd18: k_of = 32'h0fc19dc6; 6'd19: k_of = 32'h240ca1cc;
                6'd20: k_of = 32'h2de92c6f; 6'd21: k_of = 32'h4a7484aa;
                6'd22: k_of = 32'h5cb0a9dc; 6'd23: k_of = 32'h76f988da;
                6'd24: k_of = 32'h983e5152; 6'd25: k_of = 32'ha831c66d;
                6'd26: k_of = 32'hb00327c8; 6'd27: k_of = 32'hbf597fc7;
                6'd28: k_of = 32'hc6e00bf3; 6'd29: k_of = 32'hd5a79147;
                6'd30: k_of = 32'h06ca6351; 6'd31: k_of = 32'h14292967;
                6'd32: k_of = 32'h27b70a85; 6'd33: k_of = 32'h2e1b2138;
                6'd34: k_of = 32'h4d2c6dfc; 6'd35: k_of = 32'h53380d13;
                6'd36: k_of = 32'h650a7354; 6'd37: k_of = 32'h766a0abb;
                6'd38: k_of = 32'h81c2c92e; 6'd39: k_of = 32'h92722c85;
                6'd40: k_of = 32'ha2bfe8a1; 6'd41: k_of = 32'ha81a664b;
                6'd42: k_of = 32'hc24b8b70; 6'd43: k_of = 32'hc76c51a3;
                6'd44: k_of = 32'hd192e819; 6'd45: k_of = 32'hd6990624;
                6'd46: k_of = 32'hf40e3585; 6'd47: k_of = 32'h106aa070;
                6'd48: k_of = 32'h19a4c116; 6'd49: k_of = 32'h1e376c08;
                6'd50: k_of = 32'h2748774c; 6'd51: k_of = 32'h34b0bcb5;
                6'd52: k_of = 32'h391c0cb3; 6'd53: k_of = 32'h4ed8aa4a;
                6'd54: k_of = 32'h5b9cca4f; 6'd55: k_of = 32'h682e6ff3;
                6'd56: k_of = 32'h748f82ee; 6'd57: k_of = 32'h78a5636f;
                6'd58: k_of = 32'h84c87814; 6'd59: k_of = 32'h8cc70208;
                6'd60: k_of = 32'h90befffa; 6'd61: k_of = 32'ha4506ceb;
                6'd62: k_of = 32'hbef9a3f7; default: k_of = 32'hc67178f2;
            endcase
        end
    endfunction

    function [31:0] rotr;
        input [31:0] x;
        input integer n;
        begin
            rotr = (x >> n) | (x << (32 - n));
        end
    endfunction

    // Control: busy_q during the 64 rounds, add_q for the feed-forward
    // clock, done_q the pulse after it.
    reg        busy_q, busy_d;
    reg        add_q, add_d;
    reg        done_q, done_d;
    reg [5:0]  t_q, t_d;

    // Datapath (not reset): working variables, chaining value, schedule
    // window w_q[0] = W[t-16] .. w_q[15] = W[t-1].
    reg [31:0] a_q, b_q, c_q, d_q, e_q, f_q, g_q, h_q;
    reg [255:0] hs_q;
    reg [31:0] w_q [0:15];

    wire feed = busy_q && (t_q < 6'd16);
    assign w_ready_o = feed;
    wire step = busy_q && (!feed || w_valid_i);

    wire [31:0] s0w = rotr(w_q[1], 7) ^ rotr(w_q[1], 18) ^ (w_q[1] >> 3);
    wire [31:0] s1w = rotr(w_q[14], 17) ^ rotr(w_q[14], 19) ^ (w_q[14] >> 10);
    wire [31:0] w_new = s1w + w_q[9] + s0w + w_q[0];
    wire [31:0] w_t = feed ? w_i : w_new;

    wire [31:0] bs1 = rotr(e_q, 6) ^ rotr(e_q, 11) ^ rotr(e_q, 25);
    wire [31:0] bs0 = rotr(a_q, 2) ^ rotr(a_q, 13) ^ rotr(a_q, 22);
    wire [31:0] ch = (e_q & f_q) ^ (~e_q & g_q);
    wire [31:0] maj = (a_q & b_q) ^ (a_q & c_q) ^ (b_q & c_q);
    wire [31:0] t1 = h_q + bs1 + ch + k_of(t_q) + w_t;
    wire [31:0] t2 = bs0 + maj;

    always @(*) begin
        busy_d = busy_q;
        add_d = 1'b0;
        done_d = 1'b0;
        t_d = t_q;
        if (start_i) begin
            busy_d = 1'b1;
            t_d = 6'd0;
        end else if (step) begin
            t_d = t_q + 6'd1;
            if (t_q == 6'd63) begin
                busy_d = 1'b0;
                add_d = 1'b1;
            end
        end
        if (add_q)
            done_d = 1'b1;
        if (clear_i) begin
            busy_d = 1'b0;
            add_d = 1'b0;
            done_d = 1'b0;
        end
    end

    always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
            busy_q <= 1'b0;
            add_q <= 1'b0;
            done_q <= 1'b0;
            t_q <= 6'd0;
        end else begin
            busy_q <= busy_d;
            add_q <= add_d;
            done_q <= done_d;
            t_q <= t_d;
        end
    end

    integer i;
    always @(posedge clk_i) begin
        if (start_i || load_i) begin
            hs_q <= state_i;
            {a_q, b_q, c_q, d_q, e_q, f_q, g_q, h_q} <= state_i;
        end else if (step) begin
            h_q <= g_q;
            g_q <= f_q;
            f_q <= e_q;
            e_q <= d_q + t1;
            d_q <= c_q;
            c_q <= b_q;
            b_q <= a_q;
            a_q <= t1 + t2;
            for (i = 0; i < 15; i = i + 1)
                w_q[i] <= w_q[i + 1];
            w_q[15] <= w_t;
        end else if (add_q) begin
            // Feed-forward: H(i) = H(i-1) + working variables.
            hs_q <= {hs_q[255:224] + a_q, hs_q[223:192] + b_q,
                     hs_q[191:160] + c_q, hs_q[159:128] + d_q,
                     hs_q[127:96] + e_q, hs_q[95:64] + f_q,
                     hs_q[63:32] + g_q, hs_q[31:0] + h_q};
        end
    end

    assign busy_o = busy_q || add_q;
    assign done_o = done_q;
    assign state_o = hs_q;

endmodule

`default_nettype wire
