/* Internal: SHA-256 of a document's bytes, in hex. */
#ifndef DOCTAG_CORE_SHA256_H
#define DOCTAG_CORE_SHA256_H

#include <stddef.h>

/* Writes the lower-case hex SHA-256 of data[0, len) (NULL with len 0: the
 * empty input) and its NUL to out. */
void sha256_hex(const void *data, size_t len, char out[65]);

#endif
