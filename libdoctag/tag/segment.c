/* Unicode word segmentation for the built-in tagger (see segment.h).
 *
 * Two passes: lines are classified first (blank, table row, heading shape),
 * so that a phrase may run across the wrapped lines of a paragraph but never
 * across a heading's edge, a table cell, a blank line or a page; then each
 * line is cut into words, numbers and codes. */
#include "tag/segment.h"

#include <string.h>

#include "core/iculib.h"
#include "tag/lexicon.h"
#include "tag/pos.h"
#include "tag/strtab.h"

#define HEADING_MAX_WORDS 8
#define HEADING_MAX_CHARS 70
#define HEADING_MAX_LINES 3
#define LONG_LINE_CHARS 30

typedef struct line_info {
  const char *s;           /* trimmed */
  size_t len;
  unsigned int page;
  bool blank, tab, terminal, bullet, shape, titled, uncased, upper_start, lower_start, long_line;
  bool keywords;           /* starts with "Keywords:", "Subject:", "विषय:" ... */
  bool digit;              /* has a digit (after any list number) */
  unsigned int words;      /* space-separated */
  bool header;             /* a table's header row (mark_table_headers()) */
  bool closing;            /* a short line after the text's last sentence: a signature's */
  bool opening;            /* a short line before the text's first sentence: an author's, an address */
  bool cand, heading, title;
  int block;               /* heading block, or -1 */
} line_info;

/* glib's Unicode calls with ASCII answered inline: the same answers
 * without a table look-up for most characters of most texts. */
