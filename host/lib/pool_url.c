/* Pool URL parsing (see pool_url.h). */
#include "pool_url.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tandem_err.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return TANDEM_ERR_PARSE;
}

static const struct {
	const char *prefix;
	int tls;
} schemes[] = {
        {"stratum+tcp://", 0},
        {"stratum+tls://", 1},
        {"stratum+ssl://", 1},
        {"stratum+tcps://", 1},
};

static int is_hostchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

static int is_v6char(char c)
{
	return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '.' || c == '%';
}

int pool_url_parse(const char *url, struct pool_url *out, char *err,
                   size_t errlen)
{
	const char *p, *host, *hend, *sep;
	unsigned long port = 0;
	size_t i, hlen;

	if (!url || !out)
		return TANDEM_ERR_INVAL;
	memset(out, 0, sizeof(*out));
	p = url;
	sep = strstr(url, "://");
	if (sep) {
		for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
			size_t n = strlen(schemes[i].prefix);

			if (strncmp(url, schemes[i].prefix, n) == 0) {
				out->tls = schemes[i].tls;
				p = url + n;
				break;
			}
		}
		if (p == url)
			return fail(err, errlen,
			            "unknown scheme in '%.64s' (stratum+tcp, "
			            "stratum+tls, stratum+ssl, stratum+tcps)",
			            url);
	}
	if (*p == '[') {
		host = p + 1;
		hend = strchr(host, ']');
		if (!hend)
			return fail(err, errlen, "missing ']' in '%.64s'", url);
		for (sep = host; sep < hend; sep++)
			if (!is_v6char(*sep))
				return fail(err, errlen,
				            "bad IPv6 literal in '%.64s'", url);
		if (!memchr(host, ':', (size_t)(hend - host)))
			return fail(err, errlen, "bad IPv6 literal in '%.64s'",
			            url);
		out->ipv6 = 1;
		p = hend + 1;
	} else {
		host = p;
		while (is_hostchar(*p))
			p++;
		hend = p;
		if (*p && *p != ':' && *p != '/')
			return fail(err, errlen,
			            "bad character in host of '%.64s'", url);
	}
	hlen = (size_t)(hend - host);
	if (hlen == 0)
		return fail(err, errlen, "no host in '%.64s'", url);
	if (hlen > POOL_URL_MAX_HOST)
		return fail(err, errlen, "host name too long in '%.64s'", url);
	if (*p != ':')
		return fail(err, errlen, "no port in '%.64s' (host:port)", url);
	p++;
	if (!(*p >= '0' && *p <= '9'))
		return fail(err, errlen, "bad port in '%.64s'", url);
	while (*p >= '0' && *p <= '9') {
		port = port * 10 + (unsigned long)(*p - '0');
		if (port > 65535)
			return fail(err, errlen, "port out of range in '%.64s'",
			            url);
		p++;
	}
	if (port == 0)
		return fail(err, errlen, "port 0 in '%.64s'", url);
	if (*p == '/')
		p++;
	if (*p)
		return fail(err, errlen, "trailing text in '%.64s'", url);
	if (!out->ipv6 && (host[0] == '-' || host[0] == '.' ||
	                   hend[-1] == '.' || hend[-1] == '-'))
		return fail(err, errlen, "bad host in '%.64s'", url);
	memcpy(out->host, host, hlen);
	out->host[hlen] = 0;
	out->port = (unsigned)port;
	return 0;
}

int pool_url_format(const struct pool_url *u, char *buf, size_t cap)
{
	int n;

	if (!u || !buf)
		return TANDEM_ERR_INVAL;
	n = snprintf(buf, cap, "%s://%s%s%s:%u",
	             u->tls ? "stratum+tls" : "stratum+tcp", u->ipv6 ? "[" : "",
	             u->host, u->ipv6 ? "]" : "", u->port);
	if (n < 0 || (size_t)n >= cap)
		return TANDEM_ERR_RANGE;
	return n;
}
