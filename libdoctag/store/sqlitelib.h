/* Internal to store/: libsqlite3, loaded when the first SQLite database is
 * opened (store/sqlite.c).
 *
 * Linked, libsqlite3 cost every process that loads libdoctag a 1.5 MB
 * library and its 1,600 symbol relocations at start, while `doctag
 * extract` and the bindings' extraction never open a database. Loaded on
 * demand, only the processes that keep history or jobs pay; a machine
 * without it still extracts and tags (a store then fails with
 * DOCTAG_ESTORE, naming the library). */
#ifndef DOCTAG_STORE_SQLITELIB_H
#define DOCTAG_STORE_SQLITELIB_H

#include <sqlite3.h>

/* Every libsqlite3 function libdoctag calls. */
#define SQLITELIB_FUNCS(X) \
  X(sqlite3_aggregate_context) X(sqlite3_bind_int64) X(sqlite3_bind_null) X(sqlite3_bind_pointer) X(sqlite3_bind_text) X(sqlite3_busy_handler) \
  X(sqlite3_changes64) X(sqlite3_clear_bindings) X(sqlite3_close_v2) X(sqlite3_column_blob) X(sqlite3_column_bytes) X(sqlite3_column_count) X(sqlite3_column_double) \
  X(sqlite3_column_int64) X(sqlite3_column_text) X(sqlite3_context_db_handle) X(sqlite3_create_function_v2) \
  X(sqlite3_errmsg) X(sqlite3_errstr) X(sqlite3_exec) X(sqlite3_extended_errcode) X(sqlite3_extended_result_codes) \
  X(sqlite3_finalize) X(sqlite3_free) X(sqlite3_open_v2) X(sqlite3_prepare_v2) X(sqlite3_prepare_v3) X(sqlite3_reset) \
  X(sqlite3_result_blob) X(sqlite3_result_double) X(sqlite3_result_error) X(sqlite3_result_int64) X(sqlite3_result_null) \
  X(sqlite3_result_text) X(sqlite3_step) X(sqlite3_user_data) X(sqlite3_value_blob) X(sqlite3_value_bytes) X(sqlite3_value_double) \
  X(sqlite3_value_int64) X(sqlite3_value_text) X(sqlite3_value_type)

typedef struct sqlitelib {
#define SQLITELIB_MEMBER(f) __typeof__(f) *f;
  SQLITELIB_FUNCS(SQLITELIB_MEMBER)
#undef SQLITELIB_MEMBER
} sqlitelib;

/* The functions, loaded on the first call (thread-safe); NULL with
 * err_set(DOCTAG_ESTORE, ...) when libsqlite3 cannot be loaded. */
const sqlitelib *sqlitelib_get(void);
/* The functions once sqlitelib_get() has succeeded, else NULL. */
const sqlitelib *sqlitelib_loaded(void);

#endif
