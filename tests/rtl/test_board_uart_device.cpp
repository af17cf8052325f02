// board_uart_device, the portable part of every UART board top, driven as
// a board is: serial bits on rxd_i, serial bits read back from txd_o, the
// frames built and checked with the host's codec (host/lib/proto.c).
//
// INFO must report the parameters the board set; then for each of two
// real Bitcoin headers (tests/vectors/headers.json) a header-mode JOB
// scans a narrow window around the real nonce with two target slots:
// slot 0 the block's own target, slot 1 all-ones (every hash meets it).
// Every nonce must come back in a SHARE frame exactly once, slot 0 set
// exactly where the C reference model says the hash meets the block
// target (the real nonce). The LEDs must show link and share activity,
// each going out within the stretch board_led_stretch documents after its
// last event (timed from the serial pins), and led_alive_o must toggle
// every 2^(LED_COUNT_W + 2) clocks.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <vector>

#include <jansson.h>

#include "Vboard_uart_device.h"
#include "testb.h"

extern "C" {
#include "hex.h"
#include "tandem_err.h"
#include "tandem_proto.h"
#include "work.h"
}

#ifndef CFG_CLK_HZ
#define CFG_CLK_HZ 12000000
#endif
#ifndef CFG_BAUD
#define CFG_BAUD 3000000
#endif
#define BIT_CLKS (CFG_CLK_HZ / CFG_BAUD)
#define WINDOW 5
// BOARD_DEV_PARAMS in mk/boards.mk (-GLED_COUNT_W=8)
#ifndef CFG_LED_COUNT_W
#define CFG_LED_COUNT_W 8
#endif
// A lone event lights led_rx_o / led_tx_o for 6P+1 .. 7P clocks with
// P = 2^(LED_COUNT_W - 3), led_share_o with P = 2^(LED_COUNT_W - 1)
// (board_uart_device: 3-bit stretchers on the shared prescaler). The
// events are timed here from the pins, within a few clocks of the real
// ones (UART synchroniser, stop-bit sample, start of a byte on txd_o).
#define LINK_P (1L << (CFG_LED_COUNT_W - 3))
#define SHARE_P (1L << (CFG_LED_COUNT_W - 1))
#define PIN_SLACK (2 * BIT_CLKS + 4)

class Board
{
      public:
	Board(int argc, char **argv) : tb(argc, argv, "board_uart_device")
	{
		tb.m->rxd_i = 1;
		tb.reset(8);
	}

	// One clock: the host's UART drives rxd_i, ours samples txd_o.
	void tick()
	{
		auto *m = tb.m.get();
		// transmitter (host -> device): 8N1, LSB first
		if (tx_left == 0 && !tx_q.empty()) {
			uint8_t b = tx_q.front();
			tx_q.pop_front();
			tx_bits = 0x200u | ((unsigned)b << 1); // stop, data, start
			tx_left = 10 * BIT_CLKS;
		}
		if (tx_left) {
			unsigned bit = 10 - (tx_left + BIT_CLKS - 1) / BIT_CLKS;
			m->rxd_i = (tx_bits >> bit) & 1u;
			tx_left--;
			// stop bit done: the device has the byte
			if (tx_left == 0)
				host_byte_t.push_back(tb.cycles() + 1);
		} else {
			m->rxd_i = 1;
		}
		tb.tick();
		// receiver (device -> host): sample mid-bit
		unsigned line = m->txd_o;
		if (rx_phase < 0) {
			if (!line) {
				rx_phase = 0;
				rx_byte = 0;
				rx_start = tb.cycles();
				dev_byte_t.push_back(rx_start);
			}
		} else {
			rx_phase++;
			int mid = BIT_CLKS / 2;
			if (rx_phase >= mid && (rx_phase - mid) % BIT_CLKS == 0) {
				int bit = (rx_phase - mid) / BIT_CLKS; // 0 start
				if (bit >= 1 && bit <= 8)
					rx_byte |= (uint8_t)(line << (bit - 1));
				if (bit == 9) {
					if (line) {
						rx.push_back(rx_byte);
						rx_t.push_back(rx_start);
					} else
						framing_errors++;
					rx_phase = -1;
				}
			}
		}
		led_rx_seen |= m->led_rx_o;
		led_tx_seen |= m->led_tx_o;
		led_share_seen |= m->led_share_o;
		uint64_t now = tb.cycles();
		if (led_rx && !m->led_rx_o)
			rx_off_t.push_back(now);
		if (led_tx && !m->led_tx_o)
			tx_off_t.push_back(now);
		if (led_share && !m->led_share_o)
			share_off_t.push_back(now);
		if (led_alive != m->led_alive_o)
			alive_t.push_back(now);
		led_rx = m->led_rx_o;
		led_tx = m->led_tx_o;
		led_share = m->led_share_o;
		led_alive = m->led_alive_o;
	}

