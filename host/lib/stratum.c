/* Stratum v1 codec: parses pool lines into struct stratum_msg and formats
 * the client's requests. JSON goes through jansson in both directions;
 * jansson's error codes are mapped to Tandem's here and nowhere else. */
#include "stratum.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "tandem_err.h"

/* ------------------------------------------------------------------ */
/* Errors and small helpers                                            */

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

/* Map a jansson error from building JSON to a Tandem code: a string
 * that is not UTF-8 is the caller's invalid argument. (Reading a line,
 * anything but running out of memory is a parse error.) */
static int json_code(const json_error_t *je)
{
	switch (json_error_code(je)) {
	case json_error_out_of_memory:
		return TANDEM_ERR_NOMEM;
	case json_error_invalid_utf8:
	case json_error_invalid_argument:
		return TANDEM_ERR_INVAL;
	default:
		return TANDEM_ERR_PARSE;
	}
}

/* Offset of the first character that is not a hex digit (n if none). */
static size_t hex_bad_at(const char *s)
{
	return strspn(s, "0123456789abcdefABCDEF");
}

static void u32_hex(uint32_t v, char out[9])
{
	uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16),
	                (uint8_t)(v >> 8), (uint8_t)v};

	hex_encode(b, 4, out, 9);
}

/* Length of the UTF-8 sequence a lead byte starts (1 for ASCII and for
 * bytes that cannot lead, which are then cut like any other byte). */
static size_t utf8_seq_len(uint8_t c)
{
	if (c >= 0xf0 && c <= 0xf4)
		return 4;
	if (c >= 0xe0 && c < 0xf0)
		return 3;
	if (c >= 0xc2 && c < 0xe0)
		return 2;
	return 1;
}

/* Copy pool text for logs and counters: control characters become '?',
 * too long text is cut on a UTF-8 character boundary. jansson has already
 * checked that the string is valid UTF-8 without NUL. */
static void copy_text(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i, k = 0;

	while (k < n && k + 1 < cap) {
		size_t sl = utf8_seq_len((uint8_t)src[k]);

		if (k + sl + 1 > cap || k + sl > n)
			break;
		for (i = 0; i < sl; i++) {
			uint8_t c = (uint8_t)src[k + i];

			dst[k + i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
		}
		k += sl;
	}
	dst[k] = '\0';
}

/* A job id is echoed back in mining.submit: printable ASCII only. */
static int job_id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > STRATUM_MAX_JOB_ID)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Typed field readers; `what` names the field in the detail text.     */

static int get_string(const json_t *v, const char *what, const char **s,
                      size_t *n, char *err, size_t errlen)
{
	*s = "";
	*n = 0;
	if (!json_is_string(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected a string", what);
	*s = json_string_value(v);
	*n = json_string_length(v);
	return 0;
}

/* Exactly nbytes bytes as 2*nbytes hex digits. */
static int get_hex_fixed(const json_t *v, const char *what, uint8_t *out,
                         size_t nbytes, char *err, size_t errlen)
{
	const char *s;
	size_t n;
	int rc = get_string(v, what, &s, &n, err, errlen);

	if (rc)
		return rc;
	if (n != 2 * nbytes)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected %zu hex digits, got %zu", what,
		            2 * nbytes, n);
	if (hex_decode_exact(s, out, nbytes))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: non-hex character at offset %zu", what,
		            hex_bad_at(s));
	return 0;
}

static int get_hex_u32(const json_t *v, const char *what, uint32_t *out,
                       char *err, size_t errlen)
{
	uint8_t b[4];
	int rc = get_hex_fixed(v, what, b, 4, err, errlen);

	if (rc)
		return rc;
	*out = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
	return 0;
}

/* Even-length hex of min..max bytes into out (room for max bytes). */
static int get_hex_var(const json_t *v, const char *what, uint8_t *out,
                       size_t min, size_t max, size_t *len, char *err,
                       size_t errlen)
{
	const char *s;
	size_t n;
	int rc = get_string(v, what, &s, &n, err, errlen);

	if (rc)
		return rc;
	if (n % 2)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: odd number of hex digits (%zu)", what, n);
	if (n / 2 > max)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "%s: %zu bytes, at most %zu allowed", what, n / 2,
		            max);
	if (n / 2 < min)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: %zu bytes, at least %zu needed", what, n / 2,
		            min);
	if (hex_decode(s, out, max) != (int)(n / 2))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: non-hex character at offset %zu", what,
		            hex_bad_at(s));
	*len = n / 2;
	return 0;
}

