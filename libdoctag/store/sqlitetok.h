/* Internal to store/: the full-text tokenizer of the SQLite backend's index
 * (store/sqlitetok.c; migration 0022). */
#ifndef DOCTAG_STORE_SQLITETOK_H
#define DOCTAG_STORE_SQLITETOK_H

#include <stdbool.h>
#include <sqlite3.h>

/* The name the index's tokenizer is registered under, on every connection
 * the store opens: `tokenize = 'doctag'` in data/sqlite/0022_script_words.sql. */
#define SQLITETOK_NAME "doctag"

/* Registers the tokenizer with the connection's FTS5. False when FTS5 or
 * its unicode61 tokenizer is missing. */
bool sqlitetok_register(fts5_api *fts);

#endif
