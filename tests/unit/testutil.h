/* Shared helpers of the C tests. */
#ifndef DOCTAG_TESTUTIL_H
#define DOCTAG_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <glib.h>
#include "doctag/doctag.h"

/* The corpus: ../shared/corpus when it exists, else the generated fixtures
 * (same layout and manifest.json format). */
const char *tu_corpus_dir(void);
/* True when running on the shared corpus rather than our fixtures. */
bool tu_shared_corpus(void);
/* manifest.json of the corpus, borrowed. */
json_t *tu_manifest(void);
/* The first English text-layer document of the manifest (not a benchmark
 * one), as a path; g_free it. Fails the test when there is none. */
char *tu_first_text_pdf(void);
/* Path inside the corpus, g_free it. */
char *tu_corpus_path(const char *rel);
/* Whole file, NUL-terminated, g_free it; NULL when missing. */
char *tu_read(const char *path, size_t *len);
/* Word-multiset error of `got` against `truth`: words of truth missing from
 * got plus extra words in got, over the words of truth. */
double tu_word_error(const char *truth, const char *got);
/* Character error rate after collapsing whitespace runs to one space. */
double tu_cer(const char *truth, const char *got);
/* Registers `email` (a fixed password) on ctx; the new user's id, g_free
 * it. Fails the test when registration fails. */
char *tu_register_user(doctag_ctx *ctx, const char *email);
/* A context on its own temporary data directory, environment ignored. */
doctag_ctx *tu_ctx(void);
/* A fresh temporary directory (g_free it). */
char *tu_tmpdir(void);

#endif
