/* Tandem bridge USB descriptors (see usb_desc.h). */
#include "usb_desc.h"

#include <stddef.h>

#include "tandem_err.h"
#include "usb_std.h"

#define LO(x) ((uint8_t)((x)&0xffu))
#define HI(x) ((uint8_t)(((x) >> 8) & 0xffu))

static const uint8_t desc_device[18] = {
        18,            /* bLength */
        USB_DT_DEVICE, /* bDescriptorType */
        0x00,          /* bcdUSB 2.00 */
        0x02,
        0x00, /* bDeviceClass: per interface */
        0x00, /* bDeviceSubClass */
        0x00, /* bDeviceProtocol */
        64,   /* bMaxPacketSize0 */
        LO(TANDEM_USB_VID),
        HI(TANDEM_USB_VID),
        LO(TANDEM_USB_PID),
        HI(TANDEM_USB_PID),
        LO(TANDEM_USB_BCD_DEVICE),
        HI(TANDEM_USB_BCD_DEVICE),
        TANDEM_STR_MANUFACTURER,
        TANDEM_STR_PRODUCT,
        TANDEM_STR_SERIAL,
        1, /* bNumConfigurations */
};

#define CONFIG_TOTAL (9 + 9 + 7 + 7)

static const uint8_t desc_config[CONFIG_TOTAL] = {
        /* configuration */
        9,
        USB_DT_CONFIG,
        LO(CONFIG_TOTAL),
        HI(CONFIG_TOTAL),
        1,    /* bNumInterfaces */
        1,    /* bConfigurationValue */
        0,    /* iConfiguration */
        0x80, /* bmAttributes: bus powered */
        TANDEM_USB_MAX_POWER_MA / 2,
        /* interface 0: vendor specific, two bulk endpoints */
        9,
        USB_DT_INTERFACE,
        TANDEM_USB_IFACE,
        0,    /* bAlternateSetting */
        2,    /* bNumEndpoints */
        0xff, /* bInterfaceClass: vendor specific */
        0x00, /* bInterfaceSubClass */
        0x00, /* bInterfaceProtocol */
        TANDEM_STR_INTERFACE,
        /* bulk OUT */
        7,
        USB_DT_ENDPOINT,
        TANDEM_EP_OUT,
        USB_EP_BULK,
        LO(TANDEM_EP_SIZE),
        HI(TANDEM_EP_SIZE),
        0,
        /* bulk IN */
        7,
        USB_DT_ENDPOINT,
        TANDEM_EP_IN,
        USB_EP_BULK,
        LO(TANDEM_EP_SIZE),
        HI(TANDEM_EP_SIZE),
        0,
};

static const uint8_t desc_lang[4] = {4, USB_DT_STRING, 0x09, 0x04};

static const char *const desc_strings[] = {
        [TANDEM_STR_MANUFACTURER] = "Tandem",
        [TANDEM_STR_PRODUCT] = "Tandem USB bridge",
        [TANDEM_STR_SERIAL] = NULL, /* from the unique id */
        [TANDEM_STR_INTERFACE] = "Tandem frames",
};

static char desc_serial[17] = "0000000000000000";
/* UTF-16LE string descriptor under construction: 2 + 2 * 31 bytes max */
static uint8_t desc_str_buf[64];

void usb_desc_set_serial(const uint8_t id[8])
{
	static const char hex[] = "0123456789ABCDEF";

	for (unsigned i = 0; i < 8; i++) {
		uint8_t b = id ? id[i] : 0;

		desc_serial[2 * i] = hex[b >> 4];
		desc_serial[2 * i + 1] = hex[b & 0x0f];
	}
	desc_serial[16] = '\0';
}

const char *usb_desc_serial(void)
{
	return desc_serial;
}

static int string_desc(uint8_t index, const uint8_t **p)
{
	const char *s;
	unsigned n = 0;

	if (index == 0) {
		*p = desc_lang;
		return (int)sizeof(desc_lang);
	}
	if (index >= sizeof(desc_strings) / sizeof(desc_strings[0]))
		return TANDEM_ERR_NOT_FOUND;
	s = index == TANDEM_STR_SERIAL ? desc_serial : desc_strings[index];
	if (!s)
		return TANDEM_ERR_NOT_FOUND;
	while (n < (sizeof(desc_str_buf) - 2) / 2 && s[n]) {
		desc_str_buf[2 + 2 * n] = (uint8_t)s[n];
		desc_str_buf[3 + 2 * n] = 0;
		n++;
	}
	desc_str_buf[0] = (uint8_t)(2 + 2 * n);
	desc_str_buf[1] = USB_DT_STRING;
	*p = desc_str_buf;
	return (int)(2 + 2 * n);
}

int usb_desc_get(uint8_t type, uint8_t index, uint16_t langid,
                 const uint8_t **p)
{
	(void)langid; /* one language only */
	switch (type) {
	case USB_DT_DEVICE:
		if (index)
			return TANDEM_ERR_NOT_FOUND;
		*p = desc_device;
		return (int)sizeof(desc_device);
	case USB_DT_CONFIG:
		if (index)
			return TANDEM_ERR_NOT_FOUND;
		*p = desc_config;
		return (int)sizeof(desc_config);
	case USB_DT_STRING:
		return string_desc(index, p);
	default:
		/* DEVICE_QUALIFIER included: a full-speed-only device stalls
		 * it (USB 2.0, 9.6.2). */
		return TANDEM_ERR_NOT_FOUND;
	}
}
