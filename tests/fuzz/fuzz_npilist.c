/*
 * The NPI files of lookup --file: any bytes, read as one NPI a line or as
 * CSV with an npi column.
 */
#include "config.h"

#include <string.h>

#include "lib/mr_npilist.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mr_npilist list;
	struct mr_err err = { 0 };

	if (mr_npilist_parse((const char *)data, size, "npis.csv", &list,
	    &err) == 0) {
		for (int i = 0; i < list.n; i++)
			if (strlen(list.npi[i]) != 10)
				__builtin_trap();
		mr_npilist_release(&list);
	}
	return 0;
}
