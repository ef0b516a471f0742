/* The LLM client's prompt: system and user messages, the document preview,
 * the language hint and the strict JSON schema of the answer. */
#include "tag/internal.h"

#include <string.h>

/* Heading lines kept for a long document's preview. */
#define HEADINGS_MAX_CHARS 2000
#define HEADINGS_MAX_LINES 60
/* A window edge moves at most this many characters to fall between words. */
#define SNAP_CHARS 40
/* Vocabulary and exclusion lists put in the prompt, at most. */
#define VOCAB_PROMPT_CHARS 24000
#define EXCLUDE_PROMPT_TERMS 200
/* Vocabularies this small also go into the schema as an enum. */
#define VOCAB_ENUM_MAX 100

llm_tiers llm_tiers_for(unsigned int n)
{
  llm_tiers t;
  t.names = (n * 5 + 5) / 10;     /* rounded 50% */
  t.subjects = (n * 3 + 5) / 10;  /* rounded 30% */
  if (t.names + t.subjects > n)
    t.subjects = n - t.names;
  t.actions = n - t.names - t.subjects;
  if (t.actions == 0 && n >= 3) { /* every tier gets at least one */
    t.actions = 1;
    if (t.names > t.subjects)
      t.names--;
    else
      t.subjects--;
  }
  return t;
}

llm_lang llm_language(const char *language, const char *text)
{
  if (language && *language && g_ascii_strcasecmp(language, "und") && g_ascii_strcasecmp(language, "auto")) {
    char *l = g_ascii_strdown(language, -1);
    bool hin = strstr(l, "hin") || !strcmp(l, "hi") || g_str_has_prefix(l, "hi-") || g_str_has_prefix(l, "hi+") ||
               strstr(l, "+hi") || strstr(l, "mixed");
    bool other = strstr(l, "eng") || strstr(l, "en+") || strstr(l, "+en") || !strcmp(l, "en") || strstr(l, "mixed");
    g_free(l);
    if (hin)
      return other ? LLM_LANG_MIXED : LLM_LANG_HINDI;
    return LLM_LANG_OTHER;
  }
  /* No detected language: count Devanagari against Latin letters. */
  size_t deva = 0, latin = 0, seen = 0;
  for (const char *p = text; p && *p && seen < 20000; p = g_utf8_next_char(p), seen++) {
    gunichar c = g_utf8_get_char_validated(p, -1);
    if (c == (gunichar)-1 || c == (gunichar)-2)
      break;
    if (!g_unichar_isalpha(c) && !g_unichar_ismark(c))
      continue;
    GUnicodeScript s = g_unichar_get_script(c);
    if (s == G_UNICODE_SCRIPT_DEVANAGARI)
      deva++;
    else if (s == G_UNICODE_SCRIPT_LATIN)
      latin++;
  }
  if (deva + latin == 0)
    return LLM_LANG_OTHER;
  double share = (double)deva / (double)(deva + latin);
  return share > 0.8 ? LLM_LANG_HINDI : share > 0.15 ? LLM_LANG_MIXED : LLM_LANG_OTHER;
}

/* ---- preview ---- */

static bool is_heading(const char *line, bool blank_before)
{
  static GRegex *numbered;
  if (g_once_init_enter(&numbered)) {
    GRegex *r = g_regex_new("^(\\d+(\\.\\d+)*[.)]?|[IVXLC]+[.)]|[A-Z][.)]|chapter|section|part|annexure|annex|"
                            "appendix|schedule|article|अध्याय|भाग|खंड|अनुच्छेद)\\s+\\S",
                            G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave(&numbered, r);
  }
  glong chars = g_utf8_strlen(line, -1);
  if (chars < 3 || chars > 100)
    return false;
  const char *last = g_utf8_prev_char(line + strlen(line));
  gunichar end = g_utf8_get_char(last);
  if (end == '.' || end == ',' || end == ';' || end == 0x0964 /* danda */)
    return false;
  unsigned int letters = 0, upper = 0, lower = 0, words = 0, capwords = 0, longwords = 0;
  bool in_word = false, word_start = false;
  for (const char *p = line; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isspace(c)) {
      in_word = false;
      continue;
    }
    if (!in_word) {
      in_word = true;
      words++;
      word_start = true;
    }
    if (g_unichar_isalpha(c)) {
      letters++;
      if (g_unichar_isupper(c))
        upper++;
      else if (g_unichar_islower(c))
        lower++;
      if (word_start) {
        /* Count words of 4+ bytes as "long" (skips "of", "and", "the"). */
        const char *q = p;
        while (*q && !g_unichar_isspace(g_utf8_get_char(q)))
          q = g_utf8_next_char(q);
        if (q - p >= 4) {
          longwords++;
          if (g_unichar_isupper(c))
            capwords++;
        }
      }
    }
    word_start = false;
  }
  if (letters < 2 || words > 12)
    return false;
  if (g_regex_match(numbered, line, 0, NULL))
    return true;
  if (upper >= 2 && lower == 0)           /* ALL CAPS */
    return true;
  if (words >= 2 && longwords >= 1 && capwords == longwords && upper > 0) /* Title Case */
    return true;
  /* A short line on its own after a blank line (scripts without case). */
  return blank_before && words <= 8 && upper == 0 && lower == 0;
}