/* Like get_hex_var, into a fresh allocation the caller frees. */
static int get_hex_alloc(const json_t *v, const char *what, size_t max,
                         uint8_t **out, size_t *len, char *err, size_t errlen)
{
	const char *s;
	size_t n;
	uint8_t *p;
	int rc = get_string(v, what, &s, &n, err, errlen);

	if (rc)
		return rc;
	/* Size checks first so a hostile length never reaches malloc. */
	if (n % 2 == 0 && n / 2 > max)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "%s: %zu bytes, at most %zu allowed", what, n / 2,
		            max);
	p = malloc(n / 2 + 1);
	if (!p)
		return fail(err, errlen, TANDEM_ERR_NOMEM, "%s: out of memory",
		            what);
	rc = get_hex_var(v, what, p, 1, max, len, err, errlen);
	if (rc) {
		free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* A JSON integer in [min, max]. */
static int get_int(const json_t *v, const char *what, long long min,
                   long long max, long long *out, char *err, size_t errlen)
{
	long long x;

	if (!json_is_integer(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected an integer", what);
	x = json_integer_value(v);
	if (x < min || x > max)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "%s: %lld outside %lld..%lld", what, x, min, max);
	*out = x;
	return 0;
}

static int get_bool(const json_t *v, const char *what, int *out, char *err,
                    size_t errlen)
{
	if (!json_is_boolean(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected true or false", what);
	*out = json_is_true(v);
	return 0;
}

static int get_job_id(const json_t *v, const char *what, char *out, char *err,
                      size_t errlen)
{
	const char *s;
	size_t n;
	int rc = get_string(v, what, &s, &n, err, errlen);

	if (rc)
		return rc;
	if (!job_id_ok(s, n))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: must be 1..%u printable ASCII characters",
		            what, STRATUM_MAX_JOB_ID);
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* params must be an array of exactly n entries (or min..max). */
static int want_params(const json_t *p, const char *method, size_t min,
                       size_t max, char *err, size_t errlen)
{
	size_t n;

	if (!json_is_array(p))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: params must be an array", method);
	n = json_array_size(p);
	if (n < min || n > max) {
		if (min == max)
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "%s: expected %zu params, got %zu", method,
			            min, n);
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: expected %zu..%zu params, got %zu", method,
		            min, max, n);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Pool requests and notifications                                     */

static int parse_notify(const json_t *p, struct stratum_msg *m, char *err,
                        size_t errlen)
{
	struct stratum_notify *n = &m->u.notify;
	const json_t *br;
	uint8_t raw[32];
	size_t i;
	int rc;

	rc = want_params(p, "mining.notify", 9, 9, err, errlen);
	if (rc)
		return rc;
	rc = get_job_id(json_array_get(p, 0), "mining.notify: job_id",
	                n->job_id, err, errlen);
	if (rc)
		return rc;
	rc = get_hex_fixed(json_array_get(p, 1), "mining.notify: prevhash", raw,
	                   32, err, errlen);
	if (rc)
		return rc;
	/* Stratum swaps the bytes inside each 4-byte word; undo it. */
	for (i = 0; i < 32; i++)
		n->prevhash[i] = raw[(i & ~(size_t)3) + 3 - (i & 3)];
	rc = get_hex_alloc(json_array_get(p, 2), "mining.notify: coinb1",
	                   STRATUM_MAX_COINB, &n->coinb1, &n->coinb1_len, err,
	                   errlen);
	if (rc)
		return rc;
	rc = get_hex_alloc(json_array_get(p, 3), "mining.notify: coinb2",
	                   STRATUM_MAX_COINB, &n->coinb2, &n->coinb2_len, err,
	                   errlen);
	if (rc)
		return rc;
	br = json_array_get(p, 4);
	if (!json_is_array(br))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "mining.notify: merkle_branch: expected an array");
	if (json_array_size(br) > STRATUM_MAX_MERKLE)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "mining.notify: merkle_branch: %zu entries, at "
		            "most %u allowed",
		            json_array_size(br), STRATUM_MAX_MERKLE);
	for (i = 0; i < json_array_size(br); i++) {
		char what[64];

		snprintf(what, sizeof(what),
		         "mining.notify: merkle_branch[%zu]", i);
		rc = get_hex_fixed(json_array_get(br, i), what,
		                   n->merkle_branch[i], 32, err, errlen);
		if (rc)
			return rc;
	}
	n->merkle_count = json_array_size(br);
	rc = get_hex_u32(json_array_get(p, 5), "mining.notify: version",
	                 &n->version, err, errlen);
	if (rc)
		return rc;
	rc = get_hex_u32(json_array_get(p, 6), "mining.notify: nbits",
	                 &n->nbits, err, errlen);
	if (rc)
		return rc;
	rc = get_hex_u32(json_array_get(p, 7), "mining.notify: ntime",
	                 &n->ntime, err, errlen);
	if (rc)
		return rc;
	return get_bool(json_array_get(p, 8), "mining.notify: clean_jobs",
	                &n->clean_jobs, err, errlen);
}

static int parse_set_difficulty(const json_t *p, struct stratum_msg *m,
                                char *err, size_t errlen)
{
	const json_t *v;
	double d;
	int rc;

	rc = want_params(p, "mining.set_difficulty", 1, 1, err, errlen);
	if (rc)
		return rc;
	v = json_array_get(p, 0);
	if (!json_is_number(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "mining.set_difficulty: expected a number");
	d = json_number_value(v);
	if (!isfinite(d) || d <= 0)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "mining.set_difficulty: %g is not above 0", d);
	m->u.difficulty = d;
	return 0;
}

static int parse_set_extranonce(const json_t *p, struct stratum_msg *m,
                                char *err, size_t errlen)
{
	struct stratum_extranonce *e = &m->u.extranonce;
	long long size;
	int rc;

	rc = want_params(p, "mining.set_extranonce", 2, 2, err, errlen);
	if (rc)
		return rc;
	rc = get_hex_var(json_array_get(p, 0),
	                 "mining.set_extranonce: extranonce1", e->extranonce1,
	                 0, STRATUM_MAX_EXTRANONCE, &e->extranonce1_len, err,
	                 errlen);
	if (rc)
		return rc;
	rc = get_int(json_array_get(p, 1),
	             "mining.set_extranonce: extranonce2_size", 0,
	             STRATUM_MAX_EXTRANONCE, &size, err, errlen);
	if (rc)
		return rc;
	e->extranonce2_size = (unsigned)size;
	return 0;
}

static int parse_set_version_mask(const json_t *p, struct stratum_msg *m,
                                  char *err, size_t errlen)
{
	int rc = want_params(p, "mining.set_version_mask", 1, 1, err, errlen);

	if (rc)
		return rc;
	return get_hex_u32(json_array_get(p, 0), "mining.set_version_mask",
	                   &m->u.version_mask, err, errlen);
}

static int host_ok(const char *s, size_t n)
{
	size_t i;

	if (n > STRATUM_MAX_HOST)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		      c == '_' || c == ':' || c == '[' || c == ']'))
			return 0;
	}
	return 1;
}

