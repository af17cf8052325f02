// UART of the host link at 3 Mbaud on 48, 12, 60 and 100 MHz clocks:
//  - the tx waveform, clock by clock: start bit, eight data bits LSB
//    first, stop bit, each bit edge no more than one clock after its ideal
//    time (t0 + i * CLK_HZ / BAUD), back-to-back bytes without gaps;
//  - tx -> rx loopback with random gaps and random rx_ready;
//  - rx fed by an ideal serial line computed here in continuous time, with
//    a random phase against the clock, bytes back to back with one stop
//    bit, at rates within the documented tolerance (+-2% at 4 clocks per
//    bit, +-4% from 16 on): every byte right, no error;
//  - well outside the tolerance (+-9%) errors must show (the checker is
//    not blind);
//  - a low stop bit is a framing error (byte dropped, counted once even for
//    a long break), a short glitch on the idle line is no byte, and a byte
//    arriving while the last one is still held is an overrun.
// Run with +seed=N for another random sequence, +trace for waves.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "Vlink_uart_rx_100.h"
#include "Vlink_uart_rx_12.h"
#include "Vlink_uart_rx_48.h"
#include "Vlink_uart_rx_60.h"
#include "Vlink_uart_tx_100.h"
#include "Vlink_uart_tx_12.h"
#include "Vlink_uart_tx_48.h"
#include "Vlink_uart_tx_60.h"
#include "testb.h"

static Tally tally("test_link_uart");
static std::mt19937 rng(7311u);
static const double BAUD = 3000000.0;

static bool chance(double p)
{
	return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p;
}

// Level of bit b (0 start, 1..8 data, 9 stop) of a byte.
static int bit_level(uint8_t v, int b)
{
	if (b <= 0)
		return 0;
	if (b >= 9)
		return 1;
	return (v >> (b - 1)) & 1;
}

// ---- tx waveform ----------------------------------------------------------

template <class T> static void test_tx_wave(TestBench<T> &tb, double mhz)
{
	T &m = *tb.m;
	const double n = mhz * 1e6 / BAUD; // clocks per bit
	struct Sent {
		uint64_t start; // first clock of the start bit
		uint8_t v;
	};
	std::vector<Sent> sent;
	std::vector<uint8_t> line;
	uint64_t c = 0;
	bool offering = false;
	uint8_t cur = 0;
	int nbytes = 0;
	while (nbytes < 300 || m.busy_o) {
		// First half back to back, then random gaps.
		if (!offering && nbytes < 300 && (nbytes < 150 || chance(0.02))) {
			offering = true;
			cur = (uint8_t)rng();
		}
		m.tx_valid_i = offering;
		m.tx_data_i = offering ? cur : (uint8_t)rng();
		m.eval();
		bool take = offering && m.tx_ready_o;
		tb.tick();
		c++;
		// line[i]: the level for the clock after the i-th edge
		line.push_back((uint8_t)m.txd_o);
		if (take) {
			sent.push_back({line.size() - 1, cur});
			offering = false;
			nbytes++;
		}
	}
	// Every clock's level must be the ideal level at that time or at
	// most one clock earlier (edges late by less than one clock).
	size_t wrong = 0, k = 0;
	auto ideal = [&](double t) -> int {
		// level at time t (clocks) on an ideal line
		while (k + 1 < sent.size() && t >= (double)sent[k + 1].start)
			k++;
		while (k > 0 && t < (double)sent[k].start)
			k--;
		if (sent.empty() || t < (double)sent[k].start)
			return 1;
		double bit = (t - (double)sent[k].start) / n;
		if (bit >= 10.0)
			return 1;
		return bit_level(sent[k].v, (int)std::floor(bit));
	};
	for (size_t i = 0; i < line.size(); i++) {
		double t = (double)i;
		int a = ideal(t), b = ideal(t - 0.999);
		if (line[i] != a && line[i] != b)
			wrong++;
	}
	tally.check(wrong == 0, "tx %.0f MHz: %zu clocks off the ideal waveform",
		    mhz, wrong);
	// Back to back: each start bit begins within one clock of ten bit
	// times after the previous one.
	size_t gaps = 0;
	for (size_t i = 1; i < 150; i++) {
		double d = (double)(sent[i].start - sent[i - 1].start) - 10.0 * n;
		if (d < -1.0 || d >= 1.0)
			gaps++;
	}
	tally.check(gaps == 0, "tx %.0f MHz: %zu back-to-back bytes mistimed",
		    mhz, gaps);
}

// ---- loopback ---------------------------------------------------------------

