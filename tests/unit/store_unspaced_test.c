/* The scripts written without spaces, stated once (store/unspaced.h):
 * SQLite's tokenizer reads its scripts, and PostgreSQL's functions, which
 * live in migrations, must hold its blocks. No services. */
#include "testutil.h"
#include "core/embedded.h"
#include "store/unspaced.h"

#include <glib.h>
#include <string.h>

typedef struct block {
  gunichar first, last;
  bool marks;
} block;

static const block blocks[] = {
#define UNSPACED_BLOCK(first, last, marks) { first, last, marks },
  UNSPACED_BLOCKS(UNSPACED_BLOCK)
#undef UNSPACED_BLOCK
};

static const GUnicodeScript scripts[] = {
#define UNSPACED_SCRIPT(name) G_UNICODE_SCRIPT_##name,
  UNSPACED_SCRIPTS(UNSPACED_SCRIPT)
#undef UNSPACED_SCRIPT
};

static void append_point(GString *s, gunichar c)
{
  if (c < 0x10000)
    g_string_append_printf(s, "\\u%04x", c);
  else
    g_string_append_printf(s, "\\U%08x", c);
}

/* The blocks (marks: those whose marks join) as the body of a regular
 * expression's class, written as the migrations write it. */
static char *blocks_class(bool marks)
{
  GString *s = g_string_new(NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(blocks); i++) {
    if (marks && !blocks[i].marks)
      continue;
    append_point(s, blocks[i].first);
    if (blocks[i].last != blocks[i].first) {
      g_string_append_c(s, '-');
      append_point(s, blocks[i].last);
    }
  }
  return g_string_free(s, FALSE);
}

/* The newest PostgreSQL migration holding `needle` (borrowed), its name in
 * *name; NULL when none does. Their names sort as they run. */
static const char *newest_migration(const char *needle, const char **name)
{
  const char *text = NULL;
  *name = NULL;
  for (const embedded_file *f = embedded_files; f->name; f++)
    if (g_str_has_prefix(f->name, "store/data/postgres/") && strstr((const char *)f->data, needle) &&
        (!*name || strcmp(f->name, *name) > 0)) {
      *name = f->name;
      text = (const char *)f->data;
    }
  return text;
}

static bool in_blocks(gunichar c)
{
  for (size_t i = 0; i < G_N_ELEMENTS(blocks); i++)
    if (c >= blocks[i].first && c <= blocks[i].last)
      return true;
  return false;
}

static bool listed(GUnicodeScript s)
{
  for (size_t i = 0; i < G_N_ELEMENTS(scripts); i++)
    if (scripts[i] == s)
      return true;
  return false;
}

/* What SQLite's tokenizer keeps in a word (its categories "L* N* Co M*"). */
static bool word_char(gunichar c)
{
  return g_unichar_isalnum(c) || g_unichar_ismark(c) || g_unichar_type(c) == G_UNICODE_PRIVATE_USE;
}

/* The functions of the newest migrations that define them hold exactly the
 * header's blocks: an edit of one without the other fails here. */
static void test_migrations_hold_the_blocks(void **state)
{
  (void)state;
  const char *name = NULL;
  const char *m = newest_migration("FUNCTION doctag_unspaced()", &name);
  assert_non_null(m);
  char *cls = blocks_class(false);
  char *want = g_strdup_printf("SELECT '%s'::text", cls);
  if (!strstr(m, want))
    fail_msg("%s: doctag_unspaced() is not store/unspaced.h's blocks; a new migration must define it as\n%s", name,
             want);
  g_free(want);
  g_free(cls);
  m = newest_migration("FUNCTION doctag_pairs(", &name);
  assert_non_null(m);
  cls = blocks_class(true);
  want = g_strdup_printf("c ~ '[%s]'", cls);
  if (!strstr(m, want))
    fail_msg("%s: doctag_pairs() does not join the marks of store/unspaced.h's blocks; a new migration must test\n%s",
             name, want);
  g_free(want);
  g_free(cls);
}

/* The blocks are in order and apart, hold every character SQLite's
 * tokenizer pairs (a letter, number or mark of a listed script, as this
 * GLib's Unicode knows them), and nothing of another script but the
 * common and inherited characters those blocks share. */
static void test_blocks_hold_the_scripts(void **state)
{
  (void)state;
  for (size_t i = 0; i < G_N_ELEMENTS(blocks); i++) {
    assert_true(blocks[i].first <= blocks[i].last);
    if (i)
      assert_true(blocks[i - 1].last < blocks[i].first);
  }
  for (gunichar c = 0; c < 0x110000; c++) {
    if (c >= 0xD800 && c <= 0xDFFF)
      continue;
    GUnicodeScript s = g_unichar_get_script(c);
    bool in = in_blocks(c);
    if (listed(s) && word_char(c) && !in)
      fail_msg("U+%04X (script %d) is paired by SQLite's index but is in no block of store/unspaced.h", c, (int)s);
    if (in && g_unichar_type(c) != G_UNICODE_UNASSIGNED && !listed(s) && s != G_UNICODE_SCRIPT_COMMON &&
        s != G_UNICODE_SCRIPT_INHERITED)
      fail_msg("U+%04X is in a block of store/unspaced.h but of an unlisted script", c);
  }
  /* Both sides of what changed in 0020, and the scripts of 0018. */
  const gunichar sample[] = { 0x0E01, 0x1000, 0x1780, 0x4E2D, 0x3042, 0x30A2, 0xAA60, 0xA9E0, 0x1B001, 0x31350 };
  for (size_t i = 0; i < G_N_ELEMENTS(sample); i++)
    assert_true(in_blocks(sample[i]) && listed(g_unichar_get_script(sample[i])));
  assert_false(in_blocks('a') || in_blocks(0x0915) || in_blocks(0xAC00));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_migrations_hold_the_blocks),
    cmocka_unit_test(test_blocks_hold_the_scripts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
