// Post-synthesis test of the iCE40 build: the hash core as Yosys'
// synth_ice40 maps it (LUT4s, carries, flip-flops, block RAMs), written
// back as Verilog with the iCE40 cell models inlined, driven with real
// Bitcoin headers from tests/vectors/headers.json.
//
// For each header a narrow nonce window around its real nonce is scanned
// with two target slots: slot 0 holds the block's own target (from its
// nbits), slot 1 the all-ones target that every hash meets. Every nonce of
// the window must come back as a share exactly once, in order, with slot 1
// set, and slot 0 set exactly where the C reference model (host/lib) says
// the hash meets the block target, which for a real header is its real
// nonce. So synthesis cannot silently change what the core computes.
//
// The model is the netlist's top, renamed hash_core_net; its parameters
// were fixed at synthesis (PIPELINES=1, SLOTS=2, TAG_W=8: mk/boards.mk).
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include <jansson.h>

#include "Vhash_core_net.h"
#include "testb.h"

extern "C" {
#include "hex.h"
#include "work.h"
}

#ifndef CFG_WINDOW
#define CFG_WINDOW 6
#endif

static const char *const HEADERS[] = {
	"mainnet_genesis", "mainnet_100000", "mainnet_481815",
	"mainnet_881423",
};

struct Share {
	uint32_t nonce;
	unsigned map;
	unsigned tag;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[1] << 8 | p[0];
}

class Core
{
      public:
	Core(int argc, char **argv) : tb(argc, argv, "board_postsynth")
	{
		auto *m = tb.m.get();
		m->flush_i = 0;
		m->work_valid_i = 0;
		m->tgt_we_i = 0;
		m->tgt_wr_i = 0;
		m->share_ready_i = 1;
		tb.reset(8);
	}

	// Writes one target slot (value: little-endian 32 bytes).
	bool target(unsigned slot, const uint8_t value[32])
	{
		auto *m = tb.m.get();
		m->tgt_slot_i = slot;
		m->tgt_en_i = 1;
		for (int k = 0; k < 8; k++) { // port word k = bits 255 - 32k ..
			m->tgt_wr_i = 1;
			m->tgt_widx_i = k;
			m->tgt_word_i = le32(value + 4 * (7 - k));
			tick();
		}
		m->tgt_wr_i = 0;
		m->tgt_we_i = 1;
		for (int i = 0; i < 1000; i++) {
			bool take = m->tgt_ready_o;
			tick();
			if (take) {
				m->tgt_we_i = 0;
				return true;
			}
		}
		m->tgt_we_i = 0;
		return false;
	}

	// Hands one work item over; false if the core never takes it.
	bool work(const uint32_t mid[8], const uint8_t tail[12], uint32_t start,
		  uint64_t count, unsigned tag)
	{
		auto *m = tb.m.get();
		// midstate {H0..H7}, H0 in the top word; tail words big-endian,
		// W0 (header bytes 64..67) in the top word
		for (int k = 0; k < 8; k++)
			m->work_midstate_i[k] = mid[7 - k];
		for (int k = 0; k < 3; k++)
			m->work_tail_i[k] = be32(tail + 4 * (2 - k));
		m->work_nonce_start_i = start;
		m->work_nonce_count_i = count;
		m->work_tag_i = tag;
		m->work_valid_i = 1;
		for (int i = 0; i < 1000; i++) {
			bool take = m->work_ready_o;
			tick();
			if (take) {
				m->work_valid_i = 0;
				return true;
			}
		}
		m->work_valid_i = 0;
		return false;
	}

	// Clocks until the core has been idle with no share to hand out for
	// 64 clocks in a row (a share can still be on its way to the FIFO's
	// output when idle_o rises).
	bool drain(uint64_t max_cycles)
	{
		auto *m = tb.m.get();
		unsigned quiet = 0;
		for (uint64_t i = 0; i < max_cycles; i++) {
			tick();
			quiet = (m->idle_o && !m->share_valid_o) ? quiet + 1 : 0;
			if (quiet >= 64)
				return true;
		}
		return false;
	}

	void tick()
	{
		auto *m = tb.m.get();
		bool take = m->share_valid_o && m->share_ready_i;
		Share s = {m->share_nonce_o, m->share_map_o, m->share_tag_o};
		tb.tick();
		if (take)
			shares.push_back(s);
	}

