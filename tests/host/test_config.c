/* Config file of `tandem mine` (config.h): a cgminer-shaped file with the
 * keys cgminer writes and Tandem does not use, a file with every Tandem
 * key in both spellings, and a table of broken files, each of which must
 * give its own error code and a detail naming the key. Aux targets are
 * checked against independent sources: the compact target 1d00ffff must
 * equal work.h's difficulty-1 target, and a 64-digit target must decode
 * exactly as the Stratum codec decodes the same digits in a
 * mining.set_aux_targets line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "stratum.h"
#include "tandem_err.h"
#include "work.h"

#define ERRLEN 256

/* The shape of cgminer's example.conf, with Stratum URLs: three pools in
 * failover order, the API switched on cgminer's way (a flag and a port
 * string) and numbers written as strings. */
static const char cgminer_conf[] =
        "{\n"
        "\"pools\" : [\n"
        "\t{\n"
        "\t\t\"url\" : \"stratum+tcp://stratum.example.org:3333\",\n"
        "\t\t\"user\" : \"worker.1\",\n"
        "\t\t\"pass\" : \"x\"\n"
        "\t},\n"
        "\t{\n"
        "\t\t\"url\" : \"stratum+tls://backup.example.net:443\",\n"
        "\t\t\"user\" : \"worker.2\",\n"
        "\t\t\"pass\" : \"d=512\",\n"
        "\t\t\"quota\" : \"1;stratum+tcp://q.example:3333\"\n"
        "\t},\n"
        "\t{\n"
        "\t\t\"url\" : \"192.0.2.7:3333\",\n"
        "\t\t\"user\" : \"bc1qexampleexampleexample\"\n"
        "\t}\n"
        "],\n"
        "\"intensity\" : \"d,9,9,9\",\n"
        "\"api-listen\" : true,\n"
        "\"api-port\" : \"4029\",\n"
        "\"api-allow\" : \"W:127.0.0.1\",\n"
        "\"expiry\" : \"120\",\n"
        "\"failover-only\" : true,\n"
        "\"log\" : \"5\",\n"
        "\"queue\" : \"1\",\n"
        "\"scan-time\" : \"60\",\n"
        "\"suggest-diff\" : \"512\",\n"
        "\"kernel-path\" : \"/usr/local/bin\"\n"
        "}\n";

/* Every Tandem key, list forms. */
static const char tandem_conf[] =
        "{\"pools\":[{\"url\":\"stratum+tcp://[2001:db8::1]:3333\","
        "\"user\":\"u\",\"pass\":\"\"}],"
        "\"devices\":[\"ftdi:0\",\"sim\",\"cpu:1000\"],"
        "\"aux\":[\"nmc=1d00ffff\","
        "\"rsk=0000000000000000000fffff000000000000000000000000000000000000"
        "0000\"],"
        "\"api-listen\":\"[::1]:4028\",\"api-allow-remote\":true,"
        "\"api-write\":true,\"suggest-diff\":0.5,"
        "\"tls-ca\":\"/etc/ssl/pool.pem\",\"tls-insecure\":false}";

/* The same with the other spellings: object aux, one device string,
 * "api", numbers as strings. */
static const char tandem_conf_alt[] =
        "{\"device\":\"sim\","
        "\"aux\":{\"nmc\":\"1d00ffff\","
        "\"rsk\":\"0000000000000000000fffff00000000000000000000000000000000"
        "00000000\"},"
        "\"api\":\"localhost:4028\",\"suggest-diff\":\"0.5\"}";

static struct config *new_config(void)
{
	struct config *c = malloc(sizeof(*c));

	assert_non_null(c);
	memset(c, 0x5a, sizeof(*c));
	return c;
}

static void parse_ok(const char *text, struct config *c)
{
	char err[ERRLEN];
	int rc = config_parse(text, strlen(text), c, err, sizeof(err));

	if (rc != 0)
		fail_msg("config_parse: %d (%s) on %.200s", rc, err, text);
	assert_string_equal(err, "");
}

/* The target the Stratum codec stores for these 64 digits. */
static void stratum_target(const char *hex, uint8_t target[32])
{
	char line[512], err[ERRLEN];
	struct stratum_msg m;

	snprintf(line, sizeof(line),
	         "{\"id\":null,\"method\":\"mining.set_aux_targets\","
	         "\"params\":[null,[[\"x\",\"%s\"]]]}",
	         hex);
	if (stratum_parse_line(line, strlen(line), &m, err, sizeof(err)))
		fail_msg("stratum: %s", err);
	assert_int_equal(m.u.aux.count, 1);
	memcpy(target, m.u.aux.entry[0].target, 32);
	stratum_msg_free(&m);
}

