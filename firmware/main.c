/* Tandem USB bridge firmware: the main loop. The port brings up the
 * chip, the USB stack and the bridge are bound together, and then one
 * loop polls the USB controller, runs the bridge and feeds the watchdog.
 * Nothing runs from interrupts except the UART receive queue. */
#include <stdint.h>

#include "bridge.h"
#include "dcd.h"
#include "port.h"
#include "usb_desc.h"
#include "usbd.h"

int main(void)
{
	uint8_t id[8];

	port_init();
	port_unique_id(id); /* zeros if boot2 could not read it */
	usb_desc_set_serial(id);
	usbd_init(&bridge_usb_class);
	bridge_init();
	dcd_init();
	dcd_connect(1);
	for (;;) {
		dcd_poll();
		bridge_task(port_time_us());
		port_wdt_feed();
	}
}
