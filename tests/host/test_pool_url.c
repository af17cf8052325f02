/* Pool URL parsing: every scheme, IPv4, names, bracketed IPv6, and a
 * table of malformed URLs that must each be refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pool_url.h"
#include "tandem_err.h"

static void test_good(void **state)
{
	static const struct {
		const char *url;
		int tls;
		const char *host;
		unsigned port;
		int ipv6;
		const char *canon;
	} t[] = {
	        {"stratum+tcp://pool.example.com:3333", 0, "pool.example.com",
	         3333, 0, "stratum+tcp://pool.example.com:3333"},
	        {"stratum+tls://10.0.0.1:443", 1, "10.0.0.1", 443, 0,
	         "stratum+tls://10.0.0.1:443"},
	        {"stratum+ssl://a.b:1", 1, "a.b", 1, 0, "stratum+tls://a.b:1"},
	        {"stratum+tcps://x-y_z.example:65535", 1, "x-y_z.example",
	         65535, 0, "stratum+tls://x-y_z.example:65535"},
	        {"stratum+tcp://[::1]:3333", 0, "::1", 3333, 1,
	         "stratum+tcp://[::1]:3333"},
	        {"stratum+tls://[2001:db8::42]:4444/", 1, "2001:db8::42", 4444,
	         1, "stratum+tls://[2001:db8::42]:4444"},
	        {"127.0.0.1:4028", 0, "127.0.0.1", 4028, 0,
	         "stratum+tcp://127.0.0.1:4028"},
	        {"[::1]:1", 0, "::1", 1, 1, "stratum+tcp://[::1]:1"},
	};
	struct pool_url u;
	char err[128], buf[300];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(pool_url_parse(t[i].url, &u, err, sizeof(err)),
		                 0);
		assert_int_equal(u.tls, t[i].tls);
		assert_string_equal(u.host, t[i].host);
		assert_int_equal(u.port, t[i].port);
		assert_int_equal(u.ipv6, t[i].ipv6);
		assert_true(pool_url_format(&u, buf, sizeof(buf)) > 0);
		assert_string_equal(buf, t[i].canon);
	}
	assert_int_equal(pool_url_format(&u, buf, 5), TANDEM_ERR_RANGE);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
	        "http://pool:3333",             /* scheme */
	        "stratum+udp://pool:3333",      /* scheme */
	        "stratum+tcp://pool",           /* no port */
	        "stratum+tcp://pool:",          /* empty port */
	        "stratum+tcp://pool:0",         /* port 0 */
	        "stratum+tcp://pool:65536",     /* port range */
	        "stratum+tcp://pool:33a",       /* trailing text */
	        "stratum+tcp://:3333",          /* no host */
	        "stratum+tcp://po ol:3333",     /* space */
	        "stratum+tcp://[::1:3333",      /* bracket */
	        "stratum+tcp://[]:3333",        /* empty literal */
	        "stratum+tcp://[xyz]:3333",     /* not IPv6 */
	        "stratum+tcp://-pool:3333",     /* leading dash */
	        "stratum+tcp://pool.:3333",     /* trailing dot */
	        "stratum+tcp://pool:3333/path", /* a path */
	        "",
	};
	struct pool_url u;
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(pool_url_parse(bad[i], &u, err, sizeof(err)),
		                 TANDEM_ERR_PARSE);
		assert_true(strlen(err) > 0);
	}
	assert_int_equal(pool_url_parse(NULL, &u, err, sizeof(err)),
	                 TANDEM_ERR_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_good),
	        cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
