/* Drops what plugin work does not need, before a worker reads its first untrusted byte. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <seccomp.h>

#include "sandbox.h"
#include "wire.h"

/* ASan reserves terabytes of shadow address space up front: an AS limit would starve it. */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_NO_AS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_NO_AS 1
#endif
#endif

#ifdef SANDBOX_NO_AS
/* LeakSanitizer's check at exit stops the world with clone(2), which the filter traps: it runs
 * once now instead, before the filter, and not again. */
extern void __lsan_do_leak_check(void) __attribute__((weak));
#endif

static int chan_fd = -1;
static uint64_t mem_limit;

/* Writes one frame with a single write(2), which a signal handler may call. */
static void
tell(int type, uint32_t v, int with_value)
{
	unsigned char f[WIRE_HEADER + 4] = {(unsigned char)type, 0, 0, 0, 0};
	size_t n = WIRE_HEADER;
	ssize_t rc;

	if (with_value) {
		f[4] = 4;
		f[5] = (unsigned char)(v >> 24);
		f[6] = (unsigned char)(v >> 16);
		f[7] = (unsigned char)(v >> 8);
		f[8] = (unsigned char)v;
		n += 4;
	}
	rc = write(chan_fd, f, n);
	(void)rc;
}

/* A trapped call: say which, then die of SIGSYS (SA_RESETHAND left the default in place). */
static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	tell(WIRE_SYSCALL, (uint32_t)si->si_syscall, 1);
	raise(sig);
}

/* A crash once most of the memory allowed is in use is most likely a failed allocation that
 * the plugin did not check; the peak resident size tells (getrusage may be called here). */
static void
on_fault(int sig, siginfo_t *si, void *uc)
{
	struct rusage ru;

	(void)si;
	(void)uc;
	if (mem_limit && getrusage(RUSAGE_SELF, &ru) == 0 &&
	    (uint64_t)ru.ru_maxrss * 1024 * 2 >= mem_limit)
		tell(WIRE_NOMEM, 0, 0);
	raise(sig);
}

static int
handlers(void)
{
	static char altstack[64 * 1024]; /* a stack overflow still reaches on_fault */
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_sigsys;
	if (sigaltstack(&ss, NULL) == -1 || sigaction(SIGSYS, &sa, NULL) == -1)
		return -1;
	sa.sa_sigaction = on_fault;
	if (sigaction(SIGSEGV, &sa, NULL) == -1 || sigaction(SIGBUS, &sa, NULL) == -1)
		return -1;
	return 0;
}

static int
limit(int res, rlim_t v)
{
	struct rlimit rl = {v, v};

	return setrlimit(res, &rl);
}

static int
limits(uint64_t memory)
{
	if (limit(RLIMIT_NPROC, 0) == -1 || limit(RLIMIT_FSIZE, 0) == -1 ||
	    limit(RLIMIT_CORE, 0) == -1 || limit(RLIMIT_NOFILE, SANDBOX_NOFILE) == -1)
		return -1;
#ifndef SANDBOX_NO_AS
	if (memory && limit(RLIMIT_AS, (rlim_t)memory) == -1)
		return -1;
#else
	(void)memory;
#endif
	return 0;
}

/* Calls plugin work never makes, trapped whatever their arguments. */
static const char *const denied[] = {
	/* network */
	"socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
	/* processes and threads */
	"execve", "execveat", "fork", "vfork", "clone", "clone3",
	/* the file system */
	"creat", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename", "renameat",
	"renameat2", "link", "linkat", "symlink", "symlinkat", "mknod", "mknodat", "chmod",
	"fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat", "truncate", "utime",
	"utimes", "utimensat", "futimesat", "setxattr", "lsetxattr", "fsetxattr", "removexattr",
	"lremovexattr", "fremovexattr", "open_by_handle_at", "mount", "umount2", "chroot",
	"pivot_root", "swapon", "swapoff",
	/* other processes, the kernel, limits */
	"ptrace", "process_vm_readv", "process_vm_writev", "tkill", "pidfd_send_signal",
	"pidfd_getfd", "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare",
	"setns", "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
	"setrlimit", "init_module", "finit_module", "delete_module", "kexec_load", "reboot",
	NULL,
};

