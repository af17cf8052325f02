/* tandem bench: hash rate, utilisation, host CPU and new-job latency of
 * one or more devices on one loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli.h"
#include "cmd.h"
#include "hex.h"
#include "job.h"
#include "log.h"

/* The Bitcoin genesis block header (mainnet height 0; headers.json),
 * the default work of `tandem bench`. */
static const char genesis_header[] =
        "0100000000000000000000000000000000000000000000000000000000000000"
        "000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa"
        "4b1e5e4a29ab5f49ffff001d1dac2b7c";

struct bench_state {
	struct proto_job pj;
	uint32_t next_start;
	double lat_sum, lat_max;
	unsigned lat_n;
	unsigned job_every_ms;
	uint64_t next_job_ms;
};

static struct bench_state *bench_tick_state;

static void bench_collect_latency(struct cli_session *s, struct bench_state *b)
{
	int i;

	for (i = 0; i < s->ndev; i++) {
		double l = device_job_latency_ms(s->dev[i]);

		if (l >= 0) {
			b->lat_sum += l;
			b->lat_n++;
			if (l > b->lat_max)
				b->lat_max = l;
		}
	}
}

/* Device i scans its own slice of the nonce space, so the share-based
 * hash rate counts distinct work. */
static int bench_job(struct cli_session *s, struct bench_state *b, int i)
{
	struct proto_job pj = b->pj;
	uint32_t slice = (uint32_t)(0x100000000ull / (uint64_t)s->ndev);

	pj.nonce_start = b->next_start + (uint32_t)i * slice;
	pj.nonce_count = slice;
	return device_start_job(s->dev[i], &pj, 1, &s->job_id[i]);
}

/* New work every job_every_ms, as a pool notify would cause. */
static void bench_tick(struct cli_session *s)
{
	struct bench_state *b = bench_tick_state;
	int i;

	if (!b->job_every_ms || loop_now_ms() < b->next_job_ms)
		return;
	b->next_job_ms = loop_now_ms() + b->job_every_ms;
	bench_collect_latency(s, b);
	b->next_start += 0x01000000u;
	for (i = 0; i < s->ndev; i++)
		if (bench_job(s, b, i) < 0)
			log_warn("bench", "cannot queue a job");
}

static double thread_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int bench(struct cli_opts *o)
{
	static struct bench_state b;
	struct cli_session s;
	uint8_t header[80];
	double seconds = o->seconds > 0 ? o->seconds : 10;
	double cpu0, cpu1, t0, t1;
	double rate_sum = 0, share_rate_sum = 0, nominal_sum = 0;
	uint64_t shares = 0, hw = 0, dup = 0;
	struct rusage ru;
	int i, rc;

	if (!o->co.ndevices) {
		cli_usage_error("bench needs --device (repeatable; --count N "
		                "copies)");
		return CLI_EXIT_USAGE;
	}
	if (hex_decode_exact(o->header ? o->header : genesis_header, header,
	                     80) < 0) {
		cli_usage_error("--header must be 160 hex digits");
		return CLI_EXIT_USAGE;
	}
	memset(&s, 0, sizeof(s));
	s.tg = o->tg;
	s.quiet = 1;
	if (s.tg.n == 0) {
		/* about one share per 2^16 nonces */
		snprintf(s.tg.name[0], sizeof(s.tg.name[0]), "share");
		memset(s.tg.value[0], 0xff, 32);
		s.tg.value[0][31] = 0;
		s.tg.value[0][30] = 0;
		s.tg.n = 1;
	}
	job_proto_header(header, 0, 0, &b.pj);
	b.job_every_ms = o->job_every_ms ? o->job_every_ms : 1000;
	rc = cli_session_open(&s, &o->co);
	if (rc) {
		cli_session_close(&s);
		return rc;
	}
	if (cli_session_targets(&s) < 0) {
		cli_session_close(&s);
		return CLI_EXIT_USAGE;
	}
	if (cli_session_wait_ready(&s, 60) < 0) {
		log_err("bench", "devices did not answer INFO");
		cli_session_close(&s);
		return CLI_EXIT_FAIL;
	}
	for (i = 0; i < s.ndev; i++)
		bench_job(&s, &b, i);
	s.have_job = 1;
	b.next_job_ms = loop_now_ms() + b.job_every_ms;
	bench_tick_state = &b;
	cpu0 = thread_cpu_seconds();
	t0 = (double)loop_now_ms() / 1000.0;
	cli_session_run(&s, loop_now_ms() + (uint64_t)(seconds * 1000),
	                bench_tick, 50);
	bench_collect_latency(&s, &b);
	cpu1 = thread_cpu_seconds();
	t1 = (double)loop_now_ms() / 1000.0;
	getrusage(RUSAGE_SELF, &ru);
	for (i = 0; i < s.ndev; i++) {
		struct device_stats st;
		const struct proto_info *in = device_info(s.dev[i]);

		device_get_stats(s.dev[i], &st);
		rate_sum += st.hashrate_avg;
		share_rate_sum += st.share_hashrate;
		shares += st.shares;
		hw += st.hw_errors;
		dup += st.duplicates;
		if (in && in->clock_hz)
			nominal_sum +=
			        (double)in->clock_hz * in->pipelines /
			        (double)proto_clocks_per_nonce(in->loop_log2);
	}
	printf("{\"devices\":%d,\"seconds\":%.2f,"
	       "\"hashrate_counters\":%.0f,\"hashrate_shares\":%.0f,"
	       "\"shares\":%llu,\"hw_errors\":%llu,\"duplicates\":%llu,"
	       "\"nominal_hashrate\":%.0f,\"utilisation\":%.4f,"
	       "\"host_loop_cpu_s\":%.4f,\"host_loop_cpu_per_device_s\":%.6f,"
	       "\"host_loop_cpu_per_share_ms\":%.4f,"
	       "\"process_cpu_s\":%.3f,"
	       "\"job_latency_ms_avg\":%.3f,\"job_latency_ms_max\":%.3f,"
	       "\"job_latency_samples\":%u}\n",
	       s.ndev, t1 - t0, rate_sum, share_rate_sum,
	       (unsigned long long)shares, (unsigned long long)hw,
	       (unsigned long long)dup, nominal_sum,
	       nominal_sum > 0 ? rate_sum / nominal_sum : 0.0, cpu1 - cpu0,
	       (cpu1 - cpu0) / s.ndev,
	       shares ? (cpu1 - cpu0) * 1000.0 / (double)shares : 0.0,
	       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	               (double)ru.ru_stime.tv_sec +
	               (double)ru.ru_stime.tv_usec / 1e6,
	       b.lat_n ? b.lat_sum / b.lat_n : -1.0, b.lat_max, b.lat_n);
	cli_log_devices(&s);
	cli_session_close(&s);
	return s.stop == CLI_STOP_FAILED ? CLI_EXIT_FAIL : 0;
}

int cmd_bench(int argc, char **argv)
{
	struct cli_opts *o = calloc(1, sizeof(*o));
	int rc;

	if (!o)
		return CLI_EXIT_FAIL;
	rc = cli_parse_opts(argc, argv, o);
	if (!rc && o->help)
		cli_help();
	else if (!rc)
		rc = bench(o);
	free(o);
	return rc;
}
