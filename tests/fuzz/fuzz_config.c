/* Fuzzes the configuration parser: any bytes give a config or a FILE:LINE error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/feedd-fuzz-conf-XXXXXX", err[2048];
	struct config cfg;
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (config_load(path, &cfg, err, sizeof(err)) == 0)
		config_free(&cfg);
	else if (strncmp(err, path, strlen(path)) != 0)
		abort(); /* every error names the file */
	unlink(path);
	return 0;
}
