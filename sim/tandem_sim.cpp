// tandem-sim: the Verilator model of the whole device (rtl/tandem_device.v)
// serving the wire protocol over a Unix socket or TCP on loopback, so the
// real host binary drives the simulated chip exactly as it drives a board.
//
//   tandem-sim --socket PATH | --tcp PORT  [--config NAME] [+trace]
//              [--corrupt R] [--drop R] [--bad-nonce R] [--stall MS]
//              [--disconnect-after S] [--seed N] [--once] [-v]
//
// The model ticks in a tight loop while bytes are flowing or the device
// has work (learned from the traffic: an ACKed JOB until a STATUS says
// idle, a FLUSH or RUN 0), and sleeps in poll() otherwise. One client at
// a time; a new connection finds a freshly reset device, as after a
// replug. Fault injection (for the host's tests): corrupt bytes and drop
// whole frames in both directions, report shares with a wrong nonce (a
// well-formed frame, CRCs recomputed), stall MS every second, and cut the
// first connection S seconds after it opened.
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "Vtandem_device.h"
#include "tandem_proto.h"
#include "testb.h"

#ifndef SIM_CONFIG
#define SIM_CONFIG "default"
#endif

// Cycles run between two looks at the socket.
static const int kSlice = 2048;
// Cycles kept ticking after the last byte moved, so replies come out.
static const uint64_t kLinger = 200000;

static volatile sig_atomic_t g_stop;

static void on_signal(int)
{
	g_stop = 1;
}

static uint64_t now_ms()
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct Options {
	std::string socket_path;
	int tcp_port = 0;
	double corrupt = 0, drop = 0, bad_nonce = 0;
	unsigned stall_ms = 0, disconnect_s = 0;
	uint64_t seed = 1;
	bool once = false;
	int verbose = 0;
};

struct Rng {
	uint64_t s;
	uint64_t next()
	{
		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		return s * 2685821657736338717ull;
	}
	bool chance(double p)
	{
		return p > 0 &&
		       (double)(next() >> 11) * (1.0 / 9007199254740992.0) < p;
	}
};

// Cuts a byte stream into frames (the model's output is well formed; the
// host's input may not be: bytes outside a frame pass through as they are).
class Framer
{
      public:
	// Feeds one byte; returns true with a complete frame in out (or a lone
	// non-frame byte when out.size()==1 and raw is set).
	bool push(uint8_t b, std::vector<uint8_t> &out, bool &raw)
	{
		raw = false;
		buf_.push_back(b);
		if (buf_.size() == 1 && buf_[0] != TANDEM_SYNC0)
			return flush_raw(out, raw);
		if (buf_.size() == 2 && buf_[1] != TANDEM_SYNC1)
			return flush_raw(out, raw);
		if (buf_.size() == TANDEM_FRAME_HEADER) {
			need_ = TANDEM_FRAME_OVERHEAD +
			        (size_t)(buf_[5] | (buf_[6] << 8));
			if (proto_crc8(&buf_[2], 5) != buf_[7] ||
			    need_ > TANDEM_MAX_FRAME)
				return flush_raw(out, raw);
		}
		if (buf_.size() >= TANDEM_FRAME_HEADER &&
		    buf_.size() == need_) {
			out.swap(buf_);
			buf_.clear();
			return true;
		}
		return false;
	}

      private:
	bool flush_raw(std::vector<uint8_t> &out, bool &raw)
	{
		out.swap(buf_);
		buf_.clear();
		raw = true;
		return true;
	}
	std::vector<uint8_t> buf_;
	size_t need_ = 0;
};

class Sim
{
      public:
	Sim(int argc, char **argv, const Options &o)
	    : tb_(argc, argv, "tandem-sim"), o_(o)
	{
		rng_.s = o.seed * 0x9e3779b97f4a7c15ull + 1;
		tb_.m->rx_valid_i = 0;
		tb_.m->rx_data_i = 0;
		tb_.m->tx_ready_i = 1;
		tb_.reset(8);
	}

