/* USB device stack core: control-request state machine, chapter 9
 * requests, endpoint transfer queues. See usbd.h. */
#include "usbd.h"

#include <string.h>

#include "dcd.h"
#include "tandem_err.h"

/* EP0 control transfer stages. */
enum ctrl_stage {
	CTRL_IDLE,
	CTRL_DATA_IN,    /* answer being sent */
	CTRL_DATA_OUT,   /* host data being received */
	CTRL_DEFERRED,   /* waiting for usbd_control_complete */
	CTRL_STATUS_IN,  /* our zero-length status packet */
	CTRL_STATUS_OUT, /* host's zero-length status packet */
};

struct xfer {
	uint8_t *buf;
	uint16_t len;
	uint16_t done;
	uint16_t mps;
	uint16_t armed; /* size of the packet in flight */
	uint8_t busy;
	uint8_t zlp; /* IN: end a full-size last packet with a ZLP */
	uint8_t halted;
	uint8_t open;
};

static const struct usbd_class *usbd_cls;
static struct xfer usbd_xf[2][USBD_MAX_EP]; /* [in][num] */
static enum ctrl_stage usbd_stage;
static struct usb_setup usbd_setup;
static uint8_t usbd_config;
static uint8_t usbd_pending_addr;
static uint8_t usbd_addr_pending;
static uint8_t usbd_ep0_scratch[USBD_EP0_SIZE];
static uint8_t usbd_reply_small[2];

static struct xfer *xf_of(uint8_t ep)
{
	unsigned num = USB_EP_NUM(ep);

	if (num >= USBD_MAX_EP)
		return NULL;
	return &usbd_xf[USB_EP_DIR_IN(ep) ? 1 : 0][num];
}

static void xfer_arm(uint8_t ep, struct xfer *x)
{
	uint16_t left = (uint16_t)(x->len - x->done);
	uint16_t n = left < x->mps ? left : x->mps;

	x->armed = n;
	dcd_ep_xfer(ep, x->buf ? x->buf + x->done : NULL, n);
}

static void xfer_start(uint8_t ep, uint8_t *buf, uint16_t len, int zlp)
{
	struct xfer *x = xf_of(ep);

	x->buf = buf;
	x->len = len;
	x->done = 0;
	x->zlp = (uint8_t)(zlp != 0);
	x->busy = 1;
	xfer_arm(ep, x);
}

static void xfers_cancel_all(void)
{
	for (unsigned d = 0; d < 2; d++)
		for (unsigned n = 0; n < USBD_MAX_EP; n++) {
			usbd_xf[d][n].busy = 0;
			usbd_xf[d][n].halted = 0;
			if (n)
				usbd_xf[d][n].open = 0;
		}
}

void usbd_init(const struct usbd_class *cls)
{
	usbd_cls = cls;
	memset(usbd_xf, 0, sizeof(usbd_xf));
	usbd_xf[0][0].mps = USBD_EP0_SIZE;
	usbd_xf[1][0].mps = USBD_EP0_SIZE;
	usbd_xf[0][0].open = 1;
	usbd_xf[1][0].open = 1;
	usbd_stage = CTRL_IDLE;
	usbd_config = 0;
	usbd_addr_pending = 0;
}

/* ---- control transfers ---------------------------------------------- */

static void ctrl_stall(void)
{
	usbd_xf[0][0].busy = 0;
	usbd_xf[1][0].busy = 0;
	dcd_ep_stall(0x80);
	dcd_ep_stall(0x00);
	usbd_stage = CTRL_IDLE;
}

static void ctrl_status_in(void)
{
	usbd_stage = CTRL_STATUS_IN;
	xfer_start(0x80, NULL, 0, 0);
}

static void ctrl_status_out(void)
{
	usbd_stage = CTRL_STATUS_OUT;
	xfer_start(0x00, usbd_ep0_scratch, USBD_EP0_SIZE, 0);
}

