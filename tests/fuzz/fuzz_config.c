/*
 * The configuration file parser (mipsreviewd.conf(5), the CLI's config):
 * any bytes as a file, then every key read back and the offsets parsed.
 */
#include "config.h"

#include <stdlib.h>

#include "lib/mr_config.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[128];
	struct mr_config *cfg = NULL;
	struct mr_err err = { 0 };
	long long secs[16];

	if (path[0] == '\0' && fuzz_scratch("fuzz.conf", path, sizeof path) == NULL)
		abort();
	if (fuzz_write_file(path, data, size) != 0)
		abort();
	if (mr_config_load(path, 0, &cfg, &err) == 0) {
		for (int k = 0; k < MR_CFG_NKEYS; k++) {
			(void)mr_config_get(cfg, k);
			(void)mr_config_is_set(cfg, k);
			if (mr_config_keys[k].type == MR_CONF_OFFSETS)
				(void)mr_config_offsets(cfg, k, secs, 16, &err);
		}
		mr_config_free(cfg);
	}
	return 0;
}