	void reset_device()
	{
		tb_.m->rx_valid_i = 0;
		tb_.m->tx_ready_i = 1;
		tb_.reset(8);
		to_dev_.clear();
		to_host_.clear();
		busy_ = false;
		linger_ = 0;
	}

	// Serves one connected client until it leaves or a fault cuts it.
	void serve(int fd)
	{
		uint64_t start = now_ms(), next_stall = start + 1000;
		uint64_t stall_until = 0;
		uint8_t buf[4096];

		while (!g_stop) {
			uint64_t t = now_ms();
			bool stalled = t < stall_until;

			if (o_.disconnect_s && !cut_once_ &&
			    t - start >= o_.disconnect_s * 1000ull) {
				log(1, "disconnecting the client (fault "
				       "injection)");
				cut_once_ = true;
				break;
			}
			if (o_.stall_ms && t >= next_stall) {
				stall_until = t + o_.stall_ms;
				next_stall = t + 1000;
				stalled = true;
			}
			bool work = !stalled &&
			            (busy_ || linger_ > 0 || !to_dev_.empty());
			int timeout = work ? 0 : -1;
			if (stalled)
				timeout = (int)(stall_until - t) + 1;
			else if (!work && ((o_.disconnect_s && !cut_once_) ||
			                   o_.stall_ms))
				timeout = 100;

			struct pollfd p;
			p.fd = fd;
			p.events = (short)((stalled || to_dev_.size() > 65536
			                            ? 0
			                            : POLLIN) |
			                   (to_host_.empty() ? 0 : POLLOUT));
			p.revents = 0;
			if (poll(&p, 1, timeout) < 0 && errno != EINTR)
				break;
			if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
				ssize_t n = read(fd, buf, sizeof(buf));
				if (n == 0 || (n < 0 && errno != EAGAIN &&
				               errno != EINTR))
					break; // client left
				for (ssize_t i = 0; i < n; i++)
					from_host(buf[i]);
			}
			if (!stalled)
				run_slice();
			if (!to_host_.empty() && !send_out(fd))
				break;
		}
	}

	void report()
	{
		double util = 0;
		if (cycles_ && pipelines_)
			util = (double)last_hashes_ *
			       (double)proto_clocks_per_nonce(loop_log2_) /
			       ((double)tb_.cycles() * pipelines_);
		double secs = (double)(now_ms() - t0_) / 1000.0;
		std::fprintf(
		        stderr,
		        "tandem-sim[%s]: %llu cycles in %.1f s (%.0f "
		        "cycles/s), "
		        "%llu hashes reported, pipeline utilisation %.3f\n",
		        SIM_CONFIG, (unsigned long long)tb_.cycles(), secs,
		        secs > 0 ? (double)tb_.cycles() / secs : 0.0,
		        (unsigned long long)last_hashes_, util);
	}

	// Ends the simulation: final() and a flush of the waves.
	void finish()
	{
		tb_.m->final();
		Verilated::runFlushCallbacks();
	}

	void log(int level, const char *fmt, ...)
	{
		if (level > o_.verbose)
			return;
		va_list ap;
		va_start(ap, fmt);
		std::fprintf(stderr, "tandem-sim: ");
		std::vfprintf(stderr, fmt, ap);
		std::fprintf(stderr, "\n");
		va_end(ap);
	}

      private:
	// Host -> device: drop whole frames, corrupt bytes, then queue.
	void from_host(uint8_t b)
	{
		std::vector<uint8_t> f;
		bool raw;
		if (!in_framer_.push(b, f, raw))
			return;
		if (!raw && rng_.chance(o_.drop)) {
			log(1, "dropped a host frame (type %02x)", f[3]);
			return;
		}
		if (!raw)
			watch_host(f);
		for (uint8_t c : f) {
			if (rng_.chance(o_.corrupt))
				c ^= (uint8_t)(1u << (rng_.next() & 7));
			to_dev_.push_back(c);
		}
	}

	// What the host asked: used only to know when the model has work.
	void watch_host(const std::vector<uint8_t> &f)
	{
		uint8_t type = f[3];
		if (type == PROTO_JOB)
			pending_job_seq_ = f[4], pending_job_ = true;
		else if (type == PROTO_FLUSH)
			busy_ = false;
		else if (type == PROTO_RUN && f.size() > TANDEM_FRAME_HEADER)
			running_ = f[TANDEM_FRAME_HEADER] != 0;
	}

	// Device -> host: watch, maybe break, then queue.
	void from_device(uint8_t b)
	{
		std::vector<uint8_t> f;
		bool raw;
		if (!out_framer_.push(b, f, raw))
			return;
		if (!raw) {
			watch_device(f);
			if (f[3] == PROTO_SHARE && rng_.chance(o_.bad_nonce))
				break_nonce(f);
			if (rng_.chance(o_.drop)) {
				log(1, "dropped a device frame (type %02x)",
				    f[3]);
				return;
			}
		}
		for (uint8_t c : f) {
			if (rng_.chance(o_.corrupt))
				c ^= (uint8_t)(1u << (rng_.next() & 7));
			to_host_.push_back(c);
		}
	}

	void watch_device(const std::vector<uint8_t> &f)
	{
		const uint8_t *p = &f[TANDEM_FRAME_HEADER];
		size_t len = f.size() - TANDEM_FRAME_OVERHEAD;
		switch (f[3]) {
		case PROTO_ACK:
			if (len >= 2 && p[0] == PROTO_JOB && pending_job_ &&
			    p[1] == pending_job_seq_) {
				busy_ = true;
				pending_job_ = false;
			}
			break;
		case PROTO_INFO:
			if (len >= 3) {
				pipelines_ = p[1];
				loop_log2_ = p[2];
			}
			break;
		case PROTO_STATUS:
			if (len >= 15) {
				uint64_t h = 0;
				for (int i = 7; i >= 0; i--)
					h = (h << 8) | p[i];
				last_hashes_ = h;
				cycles_ = tb_.cycles();
				busy_ = (p[14] & PROTO_STATE_JOB) &&
				        (p[14] & PROTO_STATE_RUNNING);
			}
			break;
		default:
			break;
		}
	}

	// Injected hardware error: a SHARE whose nonce is wrong but whose
	// frame is well formed (CRCs recomputed), as a faulty core would send.
	void break_nonce(std::vector<uint8_t> &f)
	{
		uint8_t *p = &f[TANDEM_FRAME_HEADER];
		size_t len = f.size() - TANDEM_FRAME_OVERHEAD;
		if (len < PROTO_SHARE_LEN)
			return;
		p[8 + (rng_.next() & 3)] ^= (uint8_t)(1u << (rng_.next() & 7));
		uint16_t crc = proto_crc16(&f[2], 6 + len);
		f[TANDEM_FRAME_HEADER + len] = (uint8_t)crc;
		f[TANDEM_FRAME_HEADER + len + 1] = (uint8_t)(crc >> 8);
		log(1, "injected a wrong nonce");
	}

	void run_slice()
	{
		auto *m = tb_.m.get();
		int moved = 0;
		for (int i = 0; i < kSlice; i++) {
			uint8_t v = !to_dev_.empty();
			uint8_t d = v ? to_dev_.front() : m->rx_data_i;
			uint8_t r = to_host_.size() < (1u << 20);
			if (v != m->rx_valid_i || d != m->rx_data_i ||
			    r != m->tx_ready_i) {
				// New inputs: settle combinational outputs
				// first.
				m->rx_valid_i = v;
				m->rx_data_i = d;
				m->tx_ready_i = r;
				m->eval();
			}
			// Handshakes are sampled before the edge, as the RTL
			// does.
			bool rx_take = m->rx_valid_i && m->rx_ready_o;
			bool tx_take = m->tx_valid_o && m->tx_ready_i;
			uint8_t tx_byte = m->tx_data_o;
			tb_.tick();
			if (rx_take) {
				to_dev_.pop_front();
				moved++;
			}
			if (tx_take) {
				from_device(tx_byte);
				moved++;
			}
		}
		if (moved)
			linger_ = kLinger;
		else if (linger_ > (uint64_t)kSlice)
			linger_ -= kSlice;
		else
			linger_ = 0;
		if (!running_)
			busy_ = false;
	}

	bool send_out(int fd)
	{
		while (!to_host_.empty()) {
			uint8_t buf[4096];
			size_t n = 0;
			while (n < sizeof(buf) && n < to_host_.size()) {
				buf[n] = to_host_[n];
				n++;
			}
			ssize_t k =
			        send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (k < 0)
				return errno == EAGAIN ||
				       errno == EWOULDBLOCK || errno == EINTR;
			to_host_.erase(to_host_.begin(), to_host_.begin() + k);
		}
		return true;
	}

	TestBench<Vtandem_device> tb_;
	Options o_;
	Rng rng_;
	Framer in_framer_, out_framer_;
	std::deque<uint8_t> to_dev_, to_host_;
	bool busy_ = false, running_ = true, pending_job_ = false;
	bool cut_once_ = false; // --disconnect-after fires once per process
	uint8_t pending_job_seq_ = 0;
	uint64_t linger_ = 0;
	unsigned pipelines_ = 0, loop_log2_ = 0;
	uint64_t last_hashes_ = 0, cycles_ = 0;
	uint64_t t0_ = now_ms();
};

