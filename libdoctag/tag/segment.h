/* Internal: Unicode word segmentation for the built-in tagger. */
#ifndef DOCTAG_TAG_SEGMENT_H
#define DOCTAG_TAG_SEGMENT_H

#include <glib.h>
#include <stdbool.h>

typedef enum seg_kind {
  SEG_WORD = 0,   /* letters (with their combining marks), and the numbers
                     that are names: a version ("2.0" of "Web 2.0"), a
                     standard's ("9001" of "ISO 9001", "802.11" alone where
                     the text also writes "IEEE 802.11") */
  SEG_NUMBER = 1, /* digits with separators: "7,850.00", "2024", "6:00" */
  SEG_CODE = 2    /* anything mixing letters and digits, e-mail, URL, path, flag */
} seg_kind;

typedef enum seg_script {
  SEG_SCRIPT_OTHER = 0,
  SEG_SCRIPT_LATIN = 1,
  SEG_SCRIPT_DEVANAGARI = 2
} seg_script;

typedef struct seg_token {
  char *word;            /* lower-cased, NFC (g_malloc) */
  unsigned char kind;    /* seg_kind */
  unsigned char script;  /* seg_script */
  bool brk;              /* a break precedes it: punctuation, blank line, heading
                            edge, table cell, page; a phrase never spans one */
  bool hyphen;           /* joined to the word before by a hyphen ("object-oriented") */
  bool version;          /* a name's version number after a space, a SEG_WORD
                            joined to the name like a hyphen's part ("Web 2.0",
                            "Mac OS 9.1") */
  bool sentence;         /* first word of a sentence */
  bool cap;              /* written with an initial capital letter */
  bool acronym;          /* written in capitals: "KYC", "CSV" */
  bool heading;          /* on a heading line: short, no final punctuation,
                            title-cased, ALL CAPS or standing alone */
  bool title;            /* in the title block (first heading of the text) */
  bool keyword;          /* in a "Keywords:" or "Subject:" statement */
  bool field;            /* after a ':' or a tab on the same line: a field's
                            value ("Date of issue: 14 March", "Total\t920") */
  bool particle;         /* a Korean particle split off the word before
                            ("쓰레기가" -> "쓰레기" "가"), or a conjunctive
                            adverb ("그러나"): no word of a tag */
  unsigned int page;     /* 0-based; pages are separated by '\f' */
  unsigned int line;     /* 0-based over the whole text */
} seg_token;

/* Splits UTF-8 `text` into tokens. Words keep their combining marks (the
 * Devanagari matras, virama, nukta, anusvara, chandrabindu); an apostrophe
 * or hyphen between letters joins, a trailing "'s" goes; danda and other
 * punctuation break. Invalid UTF-8 is skipped. Newly allocated GArray of
 * seg_token: release with seg_free(). */
GArray *seg_split(const char *text);
void seg_free(GArray *tokens);

/* True when the bytes [s, e) are all ASCII: such text is NFC already and
 * its case needs no Unicode tables (the fast path of most words). */
bool seg_is_ascii(const char *s, const char *e);

/* True when [s, s+len) (len -1: NUL-terminated) has an upper- or
 * title-case letter: the only characters g_utf8_strdown() changes. */
bool seg_has_upper(const char *s, gssize len);

/* True when [s, s+len) is NFC by ICU's quick check (false also for "maybe"
 * and for long strings): g_utf8_normalize(NFC) would change nothing. */
bool seg_is_nfc(const char *s, gssize len);

/* [s, s+len) lower-cased, then NFC: g_utf8_strdown() then
 * g_utf8_normalize(), each step skipped where it would change nothing
 * (ASCII, caseless scripts, text already NFC). Newly allocated; NULL only
 * for invalid UTF-8. */
char *seg_fold(const char *s, gssize len);

/* g_utf8_strlen(s, -1) of valid UTF-8 (every token's word) without a
 * call: its bytes but the continuation bytes. */
static inline long seg_utf8_len(const char *s)
{
  long n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}

/* True for a character that belongs inside a word: a letter, a digit or a
 * combining mark (and ZWJ/ZWNJ, which shape Indic conjuncts). */
bool seg_is_word_char(gunichar c);

/* The script of a word's first letter, kana counted as Han (Japanese mixes
 * them in one phrase); G_UNICODE_SCRIPT_COMMON when it has none. */
GUnicodeScript seg_word_script(const char *word);

/* The bytes of a Korean word before a particle (josa) it ends with that
 * its last syllable may take ("내용은" -> "내용"), or 0: the tokeniser
 * takes a one-syllable particle off only with more evidence, the evidence
 * index (tag/rules.c) off any word. */
size_t seg_josa_stem(const char *word);

/* The script most letters of the word tokens of seg_split() are written in
 * (by seg_word_script(): Japanese counts as Han); Latin when none has any. */
GUnicodeScript seg_main_script(const GArray *tokens);

/* Unicode's name of a script ("Latin", "Devanagari", "Tamil", "Han",
 * "Arabic": the long value names of the Script property, as ICU gives
 * them); "Unknown" for one ICU does not know. Static storage. */
const char *seg_script_name(GUnicodeScript script);

/* True for a script written without spaces between words (Han, Thai, Lao,
 * Khmer, Myanmar): seg_split() breaks its runs into words with ICU. */
bool seg_unspaced_script(GUnicodeScript script);

#endif
