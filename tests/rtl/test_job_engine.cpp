// job_engine unit test: jobs are written into the engine's job RAM the way
// the command unit does, and every work item the engine hands to the hash
// core (midstate, tail, window, tag) is compared with the C reference
// model (host/lib/job.c, sha256.c, work.c). Real blocks from
// tests/vectors/blocks.json: the item for the real extranonce2 and
// version must hash, with the real nonce, below the block's own target.
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "Vjob_engine.h"
#include "testb.h"
#include "test_job_util.h"

namespace {

const unsigned MAX_REM = 8; // job_engine default MAX_REM_BLOCKS

struct Item {
	uint32_t mid[8];
	uint8_t tail[12];
	uint64_t en2;
	uint32_t version;
	unsigned meta;
	uint32_t nstart, ncount;
	uint64_t cycle;
};

class Engine {
public:
	Engine(int argc, char **argv) : tb(argc, argv, "test_job_engine")
	{
		idle_inputs();
		tb.reset();
	}

	void idle_inputs()
	{
		auto &m = *tb.m;
		m.jw_en_i = 0;
		m.job_begin_i = 0;
		m.job_commit_i = 0;
		m.job_queue_i = 0;
		m.flush_i = 0;
		m.run_i = run;
		m.work_ready_i = 0;
		m.meta_idx_i = 0;
	}

	// One clock; samples a work handshake at the rising edge.
	void step()
	{
		auto &m = *tb.m;
		m.run_i = run;
		m.work_ready_i = (ready_pct >= 100) ||
				 (int)(rng() % 100) < ready_pct;
		m.eval();
		if (m.core_abort_o)
			aborts++;
		if (m.work_valid_o && m.work_ready_i) {
			Item it;
			for (int i = 0; i < 8; i++)
				it.mid[i] = m.work_midstate_o[7 - i];
			for (int i = 0; i < 3; i++) {
				uint32_t w = m.work_tail_o[2 - i];
				it.tail[4 * i] = (uint8_t)(w >> 24);
				it.tail[4 * i + 1] = (uint8_t)(w >> 16);
				it.tail[4 * i + 2] = (uint8_t)(w >> 8);
				it.tail[4 * i + 3] = (uint8_t)w;
			}
			it.version = m.work_tag_o[0];
			it.en2 = (uint64_t)m.work_tag_o[1] |
				 (uint64_t)m.work_tag_o[2] << 32;
			it.meta = m.work_tag_o[3] & 3u;
			it.nstart = m.work_nonce_start_o;
			it.ncount = m.work_nonce_count_o;
			it.cycle = tb.cycles();
			items.push_back(it);
		}
		tb.tick();
		m.job_begin_i = 0;
		m.job_commit_i = 0;
		m.job_queue_i = 0;
		m.flush_i = 0;
		m.jw_en_i = 0;
	}

	// Writes a JOB payload into the free bank and commits it.
	void write_job(const struct proto_job &pj, bool queue)
	{
		uint8_t buf[TANDEM_MAX_PAYLOAD];
		int n = proto_job_pack(&pj, buf, sizeof(buf));
		if (n < 0) {
			std::fprintf(stderr, "proto_job_pack failed %d\n", n);
			std::exit(2);
		}
		auto &m = *tb.m;
		m.job_begin_i = 1;
		step();
		for (const auto &w : tj::ram_image(buf, (size_t)n, MAX_REM)) {
			m.jw_en_i = 1;
			m.jw_addr_i = w.addr;
			m.jw_data_i = w.data;
			step();
		}
		m.job_commit_i = 1;
		m.job_queue_i = queue;
		step();
	}

	void run_until_items(size_t n, uint64_t limit)
	{
		uint64_t end = tb.cycles() + limit;
		while (items.size() < n && tb.cycles() < end)
			step();
	}

	TestBench<Vjob_engine> tb;
	std::vector<Item> items;
	std::mt19937 rng{12345};
	int ready_pct = 100;
	int run = 1;
	int aborts = 0;
};

uint64_t en2_to_u64(const uint8_t *en2, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)en2[i] << (8 * i);
	return v;
}