static void ctrl_reply(const uint8_t *data, uint16_t len)
{
	uint16_t n = len < usbd_setup.wLength ? len : usbd_setup.wLength;

	usbd_stage = CTRL_DATA_IN;
	/* A reply shorter than asked for ends with a short packet, a ZLP if
	 * it is a whole number of packets. */
	xfer_start(0x80, (uint8_t *)data, n, n < usbd_setup.wLength);
}

static void config_set(uint8_t cfg)
{
	if (usbd_config) {
		dcd_ep_close_all();
		xfers_cancel_all();
		usbd_config = 0;
		if (usbd_cls->reset)
			usbd_cls->reset();
	}
	if (cfg) {
		usbd_config = cfg;
		if (usbd_cls->configured && usbd_cls->configured(cfg) < 0) {
			dcd_ep_close_all();
			xfers_cancel_all();
			usbd_config = 0;
		}
	}
}

/* Returns USBD_OK (reply sent or status queued), or USBD_STALL. */
static int std_device(const struct usb_setup *s)
{
	const uint8_t *p;
	int n;

	switch (s->bRequest) {
	case USB_REQ_GET_STATUS:
		if (!(s->bmRequestType & USB_DIR_IN) || s->wLength != 2)
			return USBD_STALL;
		usbd_reply_small[0] = 0; /* bus powered, no remote wakeup */
		usbd_reply_small[1] = 0;
		ctrl_reply(usbd_reply_small, 2);
		return USBD_OK;
	case USB_REQ_SET_ADDRESS:
		if (s->wValue > 127 || s->wLength || s->wIndex)
			return USBD_STALL;
		/* Takes effect after the status stage (USB 2.0, 9.4.6). */
		usbd_pending_addr = (uint8_t)s->wValue;
		usbd_addr_pending = 1;
		ctrl_status_in();
		return USBD_OK;
	case USB_REQ_GET_DESCRIPTOR:
		if (!(s->bmRequestType & USB_DIR_IN) || !usbd_cls->descriptor)
			return USBD_STALL;
		n = usbd_cls->descriptor((uint8_t)(s->wValue >> 8),
		                         (uint8_t)(s->wValue & 0xff), s->wIndex,
		                         &p);
		if (n < 0)
			return USBD_STALL;
		ctrl_reply(p, (uint16_t)n);
		return USBD_OK;
	case USB_REQ_GET_CONFIGURATION:
		if (!(s->bmRequestType & USB_DIR_IN) || s->wLength != 1)
			return USBD_STALL;
		usbd_reply_small[0] = usbd_config;
		ctrl_reply(usbd_reply_small, 1);
		return USBD_OK;
	case USB_REQ_SET_CONFIGURATION:
		if (s->wValue > 1 || s->wLength)
			return USBD_STALL;
		config_set((uint8_t)s->wValue);
		if (s->wValue && !usbd_config)
			return USBD_STALL;
		ctrl_status_in();
		return USBD_OK;
	case USB_REQ_CLEAR_FEATURE:
	case USB_REQ_SET_FEATURE:
		/* No remote wakeup, and a full-speed device has no test
		 * modes. */
	default:
		return USBD_STALL;
	}
}

static int std_interface(const struct usb_setup *s)
{
	/* One interface (0), one alternate setting (0). */
	if (!usbd_config || s->wIndex != 0)
		return USBD_STALL;
	switch (s->bRequest) {
	case USB_REQ_GET_STATUS:
		if (!(s->bmRequestType & USB_DIR_IN) || s->wLength != 2)
			return USBD_STALL;
		usbd_reply_small[0] = 0;
		usbd_reply_small[1] = 0;
		ctrl_reply(usbd_reply_small, 2);
		return USBD_OK;
	case USB_REQ_GET_INTERFACE:
		if (!(s->bmRequestType & USB_DIR_IN) || s->wLength != 1)
			return USBD_STALL;
		usbd_reply_small[0] = 0;
		ctrl_reply(usbd_reply_small, 1);
		return USBD_OK;
	case USB_REQ_SET_INTERFACE:
		if (s->wValue != 0)
			return USBD_STALL;
		/* Re-selecting setting 0 resets the endpoints' toggles. */
		for (unsigned n = 1; n < USBD_MAX_EP; n++)
			for (unsigned d = 0; d < 2; d++)
				if (usbd_xf[d][n].open)
					dcd_ep_clear_stall(
					        (uint8_t)(n | (d ? 0x80u : 0)));
		ctrl_status_in();
		return USBD_OK;
	default:
		return USBD_STALL;
	}
}

