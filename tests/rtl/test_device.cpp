// Whole-device test: tandem_device driven only through its byte streams,
// with frames built by the C codec (host/lib/proto.c) and jobs built by
// the C reference model (host/lib/job.c). Every share the device sends is
// recomputed with the model (job_proto_hash + work_classify).
// Built twice. The full device (STRATUM=1, test_device) runs
//   info      INFO matches the build parameters; NAKs for bad frames
//   blocks    every block of blocks.json: the real nonce with the real
//             extranonce2 (and rolled version), nbits slot + aux slots
//   rolled    the BIP320 capture of stratum_jobs.json (mask 1fffe000)
//   diff      easy targets over many en2/version values: the device's
//             shares equal the model's set over a fully scanned range
//   faults    garbage, flipped bits, truncated frames; counters
//   flush     FLUSH during a busy sweep: no old share after the ACK
//   run       RUN 0 stops hashing, RUN 1 resumes
// The header-mode-only device (STRATUM=0, test_device_lite, DEV_STRATUM=0)
// runs
//   info      INFO says header mode only; Stratum JOBs get NAK MODE
//   faults    as above
//   headers   every real header of headers.json: its nonce found in a
//             window, slot 0 = nbits target, slot 1 = its hash exactly
//             (met) or one less (not met); the window's shares equal the
//             model's set, the window is hashed once
//   queue     QUEUE / BUSY, QUEUE on an idle device, replace (queued and
//             buffered jobs dropped), FLUSH, Stratum NAKs with a queue
//   nak run   Stratum JOBs refused mid-window, the window's shares intact;
//             RUN 0 / 1
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <set>
#include <tuple>
#include <vector>

#include "Vtandem_device.h"
#include "tandem_err.h"
#include "test_job_util.h"
#include "testb.h"

#ifndef DEV_PIPELINES
#define DEV_PIPELINES 2
#endif
#ifndef DEV_LOOP_LOG2
#define DEV_LOOP_LOG2 3
#endif
#ifndef DEV_SLOTS
#define DEV_SLOTS 4
#endif
#ifndef DEV_CLK_HZ
#define DEV_CLK_HZ 50000000
#endif
#ifndef DEV_STRATUM
#define DEV_STRATUM 1
#endif

namespace {

struct Rx {
	struct proto_frame f;
	uint64_t cycle;
	size_t index; // position in the device's frame stream
};

class Dev {
public:
	Dev(int argc, char **argv) : tb(argc, argv, "test_device")
	{
		tb.m->rx_valid_i = 0;
		tb.m->rx_data_i = 0;
		tb.m->tx_ready_i = 1;
		tb.reset();
	}

	// One clock: a byte offered to the device, a byte taken from it.
	void step()
	{
		auto &m = *tb.m;
		bool offer = !out.empty() && (gap_pct == 0 ||
					      (int)(rng() % 100) >= gap_pct);
		m.rx_valid_i = offer;
		m.rx_data_i = offer ? out.front() : 0;
		m.tx_ready_i = (int)(rng() % 100) >= tx_stall_pct;
		m.eval();
		bool took = offer && m.rx_ready_o;
		bool got = m.tx_valid_o && m.tx_ready_i;
		uint8_t b = m.tx_data_o;
		tb.tick();
		if (took)
			out.pop_front();
		if (got) {
			in.push_back(b);
			parse();
		}
	}

	void parse()
	{
		for (;;) {
			Rx r;
			size_t used = 0;
			int rc = proto_frame_decode(in.data(), in.size(), &r.f,
						    &used);
			if (rc == TANDEM_ERR_FRAME_SHORT && used == 0)
				return;
			if (rc == 0) {
				r.cycle = tb.cycles();
				r.index = nframes++;
				if (r.f.type == PROTO_SHARE)
					shares.push_back(r);
				else
					replies.push_back(r);
			} else if (rc != TANDEM_ERR_FRAME_SHORT) {
				bad_rx++;
			}
			in.erase(in.begin(), in.begin() + (long)used);
			if (rc == TANDEM_ERR_FRAME_SHORT)
				return;
		}
	}

	void send_raw(const uint8_t *p, size_t n)
	{
		out.insert(out.end(), p, p + n);
	}

	uint8_t send(uint8_t type, const uint8_t *p, size_t n)
	{
		uint8_t buf[TANDEM_MAX_FRAME];
		uint8_t s = seq++;
		int len = proto_frame_encode(type, s, p, n, buf, sizeof(buf));
		if (len < 0) {
			std::fprintf(stderr, "encode failed\n");
			std::exit(2);
		}
		send_raw(buf, (size_t)len);
		return s;
	}

	// Runs until the reply to seq arrives (or limit clocks pass).
	bool reply(uint8_t s, Rx &r, uint64_t limit = 200000)
	{
		uint64_t end = tb.cycles() + limit;
		while (tb.cycles() < end) {
			for (size_t i = 0; i < replies.size(); i++) {
				const struct proto_frame &f = replies[i].f;
				bool match = false;
				if (f.type == PROTO_ACK || f.type == PROTO_NAK)
					match = f.len >= 2 && f.payload[1] == s;
				else
					match = f.seq == s;
				if (match) {
					r = replies[i];
					replies.erase(replies.begin() + (long)i);
					return true;
				}
			}
			step();
		}
		return false;
	}

	// Sends a command and waits for its answer.
	bool command(uint8_t type, const uint8_t *p, size_t n, Rx &r)
	{
		return reply(send(type, p, n), r);
	}

	bool ack(uint8_t type, const uint8_t *p, size_t n)
	{
		Rx r;
		return command(type, p, n, r) && r.f.type == PROTO_ACK &&
		       r.f.payload[0] == type;
	}

	bool status(struct proto_status &st)
	{
		Rx r;
		if (!command(PROTO_STATUS_GET, nullptr, 0, r) ||
		    r.f.type != PROTO_STATUS)
			return false;
		return proto_status_unpack(r.f.payload, r.f.len, &st) == 0;
	}

	bool job(const struct proto_job &pj)
	{
		uint8_t buf[TANDEM_MAX_PAYLOAD];
		int n = proto_job_pack(&pj, buf, sizeof(buf));
		Rx r;
		if (n <= 0 || !command(PROTO_JOB, buf, (size_t)n, r))
			return false;
		if (r.f.type == PROTO_NAK)
			std::printf("JOB refused: reason %u detail %u\n",
				    r.f.payload[2], r.f.payload[3]);
		return r.f.type == PROTO_ACK && r.f.payload[0] == PROTO_JOB;
	}

	bool targets(const struct proto_target *t, size_t n)
	{
		uint8_t buf[TANDEM_MAX_PAYLOAD];
		int len = proto_targets_pack(t, n, buf, sizeof(buf));
		return len > 0 && ack(PROTO_TARGET_SET, buf, (size_t)len);
	}

	bool flush(uint16_t gen, Rx &r)
	{
		uint8_t p[2];
		proto_flush_pack(gen, p, sizeof(p));
		return command(PROTO_FLUSH, p, 2, r) && r.f.type == PROTO_ACK;
	}

