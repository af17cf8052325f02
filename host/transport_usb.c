/* usb transport (libusb-1.0): our bridge firmware's vendor interface, two
 * bulk endpoints. usb:VID:PID[:SERIAL]
 *
 * Asynchronous: several IN transfers stay queued so the device can always
 * send; completed data lands in a ring the device manager reads. libusb's
 * own pollable descriptors are handed to the host's event loop (pollfds)
 * and its events handled without blocking (service), so no thread is
 * needed.
 *
 * A stalled endpoint (LIBUSB_TRANSFER_STALL) is cleared with
 * libusb_clear_halt() from service(), outside the transfer callback, and
 * the IN transfers are queued again. Where libusb supports hotplug, the
 * detach callback marks the device gone; service() (or the manager's next
 * reconnect) then cancels the transfers, releases the interface and
 * closes the handle. While it is away, reconnect() does not scan the bus:
 * only an attach callback for our VID:PID makes the next reconnect open
 * it again. Hotplug callbacks only set flags (libusb forbids synchronous
 * I/O inside them). */
#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "log.h"
#include "tandem_err.h"
#include "transport.h"
#include "transport_usb.h"

#define USB_IN_TRANSFERS 4
#define USB_IN_LEN       2048 /* a whole frame per transfer (docs/firmware.md) */
#define USB_RING         (64u * 1024u)
#define USB_TIMEOUT_MS   1000
#define USB_PRODUCT      "Tandem USB bridge" /* docs/firmware.md */

struct tusb {
	struct transport base;
	uint16_t vid, pid;
	char serial[64];
	libusb_device_handle *h;
	int iface;
	uint8_t ep_in, ep_out;
	struct libusb_transfer *in[USB_IN_TRANSFERS];
	int in_busy[USB_IN_TRANSFERS]; /* submitted, not yet completed */
	struct libusb_transfer *out;
	int out_busy;
	int in_pending;
	int dead;     /* connection lost: read/write report TANDEM_ERR_IO */
	int halt_in;  /* bulk IN stalled: clear it in service() */
	int halt_out; /* bulk OUT stalled */
	int gone;     /* detach callback seen for our device */
	int arrived;  /* attach callback seen since it went away */
	libusb_device *dev; /* our device while open (for hotplug matching) */
	uint8_t ring[USB_RING];
	size_t head, len;
	uint8_t outbuf[4096];
	libusb_hotplug_callback_handle hotplug;
	int has_hotplug;
};

static libusb_context *usb_ctx;
static int usb_users;

static int usb_ctx_get(void)
{
	if (usb_users++ == 0 && libusb_init(&usb_ctx) < 0) {
		usb_users = 0;
		usb_ctx = NULL;
		return TANDEM_ERR_IO;
	}
	return 0;
}

static void usb_ctx_put(void)
{
	if (usb_users > 0 && --usb_users == 0) {
		libusb_exit(usb_ctx);
		usb_ctx = NULL;
	}
}

static int in_submit(struct tusb *t, int i)
{
	int rc = libusb_submit_transfer(t->in[i]);

	if (rc == 0) {
		t->in_busy[i] = 1;
		t->in_pending++;
	}
	return rc;
}

static void LIBUSB_CALL in_done(struct libusb_transfer *x)
{
	struct tusb *t = x->user_data;
	int i, k = -1;

	for (i = 0; i < USB_IN_TRANSFERS; i++)
		if (t->in[i] == x)
			k = i;
	if (k >= 0)
		t->in_busy[k] = 0;
	t->in_pending--;
	switch (x->status) {
	case LIBUSB_TRANSFER_COMPLETED:
	case LIBUSB_TRANSFER_TIMED_OUT:
		for (i = 0; i < x->actual_length; i++) {
			if (t->len == USB_RING)
				break; /* the manager reads far faster */
			t->ring[(t->head + t->len) % USB_RING] = x->buffer[i];
			t->len++;
		}
		break;
	case LIBUSB_TRANSFER_STALL:
		t->halt_in = 1; /* cleared and requeued by service() */
		return;
	case LIBUSB_TRANSFER_CANCELLED:
		return;
	default: /* NO_DEVICE, ERROR, OVERFLOW */
		t->dead = 1;
		return;
	}
	if (t->dead || !t->h || t->halt_in || k < 0)
		return;
	if (in_submit(t, k) != 0)
		t->dead = 1;
}

