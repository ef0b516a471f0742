/* The contract's title rule: the metadata title unless it is generic, else
 * the first line of 10..100 characters among the first lines of text, else
 * the file name without its extension. */
#include "extract/internal.h"

#include <string.h>

#define FIRST_LINES 10
#define TITLE_LINE_MIN 10
#define TITLE_LINE_MAX 100

/* Titles that word processors, scanners and converters write by default. */
static const char *const generic_titles[] = {
  "untitled", "untitled document", "document", "new document", "blank", "blank document",
  "title", "no title", "notitle", "none", "null", "unknown", "default", "doc", "pdf", "page",
  "slide", "presentation", "draft", "scan", "scanned document", "scanned image", "image",
  "book", "sheet", "word document", "microsoft word", "microsoft powerpoint", "microsoft excel",
  "powerpoint presentation", "temp", "test",
  NULL
};
static const char *const generic_prefixes[] = {
  "microsoft word -", "microsoft powerpoint -", "microsoft excel -", "untitled", NULL
};

static char *collapse_spaces(const char *s)
{
  GString *out = g_string_new(NULL);
  bool space = false;
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    gunichar u = g_utf8_get_char(p);
    if (g_unichar_isspace(u) || g_unichar_iscntrl(u)) {
      space = out->len > 0;
      continue;
    }
    if (space)
      g_string_append_c(out, ' ');
    space = false;
    g_string_append_unichar(out, u);
  }
  return g_string_free(out, FALSE);
}

static char *file_stem(const char *file_name)
{
  if (!file_name || !*file_name)
    return NULL;
  char *base = g_path_get_basename(file_name);
  char *dot = strrchr(base, '.');
  if (dot && dot != base)
    *dot = '\0';
  char *stem = collapse_spaces(base);
  g_free(base);
  if (!*stem || !strcmp(stem, ".") || !strcmp(stem, "/")) {
    g_free(stem);
    return NULL;
  }
  return stem;
}

static size_t count_letters(const char *s)
{
  size_t n = 0;
  for (const char *p = s; *p; p = g_utf8_next_char(p))
    if (g_unichar_isalpha(g_utf8_get_char(p)))
      n++;
  return n;
}

static bool is_generic(const char *title, const char *stem)
{
  if (g_utf8_strlen(title, -1) < 3 || count_letters(title) < 2)
    return true;
  char *low = g_utf8_casefold(title, -1);
  /* "Document1", "Untitled-3", "Presentation (2)" are still defaults */
  size_t n = strlen(low);
  while (n > 0 && strchr(" 0123456789_-.()#", low[n - 1]))
    low[--n] = '\0';
  bool generic = n == 0;
  for (const char *const *g = generic_titles; *g && !generic; g++)
    generic = strcmp(low, *g) == 0;
  for (const char *const *g = generic_prefixes; *g && !generic; g++)
    generic = g_str_has_prefix(low, *g);
  g_free(low);
  if (generic)
    return true;
  /* A file name or path, or an identifier such as "en_invoice", is what a
   * converter wrote when nobody gave a title. */
  if (g_regex_match_simple("^\\S+\\.(pdf|docx?|odt|rtf|txt|xlsx?|pptx?|indd|tex|html?|jpe?g|png|tiff?)$",
                           title, G_REGEX_CASELESS, 0))
    return true;
  if (!strchr(title, ' ') && (strchr(title, '_') || strchr(title, '/') || strchr(title, '\\')))
    return true;
  if (stem) {
    char *a = g_utf8_casefold(title, -1), *b = g_utf8_casefold(stem, -1);
    bool same = strcmp(a, b) == 0;
    g_free(a);
    g_free(b);
    if (same)
      return true;
  }
  return false;
}

char *extract_title(const char *meta_title, const char *first_text, const char *file_name)
{
  char *stem = file_stem(file_name);
  if (meta_title && g_utf8_validate(meta_title, -1, NULL)) {
    char *t = collapse_spaces(meta_title);
    if (!is_generic(t, stem)) {
      g_free(stem);
      return t;
    }
    g_free(t);
  }
  if (first_text && g_utf8_validate(first_text, -1, NULL)) {
    gchar **lines = g_strsplit_set(first_text, "\n\f\r", -1);
    int seen = 0;
    for (gchar **l = lines; *l && seen < FIRST_LINES; l++) {
      char *line = collapse_spaces(*l);
      if (!*line) {
        g_free(line);
        continue;
      }
      seen++;
      glong n = g_utf8_strlen(line, -1);
      if (n >= TITLE_LINE_MIN && n <= TITLE_LINE_MAX && count_letters(line) >= 3) {
        g_strfreev(lines);
        g_free(stem);
        return line;
      }
      g_free(line);
    }
    g_strfreev(lines);
  }
  return stem ? stem : g_strdup("Untitled");
}
