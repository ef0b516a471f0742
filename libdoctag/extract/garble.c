/* When a text layer cannot be trusted, and the Devanagari repairs.
 *
 * A page goes to OCR when its text layer is missing, thin (a scanner's stamp
 * over an image), or garbled: legacy Indic fonts (Kruti Dev, DevLys,
 * Chanakya...) draw Devanagari with glyphs whose codes are Latin-1 or plain
 * ASCII letters, so the "text" is a run of Latin-1/Latin Extended characters
 * or of vowelless Latin words.
 *
 * Poppler itself splits Devanagari words: it decides spaces from gaps between
 * glyph boxes, and a vowel sign or anusvara drawn with no advance leaves a
 * gap narrower than a real space after it. pdf.c asks garble_deva_join()
 * about every space between Devanagari characters. */
#include "extract/internal.h"

#include <string.h>

/* Share of suspicious characters (Latin-1 letters and symbols, Latin
 * Extended, private use, replacement characters) that marks mojibake. */
#define GARBLED_SHARE 0.20
#define GARBLED_MIN_CHARS 20
/* Share of lower-case ASCII words with no vowel: Kruti Dev and friends map
 * Devanagari onto ASCII ("Hkkjr ljdkj"), English hardly has such words. */
#define VOWELLESS_SHARE 0.30
#define VOWELLESS_MIN_WORDS 8
/* Fewer visible characters than this is a thin layer. */
#define THIN_CHARS 40
/* Share of Devanagari words with a sequence no spelling has (a vowel sign
 * starting a word or following an independent vowel or another vowel sign,
 * a dotted circle): the traces of a font whose map is broken, visible on
 * the page as garbage. */
#define DEVA_BROKEN_SHARE 0.12
#define DEVA_BROKEN_MIN_WORDS 10

/* Font size fractions: a real space is at least 0.22 em wide in every
 * Devanagari font of the corpus; spaces poppler inserts after a mark it gave
 * no width are at most 0.21 em, other spurious ones at most 0.07 em. */
#define JOIN_AFTER_MARK 0.225
#define JOIN_OTHER 0.14

bool garble_is_deva(gunichar c)
{
  return (c >= 0x0900 && c <= 0x097F) || (c >= 0xA8E0 && c <= 0xA8FF) || (c >= 0x1CD0 && c <= 0x1CFF);
}

static bool is_deva_consonant(gunichar c)
{
  return (c >= 0x0915 && c <= 0x0939) || (c >= 0x0958 && c <= 0x095F) || (c >= 0x0978 && c <= 0x097F);
}

static const char *const legacy_fonts[] = {
  "kruti", "devlys", "chanakya", "shusha", "walkman", "aps-dv", "apsdv", "akruti", "shivaji",
  "kundli", "dv-tt", "dvb-tt", "sanskrit99", "shree-dev", "shree dev", "marathi-saral", "ism-dv",
  NULL
};

bool garble_legacy_font(const char *font)
{
  if (!font || !*font)
    return false;
  char *low = g_ascii_strdown(font, -1);
  /* subset fonts are named "ABCDEF+Name" */
  const char *name = strchr(low, '+') ? strchr(low, '+') + 1 : low;
  bool hit = false;
  for (const char *const *f = legacy_fonts; *f && !hit; f++)
    hit = g_str_has_prefix(name, *f);
  g_free(low);
  return hit;
}

static bool suspicious(gunichar u)
{
  if (u < 0x20)
    return u != '\t' && u != '\n' && u != '\f' && u != '\r';
  if (u >= 0xA1 && u <= 0x24F)
    return true;
  return (u >= 0xE000 && u <= 0xF8FF) || u == 0xFFFD || (u >= 0x80 && u < 0xA0);
}

static bool ascii_vowel(char c)
{
  return strchr("aeiouyAEIOUY", c) != NULL;
}

static bool is_deva_vowel_sign(gunichar c)
{
  return (c >= 0x093E && c <= 0x094C) || (c >= 0x094E && c <= 0x094F) || (c >= 0x0955 && c <= 0x0957)
      || (c >= 0x0962 && c <= 0x0963);
}

/* Whether `c` after `prev` (0: the start of a word) is a sequence no
 * Devanagari spelling has. */
static bool deva_impossible(gunichar prev, gunichar c)
{
  if (c == 0x25CC)
    return true;
  bool sign = is_deva_vowel_sign(c) || c == 0x094D || c == 0x093C;
  if (!sign)
    return false;
  if (!prev)
    return true;
  return (prev >= 0x0904 && prev <= 0x0914) || (is_deva_vowel_sign(prev) && is_deva_vowel_sign(c))
      || (prev >= 0x0966 && prev <= 0x096F);
}