static void check_aux(const struct config *c)
{
	uint8_t diff1[32], rsk[32];

	assert_int_equal(c->naux, 2);
	assert_string_equal(c->aux[0].name, "nmc");
	assert_int_equal(work_difficulty_to_target(1.0, diff1), 0);
	assert_memory_equal(c->aux[0].target, diff1, 32);
	assert_string_equal(c->aux[1].name, "rsk");
	stratum_target("0000000000000000000fffff0000000000000000000000000000000"
	               "000000000",
	               rsk);
	assert_memory_equal(c->aux[1].target, rsk, 32);
}

static void test_cgminer_example(void **state)
{
	struct config *c = new_config();
	static const char *const unknown[] = {
	        "unknown key intensity",
	        "unknown key api-allow",
	        "unknown key expiry",
	        "unknown key failover-only",
	        "unknown key log",
	        "unknown key queue",
	        "unknown key scan-time",
	        "unknown key kernel-path",
	        "unknown key pools[1].quota",
	};
	size_t i;

	(void)state;
	parse_ok(cgminer_conf, c);
	assert_int_equal(c->npools, 3);
	assert_string_equal(c->pool[0].url,
	                    "stratum+tcp://stratum.example.org:3333");
	assert_string_equal(c->pool[0].user, "worker.1");
	assert_string_equal(c->pool[0].pass, "x");
	assert_string_equal(c->pool[1].url,
	                    "stratum+tls://backup.example.net:443");
	assert_string_equal(c->pool[1].pass, "d=512");
	assert_string_equal(c->pool[2].url, "192.0.2.7:3333");
	assert_string_equal(c->pool[2].pass, "");
	/* cgminer's "api-listen": true with its port string */
	assert_string_equal(c->api_listen, "127.0.0.1:4029");
	assert_true(c->suggest_diff == 512);
	assert_int_equal(c->ndevices, 0);
	assert_int_equal(c->naux, 0);
	assert_int_equal(c->api_write, 0);
	assert_string_equal(c->tls_ca, "");
	/* what Tandem does not use is listed, in file order */
	assert_int_equal(c->nwarnings, sizeof(unknown) / sizeof(unknown[0]));
	for (i = 0; i < c->nwarnings; i++)
		assert_string_equal(c->warning[i], unknown[i]);
	assert_int_equal(c->warnings_more, 0);
	free(c);
}

static void test_tandem_keys(void **state)
{
	struct config *c = new_config();

	(void)state;
	parse_ok(tandem_conf, c);
	assert_int_equal(c->npools, 1);
	assert_string_equal(c->pool[0].url, "stratum+tcp://[2001:db8::1]:3333");
	assert_int_equal(c->ndevices, 3);
	assert_string_equal(c->device[0], "ftdi:0");
	assert_string_equal(c->device[1], "sim");
	assert_string_equal(c->device[2], "cpu:1000");
	check_aux(c);
	assert_string_equal(c->api_listen, "[::1]:4028");
	assert_int_equal(c->api_allow_remote, 1);
	assert_int_equal(c->api_write, 1);
	assert_true(c->suggest_diff == 0.5);
	assert_string_equal(c->tls_ca, "/etc/ssl/pool.pem");
	assert_int_equal(c->tls_insecure, 0);
	assert_int_equal(c->nwarnings, 0);

	parse_ok(tandem_conf_alt, c);
	assert_int_equal(c->npools, 0);
	assert_int_equal(c->ndevices, 1);
	assert_string_equal(c->device[0], "sim");
	check_aux(c);
	assert_string_equal(c->api_listen, "localhost:4028");
	assert_true(c->suggest_diff == 0.5);
	assert_int_equal(c->nwarnings, 0);

	/* an empty object is a valid config with nothing given */
	parse_ok("{}", c);
	assert_int_equal(c->npools, 0);
	assert_string_equal(c->api_listen, "");
	assert_true(c->suggest_diff == 0);
	/* the API off cgminer's way; its port is then reported unused */
	parse_ok("{\"api-listen\":false,\"api-port\":4028}", c);
	assert_string_equal(c->api_listen, "");
	assert_int_equal(c->nwarnings, 1);
	assert_non_null(strstr(c->warning[0], "api-port not used"));
	parse_ok("{\"api-listen\":true}", c);
	assert_string_equal(c->api_listen, "127.0.0.1:4028");
	parse_ok("{\"api-listen\":true,\"api-port\":65535}", c);
	assert_string_equal(c->api_listen, "127.0.0.1:65535");
	free(c);
}