	void run_for(uint64_t n)
	{
		for (uint64_t i = 0; i < n; i++)
			step();
	}

	TestBench<Vtandem_device> tb;
	std::deque<uint8_t> out;
	std::vector<uint8_t> in;
	std::vector<Rx> replies, shares;
	std::mt19937 rng{4242};
	uint8_t seq = 1;
	size_t nframes = 0;
	int bad_rx = 0;
	int gap_pct = 0;
	int tx_stall_pct = 0;
};

// Target slots loaded into the device (mirrors for work_classify).
struct Slots {
	uint8_t t[DEV_SLOTS][32];
	uint8_t en[DEV_SLOTS];
};

bool load_slots(Dev &d, const Slots &s)
{
	struct proto_target t[DEV_SLOTS];
	for (unsigned i = 0; i < DEV_SLOTS; i++) {
		t[i].slot = (uint8_t)i;
		t[i].flags = s.en[i] ? PROTO_TARGET_ENABLE : 0;
		std::memcpy(t[i].target, s.t[i], 32);
	}
	return d.targets(t, DEV_SLOTS);
}

// 256-bit little-endian minus one.
void dec256(uint8_t *v)
{
	for (int i = 0; i < 32; i++)
		if (v[i]-- != 0)
			break;
}

// Recomputes one SHARE with the model. Returns its hash in h.
bool share_ok(Tally &t, const struct proto_share &s,
	      const struct proto_job &pj, const Slots &sl, uint8_t h[32],
	      const char *what)
{
	int rc = job_proto_hash(&pj, s.en2, s.version, s.nonce, h);
	uint32_t want = work_classify(h, (const uint8_t(*)[32])sl.t, sl.en,
				      DEV_SLOTS);
	return t.check(rc == 0 && want == s.slots && want != 0 &&
			       s.job_id == pj.job_id &&
			       s.generation == pj.generation &&
			       s.ntime == pj.ntime &&
			       s.en2_size == (pj.mode ? pj.en2_size : 0) &&
			       s.pipeline < DEV_PIPELINES,
		       "%s: share nonce %08x version %08x slots %x (model %x)",
		       what, s.nonce, s.version, s.slots, want);
}

bool get_share(const Rx &r, struct proto_share &s)
{
	return proto_share_unpack(r.f.payload, r.f.len, &s) == 0;
}

// ---- tests ----------------------------------------------------------------

void test_info(Tally &t, Dev &d)
{
	Rx r;
	struct proto_info in;
	bool ok = d.command(PROTO_INFO_GET, nullptr, 0, r) &&
		  r.f.type == PROTO_INFO &&
		  proto_info_unpack(r.f.payload, r.f.len, &in) == 0;
	if (t.check(ok, "info: answer")) {
		t.check(in.proto_version == TANDEM_PROTO_VERSION &&
				in.pipelines == DEV_PIPELINES &&
				in.loop_log2 == DEV_LOOP_LOG2 &&
				in.target_slots == DEV_SLOTS &&
				in.clock_hz == DEV_CLK_HZ,
			"info: core parameters");
		t.check(in.max_payload == 108 + 512 + 512 &&
				in.max_rem_bytes == 512 && in.max_branch == 16 &&
				in.max_version_bits >= 24 &&
				in.work_modes == (PROTO_MODE_HEADER |
						  PROTO_MODE_STRATUM) &&
				in.en2_max == 8,
			"info: job limits");
	}
	// Refusals: every command is answered, the device changes nothing.
	uint8_t junk[4] = {1, 2, 3, 4};
	ok = d.command(0x42, junk, 4, r);
	t.check(ok && r.f.type == PROTO_NAK && r.f.payload[0] == 0x42 &&
			r.f.payload[2] == PROTO_NAK_TYPE,
		"nak: unknown type");
	ok = d.command(PROTO_INFO_GET, junk, 1, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_LENGTH,
		"nak: INFO_GET with a payload");
	ok = d.command(PROTO_RUN, junk, 2, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_LENGTH,
		"nak: RUN length");
	struct proto_target tg[1] = {};
	tg[0].slot = DEV_SLOTS;
	tg[0].flags = 1;
	uint8_t buf[TANDEM_MAX_PAYLOAD];
	int n = proto_targets_pack(tg, 1, buf, sizeof(buf));
	ok = d.command(PROTO_TARGET_SET, buf, (size_t)n, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_LIMIT,
		"nak: target slot beyond the device's");
	ok = d.command(PROTO_TARGET_SET, buf, (size_t)n - 1, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_LENGTH,
		"nak: TARGET_SET length");
	// JOB refusals, built from a real block.
	auto blocks = tj::load_blocks();
	const tj::Block &b = blocks[0];
	struct proto_job pj;
	job_proto_stratum(&b.js, b.en1.data(), b.en1.size(), b.en2.data(),
			  b.en2.size(), 0, 0, 16, &pj);
	pj.generation = 5;
	n = proto_job_pack(&pj, buf, sizeof(buf));
	ok = d.command(PROTO_JOB, buf, (size_t)n, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_STALE,
		"nak: JOB of another generation");
	pj.generation = 0;
	n = proto_job_pack(&pj, buf, sizeof(buf));
	buf[96] = 0; // rem_blocks 0
	ok = d.command(PROTO_JOB, buf, (size_t)n, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_FIELD &&
			r.f.payload[3] == 96,
		"nak: JOB rem_blocks 0");
	n = proto_job_pack(&pj, buf, sizeof(buf));
	ok = d.command(PROTO_JOB, buf, (size_t)n - 32, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_LENGTH,
		"nak: JOB length");
	buf[0] = 7;
	ok = d.command(PROTO_JOB, buf, (size_t)n, r);
	t.check(ok && r.f.type == PROTO_NAK &&
			r.f.payload[2] == PROTO_NAK_MODE,
		"nak: JOB mode");
	struct proto_status st;
	ok = d.status(st);
	// type, INFO_GET, RUN, TARGET_SET and JOB length errors
	t.check(ok && st.frame_errors == 5 && st.crc_errors == 0 &&
			!(st.state & PROTO_STATE_JOB) &&
			(st.state & PROTO_STATE_RUNNING),
		"status after refusals: frame errors %u", st.frame_errors);
}

// Version mask of two bits taken from the rolled bits of v (or 0).
uint32_t two_bits(uint32_t v)
{
	if ((v >> 29) != 1)
		return 0;
	uint32_t bits = v & 0x1fffe000u, m = 0;
	for (int i = 13; i < 29 && __builtin_popcount(m) < 2; i++)
		if (bits & (1u << i))
			m |= 1u << i;
	return __builtin_popcount(m) == 2 ? m : 0;
}

void test_blocks(Tally &t, Dev &d)
{
	auto blocks = tj::load_blocks();
	uint32_t id = 0x1000;
	for (auto &b : blocks) {
		const char *name = b.id.c_str();
		size_t n2 = b.en2.size();
		uint8_t en2[8] = {0};
		std::memcpy(en2, b.en2.data(), n2);
		tj::en2_add(en2, n2, -2);
		// Rolled blocks: two of their rolled bits are left to the
		// device, starting from zero, so version rolling must find
		// the real version (the 4th value of every extranonce2).
		uint32_t mask = two_bits(b.version);
		struct proto_job pj;
		int rc = job_proto_stratum(&b.js, b.en1.data(), b.en1.size(),
					   en2, n2, mask, b.nonce - 20, 40, &pj);
		if (!t.check(rc == 0, "%s: job", name))
			continue;
		pj.version = b.version & ~mask;
		pj.job_id = id++;
		uint8_t hash[32];
		job_proto_hash(&pj, b.en2.data(), b.version, b.nonce, hash);
		t.check(work_hash_meets(hash, b.target),
			"%s: model finds the real block", name);
		Slots s = {};
		std::memcpy(s.t[0], b.target, 32); // parent: nbits
		std::memcpy(s.t[1], hash, 32);     // aux: equal -> met
		std::memcpy(s.t[2], hash, 32);     // aux: one less -> not met
		dec256(s.t[2]);
		s.en[0] = s.en[1] = s.en[2] = 1;
		t.check(load_slots(d, s), "%s: targets", name);
		d.shares.clear();
		if (!t.check(d.job(pj), "%s: JOB acked", name))
			continue;
		bool found = false;
		uint64_t end = d.tb.cycles() + 400000;
		while (!found && d.tb.cycles() < end) {
			d.step();
			for (auto &r : d.shares) {
				struct proto_share sh;
				if (!get_share(r, sh) || sh.job_id != pj.job_id)
					continue;
				uint8_t h[32];
				share_ok(t, sh, pj, s, h, name);
				if (sh.nonce == b.nonce &&
				    std::memcmp(sh.en2, b.en2.data(), n2) == 0 &&
				    sh.version == b.version) {
					found = true;
					t.check(sh.slots == 0x3,
						"%s: slots %x, want parent+aux",
						name, sh.slots);
				}
			}
			d.shares.clear();
		}
		t.check(found, "%s: real nonce %08x returned (mask %08x)",
			name, b.nonce, mask);
	}
}

// The BIP320 capture: notify + subscribe + configure + submit.
void test_rolled_capture(Tally &t, Dev &d)
{
	json_t *root = tj::load_vectors("stratum_jobs.json");
	json_t *jobs = json_object_get(root, "jobs");
	size_t i;
	json_t *j;
	json_array_foreach(jobs, i, j)
	{
		if (!json_object_get(j, "version_mask"))
			continue;
		const char *name = tj::str_of(j, "id");
		json_t *nt = json_object_get(j, "notify");
		json_t *sub = json_object_get(j, "submit");
		if (!nt || !sub || !json_is_object(sub))
			continue;
		std::vector<const char *> br;
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(nt, "merkle_branch"), k, e)
			br.push_back(json_string_value(e));
		struct job_notify_hex nh = {};
		nh.job_id = tj::str_of(nt, "job_id");
		nh.prevhash = tj::str_of(nt, "prevhash");
		nh.coinb1 = tj::str_of(nt, "coinb1");
		nh.coinb2 = tj::str_of(nt, "coinb2");
		nh.branch = br.data();
		nh.branch_count = br.size();
		nh.version = tj::str_of(nt, "version");
		nh.nbits = tj::str_of(nt, "nbits");
		nh.ntime = tj::str_of(nt, "ntime");
		static struct job_stratum js;
		if (!t.check(job_from_notify(&js, &nh) == 0, "%s: notify", name))
			continue;
		std::vector<uint8_t> en1 = tj::hex_of(tj::str_of(j, "extranonce1"));
		std::vector<uint8_t> en2 = tj::hex_of(tj::str_of(sub, "extranonce2"));
		uint32_t mask = (uint32_t)std::strtoul(
			tj::str_of(j, "version_mask"), nullptr, 16);
		uint32_t bits = (uint32_t)std::strtoul(
			tj::str_of(sub, "version_bits"), nullptr, 16);
		uint32_t nonce = (uint32_t)std::strtoul(tj::str_of(sub, "nonce"),
							nullptr, 16);
		js.ntime = (uint32_t)std::strtoul(tj::str_of(sub, "ntime"),
						  nullptr, 16);
		uint32_t version = work_version_roll(js.version, mask, bits);
		struct proto_job pj;
		int rc = job_proto_stratum(&js, en1.data(), en1.size(),
					   en2.data(), en2.size(), mask,
					   nonce - 10, 24, &pj);
		if (!t.check(rc == 0, "%s: job", name))
			continue;
		// Start two version steps before the submitted one.
		uint32_t v0 = version;
		for (int s = 0; s < 65534; s++)
			v0 = work_version_next(v0, mask);
		t.check(work_version_next(work_version_next(v0, mask), mask) ==
				version,
			"%s: start version", name);
		pj.version = v0;
		pj.job_id = 0x2000;
		Slots s = {};
		work_difficulty_to_target(256, s.t[0]);
		s.en[0] = 1;
		t.check(load_slots(d, s), "%s: targets", name);
		d.shares.clear();
		if (!t.check(d.job(pj), "%s: JOB", name))
			continue;
		bool found = false;
		uint64_t end = d.tb.cycles() + 200000;
		while (!found && d.tb.cycles() < end) {
			d.step();
			for (auto &r : d.shares) {
				struct proto_share sh;
				uint8_t h[32];
				if (!get_share(r, sh) || sh.job_id != pj.job_id)
					continue;
				share_ok(t, sh, pj, s, h, name);
				found |= sh.nonce == nonce && sh.version == version;
			}
			d.shares.clear();
		}
		t.check(found, "%s: rolled share %08x/%08x found", name, nonce,
			version);
	}
	json_decref(root);
}