static void LIBUSB_CALL out_done(struct libusb_transfer *x)
{
	struct tusb *t = x->user_data;

	t->out_busy = 0;
	if (x->status == LIBUSB_TRANSFER_STALL)
		t->halt_out = 1; /* those bytes are lost; the manager retries */
	else if (x->status != LIBUSB_TRANSFER_COMPLETED &&
	         x->status != LIBUSB_TRANSFER_CANCELLED)
		t->dead = 1;
}

/* Runs inside libusb's event handling: flags only, no I/O. */
static int LIBUSB_CALL on_hotplug(libusb_context *ctx, libusb_device *dev,
                                  libusb_hotplug_event ev, void *user)
{
	struct tusb *t = user;

	if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED) {
		if (!t->h || t->gone)
			t->arrived = 1;
	} else if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT) {
		if (t->h && dev == t->dev) {
			t->gone = 1;
			t->dead = 1;
			t->arrived = 0;
		}
	}
	return 0;
}

/* Finds our device (VID:PID and, if given, serial) and its bulk pair. */
static int usb_find(struct tusb *t, char *err, size_t errlen)
{
	libusb_device **list;
	ssize_t n = libusb_get_device_list(usb_ctx, &list);
	ssize_t i;
	int rc = TANDEM_ERR_NOT_FOUND;
	int busy = 0;

	if (n < 0) {
		snprintf(err, errlen, "cannot list USB devices: %s",
		         libusb_strerror((int)n));
		return TANDEM_ERR_IO;
	}
	for (i = 0; i < n && rc != 0; i++) {
		struct libusb_device_descriptor dd;
		struct libusb_config_descriptor *cfg;
		libusb_device_handle *h;
		unsigned char sn[64] = "";
		int k, e;

		if (libusb_get_device_descriptor(list[i], &dd) < 0 ||
		    dd.idVendor != t->vid || dd.idProduct != t->pid)
			continue;
		if (libusb_open(list[i], &h) < 0) {
			snprintf(err, errlen,
			         "found %04x:%04x but cannot open "
			         "it (permissions? udev rule)",
			         t->vid, t->pid);
			rc = TANDEM_ERR_IO;
			continue;
		}
		if (dd.iSerialNumber)
			libusb_get_string_descriptor_ascii(h, dd.iSerialNumber,
			                                   sn, sizeof(sn));
		if (t->serial[0] && strcmp((char *)sn, t->serial) != 0) {
			libusb_close(h);
			continue;
		}
		/* The pid.codes test PID is shared: check the product too. */
		if (t->vid == 0x1209 && t->pid == 0x0001) {
			unsigned char prod[64] = "";

			if (dd.iProduct)
				libusb_get_string_descriptor_ascii(
				        h, dd.iProduct, prod, sizeof(prod));
			if (strcmp((char *)prod, USB_PRODUCT) != 0) {
				libusb_close(h);
				continue;
			}
		}
		if (libusb_get_active_config_descriptor(list[i], &cfg) < 0) {
			libusb_close(h);
			continue;
		}
		for (k = 0; k < cfg->bNumInterfaces && rc != 0; k++) {
			const struct libusb_interface_descriptor *id =
			        &cfg->interface[k].altsetting[0];
			uint8_t in = 0, out = 0;

			if (id->bInterfaceClass != LIBUSB_CLASS_VENDOR_SPEC)
				continue;
			for (e = 0; e < id->bNumEndpoints; e++) {
				const struct libusb_endpoint_descriptor *ep =
				        &id->endpoint[e];

				if ((ep->bmAttributes & 3) !=
				    LIBUSB_TRANSFER_TYPE_BULK)
					continue;
				if (ep->bEndpointAddress & LIBUSB_ENDPOINT_IN)
					in = in ? in : ep->bEndpointAddress;
				else
					out = out ? out : ep->bEndpointAddress;
			}
			if (!in || !out)
				continue;
			e = libusb_claim_interface(h, id->bInterfaceNumber);
			if (e == LIBUSB_ERROR_BUSY) {
				snprintf(err, errlen,
				         "%04x:%04x interface %d is in use by "
				         "another program",
				         t->vid, t->pid, id->bInterfaceNumber);
				busy = 1;
			} else if (e == 0) {
				t->h = h;
				t->dev = list[i];
				t->iface = id->bInterfaceNumber;
				t->ep_in = in;
				t->ep_out = out;
				rc = 0;
			}
		}
		libusb_free_config_descriptor(cfg);
		if (rc != 0)
			libusb_close(h);
	}
	libusb_free_device_list(list, 1);
	if (rc == TANDEM_ERR_NOT_FOUND && busy)
		rc = TANDEM_ERR_IO;
	else if (rc == TANDEM_ERR_NOT_FOUND)
		snprintf(err, errlen,
		         "no USB device %04x:%04x%s%s with a vendor bulk "
		         "interface found",
		         t->vid, t->pid, t->serial[0] ? " serial " : "",
		         t->serial);
	return rc;
}

