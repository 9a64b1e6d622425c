/* Checks and makes the folders feedd writes, naming the key they come from in every error. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "folder.h"

/* dir must be a folder this process may create files in. */
static int
writable_folder(const char *what, const char *dir, const char *shown, char *err, size_t errlen)
{
	struct stat st;

	if (stat(dir, &st) == -1) {
		snprintf(err, errlen, "%s %s: %s", what, shown, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s %s: %s is not a folder", what, shown, dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) == -1) {
		snprintf(err, errlen, "%s %s: %s%s%s", what, shown, strcmp(dir, shown) ? dir : "",
		    strcmp(dir, shown) ? ": " : "", strerror(errno));
		return -1;
	}
	return 0;
}

int
folder_check(const char *what, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], *slash;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		snprintf(err, errlen, "%s %s: path too long", what, dir);
		return -1;
	}
	/* climb to the nearest part that exists: the rest is what folder_make would create */
	while (access(path, F_OK) == -1 && (errno == ENOENT || errno == ENOTDIR)) {
		if ((slash = strrchr(path, '/')) == NULL || slash == path) {
			snprintf(path, sizeof(path), "/");
			break;
		}
		*slash = '\0';
	}
	return writable_folder(what, path, dir, err, errlen);
}

int
folder_make(const char *what, const char *dir, mode_t mode, char *err, size_t errlen)
{
	char path[PATH_MAX], *p;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path)) {
		snprintf(err, errlen, "%s %s: path too long", what, dir);
		return -1;
	}
	for (p = path + 1;; p++) {
		int last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, last ? mode : 0755) == 0) {
			/* chmod, since mkdir's mode passes through the umask (0077 in the unit) */
			if (last && chmod(path, mode) == -1) {
				snprintf(err, errlen, "%s %s: chmod %s: %s", what, dir, path,
				    strerror(errno));
				return -1;
			}
		} else if (errno != EEXIST) {
			snprintf(err, errlen, "%s %s: cannot create %s: %s", what, dir, path,
			    strerror(errno));
			return -1;
		}
		if (last)
			break;
		*p = '/';
	}
	return writable_folder(what, dir, dir, err, errlen);
}
