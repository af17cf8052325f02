/* One pool connection on the host's event loop: TCP or TLS (OpenSSL,
 * certificate and host name verified by default), non-blocking connect
 * with a timeout, newline framing with a line-length cap. What the lines
 * mean is the session's business (host/lib/session.h); when to connect is
 * the failover list's (host/lib/pools.h). */
#ifndef TANDEM_POOL_H
#define TANDEM_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "pool_url.h"

struct pool_conn;

struct pool_tls_opts {
	const char *ca_file; /* PEM bundle instead of the system CAs */
	int insecure;        /* no certificate check (self-signed tests) */
};

struct pool_events {
	/* TCP (and TLS) handshake done: start the Stratum handshake. */
	void (*connected)(void *user);
	/* One line, without its newline (NUL-terminated at line[len]). */
	void (*line)(void *user, const char *line, size_t len);
	/* Connecting failed (was_up 0) or the connection ended (was_up 1);
	 * err is a negative code, why a detail. The connection is closed
	 * when this is called; pool_conn_open may be called from it. */
	void (*closed)(void *user, int was_up, int err, const char *why);
};

struct pool_conn_stats {
	uint64_t bytes_in, bytes_out;
	uint64_t lines_in;
	uint64_t oversize; /* lines longer than the cap, discarded */
};

int pool_conn_new(struct loop *l, const struct pool_events *ev, void *user,
                  struct pool_conn **out);
/* Frees (closing first, without a closed event). Not from inside one of
 * the connection's own callbacks. */
void pool_conn_free(struct pool_conn *c);

/* Starts connecting (any earlier connection is closed silently). Host
 * names resolve with getaddrinfo, which blocks. Returns 0 (the outcome
 * comes as connected or closed) or a negative code with a reason in
 * err. */
int pool_conn_open(struct pool_conn *c, const struct pool_url *u,
                   const struct pool_tls_opts *tls, unsigned timeout_ms,
                   char *err, size_t errlen);
/* Closes without a closed event. Safe from callbacks. */
void pool_conn_close(struct pool_conn *c);
/* Queues bytes to send. TANDEM_ERR_IO when not connected,
 * TANDEM_ERR_RANGE when the send buffer would exceed its cap. */
int pool_conn_send(struct pool_conn *c, const char *data, size_t n);
int pool_conn_is_up(const struct pool_conn *c);
/* Peer "host:port" of the connection being made or up. */
const char *pool_conn_peer(const struct pool_conn *c);
void pool_conn_get_stats(const struct pool_conn *c, struct pool_conn_stats *s);

#endif /* TANDEM_POOL_H */
