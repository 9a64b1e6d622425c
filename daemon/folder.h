/* The folders feedd writes (state_dir, export_dir): checked by -n, made with their parents. */
#ifndef FEEDD_FOLDER_H
#define FEEDD_FOLDER_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Whether dir could be used without changing anything: it is a writable folder, or the nearest
 * part of it that exists is a writable folder (then folder_make can create the rest).
 * Returns 0, or -1 with "WHAT DIR: reason" in err.
 */
int folder_check(const char *what, const char *dir, char *err, size_t errlen);
/*
 * Makes dir and any missing parent (mkdir -p); dir, if made, gets mode exactly (the umask does
 * not narrow it), parents 0755 less the umask.  Then checks it is a writable folder.  Returns 0, or -1 with
 * "WHAT DIR: reason" in err.
 */
int folder_make(const char *what, const char *dir, mode_t mode, char *err, size_t errlen);

/*
 * Takes dir/FOLDER_LOCK_NAME for this process (an exclusive flock, its pid written in it), so
 * that a second daemon on the same state_dir refuses to start.  Returns the descriptor to keep
 * open (close-on-exec; the lock goes with the process), or -1 with the reason in err:
 * "state_dir DIR is used by another feedd (pid N)" when it is held.
 */
int folder_lock(const char *dir, char *err, size_t errlen);
#define FOLDER_LOCK_NAME ".feedd.lock"

#endif