	void send(uint8_t type, const uint8_t *payload, size_t len)
	{
		uint8_t buf[TANDEM_MAX_FRAME];
		int n = proto_frame_encode(type, seq++, payload, len, buf,
					   sizeof(buf));
		for (int i = 0; i < n; i++)
			tx_q.push_back(buf[i]);
	}

	// Clocks until a whole frame has arrived; false after max clocks.
	bool frame(struct proto_frame *f, uint64_t max)
	{
		for (uint64_t i = 0; i < max; i++) {
			if (!rx.empty()) {
				size_t used = 0;
				int rc = proto_frame_decode(rx.data(), rx.size(), f,
							    &used);
				// a decoded frame starts at rx[0]: [3] is
				// its type byte
				if (rc == 0 && f->type == PROTO_SHARE)
					share_t.push_back(rx_t[3]);
				rx.erase(rx.begin(), rx.begin() + used);
				rx_t.erase(rx_t.begin(), rx_t.begin() + used);
				if (rc == 0)
					return true;
				if (rc != TANDEM_ERR_FRAME_SHORT && used == 0) {
					rx.erase(rx.begin());
					rx_t.erase(rx_t.begin());
				}
			}
			tick();
		}
		return false;
	}

	TestBench<Vboard_uart_device> tb;
	std::deque<uint8_t> tx_q;
	std::vector<uint8_t> rx;
	unsigned tx_bits = 0, tx_left = 0;
	int rx_phase = -1;
	uint8_t rx_byte = 0;
	uint8_t seq = 1;
	unsigned framing_errors = 0;
	bool led_rx_seen = false, led_tx_seen = false, led_share_seen = false;
	// clock numbers: bytes in (end of the stop bit), bytes out (start
	// bit), the start of each SHARE frame's type byte, LED falls, alive
	// LED changes
	std::vector<uint64_t> rx_t, host_byte_t, dev_byte_t, share_t;
	std::vector<uint64_t> rx_off_t, tx_off_t, share_off_t, alive_t;
	uint64_t rx_start = 0;
	bool led_rx = false, led_tx = false, led_share = false;
	bool led_alive = false;
};

// Every time an LED went out, the time since the last event before it
// must be a lone event's stretch, lo..hi clocks (within the pin slack).
static void check_stretch(Tally &t, const char *name,
			  const std::vector<uint64_t> &events,
			  const std::vector<uint64_t> &offs, long period)
{
	const long lo = 6 * period + 1, hi = 7 * period;
	long shortest = -1, longest = -1;
	size_t k = 0;
	bool all_after_event = true;
	for (uint64_t off : offs) {
		while (k < events.size() && events[k] < off)
			k++;
		if (k == 0) {
			all_after_event = false;
			continue;
		}
		long d = (long)(off - events[k - 1]);
		shortest = (shortest < 0 || d < shortest) ? d : shortest;
		longest = d > longest ? d : longest;
	}
	std::printf("%s LED: out %zu times, %ld..%ld clocks after its last "
		    "event\n", name, offs.size(), shortest, longest);
	t.check(!offs.empty() && all_after_event,
		"%s LED: %zu times out, each after an event", name,
		offs.size());
	t.check(shortest >= lo - PIN_SLACK && longest <= hi + PIN_SLACK,
		"%s LED out %ld..%ld clocks after its last event, want "
		"%ld..%ld (+-%d)",
		name, shortest, longest, lo, hi, PIN_SLACK);
}

