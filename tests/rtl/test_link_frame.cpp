// Frame layer of the host link: link_frame_tx -> faulty byte stream ->
// link_frame_rx, against the C codec in host/lib/proto.c.
//
//  1. encoder: frames the RTL encoder emits are byte-identical to
//     proto_frame_encode (random types, lengths up to TANDEM_MAX_PAYLOAD,
//     payloads built by the proto_*_pack functions from the real headers in
//     tests/vectors/headers.json), with random stalls on both interfaces;
//  2. decoder: streams of C-encoded frames with garbage between them, bit
//     flips, truncations, oversize and bad-version headers go through the
//     RTL receiver (default sizes and a small ring), with random input
//     stalls and random consumer hold times. The sequence of delivered
//     frames and drop reasons must equal what proto_frame_decode finds in
//     the same stream (its length limit moved to the device's MAX_PAYLOAD),
//     and every intact frame must come out exactly once;
//  3. chain: the RTL encoder feeds the RTL decoder through a fault
//     injector, same checks;
//  4. random bytes for a long time (biased towards sync, version and
//     small lengths so that headers are tried often), then a good frame:
//     never hangs, the frame arrives, verdicts equal the C decoder's;
//  5. directed resync cases: a sync word inside a corrupt header, a
//     truncated frame that swallowed the next one, A5 A5 5A.
// Run with +seed=N for another random sequence, +trace for waves.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include <jansson.h>

#include "Vlink_frame_rx.h"
#include "Vlink_frame_rx_s.h"
#include "Vlink_frame_tx.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "testb.h"
#include "work.h"

typedef std::vector<uint8_t> Bytes;

static Tally tally("test_link_frame");
static std::mt19937 rng(20240611u);

static unsigned urand(unsigned n) // 0..n-1
{
	return n ? (unsigned)(rng() % n) : 0;
}

static bool chance(double p)
{
	return std::uniform_real_distribution<double>(0.0, 1.0)(rng) < p;
}

// ---- real data: 80-byte headers from tests/vectors/headers.json --------

static std::vector<Bytes> headers;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool load_headers(const char *path)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	if (!root)
		return false;
	json_t *arr = json_object_get(root, "headers");
	size_t i;
	json_t *h;
	json_array_foreach(arr, i, h)
	{
		const char *hex =
			json_string_value(json_object_get(h, "header_hex"));
		if (!hex || strlen(hex) != 160)
			continue;
		Bytes b(80);
		bool ok = true;
		for (int k = 0; k < 80; k++) {
			int hi = hexval(hex[2 * k]), lo = hexval(hex[2 * k + 1]);
			ok = ok && hi >= 0 && lo >= 0;
			b[k] = (uint8_t)(hi << 4 | lo);
		}
		if (ok)
			headers.push_back(b);
	}
	json_decref(root);
	return headers.size() >= 8;
}

static const Bytes &some_header()
{
	return headers[urand((unsigned)headers.size())];
}

// Bytes of real headers, end to end from a random place.
static void fill_real(uint8_t *p, size_t n)
{
	const Bytes *h = &some_header();
	size_t k = urand(80);
	for (size_t i = 0; i < n; i++) {
		if (k == 80) {
			h = &some_header();
			k = 0;
		}
		p[i] = (*h)[k++];
	}
}

// ---- payloads ------------------------------------------------------------

struct Frame {
	uint8_t type;
	uint8_t seq;
	Bytes payload;
};

