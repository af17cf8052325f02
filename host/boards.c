/* The board table (see boards.h). USB ids are the converters' factory ids;
 * the pico-ice bridge uses the id docs/firmware.md gives our firmware. */
#include "boards.h"

#include <stdio.h>
#include <string.h>

#include "tandem_err.h"

/* Our bridge firmware's USB id: pid.codes (VID 0x1209) test PID 0x0001,
 * for development only (docs/firmware.md). */
#define TANDEM_BRIDGE_VID 0x1209u
#define TANDEM_BRIDGE_PID 0x0001u

const struct board boards_table[] = {
        {
                .name = "icebreaker",
                .description = "1BitSquared iCEBreaker (iCE40UP5K), FT2232H",
                .transport = "ftdi",
                .vid = 0x0403,
                .pid = 0x6010,
                .iface = 'B',
                .baud = 3000000,
                .notes = "UART on FT2232H interface B (A is the flash SPI)",
        },
        {
                .name = "hx8k",
                .description = "Lattice iCE40-HX8K breakout board, FT2232H",
                .transport = "ftdi",
                .vid = 0x0403,
                .pid = 0x6010,
                .iface = 'B',
                .baud = 3000000,
                .notes = "UART on FT2232H interface B (A is the flash SPI)",
        },
        {
                .name = "ulx3s",
                .description = "Radiona ULX3S (ECP5), FT231X",
                .transport = "ftdi",
                .vid = 0x0403,
                .pid = 0x6015,
                .iface = 'A',
                .baud = 3000000,
                .notes = "UART on the FT231X (single interface)",
        },
        {
                .name = "tangnano9k",
                .description = "Sipeed Tang Nano 9K (GW1NR-9), BL702 as FT2232",
                .transport = "ftdi",
                .vid = 0x0403,
                .pid = 0x6010,
                .iface = 'B',
                .baud = 3000000,
                .notes = "the BL702 presents itself as an FT2232 (0403:6010); "
                         "UART on interface B, A is JTAG",
        },
        {
                .name = "pico-ice",
                .description = "tinyVision pico-ice (iCE40UP5K + RP2040), "
                               "Tandem bridge firmware",
                .transport = "usb",
                .vid = TANDEM_BRIDGE_VID,
                .pid = TANDEM_BRIDGE_PID,
                .iface = 0,
                .baud = 0,
                .notes = "RP2040 runs firmware/ (USB bulk <-> FPGA link)",
        },
        {.name = NULL},
};

const struct board *boards_find(const char *name)
{
	const struct board *b;

	for (b = boards_table; b->name; b++)
		if (strcmp(b->name, name) == 0)
			return b;
	return NULL;
}

int boards_device_string(const struct board *b, char *buf, size_t n)
{
	int len;

	if (strcmp(b->transport, "ftdi") == 0)
		len = snprintf(buf, n, "ftdi:%04x:%04x::%c", b->vid, b->pid,
		               b->iface ? b->iface : 'A');
	else
		len = snprintf(buf, n, "%s:%04x:%04x", b->transport, b->vid,
		               b->pid);
	if (len < 0 || (size_t)len >= n)
		return TANDEM_ERR_RANGE;
	return len;
}