static GString *headings_of(const char *text)
{
  GString *h = g_string_new(NULL);
  GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  gchar **lines = g_strsplit_set(text, "\n\f", -1);
  bool blank_before = true;
  unsigned int kept = 0;
  for (gchar **l = lines; *l && kept < HEADINGS_MAX_LINES; l++) {
    char *line = g_strstrip(*l);
    if (!*line) {
      blank_before = true;
      continue;
    }
    if (is_heading(line, blank_before) && !g_hash_table_contains(seen, line)) {
      size_t add = strlen(line) + 1;
      if (h->len + add > HEADINGS_MAX_CHARS * 2) /* bytes; Devanagari is 3 per char */
        break;
      if ((size_t)g_utf8_strlen(h->str, (gssize)h->len) + (size_t)g_utf8_strlen(line, -1) + 1 > HEADINGS_MAX_CHARS)
        break;
      g_hash_table_add(seen, g_strdup(line));
      g_string_append(h, line);
      g_string_append_c(h, '\n');
      kept++;
    }
    blank_before = false;
  }
  g_strfreev(lines);
  g_hash_table_destroy(seen);
  return h;
}

/* Pointer to character `off` of `s`, moved forward (or backward when
 * `back`) to the nearest whitespace within SNAP_CHARS characters. */
static const char *snap(const char *s, const char *end, glong off, bool back)
{
  const char *p = g_utf8_offset_to_pointer(s, off);
  const char *q = p;
  for (int i = 0; i < SNAP_CHARS && q > s && q < end; i++) {
    if (g_unichar_isspace(g_utf8_get_char(q)))
      return q;
    q = back ? g_utf8_prev_char(q) : g_utf8_next_char(q);
  }
  return p;
}

static void append_window(GString *out, const char *label, const char *from, const char *to)
{
  g_string_append_printf(out, "[%s]\n", label);
  g_string_append_len(out, from, to - from);
  /* trim the window's trailing whitespace, keep one newline */
  while (out->len && g_ascii_isspace(out->str[out->len - 1]))
    g_string_truncate(out, out->len - 1);
  g_string_append(out, "\n\n");
}

char *llm_preview(const char *text, size_t max_chars)
{
  char *valid = g_utf8_make_valid(text ? text : "", -1);
  g_strstrip(valid);
  glong n = g_utf8_strlen(valid, -1);
  if ((size_t)n <= max_chars)
    return valid;

  GString *out = g_string_new(NULL);
  GString *heads = headings_of(valid);
  glong budget = (glong)max_chars - g_utf8_strlen(heads->str, -1) - 80 /* labels */;
  if (budget < (glong)max_chars / 2)
    budget = (glong)max_chars / 2;
  glong w_start = budget / 2, w_mid = budget / 4, w_end = budget - w_start - w_mid;
  const char *end = valid + strlen(valid);

  if (heads->len) {
    g_string_append(out, "[Headings]\n");
    g_string_append(out, heads->str);
    g_string_append_c(out, '\n');
  }
  const char *a = valid, *b = snap(valid, end, w_start, true);
  append_window(out, "Beginning", a, b);
  a = snap(valid, end, n / 2 - w_mid / 2, false);
  b = snap(valid, end, n / 2 + (w_mid - w_mid / 2), true);
  append_window(out, "Middle", a, b);
  a = snap(valid, end, n - w_end, false);
  append_window(out, "End", a, end);
  while (out->len && out->str[out->len - 1] == '\n')
    g_string_truncate(out, out->len - 1);

  g_string_free(heads, TRUE);
  g_free(valid);
  return g_string_free(out, FALSE);
}

/* ---- messages ---- */

const char *llm_system_prompt(void)
{
  return "You are a search-tagging expert. You read a document and choose the tags people would "
         "type into a search engine to find it: specific, concrete and faithful to the document. "
         "You answer with a JSON object only, with exactly three keys: "
         "{\"names\": [...], \"subjects\": [...], \"actions\": [...]}.";
}

static void append_language_hint(GString *p, const tag_request *req)
{
  switch (llm_language(req->language, req->text)) {
  case LLM_LANG_HINDI:
    g_string_append(p, "\nThe document is in Hindi. Write every tag in English: translate Hindi terms, and "
                       "write names of schemes, places and organisations the way they are usually written in "
                       "English.\n");
    break;
  case LLM_LANG_MIXED:
    g_string_append(p, "\nThe document mixes Hindi and English. Write every tag in English: translate Hindi "
                       "terms, and write names of schemes, places and organisations the way they are usually "
                       "written in English.\n");
    break;
  default:
    break;
  }
}

