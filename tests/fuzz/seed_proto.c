/* Seed corpus for fuzz_proto: the worked-example frames of
 * docs/protocol.md (real block data, checked by test_proto), one file per
 * frame, plus one stream of all of them with garbage between.
 *
 * usage: seed_proto docs/protocol.md OUTDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOC    (1 << 20)
#define MAX_STREAM (1 << 16)

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int write_file(const char *dir, const char *name, const unsigned char *p,
                      size_t n)
{
	char path[4096];
	FILE *fp;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	if (!fp)
		return -1;
	ok = fwrite(p, 1, n, fp) == n;
	return fclose(fp) == 0 && ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	static char doc[MAX_DOC];
	static unsigned char frame[4096], stream[MAX_STREAM];
	const char *s, *end;
	size_t len, sn = 0;
	int count = 0;
	FILE *fp;

	if (argc != 3) {
		fprintf(stderr, "usage: %s docs/protocol.md OUTDIR\n", argv[0]);
		return 2;
	}
	fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 1;
	}
	len = fread(doc, 1, sizeof(doc) - 1, fp);
	fclose(fp);
	doc[len] = 0;

	for (s = strstr(doc, "<!-- example:"); s;
	     s = strstr(end, "<!-- example:")) {
		char name[64];
		size_t n = 0;

		s = strstr(s, "```");
		if (!s || !(s = strchr(s, '\n')) || !(end = strstr(s, "```")))
			break;
		for (; s + 1 < end; s++) {
			if (hexval(s[0]) < 0 || hexval(s[1]) < 0 ||
			    n >= sizeof(frame))
				continue;
			frame[n++] = (unsigned char)(hexval(s[0]) << 4 |
			                             hexval(s[1]));
			s++;
		}
		snprintf(name, sizeof(name), "example-%02d", count++);
		if (write_file(argv[2], name, frame, n)) {
			perror(name);
			return 1;
		}
		/* the stream: a garbage byte pair, then the frame */
		if (sn + n + 2 <= sizeof(stream)) {
			stream[sn++] = 0xA5;
			stream[sn++] = (unsigned char)count;
			memcpy(stream + sn, frame, n);
			sn += n;
		}
		end += 3;
	}
	if (count < 10) {
		fprintf(stderr, "%s: only %d examples found\n", argv[1], count);
		return 1;
	}
	if (write_file(argv[2], "stream", stream, sn)) {
		perror("stream");
		return 1;
	}
	return 0;
}
