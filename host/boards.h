/* Board table: the boards the host knows by name, as data. A board name
 * is also a device string; it resolves to the transport string below. */
#ifndef TANDEM_BOARDS_H
#define TANDEM_BOARDS_H

#include <stddef.h>
#include <stdint.h>

struct board {
	const char *name;        /* device-string name, e.g. "icebreaker" */
	const char *description; /* one line for `tandem list --boards` */
	const char *transport;   /* "ftdi" or "usb" */
	uint16_t vid, pid;
	char iface;        /* FTDI interface 'A'..'D' carrying the UART/FIFO */
	unsigned baud;     /* UART baud the bitstream uses; 0 = FIFO/USB */
	const char *notes; /* what the link is on this board */
};

/* NULL-name-terminated table. */
extern const struct board boards_table[];

/* The board called name, or NULL. */
const struct board *boards_find(const char *name);
/* Writes the transport device string for a board ("ftdi:0403:6010::B"). */
int boards_device_string(const struct board *b, char *buf, size_t n);

#endif /* TANDEM_BOARDS_H */
