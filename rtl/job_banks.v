`default_nettype none
// Job bank control of the job engines (job_engine, job_header): which bank
// of the two-bank job RAM holds the current job, whether a job is current
// and whether one is queued, and what the command unit's JOB / FLUSH and a
// finished job do to them.
//
// Purpose:
//   The engine reads the current job from bank bank_o; the command unit
//   writes the next one into the other bank. Each clock the inputs act in
//   this order, a later one overriding an earlier one:
//     done_i        the current job is finished: a queued job becomes
//                   current (bank swap, load_o), else no job (idle_o);
//     job_begin_i   a JOB copy into the other bank starts: the job queued
//                   there is dropped;
//     job_commit_i  the copied job is complete. With job_queue_i and a job
//                   still current (after done_i) it becomes the queued
//                   job; otherwise it replaces the current job at once
//                   (bank swap, load_o, restart_o) and, if a job was
//                   current, core_abort_o pulses the clock after;
//     flush_i       no current and no queued job (idle_o, restart_o).
//   load_o and idle_o override the engine's own next state; load_o means
//   "read the current job from its first word from the next clock on"
//   (bank_o has swapped by then).
//
//   meta_wr_o is the job-fact table entry of the current job (also the
//   index field of its work tags). It steps when a load starts while the
//   engine is not loading (loading_i low), so a load cut short by a
//   replacing commit reuses its entry: no work item points at it yet.
//
// Parameters: META_LOG2, below.
// Cycles: bank_o, job_active_o, job_queued_o, core_abort_o and meta_wr_o
//   are registered; load_o, idle_o and restart_o are combinational (from
//   the inputs and that state), for the engine's next-state logic.
module job_banks #(
    parameter integer META_LOG2 = 2  // log2 job-fact table entries, 1..4
) (
    input  wire                 clk_i,
    input  wire                 rst_ni,

    // Job control from the command unit (the engine's ports of that name).
    input  wire                 job_begin_i,   // a JOB copy starts: drop queued job
    input  wire                 job_commit_i,  // the copied job is complete
    input  wire                 job_queue_i,   // with commit: queue, else replace
    input  wire                 flush_i,       // drop current and queued job

    // From the engine.
    input  wire                 done_i,        // the current job is done
    input  wire                 loading_i,     // engine in its job-load state

    // To the engine's next-state logic (never both load_o and idle_o).
    output reg                  load_o,        // load current job from word 0
    output reg                  idle_o,        // no job: go idle
    output reg                  restart_o,     // replace or flush: drop the
                                               // work in flight (RAM word, ...)

    // State.
    output wire                 bank_o,        // RAM bank of the current job
    output wire                 job_active_o,  // a job is current
    output wire                 job_queued_o,  // a queued job waits
    output reg                  core_abort_o,  // pulse: abandon the core's work
    output wire [META_LOG2-1:0] meta_wr_o      // its job-fact table entry
);

    // ---- control state (reset) ----
    reg                 bank_q, bank_d;
    reg                 has_cur_q, has_cur_d;
    reg                 has_next_q, has_next_d;
    reg [META_LOG2-1:0] meta_wr_q, meta_wr_d;
    reg                 abort_d;

    always @(*) begin
        bank_d = bank_q;
        has_cur_d = has_cur_q;
        has_next_d = has_next_q;
        load_o = 1'b0;
        idle_o = 1'b0;
        restart_o = 1'b0;
        abort_d = 1'b0;

        // A finished job hands over to the queued one, if any.
        if (done_i) begin
            if (has_next_q) begin
                bank_d = ~bank_q;
                has_next_d = 1'b0;
                load_o = 1'b1;
            end else begin
                has_cur_d = 1'b0;
                idle_o = 1'b1;
            end
        end

        if (job_begin_i)
            has_next_d = 1'b0;

        if (job_commit_i) begin
            if (job_queue_i && has_cur_d) begin
                has_next_d = 1'b1;
            end else begin
                // Replace (or queue onto an idle engine): start it now.
                if (has_cur_q)
                    abort_d = 1'b1;
                bank_d = ~bank_q;
                has_cur_d = 1'b1;
                has_next_d = 1'b0;
                load_o = 1'b1;
                idle_o = 1'b0;
                restart_o = 1'b1;
            end
        end

        if (flush_i) begin
            has_cur_d = 1'b0;
            has_next_d = 1'b0;
            load_o = 1'b0;
            idle_o = 1'b1;
            restart_o = 1'b1;
        end

        meta_wr_d = meta_wr_q;
        if (load_o && !loading_i)
            meta_wr_d = meta_wr_q + 1'b1;
    end

    always @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
            bank_q <= 1'b0;
            has_cur_q <= 1'b0;
            has_next_q <= 1'b0;
            meta_wr_q <= {META_LOG2{1'b0}};
            core_abort_o <= 1'b0;
        end else begin
            bank_q <= bank_d;
            has_cur_q <= has_cur_d;
            has_next_q <= has_next_d;
            meta_wr_q <= meta_wr_d;
            core_abort_o <= abort_d;
        end
    end

    assign bank_o = bank_q;
    assign job_active_o = has_cur_q;
    assign job_queued_o = has_next_q;
    assign meta_wr_o = meta_wr_q;

endmodule

`default_nettype wire
