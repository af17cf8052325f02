/* Transport registry: device-string parsing and dispatch to the ops
 * tables (see transport.h). */
#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boards.h"
#include "tandem_err.h"

const struct transport_ops *const transport_table[] = {
        &transport_sim_ops,
        &transport_cpu_ops,
        &transport_ftdi_ops,
        &transport_usb_ops,
        NULL,
};

static int hex16(const char *s, size_t n, uint16_t *v)
{
	unsigned long x = 0;
	size_t i;

	if (n == 0 || n > 4)
		return TANDEM_ERR_PARSE;
	for (i = 0; i < n; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return TANDEM_ERR_PARSE;
		x = x * 16 + (unsigned long)d;
	}
	*v = (uint16_t)x;
	return 0;
}

int transport_parse_vidpid(const char *s, uint16_t *vid, uint16_t *pid)
{
	const char *p = s;
	size_t n;

	if (strncmp(p, "0x", 2) == 0)
		p += 2;
	n = strcspn(p, ":");
	if (p[n] != ':' || hex16(p, n, vid) < 0)
		return TANDEM_ERR_PARSE;
	p += n + 1;
	if (strncmp(p, "0x", 2) == 0)
		p += 2;
	n = strcspn(p, ":");
	if (hex16(p, n, pid) < 0)
		return TANDEM_ERR_PARSE;
	return (int)(p + n - s);
}

/* Splits "name:arg" and finds the ops; boards resolve first. */
static int resolve(const char *spec, const struct transport_ops **ops,
                   char *arg, size_t argcap, char *err, size_t errlen)
{
	const struct board *b = boards_find(spec);
	char buf[300];
	size_t n;
	int i;

	if (b) {
		if (boards_device_string(b, buf, sizeof(buf)) < 0)
			return TANDEM_ERR_RANGE;
		spec = buf;
	}
	n = strcspn(spec, ":");
	for (i = 0; transport_table[i]; i++) {
		if (strlen(transport_table[i]->name) == n &&
		    strncmp(spec, transport_table[i]->name, n) == 0) {
			const char *a = spec[n] == ':' ? spec + n + 1 : "";

			if (strlen(a) >= argcap) {
				snprintf(err, errlen, "device string too long");
				return TANDEM_ERR_RANGE;
			}
			snprintf(arg, argcap, "%s", a);
			*ops = transport_table[i];
			return 0;
		}
	}
	snprintf(err, errlen,
	         "unknown device '%s' (expected sim, sim:PATH, cpu[:RATE], "
	         "ftdi:VID:PID[:SERIAL][:IFACE], usb:VID:PID[:SERIAL] or a "
	         "board name; see tandem list --boards)",
	         spec);
	return TANDEM_ERR_PARSE;
}

int transport_open(const char *spec, const struct transport_opts *o,
                   struct transport **out, char *err, size_t errlen)
{
	const struct transport_ops *ops;
	char arg[300];
	int rc = resolve(spec, &ops, arg, sizeof(arg), err, errlen);

	if (rc < 0)
		return rc;
	return ops->open(arg, o, out, err, errlen);
}

/* Syntax only: each transport's open does the full parse, so here the
 * common forms are checked the same way they will be parsed. */
int transport_check(const char *spec, char *err, size_t errlen)
{
	const struct transport_ops *ops;
	char arg[300];
	uint16_t vid, pid;
	int rc = resolve(spec, &ops, arg, sizeof(arg), err, errlen);

	if (rc < 0)
		return rc;
	if (strcmp(ops->name, "cpu") == 0 && arg[0]) {
		char *end;
		double r = strtod(arg, &end);

		if (*end || r < 0) {
			snprintf(err, errlen, "bad cpu rate '%s'", arg);
			return TANDEM_ERR_PARSE;
		}
	}
	if (strcmp(ops->name, "ftdi") == 0 || strcmp(ops->name, "usb") == 0) {
		if (transport_parse_vidpid(arg, &vid, &pid) < 0) {
			snprintf(err, errlen, "bad VID:PID in '%s'", spec);
			return TANDEM_ERR_PARSE;
		}
	}
	return 0;
}