template <class T, class R>
static void test_loopback(TestBench<T> &tbt, TestBench<R> &tbr, double mhz)
{
	T &t = *tbt.m;
	R &r = *tbr.m;
	std::vector<uint8_t> want, got;
	bool offering = false;
	uint8_t cur = 0;
	uint16_t ferr0 = r.frame_err_cnt_o, ovr0 = r.overrun_cnt_o;
	uint64_t limit = (uint64_t)(2000 * 12 * mhz * 1e6 / BAUD) + 1000;
	for (uint64_t c = 0; c < limit && got.size() < 2000; c++) {
		if (!offering && want.size() < 2000 && chance(0.5)) {
			offering = true;
			cur = (uint8_t)rng();
		}
		t.tx_valid_i = offering;
		t.tx_data_i = cur;
		t.eval();
		bool take = offering && t.tx_ready_o;
		bool ready = chance(0.5);
		r.rx_ready_i = ready;
		r.rxd_i = t.txd_o;
		r.eval();
		bool out = r.rx_valid_o && ready;
		uint8_t byte = r.rx_data_o;
		tbt.tick();
		tbr.tick();
		if (take) {
			want.push_back(cur);
			offering = false;
		}
		if (out)
			got.push_back(byte);
	}
	tally.check(got == want, "loopback %.0f MHz: %zu of %zu bytes, content %s",
		    mhz, got.size(), want.size(), got == want ? "ok" : "wrong");
	tally.check(r.frame_err_cnt_o == ferr0 && r.overrun_cnt_o == ovr0,
		    "loopback %.0f MHz: errors counted", mhz);
}

// ---- rx against an ideal line ---------------------------------------------

// A serial line as level changes in continuous time (in clocks).
struct Line {
	std::vector<std::pair<double, int>> edges; // (time, level from then)
	double end = 0;
	void byte(uint8_t v, double bit, int stop = 1)
	{
		for (int b = 0; b < 10; b++)
			edges.push_back({end + b * bit,
					 b == 9 ? stop : bit_level(v, b)});
		end += 10 * bit;
	}
	void level(int l, double dur)
	{
		edges.push_back({end, l});
		end += dur;
	}
};

struct RxResult {
	std::vector<uint8_t> bytes;
	unsigned ferr = 0, ovr = 0;
};

template <class R>
static RxResult drive_rx(TestBench<R> &tb, const Line &ln, double phase,
			 double p_ready = 1.0)
{
	R &r = *tb.m;
	RxResult res;
	uint16_t ferr0 = r.frame_err_cnt_o, ovr0 = r.overrun_cnt_o;
	size_t e = 0;
	int lvl = 1;
	double t = phase;
	while (t < ln.end + 64) {
		while (e < ln.edges.size() && ln.edges[e].first <= t)
			lvl = ln.edges[e++].second;
		r.rxd_i = lvl;
		bool ready = chance(p_ready);
		r.rx_ready_i = ready;
		r.eval();
		bool out = r.rx_valid_o && ready;
		uint8_t byte = r.rx_data_o;
		tb.tick();
		if (out)
			res.bytes.push_back(byte);
		res.ferr += r.frame_err_o;
		res.ovr += r.overrun_o;
		t += 1.0;
	}
	tally.check(res.ferr == (uint16_t)(r.frame_err_cnt_o - ferr0) &&
			    res.ovr == (uint16_t)(r.overrun_cnt_o - ovr0),
		    "rx counters do not match their pulses");
	return res;
}

template <class R>
static void test_rx_rate(TestBench<R> &tb, double mhz, double err, bool expect_ok)
{
	const double n = mhz * 1e6 / BAUD * (1.0 + err); // sender's bit, clocks
	Line ln;
	std::vector<uint8_t> want;
	ln.level(1, 3 * n);
	for (int i = 0; i < 400; i++) {
		uint8_t v = (uint8_t)rng();
		// Worst cases first: 0x00 and 0x80 keep the line low longest
		// before the stop bit.
		if (i < 4)
			v = (uint8_t)(i & 1 ? 0x80 : 0x00);
		want.push_back(v);
		ln.byte(v, n);
		if (i >= 200 && chance(0.1))
			ln.level(1, std::uniform_real_distribution<double>(0, 5 * n)(rng));
	}
	ln.level(1, 20 * n);
	double phase = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
	RxResult res = drive_rx(tb, ln, phase);
	bool ok = res.bytes == want && res.ferr == 0 && res.ovr == 0;
	if (expect_ok)
		tally.check(ok,
			    "rx %.0f MHz at %+.1f%%: %zu of %zu bytes, %u framing errors",
			    mhz, err * 100, res.bytes.size(), want.size(), res.ferr);
	else
		tally.check(!ok, "rx %.0f MHz at %+.1f%%: no error seen far out of tolerance",
			    mhz, err * 100);
}

