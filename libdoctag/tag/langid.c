/* Language identification of a document (see tag.h: tag_detect_language).
 *
 * Each word is given to a language: by its script where one script means
 * one language here (Thai, Hangul Korean, Han Chinese, kana Japanese...),
 * for Devanagari words by the stop-word lists of Hindi, Marathi and Nepali
 * (Hindi unless the text is plainly another's: a short one is), and for
 * Latin and Cyrillic words by the stop-word lists
 * of the languages written in them (Snowball's lists, stopwords-iso's
 * for Polish and Vietnamese, Lucene's for Czech, Romanian, Catalan, Galician, Indonesian,
 * Lithuanian, Latvian, Estonian, Basque and Irish: a text's commonest words
 * are its function words, "the", "de", "der", "и"; Bulgarian's against
 * Russian's); Urdu, Persian and Ukrainian by the letters their script has
 * for them alone. A language's
 * share is the letters of its words; a Latin or Cyrillic word that is no stop word
 * goes to the language whose stop words that script's text uses most.
 * Languages with at least 10% of the letters are reported, largest first,
 * joined by '+' ("hin+eng"). */
#include "tag/tag.h"

#include <glib.h>
#include <string.h>

#include "tag/lexicon.h"
#include "tag/lexicon_lists.h"

#define SAMPLE_BYTES (64 * 1024) /* enough to know; the rest costs time */
#define MIN_SHARE 0.10
#define MIN_LETTERS 12
#define MAX_LANGS 3
#define ENGLISH_STOP_SHARE 0.25 /* of the Latin words */
#define MAX_LATIN_SAMPLE 2000   /* Latin words kept to try the other languages on */
#define WORD_BYTES 256
#define URDU_SHARE 100          /* an Arabic-script text with 1 letter in this many Urdu's */
#define PERSIAN_SHARE 50        /* ... Persian's */
#define UKRAINIAN_SHARE 50      /* a Cyrillic text with 1 letter in this many Ukrainian's */
#define SHARED_WORD_UNIT 720720 /* a stop word's weight, split among the lists that hold it (lcm of 1..16) */
#define ALPHABET_WORDS 12       /* one-letter words in a list that holds the alphabet */
#define DEVA_MIN_WORDS 3        /* Devanagari stop words only Marathi's or Nepali's list holds, at least */

/* Languages told apart by their stop words, per script. */
static const char *const latin_langs[] = { "eng", "fra", "deu", "spa", "ita", "por", "nld", "swe", "nor",
                                           "dan", "fin", "hun", "tur", "pol", "ces", "ron", "cat", "glg",
                                           "ind", "lit", "lav", "est", "eus", "gle", "vie", NULL };
/* ... and among the Devanagari words, Hindi first (the fallback) */
static const char *const deva_langs[] = { "hin", "mar", "nep", NULL };

typedef struct lang_share {
  const char *code;
  size_t letters;
} lang_share;

/* The language of a word written in a script that belongs to one language
 * (or family), else NULL. */