/* client.reconnect [host[, port[, wait]]]; the port also comes as a
 * decimal string from some pools. */
static int parse_reconnect(const json_t *p, struct stratum_msg *m, char *err,
                           size_t errlen)
{
	struct stratum_reconnect *r = &m->u.reconnect;
	const json_t *v;
	const char *s;
	size_t n, i;
	long long x;
	int rc;

	if (!p || json_is_null(p))
		return 0;
	rc = want_params(p, "client.reconnect", 0, 3, err, errlen);
	if (rc)
		return rc;
	if (json_array_size(p) >= 1) {
		rc = get_string(json_array_get(p, 0), "client.reconnect: host",
		                &s, &n, err, errlen);
		if (rc)
			return rc;
		if (!host_ok(s, n))
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "client.reconnect: host is not a host "
			            "name or address");
		memcpy(r->host, s, n);
		r->host[n] = '\0';
	}
	if (json_array_size(p) >= 2) {
		v = json_array_get(p, 1);
		if (json_is_string(v)) {
			s = json_string_value(v);
			n = json_string_length(v);
			if (n == 0 || n > 5)
				return fail(err, errlen, TANDEM_ERR_PARSE,
				            "client.reconnect: port is not a "
				            "number");
			x = 0;
			for (i = 0; i < n; i++) {
				if (s[i] < '0' || s[i] > '9')
					return fail(err, errlen,
					            TANDEM_ERR_PARSE,
					            "client.reconnect: port "
					            "is not a number");
				x = x * 10 + (s[i] - '0');
			}
			if (x < 1 || x > 65535)
				return fail(err, errlen, TANDEM_ERR_RANGE,
				            "client.reconnect: port: %lld "
				            "outside 1..65535",
				            x);
		} else {
			rc = get_int(v, "client.reconnect: port", 1, 65535, &x,
			             err, errlen);
			if (rc)
				return rc;
		}
		r->port = (unsigned)x;
	}
	if (json_array_size(p) >= 3) {
		rc = get_int(json_array_get(p, 2), "client.reconnect: wait", 0,
		             STRATUM_MAX_WAIT, &x, err, errlen);
		if (rc)
			return rc;
		r->wait = (unsigned)x;
	}
	return 0;
}

