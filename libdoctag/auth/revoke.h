/* Internal: revoked token families. Logout and the reuse of a rotated
 * refresh token end a family; its access tokens (their "fam" claim) then
 * answer 401 like expired ones. Revocations live in the store (table
 * revoked_families), so every process sees them; each process caches what
 * it looked up: a revoked family for good, a live one for REVOKE_CACHE_SEC,
 * the longest an access token outlives a revocation made by another
 * process. Thread-safe. */
#ifndef DOCTAG_AUTH_REVOKE_H
#define DOCTAG_AUTH_REVOKE_H

#include "store/store.h"

#define REVOKE_CACHE_SEC 2

/* Records `family` as revoked, on `c` (may be NULL: a connection of its own). */
doctag_status revoke_family(struct store *s, store_conn *c, const char *family);

/* DOCTAG_EAUTH ("Could not validate credentials: token revoked") when
 * `family` was revoked; DOCTAG_OK when not (or family NULL). */
doctag_status revoke_check(struct store *s, const char *family);

#endif
