/* The module's system calls, allowed in kore's worker sandbox before kore's
 * own list (KORE.md). Found by running the API suite with
 * `seccomp_tracing yes` (doctag-server --seccomp-tracing yes) and pinned. */
#include "server.h"

#include <kore/seccomp.h>
#include <sys/prctl.h>

KORE_SECCOMP_FILTER("doctag",
  /* threads (glibc's pthread_create uses clone3 and rseq) */
  KORE_SYSCALL_ALLOW(clone3),
  KORE_SYSCALL_ALLOW(clone),
  KORE_SYSCALL_ALLOW(rseq),
  KORE_SYSCALL_ALLOW(set_robust_list),
  KORE_SYSCALL_ALLOW(gettid),
  /* GLib names its threads */
  KORE_SYSCALL_ALLOW_ARG(prctl, 0, PR_SET_NAME),
  KORE_SYSCALL_ALLOW(sched_getaffinity),
  KORE_SYSCALL_ALLOW(sched_yield),
  /* GLib copies the scheduler settings of the creating thread to pool threads */
  KORE_SYSCALL_ALLOW(sched_getattr),
  KORE_SYSCALL_ALLOW(sched_setattr),
  KORE_SYSCALL_ALLOW(madvise),
  KORE_SYSCALL_ALLOW(mremap),
  KORE_SYSCALL_ALLOW(membarrier),
  /* files */
  KORE_SYSCALL_ALLOW(newfstatat),
  KORE_SYSCALL_ALLOW(statx),
  KORE_SYSCALL_ALLOW(getdents64),
  KORE_SYSCALL_ALLOW(faccessat2),
  KORE_SYSCALL_ALLOW(mkdir),
  KORE_SYSCALL_ALLOW(mkdirat),
  KORE_SYSCALL_ALLOW(rename),
  KORE_SYSCALL_ALLOW(renameat),
  KORE_SYSCALL_ALLOW(unlinkat),
  KORE_SYSCALL_ALLOW(fsync),
  KORE_SYSCALL_ALLOW(fdatasync),
  KORE_SYSCALL_ALLOW(ftruncate),
  KORE_SYSCALL_ALLOW(pread64),
  KORE_SYSCALL_ALLOW(pwrite64),
  KORE_SYSCALL_ALLOW(flock),
  KORE_SYSCALL_ALLOW(fchmod),
  KORE_SYSCALL_ALLOW(fchown),     /* SQLite keeps -wal/-shm owned like the database */
  KORE_SYSCALL_ALLOW(link),       /* the JWT secret is created by link() so it appears whole */
  KORE_SYSCALL_ALLOW(getppid),
  KORE_SYSCALL_ALLOW(umask),
  KORE_SYSCALL_ALLOW(ioctl),
  /* networking (libpq, hiredis, curl) */
  KORE_SYSCALL_ALLOW(socket),
  KORE_SYSCALL_ALLOW(connect),
  KORE_SYSCALL_ALLOW(getsockopt),
  KORE_SYSCALL_ALLOW(getsockname),
  KORE_SYSCALL_ALLOW(getpeername),
  KORE_SYSCALL_ALLOW(recvmsg),
  KORE_SYSCALL_ALLOW(sendmsg),
  KORE_SYSCALL_ALLOW(sendmmsg),
  KORE_SYSCALL_ALLOW(bind),
  KORE_SYSCALL_ALLOW(poll),
  KORE_SYSCALL_ALLOW(eventfd2),
  KORE_SYSCALL_ALLOW(pipe2),
  KORE_SYSCALL_ALLOW(uname),
  KORE_SYSCALL_ALLOW(sysinfo),
  KORE_SYSCALL_ALLOW(prlimit64),
);
