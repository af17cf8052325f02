`default_nettype none
// Compact hash engine, the LOOP_LOG2 = 7 form of hash_core: PIPELINES
// lanes (hash_lane), each one SHA-256 round unit that does both hashes of
// a nonce, all driven in lockstep by one sequencer that also owns the job
// words, the round constants, the exact compare and the share FIFO.
// Same ports and meaning as hash_core (which instantiates it).
//
// Purpose: the smallest SHA256d engine per hash for small FPGAs.  Per
// nonce and lane, 141 clocks, no bubbles:
//   L   8  shift the job's state after rounds 0..2 in, the last digest out
//          (exact compare input), push W[0..3] into the schedule
//   H1 61  rounds 3..63 of the first hash
//   D1  8  shift the first state out (+ midstate = first digest, into the
//          lane's message memory) and the IV in
//   H2 64  rounds 0..63 of the second hash, W[0..7] = the first digest
// Rounds 0..2 of the first hash do not depend on the nonce: they run once
// per job (sequence PL, PR, PD below) and their state is kept in the job
// memory.  The second hash runs in full, so a lane gives the whole digest:
// its top word is the pre-filter (against the loosest enabled target's
// top word) and the rare candidate is compared exactly, in full, against
// every slot (target_slots) while the lanes wait.
//
// Job memory (32-bit words, one copy for all lanes): 0..7 midstate H0..H7,
// 8..15 the state after round 2 in shift-out order (word 8 + j is the
// word shifted out j clocks from the end: 8 = a .. 15 = h).
//
// Tail memory (32-bit words 1..3): W[0..2] of the first hash, read with
// its own port because the lanes need them while the job memory is busy.
//
// Work item, a word at a time: while work_valid_i is high the sequencer
// asks for word work_widx_o and takes work_word_i one clock later:
//   0..7 midstate H0..H7, 8..10 tail W0..W2 (header bytes 64..75 as
//   big-endian words), 11 nonce start (header value), 12 nonce count bits
//   31..0, 13 nonce count bit 32 in bit 0 (count 0 .. 2^32).
// The source answers from a memory (job_header's job RAM, or hash_core's
// adapter from the parallel item), so no 352-bit item register exists.
// work_tag_i is read when the item is taken; every word must stay valid
// while work_valid_i is high.  If work_valid_i falls during the copy the
// copy is dropped (a clock later; in the device every withdrawal comes
// with a flush anyway: RUN 0, a replacing JOB, FLUSH).
//
// Parameters (see hash_core): PIPELINES lanes 1..64, SLOTS, FIFO_DEPTH,
// TAG_W.  A work item is taken (work_ready_o) when the previous one is
// done, after a copy of 15 clocks; then 19 clocks of per-job rounds.
module hash_lanes #(
	parameter PIPELINES = 1,  // lanes (1..64)
	parameter SLOTS = 8,      // target slots (1..16)
	parameter FIFO_DEPTH = 16,// share FIFO entries (power of two, >= 2)
	parameter TAG_W = 8,      // work tag width (>= 1)
	parameter K_RAM = 1       // 1: K table in block RAM, 0: in logic
) (
	input  wire               clk_i,
	input  wire               rst_ni,
	input  wire               flush_i,

	input  wire               work_valid_i,
	output wire               work_ready_o,
	output wire [3:0]         work_widx_o, // item word wanted (above)
	input  wire [31:0]        work_word_i, // word of last clock's index
	input  wire [TAG_W-1:0]   work_tag_i,
	output wire               idle_o,

	input  wire               tgt_wr_i,
	input  wire [2:0]         tgt_widx_i,
	input  wire [31:0]        tgt_word_i,
	input  wire               tgt_we_i,
	output wire               tgt_ready_o,
	input  wire [SLW-1:0]     tgt_slot_i,
	input  wire               tgt_en_i,

	output wire               share_valid_o,
	input  wire               share_ready_i,
	output wire [31:0]        share_nonce_o,
	output wire [PIW-1:0]     share_pipe_o,
	output wire [SLOTS-1:0]   share_map_o,
	output wire [TAG_W-1:0]   share_tag_o,

	output wire [63:0]        hash_count_o,
	output wire [31:0]        share_overflow_o
);
`include "sha256_k.vh"
`include "tandem_clog2.vh"

	localparam N = PIPELINES;
	localparam PIW = (N > 1) ? clog2(N) : 1;
	localparam SLW = (SLOTS > 1) ? clog2(SLOTS) : 1;
	localparam SH_W = TAG_W + SLOTS + PIW + 32;

	function [31:0] bswap;
		input [31:0] w;
		bswap = {w[7:0], w[15:8], w[23:16], w[31:24]};
	endfunction

	// phases (see the header)
	localparam [3:0] P_IDLE = 4'd0, P_WR = 4'd1, P_PL = 4'd2, P_PR = 4'd3,
			 P_PD = 4'd4, P_L = 4'd5, P_CMP = 4'd6, P_H1 = 4'd7,
			 P_D1 = 4'd8, P_H2 = 4'd9, P_END = 4'd10;
	// the item copy: word k asked in WR clock k, taken in clock k + 1
	localparam [6:0] WR_LAST = 7'd14;
	localparam [2:0] SRC_EXPAND = 3'd0, SRC_CONST = 3'd1, SRC_NONCE = 3'd2,
			 SRC_MSG = 3'd3, SRC_D0 = 3'd4;

	// --- control state ---------------------------------------------------
	reg [3:0]   ph_q;
	reg [6:0]   cnt_q;      // clock (or round) within the phase
	reg [N-1:0] lv_q;       // lanes holding a nonce of the set in flight
	reg [N-1:0] cand_q;     // lanes whose last digest is a candidate
	reg [32:0]  left_q;     // nonces of the window not yet started
	reg [63:0]  count_q;

	// --- job data (taken with the work item) ------------------------------
	reg [31:0]    base_q;   // nonce of lane 0 of the next set
	reg [31:0]    cur_q;    // nonce of lane 0 of the set in flight
	reg [31:0]    prev_q;   // nonce of lane 0 of the set leaving in L
	reg [31:0]    m0_q;     // midstate H0 (digest word 0 = a + H0)
	reg [N-1:0]   pv_q;     // lanes of the set that left in L clock 0
	reg [TAG_W-1:0] tag_q;

	// --- job memory ---------------------------------------------------------
	// read and write never meet on one address in a clock that matters:
	// no read-first emulation logic
	(* no_rw_check *)
	reg  [31:0] jmem [0:15];
	reg  [31:0] jrd_q;
	wire [N*32-1:0] lane_out;

	// --- tail memory: W[0..2] at 1..3 ---------------------------------------
	(* ram_style = "block", no_rw_check *)
	reg  [31:0] tmem [0:3];
	reg  [31:0] trd_q;

	// --- compare unit state -----------------------------------------------
	reg [PIW-1:0] cl_q;     // lane being compared
	reg [1:0]     cs_q;     // 0 issue, 1 compare running, 2 next lane
	wire [2:0]    cmp_widx; // hash word the compare reads next clock
	wire          cmp_done;
	wire [SLOTS-1:0] cmp_map;
	wire [31:0]   thr;
	wire          thr_any;

	// --- next phase ------------------------------------------------------------
	// ph_d / cnt_d ignore flush_i: the state registers take it below, the
	// decoded controls need not (whatever the lanes do in a flush clock
	// is reloaded before it is used), which keeps flush_i off their paths.
	// cnt1_q / cnt2_q hold cnt_q + 1 / + 2, so neither the next count
	// nor the step index after it (cnt_d1 = cnt_d + 1) needs an adder on
	// the way to the sequencer's registers.
	reg [3:0] ph_d;
	reg [6:0] cnt_d, cnt_d1;
	reg       wv_q;     // work_valid_i of the last clock
	always @(posedge clk_i)
		wv_q <= work_valid_i;
	reg [6:0] cnt1_q, cnt2_q;
	always @(*) begin
		ph_d = ph_q;
		cnt_d = cnt1_q;
		cnt_d1 = cnt2_q;
		case (ph_q)
		P_IDLE, P_END: begin
			cnt_d = 7'd0;
			cnt_d1 = 7'd1;
			ph_d = work_valid_i ? P_WR : P_IDLE;
		end
		P_WR:
			// a source that withdrew its item (last clock: the
			// valid is registered, off the sequencer's paths) ends
			// the copy
			if (!wv_q) begin
				ph_d = P_IDLE;
				cnt_d = 7'd0;
				cnt_d1 = 7'd1;
			end else if (cnt_q == WR_LAST) begin
				ph_d = P_PL;
				cnt_d = 7'd0;
				cnt_d1 = 7'd1;
			end
		P_PR:
			if (cnt_q == 7'd2) begin
				ph_d = P_PD;
				cnt_d = 7'd0;
				cnt_d1 = 7'd1;
			end
		P_PL, P_PD, P_D1:
			if (cnt_q == 7'd7) begin
				ph_d = (ph_q == P_PL) ? P_PR :
				       (ph_q == P_PD) ? P_L : P_H2;
				cnt_d = 7'd0;
				cnt_d1 = 7'd1;
			end
		P_L:
			// the set leaving was checked in clock 0, the set
			// entering chosen then (lv_q)
			if (cnt_q == 7'd7) begin
				cnt_d = 7'd3;
				cnt_d1 = 7'd4;
				ph_d = (|cand_q) ? P_CMP :
				       (|lv_q) ? P_H1 : P_END;
			end
		P_CMP: begin
			cnt_d = 7'd3;
			cnt_d1 = 7'd4;
			if (cs_q == 2'd2 && cand_q == {N{1'b0}})
				ph_d = (|lv_q) ? P_H1 : P_END;
		end
		P_H1, P_H2:
			if (cnt_q == 7'd63) begin
				ph_d = (ph_q == P_H1) ? P_D1 : P_L;
				cnt_d = 7'd0;
				cnt_d1 = 7'd1;
			end
		default: begin
			ph_d = P_IDLE;
			cnt_d = 7'd0;
			cnt_d1 = 7'd1;
		end
		endcase
	end

	// --- sequencer -------------------------------------------------------------
	// Every control is decoded from the next phase and registered, so the
	// lanes see flip-flops, not a decoder, in front of their data path.
	localparam [1:0] W_ZERO = 2'd0, W_JOB = 2'd1, W_IV = 2'd2;
	wire [2:0] dk = cnt_d[2:0];             // shift clock 0..7 (next)
	wire [2:0] dkr = 3'd7 - cnt_d[2:0];
	reg        adv_d, round_d, shift_d, step_d, mwe_d, jwe_d, jwl_d;
	reg        twe_d, tsel_d;
	reg [1:0]  tra_d;
	reg [2:0]  src_d;
	reg [6:0]  s_d;
	reg [31:0] c_d;
	reg [1:0]  sin_d, add_d;
	reg [3:0]  mwa_d, mra_d, jra_d, jwa_d;

	always @(*) begin
		adv_d = 1'b1;
		round_d = 1'b0;
		shift_d = 1'b0;
		step_d = 1'b0;
		src_d = SRC_CONST;
		s_d = 7'd0;
		c_d = 32'd0;
		sin_d = W_JOB;
		add_d = W_ZERO;
		mwe_d = 1'b0;
		mwa_d = {1'b1, dkr};
		mra_d = 4'd0;
		jra_d = 4'd0;
		jwe_d = 1'b0;
		jwl_d = 1'b0;
		jwa_d = cnt_d[3:0] - 4'd1;
		twe_d = 1'b0;
		tsel_d = 1'b0;
		tra_d = cnt_d[1:0] + 2'd2;
		case (ph_d)
		P_WR: begin                             // item words in
			// words 0..7 (midstate) arrive in clocks 1..8, 8..10
			// (tail) in 9..11
			jwe_d = (cnt_d >= 7'd1) && (cnt_d <= 7'd8);
			twe_d = (cnt_d >= 7'd9) && (cnt_d <= 7'd11);
			jra_d = 4'd7;                   // H7 for PL 0
		end
		P_PL: begin                             // midstate in
			shift_d = 1'b1;
			jra_d = {1'b0, dkr - 3'd1};
			if (dk == 3'd7) begin
				step_d = 1'b1;          // W[0]
				tsel_d = 1'b1;
				tra_d = 2'd1;
			end
		end
		P_PR: begin                             // rounds 0..2
			round_d = 1'b1;
			step_d = 1'b1;
			s_d = cnt_d1;
			// W[1], W[2] (tra_d = cnt_d + 2), then W[3] unused
			tsel_d = (cnt_d != 7'd2);
		end
		P_PD: begin                             // state after round 2 out
			shift_d = 1'b1;
			sin_d = W_ZERO;
			jwe_d = 1'b1;
			jwl_d = 1'b1;
			jwa_d = {1'b1, dkr};
			jra_d = 4'd15;
		end
		P_L: begin                              // next state in, digest out
			shift_d = 1'b1;
			add_d = W_IV;
			mwe_d = 1'b1;
			jra_d = {1'b1, dkr - 3'd1};
			tra_d = dk[1:0] + 2'd1;         // W[0..2] in clocks 4..6
			if (dk >= 3'd4) begin
				step_d = 1'b1;
				s_d = {4'd0, dk - 3'd4};
				if (dk == 3'd7)
					src_d = SRC_NONCE;
				else
					tsel_d = 1'b1;
			end
		end
		P_CMP:                                  // lanes wait
			adv_d = 1'b0;
		P_H1: begin                             // rounds 3..63
			round_d = 1'b1;
			s_d = cnt_d1;
			step_d = (cnt_d != 7'd63);
			jra_d = 4'd7;
			if (s_d >= 7'd16)
				src_d = SRC_EXPAND;
			else if (s_d == 7'd4)
				c_d = 32'h80000000;
			else if (s_d == 7'd15)
				c_d = 32'h00000280;     // 640 bits
		end
		P_D1: begin                             // first digest out, IV in
			shift_d = 1'b1;
			sin_d = W_IV;
			add_d = W_JOB;
			mwe_d = (dk != 3'd7);
			mwa_d = {1'b0, dkr};
			jra_d = {1'b0, dkr - 3'd1};
			mra_d = 4'd1;
			if (dk == 3'd7) begin
				step_d = 1'b1;          // W[0] = digest word 0
				src_d = SRC_D0;
			end
		end
		P_H2: begin                             // rounds 0..63
			round_d = 1'b1;
			s_d = cnt_d1;
			step_d = (cnt_d != 7'd63);
			mra_d = cnt_d[3:0] + 4'd2;
			jra_d = 4'd15;
			if (s_d >= 7'd16)
				src_d = SRC_EXPAND;
			else if (s_d <= 7'd7)
				src_d = SRC_MSG;
			else if (s_d == 7'd8)
				c_d = 32'h80000000;
			else if (s_d == 7'd15)
				c_d = 32'h00000100;     // 256 bits
		end
		default: adv_d = 1'b1;
		endcase
	end

	// K, registered, for the step of the next clock.  K_RAM = 1: a table
	// in block RAM (245 LUT4 less than in logic on iCE40; constant logic
	// in the generic / ASIC flow, which keeps the initial values as a
	// ROM); 0: the function in logic, for parts whose block RAM is all
	// taken by lanes (an HX8K with four lanes).
	wire [31:0] k_d;
	generate
		if (K_RAM != 0) begin : g_kram
			(* ram_style = "block" *)
			reg [31:0] krom [0:63];
			integer ki;
			initial
				for (ki = 0; ki < 64; ki = ki + 1)
					krom[ki] = sha256_k(ki[6:0]);
			assign k_d = krom[s_d[5:0]];
		end else begin : g_klogic
			assign k_d = sha256_k({1'b0, s_d[5:0]});
		end
	endgenerate

	reg        adv, op_round, op_shift, sch_step, mem_we, jwe, jwl;
	reg        twe, tsel;
	reg [1:0]  twaddr;
	reg [2:0]  sch_src;
	reg [31:0] sch_c, sch_k, iv_q;
	reg [1:0]  sin_sel, add_sel;
	reg [3:0]  mem_waddr, mra_q, jraddr, jwaddr;
	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			adv <= 1'b1;
			op_round <= 1'b0;
			op_shift <= 1'b0;
			sch_step <= 1'b0;
			mem_we <= 1'b0;
			jwe <= 1'b0;
			twe <= 1'b0;
		end else begin
			adv <= adv_d;
			op_round <= round_d;
			op_shift <= shift_d;
			sch_step <= step_d;
			mem_we <= mwe_d;
			jwe <= jwe_d;
			twe <= twe_d;
		end
	always @(posedge clk_i) begin
		jwl <= jwl_d;
		sch_src <= src_d;
		sch_c <= c_d;
		sch_k <= k_d;
		iv_q <= sha256_iv(dkr);
		sin_sel <= sin_d;
		add_sel <= add_d;
		mem_waddr <= mwa_d;
		mra_q <= mra_d;
		jraddr <= jra_d;
		jwaddr <= jwa_d;
		tsel <= tsel_d;
		twaddr <= cnt_d[1:0];
	end

	// the words the sequencer hands to every lane
	wire [31:0] sin = (sin_sel == W_JOB) ? jrd_q :
			  (sin_sel == W_IV) ? iv_q : 32'd0;
	wire [31:0] add = (add_sel == W_JOB) ? jrd_q :
			  (add_sel == W_IV) ? iv_q : 32'd0;
	// the compare reads the candidate lane's digest: hash word i
	// (0 = top) is digest word 7 - i, at address 15 - i
	wire [3:0]  mem_raddr = (ph_q == P_CMP) ? {1'b1, 3'd7 - cmp_widx} :
			        mra_q;

	// job memory: item words, or lane 0's state after round 2 (jwl)
	wire [31:0] jwdata = jwl ? lane_out[31:0] : work_word_i;
	always @(posedge clk_i) begin
		if (jwe)
			jmem[jwaddr] <= jwdata;
		jrd_q <= jmem[jraddr];
	end

	// tail memory, read for the step of the next clock like sch_c
	always @(posedge clk_i) begin
		if (twe)
			tmem[twaddr] <= work_word_i;
		trd_q <= tmem[tra_d];
	end
	wire [31:0] sch_cw = tsel ? trd_q : sch_c;

	// schedule ring pointer: s mod 16 of the next step, in every lane
	reg  [3:0] wp_q;
	wire [3:0] wp_n = wp_q + {3'd0, adv && sch_step};
	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni)
			wp_q <= 4'd0;
		else
			wp_q <= wp_n;

	// --- lanes ---------------------------------------------------------------
	wire [N*32-1:0] lane_mem;
	genvar p;
	generate
		for (p = 0; p < N; p = p + 1) begin : g_lane
			// W[3] of this lane: cur_q is set in L clock 0, the word
			// is pushed in L clock 7 (lane 0 needs no sum, so no
			// register either)
			wire [31:0] nw_q;
			if (p == 0) begin : g_nw0
				assign nw_q = bswap(cur_q);
			end else begin : g_nw
				reg [31:0] nw_r;
				always @(posedge clk_i)
					nw_r <= bswap(cur_q + p);
				assign nw_q = nw_r;
			end
			hash_lane u_lane (
				.clk_i(clk_i),
				.adv_i(adv),
				.op_round_i(op_round),
				.op_shift_i(op_shift),
				.sin_i(sin),
				.add_i(add),
				.sch_step_i(sch_step),
				.sch_wp_i(wp_q),
				.sch_wpn_i(wp_n),
				.sch_src_i(sch_src),
				.sch_k_i(sch_k),
				.sch_c_i(sch_cw),
				.nonce_w_i(nw_q),
				.m0_i(m0_q),
				.d0_take_i((ph_q == P_D1) && (cnt_q == 7'd0)),
				.mem_we_i(mem_we),
				.mem_waddr_i(mem_waddr),
				.mem_raddr_i(mem_raddr),
				.mem_o(lane_mem[p*32 +: 32]),
				.out_o(lane_out[p*32 +: 32]),
				.top_o(lane_top[p*32 +: 32])
			);
		end
	endgenerate

	// --- pre-filter ----------------------------------------------------------
	// In L clock 0 each lane of the set in flight puts out H7 of its
	// SHA256d; the hash as a little-endian number has byteswap(H7) as its
	// top word, which the lane registers (lane_top) for clock 1.
	wire [N-1:0] pre_hit;
	wire [N*32-1:0] lane_top;
	generate
		for (p = 0; p < N; p = p + 1) begin : g_pre
			assign pre_hit[p] = pv_q[p] && thr_any &&
					    (lane_top[p*32 +: 32] <= thr);
		end
	endgenerate

	// lanes of the next set: p < left
	wire [N-1:0] next_lv;
	generate
		for (p = 0; p < N; p = p + 1) begin : g_lv
			wire [32:0] pp = p;
			assign next_lv[p] = pp < left_q;
		end
	endgenerate
	localparam [32:0] N33 = 33'd0 + N;
	wire [32:0] left_next = (left_q > N33) ? left_q - N33 : 33'd0;

	integer q;
	reg [7:0] n_valid;
	always @(*) begin
		n_valid = 8'd0;
		for (q = 0; q < N; q = q + 1)
			n_valid = n_valid + {7'd0, lv_q[q]};
	end

	// the lowest candidate lane
	reg [PIW-1:0] first_cand;
	always @(*) begin
		first_cand = {PIW{1'b0}};
		for (q = N - 1; q >= 0; q = q - 1)
			if (cand_q[q])
				first_cand = q[PIW-1:0];
	end

	wire        share_push = (ph_q == P_CMP) && (cs_q == 2'd1) && cmp_done &&
				 (|cmp_map);
	wire        start_ok = work_valid_i && !flush_i;

	assign work_ready_o = (ph_q == P_WR) && (cnt_q == WR_LAST) && !flush_i;
	assign work_widx_o = cnt_q[3:0];

	always @(posedge clk_i) begin
		if ((ph_q == P_WR) && (cnt_q == 7'd1))
			m0_q <= work_word_i;            // H0
		if (start_ok && (ph_q == P_WR) && (cnt_q == WR_LAST))
			tag_q <= work_tag_i;
	end

	// --- exact compare and shares -----------------------------------------------
	target_slots #(
		.SLOTS(SLOTS),
		.SERIAL(1)
	) u_tgt (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.tgt_we_i(tgt_we_i),
		.tgt_ready_o(tgt_ready_o),
		.tgt_slot_i(tgt_slot_i),
		.tgt_en_i(tgt_en_i),
		.tgt_wr_i(tgt_wr_i),
		.tgt_widx_i(tgt_widx_i),
		.tgt_word_i(tgt_word_i),
		.thr_o(thr),
		.thr_any_o(thr_any),
		.cmp_valid_i((ph_q == P_CMP) && (cs_q == 2'd0)),
		.cmp_hash_i(256'd0),
		.cmp_widx_o(cmp_widx),
		.cmp_word_i(bswap(lane_mem[cl_q * 32 +: 32])),
		.cmp_done_o(cmp_done),
		.cmp_map_o(cmp_map)
	);

	wire [SH_W-1:0] sh_out;
	share_fifo #(
		.WIDTH(SH_W),
		.DEPTH(FIFO_DEPTH)
	) u_shares (
		.clk_i(clk_i),
		.rst_ni(rst_ni),
		.flush_i(1'b0),
		.in_valid_i(share_push),
		.in_ready_o(),
		.in_data_i({tag_q, cmp_map, cl_q, prev_q + {{(32-PIW){1'b0}}, cl_q}}),
		.out_valid_o(share_valid_o),
		.out_ready_i(share_ready_i),
		.out_data_o(sh_out),
		.count_o(),
		.overflow_o(share_overflow_o)
	);
	assign share_nonce_o = sh_out[31:0];
	assign share_pipe_o = sh_out[32 +: PIW];
	assign share_map_o = sh_out[32 + PIW +: SLOTS];
	assign share_tag_o = sh_out[32 + PIW + SLOTS +: TAG_W];
	assign hash_count_o = count_q;
	// only lane 0's shift-out (the per-job state) is read directly
	wire unused_out = &{1'b0, lane_out};
	assign idle_o = (ph_q == P_IDLE);

	always @(posedge clk_i or negedge rst_ni)
		if (!rst_ni) begin
			ph_q <= P_IDLE;
			cnt_q <= 7'd0;
			cnt1_q <= 7'd1;
			cnt2_q <= 7'd2;
			lv_q <= {N{1'b0}};
			pv_q <= {N{1'b0}};
			cand_q <= {N{1'b0}};
			left_q <= 33'd0;
			count_q <= 64'd0;
			base_q <= 32'd0;
			cur_q <= 32'd0;
			prev_q <= 32'd0;
			cl_q <= {PIW{1'b0}};
			cs_q <= 2'd0;
		end else begin
			ph_q <= flush_i ? P_IDLE : ph_d;
			cnt_q <= flush_i ? 7'd0 : cnt_d;
			cnt1_q <= flush_i ? 7'd1 : cnt_d1;
			cnt2_q <= flush_i ? 7'd2 : cnt_d1 + 7'd1;
			if (flush_i) begin
				lv_q <= {N{1'b0}};
				pv_q <= {N{1'b0}};
				cand_q <= {N{1'b0}};
				left_q <= 33'd0;
			end else
				case (ph_q)
				P_WR:
					case (cnt_q)
					7'd12: base_q <= work_word_i;
					7'd13: left_q <= {1'b0, work_word_i};
					WR_LAST: begin
						left_q[32] <= work_word_i[0];
						lv_q <= {N{1'b0}};
					end
					default: ;
					endcase
				P_L:
					if (cnt_q == 7'd0) begin
						// the set in flight leaves (its
						// pre-filter now); the next enters
						pv_q <= lv_q;
						prev_q <= cur_q;
						lv_q <= next_lv;
						cur_q <= base_q;
						base_q <= base_q + N;
						left_q <= left_next;
					end else if (cnt_q == 7'd1) begin
						cand_q <= pre_hit;
					end else if (cnt_q == 7'd7) begin
						cs_q <= 2'd0;
						cl_q <= first_cand;
					end
				P_CMP:
					case (cs_q)
					2'd0: cs_q <= 2'd1;     // cmp_valid now
					2'd1:                   // compare running
						if (cmp_done) begin
							cand_q[cl_q] <= 1'b0;
							cs_q <= 2'd2;
						end
					default: begin          // next candidate
						cs_q <= 2'd0;
						cl_q <= first_cand;
					end
					endcase
				P_H2:
					if (cnt_q == 7'd63)
						count_q <= count_q +
							   {56'd0, n_valid};
				default: ;
				endcase
		end
endmodule
