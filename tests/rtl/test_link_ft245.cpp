// FT2232H/FT232H synchronous 245 FIFO master (link_ft245_sync) against a
// model of the chip side, with the core clock unrelated to the chip's
// 60 MHz CLKOUT (37 MHz, 101 MHz and 59.9 MHz in turn).
//
// Chip model (FTDI DS_FT2232H, FT245 synchronous FIFO mode; AN_130): on
// each CLKOUT rising edge a byte moves chip -> FPGA when RXF# and RD# are
// both low (the byte the chip was driving on D), and FPGA -> chip when TXE#
// and WR# are both low (the byte the FPGA was driving); right after the
// edge the chip updates RXF#, TXE# and D. RXF# is low while the chip holds
// host data, TXE# while it has room; both also go high at random (USB
// traffic, a host that reads slowly). The chip drives D while OE# is low
// and for the clock after it goes high; otherwise D reads garbage unless
// the FPGA drives it. Checked on every edge: OE# low one clock before RD#
// (and while RD# is low), WR# only while the FPGA drives D and OE# is
// high, never both sides driving D.
// Core side: random rx_ready_i and random tx offers. Every byte must arrive
// once, in order, in both directions.
// This test keeps its own time-step loop (two clocks); +trace writes
// build/test_link_ft245.vcd.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <verilated.h>
#include <verilated_vcd_c.h>

#include "Vlink_ft245_sync.h"
#include "testb.h"

static Tally tally("test_link_ft245");
static std::mt19937 rng(4521u);

static bool chance(double p)
{
	return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p;
}

struct Chip {
	std::deque<uint8_t> to_fpga;   // host data waiting in the chip
	std::vector<uint8_t> to_host;  // what the chip took from the FPGA
	unsigned tx_room = 0;          // free places in the chip's tx buffer
	bool rxf_n = true, txe_n = true;
	bool oe_n_prev = true;         // OE# as sampled at the previous edge
	bool oe_n_cycle_prev = true;   // OE# during the previous clock
	unsigned errors = 0;
	unsigned reads = 0, writes = 0;
	// The FPGA's CLKOUT-domain flops are defined from the third edge of
	// reset on (rst_ni passes two synchroniser flops); the chip only
	// listens from then on.
	unsigned edges = 0;
	double p_rx_pause = 0.1, p_tx_pause = 0.1;

	void error(const char *what)
	{
		if (errors++ < 5)
			tally.check(false, "chip: %s", what);
	}
};

class Sim {
public:
	Sim(int argc, char **argv) : ctx(new VerilatedContext)
	{
		ctx->commandArgs(argc, argv);
		m = std::unique_ptr<Vlink_ft245_sync>(
			new Vlink_ft245_sync(ctx.get(), "top"));
		const char *flag = ctx->commandArgsPlusMatch("trace");
		if (flag && std::string(flag) == "+trace") {
			ctx->traceEverOn(true);
			vcd = std::unique_ptr<VerilatedVcdC>(new VerilatedVcdC);
			m->trace(vcd.get(), 99);
			vcd->open("build/test_link_ft245.vcd");
		}
		m->clk_i = 0;
		m->ft_clk_i = 0;
		m->rst_ni = 0;
		m->ft_rxf_n_i = 1;
		m->ft_txe_n_i = 1;
		m->ft_d_i = 0;
		m->rx_ready_i = 0;
		m->tx_valid_i = 0;
		m->tx_data_i = 0;
		m->eval();
	}
	~Sim()
	{
		m->final();
		if (vcd)
			vcd->close();
		m.reset();
	}

	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vlink_ft245_sync> m;
	std::unique_ptr<VerilatedVcdC> vcd;
	Chip chip;
	// core side
	std::vector<uint8_t> core_got, core_sent;
	std::deque<uint8_t> core_queue;
	bool offering = false;
	double p_ready = 0.5, p_offer = 0.5;
	uint64_t t_ps = 0;

	void dump()
	{
		if (vcd)
			vcd->dump(t_ps);
	}