static const char *script_lang(GUnicodeScript s, bool *kana)
{
  switch (s) {
  case G_UNICODE_SCRIPT_THAI: return "tha";
  case G_UNICODE_SCRIPT_HANGUL: return "kor";
  case G_UNICODE_SCRIPT_HIRAGANA:
  case G_UNICODE_SCRIPT_KATAKANA: *kana = true; return "jpn";
  case G_UNICODE_SCRIPT_HAN: return "zho";
  case G_UNICODE_SCRIPT_ARABIC: return "ara"; /* or Urdu, Persian: by their letters */
  case G_UNICODE_SCRIPT_HEBREW: return "heb";
  case G_UNICODE_SCRIPT_GREEK: return "ell";
  case G_UNICODE_SCRIPT_BENGALI: return "ben";
  case G_UNICODE_SCRIPT_TAMIL: return "tam";
  case G_UNICODE_SCRIPT_TELUGU: return "tel";
  case G_UNICODE_SCRIPT_KANNADA: return "kan";
  case G_UNICODE_SCRIPT_MALAYALAM: return "mal";
  case G_UNICODE_SCRIPT_GUJARATI: return "guj";
  case G_UNICODE_SCRIPT_GURMUKHI: return "pan";
  case G_UNICODE_SCRIPT_ORIYA: return "ori";
  case G_UNICODE_SCRIPT_GEORGIAN: return "kat";
  case G_UNICODE_SCRIPT_ARMENIAN: return "hye";
  case G_UNICODE_SCRIPT_ETHIOPIC: return "amh";
  case G_UNICODE_SCRIPT_KHMER: return "khm";
  case G_UNICODE_SCRIPT_LAO: return "lao";
  case G_UNICODE_SCRIPT_MYANMAR: return "mya";
  case G_UNICODE_SCRIPT_SINHALA: return "sin";
  default: return NULL;
  }
}

const char *tag_devanagari_language(const char *languages)
{
  for (const char *p = languages; p && *p; p += p[3] == '+' ? 4 : 3) {
    for (size_t l = 1; deva_langs[l]; l++)
      if (!strncmp(p, deva_langs[l], 3) && (!p[3] || p[3] == '+'))
        return deva_langs[l];
    if (strlen(p) < 3 || (p[3] && p[3] != '+'))
      break;
  }
  return deva_langs[0];
}

const char *tag_devanagari_other(const char *languages)
{
  const char *deva = tag_devanagari_language(languages);
  return deva == deva_langs[0] ? NULL : deva;
}

/* Letters only Polish writes among the languages told apart here: ą ę ł ś ź ż. */
static bool polish_letter(gunichar c)
{
  return c == 0x0105 || c == 0x0119 || c == 0x0142 || c == 0x015B || c == 0x017A || c == 0x017C;
}

/* Letters only Vietnamese writes here: ă đ ơ ư, and the vowels with two
 * marks or a dot below or a hook above (U+1EA0..U+1EF9: "ạ", "ấ", "ở"). */
static bool vietnamese_letter(gunichar c)
{
  return c == 0x0103 || c == 0x0111 || c == 0x01A1 || c == 0x01B0 || (c >= 0x1EA0 && c <= 0x1EF9);
}

/* The Arabic script's letters only Urdu writes (ٹ ڈ ڑ ں ھ ہ ے: "کے",
 * "ہے", "میں"), and those Persian and Urdu write where Arabic has others
 * or none (پ چ ژ گ, and ک ی for Arabic's ك ي). */
static bool urdu_letter(gunichar c)
{
  return c == 0x0679 || c == 0x0688 || c == 0x0691 || c == 0x06BA || c == 0x06BE || c == 0x06C1 || c == 0x06D2;
}

static bool persian_letter(gunichar c)
{
  return c == 0x067E || c == 0x0686 || c == 0x0698 || c == 0x06AF || c == 0x06A9 || c == 0x06CC;
}

/* Cyrillic letters Ukrainian writes and Russian does not: і ї є ґ. */
static bool ukrainian_letter(gunichar c)
{
  return c == 0x0456 || c == 0x0457 || c == 0x0454 || c == 0x0491;
}

/* Whether the stop-word list of `code` holds most letters as words
 * (Estonian's from Lucene has all 32 of its alphabet): its one-letter words
 * tell nothing of a text's language. Czech's "a", "i", "k", "o", "s", "u",
 * "v", "z" or Catalan's "a", "e", "i", "o" do. */
static bool lists_alphabet(const char *code)
{
  for (const lex_lang_list *l = lex_stop_lists; l->code; l++) {
    if (strcmp(l->code, code))
      continue;
    unsigned int one = 0;
    for (size_t i = 0; i <= l->list->mask; i++)
      one += l->list->slots[i] && l->list->slots[i][0] && !*g_utf8_next_char(l->list->slots[i]);
    return one > ALPHABET_WORDS;
  }
  return false;
}