// Easy targets, many en2/version values, a fully scanned range.
void test_differential(Tally &t, Dev &d, const tj::Block &b)
{
	Rx r;
	t.check(d.flush(1, r), "diff: flush");
	const uint32_t mask = 0x00018000u, win = 128, start = 0x01000000u;
	const unsigned versions = 4, en2_steps = 5;
	struct proto_job pj;
	uint8_t en2[8] = {0xfe, 0xff, 0, 0, 0, 0, 0, 0}; // carries into byte 2
	job_proto_stratum(&b.js, b.en1.data(), b.en1.size(), en2, 3, mask,
			  start, win, &pj);
	pj.generation = 1;
	pj.job_id = 0x3000;
	Slots s = {};
	// slot 0 about 1 in 64 hashes, slot 1 about 1 in 256, slot 2
	// disabled. (The core re-checks a candidate in about 140 clocks and
	// throttles hashing when they come faster; the range is compared
	// once the device is well past it, so nothing is still queued.)
	std::memset(s.t[0], 0xff, 32);
	s.t[0][31] = 0x03;
	std::memset(s.t[1], 0xff, 32);
	s.t[1][31] = 0x00;
	std::memset(s.t[2], 0xff, 32);
	s.en[0] = s.en[1] = 1;
	t.check(load_slots(d, s), "diff: targets");
	// The model's answer over the first versions*en2_steps windows.
	std::set<std::tuple<uint64_t, uint32_t, uint32_t>> want, got;
	uint8_t cur[8];
	std::memcpy(cur, en2, 8);
	uint32_t ver = 0;
	for (unsigned e = 0; e < en2_steps; e++) {
		ver = pj.version;
		for (unsigned v = 0; v < versions; v++) {
			for (uint32_t n = start; n < start + win; n++) {
				uint8_t h[32];
				job_proto_hash(&pj, cur, ver, n, h);
				if (work_classify(h, (const uint8_t(*)[32])s.t,
						  s.en, DEV_SLOTS))
					want.insert(std::make_tuple(
						tj::le32(cur) & 0xffffffu, ver,
						n));
			}
			ver = work_version_next(ver, mask);
		}
		job_en2_increment(cur, 3);
	}
	struct proto_status st0;
	t.check(d.status(st0), "diff: status");
	d.shares.clear();
	t.check(d.job(pj), "diff: JOB");
	// Hash well past the scanned range, then stop and collect.
	struct proto_status st;
	uint64_t need = (uint64_t)win * versions * (en2_steps + 2);
	for (int i = 0; i < 400; i++) {
		d.run_for(2000);
		bool ok = d.status(st);
		if (ok && st.hashes - st0.hashes >= need)
			break;
	}
	st.hashes -= st0.hashes;
	st.rolls -= st0.rolls;
	t.check(st.hashes >= need, "diff: hashed %llu",
		(unsigned long long)st.hashes);
	d.run_for(3000);
	t.check(d.flush(2, r), "diff: flush at the end");
	int bad = 0, later = 0;
	for (auto &x : d.shares) {
		struct proto_share sh;
		uint8_t h[32];
		if (!get_share(x, sh) || sh.generation != 1)
			continue;
		if (!share_ok(t, sh, pj, s, h, "diff"))
			bad++;
		auto key = std::make_tuple(tj::le32(sh.en2) & 0xffffffu,
					   sh.version, sh.nonce);
		if (got.count(key))
			bad++;
		got.insert(key);
		if (!want.count(key))
			later++; // beyond the compared range (checked above)
	}
	int missing = 0;
	for (auto &k : want)
		if (!got.count(k)) {
			missing++;
			std::printf("missing: en2 %06llx version %08x nonce %08x\n",
				    (unsigned long long)std::get<0>(k),
				    std::get<1>(k), std::get<2>(k));
		}
	std::printf("diff: %zu shares expected in range, %zu received, "
		    "%d beyond it, %u rolls, %llu hashes\n",
		    want.size(), got.size(), later, st.rolls,
		    (unsigned long long)st.hashes);
	t.check(want.size() > 20, "diff: enough expected shares");
	t.check(missing == 0, "diff: %d shares missing", missing);
	t.check(bad == 0, "diff: %d bad or duplicate shares", bad);
	t.check(st.rolls >= versions * en2_steps, "diff: rolls %u", st.rolls);
	t.check(st.fifo_overflows == st0.fifo_overflows, "diff: overflows %u",
		st.fifo_overflows);
}

