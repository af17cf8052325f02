/* Levelled logging to stderr (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tandem_err.h"

static int log_level = LOG_WARN;
static struct timespec log_t0;
static int log_t0_set;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_set_level(int level)
{
	if (level < LOG_ERROR)
		level = LOG_ERROR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	log_level = level;
	if (!log_t0_set) {
		clock_gettime(CLOCK_MONOTONIC, &log_t0);
		log_t0_set = 1;
	}
}

int log_get_level(void)
{
	return log_level;
}

int log_level_parse(const char *name)
{
	size_t i;

	if (name[0] >= '0' && name[0] <= '3' && name[1] == '\0')
		return name[0] - '0';
	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	return TANDEM_ERR_PARSE;
}

void log_msg(int level, const char *tag, const char *fmt, ...)
{
	char line[512];
	struct timespec now;
	double t;
	va_list ap;
	int n, m;

	if (level > log_level)
		return;
	if (!log_t0_set) {
		clock_gettime(CLOCK_MONOTONIC, &log_t0);
		log_t0_set = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = (double)(now.tv_sec - log_t0.tv_sec) +
	    (double)(now.tv_nsec - log_t0.tv_nsec) / 1e9;
	n = snprintf(line, sizeof(line), "[%9.3f] %-5s %s: ", t,
	             level_names[level < 0   ? 0
	                         : level > 3 ? 3
	                                     : level],
	             tag);
	if (n < 0)
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write() per line so threads do not interleave inside a line. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