static inline gunichar uc(const char *p)
{
  /* the text is valid UTF-8 (seg_split() drops a line that is not) */
  const unsigned char *s = (const unsigned char *)p;
  if (s[0] < 0x80)
    return s[0];
  if (s[0] < 0xE0)
    return ((gunichar)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
  if (s[0] < 0xF0)
    return ((gunichar)(s[0] & 0x0F) << 12) | ((gunichar)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
  return ((gunichar)(s[0] & 0x07) << 18) | ((gunichar)(s[1] & 0x3F) << 12) | ((gunichar)(s[2] & 0x3F) << 6) |
         (s[3] & 0x3F);
}
/* glib's classes of the Devanagari block, U+0900..U+097F, without its
 * table look-ups (Hindi text asks them of nearly every character): no
 * letter has case, none is a space; the digits are U+0966..U+096F; the
 * letters U+0904..U+0939, U+093D, U+0950, U+0958..U+0961, U+0971..U+097F;
 * everything but the dandas and the abbreviation sign U+0970 is a letter,
 * a digit or a mark (tag_local_test holds them to glib's answers). */
static inline bool in_deva(gunichar c) { return c - 0x0900 < 0x80; }
static inline bool deva_alpha(gunichar c)
{
  return (c >= 0x0904 && c <= 0x0939) || c == 0x093D || c == 0x0950 || (c >= 0x0958 && c <= 0x0961) || c >= 0x0971;
}
static inline bool deva_digit(gunichar c) { return c >= 0x0966 && c <= 0x096F; }
static inline bool deva_alnum_mark(gunichar c) { return c != 0x0964 && c != 0x0965 && c != 0x0970; }
static inline bool ch_isdigit(gunichar c)
{
  return c < 0x80 ? c >= '0' && c <= '9' : in_deva(c) ? deva_digit(c) : g_unichar_isdigit(c);
}
static inline bool ch_isalpha(gunichar c)
{
  return c < 0x80 ? g_ascii_isalpha((char)c) : in_deva(c) ? deva_alpha(c) : g_unichar_isalpha(c);
}
static inline bool ch_islower(gunichar c)
{
  return c < 0x80 ? c >= 'a' && c <= 'z' : !in_deva(c) && g_unichar_islower(c);
}
/* g_unichar_istitle() without its table search for the characters that
 * cannot be title case: all title-case letters (Unicode's Lt: the Latin
 * digraphs U+01C5..U+01F2 and Greek U+1F88..U+1FFC) lie in two ranges */
static inline bool ch_istitle(gunichar c)
{
  return ((c >= 0x01C5 && c <= 0x01F2) || (c >= 0x1F88 && c <= 0x1FFC)) && g_unichar_istitle(c);
}
static inline GUnicodeScript ch_script(gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalpha((char)c) ? G_UNICODE_SCRIPT_LATIN : G_UNICODE_SCRIPT_COMMON;
  /* the Devanagari block but its stress signs (Inherited) and dandas (Common) */
  if (c >= 0x0900 && c <= 0x097F && !(c >= 0x0951 && c <= 0x0954) && c != 0x0964 && c != 0x0965)
    return G_UNICODE_SCRIPT_DEVANAGARI;
  return g_unichar_get_script(c);
}

bool seg_is_ascii(const char *s, const char *e)
{
  for (const char *c = s; c < e; c++)
    if ((unsigned char)*c & 0x80)
      return false;
  return true;
}

bool seg_has_upper(const char *s, gssize len)
{
  for (const char *p = s; len < 0 ? *p : p < s + len; p = g_utf8_next_char(p)) {
    if (!((unsigned char)*p & 0x80)) {
      if (*p >= 'A' && *p <= 'Z')
        return true;
      continue;
    }
    if ((unsigned char)p[0] == 0xE0 && ((unsigned char)p[1] & 0xFE) == 0xA4)
      continue; /* Devanagari (U+0900..U+097F) has no case */
    gunichar c = g_utf8_get_char(p);
    if (g_unichar_isupper(c) || ch_istitle(c))
      return true;
  }
  return false;
}

/* True when [s, e) holds only characters that no normalisation changes
 * and no neighbour can combine with or reorder: ASCII, ZWSP/ZWNJ/ZWJ, and
 * Devanagari but its nukta (U+093C, which composes: न + ़ is ऩ, as with र
 * and ळ; after another consonant it stays, क़ being excluded from
 * composition, and is plain there: "ज़िला", "फ़सल"), the stress signs U+0951..U+0954 (the only marks besides the nukta and the
 * virama with a combining class, so the only ones that can be out of
 * canonical order) and the nukta letters U+0958..U+095F (excluded from
 * composition: never NFC); Latin-1's letters and signs (U+0080..U+00FF),
 * and the punctuation, currency, arrow and maths signs of U+2010..U+2027,
 * U+2030..U+205E, U+20A0..U+20BF and U+2190..U+22FF (none has a combining
 * class, a canonical singleton decomposition or a place as the second of
 * a composition pair: "é", "½", "’", "•", "–", "€", "→", "≤"). Such text is
 * NFC by definition, so most Hindi words and most English texts need no
 * ICU call (and a process that tags them, no ICU at all). */
static bool nfc_plain(const char *s, const char *e)
{
  const unsigned char *p = (const unsigned char *)s, *end = (const unsigned char *)e;
  unsigned int prev = 0; /* the Devanagari character just before, or 0 */
  while (p < end) {
    if (*p < 0x80) {
      p++;
      prev = 0;
      continue;
    }
    if (end - p >= 3 && p[0] == 0xE0 && (p[1] == 0xA4 || p[1] == 0xA5) && (p[2] & 0xC0) == 0x80) {
      unsigned int c = ((unsigned int)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      bool nukta_stays = c == 0x093C && prev >= 0x0915 && prev <= 0x0939 && prev != 0x0928 && prev != 0x0930 &&
                         prev != 0x0933;
      if ((c == 0x093C && !nukta_stays) || (c >= 0x0951 && c <= 0x0954) || (c >= 0x0958 && c <= 0x095F))
        return false;
      p += 3;
      prev = c;
      continue;
    }
    prev = 0;
    if (end - p >= 2 && (p[0] == 0xC2 || p[0] == 0xC3) && (p[1] & 0xC0) == 0x80) {
      p += 2; /* U+0080..U+00FF */
      continue;
    }
    if (end - p >= 3 && p[0] == 0xE2 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
      unsigned int c = 0x2000 | ((unsigned int)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
      if ((c >= 0x200B && c <= 0x200D) || (c >= 0x2010 && c <= 0x2027) || (c >= 0x2030 && c <= 0x205E) ||
          (c >= 0x20A0 && c <= 0x20BF) || (c >= 0x2190 && c <= 0x22FF)) {
        p += 3;
        continue;
      }
    }
    return false;
  }
  return true;
}

bool seg_is_nfc(const char *s, gssize len)
{
  if (nfc_plain(s, s + (len < 0 ? (gssize)strlen(s) : len)))
    return true;
  const iculib *icu = iculib_get();
  if (!icu)
    return false; /* the caller normalises */
  UChar buf[256];
  int32_t n = 0;
  UErrorCode err = U_ZERO_ERROR;
  icu->u_strFromUTF8(buf, G_N_ELEMENTS(buf), &n, s, (int32_t)len, &err);
  if (U_FAILURE(err) || n > (int32_t)G_N_ELEMENTS(buf))
    return false; /* long: the caller normalises */
  const UNormalizer2 *nfc = icu->unorm2_getNFCInstance(&err);
  return U_SUCCESS(err) && icu->unorm2_quickCheck(nfc, buf, n, &err) == UNORM_YES && U_SUCCESS(err);
}

/* g_ascii_strdown() of ASCII [s, s+len) without its call per character:
 * every word of most texts comes this way. */
static char *ascii_down(const char *s, size_t len)
{
  char *r = g_malloc(len + 1);
  for (size_t i = 0; i < len; i++)
    r[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
  r[len] = 0;
  return r;
}

char *seg_fold(const char *s, gssize len)
{
  if (len < 0)
    len = (gssize)strlen(s);
  if (seg_is_ascii(s, s + len))
    return ascii_down(s, (size_t)len); /* ASCII is NFC */
  char *down = seg_has_upper(s, len) ? g_utf8_strdown(s, len) : g_strndup(s, (gsize)len);
  if (!down || seg_is_nfc(down, -1))
    return down;
  char *nfc = g_utf8_normalize(down, -1, G_NORMALIZE_NFC);
  g_free(down);
  return nfc;
}

/* seg_is_word_char(), inlined where this file scans text */
static inline bool word_char(gunichar c)
{
  if (c < 0x80)
    return g_ascii_isalnum(c);
  if (c == 0x200C || c == 0x200D)
    return true;
  /* Devanagari signs: candrabindu..visarga, vowel signs, virama, nukta,
   * stress signs, vocalic vowel signs. */
  if ((c >= 0x0900 && c <= 0x0903) || (c >= 0x093A && c <= 0x094F) || (c >= 0x0951 && c <= 0x0957) ||
      (c >= 0x0962 && c <= 0x0963))
    return true;
  if (in_deva(c))
    return deva_alnum_mark(c);
  return g_unichar_isalnum(c) || g_unichar_ismark(c);
}

bool seg_is_word_char(gunichar c) { return word_char(c); }

static inline bool is_space(gunichar c)
{
  if (c < 0x80)
    return g_ascii_isspace(c);
  if (in_deva(c))
    return false;
  return g_unichar_isspace(c) || c == 0x00A0 || c == 0x200B || c == 0xFEFF;
}
static bool is_hyphen(gunichar c) { return c == '-' || c == 0x2010 || c == 0x2011; }
static bool is_apostrophe(gunichar c) { return c == '\'' || c == 0x2019; }

/* An upper-case or title-case letter; ASCII without the Unicode tables
 * (most letters of most documents, tested once each). */
static inline bool is_capital(gunichar c)
{
  if (c < 0x80)
    return c >= 'A' && c <= 'Z';
  if (in_deva(c))
    return false;
  return g_unichar_isupper(c) || ch_istitle(c);
}

static bool is_sentence_end(gunichar c) { return c == '.' || c == '!' || c == '?' || c == 0x0964 || c == 0x0965; }
static bool is_terminal(gunichar c) { return is_sentence_end(c) || c == ';' || c == ':' || c == ','; }
static bool is_bullet(gunichar c)
{
  return c == 0x2022 || c == 0x25E6 || c == 0x25AA || c == 0x25AB || c == 0x2023 || c == 0x2043 ||
         c == 0x25CF || c == 0x25CB || c == 0x25A0 || c == 0x25A1 || c == 0x27A2 || c == 0x27A4 ||
         c == 0x25BA || c == 0x25B6 || c == 0x00B7 || c == '*' || c == '-' || c == 0x2013 || c == 0x2014;
}

/* Length of a leading "1.", "2.3)", "(a)", "b." list number with the
 * whitespace after it, or 0. */
static size_t numbering_len(const char *s, size_t len)
{
  size_t i = 0;
  if (i < len && s[i] == '(')
    i++;
  size_t start = i;
  if (i < len && g_ascii_isdigit(s[i])) {
    while (i < len && (g_ascii_isdigit(s[i]) || (s[i] == '.' && i + 1 < len && g_ascii_isdigit(s[i + 1]))))
      i++;
  } else if (i < len && g_ascii_isalpha(s[i])) {
    i++;
  }
  if (i == start || i >= len || (s[i] != '.' && s[i] != ')'))
    return 0;
  i++;
  if (i >= len || (s[i] != ' ' && s[i] != '\t'))
    return 0;
  while (i < len && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i;
}

/* Labels under which a document states its own subject. */
static const char *const keyword_labels[] = {
  "keywords", "key words", "index terms", "tags", "subject", "sub", "re", "topic", "topics",
  "विषय", "मुख्य शब्द", "कुंजी शब्द", NULL
};

static bool starts_keywords(const char *s, size_t len)
{
  const char *colon = memchr(s, ':', len);
  if (!colon || colon - s > 24)
    return false;
  char *label = g_utf8_strdown(s, colon - s);
  g_strstrip(label);
  bool found = false;
  for (const char *const *k = keyword_labels; *k && !found; k++)
    found = !strcmp(label, *k);
  g_free(label);
  return found;
}

/* g_utf8_strlen() of [s, e) >= n, counting no further than n. */
static bool at_least_chars(const char *s, const char *e, size_t n)
{
  size_t c = 0;
  for (const char *p = s; p < e && c < n; p++)
    c += ((unsigned char)*p & 0xC0) != 0x80;
  return c >= n;
}

static void analyse_line(line_info *l)
{
  const char *s = l->s, *end = l->s + l->len;
  /* trim */
  while (s < end && is_space(uc(s)))
    s = g_utf8_next_char(s);
  while (end > s) {
    const char *p = g_utf8_prev_char(end);
    if (!is_space(uc(p)))
      break;
    end = p;
  }
  l->s = s;
  l->len = (size_t)(end - s);
  l->blank = l->len == 0;
  if (l->blank)
    return;
  l->tab = memchr(s, '\t', l->len) != NULL;
  l->keywords = starts_keywords(s, l->len);
  gunichar last = uc(g_utf8_prev_char(end));
  l->terminal = is_terminal(last) || (last == ')' && l->len > 1 && is_sentence_end(uc(g_utf8_prev_char(g_utf8_prev_char(end)))));
  l->long_line = at_least_chars(s, end, LONG_LINE_CHARS);
  gunichar first = uc(s);
  size_t num = numbering_len(s, l->len);
  l->bullet = is_bullet(first) || num > 0;
  l->lower_start = ch_islower(first);

  const char *u = s + num;
  bool digit = false, comma = false, any_lower = false, any_upper = false, first_letter = true;
  unsigned int words = 0, chars = 0, letters = 0, caps = 0, lower_big = 0;
  bool in_word = false;
  const char *word_start = NULL;
  for (const char *p = u; p <= end; p = p < end ? g_utf8_next_char(p) : end + 1) {
    gunichar c = p < end ? uc(p) : ' ';
    if (p < end)
      chars++;
    if (ch_isdigit(c))
      digit = true;
    if (c == ',' || c == ';' || c == 0x060C)
      comma = true;
    if (ch_isalpha(c)) {
      letters++;
      if (ch_islower(c))
        any_lower = true;
      if (is_capital(c))
        any_upper = true;
      if (first_letter) {
        l->upper_start = is_capital(c);
        first_letter = false;
      }
    }
    if (!is_space(c) && !in_word) {
      in_word = true;
      word_start = p;
      words++;
    } else if (is_space(c) && in_word) {
      in_word = false;
      /* the case of the word's first letter */
      const char *q = word_start;
      while (q < p && !ch_isalpha(uc(q)))
        q = g_utf8_next_char(q);
      if (q < p) {
        gunichar fc = uc(q);
        if (is_capital(fc)) {
          caps++;
        } else if (ch_islower(fc) && !lower_big) { /* one is enough to know */
          char *w = seg_is_ascii(q, p) ? ascii_down(q, (size_t)(p - q)) : g_utf8_strdown(q, p - q);
          if (seg_utf8_len(w) > 3 && !lex_is_stop(w))
            lower_big++;
          g_free(w);
        }
      }
    }
  }
  gunichar ulast = last;
  l->uncased = !any_lower && !any_upper;
  l->titled = caps > 0 && lower_big == 0;
  l->digit = digit;
  l->words = words;
  l->shape = words >= 1 && words <= HEADING_MAX_WORDS && chars <= HEADING_MAX_CHARS && !comma &&
             !l->tab && letters >= 2 && !(is_terminal(ulast) && ulast != ':') && !is_bullet(first);
}

/* Marks the header rows of tables whose cells the text has lost (a PDF's
 * columns read out one space apart): a heading-shaped line of two or more
 * words without digits over two or more unfinished lines with digits (no
 * sentences: "The rooms opened in 2024."), "Category Added
 * Withdrawn Total held" over "Books in English 3,420 610 58,900", "गाँव
 * दिनांक स्थान" over "नंदपुर 7 अक्टूबर 2024 पंचायत भवन". Such a row is no
 * heading and is joined to no line: "Collection" above it and "शिविर का
 * कार्यक्रम" made "collection category" and "कार्यक्रम गाँव दिनांक" tags.
 * Its words are cells when it has three or more ("withdrawn total"). */
static void mark_table_headers(line_info *lines, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    line_info *l = &lines[i];
    if (!l->shape || l->digit || l->words < 2 || l->terminal || l->bullet || l->keywords)
      continue;
    size_t rows = 0;
    for (size_t j = i + 1;
         j < n && lines[j].page == l->page && !lines[j].blank && lines[j].digit && !lines[j].terminal; j++)
      rows++;
    if (rows >= 2) {
      l->header = true;
      l->shape = false;
    }
  }
}

/* Marks heading lines: heading-shaped lines that start a block (after a
 * blank line, a finished sentence or the page top), are title-cased, ALL
 * CAPS, uncased (Devanagari) or at least not continued by a lower-case line,
 * in runs of at most three, followed by real content (a long line, a table
 * or a list). The first such block near the top of the text is the title. */
static void mark_headings(line_info *lines, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    line_info *l = &lines[i];
    l->block = -1;
    if (!l->shape)
      continue;
    /* digits ("Ward 4", "Page 1 of 2") rule a heading out, except in a
     * title-cased first line ("Tallyrun 3.2.0 Release Notes") */
    if (l->digit && !(i < 2 && l->page == 0 && l->titled))
      continue;
    line_info *prev = i > 0 && lines[i - 1].page == l->page ? &lines[i - 1] : NULL;
    line_info *next = i + 1 < n && lines[i + 1].page == l->page ? &lines[i + 1] : NULL;
    bool prev_ok = !prev || prev->blank || prev->terminal || prev->cand;
    bool kind_ok = l->titled || l->uncased || (l->upper_start && !(next && !next->blank && next->lower_start));
    l->cand = prev_ok && kind_ok;
  }
  int block = 0;
  unsigned int nonblank_seen = 0;
  bool title_done = false;
  for (size_t i = 0; i < n;) {
    if (!lines[i].cand) {
      if (!lines[i].blank)
        nonblank_seen++;
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && lines[j].cand && lines[j].page == lines[i].page)
      j++;
    size_t k = j;
    while (k < n && lines[k].blank && lines[k].page == lines[i].page)
      k++;
    bool content_follows = k < n && lines[k].page == lines[i].page &&
                           (lines[k].long_line || lines[k].tab || lines[k].bullet || lines[k].header);
    if (j - i <= HEADING_MAX_LINES && content_follows) {
      bool title = !title_done && lines[i].page == 0 && nonblank_seen < 3;
      for (size_t m = i; m < j; m++) {
        lines[m].heading = true;
        lines[m].title = title;
        lines[m].block = block;
      }
      block++;
      title_done = true;
    }
    nonblank_seen += (unsigned int)(j - i);
    i = j;
  }
}

typedef struct seg_state {
  GArray *out;
  bool brk, sentence;
  bool hyphen;             /* the next word follows a hyphen */
  bool keywords;           /* inside a keywords statement, until it ends */
  bool field;              /* a ':' or a tab since the last token, on this line */
  bool version;            /* the next word is the version of the name before */
  const line_info *line;
  unsigned int line_no;
  const char *text;        /* the whole text (see alone_in_text()) */
  char alone_word[13];     /* ... its last question and answer */
  bool alone;
  GArray *maybe_versions;  /* NULL, or the maybe_version of numbers that are
                              versions if their name says them twice */
  GHashTable *standards;   /* NULL, or the dotted standard's numbers written
                              after their body ("802.11" of "IEEE 802.11") */
} seg_state;

/* A number that is its name's version when the text writes the two
 * together again (version_of_name()), settled after the text. */
typedef struct maybe_version {
  guint index;             /* of the number's token */
  char *key;               /* the name, a space and the number */
  bool whole;              /* the number has no dot ("Haskell 98") */
} maybe_version;

static void emit(seg_state *st, const char *s, size_t len, seg_kind kind)
{
  seg_token t = { 0 };
  t.kind = (unsigned char)kind;
  t.brk = st->brk;
  t.hyphen = st->hyphen && !st->brk;
  t.version = st->version && !st->brk;
  t.sentence = st->sentence;
  t.heading = st->line->heading;
  t.title = st->line->title;
  t.keyword = st->keywords;
  t.field = st->field;
  t.page = st->line->page;
  t.line = st->line_no;
  if (kind == SEG_WORD) {
    /* possessive "'s" and stray apostrophes go */
    while (len > 0) {
      const char *e = s + len, *p = g_utf8_prev_char(e);
      gunichar c = uc(p);
      if (is_apostrophe(c)) {
        len = (size_t)(p - s);
        continue;
      }
      if ((c == 's' || c == 'S') && p > s && is_apostrophe(uc(g_utf8_prev_char(p)))) {
        len = (size_t)(g_utf8_prev_char(p) - s);
        continue;
      }
      break;
    }
    if (!len)
      return;
    gunichar fc = uc(s);
    t.cap = is_capital(fc);
    bool lower = false, latin = false, deva = false;
    unsigned int letters = 0;
    /* an ASCII word (most words of most texts): its classes and
     * seg_fold()'s lower case in one pass, without the Unicode tests */
    char *folded = g_malloc(len + 1);
    size_t i = 0;
    for (; i < len && !((unsigned char)s[i] & 0x80); i++) {
      char c = s[i];
      bool up = c >= 'A' && c <= 'Z', low = c >= 'a' && c <= 'z';
      lower |= low;
      letters += up || low;
      folded[i] = (char)(up ? c + ('a' - 'A') : c);
    }
    if (i == len) {
      folded[len] = 0;
      t.word = folded;
      latin = letters > 0; /* ch_script(): an ASCII letter is Latin, anything else Common */
    } else {
      g_free(folded);
      lower = false;
      letters = 0;
      for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
        gunichar c = uc(p);
        lower |= ch_islower(c);
        letters += ch_isalpha(c) != 0;
        GUnicodeScript sc = ch_script(c);
        latin |= sc == G_UNICODE_SCRIPT_LATIN;
        deva |= sc == G_UNICODE_SCRIPT_DEVANAGARI;
      }
    }
    t.acronym = !lower && t.cap && letters >= 2;
    t.script = latin && !deva ? SEG_SCRIPT_LATIN : deva && !latin ? SEG_SCRIPT_DEVANAGARI : SEG_SCRIPT_OTHER;
  }
  if (!t.word)
    t.word = seg_fold(s, (gssize)len);
  if (!t.word)
    return;
  g_array_append_val(st->out, t);
  st->brk = false;
  st->hyphen = false;
  st->version = false;
  st->sentence = false;
  st->field = false;
}

/* Letters glued to a number that make a measure, an ordinal or an amount
 * ("5kg", "6PM", "2nd", "4K", "3B"), and currencies written before one
 * ("Rs500", "USD100"): not names. Compared without case; a name that
 * starts with a digit has a capital after it, so "3D", "5G" are names
 * and "3d" (days), "5g" (grams) are not. */
static const char *const unit_suffixes[] = {
  "st", "nd", "rd", "th", "s", "am", "pm", "x", "k", "m", "b", "p", "l", "h", "mm", "cm", "km",
  "kg", "mg", "ml", "hr", "hrs", "min", "ms", "ns", "kb", "mb", "gb", "tb", "hz", "khz", "mhz", "ghz", "w",
  "kw", "mw", "v", "kv", "in", "ft", "lb", "lbs", "oz", "pt", "px", "mp", "bn", "mn", "yr", "yrs", "dpi", NULL
};
static const char *const currencies[] = {
  "rs", "inr", "usd", "eur", "gbp", "jpy", "cny", "aud", "cad", "chf", "sgd", "aed", NULL
};

static bool in_ascii_list(const char *const *list, const char *s, size_t len)
{
  for (const char *const *w = list; *w; w++)
    if (strlen(*w) == len && !g_ascii_strncasecmp(*w, s, len))
      return true;
  return false;
}

/* Whether the text has the capitals [s, e) as a word of their own
 * ("JPEG" beside "JPEG2000"): letters are the name, the digits its
 * number. Asked rarely (of a word in capitals before a year-shaped
 * number); the last answer is kept for a text that repeats the word. */
static bool alone_in_text(seg_state *st, const char *s, const char *e)
{
  size_t n = (size_t)(e - s);
  if (n >= sizeof st->alone_word)
    return false;
  if (strlen(st->alone_word) == n && !memcmp(st->alone_word, s, n))
    return st->alone;
  memcpy(st->alone_word, s, n);
  st->alone_word[n] = 0;
  st->alone = false;
  for (const char *p = strstr(st->text, st->alone_word); p && !st->alone; p = strstr(p + 1, st->alone_word))
    st->alone = (p == st->text || !g_ascii_isalnum(p[-1])) && !g_ascii_isalnum(p[n]);
  return st->alone;
}

/* Whether [s, e), letters then a four-digit number at `four` and nothing
 * after it, is a product's or a standard's name ("VPP5000", "ISO9001",
 * "DS1004") rather than an identifier or a year: its letters are two or
 * more capitals, and no currency; it is not a field's value ("Invoice no:
 * INV4521"); and a year-shaped number (1900-2099: "FY2024", "TREC2005")
 * names only with letters the text also writes alone ("JPEG2000" beside
 * "JPEG"). */
static bool model_number(seg_state *st, const char *s, const char *four, const char *e)
{
  if (four - s < 2 || four + 4 != e || st->field || in_ascii_list(currencies, s, (size_t)(four - s)))
    return false;
  for (const char *p = s; p < four; p++)
    if (!g_ascii_isupper(*p))
      return false;
  bool year = (four[0] == '1' && four[1] == '9') || (four[0] == '2' && four[1] == '0');
  return !year || alone_in_text(st, s, four);
}

/* Whether the ASCII word [s, e), letters mixed with digits, is a name
 * written as one word ("3D", "2DEG", "5G", "IPv6", "MP3", "B2B", "x86",
 * "R21") rather than an identifier or a measure: those have a digit run
 * of five or more ("HDFC0001023"), one of four but for a model's or a
 * standard's number (model_number(): "ISO9001", not "FY2024"), a
 * zero-padded one ("INV001"),
 * more than two runs ("27AAK4471M1Z3"), a currency before the number
 * ("Rs500"), an English word written as one before it (WordNet's, in
 * lower case or capitalised: "Item2", "page3", an item numbered; not
 * "IPv6", "MPEG2") or a unit or ordinal after it ("10mm", "2nd"). A name
 * that starts with a digit has one, then a capital: "3D", not "3d" (three
 * days) nor "12A" (a flat). */
static bool mixed_name(seg_state *st, const char *s, const char *e)
{
  if (e - s < 2 || e - s > 12)
    return false;
  unsigned int digit_runs = 0, letters = 0;
  const char *four = NULL; /* a run of four digits */
  for (const char *p = s; p < e;) {
    if (g_ascii_isalpha(*p)) {
      letters++;
      p++;
      continue;
    }
    if (!g_ascii_isdigit(*p))
      return false;
    const char *q = p;
    while (q < e && g_ascii_isdigit(*q))
      q++;
    if (q - p > 4 || (q - p > 1 && *p == '0') || ++digit_runs > 2)
      return false;
    if (q - p == 4)
      four = p;
    p = q;
  }
  if (!letters || !digit_runs)
    return false;
  if (four)
    return model_number(st, s, four, e);
  const char *a = s;
  while (a < e && g_ascii_isalpha(*a))
    a++;
  if (a > s) { /* letters first: not a currency, nor a word numbered ("Item2", "Page3", "Step1") */
    if (in_ascii_list(currencies, s, (size_t)(a - s)))
      return false;
    bool word = a - s >= 3;
    for (const char *p = s + 1; p < a && word; p++)
      word = g_ascii_islower(*p); /* written as a word: "item", "Item"; not "IPv", "MPEG" */
    if (!word)
      return true;
    char w[13];
    for (const char *p = s; p < a; p++)
      w[p - s] = g_ascii_tolower(*p);
    w[a - s] = 0;
    pos_info pi;
    return !pos_lookup(w, &pi);
  }
  const char *l = s + 1, *le = l;
  while (le < e && g_ascii_isalpha(*le))
    le++;
  return g_ascii_isupper(*l) && !in_ascii_list(unit_suffixes, l, (size_t)(le - l));
}

static bool all_digits(const char *s, size_t len)
{
  for (const char *p = s; p < s + len; p = g_utf8_next_char(p)) {
    gunichar c = uc(p);
    if (!ch_isdigit(c) && c != '.' && c != ',' && c != ':' && c != '/')
      return false;
  }
  return true;
}

/* The length of the digits [s, e) opens with when they could number a
 * name: one to three, not zero-padded ("4", "264"; not "007", "2024");
 * else 0. */
static size_t short_number(const char *s, const char *e)
{
  const char *p = s;
  while (p < e && g_ascii_isdigit(*p))
    p++;
  size_t n = (size_t)(p - s);
  return n <= 3 && !(n > 1 && *s == '0') ? n : 0;
}

/* Nouns that number the parts of a document or a series: "Section 4.2",
 * "Table 3.1", "Version 2.0" refer to a part, where "Web 2.0" and "HPF
 * 2.0" name a thing. */
static const char *const numbering_nouns[] = {
  "section", "sections", "sec", "table", "tables", "tab", "figure", "figures", "fig", "figs", "chapter", "chapters",
  "ch", "theorem", "theorems", "lemma", "lemmas", "definition", "corollary", "proposition", "equation",
  "equations", "eq", "eqs", "example", "examples", "appendix", "annex", "annexure", "schedule", "step", "steps",
  "part", "parts", "article", "clause", "rule", "note", "notes", "item", "items", "page", "pages", "paragraph",
  "para", "algorithm", "remark", "exercise", "problem", "case", "phase", "stage", "level", "grade", "class",
  "form", "version", "ver", "release", "rev", "revision", "edition", "vol", "volume", "issue", "chart",
  "listing", "box", "panel", "ref", "claim", "question", "task", "unit", "module", "lesson", "week", "day",
  "experiment", "experiments", "property", "observation", "assumption", "hypothesis", "condition", "conjecture",
  "axiom", "fact", "scenario", "round", "query", "trial", "group", "session", "study", NULL
};

/* The dotted parts of [s, e) when it has a version's shape: one or two
 * digits, then one or two parts of a dot and one digit ("2.0", "10.4",
 * "3.2.1"), and with `wide` also parts of two digits not zero-padded
 * ("3.11", "2.6.32"), which `*two` reports; else 0. */
static unsigned int version_parts(const char *s, const char *e, bool wide, bool *two)
{
  const char *p = s;
  while (p < e && g_ascii_isdigit(*p))
    p++;
  if (p == s || p - s > 2 || p == e)
    return 0;
  unsigned int parts = 0;
  *two = false;
  while (p < e) {
    if (*p != '.' || p + 1 >= e || !g_ascii_isdigit(p[1]) || ++parts > 2)
      return 0;
    const char *q = p + 2;
    if (q < e && g_ascii_isdigit(*q)) {
      if (!wide || p[1] == '0')
        return 0;
      *two = true;
      q++;
    }
    if (q < e && *q != '.')
      return 0;
    p = q;
  }
  return parts;
}

/* Whether [s, p), at the start of the chunk ending at e, is a name
 * written with its version as one word ("Web2.0", "Office2.1"): two to
 * twelve letters, one or two digits, and from there to e a version's
 * dotted parts; not a noun that numbers a part ("Section4.2") nor a
 * currency ("Rs4.50"). Asked rarely: like the other rare questions below
 * (G_GNUC_NO_INLINE), kept out of the scanning loop, which runs for every
 * word of every text. */
G_GNUC_NO_INLINE static bool name_with_version(const char *s, const char *p, const char *e)
{
  const char *d = s;
  while (d < p && g_ascii_isalpha(*d))
    d++;
  bool two;
  if (d - s < 2 || d - s > 12 || d == p || !version_parts(d, e, false, &two))
    return false;
  for (const char *q = d; q < p; q++)
    if (!g_ascii_isdigit(*q))
      return false;
  return !in_ascii_list(numbering_nouns, s, (size_t)(d - s)) && !in_ascii_list(currencies, s, (size_t)(d - s));
}

/* Whether [s, e) is letters, a short number and letters joined by
 * hyphens, one of them written as a word: a name ("quasi-2-d",
 * "MPEG-7-based", "COVID-19-related"); not "INV-2024-001", "AB-12-CD",
 * "hits-id-10", nor an age's "20-year-old". Asked of a chunk with two
 * separators, letters and digits. */
G_GNUC_NO_INLINE static bool hyphenated_name(const char *s, const char *e)
{
  const char *part = s;
  bool word = false;
  for (unsigned int i = 0; i < 3; i++) {
    const char *p = part;
    while (p < e && (i == 1 ? g_ascii_isdigit(*p) : word_char(uc(p)) && !ch_isdigit(uc(p))))
      p = g_utf8_next_char(p);
    if (p == part || (i == 1 && short_number(part, p) != (size_t)(p - part)))
      return false;
    if (i != 1 && p - part >= 2)
      word |= ch_islower(uc(g_utf8_next_char(part))); /* written as a word: "quasi", "Based" */
    if (i < 2 && (p >= e || !is_hyphen(uc(p))))
      return false;
    part = i < 2 ? g_utf8_next_char(p) : p;
  }
  return part == e && word;
}

/* A chunk (between spaces) that is an address, a path, a flag or an
 * identifier rather than words: never part of a phrase. */
static bool is_code(seg_state *st, const char *s, size_t len)
{
  if (len >= 2 && s[0] == '-' && s[1] == '-')
    return true;
  /* '@', '_', "://" or "www." anywhere: one pass over the bytes */
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (c == '@' || c == '_' || (c == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/') ||
        (c == 'w' && i + 3 < len && s[i + 1] == 'w' && s[i + 2] == 'w' && s[i + 3] == '.'))
      return true;
  }
  /* trim surrounding punctuation for the inner tests */
  const char *a = s, *b = s + len;
  while (a < b && !word_char(uc(a)))
    a = g_utf8_next_char(a);
  while (b > a && !word_char(uc(g_utf8_prev_char(b))))
    b = g_utf8_prev_char(b);
  bool letter = false, digit = false, part_letter = false, part_digit = false, mixed = false;
  unsigned int seps = 0;
  gunichar prev = 0;
  const char *part = a;
  for (const char *p = a; p <= b; p = p < b ? g_utf8_next_char(p) : b + 1) {
    gunichar c = p < b ? uc(p) : ' ';
    if (ch_isdigit(c)) {
      digit = part_digit = true;
    } else if (word_char(c)) {
      letter = part_letter = true;
    } else {
      if (part_letter && part_digit && !mixed_name(st, part, p)) {
        if (c == '.' && part == a && name_with_version(a, p, b))
          return false;
        mixed = true;
      }
      part_letter = part_digit = false;
      part = p < b ? g_utf8_next_char(p) : b;
      if (p < b && !is_apostrophe(c))
        seps++;
      /* "a.m.", "report.md", "कृ.वि.": a dot between letters */
      if (c == '.' && p < b && word_char(prev) && !ch_isdigit(prev)) {
        const char *q = g_utf8_next_char(p);
        if (q < b && word_char(uc(q)) && !ch_isdigit(uc(q)))
          return true;
      }
    }
    prev = c;
  }
  return mixed || (letter && digit && seps >= 2 && !(seps == 2 && hyphenated_name(a, b)));
}

/* Bodies whose standards are named by their number: "ISO 9001", "IEEE
 * 802.11", "RFC 2616", "BS 7666". Written in capitals before it. */
static const char *const standard_bodies[] = {
  "iso", "iec", "ieee", "ansi", "astm", "bs", "din", "en", "rfc", "itu", "ecma", "jis", "nist", "etsi", NULL
};

/* Whether [s, e) is a standard's number: three to five digits ("216",
 * "9001", "27001"), up to two dotted parts of one to three ("802.11",
 * "802.15.4") and a colon's year ("9001:2015"). */
static bool standard_number(const char *s, const char *e)
{
  const char *p = s;
  while (p < e && g_ascii_isdigit(*p))
    p++;
  if (p - s < 3 || p - s > 5 || *s == '0')
    return false;
  for (unsigned int parts = 0; p < e && *p == '.' && parts < 2; parts++) {
    const char *q = ++p;
    while (p < e && g_ascii_isdigit(*p))
      p++;
    if (p == q || p - q > 3)
      return false;
  }
  if (p < e && *p == ':') {
    const char *q = ++p;
    while (p < e && g_ascii_isdigit(*p))
      p++;
    if (p - q != 4)
      return false;
  }
  return p == e;
}

typedef enum version_kind { NOT_VERSION, VERSION, VERSION_IF_TWICE, STANDARD } version_kind;

/* Whether the number [s, e), the first of its chunk, is the version of
 * the name written right before it ("Web 2.0", "Mac OS 9.1", "HPF 2.0"),
 * or a standard's number after its body ("ISO 9001", standard_number()):
 * a version's shape (version_parts(): "2.0", "10.4", "3.2.1"; not a
 * price's "4.99" nor a count), with parts of two digits only in a
 * version of three parts ("2.6.32") or one the text repeats after the
 * same name ("Python 3.11": VERSION_IF_TWICE, repeated_versions()), where
 * "Widget 4.99" once may be a price; after a capitalised word
 * inside a sentence, or one in capitals, or a sentence's first word with
 * a version the text repeats, on the same line and with nothing between
 * them; not a stop word, a currency ("Rs 4.5") or a noun
 * that numbers the parts of a document ("Section 4.2"). */
G_GNUC_NO_INLINE static version_kind version_of_name(const seg_state *st, const char *s, const char *e)
{
  if (st->brk || st->field || !st->out->len || !g_ascii_isdigit(*s))
    return NOT_VERSION;
  const seg_token *n = &g_array_index(st->out, seg_token, st->out->len - 1);
  if (n->kind != SEG_WORD || n->script != SEG_SCRIPT_LATIN || n->line != st->line_no || n->version ||
      !(n->acronym || n->cap))
    return NOT_VERSION;
  size_t len = strlen(n->word);
  if (n->acronym && in_ascii_list(standard_bodies, n->word, len) && standard_number(s, e))
    return STANDARD;
  bool two;
  unsigned int parts = version_parts(s, e, true, &two);
  /* a number of one to three digits names a release or a model only where
   * the text writes it with the name again ("Haskell 98", "Windows 95",
   * "Fortran 77"; repeated_versions()) */
  bool whole = !parts && e - s <= 3 && *s != '0' && all_digits(s, (size_t)(e - s));
  if ((!parts && !whole) || lex_is_stop(n->word) || in_ascii_list(numbering_nouns, n->word, len) ||
      in_ascii_list(currencies, n->word, len))
    return NOT_VERSION;
  if (whole)
    return VERSION_IF_TWICE;
  /* a sentence's first word is capitalised anyway: it names with a
   * version the text repeats */
  return (n->acronym || !n->sentence) && (!two || parts == 2) ? VERSION : VERSION_IF_TWICE;
}

/* A dotted standard's number the text also writes alone is the same name
 * ("IEEE 802.11" ... "the 802.11 standard"): a word of its own, once the
 * text is read (an undotted one alone is as often a year or a count:
 * "ISO 2022" ... "in 2022"). */
static void bare_standards(seg_state *st)
{
  if (!st->standards)
    return;
  for (guint i = 0; i < st->out->len; i++) {
    seg_token *t = &g_array_index(st->out, seg_token, i);
    if (t->kind == SEG_NUMBER && g_hash_table_contains(st->standards, t->word))
      t->kind = SEG_WORD;
  }
  g_hash_table_destroy(st->standards);
  st->standards = NULL;
}

/* Records the number just emitted, [s, e), as VERSION_IF_TWICE. */
G_GNUC_NO_INLINE static void maybe_version_add(seg_state *st, const char *s, const char *e)
{
  if (st->out->len < 2)
    return;
  const seg_token *num = &g_array_index(st->out, seg_token, st->out->len - 1);
  if (num->kind != SEG_NUMBER || strncmp(num->word, s, (size_t)(e - s)))
    return; /* not emitted */
  if (!st->maybe_versions)
    st->maybe_versions = g_array_new(FALSE, FALSE, sizeof(maybe_version));
  maybe_version m = { st->out->len - 1, g_strconcat((num - 1)->word, " ", num->word, NULL), !strchr(num->word, '.') };
  g_array_append_val(st->maybe_versions, m);
}

/* The VERSION_IF_TWICE numbers whose name and number the text writes
 * together twice or more become versions (a word joined to the name):
 * counted once the text is read, so each costs a table entry. A name the
 * text writes with two whole numbers numbers a series ("Player 1 ...
 * Player 2"), where one names a release ("Haskell 98"). */
static void repeated_versions(seg_state *st)
{
  GArray *mv = st->maybe_versions;
  if (!mv)
    return;
  GHashTable *count = g_hash_table_new(g_str_hash, g_str_equal);
  GHashTable *numbered = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL); /* name -> key, or "" */
  for (guint i = 0; i < mv->len; i++) {
    const maybe_version *m = &g_array_index(mv, maybe_version, i);
    g_hash_table_insert(count, m->key, GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(count, m->key)) + 1));
    if (!m->whole)
      continue;
    char *name = g_strndup(m->key, (size_t)(strrchr(m->key, ' ') - m->key));
    const char *had = g_hash_table_lookup(numbered, name);
    if (!had)
      g_hash_table_insert(numbered, name, m->key);
    else {
      if (strcmp(had, m->key))
        g_hash_table_insert(numbered, g_strdup(name), (gpointer)"");
      g_free(name);
    }
  }
  for (guint i = 0; i < mv->len; i++) {
    maybe_version *m = &g_array_index(mv, maybe_version, i);
    bool series = false;
    if (m->whole) {
      char *name = g_strndup(m->key, (size_t)(strrchr(m->key, ' ') - m->key));
      series = !*(const char *)g_hash_table_lookup(numbered, name);
      g_free(name);
    }
    if (GPOINTER_TO_UINT(g_hash_table_lookup(count, m->key)) >= 2 && !series) {
      seg_token *t = &g_array_index(st->out, seg_token, m->index);
      t->kind = SEG_WORD;
      t->version = true;
    }
  }
  g_hash_table_destroy(count);
  g_hash_table_destroy(numbered);
  for (guint i = 0; i < mv->len; i++)
    g_free(g_array_index(mv, maybe_version, i).key);
  g_array_free(mv, TRUE);
  st->maybe_versions = NULL;
}

