/* Helpers shared by the socket-based transports (sim, cpu): non-blocking
 * read/write on one descriptor with errno mapped to project codes. */
#ifndef TANDEM_TRANSPORT_IO_H
#define TANDEM_TRANSPORT_IO_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

int tio_nonblock(int fd);
/* Bytes written, 0 on EAGAIN, TANDEM_ERR_IO on a lost connection. */
int tio_write(int fd, const uint8_t *buf, size_t n);
/* Bytes read, 0 on EAGAIN, TANDEM_ERR_IO on EOF or error. */
int tio_read(int fd, uint8_t *buf, size_t cap);
/* One pollfd for fd. */
int tio_pollfd(int fd, struct pollfd *fds, int max, int want_write);

#endif /* TANDEM_TRANSPORT_IO_H */
