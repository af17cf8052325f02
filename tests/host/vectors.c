/* Shared helpers for the host tests (see vectors.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"
#include "vectors.h"

json_t *vec_load(const char *name)
{
	const char *dir = getenv("TANDEM_VECTORS");
	char path[1024];
	json_error_t err;
	json_t *root;

	if (!dir || !*dir)
		dir = "tests/vectors";
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	root = json_load_file(path, 0, &err);
	if (!root)
		fail_msg("cannot load %s: %s (line %d)", path, err.text,
		         err.line);
	return root;
}

json_t *vec_get(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!v)
		fail_msg("%s: field %s missing", vec_id(obj), key);
	return v;
}

json_t *vec_array(const json_t *obj, const char *key, size_t *count)
{
	json_t *v = vec_get(obj, key);

	if (!json_is_array(v))
		fail_msg("%s: field %s is not an array", vec_id(obj), key);
	if (count)
		*count = json_array_size(v);
	return v;
}

const char *vec_str(const json_t *obj, const char *key)
{
	json_t *v = vec_get(obj, key);

	if (!json_is_string(v))
		fail_msg("%s: field %s is not a string", vec_id(obj), key);
	return json_string_value(v);
}

long long vec_int(const json_t *obj, const char *key)
{
	json_t *v = vec_get(obj, key);

	if (!json_is_integer(v))
		fail_msg("%s: field %s is not an integer", vec_id(obj), key);
	return (long long)json_integer_value(v);
}

size_t vec_hex(const json_t *obj, const char *key, uint8_t *out, size_t cap)
{
	int n = hex_decode(vec_str(obj, key), out, cap);

	if (n < 0)
		fail_msg("%s: field %s is not hex of <= %zu bytes (%d)",
		         vec_id(obj), key, cap, n);
	return (size_t)n;
}

uint8_t *vec_hex_alloc(const json_t *obj, const char *key, size_t *len)
{
	const char *s = vec_str(obj, key);
	size_t cap = strlen(s) / 2 + 1;
	uint8_t *buf = malloc(cap);
	int n;

	if (!buf)
		fail_msg("out of memory");
	n = hex_decode(s, buf, cap);
	if (n < 0)
		fail_msg("%s: field %s is not hex (%d)", vec_id(obj), key, n);
	*len = (size_t)n;
	return buf;
}

void vec_hex_n(const json_t *obj, const char *key, uint8_t *out, size_t n,
               int rev)
{
	const char *s = vec_str(obj, key);
	int rc = rev ? hex_decode_rev(s, out, n) : hex_decode_exact(s, out, n);

	if (rc < 0)
		fail_msg("%s: field %s is not %zu bytes of hex", vec_id(obj),
		         key, n);
}

uint32_t vec_u32_hex(const json_t *obj, const char *key)
{
	uint32_t v = 0;

	if (hex_u32(vec_str(obj, key), &v) < 0)
		fail_msg("%s: field %s is not a hex u32", vec_id(obj), key);
	return v;
}

const char *vec_id(const json_t *obj)
{
	json_t *v = json_object_get(obj, "id");

	return json_is_string(v) ? json_string_value(v) : "?";
}