// FLUSH in a busy sweep: nothing of the old generation after its ACK.
void test_flush(Tally &t, Dev &d, const tj::Block &b)
{
	struct proto_job pj;
	job_proto_stratum(&b.js, b.en1.data(), b.en1.size(), b.en2.data(),
			  b.en2.size(), 0x1fffe000u, 0, 0, &pj);
	Slots s = {};
	std::memset(s.t[0], 0xff, 32);
	s.t[0][31] = 0x1f;
	s.en[0] = 1;
	t.check(load_slots(d, s), "flush: targets");
	uint16_t gen = 2;
	for (int round = 0; round < 3; round++) {
		pj.generation = gen;
		pj.job_id = 0x4000u + (unsigned)round;
		d.shares.clear();
		t.check(d.job(pj), "flush %d: JOB", round);
		d.tx_stall_pct = 30 * round; // let shares pile up
		d.run_for(3000 + 2000 * (unsigned)round);
		Rx r;
		t.check(d.flush((uint16_t)(gen + 1), r), "flush %d: ACK", round);
		t.check(r.f.len == 4 && r.f.payload[2] == ((gen + 1) & 0xff),
			"flush %d: ACK carries the new generation", round);
		size_t before = 0, after = 0;
		for (auto &x : d.shares) {
			struct proto_share sh;
			get_share(x, sh);
			if (x.index > r.index && sh.generation == gen)
				after++;
			else
				before++;
		}
		d.run_for(5000);
		for (auto &x : d.shares) {
			struct proto_share sh;
			get_share(x, sh);
			if (x.index > r.index && sh.generation == gen)
				after++;
		}
		t.check(before > 0, "flush %d: shares before the flush", round);
		t.check(after == 0, "flush %d: %zu old shares after the ACK",
			round, after);
		gen++;
	}
	d.tx_stall_pct = 0;
}

void test_run(Tally &t, Dev &d, const tj::Block &b)
{
	struct proto_job pj;
	job_proto_stratum(&b.js, b.en1.data(), b.en1.size(), b.en2.data(),
			  b.en2.size(), 0x1fffe000u, 0, 0, &pj);
	struct proto_status st0, st1, st2;
	d.status(st0);
	pj.generation = st0.generation;
	pj.job_id = 0x5000;
	t.check(d.job(pj), "run: JOB");
	uint8_t p[1] = {0};
	t.check(d.ack(PROTO_RUN, p, 1), "run: RUN 0");
	d.status(st1);
	d.run_for(3000);
	d.status(st2);
	t.check(!(st2.state & PROTO_STATE_RUNNING) &&
			(st2.state & PROTO_STATE_JOB) && st2.hashes == st1.hashes,
		"run: stopped (%llu -> %llu)", (unsigned long long)st1.hashes,
		(unsigned long long)st2.hashes);
	p[0] = 1;
	t.check(d.ack(PROTO_RUN, p, 1), "run: RUN 1");
	d.run_for(3000);
	d.status(st1);
	t.check((st1.state & PROTO_STATE_RUNNING) && st1.hashes > st2.hashes &&
			st1.job_id == 0x5000,
		"run: running again");
	t.check(std::memcmp(st1.en2, b.en2.data(), b.en2.size()) == 0 &&
			(st1.version & ~0x1fffe000u) ==
				(b.js.version & ~0x1fffe000u),
		"run: status en2/version of the sweep");
}