// A payload of a real layout built with the C packers from real header
// fields, or raw real-header bytes of a random length; at most maxlen.
static Frame make_frame(unsigned maxlen)
{
	Frame f;
	uint8_t buf[TANDEM_MAX_PAYLOAD];
	int n = -1;
	const Bytes &h = some_header();
	struct work_header wh;
	work_header_unpack(h.data(), &wh);
	f.seq = (uint8_t)rng();
	switch (urand(12)) {
	case 0: {
		struct proto_ack a = {(uint8_t)(1 + urand(6)), (uint8_t)rng(),
				      (uint16_t)rng()};
		f.type = PROTO_ACK;
		n = proto_ack_pack(&a, buf, sizeof(buf));
		break;
	}
	case 1: {
		struct proto_share s;
		memset(&s, 0, sizeof(s));
		s.job_id = (uint32_t)rng();
		s.generation = (uint16_t)rng();
		s.slots = (uint16_t)(1 + urand(0xffff));
		s.nonce = wh.nonce;
		s.version = wh.version;
		s.ntime = wh.ntime;
		s.pipeline = (uint8_t)urand(8);
		f.type = PROTO_SHARE;
		n = proto_share_pack(&s, buf, sizeof(buf));
		break;
	}
	case 2: {
		struct proto_status s;
		memset(&s, 0, sizeof(s));
		s.hashes = ((uint64_t)rng() << 32) | rng();
		s.job_id = (uint32_t)rng();
		s.state = (uint8_t)urand(8);
		s.version = wh.version;
		s.shares = (uint32_t)rng();
		s.crc_errors = urand(100);
		f.type = PROTO_STATUS;
		n = proto_status_pack(&s, buf, sizeof(buf));
		break;
	}
	case 3: {
		struct proto_job j;
		memset(&j, 0, sizeof(j));
		j.mode = PROTO_JOB_MODE_HEADER;
		j.flags = (uint8_t)urand(2);
		j.generation = (uint16_t)rng();
		j.job_id = (uint32_t)rng();
		j.nonce_count = (uint32_t)rng();
		j.version = wh.version;
		j.ntime = wh.ntime;
		work_header_midstate(h.data(), j.midstate);
		memcpy(j.tail, h.data() + 64, 12);
		f.type = PROTO_JOB;
		n = proto_job_pack(&j, buf, sizeof(buf));
		break;
	}
	case 4: {
		struct proto_job j;
		memset(&j, 0, sizeof(j));
		j.mode = PROTO_JOB_MODE_STRATUM;
		j.job_id = (uint32_t)rng();
		j.version = wh.version;
		j.version_mask = 0x1fffe000u;
		j.ntime = wh.ntime;
		j.nbits = wh.nbits;
		memcpy(j.prevhash, wh.prevhash, 32);
		work_header_midstate(some_header().data(), j.cb_midstate);
		j.rem_blocks = (uint8_t)(1 + urand(TANDEM_MAX_REM_BLOCKS));
		j.en2_size = (uint8_t)(1 + urand(TANDEM_MAX_EN2));
		j.en2_offset = (uint8_t)urand(64 - j.en2_size);
		j.branch_count = (uint8_t)urand(TANDEM_MAX_BRANCH + 1);
		fill_real(j.remainder, 64u * j.rem_blocks);
		for (unsigned b = 0; b < j.branch_count; b++) {
			const Bytes &o = some_header();
			memcpy(j.branch[b], o.data() + 36, 32);
		}
		f.type = PROTO_JOB;
		n = proto_job_pack(&j, buf, sizeof(buf));
		break;
	}
	case 5: {
		struct proto_target t[TANDEM_MAX_SLOTS];
		unsigned cnt = 1 + urand(TANDEM_MAX_SLOTS);
		for (unsigned i = 0; i < cnt; i++) {
			t[i].slot = (uint8_t)i;
			t[i].flags = (uint8_t)urand(2);
			struct work_header o;
			work_header_unpack(some_header().data(), &o);
			work_nbits_to_target(o.nbits, t[i].target);
		}
		f.type = PROTO_TARGET_SET;
		n = proto_targets_pack(t, cnt, buf, sizeof(buf));
		break;
	}
	case 6:
		f.type = PROTO_FLUSH;
		n = proto_flush_pack((uint16_t)rng(), buf, sizeof(buf));
		break;
	case 7:
		f.type = (uint8_t)(chance(0.5) ? PROTO_INFO_GET : PROTO_STATUS_GET);
		n = 0;
		break;
	default: {
		// Raw: any type (unknown ones too), any length up to maxlen,
		// now and then with sync words inside.
		f.type = (uint8_t)rng();
		unsigned len = chance(0.1) ? maxlen : urand(maxlen + 1);
		fill_real(buf, len);
		if (len >= 2 && chance(0.3)) {
			unsigned at = urand(len - 1);
			buf[at] = TANDEM_SYNC0;
			buf[at + 1] = TANDEM_SYNC1;
		}
		n = (int)len;
		break;
	}
	}
	if (n < 0 || (unsigned)n > maxlen) {
		f.type = (uint8_t)rng();
		n = (int)urand(maxlen + 1);
		fill_real(buf, (size_t)n);
	}
	f.payload.assign(buf, buf + n);
	return f;
}

static Bytes encode(const Frame &f)
{
	Bytes out(f.payload.size() + TANDEM_FRAME_OVERHEAD);
	int n = proto_frame_encode(f.type, f.seq, f.payload.data(),
				   f.payload.size(), out.data(), out.size());
	if (n < 0) {
		tally.check(false, "proto_frame_encode failed: %d", n);
		out.clear();
	}
	return out;
}