	// The bus as the FPGA's input pad sees it during this clock.
	void drive_bus()
	{
		if (chip.edges <= 3) {
			m->ft_d_i = (uint8_t)rng();
			m->eval();
			return;
		}
		bool chip_drives = !m->ft_oe_n_o || !chip.oe_n_cycle_prev;
		if (m->ft_d_oe_o && chip_drives)
			chip.error("both sides drive D");
		if (m->ft_d_oe_o)
			m->ft_d_i = m->ft_d_o;
		else if (chip_drives && !chip.to_fpga.empty())
			m->ft_d_i = chip.to_fpga.front();
		else
			m->ft_d_i = (uint8_t)rng();
		m->eval();
	}

	void ft_rise()
	{
		Chip &c = chip;
		bool rd_n = m->ft_rd_n_o, wr_n = m->ft_wr_n_o, oe_n = m->ft_oe_n_o;
		bool d_oe = m->ft_d_oe_o;
		uint8_t d_o = m->ft_d_o;
		if (++c.edges <= 3) {
			rd_n = true;
			wr_n = true;
			oe_n = true;
			d_oe = false;
		}
		if (!rd_n && (oe_n || c.oe_n_prev))
			c.error("RD# low without OE# low since the previous edge");
		if (!wr_n && (!d_oe || !oe_n))
			c.error("WR# low while the FPGA does not drive D");
		if (!rd_n && !c.rxf_n) { // chip -> FPGA
			if (c.to_fpga.empty())
				c.error("RXF# low with nothing to send");
			else
				c.to_fpga.pop_front();
			c.reads++;
		}
		if (!wr_n && !c.txe_n) { // FPGA -> chip
			c.to_host.push_back(d_o);
			c.tx_room--;
			c.writes++;
		}
		c.oe_n_prev = oe_n;
		c.oe_n_cycle_prev = oe_n;
		m->ft_clk_i = 1;
		m->eval();
		// The chip's outputs after the edge.
		c.rxf_n = c.to_fpga.empty() || chance(c.p_rx_pause);
		if (!c.tx_room && chance(0.05))
			c.tx_room = 1 + (unsigned)(rng() % 512); // host read a packet
		c.txe_n = !c.tx_room || chance(c.p_tx_pause);
		m->ft_rxf_n_i = c.rxf_n;
		m->ft_txe_n_i = c.txe_n;
		m->eval();
		drive_bus();
	}

	void ft_fall()
	{
		m->ft_clk_i = 0;
		m->eval();
		drive_bus();
	}

	void core_rise()
	{
		bool take_rx = m->rx_valid_o && m->rx_ready_i;
		uint8_t rx = m->rx_data_o;
		bool take_tx = m->tx_valid_i && m->tx_ready_o;
		m->clk_i = 1;
		m->eval();
		if (take_rx)
			core_got.push_back(rx);
		if (take_tx) {
			core_sent.push_back(core_queue.front());
			core_queue.pop_front();
			offering = false;
		}
		// Inputs for the next core clock.
		if (!offering && !core_queue.empty() && chance(p_offer))
			offering = true;
		m->tx_valid_i = offering;
		m->tx_data_i = offering ? core_queue.front() : (uint8_t)rng();
		m->rx_ready_i = chance(p_ready);
		m->eval();
		drive_bus();
	}

	void core_fall()
	{
		m->clk_i = 0;
		m->eval();
		drive_bus();
	}

	// Runs both clocks for up to max_ps; the chip period is 16667 ps.
	void run(uint64_t core_ps, uint64_t max_ps, bool (*done)(Sim &))
	{
		const uint64_t ft_ps = 16667;
		uint64_t next_core = t_ps + core_ps / 2 + 1, next_ft = t_ps + 1;
		bool core_hi = m->clk_i, ft_hi = m->ft_clk_i;
		uint64_t end = t_ps + max_ps;
		while (t_ps < end && !done(*this)) {
			if (next_ft <= next_core) {
				t_ps = next_ft;
				if (ft_hi)
					ft_fall();
				else
					ft_rise();
				ft_hi = !ft_hi;
				next_ft += ft_hi ? ft_ps / 2 : ft_ps - ft_ps / 2;
			} else {
				t_ps = next_core;
				if (core_hi)
					core_fall();
				else
					core_rise();
				core_hi = !core_hi;
				next_core += core_ps / 2;
			}
			ctx->time(t_ps);
			dump();
		}
	}
};

