/* When a text layer cannot be trusted, and the Devanagari repairs.
 *
 * A page goes to OCR when its text layer is missing, thin (a scanner's stamp
 * over an image), or garbled: legacy Indic fonts (Kruti Dev, DevLys,
 * Chanakya...) draw Devanagari with glyphs whose codes are Latin-1 or plain
 * ASCII letters, so the "text" is a run of Latin-1/Latin Extended characters
 * or of vowelless Latin words.
 *
 * Poppler itself splits words of the scripts of India (Devanagari, Bengali,
 * Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada, Malayalam): it decides
 * spaces from gaps between glyph boxes, and a vowel sign, virama or
 * anusvara drawn with no advance leaves a gap narrower than a real space
 * after it ("নতু ন", "চা ঁদা"). layout.c asks garble_indic_join() about every
 * space after a character of those scripts. */
#include "extract/internal.h"
#include "core/iculib.h"

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
/* Share of Indic words (Devanagari, Bengali, Gurmukhi, Gujarati, Oriya,
 * Tamil, Telugu, Kannada, Malayalam) that no spelling has: the traces of a
 * font whose map is broken, on a page that looks right. A program that draws
 * shaped glyphs without the text leaves every conjunct and ligature glyph
 * unmapped (U+FFFD, private use) and pre-base vowel signs ahead of their
 * consonant. */
#define INDIC_BROKEN_SHARE 0.12
#define INDIC_BROKEN_MIN_WORDS 10

/* Font size fractions: a real space is at least 0.22 em wide in every
 * Devanagari font of the corpus, 0.23 to 0.31 em in the Noto faces of the
 * other scripts; spaces poppler inserts after a mark it gave no width are
 * at most 0.21 em (0.17 em in Bengali, Gujarati and Oriya), other spurious
 * ones at most 0.07 em. */
#define JOIN_AFTER_MARK 0.225
#define JOIN_OTHER 0.14