/* Cuts one space-free chunk into words and numbers. */
/* Whether [s, e) may name an HTML character entity: 2 to 8 ASCII letters
 * ("lt", "amp", "rsquo", "thetasym"). */
static bool entity_name(const char *s, const char *e)
{
  if (e - s < 2 || e - s > 8)
    return false;
  for (const char *p = s; p < e; p++)
    if (!g_ascii_isalpha(*p))
      return false;
  return true;
}

static void scan_chunk(seg_state *st, const char *s, size_t len)
{
  if (is_code(st, s, len)) {
    /* kept as one token (it counts for positions), without the punctuation
     * around it */
    const char *a = s, *b = s + len;
    while (a < b && !word_char(uc(a)))
      a = g_utf8_next_char(a);
    while (b > a && !word_char(uc(g_utf8_prev_char(b))))
      b = g_utf8_prev_char(b);
    st->brk = true;
    if (b > a)
      emit(st, a, (size_t)(b - a), SEG_CODE);
    st->brk = true;
    return;
  }
  const char *end = s + len, *word = NULL;
  bool letters_before = false; /* the last word had a letter */
  for (const char *p = s; p <= end; p = p < end ? g_utf8_next_char(p) : end + 1) {
    gunichar c = p < end ? uc(p) : 0;
    if (p < end && word_char(c)) {
      if (!word)
        word = p;
      continue;
    }
    const char *next = p < end ? g_utf8_next_char(p) : end;
    gunichar nc = next < end ? uc(next) : 0;
    gunichar pc = p > s ? uc(g_utf8_prev_char(p)) : 0;
    bool inside = word && p < end && next < end && word_char(nc);
    /* an apostrophe between letters, a separator between digits: go on */
    if (inside && is_apostrophe(c) && !ch_isdigit(pc))
      continue;
    if (inside && (c == '.' || c == ',' || c == ':') && ch_isdigit(pc) && ch_isdigit(nc))
      continue;
    /* a standard's name: one capital, a dot, a number ("H.264", "X.509") */
    if (inside && c == '.' && p - word == 1 && g_ascii_isupper(*word) && short_number(next, end) >= 2)
      continue;
    /* an HTML character reference a web page's text kept ("&amp;",
     * "&quot;Super&quot;", "&rsquo;"): punctuation, no word */
    if (word && c == ';' && word > s && word[-1] == '&' && entity_name(word, p))
      word = NULL;
    if (word) {
      size_t wl = (size_t)(p - word);
      bool digits = all_digits(word, wl), number = digits;
      /* the number of a name is part of it: "MPEG-4", "Type-2", "COVID-19" */
      if (number && st->hyphen && letters_before && short_number(word, end) == wl)
        number = false;
      /* ... and so is its version after a space: "Web 2.0", "Mac OS 9.1" */
      version_kind vk = number && word == s ? version_of_name(st, word, p) : NOT_VERSION;
      if (vk == VERSION || vk == STANDARD) {
        number = false;
        st->version = true;
      }
      if (vk == STANDARD && memchr(word, '.', wl)) {
        if (!st->standards)
          st->standards = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        g_hash_table_add(st->standards, g_strndup(word, wl));
      }
      /* a number, a hyphen and one letter are one word: "3-D", "2-d" */
      if (number && short_number(word, end) == wl && wl <= 2 && p < end && is_hyphen(c) && next < end &&
          g_ascii_isalpha(*next) && (next + 1 >= end || !word_char(uc(next + 1)))) {
        emit(st, word, (size_t)(next + 1 - word), SEG_WORD);
        letters_before = true;
        word = NULL;
        p = next; /* on after the letter */
        continue;
      }
      emit(st, word, wl, number ? SEG_NUMBER : SEG_WORD);
      if (vk == VERSION_IF_TWICE)
        maybe_version_add(st, word, p);
      letters_before = !number && !digits;
      word = NULL;
    }
    if (p >= end)
      break;
    /* a hyphen joins ("cluster-randomised", a line-end "twenty-"); anything
     * else breaks the phrase */
    if (is_hyphen(c) && word_char(pc) && (next >= end || word_char(nc))) {
      st->hyphen = true;
      continue;
    }
    st->hyphen = false;
    st->brk = true;
    st->field |= c == ':';
    if (is_sentence_end(c)) {
      st->sentence = true;
      st->keywords = false;
    }
  }
}