static int std_endpoint(const struct usb_setup *s)
{
	uint8_t ep = (uint8_t)(s->wIndex & 0x8f);
	struct xfer *x = xf_of(ep);

	if (!x || !x->open)
		return USBD_STALL;
	switch (s->bRequest) {
	case USB_REQ_GET_STATUS:
		if (!(s->bmRequestType & USB_DIR_IN) || s->wLength != 2)
			return USBD_STALL;
		usbd_reply_small[0] = x->halted;
		usbd_reply_small[1] = 0;
		ctrl_reply(usbd_reply_small, 2);
		return USBD_OK;
	case USB_REQ_CLEAR_FEATURE:
		if (s->wValue != USB_FEAT_ENDPOINT_HALT || s->wLength)
			return USBD_STALL;
		if (USB_EP_NUM(ep)) {
			x->halted = 0;
			dcd_ep_clear_stall(ep);
			/* A transfer interrupted by the halt resumes at the
			 * packet that was in flight. */
			if (x->busy)
				xfer_arm(ep, x);
		}
		ctrl_status_in();
		return USBD_OK;
	case USB_REQ_SET_FEATURE:
		if (s->wValue != USB_FEAT_ENDPOINT_HALT || s->wLength)
			return USBD_STALL;
		if (USB_EP_NUM(ep)) {
			x->halted = 1;
			dcd_ep_stall(ep);
		}
		ctrl_status_in();
		return USBD_OK;
	default:
		return USBD_STALL;
	}
}

static int ctrl_function(const struct usb_setup *s)
{
	struct usbd_reply r = {NULL, 0};
	int rc;

	if (!usbd_cls->control)
		return USBD_STALL;
	rc = usbd_cls->control(s, &r);
	if (rc == USBD_STALL || rc < 0)
		return USBD_STALL;
	if (s->bmRequestType & USB_DIR_IN) {
		if (!s->wLength || rc != USBD_OK)
			return USBD_STALL;
		ctrl_reply(r.data, r.len);
		return USBD_OK;
	}
	if (s->wLength) {
		if (rc != USBD_OK || !r.data || r.len < s->wLength)
			return USBD_STALL;
		usbd_stage = CTRL_DATA_OUT;
		xfer_start(0x00, r.data, s->wLength, 0);
		return USBD_OK;
	}
	if (rc == USBD_DEFER) {
		usbd_stage = CTRL_DEFERRED;
		return USBD_OK;
	}
	ctrl_status_in();
	return USBD_OK;
}

