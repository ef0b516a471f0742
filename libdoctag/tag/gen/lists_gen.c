/* Build-time generator: compiles the tagger's word lists (tag/data/, text files:
 * stop words per language, generic words) into hash tables in read-only
 * data, so that no process spends its first tagging reading, normalising
 * and hashing them (about a million instructions a process for English).
 *
 *   lists_gen OUT.c NAME FILE [NAME FILE...]
 *
 * Each FILE holds one word or phrase a line; blank lines and lines
 * starting with '#' are skipped, the rest trimmed and NFC-normalised (as
 * lexicon.c compares words). NAME becomes `const lex_list lex_list_NAME`
 * (tag/lexicon_lists.h): open addressing with strtab_slot(), at most
 * half full, probed linearly. A NAME given more than once is one list of
 * all its files' words (Lucene's Greek list and tag/data/stop_ell.txt's
 * additions). A NAME "stop_" and an ISO 639-3 code
 * ("stop_fra") is that language's stop-word list: lex_stop_lists[] maps the
 * codes to them. */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tag/gen/c_string.h"
#include "tag/lexicon_lists.h"

/* `w` with Malayalam's atomic chillus (U+0D7A-U+0D7F, Unicode 5.1) spelled
 * as before them, consonant, virama and ZWJ, as many fonts' PDFs still
 * have them ("അവർ" as "അവര്\u200d"); NULL when `w` has none. */
static char *old_chillus(const char *w)
{
  static const gunichar base[] = { 0x0D23, 0x0D28, 0x0D30, 0x0D32, 0x0D33, 0x0D15 };
  GString *s = g_string_new(NULL);
  bool any = false;
  for (const char *p = w; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c >= 0x0D7A && c <= 0x0D7F) {
      g_string_append_unichar(s, base[c - 0x0D7A]);
      g_string_append_unichar(s, 0x0D4D);
      g_string_append_unichar(s, 0x200D);
      any = true;
    } else {
      g_string_append_unichar(s, c);
    }
  }
  return g_string_free(s, !any);
}

/* Adds `w` (taken) to `words` unless `seen` holds it. */
static void add_word(char *w, GPtrArray *words, GHashTable *seen)
{
  if (g_hash_table_contains(seen, w)) {
    g_free(w);
    return;
  }
  g_hash_table_add(seen, w);
  g_ptr_array_add(words, w);
}

/* Adds the words of the list file `path` to `words` (those not in `seen`),
 * each also in its old spelling (old_chillus()) where it has one. */
static int read_list(const char *path, GPtrArray *words, GHashTable *seen)
{
  gchar *text = NULL;
  GError *e = NULL;
  if (!g_file_get_contents(path, &text, NULL, &e)) {
    fprintf(stderr, "lists_gen: %s\n", e->message);
    return 1;
  }
  gchar **lines = g_strsplit(text, "\n", -1);
  int rc = 0;
  for (gchar **l = lines; *l && !rc; l++) {
    g_strstrip(*l);
    if (!**l || **l == '#')
      continue;
    char *w = g_utf8_normalize(*l, -1, G_NORMALIZE_NFC);
    if (!w) {
      fprintf(stderr, "lists_gen: %s: not UTF-8: %s\n", path, *l);
      rc = 1;
    } else {
      char *old = old_chillus(w);
      add_word(w, words, seen);
      if (old)
        add_word(old, words, seen);
    }
  }
  g_strfreev(lines);
  g_free(text);
  return rc;
}