static void usb_down(struct tusb *t)
{
	int i;
	struct timeval zero = {0, 0};

	if (t->h) {
		for (i = 0; i < USB_IN_TRANSFERS; i++)
			if (t->in[i])
				libusb_cancel_transfer(t->in[i]);
		if (t->out_busy)
			libusb_cancel_transfer(t->out);
		/* let the cancellations complete before freeing */
		for (i = 0; i < 50 && (t->in_pending > 0 || t->out_busy); i++) {
			struct timeval tv = {0, 10000};

			libusb_handle_events_timeout_completed(usb_ctx, &tv,
			                                       NULL);
		}
		libusb_handle_events_timeout_completed(usb_ctx, &zero, NULL);
		/* Fails harmlessly (NO_DEVICE) after an unplug. */
		libusb_release_interface(t->h, t->iface);
		libusb_close(t->h);
		t->h = NULL;
		t->dev = NULL;
	}
	for (i = 0; i < USB_IN_TRANSFERS; i++) {
		if (t->in[i])
			libusb_free_transfer(t->in[i]);
		t->in[i] = NULL;
		t->in_busy[i] = 0;
	}
	t->halt_in = t->halt_out = 0;
	if (t->out)
		libusb_free_transfer(t->out);
	t->out = NULL;
	t->out_busy = 0;
	t->in_pending = 0;
	t->head = t->len = 0;
}

static int usb_up(struct tusb *t, char *err, size_t errlen)
{
	int i, rc;

	t->dead = 0;
	t->halt_in = t->halt_out = 0;
	rc = usb_find(t, err, errlen);
	if (rc < 0)
		return rc;
	t->out = libusb_alloc_transfer(0);
	if (!t->out)
		goto nomem;
	for (i = 0; i < USB_IN_TRANSFERS; i++) {
		unsigned char *buf = NULL;

		t->in[i] = libusb_alloc_transfer(0);
		if (!t->in[i])
			goto nomem;
		buf = malloc(USB_IN_LEN);
		if (!buf)
			goto nomem;
		libusb_fill_bulk_transfer(t->in[i], t->h, t->ep_in, buf,
		                          USB_IN_LEN, in_done, t, 0);
		t->in[i]->flags = LIBUSB_TRANSFER_FREE_BUFFER;
		rc = in_submit(t, i);
		if (rc < 0) {
			snprintf(err, errlen, "cannot queue a USB read: %s",
			         libusb_strerror(rc));
			usb_down(t);
			return TANDEM_ERR_IO;
		}
	}
	log_info("usb", "opened %04x:%04x interface %d (in %02x, out %02x)",
	         t->vid, t->pid, t->iface, t->ep_in, t->ep_out);
	return 0;
nomem:
	usb_down(t);
	snprintf(err, errlen, "out of memory");
	return TANDEM_ERR_NOMEM;
}

static int tusb_open(const char *arg, const struct transport_opts *o,
                     struct transport **out, char *err, size_t errlen)
{
	struct tusb *t;
	int n, rc;
	uint16_t vid, pid;

