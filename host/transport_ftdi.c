/* ftdi transport (libftdi1): a board's FTDI converter as a UART at a set
 * baud, or in FT245 synchronous FIFO mode.
 *   ftdi:VID:PID[:SERIAL][:IFACE][:BAUD|:fifo]
 * IFACE is A..D (default A); BAUD defaults to 3000000 (--baud overrides).
 * libftdi reads are blocking USB transfers, so one reader thread per
 * device copies bytes into a socket pair the event loop polls; writes go
 * out from the loop thread (libusb allows the two directions at once). */
#include <errno.h>
#include <ftdi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "tandem_err.h"
#include "transport.h"
#include "transport_io.h"

#define FTDI_DEFAULT_BAUD 3000000u

struct tftdi {
	struct transport base;
	struct ftdi_context *ftdi;
	uint16_t vid, pid;
	char serial[64];
	char iface;
	unsigned baud;
	int fifo;
	int fd;        /* loop side of the socket pair */
	int thread_fd; /* reader-thread side */
	pthread_t reader;
	int reader_running;
	volatile int stop;
	volatile int failed;
};

/* Splits the argument after VID:PID into serial, interface and mode. */
static int parse_arg(struct tftdi *t, const char *arg, char *err, size_t errlen)
{
	char rest[256];
	char *field[3] = {NULL, NULL, NULL};
	char *p;
	int n = transport_parse_vidpid(arg, &t->vid, &t->pid);
	int i;

	if (n < 0) {
		snprintf(err, errlen, "bad VID:PID in 'ftdi:%s'", arg);
		return TANDEM_ERR_PARSE;
	}
	t->iface = 'A';
	if (!arg[n])
		return 0;
	snprintf(rest, sizeof(rest), "%s", arg + n + 1);
	p = rest;
	for (i = 0; i < 3 && p; i++) {
		field[i] = p;
		p = strchr(p, ':');
		if (p)
			*p++ = '\0';
	}
	if (p) {
		snprintf(err, errlen, "too many fields in 'ftdi:%s'", arg);
		return TANDEM_ERR_PARSE;
	}
	if (field[0])
		snprintf(t->serial, sizeof(t->serial), "%s", field[0]);
	if (field[1] && field[1][0]) {
		char c = field[1][0];

		if (c >= 'a' && c <= 'd')
			c = (char)(c - 'a' + 'A');
		if (field[1][1] || c < 'A' || c > 'D') {
			snprintf(err, errlen,
			         "FTDI interface must be A..D, not "
			         "'%s'",
			         field[1]);
			return TANDEM_ERR_PARSE;
		}
		t->iface = c;
	}
	if (field[2] && field[2][0]) {
		if (strcmp(field[2], "fifo") == 0) {
			t->fifo = 1;
		} else {
			char *end;
			unsigned long b = strtoul(field[2], &end, 10);

			if (*end || b < 300 || b > 12000000) {
				snprintf(err, errlen, "bad baud '%s'",
				         field[2]);
				return TANDEM_ERR_PARSE;
			}
			t->baud = (unsigned)b;
		}
	}
	return 0;
}

static void *reader_main(void *arg)
{
	struct tftdi *t = arg;
	unsigned char buf[4096];

	while (!t->stop) {
		int n = ftdi_read_data(t->ftdi, buf, sizeof(buf));

		if (n < 0) {
			t->failed = 1;
			break;
		}
		if (n > 0) {
			size_t off = 0;

			while (off < (size_t)n && !t->stop) {
				ssize_t k = write(t->thread_fd, buf + off,
				                  (size_t)n - off);

				if (k < 0 && errno == EINTR)
					continue;
				if (k < 0) {
					t->failed = 1;
					break;
				}
				off += (size_t)k;
			}
		}
	}
	/* EOF on the loop side tells the device manager the link is gone. */
	shutdown(t->thread_fd, SHUT_WR);
	return NULL;
}

static void ftdi_down(struct tftdi *t)
{
	if (t->reader_running) {
		t->stop = 1;
		pthread_join(t->reader, NULL);
		t->reader_running = 0;
	}
	if (t->ftdi) {
		ftdi_usb_close(t->ftdi);
		ftdi_free(t->ftdi);
		t->ftdi = NULL;
	}
	if (t->fd >= 0)
		close(t->fd);
	if (t->thread_fd >= 0)
		close(t->thread_fd);
	t->fd = t->thread_fd = -1;
}