// Link faults: the device keeps answering and counts what it dropped.
void test_faults(Tally &t, Dev &d)
{
	struct proto_status st0, st1;
	t.check(d.status(st0), "faults: status");
	// Garbage without a sync byte between frames: skipped, not counted.
	std::vector<uint8_t> g;
	for (int i = 0; i < 300; i++) {
		uint8_t v = (uint8_t)d.rng();
		g.push_back(v == 0xa5 ? 0x11 : v);
	}
	d.send_raw(g.data(), g.size());
	uint8_t frame[TANDEM_MAX_FRAME];
	// A frame with one flipped payload bit, one with a flipped header
	// bit, and a truncated JOB frame that swallows the next frame.
	uint8_t p[1] = {1};
	int n = proto_frame_encode(PROTO_RUN, 0x70, p, 1, frame, sizeof(frame));
	frame[8] ^= 0x04;
	d.send_raw(frame, (size_t)n);
	n = proto_frame_encode(PROTO_INFO_GET, 0x71, nullptr, 0, frame,
			       sizeof(frame));
	frame[5] ^= 0x01;
	d.send_raw(frame, (size_t)n);
	uint8_t big[200];
	std::memset(big, 0x33, sizeof(big));
	n = proto_frame_encode(PROTO_JOB, 0x72, big, sizeof(big), frame,
			       sizeof(frame));
	d.send_raw(frame, 60);
	d.gap_pct = 20;
	// The truncated frame is only known bad once its length is reached:
	// the STATUS_GET behind it, then filler, make the receiver reject it
	// and find the STATUS_GET again in the bytes it replays.
	uint8_t s_seq = d.send(PROTO_STATUS_GET, nullptr, 0);
	std::vector<uint8_t> fill(220, 0x00);
	d.send_raw(fill.data(), fill.size());
	Rx r0;
	t.check(d.reply(s_seq, r0) && r0.f.type == PROTO_STATUS &&
			proto_status_unpack(r0.f.payload, r0.f.len, &st1) == 0,
		"faults: answers after garbage");
	t.check(st1.crc_errors == st0.crc_errors + 3,
		"faults: crc errors %u -> %u", st0.crc_errors, st1.crc_errors);
	// Random bytes with sync bytes in them, then normal service.
	for (int i = 0; i < 400; i++)
		g[i % g.size()] = (uint8_t)d.rng();
	g.push_back(0xa5);
	g.push_back(0x5a);
	d.send_raw(g.data(), g.size());
	Rx r;
	t.check(d.command(PROTO_INFO_GET, nullptr, 0, r) &&
			r.f.type == PROTO_INFO,
		"faults: INFO after random bytes");
	t.check(d.status(st1), "faults: status again");
	t.check(st1.crc_errors + st1.frame_errors >
			st0.crc_errors + st0.frame_errors,
		"faults: errors counted");
	t.check(d.bad_rx == 0, "faults: device frames all well formed");
	d.gap_pct = 0;
}


#if DEV_STRATUM == 0
// ---- header-mode-only device (STRATUM=0) ------------------------------------
// Every expected share comes from the C model over the whole nonce window
// (job_proto_hash + work_classify), so a window's shares must equal the
// model's set exactly: nothing missing, nothing extra, no duplicate.

// Clocks after the last nonce is issued for its candidates to be
// re-checked and their SHARE frames sent.
const uint64_t kDrain = 3000;

using ShareMap = std::map<uint32_t, uint32_t>; // nonce -> slot bits

ShareMap model_window(const struct proto_job &pj, const Slots &s)
{
	ShareMap m;
	uint64_t n = pj.nonce_count ? pj.nonce_count : (1ull << 32);
	const uint8_t en2[8] = {0};
	for (uint64_t k = 0; k < n; k++) {
		uint32_t nonce = pj.nonce_start + (uint32_t)k;
		uint8_t h[32];
		job_proto_hash(&pj, en2, pj.version, nonce, h);
		uint32_t c = work_classify(h, (const uint8_t(*)[32])s.t, s.en,
					   DEV_SLOTS);
		if (c)
			m[nonce] = c;
	}
	return m;
}

// A share of a header job: model-checked (share_ok), version echoed,
// no extranonce2. Returns false for a share of another job.
bool header_share(Tally &t, const Rx &r, const struct proto_job &pj,
		  const Slots &s, ShareMap &got, int &dups, const char *what)
{
	struct proto_share sh;
	if (!get_share(r, sh) || sh.job_id != pj.job_id)
		return false;
	uint8_t h[32];
	share_ok(t, sh, pj, s, h, what);
	static const uint8_t zero[8] = {0};
	t.check(sh.version == pj.version &&
			std::memcmp(sh.en2, zero, 8) == 0,
		"%s: share version %08x / extranonce2 of a header job", what,
		sh.version);
	if (got.count(sh.nonce))
		dups++;
	got[sh.nonce] = sh.slots;
	return true;
}

// The window's shares against the model's set.
void compare_window(Tally &t, const ShareMap &want, const ShareMap &got,
		    int dups, const char *what)
{
	int missing = 0, extra = 0;
	for (auto &w : want) {
		auto it = got.find(w.first);
		if (it == got.end() || it->second != w.second) {
			missing++;
			std::printf("%s: missing nonce %08x slots %x\n", what,
				    w.first, w.second);
		}
	}
	for (auto &g : got)
		if (!want.count(g.first))
			extra++;
	t.check(missing == 0 && extra == 0 && dups == 0,
		"%s: %zu shares, model %zu: %d missing, %d extra, %d "
		"duplicates",
		what, got.size(), want.size(), missing, extra, dups);
}

// Runs until `hashes` nonces more than st0 have been hashed, then drains.
bool hash_through(Dev &d, const struct proto_status &st0, uint64_t hashes,
		  struct proto_status &st, uint64_t limit)
{
	uint64_t end = d.tb.cycles() + limit;
	while (d.tb.cycles() < end) {
		d.run_for(400);
		if (d.status(st) && st.hashes - st0.hashes >= hashes) {
			d.run_for(kDrain);
			return d.status(st);
		}
	}
	return false;
}

bool send_job(Dev &d, const struct proto_job &pj, Rx &r)
{
	uint8_t buf[TANDEM_MAX_PAYLOAD];
	int n = proto_job_pack(&pj, buf, sizeof(buf));
	return n > 0 && d.command(PROTO_JOB, buf, (size_t)n, r);
}

bool nak_is(const Rx &r, uint8_t type, uint8_t reason, uint8_t detail)
{
	return r.f.type == PROTO_NAK && r.f.len == 4 && r.f.payload[0] == type &&
	       r.f.payload[2] == reason && r.f.payload[3] == detail;
}

// A real Stratum job (blocks.json), for the MODE refusals.
struct proto_job stratum_job(uint16_t gen, uint8_t flags)
{
	auto blocks = tj::load_blocks();
	const tj::Block &b = blocks[0];
	struct proto_job pj;
	job_proto_stratum(&b.js, b.en1.data(), b.en1.size(), b.en2.data(),
			  b.en2.size(), 0, 0, 1024, &pj);
	pj.generation = gen;
	pj.flags = flags;
	pj.job_id = 0xbad0;
	return pj;
}

// Targets met by about 1 in 2^bits hashes (bits 1..8).
void easy_target(uint8_t t[32], int bits)
{
	std::memset(t, 0xff, 32);
	t[31] = (uint8_t)(0xff >> bits);
}

