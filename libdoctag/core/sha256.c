/* SHA-256 (FIPS 180-4) of a document, our own.
 *
 * Why not a library: glib's GChecksum is portable C, about 55 instructions
 * a byte (4.6 ms on big_en_200p, 0.8 MB; on the corpus's one-page
 * documents a fifth of everything `doctag process` adds to `doctag
 * extract`). libcrypto was fast, but linking it cost every process that
 * loads libdoctag a 5 MB library loaded with BIND_NOW, 21,000 relocations
 * and its constructors at start, more than a small PDF's hash. libsodium's
 * crypto_hash_sha256 is portable C too.
 *
 * Here, chosen once at run time by cpuid: on x86-64 CPUs with the SHA
 * extensions (Intel since Goldmont and Ice Lake, AMD since Zen) a block
 * function on them (0.8 MB in 1.0 ms against libcrypto's 1.5 ms);
 * without them the C rounds with an SSE2 message schedule, compiled for
 * BMI2 where the CPU has it (29 instructions a byte under callgrind, which
 * hides the SHA extensions, on big_en_200p; libcrypto's AVX2 code 28);
 * elsewhere the portable C rounds (about 36 a byte). */
#include "core/sha256.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define SHA256_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint32_t K[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

typedef void block_fn(uint32_t s[8], const unsigned char *p, size_t blocks);

static inline uint32_t ror(uint32_t x, unsigned int n)
{
  return (x >> n) | (x << (32 - n));
}

static inline uint32_t load_be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The sums of rotations as rotations of rotations: one copy of the
 * register instead of three on x86 (x86-64 before BMI2 has no
 * three-operand rotate). */
#define BSIG0(x) ror((x) ^ ror((x) ^ ror(x, 9), 11), 2)   /* 2, 13, 22 */
#define BSIG1(x) ror((x) ^ ror((x) ^ ror(x, 14), 5), 6)   /* 6, 11, 25 */
#define SSIG0(x) (ror((x) ^ ror(x, 11), 7) ^ ((x) >> 3)) /* 7, 18 */
#define SSIG1(x) (ror((x) ^ ror(x, 2), 17) ^ ((x) >> 10)) /* 17, 19 */
/* Round j + i with the variables renamed instead of moved, on word j + i
 * of the message schedule w. Maj(a, b, c) is b ^ ((a ^ b) & (b ^ c)), and
 * this round's a ^ b is the next one's b ^ c (bc). */
#define ROUND(a, b, c, d, e, f, g, h, i)                                         \
  do {                                                                           \
    uint32_t t1 = h + BSIG1(e) + (g ^ (e & (f ^ g))) + K[j + (i)] + w[j + (i)]; \
    uint32_t ab = a ^ b;                                                         \
    d += t1;                                                                     \
    h = t1 + BSIG0(a) + (b ^ (ab & bc));                                         \
    bc = ab;                                                                     \
  } while (0)
#define ROUND8(i)                           \
  ROUND(a, b, c, d, e, f, g, h, i);         \
  ROUND(h, a, b, c, d, e, f, g, (i) + 1);   \
  ROUND(g, h, a, b, c, d, e, f, (i) + 2);   \
  ROUND(f, g, h, a, b, c, d, e, (i) + 3);   \
  ROUND(e, f, g, h, a, b, c, d, (i) + 4);   \
  ROUND(d, e, f, g, h, a, b, c, (i) + 5);   \
  ROUND(c, d, e, f, g, h, a, b, (i) + 6);   \
  ROUND(b, c, d, e, f, g, h, a, (i) + 7)

typedef void schedule_fn(const unsigned char *p, uint32_t w[64]);

/* The 64 words of a block's message schedule, one at a time. */
static void schedule_scalar(const unsigned char *p, uint32_t w[64])
{
  for (int i = 0; i < 16; i++)
    w[i] = load_be32(p + 4 * i);
  for (int i = 16; i < 64; i++)
    w[i] = w[i - 16] + SSIG0(w[i - 15]) + w[i - 7] + SSIG1(w[i - 2]);
}

