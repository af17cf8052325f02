/* The host's one event loop: poll() over the file descriptors its sources
 * ask for, plus one-shot timers. Nothing in the host busy-waits: every
 * wait is a poll() bounded by the next timer or a source's own deadline.
 *
 * A source is asked before every poll() which descriptors it wants watched
 * (so libusb's changing descriptor set fits as well as a single socket) and
 * is handed the results afterwards. */
#ifndef TANDEM_LOOP_H
#define TANDEM_LOOP_H

#include <poll.h>
#include <stdint.h>

struct loop;

struct loop_source_ops {
	/* Fills fds[0..max) with descriptors to watch and returns how many;
	 * may lower *timeout_ms (-1 = no deadline of its own). */
	int (*prepare)(void *arg, struct pollfd *fds, int max, int *timeout_ms);
	/* Called after poll() with the same descriptors and their revents
	 * (all zero when the poll timed out), every iteration. */
	void (*dispatch)(void *arg, const struct pollfd *fds, int n);
};

typedef void (*loop_timer_fn)(void *arg);

/* Monotonic milliseconds and microseconds. */
uint64_t loop_now_ms(void);
uint64_t loop_now_us(void);

int loop_new(struct loop **out);
void loop_free(struct loop *l);

/* Sources are identified by their arg pointer. */
int loop_source_add(struct loop *l, const struct loop_source_ops *ops,
                    void *arg);
void loop_source_del(struct loop *l, void *arg);

/* One-shot timer after ms milliseconds; returns an id > 0 or a negative
 * code. Cancelling an expired or unknown id is harmless. */
int loop_timer_add(struct loop *l, uint64_t ms, loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *l, int id);
/* Cancels every timer whose arg is arg (used when an object goes away). */
void loop_timer_cancel_arg(struct loop *l, void *arg);

/* One iteration: poll at most max_wait_ms (-1 = until something happens),
 * dispatch sources, run due timers. Returns 0 or a negative code. */
int loop_run_once(struct loop *l, int max_wait_ms);
/* Iterates until loop_stop(); returns 0 or a negative code. */
int loop_run(struct loop *l);
/* Ends loop_run() after the current callback; loop_stopped() tells whether
 * that was asked during the last loop_run_once(). */
void loop_stop(struct loop *l);
int loop_stopped(const struct loop *l);

#endif /* TANDEM_LOOP_H */
