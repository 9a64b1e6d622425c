/* Fuzzes the state file reader: any bytes load, or are refused as corrupt; never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/feedd-fuzz-state-XXXXXX", err[256];
	struct store s;
	int fd = mkstemp(path);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size && store_load(&s, path, err, sizeof(err)) == 0)
		store_clear(&s);
	close(fd);
	unlink(path);
	return 0;
}