static void scan_line(seg_state *st, const line_info *l)
{
  const char *s = l->s, *end = l->s + l->len, *chunk = NULL;
  st->field = false; /* a field's value is on its label's line */
  for (const char *p = s; p <= end; p = p < end ? g_utf8_next_char(p) : end + 1) {
    gunichar c = p < end ? uc(p) : ' ';
    if (!is_space(c)) {
      if (!chunk)
        chunk = p;
      continue;
    }
    if (chunk) {
      if (l->header && l->words >= 3)
        st->brk = true; /* a cell */
      scan_chunk(st, chunk, (size_t)(p - chunk));
      chunk = NULL;
    }
    if (c == '\t')
      st->brk = st->field = true; /* table cell */
  }
}

static bool starts_with_sign(const char *w)
{
  gunichar c = uc(w);
  if (g_unichar_ismark(c))
    return true;
  /* a reph (र + virama before a consonant) never starts a Hindi word */
  const char *n = g_utf8_next_char(w);
  return c == 0x0930 && uc(n) == 0x094D;
}

/* poppler sometimes puts a space inside a Devanagari word ("अंत र्गत",
 * "क्षे त्रों"). Two adjacent pieces are one word again when the second
 * cannot start a word, or when the text also spells them as one word. */
static void rejoin_devanagari(GArray *toks)
{
  strtab words = { 0 }; /* made at the first Devanagari word */
  for (guint i = 0; i < toks->len; i++) {
    seg_token *k = &g_array_index(toks, seg_token, i);
    if (k->kind != SEG_WORD || k->script != SEG_SCRIPT_DEVANAGARI)
      continue;
    if (!words.key)
      strtab_init(&words, toks->len / 2);
    *strtab_put(&words, k->word) = k->word;
  }
  GPtrArray *freed = g_ptr_array_new_with_free_func(g_free);
  guint out = 0;
  for (guint i = 0; i < toks->len; i++) {
    seg_token *k = &g_array_index(toks, seg_token, i);
    seg_token *prev = out ? &g_array_index(toks, seg_token, out - 1) : NULL;
    if (prev && !k->brk && k->kind == SEG_WORD && prev->kind == SEG_WORD &&
        k->script == SEG_SCRIPT_DEVANAGARI && prev->script == SEG_SCRIPT_DEVANAGARI && k->line == prev->line) {
      char *both = g_strconcat(prev->word, k->word, NULL);
      bool join = starts_with_sign(k->word) ||
                  (!lex_is_stop(prev->word) && !lex_is_stop(k->word) && strtab_get(&words, both));
      if (join) {
        g_ptr_array_add(freed, prev->word); /* the set still points at it */
        g_ptr_array_add(freed, k->word);
        prev->word = both;
        continue;
      }
      g_free(both);
    }
    g_array_index(toks, seg_token, out++) = *k;
  }
  g_array_set_size(toks, out);
  strtab_clear(&words, NULL);
  g_ptr_array_free(freed, TRUE);
}

