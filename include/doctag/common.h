/*
 * doctag/common.h - status codes, errors, memory and version.
 *
 * Threads: everything here is safe to call from any thread.
 */
#ifndef DOCTAG_COMMON_H
#define DOCTAG_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(DOCTAG_BUILDING) && defined(__GNUC__)
#define DOCTAG_API __attribute__((visibility("default")))
#else
#define DOCTAG_API
#endif

/** Library version, e.g. "0.1.0". */
#define DOCTAG_VERSION_MAJOR 0
#define DOCTAG_VERSION_MINOR 1
#define DOCTAG_VERSION_PATCH 0

/**
 * Every fallible call returns a doctag_status: DOCTAG_OK (0) or a negative
 * code. The code says what kind of failure it is (front ends map it to an HTTP
 * status or an exception class); doctag_error_last() says what exactly.
 * Codes are only ever appended.
 */
typedef enum doctag_status {
  DOCTAG_OK = 0,
  DOCTAG_EINVAL = -1,       /* invalid argument or input (HTTP 400/422) */
  DOCTAG_ENOMEM = -2,       /* out of memory */
  DOCTAG_EIO = -3,          /* reading or writing a file failed */
  DOCTAG_ENOTFOUND = -4,    /* no such file, job, document or user */
  DOCTAG_EPDF = -5,         /* not a PDF, or damaged beyond repair */
  DOCTAG_EENCRYPTED = -6,   /* the PDF needs a (correct) password */
  DOCTAG_ELIMIT = -7,       /* a configured limit was exceeded (size, pages) */
  DOCTAG_ETIMEOUT = -8,     /* a time limit ran out */
  DOCTAG_EOCR = -9,         /* OCR failed (engine, languages) */
  DOCTAG_EFETCH = -10,      /* downloading a URL or object failed */
  DOCTAG_EURL = -11,        /* URL or path refused by a guard */
  DOCTAG_ELLM = -12,        /* the LLM endpoint failed */
  DOCTAG_EAUTH = -13,       /* bad credentials or token */
  DOCTAG_EPERM = -14,       /* authenticated but not allowed (disabled) */
  DOCTAG_ESTORE = -15,      /* database failure */
  DOCTAG_ECONFLICT = -16,   /* operation makes no sense in current state */
  DOCTAG_ECANCELLED = -17,  /* cancelled by the caller */
  DOCTAG_ENOTEXT = -18,     /* too little text to tag */
  DOCTAG_EEXISTS = -19,     /* already exists (duplicate email) */
  DOCTAG_EUNAVAILABLE = -20,/* a dependency is down (database, redis) */
  DOCTAG_EINTERNAL = -21,   /* a bug: please report */
  DOCTAG_ERATE = -22        /* too many attempts: try again later, see doctag_error_retry_after() (HTTP 429) */
} doctag_status;

/**
 * The last error of the calling thread. Members are only ever appended (the
 * struct is the library's: callers never allocate one).
 */
typedef struct doctag_error {
  doctag_status code;   /* DOCTAG_OK when the last call succeeded */
  const char *message;  /* never NULL; "" when there is no error */
  /* Where the input was wrong, for errors about one field of an input
   * (options, a TaggingConfig): its path, dot-separated with list indexes
   * as numbers ("num_tags", "config.num_tags", "exclusion_words.2"); ""
   * otherwise. Never NULL. When it is set, message reads "<field>: <why>". */
  const char *field;
  /* A short stable word for why that field was refused, as the HTTP API's
   * 422 "type" ("missing", "string_type", "int_type", "int_parsing",
   * "list_type", "greater_than_equal", "less_than_equal", "literal_error",
   * "string_pattern_mismatch", "model_attributes_type", "json_invalid");
   * "" when no field is named. Never NULL. */
  const char *reason;
} doctag_error;

/**
 * The last error set on the calling thread by a doctag call.
 * Never NULL. Borrowed: valid until the next doctag call on this thread.
 */
DOCTAG_API const doctag_error *doctag_error_last(void);

/**
 * Seconds the calling thread's last DOCTAG_ERATE error asks to wait before
 * trying again (login throttling); 0 after any other result.
 */
DOCTAG_API unsigned int doctag_error_retry_after(void);

/** A short stable name for a status code ("EINVAL"...), never NULL. */
DOCTAG_API const char *doctag_status_name(doctag_status code);

/** Releases memory the library allocated for the caller (strings, arrays). NULL is fine. */
DOCTAG_API void doctag_free(void *ptr);

/** The library's version string, e.g. "0.1.0". Static. */
DOCTAG_API const char *doctag_version(void);

#ifdef __cplusplus
}
#endif
#endif
