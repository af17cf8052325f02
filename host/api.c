/* cgminer-compatible monitoring API (see api.h). */
#include "api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pool_url.h"
#include "tandem_err.h"

#define API_VERSION "3.7"
#define MAX_CLIENTS 8
#define REQ_MAX     4096
#define CLIENT_MS   2000u

/* cgminer's status codes for the replies Tandem gives. */
#define MSG_POOL       7
#define MSG_DEVS       9
#define MSG_SUMM       11
#define MSG_INVCMD     14
#define MSG_VERSION    22
#define MSG_MINECONFIG 33
#define MSG_ACCDENY    45
#define MSG_ACCOK      46
#define MSG_BYE        0
#define MSG_CHECK      72
#define MSG_MINESTATS  70

struct client {
	int fd;
	char buf[REQ_MAX + 1];
	size_t len;
	char *reply;
	size_t rlen, roff;
	uint64_t deadline;
};

struct api {
	struct loop *loop;
	struct api_cfg cfg;
	char version[64];
	struct upstream *up;
	struct api_provider prov;
	void *user;
	int lfd;
	struct client cl[MAX_CLIENTS];
	uint64_t started;
};

static const char *const write_cmds[] = {
        "switchpool",    "enablepool", "disablepool", "addpool", "removepool",
        "poolpriority",  "poolquota",  "save",        "restart", "quit",
        "privileged",    "ascenable",  "ascdisable",  "ascset",  "pgaenable",
        "pgadisable",    "pgaset",     "setconfig",   "zero",    "debug",
        "failover-only", "hotplug",    "lockstats",
};

static const char *const read_cmds[] = {
        "summary", "devs", "pools", "stats", "version", "config", "check",
};

static int in_list(const char *cmd, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(cmd, list[i]) == 0)
			return 1;
	return 0;
}

static json_t *status(struct api *a, const char *st, int code, const char *msg)
{
	return json_pack("[{s:s,s:I,s:i,s:s,s:s}]", "STATUS", st, "When",
	                 (json_int_t)time(NULL), "Code", code, "Msg", msg,
	                 "Description", a->version);
}