/* What read_word() notes besides the word. */
typedef struct word_marks {
  bool kana, polish, vietnamese;
  size_t urdu, persian, ukrainian; /* letters of urdu_letter(), persian_letter(), ukrainian_letter() */
} word_marks;

/* Reads the word (letters and marks) at p into `word`, lower-cased and
 * NUL-terminated (cut short past its size); counts its letters and notes
 * kana, Polish, Urdu and Persian letters. Returns where the word ends.
 * ASCII without glib's tables. */
static const char *read_word(const char *p, const char *end, char word[WORD_BYTES], size_t *letters, word_marks *m)
{
  size_t wl = 0;
  while (p < end) {
    if (!((unsigned char)*p & 0x80)) {
      char ch = *p;
      if (!g_ascii_isalpha(ch))
        break;
      (*letters)++;
      if (wl + 6 < WORD_BYTES)
        word[wl++] = ch >= 'A' && ch <= 'Z' ? (char)(ch + ('a' - 'A')) : ch;
      p++;
      continue;
    }
    gunichar d = g_utf8_get_char_validated(p, end - p);
    if (d == (gunichar)-1 || d == (gunichar)-2 || !(g_unichar_isalpha(d) || g_unichar_ismark(d)))
      break;
    *letters += g_unichar_isalpha(d) != 0;
    GUnicodeScript ds = g_unichar_get_script(d);
    m->kana |= ds == G_UNICODE_SCRIPT_HIRAGANA || ds == G_UNICODE_SCRIPT_KATAKANA;
    gunichar low = g_unichar_tolower(d);
    m->polish |= polish_letter(low);
    m->vietnamese |= vietnamese_letter(low);
    if (d >= 0x0400 && d <= 0x06FF) { /* Cyrillic to Arabic: the others need not ask */
      m->urdu += urdu_letter(d);
      m->persian += persian_letter(d);
      m->ukrainian += ukrainian_letter(low);
    }
    if (wl + 6 < WORD_BYTES)
      wl += (size_t)g_unichar_to_utf8(low, word + wl);
    p = g_utf8_next_char(p);
  }
  word[wl] = '\0';
  return p;
}

static void add(GArray *shares, const char *code, size_t letters)
{
  for (guint i = 0; i < shares->len; i++) {
    lang_share *s = &g_array_index(shares, lang_share, i);
    if (!strcmp(s->code, code)) {
      s->letters += letters;
      return;
    }
  }
  lang_share s = { code, letters };
  g_array_append_val(shares, s);
}

static int by_letters(gconstpointer a, gconstpointer b)
{
  const lang_share *x = a, *y = b;
  if (x->letters != y->letters)
    return x->letters > y->letters ? -1 : 1;
  return strcmp(x->code, y->code);
}

