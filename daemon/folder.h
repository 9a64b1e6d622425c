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

#endif