void usbd_evt_setup(const uint8_t setup[8])
{
	struct usb_setup *s = &usbd_setup;
	int rc;

	/* A SETUP ends whatever control transfer was going on. */
	usbd_xf[0][0].busy = 0;
	usbd_xf[1][0].busy = 0;
	usbd_addr_pending = 0;
	usbd_stage = CTRL_IDLE;
	usb_setup_parse(setup, s);
	if (usbd_cls->activity)
		usbd_cls->activity();

	if ((s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_STANDARD) {
		switch (s->bmRequestType & USB_RECIP_MASK) {
		case USB_RECIP_DEVICE:
			rc = std_device(s);
			break;
		case USB_RECIP_INTERFACE:
			rc = std_interface(s);
			break;
		case USB_RECIP_ENDPOINT:
			rc = std_endpoint(s);
			break;
		default:
			rc = USBD_STALL;
			break;
		}
	} else {
		rc = ctrl_function(s);
	}
	if (rc == USBD_STALL)
		ctrl_stall();
}

int usbd_control_complete(int ok)
{
	if (usbd_stage != CTRL_DEFERRED)
		return TANDEM_ERR_INVAL;
	if (ok)
		ctrl_status_in();
	else
		ctrl_stall();
	return 0;
}

int usbd_control_pending(void)
{
	return usbd_stage == CTRL_DEFERRED;
}

static void ctrl_done(uint8_t ep, uint16_t len)
{
	int rc;

	switch (usbd_stage) {
	case CTRL_DATA_IN:
		if (ep == 0x80)
			ctrl_status_out();
		break;
	case CTRL_DATA_OUT:
		if (ep != 0x00)
			break;
		rc = usbd_cls->control_out
		             ? usbd_cls->control_out(&usbd_setup,
		                                     usbd_xf[0][0].buf, len)
		             : USBD_STALL;
		if (rc == USBD_DEFER)
			usbd_stage = CTRL_DEFERRED;
		else if (rc == USBD_OK)
			ctrl_status_in();
		else
			ctrl_stall();
		break;
	case CTRL_STATUS_IN:
		if (ep != 0x80)
			break;
		if (usbd_addr_pending) {
			dcd_set_address(usbd_pending_addr);
			usbd_addr_pending = 0;
		}
		usbd_stage = CTRL_IDLE;
		break;
	case CTRL_STATUS_OUT:
		if (ep == 0x00)
			usbd_stage = CTRL_IDLE;
		break;
	default:
		break;
	}
}

/* ---- transfers -------------------------------------------------------- */

int usbd_xfer(uint8_t ep, uint8_t *buf, uint16_t len, int zlp)
{
	struct xfer *x = xf_of(ep);

	if (!x || !USB_EP_NUM(ep) || !x->open || !usbd_config || (len && !buf))
		return TANDEM_ERR_INVAL;
	if (x->busy)
		return TANDEM_ERR_IO;
	x->buf = buf;
	x->len = len;
	x->done = 0;
	x->zlp = (uint8_t)(zlp != 0);
	x->busy = 1;
	if (!x->halted)
		xfer_arm(ep, x);
	return 0;
}

int usbd_busy(uint8_t ep)
{
	struct xfer *x = xf_of(ep);

	return x && x->busy;
}

int usbd_halted(uint8_t ep)
{
	struct xfer *x = xf_of(ep);

	return x && x->halted;
}

uint8_t usbd_configuration(void)
{
	return usbd_config;
}

int usbd_ep_open(uint8_t ep, uint8_t type, uint16_t mps)
{
	struct xfer *x = xf_of(ep);
	int rc;

	if (!x || !USB_EP_NUM(ep) || !mps || mps > 64)
		return TANDEM_ERR_RANGE;
	rc = dcd_ep_open(ep, type, mps);
	if (rc < 0)
		return rc;
	memset(x, 0, sizeof(*x));
	x->mps = mps;
	x->open = 1;
	return 0;
}

void usbd_evt_xfer_done(uint8_t ep, uint16_t len)
{
	struct xfer *x = xf_of(ep);

	if (!x || !x->busy)
		return;
	x->done = (uint16_t)(x->done + len);
	if (USB_EP_DIR_IN(ep)) {
		if (x->done < x->len) {
			xfer_arm(ep, x);
			return;
		}
		if (x->zlp && len == x->mps) {
			/* All data sent in full packets: one ZLP more. */
			x->zlp = 0;
			x->armed = 0;
			dcd_ep_xfer(ep, NULL, 0);
			return;
		}
	} else if (len == x->armed && x->done < x->len) {
		xfer_arm(ep, x);
		return;
	}
	x->busy = 0;
	if (!USB_EP_NUM(ep))
		ctrl_done(ep, x->done);
	else if (usbd_cls->xfer_done)
		usbd_cls->xfer_done(ep, x->done);
}

void usbd_evt_reset(void)
{
	dcd_ep_close_all();
	xfers_cancel_all();
	usbd_xf[0][0].busy = 0;
	usbd_xf[1][0].busy = 0;
	usbd_stage = CTRL_IDLE;
	usbd_addr_pending = 0;
	if (usbd_config || usbd_cls->reset) {
		usbd_config = 0;
		if (usbd_cls->reset)
			usbd_cls->reset();
	}
}

void usbd_evt_suspend(void)
{
}

void usbd_evt_resume(void)
{
}