static const struct {
	const char *text;
	int code;
	const char *detail;
} bad[] = {
        /* not a config */
        {"", TANDEM_ERR_PARSE, "JSON line 1"},
        {"{\"pools\":[}", TANDEM_ERR_PARSE, "JSON line 1 column 11"},
        {"[]", TANDEM_ERR_PARSE, "must be a JSON object"},
        {"{\"api-write\":true,\"api-write\":false}", TANDEM_ERR_PARSE,
         "duplicate"},
        /* pools */
        {"{\"pools\":{}}", TANDEM_ERR_PARSE, "pools: expected a list"},
        {"{\"pools\":[\"stratum+tcp://a:1\"]}", TANDEM_ERR_PARSE,
         "pools[0]: expected an object"},
        {"{\"pools\":[{\"user\":\"u\"}]}", TANDEM_ERR_PARSE,
         "pools[0].url: missing"},
        {"{\"pools\":[{\"url\":\"a:1\",\"user\":\"u\"},{\"url\":\"a:1\"}]}",
         TANDEM_ERR_PARSE, "pools[1].user: missing"},
        {"{\"pools\":[{\"url\":3333,\"user\":\"u\"}]}", TANDEM_ERR_PARSE,
         "pools[0].url: expected a string"},
        {"{\"pools\":[{\"url\":\"http://a:8332\",\"user\":\"u\"}]}",
         TANDEM_ERR_PARSE, "pools[0].url: "},
        {"{\"pools\":[{\"url\":\"a:1\",\"user\":\"\"}]}", TANDEM_ERR_PARSE,
         "pools[0].user: empty"},
        {"{\"pools\":[{\"url\":\"a:1\",\"user\":\"u\",\"pass\":null}]}",
         TANDEM_ERR_PARSE, "pools[0].pass: expected a string"},
        {"{\"pools\":[{\"url\":\"a:1\",\"user\":\"u\\u0000v\"}]}",
         TANDEM_ERR_PARSE, "JSON line 1 column 40"}, /* \u0000 */
        /* devices */
        {"{\"device\":\"sim\",\"devices\":[\"sim\"]}", TANDEM_ERR_PARSE,
         "both \"devices\" and \"device\""},
        {"{\"devices\":[\"sim\",1]}", TANDEM_ERR_PARSE,
         "devices[1]: expected a string"},
        {"{\"device\":\"\"}", TANDEM_ERR_PARSE, "device: empty"},
        {"{\"devices\":true}", TANDEM_ERR_PARSE,
         "devices: expected a string or a list"},
        /* aux */
        {"{\"aux\":\"nmc=1d00ffff\"}", TANDEM_ERR_PARSE,
         "aux: expected a list"},
        {"{\"aux\":[\"nmc\"]}", TANDEM_ERR_PARSE,
         "aux[0]: \"nmc\": expected NAME=TARGET"},
        {"{\"aux\":[\"nmc=1d00fffg\"]}", TANDEM_ERR_PARSE,
         "aux[0]: \"nmc\": nbits is not 8 hex digits"},
        {"{\"aux\":[\"nmc=1d00ff\"]}", TANDEM_ERR_PARSE,
         "must be 64 hex digits (big-endian) or 8 (nbits), got 6"},
        {"{\"aux\":[\"=1d00ffff\"]}", TANDEM_ERR_PARSE,
         "aux[0]: aux chain name must be 1..32"},
        {"{\"aux\":[\"a b=1d00ffff\"]}", TANDEM_ERR_PARSE, "aux chain name"},
        {"{\"aux\":[\"nmc=1d00ffff\",\"nmc=1c00ffff\"]}", TANDEM_ERR_PARSE,
         "aux[1]: aux chain \"nmc\" given twice"},
        {"{\"aux\":{\"nmc\":5}}", TANDEM_ERR_PARSE,
         "aux.nmc: expected a target string"},
        {"{\"aux\":[\"nmc=00000000000000000000000000000000000000000000000"
         "00000000000000000\"]}",
         TANDEM_ERR_RANGE, "\"nmc\": target is zero"},
        {"{\"aux\":[\"nmc=00000000\"]}", TANDEM_ERR_RANGE, "nmc"},
        /* API */
        {"{\"api-listen\":\"localhost\"}", TANDEM_ERR_PARSE,
         "api-listen: \"localhost\" is not ADDR:PORT"},
        {"{\"api\":\"127.0.0.1:70000\"}", TANDEM_ERR_PARSE,
         "api: \"127.0.0.1:70000\" is not ADDR:PORT"},
        {"{\"api\":\"::1:4028\"}", TANDEM_ERR_PARSE, "is not ADDR:PORT"},
        {"{\"api-listen\":4028}", TANDEM_ERR_PARSE,
         "api-listen: expected \"ADDR:PORT\" or true/false"},
        {"{\"api\":\"a:1\",\"api-listen\":\"a:1\"}", TANDEM_ERR_PARSE,
         "both \"api-listen\" and \"api\""},
        {"{\"api-listen\":true,\"api-port\":\"40x\"}", TANDEM_ERR_PARSE,
         "api-port: \"40x\" is not a number"},
        {"{\"api-listen\":true,\"api-port\":0}", TANDEM_ERR_RANGE,
         "api-port: 0 outside 1..65535"},
        {"{\"api-listen\":true,\"api-port\":4028.5}", TANDEM_ERR_PARSE,
         "api-port: expected an integer"},
        {"{\"api-write\":\"true\"}", TANDEM_ERR_PARSE,
         "api-write: expected true or false"},
        {"{\"api-allow-remote\":1}", TANDEM_ERR_PARSE,
         "api-allow-remote: expected true or false"},
        /* the rest */
        {"{\"suggest-diff\":0}", TANDEM_ERR_RANGE,
         "suggest-diff: 0 is not above 0"},
        {"{\"suggest-diff\":-8}", TANDEM_ERR_RANGE, "suggest-diff: -8"},
        {"{\"suggest-diff\":\"high\"}", TANDEM_ERR_PARSE,
         "suggest-diff: \"high\" is not a number"},
        {"{\"suggest-diff\":\"nan\"}", TANDEM_ERR_PARSE, "is not a number"},
        {"{\"suggest-diff\":true}", TANDEM_ERR_PARSE,
         "suggest-diff: expected a number"},
        {"{\"tls-ca\":\"\"}", TANDEM_ERR_PARSE, "tls-ca: empty"},
        {"{\"tls-ca\":[\"a\"]}", TANDEM_ERR_PARSE, "tls-ca: expected a string"},
        {"{\"tls-insecure\":\"yes\"}", TANDEM_ERR_PARSE,
         "tls-insecure: expected true or false"},
};

