/* A small USB full-speed device stack: the EP0 control-request state
 * machine, the standard requests of chapter 9, and multi-packet transfers
 * on the other endpoints. Hardware-independent: it talks to a chip only
 * through dcd.h, and to the function above it through struct usbd_class.
 *
 * Control requests the stack does not handle itself (class and vendor
 * ones) go to usbd_class.control. A request can finish its status stage
 * later (USBD_DEFER), when the work it started is done: the function then
 * calls usbd_control_complete(). This gives long operations (loading an
 * FPGA) natural flow control without blocking the main loop.
 */
#ifndef TANDEM_USBD_H
#define TANDEM_USBD_H

#include <stddef.h>
#include <stdint.h>

#include "usb_std.h"

#define USBD_EP0_SIZE 64u
#define USBD_MAX_EP   4u /* endpoint numbers 0..3 */

/* Results of usbd_class.control / .control_out. */
#define USBD_OK    0  /* answer now (data stage if any, then status) */
#define USBD_DEFER 1  /* status stage later, via usbd_control_complete */
#define USBD_STALL -1 /* request error: stall EP0 */

/* Reply of usbd_class.control. For device-to-host requests: data/len is
 * the answer (the stack sends min(len, wLength) bytes; data must stay
 * valid until the transfer ends). For host-to-device requests with a data
 * stage: data/len is where the stack stores the wLength bytes (len is the
 * capacity; a larger wLength is stalled), then .control_out is called. */
struct usbd_reply {
	uint8_t *data;
	uint16_t len;
};

struct usbd_class {
	/* Descriptor lookup for GET_DESCRIPTOR: sets *p and returns the
	 * length, or returns a negative code for "no such descriptor". */
	int (*descriptor)(uint8_t type, uint8_t index, uint16_t langid,
	                  const uint8_t **p);
	/* Bus reset or configuration 0: all transfers were cancelled. */
	void (*reset)(void);
	/* SET_CONFIGURATION with a non-zero value: open endpoints here. */
	int (*configured)(uint8_t config);
	/* Class and vendor requests (any recipient); USBD_OK / _DEFER /
	 * _STALL. _DEFER is only legal for requests without a data stage. */
	int (*control)(const struct usb_setup *s, struct usbd_reply *r);
	/* The data stage of a host-to-device request arrived (len bytes in
	 * the buffer .control gave). USBD_OK / _DEFER / _STALL. */
	int (*control_out)(const struct usb_setup *s, const uint8_t *data,
	                   uint16_t len);
	/* A transfer on a non-zero endpoint finished: len bytes moved. */
	void (*xfer_done)(uint8_t ep, uint16_t len);
	/* Any SETUP packet was seen (host activity, for watchdogs). */
	void (*activity)(void);
};

/* Binds the function layer; call before dcd_init()/dcd_connect(). */
void usbd_init(const struct usbd_class *cls);
/* Opens a non-zero endpoint (from usbd_class.configured); mps <= 64.
 * Returns 0 or TANDEM_ERR_RANGE. */
int usbd_ep_open(uint8_t ep, uint8_t type, uint16_t mps);
/* Starts a transfer on a non-zero endpoint (direction bit in ep). IN:
 * sends len bytes, then a zero-length packet if zlp is set and len is a
 * multiple of the packet size (a host reading more then knows the
 * transfer ended). OUT: receives until len bytes or a short packet.
 * Returns 0, TANDEM_ERR_INVAL (bad endpoint, not configured) or
 * TANDEM_ERR_IO (a transfer is already running there). */
int usbd_xfer(uint8_t ep, uint8_t *buf, uint16_t len, int zlp);
/* 1 while a transfer is running on ep. */
int usbd_busy(uint8_t ep);
/* 1 while the endpoint is halted (SET_FEATURE ENDPOINT_HALT). */
int usbd_halted(uint8_t ep);
/* Current configuration (0 = not configured). */
uint8_t usbd_configuration(void);
/* Finishes a deferred request: ok sends the status stage, !ok stalls.
 * Returns 0, or TANDEM_ERR_INVAL if no request is waiting (e.g. the host
 * gave up and sent a new SETUP). */
int usbd_control_complete(int ok);
/* 1 while a deferred request waits for usbd_control_complete. */
int usbd_control_pending(void);

#endif /* TANDEM_USBD_H */