// Checks one item against the model for the expected (en2, version).
void check_item(Tally &t, Engine &e, const Item &it,
		const struct proto_job &pj, const uint8_t *en2,
		uint32_t version, const char *what)
{
	uint64_t want_en2 = pj.mode == PROTO_JOB_MODE_HEADER
				    ? 0
				    : en2_to_u64(en2, pj.en2_size);
	if (pj.mode == PROTO_JOB_MODE_STRATUM)
		t.check(it.en2 == want_en2 && it.version == version,
			"%s: order: en2 %016llx version %08x, want %016llx %08x",
			what, (unsigned long long)it.en2, it.version,
			(unsigned long long)want_en2, version);
	uint32_t mid[8];
	uint8_t tail[12];
	tj::model_work(&pj, en2, version, mid, tail);
	t.check(std::memcmp(mid, it.mid, 32) == 0, "%s: midstate", what);
	t.check(std::memcmp(tail, it.tail, 12) == 0, "%s: tail", what);
	t.check(it.nstart == pj.nonce_start && it.ncount == pj.nonce_count,
		"%s: nonce window", what);
	// The engine's item must hash like the golden device model.
	uint8_t h1[32], h2[32];
	uint32_t nonce = pj.nonce_start + 7;
	work_hash_from_midstate(it.mid, it.tail, nonce, h1);
	job_proto_hash(&pj, en2, version, nonce, h2);
	t.check(std::memcmp(h1, h2, 32) == 0, "%s: hash vs job_proto_hash",
		what);
	// Job facts for the tag.
	auto &m = *e.tb.m;
	m.meta_idx_i = it.meta;
	m.eval();
	t.check(m.meta_job_id_o == pj.job_id && m.meta_gen_o == pj.generation &&
			m.meta_ntime_o == pj.ntime &&
			m.meta_en2_size_o ==
				(pj.mode == PROTO_JOB_MODE_HEADER ? 0u
								  : pj.en2_size),
		"%s: job facts", what);
}

// Real blocks: en2 from two below the real one, a 2-bit version mask.
void test_blocks(Tally &t, Engine &e)
{
	auto blocks = tj::load_blocks();
	uint32_t job_id = 100;
	for (auto &b : blocks) {
		uint8_t en2[8] = {0};
		size_t n2 = b.en2.size();
		std::memcpy(en2, b.en2.data(), n2);
		tj::en2_add(en2, n2, -2);
		const uint32_t mask = 0x00006000u;
		struct proto_job pj;
		int rc = job_proto_stratum(&b.js, b.en1.data(), b.en1.size(),
					   en2, n2, mask, b.nonce - 5, 64, &pj);
		if (!t.check(rc == 0, "%s: job_proto_stratum %d", b.id.c_str(),
			     rc))
			continue;
		pj.job_id = job_id++;
		pj.generation = 0;
		e.items.clear();
		e.ready_pct = 60;
		e.write_job(pj, false);
		e.run_until_items(12, 400000);
		if (!t.check(e.items.size() >= 12, "%s: only %zu items",
			     b.id.c_str(), e.items.size()))
			continue;
		uint8_t cur[8];
		std::memcpy(cur, en2, 8);
		uint32_t ver = pj.version;
		bool found = false;
		for (size_t i = 0; i < 12; i++) {
			char what[96];
			std::snprintf(what, sizeof(what), "%s item %zu",
				      b.id.c_str(), i);
			check_item(t, e, e.items[i], pj, cur, ver, what);
			if (std::memcmp(cur, b.en2.data(), n2) == 0 &&
			    ver == b.version) {
				uint8_t h[32];
				work_hash_from_midstate(e.items[i].mid,
							e.items[i].tail,
							b.nonce, h);
				found = work_hash_meets(h, b.target);
			}
			ver = work_version_next(ver, mask);
			if (ver == pj.version)
				job_en2_increment(cur, n2);
		}
		t.check(found, "%s: real en2/version item meets the target",
			b.id.c_str());
	}
}

// Cycle cost of a roll with the core always ready.
void test_cycles(Tally &t, Engine &e, const tj::Block &b)
{
	for (int pass = 0; pass < 2; pass++) {
		uint32_t mask = pass ? 0x1fffe000u : 0;
		struct proto_job pj;
		job_proto_stratum(&b.js, b.en1.data(), b.en1.size(),
				  b.en2.data(), b.en2.size(), mask, 0, 0, &pj);
		pj.job_id = 7;
		e.items.clear();
		e.ready_pct = 100;
		e.write_job(pj, false);
		e.run_until_items(6, 200000);
		if (!t.check(e.items.size() >= 6, "cycles: items"))
			return;
		uint64_t d = e.items[5].cycle - e.items[4].cycle;
		std::printf("%s: %s step %llu cycles (rem_blocks %u, branch %u)\n",
			    b.id.c_str(), pass ? "version" : "extranonce2",
			    (unsigned long long)d, pj.rem_blocks,
			    pj.branch_count);
		unsigned want = pass ? 69u
				     : 10u + 68u * (pj.rem_blocks + 2u +
						    3u * pj.branch_count);
		t.check(d <= want, "cycles: %llu > %u",
			(unsigned long long)d, want);
		t.check(pj.nonce_count == 0 && e.items[5].ncount == 0,
			"cycles: whole-space window");
	}
}

