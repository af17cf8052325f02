/* Config file of `tandem mine`: one JSON object (read with jansson) in the
 * shape cgminer and bfgminer write, so an existing miner's file works:
 *
 *   {"pools": [{"url": "stratum+tcp://pool.example:3333",
 *               "user": "bc1q...worker", "pass": "x"}, ...],
 *    "devices": ["ftdi:0", "sim"],        (or "device"; a string or list)
 *    "aux": ["nmc=1d00ffff", ...],        (or {"nmc": "1d00ffff", ...})
 *    "api-listen": "127.0.0.1:4028",     (or "api"; cgminer's true too)
 *    "api-port": 4028,                    (with "api-listen": true only)
 *    "api-allow-remote": false, "api-write": false,
 *    "suggest-diff": 512,
 *    "tls-ca": "/etc/ssl/pool-ca.pem", "tls-insecure": false}
 *
 * Every key is optional; the caller decides what must come from the file
 * or the command line (at least one pool, one device). Pure but for
 * config_load reading the file; never prints.
 *
 * Validation is strict for the keys above: a wrong JSON type, a bad value
 * or too many entries is an error, with the key path ("pools[1].url") and
 * the problem in the caller's err buffer. Keys this module does not know
 * (cgminer's "intensity", "api-allow", "expiry", "failover-only" and the
 * like) are not errors: they are listed in c->warning so the caller can
 * log them ("unknown key: intensity"), because a config written for
 * another miner should still start Tandem with the parts it understands.
 * Numbers may also be written as decimal strings ("api-port": "4028",
 * "suggest-diff": "512"), the form cgminer's --write-config uses; flags
 * must be JSON true or false.
 *
 * Return codes: 0; TANDEM_ERR_INVAL (NULL argument), TANDEM_ERR_IO (file
 * cannot be read), TANDEM_ERR_PARSE (not JSON, not an object, duplicate
 * key, wrong type, malformed value, both spellings of one key),
 * TANDEM_ERR_RANGE (too many entries, a string too long, a number out of
 * range), TANDEM_ERR_NOMEM. On error *c holds what was read before it
 * and must not be used. */
#ifndef TANDEM_CONFIG_H
#define TANDEM_CONFIG_H

#include <stddef.h>

#include "pools.h"
#include "session.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CONFIG_MAX_FILE     (1u << 20)      /* bytes of a config file */
#define CONFIG_MAX_POOLS    POOLS_MAX       /* pools, in failover order */
#define CONFIG_MAX_URL      511u            /* characters of a pool URL */
#define CONFIG_MAX_USER     255u            /* characters of a pool user */
#define CONFIG_MAX_PASS     255u            /* characters of a password */
#define CONFIG_MAX_DEVICES  32u             /* device strings */
#define CONFIG_MAX_DEVICE   127u            /* characters of one */
#define CONFIG_MAX_AUX      SESSION_MAX_AUX /* --aux chains */
#define CONFIG_MAX_ADDR     127u            /* characters of ADDR:PORT */
#define CONFIG_MAX_PATH     1023u           /* characters of the tls-ca path */
#define CONFIG_MAX_WARN     16u             /* unknown keys listed */
#define CONFIG_MAX_WARN_LEN 95u             /* characters of one warning */
#define CONFIG_API_PORT     4028u           /* cgminer's API port */

struct config_pool {
	char url[CONFIG_MAX_URL + 1];   /* checked with pool_url_parse */
	char user[CONFIG_MAX_USER + 1]; /* required, not empty */
	char pass[CONFIG_MAX_PASS + 1]; /* "" when absent */
};

/* Caller-owned, about 25 KB (allocate it rather than putting it on a small
 * stack). Strings are copies, NUL-terminated; "" means not given. */
struct config {
	struct config_pool pool[CONFIG_MAX_POOLS];
	size_t npools;
	/* Device strings as given; their syntax is not checked here (the
	 * caller runs transport_check on each). */
	char device[CONFIG_MAX_DEVICES][CONFIG_MAX_DEVICE + 1];
	size_t ndevices;
	struct session_aux aux[CONFIG_MAX_AUX]; /* distinct names */
	size_t naux;
	char api_listen[CONFIG_MAX_ADDR + 1]; /* "" = no API */
	int api_allow_remote;
	int api_write;
	double suggest_diff; /* 0 = not set, else > 0 */
	char tls_ca[CONFIG_MAX_PATH + 1];
	int tls_insecure;
	/* Keys not understood, in file order ("intensity",
	 * "pools[0].quota"); warnings_more counts the ones beyond the
	 * list. */
	char warning[CONFIG_MAX_WARN][CONFIG_MAX_WARN_LEN + 1];
	size_t nwarnings;
	size_t warnings_more;
};

/* Empties c (every field "not given"). */
void config_init(struct config *c);

/* Parses the JSON text text[0..len) into c (config_init first). */
int config_parse(const char *text, size_t len, struct config *c, char *err,
                 size_t errlen);

/* Reads the file at path (at most CONFIG_MAX_FILE bytes) and parses it;
 * err names the file on I/O errors. */
int config_load(const char *path, struct config *c, char *err, size_t errlen);

/* One aux target "NAME=TARGET", the form of --aux and of the "aux" list:
 * NAME 1..STRATUM_MAX_AUX_NAME printable ASCII characters without '=',
 * TARGET 64 hex digits (a big-endian 256-bit target, as explorers show
 * it) or 8 hex digits (compact nbits such as "1d00ffff"). The target is
 * stored little-endian (work.h). Returns 0 or TANDEM_ERR_PARSE /
 * TANDEM_ERR_RANGE with the reason in err. */
int config_parse_aux(const char *spec, struct session_aux *out, char *err,
                     size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* TANDEM_CONFIG_H */