static void check_bad(const char *text, int code, const char *detail)
{
	struct config *c = new_config();
	char err[ERRLEN], tiny[6];
	int rc = config_parse(text, strlen(text), c, err, sizeof(err));

	if (rc != code || !strstr(err, detail))
		fail_msg("%.120s: got %d \"%s\", want %d \"%s\"", text, rc, err,
		         code, detail);
	/* no detail buffer, or a tiny one: same code, no overflow */
	assert_int_equal(config_parse(text, strlen(text), c, NULL, 0), code);
	assert_int_equal(
	        config_parse(text, strlen(text), c, tiny, sizeof(tiny)), code);
	assert_true(strlen(tiny) < sizeof(tiny));
	free(c);
}

static void test_broken(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_bad(bad[i].text, bad[i].code, bad[i].detail);
}

/* Tables are bounded: one entry past each limit is a range error. */
static void test_limits(void **state)
{
	struct config *c = new_config();
	size_t cap = 64 * 1024, n, i;
	char *text = malloc(cap);
	char want[64];

	(void)state;
	assert_non_null(text);
	for (i = CONFIG_MAX_POOLS; i <= CONFIG_MAX_POOLS + 1; i++) {
		size_t k;

		n = (size_t)snprintf(text, cap, "{\"pools\":[");
		for (k = 0; k < i; k++)
			n += (size_t)snprintf(
			        text + n, cap - n,
			        "%s{\"url\":\"pool%zu.example:3333\","
			        "\"user\":\"w%zu\"}",
			        k ? "," : "", k, k);
		snprintf(text + n, cap - n, "]}");
		if (i == CONFIG_MAX_POOLS) {
			parse_ok(text, c);
			assert_int_equal(c->npools, CONFIG_MAX_POOLS);
			assert_string_equal(c->pool[15].url,
			                    "pool15.example:3333");
		} else {
			snprintf(want, sizeof(want),
			         "pools: %zu entries, at most %u", i,
			         CONFIG_MAX_POOLS);
			check_bad(text, TANDEM_ERR_RANGE, want);
		}
	}
	for (i = CONFIG_MAX_AUX; i <= CONFIG_MAX_AUX + 1; i++) {
		size_t k;

		n = (size_t)snprintf(text, cap, "{\"aux\":[");
		for (k = 0; k < i; k++)
			n += (size_t)snprintf(text + n, cap - n,
			                      "%s\"c%zu=1d00ffff\"",
			                      k ? "," : "", k);
		snprintf(text + n, cap - n, "]}");
		if (i == CONFIG_MAX_AUX) {
			parse_ok(text, c);
			assert_int_equal(c->naux, CONFIG_MAX_AUX);
		} else {
			check_bad(text, TANDEM_ERR_RANGE, "aux: 17 entries");
		}
	}
	n = (size_t)snprintf(text, cap, "{\"devices\":[");
	for (i = 0; i <= CONFIG_MAX_DEVICES; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s\"sim\"",
		                      i ? "," : "");
	snprintf(text + n, cap - n, "]}");
	check_bad(text, TANDEM_ERR_RANGE, "devices: 33 entries");
	/* a user of CONFIG_MAX_USER characters fits, one more does not */
	for (i = CONFIG_MAX_USER; i <= CONFIG_MAX_USER + 1; i++) {
		n = (size_t)snprintf(
		        text, cap, "{\"pools\":[{\"url\":\"a:1\",\"user\":\"");
		memset(text + n, 'w', i);
		n += i;
		snprintf(text + n, cap - n, "\"}]}");
		if (i == CONFIG_MAX_USER) {
			parse_ok(text, c);
			assert_int_equal(strlen(c->pool[0].user),
			                 CONFIG_MAX_USER);
		} else {
			check_bad(text, TANDEM_ERR_RANGE,
			          "pools[0].user: 256 characters, at most 255");
		}
	}
	/* more unknown keys than the list holds are counted */
	n = (size_t)snprintf(text, cap, "{");
	for (i = 0; i < CONFIG_MAX_WARN + 4; i++)
		n += (size_t)snprintf(text + n, cap - n, "%s\"opt%zu\":1",
		                      i ? "," : "", i);
	snprintf(text + n, cap - n, "}");
	parse_ok(text, c);
	assert_int_equal(c->nwarnings, CONFIG_MAX_WARN);
	assert_int_equal(c->warnings_more, 4);
	assert_string_equal(c->warning[CONFIG_MAX_WARN - 1],
	                    "unknown key opt15");
	free(text);
	free(c);
}