// ---- reference verdicts ------------------------------------------------

struct Event {
	int code; // 0 frame, else TANDEM_ERR_FRAME_*
	uint8_t type;
	uint8_t seq;
	Bytes payload;
	bool operator==(const Event &o) const
	{
		return code == o.code && (code ||
			(type == o.type && seq == o.seq && payload == o.payload));
	}
};

// proto_frame_decode over the whole stream, with the device's own length
// limit added: when the codec has passed a header (it returned a frame, a
// CRC error, or wants more bytes with a whole header in hand) whose length
// field is above maxlen, the device calls it oversize and skips one byte,
// as the codec does for every bad header.
static std::vector<Event> ref_decode(const Bytes &s, unsigned maxlen)
{
	std::vector<Event> ev;
	static struct proto_frame f;
	size_t off = 0;
	while (off < s.size()) {
		size_t used = 0, n = s.size() - off;
		int rc = proto_frame_decode(s.data() + off, n, &f, &used);
		bool hdr_ok = n >= TANDEM_FRAME_HEADER &&
			      (rc == 0 || rc == TANDEM_ERR_FRAME_CRC ||
			       rc == TANDEM_ERR_FRAME_SHORT);
		unsigned len = hdr_ok ? (unsigned)(s[off + 5] | s[off + 6] << 8) : 0;
		if (hdr_ok && len > maxlen) {
			ev.push_back({TANDEM_ERR_FRAME_OVERSIZE, 0, 0, {}});
			used = 1;
		} else if (rc == 0) {
			ev.push_back({0, f.type, f.seq,
				      Bytes(f.payload, f.payload + f.len)});
		} else if (rc == TANDEM_ERR_FRAME_SHORT) {
			break;
		} else if (rc != TANDEM_ERR_FRAME_SYNC) {
			ev.push_back({rc, 0, 0, {}});
		}
		if (!used)
			break;
		off += used;
	}
	return ev;
}

static const int why_code[4] = {TANDEM_ERR_FRAME_HCRC, TANDEM_ERR_FRAME_CRC,
				TANDEM_ERR_FRAME_VERSION,
				TANDEM_ERR_FRAME_OVERSIZE};

static const char *code_name(int c)
{
	return c ? tandem_errname(c) : "frame";
}

// ---- RTL receiver driver -------------------------------------------------

struct Stalls {
	double p_valid;   // input byte offered in a clock
	double p_read;    // consumer reads a payload byte in a clock
	unsigned hold;    // consumer waits up to this many clocks first
};

template <class M> class RxDriver {
public:
	RxDriver(TestBench<M> &tb, const Stalls &st) : tb_(tb), st_(st) {}

	std::deque<uint8_t> in;   // bytes still to offer
	std::vector<Event> events; // what came out, in order
	uint64_t accepted = 0;
	uint64_t refused = 0; // clocks a byte was offered and not taken

	// Drives one clock.
	void step()
	{
		M &m = *tb_.m;
		if (!offering_ && !in.empty() && chance(st_.p_valid)) {
			offering_ = true;
			cur_ = in.front();
		}
		m.rx_valid_i = offering_;
		m.rx_data_i = offering_ ? cur_ : (uint8_t)rng();
		// consumer
		bool reading = false;
		m.frame_ready_i = 0;
		m.frame_addr_i = urand(64); // fits every BUF_LOG2 built
		switch (cs_) {
		case 0:
			if (m.frame_valid_o) {
				type_ = m.frame_type_o;
				seq_ = m.frame_seq_o;
				len_ = m.frame_len_o;
				got_.clear();
				wait_ = urand(st_.hold + 1);
				cs_ = 1;
			}
			break;
		case 1:
			if (wait_)
				wait_--;
			else
				cs_ = 2;
			break;
		case 2:
			if (got_.size() == len_) {
				m.frame_ready_i = chance(0.7);
			} else if (chance(st_.p_read)) {
				m.frame_addr_i = (uint32_t)got_.size();
				reading = true;
			}
			break;
		}
		if (cs_ != 0 && (!m.frame_valid_o || m.frame_type_o != type_ ||
				 m.frame_seq_o != seq_ || m.frame_len_o != len_)) {
			tally.check(false, "held frame changed");
			cs_ = 0;
		}
		m.eval();
		bool take = offering_ && m.rx_ready_o;
		refused += offering_ && !m.rx_ready_o;
		bool release = cs_ == 2 && m.frame_ready_i;
		tb_.tick();
		if (take) {
			in.pop_front();
			offering_ = false;
			accepted++;
		}
		if (reading)
			got_.push_back(m.frame_data_o);
		if (release) {
			events.push_back({0, type_, seq_, got_});
			cs_ = 0;
		}
		if (m.drop_o)
			events.push_back({why_code[m.drop_why_o & 3], 0, 0, {}});
	}
	bool idle() const { return in.empty() && !offering_ && cs_ == 0; }

private:
	TestBench<M> &tb_;
	Stalls st_;
	bool offering_ = false;
	uint8_t cur_ = 0;
	int cs_ = 0;
	unsigned wait_ = 0;
	uint8_t type_ = 0, seq_ = 0;
	unsigned len_ = 0;
	Bytes got_;
};