GUnicodeScript seg_word_script(const char *w)
{
  for (const char *p = w; *p; p = g_utf8_next_char(p)) {
    gunichar c = uc(p);
    if (!ch_isalpha(c))
      continue;
    GUnicodeScript s = ch_script(c);
    return s == G_UNICODE_SCRIPT_HIRAGANA || s == G_UNICODE_SCRIPT_KATAKANA ? G_UNICODE_SCRIPT_HAN : s;
  }
  return G_UNICODE_SCRIPT_COMMON;
}

GUnicodeScript seg_main_script(const GArray *tokens)
{
  size_t count[256] = { 0 };
  for (guint i = 0; i < tokens->len; i++) {
    const seg_token *t = &g_array_index(tokens, seg_token, i);
    GUnicodeScript s = t->kind == SEG_WORD ? seg_word_script(t->word) : G_UNICODE_SCRIPT_COMMON;
    if (s > G_UNICODE_SCRIPT_INHERITED && (unsigned int)s < G_N_ELEMENTS(count))
      count[s] += seg_utf8_len(t->word);
  }
  unsigned int best = G_UNICODE_SCRIPT_LATIN;
  for (unsigned int s = 0; s < G_N_ELEMENTS(count); s++)
    if (count[s] > count[best])
      best = s;
  return (GUnicodeScript)best;
}

