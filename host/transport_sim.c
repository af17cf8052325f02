/* sim transport: the Verilator model of the whole device (tandem-sim)
 * over a Unix socket, or TCP on loopback.
 *   sim            spawn tandem-sim --once on a fresh socket under
 *                  $TMPDIR; it ends with the connection, and a reconnect
 *                  starts a fresh one (like a replugged board)
 *   sim:PATH       connect to a running tandem-sim's Unix socket
 *   sim:tcp:HOST:PORT  connect to a running tandem-sim over TCP */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tandem_err.h"
#include "transport.h"
#include "transport_io.h"

#define SIM_START_MS 30000 /* how long a spawned simulator may take */

struct tsim {
	struct transport base;
	int fd;
	int spawn; /* we own the simulator process */
	pid_t pid;
	char dir[PATH_MAX]; /* temporary directory of a spawned sim */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char host[128];
	char port[16];
	int tcp;
	char bin[PATH_MAX];
	struct transport_opts opts;
};

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
	                      .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int connect_tcp(const char *host, const char *port)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		            ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int try_connect(struct tsim *t)
{
	int fd = t->tcp ? connect_tcp(t->host, t->port) : connect_unix(t->path);

	if (fd < 0)
		return TANDEM_ERR_IO;
	if (tio_nonblock(fd) < 0) {
		close(fd);
		return TANDEM_ERR_IO;
	}
	t->fd = fd;
	return 0;
}

/* Finds tandem-sim: --sim-bin, $TANDEM_SIM, build/sim/tandem-sim from the
 * working directory, then next to this executable (../sim/). */
static int find_sim(struct tsim *t, char *err, size_t errlen)
{
	const char *env = getenv("TANDEM_SIM");
	char self[PATH_MAX];
	ssize_t n;

	if (t->opts.sim_bin) {
		snprintf(t->bin, sizeof(t->bin), "%s", t->opts.sim_bin);
	} else if (env && *env) {
		snprintf(t->bin, sizeof(t->bin), "%s", env);
	} else if (access("build/sim/tandem-sim", X_OK) == 0) {
		snprintf(t->bin, sizeof(t->bin), "build/sim/tandem-sim");
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			char *slash;

			self[n] = '\0';
			slash = strrchr(self, '/');
			if (slash)
				*slash = '\0';
			snprintf(t->bin, sizeof(t->bin),
			         "%.*s/../sim/tandem-sim",
			         (int)(sizeof(t->bin) - 32), self);
		}
	}
	if (access(t->bin, X_OK) != 0) {
		snprintf(err, errlen,
		         "simulator not found (%s); build it with "
		         "`make sim` or pass --sim-bin",
		         t->bin[0] ? t->bin : "build/sim/tandem-sim");
		return TANDEM_ERR_NOT_FOUND;
	}
	return 0;
}

