#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

static char scratch[64];

static void
remove_scratch(void)
{
	char cmd[128];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", scratch);
}

const char *
fuzz_scratch(const char *name, char *buf, size_t len)
{
	if (scratch[0] == '\0') {
		snprintf(scratch, sizeof scratch, "%s/mrfuzz.XXXXXX",
		    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(scratch) == NULL) {
			scratch[0] = '\0';
			return NULL;
		}
		atexit(remove_scratch);
	}
	snprintf(buf, len, "%s/%s", scratch, name);
	return buf;
}

int
fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	int fd, rc = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return -1;
	if (size == 0 || write(fd, data, size) == (ssize_t)size)
		rc = 0;
	close(fd);
	return rc;
}

char *
fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
