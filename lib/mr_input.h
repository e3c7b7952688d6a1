/*
 * mr_input: opening a file a person names (import, attach, configuration,
 * reference packs, key files).  Only a regular file is accepted: a FIFO
 * or a device would block a read forever or never end.  The check is
 * fstat() on the descriptor opened with O_NONBLOCK, so the path cannot be
 * swapped between the check and the read, and opening a FIFO does not
 * wait for a writer.
 */
#ifndef MR_INPUT_H
#define MR_INPUT_H

#include <stdio.h>

#include "lib/mr_err.h"

/*
 * Open path for reading.  what names the file in messages ("import
 * file").  On success *fd is a blocking, close-on-exec descriptor of a
 * regular file.  Errors: MR_ENOTFOUND (missing), MR_EINVAL (not a regular
 * file), MR_EFAIL (anything else).
 */
int	mr_input_open(const char *path, const char *what, int *fd,
	    struct mr_err *);
/* The same, as a stdio stream ("re"). */
int	mr_input_fopen(const char *path, const char *what, FILE **,
	    struct mr_err *);
/*
 * The same, except that "-" is standard input (a pipe is fine there: the
 * person asked for it); the stream is a duplicate, fclose() it as usual.
 */
int	mr_input_fopen_stdin(const char *path, const char *what, FILE **,
	    struct mr_err *);
/*
 * Check, without reading, that path is a regular file one can open: for
 * a file another library reads by name (a CA bundle given to libcurl).
 */
int	mr_input_check(const char *path, const char *what, struct mr_err *);

#endif /* MR_INPUT_H */
