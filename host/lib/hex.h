/* Strict hex <-> bytes conversion. Hex text is read two digits per byte,
 * first digit high nibble, upper or lower case; anything else (an odd
 * length, a non-hex character, a space, a "0x" prefix) is a parse error.
 * The "_rev" variants reverse the byte order, for the Bitcoin display
 * order of hashes (display hex <-> internal bytes). */
#ifndef TANDEM_HEX_H
#define TANDEM_HEX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Decodes the NUL-terminated hex string s into out[0..cap).
 * Returns the byte count, TANDEM_ERR_PARSE (odd length, bad digit) or
 * TANDEM_ERR_RANGE (more than cap bytes). s == NULL is TANDEM_ERR_INVAL. */
int hex_decode(const char *s, uint8_t *out, size_t cap);
/* As hex_decode, but s must hold exactly n bytes (2n digits), else
 * TANDEM_ERR_PARSE. Returns 0. */
int hex_decode_exact(const char *s, uint8_t *out, size_t n);
/* As hex_decode_exact, storing the bytes in reverse order: out[n-1] is
 * the first byte of the text (display hex -> internal order). */
int hex_decode_rev(const char *s, uint8_t *out, size_t n);

/* Writes 2n lower-case digits and a NUL into out[0..cap). Returns 2n, or
 * TANDEM_ERR_RANGE when cap < 2n + 1. */
int hex_encode(const uint8_t *in, size_t n, char *out, size_t cap);
/* As hex_encode, reading in[] from its last byte to its first
 * (internal order -> display hex). */
int hex_encode_rev(const uint8_t *in, size_t n, char *out, size_t cap);

/* Parses 1..8 hex digits as a big-endian uint32 (Stratum / RPC numbers
 * such as "1d00ffff"). Returns 0 or TANDEM_ERR_PARSE. */
int hex_u32(const char *s, uint32_t *v);

/* Reverses p[0..n) in place. */
void hex_reverse(uint8_t *p, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_HEX_H */
