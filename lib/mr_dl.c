#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

#include "lib/mr_dl.h"

int
mr_dl_load(const char *soname, const char *package,
    const struct mr_dl_sym *syms, char *why, size_t whylen)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		snprintf(why, whylen, "cannot load %s: %s (install the Debian "
		    "package %s)", soname, dlerror(), package);
		return -1;
	}
	for (; syms->name != NULL; syms++)
		if ((*syms->fn = dlsym(h, syms->name)) == NULL) {
			snprintf(why, whylen, "%s lacks %s (install the Debian "
			    "package %s)", soname, syms->name, package);
			return -1;	/* h stays open: nothing else uses it */
		}
	return 0;
}
