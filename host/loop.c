/* poll()-based event loop with one-shot timers (see loop.h). */
#include "loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tandem_err.h"

#define LOOP_MAX_FDS 16 /* descriptors one source may ask for */

struct loop_src {
	const struct loop_source_ops *ops;
	void *arg;
	int first, count; /* its slice of the pollfd array this iteration */
	int removed;
};

struct loop_timer {
	int id;
	uint64_t due;
	loop_timer_fn fn;
	void *arg;
};

struct loop {
	struct loop_src *src;
	int nsrc, capsrc;
	struct loop_timer *tm;
	int ntm, captm;
	int next_id;
	struct pollfd *fds;
	int capfds;
	int stop;
	int dispatching;
};

uint64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

uint64_t loop_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int loop_new(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return TANDEM_ERR_NOMEM;
	l->next_id = 1;
	*out = l;
	return 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	free(l->src);
	free(l->tm);
	free(l->fds);
	free(l);
}

static int grow(void **p, int *cap, int need, size_t size)
{
	void *n;
	int c;

	if (need <= *cap)
		return 0;
	c = *cap ? *cap * 2 : 8;
	while (c < need)
		c *= 2;
	n = realloc(*p, (size_t)c * size);
	if (!n)
		return TANDEM_ERR_NOMEM;
	*p = n;
	*cap = c;
	return 0;
}

int loop_source_add(struct loop *l, const struct loop_source_ops *ops,
                    void *arg)
{
	int rc = grow((void **)&l->src, &l->capsrc, l->nsrc + 1,
	              sizeof(*l->src));

	if (rc)
		return rc;
	l->src[l->nsrc].ops = ops;
	l->src[l->nsrc].arg = arg;
	l->src[l->nsrc].first = 0;
	l->src[l->nsrc].count = 0;
	l->src[l->nsrc].removed = 0;
	l->nsrc++;
	return 0;
}

static void compact_sources(struct loop *l)
{
	int i, j = 0;

	for (i = 0; i < l->nsrc; i++)
		if (!l->src[i].removed)
			l->src[j++] = l->src[i];
	l->nsrc = j;
}

void loop_source_del(struct loop *l, void *arg)
{
	int i;

	for (i = 0; i < l->nsrc; i++)
		if (l->src[i].arg == arg)
			l->src[i].removed = 1;
	/* While dispatching, the array is compacted after the pass. */
	if (!l->dispatching)
		compact_sources(l);
}

int loop_timer_add(struct loop *l, uint64_t ms, loop_timer_fn fn, void *arg)
{
	int rc = grow((void **)&l->tm, &l->captm, l->ntm + 1, sizeof(*l->tm));

	if (rc)
		return rc;
	if (l->next_id <= 0)
		l->next_id = 1;
	l->tm[l->ntm].id = l->next_id++;
	l->tm[l->ntm].due = loop_now_ms() + ms;
	l->tm[l->ntm].fn = fn;
	l->tm[l->ntm].arg = arg;
	return l->tm[l->ntm++].id;
}

void loop_timer_cancel(struct loop *l, int id)
{
	int i;

	if (id <= 0)
		return;
	for (i = 0; i < l->ntm; i++) {
		if (l->tm[i].id == id) {
			l->tm[i] = l->tm[--l->ntm];
			return;
		}
	}
}

void loop_timer_cancel_arg(struct loop *l, void *arg)
{
	int i = 0;

	while (i < l->ntm) {
		if (l->tm[i].arg == arg)
			l->tm[i] = l->tm[--l->ntm];
		else
			i++;
	}
}

/* Runs every timer due by now; timers added meanwhile wait for the next
 * pass, so a timer re-arming itself with 0 ms cannot spin here. */
static void run_timers(struct loop *l)
{
	uint64_t now = loop_now_ms();
	int limit = l->next_id;
	int i;

	for (;;) {
		int pick = -1;

		for (i = 0; i < l->ntm; i++) {
			if (l->tm[i].due <= now && l->tm[i].id < limit &&
			    (pick < 0 || l->tm[i].due < l->tm[pick].due))
				pick = i;
		}
		if (pick < 0)
			return;
		{
			struct loop_timer t = l->tm[pick];

			l->tm[pick] = l->tm[--l->ntm];
			t.fn(t.arg);
		}
		if (l->stop)
			return;
	}
}

int loop_run_once(struct loop *l, int max_wait_ms)
{
	int timeout = max_wait_ms;
	int nfds = 0;
	int i, rc;
	uint64_t now;

	l->stop = 0;
	for (i = 0; i < l->nsrc; i++) {
		int t = -1;

		rc = grow((void **)&l->fds, &l->capfds, nfds + LOOP_MAX_FDS,
		          sizeof(*l->fds));
		if (rc)
			return rc;
		l->src[i].first = nfds;
		l->src[i].count = l->src[i].ops->prepare(
		        l->src[i].arg, l->fds + nfds, LOOP_MAX_FDS, &t);
		if (l->src[i].count < 0)
			l->src[i].count = 0;
		nfds += l->src[i].count;
		if (t >= 0 && (timeout < 0 || t < timeout))
			timeout = t;
	}
	now = loop_now_ms();
	for (i = 0; i < l->ntm; i++) {
		int t = l->tm[i].due <= now ? 0 : (int)(l->tm[i].due - now);

		if (timeout < 0 || t < timeout)
			timeout = t;
	}
	for (i = 0; i < nfds; i++)
		l->fds[i].revents = 0;
	rc = poll(l->fds, (nfds_t)nfds, timeout);
	if (rc < 0 && errno != EINTR)
		return TANDEM_ERR_IO;
	if (rc < 0)
		for (i = 0; i < nfds; i++)
			l->fds[i].revents = 0;
	l->dispatching = 1;
	for (i = 0; i < l->nsrc && !l->stop; i++) {
		if (l->src[i].removed)
			continue;
		l->src[i].ops->dispatch(l->src[i].arg, l->fds + l->src[i].first,
		                        l->src[i].count);
	}
	l->dispatching = 0;
	compact_sources(l);
	if (!l->stop)
		run_timers(l);
	return 0;
}

int loop_run(struct loop *l)
{
	int rc;

	do
		rc = loop_run_once(l, -1);
	while (!l->stop && rc == 0);
	return rc;
}

void loop_stop(struct loop *l)
{
	l->stop = 1;
}

int loop_stopped(const struct loop *l)
{
	return l->stop;
}
