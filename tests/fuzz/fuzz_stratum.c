/* libFuzzer target for the Stratum v1 parser: any bytes as one pool line.
 *
 * Beyond "no crash, no leak, no undefined behaviour" (the sanitizers), it
 * checks what callers rely on: the detail text is always terminated
 * inside its buffer, a failed parse leaves nothing to free, decoded
 * fields stay inside their documented bounds, and every text the parser
 * keeps (job id, reason, message) can be sent straight back through the
 * formatters, which only accept valid UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stratum.h"
#include "tandem_err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond))                                                   \
			abort();                                               \
	} while (0)

static void check_notify(const struct stratum_notify *n)
{
	struct stratum_submit s = {0};
	struct stratum_msg back;
	char line[1024];
	size_t jl = strnlen(n->job_id, sizeof(n->job_id));
	int len;

	CHECK(jl >= 1 && jl <= STRATUM_MAX_JOB_ID);
	CHECK(n->coinb1 && n->coinb1_len >= 1 &&
	      n->coinb1_len <= STRATUM_MAX_COINB);
	CHECK(n->coinb2 && n->coinb2_len >= 1 &&
	      n->coinb2_len <= STRATUM_MAX_COINB);
	CHECK(n->merkle_count <= STRATUM_MAX_MERKLE);
	CHECK(n->clean_jobs == 0 || n->clean_jobs == 1);
	/* The job id goes back out in a submit, which reads back as JSON
	 * (a method the pool side does not send, hence UNSUPPORTED). */
	s.user = "fuzz";
	s.job_id = n->job_id;
	s.extranonce2 = n->coinb1;
	s.extranonce2_len = n->coinb1_len < 8 ? n->coinb1_len : 8;
	s.ntime = n->ntime;
	s.nonce = n->nbits;
	s.has_version_bits = 1;
	s.version_bits = n->version;
	len = stratum_format_submit(line, sizeof(line), 1, &s);
	CHECK(len > 0 && (size_t)len == strlen(line));
	CHECK(stratum_parse_line(line, (size_t)len, &back, NULL, 0) ==
	      TANDEM_ERR_UNSUPPORTED);
	CHECK(strcmp(back.method, "mining.submit") == 0);
	stratum_msg_free(&back);
}

static void check_text(const char *text, size_t cap)
{
	char line[2 * STRATUM_MAX_TEXT + 64];

	CHECK(strnlen(text, cap) < cap);
	CHECK(stratum_format_version(line, sizeof(line), 1, text) > 0);
}

static void check_response(const struct stratum_msg *m)
{
	struct stratum_subscribe_result sr;
	struct stratum_configure_result cr;
	char err[128];
	int rc;

	check_text(m->u.response.reason, sizeof(m->u.response.reason));
	CHECK(m->u.response.is_error == 0 || m->u.response.is_error == 1);
	CHECK((m->u.response.result == STRATUM_RESULT_OTHER) ==
	      (m->u.response.result_json != NULL));
	rc = stratum_result_subscribe(m, &sr, err, sizeof(err));
	CHECK(rc <= 0 && strlen(err) < sizeof(err));
	if (rc == 0) {
		CHECK(sr.extranonce1_len <= STRATUM_MAX_EXTRANONCE);
		CHECK(sr.extranonce2_size <= STRATUM_MAX_EXTRANONCE);
		check_text(sr.session, sizeof(sr.session));
	}
	rc = stratum_result_configure(m, &cr, err, sizeof(err));
	CHECK(rc <= 0 && strlen(err) < sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stratum_msg m;
	char err[96], tiny[5];
	size_t i;
	int rc, rc2;

	memset(err, 'x', sizeof(err));
	rc = stratum_parse_line((const char *)data, size, &m, err, sizeof(err));
	CHECK(rc <= 0);
	CHECK(strnlen(err, sizeof(err)) < sizeof(err));
	CHECK(rc == 0 || err[0] != '\0');
	if (rc < 0) {
		CHECK(m.kind == (rc == TANDEM_ERR_UNSUPPORTED
		                         ? STRATUM_UNKNOWN_METHOD
		                         : STRATUM_NONE));
		CHECK(rc == TANDEM_ERR_PARSE || rc == TANDEM_ERR_RANGE ||
		      rc == TANDEM_ERR_UNSUPPORTED || rc == TANDEM_ERR_NOMEM);
	} else {
		CHECK(m.kind > STRATUM_NONE && m.kind < STRATUM_UNKNOWN_METHOD);
	}
	check_text(m.method, sizeof(m.method));
	switch (m.kind) {
	case STRATUM_NOTIFY:
		check_notify(&m.u.notify);
		break;
	case STRATUM_RESPONSE:
		check_response(&m);
		break;
	case STRATUM_SET_DIFFICULTY:
		CHECK(m.u.difficulty > 0);
		break;
	case STRATUM_SET_EXTRANONCE:
		CHECK(m.u.extranonce.extranonce1_len <= STRATUM_MAX_EXTRANONCE);
		CHECK(m.u.extranonce.extranonce2_size <=
		      STRATUM_MAX_EXTRANONCE);
		break;
	case STRATUM_RECONNECT:
		CHECK(m.u.reconnect.port <= 65535);
		CHECK(m.u.reconnect.wait <= STRATUM_MAX_WAIT);
		check_text(m.u.reconnect.host, sizeof(m.u.reconnect.host));
		break;
	case STRATUM_SHOW_MESSAGE:
		check_text(m.u.message, sizeof(m.u.message));
		break;
	case STRATUM_SET_AUX_TARGETS:
		CHECK(m.u.aux.count <= STRATUM_MAX_AUX);
		for (i = 0; i < m.u.aux.count; i++)
			check_text(m.u.aux.entry[i].name,
			           sizeof(m.u.aux.entry[i].name));
		break;
	default:
		break;
	}
	stratum_msg_free(&m);
	CHECK(m.kind == STRATUM_NONE);

	/* Same verdict with a detail buffer too small for any message. */
	rc2 = stratum_parse_line((const char *)data, size, &m, tiny,
	                         sizeof(tiny));
	CHECK(rc2 == rc);
	CHECK(strnlen(tiny, sizeof(tiny)) < sizeof(tiny));
	stratum_msg_free(&m);
	return 0;
}
