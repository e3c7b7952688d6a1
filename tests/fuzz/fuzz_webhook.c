/*
 * What an administrator hands the webhooks: a --secret-file's contents
 * (the whsec_ form, base64) and a --url.  The input is tried as a secret
 * whole, and each line as a URL of every kind; a secret that parses
 * signs, a URL that passes is shown; base64 that decodes encodes back
 * to the same text.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lib/mr_crypto.h"
#include "lib/mr_webhook.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *line, *save = NULL;
	unsigned char key[MR_WEBHOOK_KEY_MAX], raw[256];
	char sig[MR_WEBHOOK_SIG_LEN], shown[300], b64[MR_BASE64_LEN(256) + 1];
	const char *kinds[] = { "slack", "teams", "generic", NULL };
	struct mr_err err = { 0 };
	size_t keylen = 0, n;

	if (mr_webhook_secret_parse((const char *)data, size, key, &keylen,
	    &err) == 0)
		(void)mr_webhook_sign(key, keylen, "msg_fuzz", 1, text,
		    strlen(text), sig, sizeof sig);
	/* What decodes is canonical: it encodes back to the same text. */
	if (mr_base64_decode((const char *)data, size, raw, sizeof raw,
	    &n) == 0 && (mr_base64(raw, n, b64) != size ||
	    memcmp(b64, data, size) != 0))
		__builtin_trap();
	for (line = strtok_r(text, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		for (int k = 0; k < 4; k++)
			if (mr_webhook_url_check(kinds[k], line, &err) == 0)
				mr_webhook_url_shown(line, shown, sizeof shown);
	free(text);
	return 0;
}
