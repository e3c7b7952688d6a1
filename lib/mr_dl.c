#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/mr_dl.h"
#include "lib/mr_dl_lazy.h"

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

void *
mr_dl_lazy_sym(struct mr_dl_lib *lib, const char *name)
{
	void *h = __atomic_load_n(&lib->handle, __ATOMIC_ACQUIRE), *p;
	char why[512];

	/* dlopen is thread-safe and returns the same handle to every thread. */
	if (h == NULL) {
		if ((h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
			goto fail;
		__atomic_store_n(&lib->handle, h, __ATOMIC_RELEASE);
	}
	if ((p = dlsym(h, name)) != NULL)
		return p;
fail:
	/* The one place lib/ writes to stderr: there is no caller to return
	 * an error to, and the installation is broken. */
	snprintf(why, sizeof why, "mipsreview: cannot load %s from %s: %s "
	    "(reinstall the Debian package %s)\n", name, lib->soname,
	    dlerror(), lib->package);
	if (write(STDERR_FILENO, why, strlen(why)) < 0)
		abort();
	abort();
}
