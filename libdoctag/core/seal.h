/* Internal: secrets that must outlive a request but never rest in clear
 * (a batch's LLM key in queue_jobs.secret and the Redis job hash).
 *
 * Sealed with libsodium's secretbox (XSalsa20-Poly1305) under a key derived
 * from DOCTAG_SECRET_KEY, which every process sharing the queue must be given;
 * without it, under a random key drawn once per process, so only that process
 * (and its forks) can open what it sealed and a restart makes it unreadable.
 * doctag-server draws one for kore and its batch workers together.
 * Thread-safe. */
#ifndef DOCTAG_CORE_SEAL_H
#define DOCTAG_CORE_SEAL_H

#include "core/ctx.h"
#include <stdbool.h>

/* "sb1:" + base64(nonce || box) of `plain`; *out g_malloc'd.
 * Errors: DOCTAG_EINTERNAL (libsodium). */
doctag_status seal_text(const doctag_ctx *ctx, const char *plain, char **out);

/* Opens what seal_text() made; *out g_malloc'd (wipe it with seal_free()).
 * DOCTAG_EAUTH when it was sealed under another key (another
 * DOCTAG_SECRET_KEY, or a process that has since stopped) or was altered. */
doctag_status seal_open(const doctag_ctx *ctx, const char *sealed, char **out);

/* True when `s` looks like seal_text() output. */
bool seal_is_sealed(const char *s);

/* Wipes and frees a secret (NULL fine). */
void seal_free(char *s);

#endif