static void test_aux_spec(void **state)
{
	struct session_aux a;
	uint8_t diff1[32];
	char err[ERRLEN];

	(void)state;
	assert_int_equal(config_parse_aux("nmc=1D00FFFF", &a, err, sizeof(err)),
	                 0);
	assert_string_equal(a.name, "nmc");
	assert_int_equal(work_difficulty_to_target(1.0, diff1), 0);
	assert_memory_equal(a.target, diff1, 32);
	/* a 32-character name is the longest */
	assert_int_equal(config_parse_aux("abcdefghijklmnopqrstuvwxyz012345="
	                                  "1d00ffff",
	                                  &a, err, sizeof(err)),
	                 0);
	assert_int_equal(strlen(a.name), STRATUM_MAX_AUX_NAME);
	assert_int_equal(config_parse_aux("abcdefghijklmnopqrstuvwxyz0123456="
	                                  "1d00ffff",
	                                  &a, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	assert_int_equal(
	        config_parse_aux("nmc=1d00ffff=", &a, err, sizeof(err)),
	        TANDEM_ERR_PARSE);
	assert_int_equal(config_parse_aux(NULL, &a, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(config_parse_aux("a=1d00ffff", NULL, NULL, 0),
	                 TANDEM_ERR_INVAL);
}

static void test_load(void **state)
{
	struct config *c = new_config();
	char path[] = "/tmp/tandem-config-XXXXXX";
	char err[ERRLEN];
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(cgminer_conf, 1, sizeof(cgminer_conf) - 1, f),
	                 sizeof(cgminer_conf) - 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(config_load(path, c, err, sizeof(err)), 0);
	assert_int_equal(c->npools, 3);
	assert_string_equal(c->api_listen, "127.0.0.1:4029");
	/* a broken file: the detail names the file and the key */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"pools\":[{\"url\":\"a:1\"}]}", f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(config_load(path, c, err, sizeof(err)),
	                 TANDEM_ERR_PARSE);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "pools[0].user: missing"));
	assert_int_equal(unlink(path), 0);
	/* a file that is not there */
	assert_int_equal(config_load(path, c, err, sizeof(err)), TANDEM_ERR_IO);
	assert_non_null(strstr(err, path));
	assert_int_equal(config_load(NULL, c, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(config_parse(NULL, 0, c, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	assert_int_equal(config_parse("{}", 2, NULL, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cgminer_example),
	        cmocka_unit_test(test_tandem_keys),
	        cmocka_unit_test(test_broken),
	        cmocka_unit_test(test_limits),
	        cmocka_unit_test(test_aux_spec),
	        cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
