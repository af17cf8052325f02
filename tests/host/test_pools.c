/* Failover policy on a fake clock: priority order, failover after the
 * grace time, "no pool", backoff growth with jitter inside its bounds and
 * its reset only after a stable connection, failback after the better
 * pool has worked long enough, the no-work timeout, planned reconnects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pools.h"
#include "tandem_err.h"

struct world {
	struct pools p;
	int connected[POOLS_MAX];
	size_t connects[POOLS_MAX], disconnects[POOLS_MAX];
	uint64_t now;
};

static void tick(struct world *w)
{
	struct pools_action a[32];
	size_t n = pools_tick(&w->p, w->now, a, 32), i;

	for (i = 0; i < n; i++) {
		if (a[i].act == POOLS_CONNECT) {
			assert_false(w->connected[a[i].pool]);
			w->connected[a[i].pool] = 1;
			w->connects[a[i].pool]++;
		} else {
			assert_int_equal(a[i].act, POOLS_DISCONNECT);
			w->connected[a[i].pool] = 0;
			w->disconnects[a[i].pool]++;
		}
	}
}

static void down(struct world *w, size_t i, int reason)
{
	assert_true(w->connected[i]);
	w->connected[i] = 0;
	pools_down(&w->p, i, reason, 0, w->now);
	tick(w);
}

static void setup(struct world *w, size_t n)
{
	struct pools_cfg c;

	memset(w, 0, sizeof(*w));
	pools_cfg_default(&c);
	c.failback_ms = 10000;
	c.nowork_ms = 30000;
	c.stable_ms = 20000;
	c.grace_ms = 3000;
	c.backoff_min_ms = 1000;
	c.backoff_max_ms = 8000;
	c.seed = 42;
	w->now = 1000;
	assert_int_equal(pools_init(&w->p, n, &c, w->now), 0);
	tick(w);
}

/* Advances the clock by ms in 100 ms steps, with work arriving every
 * second on each connected pool in `working` (a bit mask). */
static void run(struct world *w, uint64_t ms, unsigned working)
{
	uint64_t end = w->now + ms;

	while (w->now < end) {
		size_t i;

		w->now += 100;
		for (i = 0; i < w->p.n; i++)
			if (w->connected[i] && (working >> i & 1) &&
			    w->now % 1000 == 0)
				pools_work(&w->p, i, w->now);
		tick(w);
	}
}

static void test_start_and_priority(void **state)
{
	struct world w;

	(void)state;
	setup(&w, 3);
	/* only the first pool is tried while it has not failed */
	assert_true(w.connected[0]);
	assert_false(w.connected[1]);
	assert_int_equal(pools_active(&w.p), -1);
	run(&w, 2000, 1);
	assert_int_equal(pools_active(&w.p), 0);
	assert_false(w.connected[1]);
	assert_false(w.connected[2]);
	assert_int_equal(pools_init(&w.p, 0, &w.p.cfg, 0), TANDEM_ERR_INVAL);
}

static void test_failover_failback(void **state)
{
	struct world w;

	(void)state;
	setup(&w, 2);
	run(&w, 2000, 1);
	assert_int_equal(pools_active(&w.p), 0);
	/* pool 0 drops: pool 1 is tried at once, pool 0 stays active for
	 * the grace time, then pool 1 takes over */
	down(&w, 0, POOLS_DOWN_LOST);
	assert_true(w.connected[1]);
	assert_int_equal(pools_active(&w.p), 0);
	run(&w, 2000, 2); /* pool 0 keeps failing: no work on it */
	assert_int_equal(pools_active(&w.p), 0);
	run(&w, 1500, 2);
	assert_int_equal(pools_active(&w.p), 1);
	/* pool 0 comes back: it is a probe until it worked failback_ms */
	while (!w.connected[0])
		run(&w, 100, 2);
	run(&w, 5000, 3);
	assert_int_equal(pools_active(&w.p), 1);
	assert_true(w.connected[1]);
	run(&w, 6000, 3);
	assert_int_equal(pools_active(&w.p), 0);
	/* and pool 1 is let go */
	assert_false(w.connected[1]);
	assert_int_equal(w.p.p[1].downs[POOLS_DOWN_UNNEEDED], 1);
}

