/* Internal: setting the thread-local error. */
#ifndef DOCTAG_CORE_ERROR_H
#define DOCTAG_CORE_ERROR_H

#include "doctag/common.h"

/* Sets the calling thread's error and returns `code`, so a caller can
 * `return err_set(DOCTAG_EPDF, "cannot open: %s", why);`. */
doctag_status err_set(doctag_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* As err_set() for an error about one field of an input: sets the error's
 * field path and reason (see doctag_error) and the message "<field>: <why>"
 * ("<why>" alone when field is "" or NULL). */
doctag_status err_set_field(doctag_status code, const char *field, const char *reason, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
/* Prepends context to the current message: "FILE: <old message>". */
doctag_status err_wrap(doctag_status code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Clears the error (every public entry point starts with this). */
void err_clear(void);
/* DOCTAG_ERATE with the seconds to wait (doctag_error_retry_after()). */
doctag_status err_set_rate(unsigned int retry_after, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Out of memory shorthand. */
doctag_status err_nomem(void);

#endif
