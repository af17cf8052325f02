/* Tandem bridge USB descriptors: one configuration, one vendor-class
 * interface with a bulk OUT and a bulk IN endpoint for protocol frames.
 * docs/firmware.md lists the ids and strings. */
#ifndef TANDEM_USB_DESC_H
#define TANDEM_USB_DESC_H

#include <stdint.h>

/* pid.codes VID with its test PID 0x0001: for development only; a PID of
 * our own must be requested from pid.codes before devices ship. */
#define TANDEM_USB_VID        0x1209u
#define TANDEM_USB_PID        0x0001u
#define TANDEM_USB_BCD_DEVICE 0x0100u /* firmware release 1.00 */

#define TANDEM_USB_IFACE        0u
#define TANDEM_EP_OUT           0x01u /* host -> FPGA frames */
#define TANDEM_EP_IN            0x81u /* FPGA -> host frames */
#define TANDEM_EP_SIZE          64u
#define TANDEM_USB_MAX_POWER_MA 200u

/* String indexes */
#define TANDEM_STR_MANUFACTURER 1u
#define TANDEM_STR_PRODUCT      2u
#define TANDEM_STR_SERIAL       3u
#define TANDEM_STR_INTERFACE    4u

/* Sets the serial number string: the 8-byte unique id as 16 upper-case
 * hex digits, id[0] first. NULL gives "0000000000000000". */
void usb_desc_set_serial(const uint8_t id[8]);
/* The ASCII serial string (16 digits, NUL terminated). */
const char *usb_desc_serial(void);
/* usbd_class.descriptor: device, configuration and string descriptors
 * (string 0 is the language list, US English). Returns the length and
 * sets *p, or TANDEM_ERR_NOT_FOUND. */
int usb_desc_get(uint8_t type, uint8_t index, uint16_t langid,
                 const uint8_t **p);

#endif /* TANDEM_USB_DESC_H */