static int parse_show_message(const json_t *p, struct stratum_msg *m, char *err,
                              size_t errlen)
{
	const char *s;
	size_t n;
	int rc = want_params(p, "client.show_message", 1, 1, err, errlen);

	if (rc)
		return rc;
	rc = get_string(json_array_get(p, 0), "client.show_message", &s, &n,
	                err, errlen);
	if (rc)
		return rc;
	copy_text(m->u.message, sizeof(m->u.message), s, n);
	return 0;
}

/* client.get_version and mining.ping carry no parameters: absent, null or
 * an array (whose content has no meaning and is ignored). */
static int parse_no_params(const json_t *p, struct stratum_msg *m, char *err,
                           size_t errlen)
{
	if (p && !json_is_null(p) && !json_is_array(p))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "%s: params must be an array", m->method);
	return 0;
}

/* Tandem extension, see struct stratum_aux_targets. */
static int parse_aux_targets(const json_t *p, struct stratum_msg *m, char *err,
                             size_t errlen)
{
	struct stratum_aux_targets *a = &m->u.aux;
	const json_t *list, *v;
	const char *s;
	size_t i, j, n;
	int rc;

	rc = want_params(p, "mining.set_aux_targets", 2, 2, err, errlen);
	if (rc)
		return rc;
	v = json_array_get(p, 0);
	if (!json_is_null(v)) {
		rc = get_job_id(v, "mining.set_aux_targets: job_id", a->job_id,
		                err, errlen);
		if (rc)
			return rc;
		a->has_job_id = 1;
	}
	list = json_array_get(p, 1);
	if (!json_is_array(list))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "mining.set_aux_targets: expected a list of "
		            "[name, target]");
	if (json_array_size(list) > STRATUM_MAX_AUX)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "mining.set_aux_targets: %zu entries, at most %u "
		            "allowed",
		            json_array_size(list), STRATUM_MAX_AUX);
	for (i = 0; i < json_array_size(list); i++) {
		struct stratum_aux_target *t = &a->entry[i];
		uint8_t be[32];
		char what[64];

		v = json_array_get(list, i);
		snprintf(what, sizeof(what), "mining.set_aux_targets[%zu]", i);
		rc = want_params(v, what, 2, 2, err, errlen);
		if (rc)
			return rc;
		rc = get_string(json_array_get(v, 0), what, &s, &n, err,
		                errlen);
		if (rc)
			return rc;
		if (!job_id_ok(s, n) || n > STRATUM_MAX_AUX_NAME)
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "%s: name must be 1..%u printable ASCII "
			            "characters",
			            what, STRATUM_MAX_AUX_NAME);
		memcpy(t->name, s, n);
		t->name[n] = '\0';
		rc = get_hex_fixed(json_array_get(v, 1), what, be, 32, err,
		                   errlen);
		if (rc)
			return rc;
		for (j = 0; j < 32; j++)
			t->target[j] = be[31 - j];
	}
	a->count = json_array_size(list);
	return 0;
}

struct method_entry {
	const char *name;
	enum stratum_kind kind;
	int (*parse)(const json_t *params, struct stratum_msg *m, char *err,
	             size_t errlen);
};

static const struct method_entry methods[] = {
        {"mining.notify", STRATUM_NOTIFY, parse_notify},
        {"mining.set_difficulty", STRATUM_SET_DIFFICULTY, parse_set_difficulty},
        {"mining.set_extranonce", STRATUM_SET_EXTRANONCE, parse_set_extranonce},
        {"mining.set_version_mask", STRATUM_SET_VERSION_MASK,
         parse_set_version_mask},
        {"client.reconnect", STRATUM_RECONNECT, parse_reconnect},
        {"client.show_message", STRATUM_SHOW_MESSAGE, parse_show_message},
        {"client.get_version", STRATUM_GET_VERSION, parse_no_params},
        {"mining.ping", STRATUM_PING, parse_no_params},
        {"mining.set_aux_targets", STRATUM_SET_AUX_TARGETS, parse_aux_targets},
};

/* ------------------------------------------------------------------ */
/* Responses                                                           */

/* error: [code, reason, traceback] (Stratum v1), {"code", "message"}
 * (JSON-RPC 2.0) or a bare string. */
static int parse_error(const json_t *e, struct stratum_response *r, char *err,
                       size_t errlen)
{
	const json_t *code = NULL, *reason = NULL;

	if (json_is_array(e)) {
		code = json_array_get(e, 0);
		reason = json_array_get(e, 1);
	} else if (json_is_object(e)) {
		code = json_object_get(e, "code");
		reason = json_object_get(e, "message");
	} else if (json_is_string(e)) {
		reason = e;
	} else {
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "response: error must be an array, object, "
		            "string or null");
	}
	if (code && !json_is_null(code)) {
		if (!json_is_integer(code))
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "response: error code must be an integer");
		r->code = json_integer_value(code);
	}
	if (reason && !json_is_null(reason)) {
		if (!json_is_string(reason))
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "response: error reason must be a string");
		copy_text(r->reason, sizeof(r->reason),
		          json_string_value(reason),
		          json_string_length(reason));
	}
	return 0;
}