void test_info_lite(Tally &t, Dev &d)
{
	Rx r;
	struct proto_info in;
	bool ok = d.command(PROTO_INFO_GET, nullptr, 0, r) &&
		  r.f.type == PROTO_INFO &&
		  proto_info_unpack(r.f.payload, r.f.len, &in) == 0;
	if (t.check(ok, "lite info: answer (the host codec accepts it)")) {
		t.check(in.proto_version == TANDEM_PROTO_VERSION &&
				in.pipelines == DEV_PIPELINES &&
				in.loop_log2 == DEV_LOOP_LOG2 &&
				in.target_slots == DEV_SLOTS &&
				in.clock_hz == DEV_CLK_HZ,
			"lite info: core parameters");
		t.check(in.work_modes == PROTO_MODE_HEADER &&
				in.max_payload == 544 && in.max_rem_bytes == 0 &&
				in.max_branch == 0 && in.max_version_bits == 0 &&
				in.en2_max == 0,
			"lite info: header mode only (modes %x, payload %u, "
			"rem %u, branch %u, version bits %u, en2 %u)",
			in.work_modes, in.max_payload, in.max_rem_bytes,
			in.max_branch, in.max_version_bits, in.en2_max);
	}
	uint8_t junk[4] = {1, 2, 3, 4};
	ok = d.command(0x42, junk, 4, r);
	t.check(ok && nak_is(r, 0x42, PROTO_NAK_TYPE, 0), "lite nak: type");
	// Stratum JOBs: MODE, detail 0 (the mode field), whatever else is
	// wrong with them (here also the generation).
	struct proto_job sj = stratum_job(0, 0);
	t.check(send_job(d, sj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_MODE, 0),
		"lite nak: Stratum JOB -> MODE");
	sj = stratum_job(9, PROTO_JOB_QUEUE);
	t.check(send_job(d, sj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_MODE, 0),
		"lite nak: queued Stratum JOB of another generation -> MODE");
	// Header JOBs: generation, length, unknown mode.
	auto hs = tj::load_headers();
	struct proto_job pj;
	job_proto_header(hs[0].header, 0, 16, &pj);
	pj.generation = 3;
	t.check(send_job(d, pj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_STALE, 2),
		"lite nak: header JOB of another generation");
	pj.generation = 0;
	uint8_t buf[TANDEM_MAX_PAYLOAD];
	int n = proto_job_pack(&pj, buf, sizeof(buf));
	ok = d.command(PROTO_JOB, buf, (size_t)n - 4, r);
	t.check(ok && nak_is(r, PROTO_JOB, PROTO_NAK_LENGTH, 0),
		"lite nak: header JOB length");
	buf[0] = 2;
	ok = d.command(PROTO_JOB, buf, (size_t)n, r);
	t.check(ok && nak_is(r, PROTO_JOB, PROTO_NAK_MODE, 0),
		"lite nak: JOB mode 2");
	struct proto_status st;
	ok = d.status(st);
	// type and JOB length errors; nothing started
	t.check(ok && st.frame_errors == 2 && st.hashes == 0 &&
			!(st.state & PROTO_STATE_JOB) && st.rolls == 0,
		"lite status after refusals: frame errors %u, hashes %llu",
		st.frame_errors, (unsigned long long)st.hashes);
}

// Every real header: the real nonce in a window around it, the parent
// target from nbits in slot 0 and the block's own hash in slot 1, first
// exactly (met), then one less (not met). The window's shares must be
// the model's set and the window must be hashed exactly once.
void test_headers_lite(Tally &t, Dev &d, uint16_t gen)
{
	auto hs = tj::load_headers();
	uint32_t id = 0x6000;
	int found = 0;
	for (auto &hd : hs) {
		const char *name = hd.id.c_str();
		for (int pass = 0; pass < 2; pass++) {
			struct proto_job pj;
			// regtest/simnet (nonce 2): the window wraps past 2^32
			job_proto_header(hd.header, hd.nonce - 3, 8, &pj);
			pj.generation = gen;
			pj.job_id = id++;
			uint8_t hash[32];
			job_proto_hash(&pj, nullptr, pj.version, hd.nonce, hash);
			if (pass == 0)
				t.check(work_hash_meets(hash, hd.target),
					"%s: model finds the real block", name);
			Slots s = {};
			std::memcpy(s.t[0], hd.target, 32);
			std::memcpy(s.t[1], hash, 32);
			if (pass == 1)
				dec256(s.t[1]);
			s.en[0] = s.en[1] = 1;
			ShareMap want = model_window(pj, s), got;
			uint32_t real = pass == 0 ? 0x3 : 0x1;
			t.check(want.count(hd.nonce) && want[hd.nonce] == real,
				"%s: model slots of the real nonce", name);
			struct proto_status st0, st;
			t.check(load_slots(d, s) && d.status(st0),
				"%s: targets", name);
			d.shares.clear();
			if (!t.check(d.job(pj), "%s: JOB acked", name))
				continue;
			bool ok = hash_through(d, st0, 8, st, 200000);
			t.check(ok && st.hashes - st0.hashes == 8 &&
					!(st.state & PROTO_STATE_JOB) &&
					st.job_id == pj.job_id,
				"%s: one window hashed (%llu)", name,
				(unsigned long long)(st.hashes - st0.hashes));
			int dups = 0;
			for (auto &r : d.shares)
				header_share(t, r, pj, s, got, dups, name);
			d.shares.clear();
			compare_window(t, want, got, dups, name);
			if (got.count(hd.nonce) && got[hd.nonce] == real)
				found++;
		}
	}
	std::printf("lite headers: %zu headers, real nonce found with the "
		    "right slots %d of %zu times\n",
		    hs.size(), found, 2 * hs.size());
	t.check(found == (int)(2 * hs.size()), "lite headers: all found");
}