/* The reply object of one command. */
static json_t *command(struct api *a, const char *cmd, const char *param)
{
	json_t *r = json_object(), *arr, *o;
	char msg[128];

	if (!r)
		return NULL;
	if (!in_list(cmd, read_cmds,
	             sizeof(read_cmds) / sizeof(read_cmds[0]))) {
		if (in_list(cmd, write_cmds,
		            sizeof(write_cmds) / sizeof(write_cmds[0]))) {
			if (!a->cfg.writable) {
				snprintf(msg, sizeof(msg),
				         "Access denied to '%s' command", cmd);
				json_object_set_new(
				        r, "STATUS",
				        status(a, "E", MSG_ACCDENY, msg));
			} else if (strcmp(cmd, "privileged") == 0) {
				json_object_set_new(
				        r, "STATUS",
				        status(a, "S", MSG_ACCOK,
				               "Privileged access OK"));
			} else if (strcmp(cmd, "quit") == 0) {
				json_object_set_new(
				        r, "STATUS",
				        status(a, "S", MSG_BYE, "BYE"));
				if (a->prov.quit)
					a->prov.quit(a->user);
			} else {
				snprintf(msg, sizeof(msg),
				         "Command '%s' not supported by Tandem",
				         cmd);
				json_object_set_new(
				        r, "STATUS",
				        status(a, "E", MSG_INVCMD, msg));
			}
			return r;
		}
		json_object_set_new(
		        r, "STATUS",
		        status(a, "E", MSG_INVCMD, "Invalid command"));
		return r;
	}
	if (strcmp(cmd, "summary") == 0) {
		o = json_object();
		json_object_set_new(
		        o, "Elapsed",
		        json_integer(
		                (json_int_t)(time(NULL) - (time_t)a->started)));
		if (a->prov.summary)
			a->prov.summary(a->user, o);
		if (a->up)
			upstream_api_summary(a->up, o);
		json_object_set_new(r, "STATUS",
		                    status(a, "S", MSG_SUMM, "Summary"));
		json_object_set_new(r, "SUMMARY", json_pack("[o]", o));
	} else if (strcmp(cmd, "pools") == 0) {
		arr = json_array();
		if (a->up)
			upstream_api_pools(a->up, arr);
		snprintf(msg, sizeof(msg), "%zu Pool(s)", json_array_size(arr));
		json_object_set_new(r, "STATUS", status(a, "S", MSG_POOL, msg));
		json_object_set_new(r, "POOLS", arr);
	} else if (strcmp(cmd, "devs") == 0) {
		arr = json_array();
		if (a->prov.devs)
			a->prov.devs(a->user, arr);
		snprintf(msg, sizeof(msg), "%zu ASC(s)", json_array_size(arr));
		json_object_set_new(r, "STATUS", status(a, "S", MSG_DEVS, msg));
		json_object_set_new(r, "DEVS", arr);
	} else if (strcmp(cmd, "stats") == 0) {
		arr = json_array();
		if (a->prov.stats)
			a->prov.stats(a->user, arr);
		json_object_set_new(
		        r, "STATUS",
		        status(a, "S", MSG_MINESTATS, "CGMiner stats"));
		json_object_set_new(r, "STATS", arr);
	} else if (strcmp(cmd, "version") == 0) {
		json_object_set_new(
		        r, "STATUS",
		        status(a, "S", MSG_VERSION, "CGMiner versions"));
		json_object_set_new(r, "VERSION",
		                    json_pack("[{s:s,s:s,s:s}]", "CGMiner",
		                              a->version, "API", API_VERSION,
		                              "Miner", a->version));
	} else if (strcmp(cmd, "config") == 0) {
		json_t *devs = json_array(), *pools = json_array();
		size_t ndev, npool;

		if (a->prov.devs)
			a->prov.devs(a->user, devs);
		if (a->up)
			upstream_api_pools(a->up, pools);
		ndev = json_array_size(devs);
		npool = json_array_size(pools);
		json_decref(devs);
		json_decref(pools);
		json_object_set_new(
		        r, "STATUS",
		        status(a, "S", MSG_MINECONFIG, "CGMiner config"));
		json_object_set_new(r, "CONFIG",
		                    json_pack("[{s:I,s:I,s:s,s:s}]",
		                              "ASC Count", (json_int_t)ndev,
		                              "Pool Count", (json_int_t)npool,
		                              "Strategy", "Failover",
		                              "Device Code", "TANDEM"));
	} else { /* check */
		int exists =
		        param &&
		        (in_list(param, read_cmds,
		                 sizeof(read_cmds) / sizeof(read_cmds[0])) ||
		         in_list(param, write_cmds,
		                 sizeof(write_cmds) / sizeof(write_cmds[0])));
		int access =
		        exists &&
		        (a->cfg.writable ||
		         in_list(param, read_cmds,
		                 sizeof(read_cmds) / sizeof(read_cmds[0])));

		json_object_set_new(r, "STATUS",
		                    status(a, "S", MSG_CHECK, "Check command"));
		json_object_set_new(r, "COMMAND",
		                    json_pack("[{s:s,s:s}]", "Exists",
		                              exists ? "Y" : "N", "Access",
		                              access ? "Y" : "N"));
	}
	return r;
}

/* cgminer's text form: KEY=value pairs, ',' between, '|' after each
 * section; SUMMARY-like sections start with their name. */
static void text_section(char **out, size_t *len, const char *name, json_t *obj,
                         int named)
{
	const char *key;
	json_t *v;
	int first = 1;
	FILE *f;
	char *buf = NULL;
	size_t n = 0;

	f = open_memstream(&buf, &n);
	if (!f)
		return;
	if (named) {
		fputs(name, f);
		first = 0;
	}
	json_object_foreach(obj, key, v)
	{
		fputs(first ? "" : ",", f);
		first = 0;
		if (json_is_string(v))
			fprintf(f, "%s=%s", key, json_string_value(v));
		else if (json_is_integer(v))
			fprintf(f, "%s=%lld", key,
			        (long long)json_integer_value(v));
		else if (json_is_real(v))
			fprintf(f, "%s=%.4f", key, json_real_value(v));
		else if (json_is_boolean(v))
			fprintf(f, "%s=%s", key,
			        json_is_true(v) ? "true" : "false");
	}
	fputc('|', f);
	fclose(f);
	if (!buf)
		return;
	{
		char *p = realloc(*out, *len + n + 1);

		if (p) {
			memcpy(p + *len, buf, n + 1);
			*out = p;
			*len += n;
		}
	}
	free(buf);
}

static char *as_text(json_t *r)
{
	const char *key;
	json_t *v;
	char *out = NULL;
	size_t len = 0, i;

	out = calloc(1, 1);
	if (!out)
		return NULL;
	v = json_object_get(r, "STATUS");
	for (i = 0; i < json_array_size(v); i++)
		text_section(&out, &len, "STATUS", json_array_get(v, i), 0);
	json_object_foreach(r, key, v)
	{
		int named = strcmp(key, "SUMMARY") == 0 ||
		            strcmp(key, "VERSION") == 0 ||
		            strcmp(key, "CONFIG") == 0 ||
		            strcmp(key, "COMMAND") == 0;

		if (strcmp(key, "STATUS") == 0 || !json_is_array(v))
			continue;
		for (i = 0; i < json_array_size(v); i++)
			text_section(&out, &len, key, json_array_get(v, i),
			             named);
	}
	return out;
}

