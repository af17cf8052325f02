// Small Verilator test harness shared by every RTL test: one context, one
// model, tick()/reset(), optional waves with +trace (written under build/),
// and a pass/fail tally that ends in the "N passed, N failed" line the test
// runner reads.
#ifndef TANDEM_TESTB_H
#define TANDEM_TESTB_H

#include <cstdio>
#include <cstdarg>
#include <memory>
#include <string>
#include <verilated.h>
#include <verilated_vcd_c.h>

// Counts checks; a test program returns tally.finish() from main().
class Tally
{
      public:
	explicit Tally(const char *name) : name_(name)
	{
	}
	// Records one check; prints the failure with its context.
	bool check(bool ok, const char *fmt, ...)
	{
		if (ok) {
			pass_++;
			return true;
		}
		fail_++;
		va_list ap;
		va_start(ap, fmt);
		std::fprintf(stdout, "FAIL %s: ", name_.c_str());
		std::vfprintf(stdout, fmt, ap);
		std::fprintf(stdout, "\n");
		va_end(ap);
		return false;
	}
	int passed() const
	{
		return pass_;
	}
	int failed() const
	{
		return fail_;
	}
	int finish() const
	{
		std::printf("%s: %d passed, %d failed\n", name_.c_str(), pass_,
		            fail_);
		return fail_ ? 1 : 0;
	}

      private:
	std::string name_;
	int pass_ = 0;
	int fail_ = 0;
};

// Wraps a Verilated model whose clock is clk_i and active-low reset rst_ni.
template <class Model> class TestBench
{
      public:
	TestBench(int argc, char **argv, const char *name)
	    : ctx_(new VerilatedContext), name_(name)
	{
		ctx_->commandArgs(argc, argv);
		m = std::unique_ptr<Model>(new Model(ctx_.get(), "top"));
		const char *flag = ctx_->commandArgsPlusMatch("trace");
		if (flag && std::string(flag) == "+trace") {
			ctx_->traceEverOn(true);
			trace_ = std::unique_ptr<VerilatedVcdC>(
			        new VerilatedVcdC);
			m->trace(trace_.get(), 99);
			std::string path = "build/" + name_ + ".vcd";
			trace_->open(path.c_str());
		}
		m->clk_i = 0;
		m->rst_ni = 0;
		m->eval();
	}
	~TestBench()
	{
		m->final();
		if (trace_)
			trace_->close();
	}
	// One rising and one falling edge; inputs set before tick() are seen
	// at the rising edge, outputs are read after it.
	void tick()
	{
		m->clk_i = 1;
		m->eval();
		ctx_->timeInc(1);
		if (trace_)
			trace_->dump(ctx_->time());
		m->clk_i = 0;
		m->eval();
		ctx_->timeInc(1);
		if (trace_)
			trace_->dump(ctx_->time());
		cycles_++;
	}
	void reset(int cycles = 4)
	{
		m->rst_ni = 0;
		for (int i = 0; i < cycles; i++)
			tick();
		m->rst_ni = 1;
		m->eval();
	}
	uint64_t cycles() const
	{
		return cycles_;
	}
	VerilatedContext *ctx()
	{
		return ctx_.get();
	}

	std::unique_ptr<Model> m;

      private:
	std::unique_ptr<VerilatedContext> ctx_;
	std::unique_ptr<VerilatedVcdC> trace_;
	std::string name_;
	uint64_t cycles_ = 0;
};

#endif // TANDEM_TESTB_H