/* generated/tag_scripts.c (tag/gen/scripts_gen.c) */
extern const char *const seg_script_names[];
extern const size_t seg_script_names_len;

const char *seg_script_name(GUnicodeScript s)
{
  /* past the table: a script the GLib of the build did not know */
  return seg_script_names[s >= 0 && (size_t)s < seg_script_names_len ? s : G_UNICODE_SCRIPT_UNKNOWN];
}

bool seg_unspaced_script(GUnicodeScript s)
{
  return s == G_UNICODE_SCRIPT_HAN || s == G_UNICODE_SCRIPT_THAI || s == G_UNICODE_SCRIPT_LAO ||
         s == G_UNICODE_SCRIPT_KHMER || s == G_UNICODE_SCRIPT_MYANMAR;
}

/* Katakana: loanwords and names ("コンパラブル", "ディープラーニング"), whose
 * spelling ICU's dictionary does not hold. It cuts such a run where a word
 * it knows happens to sit ("コンパ|ラ|ブル", "デ|ィ|ー|プ|..."): a piece of one
 * letter, or one that starts with a small kana or the long-vowel mark, which
 * no word does, shows the cut is wrong, and the run stays one word, as
 * MeCab keeps unknown katakana. Runs ICU cuts into words throughout
 * ("ニュース|サイト", "パターン|マイニング") keep its cuts. */
static bool is_katakana(gunichar c)
{
  return (c >= 0x30A1 && c <= 0x30FA) || (c >= 0x30FC && c <= 0x30FE) || (c >= 0x31F0 && c <= 0x31FF) ||
         (c >= 0xFF66 && c <= 0xFF9F);
}

static bool katakana_word(const char *w)
{
  for (const char *p = w; *p; p = g_utf8_next_char(p))
    if (!is_katakana(g_utf8_get_char(p)))
      return false;
  return *w != 0;
}

