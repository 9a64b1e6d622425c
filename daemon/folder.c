/* Checks and makes the folders feedd writes, naming the key they come from in every error. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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

int
folder_lock(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX], pid[24];
	ssize_t n;
	int fd, len;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, FOLDER_LOCK_NAME) >= sizeof(path)) {
		snprintf(err, errlen, "state_dir %s: name too long", dir);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) == -1) {
		snprintf(err, errlen, "state_dir %s: %s: %s", dir, FOLDER_LOCK_NAME, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		int e = errno;

		n = pread(fd, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		if (e == EWOULDBLOCK)
			snprintf(err, errlen, "state_dir %s is used by another feedd (pid %s)", dir,
			    pid[0] ? pid : "unknown");
		else
			snprintf(err, errlen, "state_dir %s: lock: %s", dir, strerror(e));
		close(fd);
		return -1;
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, pid, (size_t)len, 0) != len) {
		snprintf(err, errlen, "state_dir %s: %s: %s", dir, FOLDER_LOCK_NAME, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