	TestBench<Vhash_core_net> tb;
	std::vector<Share> shares;
};

static json_t *find_header(json_t *root, const char *id)
{
	json_t *arr = json_object_get(root, "headers");
	size_t i;
	json_t *h;

	json_array_foreach(arr, i, h)
	{
		const char *hid = json_string_value(json_object_get(h, "id"));
		if (hid && strcmp(hid, id) == 0)
			return h;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	Tally t("board_postsynth");
	json_error_t err;
	json_t *root = json_load_file("tests/vectors/headers.json", 0, &err);

	if (!root) {
		std::printf("cannot read tests/vectors/headers.json: %s\n",
			    err.text);
		t.check(false, "vectors readable");
		return t.finish();
	}
	// Heap-allocated and never destroyed: sim/testb.h destroys its
	// VerilatedContext before the model, which hangs in Verilator 5.006.
	Core &c = *new Core(argc, argv);
	uint8_t all_ones[32];
	std::memset(all_ones, 0xff, sizeof(all_ones));
	uint64_t hashed = 0;

	for (unsigned hi = 0; hi < sizeof(HEADERS) / sizeof(HEADERS[0]); hi++) {
		const char *id = HEADERS[hi];
		json_t *h = find_header(root, id);
		uint8_t hdr[80];
		if (!t.check(h != NULL, "header %s in the vectors", id))
			continue;
		const char *hexs =
			json_string_value(json_object_get(h, "header_hex"));
		if (!t.check(hexs && hex_decode_exact(hexs, hdr, 80) == 0,
			     "%s: header_hex", id))
			continue;
		struct work_header wh;
		work_header_unpack(hdr, &wh);
		uint8_t block_tgt[32];
		t.check(work_nbits_to_target(wh.nbits, block_tgt) == 0,
			"%s: nbits to target", id);
		uint32_t mid[8];
		work_header_midstate(hdr, mid);

		// The window: real nonce at offset 2.
		uint32_t start = wh.nonce - 2;
		std::vector<Share> want;
		for (uint32_t k = 0; k < CFG_WINDOW; k++) {
			uint8_t hash[32];
			work_hash_from_midstate(mid, hdr + 64, start + k, hash);
			unsigned map = 2u | (work_hash_meets(hash, block_tgt) ? 1u : 0u);
			want.push_back(Share{start + k, map, hi});
		}
		t.check((want[2].map & 1u) != 0,
			"%s: reference model: the real nonce meets the block target",
			id);

		c.shares.clear();
		t.check(c.target(0, block_tgt), "%s: target slot 0 taken", id);
		t.check(c.target(1, all_ones), "%s: target slot 1 taken", id);
		t.check(c.work(mid, hdr + 64, start, CFG_WINDOW, hi),
			"%s: work taken", id);
		t.check(c.drain(200000), "%s: core idle again", id);
		hashed += CFG_WINDOW;

		t.check(c.shares.size() == want.size(),
			"%s: %zu shares, want %zu", id, c.shares.size(),
			want.size());
		for (size_t k = 0; k < want.size() && k < c.shares.size(); k++) {
			const Share &g = c.shares[k], &w = want[k];
			t.check(g.nonce == w.nonce && g.map == w.map &&
					g.tag == w.tag,
				"%s: share %zu nonce %08x map %x tag %u, want "
				"%08x map %x tag %u",
				id, k, g.nonce, g.map, g.tag, w.nonce, w.map,
				w.tag);
		}
		unsigned real = 0;
		for (const Share &g : c.shares)
			if ((g.map & 1u) && g.nonce == wh.nonce)
				real++;
		t.check(real == 1, "%s: the real nonce %08x found %u times", id,
			wh.nonce, real);
		std::printf("%s: window %08x+%d, %zu shares, real nonce %08x %s\n",
			    id, start, CFG_WINDOW, c.shares.size(), wh.nonce,
			    real == 1 ? "found" : "MISSING");
	}
	t.check(c.tb.m->hash_count_o == hashed,
		"hash count %llu, want %llu",
		(unsigned long long)c.tb.m->hash_count_o,
		(unsigned long long)hashed);
	t.check(c.tb.m->share_overflow_o == 0, "no share dropped");
	std::printf("%llu clocks\n", (unsigned long long)c.tb.cycles());
	c.tb.m->final();
	json_decref(root);
	return t.finish();
}