static bool never(Sim &)
{
	return false;
}

static std::vector<uint8_t> host_sent_all;
static size_t want_core_sent = 0;

static bool all_moved(Sim &s)
{
	return s.core_got.size() == host_sent_all.size() &&
	       s.chip.to_host.size() == want_core_sent;
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

	Sim s(ac, av);
	// Reset with both clocks running.
	s.run(27027, 400000, never);
	s.m->rst_ni = 1;
	s.m->eval();
	tally.check(s.m->ft_oe_n_o && s.m->ft_rd_n_o && s.m->ft_wr_n_o &&
			    !s.m->ft_d_oe_o && s.m->ft_siwu_n_o,
		    "bus released after reset");

	struct Phase {
		const char *name;
		uint64_t core_ps;
		double p_ready, p_offer, p_rx_pause, p_tx_pause;
		unsigned bytes;
	};
	const Phase phases[] = {
		{"core 37 MHz", 27027, 0.5, 0.5, 0.1, 0.1, 6000},
		{"core 101 MHz", 9901, 0.3, 0.3, 0.3, 0.2, 6000},
		{"core 59.9 MHz", 16694, 0.9, 0.9, 0.02, 0.02, 12000},
		{"core 101 MHz, slow consumer", 9901, 0.02, 0.8, 0.0, 0.5, 3000},
	};
	for (const Phase &ph : phases) {
		size_t got0 = s.core_got.size(), host0 = s.chip.to_host.size();
		for (unsigned i = 0; i < ph.bytes; i++) {
			uint8_t b = (uint8_t)rng();
			s.chip.to_fpga.push_back(b);
			host_sent_all.push_back(b);
			s.core_queue.push_back((uint8_t)rng());
		}
		want_core_sent += ph.bytes;
		s.p_ready = ph.p_ready;
		s.p_offer = ph.p_offer;
		s.chip.p_rx_pause = ph.p_rx_pause;
		s.chip.p_tx_pause = ph.p_tx_pause;
		uint64_t t0 = s.t_ps;
		// Generous bound: 2000 ns per byte and direction.
		s.run(ph.core_ps, (uint64_t)ph.bytes * 2 * 2000000, all_moved);
		bool done = all_moved(s);
		tally.check(done, "%s: %zu of %zu bytes to the core, %zu of %zu to the host",
			    ph.name, s.core_got.size(), host_sent_all.size(),
			    s.chip.to_host.size(), want_core_sent);
		std::printf("%s: %u bytes each way in %.1f us\n", ph.name, ph.bytes,
			    (double)(s.t_ps - t0) / 1e6);
		(void)got0;
		(void)host0;
	}
	// Let anything stray show up, then compare contents.
	s.run(16694, 2000000, never);
	tally.check(s.core_got == host_sent_all,
		    "host -> core: %zu bytes received, %zu sent, content %s",
		    s.core_got.size(), host_sent_all.size(),
		    s.core_got == host_sent_all ? "equal" : "differs");
	tally.check(s.chip.to_host == s.core_sent,
		    "core -> host: %zu bytes received, %zu sent, content %s",
		    s.chip.to_host.size(), s.core_sent.size(),
		    s.chip.to_host == s.core_sent ? "equal" : "differs");
	tally.check(s.chip.errors == 0, "chip saw %u protocol errors",
		    s.chip.errors);
	std::printf("chip: %u reads, %u writes\n", s.chip.reads, s.chip.writes);
	return tally.finish();
}