char *api_answer(struct api *a, const char *req, size_t len)
{
	char cmdbuf[256], *param = NULL, *out;
	const char *cmd = NULL, *par = NULL;
	json_t *root = NULL, *r;
	int is_json;

	while (len && (req[len - 1] == '\n' || req[len - 1] == '\r' ||
	               req[len - 1] == 0 || req[len - 1] == ' '))
		len--;
	is_json = len && req[0] == '{';
	if (is_json) {
		root = json_loadb(req, len, 0, NULL);
		cmd = json_string_value(json_object_get(root, "command"));
		par = json_string_value(json_object_get(root, "parameter"));
		if (!cmd) {
			json_decref(root);
			r = json_object();
			json_object_set_new(r, "STATUS",
			                    status(a, "E", MSG_INVCMD,
			                           "Invalid JSON or missing "
			                           "command"));
			out = json_dumps(r, JSON_COMPACT);
			json_decref(r);
			return out;
		}
		snprintf(cmdbuf, sizeof(cmdbuf), "%s", cmd);
	} else {
		snprintf(cmdbuf, sizeof(cmdbuf), "%.*s",
		         (int)(len < sizeof(cmdbuf) ? len : sizeof(cmdbuf) - 1),
		         req);
		param = strchr(cmdbuf, '|');
		if (param)
			*param++ = 0;
		par = param;
	}
	if (is_json && strchr(cmdbuf, '+')) {
		/* several commands: {"summary":[reply], "pools":[reply]} */
		char *save = NULL, *tok;

		r = json_object();
		for (tok = strtok_r(cmdbuf, "+", &save); tok;
		     tok = strtok_r(NULL, "+", &save))
			json_object_set_new(
			        r, tok, json_pack("[o]", command(a, tok, par)));
	} else {
		r = command(a, cmdbuf, par);
	}
	json_decref(root);
	if (!r)
		return NULL;
	out = is_json ? json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER)
	              : as_text(r);
	json_decref(r);
	return out;
}

static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->reply);
	c->reply = NULL;
	c->len = c->rlen = c->roff = 0;
}

static int src_prepare(void *arg, struct pollfd *fds, int max, int *timeout)
{
	struct api *a = arg;
	uint64_t now = loop_now_ms();
	int n = 0, i;

	if (a->lfd >= 0 && n < max) {
		fds[n].fd = a->lfd;
		fds[n].events = POLLIN;
		n++;
	}
	for (i = 0; i < MAX_CLIENTS && n < max; i++) {
		struct client *c = &a->cl[i];
		int t;

		if (c->fd < 0)
			continue;
		fds[n].fd = c->fd;
		fds[n].events = c->reply ? POLLOUT : POLLIN;
		n++;
		t = c->deadline > now ? (int)(c->deadline - now) : 0;
		if (*timeout < 0 || t < *timeout)
			*timeout = t;
	}
	return n;
}

static int json_complete(const struct client *c)
{
	json_t *j;

	if (!c->len || c->buf[c->len - 1] != '}')
		return 0;
	j = json_loadb(c->buf, c->len, 0, NULL);
	json_decref(j);
	return j != NULL;
}

static void client_io(struct api *a, struct client *c, short re)
{
	if (!c->reply && (re & (POLLIN | POLLERR | POLLHUP))) {
		ssize_t n = recv(c->fd, c->buf + c->len, REQ_MAX - c->len, 0);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n > 0)
			c->len += (size_t)n;
		/* plain text comes in one piece (as cgminer reads it); JSON
		 * is answered once it parses or the client ends its side */
		if (n <= 0 || c->len == REQ_MAX ||
		    memchr(c->buf, '\n', c->len) || memchr(c->buf, 0, c->len) ||
		    (c->len && c->buf[0] != '{') || json_complete(c)) {
			c->buf[c->len] = 0;
			if (c->len == 0) {
				client_close(c);
				return;
			}
			c->reply = api_answer(a, c->buf, strlen(c->buf));
			if (!c->reply) {
				client_close(c);
				return;
			}
			c->rlen = strlen(c->reply) +
			          1; /* cgminer sends the NUL */
			c->roff = 0;
		}
		return;
	}
	if (c->reply && (re & (POLLOUT | POLLERR | POLLHUP))) {
		ssize_t n = send(c->fd, c->reply + c->roff, c->rlen - c->roff,
		                 MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			client_close(c);
			return;
		}
		c->roff += (size_t)n;
		if (c->roff == c->rlen)
			client_close(c);
	}
}