static void append_vocabulary(GString *p, const tag_request *req)
{
  if (!req->vocabulary_count)
    return;
  g_string_append(p, "\nChoose every tag from this controlled vocabulary only, copied exactly as written; "
                     "never invent a tag outside it:\n");
  size_t start = p->len, i;
  for (i = 0; i < req->vocabulary_count; i++) {
    const char *v = req->vocabulary[i];
    if (!v || !*v)
      continue;
    if (p->len - start + strlen(v) > VOCAB_PROMPT_CHARS)
      break;
    g_string_append_printf(p, "- %s\n", v);
  }
  if (i < req->vocabulary_count)
    g_string_append_printf(p, "(%zu more entries not shown)\n", req->vocabulary_count - i);
  g_string_append(p, "If fewer entries fit the document than asked for, return only those that fit.\n");
}

static void append_exclusions(GString *p, const tag_request *req)
{
  if (!req->exclusion_count)
    return;
  g_string_append(p, "\nNever use these terms, nor tags built around them: ");
  for (size_t i = 0; i < req->exclusion_count && i < EXCLUDE_PROMPT_TERMS; i++)
    g_string_append_printf(p, "%s%s", i ? ", " : "", req->exclusion[i]);
  g_string_append(p, ".\n");
}

static void append_answer_shape(GString *p)
{
  g_string_append(p, "\nAnswer with the JSON object only: "
                     "{\"names\": [...], \"subjects\": [...], \"actions\": [...]}\n");
}

char *llm_user_prompt(const tag_request *req, unsigned int ask)
{
  llm_tiers t = llm_tiers_for(ask);
  GString *p = g_string_new(NULL);
  g_string_append_printf(p, "Generate exactly %u search tags for the document below.\n\n", ask);
  g_string_append_printf(p,
      "Split them into three tiers:\n"
      "- \"names\" (about 50%%, %u tags): named entities: organisations, ministries, departments, "
      "schemes, programmes, acts, places and people named in the document.\n"
      "- \"subjects\" (about 30%%, %u tags): the topics and subject areas the document covers.\n"
      "- \"actions\" (about 20%%, %u tags): the processes, actions and procedures it describes.\n\n",
      t.names, t.subjects, t.actions);
  g_string_append(p,
      "Rules for every tag:\n"
      "- 1 to 4 words, lower-case, no numbering or punctuation.\n"
      "- Specific to this document; no generic words such as document, report, information, details, "
      "data, government, india, pdf.\n"
      "- No dates, years or numbers on their own; no duplicates or near-duplicates.\n");
  append_language_hint(p, req);
  append_vocabulary(p, req);
  append_exclusions(p, req);
  append_answer_shape(p);

  char *title = g_utf8_make_valid(req->title && *req->title ? req->title : "(untitled)", -1);
  char *preview = llm_preview(req->text, LLM_PREVIEW_CHARS);
  g_string_append_printf(p, "\nTitle: %s\n\nContent:\n%s\n", title, preview);
  g_free(title);
  g_free(preview);
  return g_string_free(p, FALSE);
}

char *llm_followup_prompt(const tag_request *req, char *const *already, size_t n, unsigned int ask)
{
  GString *p = g_string_new("You already generated: ");
  size_t start = p->len;
  for (size_t i = 0; i < n; i++) {
    if (p->len - start > 4000)
      break;
    g_string_append_printf(p, "%s%s", i ? ", " : "", already[i]);
  }
  if (!n)
    g_string_append(p, "(nothing usable)");
  g_string_append_printf(p, ".\nThose are not enough. Generate %u more tags for the same document, all different "
                            "from the ones above, following the same rules", ask);
  g_string_append(p, req->vocabulary_count ? " and taken from the same vocabulary.\n" : ".\n");
  append_answer_shape(p);
  return g_string_free(p, FALSE);
}

json_t *llm_response_format(const tag_request *req)
{
  json_t *item = json_pack("{s:s}", "type", "string");
  if (req->vocabulary_count && req->vocabulary_count <= VOCAB_ENUM_MAX) {
    json_t *e = json_array();
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (size_t i = 0; i < req->vocabulary_count; i++) {
      const char *v = req->vocabulary[i];
      if (v && *v && g_utf8_validate(v, -1, NULL) && g_hash_table_add(seen, (gpointer)v))
        json_array_append_new(e, json_string(v));
    }
    g_hash_table_destroy(seen);
    json_object_set_new(item, "enum", e);
  }
  json_t *arr = json_pack("{s:s, s:O}", "type", "array", "items", item);
  json_t *schema = json_pack("{s:s, s:{s:O, s:O, s:O}, s:[s,s,s], s:b}",
                             "type", "object",
                             "properties", "names", arr, "subjects", arr, "actions", arr,
                             "required", "names", "subjects", "actions",
                             "additionalProperties", 0);
  json_decref(arr);
  json_decref(item);
  return json_pack("{s:s, s:{s:s, s:b, s:o}}", "type", "json_schema",
                   "json_schema", "name", "tags", "strict", 1, "schema", schema);
}
