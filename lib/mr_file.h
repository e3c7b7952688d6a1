/*
 * mr_file: a file that lands whole or not at all, as chrony's
 * UTI_OpenFile()/UTI_RenameTempFile(): written under a temporary name
 * beside its target (same folder, so the rename cannot cross file
 * systems), fsynced, renamed over the target, and the folder fsynced so
 * the rename itself survives a crash.  A reader sees the old file or the
 * new one, never a part; a failed or abandoned write leaves the target as
 * it was and no temporary behind.
 */
#ifndef MR_FILE_H
#define MR_FILE_H

#include <stdio.h>
#include <sys/types.h>

#include "lib/mr_err.h"

struct mr_file;

/*
 * Start writing path: a temporary beside it, created with mode (the
 * umask does not widen it).  *out is the handle for mr_file_stream() and
 * mr_file_commit() or mr_file_abort().
 */
int	mr_file_open(const char *path, mode_t mode, struct mr_file **out,
	    struct mr_err *);
/* The temporary as a stdio stream, owned by the handle. */
FILE	*mr_file_stream(struct mr_file *);
/*
 * Flush and fsync the temporary, rename it over the target and fsync the
 * folder; the handle is freed either way.  A write error seen by the
 * stream fails it, and then the temporary is removed.
 */
int	mr_file_commit(struct mr_file *, struct mr_err *);
/* Give up: the temporary is removed, the target untouched; NULL is fine. */
void	mr_file_abort(struct mr_file *);
/*
 * A file whose name is known only once it is whole, as a content-addressed
 * blob's: the temporary is dir/prefixXXXXXX, created with mode, written
 * through mr_file_fd() (raw writes, direct I/O allowed), then
 * mr_file_finish() and mr_file_place().  mr_file_abort() removes it.
 */
int	mr_file_open_unnamed(const char *dir, const char *prefix, mode_t mode,
	    struct mr_file **out, struct mr_err *);
/* The descriptor of an unnamed file's temporary, owned by the handle. */
int	mr_file_fd(struct mr_file *);
/* Write all n bytes at p to fd, retrying short writes; -1 with errno set. */
int	mr_file_write_all(int fd, const void *p, size_t n);
/*
 * Read n bytes from fd into p, retrying short reads: fewer only at the end
 * of the file.  The bytes read, or -1 with errno set.
 */
ssize_t	mr_file_read_all(int fd, void *p, size_t n);
/* fsync and close the temporary, keeping it; -1 with errno set. */
int	mr_file_finish(struct mr_file *);
/*
 * Rename the finished temporary to path, replacing a file of that name;
 * 0 and the handle is freed, or -1 with errno set and the handle kept.
 * The folder is not synced: a batch syncs it once (mr_file_sync_dir)
 * before it counts on the names.
 */
int	mr_file_place(struct mr_file *, const char *path);
/* As mr_file_place(), but never replacing: -1 with errno EEXIST if path exists. */
int	mr_file_place_new(struct mr_file *, const char *path);
/*
 * Rename src to dst unless dst exists (then -1 with errno EEXIST): for a
 * folder built whole under a temporary name beside dst.
 */
int	mr_file_rename_new(const char *src, const char *dst);
/* fsync the folder that holds path (path itself when is_dir). */
int	mr_file_sync_dir(const char *path, int is_dir, struct mr_err *);

#endif /* MR_FILE_H */