// Runs a stream through the receiver until it is idle and has been quiet
// for longer than a replay of the whole ring takes; false if it takes more
// clocks than any sane bound.
template <class M>
static bool run_rx(RxDriver<M> &rx, uint64_t max_clocks)
{
	uint64_t quiet = 0, n = 0;
	while (quiet < 4096) {
		rx.step();
		quiet = rx.idle() ? quiet + 1 : 0;
		if (++n > max_clocks)
			return false;
	}
	return true;
}

// Compares the receiver's events, counters and the injected truth.
template <class M>
static void compare(const char *what, TestBench<M> &tb, RxDriver<M> &rx,
		    const Bytes &stream, unsigned maxlen,
		    const std::vector<Frame> &intact, uint64_t min_errors,
		    uint32_t crc0, uint32_t frm0)
{
	std::vector<Event> ref = ref_decode(stream, maxlen);
	const std::vector<Event> &got = rx.events;
	size_t n = std::min(ref.size(), got.size());
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(ref[i] == got[i])) {
			if (bad++ < 5)
				tally.check(false,
					    "%s: event %zu: rtl %s, C %s (len %zu/%zu)",
					    what, i, code_name(got[i].code),
					    code_name(ref[i].code),
					    got[i].payload.size(),
					    ref[i].payload.size());
		}
	}
	tally.check(bad == 0, "%s: %zu of %zu events differ", what, bad, n);
	tally.check(ref.size() == got.size(), "%s: rtl %zu events, C %zu", what,
		    got.size(), ref.size());

	uint64_t crc = 0, frm = 0, frames = 0;
	for (const Event &e : ref) {
		if (e.code == TANDEM_ERR_FRAME_HCRC || e.code == TANDEM_ERR_FRAME_CRC)
			crc++;
		else if (e.code)
			frm++;
		else
			frames++;
	}
	uint32_t rcrc = tb.m->crc_errors_o - crc0;
	uint32_t rfrm = tb.m->frame_errors_o - frm0;
	tally.check(rcrc == crc, "%s: crc_errors %u, C %llu", what, rcrc,
		    (unsigned long long)crc);
	tally.check(rfrm == frm, "%s: frame_errors %u, C %llu", what, rfrm,
		    (unsigned long long)frm);

	// Ground truth: intact frames, in order, each exactly once, nothing
	// else; at least one error for each frame damaged behind its sync.
	size_t k = 0, extra = 0;
	for (const Event &e : got) {
		if (e.code)
			continue;
		if (k < intact.size() && e.type == intact[k].type &&
		    e.seq == intact[k].seq && e.payload == intact[k].payload)
			k++;
		else
			extra++;
	}
	tally.check(k == intact.size(), "%s: %zu of %zu intact frames delivered",
		    what, k, intact.size());
	tally.check(extra == 0, "%s: %zu frames delivered that were not sent intact",
		    what, extra);
	tally.check(rcrc + rfrm >= min_errors,
		    "%s: %u errors counted, %llu damaged frames injected", what,
		    rcrc + rfrm, (unsigned long long)min_errors);
	std::printf("%s: %zu bytes, %llu frames, %llu crc and %llu frame errors, "
		    "input refused in %llu clocks\n",
		    what, stream.size(), (unsigned long long)frames,
		    (unsigned long long)crc, (unsigned long long)frm,
		    (unsigned long long)rx.refused);
}

// ---- fault injection ------------------------------------------------------

struct Damage {
	std::vector<Frame> intact;
	uint64_t min_errors = 0;
};

// Garbage: random bytes, often biased towards sync and header bytes.
static void garbage(Bytes &s, unsigned n)
{
	static const uint8_t hot[] = {TANDEM_SYNC0, TANDEM_SYNC1, 0x01, 0x00};
	for (unsigned i = 0; i < n; i++)
		s.push_back(chance(0.4) ? hot[urand(4)] : (uint8_t)rng());
}