// QUEUE / BUSY / Stratum NAKs with a queue, then replace and FLUSH.
void test_queue_lite(Tally &t, Dev &d, uint16_t &gen)
{
	auto hs = tj::load_headers();
	Slots s = {};
	easy_target(s.t[0], 3); // ~1 in 8
	easy_target(s.t[1], 5); // ~1 in 32
	s.en[0] = s.en[1] = 1;
	t.check(load_slots(d, s), "queue: targets");
	// Jobs go in until the device says BUSY: the first is hashed, the
	// core may hold the next window (hash_pipes does, hash_lanes not),
	// the engine offers one and queues one more.
	const uint32_t win = 64;
	std::vector<struct proto_job> pj;
	std::vector<ShareMap> want, got;
	bool busy = false;
	Rx r;
	struct proto_status st0, st;
	t.check(d.status(st0), "queue: status");
	d.shares.clear();
	for (int i = 0; i < 6 && !busy; i++) {
		struct proto_job q;
		job_proto_header(hs[6 + i].header,
				 0x20000000u * (uint32_t)i + 0x1234u, win, &q);
		q.generation = gen;
		q.job_id = 0x7000u + (uint32_t)i;
		q.flags = i ? PROTO_JOB_QUEUE : 0;
		bool ok = send_job(d, q, r);
		if (ok && r.f.type == PROTO_ACK) {
			pj.push_back(q);
			want.push_back(model_window(q, s));
			got.push_back(ShareMap());
		} else {
			busy = ok && nak_is(r, PROTO_JOB, PROTO_NAK_BUSY, 0);
			t.check(busy, "queue: JOB %d: ACK or BUSY", i);
			break;
		}
	}
	size_t n = pj.size();
	t.check(busy && n >= 3 && n <= 4, "queue: BUSY after %zu jobs", n);
	if (n < 2)
		return;
	bool ok = d.status(st);
	t.check(ok &&
			(st.state & (PROTO_STATE_JOB | PROTO_STATE_QUEUED)) ==
				(PROTO_STATE_JOB | PROTO_STATE_QUEUED) &&
			st.job_id == pj[n - 2].job_id,
		"queue: one job offered, one queued (state %x, job %x)",
		st.state, st.job_id);
	// Stratum JOBs, queued or replacing, are refused and change nothing.
	struct proto_job sj = stratum_job(gen, PROTO_JOB_QUEUE);
	t.check(send_job(d, sj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_MODE, 0),
		"queue: queued Stratum JOB -> MODE");
	sj.flags = 0;
	t.check(send_job(d, sj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_MODE, 0),
		"queue: replacing Stratum JOB -> MODE");
	ok = d.status(st);
	t.check(ok && (st.state & PROTO_STATE_QUEUED) &&
			st.job_id == pj[n - 2].job_id,
		"queue: still queued after the refusals");
	ok = hash_through(d, st0, n * win, st, 4000000);
	t.check(ok && st.hashes - st0.hashes == n * win &&
			!(st.state & (PROTO_STATE_JOB | PROTO_STATE_QUEUED)) &&
			st.job_id == pj[n - 1].job_id,
		"queue: %zu windows hashed, then idle (%llu, state %x)", n,
		(unsigned long long)(st.hashes - st0.hashes), st.state);
	// Each job's shares, all before the next job's.
	std::vector<size_t> last(n, 0), first(n, SIZE_MAX);
	std::vector<int> dups(n, 0);
	int other = 0;
	for (auto &x : d.shares) {
		bool mine = false;
		for (size_t i = 0; i < n && !mine; i++)
			if (header_share(t, x, pj[i], s, got[i], dups[i],
					 "queue")) {
				mine = true;
				first[i] = std::min(first[i], x.index);
				last[i] = std::max(last[i], x.index);
			}
		if (!mine)
			other++;
	}
	d.shares.clear();
	for (size_t i = 0; i < n; i++) {
		char what[32];
		std::snprintf(what, sizeof(what), "queue job %zu", i);
		compare_window(t, want[i], got[i], dups[i], what);
		t.check(want[i].size() > 0, "%s: has shares", what);
		if (i)
			t.check(last[i - 1] < first[i], "%s: after job %zu",
				what, i - 1);
	}
	t.check(other == 0, "queue: %d shares of other jobs", other);

	// A queued JOB on an idle engine starts at once.
	struct proto_job q;
	job_proto_header(hs[11].header, 0x40000000u, win, &q);
	q.generation = gen;
	q.job_id = 0x7010;
	q.flags = PROTO_JOB_QUEUE;
	t.check(d.status(st0) && d.job(q), "queue: QUEUE on an idle device");
	ShareMap qw = model_window(q, s), qg;
	int qd = 0;
	ok = hash_through(d, st0, win, st, 1000000);
	t.check(ok && st.hashes - st0.hashes == win, "queue: it ran");
	for (auto &x : d.shares)
		header_share(t, x, q, s, qg, qd, "queue idle");
	d.shares.clear();
	compare_window(t, qw, qg, qd, "queue idle");

	// Replace: an endless job J with jobs behind it (core buffer, engine
	// offer, engine queue) up to BUSY; a replacing R drops them all, J's
	// shares stop at once.
	struct proto_job j, rj;
	job_proto_header(hs[12].header, 0x50000000u, 0, &j);
	j.generation = gen;
	j.job_id = 0x7020;
	t.check(d.job(j), "replace: endless job");
	busy = false;
	for (int i = 1; i < 6 && !busy; i++) {
		struct proto_job f = j;
		f.job_id = 0x7020u + (uint32_t)i;
		f.flags = PROTO_JOB_QUEUE;
		ok = send_job(d, f, r);
		busy = ok && nak_is(r, PROTO_JOB, PROTO_NAK_BUSY, 0);
		t.check(ok && (busy || r.f.type == PROTO_ACK),
			"replace: follower %d", i);
	}
	job_proto_header(hs[13].header, 0x60000000u, win, &rj);
	rj.generation = gen;
	rj.job_id = 0x7030;
	ok = d.status(st);
	t.check(ok && busy && (st.state & PROTO_STATE_QUEUED),
		"replace: one queued");
	d.run_for(6000);
	uint8_t rs = 0;
	{
		uint8_t buf[TANDEM_MAX_PAYLOAD];
		int n = proto_job_pack(&rj, buf, sizeof(buf));
		rs = d.send(PROTO_JOB, buf, (size_t)n);
	}
	ok = d.reply(rs, r) && r.f.type == PROTO_ACK;
	t.check(ok, "replace: JOB acked");
	uint64_t ack_cycle = r.cycle;
	ok = d.status(st0);
	t.check(ok && !(st0.state & PROTO_STATE_QUEUED),
		"replace: queued job dropped");
	ok = hash_through(d, st0, win, st, 1000000);
	t.check(ok && st.job_id == rj.job_id &&
			!(st.state & PROTO_STATE_JOB),
		"replace: replacing window done, then idle");
	ShareMap rw = model_window(rj, s), rg, jg;
	int rd = 0, jd = 0, late = 0, dropped = 0, before = 0;
	for (auto &x : d.shares) {
		if (header_share(t, x, rj, s, rg, rd, "replace"))
			continue;
		if (header_share(t, x, j, s, jg, jd, "replaced")) {
			if (x.cycle > ack_cycle + 1500)
				late++;
			else if (x.cycle < ack_cycle)
				before++;
			continue;
		}
		dropped++;
	}
	d.shares.clear();
	compare_window(t, rw, rg, rd, "replace");
	t.check(before > 0, "replace: the endless job had shares (%d)", before);
	t.check(late == 0, "replace: %d shares of the replaced job later", late);
	t.check(dropped == 0, "replace: %d shares of dropped jobs", dropped);
	// hashes stopped: the endless job and its followers are gone
	struct proto_status st2;
	d.run_for(5000);
	t.check(d.status(st2) && st2.hashes == st.hashes,
		"replace: nothing left to hash");

	// FLUSH in an endless job, shares piling up behind a slow link.
	j.job_id = 0x7040;
	t.check(d.job(j), "flush: JOB");
	d.tx_stall_pct = 60;
	d.run_for(8000);
	t.check(d.flush((uint16_t)(gen + 1), r), "flush: ACK");
	t.check(r.f.len == 4 && r.f.payload[2] == ((gen + 1) & 0xff),
		"flush: ACK carries the new generation");
	uint64_t flush_index = r.index;
	d.run_for(5000);
	d.tx_stall_pct = 0;
	size_t old_before = 0, old_after = 0;
	for (auto &x : d.shares) {
		struct proto_share sh;
		get_share(x, sh);
		if (sh.generation == gen && x.index > flush_index)
			old_after++;
		else if (sh.generation == gen)
			old_before++;
	}
	d.shares.clear();
	t.check(old_before > 0 && old_after == 0,
		"flush: %zu shares before, %zu old ones after the ACK",
		old_before, old_after);
	t.check(d.status(st) && !(st.state & PROTO_STATE_JOB) &&
			st.generation == gen + 1,
		"flush: no job, new generation");
	d.run_for(3000);
	t.check(d.status(st2) && st2.hashes == st.hashes,
		"flush: hashing stopped");
	t.check(send_job(d, rj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_STALE, 2),
		"flush: JOB of the old generation is STALE");
	gen++;
}

