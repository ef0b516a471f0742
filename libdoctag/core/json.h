/* Internal: how the library writes JSON. */
#ifndef DOCTAG_CORE_JSON_H
#define DOCTAG_CORE_JSON_H

#include "doctag/common.h"
#include <glib.h>
#include <jansson.h>

/* Compact, and reals with 15 significant digits: 0.65 stays "0.65" rather
 * than jansson's round-trip "0.65000000000000002". */
#define JSON_OUT (JSON_COMPACT | JSON_REAL_PRECISION(15))

/* `j` written with JSON_OUT into a g_malloc'd string; NULL when j is NULL
 * or memory runs out. j stays the caller's. */
char *json_out_dump(const json_t *j);

/* The same into *out, releasing j (which may be NULL: a json_pack() that
 * failed); DOCTAG_ENOMEM with the error set when there is nothing to give. */
doctag_status json_out_take(json_t *j, char **out);

/* Appends `s` (UTF-8, NUL-terminated) to `out` as a JSON string, quoted and
 * escaped as JSON_OUT writes it: a text built of such pieces reads as the
 * dump of its object, without building one (a batch row is 20 times
 * cheaper this way). */
void json_out_string(GString *out, const char *s);

/* json_out_string() of `s` when jansson's json_string() would take it
 * (not NULL, valid UTF-8), returning true; else nothing is appended and
 * false says that jansson would have left the member or element out. */
bool json_out_string_valid(GString *out, const char *s);

/* Appends `v` as JSON_OUT writes a real: "%.15g", ".0" added where it
 * would read as an integer, the exponent without '+' or leading zeros.
 * False, nothing appended, for NaN or an infinity (json_real() refuses
 * them). */
bool json_out_real(GString *out, double v);

/* A JSON text written as it goes (into `s`), reading as JSON_OUT's dump of
 * the object it describes: members and elements in the order written, and
 * one left out where jansson had no value for it (a string that is not
 * UTF-8, a NaN), as json_object_set_new() and json_array_append_new()
 * leave out a NULL. One json_w per open object or array. */
typedef struct json_w {
  GString *s;
  bool any;              /* something written: the next needs a comma */
} json_w;

/* Where a member or element began, to take it back out. */
typedef struct json_mark {
  gsize len;
  bool any;
} json_mark;

/* Begins member `key` (NULL: an element) of w's container. */
void json_w_next(json_w *w, const char *key, json_mark *mark);
/* Takes back what was written since `mark`. */
void json_w_undo(json_w *w, const json_mark *mark);
/* A member or element of each kind; false when it was left out. */
bool json_w_string(json_w *w, const char *key, const char *v);
bool json_w_real(json_w *w, const char *key, double v);
void json_w_int(json_w *w, const char *key, long long v);
void json_w_bool(json_w *w, const char *key, bool v);
void json_w_null(json_w *w, const char *key);
/* Opens an object ('{') or array ('[') as member `key` (NULL: an element),
 * *mark set where it began; returns the writer of its contents. The caller
 * appends the closing bracket. */
json_w json_w_open(json_w *w, const char *key, char bracket, json_mark *mark);

#endif