void tag_detect_language(const char *text, size_t len, char *out, size_t out_size)
{
  if (!out_size)
    return;
  out[0] = '\0';
  if (!text || !len)
    return;
  /* a prefix that ends on a character boundary */
  size_t n = len < SAMPLE_BYTES ? len : SAMPLE_BYTES;
  while (n < len && n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
    n--;
  GArray *shares = g_array_new(FALSE, FALSE, sizeof(lang_share));
  size_t latin_hits[G_N_ELEMENTS(latin_langs)] = { 0 };
  size_t latin_letters = 0, cyr_letters = 0, latin_words = 0, latin_sample = 0;
  size_t rus_hits = 0, bul_hits = 0; /* Cyrillic words in Russian's and Bulgarian's lists */
  size_t deva_letters = 0, deva_hits[G_N_ELEMENTS(deva_langs)] = { 0 };
  /* where the sample's words start: read again only for a text that is
   * not English */
  const char *latin_sample_at[MAX_LATIN_SAMPLE];
  word_marks marks = { 0 };
  /* words: runs of letters and marks (apostrophes inside), lower-cased */
  char word[WORD_BYTES];
  const char *p = text, *end = text + n;
  while (p < end) {
    /* ASCII (most of most texts) without glib's Unicode tables: the same
     * answers, a fraction of the cost */
    if (!((unsigned char)*p & 0x80) && !g_ascii_isalpha(*p)) {
      p++;
      continue;
    }
    GUnicodeScript script = G_UNICODE_SCRIPT_LATIN; /* an ASCII letter's */
    if ((unsigned char)*p & 0x80) {
      gunichar c = g_utf8_get_char_validated(p, end - p);
      if (c == (gunichar)-1 || c == (gunichar)-2)
        break;
      if (!g_unichar_isalpha(c)) {
        p = g_utf8_next_char(p);
        continue;
      }
      script = g_unichar_get_script(c);
    }
    const char *start = p;
    size_t letters = 0;
    p = read_word(p, end, word, &letters, &marks);
    if (script == G_UNICODE_SCRIPT_LATIN) {
      latin_letters += letters;
      latin_words++;
      /* English's list, as lex_is_stop_lang(word, "eng") reads it: these
       * words hold no apostrophe and start with a Latin letter */
      latin_hits[0] += lex_list_has(&lex_list_stop_en, word);
      if (latin_sample < MAX_LATIN_SAMPLE)
        latin_sample_at[latin_sample++] = start;
    } else if (script == G_UNICODE_SCRIPT_CYRILLIC) {
      cyr_letters += letters;
      rus_hits += lex_is_stop_lang(word, "rus");
      bul_hits += lex_is_stop_lang(word, "bul");
    } else if (script == G_UNICODE_SCRIPT_DEVANAGARI) {
      /* as the Latin languages' words: a word in k of the lists counts 1/k
       * to each ("को", "या", "आज" are Hindi's and Nepali's or Marathi's) */
      deva_letters += letters;
      bool has[G_N_ELEMENTS(deva_langs)] = { false };
      size_t k = 0;
      for (size_t l = 0; deva_langs[l]; l++)
        k += has[l] = lex_is_stop_lang(word, deva_langs[l]);
      for (size_t l = 0; k && deva_langs[l]; l++)
        deva_hits[l] += has[l] ? SHARED_WORD_UNIT / k : 0;
    } else {
      const char *code = script_lang(script, &marks.kana);
      if (code)
        add(shares, code, letters);
    }
  }
  /* English text is a third to a half stop words: only a text that is not
   * looks for its language among the others (and loads their lists) */
  if (latin_words && latin_hits[0] < ENGLISH_STOP_SHARE * latin_words) {
    /* The languages compete on the same words, English too (its count
     * over the whole text against the others' over the first
     * MAX_LATIN_SAMPLE words made a long German text English). A word in k
     * of the lists counts 1/k to each: shared words ("de", "que", "o", a
     * number, a modal) are weak evidence between related languages, and
     * the one a language alone lists decides; a plain count favoured the
     * longest list (a Galician notice read as Spanish once Spanish's list
     * had its modals). */
    latin_hits[0] = 0;
    bool alphabet[G_N_ELEMENTS(latin_langs)];
    for (size_t l = 1; latin_langs[l]; l++)
      alphabet[l] = lists_alphabet(latin_langs[l]);
    for (size_t w = 0; w < latin_sample; w++) {
      size_t letters = 0;
      word_marks again = { 0 };
      read_word(latin_sample_at[w], end, word, &letters, &again);
      bool has[G_N_ELEMENTS(latin_langs)] = { lex_list_has(&lex_list_stop_en, word) };
      size_t k = has[0];
      for (size_t l = 1; latin_langs[l]; l++) {
        if (letters < 2 && alphabet[l])
          continue;
        /* Polish's list (not Snowball's) has one-letter words, roman
         * numerals and abbreviations ("w", "ii", "www") any Latin text
         * has, Vietnamese's syllables other languages' words ("sau",
         * "con", "do", "theo"): each counts only in a text with its
         * language's own letters */
        if ((!marks.polish && !strcmp(latin_langs[l], "pol")) || (!marks.vietnamese && !strcmp(latin_langs[l], "vie")))
          continue;
        has[l] = lex_is_stop_lang(word, latin_langs[l]);
        k += has[l];
      }
      for (size_t l = 0; k && latin_langs[l]; l++)
        latin_hits[l] += has[l] ? SHARED_WORD_UNIT / k : 0;
    }
  }
  if (latin_letters) {
    size_t best = 0;
    for (size_t l = 1; latin_langs[l]; l++)
      if (latin_hits[l] > latin_hits[best])
        best = l;
    add(shares, latin_langs[best], latin_letters); /* no stop word at all: English */
  }
  /* Devanagari is Hindi unless Marathi's or Nepali's stop words outweigh
   * Hindi's and are more than a few: Sanskrit, Konkani, a heading or a
   * name stay Hindi */
  if (deva_letters) {
    size_t best = 0;
    for (size_t l = 1; deva_langs[l]; l++)
      if (deva_hits[l] > deva_hits[best] && deva_hits[l] >= DEVA_MIN_WORDS * SHARED_WORD_UNIT)
        best = l;
    add(shares, deva_langs[best], deva_letters);
  }
  /* "і" alone is 5% of a Ukrainian text's letters; Bulgarian and Russian
   * by their stop words ("е", "са", "ще", "към" against "не", "что", "он") */
  if (cyr_letters)
    add(shares, marks.ukrainian * UKRAINIAN_SHARE >= cyr_letters ? "ukr" : bul_hits > rus_hits ? "bul" : "rus",
        cyr_letters);
  /* Arabic-script text is Urdu with Urdu's own letters ("ے" alone is 2% of
   * them), else Persian with Persian's (ی and ک are more) */
  for (guint i = 0; i < shares->len; i++) {
    lang_share *s = &g_array_index(shares, lang_share, i);
    if (!strcmp(s->code, "ara") && marks.urdu * URDU_SHARE >= s->letters)
      s->code = "urd";
    else if (!strcmp(s->code, "ara") && marks.persian * PERSIAN_SHARE >= s->letters)
      s->code = "fas";
  }
  /* Han characters in a text with kana are Japanese */
  if (marks.kana) {
    for (guint i = 0; i < shares->len; i++) {
      lang_share *s = &g_array_index(shares, lang_share, i);
      if (!strcmp(s->code, "zho"))
        s->code = "jpn";
    }
    lang_share *jpn = NULL;
    size_t total_jpn = 0;
    for (guint i = 0; i < shares->len; i++) {
      lang_share *s = &g_array_index(shares, lang_share, i);
      if (!strcmp(s->code, "jpn")) {
        total_jpn += s->letters;
        if (!jpn)
          jpn = s;
        else
          s->letters = 0;
      }
    }
    if (jpn)
      jpn->letters = total_jpn;
  }
  g_array_sort(shares, by_letters);
  size_t total = 0;
  for (guint i = 0; i < shares->len; i++)
    total += g_array_index(shares, lang_share, i).letters;
  GString *res = g_string_new(NULL);
  unsigned int kept = 0;
  for (guint i = 0; i < shares->len && kept < MAX_LANGS; i++) {
    const lang_share *s = &g_array_index(shares, lang_share, i);
    if (!s->letters || (i > 0 && ((double)s->letters < MIN_SHARE * (double)total || s->letters < MIN_LETTERS)))
      continue;
    if (res->len)
      g_string_append_c(res, '+');
    g_string_append(res, s->code);
    kept++;
  }
  g_strlcpy(out, res->str, out_size);
  g_string_free(res, TRUE);
  g_array_free(shares, TRUE);
}
