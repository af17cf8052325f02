/* Shared helpers for the host tests: load a vector file from
 * tests/vectors/ with jansson and read its fields. Every getter fails the
 * running cmocka test when the field is missing or malformed, so a broken
 * vector file can never pass silently. */
#ifndef TANDEM_TEST_VECTORS_H
#define TANDEM_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Loads tests/vectors/<name> (the directory can be overridden with the
 * TANDEM_VECTORS environment variable). Fails the test on error. The
 * caller json_decref()s the result. */
json_t *vec_load(const char *name);

/* Member of an object; fails when absent. */
json_t *vec_get(const json_t *obj, const char *key);
/* Array member (fails unless an array) and its size. */
json_t *vec_array(const json_t *obj, const char *key, size_t *count);
/* String member; fails unless a string. */
const char *vec_str(const json_t *obj, const char *key);
/* Integer member; fails unless an integer. */
long long vec_int(const json_t *obj, const char *key);
/* Hex string member decoded into out[0..cap); returns the byte count. */
size_t vec_hex(const json_t *obj, const char *key, uint8_t *out, size_t cap);
/* Hex string member decoded into a malloc'd buffer (free() it); *len gets
 * the byte count. An empty string gives a 1-byte buffer and *len 0. */
uint8_t *vec_hex_alloc(const json_t *obj, const char *key, size_t *len);
/* Hex string member of exactly n bytes; rev stores it reversed
 * (display order -> internal order). */
void vec_hex_n(const json_t *obj, const char *key, uint8_t *out, size_t n,
               int rev);
/* Big-endian hex number member such as nbits "1d00ffff". */
uint32_t vec_u32_hex(const json_t *obj, const char *key);
/* The id member, for messages ("?" if there is none). */
const char *vec_id(const json_t *obj);

#endif /* TANDEM_TEST_VECTORS_H */
