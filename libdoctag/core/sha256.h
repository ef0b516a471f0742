/* Internal: SHA-256 of a document's bytes, in hex. */
#ifndef DOCTAG_CORE_SHA256_H
#define DOCTAG_CORE_SHA256_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the lower-case hex SHA-256 of data[0, len) (NULL with len 0: the
 * empty input) and its NUL to out. */
void sha256_hex(const void *data, size_t len, char out[65]);

/* The block functions, for the tests: SHA256_AUTO is what sha256_hex()
 * uses, the SHA extensions where the CPU has them, else on x86-64 the C
 * rounds (compiled for BMI2 where the CPU has it) with an SSE2 message
 * schedule, else the portable C. */
typedef enum { SHA256_AUTO, SHA256_PORTABLE, SHA256_SSE2, SHA256_BMI2, SHA256_SHANI } sha256_impl;
/* Whether this build and CPU can run `impl`. */
bool sha256_impl_available(sha256_impl impl);
/* sha256_hex() through `impl`, which must be available. */
void sha256_hex_impl(sha256_impl impl, const void *data, size_t len, char out[65]);

#endif
