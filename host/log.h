/* Levelled logging to stderr for the I/O boundary modules of the host
 * (transports, device manager, command line). Pure modules never log. */
#ifndef TANDEM_LOG_H
#define TANDEM_LOG_H

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Messages above this level are dropped (default LOG_WARN). */
void log_set_level(int level);
int log_get_level(void);
/* Parses "error", "warn", "info", "debug" or a digit; returns the level or
 * TANDEM_ERR_PARSE. */
int log_level_parse(const char *name);

/* One line to stderr: time since start, level, module tag, message. Safe to
 * call from several threads (one write per line). */
void log_msg(int level, const char *tag, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#define log_err(tag, ...)   log_msg(LOG_ERROR, tag, __VA_ARGS__)
#define log_warn(tag, ...)  log_msg(LOG_WARN, tag, __VA_ARGS__)
#define log_info(tag, ...)  log_msg(LOG_INFO, tag, __VA_ARGS__)
#define log_debug(tag, ...) log_msg(LOG_DEBUG, tag, __VA_ARGS__)

#endif /* TANDEM_LOG_H */
