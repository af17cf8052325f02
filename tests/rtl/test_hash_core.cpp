// hash_core end to end, built once per configuration (LOOP_LOG2 and
// PIPELINES come in as CFG_* defines from mk/rtl.mk).
//  1. Every header of tests/vectors/headers.json: a window around the real
//     nonce; targets: slot 0 the header's nbits target (the parent bit),
//     slot 1 exactly the real hash, slot 2 one above, slot 3 one below.
//     The real nonce must come out with bits 0, 1, 2 set and bit 3 clear,
//     and the whole window must give exactly the C model's shares.
//  2. Differential: random midstates, tails and easy targets (some easier
//     than difficulty 1, one disabled), a window of 2^16 nonces plus two
//     back-to-back windows (one wrapping past 2^32, one empty), random
//     stalls on the share FIFO: same share set (nonce, pipeline, bitmap,
//     tag) as the C model, none missing, none extra; hash counter exact.
//  3. Flush in the middle of a window, then a clean window.
//  4. Share FIFO overflow: the host does not drain; drops are counted and
//     what comes out is a subset of the right shares.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <jansson.h>

#include "Vhash_core.h"
#include "testb.h"

extern "C" {
#include "sha256.h"
#include "work.h"
#include "tandem_proto.h"
}

#ifndef CFG_LOOP_LOG2
#define CFG_LOOP_LOG2 0
#endif
#ifndef CFG_PIPELINES
#define CFG_PIPELINES 1
#endif
#ifndef CFG_NAME
#define CFG_NAME "u1"
#endif

static const int SLOTS = 8;      // hash_core default
static const int FIFO_CAP = 17;  // FIFO_DEPTH 16 + output register

struct Share {
	uint32_t nonce, pipe, map, tag;
	bool operator<(const Share &o) const
	{
		return std::tie(tag, nonce, pipe, map) <
		       std::tie(o.tag, o.nonce, o.pipe, o.map);
	}
	bool operator==(const Share &o) const
	{
		return nonce == o.nonce && pipe == o.pipe && map == o.map &&
		       tag == o.tag;
	}
};

struct Job {
	uint32_t mid[8];
	uint8_t tail[12];
	uint32_t start;
	uint64_t count;
	uint32_t tag;
};