static bool katakana_fragment(const char *w)
{
  gunichar c = g_utf8_get_char(w);
  bool small = c == 0x30A1 || c == 0x30A3 || c == 0x30A5 || c == 0x30A7 || c == 0x30A9 || c == 0x30C3 ||
               c == 0x30E3 || c == 0x30E5 || c == 0x30E7 || c == 0x30EE || c == 0x30F5 || c == 0x30F6 ||
               (c >= 0x31F0 && c <= 0x31FF) || (c >= 0xFF67 && c <= 0xFF70);
  return small || c == 0x30FC || c == 0x30FD || c == 0x30FE || g_utf8_strlen(w, -1) == 1;
}

/* The pieces out[base..] of one run, piece i at [span[2i], span[2i+1]) of
 * the run: each stretch of touching katakana pieces with a fragment among
 * them becomes one piece (the first's flags). */
static void join_katakana(GArray *out, guint base, const GArray *span)
{
  guint w = base, n = out->len;
  for (guint i = base; i < n;) {
    seg_token *t = &g_array_index(out, seg_token, i);
    guint j = i + 1;
    bool fragment = false;
    if (katakana_word(t->word)) {
      fragment = katakana_fragment(t->word);
      while (j < n && katakana_word(g_array_index(out, seg_token, j).word) &&
             g_array_index(span, int32_t, 2 * (j - base)) == g_array_index(span, int32_t, 2 * (j - base) - 1)) {
        fragment |= katakana_fragment(g_array_index(out, seg_token, j).word);
        j++;
      }
    }
    seg_token joined = *t;
    if (fragment && j > i + 1) {
      GString *s = g_string_new(t->word);
      g_free(t->word);
      for (guint k = i + 1; k < j; k++) {
        g_string_append(s, g_array_index(out, seg_token, k).word);
        g_free(g_array_index(out, seg_token, k).word);
      }
      joined.word = g_string_free(s, FALSE);
    } else {
      j = i + 1;
    }
    g_array_index(out, seg_token, w++) = joined;
    i = j;
  }
  g_array_set_size(out, w);
}

/* Chinese, Japanese, Thai, Lao, Khmer and Burmese runs split into words by
 * ICU's dictionary-based word break iterator (what a hand-written rule
 * cannot do: these scripts put no space between words). The first word
 * keeps the run's break and flags; in Thai, Lao, Khmer and Burmese, which
 * put a space where a clause or sentence ends ("...ท่อประปาหลัก
 * ประชาชนควร..."), a run after another of its script starts with a break. */
static GArray *split_unspaced(GArray *in)
{
  UBreakIterator *bi = NULL;
  GArray *out = NULL;
  const iculib *icu = NULL;
  /* the token before's script (a word's; else none) and line: its word
   * is freed once split */
  GUnicodeScript before = G_UNICODE_SCRIPT_INVALID_CODE;
  guint before_line = 0;
  GArray *span = g_array_new(FALSE, FALSE, sizeof(int32_t)); /* a run's pieces, see join_katakana() */
  for (guint i = 0; i < in->len; i++) {
    seg_token *t = &g_array_index(in, seg_token, i);
    GUnicodeScript script = t->kind == SEG_WORD ? seg_word_script(t->word) : G_UNICODE_SCRIPT_INVALID_CODE;
    bool clause = script != G_UNICODE_SCRIPT_HAN && script == before && t->line == before_line;
    before = script;
    before_line = t->line;
    if (t->kind != SEG_WORD || seg_utf8_len(t->word) < 2 || !seg_unspaced_script(script) ||
        !(icu || (icu = iculib_get()))) {
      if (out)
        g_array_append_val(out, *t);
      continue;
    }
    UErrorCode err = U_ZERO_ERROR;
    int32_t ulen = 0;
    icu->u_strFromUTF8(NULL, 0, &ulen, t->word, -1, &err);
    err = U_ZERO_ERROR;
    UChar *u = g_new(UChar, ulen + 1);
    icu->u_strFromUTF8(u, ulen + 1, NULL, t->word, -1, &err);
    if (U_SUCCESS(err) && !bi)
      bi = icu->ubrk_open(UBRK_WORD, "", u, ulen, &err);
    else if (U_SUCCESS(err))
      icu->ubrk_setText(bi, u, ulen, &err);
    if (U_FAILURE(err) || !bi) {
      g_free(u);
      if (out)
        g_array_append_val(out, *t);
      continue;
    }
    if (!out) {
      out = g_array_sized_new(FALSE, FALSE, sizeof(seg_token), in->len + 16);
      g_array_append_vals(out, in->data, i);
    }
    bool first = true;
    guint base = out->len;
    g_array_set_size(span, 0);
    int32_t start = icu->ubrk_first(bi);
    for (int32_t end = icu->ubrk_next(bi); end != UBRK_DONE; start = end, end = icu->ubrk_next(bi)) {
      if (icu->ubrk_getRuleStatus(bi) < UBRK_WORD_LETTER)
        continue; /* spaces, punctuation, numbers */
      char buf[512];
      int32_t n = 0;
      UErrorCode e2 = U_ZERO_ERROR;
      icu->u_strToUTF8(buf, sizeof buf, &n, u + start, end - start, &e2);
      if (U_FAILURE(e2) || n <= 0 || n >= (int32_t)sizeof buf)
        continue;
      seg_token w = *t;
      w.word = g_strndup(buf, (gsize)n);
      if (!first) {
        w.brk = false;
        w.sentence = false;
        w.hyphen = false;
      } else {
        w.brk |= clause;
      }
      first = false;
      g_array_append_val(out, w);
      g_array_append_val(span, start);
      g_array_append_val(span, end);
    }
    if (script == G_UNICODE_SCRIPT_HAN)
      join_katakana(out, base, span);
    g_free(u);
    g_free(t->word);
  }
  g_array_free(span, TRUE);
  if (bi)
    icu->ubrk_close(bi);
  if (!out)
    return in;
  g_array_free(in, TRUE);
  return out;
}

/* Korean particles (josa), written on the noun they follow: "문서를",
 * "정부의", "쓰레기가" (ICU's word breaks keep them on). Longest first
 * within each length. `after`: 1 only after a final consonant (이, 을,
 * 으로), 2 only after a vowel or ㄹ for 로 (가, 를, 로), 0 after either. */
typedef struct josa {
  const char *text;
  unsigned char after;
} josa;

#define JOSA_CONSONANT 1
#define JOSA_VOWEL 2

static const josa josas[] = {
  /* the copula after a noun ("플라스틱이다", is plastic; "문제입니다") */
  { "이었다", JOSA_CONSONANT }, { "입니다", 0 }, { "이다", 0 }, { "이며", JOSA_CONSONANT },
  { "으로부터", JOSA_CONSONANT }, { "로부터", JOSA_VOWEL }, { "에서부터", 0 }, { "에서는", 0 },
  { "에서도", 0 },  { "에서의", 0 },  { "에게는", 0 },  { "으로는", JOSA_CONSONANT }, { "으로서", JOSA_CONSONANT },
  { "으로써", JOSA_CONSONANT }, { "에서", 0 }, { "에게", 0 }, { "에는", 0 }, { "에도", 0 }, { "에의", 0 },
  { "으로", JOSA_CONSONANT }, { "로는", JOSA_VOWEL }, { "로서", JOSA_VOWEL }, { "로써", JOSA_VOWEL },
  { "까지", 0 }, { "부터", 0 }, { "보다", 0 }, { "처럼", 0 }, { "한테", 0 }, { "께서", 0 }, { "마다", 0 },
  { "조차", 0 }, { "만큼", 0 }, { "과의", JOSA_CONSONANT }, { "와의", JOSA_VOWEL }, { "과는", JOSA_CONSONANT },
  { "와는", JOSA_VOWEL }, { "이나", JOSA_CONSONANT }, { "이라는", JOSA_CONSONANT }, { "라는", JOSA_VOWEL },
  { "의", 0 }, { "에", 0 }, { "도", 0 }, { "만", 0 }, { "이", JOSA_CONSONANT }, { "가", JOSA_VOWEL },
  { "은", JOSA_CONSONANT }, { "는", JOSA_VOWEL }, { "을", JOSA_CONSONANT }, { "를", JOSA_VOWEL },
  { "과", JOSA_CONSONANT }, { "와", JOSA_VOWEL }, { "로", JOSA_VOWEL },
};
G_STATIC_ASSERT(G_N_ELEMENTS(josas) <= sizeof(gsize) * 8); /* a bit each in split_particles() */

/* Korean's conjunctive adverbs, which open a sentence ("그러나 해양
 * 쓰레기는...") and join nothing: words of no tag, as particles are. */
static const char *const conjunctions[] = { "그러나", "그리고", "그런데", "그래서", "그러므로", "따라서", "하지만",
                                            "또한",   "또는",   "혹은",   "게다가", "한편",     "특히",   "및",
                                            "즉",     NULL };

static bool conjunction(const char *word)
{
  for (const char *const *c = conjunctions; *c; c++)
    if (!strcmp(*c, word))
      return true;
  return false;
}

#define HANGUL_FIRST 0xAC00 /* 가: precomposed syllables, 28 finals each */
#define HANGUL_LAST 0xD7A3
#define HANGUL_FINALS 28
#define HANGUL_FINAL_L 8    /* ㄹ, after which 로 is written as after a vowel */

/* The josa `word` ends with that its stem's last syllable may take, its
 * index in josas[], or -1. The stem keeps at least one syllable of
 * Hangul; `stem_len` gets its bytes. */
