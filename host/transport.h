/* Byte transports between the host and a Tandem device, behind one const
 * ops table per kind (sim, cpu, ftdi, usb). A transport moves bytes only;
 * frames, sequence numbers and retries belong to the device manager.
 *
 * Device strings (docs in `tandem --help`):
 *   sim                 spawn build/sim/tandem-sim on a fresh socket
 *   sim:PATH            connect to a running tandem-sim (Unix socket PATH,
 *                       or tcp:HOST:PORT on loopback)
 *   cpu[:RATE]          software device (reference model in a thread),
 *                       RATE nonces per second (0/absent = as fast as it can)
 *   ftdi:VID:PID[:SERIAL][:IFACE]   FTDI UART or FT245 sync FIFO (IFACE A-D)
 *   usb:VID:PID[:SERIAL]            our bridge firmware, libusb bulk
 *   BOARD               a name from the board table (tandem list --boards)
 */
#ifndef TANDEM_TRANSPORT_H
#define TANDEM_TRANSPORT_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

/* Fault injection for tests, understood by the simulator and the software
 * device (rates are probabilities per byte or per frame). */
struct transport_faults {
	double corrupt;      /* flip one bit of a device->host byte */
	double drop;         /* drop a whole device->host frame */
	unsigned stall_ms;   /* pause answering this long every second */
	unsigned disconnect; /* close the connection once, this many seconds
	                      * after it opened */
	double bad_nonce;    /* report a share with a wrong nonce */
};

struct transport_opts {
	const char
	        *sim_bin; /* tandem-sim binary (NULL: build/sim/tandem-sim) */
	const char *sim_config; /* --config NAME for a spawned simulator */
	int sim_trace;          /* +trace for a spawned simulator */
	unsigned baud;          /* UART baud for ftdi (0: board/default) */
	struct transport_faults faults;
};

struct transport;

struct transport_ops {
	const char *name; /* the device-string prefix */
	const char *help; /* one line for --help */
	/* arg is the device string after "name:" ("" when absent). On failure
	 * writes a reason into err and returns a negative code. */
	int (*open)(const char *arg, const struct transport_opts *o,
	            struct transport **out, char *err, size_t errlen);
	/* Re-establishes a lost connection (replug, simulator restart);
	 * returns 0, or a negative code to be retried later. */
	int (*reconnect)(struct transport *t, char *err, size_t errlen);
	/* Bytes accepted (0..n; 0 = try again when writable) or a negative
	 * code (TANDEM_ERR_IO: connection lost). Never blocks. */
	int (*write)(struct transport *t, const uint8_t *buf, size_t n);
	/* Bytes read (>0), 0 if nothing is there now, or a negative code
	 * (TANDEM_ERR_IO: connection lost). Never blocks. */
	int (*read)(struct transport *t, uint8_t *buf, size_t cap);
	/* Descriptors to poll; want_write asks for POLLOUT too. May lower
	 * *timeout_ms for the transport's own housekeeping. */
	int (*pollfds)(struct transport *t, struct pollfd *fds, int max,
	               int want_write, int *timeout_ms);
	/* Optional: runs after poll() on those descriptors (libusb events). */
	void (*service)(struct transport *t, const struct pollfd *fds, int n);
	/* Optional: one line describing where the device is ("pid 123 sock
	 * /tmp/x"), for logs and `tandem list`. */
	void (*describe)(struct transport *t, char *buf, size_t n);
	void (*close)(struct transport *t);
};

/* Every transport object starts with this. */
struct transport {
	const struct transport_ops *ops;
};

extern const struct transport_ops transport_sim_ops;
extern const struct transport_ops transport_cpu_ops;
extern const struct transport_ops transport_ftdi_ops;
extern const struct transport_ops transport_usb_ops;

/* NULL-terminated list of every transport. */
extern const struct transport_ops *const transport_table[];

/* Resolves a device string (board names included) and opens it. */
int transport_open(const char *spec, const struct transport_opts *o,
                   struct transport **out, char *err, size_t errlen);
/* Checks a device string's syntax without opening anything; 0 or
 * TANDEM_ERR_PARSE with a reason in err. */
int transport_check(const char *spec, char *err, size_t errlen);

/* Parses "VID:PID" (hex, optional 0x) at s; returns characters used or a
 * negative code. Shared by ftdi, usb and boards. */
int transport_parse_vidpid(const char *s, uint16_t *vid, uint16_t *pid);

#endif /* TANDEM_TRANSPORT_H */
