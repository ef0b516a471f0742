/* How far an extracted text is from the truth: the measures the unit tests
 * assert (testutil.c) and the benchmarks print (bench/textdiff.c). Needs
 * only glib. */
#ifndef DOCTAG_TEST_TEXTMETRICS_H
#define DOCTAG_TEST_TEXTMETRICS_H

#include <glib.h>

/* Edit distance between truth and got, code point by code point, after
 * collapsing white space runs to one space and trimming; *truth_len gets
 * the collapsed truth's length. NULL texts are empty. */
long tm_distance(const char *truth, const char *got, long *truth_len);

/* tm_distance over the truth's length (1.0 when the truth is empty and got
 * is not). */
double tm_cer(const char *truth, const char *got);

/* Word multiset error: (missing + extra words) / words of the truth; words
 * split at white space, compared in NFC. Blind to reading order. */
double tm_word_error(const char *truth, const char *got);

#endif