	n = transport_parse_vidpid(arg, &vid, &pid);
	if (n < 0 || (arg[n] && arg[n] != ':') ||
	    (arg[n] == ':' && strchr(arg + n + 1, ':'))) {
		snprintf(err, errlen,
		         "bad device string 'usb:%s' (expected "
		         "usb:VID:PID[:SERIAL])",
		         arg);
		return TANDEM_ERR_PARSE;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return TANDEM_ERR_NOMEM;
	t->base.ops = &transport_usb_ops;
	t->vid = vid;
	t->pid = pid;
	if (arg[n] == ':')
		snprintf(t->serial, sizeof(t->serial), "%s", arg + n + 1);
	if (usb_ctx_get() < 0) {
		snprintf(err, errlen, "libusb_init failed");
		free(t);
		return TANDEM_ERR_IO;
	}
	rc = usb_up(t, err, errlen);
	if (rc < 0) {
		usb_ctx_put();
		free(t);
		return rc;
	}
	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) &&
	    libusb_hotplug_register_callback(
	            usb_ctx,
	            LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
	                    LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
	            0, t->vid, t->pid, LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, t,
	            &t->hotplug) == LIBUSB_SUCCESS)
		t->has_hotplug = 1;
	*out = &t->base;
	return 0;
}

/* Clears a stalled endpoint (CLEAR_FEATURE ENDPOINT_HALT, which also
 * resets the data toggle on both sides) and queues the IN transfers
 * again. Outside any callback: libusb_clear_halt() is synchronous. */
static void clear_halts(struct tusb *t)
{
	int i, rc;

	if (t->halt_in && t->in_pending > 0) {
		/* the others on that endpoint: let them finish first */
		for (i = 0; i < USB_IN_TRANSFERS; i++)
			if (t->in_busy[i])
				libusb_cancel_transfer(t->in[i]);
	} else if (t->halt_in) {
		rc = libusb_clear_halt(t->h, t->ep_in);
		log_warn("usb", "bulk IN %02x stalled; clear halt: %s",
		         t->ep_in, rc < 0 ? libusb_strerror(rc) : "ok");
		t->halt_in = 0;
		for (i = 0; rc == 0 && i < USB_IN_TRANSFERS; i++)
			if (!t->in_busy[i])
				rc = in_submit(t, i);
		if (rc < 0)
			t->dead = 1;
	}
	if (t->halt_out && !t->out_busy) {
		rc = libusb_clear_halt(t->h, t->ep_out);
		log_warn("usb", "bulk OUT %02x stalled; clear halt: %s",
		         t->ep_out, rc < 0 ? libusb_strerror(rc) : "ok");
		t->halt_out = 0;
		if (rc < 0)
			t->dead = 1;
	}
}

/* After libusb's events ran: act on what the callbacks flagged. */
static void usb_after_events(struct tusb *t)
{
	if (t->gone && t->h) {
		log_warn("usb", "%04x:%04x unplugged; interface released",
		         t->vid, t->pid);
		usb_down(t);
		t->dead = 1;
	}
	if (t->h && !t->dead && (t->halt_in || t->halt_out))
		clear_halts(t);
}

static int tusb_reconnect(struct transport *base, char *err, size_t errlen)
{
	struct tusb *t = (struct tusb *)base;
	struct timeval zero = {0, 0};
	int rc;

	/* The manager does not poll a transport that is down: run libusb's
	 * events here so hotplug callbacks are seen. */
	libusb_handle_events_timeout_completed(usb_ctx, &zero, NULL);
	usb_after_events(t);
	if (t->has_hotplug && t->gone && !t->arrived) {
		snprintf(err, errlen,
		         "%04x:%04x unplugged; waiting for it to come back",
		         t->vid, t->pid);
		return TANDEM_ERR_NOT_FOUND;
	}
	t->arrived = 0;
	usb_down(t);
	rc = usb_up(t, err, errlen);
	if (rc == 0)
		t->gone = 0;
	return rc;
}

static int tusb_write(struct transport *base, const uint8_t *buf, size_t n)
{
	struct tusb *t = (struct tusb *)base;
	int rc;

	if (t->dead || !t->h)
		return TANDEM_ERR_IO;
	if (t->out_busy)
		return 0;
	if (n > sizeof(t->outbuf))
		n = sizeof(t->outbuf);
	memcpy(t->outbuf, buf, n);
	libusb_fill_bulk_transfer(t->out, t->h, t->ep_out, t->outbuf, (int)n,
	                          out_done, t, USB_TIMEOUT_MS);
	rc = libusb_submit_transfer(t->out);
	if (rc < 0)
		return TANDEM_ERR_IO;
	t->out_busy = 1;
	return (int)n;
}