/* One list of the words of all `paths` (NULL-terminated). */
static int emit_list(FILE *out, const char *name, const char *const *paths)
{
  GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
  GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (const char *const *p = paths; *p; p++)
    if (read_list(*p, words, seen)) {
      g_hash_table_destroy(seen);
      g_ptr_array_free(words, TRUE);
      return 1;
    }
  size_t size = 16;
  while (size < 2 * words->len)
    size *= 2;
  const char **slots = g_new0(const char *, size);
  for (guint i = 0; i < words->len; i++) {
    slots[strtab_slot(slots, size - 1, words->pdata[i])] = words->pdata[i]; /* each word once */
  }
  fprintf(out, "\n/* %s:", name);
  for (const char *const *p = paths; *p; p++) {
    char *base = g_path_get_basename(*p);
    fprintf(out, " %s", base);
    g_free(base);
  }
  fprintf(out, ", %u entries */\nstatic const char *const slots_%s[%zu] = {\n", words->len, name, size);
  for (size_t i = 0; i < size; i++) {
    fputs("  ", out);
    if (slots[i])
      gen_emit_string(out, slots[i]);
    else
      fputs("NULL", out);
    fputs(",\n", out);
  }
  fprintf(out, "};\nconst lex_list lex_list_%s = { slots_%s, %zu, %u };\n", name, name, size - 1, words->len);
  g_free(slots);
  g_hash_table_destroy(seen);
  g_ptr_array_free(words, TRUE);
  return 0;
}

/* The table `table` of the lists named PREFIX<ISO 639-3 code>: their
 * language's code -> the list (lexicon_lists.h). */
static void emit_lang_table(FILE *out, const char *table, const char *prefix, const GPtrArray *names)
{
  fprintf(out, "\nconst lex_lang_list %s[] = {\n", table);
  for (guint i = 0; i < names->len; i++) {
    const char *n = names->pdata[i];
    if (g_str_has_prefix(n, prefix) && strlen(n) == strlen(prefix) + 3)
      fprintf(out, "  { \"%s\", &lex_list_%s },\n", n + strlen(prefix), n);
  }
  fputs("  { NULL, NULL },\n};\n", out);
}

int main(int argc, char **argv)
{
  if (argc < 4 || argc % 2) {
    fprintf(stderr, "usage: lists_gen OUT.c NAME FILE [NAME FILE...]\n");
    return 2;
  }
  char *tmp = g_strconcat(argv[1], ".tmp", NULL);
  FILE *out = fopen(tmp, "w");
  if (!out) {
    perror(tmp);
    return 1;
  }
  fputs("/* Generated by libdoctag/tag/gen/lists_gen.c from libdoctag/tag/data/: do not edit. */\n"
        "#include <stddef.h>\n#include \"tag/lexicon_lists.h\"\n", out);
  /* the files of each NAME, in the order the names first come */
  GPtrArray *names = g_ptr_array_new();
  GHashTable *files = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  for (int i = 2; i + 1 < argc; i += 2) {
    GPtrArray *f = g_hash_table_lookup(files, argv[i]);
    if (!f) {
      f = g_ptr_array_new();
      g_hash_table_insert(files, argv[i], f);
      g_ptr_array_add(names, argv[i]);
    }
    g_ptr_array_add(f, argv[i + 1]);
  }
  int rc = 0;
  for (guint i = 0; i < names->len && !rc; i++) {
    GPtrArray *f = g_hash_table_lookup(files, names->pdata[i]);
    g_ptr_array_add(f, NULL);
    rc = emit_list(out, names->pdata[i], (const char *const *)f->pdata);
  }
  emit_lang_table(out, "lex_stop_lists", "stop_", names);
  emit_lang_table(out, "lex_closed_lists", "closed_", names);
  emit_lang_table(out, "lex_light_lists", "light_", names);
  emit_lang_table(out, "lex_conjunct_lists", "conjunct_", names);
  emit_lang_table(out, "lex_keep_lists", "keep_", names);
  g_hash_table_destroy(files);
  g_ptr_array_free(names, TRUE);
  if (fclose(out) || rc || rename(tmp, argv[1])) {
    fprintf(stderr, "lists_gen: cannot write %s\n", argv[1]);
    remove(tmp);
    return 1;
  }
  g_free(tmp);
  return 0;
}
