/* Config file of `tandem mine` (see config.h). jansson reads the JSON;
 * its errors are mapped to Tandem's codes here and nowhere else. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "pool_url.h"
#include "tandem_err.h"
#include "work.h"

#define PATH_LEN 64 /* a key path such as "pools[15].url" */

__attribute__((format(printf, 4, 5))) static int
fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

__attribute__((format(printf, 2, 3))) static void
add_warning(struct config *c, const char *fmt, ...)
{
	va_list ap;

	if (c->nwarnings == CONFIG_MAX_WARN) {
		c->warnings_more++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(c->warning[c->nwarnings], sizeof(c->warning[0]), fmt, ap);
	va_end(ap);
	c->nwarnings++;
}

/* ------------------------------------------------------------------ */
/* Typed readers; `path` names the key in the detail text.            */

/* A string of 1..max characters (0..max when may_be_empty) copied into
 * out[max + 1]. It holds no NUL: jansson refuses \u0000 when loading. */
static int get_str(const json_t *v, const char *path, char *out, size_t max,
                   int may_be_empty, char *err, size_t errlen)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected a string", path);
	s = json_string_value(v);
	n = json_string_length(v);
	if (n == 0 && !may_be_empty)
		return fail(err, errlen, TANDEM_ERR_PARSE, "%s: empty string",
		            path);
	if (n > max)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "%s: %zu characters, at most %zu allowed", path, n,
		            max);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

static int get_flag(const json_t *v, const char *path, int *out, char *err,
                    size_t errlen)
{
	if (!json_is_boolean(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected true or false", path);
	*out = json_is_true(v);
	return 0;
}

/* A number, or a decimal string the way cgminer writes numbers. */
static int get_number(const json_t *v, const char *path, double *out, char *err,
                      size_t errlen)
{
	const char *s;
	char *end;

	if (json_is_number(v)) {
		*out = json_number_value(v);
		return 0;
	}
	if (!json_is_string(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected a number", path);
	s = json_string_value(v);
	errno = 0;
	*out = strtod(s, &end);
	if (s[0] == '\0' || *end != '\0' || errno == ERANGE ||
	    strspn(s, "0123456789.eE+-") != strlen(s))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: \"%.32s\" is not a number", path, s);
	return 0;
}

/* An integer port 1..65535, as a number or a decimal string. */
static int get_port(const json_t *v, const char *path, unsigned *out, char *err,
                    size_t errlen)
{
	double d;
	int rc;

	if (json_is_real(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected an integer", path);
	rc = get_number(v, path, &d, err, errlen);
	if (rc)
		return rc;
	if (d != floor(d))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected an integer", path);
	if (d < 1 || d > 65535)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "%s: %g outside 1..65535", path, d);
	*out = (unsigned)d;
	return 0;
}

/* One string, or a list of them, into a bounded table. */
static int get_str_list(const json_t *v, const char *path, char *table,
                        size_t stride, size_t max_items, size_t max_len,
                        size_t *count, char *err, size_t errlen)
{
	char p[PATH_LEN];
	size_t i;
	int rc;

	if (json_is_string(v)) {
		*count = 0;
		rc = get_str(v, path, table, max_len, 0, err, errlen);
		if (rc == 0)
			*count = 1;
		return rc;
	}
	if (!json_is_array(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected a string or a list of strings", path);
	if (json_array_size(v) > max_items)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "%s: %zu entries, at most %zu allowed", path,
		            json_array_size(v), max_items);
	for (i = 0; i < json_array_size(v); i++) {
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		rc = get_str(json_array_get(v, i), p, table + i * stride,
		             max_len, 0, err, errlen);
		if (rc)
			return rc;
		*count = i + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Values                                                              */

static int name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > STRATUM_MAX_AUX_NAME)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] > 0x7e || s[i] == '=')
			return 0;
	return 1;
}

static int is_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* NAME (n characters at name) and TARGET into *out. */
static int aux_entry(const char *name, size_t n, const char *target,
                     struct session_aux *out, char *err, size_t errlen)
{
	size_t tl = strlen(target);
	uint32_t nbits;

	if (!name_ok(name, n))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "aux chain name must be 1..%u printable "
		            "characters without '=' or spaces",
		            STRATUM_MAX_AUX_NAME);
	memset(out, 0, sizeof(*out));
	memcpy(out->name, name, n);
	out->name[n] = '\0';
	if (tl == 64) {
		if (hex_decode_rev(target, out->target, 32) < 0)
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "\"%s\": target is not 64 hex digits",
			            out->name);
	} else if (tl == 8) {
		if (hex_u32(target, &nbits) < 0)
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "\"%s\": nbits is not 8 hex digits",
			            out->name);
		if (work_nbits_to_target(nbits, out->target) < 0)
			return fail(err, errlen, TANDEM_ERR_RANGE,
			            "\"%s\": nbits %08x is not a valid target",
			            out->name, nbits);
	} else {
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "\"%s\": target must be 64 hex digits "
		            "(big-endian) or 8 (nbits), got %zu characters",
		            out->name, tl);
	}
	if (is_zero(out->target, 32))
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "\"%s\": target is zero", out->name);
	return 0;
}

