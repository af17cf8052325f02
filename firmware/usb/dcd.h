/* The device controller driver (DCD) interface: the few things the USB
 * stack needs from a chip's USB device controller, and the events the
 * driver reports back. Each port implements the dcd_* functions
 * (port/rp2040/usb_dcd.c on hardware, port/fake/fake_usb.c in tests).
 *
 * Events are delivered by calling the usbd_evt_* functions from the port's
 * poll function in the main loop, never from interrupt context, so the
 * stack needs no locking.
 *
 * One call to dcd_ep_xfer moves exactly one packet (at most the
 * endpoint's max packet size); the stack splits longer transfers.
 * The driver keeps the DATA0/DATA1 toggle of every endpoint: both EP0
 * directions restart at DATA1 after a SETUP, other endpoints at DATA0 after
 * dcd_ep_open and dcd_ep_clear_stall.
 */
#ifndef TANDEM_DCD_H
#define TANDEM_DCD_H

#include <stdint.h>

void dcd_init(void);
/* Pull-up on (1) or off (0): the host sees the device attach/detach. */
void dcd_connect(int on);
/* Applied by the stack after the SET_ADDRESS status stage. */
void dcd_set_address(uint8_t addr);
/* Configures a non-zero endpoint (type USB_EP_BULK or USB_EP_INTERRUPT);
 * returns 0 or TANDEM_ERR_RANGE. */
int dcd_ep_open(uint8_t ep, uint8_t type, uint16_t mps);
/* Disables every endpoint but EP0 (bus reset, SET_CONFIGURATION 0). */
void dcd_ep_close_all(void);
/* Arms one packet: IN sends buf[0..len); OUT accepts up to len bytes into
 * buf (copied there before usbd_evt_xfer_done is called). buf must stay
 * valid until then. Returns 0 or TANDEM_ERR_INVAL. */
int dcd_ep_xfer(uint8_t ep, uint8_t *buf, uint16_t len);
/* Endpoint halt. A stall of EP0 ends at the next SETUP by itself. */
void dcd_ep_stall(uint8_t ep);
void dcd_ep_clear_stall(uint8_t ep);
/* Polls the controller and delivers pending events (main loop). */
void dcd_poll(void);

/* ---- events, implemented by the stack (usbd.c) ---- */
void usbd_evt_reset(void);
void usbd_evt_setup(const uint8_t setup[8]);
/* ep with direction bit; len = bytes moved by the finished packet */
void usbd_evt_xfer_done(uint8_t ep, uint16_t len);
void usbd_evt_suspend(void);
void usbd_evt_resume(void);

#endif /* TANDEM_DCD_H */
