/* One pool connection: TCP/TLS, framing, timeouts (see pool.h). */
#include "pool.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "stratum.h"
#include "tandem_err.h"

#define RBUF_CAP STRATUM_MAX_LINE /* longest line kept, newline included */
#define WBUF_MAX (4u << 20)       /* bytes queued for sending */

enum conn_state {
	C_IDLE = 0,
	C_CONNECTING,
	C_TLS,
	C_UP,
};

struct pool_conn {
	struct loop *loop;
	struct pool_events ev;
	void *user;
	enum conn_state state;
	unsigned gen; /* bumped on every close: callbacks check it */
	int fd;
	struct addrinfo *ai, *ai_next;
	uint64_t deadline;
	char peer[POOL_URL_MAX_HOST + 16];
	char host[POOL_URL_MAX_HOST + 1];
	int host_is_ip;

	int tls;
	struct pool_tls_opts tls_opts;
	char ca_file[1024];
	SSL_CTX *ctx;
	SSL *ssl;
	int tls_want_write; /* TLS needs POLLOUT to go on */

	char *rbuf;
	size_t rlen;
	int discarding; /* inside an oversize line */
	char *wbuf;
	size_t wlen, wcap;

	struct pool_conn_stats st;
};

static int fail_msg(char *err, size_t errlen, int code, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int fail_msg(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static void close_internal(struct pool_conn *c)
{
	if (c->ssl) {
		if (c->state == C_UP)
			SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	if (c->ai) {
		freeaddrinfo(c->ai);
		c->ai = NULL;
		c->ai_next = NULL;
	}
	c->state = C_IDLE;
	c->rlen = 0;
	c->wlen = 0;
	c->discarding = 0;
	c->tls_want_write = 0;
	c->gen++;
}

static void fail(struct pool_conn *c, int err, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static void fail(struct pool_conn *c, int err, const char *fmt, ...)
{
	char why[512];
	int was_up = c->state == C_UP;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	close_internal(c);
	if (c->ev.closed)
		c->ev.closed(c->user, was_up, err, why);
}

/* Appends the OpenSSL error queue to buf. */
static void ssl_errors(char *buf, size_t cap)
{
	unsigned long e;
	size_t n = strlen(buf);

	while ((e = ERR_get_error()) != 0 && n + 2 < cap) {
		buf[n++] = ' ';
		ERR_error_string_n(e, buf + n, cap - n);
		n = strlen(buf);
	}
}

static void went_up(struct pool_conn *c)
{
	c->state = C_UP;
	log_info("pool", "%s: connected%s", c->peer,
	         c->tls ? (c->tls_opts.insecure ? " (TLS, not verified)"
	                                        : " (TLS, verified)")
	                : "");
	if (c->ev.connected)
		c->ev.connected(c->user);
}

static void tls_step(struct pool_conn *c)
{
	char detail[512];
	long vr;
	int rc, e;

	ERR_clear_error();
	rc = SSL_connect(c->ssl);
	if (rc == 1) {
		c->tls_want_write = 0;
		went_up(c);
		return;
	}
	e = SSL_get_error(c->ssl, rc);
	if (e == SSL_ERROR_WANT_READ) {
		c->tls_want_write = 0;
		return;
	}
	if (e == SSL_ERROR_WANT_WRITE) {
		c->tls_want_write = 1;
		return;
	}
	vr = SSL_get_verify_result(c->ssl);
	snprintf(detail, sizeof(detail), "TLS handshake failed");
	if (vr != X509_V_OK)
		snprintf(detail, sizeof(detail),
		         "TLS handshake failed: certificate: %s",
		         X509_verify_cert_error_string(vr));
	ssl_errors(detail, sizeof(detail));
	fail(c, TANDEM_ERR_IO, "%s: %s", c->peer, detail);
}

static int tls_start(struct pool_conn *c)
{
	X509_VERIFY_PARAM *vp;

	if (!c->ctx) {
		c->ctx = SSL_CTX_new(TLS_client_method());
		if (!c->ctx)
			return TANDEM_ERR_NOMEM;
		SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
		if (c->tls_opts.insecure) {
			SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
		} else {
			SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
			if (c->ca_file[0]) {
				if (SSL_CTX_load_verify_locations(
				            c->ctx, c->ca_file, NULL) != 1)
					return TANDEM_ERR_IO;
			} else if (SSL_CTX_set_default_verify_paths(c->ctx) !=
			           1) {
				return TANDEM_ERR_IO;
			}
		}
	}
	c->ssl = SSL_new(c->ctx);
	if (!c->ssl)
		return TANDEM_ERR_NOMEM;
	SSL_set_mode(c->ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
	                             SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_set_fd(c->ssl, c->fd) != 1)
		return TANDEM_ERR_IO;
	if (!c->host_is_ip)
		SSL_set_tlsext_host_name(c->ssl, c->host);
	if (!c->tls_opts.insecure) {
		vp = SSL_get0_param(c->ssl);
		if (c->host_is_ip) {
			if (X509_VERIFY_PARAM_set1_ip_asc(vp, c->host) != 1)
				return TANDEM_ERR_INVAL;
		} else if (SSL_set1_host(c->ssl, c->host) != 1) {
			return TANDEM_ERR_INVAL;
		}
	}
	c->state = C_TLS;
	return 0;
}

static void tcp_up(struct pool_conn *c)
{
	int one = 1, rc;

	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(c->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (c->ai) {
		freeaddrinfo(c->ai);
		c->ai = NULL;
		c->ai_next = NULL;
	}
	if (!c->tls) {
		went_up(c);
		return;
	}
	rc = tls_start(c);
	if (rc < 0) {
		char detail[256] = "TLS setup failed";

		ssl_errors(detail, sizeof(detail));
		fail(c, rc, "%s: %s", c->peer, detail);
		return;
	}
	tls_step(c);
}

/* Tries the remaining addresses; fails the connection when none is
 * left. */
static void try_connect(struct pool_conn *c, int last_errno)
{
	while (c->ai_next) {
		struct addrinfo *a = c->ai_next;
		int fd;

		c->ai_next = a->ai_next;
		fd = socket(a->ai_family,
		            a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		            a->ai_protocol);
		if (fd < 0) {
			last_errno = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			c->fd = fd;
			tcp_up(c);
			return;
		}
		if (errno == EINPROGRESS) {
			c->fd = fd;
			c->state = C_CONNECTING;
			return;
		}
		last_errno = errno;
		close(fd);
	}
	fail(c, TANDEM_ERR_IO, "%s: connect: %s", c->peer,
	     strerror(last_errno ? last_errno : ECONNREFUSED));
}

static void process_lines(struct pool_conn *c)
{
	unsigned gen = c->gen;
	size_t start = 0, i;

	for (i = 0; i < c->rlen; i++) {
		size_t len;

		if (c->rbuf[i] != '\n')
			continue;
		len = i - start;
		if (c->discarding) {
			c->discarding = 0;
			start = i + 1;
			continue;
		}
		if (len && c->rbuf[start + len - 1] == '\r')
			len--;
		c->rbuf[start + len] = 0;
		c->st.lines_in++;
		if (c->ev.line)
			c->ev.line(c->user, c->rbuf + start, len);
		if (c->gen != gen)
			return; /* closed (or reopened) by the callback */
		start = i + 1;
	}
	if (start) {
		memmove(c->rbuf, c->rbuf + start, c->rlen - start);
		c->rlen -= start;
	}
	if (c->rlen >= RBUF_CAP) {
		/* no newline within the cap: drop up to the next one */
		if (!c->discarding) {
			c->st.oversize++;
			log_warn("pool",
			         "%s: line longer than %u bytes dropped",
			         c->peer, RBUF_CAP);
		}
		c->discarding = 1;
		c->rlen = 0;
	}
}

/* Reads what is there; returns 0, or -1 when the connection ended. */
static int do_read(struct pool_conn *c)
{
	unsigned gen = c->gen;

	for (;;) {
		size_t room = RBUF_CAP + 1 - c->rlen;
		ssize_t n;

		if (c->ssl) {
			int rc, e;

			ERR_clear_error();
			rc = SSL_read(c->ssl, c->rbuf + c->rlen, (int)room);
			if (rc <= 0) {
				e = SSL_get_error(c->ssl, rc);
				if (e == SSL_ERROR_WANT_READ)
					return 0;
				if (e == SSL_ERROR_WANT_WRITE) {
					c->tls_want_write = 1;
					return 0;
				}
				if (e == SSL_ERROR_ZERO_RETURN) {
					fail(c, TANDEM_ERR_IO,
					     "%s: closed by the pool", c->peer);
				} else {
					char d[256] = "TLS read failed";

					ssl_errors(d, sizeof(d));
					fail(c, TANDEM_ERR_IO, "%s: %s",
					     c->peer, d);
				}
				return -1;
			}
			n = rc;
		} else {
			n = recv(c->fd, c->rbuf + c->rlen, room, 0);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return 0;
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				fail(c, TANDEM_ERR_IO, "%s: %s", c->peer,
				     n == 0 ? "closed by the pool"
				            : strerror(errno));
				return -1;
			}
		}
		c->st.bytes_in += (uint64_t)n;
		c->rlen += (size_t)n;
		process_lines(c);
		if (c->gen != gen)
			return -1;
	}
}

static int do_write(struct pool_conn *c)
{
	while (c->wlen) {
		ssize_t n;

		if (c->ssl) {
			int rc, e;

			ERR_clear_error();
			rc = SSL_write(c->ssl, c->wbuf, (int)c->wlen);
			if (rc <= 0) {
				e = SSL_get_error(c->ssl, rc);
				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ)
					return 0;
				fail(c, TANDEM_ERR_IO, "%s: TLS write failed",
				     c->peer);
				return -1;
			}
			n = rc;
		} else {
			n = send(c->fd, c->wbuf, c->wlen, MSG_NOSIGNAL);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return 0;
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				fail(c, TANDEM_ERR_IO, "%s: send: %s", c->peer,
				     strerror(errno));
				return -1;
			}
		}
		c->st.bytes_out += (uint64_t)n;
		memmove(c->wbuf, c->wbuf + n, c->wlen - (size_t)n);
		c->wlen -= (size_t)n;
	}
	return 0;
}

static int src_prepare(void *arg, struct pollfd *fds, int max, int *timeout)
{
	struct pool_conn *c = arg;
	uint64_t now;
	int t;

	if (c->state == C_IDLE || c->fd < 0 || max < 1)
		return 0;
	fds[0].fd = c->fd;
	fds[0].events = 0;
	switch (c->state) {
	case C_CONNECTING:
		fds[0].events = POLLOUT;
		break;
	case C_TLS:
		fds[0].events = c->tls_want_write ? POLLOUT : POLLIN;
		break;
	case C_UP:
		fds[0].events = POLLIN;
		if (c->wlen || c->tls_want_write)
			fds[0].events |= POLLOUT;
		/* TLS may hold decrypted bytes poll() cannot see */
		if (c->ssl && SSL_pending(c->ssl) > 0)
			*timeout = 0;
		break;
	case C_IDLE:
		break;
	}
	if (c->state != C_UP) {
		now = loop_now_ms();
		t = c->deadline > now ? (int)(c->deadline - now) : 0;

		if (*timeout < 0 || t < *timeout)
			*timeout = t;
	}
	return 1;
}

static void src_dispatch(void *arg, const struct pollfd *fds, int n)
{
	struct pool_conn *c = arg;
	short re = n > 0 ? fds[0].revents : 0;
	unsigned gen = c->gen;

	if (c->state == C_IDLE)
		return;
	if (c->state != C_UP && loop_now_ms() >= c->deadline) {
		fail(c, TANDEM_ERR_TIMEOUT, "%s: connect timed out", c->peer);
		return;
	}
	switch (c->state) {
	case C_CONNECTING:
		if (re & (POLLOUT | POLLERR | POLLHUP)) {
			int soerr = 0;
			socklen_t sl = sizeof(soerr);

			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr,
			               &sl) < 0)
				soerr = errno;
			if (soerr == 0) {
				tcp_up(c);
			} else {
				close(c->fd);
				c->fd = -1;
				try_connect(c, soerr);
			}
		}
		return;
	case C_TLS:
		if (re)
			tls_step(c);
		return;
	case C_UP:
		if ((re & (POLLIN | POLLERR | POLLHUP)) ||
		    (c->ssl && SSL_pending(c->ssl) > 0) ||
		    (c->tls_want_write && (re & POLLOUT))) {
			c->tls_want_write = 0;
			if (do_read(c) < 0 || c->gen != gen)
				return;
		}
		if (c->wlen && (re & POLLOUT))
			do_write(c);
		return;
	case C_IDLE:
		return;
	}
}