static int listen_on(const Options &o)
{
	int fd;
	if (o.tcp_port) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		struct sockaddr_in sa;
		std::memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_port = htons((uint16_t)o.tcp_port);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK); // loopback only
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(fd);
			return -1;
		}
	} else {
		struct sockaddr_un sa;
		std::memset(&sa, 0, sizeof(sa));
		sa.sun_family = AF_UNIX;
		if (o.socket_path.size() >= sizeof(sa.sun_path))
			return -1;
		std::strncpy(sa.sun_path, o.socket_path.c_str(),
		             sizeof(sa.sun_path) - 1);
		unlink(o.socket_path.c_str());
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0)
			return -1;
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			close(fd);
			return -1;
		}
	}
	if (listen(fd, 1) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void usage()
{
	std::fprintf(
	        stderr,
	        "usage: tandem-sim --socket PATH | --tcp PORT [--config NAME]\n"
	        "       [+trace] [--corrupt R] [--drop R] [--bad-nonce R]\n"
	        "       [--stall MS] [--disconnect-after S] [--seed N] "
	        "[--once] [-v]\n"
	        "this binary: configuration '%s'\n",
	        SIM_CONFIG);
}

static bool parse_rate(const char *s, double &out)
{
	char *end;
	double v = std::strtod(s, &end);
	if (*end || !(v >= 0 && v <= 1))
		return false;
	out = v;
	return true;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long &out)
{
	char *end;
	if (!*s || *s == '-')
		return false;
	unsigned long v = std::strtoul(s, &end, 0);
	if (*end || v > max)
		return false;
	out = v;
	return true;
}

int main(int argc, char **argv)
{
	Options o;
	unsigned long u;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : nullptr;
		bool ok = true;
		if (a == "+trace") {
			continue; // TestBench reads it
		} else if (a == "--once") {
			o.once = true;
			continue;
		} else if (a == "-v") {
			o.verbose++;
			continue;
		} else if (a == "-h" || a == "--help") {
			usage();
			return 0;
		}
		if (!v) {
			usage();
			return 2;
		}
		i++;
		if (a == "--socket")
			o.socket_path = v;
		else if (a == "--tcp")
			ok = parse_uint(v, 65535, u) && u > 0 &&
			     (o.tcp_port = (int)u);
		else if (a == "--config") {
			if (std::string(v) != SIM_CONFIG) {
				// Run the sibling build of the asked
				// configuration.
				std::string self = argv[0];
				size_t slash = self.rfind('/');
				std::string dir =
				        slash == std::string::npos
				                ? "."
				                : self.substr(0, slash);
				std::string other = dir + "/tandem-sim-" + v;
				if (access(other.c_str(), X_OK) != 0) {
					std::fprintf(
					        stderr,
					        "tandem-sim: configuration "
					        "'%s' is not built "
					        "(%s missing; make sim-all)\n",
					        v, other.c_str());
					return 2;
				}
				std::vector<char *> args;
				args.push_back(
				        const_cast<char *>(other.c_str()));
				for (int k = 1; k < argc; k++)
					if (std::string(argv[k]) !=
					            "--config" &&
					    (k == 0 ||
					     std::string(argv[k - 1]) !=
					             "--config"))
						args.push_back(argv[k]);
				args.push_back(nullptr);
				execv(other.c_str(), args.data());
				std::perror("tandem-sim: exec");
				return 2;
			}
		} else if (a == "--corrupt")
			ok = parse_rate(v, o.corrupt);
		else if (a == "--drop")
			ok = parse_rate(v, o.drop);
		else if (a == "--bad-nonce")
			ok = parse_rate(v, o.bad_nonce);
		else if (a == "--stall")
			ok = parse_uint(v, 60000, u) &&
			     ((o.stall_ms = (unsigned)u), true);
		else if (a == "--disconnect-after")
			ok = parse_uint(v, 86400, u) &&
			     ((o.disconnect_s = (unsigned)u), true);
		else if (a == "--seed")
			ok = parse_uint(v, ~0ul, u) && ((o.seed = u), true);
		else
			ok = false;
		if (!ok) {
			std::fprintf(stderr, "tandem-sim: bad option %s %s\n",
			             a.c_str(), v);
			usage();
			return 2;
		}
	}
	if (o.socket_path.empty() == (o.tcp_port == 0)) {
		usage();
		return 2;
	}
	struct sigaction sa;
	std::memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);
	signal(SIGPIPE, SIG_IGN);

	// Never destroyed: TestBench (sim/testb.h) declares its model before
	// its VerilatedContext, so destroying it frees the context first and
	// the model's destructor then blocks on the freed context's mutex.
	// finish() + _exit() end the process cleanly instead.
	Sim &sim = *new Sim(argc, argv, o);
	int lfd = listen_on(o);
	if (lfd < 0) {
		std::fprintf(stderr, "tandem-sim: cannot listen on %s: %s\n",
		             o.tcp_port ? "tcp port" : o.socket_path.c_str(),
		             std::strerror(errno));
		std::fflush(nullptr);
		_exit(1);
	}
	sim.log(1, "configuration %s listening on %s", SIM_CONFIG,
	        o.tcp_port ? "tcp" : o.socket_path.c_str());
	int rc = 0;
	bool first = true;
	while (!g_stop) {
		struct pollfd p = {lfd, POLLIN, 0};
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = 1;
			break;
		}
		int cfd = accept(lfd, nullptr, nullptr);
		if (cfd < 0)
			continue;
		if (o.tcp_port) {
			int one = 1;
			setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one,
			           sizeof(one));
		}
		if (!first)
			sim.reset_device(); // a new connection is a replugged
			                    // board
		first = false;
		sim.log(1, "client connected");
		sim.serve(cfd);
		close(cfd);
		sim.log(1, "client gone");
		if (o.once)
			break;
	}
	close(lfd);
	if (!o.tcp_port)
		unlink(o.socket_path.c_str());
	sim.report();
	sim.finish();
	std::fflush(nullptr);
	_exit(rc);
}