static int spawn(struct tsim *t, char *err, size_t errlen)
{
	char a[8][32];
	const char *argv[24];
	int argc = 0;
	pid_t pid;

	unlink(t->path);
	argv[argc++] = t->bin;
	argv[argc++] = "--socket";
	argv[argc++] = t->path;
	/* A spawned simulator serves this host only and exits when the
	 * connection closes; a reconnect starts a fresh one (a replug). */
	argv[argc++] = "--once";
	if (t->opts.sim_config) {
		argv[argc++] = "--config";
		argv[argc++] = t->opts.sim_config;
	}
	if (t->opts.faults.corrupt > 0) {
		snprintf(a[0], sizeof(a[0]), "%g", t->opts.faults.corrupt);
		argv[argc++] = "--corrupt";
		argv[argc++] = a[0];
	}
	if (t->opts.faults.drop > 0) {
		snprintf(a[1], sizeof(a[1]), "%g", t->opts.faults.drop);
		argv[argc++] = "--drop";
		argv[argc++] = a[1];
	}
	if (t->opts.faults.stall_ms) {
		snprintf(a[2], sizeof(a[2]), "%u", t->opts.faults.stall_ms);
		argv[argc++] = "--stall";
		argv[argc++] = a[2];
	}
	if (t->opts.faults.disconnect) {
		snprintf(a[3], sizeof(a[3]), "%u", t->opts.faults.disconnect);
		argv[argc++] = "--disconnect-after";
		argv[argc++] = a[3];
	}
	if (t->opts.faults.bad_nonce > 0) {
		snprintf(a[4], sizeof(a[4]), "%g", t->opts.faults.bad_nonce);
		argv[argc++] = "--bad-nonce";
		argv[argc++] = a[4];
	}
	if (t->opts.sim_trace)
		argv[argc++] = "+trace";
	argv[argc] = NULL;

	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork failed: %s", strerror(errno));
		return TANDEM_ERR_IO;
	}
	if (pid == 0) {
		/* The simulator dies with the host, whatever ends the host. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv(t->bin, (char *const *)argv);
		_exit(127);
	}
	t->pid = pid;
	log_info("sim", "spawned %s (pid %d) on %s", t->bin, (int)pid, t->path);
	return 0;
}

/* Waits for a freshly spawned simulator to accept. */
static int wait_connect(struct tsim *t, char *err, size_t errlen)
{
	unsigned waited = 0;
	int status;

	while (waited < SIM_START_MS) {
		if (try_connect(t) == 0)
			return 0;
		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			t->pid = 0;
			snprintf(err, errlen,
			         "simulator %s exited during start-up "
			         "(status %d)",
			         t->bin,
			         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			return TANDEM_ERR_IO;
		}
		sleep_ms(20);
		waited += 20;
	}
	snprintf(err, errlen, "simulator did not open %s in %d s", t->path,
	         SIM_START_MS / 1000);
	return TANDEM_ERR_TIMEOUT;
}

static void kill_child(struct tsim *t)
{
	int status, i;

	if (t->pid <= 0)
		return;
	/* with the socket closed it ends by itself (--once) */
	for (i = 0; i < 200; i++) {
		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			t->pid = 0;
			return;
		}
		sleep_ms(5);
	}
	kill(t->pid, SIGTERM);
	for (i = 0; i < 100; i++) {
		if (waitpid(t->pid, &status, WNOHANG) == t->pid) {
			t->pid = 0;
			return;
		}
		sleep_ms(10);
	}
	kill(t->pid, SIGKILL);
	waitpid(t->pid, &status, 0);
	t->pid = 0;
}

static void sim_free(struct tsim *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->spawn) {
		kill_child(t);
		unlink(t->path);
		rmdir(t->dir);
	}
	free(t);
}

