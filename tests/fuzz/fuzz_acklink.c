/*
 * The token of an acknowledgement link (GET/POST /app/ack?t=...): any
 * bytes.  Each input is tried as it is and, signed with the harness's
 * key, past the signature check, so the parser behind it sees them too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>


#include "lib/mr_acklink.h"
#include "lib/mr_crypto.h"
#include "lib/mr_hex.h"
#include "tests/fuzz/fuzz.h"

static const unsigned char key[MR_ACKLINK_KEY_BYTES] = "fuzzing key, 32 bytes long......";

static void
check(const char *tok)
{
	struct mr_acklink l;
	struct mr_err err = { 0 };

	if (mr_acklink_verify(key, tok, 1000000000, &l, &err) == 0) {
		if ((strcmp(l.what, "case") != 0 &&
		    strcmp(l.what, "hardship") != 0) || l.id <= 0 ||
		    strlen(l.to) == 0 || strlen(l.to) > MR_ACKLINK_TO_MAX ||
		    (strcmp(l.via, "mail") != 0 && strcmp(l.via, "webhook") != 0))
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char ctx[] = "mipsreview acknowledgement link\n";
	unsigned char md[MR_SHA256_LEN];
	char *tok, *msg;

	if (size > MR_ACKLINK_TOKEN_MAX)
		return 0;
	if ((tok = malloc(size + 66)) == NULL ||
	    (msg = malloc(sizeof ctx + size)) == NULL) {
		free(tok);
		return 0;
	}
	memcpy(tok, data, size);
	tok[size] = '\0';
	check(tok);
	memcpy(msg, ctx, sizeof ctx - 1);
	memcpy(msg + sizeof ctx - 1, data, size);
	mr_hmac_sha256(key, sizeof key, msg, sizeof ctx - 1 + size, md);
	tok[size] = '.';
	mr_hex(md, sizeof md, tok + size + 1);
	check(tok);
	free(msg);
	free(tok);
	return 0;
}
