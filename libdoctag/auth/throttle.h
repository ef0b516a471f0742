/* Internal: login throttling and the cap on concurrent password hashes.
 *
 * Failed logins are counted in the store (table login_failures), so every
 * kore worker and every server sharing the database sees the same counts:
 * after THROTTLE_EMAIL_MAX failures for one email, or THROTTLE_ADDR_MAX from
 * one client address, within THROTTLE_WINDOW_SEC, login answers DOCTAG_ERATE
 * ("Too many login attempts; try again in N seconds", retry-after N) whatever
 * the password, until the oldest of those failures leaves the window. A
 * successful login clears the email's count. Thread-safe. */
#ifndef DOCTAG_AUTH_THROTTLE_H
#define DOCTAG_AUTH_THROTTLE_H

#include "core/ctx.h"
#include "store/store.h"

#define THROTTLE_WINDOW_SEC 900
#define THROTTLE_EMAIL_MAX 5
#define THROTTLE_ADDR_MAX 20

/* One login attempt in progress: its rows, recorded before the password is
 * checked so that concurrent guesses see each other. */
typedef struct throttle_attempt {
  char *email_key;   /* SHA-256 hex of the email as given, normalised when valid */
  char *addr;        /* client address, or NULL when unknown */
  char *ids[2];      /* the attempt's rows (email, address) */
} throttle_attempt;

/* Records an attempt for `email` from `addr` (may be NULL), then refuses it
 * (DOCTAG_ERATE, the attempt withdrawn) when the window already holds the
 * maximum of failures for either. */
doctag_status throttle_begin(struct store *s, const char *email, const char *addr, throttle_attempt *a);

/* The attempt failed (wrong password, unknown email): its rows stay. */
void throttle_failed(struct store *s, throttle_attempt *a);

/* The attempt succeeded: the email's failures are forgotten, and so is
 * this attempt's address row. */
void throttle_succeeded(struct store *s, throttle_attempt *a);

/* Password hashing slots: at most the machine's cores hash at once, across
 * the processes that share the data directory (flock()ed slot files in
 * data_dir/.hash-slots), so a login flood queues instead of taking every
 * core and 64 MiB per hash. hash_slot_take() blocks until a slot is free
 * and returns a handle for hash_slot_give(): -1 when slots cannot be kept
 * (no cap then), -2 when none freed within a minute (refuse as busy). */
int hash_slot_take(const doctag_ctx *ctx);
void hash_slot_give(int slot);

#endif
