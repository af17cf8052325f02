// share_fifo against a reference queue: random pushes and random stalls on
// both sides; every entry comes out once and in order, a push is dropped
// only when the memory is full, and every drop is counted in overflow_o.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <random>

#include "Vshare_fifo.h"
#include "testb.h"

int main(int argc, char **argv)
{
	Tally t("test_share_fifo");
	// heap-allocated and finished by hand (see test_hash_core.cpp)
	auto &tb = *new TestBench<Vshare_fifo>(argc, argv, "test_share_fifo");
	auto *m = tb.m.get();
	const unsigned depth = 16; // the default DEPTH
	m->flush_i = 0;
	m->in_valid_i = 0;
	m->out_ready_i = 0;
	tb.reset();

	std::mt19937 r(1);
	std::deque<uint32_t> ref; // entries the FIFO holds (memory + output)
	uint32_t next = 0, drops = 0, out = 0;
	int order_bad = 0, count_bad = 0, ready_bad = 0;
	// phases: fill fast/drain slow, balanced, drain fast
	const int push_pct[3] = {90, 50, 10}, pop_pct[3] = {10, 50, 90};
	for (int cyc = 0; cyc < 60000; cyc++) {
		int ph = (cyc / 2000) % 3;
		bool push = (int)(r() % 100) < push_pct[ph];
		bool ready = (int)(r() % 100) < pop_pct[ph];
		m->in_valid_i = push;
		m->in_data_i = next;
		m->out_ready_i = ready;
		m->eval();
		// what the memory holds = ref minus the output register
		unsigned in_mem = ref.size() - (m->out_valid_o ? 1 : 0);
		if (m->in_ready_o != (in_mem < depth))
			ready_bad++;
		if (m->count_o != ref.size())
			count_bad++;
		if (m->out_valid_o && ready) {
			if (ref.empty() || m->out_data_o != ref.front())
				order_bad++;
			else
				ref.pop_front();
			out++;
		}
		if (push) {
			if (in_mem < depth)
				ref.push_back(next);
			else
				drops++;
			next++;
		}
		tb.tick();
	}
	t.check(order_bad == 0, "%d entries out of order or unknown", order_bad);
	t.check(count_bad == 0, "count_o wrong in %d clocks", count_bad);
	t.check(ready_bad == 0, "in_ready_o wrong in %d clocks", ready_bad);
	t.check(drops > 0, "the test never filled the FIFO");
	t.check(m->overflow_o == drops, "overflow_o %u, drops %u", m->overflow_o,
		drops);
	t.check(out + ref.size() + drops == next, "entries lost: %u in, %u out, "
		"%zu held, %u dropped", next, out, ref.size(), drops);
	// flush empties it and keeps the overflow count
	m->flush_i = 1;
	tb.tick();
	m->flush_i = 0;
	m->in_valid_i = 0;
	m->eval();
	t.check(!m->out_valid_o && m->count_o == 0, "flush left entries");
	t.check(m->overflow_o == drops, "flush changed overflow_o");
	std::printf("%u pushed, %u out, %u dropped\n", next, out, drops);
	m->final();
	int rc = t.finish();
	std::fflush(stdout);
	std::_Exit(rc);
}
