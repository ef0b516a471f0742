/* SHA-256 of a document through OpenSSL's libcrypto, by its SHA256_Init /
 * SHA256_Update / SHA256_Final calls.
 *
 * Why these: glib's GChecksum is portable C, about 55 instructions a byte
 * (4.6 ms on big_en_200p, 0.8 MB; on the corpus's one-page documents a
 * fifth of everything `doctag process` adds to `doctag extract`).
 * libcrypto's block function uses the CPU's SHA extensions or vector units
 * (0.7 ms there; 29 instructions a byte even where neither exists). Its EVP
 * interface first initialises the default library context, providers and
 * configuration file (4-6 M instructions, 1-2 ms, per process), which a
 * small PDF never wins back; the SHA256_* calls reach the same block
 * function with no set-up. OpenSSL 3 marks them deprecated in favour of
 * EVP, but keeps them (its own code uses them); hence the macro below.
 * libcrypto is in every process already (libjwt links it). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "core/sha256.h"

#include <openssl/sha.h>

void sha256_hex(const void *data, size_t len, char out[65])
{
  static const char hex[] = "0123456789abcdef";
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX c;
  SHA256_Init(&c);
  if (len)
    SHA256_Update(&c, data, len);
  SHA256_Final(md, &c);
  for (unsigned int i = 0; i < SHA256_DIGEST_LENGTH; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[2 * SHA256_DIGEST_LENGTH] = '\0';
}
