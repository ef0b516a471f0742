/* Internal: how the library writes JSON. */
#ifndef DOCTAG_CORE_JSON_H
#define DOCTAG_CORE_JSON_H

#include <jansson.h>

/* Compact, and reals with 15 significant digits: 0.65 stays "0.65" rather
 * than jansson's round-trip "0.65000000000000002". */
#define JSON_OUT (JSON_COMPACT | JSON_REAL_PRECISION(15))

#endif
