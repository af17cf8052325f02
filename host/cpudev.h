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
	struct transport_faults faults;
};

/* Starts the device thread on fd (it owns fd from now on). */
int cpudev_start(int fd, const struct cpudev_config *c, struct cpudev **out);
/* Stops and joins the thread, closes its fd, frees. */
void cpudev_stop(struct cpudev *cd);

#endif /* TANDEM_CPUDEV_H */
