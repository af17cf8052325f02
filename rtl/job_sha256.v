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
// Constants and bit functions come from rtl/sha256_k.vh, shared with the
// hash core (compile with -Irtl).
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

    // Round constants K0..K63 and the sigma/choice/majority functions:
    // the project's one copy (FIPS 180-4 sections 4.1.2 and 4.2.2).
`include "sha256_k.vh"

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

    // W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16]
    wire [31:0] w_new = ssig1(w_q[14]) + w_q[9] + ssig0(w_q[1]) + w_q[0];
    wire [31:0] w_t = feed ? w_i : w_new;

    wire [31:0] t1 = h_q + bsig1(e_q) + sha256_ch(e_q, f_q, g_q) +
                     sha256_k({1'b0, t_q}) + w_t;
    wire [31:0] t2 = bsig0(a_q) + sha256_maj(a_q, b_q, c_q);

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