// A header that passes hcrc but has a bad version or too large a length.
static void bad_header(Bytes &s, unsigned maxlen, bool version)
{
	uint8_t h[8] = {TANDEM_SYNC0, TANDEM_SYNC1, TANDEM_PROTO_VERSION,
			(uint8_t)rng(), (uint8_t)rng(), 0, 0, 0};
	unsigned len = urand(maxlen + 1);
	if (version)
		h[2] = (uint8_t)(2 + urand(254));
	else
		len = maxlen + 1 + urand(chance(0.5) ? 16 : 0xffff - maxlen);
	h[5] = (uint8_t)len;
	h[6] = (uint8_t)(len >> 8);
	h[7] = proto_crc8(h + 2, 5);
	s.insert(s.end(), h, h + 8);
	unsigned tail = urand(std::min(len, 200u) + 1);
	Bytes t(tail);
	fill_real(t.data(), tail);
	s.insert(s.end(), t.begin(), t.end());
}

// Appends one encoded frame to s, maybe damaged; records the truth.
static void add_frame(Bytes &s, const Frame &f, unsigned maxlen, Damage &d,
		      double p_damage)
{
	Bytes e = encode(f);
	if (!chance(p_damage)) {
		s.insert(s.end(), e.begin(), e.end());
		d.intact.push_back(f);
		return;
	}
	switch (urand(4)) {
	case 0: { // one bit flipped anywhere
		unsigned at = urand((unsigned)e.size());
		e[at] ^= (uint8_t)(1u << urand(8));
		if (at >= 2)
			d.min_errors++;
		s.insert(s.end(), e.begin(), e.end());
		break;
	}
	case 1: { // truncated
		unsigned cut = urand((unsigned)e.size());
		if (cut >= 2)
			d.min_errors++;
		s.insert(s.end(), e.begin(), e.begin() + cut);
		break;
	}
	case 2: // bad version
		bad_header(s, maxlen, true);
		d.min_errors++;
		break;
	default: // oversize
		bad_header(s, maxlen, false);
		d.min_errors++;
		break;
	}
}

// Zeros that end every pending candidate, then one good frame.
static void finish_stream(Bytes &s, unsigned maxlen, Damage &d)
{
	s.insert(s.end(), maxlen + TANDEM_FRAME_OVERHEAD, 0);
	Frame f = make_frame(std::min(maxlen, 64u));
	Bytes e = encode(f);
	s.insert(s.end(), e.begin(), e.end());
	d.intact.push_back(f);
}

// ---- tests ----------------------------------------------------------------

static void test_encoder(TestBench<Vlink_frame_tx> &tb, unsigned frames)
{
	Vlink_frame_tx &m = *tb.m;
	std::vector<Frame> fr;
	Bytes want;
	for (unsigned i = 0; i < frames; i++) {
		fr.push_back(make_frame(TANDEM_MAX_PAYLOAD));
		Bytes e = encode(fr.back());
		want.insert(want.end(), e.begin(), e.end());
	}
	Bytes got;
	size_t cur = 0;
	bool active = false;
	uint8_t rdata = 0;
	uint64_t clocks = 0;
	while (got.size() < want.size() && clocks < 50 * want.size() + 1000) {
		if (!active && cur < fr.size() && chance(0.3))
			active = true;
		const Frame *f = active ? &fr[cur] : nullptr;
		m.frame_valid_i = active;
		m.frame_type_i = f ? f->type : (uint8_t)rng();
		m.frame_seq_i = f ? f->seq : (uint8_t)rng();
		m.frame_len_i = f ? (uint16_t)f->payload.size() : (uint16_t)rng();
		m.frame_data_i = rdata;
		bool ready = chance(0.6);
		m.tx_ready_i = ready;
		m.eval();
		bool out = m.tx_valid_o && ready;
		uint8_t byte = m.tx_data_o;
		bool done = active && m.frame_ready_o;
		unsigned addr = m.frame_addr_o;
		tb.tick();
		clocks++;
		// The payload source is a registered read of frame_addr_o.
		rdata = (f && addr < f->payload.size()) ? f->payload[addr] : 0xEE;
		if (out)
			got.push_back(byte);
		if (done) {
			active = false;
			cur++;
		}
	}
	// Flush the output register.
	for (int i = 0; i < 4 && got.size() < want.size(); i++) {
		m.frame_valid_i = 0;
		m.tx_ready_i = 1;
		m.eval();
		if (m.tx_valid_o)
			got.push_back(m.tx_data_o);
		tb.tick();
	}
	tally.check(got.size() == want.size(), "encoder: %zu bytes, want %zu",
		    got.size(), want.size());
	size_t off = 0, same = 0;
	for (const Frame &f : fr) {
		size_t n = f.payload.size() + TANDEM_FRAME_OVERHEAD;
		if (off + n <= got.size() &&
		    std::equal(want.begin() + off, want.begin() + off + n,
			       got.begin() + off))
			same++;
		else
			tally.check(false, "encoder: frame type %02x len %zu differs",
				    f.type, f.payload.size());
		off += n;
	}
	tally.check(same == fr.size(), "encoder: %zu of %zu frames identical",
		    same, fr.size());
	std::printf("encoder: %zu frames, %zu bytes in %llu clocks\n", fr.size(),
		    got.size(), (unsigned long long)clocks);
}