static int ftdi_up(struct tftdi *t, char *err, size_t errlen)
{
	int sv[2];
	int rc;

	t->stop = 0;
	t->failed = 0;
	t->ftdi = ftdi_new();
	if (!t->ftdi) {
		snprintf(err, errlen, "ftdi_new failed");
		return TANDEM_ERR_NOMEM;
	}
	rc = ftdi_set_interface(
	        t->ftdi, (enum ftdi_interface)(INTERFACE_A + (t->iface - 'A')));
	if (rc == 0)
		rc = ftdi_usb_open_desc(t->ftdi, t->vid, t->pid, NULL,
		                        t->serial[0] ? t->serial : NULL);
	if (rc < 0) {
		snprintf(err, errlen,
		         "cannot open FTDI %04x:%04x%s%s "
		         "interface %c: %s",
		         t->vid, t->pid, t->serial[0] ? " serial " : "",
		         t->serial, t->iface, ftdi_get_error_string(t->ftdi));
		goto fail;
	}
	if (t->fifo) {
		/* FT245 synchronous FIFO: the FPGA clocks bytes on CLKOUT. */
		rc = ftdi_set_bitmode(t->ftdi, 0xff, BITMODE_RESET);
		if (rc == 0)
			rc = ftdi_set_bitmode(t->ftdi, 0xff, BITMODE_SYNCFF);
		if (rc == 0)
			rc = ftdi_setflowctrl(t->ftdi, SIO_RTS_CTS_HS);
	} else {
		rc = ftdi_set_bitmode(t->ftdi, 0x00, BITMODE_RESET);
		if (rc == 0)
			rc = ftdi_set_baudrate(t->ftdi, (int)t->baud);
		if (rc == 0)
			rc = ftdi_set_line_property(t->ftdi, BITS_8, STOP_BIT_1,
			                            NONE);
		if (rc == 0)
			rc = ftdi_setflowctrl(t->ftdi, SIO_DISABLE_FLOW_CTRL);
	}
	if (rc == 0)
		rc = ftdi_set_latency_timer(t->ftdi, 2);
	if (rc == 0)
		rc = ftdi_tcioflush(t->ftdi);
	if (rc < 0) {
		snprintf(err, errlen, "FTDI setup failed: %s",
		         ftdi_get_error_string(t->ftdi));
		goto fail;
	}
	/* Reads return within the latency timer, so the reader can stop. */
	t->ftdi->usb_read_timeout = 100;
	t->ftdi->usb_write_timeout = 1000;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		snprintf(err, errlen, "socketpair failed");
		goto fail;
	}
	t->fd = sv[0];
	t->thread_fd = sv[1];
	if (tio_nonblock(t->fd) < 0)
		goto fail;
	if (pthread_create(&t->reader, NULL, reader_main, t) != 0) {
		snprintf(err, errlen, "cannot start the FTDI reader thread");
		goto fail;
	}
	t->reader_running = 1;
	log_info("ftdi", "opened %04x:%04x interface %c, %s", t->vid, t->pid,
	         t->iface, t->fifo ? "FT245 sync FIFO" : "UART");
	return 0;
fail:
	ftdi_down(t);
	return TANDEM_ERR_IO;
}

static int tftdi_open(const char *arg, const struct transport_opts *o,
                      struct transport **out, char *err, size_t errlen)
{
	struct tftdi *t = calloc(1, sizeof(*t));
	int rc;

	if (!t)
		return TANDEM_ERR_NOMEM;
	t->base.ops = &transport_ftdi_ops;
	t->fd = t->thread_fd = -1;
	t->baud = o && o->baud ? o->baud : FTDI_DEFAULT_BAUD;
	rc = parse_arg(t, arg, err, errlen);
	if (rc == 0 && o && o->baud)
		t->baud = o->baud;
	if (rc == 0)
		rc = ftdi_up(t, err, errlen);
	if (rc < 0) {
		free(t);
		return rc;
	}
	*out = &t->base;
	return 0;
}

static int tftdi_reconnect(struct transport *base, char *err, size_t errlen)
{
	struct tftdi *t = (struct tftdi *)base;

	ftdi_down(t);
	return ftdi_up(t, err, errlen);
}

static int tftdi_write(struct transport *base, const uint8_t *buf, size_t n)
{
	struct tftdi *t = (struct tftdi *)base;
	int k;

	if (!t->ftdi || t->failed)
		return TANDEM_ERR_IO;
	k = ftdi_write_data(t->ftdi, buf, (int)n);
	return k < 0 ? TANDEM_ERR_IO : k;
}

static int tftdi_read(struct transport *base, uint8_t *buf, size_t cap)
{
	struct tftdi *t = (struct tftdi *)base;

	return t->fd < 0 ? TANDEM_ERR_IO : tio_read(t->fd, buf, cap);
}

static int tftdi_pollfds(struct transport *base, struct pollfd *fds, int max,
                         int want_write, int *timeout_ms)
{
	struct tftdi *t = (struct tftdi *)base;

	/* Writes never wait for POLLOUT: ftdi_write_data is synchronous. */
	return tio_pollfd(t->fd, fds, max, 0);
}

static void tftdi_describe(struct transport *base, char *buf, size_t n)
{
	struct tftdi *t = (struct tftdi *)base;

	snprintf(buf, n, "FTDI %04x:%04x%s%s interface %c, %s", t->vid, t->pid,
	         t->serial[0] ? " serial " : "", t->serial, t->iface,
	         t->fifo ? "sync FIFO" : "UART");
}

static void tftdi_close(struct transport *base)
{
	struct tftdi *t = (struct tftdi *)base;

	ftdi_down(t);
	free(t);
}

const struct transport_ops transport_ftdi_ops = {
        .name = "ftdi",
        .help = "ftdi:VID:PID[:SERIAL][:IFACE][:BAUD|:fifo]  FTDI UART/FIFO",
        .open = tftdi_open,
        .reconnect = tftdi_reconnect,
        .write = tftdi_write,
        .read = tftdi_read,
        .pollfds = tftdi_pollfds,
        .service = NULL,
        .describe = tftdi_describe,
        .close = tftdi_close,
};
