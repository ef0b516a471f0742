/* Internal: ICU's common library (libicuuc, with libicudata), loaded when
 * first needed: by the segmenter (tag/segment.c) for a word of Chinese,
 * Japanese, Thai, Lao, Khmer or Burmese to break or a word that is not
 * plainly NFC to check; by extraction (extract/garble.c,
 * extract/lang.c) for the Indic categories of a vowel sign.
 *
 * Linked, ICU cost every process that loads libdoctag its mapping and
 * relocations at start (libicuuc and the 30 MB libicudata), and two more
 * libraries in the scope of every symbol lookup, while `doctag extract`
 * extracts most text layers without it. ICU renames its functions
 * by version (ubrk_open is ubrk_open_72): the names looked up are the
 * headers' own, so the library loaded is the one the build compiled
 * against. */
#ifndef DOCTAG_TAG_ICULIB_H
#define DOCTAG_TAG_ICULIB_H

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* Every ICU function libdoctag calls. */
#define ICULIB_FUNCS(X) \
  X(u_strFromUTF8) X(u_strToUTF8) X(unorm2_getNFCInstance) X(unorm2_quickCheck) X(ubrk_open) X(ubrk_setText) \
  X(ubrk_first) X(ubrk_next) X(ubrk_getRuleStatus) X(ubrk_close) X(u_getIntPropertyValue)

typedef struct iculib {
#define ICULIB_MEMBER(f) __typeof__(f) *f;
  ICULIB_FUNCS(ICULIB_MEMBER)
#undef ICULIB_MEMBER
} iculib;

/* The functions, loaded on the first call (thread-safe); NULL when ICU
 * cannot be loaded, and then the callers do without (a run of those
 * scripts stays one word; a word is normalised rather than checked). */
const iculib *iculib_get(void);

/* u_getIntPropertyValue(c, which), or 0 (no category: U_INPC_NA,
 * U_INSC_OTHER) when ICU cannot be loaded. */
int32_t iculib_int_property(UChar32 c, UProperty which);

#endif