static int tusb_read(struct transport *base, uint8_t *buf, size_t cap)
{
	struct tusb *t = (struct tusb *)base;
	size_t n = 0;

	while (n < cap && t->len) {
		buf[n++] = t->ring[t->head];
		t->head = (t->head + 1) % USB_RING;
		t->len--;
	}
	if (n)
		return (int)n;
	return t->dead || !t->h ? TANDEM_ERR_IO : 0;
}

static int tusb_pollfds(struct transport *base, struct pollfd *fds, int max,
                        int want_write, int *timeout_ms)
{
	const struct libusb_pollfd **pf = libusb_get_pollfds(usb_ctx);
	struct timeval tv;
	int n = 0;

	if (pf) {
		for (; n < max && pf[n]; n++) {
			fds[n].fd = pf[n]->fd;
			fds[n].events = pf[n]->events;
			fds[n].revents = 0;
		}
		libusb_free_pollfds(pf);
	}
	if (libusb_get_next_timeout(usb_ctx, &tv) == 1) {
		int ms = (int)(tv.tv_sec * 1000 + (tv.tv_usec + 999) / 1000);

		if (*timeout_ms < 0 || ms < *timeout_ms)
			*timeout_ms = ms;
	}
	/* A pending write completes through libusb's descriptors too. */
	return n;
}

static void tusb_service(struct transport *base, const struct pollfd *fds,
                         int n)
{
	struct tusb *t = (struct tusb *)base;
	struct timeval zero = {0, 0};

	libusb_handle_events_timeout_completed(usb_ctx, &zero, NULL);
	usb_after_events(t);
}

int transport_usb_control(struct transport *base, int in, uint8_t req,
                          uint16_t value, uint8_t *buf, uint16_t len,
                          unsigned timeout_ms, char *err, size_t errlen)
{
	struct tusb *t = (struct tusb *)base;
	uint8_t bm;
	int rc;

	if (!base || base->ops != &transport_usb_ops || !t->h || t->dead) {
		if (err && errlen)
			snprintf(err, errlen, "USB device not open");
		return TANDEM_ERR_IO;
	}
	bm = LIBUSB_REQUEST_TYPE_VENDOR | LIBUSB_RECIPIENT_INTERFACE |
	     (in ? LIBUSB_ENDPOINT_IN : LIBUSB_ENDPOINT_OUT);
	rc = libusb_control_transfer(t->h, bm, req, value, (uint16_t)t->iface,
	                             buf, len, timeout_ms);
	if (rc >= 0)
		return rc;
	if (err && errlen)
		snprintf(err, errlen, "request 0x%02x: %s", req,
		         libusb_strerror(rc));
	if (rc == LIBUSB_ERROR_NO_DEVICE)
		t->dead = 1;
	return rc == LIBUSB_ERROR_TIMEOUT ? TANDEM_ERR_TIMEOUT : TANDEM_ERR_IO;
}

static void tusb_describe(struct transport *base, char *buf, size_t n)
{
	struct tusb *t = (struct tusb *)base;

	snprintf(buf, n, "USB %04x:%04x%s%s bulk %02x/%02x", t->vid, t->pid,
	         t->serial[0] ? " serial " : "", t->serial, t->ep_in,
	         t->ep_out);
}

static void tusb_close(struct transport *base)
{
	struct tusb *t = (struct tusb *)base;

	if (t->has_hotplug)
		libusb_hotplug_deregister_callback(usb_ctx, t->hotplug);
	usb_down(t);
	usb_ctx_put();
	free(t);
}

const struct transport_ops transport_usb_ops = {
        .name = "usb",
        .help = "usb:VID:PID[:SERIAL]  Tandem bridge firmware (libusb bulk)",
        .open = tusb_open,
        .reconnect = tusb_reconnect,
        .write = tusb_write,
        .read = tusb_read,
        .pollfds = tusb_pollfds,
        .service = tusb_service,
        .describe = tusb_describe,
        .close = tusb_close,
};
