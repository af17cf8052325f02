/* Software Tandem device: a thread that answers the wire protocol on one
 * end of a socket pair exactly as the hardware does (command handling,
 * rolling order, target compare, SHARE frames) and hashes with the C
 * reference model. Behind transport_cpu it takes the same code path as a
 * board: a fallback for users without one and the load for the many-
 * device benchmark. */
#ifndef TANDEM_CPUDEV_H
#define TANDEM_CPUDEV_H

#include "transport.h"

struct cpudev;

struct cpudev_config {
	double rate;    /* nonces per second; 0 = as fast as it can */
	unsigned index; /* device number, for the INFO serial */
	unsigned modes; /* INFO work_modes (PROTO_MODE_*); 0 = the default
	                 * (cpudev_set_default_modes) */
	struct transport_faults faults;
};

/* Work modes the software devices started from now on offer when their
 * config leaves modes 0: PROTO_MODE_HEADER alone makes them header-only
 * devices, as small FPGA boards are (they answer a Stratum-mode JOB with
 * NAK MODE); 0 restores both modes. Set from the command line
 * (--cpu-header) before any device starts. */
void cpudev_set_default_modes(unsigned modes);

/* Starts the device thread on fd (it owns fd from now on). */
int cpudev_start(int fd, const struct cpudev_config *c, struct cpudev **out);
/* Stops and joins the thread, closes its fd, frees. */
void cpudev_stop(struct cpudev *cd);

#endif /* TANDEM_CPUDEV_H */
