/* Beyond the byte transport: vendor control requests to the Tandem USB
 * bridge (include/tandem_bridge.h) on a device opened by the usb
 * transport (host/transport_usb.c). */
#ifndef TANDEM_TRANSPORT_USB_H
#define TANDEM_TRANSPORT_USB_H

#include <stddef.h>
#include <stdint.h>

#include "transport.h"

/* One vendor request to interface 0 of the bridge: bmRequestType 0xC1
 * (in != 0, data read into buf) or 0x41 (buf written). Blocks up to
 * timeout_ms. Returns the data bytes moved, TANDEM_ERR_IO (stalled,
 * device gone, not a usb transport), or TANDEM_ERR_TIMEOUT. A
 * libusb reason goes into err when given. */
int transport_usb_control(struct transport *t, int in, uint8_t req,
                          uint16_t value, uint8_t *buf, uint16_t len,
                          unsigned timeout_ms, char *err, size_t errlen);

#endif /* TANDEM_TRANSPORT_USB_H */