static int
deny_all(scmp_filter_ctx ctx)
{
	size_t i;
	int nr, rc;

	for (i = 0; denied[i]; i++) {
		if ((nr = seccomp_syscall_resolve_name(denied[i])) == __NR_SCMP_ERROR)
			continue; /* not a call on this machine */
		if ((rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, nr, 0)) < 0)
			return rc;
	}
	return 0;
}

/* open and openat for writing, creating or truncating; openat2 hides its flags in a struct. */
static int
deny_writes(scmp_filter_ctx ctx)
{
	static const struct {
		unsigned mask, value;
	} w[] = {{O_ACCMODE, O_WRONLY}, {O_ACCMODE, O_RDWR}, {O_CREAT, O_CREAT},
	    {O_TRUNC, O_TRUNC}, {O_APPEND, O_APPEND}};
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(w) / sizeof(w[0]) && rc == 0; i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(openat), 1,
		    SCMP_A2(SCMP_CMP_MASKED_EQ, w[i].mask, w[i].value));
		if (rc == 0 && SCMP_SYS(open) >= 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(open), 1,
			    SCMP_A1(SCMP_CMP_MASKED_EQ, w[i].mask, w[i].value));
	}
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0);
	return rc;
}

/* Signals to itself only (raise and abort use tgkill); SIGSYS stays feedd's; limits may be
 * read but not set. */
/* One argument test, every field set (libseccomp's SCMP_An macros leave datum_b to C's
 * zeroing, which clang's -Wmissing-field-initializers refuses). */
static struct scmp_arg_cmp
arg_cmp(unsigned int arg, enum scmp_compare op, scmp_datum_t datum)
{
	struct scmp_arg_cmp c = {arg, op, datum, 0};

	return c;
}

static int
deny_others(scmp_filter_ctx ctx)
{
	scmp_datum_t self = (scmp_datum_t)getpid();
	int rc;

	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(kill), 1,
	         arg_cmp(0, SCMP_CMP_NE, self))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(tgkill), 1,
	         arg_cmp(0, SCMP_CMP_NE, self))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(rt_sigaction), 1,
	         arg_cmp(0, SCMP_CMP_EQ, SIGSYS))) < 0 ||
	    (rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(prlimit64), 1,
	         arg_cmp(2, SCMP_CMP_NE, 0))) < 0)
		return rc;
	return 0;
}

static int
filter(void)
{
	scmp_filter_ctx ctx;
	int rc;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -ENOMEM;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0)
		rc = deny_all(ctx);
	if (rc == 0)
		rc = deny_writes(ctx);
	if (rc == 0)
		rc = deny_others(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

int
sandbox_enter(int chan, uint64_t memory, char *err, size_t errlen)
{
	int rc;

	chan_fd = chan;
	mem_limit = memory;
	if (close_range((unsigned)chan + 1, ~0U, 0) == -1) {
		snprintf(err, errlen, "close_range: %s", strerror(errno));
		return -1;
	}
#ifdef SANDBOX_NO_AS
	/* before RLIMIT_NPROC 0 too: its thread would not start for a user other than root */
	if (__lsan_do_leak_check)
		__lsan_do_leak_check();
#endif
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1 || handlers() == -1 || limits(memory) == -1) {
		snprintf(err, errlen, "limits: %s", strerror(errno));
		return -1;
	}
	if ((rc = filter()) < 0) {
		snprintf(err, errlen, "seccomp: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

const char *
sandbox_syscall_name(uint32_t nr, char *buf, size_t len)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, (int)nr);

	if (name != NULL)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "system call %u", nr);
	free(name);
	return buf;
}
