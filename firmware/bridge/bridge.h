/* The bridge: protocol frames between the host (USB bulk) and the FPGA
 * (UART), the FPGA loader requests, counters and the host-silence
 * watchdog. Hardware-independent: it uses usb/usbd.h above and
 * port/port.h below, and is unit-tested against port/fake/.
 *
 * Host -> FPGA: bulk OUT bytes collect in a frame buffer; each whole
 * frame with a good header and CRC is copied, byte for byte, into the
 * UART transmit ring when the ring has room for all of it (so frames
 * never interleave); bad frames and junk are counted and dropped. Bulk
 * OUT is re-armed only while the frame buffer has room for a packet, so
 * a slow UART NAKs the host instead of losing data.
 * FPGA -> host: UART bytes collect in a second frame buffer; whole good
 * frames go into a queue that feeds bulk IN, one frame per transfer. If
 * the host stops reading and the queue is full, frames are dropped and
 * counted, unless RTS/CTS is on: then the bridge stops reading the UART
 * and the FPGA sees RTS drop.
 * Watchdog: once the host has sent a frame, if neither a frame nor a
 * control request arrives for the timeout (or the bus resets), the
 * bridge sends the FPGA a RUN frame with run = 0 (seq TB_WATCHDOG_SEQ).
 */
#ifndef TANDEM_BRIDGE_H
#define TANDEM_BRIDGE_H

#include <stdint.h>

#include "tandem_bridge.h"
#include "usbd.h"

#define BRIDGE_TX_RING  2048u /* UART transmit ring (>= TANDEM_MAX_FRAME) */
#define BRIDGE_IN_QUEUE 4096u /* FPGA -> host frame queue bytes */

extern const struct usbd_class bridge_usb_class;

/* Call after port_init() and usbd_init(&bridge_usb_class). */
void bridge_init(void);
/* One step of the main loop. */
void bridge_task(uint32_t now_us);
uint32_t bridge_counter(enum tb_counter c);

#endif /* TANDEM_BRIDGE_H */
