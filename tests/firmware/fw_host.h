/* Test helpers that play the USB host against the firmware's USB stack
 * on the fake port (firmware/port/fake/): control transfers with all
 * their stages, bulk transfers, and a pump that runs the bridge's main
 * loop while the "host" waits. */
#ifndef TANDEM_FW_HOST_H
#define TANDEM_FW_HOST_H

#include <stddef.h>
#include <stdint.h>

/* Called while waiting for the device (runs its main loop once). */
extern void (*fw_host_pump)(void);

/* A control transfer: SETUP, data stage (IN into data / OUT from data),
 * status stage. Returns the data bytes moved, FAKE_STALL if the device
 * stalled any stage, or FAKE_NAK if it never answered. */
int fw_control(uint8_t bm, uint8_t req, uint16_t value, uint16_t index,
               uint16_t length, uint8_t *data);
/* Bulk OUT of len bytes in 64-byte packets (plus a ZLP if zlp and len is
 * a multiple of 64); returns len, FAKE_NAK (device stopped taking data)
 * or FAKE_STALL. */
int fw_bulk_out(uint8_t ep, const uint8_t *data, size_t len, int zlp);
/* Reads one bulk IN transfer (until a short packet); returns its length,
 * FAKE_NAK if nothing came, or FAKE_STALL. */
int fw_bulk_in(uint8_t ep, uint8_t *buf, size_t cap);
/* SET_ADDRESS 5 and SET_CONFIGURATION 1; fails the test on error. */
void fw_enumerate(void);

#endif /* TANDEM_FW_HOST_H */
