/* A worker's confinement: rlimits, descriptors and a seccomp filter, on before its first job. */
#ifndef FEEDD_SANDBOX_H
#define FEEDD_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

/*
 * Confines the calling process for good: every descriptor above chan closed; rlimits NPROC 0,
 * FSIZE 0, CORE 0, NOFILE SANDBOX_NOFILE and AS memory (0: none); then a seccomp filter that
 * traps new sockets, connections, exec, fork and clone, opening files for writing or changing
 * any, signalling other processes, tracing and raising limits.  A trapped call kills the
 * process with SIGSYS after telling chan which call it was (a WIRE_SYSCALL frame); a crash
 * with the memory nearly used up says so first (WIRE_NOMEM).  Returns 0, or -1 with err.
 */
int sandbox_enter(int chan, uint64_t memory, char *err, size_t errlen);
#define SANDBOX_NOFILE 16

/* The name of system call nr on this machine, for reports, into buf. */
const char *sandbox_syscall_name(uint32_t nr, char *buf, size_t len);

#endif
