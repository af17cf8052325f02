/* Strict hex <-> bytes conversion (see hex.h). */
#include <string.h>

#include "hex.h"
#include "tandem_err.h"

/* Longest hex text looked at: far more than any Stratum or vector field,
 * and a bound for strnlen. */
#define HEX_MAX_CHARS ((size_t)1 << 26)

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes len digits into out, forward or reversed. */
static int decode(const char *s, size_t len, uint8_t *out, int rev)
{
	size_t n = len / 2, i;

	for (i = 0; i < n; i++) {
		int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return TANDEM_ERR_PARSE;
		out[rev ? n - 1 - i : i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int hex_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t len;
	int rc;

	if (!s)
		return TANDEM_ERR_INVAL;
	len = strnlen(s, HEX_MAX_CHARS + 1);
	if (len > HEX_MAX_CHARS)
		return TANDEM_ERR_RANGE;
	if (len % 2)
		return TANDEM_ERR_PARSE;
	if (len / 2 > cap)
		return TANDEM_ERR_RANGE;
	rc = decode(s, len, out, 0);
	return rc < 0 ? rc : (int)(len / 2);
}

static int decode_exact(const char *s, uint8_t *out, size_t n, int rev)
{
	if (!s)
		return TANDEM_ERR_INVAL;
	if (n > HEX_MAX_CHARS / 2 || strnlen(s, 2 * n + 1) != 2 * n)
		return TANDEM_ERR_PARSE;
	return decode(s, 2 * n, out, rev);
}

int hex_decode_exact(const char *s, uint8_t *out, size_t n)
{
	return decode_exact(s, out, n, 0);
}

int hex_decode_rev(const char *s, uint8_t *out, size_t n)
{
	return decode_exact(s, out, n, 1);
}

static int encode(const uint8_t *in, size_t n, char *out, size_t cap, int rev)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (n > HEX_MAX_CHARS / 2 || cap < 2 * n + 1)
		return TANDEM_ERR_RANGE;
	for (i = 0; i < n; i++) {
		uint8_t b = in[rev ? n - 1 - i : i];

		out[2 * i] = digits[b >> 4];
		out[2 * i + 1] = digits[b & 15];
	}
	out[2 * n] = '\0';
	return (int)(2 * n);
}

int hex_encode(const uint8_t *in, size_t n, char *out, size_t cap)
{
	return encode(in, n, out, cap, 0);
}

int hex_encode_rev(const uint8_t *in, size_t n, char *out, size_t cap)
{
	return encode(in, n, out, cap, 1);
}

int hex_u32(const char *s, uint32_t *v)
{
	uint32_t x = 0;
	size_t len, i;

	if (!s)
		return TANDEM_ERR_INVAL;
	len = strnlen(s, 9);
	if (len < 1 || len > 8)
		return TANDEM_ERR_PARSE;
	for (i = 0; i < len; i++) {
		int d = nibble(s[i]);

		if (d < 0)
			return TANDEM_ERR_PARSE;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return 0;
}

void hex_reverse(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n / 2; i++) {
		uint8_t t = p[i];

		p[i] = p[n - 1 - i];
		p[n - 1 - i] = t;
	}
}
