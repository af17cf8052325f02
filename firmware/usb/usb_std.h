/* USB 2.0 chapter 9 constants and the SETUP packet, as the device stack
 * needs them. Hardware-independent. */
#ifndef TANDEM_USB_STD_H
#define TANDEM_USB_STD_H

#include <stdint.h>

/* bmRequestType fields */
#define USB_DIR_IN          0x80u
#define USB_TYPE_MASK       0x60u
#define USB_TYPE_STANDARD   0x00u
#define USB_TYPE_CLASS      0x20u
#define USB_TYPE_VENDOR     0x40u
#define USB_RECIP_MASK      0x1fu
#define USB_RECIP_DEVICE    0x00u
#define USB_RECIP_INTERFACE 0x01u
#define USB_RECIP_ENDPOINT  0x02u

/* standard requests */
#define USB_REQ_GET_STATUS        0x00u
#define USB_REQ_CLEAR_FEATURE     0x01u
#define USB_REQ_SET_FEATURE       0x03u
#define USB_REQ_SET_ADDRESS       0x05u
#define USB_REQ_GET_DESCRIPTOR    0x06u
#define USB_REQ_SET_DESCRIPTOR    0x07u
#define USB_REQ_GET_CONFIGURATION 0x08u
#define USB_REQ_SET_CONFIGURATION 0x09u
#define USB_REQ_GET_INTERFACE     0x0au
#define USB_REQ_SET_INTERFACE     0x0bu

/* feature selectors */
#define USB_FEAT_ENDPOINT_HALT 0x00u
#define USB_FEAT_REMOTE_WAKEUP 0x01u

/* descriptor types */
#define USB_DT_DEVICE           0x01u
#define USB_DT_CONFIG           0x02u
#define USB_DT_STRING           0x03u
#define USB_DT_INTERFACE        0x04u
#define USB_DT_ENDPOINT         0x05u
#define USB_DT_DEVICE_QUALIFIER 0x06u

/* endpoint attributes */
#define USB_EP_CONTROL   0x00u
#define USB_EP_BULK      0x02u
#define USB_EP_INTERRUPT 0x03u

#define USB_EP_DIR_IN(ep) (((ep)&0x80u) != 0)
#define USB_EP_NUM(ep)    ((ep)&0x0fu)

/* The 8-byte SETUP packet, decoded (multi-byte fields are little-endian
 * on the wire). */
struct usb_setup {
	uint8_t bmRequestType;
	uint8_t bRequest;
	uint16_t wValue;
	uint16_t wIndex;
	uint16_t wLength;
};

static inline void usb_setup_parse(const uint8_t p[8], struct usb_setup *s)
{
	s->bmRequestType = p[0];
	s->bRequest = p[1];
	s->wValue = (uint16_t)(p[2] | (p[3] << 8));
	s->wIndex = (uint16_t)(p[4] | (p[5] << 8));
	s->wLength = (uint16_t)(p[6] | (p[7] << 8));
}

#endif /* TANDEM_USB_STD_H */
