/*
 * mr_nodump: keep the process's memory out of core files.  Both programs
 * hold TINs (an SSN for a solo clinician), evidence documents and SMTP
 * passwords in memory; a core file left in a working folder or sent to a
 * crash collector would spill them.
 */
#ifndef MR_NODUMP_H
#define MR_NODUMP_H

#include "lib/mr_err.h"

/*
 * Set RLIMIT_CORE to 0 (soft and hard, inherited by children) and mark
 * the process not dumpable (no core whatever the limit or core_pattern;
 * other users' ptrace and /proc/PID/mem refused).  Call first in main().
 */
int	mr_nodump(struct mr_err *);

#endif /* MR_NODUMP_H */
