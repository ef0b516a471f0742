#include "testutil.h"
#include "textmetrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

static char *corpus_dir;
static bool corpus_shared;
static json_t *manifest;

static bool has_manifest(const char *dir)
{
  if (!dir || !*dir)
    return false;
  char *m = g_build_filename(dir, "manifest.json", NULL);
  bool ok = g_file_test(m, G_FILE_TEST_IS_REGULAR);
  g_free(m);
  return ok;
}

const char *tu_corpus_dir(void)
{
  if (corpus_dir)
    return corpus_dir;
  const char *shared = getenv("DOCTAG_SHARED_CORPUS");
  const char *fixtures = getenv("DOCTAG_FIXTURES");
  if (has_manifest(shared)) {
    corpus_dir = g_strdup(shared);
    corpus_shared = true;
  } else if (has_manifest(fixtures)) {
    corpus_dir = g_strdup(fixtures);
  } else {
    fail_msg("no corpus: neither DOCTAG_SHARED_CORPUS (%s) nor DOCTAG_FIXTURES (%s) has a manifest.json",
             shared ? shared : "unset", fixtures ? fixtures : "unset");
  }
  return corpus_dir;
}

bool tu_shared_corpus(void)
{
  tu_corpus_dir();
  return corpus_shared;
}

json_t *tu_manifest(void)
{
  if (manifest)
    return manifest;
  char *p = tu_corpus_path("manifest.json");
  json_error_t e;
  manifest = json_load_file(p, 0, &e);
  if (!manifest)
    fail_msg("%s: %s", p, e.text);
  g_free(p);
  return manifest;
}

char *tu_register_user(doctag_ctx *ctx, const char *email)
{
  doctag_user *u = NULL;
  if (doctag_auth_register(ctx, &u, email, "correct horse battery", NULL))
    fail_msg("register %s: %s", email, doctag_error_last()->message);
  char *id = g_strdup(doctag_user_id(u));
  doctag_user_free(u);
  return id;
}

char *tu_first_text_pdf(void)
{
  size_t i;
  json_t *e;
  json_array_foreach(tu_manifest(), i, e) {
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *lang = json_string_value(json_object_get(e, "lang"));
    if (kind && !strcmp(kind, "text") && lang && !strcmp(lang, "eng") && !json_is_true(json_object_get(e, "benchmark")))
      return tu_corpus_path(json_string_value(json_object_get(e, "path")));
  }
  fail_msg("no English text document in the manifest");
  return NULL;
}

char *tu_corpus_path(const char *rel)
{
  return g_build_filename(tu_corpus_dir(), rel, NULL);
}

char *tu_read(const char *path, size_t *len)
{
  gchar *data = NULL;
  gsize n = 0;
  if (!g_file_get_contents(path, &data, &n, NULL))
    return NULL;
  if (len)
    *len = n;
  return data;
}

double tu_word_error(const char *truth, const char *got)
{
  return tm_word_error(truth, got);
}

double tu_cer(const char *truth, const char *got)
{
  return tm_cer(truth, got);
}

static GPtrArray *tmpdirs;
static pid_t tmpdirs_owner;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb; (void)flag; (void)ftw;
  remove(path);
  return 0;
}

/* Temporary directories go at exit, in the process that made them (not in
 * forked children that exit first). */
static void remove_tmpdirs(void)
{
  if (!tmpdirs || getpid() != tmpdirs_owner)
    return;
  for (guint i = 0; i < tmpdirs->len; i++)
    nftw(g_ptr_array_index(tmpdirs, i), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_ptr_array_free(tmpdirs, TRUE);
  tmpdirs = NULL;
}

char *tu_tmpdir(void)
{
  char *d = g_dir_make_tmp("doctag-test-XXXXXX", NULL);
  assert_non_null(d);
  if (!tmpdirs) {
    tmpdirs = g_ptr_array_new_with_free_func(g_free);
    tmpdirs_owner = getpid();
    atexit(remove_tmpdirs);
  }
  g_ptr_array_add(tmpdirs, g_strdup(d));
  return d;
}

doctag_ctx *tu_ctx(void)
{
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  char *dir = tu_tmpdir();
  cfg.data_dir = dir;
  cfg.ignore_environment = true;
  doctag_ctx *ctx = NULL;
  doctag_status st = doctag_ctx_new(&ctx, &cfg);
  if (st != DOCTAG_OK)
    fail_msg("doctag_ctx_new: %s", doctag_error_last()->message);
  g_free(dir);
  return ctx;
}