template <class R> static void test_rx_errors(TestBench<R> &tb, double mhz)
{
	const double n = mhz * 1e6 / BAUD;
	{ // low stop bit, then a good byte
		Line ln;
		ln.level(1, 4 * n);
		ln.byte(0x55, n, 0);
		ln.level(1, 2 * n);
		ln.byte(0xA5, n);
		ln.level(1, 4 * n);
		RxResult r = drive_rx(tb, ln, 0.3);
		tally.check(r.ferr == 1 && r.bytes == std::vector<uint8_t>{0xA5},
			    "rx %.0f MHz: framing error not handled", mhz);
	}
	{ // a long break counts once
		Line ln;
		ln.level(1, 4 * n);
		ln.level(0, 37 * n);
		ln.level(1, 3 * n);
		ln.byte(0x3C, n);
		ln.level(1, 4 * n);
		RxResult r = drive_rx(tb, ln, 0.7);
		tally.check(r.ferr == 1 && r.bytes == std::vector<uint8_t>{0x3C},
			    "rx %.0f MHz: break counted %u times", mhz, r.ferr);
	}
	{ // a glitch shorter than half a bit is nothing
		Line ln;
		ln.level(1, 4 * n);
		ln.level(0, 0.3 * n);
		ln.level(1, 12 * n);
		ln.byte(0x81, n);
		ln.level(1, 4 * n);
		RxResult r = drive_rx(tb, ln, 0.1);
		tally.check(r.ferr == 0 && r.bytes == std::vector<uint8_t>{0x81},
			    "rx %.0f MHz: glitch taken for a byte", mhz);
	}
	{ // overrun: nobody takes the first byte while two more arrive
		Line ln;
		ln.level(1, 4 * n);
		ln.byte(0x11, n);
		ln.byte(0x22, n);
		ln.byte(0x33, n);
		ln.level(1, 4 * n);
		RxResult r = drive_rx(tb, ln, 0.5, 0.0);
		R &m = *tb.m;
		bool held = m.rx_valid_o && m.rx_data_o == 0x11;
		tally.check(r.ovr == 2 && held, "rx %.0f MHz: overrun %u, held %d",
			    mhz, r.ovr, held);
		m.rx_ready_i = 1;
		tb.tick();
		m.rx_ready_i = 0;
		tb.tick();
	}
}

template <class T, class R>
static void run_clock(int argc, char **argv, double mhz, const char *tname,
		      const char *rname)
{
	// sim/testb.h destroys its VerilatedContext before the model, which
	// Verilator 5 aborts on; so the benches are kept to the end of the
	// process (final() is called here).
	TestBench<T> &tbt = *new TestBench<T>(argc, argv, tname);
	TestBench<R> &tbr = *new TestBench<R>(argc, argv, rname);
	tbt.m->tx_valid_i = 0;
	tbr.m->rxd_i = 1;
	tbr.m->rx_ready_i = 0;
	tbt.reset();
	tbr.reset();
	tally.check(tbt.m->txd_o == 1 && tbt.m->tx_ready_o && !tbr.m->rx_valid_o,
		    "%.0f MHz: state after reset", mhz);
	test_tx_wave(tbt, mhz);
	test_loopback(tbt, tbr, mhz);
	const double tol = mhz <= 12.0 ? 0.02 : 0.04;
	test_rx_rate(tbr, mhz, 0.0, true);
	test_rx_rate(tbr, mhz, +tol, true);
	test_rx_rate(tbr, mhz, -tol, true);
	test_rx_rate(tbr, mhz, +0.09, false);
	test_rx_rate(tbr, mhz, -0.09, false);
	test_rx_errors(tbr, mhz);
	tbt.m->final();
	tbr.m->final();
	std::printf("%.0f MHz (%.2f clocks per bit) done\n", mhz, mhz * 1e6 / BAUD);
}

int main(int argc, char **argv)
{
	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	std::vector<char *> args(argv, argv + argc);
	static char rr[] = "+verilator+rand+reset+2";
	args.push_back(rr);
	int ac = (int)args.size();
	char **av = args.data();
	Verilated::commandArgs(ac, av);
	const char *seed = Verilated::commandArgsPlusMatch("seed=");
	if (seed && *seed)
		rng.seed((unsigned)strtoul(seed + 6, nullptr, 0));

	run_clock<Vlink_uart_tx_48, Vlink_uart_rx_48>(ac, av, 48, "uart_tx_48",
						      "uart_rx_48");
	run_clock<Vlink_uart_tx_12, Vlink_uart_rx_12>(ac, av, 12, "uart_tx_12",
						      "uart_rx_12");
	run_clock<Vlink_uart_tx_60, Vlink_uart_rx_60>(ac, av, 60, "uart_tx_60",
						      "uart_rx_60");
	run_clock<Vlink_uart_tx_100, Vlink_uart_rx_100>(ac, av, 100,
							"uart_tx_100",
							"uart_rx_100");
	return tally.finish();
}