static int parse_response(json_t *root, struct stratum_msg *m, char *err,
                          size_t errlen)
{
	struct stratum_response *r = &m->u.response;
	json_t *res = json_object_get(root, "result");
	const json_t *e = json_object_get(root, "error");
	int rc;

	if (!res && !e)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "neither a method nor a result or error");
	m->kind = STRATUM_RESPONSE;
	if (e && !json_is_null(e)) {
		r->is_error = 1;
		rc = parse_error(e, r, err, errlen);
		if (rc)
			return rc;
	}
	if (!res || json_is_null(res)) {
		r->result = STRATUM_RESULT_NULL;
	} else if (json_is_boolean(res)) {
		r->result = json_is_true(res) ? STRATUM_RESULT_TRUE
		                              : STRATUM_RESULT_FALSE;
	} else {
		r->result = STRATUM_RESULT_OTHER;
		r->result_json = json_incref(res);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */

void stratum_msg_free(struct stratum_msg *m)
{
	if (!m)
		return;
	if (m->kind == STRATUM_NOTIFY) {
		free(m->u.notify.coinb1);
		free(m->u.notify.coinb2);
	} else if (m->kind == STRATUM_RESPONSE) {
		json_decref((json_t *)m->u.response.result_json);
	}
	memset(m, 0, sizeof(*m));
}

static int parse_root(json_t *root, struct stratum_msg *m, char *err,
                      size_t errlen)
{
	const json_t *id, *method, *params;
	const char *name;
	size_t i, n;

	if (!json_is_object(root))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "line is not a JSON object");
	id = json_object_get(root, "id");
	if (id && !json_is_null(id)) {
		if (!json_is_integer(id))
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "id must be an integer or null");
		m->has_id = 1;
		m->id = json_integer_value(id);
	}
	method = json_object_get(root, "method");
	if (!method || json_is_null(method))
		return parse_response(root, m, err, errlen);
	if (!json_is_string(method))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "method must be a string");
	name = json_string_value(method);
	n = json_string_length(method);
	if (n == 0 || n > STRATUM_MAX_METHOD || strlen(name) != n)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "method name must be 1..%u characters",
		            STRATUM_MAX_METHOD);
	copy_text(m->method, sizeof(m->method), name, n);
	params = json_object_get(root, "params");
	for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		if (strcmp(name, methods[i].name) == 0) {
			m->kind = methods[i].kind;
			return methods[i].parse(params, m, err, errlen);
		}
	}
	m->kind = STRATUM_UNKNOWN_METHOD;
	return fail(err, errlen, TANDEM_ERR_UNSUPPORTED,
	            "unknown method \"%s\"", m->method);
}

int stratum_parse_line(const char *line, size_t len, struct stratum_msg *out,
                       char *err, size_t errlen)
{
	json_error_t je;
	json_t *root;
	const char *nul;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!out)
		return fail(err, errlen, TANDEM_ERR_INVAL, "no output message");
	memset(out, 0, sizeof(*out));
	if (!line)
		return fail(err, errlen, TANDEM_ERR_INVAL, "no line");
	if (len > STRATUM_MAX_LINE)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "line of %zu bytes exceeds the %u-byte limit", len,
		            STRATUM_MAX_LINE);
	if (len && line[len - 1] == '\n')
		len--;
	if (len && line[len - 1] == '\r')
		len--;
	nul = memchr(line, '\0', len);
	if (nul)
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "NUL byte at offset %zu", (size_t)(nul - line));
	if (len == 0)
		return fail(err, errlen, TANDEM_ERR_PARSE, "empty line");
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return fail(err, errlen,
		            json_error_code(&je) == json_error_out_of_memory
		                    ? TANDEM_ERR_NOMEM
		                    : TANDEM_ERR_PARSE,
		            "JSON: %s (column %d)", je.text, je.column);
	rc = parse_root(root, out, err, errlen);
	json_decref(root);
	if (rc < 0 && out->kind != STRATUM_UNKNOWN_METHOD)
		stratum_msg_free(out);
	return rc;
}