// A Stratum JOB during a header job: NAK MODE, and the header job's
// window still yields exactly the model's shares. Then RUN 0 / RUN 1.
void test_stratum_nak_lite(Tally &t, Dev &d, uint16_t gen)
{
	auto hs = tj::load_headers();
	Slots s = {};
	easy_target(s.t[0], 3);
	s.en[0] = 1;
	t.check(load_slots(d, s), "nak run: targets");
	const uint32_t win = 512;
	struct proto_job pj;
	job_proto_header(hs[20].header, 0x7ffffff0u, win, &pj);
	pj.generation = gen;
	pj.job_id = 0x8000;
	ShareMap want = model_window(pj, s), got;
	struct proto_status st0, st1, st;
	t.check(d.status(st0) && d.job(pj), "nak run: header JOB");
	d.run_for(win * proto_clocks_per_nonce(DEV_LOOP_LOG2) / 4);
	size_t before = d.shares.size();
	Rx r;
	struct proto_job sj = stratum_job(gen, 0);
	t.check(send_job(d, sj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_MODE, 0),
		"nak run: replacing Stratum JOB -> MODE");
	uint64_t nak_cycle = r.cycle;
	sj.flags = PROTO_JOB_QUEUE;
	t.check(send_job(d, sj, r) && nak_is(r, PROTO_JOB, PROTO_NAK_MODE, 0),
		"nak run: queued Stratum JOB -> MODE");
	bool sok = d.status(st1);
	t.check(sok && st1.job_id == pj.job_id &&
			!(st1.state & PROTO_STATE_QUEUED) &&
			st1.hashes < st0.hashes + win,
		"nak run: the header job still runs (job %x, %llu hashed)",
		st1.job_id, (unsigned long long)(st1.hashes - st0.hashes));
	bool ok = hash_through(d, st0, win, st, 4000000);
	t.check(ok && st.hashes - st0.hashes == win && st.job_id == pj.job_id,
		"nak run: whole window hashed (%llu)",
		(unsigned long long)(st.hashes - st0.hashes));
	int dups = 0, after = 0;
	for (auto &x : d.shares)
		if (header_share(t, x, pj, s, got, dups, "nak run") &&
		    x.cycle > nak_cycle)
			after++;
	d.shares.clear();
	t.check(before > 0 && after > 0,
		"nak run: shares before (%zu) and after (%d) the NAKs", before,
		after);
	compare_window(t, want, got, dups, "nak run");

	// RUN 0 stops hashing (and drops the core's work in flight,
	// docs/architecture.md); a JOB sent meanwhile waits; RUN 1 hashes it.
	job_proto_header(hs[21].header, 0, 0, &pj);
	pj.generation = gen;
	pj.job_id = 0x8001;
	t.check(d.job(pj), "lite run: endless JOB");
	d.run_for(2000);
	uint8_t p[1] = {0};
	t.check(d.ack(PROTO_RUN, p, 1), "lite run: RUN 0");
	d.status(st0);
	d.run_for(3000);
	d.status(st1);
	t.check(!(st1.state & PROTO_STATE_RUNNING) && st1.hashes == st0.hashes,
		"lite run: stopped (%llu -> %llu)",
		(unsigned long long)st0.hashes, (unsigned long long)st1.hashes);
	job_proto_header(hs[22].header, 0x10000000u, 64, &pj);
	pj.generation = gen;
	pj.job_id = 0x8002;
	want = model_window(pj, s);
	got.clear();
	dups = 0;
	t.check(d.job(pj), "lite run: JOB while stopped");
	d.run_for(3000);
	ok = d.status(st);
	t.check(ok && st.hashes == st1.hashes &&
			(st.state & PROTO_STATE_JOB) && st.job_id == 0x8002,
		"lite run: it waits (state %x)", st.state);
	d.shares.clear();
	p[0] = 1;
	t.check(d.ack(PROTO_RUN, p, 1), "lite run: RUN 1");
	ok = hash_through(d, st1, 64, st, 1000000);
	t.check(ok && (st.state & PROTO_STATE_RUNNING) &&
			st.hashes - st1.hashes == 64 && st.job_id == 0x8002 &&
			st.rolls == 0 && st.version == pj.version,
		"lite run: running again (state %x, %llu hashes, job "
		"%x, rolls %u, version %08x)",
		st.state, (unsigned long long)(st.hashes - st1.hashes),
		st.job_id, st.rolls, st.version);
	for (auto &x : d.shares)
		header_share(t, x, pj, s, got, dups, "lite run");
	d.shares.clear();
	compare_window(t, want, got, dups, "lite run");
	Rx rf;
	t.check(d.flush((uint16_t)(gen + 1), rf), "lite run: flush at the end");
}
#endif

} // namespace

int main(int argc, char **argv)
{
	const char *name = DEV_STRATUM ? "test_device" : "test_device_lite";
	Tally t(name);
	// Kept alive until exit: sim/testb.h destroys its VerilatedContext
	// before the model, which deadlocks in the model's destructor.
	Dev &d = *new Dev(argc, argv);
#if DEV_STRATUM
	auto blocks = tj::load_blocks();
	test_info(t, d);
	test_faults(t, d);
	test_blocks(t, d);
	test_rolled_capture(t, d);
	test_differential(t, d, blocks[7]);
	test_flush(t, d, blocks[0]);
	test_run(t, d, blocks[0]);
#else
	uint16_t gen = 0;
	test_info_lite(t, d);
	test_faults(t, d);
	test_headers_lite(t, d, gen);
	test_queue_lite(t, d, gen);
	test_stratum_nak_lite(t, d, gen);
#endif
	std::printf("%s: %llu clocks\n", name,
		    (unsigned long long)d.tb.cycles());
	d.tb.m->final();
	return t.finish();
}