template <class M>
static void test_decoder(const char *what, TestBench<M> &tb, unsigned maxlen,
			 unsigned frames, const Stalls &st, bool want_full = false)
{
	Bytes s;
	Damage d;
	for (unsigned i = 0; i < frames; i++) {
		if (chance(0.3))
			garbage(s, urand(chance(0.1) ? 600 : 24));
		// Mostly frames the device takes, some the C codec takes and
		// the device finds oversize.
		unsigned lim = chance(0.05) ? TANDEM_MAX_PAYLOAD : maxlen;
		Frame f = make_frame(lim);
		if (f.payload.size() > maxlen) {
			Bytes e = encode(f);
			s.insert(s.end(), e.begin(), e.end());
			d.min_errors++;
			continue;
		}
		add_frame(s, f, maxlen, d, 0.3);
	}
	finish_stream(s, maxlen, d);
	RxDriver<M> rx(tb, st);
	uint32_t crc0 = tb.m->crc_errors_o, frm0 = tb.m->frame_errors_o;
	rx.in.assign(s.begin(), s.end());
	bool ok = run_rx(rx, 40 * (uint64_t)s.size() + 100000);
	tally.check(ok, "%s: receiver did not finish", what);
	tally.check(!rx.events.empty() && rx.events.back().code == 0 &&
			    rx.events.back().payload == d.intact.back().payload,
		    "%s: the closing frame was not the last event", what);
	if (want_full)
		tally.check(rx.refused > 0, "%s: the ring never filled", what);
	compare(what, tb, rx, s, maxlen, d.intact, d.min_errors, crc0, frm0);
}

