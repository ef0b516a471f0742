/* Parsing a model's answer into candidate tags: the JSON object of the
 * prompt wherever it sits in the answer, else a plain list. */
#include "tag/internal.h"

#include <string.h>

/* Tries this many '{' / '[' positions before giving up on JSON. */
#define JSON_TRIES 64

static const char *const tiers[] = { "names", "subjects", "actions" };

/* Leading and trailing characters that are never part of a tag. */
static bool is_trim(gunichar c)
{
  return g_unichar_isspace(c) || strchr("\"'`*[]{}<>", (int)c) ||
         c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 || c == 0x00AB || c == 0x00BB;
}

static char *trim_tag(const char *s, size_t len)
{
  const char *a = s, *b = s + len;
  while (a < b && is_trim(g_utf8_get_char(a)))
    a = g_utf8_next_char(a);
  while (b > a) {
    const char *p = g_utf8_prev_char(b);
    gunichar c = g_utf8_get_char(p);
    if (!is_trim(c) && c != '.')
      break;
    b = p;
  }
  return g_strndup(a, b - a);
}

static void add_candidate(GPtrArray *out, const char *s)
{
  if (!s)
    return;
  char *t = trim_tag(s, strlen(s));
  if (*t)
    g_ptr_array_add(out, t);
  else
    g_free(t);
}

static void add_strings(GPtrArray *out, json_t *arr, size_t from, size_t to)
{
  for (size_t i = from; i < to && i < json_array_size(arr); i++)
    add_candidate(out, json_string_value(json_array_get(arr, i)));
}

static bool has_strings(json_t *v)
{
  if (!json_is_array(v))
    return false;
  for (size_t i = 0; i < json_array_size(v); i++)
    if (json_is_string(json_array_get(v, i)))
      return true;
  return false;
}

/* The candidates of a parsed JSON value, or false when it holds none. */
static bool from_json(json_t *v, unsigned int want, GPtrArray *out)
{
  if (json_is_array(v)) {
    add_strings(out, v, 0, json_array_size(v));
    return out->len > 0;
  }
  if (!json_is_object(v))
    return false;
  json_t *tier[3];
  bool any_tier = false;
  for (int i = 0; i < 3; i++) {
    tier[i] = json_object_get(v, tiers[i]);
    any_tier |= has_strings(tier[i]);
  }
  if (any_tier) {
    /* Tier quotas first, so the first `want` follow the requested mix,
     * then each tier's extras. */
    llm_tiers t = llm_tiers_for(want);
    size_t quota[3] = { t.names, t.subjects, t.actions };
    for (int i = 0; i < 3; i++)
      add_strings(out, tier[i], 0, quota[i]);
    for (int i = 0; i < 3; i++)
      add_strings(out, tier[i], quota[i], (size_t)-1);
  }
  /* Any other list of strings ("tags", "keywords", ...). */
  const char *key;
  json_t *val;
  json_object_foreach(v, key, val) {
    if (!strcmp(key, "names") || !strcmp(key, "subjects") || !strcmp(key, "actions"))
      continue;
    if (has_strings(val))
      add_strings(out, val, 0, json_array_size(val));
    else if (json_is_object(val))
      from_json(val, want, out);
  }
  return out->len > 0;
}

static bool parse_json(const char *content, unsigned int want, GPtrArray *out)
{
  int tries = 0;
  bool object_seen = false;
  for (const char *p = content; *p && tries < JSON_TRIES; p++) {
    /* A bare array counts only when no object opened before it: inside a
     * truncated object it is one tier, better read by the list parser. */
    if (*p == '{')
      object_seen = true;
    else if (*p != '[' || object_seen)
      continue;
    tries++;
    json_error_t err;
    json_t *v = json_loads(p, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &err);
    if (!v)
      continue;
    bool ok = from_json(v, want, out);
    json_decref(v);
    if (ok)
      return true;
    g_ptr_array_set_size(out, 0);
  }
  return false;
}

static bool is_label(const char *s, size_t len)
{
  static const char *const labels[] = { "names", "name", "subjects", "subject", "actions", "action",
                                        "tags", "tag", "keywords", "topics", NULL };
  char *l = trim_tag(s, len);
  bool hit = false;
  for (int i = 0; labels[i] && !hit; i++)
    hit = !g_ascii_strcasecmp(l, labels[i]);
  g_free(l);
  return hit;
}

static unsigned int word_count(const char *s)
{
  unsigned int n = 0;
  bool in = false;
  for (; *s; s++) {
    bool sp = g_ascii_isspace(*s);
    if (!sp && !in)
      n++;
    in = !sp;
  }
  return n;
}

/* "a, b; c\n- d": items split on commas, semicolons and newlines; an
 * introduction ("Here are the tags:") or a tier label before a colon goes. */
static void parse_list(const char *content, GPtrArray *out)
{
  gchar **items = g_strsplit_set(content, ",;\n\r", -1);
  for (gchar **it = items; *it; it++) {
    char *s = *it;
    if (g_str_has_prefix(g_strchug(s), "```"))
      continue;
    char *colon = strrchr(s, ':');
    if (colon) {
      size_t before = (size_t)(colon - s);
      char *head = g_strndup(s, before);
      bool drop_head = is_label(s, before) || word_count(head) >= 3;
      g_free(head);
      if (drop_head)
        s = colon + 1;
    }
    /* "open defec at the end of a truncated JSON answer: a cut tag. */
    char *raw = g_strstrip(g_strdup(s));
    const char *q = raw;
    while (*q == '[')
      q++;
    bool cut = *q == '"' && (strlen(q) < 2 || !strchr("\"]}", raw[strlen(raw) - 1]));
    g_free(raw);
    if (cut)
      continue;
    char *t = trim_tag(s, strlen(s));
    size_t tl = strlen(t);
    if (!*t || word_count(t) > 8 || t[tl - 1] == ':' || t[tl - 1] == '?' || t[tl - 1] == '!')
      g_free(t);
    else
      g_ptr_array_add(out, t);
  }
  g_strfreev(items);
}

GPtrArray *llm_parse(const char *content, unsigned int want)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  if (!content || !*content)
    return out;
  if (!parse_json(content, want, out))
    parse_list(content, out);
  return out;
}