static void src_dispatch(void *arg, const struct pollfd *fds, int n)
{
	struct api *a = arg;
	uint64_t now = loop_now_ms();
	int i, k = 0;

	if (a->lfd >= 0 && k < n) {
		if (fds[k].revents & POLLIN) {
			int fd = accept(a->lfd, NULL, NULL);

			if (fd >= 0 &&
			    fcntl(fd, F_SETFL,
			          fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
				close(fd);
				fd = -1;
			}
			if (fd >= 0) {
				for (i = 0; i < MAX_CLIENTS; i++)
					if (a->cl[i].fd < 0)
						break;
				if (i == MAX_CLIENTS) {
					close(fd);
				} else {
					a->cl[i].fd = fd;
					a->cl[i].len = 0;
					a->cl[i].deadline = now + CLIENT_MS;
				}
			}
		}
		k++;
	}
	for (i = 0; i < MAX_CLIENTS; i++) {
		struct client *c = &a->cl[i];
		short re = 0;
		int j;

		if (c->fd < 0)
			continue;
		for (j = k; j < n; j++)
			if (fds[j].fd == c->fd)
				re = fds[j].revents;
		if (re)
			client_io(a, c, re);
		if (c->fd >= 0 && now >= c->deadline)
			client_close(c);
	}
}

static const struct loop_source_ops api_src_ops = {
        .prepare = src_prepare,
        .dispatch = src_dispatch,
};

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 =
		        (const struct sockaddr_in6 *)sa;

		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return 0;
}

int api_new(struct loop *l, const struct api_cfg *cfg, struct upstream *up,
            const struct api_provider *prov, void *user, struct api **out,
            char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL;
	struct pool_url u;
	char port[8];
	struct api *a;
	int rc, one = 1, i;

	if (!l || !cfg || !out)
		return TANDEM_ERR_INVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return TANDEM_ERR_NOMEM;
	a->loop = l;
	a->cfg = *cfg;
	snprintf(a->version, sizeof(a->version), "%s",
	         cfg->version ? cfg->version : "tandem");
	a->up = up;
	if (prov)
		a->prov = *prov;
	a->user = user;
	a->lfd = -1;
	a->started = (uint64_t)time(NULL);
	for (i = 0; i < MAX_CLIENTS; i++)
		a->cl[i].fd = -1;
	rc = pool_url_parse(cfg->listen ? cfg->listen : "127.0.0.1:4028", &u,
	                    err, errlen);
	if (rc < 0 || u.tls) {
		snprintf(err, errlen, "bad --api address '%s' (ADDR:PORT)",
		         cfg->listen);
		rc = TANDEM_ERR_PARSE;
		goto fail;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
	snprintf(port, sizeof(port), "%u", u.port);
	if (getaddrinfo(u.host, port, &hints, &ai) != 0 || !ai) {
		snprintf(err, errlen, "cannot resolve --api address %s",
		         u.host);
		rc = TANDEM_ERR_NOT_FOUND;
		goto fail;
	}
	if (!is_loopback(ai->ai_addr) && !cfg->allow_remote) {
		snprintf(err, errlen,
		         "--api %s is not a loopback address (allow it "
		         "explicitly)",
		         cfg->listen);
		rc = TANDEM_ERR_INVAL;
		goto fail;
	}
	a->lfd = socket(ai->ai_family,
	                ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (a->lfd < 0 ||
	    setsockopt(a->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) <
	            0 ||
	    bind(a->lfd, ai->ai_addr, ai->ai_addrlen) < 0 ||
	    listen(a->lfd, 8) < 0) {
		snprintf(err, errlen, "--api %s: %s", cfg->listen,
		         strerror(errno));
		rc = TANDEM_ERR_IO;
		goto fail;
	}
	freeaddrinfo(ai);
	ai = NULL;
	rc = loop_source_add(l, &api_src_ops, a);
	if (rc < 0)
		goto fail;
	log_info("api", "listening on %s (%s)", cfg->listen,
	         cfg->writable ? "read-write" : "read-only");
	*out = a;
	return 0;
fail:
	if (ai)
		freeaddrinfo(ai);
	if (a->lfd >= 0)
		close(a->lfd);
	free(a);
	return rc;
}

void api_free(struct api *a)
{
	int i;

	if (!a)
		return;
	loop_source_del(a->loop, a);
	for (i = 0; i < MAX_CLIENTS; i++)
		client_close(&a->cl[i]);
	if (a->lfd >= 0)
		close(a->lfd);
	free(a);
}
