/* Internal: revoked token families. Logout and the reuse of a rotated
 * refresh token end a family; its access tokens (their "fam" claim) then
 * answer 401 like expired ones. Revocations live in the store (table
 * revoked_families), so every process sees them. A live family is looked up
 * on every check, on the connection that also loads the token's user (one
 * primary-key read more per request, no round trip of its own): a revocation
 * made by another worker or server holds from its commit on. A revoked
 * family is remembered for good. Thread-safe. */
#ifndef DOCTAG_AUTH_REVOKE_H
#define DOCTAG_AUTH_REVOKE_H

#include "store/store.h"

/* Records `family` as revoked, on `c` (may be NULL: a connection of its own). */
doctag_status revoke_family(struct store *s, store_conn *c, const char *family);

/* DOCTAG_EAUTH ("Could not validate credentials: token revoked") when
 * `family` was revoked; DOCTAG_OK when not (or family NULL). Reads on `c`. */
doctag_status revoke_check(store_conn *c, const char *family);

#endif