static int josa_of(const char *word, size_t *stem_len)
{
  size_t len = strlen(word);
  for (size_t j = 0; j < G_N_ELEMENTS(josas); j++) {
    size_t jl = strlen(josas[j].text);
    if (jl >= len || strcmp(word + len - jl, josas[j].text))
      continue;
    const char *last = g_utf8_find_prev_char(word, word + len - jl);
    gunichar c = last ? g_utf8_get_char(last) : 0;
    if (c < HANGUL_FIRST || c > HANGUL_LAST)
      continue;
    unsigned int final = (c - HANGUL_FIRST) % HANGUL_FINALS;
    if (josas[j].after == JOSA_CONSONANT && !final)
      continue;
    if (josas[j].after == JOSA_VOWEL && final && !(final == HANGUL_FINAL_L && !strcmp(josas[j].text, "로")))
      continue;
    *stem_len = len - jl;
    return (int)j;
  }
  return -1;
}

/* Korean words split into the noun and its particle, a word of its own
 * marked `particle` (never a tag's word), as the conjunctive adverbs are:
 * "쓰레기가" -> "쓰레기" "가". A
 * particle of two syllables or more ("에서", "으로", "까지") always goes;
 * one of a single syllable, which many nouns end with ("제주도", "회의",
 * "사이"), only where the text has the noun bare or with another particle
 * too ("쓰레기" and "쓰레기가"; "정부는" and "정부의"), it ends with the
 * plural's "들" ("전문가들은") or the particle is a sure one ("내용은"),
 * and the noun is two syllables or more ("마을" stays). */
/* A word of Hangul: its first byte tells most texts' words apart (the
 * syllables U+AC00-U+D7A3 start with 0xEA-0xED) without glib's tables. */
static bool hangul_word(const seg_token *t)
{
  unsigned char b = (unsigned char)t->word[0];
  return t->kind == SEG_WORD && b >= 0xEA && b <= 0xED && seg_word_script(t->word) == G_UNICODE_SCRIPT_HANGUL;
}

size_t seg_josa_stem(const char *word)
{
  size_t sl = 0;
  unsigned char b = (unsigned char)word[0];
  return b >= 0xEA && b <= 0xED && josa_of(word, &sl) >= 0 ? sl : 0;
}

/* A one-syllable particle that ends almost no noun of its own: the
 * topic's 은 and the object's 을, 를 (but 는 ends the verbs' "-하는",
 * "-되는", and 이, 가, 의, 도, 로 end many nouns). */
static bool sure_josa(const char *text)
{
  return !strcmp(text, "은") || !strcmp(text, "을") || !strcmp(text, "를");
}

static GArray *split_particles(GArray *in)
{
  GHashTable *bare = NULL, *seen = NULL; /* words; stem -> josa bits */
  for (guint i = 0; i < in->len; i++) {
    const seg_token *t = &g_array_index(in, seg_token, i);
    if (!hangul_word(t))
      continue;
    if (!bare) {
      bare = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    g_hash_table_add(bare, g_strdup(t->word));
    size_t sl;
    int j = josa_of(t->word, &sl);
    if (j < 0)
      continue;
    char *stem = g_strndup(t->word, sl);
    gsize bits = GPOINTER_TO_SIZE(g_hash_table_lookup(seen, stem)) | (gsize)1 << j;
    g_hash_table_replace(seen, stem, GSIZE_TO_POINTER(bits));
  }
  if (!bare)
    return in;
  GArray *out = g_array_sized_new(FALSE, TRUE, sizeof(seg_token), in->len + in->len / 2);
  for (guint i = 0; i < in->len; i++) {
    seg_token *t = &g_array_index(in, seg_token, i);
    size_t sl = 0;
    bool hangul = hangul_word(t);
    if (hangul && conjunction(t->word)) { /* "또는", "하지만": no noun and particle */
      t->particle = true;
      g_array_append_val(out, *t);
      continue;
    }
    int j = hangul ? josa_of(t->word, &sl) : -1;
    bool go = false;
    if (j >= 0) {
      char *stem = g_strndup(t->word, sl);
      gsize bits = GPOINTER_TO_SIZE(g_hash_table_lookup(seen, stem));
      go = g_utf8_strlen(josas[j].text, -1) > 1 ||
           (g_utf8_strlen(stem, -1) >= 2 && (sure_josa(josas[j].text) || g_hash_table_contains(bare, stem) ||
                                            (bits & (bits - 1)) || g_str_has_suffix(stem, "들")));
      g_free(stem);
    }
    if (!go) {
      g_array_append_val(out, *t);
      continue;
    }
    seg_token noun = *t, particle = *t;
    noun.word = g_strndup(t->word, sl);
    particle.word = g_strdup(t->word + sl);
    particle.particle = true;
    particle.brk = particle.sentence = particle.hyphen = particle.version = false;
    particle.cap = particle.acronym = false;
    g_free(t->word);
    g_array_append_val(out, noun);
    g_array_append_val(out, particle);
  }
  g_hash_table_destroy(seen);
  g_hash_table_destroy(bare);
  g_array_free(in, TRUE);
  return out;
}

GArray *seg_split(const char *text)
{
  GArray *out = g_array_new(FALSE, TRUE, sizeof(seg_token));
  if (!text)
    return out;
  GArray *lines = g_array_new(FALSE, TRUE, sizeof(line_info));
  unsigned int page = 0;
  const char *p = text;
  for (;;) {
    size_t n = strcspn(p, "\n\f");
    line_info l = { .s = p, .len = n, .page = page };
    if (n > 0 && p[n - 1] == '\r')
      l.len--;
    if (!g_utf8_validate(l.s, (gssize)l.len, NULL))
      l.len = 0; /* an undecodable line is dropped, not guessed at */
    analyse_line(&l);
    g_array_append_val(lines, l);
    if (!p[n])
      break;
    if (p[n] == '\f')
      page++;
    p += n + 1;
  }
  line_info *ls = (line_info *)(void *)lines->data;
  mark_table_headers(ls, lines->len);
  /* the short lines after the last finished sentence: a signature block
   * ("Executive Engineer / Public Works Division"), each line its own */
  for (size_t i = lines->len; i-- > 0 && !ls[i].terminal;)
    ls[i].closing = !ls[i].blank && !ls[i].long_line;
  mark_headings(ls, lines->len);
  /* the short lines before the first finished sentence: a paper's authors
   * and their addresses, a letter's ("Mohammad Chuttur / Indiana
   * University, USA" under a two-line title), each line its own; a
   * heading's lines wrap within their block, a line in lower case
   * continues the one before ("... among older / adults in three
   * countries"), and so may a line in a script without capitals (a Hindi
   * title's "रामपुर / कलाँ"): names and addresses start with a capital */
  for (size_t i = 0; i < lines->len; i++) {
    const line_info *l = &ls[i];
    if (!l->blank && is_sentence_end(uc(g_utf8_prev_char(l->s + l->len))))
      break;
    ls[i].opening = !l->blank && !l->long_line && !l->heading && l->upper_start;
  }

  seg_state st = { .out = out, .brk = true, .sentence = true, .text = text };
  size_t first = 0; /* the first line with words */
  while (first + 1 < lines->len && ls[first].blank)
    first++;
  for (size_t i = 0; i < lines->len; i++) {
    const line_info *l = &ls[i], *prev = i > 0 ? &ls[i - 1] : NULL;
    if (l->blank)
      continue;
    /* a wrapped paragraph line continues the phrase; anything else breaks */
    bool joined = prev && !prev->blank && prev->page == l->page && !prev->tab && !l->tab &&
                  prev->heading == l->heading && prev->block == l->block && !prev->header && !l->header &&
                  !(prev->closing && l->closing) && !prev->opening && !l->opening;
    /* the text's first line, unfinished, then a capital: a title too long
     * for a heading ("An experimental evaluation of ... industrial fault
     * diagnosis / Machine induction has been ..."), not a wrapped line;
     * a heading's own second line wraps it ("Interruption of Water /
     * Supply") */
    if (joined && i - 1 == first && !prev->terminal && l->upper_start && prev->long_line && !l->heading)
      joined = false;
    /* in a script without capitals, a heading's line of three words or
     * more is a line of its own, not its wrapped end ("नगर निगम स्वास्थ्य
     * विभाग / बरसात में बीमारियों से बचाव की सूचना"; one or two words wrap it,
     * "रामपुर / कलाँ"); cased scripts tell by their capitals (in English
     * this rule cost SemEval-train 0.3 of F1@10) */
    if (joined && prev->heading && l->heading && prev->uncased && l->uncased && l->words >= 3)
      joined = false;
    if (!joined) {
      st.brk = true;
      st.sentence = true;
      st.keywords = false;
    }
    if (l->keywords)
      st.keywords = true;
    st.line = l;
    st.line_no = (unsigned int)i;
    scan_line(&st, l);
  }
  g_array_free(lines, TRUE);
  repeated_versions(&st);
  bare_standards(&st);
  rejoin_devanagari(out);
  return split_particles(split_unspaced(out));
}

void seg_free(GArray *tokens)
{
  if (!tokens)
    return;
  for (guint i = 0; i < tokens->len; i++)
    g_free(g_array_index(tokens, seg_token, i).word);
  g_array_free(tokens, TRUE);
}
