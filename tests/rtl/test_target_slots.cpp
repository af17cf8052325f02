// target_slots against the C model: random targets written into random
// slots (some disabled, some tied with the hash on the top words), random
// hashes compared; the bitmap must equal work_classify() and the pre-filter
// threshold must never let a hash that meets an enabled target slip.
// Targets go in a word at a time in a random order with idle clocks
// between, sometimes while a compare runs: until its commit a new target
// must not be seen by any compare.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <random>

#include "Vtarget_slots.h"
#include "testb.h"

extern "C" {
#include "work.h"
}

static const int SLOTS = 8;

static void to_wide(uint32_t *w, const uint8_t le[32])
{
	for (int i = 0; i < 8; i++)
		w[i] = (uint32_t)le[4 * i] | (uint32_t)le[4 * i + 1] << 8 |
		       (uint32_t)le[4 * i + 2] << 16 |
		       (uint32_t)le[4 * i + 3] << 24;
}

int main(int argc, char **argv)
{
	Tally t("test_target_slots");
	auto &tb = *new TestBench<Vtarget_slots>(argc, argv, "test_target_slots");
	auto *m = tb.m.get();
	m->tgt_we_i = 0;
	m->tgt_wr_i = 0;
	m->cmp_valid_i = 0;
	tb.reset();
	std::mt19937 r(3);
	uint8_t tgt[SLOTS][32];
	uint8_t en[SLOTS];
	std::memset(tgt, 0, sizeof(tgt));
	std::memset(en, 0, sizeof(en));
	int map_bad = 0, thr_bad = 0, thr_loose = 0, compares = 0, met = 0;

	for (int round = 0; round < 400; round++) {
		// a few target writes (sometimes during a compare)
		int writes = 1 + r() % 3;
		uint8_t hash[32];
		for (int i = 0; i < 32; i++)
			hash[i] = (uint8_t)r();
		int mid_cmp_bad = 0;
		for (int k = 0; k < writes; k++) {
			int s = r() % SLOTS;
			uint8_t v[32];
			int kind = r() % 4;
			for (int i = 0; i < 32; i++)
				v[i] = (uint8_t)r();
			if (kind == 0) { // ties the hash on the top words
				int keep = 4 * (1 + r() % 8);
				std::memcpy(v + 32 - keep, hash + 32 - keep, keep);
			} else if (kind == 1) { // equal to the hash
				std::memcpy(v, hash, 32);
			}
			bool e = (r() % 5) != 0;
			uint32_t vw[8];
			to_wide(vw, v);
			int order[8] = {0, 1, 2, 3, 4, 5, 6, 7};
			std::shuffle(order, order + 8, r);
			// sometimes the words go in while a compare of the
			// hash runs, which must still see the old target
			bool during = (r() % 3) == 0;
			if (during) {
				to_wide(m->cmp_hash_i.data(), hash);
				m->cmp_valid_i = 1;
				tb.tick();
				m->cmp_valid_i = 0;
			}
			m->tgt_slot_i = s;
			for (int i = 0; i < 8; i++) {
				m->tgt_wr_i = 1;
				m->tgt_widx_i = order[i];
				m->tgt_word_i = vw[7 - order[i]];
				tb.tick();
				m->tgt_wr_i = 0;
				for (int g = r() % 3; g > 0; g--)
					tb.tick();
			}
			if (during) {
				int g = 0;
				for (; g < 200; g++) {
					m->eval();
					if (m->cmp_done_o)
						break;
					tb.tick();
				}
				uint32_t old = work_classify(hash, tgt, en, SLOTS);
				if (g == 200 || m->cmp_map_o != old)
					mid_cmp_bad++;
				tb.tick();
			}
			m->tgt_we_i = 1;
			m->tgt_en_i = e;
			for (int g = 0; g < 100; g++) {
				m->eval();
				bool ok = m->tgt_ready_o;
				tb.tick();
				if (ok)
					break;
			}
			m->tgt_we_i = 0;
			std::memcpy(tgt[s], v, 32);
			en[s] = e;
		}
		t.check(mid_cmp_bad == 0,
			"round %d: a compare saw a target before its commit",
			round);
		// wait until the rescan is over
		for (int g = 0; g < 40; g++)
			tb.tick();
		// threshold: top word of every enabled target is <= thr
		// and, the rescan over, the largest of them exactly
		uint32_t thr = m->thr_o, top_max = 0;
		bool any = false;
		for (int s = 0; s < SLOTS; s++) {
			uint32_t top = (uint32_t)tgt[s][28] | tgt[s][29] << 8 |
				       tgt[s][30] << 16 | (uint32_t)tgt[s][31] << 24;
			if (en[s] && (!m->thr_any_o || top > thr))
				thr_bad++;
			if (en[s] && top >= top_max) {
				top_max = top;
				any = true;
			}
		}
		if (any && thr != top_max)
			thr_loose++;
		// compare the hash
		to_wide(m->cmp_hash_i.data(), hash);
		m->cmp_valid_i = 1;
		tb.tick();
		m->cmp_valid_i = 0;
		int g = 0;
		for (; g < 200; g++) {
			m->eval();
			if (m->cmp_done_o)
				break;
			tb.tick();
		}
		uint32_t want = work_classify(hash, tgt, en, SLOTS);
		if (g == 200 || m->cmp_map_o != want)
			map_bad++;
		met += want != 0;
		compares++;
		tb.tick();
	}
	t.check(map_bad == 0, "%d of %d bitmaps differ from work_classify",
		map_bad, compares);
	t.check(thr_bad == 0, "threshold below an enabled target %d times",
		thr_bad);
	t.check(thr_loose == 0,
		"threshold above the largest enabled top word %d times",
		thr_loose);
	t.check(met > 50, "only %d compares met a slot", met);
	std::printf("%d compares, %d met at least one slot\n", compares, met);
	m->final();
	int rc = t.finish();
	std::fflush(stdout);
	std::_Exit(rc);
}