static const struct loop_source_ops pool_src_ops = {
        .prepare = src_prepare,
        .dispatch = src_dispatch,
};

int pool_conn_new(struct loop *l, const struct pool_events *ev, void *user,
                  struct pool_conn **out)
{
	struct pool_conn *c;
	int rc;

	if (!l || !ev || !out)
		return TANDEM_ERR_INVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return TANDEM_ERR_NOMEM;
	c->rbuf = malloc(RBUF_CAP + 2);
	if (!c->rbuf) {
		free(c);
		return TANDEM_ERR_NOMEM;
	}
	c->loop = l;
	c->ev = *ev;
	c->user = user;
	c->fd = -1;
	rc = loop_source_add(l, &pool_src_ops, c);
	if (rc < 0) {
		free(c->rbuf);
		free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void pool_conn_free(struct pool_conn *c)
{
	if (!c)
		return;
	close_internal(c);
	loop_source_del(c->loop, c);
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

int pool_conn_open(struct pool_conn *c, const struct pool_url *u,
                   const struct pool_tls_opts *tls, unsigned timeout_ms,
                   char *err, size_t errlen)
{
	struct addrinfo hints;
	char port[8];
	unsigned char tmp[16];
	int rc;

	if (!c || !u)
		return TANDEM_ERR_INVAL;
	close_internal(c);
	/* options may differ between pools: a fresh context each time */
	if (c->ctx) {
		SSL_CTX_free(c->ctx);
		c->ctx = NULL;
	}
	c->tls = u->tls;
	memset(&c->tls_opts, 0, sizeof(c->tls_opts));
	c->ca_file[0] = 0;
	if (tls) {
		c->tls_opts.insecure = tls->insecure;
		if (tls->ca_file)
			snprintf(c->ca_file, sizeof(c->ca_file), "%s",
			         tls->ca_file);
	}
	snprintf(c->host, sizeof(c->host), "%s", u->host);
	c->host_is_ip = u->ipv6 || inet_pton(AF_INET, u->host, tmp) == 1;
	snprintf(c->peer, sizeof(c->peer), "%s%s%s:%u", u->ipv6 ? "[" : "",
	         u->host, u->ipv6 ? "]" : "", u->port);
	snprintf(port, sizeof(port), "%u", u->port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (u->ipv6 ? AI_NUMERICHOST : 0);
	rc = getaddrinfo(u->host, port, &hints, &c->ai);
	if (rc != 0) {
		c->ai = NULL;
		return fail_msg(err, errlen, TANDEM_ERR_NOT_FOUND,
		                "%s: cannot resolve: %s", c->peer,
		                gai_strerror(rc));
	}
	c->ai_next = c->ai;
	c->deadline = loop_now_ms() + (timeout_ms ? timeout_ms : 10000);
	c->state = C_CONNECTING;
	try_connect(c, 0);
	return 0;
}

void pool_conn_close(struct pool_conn *c)
{
	if (c)
		close_internal(c);
}

int pool_conn_send(struct pool_conn *c, const char *data, size_t n)
{
	if (!c || (!data && n))
		return TANDEM_ERR_INVAL;
	if (c->state != C_UP)
		return TANDEM_ERR_IO;
	if (c->wlen + n > WBUF_MAX)
		return TANDEM_ERR_RANGE;
	if (c->wlen + n > c->wcap) {
		size_t cap = c->wcap ? c->wcap : 4096;
		char *p;

		while (cap < c->wlen + n)
			cap *= 2;
		p = realloc(c->wbuf, cap);
		if (!p)
			return TANDEM_ERR_NOMEM;
		c->wbuf = p;
		c->wcap = cap;
	}
	memcpy(c->wbuf + c->wlen, data, n);
	c->wlen += n;
	/* written on the next POLLOUT (errors surface there, never inside
	 * the caller's callback) */
	return 0;
}

int pool_conn_is_up(const struct pool_conn *c)
{
	return c && c->state == C_UP;
}

const char *pool_conn_peer(const struct pool_conn *c)
{
	return c ? c->peer : "";
}

void pool_conn_get_stats(const struct pool_conn *c, struct pool_conn_stats *s)
{
	*s = c->st;
}
