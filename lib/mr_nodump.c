#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "lib/mr_nodump.h"

int
mr_nodump(struct mr_err *err)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		return mr_err_set(err, MR_EFAIL, "cannot turn core dumps off: "
		    "setrlimit: %s", strerror(errno));
	/* The limit alone does not stop a core_pattern pipe (systemd-coredump). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return mr_err_set(err, MR_EFAIL, "cannot turn core dumps off: "
		    "prctl: %s", strerror(errno));
	return 0;
}
