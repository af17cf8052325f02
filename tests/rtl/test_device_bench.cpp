// Benchmark (not a test, not in TEST_BINS): pipeline utilisation of the
// whole device across extranonce2 and version rolls with small nonce
// windows, measured through the byte interface with STATUS. The reference
// rate is the same device on one long window.
#include <cstdio>
#include <cstring>
#include <deque>
#include <vector>

#include "Vtandem_device.h"
#include "tandem_err.h"
#include "test_job_util.h"
#include "testb.h"

namespace {

struct Bench {
	Bench(int argc, char **argv) : tb(argc, argv, "test_device_bench")
	{
		tb.m->tx_ready_i = 1;
		tb.m->rx_valid_i = 0;
		tb.reset();
	}
	void step()
	{
		auto &m = *tb.m;
		m.rx_valid_i = !out.empty();
		m.rx_data_i = out.empty() ? 0 : out.front();
		m.eval();
		bool took = m.rx_valid_i && m.rx_ready_o;
		bool got = m.tx_valid_o;
		uint8_t b = m.tx_data_o;
		tb.tick();
		if (took)
			out.pop_front();
		if (got)
			in.push_back(b);
	}
	// Sends a frame and returns the payload of the answer with its seq.
	bool command(uint8_t type, const uint8_t *p, size_t n,
		     struct proto_frame &f)
	{
		uint8_t buf[TANDEM_MAX_FRAME];
		uint8_t s = seq++;
		int len = proto_frame_encode(type, s, p, n, buf, sizeof(buf));
		out.insert(out.end(), buf, buf + len);
		for (int i = 0; i < 400000; i++) {
			step();
			size_t used = 0;
			int rc = proto_frame_decode(in.data(), in.size(), &f,
						    &used);
			in.erase(in.begin(), in.begin() + (long)used);
			if (rc == 0 && f.type != PROTO_SHARE &&
			    (f.seq == s || (f.len >= 2 && f.payload[1] == s &&
					    (f.type == PROTO_ACK ||
					     f.type == PROTO_NAK))))
				return true;
		}
		return false;
	}
	struct proto_status status()
	{
		struct proto_frame f;
		struct proto_status st = {};
		if (command(PROTO_STATUS_GET, nullptr, 0, f))
			proto_status_unpack(f.payload, f.len, &st);
		return st;
	}
	TestBench<Vtandem_device> tb;
	std::deque<uint8_t> out;
	std::vector<uint8_t> in;
	uint8_t seq = 1;
	uint16_t gen = 0;
};

// Hash rate (nonces per clock) over `clocks` clocks of a running job.
double rate(Bench &b, const tj::Block &blk, uint32_t mask, uint32_t win,
	    uint64_t clocks, uint32_t *rolls)
{
	struct proto_frame f;
	uint8_t p[TANDEM_MAX_PAYLOAD];
	b.gen++;
	proto_flush_pack(b.gen, p, sizeof(p));
	b.command(PROTO_FLUSH, p, 2, f);
	struct proto_job pj;
	job_proto_stratum(&blk.js, blk.en1.data(), blk.en1.size(),
			  blk.en2.data(), blk.en2.size(), mask, 0, win, &pj);
	pj.generation = b.gen;
	int n = proto_job_pack(&pj, p, sizeof(p));
	b.command(PROTO_JOB, p, (size_t)n, f);
	for (int i = 0; i < 20000; i++) // past the first compute and fill
		b.step();
	struct proto_status s0 = b.status();
	uint64_t c0 = b.tb.cycles();
	for (uint64_t i = 0; i < clocks; i++)
		b.step();
	struct proto_status s1 = b.status();
	uint64_t c1 = b.tb.cycles();
	*rolls = s1.rolls - s0.rolls;
	return (double)(s1.hashes - s0.hashes) / (double)(c1 - c0);
}

} // namespace

int main(int argc, char **argv)
{
	Bench &b = *new Bench(argc, argv); // see test_device.cpp
	auto blocks = tj::load_blocks();
	const tj::Block &blk = blocks[0]; // rem_blocks 3, branch 7
	uint32_t rolls;
	double ref = rate(b, blk, 0, 0, 200000, &rolls);
	std::printf("bench-device: reference %.4f nonces/clock (one window)\n",
		    ref);
	std::printf("%-12s %-8s %10s %8s %12s\n", "roll", "window", "clocks",
		    "rolls", "utilisation");
	const uint32_t wins[] = {256, 1024, 2048, 4096, 16384};
	for (int kind = 0; kind < 2; kind++) {
		for (uint32_t w : wins) {
			uint64_t clocks = 300000;
			double r = rate(b, blk, kind ? 0x1fffe000u : 0, w,
					clocks, &rolls);
			std::printf("%-12s %-8u %10llu %8u %11.3f%%\n",
				    kind ? "version" : "extranonce2", w,
				    (unsigned long long)clocks, rolls,
				    100.0 * r / ref);
		}
	}
	b.tb.m->final();
	return 0;
}