bool garble_is_deva(gunichar c)
{
  return (c >= 0x0900 && c <= 0x097F) || (c >= 0xA8E0 && c <= 0xA8FF) || (c >= 0x1CD0 && c <= 0x1CFF);
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

/* a switch, not strchr(): a call for every letter was 10 M instructions of
 * a 200-page text PDF */
static bool ascii_vowel(char c)
{
  switch (c) {
  case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
  case 'A': case 'E': case 'I': case 'O': case 'U': case 'Y':
    return true;
  default:
    return false;
  }
}

/* The Brahmic scripts of India (U+0900-U+0D7F) share ISCII's layout, one
 * block of 128 per script: the same offset is the same kind of character. */
typedef enum indic_class {
  IC_START,   /* nothing yet: the start of a word */
  IC_VOWEL,   /* an independent vowel */
  IC_LETTER,  /* a consonant (or another letter that takes signs) */
  IC_SIGN,    /* a dependent vowel sign */
  IC_VIRAMA,
  IC_NUKTA,
  IC_MARK,    /* anusvara, candrabindu, visarga, length marks, accents */
  IC_DIGIT,
  IC_OTHER    /* unassigned in the block, or not a letter: no spelling has it mid-word */
} indic_class;

static bool is_indic(gunichar c)
{
  return c >= 0x0900 && c <= 0x0D7F;
}

static indic_class indic_class_of(gunichar c)
{
  unsigned int o = (c - 0x0900) & 0x7F;
  GUnicodeType t = g_unichar_type(c);
  if (t == G_UNICODE_UNASSIGNED)
    return IC_OTHER;
  if (t == G_UNICODE_DECIMAL_NUMBER)
    return IC_DIGIT;
  if (o == 0x4D)
    return IC_VIRAMA;
  if (o == 0x3C)
    return IC_NUKTA;
  if ((o >= 0x3E && o <= 0x4C) || o == 0x62 || o == 0x63)
    return lang_is_mark(c) ? IC_SIGN : IC_OTHER;
  if (lang_is_mark(c))
    return IC_MARK;
  if (o >= 0x05 && o <= 0x14)
    return IC_VOWEL;
  return g_unichar_isalpha(c) ? IC_LETTER : IC_OTHER;
}

/* Whether `c` of class `k` after `prev` is a sequence no spelling has. */
static bool indic_impossible(indic_class prev, indic_class k, gunichar c)
{
  switch (k) {
  case IC_SIGN:
    /* a vowel sign belongs to a consonant: not to a word's start, an
     * independent vowel ("अा" for "आ"), a digit or another vowel sign */
    return prev != IC_LETTER && prev != IC_NUKTA;
  case IC_VIRAMA:
    /* Malayalam writes u + virama (samvruthokaram) */
    return prev != IC_LETTER && prev != IC_NUKTA && !(prev == IC_SIGN && c == 0x0D4D);
  case IC_NUKTA:
    return prev != IC_LETTER;
  case IC_MARK:
    return prev == IC_START || prev == IC_DIGIT;
  case IC_OTHER:
    return true;
  default:
    return false;
  }
}

/* The word being read by garble_scan(): it counts as an Indic word when it
 * has a character of those scripts, and as broken when it also has an
 * impossible sequence, the letters of two scripts, or what a font map puts
 * for a glyph it cannot map (U+FFFD, private use, a dotted circle, control
 * or Latin-1 codes). */
typedef struct indic_word {
  bool indic, broken;
  bool split;                 /* a space after an Indic word came before: poppler splits words
                               * before a mark it gave no width ("চা ঁদা"), a font map does not */
  gunichar block;             /* the first Indic character's block, 0: none yet */
  indic_class prev;
} indic_word;

/* space: the word ends at white space */
static void word_end(indic_word *w, garble_stats *st, bool space)
{
  if (!w->indic && !w->broken && !w->block && w->prev == IC_START) {
    w->split &= space; /* no word open (most of an English page): spaces in a row keep a split */
    return;
  }
  bool split = space && w->indic;
  if (w->indic) {
    st->indic_words++;
    st->indic_broken += w->broken;
  }
  memset(w, 0, sizeof *w);
  w->split = split;
}

/* A non-ASCII character (or an ASCII digit) of the text. */
static void word_char(indic_word *w, gunichar u, garble_stats *st)
{
  if (u == 0x200C || u == 0x200D)
    return; /* ZWNJ, ZWJ: they choose a glyph, they spell nothing */
  if (is_indic(u)) {
    indic_class k = indic_class_of(u);
    if (k == IC_OTHER && g_unichar_type(u) != G_UNICODE_UNASSIGNED) {
      word_end(w, st, false); /* a danda, a currency or fraction sign */
      return;
    }
    gunichar block = u & ~(gunichar)0x7F;
    if (k == IC_DIGIT && !w->indic) {
      w->prev = IC_DIGIT;
      return;
    }
    bool split_mark = k == IC_MARK && w->prev == IC_START && w->split;
    w->broken |= (w->block && block != w->block) || (!split_mark && indic_impossible(w->prev, k, u));
    w->block = block;
    w->indic = true;
    w->prev = k;
    return;
  }
  if ((u >= 0xA8E0 && u <= 0xA8FF) || (u >= 0x1CD0 && u <= 0x1CFF)) {
    w->prev = IC_MARK; /* Devanagari's Vedic signs */
    return;
  }
  if (u >= '0' && u <= '9') {
    w->prev = IC_DIGIT;
    return;
  }
  GUnicodeType t = g_unichar_type(u);
  bool letter = g_unichar_isalpha(u) || lang_is_mark(u);
  bool damage = u == 0xFFFD || u == 0x25CC || t == G_UNICODE_PRIVATE_USE || t == G_UNICODE_UNASSIGNED
             || t == G_UNICODE_CONTROL || letter;
  if (!damage) {
    word_end(w, st, g_unichar_isspace(u)); /* a space, punctuation, a symbol */
    return;
  }
  w->broken = true;
  w->prev = IC_OTHER;
}

void garble_scan(const char *text, size_t len, garble_stats *st)
{
  memset(st, 0, sizeof *st);
  const char *end = text + len;
  indic_word w = { 0 };
  for (const char *p = text; p < end && *p;) {
    if ((unsigned char)*p >= 0x80) {
      gunichar u = g_utf8_get_char_validated(p, end - p);
      word_char(&w, u == (gunichar)-1 || u == (gunichar)-2 ? 0xFFFD : u, st);
    } else if (g_ascii_isdigit(*p)) {
      word_char(&w, (gunichar)*p, st);
    } else {
      word_end(&w, st, g_ascii_isspace(*p));
    }

    if (g_ascii_isalpha(*p)) {
      /* an ASCII word */
      const char *w0 = p;
      bool lower = false, vowel = false;
      while (p < end && g_ascii_isalpha(*p)) {
        lower |= g_ascii_islower(*p);
        vowel |= ascii_vowel(*p);
        p++;
      }
      st->visible += (size_t)(p - w0);
      st->letters.latin += (size_t)(p - w0);
      if (p - w0 >= 3 && lower) {
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
  word_end(&w, st, false);
}

page_quality garble_judge_why(const garble_stats *st, bool legacy_font, char *why, size_t why_len)
{
  char none[1];
  if (!why) {
    why = none;
    why_len = sizeof none;
  }
  *why = '\0';
  if (st->visible == 0)
    return PAGE_MISSING;
  if (legacy_font) {
    g_strlcpy(why, "a legacy Indic font, which codes its letters as Latin ones", why_len);
    return PAGE_GARBLED;
  }
  if (st->visible >= GARBLED_MIN_CHARS && (double)st->odd / (double)st->visible > GARBLED_SHARE) {
    g_snprintf(why, why_len, "%zu of its %zu characters are not text", st->odd, st->visible);
    return PAGE_GARBLED;
  }
  if (st->words >= VOWELLESS_MIN_WORDS && (double)st->vowelless / (double)st->words > VOWELLESS_SHARE) {
    g_snprintf(why, why_len, "%zu of its %zu words have no vowel, as a legacy font's Latin codes", st->vowelless,
               st->words);
    return PAGE_GARBLED;
  }
  if (st->indic_words >= INDIC_BROKEN_MIN_WORDS
      && (double)st->indic_broken / (double)st->indic_words > INDIC_BROKEN_SHARE) {
    g_snprintf(why, why_len, "%zu of its %zu words in an Indic script are spelt as no word is: "
               "the font's map to Unicode is broken", st->indic_broken, st->indic_words);
    return PAGE_GARBLED;
  }
  if (st->visible < THIN_CHARS)
    return PAGE_THIN;
  return PAGE_GOOD;
}

page_quality garble_judge_stats(const garble_stats *st, bool legacy_font)
{
  return garble_judge_why(st, legacy_font, NULL, 0);
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

/* The script of India `c` belongs to, as the first code point of its block
 * (U+0900 Devanagari, U+0980 Bengali ... U+0D00 Malayalam: one block of 128
 * each, ISCII's layout); Devanagari's extensions and the Vedic signs count
 * as Devanagari. 0: none of them. */
static gunichar indic_script(gunichar c)
{
  if (c >= 0x0900 && c <= 0x0D7F)
    return c & ~(gunichar)0x7F;
  if ((c >= 0xA8E0 && c <= 0xA8FF) || (c >= 0x1CD0 && c <= 0x1CFF))
    return 0x0900;
  return 0;
}

/* A vowel sign drawn left of its consonant (Unicode's Indic positional
 * category Left: Devanagari's i, Bengali's i, e, ai, Tamil's e, ee, ai...),
 * which a font that maps glyphs as drawn puts first. */
static bool pre_base_sign(gunichar c)
{
  if (!indic_script(c) || !lang_is_mark(c))
    return false;
  switch (iculib_int_property((UChar32)c, UCHAR_INDIC_POSITIONAL_CATEGORY)) {
  case U_INPC_LEFT:
  case U_INPC_LEFT_AND_RIGHT:
  case U_INPC_TOP_AND_LEFT:
  case U_INPC_TOP_AND_LEFT_AND_RIGHT:
    return true;
  default:
    return false;
  }
}

/* Unicode's Indic syllabic category of `c` (ICU). */
static int syllabic(gunichar c)
{
  return iculib_int_property((UChar32)c, UCHAR_INDIC_SYLLABIC_CATEGORY);
}

/* Whether a vowel sign after `c` is spelt with it: a consonant, or a nukta
 * (Unicode's Indic syllabic category). */
static bool takes_sign(gunichar c)
{
  switch (syllabic(c)) {
  case U_INSC_CONSONANT:
  case U_INSC_NUKTA:
    return true;
  default:
    return false;
  }
}

bool garble_indic_join(gunichar prev, gunichar next, double gap, double size, bool zero_width)
{
  gunichar script = indic_script(prev);
  if (!script)
    return false;
  if (size <= 0)
    size = 10;
  /* A word never starts with a vowel sign, except a pre-base one (the i of
   * "१० िदस बर") of a font that draws it first and maps it as it draws:
   * that is "१० दिसंबर" with a real space after the digits. Where the sign
   * cannot belong to what precedes it (it only follows a consonant), the
   * gap decides as between letters. */
  if (pre_base_sign(next) && !takes_sign(prev))
    return gap < JOIN_OTHER * size;
  if (lang_is_mark(next))
    return true;
  bool closing = next == 0x201D || next == 0x2019 || next == 0x0964 || next == 0x0965
              || (next && next < 0x80 && strchr(",;:.!?)]}", (int)next));
  /* letters and digits of the same script only: "নতুন", not a Bengali
   * word run into a Devanagari one */
  if (indic_script(next) != script && !closing)
    return false;
  return gap < (zero_width ? JOIN_AFTER_MARK : JOIN_OTHER) * size;
}

/* Moves the sign at u[i] after the cluster u[i + 1 .. j). */
static void move_after(gunichar *u, glong i, glong j)
{
  gunichar sign = u[i];
  memmove(u + i, u + i + 1, (size_t)(j - i - 1) * sizeof *u);
  u[j - 1] = sign;
}

/* Puts the n code points of u (g_free'd here) into text when a sign moved;
 * returns the moves. */
static unsigned int reordered(GString *text, gunichar *u, glong n, unsigned int moves)
{
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

/* A vowel sign drawn wholly left of its consonant (Unicode's Indic
 * positional category Left: Devanagari ि, Bengali ি ে ৈ, Gurmukhi ਿ,
 * Gujarati િ, Oriya େ, Tamil ெ ே ை, Malayalam െ േ ൈ), the one sign a font
 * that maps its glyphs as it draws them puts ahead of the consonant. The
 * parts of a two-part sign (Bengali ো is ে + া) are each drawn on their side. */
static bool left_sign(gunichar c)
{
  return indic_script(c) && lang_is_mark(c)
         && iculib_int_property((UChar32)c, UCHAR_INDIC_POSITIONAL_CATEGORY) == U_INPC_LEFT;
}

unsigned int garble_prebase_reorder(GString *text)
{
  glong n = 0;
  gunichar *u = g_utf8_to_ucs4_fast(text->str, (glong)text->len, &n);
  unsigned int moves = 0;
  for (glong i = 0; i + 1 < n; i++) {
    gunichar sign = u[i];
    if (!left_sign(sign))
      continue;
    gunichar script = indic_script(sign);
    /* after a consonant (or its nukta) the sign is that consonant's: logical order */
    if (i > 0 && (syllabic(u[i - 1]) == U_INSC_CONSONANT || syllabic(u[i - 1]) == U_INSC_NUKTA))
      continue;
    /* the consonant cluster that follows: C [nukta] (virama C [nukta])*, one
     * consonant in Tamil, whose virama (pulli) is written, not joined */
    glong j = i + 1;
    if (indic_script(u[j]) != script || syllabic(u[j]) != U_INSC_CONSONANT)
      continue;
    j++;
    if (j < n && syllabic(u[j]) == U_INSC_NUKTA)
      j++;
    while (script != 0x0B80 && j + 1 < n && syllabic(u[j]) == U_INSC_VIRAMA && indic_script(u[j]) == script
           && syllabic(u[j + 1]) == U_INSC_CONSONANT && indic_script(u[j + 1]) == script) {
      j += 2;
      if (j < n && syllabic(u[j]) == U_INSC_NUKTA)
        j++;
    }
    move_after(u, i, j);
    moves++;
    /* the right part of a two-part sign, drawn after the consonant: one
     * sign again (ে C া is C ো) */
    gunichar composed;
    if (j < n && g_unichar_compose(sign, u[j], &composed)) {
      u[j - 1] = composed;
      memmove(u + j, u + j + 1, (size_t)(n - j - 1) * sizeof *u);
      n--;
    }
    i = j - 1;
  }
  return reordered(text, u, n, moves);
}

/* A vowel sign drawn over or under its consonant (Unicode's Indic positional
 * category Top or Bottom): one that a font may draw ahead of it. */
static bool over_under_sign(gunichar c)
{
  if (!indic_script(c) || g_unichar_type(c) != G_UNICODE_NON_SPACING_MARK || syllabic(c) != U_INSC_VOWEL_DEPENDENT)
    return false;
  int pos = iculib_int_property((UChar32)c, UCHAR_INDIC_POSITIONAL_CATEGORY);
  return pos == U_INPC_BOTTOM || pos == U_INPC_TOP;
}

unsigned int garble_indic_reorder(GString *text)
{
  glong n = 0;
  gunichar *u = g_utf8_to_ucs4_fast(text->str, (glong)text->len, &n);
  unsigned int moves = 0;
  for (glong i = 1; i + 1 < n; i++) {
    gunichar prev = u[i - 1], sign = u[i], next = u[i + 1], composed;
    /* a vowel sign after another that it is not part of (as া is of ো),
     * before a consonant of its script: "ପୁୁରଣା" is "ପୁରୁଣା" */
    if (!over_under_sign(sign) || indic_script(next) != indic_script(sign) || syllabic(next) != U_INSC_CONSONANT
        || syllabic(prev) != U_INSC_VOWEL_DEPENDENT || g_unichar_compose(prev, sign, &composed))
      continue;
    glong j = i + 2;
    if (j < n && syllabic(u[j]) == U_INSC_NUKTA)
      j++;
    move_after(u, i, j);
    moves++;
    i = j - 1;
  }
  return reordered(text, u, n, moves);
}