static json_t *find_header(json_t *root, const char *id)
{
	size_t i;
	json_t *h;

	json_array_foreach(json_object_get(root, "headers"), i, h)
	{
		const char *hid = json_string_value(json_object_get(h, "id"));
		if (hid && strcmp(hid, id) == 0)
			return h;
	}
	return NULL;
}

// Waits for the answer to a request: an ACK of `type` (generation out).
static bool wait_ack(Board &b, Tally &t, uint8_t type, uint16_t *gen)
{
	struct proto_frame f;
	for (int tries = 0; tries < 8; tries++) {
		if (!b.frame(&f, 400000))
			return t.check(false, "no answer to %s",
				       proto_type_name(type));
		if (f.type == PROTO_SHARE)
			continue; // a late share of an earlier job
		struct proto_ack a;
		bool ok = f.type == PROTO_ACK &&
			  proto_ack_unpack(f.payload, f.len, &a) == 0 &&
			  a.type == type;
		if (ok && gen)
			*gen = a.generation;
		return t.check(ok, "%s answered by %s", proto_type_name(type),
			       proto_type_name(f.type));
	}
	return t.check(false, "%s: no ACK among the frames",
		       proto_type_name(type));
}

int main(int argc, char **argv)
{
	Tally t("board_uart_device");
	json_error_t err;
	json_t *root = json_load_file("tests/vectors/headers.json", 0, &err);
	if (!root) {
		t.check(false, "read tests/vectors/headers.json: %s", err.text);
		return t.finish();
	}
	// Heap-allocated and never destroyed: sim/testb.h destroys its
	// VerilatedContext before the model, which hangs in Verilator 5.006.
	Board &b = *new Board(argc, argv);
	struct proto_frame f;

	for (int i = 0; i < 2000; i++)
		b.tick();
	t.check(!b.led_rx_seen && !b.led_tx_seen && !b.led_share_seen,
		"LEDs dark while the link is quiet");

	// INFO reports what the board set.
	b.send(PROTO_INFO_GET, NULL, 0);
	struct proto_info info;
	if (t.check(b.frame(&f, 200000) && f.type == PROTO_INFO,
		    "INFO_GET answered by INFO") &&
	    t.check(proto_info_unpack(f.payload, f.len, &info) == 0,
		    "INFO payload valid")) {
		t.check(info.pipelines == CFG_PIPELINES &&
				info.loop_log2 == CFG_LOOP_LOG2 &&
				info.target_slots == CFG_SLOTS &&
				info.clock_hz == CFG_CLK_HZ,
			"INFO pipelines %u loop_log2 %u slots %u clock %u",
			info.pipelines, info.loop_log2, info.target_slots,
			info.clock_hz);
	}
	t.check(b.led_rx_seen && b.led_tx_seen, "link LEDs lit by traffic");
	t.check(!b.led_share_seen, "share LED dark before any share");

	static const char *const ids[] = {"mainnet_genesis", "mainnet_481815"};
	uint16_t gen = 0;
	b.send(PROTO_RUN, (const uint8_t *)"\x01", 1);
	wait_ack(b, t, PROTO_RUN, &gen);

	for (unsigned hi = 0; hi < 2; hi++) {
		const char *id = ids[hi];
		json_t *h = find_header(root, id);
		uint8_t hdr[80];
		const char *hx = h ? json_string_value(json_object_get(
					     h, "header_hex"))
				   : NULL;
		if (!t.check(hx && hex_decode_exact(hx, hdr, 80) == 0,
			     "%s: header in the vectors", id))
			continue;
		struct work_header wh;
		work_header_unpack(hdr, &wh);

		struct proto_target tg[2];
		memset(tg, 0, sizeof(tg));
		tg[0].slot = 0;
		tg[0].flags = PROTO_TARGET_ENABLE;
		work_nbits_to_target(wh.nbits, tg[0].target);
		tg[1].slot = 1;
		tg[1].flags = PROTO_TARGET_ENABLE;
		memset(tg[1].target, 0xff, 32);
		uint8_t pl[TANDEM_MAX_PAYLOAD];
		int n = proto_targets_pack(tg, 2, pl, sizeof(pl));
		b.send(PROTO_TARGET_SET, pl, (size_t)n);
		wait_ack(b, t, PROTO_TARGET_SET, &gen);

		struct proto_job *job = new proto_job();
		job->mode = PROTO_JOB_MODE_HEADER;
		job->generation = gen;
		job->job_id = 0x7a0d0000u + hi;
		job->nonce_start = wh.nonce - 2;
		job->nonce_count = WINDOW;
		job->version = wh.version;
		job->ntime = wh.ntime;
		work_header_midstate(hdr, job->midstate);
		memcpy(job->tail, hdr + 64, 12);
		n = proto_job_pack(job, pl, sizeof(pl));
		b.send(PROTO_JOB, pl, (size_t)n);
		wait_ack(b, t, PROTO_JOB, NULL);

		// Reference: every nonce meets slot 1, the block target where
		// the model says so.
		std::map<uint32_t, unsigned> want, got;
		uint32_t mid[8];
		work_header_midstate(hdr, mid);
		for (uint32_t k = 0; k < WINDOW; k++) {
			uint8_t hash[32];
			uint32_t nn = job->nonce_start + k;
			work_hash_from_midstate(mid, hdr + 64, nn, hash);
			want[nn] = 2u | (work_hash_meets(hash, tg[0].target) ? 1u : 0u);
		}
		t.check(want[wh.nonce] == 3u,
			"%s: reference: the real nonce meets the block target", id);
		unsigned shares = 0, dup = 0, foreign = 0;
		while (shares < WINDOW && b.frame(&f, 400000)) {
			struct proto_share s;
			if (f.type != PROTO_SHARE ||
			    proto_share_unpack(f.payload, f.len, &s) != 0)
				continue;
			if (s.job_id != job->job_id) {
				foreign++;
				continue;
			}
			shares++;
			if (got.count(s.nonce))
				dup++;
			got[s.nonce] = s.slots;
		}
		t.check(foreign == 0, "%s: %u shares of another job", id, foreign);
		t.check(dup == 0, "%s: %u nonces reported twice", id, dup);
		t.check(got == want, "%s: %zu shares, want %zu with the reference "
			"slot maps", id, got.size(), want.size());
		t.check(got.count(wh.nonce) && got[wh.nonce] == 3u,
			"%s: real nonce %08x found with the block target met", id,
			wh.nonce);
		std::printf("%s: %u shares, real nonce %08x %s\n", id, shares,
			    wh.nonce,
			    got.count(wh.nonce) && (got[wh.nonce] & 1u) ? "found"
									: "MISSING");
		delete job;
	}
	t.check(b.led_share_seen, "share LED lit by the shares");

	// Quiet link: every LED but alive goes out (late frames decoded).
	while (b.frame(&f, 8 * SHARE_P))
		;
	t.check(!b.led_rx && !b.led_tx && !b.led_share,
		"LEDs out after the link went quiet");
	check_stretch(t, "rx", b.host_byte_t, b.rx_off_t, LINK_P);
	check_stretch(t, "tx", b.dev_byte_t, b.tx_off_t, LINK_P);
	check_stretch(t, "share", b.share_t, b.share_off_t, SHARE_P);
	bool steady = b.alive_t.size() >= 8;
	for (size_t i = 1; i < b.alive_t.size(); i++)
		if (b.alive_t[i] - b.alive_t[i - 1] !=
		    (1u << (CFG_LED_COUNT_W + 2)))
			steady = false;
	t.check(steady, "alive LED: %zu changes, every %u clocks",
		b.alive_t.size(), 1u << (CFG_LED_COUNT_W + 2));
	t.check(b.framing_errors == 0, "%u framing errors from txd_o",
		b.framing_errors);
	std::printf("%llu clocks\n", (unsigned long long)b.tb.cycles());
	b.tb.m->final();
	json_decref(root);
	return t.finish();
}