const char *stratum_kind_name(enum stratum_kind kind)
{
	switch (kind) {
	case STRATUM_NONE:
		return "none";
	case STRATUM_RESPONSE:
		return "response";
	case STRATUM_NOTIFY:
		return "notify";
	case STRATUM_SET_DIFFICULTY:
		return "set_difficulty";
	case STRATUM_SET_EXTRANONCE:
		return "set_extranonce";
	case STRATUM_SET_VERSION_MASK:
		return "set_version_mask";
	case STRATUM_RECONNECT:
		return "reconnect";
	case STRATUM_SHOW_MESSAGE:
		return "show_message";
	case STRATUM_GET_VERSION:
		return "get_version";
	case STRATUM_PING:
		return "ping";
	case STRATUM_SET_AUX_TARGETS:
		return "set_aux_targets";
	case STRATUM_UNKNOWN_METHOD:
		return "unknown_method";
	}
	return "invalid";
}

/* ------------------------------------------------------------------ */
/* Result decoders                                                     */

static const json_t *good_result(const struct stratum_msg *m, void *r,
                                 const char *what, char *err, size_t errlen)
{
	if (!m || !r) {
		fail(err, errlen, TANDEM_ERR_INVAL, "%s: no message", what);
		return NULL;
	}
	if (m->kind != STRATUM_RESPONSE || m->u.response.is_error ||
	    !m->u.response.result_json) {
		fail(err, errlen, TANDEM_ERR_INVAL,
		     "%s: not a successful response with a result", what);
		return NULL;
	}
	return m->u.response.result_json;
}

/* One subscription [method, id]. */
static int subscription(const json_t *s, struct stratum_subscribe_result *r,
                        int *have_notify, char *err, size_t errlen)
{
	const char *name, *id;
	size_t nn, ni, i;
	int rc;

	rc = want_params(s, "mining.subscribe result: subscription", 2, 2, err,
	                 errlen);
	if (rc)
		return rc;
	rc = get_string(json_array_get(s, 0),
	                "mining.subscribe result: subscription method", &name,
	                &nn, err, errlen);
	if (rc)
		return rc;
	rc = get_string(json_array_get(s, 1),
	                "mining.subscribe result: subscription id", &id, &ni,
	                err, errlen);
	if (rc)
		return rc;
	if (ni > STRATUM_MAX_SESSION)
		return fail(err, errlen, TANDEM_ERR_RANGE,
		            "mining.subscribe result: subscription id of %zu "
		            "characters, at most %u allowed",
		            ni, STRATUM_MAX_SESSION);
	for (i = 0; i < ni; i++)
		if (id[i] < 0x20 || id[i] > 0x7e)
			return fail(err, errlen, TANDEM_ERR_PARSE,
			            "mining.subscribe result: subscription "
			            "id is not printable ASCII");
	if (*have_notify)
		return 0;
	if (strcmp(name, "mining.notify") == 0 || r->session[0] == '\0') {
		memcpy(r->session, id, ni);
		r->session[ni] = '\0';
		*have_notify = strcmp(name, "mining.notify") == 0;
	}
	return 0;
}

int stratum_result_subscribe(const struct stratum_msg *m,
                             struct stratum_subscribe_result *r, char *err,
                             size_t errlen)
{
	const json_t *res = good_result(m, r, "mining.subscribe", err, errlen);
	const json_t *subs;
	long long size;
	size_t i;
	int have_notify = 0, rc;

	if (!res)
		return TANDEM_ERR_INVAL;
	memset(r, 0, sizeof(*r));
	rc = want_params(res, "mining.subscribe result", 3, 3, err, errlen);
	if (rc)
		return rc;
	subs = json_array_get(res, 0);
	if (json_is_array(subs) && json_array_size(subs) > 0 &&
	    json_is_string(json_array_get(subs, 0))) {
		/* One flat pair: ["mining.notify", "id"]. */
		rc = subscription(subs, r, &have_notify, err, errlen);
		if (rc)
			return rc;
	} else if (json_is_array(subs)) {
		for (i = 0; i < json_array_size(subs); i++) {
			rc = subscription(json_array_get(subs, i), r,
			                  &have_notify, err, errlen);
			if (rc)
				return rc;
		}
	} else if (!json_is_null(subs)) {
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "mining.subscribe result: subscriptions must be "
		            "an array");
	}
	rc = get_hex_var(json_array_get(res, 1),
	                 "mining.subscribe result: extranonce1", r->extranonce1,
	                 0, STRATUM_MAX_EXTRANONCE, &r->extranonce1_len, err,
	                 errlen);
	if (rc)
		return rc;
	rc = get_int(json_array_get(res, 2),
	             "mining.subscribe result: extranonce2_size", 0,
	             STRATUM_MAX_EXTRANONCE, &size, err, errlen);
	if (rc)
		return rc;
	r->extranonce2_size = (unsigned)size;
	return 0;
}

