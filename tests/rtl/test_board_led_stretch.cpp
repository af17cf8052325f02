// board_led_stretch: a one-clock event lights the LED from the next clock
// until the 2^STEP_W - 1'th tick after it, with tick_i pulsed every
// P = 2^(COUNT_W - STEP_W) clocks as board_uart_device's prescaler does:
// for each phase of the event against the ticks the lit time must be the
// one the counter makes, and all of them within the documented
// (2^STEP_W - 2) * P + 1 .. (2^STEP_W - 1) * P clocks. A new event restarts
// the stretch, a steady stream of events keeps it on, without ticks it
// stays on, and reset puts it out.
#include "Vboard_led_stretch.h"
#include "testb.h"

#ifndef CFG_COUNT_W
#define CFG_COUNT_W 4
#endif
// the module's default STEP_W (mk/boards.mk sets only COUNT_W)
#ifndef CFG_STEP_W
#define CFG_STEP_W 3
#endif

static const int kPeriod = 1 << (CFG_COUNT_W - CFG_STEP_W);
static const int kSteps = (1 << CFG_STEP_W) - 1;

struct Bench {
	TestBench<Vboard_led_stretch> &tb;
	long n = 0; // clock number; tick_i is high in clocks n % P == 0

	// One clock with event_i as given and tick_i from the schedule.
	void clock(bool event)
	{
		tb.m->event_i = event;
		tb.m->tick_i = (n % kPeriod) == 0;
		tb.tick();
		n++;
	}
	// Clocks after the current state until led_o goes out (at most max).
	int lit(int max)
	{
		int on = 0;
		while (tb.m->led_o && on < max) {
			clock(false);
			on++;
		}
		return on;
	}
	// What the counter must give for an event in clock e: the first tick
	// after e, then kSteps - 1 more periods.
	static int expect(long e)
	{
		long first = (e / kPeriod + 1) * kPeriod;
		return (int)(first - e) + (kSteps - 1) * kPeriod;
	}
};

int main(int argc, char **argv)
{
	Tally t("board_led_stretch");
	// Heap-allocated and never destroyed: sim/testb.h destroys its
	// VerilatedContext before the model, which hangs in Verilator 5.006.
	auto &tb = *new TestBench<Vboard_led_stretch>(argc, argv,
						      "board_led_stretch");
	auto *m = tb.m.get();
	Bench b{tb};
	const int lo = (kSteps - 1) * kPeriod + 1, hi = kSteps * kPeriod;
	const int max = 4 * hi + 16;

	m->event_i = 0;
	m->tick_i = 0;
	tb.reset();
	for (int i = 0; i < 5; i++)
		b.clock(false);
	t.check(m->led_o == 0, "dark after reset");

	// One event at every phase against the ticks, each after a dark gap.
	int shortest = max, longest = 0;
	bool exact = true;
	for (int ph = 0; ph < kPeriod; ph++) {
		for (int i = 0; i < 3 || b.n % kPeriod != ph; i++)
			b.clock(false);
		if (m->led_o)
			exact = false;
		long e = b.n;
		b.clock(true);
		t.check(m->led_o == 1, "lit the clock after the event");
		int on = b.lit(max);
		if (on != Bench::expect(e)) {
			exact = false;
			t.check(false, "phase %d: lit %d clocks, want %d", ph,
				on, Bench::expect(e));
		}
		shortest = on < shortest ? on : shortest;
		longest = on > longest ? on : longest;
	}
	t.check(exact, "every phase lit exactly as long as the counter makes");
	t.check(shortest >= lo && longest <= hi,
		"lit %d..%d clocks, documented %d..%d", shortest, longest, lo,
		hi);
	// Both ends of the documented range are reached across the phases.
	t.check(shortest == lo && longest == hi,
		"the phases span %d..%d, want exactly %d..%d", shortest,
		longest, lo, hi);

	// An event part-way restarts the count (measured from the second).
	b.clock(true);
	for (int i = 0; i < hi / 2; i++)
		b.clock(false);
	t.check(m->led_o == 1, "still lit half-way");
	long e2 = b.n;
	b.clock(true);
	int on = b.lit(max);
	t.check(on == Bench::expect(e2),
		"restarted stretch lit %d clocks, want %d", on,
		Bench::expect(e2));

	// Events closer than the shortest stretch keep it lit.
	bool dark = false;
	for (int i = 0; i < 4 * hi + 50; i++) {
		b.clock((i % (lo - 1 > 0 ? lo - 1 : 1)) == 0);
		if (!m->led_o)
			dark = true;
	}
	t.check(!dark, "steady events keep the LED lit");
	b.lit(max);

	// It counts ticks, not clocks: with tick_i held low it stays on.
	m->event_i = 1;
	m->tick_i = 0;
	tb.tick();
	m->event_i = 0;
	bool stays = true;
	for (int i = 0; i < 3 * hi + 20; i++) {
		tb.tick();
		if (!m->led_o)
			stays = false;
	}
	t.check(stays, "no ticks: the LED stays lit");

	// Reset puts it out at once.
	m->rst_ni = 0;
	m->eval();
	t.check(m->led_o == 0, "reset puts the LED out");
	m->rst_ni = 1;
	m->eval();
	m->final();
	return t.finish();
}
