/*
 * driver.c: runs a fuzz harness once over each file named on the command
 * line (a folder: over each file in it), for builds without libFuzzer.
 * Exit 0 if every input ran; a crash is the sanitizers' to report.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int
run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			if ((data = realloc(data, cap)) == NULL)
				abort();
		}
		if ((n = fread(data + len, 1, cap - len, fp)) == 0)
			break;
		len += n;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

int
main(int argc, char **argv)
{
	struct stat sb;
	int rc = 0, runs = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d;
		struct dirent *de;
		char path[4096];

		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if ((d = opendir(argv[i])) == NULL) {
				perror(argv[i]);
				rc = 1;
				continue;
			}
			while ((de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.')
					continue;
				snprintf(path, sizeof path, "%s/%s", argv[i],
				    de->d_name);
				if (run_file(path) == -1)
					rc = 1;
				else
					runs++;
			}
			closedir(d);
		} else if (run_file(argv[i]) == -1)
			rc = 1;
		else
			runs++;
	}
	fprintf(stderr, "%s: %d inputs run\n", argv[0], runs);
	return rc;
}
