/*
 * libmagic, opened on first use (lib/mr_dl_lazy.h): only attaching
 * evidence asks a file's type.
 */
#include "config.h"

#include <stddef.h>
#include <magic.h>

#include "lib/mr_dl_lazy.h"

static struct mr_dl_lib magic = { "libmagic.so.1", "libmagic1", NULL };

MR_DL_LAZY(magic, magic_t, magic_open, (int flags), (flags))
MR_DL_LAZY_VOID(magic, magic_close, (magic_t m), (m))
MR_DL_LAZY(magic, int, magic_load, (magic_t m, const char *file), (m, file))
MR_DL_LAZY(magic, const char *, magic_buffer,
    (magic_t m, const void *buf, size_t len), (m, buf, len))
