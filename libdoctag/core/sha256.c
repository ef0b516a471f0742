/* SHA-256 of a document: glib's GChecksum for small inputs, OpenSSL's
 * libcrypto for large ones. glib's is portable C, about 5.5 ns (53
 * instructions) a byte: 4.6 ms on big_en_200p (0.8 MB), a fifth of
 * everything doctag extract does besides the pages. libcrypto uses the CPU's
 * SHA extensions or vector units (0.7 ms there) but its first digest in a
 * process initialises its providers (5 M instructions, 1-2 ms), which a
 * one-page PDF would not win back. libcrypto is in every process already
 * (libjwt links it), so linking it costs no start-up. */
#include "core/sha256.h"

#include <glib.h>
#include <openssl/evp.h>

/* where libcrypto's one-time set-up is paid back */
#define LIBCRYPTO_FROM (256 * 1024)

void sha256_hex(const void *data, size_t len, char out[65])
{
  static const char hex[] = "0123456789abcdef";
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  /* EVP_Digest fails only when libcrypto cannot allocate: glib then */
  if (len < LIBCRYPTO_FROM || EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32) {
    char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, len ? data : (const void *)"", len);
    g_strlcpy(out, sum, 65);
    g_free(sum);
    return;
  }
  for (unsigned int i = 0; i < n; i++) {
    out[2 * i] = hex[md[i] >> 4];
    out[2 * i + 1] = hex[md[i] & 15];
  }
  out[2 * n] = '\0';
}
