/* Names and one-line messages for the codes of include/tandem_err.h. */
#include <stddef.h>

#include "tandem_err.h"

struct err_entry {
	int code;
	const char *name;
	const char *msg;
};

static const struct err_entry err_table[] = {
        {TANDEM_OK, "TANDEM_OK", "success"},
        {TANDEM_ERR_INVAL, "TANDEM_ERR_INVAL", "invalid argument"},
        {TANDEM_ERR_NOMEM, "TANDEM_ERR_NOMEM", "out of memory"},
        {TANDEM_ERR_RANGE, "TANDEM_ERR_RANGE", "value outside its legal range"},
        {TANDEM_ERR_PARSE, "TANDEM_ERR_PARSE",
         "malformed input (hex, JSON or number)"},
        {TANDEM_ERR_IO, "TANDEM_ERR_IO", "I/O error"},
        {TANDEM_ERR_TIMEOUT, "TANDEM_ERR_TIMEOUT", "timed out"},
        {TANDEM_ERR_NOT_FOUND, "TANDEM_ERR_NOT_FOUND", "not found"},
        {TANDEM_ERR_UNSUPPORTED, "TANDEM_ERR_UNSUPPORTED",
         "not supported by the peer or this build"},
        {TANDEM_ERR_FRAME_SHORT, "TANDEM_ERR_FRAME_SHORT",
         "frame incomplete, more bytes needed"},
        {TANDEM_ERR_FRAME_SYNC, "TANDEM_ERR_FRAME_SYNC",
         "bytes before the frame sync word skipped"},
        {TANDEM_ERR_FRAME_HCRC, "TANDEM_ERR_FRAME_HCRC",
         "frame header check byte (CRC-8) wrong"},
        {TANDEM_ERR_FRAME_CRC, "TANDEM_ERR_FRAME_CRC", "frame CRC-16 wrong"},
        {TANDEM_ERR_FRAME_VERSION, "TANDEM_ERR_FRAME_VERSION",
         "frame protocol version not spoken"},
        {TANDEM_ERR_FRAME_OVERSIZE, "TANDEM_ERR_FRAME_OVERSIZE",
         "frame payload longer than the protocol maximum"},
        {TANDEM_ERR_FRAME_TYPE, "TANDEM_ERR_FRAME_TYPE", "unknown frame type"},
        {TANDEM_ERR_FRAME_LENGTH, "TANDEM_ERR_FRAME_LENGTH",
         "payload length wrong for the frame type"},
        {TANDEM_ERR_FRAME_FIELD, "TANDEM_ERR_FRAME_FIELD",
         "payload field out of range"},
        {TANDEM_ERR_AUXPOW, "TANDEM_ERR_AUXPOW",
         "auxpow proof does not verify"},
        {TANDEM_ERR_HWERR, "TANDEM_ERR_HWERR",
         "device share does not hash as claimed (hardware error)"},
        {TANDEM_ERR_STALE, "TANDEM_ERR_STALE",
         "result of an older job generation"},
};

static const struct err_entry *err_find(int err)
{
	for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
		if (err_table[i].code == err)
			return &err_table[i];
	return NULL;
}

const char *tandem_errname(int err)
{
	const struct err_entry *e = err_find(err);

	return e ? e->name : "TANDEM_ERR_UNKNOWN";
}

const char *tandem_strerror(int err)
{
	const struct err_entry *e = err_find(err);

	return e ? e->msg : "unknown error";
}