__attribute__((always_inline)) static inline void blocks_with(schedule_fn *schedule, uint32_t s[8],
                                                              const unsigned char *p, size_t blocks)
{
  for (; blocks; blocks--, p += 64) {
    uint32_t w[64];
    schedule(p, w);
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    uint32_t bc = b ^ c;
    for (int j = 0; j < 64; j += 16) {
      ROUND8(0);
      ROUND8(8);
    }
    s[0] += a;
    s[1] += b;
    s[2] += c;
    s[3] += d;
    s[4] += e;
    s[5] += f;
    s[6] += g;
    s[7] += h;
  }
}

static void blocks_portable(uint32_t s[8], const unsigned char *p, size_t blocks)
{
  blocks_with(schedule_scalar, s, p, blocks);
}

#ifdef SHA256_X86
/* The schedule four words at a time in SSE2, which every x86-64 CPU has:
 * 9 instructions a word instead of 22 (the rounds stay scalar). Word t + 2
 * needs word t, so the σ1 terms are added in two halves. This is what runs
 * where the CPU lacks the SHA extensions (and under valgrind, which hides
 * them). */
#define VROR(x, n) _mm_or_si128(_mm_srli_epi32(x, n), _mm_slli_epi32(x, 32 - (n)))
#define VSSIG0(x) _mm_xor_si128(_mm_xor_si128(VROR(x, 7), VROR(x, 18)), _mm_srli_epi32(x, 3))
#define VSSIG1(x) _mm_xor_si128(_mm_xor_si128(VROR(x, 17), VROR(x, 19)), _mm_srli_epi32(x, 10))

static void schedule_sse2(const unsigned char *p, uint32_t w[64])
{
  for (int i = 0; i < 16; i++)
    w[i] = load_be32(p + 4 * i);
  for (int t = 16; t < 64; t += 4) {
    __m128i m = _mm_add_epi32(_mm_loadu_si128((const __m128i *)&w[t - 16]),
                              _mm_loadu_si128((const __m128i *)&w[t - 7]));
    __m128i y = _mm_loadu_si128((const __m128i *)&w[t - 15]);
    m = _mm_add_epi32(m, VSSIG0(y));
    /* words t-2 and t-1 in the low lanes, zeros above (σ1(0) = 0) */
    __m128i v = _mm_loadl_epi64((const __m128i *)&w[t - 2]);
    m = _mm_add_epi32(m, VSSIG1(v));
    /* words t and t+1, now known, moved up for words t+2 and t+3 */
    v = _mm_slli_si128(m, 8);
    m = _mm_add_epi32(m, VSSIG1(v));
    _mm_storeu_si128((__m128i *)&w[t], m);
  }
}

static void blocks_sse2(uint32_t s[8], const unsigned char *p, size_t blocks)
{
  blocks_with(schedule_sse2, s, p, blocks);
}

/* The same compiled for BMI2 (Intel since Haswell, AMD since Excavator):
 * its three-operand rotate (rorx) and and-not save the register copies,
 * 10% of the rounds' instructions. */
__attribute__((target("bmi2"))) static void blocks_bmi2(uint32_t s[8], const unsigned char *p, size_t blocks)
{
  blocks_with(schedule_sse2, s, p, blocks);
}
#endif

#ifdef SHA256_X86
/* The SHA extensions keep the state as two vectors, ABEF and CDGH;
 * sha256rnds2 does two rounds with the two message-plus-constant words in
 * the low half of its third operand, sha256msg1/msg2 the two halves of the
 * message schedule for four words. */