// RTL encoder -> injector -> RTL decoder, all clocked together.
static void test_chain(TestBench<Vlink_frame_tx> &tbt,
		       TestBench<Vlink_frame_rx> &tbr, unsigned maxlen,
		       unsigned frames)
{
	Vlink_frame_tx &t = *tbt.m;
	std::vector<Frame> fr;
	for (unsigned i = 0; i < frames; i++)
		fr.push_back(make_frame(maxlen));
	Stalls st = {0.8, 0.8, 40};
	RxDriver<Vlink_frame_rx> rx(tbr, st);
	uint32_t crc0 = tbr.m->crc_errors_o, frm0 = tbr.m->frame_errors_o;
	Bytes stream, cur_bytes;
	Damage d;
	size_t cur = 0, sent = 0;
	bool active = false;
	uint8_t rdata = 0;
	uint64_t clocks = 0, limit = 200ull * frames * 100 + 100000;
	// One frame's bytes are collected from the encoder, then damaged (or
	// not) as a whole and queued for the receiver.
	int fate = 0;
	while ((sent < fr.size() || !rx.idle()) && clocks < limit) {
		if (!active && cur < fr.size() && chance(0.5))
			active = true;
		const Frame *f = active ? &fr[cur] : nullptr;
		t.frame_valid_i = active;
		t.frame_type_i = f ? f->type : 0;
		t.frame_seq_i = f ? f->seq : 0;
		t.frame_len_i = f ? (uint16_t)f->payload.size() : 0;
		t.frame_data_i = rdata;
		// Back-pressure from the receiver side too.
		bool ready = chance(0.7) && rx.in.size() < 4096;
		t.tx_ready_i = ready;
		t.eval();
		bool out = t.tx_valid_o && ready;
		uint8_t byte = t.tx_data_o;
		bool done = active && t.frame_ready_o;
		unsigned addr = t.frame_addr_o;
		tbt.tick();
		rx.step();
		clocks++;
		rdata = (f && addr < f->payload.size()) ? f->payload[addr] : 0;
		if (done) {
			active = false;
			cur++;
		}
		if (!out)
			continue;
		cur_bytes.push_back(byte);
		const Frame &g = fr[sent];
		if (cur_bytes.size() < g.payload.size() + TANDEM_FRAME_OVERHEAD)
			continue;
		// A whole frame from the encoder: check it, damage it, queue it.
		Bytes piece;
		if (chance(0.2))
			garbage(piece, urand(30));
		Bytes e = encode(g);
		tally.check(e == cur_bytes, "chain: encoder frame %zu differs",
			    sent);
		fate = urand(10);
		if (fate < 7) {
			piece.insert(piece.end(), cur_bytes.begin(), cur_bytes.end());
			d.intact.push_back(g);
		} else if (fate == 7) {
			unsigned at = urand((unsigned)cur_bytes.size());
			cur_bytes[at] ^= (uint8_t)(1u << urand(8));
			d.min_errors += at >= 2;
			piece.insert(piece.end(), cur_bytes.begin(), cur_bytes.end());
		} else {
			unsigned cut = urand((unsigned)cur_bytes.size());
			d.min_errors += cut >= 2;
			piece.insert(piece.end(), cur_bytes.begin(),
				     cur_bytes.begin() + cut);
		}
		stream.insert(stream.end(), piece.begin(), piece.end());
		rx.in.insert(rx.in.end(), piece.begin(), piece.end());
		cur_bytes.clear();
		sent++;
		if (sent == fr.size()) {
			Bytes tail;
			finish_stream(tail, maxlen, d);
			stream.insert(stream.end(), tail.begin(), tail.end());
			rx.in.insert(rx.in.end(), tail.begin(), tail.end());
		}
	}
	tally.check(clocks < limit, "chain: did not finish");
	run_rx(rx, 1000000);
	compare("chain", tbr, rx, stream, maxlen, d.intact, d.min_errors, crc0,
		frm0);
}

template <class M>
static void test_random(const char *what, TestBench<M> &tb, unsigned maxlen,
			size_t nbytes)
{
	Bytes s;
	Damage d;
	garbage(s, (unsigned)nbytes);
	finish_stream(s, maxlen, d);
	Stalls st = {0.9, 0.9, 8};
	RxDriver<M> rx(tb, st);
	uint32_t crc0 = tb.m->crc_errors_o, frm0 = tb.m->frame_errors_o;
	rx.in.assign(s.begin(), s.end());
	bool ok = run_rx(rx, 40 * (uint64_t)s.size() + 100000);
	tally.check(ok, "%s: receiver hung", what);
	tally.check(!rx.events.empty() && rx.events.back().code == 0 &&
			    rx.events.back().payload == d.intact.back().payload,
		    "%s: the good frame after the noise was not received", what);
	compare(what, tb, rx, s, maxlen, d.intact, 0, crc0, frm0);
}