void garble_scan(const char *text, size_t len, garble_stats *st)
{
  memset(st, 0, sizeof *st);
  const char *end = text + len;
  gunichar prev = 0;         /* the previous character of a Devanagari word, 0 at its start */
  bool in_deva = false, broken = false;
  for (const char *p = text; p < end && *p;) {
    if ((unsigned char)*p >= 0x80) {
      gunichar u = g_utf8_get_char_validated(p, end - p);
      bool deva = u != (gunichar)-1 && u != (gunichar)-2 && (garble_is_deva(u) || u == 0x25CC);
      if (deva) {
        if (!in_deva) {
          st->deva_words++;
          in_deva = true;
          broken = false;
          prev = 0;
        }
        if (!broken && deva_impossible(prev, u)) {
          broken = true;
          st->deva_broken++;
        }
        prev = u;
      } else {
        in_deva = false;
      }
    } else {
      in_deva = false;
    }

    if (g_ascii_isalpha(*p)) {
      /* an ASCII word */
      const char *w = p;
      bool lower = false, vowel = false;
      while (p < end && g_ascii_isalpha(*p)) {
        lower |= g_ascii_islower(*p);
        vowel |= ascii_vowel(*p);
        p++;
      }
      st->visible += (size_t)(p - w);
      st->letters.latin += (size_t)(p - w);
      if (p - w >= 3 && lower) {
        st->words++;
        st->vowelless += !vowel;
      }
      continue;
    }
    if ((unsigned char)*p < 0x80) {
      st->visible += !g_ascii_isspace(*p);
      st->odd += suspicious((gunichar)(unsigned char)*p);
      p++;
      continue;
    }
    gunichar u = g_utf8_get_char_validated(p, end - p);
    if (u == (gunichar)-1 || u == (gunichar)-2) {
      st->odd++;
      st->visible++;
      p++;
      continue;
    }
    if (!g_unichar_isspace(u)) {
      st->visible++;
      st->odd += suspicious(u);
      lang_count_unichar(u, &st->letters);
    }
    p = g_utf8_next_char(p);
  }
}

page_quality garble_judge_stats(const garble_stats *st, bool legacy_font)
{
  if (st->visible == 0)
    return PAGE_MISSING;
  if (legacy_font)
    return PAGE_GARBLED;
  if (st->visible >= GARBLED_MIN_CHARS && (double)st->odd / (double)st->visible > GARBLED_SHARE)
    return PAGE_GARBLED;
  if (st->words >= VOWELLESS_MIN_WORDS && (double)st->vowelless / (double)st->words > VOWELLESS_SHARE)
    return PAGE_GARBLED;
  if (st->deva_words >= DEVA_BROKEN_MIN_WORDS && (double)st->deva_broken / (double)st->deva_words > DEVA_BROKEN_SHARE)
    return PAGE_GARBLED;
  if (st->visible < THIN_CHARS)
    return PAGE_THIN;
  return PAGE_GOOD;
}

bool garble_suspicious_stats(const garble_stats *st)
{
  return st->odd * 50 > st->visible || st->vowelless * 10 > st->words;
}

page_quality garble_judge(const char *text, size_t len, bool legacy_font)
{
  garble_stats st;
  garble_scan(text, len, &st);
  return garble_judge_stats(&st, legacy_font);
}

const char *garble_name(page_quality q)
{
  switch (q) {
  case PAGE_GOOD: return "good";
  case PAGE_MISSING: return "missing";
  case PAGE_THIN: return "thin";
  case PAGE_GARBLED: return "garbled";
  }
  return "?";
}

bool garble_deva_join(gunichar prev, gunichar next, double gap, double size, bool zero_width)
{
  if (!garble_is_deva(prev))
    return false;
  /* A word never starts with a vowel sign, except the pre-base i (U+093F)
   * of a font that draws it first and maps it as it draws: "१० िदस बर" is
   * "१० दिसंबर" with a real space after the digits. Where the i cannot
   * belong to what precedes it (it only follows a consonant), the gap
   * decides as between letters. */
  if (next == 0x093F && !is_deva_consonant(prev) && prev != 0x093C) {
    if (size <= 0)
      size = 10;
    return gap < JOIN_OTHER * size;
  }
  if (lang_is_mark(next))
    return true;
  bool closing = next == 0x201D || next == 0x2019 || (next && next < 0x80 && strchr(",;:.!?)]}", (int)next));
  if (!garble_is_deva(next) && !closing)
    return false;
  if (size <= 0)
    size = 10;
  return gap < (zero_width ? JOIN_AFTER_MARK : JOIN_OTHER) * size;
}

unsigned int garble_deva_reorder(GString *text)
{
  if (!strstr(text->str, "\xe0\xa4\xbf")) /* U+093F */
    return 0;
  glong n = 0;
  gunichar *u = g_utf8_to_ucs4_fast(text->str, (glong)text->len, &n);
  unsigned int moves = 0;
  for (glong i = 0; i < n; i++) {
    if (u[i] != 0x093F)
      continue;
    gunichar before = i > 0 ? u[i - 1] : 0;
    if (is_deva_consonant(before) || before == 0x093C)
      continue; /* already after its consonant */
    /* the consonant cluster that follows: C [nukta] (virama C [nukta])* */
    glong j = i + 1;
    if (j >= n || !is_deva_consonant(u[j]))
      continue;
    j++;
    if (j < n && u[j] == 0x093C)
      j++;
    while (j + 1 < n && u[j] == 0x094D && is_deva_consonant(u[j + 1])) {
      j += 2;
      if (j < n && u[j] == 0x093C)
        j++;
    }
    memmove(u + i, u + i + 1, (size_t)(j - i - 1) * sizeof *u);
    u[j - 1] = 0x093F;
    moves++;
    i = j - 1;
  }
  if (moves) {
    char *s = g_ucs4_to_utf8(u, n, NULL, NULL, NULL);
    if (s) {
      g_string_assign(text, s);
      g_free(s);
    }
  }
  g_free(u);
  return moves;
}