static std::vector<uint8_t> unhex(const char *s)
{
	std::vector<uint8_t> v;
	for (size_t i = 0; s[i] && s[i + 1]; i += 2) {
		unsigned b = 0;
		std::sscanf(s + i, "%2x", &b);
		v.push_back((uint8_t)b);
	}
	return v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

class Core {
public:
	Core(int argc, char **argv)
	    : tb(argc, argv, "test_hash_core_" CFG_NAME), rng(12345)
	{
		auto *m = tb.m.get();
		m->flush_i = 0;
		m->work_valid_i = 0;
		m->tgt_we_i = 0;
		m->tgt_wr_i = 0;
		m->share_ready_i = 1;
		tb.reset();
		std::memset(tgt, 0, sizeof(tgt));
		std::memset(en, 0, sizeof(en));
	}

	// One clock; takes a share if the FIFO offers one and we are ready.
	void tick()
	{
		auto *m = tb.m.get();
		m->share_ready_i = (ready_pct >= 100) ? 1 :
				   (int)(rng() % 100) < ready_pct;
		m->eval();
		if (m->share_valid_o && m->share_ready_i)
			got.push_back({m->share_nonce_o, m->share_pipe_o,
				       m->share_map_o, m->share_tag_o});
		bool taken = m->work_valid_i && m->work_ready_o;
		tb.tick();
		if (taken) {
			m->work_valid_i = 0;
			offered = false;
		}
	}

	void set_target(int slot, const uint8_t le[32], bool enable)
	{
		auto *m = tb.m.get();
		std::memcpy(tgt[slot], le, 32);
		en[slot] = enable;
		m->tgt_slot_i = slot;
		m->tgt_en_i = enable;
		// word i of the port = bits 255 - 32i .. of the plain number,
		// little-endian word 7 - i of le
		for (int i = 0; i < 8; i++) {
			const uint8_t *b = le + 4 * (7 - i);
			m->tgt_wr_i = 1;
			m->tgt_widx_i = i;
			m->tgt_word_i = (uint32_t)b[0] | (uint32_t)b[1] << 8 |
					(uint32_t)b[2] << 16 |
					(uint32_t)b[3] << 24;
			tick();
		}
		m->tgt_wr_i = 0;
		m->tgt_we_i = 1;
		for (int g = 0; g < 1000; g++) {
			m->eval();
			bool ok = m->tgt_ready_o;
			tick();
			if (ok)
				break;
		}
		m->tgt_we_i = 0;
	}

	// Offers a work item; tick() completes the handshake, so the clocks
	// go on while the core has not taken it yet (the compact engine
	// takes the next item only when the current one is done).
	void offer(const Job &j)
	{
		auto *m = tb.m.get();
		offered = true;
		m->work_valid_i = 1;
		for (int i = 0; i < 8; i++)
			m->work_midstate_i[7 - i] = j.mid[i]; // H0 in [255:224]
		for (int i = 0; i < 3; i++)
			m->work_tail_i[2 - i] = be32(j.tail + 4 * i); // W0 top
		m->work_nonce_start_i = j.start;
		m->work_nonce_count_i = j.count;
		m->work_tag_i = j.tag;
	}

	bool submit(const Job &j)
	{
		offer(j);
		for (uint64_t g = 0; offered && g < 20000000; g++)
			tick();
		if (offered) {
			tb.m->work_valid_i = 0;
			offered = false;
			return false;
		}
		return true;
	}

	bool wait_idle(uint64_t limit = 50000000)
	{
		auto *m = tb.m.get();
		// idle_o does not cover the share FIFO, whose output register
		// loads a clock after a push: wait for a few quiet clocks.
		int quiet = 0;
		for (uint64_t g = 0; g < limit; g++) {
			m->eval();
			quiet = (m->idle_o && !m->share_valid_o) ? quiet + 1 : 0;
			if (quiet >= 4)
				return true;
			tick();
		}
		return false;
	}

	// The C model's shares for one job under the current targets.
	void expect(const Job &j, std::vector<Share> &out)
	{
		for (uint64_t i = 0; i < j.count; i++) {
			uint32_t nonce = j.start + (uint32_t)i;
			uint8_t hash[32];
			work_hash_from_midstate(j.mid, j.tail, nonce, hash);
			uint32_t map = work_classify(hash, tgt, en, SLOTS);
			if (map)
				out.push_back({nonce, (uint32_t)(i % CFG_PIPELINES),
					       map, j.tag});
		}
	}

	TestBench<Vhash_core> tb;
	std::mt19937 rng;
	int ready_pct = 100;
	bool offered = false;
	std::vector<Share> got;
	uint8_t tgt[SLOTS][32];
	uint8_t en[SLOTS];
};

static void add_small(uint8_t le[32], int delta)
{
	// le += delta (delta = +1 or -1), 256-bit little-endian
	for (int i = 0; i < 32; i++) {
		int v = le[i] + delta;
		le[i] = (uint8_t)v;
		if (v >= 0 && v <= 255)
			break;
	}
}

static bool same_sets(Tally &t, const char *what, std::vector<Share> got,
		      std::vector<Share> want)
{
	std::sort(got.begin(), got.end());
	std::sort(want.begin(), want.end());
	bool ok = t.check(got == want, "%s: %zu shares, want %zu", what,
			  got.size(), want.size());
	if (!ok) {
		int shown = 0;
		for (auto &s : want)
			if (!std::binary_search(got.begin(), got.end(), s) &&
			    shown++ < 5)
				std::printf("  missing nonce %08x pipe %u map %02x tag %u\n",
					    s.nonce, s.pipe, s.map, s.tag);
		for (auto &s : got)
			if (!std::binary_search(want.begin(), want.end(), s) &&
			    shown++ < 10)
				std::printf("  extra   nonce %08x pipe %u map %02x tag %u\n",
					    s.nonce, s.pipe, s.map, s.tag);
	}
	return ok;
}

static void test_headers(Tally &t, Core &c)
{
	json_error_t err;
	json_t *root = json_load_file("tests/vectors/headers.json", 0, &err);
	if (!t.check(root != nullptr, "headers.json: %s", root ? "" : err.text))
		return;
	json_t *hs = json_object_get(root, "headers");
	size_t idx;
	json_t *h;
	uint64_t hashed0 = c.tb.m->hash_count_o;
	uint64_t nonces = 0;
	int found = 0;
	const uint32_t before = 13, window = 32;
	json_array_foreach(hs, idx, h) {
		const char *id = json_string_value(json_object_get(h, "id"));
		std::vector<uint8_t> hdr = unhex(
			json_string_value(json_object_get(h, "header_hex")));
		Job j;
		work_header_midstate(hdr.data(), j.mid);
		// the midstate the vectors give, in FIPS word order
		std::vector<uint8_t> ms = unhex(
			json_string_value(json_object_get(h, "midstate_hex")));
		bool ms_ok = true;
		for (int i = 0; i < 8; i++)
			ms_ok = ms_ok && be32(&ms[4 * i]) == j.mid[i];
		t.check(ms_ok, "%s: midstate differs from midstate_hex", id);
		std::memcpy(j.tail, &hdr[64], 12);
		uint32_t real = (uint32_t)hdr[76] | (uint32_t)hdr[77] << 8 |
				(uint32_t)hdr[78] << 16 | (uint32_t)hdr[79] << 24;
		j.start = real - before;
		j.count = window;
		j.tag = (uint32_t)idx & 0xff;

		uint8_t hash[32], tnb[32], above[32], below[32];
		sha256d(hdr.data(), 80, hash);
		uint32_t nbits = (uint32_t)hdr[72] | (uint32_t)hdr[73] << 8 |
				 (uint32_t)hdr[74] << 16 | (uint32_t)hdr[75] << 24;
		work_nbits_to_target(nbits, tnb);
		std::memcpy(above, hash, 32);
		add_small(above, +1);
		std::memcpy(below, hash, 32);
		add_small(below, -1);
		c.set_target(0, tnb, true);
		c.set_target(1, hash, true);
		c.set_target(2, above, true);
		c.set_target(3, below, true);
		for (int s = 4; s < SLOTS; s++)
			c.set_target(s, tnb, false);

		std::vector<Share> want;
		c.expect(j, want);
		c.got.clear();
		bool ok = c.submit(j) && c.wait_idle();
		t.check(ok, "%s: core did not finish", id);
		nonces += window;
		bool real_ok = false;
		for (auto &s : c.got)
			if (s.nonce == real && s.tag == j.tag)
				real_ok = (s.map & 0xf) == 0x7;
		found += real_ok;
		t.check(real_ok, "%s: real nonce %08x not found with map 0111",
			id, real);
		same_sets(t, id, c.got, want);
	}
	t.check(c.tb.m->hash_count_o - hashed0 == nonces,
		"headers: hash counter %llu, want %llu",
		(unsigned long long)(c.tb.m->hash_count_o - hashed0),
		(unsigned long long)nonces);
	std::printf("headers: %zu headers, real nonce found in %d\n",
		    json_array_size(hs), found);
	json_decref(root);
}

static void random_job(std::mt19937 &r, Job &j, uint32_t start,
		       uint64_t count, uint32_t tag)
{
	for (int i = 0; i < 8; i++)
		j.mid[i] = r();
	for (int i = 0; i < 12; i++)
		j.tail[i] = (uint8_t)r();
	j.start = start;
	j.count = count;
	j.tag = tag;
}

static void target_top(std::mt19937 &r, uint8_t le[32], uint32_t top)
{
	for (int i = 0; i < 28; i++)
		le[i] = (uint8_t)r();
	le[28] = (uint8_t)top;
	le[29] = (uint8_t)(top >> 8);
	le[30] = (uint8_t)(top >> 16);
	le[31] = (uint8_t)(top >> 24);
}

static void random_targets(Core &c, std::mt19937 &r)
{
	uint8_t t[32];
	// slot 0: about 1 in 512 hashes, easier than difficulty 1
	target_top(r, t, 0x007fffff);
	c.set_target(0, t, true);
	// slot 1: very easy but disabled: must never show up
	std::memset(t, 0xff, 32);
	c.set_target(1, t, false);
	// slot 2: the same top word as slot 0, low words all zero: the
	// top-word tie is decided by the lower words
	target_top(r, t, 0x007fffff);
	std::memset(t, 0, 28);
	c.set_target(2, t, true);
	// slot 3: difficulty 1 (0xffff * 2^208): practically never met
	std::memset(t, 0, 32);
	t[26] = 0xff;
	t[27] = 0xff;
	c.set_target(3, t, true);
	// slots 4..7: random tops up to about 1 in 1024
	for (int s = 4; s < SLOTS; s++) {
		target_top(r, t, r() % 0x00400000);
		c.set_target(s, t, s != 6);
	}
}

static void test_random(Tally &t, Core &c)
{
	std::mt19937 r(0x7a4d3e + CFG_PIPELINES * 7 + CFG_LOOP_LOG2);
	random_targets(c, r);
	Job a, b, z, w;
	random_job(r, a, r(), 1u << 16, 0x11);
	random_job(r, b, 0xfffffc00u, 2048, 0x22); // wraps past 2^32
	random_job(r, z, r(), 0, 0x33);            // empty window
	random_job(r, w, r(), 1024 + 3, 0x44);      // not a multiple of lanes
	std::vector<Share> want;
	for (const Job *j : {&a, &b, &z, &w})
		c.expect(*j, want);
	c.got.clear();
	c.ready_pct = 60;
	uint64_t h0 = c.tb.m->hash_count_o;
	uint64_t cyc0 = c.tb.cycles();
	bool ok = c.submit(a) && c.submit(b) && c.submit(z) && c.submit(w);
	ok = ok && c.wait_idle();
	c.ready_pct = 100;
	t.check(ok, "random: core did not finish");
	uint64_t n = a.count + b.count + z.count + w.count;
	t.check(c.tb.m->hash_count_o - h0 == n, "random: hash counter %llu want %llu",
		(unsigned long long)(c.tb.m->hash_count_o - h0),
		(unsigned long long)n);
	t.check(c.tb.m->share_overflow_o == 0, "random: overflow %u",
		c.tb.m->share_overflow_o);
	same_sets(t, "random 2^16 + 3 windows", c.got, want);
	std::printf("random: %llu nonces, %zu shares, %llu clocks (%.4f nonces/clock)\n",
		    (unsigned long long)n, want.size(),
		    (unsigned long long)(c.tb.cycles() - cyc0),
		    (double)n / (double)(c.tb.cycles() - cyc0));
}

// Throughput with a target nothing meets: nonces per clock in steady state.
static void test_rate(Tally &t, Core &c)
{
	uint8_t z[32];
	std::memset(z, 0, 32);
	for (int s = 0; s < SLOTS; s++)
		c.set_target(s, z, false);
	std::mt19937 r(99);
	Job a, b;
	uint64_t n = (CFG_LOOP_LOG2 >= 5) ? 4096 : 16384;
	random_job(r, a, 0, n, 1);
	random_job(r, b, 0, n, 2);
	uint64_t h0 = c.tb.m->hash_count_o;
	c.submit(a);
	c.offer(b);
	// measure between 1/4 and 3/4 of the hashes done
	uint64_t c0 = 0, c1 = 0;
	while (c.tb.m->hash_count_o - h0 < n / 2)
		c.tick();
	c0 = c.tb.cycles();
	while (c.tb.m->hash_count_o - h0 < n / 2 + n)
		c.tick();
	c1 = c.tb.cycles();
	c.wait_idle();
	double rate = (double)n / (double)(c1 - c0);
	double expect = (double)CFG_PIPELINES /
			proto_clocks_per_nonce(CFG_LOOP_LOG2);
	std::printf("rate: %.5f nonces/clock (expected %.5f)\n", rate, expect);
	std::printf("nonces_per_clock=%.6f\n", rate);
	t.check(rate > expect * 0.995 && rate < expect * 1.005,
		"rate %.5f, expected %.5f (no bubbles across windows)", rate,
		expect);
}

static void test_flush(Tally &t, Core &c)
{
	std::mt19937 r(4242);
	random_targets(c, r);
	Job a, b;
	random_job(r, a, r(), 1u << 20, 0x55);
	random_job(r, b, r(), 4096, 0x66);
	c.got.clear();
	c.submit(a);
	for (int i = 0; i < 3000; i++)
		c.tick();
	c.tb.m->flush_i = 1;
	c.tick();
	c.tb.m->flush_i = 0;
	int k = 0;
	c.tb.m->eval();
	while (!c.tb.m->idle_o && k < 10) {
		c.tick();
		k++;
	}
	t.check(c.tb.m->idle_o, "flush: core not idle after flush");
	// whatever came out of the flushed job must be real shares
	std::vector<Share> before = c.got;
	c.got.clear();
	std::vector<Share> want;
	c.expect(b, want);
	bool ok = c.submit(b) && c.wait_idle();
	t.check(ok, "flush: next window did not finish");
	std::vector<Share> flushed;
	for (auto &s : before)
		if (s.tag == 0x55)
			flushed.push_back(s);
	for (auto &s : c.got)
		if (s.tag == 0x55)
			flushed.push_back(s);
	std::vector<Share> clean;
	for (auto &s : c.got)
		if (s.tag == 0x66)
			clean.push_back(s);
	same_sets(t, "flush: window after flush", clean, want);
	int bad = 0;
	for (auto &s : flushed) {
		uint8_t hash[32];
		work_hash_from_midstate(a.mid, a.tail, s.nonce, hash);
		if (work_classify(hash, c.tgt, c.en, SLOTS) != s.map)
			bad++;
	}
	t.check(bad == 0, "flush: %d wrong shares from the flushed window", bad);
}

static void test_overflow(Tally &t, Core &c)
{
	std::mt19937 r(777);
	random_targets(c, r);
	Job a;
	random_job(r, a, r(), 32768, 0x77);
	std::vector<Share> want;
	c.expect(a, want);
	c.got.clear();
	uint32_t ov0 = c.tb.m->share_overflow_o;
	c.ready_pct = 0;
	bool ok = c.submit(a);
	// idle_o ignores the share FIFO; wait until the core is idle
	for (uint64_t g = 0; ok && g < 5000000; g++) {
		c.tb.m->eval();
		if (c.tb.m->idle_o)
			break;
		c.tick();
	}
	c.ready_pct = 100;
	ok = ok && c.wait_idle();
	uint32_t dropped = c.tb.m->share_overflow_o - ov0;
	t.check(ok, "overflow: core did not finish");
	t.check(want.size() > (size_t)FIFO_CAP, "overflow: only %zu shares",
		want.size());
	t.check(c.got.size() == (size_t)FIFO_CAP &&
		dropped == want.size() - FIFO_CAP,
		"overflow: got %zu, dropped %u, want %zu", c.got.size(), dropped,
		want.size());
	std::sort(want.begin(), want.end());
	int extra = 0;
	for (auto &s : c.got)
		if (!std::binary_search(want.begin(), want.end(), s))
			extra++;
	t.check(extra == 0, "overflow: %d shares that are not shares", extra);
}

int main(int argc, char **argv)
{
	Tally t("test_hash_core_" CFG_NAME);
	std::printf("config %s: LOOP_LOG2=%d PIPELINES=%d\n", CFG_NAME,
		    CFG_LOOP_LOG2, CFG_PIPELINES);
	// Heap-allocated and finished by hand: sim/testb.h destroys its
	// VerilatedContext before the model, which hangs in Verilator 5.006
	// (reported to the lead); final() is called here instead.
	Core &c = *new Core(argc, argv);
	bool rate_only = false; // +rate-only: the throughput for make bench
	for (int i = 1; i < argc; i++)
		rate_only = rate_only || std::strcmp(argv[i], "+rate-only") == 0;
	if (!rate_only) {
		test_headers(t, c);
		test_random(t, c);
	}
	test_rate(t, c);
	if (!rate_only) {
		test_flush(t, c);
		test_overflow(t, c);
	}
	std::printf("%llu clocks simulated\n", (unsigned long long)c.tb.cycles());
	c.tb.m->final();
	int rc = t.finish();
	std::fflush(stdout);
	std::_Exit(rc);
}
