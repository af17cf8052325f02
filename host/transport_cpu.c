/* cpu transport: a software device (cpudev.c) on the far end of a socket
 * pair, so the host drives it through the same device code as a board.
 * Device string: cpu[:RATE] with RATE in nonces per second; --cpu-header
 * (cpudev_set_default_modes) makes the devices header-only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cpudev.h"
#include "tandem_err.h"
#include "transport.h"
#include "transport_io.h"

struct tcpu {
	struct transport base;
	int fd;
	struct cpudev *dev;
	struct cpudev_config cfg;
};

static unsigned cpu_count;

static int cpu_connect(struct tcpu *t, char *err, size_t errlen)
{
	int sv[2];
	int rc;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair failed");
		return TANDEM_ERR_IO;
	}
	if (tio_nonblock(sv[0]) < 0 || tio_nonblock(sv[1]) < 0) {
		close(sv[0]);
		close(sv[1]);
		snprintf(err, errlen, "cannot make sockets non-blocking");
		return TANDEM_ERR_IO;
	}
	rc = cpudev_start(sv[1], &t->cfg, &t->dev);
	if (rc < 0) {
		close(sv[0]);
		close(sv[1]);
		snprintf(err, errlen, "cannot start the software device");
		return rc;
	}
	t->fd = sv[0];
	return 0;
}

static void cpu_disconnect(struct tcpu *t)
{
	if (t->dev)
		cpudev_stop(t->dev);
	t->dev = NULL;
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

static int cpu_open(const char *arg, const struct transport_opts *o,
                    struct transport **out, char *err, size_t errlen)
{
	struct tcpu *t;
	double rate = 0;
	int rc;

	if (arg[0]) {
		char *end;

		rate = strtod(arg, &end);
		if (*end || rate < 0 || rate > 4e9) {
			snprintf(err, errlen,
			         "bad cpu rate '%s' (nonces per second)", arg);
			return TANDEM_ERR_PARSE;
		}
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return TANDEM_ERR_NOMEM;
	t->base.ops = &transport_cpu_ops;
	t->fd = -1;
	t->cfg.rate = rate;
	t->cfg.index = cpu_count++;
	if (o)
		t->cfg.faults = o->faults;
	rc = cpu_connect(t, err, errlen);
	if (rc < 0) {
		free(t);
		return rc;
	}
	*out = &t->base;
	return 0;
}

/* A reconnect is a replug: a fresh device with reset state. */
static int cpu_reconnect(struct transport *base, char *err, size_t errlen)
{
	struct tcpu *t = (struct tcpu *)base;

	cpu_disconnect(t);
	t->cfg.faults.disconnect = 0; /* the injected disconnect is one-shot */
	return cpu_connect(t, err, errlen);
}

static int cpu_write(struct transport *base, const uint8_t *buf, size_t n)
{
	struct tcpu *t = (struct tcpu *)base;

	return t->fd < 0 ? TANDEM_ERR_IO : tio_write(t->fd, buf, n);
}

static int cpu_read(struct transport *base, uint8_t *buf, size_t cap)
{
	struct tcpu *t = (struct tcpu *)base;

	return t->fd < 0 ? TANDEM_ERR_IO : tio_read(t->fd, buf, cap);
}

static int cpu_pollfds(struct transport *base, struct pollfd *fds, int max,
                       int want_write, int *timeout_ms)
{
	struct tcpu *t = (struct tcpu *)base;

	return tio_pollfd(t->fd, fds, max, want_write);
}

static void cpu_describe(struct transport *base, char *buf, size_t n)
{
	struct tcpu *t = (struct tcpu *)base;

	if (t->cfg.rate > 0)
		snprintf(buf, n, "software device %u, %.0f nonces/s",
		         t->cfg.index, t->cfg.rate);
	else
		snprintf(buf, n, "software device %u, unthrottled",
		         t->cfg.index);
}

static void cpu_close(struct transport *base)
{
	struct tcpu *t = (struct tcpu *)base;

	cpu_disconnect(t);
	free(t);
}

const struct transport_ops transport_cpu_ops = {
        .name = "cpu",
        .help = "cpu[:RATE]  software device (reference model in a thread)",
        .open = cpu_open,
        .reconnect = cpu_reconnect,
        .write = cpu_write,
        .read = cpu_read,
        .pollfds = cpu_pollfds,
        .service = NULL,
        .describe = cpu_describe,
        .close = cpu_close,
};
