/* Internal to store/: libpq, loaded when the first PostgreSQL database is
 * opened.
 *
 * Linked, libpq and what it pulls in (openssl, krb5, ldap, gssapi...) cost
 * every process that loads libdoctag about 6 ms of loading and symbol
 * binding at start, while most runs use the SQLite store. Loaded on demand,
 * only PostgreSQL users pay, and a machine without libpq still runs on
 * SQLite (a postgresql:// URL then fails with DOCTAG_ESTORE, naming the
 * library). */
#ifndef DOCTAG_STORE_PQLIB_H
#define DOCTAG_STORE_PQLIB_H

#include <libpq-fe.h>

#define PQLIB_FUNCS(X) \
  X(PQclear) X(PQcmdTuples) X(PQconnectdbParams) X(PQconninfoFree) X(PQconninfoParse) X(PQerrorMessage) \
  X(PQexec) X(PQexecParams) X(PQexecPrepared) X(PQfinish) X(PQfreemem) X(PQgetisnull) X(PQgetlength) X(PQgetvalue) \
  X(PQnfields) X(PQntuples) X(PQprepare) X(PQreset) X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) \
  X(PQsetNoticeProcessor) X(PQstatus)

typedef struct pqlib {
#define PQLIB_MEMBER(f) __typeof__(f) *f;
  PQLIB_FUNCS(PQLIB_MEMBER)
#undef PQLIB_MEMBER
} pqlib;

/* The functions, loaded on the first call (thread-safe); NULL with
 * err_set(DOCTAG_ESTORE, ...) when libpq cannot be loaded. */
const pqlib *pqlib_get(void);
/* The functions once pqlib_get() has succeeded, else NULL. */
const pqlib *pqlib_loaded(void);

#endif
