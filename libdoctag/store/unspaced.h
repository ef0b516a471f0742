/* Internal to store/: the scripts written without spaces between words,
 * whose runs both backends' indexes cut into pairs of characters (issue 17).
 *
 * Stated here once. SQLite's tokenizer (sqlitetok.c) asks a character's
 * script, so it reads UNSPACED_SCRIPTS. PostgreSQL asks a regular
 * expression: doctag_unspaced() returns UNSPACED_BLOCKS as a class, and
 * doctag_pairs() joins a character with the marks after it in the blocks
 * marked so. Those functions live in migrations, which a database keeps
 * as it ran them, so their text cannot come from this file at build time
 * (a database made before an edit would keep the old class, one made
 * after would get the new one, and their vectors would differ):
 * store_unspaced_test checks that the newest migration defining each holds
 * exactly these blocks, and that the blocks hold every letter, mark and
 * number of the scripts. Editing either list therefore means a migration
 * that redefines the functions and recomputes the vectors it changes, as
 * 0020 does. */
#ifndef DOCTAG_STORE_UNSPACED_H
#define DOCTAG_STORE_UNSPACED_H

/* X(name): G_UNICODE_SCRIPT_<name>. */
#define UNSPACED_SCRIPTS(X) \
  X(HAN) X(HIRAGANA) X(KATAKANA) X(BOPOMOFO) X(THAI) X(LAO) X(KHMER) X(MYANMAR) X(TAI_THAM) X(NEW_TAI_LUE)

/* X(first, last, marks): the code points PostgreSQL takes for those
 * scripts, whole blocks where a block is of them (its unassigned points
 * and punctuation included: to_tsvector drops what is no word), else the
 * points of them; marks: a mark here that the text-search parser does not
 * start a word with joins the character before it, as in SQLite. In code
 * point order. */
#define UNSPACED_BLOCKS(X) \
  X(0x0E00, 0x0EFF, 1)   /* Thai, Lao */ \
  X(0x1000, 0x109F, 1)   /* Myanmar */ \
  X(0x1780, 0x17FF, 1)   /* Khmer */ \
  X(0x1980, 0x19DF, 1)   /* New Tai Lue */ \
  X(0x1A20, 0x1AAF, 1)   /* Tai Tham */ \
  X(0x2E80, 0x2FDF, 0)   /* CJK Radicals Supplement, Kangxi Radicals */ \
  X(0x3005, 0x3007, 0)   /* 々 〆 〇 */ \
  X(0x3021, 0x3029, 0)   /* Hangzhou numerals */ \
  X(0x3038, 0x303B, 0)   /* Hangzhou numerals, 〻 */ \
  X(0x3040, 0x30FF, 0)   /* Hiragana, Katakana */ \
  X(0x3100, 0x312F, 0)   /* Bopomofo */ \
  X(0x31A0, 0x31BF, 0)   /* Bopomofo Extended */ \
  X(0x31F0, 0x31FF, 0)   /* Katakana Phonetic Extensions */ \
  X(0x3400, 0x4DBF, 0)   /* CJK Extension A */ \
  X(0x4E00, 0x9FFF, 0)   /* CJK Unified Ideographs */ \
  X(0xA9E0, 0xA9FF, 1)   /* Myanmar Extended-B */ \
  X(0xAA60, 0xAA7F, 1)   /* Myanmar Extended-A */ \
  X(0xF900, 0xFAFF, 0)   /* CJK Compatibility Ideographs */ \
  X(0xFF66, 0xFF9D, 0)   /* halfwidth Katakana */ \
  X(0x16FE3, 0x16FE3, 0) /* old Chinese iteration mark */ \
  X(0x16FF0, 0x16FF1, 0) /* Vietnamese alternate reading marks */ \
  X(0x1AFF0, 0x1AFFF, 0) /* Kana Extended-B */ \
  X(0x1B000, 0x1B16F, 0) /* Kana Supplement, Kana Extended-A, Small Kana Extension */ \
  X(0x20000, 0x323AF, 0) /* CJK Extensions B to H, Compatibility Supplement */

#endif
