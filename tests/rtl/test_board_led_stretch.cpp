// board_led_stretch: a one-clock event lights the LED from the next clock
// for exactly 2^COUNT_W - 1 clocks, a new event restarts the stretch, a
// steady stream of events keeps it on, and reset puts it out.
#include "Vboard_led_stretch.h"
#include "testb.h"

#ifndef CFG_COUNT_W
#define CFG_COUNT_W 4
#endif

int main(int argc, char **argv)
{
	Tally t("board_led_stretch");
	// Heap-allocated and never destroyed: sim/testb.h destroys its
	// VerilatedContext before the model, which hangs in Verilator 5.006.
	auto &tb = *new TestBench<Vboard_led_stretch>(argc, argv,
						      "board_led_stretch");
	auto *m = tb.m.get();
	const int stretch = (1 << CFG_COUNT_W) - 1;

	m->event_i = 0;
	tb.reset();
	for (int i = 0; i < 5; i++)
		tb.tick();
	t.check(m->led_o == 0, "dark after reset");

	// One event: on for `stretch` clocks, counted from the clock edge
	// that takes it.
	for (int gap = 0; gap < 3; gap++) {
		m->event_i = 1;
		tb.tick();
		m->event_i = 0;
		int on = 0;
		while (m->led_o && on < 1000) {
			tb.tick();
			on++;
		}
		t.check(on == stretch, "lit %d clocks after one event, want %d",
			on, stretch);
		for (int i = 0; i < gap * 7; i++)
			tb.tick();
		t.check(m->led_o == 0, "dark again (gap %d)", gap);
	}

	// An event part-way restarts the count.
	m->event_i = 1;
	tb.tick();
	m->event_i = 0;
	for (int i = 0; i < stretch / 2; i++)
		tb.tick();
	m->event_i = 1;
	tb.tick();
	m->event_i = 0;
	int on = 0;
	while (m->led_o && on < 1000) {
		tb.tick();
		on++;
	}
	t.check(on == stretch, "restarted stretch lit %d clocks, want %d", on,
		stretch);

	// Events every few clocks keep it lit.
	bool dark = false;
	for (int i = 0; i < 200; i++) {
		m->event_i = (i % (stretch - 1)) == 0;
		tb.tick();
		if (i > 0 && !m->led_o)
			dark = true;
	}
	m->event_i = 0;
	t.check(!dark, "steady events keep the LED lit");

	// Reset puts it out at once.
	m->event_i = 1;
	tb.tick();
	m->event_i = 0;
	m->rst_ni = 0;
	m->eval();
	t.check(m->led_o == 0, "reset puts the LED out");
	m->rst_ni = 1;
	m->eval();
	m->final();
	return t.finish();
}
