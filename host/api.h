/* Monitoring API compatible with the cgminer/bfgminer RPC: one request
 * per TCP connection, either JSON {"command":"summary","parameter":""}
 * (several commands joined with '+') or plain text "summary"; the answer
 * is JSON or cgminer's text form, ended by a NUL byte, then the socket
 * closes. Commands: summary, devs, pools, stats, version, config, check.
 * Loopback only unless allow_remote; read-only unless writable (then
 * "privileged" and "quit" work; everything else that would change the
 * miner is refused). */
#ifndef TANDEM_API_H
#define TANDEM_API_H

#include <stddef.h>

#include <jansson.h>

#include "loop.h"
#include "upstream.h"

struct api_provider {
	/* Device-side SUMMARY fields ("MHS av", "MHS 5s", "Elapsed",
	 * "Hardware Errors", ...). */
	void (*summary)(void *user, json_t *obj);
	/* One object per device (DEVS). */
	void (*devs)(void *user, json_t *arr);
	/* STATS entries. */
	void (*stats)(void *user, json_t *arr);
	/* "quit" with write access. */
	void (*quit)(void *user);
};

struct api_cfg {
	const char *listen;  /* "127.0.0.1:4028", "[::1]:4028" */
	int allow_remote;    /* accept a non-loopback listen address */
	int writable;        /* privileged commands allowed */
	const char *version; /* miner version for VERSION/Description */
};

struct api;

int api_new(struct loop *l, const struct api_cfg *cfg, struct upstream *up,
            const struct api_provider *prov, void *user, struct api **out,
            char *err, size_t errlen);
void api_free(struct api *a);

/* The answer to one request (JSON or text, as the request), malloc'd,
 * without the NUL terminator the socket adds. Used by the server and
 * by tests. */
char *api_answer(struct api *a, const char *req, size_t len);

#endif /* TANDEM_API_H */
