/* `peak FD COMMAND...`: runs the command and writes its peak RSS (KiB, from wait4) to the
 * descriptor FD (a number), which the command does not get: started from this
 * small process, the command's figure is its own, where one started from the Python bench would
 * count the bench's RSS too (Linux keeps a process's peak across exec). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid;
	int fd;

	if (argc < 3)
		return 2;
	fd = atoi(argv[1]);
	if ((pid = fork()) == -1)
		return 2;
	if (pid == 0) {
		close(fd);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) == -1)
		return 2;
	dprintf(fd, "%ld\n", ru.ru_maxrss);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