static void test_no_pool(void **state)
{
	struct world w;

	(void)state;
	setup(&w, 2);
	run(&w, 2000, 1);
	down(&w, 0, POOLS_DOWN_LOST);
	assert_true(w.connected[1]);
	down(&w, 1, POOLS_DOWN_CONNECT);
	run(&w, 3500, 0);
	assert_int_equal(pools_active(&w.p), -1);
	/* both keep being retried (every attempt fails here) */
	{
		uint64_t end = w.now + 20000;
		size_t i;

		while (w.now < end) {
			w.now += 100;
			tick(&w);
			for (i = 0; i < 2; i++)
				if (w.connected[i])
					down(&w, i, POOLS_DOWN_CONNECT);
			assert_int_equal(pools_active(&w.p), -1);
		}
	}
	assert_true(w.connects[0] >= 3);
	assert_true(w.connects[1] >= 3);
}

static void test_backoff(void **state)
{
	struct world w;
	uint64_t t, delay, prev_max = 0;
	int k;

	(void)state;
	setup(&w, 1);
	/* connect failures: the retry delay doubles up to the cap, each
	 * within [ceiling/2, ceiling] */
	for (k = 0; k < 6; k++) {
		unsigned ceiling = 1000u << k;

		if (ceiling > 8000)
			ceiling = 8000;
		down(&w, 0, POOLS_DOWN_CONNECT);
		t = w.now;
		while (!w.connected[0]) {
			w.now += 10;
			tick(&w);
		}
		delay = w.now - t;
		assert_true(delay >= ceiling / 2);
		assert_true(delay <= ceiling + 10);
		if (delay > prev_max)
			prev_max = delay;
	}
	assert_true(prev_max > 4000);
	/* a short working spell does not reset the backoff */
	pools_work(&w.p, 0, w.now);
	w.now += 5000;
	down(&w, 0, POOLS_DOWN_LOST);
	assert_true(w.p.p[0].retry_at - w.now >= 4000);
	while (!w.connected[0]) {
		w.now += 100;
		tick(&w);
	}
	/* a stable one does */
	pools_work(&w.p, 0, w.now);
	run(&w, 21000, 1);
	down(&w, 0, POOLS_DOWN_LOST);
	assert_true(w.p.p[0].retry_at - w.now <= 1000);
}

/* Retry delays of four connect failures in a row with this seed. */
static void delays(uint64_t seed, uint64_t out[4])
{
	struct world w;
	int k;

	setup(&w, 1);
	w.p.rng = seed;
	for (k = 0; k < 4; k++) {
		down(&w, 0, POOLS_DOWN_CONNECT);
		out[k] = w.p.p[0].retry_at - w.now;
		w.now = w.p.p[0].retry_at;
		tick(&w);
		assert_true(w.connected[0]);
	}
}

static void test_jitter(void **state)
{
	uint64_t a[4], b[4], c[4];

	(void)state;
	delays(42, a);
	delays(42, b);
	delays(4242, c);
	/* the generator is injectable: same seed, same schedule */
	assert_memory_equal(a, b, sizeof(a));
	/* and the jitter is real: another seed, another schedule */
	assert_memory_not_equal(a, c, sizeof(a));
}

static void test_nowork_and_reconnect(void **state)
{
	struct world w;

	(void)state;
	setup(&w, 2);
	/* connected but never any work: down after nowork_ms */
	run(&w, 29000, 0);
	assert_true(w.connected[0]);
	run(&w, 1500, 0);
	assert_int_equal(w.p.p[0].downs[POOLS_DOWN_NOWORK], 1);
	assert_true(w.connected[1]);
	/* a planned reconnect waits as asked and is no failure */
	setup(&w, 2);
	run(&w, 2000, 1);
	w.connected[0] = 0;
	pools_down(&w.p, 0, POOLS_DOWN_RECONNECT, 500, w.now);
	tick(&w);
	assert_false(w.connected[1]);
	run(&w, 400, 0);
	assert_false(w.connected[0]);
	run(&w, 200, 0);
	assert_true(w.connected[0]);
	run(&w, 1000, 1);
	assert_int_equal(pools_active(&w.p), 0);
	assert_int_equal(w.p.switches, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_start_and_priority),
	        cmocka_unit_test(test_failover_failback),
	        cmocka_unit_test(test_no_pool),
	        cmocka_unit_test(test_backoff),
	        cmocka_unit_test(test_jitter),
	        cmocka_unit_test(test_nowork_and_reconnect),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