// Hand-made resync cases with their expected verdicts spelled out.
template <class M>
static void test_directed(TestBench<M> &tb, unsigned maxlen)
{
	Frame good = {0x42, 7, {1, 2, 3, TANDEM_SYNC0, TANDEM_SYNC1}};
	Bytes g = encode(good);
	struct Case {
		const char *name;
		Bytes s;
		std::vector<int> want; // event codes in order
	};
	std::vector<Case> cases;
	{ // sync word inside a corrupt header, good frame right behind it
		Bytes s = {TANDEM_SYNC0, TANDEM_SYNC1, 1, TANDEM_SYNC0,
			   TANDEM_SYNC1};
		s.insert(s.end(), g.begin(), g.end());
		// the first header absorbs the good frame's start and fails
		cases.push_back({"sync in corrupt header", s,
				 {TANDEM_ERR_FRAME_HCRC, TANDEM_ERR_FRAME_HCRC, 0}});
	}
	{ // a truncated long frame swallows the next one
		Frame big = {0x03, 1, Bytes(std::min(maxlen, 60u), 0x11)};
		Bytes b = encode(big);
		Bytes s(b.begin(), b.begin() + 12);
		s.insert(s.end(), g.begin(), g.end());
		s.insert(s.end(), maxlen + 10, 0);
		s.insert(s.end(), g.begin(), g.end());
		cases.push_back({"truncated frame", s,
				 {TANDEM_ERR_FRAME_CRC, 0, 0}});
	}
	{ // A5 A5 5A: the frame starts at the second A5
		Bytes s = {TANDEM_SYNC0};
		s.insert(s.end(), g.begin(), g.end());
		cases.push_back({"A5 A5 5A", s, {0}});
	}
	{ // length exactly the limit and one above (hcrc and version fine)
		Frame at = {0x10, 2, Bytes(maxlen, 0x5A)};
		Bytes s = encode(at);
		Bytes over = {TANDEM_SYNC0, TANDEM_SYNC1, 1, 0x10, 3,
			      (uint8_t)(maxlen + 1), (uint8_t)((maxlen + 1) >> 8), 0};
		over[7] = proto_crc8(over.data() + 2, 5);
		s.insert(s.end(), over.begin(), over.end());
		s.insert(s.end(), g.begin(), g.end());
		cases.push_back({"length at and above the limit", s,
				 {0, TANDEM_ERR_FRAME_OVERSIZE, 0}});
	}
	for (Case &c : cases) {
		Stalls st = {0.5, 0.5, 3};
		RxDriver<M> rx(tb, st);
		rx.in.assign(c.s.begin(), c.s.end());
		bool ok = run_rx(rx, 100000);
		std::vector<int> got;
		for (const Event &e : rx.events)
			got.push_back(e.code);
		std::vector<int> ref;
		for (const Event &e : ref_decode(c.s, maxlen))
			ref.push_back(e.code);
		tally.check(ok && got == c.want, "directed '%s': rtl events wrong",
			    c.name);
		tally.check(ref == c.want, "directed '%s': C codec disagrees",
			    c.name);
		if (!rx.events.empty() && rx.events.back().code == 0)
			tally.check(rx.events.back().payload == good.payload,
				    "directed '%s': wrong payload", c.name);
	}
}

template <class M> static void reset_rx(TestBench<M> &tb)
{
	tb.m->rx_valid_i = 0;
	tb.m->frame_ready_i = 0;
	tb.m->frame_addr_i = 0;
	tb.reset();
	tally.check(tb.m->rx_ready_o && !tb.m->frame_valid_o &&
			    tb.m->crc_errors_o == 0 && tb.m->frame_errors_o == 0,
		    "receiver state after reset");
}

int main(int argc, char **argv)
{
	std::setvbuf(stdout, nullptr, _IOLBF, 0);
	// Random initial register contents: reset must cover all control.
	std::vector<char *> args(argv, argv + argc);
	static char rr[] = "+verilator+rand+reset+2";
	args.push_back(rr);
	int ac = (int)args.size();
	char **av = args.data();
	Verilated::commandArgs(ac, av);
	const char *seed = Verilated::commandArgsPlusMatch("seed=");
	if (seed && *seed)
		rng.seed((unsigned)strtoul(seed + 6, nullptr, 0));

	if (!tally.check(load_headers("tests/vectors/headers.json"),
			 "cannot read tests/vectors/headers.json"))
		return tally.finish();

	// sim/testb.h destroys its VerilatedContext before the model, which
	// Verilator 5 aborts on at exit; so the benches live as long as the
	// process (final() is called below).
	TestBench<Vlink_frame_tx> &tbt =
		*new TestBench<Vlink_frame_tx>(ac, av, "test_link_frame_tx");
	TestBench<Vlink_frame_rx> &tbr =
		*new TestBench<Vlink_frame_rx>(ac, av, "test_link_frame_rx");
	TestBench<Vlink_frame_rx_s> &tbs =
		*new TestBench<Vlink_frame_rx_s>(ac, av, "test_link_frame_rx_s");
	const unsigned max_r = 1280, max_s = 64; // as built by mk/link.mk

	tbt.m->frame_valid_i = 0;
	tbt.m->tx_ready_i = 0;
	tbt.reset();
	reset_rx(tbr);
	reset_rx(tbs);

	test_encoder(tbt, 400);
	test_directed(tbr, max_r);
	test_directed(tbs, max_s);
	test_decoder("decoder 1280", tbr, max_r, 3000, Stalls{0.7, 0.7, 300});
	test_decoder("decoder 1280 fast", tbr, max_r, 1000, Stalls{1.0, 1.0, 0});
	test_decoder("decoder 64", tbs, max_s, 6000, Stalls{0.6, 0.5, 200},
		     true);
	test_chain(tbt, tbr, max_r, 1500);
	test_random("random 1280", tbr, max_r, 400000);
	test_random("random 64", tbs, max_s, 200000);
	tbt.m->final();
	tbr.m->final();
	tbs.m->final();
	return tally.finish();
}