/* An extension's answer: true, false or a refusal reason string. */
static int ext_flag(const json_t *res, const char *key, int *out, char *err,
                    size_t errlen)
{
	const json_t *v = json_object_get(res, key);

	*out = 0;
	if (!v || json_is_null(v) || json_is_string(v))
		return 0;
	if (!json_is_boolean(v))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "mining.configure result: %s must be a boolean "
		            "or a reason",
		            key);
	*out = json_is_true(v);
	return 0;
}

int stratum_result_configure(const struct stratum_msg *m,
                             struct stratum_configure_result *r, char *err,
                             size_t errlen)
{
	const json_t *res = good_result(m, r, "mining.configure", err, errlen);
	int rc;

	if (!res)
		return TANDEM_ERR_INVAL;
	memset(r, 0, sizeof(*r));
	if (!json_is_object(res))
		return fail(err, errlen, TANDEM_ERR_PARSE,
		            "mining.configure result: expected an object");
	rc = ext_flag(res, "version-rolling", &r->version_rolling, err, errlen);
	if (rc)
		return rc;
	if (r->version_rolling) {
		rc = get_hex_u32(json_object_get(res, "version-rolling.mask"),
		                 "mining.configure result: "
		                 "version-rolling.mask",
		                 &r->version_mask, err, errlen);
		if (rc)
			return rc;
	}
	rc = ext_flag(res, "minimum-difficulty", &r->minimum_difficulty, err,
	              errlen);
	if (rc)
		return rc;
	rc = ext_flag(res, "subscribe-extranonce", &r->subscribe_extranonce,
	              err, errlen);
	if (rc)
		return rc;
	/* docs/stratum-extensions.md: anything but true turns it off. */
	r->aux_targets =
	        json_is_true(json_object_get(res, STRATUM_EXT_AUX_TARGETS));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formatters                                                          */

/* Serialise obj (consumed) as one line. obj NULL means building it failed,
 * with the reason in *je. */
static int emit(json_t *obj, const json_error_t *je, char *buf, size_t cap)
{
	size_t n;

	if (!obj)
		return je ? json_code(je) : TANDEM_ERR_NOMEM;
	if (!buf) {
		json_decref(obj);
		return TANDEM_ERR_INVAL;
	}
	n = json_dumpb(obj, buf, cap, JSON_COMPACT);
	json_decref(obj);
	if (n == 0)
		return TANDEM_ERR_NOMEM;
	if (n + 2 > cap || n + 1 > STRATUM_MAX_LINE) {
		if (cap)
			buf[0] = '\0';
		return TANDEM_ERR_RANGE;
	}
	buf[n] = '\n';
	buf[n + 1] = '\0';
	return (int)(n + 1);
}

/* A request {"id":id,"method":method,"params":params}; params consumed. */
static int request(char *buf, size_t cap, uint32_t id, const char *method,
                   json_t *params)
{
	json_error_t je;
	json_t *obj;

	if (!params)
		return TANDEM_ERR_NOMEM;
	obj = json_pack_ex(&je, 0, "{s:I,s:s,s:o}", "id", (json_int_t)id,
	                   "method", method, "params", params);
	return emit(obj, &je, buf, cap);
}

/* Integral difficulties go out as JSON integers (512, not 512.0). */
static json_t *json_difficulty(double d)
{
	if (d == floor(d) && d <= 9007199254740992.0)
		return json_integer((json_int_t)d);
	return json_real(d);
}

int stratum_format_subscribe(char *buf, size_t cap, uint32_t id,
                             const char *agent, const char *session)
{
	json_error_t je;
	json_t *p;

	if (!agent)
		return TANDEM_ERR_INVAL;
	if (session && session[0])
		p = json_pack_ex(&je, 0, "[s,s]", agent, session);
	else
		p = json_pack_ex(&je, 0, "[s]", agent);
	if (!p)
		return json_code(&je);
	return request(buf, cap, id, "mining.subscribe", p);
}

int stratum_format_configure(char *buf, size_t cap, uint32_t id,
                             const struct stratum_configure_req *req)
{
	json_t *names, *opts, *p;
	char mask[9];
	int bad = 0;

	if (!req ||
	    !(req->version_rolling || req->minimum_difficulty ||
	      req->subscribe_extranonce || req->aux_targets) ||
	    req->version_min_bit_count > 32)
		return TANDEM_ERR_INVAL;
	if (req->minimum_difficulty &&
	    !(isfinite(req->minimum_difficulty_value) &&
	      req->minimum_difficulty_value > 0))
		return TANDEM_ERR_RANGE;
	names = json_array();
	opts = json_object();
	p = json_array();
	if (!names || !opts || !p) {
		json_decref(names);
		json_decref(opts);
		json_decref(p);
		return TANDEM_ERR_NOMEM;
	}
	if (req->version_rolling) {
		u32_hex(req->version_mask, mask);
		bad |= json_array_append_new(names,
		                             json_string("version-rolling"));
		bad |= json_object_set_new(opts, "version-rolling.mask",
		                           json_string(mask));
		bad |= json_object_set_new(
		        opts, "version-rolling.min-bit-count",
		        json_integer(req->version_min_bit_count));
	}
	if (req->minimum_difficulty) {
		bad |= json_array_append_new(names,
		                             json_string("minimum-difficulty"));
		bad |= json_object_set_new(
		        opts, "minimum-difficulty.value",
		        json_difficulty(req->minimum_difficulty_value));
	}
	if (req->subscribe_extranonce)
		bad |= json_array_append_new(
		        names, json_string("subscribe-extranonce"));
	if (req->aux_targets) /* no parameters */
		bad |= json_array_append_new(
		        names, json_string(STRATUM_EXT_AUX_TARGETS));
	bad |= json_array_append_new(p, names);
	bad |= json_array_append_new(p, opts);
	if (bad) {
		json_decref(p);
		return TANDEM_ERR_NOMEM;
	}
	return request(buf, cap, id, "mining.configure", p);
}

int stratum_format_authorize(char *buf, size_t cap, uint32_t id,
                             const char *user, const char *password)
{
	json_error_t je;
	json_t *p;

	if (!user)
		return TANDEM_ERR_INVAL;
	p = json_pack_ex(&je, 0, "[s,s]", user, password ? password : "");
	if (!p)
		return json_code(&je);
	return request(buf, cap, id, "mining.authorize", p);
}

int stratum_format_submit(char *buf, size_t cap, uint32_t id,
                          const struct stratum_submit *s)
{
	char en2[2 * STRATUM_MAX_EXTRANONCE + 1], ntime[9], nonce[9], vb[9];
	json_error_t je;
	json_t *p;

	if (!s || !s->user || !s->job_id ||
	    !job_id_ok(s->job_id, strlen(s->job_id)) ||
	    s->extranonce2_len > STRATUM_MAX_EXTRANONCE ||
	    (s->extranonce2_len && !s->extranonce2))
		return TANDEM_ERR_INVAL;
	hex_encode(s->extranonce2, s->extranonce2_len, en2, sizeof(en2));
	u32_hex(s->ntime, ntime);
	u32_hex(s->nonce, nonce);
	if (s->has_version_bits) {
		u32_hex(s->version_bits, vb);
		p = json_pack_ex(&je, 0, "[s,s,s,s,s,s]", s->user, s->job_id,
		                 en2, ntime, nonce, vb);
	} else {
		p = json_pack_ex(&je, 0, "[s,s,s,s,s]", s->user, s->job_id, en2,
		                 ntime, nonce);
	}
	if (!p)
		return json_code(&je);
	return request(buf, cap, id, "mining.submit", p);
}

int stratum_format_suggest_difficulty(char *buf, size_t cap, uint32_t id,
                                      double diff)
{
	json_t *p;

	if (!isfinite(diff) || diff <= 0)
		return TANDEM_ERR_RANGE;
	p = json_array();
	if (!p)
		return TANDEM_ERR_NOMEM;
	if (json_array_append_new(p, json_difficulty(diff))) {
		json_decref(p);
		return TANDEM_ERR_NOMEM;
	}
	return request(buf, cap, id, "mining.suggest_difficulty", p);
}

int stratum_format_extranonce_subscribe(char *buf, size_t cap, uint32_t id)
{
	return request(buf, cap, id, "mining.extranonce.subscribe",
	               json_array());
}

int stratum_format_pong(char *buf, size_t cap, long long id)
{
	json_error_t je;

	return emit(json_pack_ex(&je, 0, "{s:I,s:s,s:n}", "id", (json_int_t)id,
	                         "result", "pong", "error"),
	            &je, buf, cap);
}

int stratum_format_version(char *buf, size_t cap, long long id,
                           const char *version)
{
	json_error_t je;

	if (!version)
		return TANDEM_ERR_INVAL;
	return emit(json_pack_ex(&je, 0, "{s:I,s:s,s:n}", "id", (json_int_t)id,
	                         "result", version, "error"),
	            &je, buf, cap);
}

int stratum_format_error(char *buf, size_t cap, long long id, int code,
                         const char *reason)
{
	json_error_t je;

	if (!reason)
		return TANDEM_ERR_INVAL;
	return emit(json_pack_ex(&je, 0, "{s:I,s:n,s:[i,s,n]}", "id",
	                         (json_int_t)id, "result", "error", code,
	                         reason),
	            &je, buf, cap);
}