static int sim_open(const char *arg, const struct transport_opts *o,
                    struct transport **out, char *err, size_t errlen)
{
	struct tsim *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return TANDEM_ERR_NOMEM;
	t->base.ops = &transport_sim_ops;
	t->fd = -1;
	if (o)
		t->opts = *o;
	if (strncmp(arg, "tcp:", 4) == 0) {
		const char *hp = arg + 4, *colon = strrchr(hp, ':');

		if (!colon || colon == hp || !colon[1] ||
		    (size_t)(colon - hp) >= sizeof(t->host) ||
		    strlen(colon + 1) >= sizeof(t->port)) {
			snprintf(err, errlen, "bad sim:tcp:HOST:PORT '%s'",
			         arg);
			rc = TANDEM_ERR_PARSE;
			goto fail;
		}
		t->tcp = 1;
		memcpy(t->host, hp, (size_t)(colon - hp));
		snprintf(t->port, sizeof(t->port), "%s", colon + 1);
	} else if (arg[0]) {
		if (strlen(arg) >= sizeof(t->path)) {
			snprintf(err, errlen, "socket path too long");
			rc = TANDEM_ERR_RANGE;
			goto fail;
		}
		snprintf(t->path, sizeof(t->path), "%s", arg);
	} else {
		const char *tmp = getenv("TMPDIR");

		t->spawn = 1;
		rc = find_sim(t, err, errlen);
		if (rc < 0)
			goto fail;
		snprintf(t->dir, sizeof(t->dir), "%s/tandem-sim.XXXXXX",
		         tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(t->dir)) {
			snprintf(err, errlen, "cannot create %s: %s", t->dir,
			         strerror(errno));
			t->spawn = 0;
			rc = TANDEM_ERR_IO;
			goto fail;
		}
		if (strlen(t->dir) + 6 >= sizeof(t->path)) {
			snprintf(err, errlen,
			         "TMPDIR path too long for a socket");
			rc = TANDEM_ERR_RANGE;
			goto fail;
		}
		snprintf(t->path, sizeof(t->path), "%.90s/sock", t->dir);
		rc = spawn(t, err, errlen);
		if (rc < 0)
			goto fail;
		rc = wait_connect(t, err, errlen);
		if (rc < 0)
			goto fail;
		*out = &t->base;
		return 0;
	}
	rc = try_connect(t);
	if (rc < 0) {
		snprintf(err, errlen,
		         "cannot connect to simulator at %s%s%s: %s",
		         t->tcp ? t->host : t->path, t->tcp ? ":" : "",
		         t->tcp ? t->port : "", strerror(errno));
		goto fail;
	}
	*out = &t->base;
	return 0;
fail:
	sim_free(t);
	return rc;
}

static int sim_reconnect(struct transport *base, char *err, size_t errlen)
{
	struct tsim *t = (struct tsim *)base;

	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->spawn && t->pid > 0) {
		/* it serves one connection: let it go, start a fresh one */
		kill_child(t);
		log_info("sim", "starting a fresh simulator");
		/* the injected disconnect is one-shot */
		t->opts.faults.disconnect = 0;
	}
	if (t->spawn && t->pid <= 0) {
		int rc = spawn(t, err, errlen);

		if (rc < 0)
			return rc;
		return wait_connect(t, err, errlen);
	}
	if (try_connect(t) < 0) {
		snprintf(err, errlen, "cannot connect to %s: %s",
		         t->tcp ? t->host : t->path, strerror(errno));
		return TANDEM_ERR_IO;
	}
	return 0;
}

static int sim_write(struct transport *base, const uint8_t *buf, size_t n)
{
	struct tsim *t = (struct tsim *)base;

	return t->fd < 0 ? TANDEM_ERR_IO : tio_write(t->fd, buf, n);
}

static int sim_read(struct transport *base, uint8_t *buf, size_t cap)
{
	struct tsim *t = (struct tsim *)base;

	return t->fd < 0 ? TANDEM_ERR_IO : tio_read(t->fd, buf, cap);
}

static int sim_pollfds(struct transport *base, struct pollfd *fds, int max,
                       int want_write, int *timeout_ms)
{
	struct tsim *t = (struct tsim *)base;

	return tio_pollfd(t->fd, fds, max, want_write);
}

static void sim_describe(struct transport *base, char *buf, size_t n)
{
	struct tsim *t = (struct tsim *)base;

	if (t->tcp)
		snprintf(buf, n, "simulator at tcp %s:%s", t->host, t->port);
	else if (t->spawn)
		snprintf(buf, n, "simulator pid %d on %s", (int)t->pid,
		         t->path);
	else
		snprintf(buf, n, "simulator on %s", t->path);
}

static void sim_close(struct transport *base)
{
	sim_free((struct tsim *)base);
}

const struct transport_ops transport_sim_ops = {
        .name = "sim",
        .help = "sim | sim:PATH | sim:tcp:HOST:PORT  the simulated device",
        .open = sim_open,
        .reconnect = sim_reconnect,
        .write = sim_write,
        .read = sim_read,
        .pollfds = sim_pollfds,
        .service = NULL,
        .describe = sim_describe,
        .close = sim_close,
};