int config_parse_aux(const char *spec, struct session_aux *out, char *err,
                     size_t errlen)
{
	const char *eq;

	if (err && errlen)
		err[0] = '\0';
	if (!spec || !out)
		return fail(err, errlen, TANDEM_ERR_INVAL, "no aux spec");
	eq = strchr(spec, '=');
	if (!eq)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "\"%.40s\": expected NAME=TARGET", spec);
	return aux_entry(spec, (size_t)(eq - spec), eq + 1, out, err, errlen);
}

/* ADDR:PORT with ADDR a host name, an IPv4 address or [IPv6]. */
static int addr_ok(const char *s)
{
	const char *colon = strrchr(s, ':');
	size_t hl, i;
	unsigned long port = 0;

	if (!colon || colon == s || colon[1] == '\0' || strlen(colon + 1) > 5 ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return 0;
	for (i = 1; colon[i]; i++)
		port = port * 10 + (unsigned long)(colon[i] - '0');
	if (port < 1 || port > 65535)
		return 0;
	hl = (size_t)(colon - s);
	if (s[0] == '[')
		return hl > 2 && s[hl - 1] == ']' &&
		       strspn(s + 1, "0123456789abcdefABCDEF:.") == hl - 2;
	for (i = 0; i < hl; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		      ch == '_'))
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Sections                                                            */

static int parse_pool(const json_t *v, size_t idx, struct config *c, char *err,
                      size_t errlen)
{
	struct config_pool *p = &c->pool[idx];
	struct pool_url u;
	char path[PATH_LEN], uerr[128];
	const char *key;
	json_t *val;
	int rc;

	snprintf(path, sizeof(path), "pools[%zu]", idx);
	if (!json_is_object(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected an object with url, user, pass",
		            path);
	json_object_foreach((json_t *)v, key, val)
	{
		char kp[PATH_LEN + 40];

		snprintf(kp, sizeof(kp), "%s.%.32s", path, key);
		if (strcmp(key, "url") == 0) {
			rc = get_str(val, kp, p->url, CONFIG_MAX_URL, 0, err,
			             errlen);
			if (rc)
				return rc;
			if (pool_url_parse(p->url, &u, uerr, sizeof(uerr)) < 0)
				return fail(err, errlen, TANDEM_ERR_PARSE,
				            "%s: %s", kp, uerr);
		} else if (strcmp(key, "user") == 0) {
			rc = get_str(val, kp, p->user, CONFIG_MAX_USER, 0, err,
			             errlen);
			if (rc)
				return rc;
		} else if (strcmp(key, "pass") == 0) {
			rc = get_str(val, kp, p->pass, CONFIG_MAX_PASS, 1, err,
			             errlen);
			if (rc)
				return rc;
		} else {
			add_warning(c, "unknown key %s", kp);
		}
	}
	if (!p->url[0])
		return fail(err, errlen, TANDEM_ERR_PARSE, "%s.url: missing",
		            path);
	if (!p->user[0])
		return fail(err, errlen, TANDEM_ERR_PARSE, "%s.user: missing",
		            path);
	return 0;
}

static int parse_pools(const json_t *v, struct config *c, char *err,
                       size_t errlen)
{
	size_t i;
	int rc;

	if (!json_is_array(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "pools: expected a list of pools");
	if (json_array_size(v) > CONFIG_MAX_POOLS)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "pools: %zu entries, at most %u allowed",
		            json_array_size(v), CONFIG_MAX_POOLS);
	for (i = 0; i < json_array_size(v); i++) {
		rc = parse_pool(json_array_get(v, i), i, c, err, errlen);
		if (rc)
			return rc;
		c->npools = i + 1;
	}
	return 0;
}

/* The aux table gets one more entry; names must be distinct. */
static int add_aux(struct config *c, const struct session_aux *a,
                   const char *path, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < c->naux; i++)
		if (strcmp(c->aux[i].name, a->name) == 0)
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "%s: aux chain \"%s\" given twice", path,
			            a->name);
	c->aux[c->naux++] = *a;
	return 0;
}