__attribute__((target("sha,sse4.1"))) static void blocks_shani(uint32_t s[8], const unsigned char *p,
                                                                 size_t blocks)
{
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  __m128i t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[0]), 0xB1); /* CDAB */
  __m128i s1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s[4]), 0x1B); /* EFGH */
  __m128i s0 = _mm_alignr_epi8(t, s1, 8);                                        /* ABEF */
  s1 = _mm_blend_epi16(s1, t, 0xF0);                                             /* CDGH */
  for (; blocks; blocks--, p += 64) {
    __m128i abef = s0, cdgh = s1, w[4];
    for (int i = 0; i < 16; i++) {
      __m128i m;
      if (i < 4) {
        m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * i)), bswap);
      } else {
        /* w[i & 3] holds words 4(i-4).., w[(i+1) & 3] 4(i-3).., and so on */
        m = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
        m = _mm_add_epi32(m, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
        m = _mm_sha256msg2_epu32(m, w[(i + 3) & 3]);
      }
      w[i & 3] = m;
      __m128i k = _mm_add_epi32(m, _mm_loadu_si128((const __m128i *)&K[4 * i]));
      s1 = _mm_sha256rnds2_epu32(s1, s0, k);
      s0 = _mm_sha256rnds2_epu32(s0, s1, _mm_shuffle_epi32(k, 0x0E));
    }
    s0 = _mm_add_epi32(s0, abef);
    s1 = _mm_add_epi32(s1, cdgh);
  }
  t = _mm_shuffle_epi32(s0, 0x1B);   /* FEBA */
  s1 = _mm_shuffle_epi32(s1, 0xB1);  /* DCHG */
  s0 = _mm_blend_epi16(t, s1, 0xF0); /* DCBA */
  s1 = _mm_alignr_epi8(s1, t, 8);    /* HGFE */
  _mm_storeu_si128((__m128i *)&s[0], s0);
  _mm_storeu_si128((__m128i *)&s[4], s1);
}

/* cpuid: leaf 7's SHA bit, leaf 1's SSSE3 and SSE4.1 (pshufb, palignr,
 * pblendw). x86-64 guarantees the OS saves the XMM registers. */
static bool cpu_has_shani(void)
{
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
    return false;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}

static bool cpu_has_bmi2(void)
{
  unsigned int a, b, c, d;
  return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_BMI2);
}
#endif

bool sha256_impl_available(sha256_impl impl)
{
  switch (impl) {
  case SHA256_AUTO:
  case SHA256_PORTABLE:
    return true;
  case SHA256_SSE2:
#ifdef SHA256_X86
    return true;
#else
    return false;
#endif
  case SHA256_BMI2:
#ifdef SHA256_X86
    return cpu_has_bmi2();
#else
    return false;
#endif
  case SHA256_SHANI:
#ifdef SHA256_X86
    return cpu_has_shani();
#else
    return false;
#endif
  }
  return false;
}

static block_fn *pick(sha256_impl impl)
{
  if (impl == SHA256_AUTO) {
    /* racing first callers store the same pointer */
    static block_fn *_Atomic chosen;
    block_fn *f = chosen;
    if (!f)
      chosen = f = pick(sha256_impl_available(SHA256_SHANI)  ? SHA256_SHANI
                        : sha256_impl_available(SHA256_BMI2) ? SHA256_BMI2
                        : sha256_impl_available(SHA256_SSE2) ? SHA256_SSE2
                                                             : SHA256_PORTABLE);
    return f;
  }
#ifdef SHA256_X86
  if (impl == SHA256_SHANI)
    return blocks_shani;
  if (impl == SHA256_SSE2)
    return blocks_sse2;
  if (impl == SHA256_BMI2)
    return blocks_bmi2;
#endif
  return blocks_portable;
}

void sha256_hex_impl(sha256_impl impl, const void *data, size_t len, char out[65])
{
  static const char hex[] = "0123456789abcdef";
  block_fn *blocks = pick(impl);
  uint32_t s[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
  const unsigned char *p = data;
  size_t whole = len / 64;
  if (whole)
    blocks(s, p, whole);
  /* the tail, the 0x80 byte, zeros and the bit length: one block or two */
  unsigned char last[128] = { 0 };
  size_t rest = len % 64;
  if (rest)
    memcpy(last, p + 64 * whole, rest);
  last[rest] = 0x80;
  size_t n = rest < 56 ? 64 : 128;
  uint64_t bits = (uint64_t)len << 3;
  for (int i = 0; i < 8; i++)
    last[n - 1 - i] = (unsigned char)(bits >> (8 * i));
  blocks(s, last, n / 64);
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 8; j++)
      out[8 * i + j] = hex[(s[i] >> (28 - 4 * j)) & 15];
  out[64] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[65])
{
  sha256_hex_impl(SHA256_AUTO, data, len, out);
}