// Header mode, queueing, replace, flush, run, and job end by en2 wrap.
void test_control(Tally &t, Engine &e, const tj::Block &b)
{
	// Two header-mode jobs from real headers: replace then queue.
	json_t *root = tj::load_vectors("headers.json");
	json_t *hs = json_object_get(root, "headers");
	struct proto_job ha, hb;
	std::vector<uint8_t> h0 = tj::hex_of(
		tj::str_of(json_array_get(hs, 3), "header_hex"));
	std::vector<uint8_t> h1 = tj::hex_of(
		tj::str_of(json_array_get(hs, 40), "header_hex"));
	json_decref(root);
	job_proto_header(h0.data(), tj::le32(&h0[76]) - 3, 16, &ha);
	job_proto_header(h1.data(), tj::le32(&h1[76]) - 9, 32, &hb);
	ha.job_id = 0xa1;
	hb.job_id = 0xb2;
	e.tb.m->flush_i = 1; // end the previous test's endless job
	e.step();
	t.check(!e.tb.m->job_active_o, "flush: idle");
	e.run = 0;
	e.items.clear();
	e.write_job(ha, true); // queue onto an idle engine: starts
	e.write_job(hb, true);
	for (int i = 0; i < 200; i++)
		e.step();
	t.check(e.items.empty(), "run 0: no work offered");
	t.check(e.tb.m->job_active_o && e.tb.m->job_queued_o,
		"queue: active and queued");
	e.run = 1;
	e.run_until_items(2, 2000);
	for (int i = 0; i < 100; i++)
		e.step();
	if (t.check(e.items.size() == 2, "header jobs: %zu items",
		    e.items.size())) {
		check_item(t, e, e.items[0], ha, nullptr, ha.version, "hdr A");
		check_item(t, e, e.items[1], hb, nullptr, hb.version, "hdr B");
		uint8_t h[32], tgt[32];
		work_hash_from_midstate(e.items[0].mid, e.items[0].tail,
					tj::le32(&h0[76]), h);
		work_nbits_to_target(tj::le32(&h0[72]), tgt);
		t.check(work_hash_meets(h, tgt), "hdr A: real nonce meets");
	}
	t.check(!e.tb.m->job_active_o && !e.tb.m->job_queued_o,
		"header jobs done: idle");

	// Stratum job with a 1-byte en2 and no version rolling: exactly
	// 256 items, then the queued header job.
	struct proto_job ps;
	uint8_t en2s[1] = {0xfd};
	job_proto_stratum(&b.js, b.en1.data(), b.en1.size(), en2s, 1, 0, 0,
			  1000, &ps);
	ps.job_id = 0x51;
	e.items.clear();
	e.ready_pct = 80;
	e.write_job(ps, false);
	e.write_job(ha, true);
	e.run_until_items(257, 2000000);
	if (t.check(e.items.size() == 257, "en2 wrap: %zu items",
		    e.items.size())) {
		uint8_t cur[1] = {0xfd};
		int bad = 0;
		for (size_t i = 0; i < 256; i++) {
			if (e.items[i].en2 != cur[0])
				bad++;
			job_en2_increment(cur, 1);
		}
		t.check(bad == 0, "en2 wrap: order (%d wrong)", bad);
		check_item(t, e, e.items[3], ps, (const uint8_t *)"\x00", ps.version,
			   "wrap item 3 (en2 00)");
		check_item(t, e, e.items[255], ps, (const uint8_t *)"\xfc",
			   ps.version, "wrap item 255 (en2 fc)");
		check_item(t, e, e.items[256], ha, nullptr, ha.version,
			   "queued after wrap");
	}

	// Replace while an en2 step is being computed, then flush.
	e.items.clear();
	e.aborts = 0;
	e.ready_pct = 100;
	e.write_job(ps, false);
	for (int i = 0; i < 300; i++)
		e.step();
	e.write_job(hb, false);
	e.run_until_items(20, 20000);
	if (t.check(!e.items.empty(), "replace: items")) {
		const Item &last = e.items.back();
		check_item(t, e, last, hb, nullptr, hb.version,
			   "replacing job");
	}
	t.check(e.aborts == 1, "replace: one core abort (%d)", e.aborts);
	e.write_job(ps, false);
	for (int i = 0; i < 2000; i++)
		e.step();
	e.tb.m->flush_i = 1;
	e.step();
	size_t n = e.items.size();
	for (int i = 0; i < 20000; i++)
		e.step();
	t.check(e.items.size() == n && !e.tb.m->job_active_o,
		"flush: engine idle, no more items");
}

} // namespace

int main(int argc, char **argv)
{
	Tally t("test_job_engine");
	// Kept alive until exit: sim/testb.h destroys its VerilatedContext
	// before the model, which deadlocks in the model's destructor.
	Engine &e = *new Engine(argc, argv);
	test_blocks(t, e);
	auto blocks = tj::load_blocks();
	test_cycles(t, e, blocks[0]);
	test_control(t, e, blocks[7]);
	e.tb.m->final();
	return t.finish();
}