static int parse_aux(const json_t *v, struct config *c, char *err,
                     size_t errlen)
{
	struct session_aux a;
	char path[PATH_LEN], detail[160];
	const char *key;
	json_t *val;
	size_t i, n;
	int rc;

	if (!json_is_array(v) && !json_is_object(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "aux: expected a list of \"NAME=TARGET\" or an "
		            "object {\"NAME\": \"TARGET\"}");
	n = json_is_array(v) ? json_array_size(v) : json_object_size(v);
	if (n > CONFIG_MAX_AUX)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "aux: %zu entries, at most %u allowed", n,
		            CONFIG_MAX_AUX);
	if (json_is_array(v)) {
		for (i = 0; i < n; i++) {
			const json_t *e = json_array_get(v, i);

			snprintf(path, sizeof(path), "aux[%zu]", i);
			if (!json_is_string(e))
				return fail(err, errlen, TANDEM_ERR_PARSE,
				            "%s: expected a \"NAME=TARGET\" "
				            "string",
				            path);
			rc = config_parse_aux(json_string_value(e), &a, detail,
			                      sizeof(detail));
			if (rc)
				return fail(err, errlen, rc, "%s: %s", path,
				            detail);
			rc = add_aux(c, &a, path, err, errlen);
			if (rc)
				return rc;
		}
		return 0;
	}
	json_object_foreach((json_t *)v, key, val)
	{
		snprintf(path, sizeof(path), "aux.%.32s", key);
		if (!json_is_string(val))
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "%s: expected a target string", path);
		rc = aux_entry(key, strlen(key), json_string_value(val), &a,
		               detail, sizeof(detail));
		if (rc)
			return fail(err, errlen, rc, "%s: %s", path, detail);
		rc = add_aux(c, &a, path, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* "api-listen": "ADDR:PORT", or cgminer's true/false with "api-port". */
static int parse_api(const json_t *v, const char *path, const json_t *port,
                     struct config *c, char *err, size_t errlen)
{
	unsigned p = CONFIG_API_PORT;
	int rc, on;

	if (json_is_boolean(v)) {
		on = json_is_true(v);
		if (port && !on)
			add_warning(c, "api-port not used: %s is false", path);
		if (!on)
			return 0;
		if (port) {
			rc = get_port(port, "api-port", &p, err, errlen);
			if (rc)
				return rc;
		}
		snprintf(c->api_listen, sizeof(c->api_listen), "127.0.0.1:%u",
		         p);
		return 0;
	}
	if (!json_is_string(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected \"ADDR:PORT\" or true/false", path);
	rc = get_str(v, path, c->api_listen, CONFIG_MAX_ADDR, 0, err, errlen);
	if (rc)
		return rc;
	if (!addr_ok(c->api_listen))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: \"%s\" is not ADDR:PORT (host name, IPv4 or "
		            "[IPv6], port 1..65535)",
		            path, c->api_listen);
	if (port)
		add_warning(c, "api-port not used: %s gives the port", path);
	return 0;
}

/* Keys with two accepted spellings: at most one may be given. */
static int one_of(const json_t *root, const char *a, const char *b,
                  const json_t **v, const char **used, char *err, size_t errlen)
{
	const json_t *va = json_object_get(root, a);
	const json_t *vb = json_object_get(root, b);

	if (va && vb)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "both \"%s\" and \"%s\" given: use one", a, b);
	*v = va ? va : vb;
	*used = va ? a : b;
	return 0;
}

static const char *const known_keys[] = {
        "pools",      "device",       "devices",  "aux",
        "api-listen", "api",          "api-port", "api-allow-remote",
        "api-write",  "suggest-diff", "tls-ca",   "tls-insecure",
};

static int known(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(known_keys) / sizeof(known_keys[0]); i++)
		if (strcmp(key, known_keys[i]) == 0)
			return 1;
	return 0;
}

