/* Non-blocking descriptor I/O for the socket transports. */
#include "transport_io.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem_err.h"

int tio_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return TANDEM_ERR_IO;
	return 0;
}

int tio_write(int fd, const uint8_t *buf, size_t n)
{
	for (;;) {
		ssize_t k = send(fd, buf, n, MSG_NOSIGNAL);

		if (k >= 0)
			return (int)k;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return TANDEM_ERR_IO;
	}
}

int tio_read(int fd, uint8_t *buf, size_t cap)
{
	for (;;) {
		ssize_t k = read(fd, buf, cap);

		if (k > 0)
			return (int)k;
		if (k == 0)
			return TANDEM_ERR_IO;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return TANDEM_ERR_IO;
	}
}

int tio_pollfd(int fd, struct pollfd *fds, int max, int want_write)
{
	if (fd < 0 || max < 1)
		return 0;
	fds[0].fd = fd;
	fds[0].events = (short)(POLLIN | (want_write ? POLLOUT : 0));
	fds[0].revents = 0;
	return 1;
}
