// board_reset_sync: reset asserts at once with no clock edge, releases on
// exactly the STAGES-th rising edge after the request goes away, and a
// request in the middle of a release starts the count again.
#include "Vboard_reset_sync.h"
#include "testb.h"

#ifndef CFG_STAGES
#define CFG_STAGES 3
#endif

int main(int argc, char **argv)
{
	Tally t("board_reset_sync");
	VerilatedContext ctx;
	ctx.commandArgs(argc, argv);
	Vboard_reset_sync m(&ctx, "top");
	int edges;

	auto tick = [&]() {
		m.clk_i = 1;
		m.eval();
		m.clk_i = 0;
		m.eval();
	};

	// Power-up with the request held: in reset whatever the clock does.
	m.clk_i = 0;
	m.arst_i = 1;
	m.eval();
	t.check(m.rst_no == 0, "reset while the request is high");
	for (int i = 0; i < 10; i++)
		tick();
	t.check(m.rst_no == 0, "still in reset after 10 clocks of request");

	// Release: counts STAGES edges.
	for (int round = 0; round < 3; round++) {
		m.arst_i = 0;
		m.eval();
		t.check(m.rst_no == 0, "no release without a clock edge");
		edges = 0;
		while (!m.rst_no && edges < 100) {
			tick();
			edges++;
		}
		t.check(edges == CFG_STAGES,
			"release after %d edges, want %d (round %d)", edges,
			CFG_STAGES, round);
		for (int i = 0; i < 20; i++)
			tick();
		t.check(m.rst_no == 1, "stays out of reset (round %d)", round);

		// Asynchronous assertion: no clock edge needed.
		m.arst_i = 1;
		m.eval();
		t.check(m.rst_no == 0, "asserts without a clock (round %d)",
			round);
		m.arst_i = 0;
		m.eval();
		t.check(m.rst_no == 0,
			"a glitch of the request still resets (round %d)", round);
	}

	// A request during the release restarts the count.
	m.arst_i = 0;
	for (int i = 0; i < CFG_STAGES - 1; i++)
		tick();
	t.check(m.rst_no == 0, "not yet released after STAGES-1 edges");
	m.arst_i = 1;
	m.eval();
	m.arst_i = 0;
	m.eval();
	edges = 0;
	while (!m.rst_no && edges < 100) {
		tick();
		edges++;
	}
	t.check(edges == CFG_STAGES, "restarted release took %d edges, want %d",
		edges, CFG_STAGES);
	m.final();
	return t.finish();
}