static int parse_root(const json_t *root, struct config *c, char *err,
                      size_t errlen)
{
	const json_t *v;
	const char *key, *name;
	json_t *val;
	int rc;

	if (!json_is_object(root))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "the config must be a JSON object");
	json_object_foreach((json_t *)root, key, val)
	{
		if (!known(key))
			add_warning(c, "unknown key %.80s", key);
	}
	v = json_object_get(root, "pools");
	if (v) {
		rc = parse_pools(v, c, err, errlen);
		if (rc)
			return rc;
	}
	rc = one_of(root, "devices", "device", &v, &name, err, errlen);
	if (rc)
		return rc;
	if (v) {
		rc = get_str_list(v, name, c->device[0], sizeof(c->device[0]),
		                  CONFIG_MAX_DEVICES, CONFIG_MAX_DEVICE,
		                  &c->ndevices, err, errlen);
		if (rc)
			return rc;
	}
	v = json_object_get(root, "aux");
	if (v) {
		rc = parse_aux(v, c, err, errlen);
		if (rc)
			return rc;
	}
	rc = one_of(root, "api-listen", "api", &v, &name, err, errlen);
	if (rc)
		return rc;
	if (v) {
		rc = parse_api(v, name, json_object_get(root, "api-port"), c,
		               err, errlen);
		if (rc)
			return rc;
	} else if (json_object_get(root, "api-port")) {
		add_warning(c, "api-port not used: no api-listen");
	}
	v = json_object_get(root, "api-allow-remote");
	if (v) {
		rc = get_flag(v, "api-allow-remote", &c->api_allow_remote, err,
		              errlen);
		if (rc)
			return rc;
	}
	v = json_object_get(root, "api-write");
	if (v) {
		rc = get_flag(v, "api-write", &c->api_write, err, errlen);
		if (rc)
			return rc;
	}
	v = json_object_get(root, "suggest-diff");
	if (v) {
		rc = get_number(v, "suggest-diff", &c->suggest_diff, err,
		                errlen);
		if (rc)
			return rc;
		if (!isfinite(c->suggest_diff) || c->suggest_diff <= 0)
			return fail(err, errlen, TANDEM_ERR_RANGE,
			            "suggest-diff: %g is not above 0",
			            c->suggest_diff);
	}
	v = json_object_get(root, "tls-ca");
	if (v) {
		rc = get_str(v, "tls-ca", c->tls_ca, CONFIG_MAX_PATH, 0, err,
		             errlen);
		if (rc)
			return rc;
	}
	v = json_object_get(root, "tls-insecure");
	if (v) {
		rc = get_flag(v, "tls-insecure", &c->tls_insecure, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

void config_init(struct config *c)
{
	if (c)
		memset(c, 0, sizeof(*c));
}

int config_parse(const char *text, size_t len, struct config *c, char *err,
                 size_t errlen)
{
	json_error_t je;
	json_t *root;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!text || !c)
		return fail(err, errlen, TANDEM_ERR_INVAL, "no config text");
	config_init(c);
	if (len > CONFIG_MAX_FILE)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "config of %zu bytes, at most %u allowed", len,
		            CONFIG_MAX_FILE);
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return fail(err, errlen,
		            json_error_code(&je) == json_error_out_of_memory
		                    ? TANDEM_ERR_NOMEM
		                    : TANDEM_ERR_PARSE,
		            "JSON line %d column %d: %s", je.line, je.column,
		            je.text);
	rc = parse_root(root, c, err, errlen);
	json_decref(root);
	return rc;
}

int config_load(const char *path, struct config *c, char *err, size_t errlen)
{
	char detail[256];
	char *buf = NULL;
	size_t n;
	FILE *f;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !c)
		return fail(err, errlen, TANDEM_ERR_INVAL, "no config file");
	config_init(c);
	f = fopen(path, "rb");
	if (!f)
		return fail(err, errlen, TANDEM_ERR_IO, "%s: %s", path,
		            strerror(errno));
	buf = malloc(CONFIG_MAX_FILE + 1);
	if (!buf) {
		rc = fail(err, errlen, TANDEM_ERR_NOMEM, "%s: out of memory",
		          path);
		goto out;
	}
	n = fread(buf, 1, CONFIG_MAX_FILE + 1, f);
	if (ferror(f)) {
		rc = fail(err, errlen, TANDEM_ERR_IO, "%s: read error", path);
		goto out;
	}
	if (n > CONFIG_MAX_FILE) {
		rc = fail(err, errlen, TANDEM_ERR_RANGE,
		          "%s: larger than %u bytes", path, CONFIG_MAX_FILE);
		goto out;
	}
	rc = config_parse(buf, n, c, detail, sizeof(detail));
	if (rc)
		fail(err, errlen, rc, "%s: %s", path, detail);
out:
	free(buf);
	fclose(f);
	return rc;
}
