/* Pool URLs: stratum+tcp://host:port, TLS as stratum+tls://,
 * stratum+ssl:// or stratum+tcps://, a bare host:port meaning TCP. The
 * host is a name, an IPv4 address or an IPv6 literal in brackets
 * ([::1]:3333). Pure; never prints. */
#ifndef TANDEM_POOL_URL_H
#define TANDEM_POOL_URL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define POOL_URL_MAX_HOST 255u /* characters of a host name */

struct pool_url {
	int tls;                          /* 1 for the TLS schemes */
	char host[POOL_URL_MAX_HOST + 1]; /* without brackets */
	unsigned port;                    /* 1..65535 */
	int ipv6;                         /* host was a bracketed literal */
};

/* Parses url into *out. Returns 0, or TANDEM_ERR_PARSE with a detail in
 * err (unknown scheme, missing or bad port, bad host, trailing text) and
 * TANDEM_ERR_INVAL for NULL arguments. A single trailing "/" is
 * allowed. */
int pool_url_parse(const char *url, struct pool_url *out, char *err,
                   size_t errlen);

/* "stratum+tcp://host:port" (brackets around IPv6) into buf. Returns the
 * length or TANDEM_ERR_RANGE when cap is too small. */
int pool_url_format(const struct pool_url *u, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_POOL_URL_H */
