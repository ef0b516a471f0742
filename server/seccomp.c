/* The module's system calls, allowed in kore's worker sandbox before kore's
 * own list (KORE.md).
 *
 * Found by running the API suite (tests/api, both backends: SQLite + local
 * queue, PostgreSQL + Redis; uploads, OCR, URL downloads, batch, WebSockets)
 * with `doctag-server --seccomp-tracing yes` and a filter holding nothing,
 * which makes kore log every call its own list does not allow
 * (build/seccomp-trace.txt, see tests/api/conftest.py), then pinned here; the
 * suite passes with tracing off. To redo it after a library change, run
 *   DOCTAG_SECCOMP_TRACING=yes ctest -L api
 * against a build whose filter below is emptied, and compare. */
#include "server.h"

#include <kore/seccomp.h>
#include <sys/prctl.h>

KORE_SECCOMP_FILTER("doctag",
  /* threads: glibc's pthread_create (GLib pools, poppler, tesseract) */
  KORE_SYSCALL_ALLOW(clone3),
  KORE_SYSCALL_ALLOW(rseq),
  KORE_SYSCALL_ALLOW(gettid),
  KORE_SYSCALL_ALLOW(getppid),
  /* the page pool sizes itself to the CPUs this process may use */
  KORE_SYSCALL_ALLOW(sched_getaffinity),
  /* GLib copies the creating thread's scheduling to pool threads, and names them */
  KORE_SYSCALL_ALLOW(sched_getattr),
  KORE_SYSCALL_ALLOW(sched_setattr),
  KORE_SYSCALL_ALLOW_ARG(prctl, 0, PR_SET_NAME),
  /* document threads lower their own priority (task.c) */
  KORE_SYSCALL_ALLOW(setpriority),
  /* memory: realloc of large buffers (page images, bodies) */
  KORE_SYSCALL_ALLOW(mremap),
  /* files: SQLite (pread/pwrite, WAL, fdatasync, ftruncate, fchown of -wal/-shm
   * when running as root), the data and blob directories, tessdata and fonts */
  KORE_SYSCALL_ALLOW(newfstatat),
  /* poppler-glib is loaded when a page is first rendered for OCR, in the
   * sandbox: libselinux (through GIO) looks for selinuxfs with statfs() as
   * it is loaded; refused, kore killed the worker with the request */
  KORE_SYSCALL_ALLOW(statfs),
  KORE_SYSCALL_ALLOW(faccessat2),
  KORE_SYSCALL_ALLOW(getdents64),
  KORE_SYSCALL_ALLOW(pread64),
  KORE_SYSCALL_ALLOW(pwrite64),
  KORE_SYSCALL_ALLOW(fdatasync),
  KORE_SYSCALL_ALLOW(ftruncate),
  KORE_SYSCALL_ALLOW(fchown),
  KORE_SYSCALL_ALLOW(mkdir),
  /* the blob store writes a PDF to a temporary name and renames it in place */
  KORE_SYSCALL_ALLOW(rename),
  /* the generated JWT secret: written, fsync'd, mode 0600, and linked into
   * place whole (only when DOCTAG_JWT_SECRET is unset, as on embedded defaults) */
  KORE_SYSCALL_ALLOW(link),
  KORE_SYSCALL_ALLOW(fsync),
  KORE_SYSCALL_ALLOW(fchmod),
  KORE_SYSCALL_ALLOW(chmod),
  /* password hashing slots (libdoctag/auth/throttle.c) are flock()ed files */
  KORE_SYSCALL_ALLOW(flock),
  /* terminal checks of libraries; kore's own list refuses ioctl with EACCES */
  KORE_SYSCALL_ALLOW(ioctl),
  /* the WebSocket pollers wake the event loop through an eventfd */
  KORE_SYSCALL_ALLOW(eventfd2),
  /* networking: libpq, hiredis, libcurl and the resolver. socket (AF_INET,
   * AF_INET6, AF_UNIX), connect, getsockopt and getsockname are in kore's
   * pgsql list; they are repeated so the module does not depend on it. */
  KORE_SYSCALL_ALLOW_ARG(socket, 0, AF_INET),
  KORE_SYSCALL_ALLOW_ARG(socket, 0, AF_INET6),
  KORE_SYSCALL_ALLOW_ARG(socket, 0, AF_UNIX),
  KORE_SYSCALL_ALLOW(connect),
  KORE_SYSCALL_ALLOW(getsockopt),
  KORE_SYSCALL_ALLOW(getsockname),
  KORE_SYSCALL_ALLOW(getpeername),
  KORE_SYSCALL_ALLOW(sendmmsg),
  KORE_SYSCALL_ALLOW(uname),
);
