/* Bounds on a PDF's work: the sizes of a JBIG2 symbol dictionary's symbols
 * (see limits.h). A symbol dictionary's header gives only how many symbols
 * it holds; each one's height (by height class) and width are integers in
 * its coded data, between the symbols' bitmaps, and poppler allocates and
 * decodes a bitmap of that size for each (a few bytes can declare one of
 * 46000 x 46000 pixels, 264 MB, every one kept until the page ends). So the
 * data is decoded here as poppler (22.12) decodes it, symbol by symbol, and
 * each symbol's size is counted before its bitmap is decoded: decoding stops
 * at the first symbol past the budget, so this pass costs no more than the
 * budget allows. The bitmaps are decoded too (their arithmetic-coded bits
 * carry the next symbol's width, and a refinement's bits depend on the
 * symbol it refines), kept as poppler keeps them, 1 bit a pixel.
 *
 * Decoded: arithmetic coding with generic templates 0-3 and their AT pixels,
 * its contexts carried over from the last dictionary referred to (as
 * poppler: when that one retained them and they are of the same template),
 * Huffman coding with the standard tables (B.1-B.5) or custom ones (code
 * table segments referred to) and collective bitmaps (uncompressed ones
 * kept, MMR ones skipped: their size is in the data), and refinement/
 * aggregate coding (T.88 6.5.8.2) both ways: a symbol refined from another
 * (generic refinement templates 0 and 1) or composed of several, each
 * perhaps refined, as a text region (6.4) decodes them. Where poppler reads
 * an integer it does not check (a height class's delta height, a
 * refinement's offsets), OOB leaves the last value, as in poppler. Not
 * decoded (the sizes stay unknown, `known` false): the refinement of a
 * symbol whose pixels are MMR-coded, contexts carried over from or symbols
 * of a dictionary not sized, custom tables missing or cut short, and the
 * IAID contexts of symbol codes over 24 bits. */
#include "extract/limits.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

namespace {

/* The segment's data, read by the arithmetic and the Huffman decoder in
 * turn (poppler restarts the first where the second stopped); past the end
 * poppler reads the stream on (the next segment's bytes), counted here in
 * `overread` and read as 0xFF, as a marker or EOF reads. */
struct source {
  const unsigned char *p, *end;
  size_t overread = 0;

  uint32_t byte()
  {
    if (p < end)
      return *p++;
    overread++;
    return 0xFF;
  }
};

/* The MQ arithmetic decoder (T.88 Annex E, the software conventions). */
struct mq_decoder {
  source &s;
  uint32_t buf0 = 0, buf1 = 0, c = 0, a = 0;
  int ct = 0;
  unsigned stalls = 0;   /* bytes fed at a marker */
  /* decisions decoded once at the marker: from a context whose state has
   * adapted to its MPS each byte fed lasts some 260,000 of them, so 4096
   * stalled bytes were a billion decisions (11 s of empty height classes
   * from 44 bytes, found by fuzz_jbig2 in CI) */
  uint64_t after_marker = 0;

  static const uint32_t qe[47];
  static const uint8_t nmps[47], nlps[47], swtch[47];

  explicit mq_decoder(source &src) : s(src) {}

  void byte_in()
  {
    if (buf0 == 0xFF && buf1 > 0x8F) {
      /* a marker (the data's end): poppler reads no further but decodes
       * on, from 1 bits */
      stalls++;
      ct = 8;
    } else if (buf0 == 0xFF) {
      buf0 = buf1;
      buf1 = s.byte();
      c = c + 0xFE00 - (buf0 << 9);
      ct = 7;
    } else {
      buf0 = buf1;
      buf1 = s.byte();
      c = c + 0xFF00 - (buf0 << 8);
      ct = 8;
    }
  }

  void start()
  {
    buf0 = s.byte();
    buf1 = s.byte();
    c = (buf0 ^ 0xFF) << 16;
    byte_in();
    c <<= 7;
    ct -= 7;
    a = 0x80000000u;
  }

  /* One bit in the context whose state is *cx (index << 1 | MPS). */
  int bit(uint8_t *cx)
  {
    after_marker += stalls != 0;
    unsigned i = *cx >> 1, mps = *cx & 1;
    uint32_t q = qe[i];
    int d;
    a -= q;
    if (c < a) {
      if (a & 0x80000000u)
        return (int)mps;
      if (a < q) {
        d = (int)(1 - mps);
        *cx = (uint8_t)(nlps[i] << 1 | (swtch[i] ? 1 - mps : mps));
      } else {
        d = (int)mps;
        *cx = (uint8_t)(nmps[i] << 1 | mps);
      }
    } else {
      c -= a;
      if (a < q) {
        d = (int)mps;
        *cx = (uint8_t)(nmps[i] << 1 | mps);
      } else {
        d = (int)(1 - mps);
        *cx = (uint8_t)(nlps[i] << 1 | (swtch[i] ? 1 - mps : mps));
      }
      a = q;
    }
    do {
      if (ct == 0)
        byte_in();
      a <<= 1;
      c <<= 1;
      ct--;
    } while (!(a & 0x80000000u));
    return d;
  }

  /* An integer by the procedure of T.88 A.2 in `stats` (512 contexts);
   * false for OOB, *out left as it was. */
  bool integer(uint8_t *stats, int32_t *out)
  {
    unsigned prev = 1;
    auto next = [&]() {
      int b = bit(&stats[prev]);
      prev = prev < 0x100 ? (prev << 1 | (unsigned)b) : (((prev << 1 | (unsigned)b) & 0x1FF) | 0x100);
      return (uint64_t)b;
    };
    auto bits = [&](int n) {
      uint64_t v = 0;
      for (int k = 0; k < n; k++)
        v = v << 1 | next();
      return v;
    };
    uint64_t sign = next(), v;
    if (!next())
      v = bits(2);
    else if (!next())
      v = bits(4) + 4;
    else if (!next())
      v = bits(6) + 20;
    else if (!next())
      v = bits(8) + 84;
    else if (!next())
      v = bits(12) + 340;
    else
      v = bits(32) + 4436;
    if (sign && v == 0)
      return false;
    /* poppler keeps it in an int */
    uint32_t x = (uint32_t)v;
    *out = (int32_t)(sign ? 0u - x : x);
    return true;
  }

  /* A symbol id of `len` bits (T.88 A.3) in `stats`. */
  uint32_t iaid(std::unordered_map<uint32_t, uint8_t> &stats, unsigned len)
  {
    uint32_t prev = 1;
    for (unsigned k = 0; k < len; k++)
      prev = prev << 1 | (uint32_t)bit(&stats[prev]);
    return prev - (1u << len);
  }
};

const uint32_t mq_decoder::qe[47] = {
  0x56010000, 0x34010000, 0x18010000, 0x0AC10000, 0x05210000, 0x02210000, 0x56010000, 0x54010000, 0x48010000,
  0x38010000, 0x30010000, 0x24010000, 0x1C010000, 0x16010000, 0x56010000, 0x54010000, 0x51010000, 0x48010000,
  0x38010000, 0x34010000, 0x30010000, 0x28010000, 0x24010000, 0x22010000, 0x1C010000, 0x18010000, 0x16010000,
  0x14010000, 0x12010000, 0x11010000, 0x0AC10000, 0x09C10000, 0x08A10000, 0x05210000, 0x04410000, 0x02A10000,
  0x02210000, 0x01410000, 0x01110000, 0x00850000, 0x00490000, 0x00250000, 0x00150000, 0x00090000, 0x00050000,
  0x00010000, 0x56010000,
};
const uint8_t mq_decoder::nmps[47] = { 1,  2,  3,  4,  5,  38, 7,  8,  9,  10, 11, 12, 13, 29, 15, 16,
                                       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
                                       33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 45, 46 };
const uint8_t mq_decoder::nlps[47] = { 1,  6,  9,  12, 29, 33, 6,  14, 14, 14, 17, 18, 20, 21, 14, 14,
                                       15, 16, 17, 18, 19, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                                       30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 46 };
const uint8_t mq_decoder::swtch[47] = { 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

/* A standard Huffman table line (T.88 Annex B): values from `low` (or, for
 * a lower range line, down from it), its prefix of `len` bits and
 * `range` bits after it; range -1 is OOB, -2 the lower range. */
struct huff_line {
  int64_t low;
  int len, range;
  uint32_t prefix;
};

const huff_line table_a[] = { { 0, 1, 4, 0x0 }, { 16, 2, 8, 0x2 }, { 272, 3, 16, 0x6 }, { 65808, 3, 32, 0x7 },
                              { 0, 0, 0, 0 } };
const huff_line table_b[] = { { 0, 1, 0, 0x0 },   { 1, 2, 0, 0x2 },   { 2, 3, 0, 0x6 },  { 3, 4, 3, 0xe },
                              { 11, 5, 6, 0x1e }, { 75, 6, 32, 0x3e }, { 0, 6, -1, 0x3f }, { 0, 0, 0, 0 } };
/* B.3 as poppler (22.12 and since) has it: the upper range line's prefix
 * written 0xfe, which no 7-bit code equals, so poppler reads 1111110x as
 * no line (OOB), not 75 + 32 bits as the standard has it */
const huff_line table_c[] = { { 0, 1, 0, 0x0 },     { 1, 2, 0, 0x2 },     { 2, 3, 0, 0x6 },    { 3, 4, 3, 0xe },
                              { 11, 5, 6, 0x1e },   { 0, 6, -1, 0x3e },   { 75, 7, 32, 0xfe }, { -256, 8, 8, 0xfe },
                              { -257, 8, -2, 0xff }, { 0, 0, 0, 0 } };
const huff_line table_d[] = { { 1, 1, 0, 0x0 },   { 2, 2, 0, 0x2 },   { 3, 3, 0, 0x6 }, { 4, 4, 3, 0xe },
                              { 12, 5, 6, 0x1e }, { 76, 5, 32, 0x1f }, { 0, 0, 0, 0 } };
const huff_line table_e[] = { { 1, 1, 0, 0x0 },     { 2, 2, 0, 0x2 },     { 3, 3, 0, 0x6 },
                              { 4, 4, 3, 0xe },     { 12, 5, 6, 0x1e },   { 76, 6, 32, 0x3e },
                              { -255, 7, 8, 0x7e }, { -256, 7, -2, 0x7f }, { 0, 0, 0, 0 } };

const huff_line table_f[] = { { 0, 2, 7, 0x0 },       { 128, 3, 7, 0x2 },    { 256, 3, 8, 0x3 },    { -1024, 4, 9, 0x8 },
                              { -512, 4, 8, 0x9 },    { -256, 4, 7, 0xa },   { -32, 4, 5, 0xb },    { 512, 4, 9, 0xc },
                              { 1024, 4, 10, 0xd },   { -2048, 5, 10, 0x1c }, { -128, 5, 6, 0x1d }, { -64, 5, 5, 0x1e },
                              { -2049, 6, -2, 0x3e }, { 2048, 6, 32, 0x3f }, { 0, 0, 0, 0 } };
const huff_line table_h[] = { { 0, 2, 1, 0x0 },     { 0, 2, -1, 0x1 },     { 4, 3, 4, 0x4 },      { -1, 4, 0, 0xa },
                              { 22, 4, 4, 0xb },    { 38, 4, 5, 0xc },     { 2, 5, 0, 0x1a },     { 70, 5, 6, 0x1b },
                              { 134, 5, 7, 0x1c },  { 3, 6, 0, 0x3a },     { 20, 6, 1, 0x3b },    { 262, 6, 7, 0x3c },
                              { 646, 6, 10, 0x3d }, { -2, 7, 0, 0x7c },    { 390, 7, 8, 0x7d },   { -15, 8, 3, 0xfc },
                              { -5, 8, 1, 0xfd },   { -7, 9, 1, 0x1fc },   { -3, 9, 0, 0x1fd },   { -16, 9, -2, 0x1fe },
                              { 1670, 9, 32, 0x1ff }, { 0, 0, 0, 0 } };
const huff_line table_k[] = { { 1, 1, 0, 0x0 },   { 2, 2, 1, 0x2 },   { 4, 4, 0, 0xc },   { 5, 4, 1, 0xd },
                              { 7, 5, 1, 0x1c },  { 9, 5, 2, 0x1d },  { 13, 6, 2, 0x3c }, { 17, 7, 2, 0x7a },
                              { 21, 7, 3, 0x7b }, { 29, 7, 4, 0x7c }, { 45, 7, 5, 0x7d }, { 77, 7, 6, 0x7e },
                              { 141, 7, 32, 0x7f }, { 0, 0, 0, 0 } };
const huff_line table_o[] = { { 0, 1, 0, 0x0 },   { -1, 3, 0, 0x4 },  { 1, 3, 0, 0x5 },   { -2, 4, 0, 0xc },
                              { 2, 4, 0, 0xd },   { -4, 5, 1, 0x1c }, { 3, 5, 1, 0x1d },  { -8, 6, 2, 0x3c },
                              { 5, 6, 2, 0x3d },  { -24, 7, 4, 0x7c }, { 9, 7, 4, 0x7d }, { -25, 7, -2, 0x7e },
                              { 25, 7, 32, 0x7f }, { 0, 0, 0, 0 } };

/* Huffman-coded bits of the source, most significant first. */
struct bit_reader {
  source &s;
  uint32_t buf = 0;
  int left = 0;

  explicit bit_reader(source &src) : s(src) {}

  uint32_t bit()
  {
    if (left == 0) {
      buf = s.byte();
      left = 8;
    }
    left--;
    return (buf >> left) & 1;
  }

  uint64_t bits(int n)
  {
    uint64_t v = 0;
    for (int k = 0; k < n; k++)
      v = v << 1 | bit();
    return v;
  }

  /* drops the bits left of the byte read last (poppler's reset()) */
  void align() { left = 0; }

  /* false for OOB or no line matching, *out left as it was */
  bool decode(const huff_line *t, int32_t *out)
  {
    uint32_t prefix = 0;
    int len = 0;
    for (; t->len; t++) {
      while (len < t->len) {
        prefix = prefix << 1 | bit();
        len++;
      }
      if (prefix != t->prefix)
        continue;
      if (t->range == -1)
        return false;
      int64_t v = t->range == -2 ? t->low - (int64_t)bits(32) : t->low + (int64_t)bits(t->range);
      /* poppler keeps it in an int */
      *out = (int32_t)(uint32_t)(uint64_t)v;
      return true;
    }
    return false;
  }

  /* skips to the next byte, then n bytes */
  bool skip_bytes(uint64_t n)
  {
    left = 0;
    if ((uint64_t)(s.end - s.p) < n)
      return false;
    s.p += n;
    return true;
  }
};

/* A custom Huffman table from a code table segment's data (T.88 7.4.13,
 * B.2) into t, its prefixes assigned as poppler's buildTable() does (B.3:
 * lines by prefix length, in their order within one, lines of no prefix
 * left out); false when the data ends before the table does, or for a
 * table past what this pass reads (prefixes over 31 bits, ranges over 30,
 * 65536 lines) or poppler drops. */
bool custom_table(const std::vector<unsigned char> &seg, std::vector<huff_line> &t)
{
  if (seg.size() < 9)
    return false;
  unsigned flags = seg[0];
  int ps = (int)((flags >> 1) & 7) + 1, rs = (int)((flags >> 4) & 7) + 1;
  auto be32 = [&](size_t at) {
    return (int64_t)(int32_t)((uint32_t)seg[at] << 24 | (uint32_t)seg[at + 1] << 16 | (uint32_t)seg[at + 2] << 8 |
                              seg[at + 3]);
  };
  int64_t low = be32(1), high = be32(5);
  source src{ seg.data() + 9, seg.data() + seg.size() };
  bit_reader b(src);
  std::vector<huff_line> lines;
  for (int64_t cur = low; cur < high && !src.overread;) {
    if (lines.size() == 65536)
      return false;
    int len = (int)b.bits(ps), range = (int)b.bits(rs);
    /* poppler shifts 1 by the range in an int (undefined past 30) and
     * drops the table when the next value overflows an int */
    if (range > 30 || cur + ((int64_t)1 << range) > INT_MAX)
      return false;
    lines.push_back(huff_line{ cur, len, range, 0 });
    cur += (int64_t)1 << range;
  }
  lines.push_back(huff_line{ low - 1, (int)b.bits(ps), -2, 0 });
  lines.push_back(huff_line{ high, (int)b.bits(ps), 32, 0 });
  if (flags & 1)
    lines.push_back(huff_line{ 0, (int)b.bits(ps), -1, 0 });
  if (src.overread)
    return false;
  for (const huff_line &l : lines)
    if (l.len > 31)
      return false;
  t.clear();
  for (int len = 1; len < 32; len++)
    for (const huff_line &l : lines)
      if (l.len == len)
        t.push_back(l);
  uint32_t prefix = 0;
  for (size_t i = 0; i < t.size(); i++) {
    if (i)
      prefix = (prefix + 1) << (t[i].len - t[i - 1].len);
    t[i].prefix = prefix;
  }
  t.push_back(huff_line{ 0, 0, 0, 0 });
  return true;
}

using bitmap = pdf_jbig2_bitmap;

const uint64_t kept_symbols = 1 << 20;
/* poppler's own memory for one symbol, in 1-bit pixels (see count()) */
const uint64_t symbol_overhead_px = 80 * 8;

/* The bytes of a row of b. */
size_t row_bytes(const bitmap &b) { return ((size_t)b.w + 7) >> 3; }

/* false for a size poppler's JBIG2Bitmap refuses (its bitmap is then null) */
bool valid(int64_t w, int64_t h) { return w > 0 && h > 0 && w <= INT_MAX - 7 && h < (INT_MAX - 1) / ((w + 7) >> 3); }

/* b as poppler's JBIG2Bitmap(w, h) makes it, cleared (false: not valid) */
bool make(bitmap &b, int64_t w, int64_t h)
{
  if (!valid(w, h))
    return false;
  b.w = (int32_t)w;
  b.h = (int32_t)h;
  b.known = true;
  b.data.assign(row_bytes(b) * (size_t)h + 1, 0);
  return true;
}

uint32_t pixel(const bitmap &b, int64_t x, int64_t y)
{
  if (x < 0 || y < 0 || x >= b.w || y >= b.h || b.data.empty())
    return 0;
  return b.data[(size_t)y * row_bytes(b) + (size_t)(x >> 3)] >> (7 - (x & 7)) & 1;
}

void set_pixel(bitmap &b, int64_t x, int64_t y) { b.data[(size_t)y * row_bytes(b) + (size_t)(x >> 3)] |= (uint8_t)(0x80 >> (x & 7)); }

/* A generic region's pixels (T.88 6.2.5.7, no typical prediction: symbol
 * bitmaps have none) decoded into b with template `tmpl` and its AT pixels
 * at[0, 2 * n) (x, y pairs), in `stats`. */
void generic(mq_decoder &d, std::vector<uint8_t> &stats, int tmpl, const int8_t *at, bitmap &b)
{
  for (int64_t y = 0; y < b.h; y++)
    for (int64_t x = 0; x < b.w; x++) {
      auto px = [&](int64_t dx, int64_t dy) { return pixel(b, x + dx, y + dy); };
      uint32_t cx;
      switch (tmpl) {
      case 0:
        cx = px(-1, -2) << 15 | px(0, -2) << 14 | px(1, -2) << 13 | px(-2, -1) << 12 | px(-1, -1) << 11 |
             px(0, -1) << 10 | px(1, -1) << 9 | px(2, -1) << 8 | px(-4, 0) << 7 | px(-3, 0) << 6 | px(-2, 0) << 5 |
             px(-1, 0) << 4 | px(at[0], at[1]) << 3 | px(at[2], at[3]) << 2 | px(at[4], at[5]) << 1 |
             px(at[6], at[7]);
        break;
      case 1:
        cx = px(-1, -2) << 12 | px(0, -2) << 11 | px(1, -2) << 10 | px(2, -2) << 9 | px(-2, -1) << 8 |
             px(-1, -1) << 7 | px(0, -1) << 6 | px(1, -1) << 5 | px(2, -1) << 4 | px(-3, 0) << 3 | px(-2, 0) << 2 |
             px(-1, 0) << 1 | px(at[0], at[1]);
        break;
      case 2:
        cx = px(-1, -2) << 9 | px(0, -2) << 8 | px(1, -2) << 7 | px(-2, -1) << 6 | px(-1, -1) << 5 | px(0, -1) << 4 |
             px(1, -1) << 3 | px(-2, 0) << 2 | px(-1, 0) << 1 | px(at[0], at[1]);
        break;
      default:
        cx = px(-3, -1) << 9 | px(-2, -1) << 8 | px(-1, -1) << 7 | px(0, -1) << 6 | px(1, -1) << 5 | px(-4, 0) << 4 |
             px(-3, 0) << 3 | px(-2, 0) << 2 | px(-1, 0) << 1 | px(at[0], at[1]);
        break;
      }
      if (d.bit(&stats[cx]))
        set_pixel(b, x, y);
    }
}

/* A generic refinement region's pixels (T.88 6.3.5, no typical prediction)
 * decoded into b from `ref` placed at (dx, dy), with template `tmpl` (0:
 * its AT pixels at[0, 4), one in b and one in ref) in `stats`. */
void refine(mq_decoder &d, std::vector<uint8_t> &stats, int tmpl, const int8_t *at, bitmap &b, const bitmap &ref,
            int64_t dx, int64_t dy)
{
  for (int64_t y = 0; y < b.h; y++)
    for (int64_t x = 0; x < b.w; x++) {
      auto p = [&](int64_t ox, int64_t oy) { return pixel(b, x + ox, y + oy); };
      auto r = [&](int64_t ox, int64_t oy) { return pixel(ref, x + ox - dx, y + oy - dy); };
      uint32_t cx;
      if (tmpl)
        cx = p(-1, -1) << 9 | p(0, -1) << 8 | p(1, -1) << 7 | p(-1, 0) << 6 | r(0, -1) << 5 | r(-1, 0) << 4 |
             r(0, 0) << 3 | r(1, 0) << 2 | r(0, 1) << 1 | r(1, 1);
      else
        cx = p(0, -1) << 12 | p(1, -1) << 11 | p(-1, 0) << 10 | r(0, -1) << 9 | r(1, -1) << 8 | r(-1, 0) << 7 |
             r(0, 0) << 6 | r(1, 0) << 5 | r(-1, 1) << 4 | r(0, 1) << 3 | r(1, 1) << 2 | p(at[0], at[1]) << 1 |
             r(at[2], at[3]);
      if (d.bit(&stats[cx]))
        set_pixel(b, x, y);
    }
}

/* ORs src into dst at (x, y) byte by byte, as poppler's
 * JBIG2Bitmap::combine() does: where the source is one byte wide and
 * starts left of dst, its bytes are taken unshifted (so its pixels land
 * as poppler draws them, not where the standard puts them). */
void compose(bitmap &dst, const bitmap &src, int32_t x, int32_t y)
{
  if (dst.data.empty() || src.data.empty() || y < -0x7fffffff)
    return;
  int64_t y0 = y < 0 ? -(int64_t)y : 0, y1 = (int64_t)y + src.h > dst.h ? (int64_t)dst.h - y : src.h;
  int64_t x0 = x >= 0 ? (x & ~7) : 0, x1 = (int64_t)x + src.w;
  if (y0 >= y1 || x1 > INT_MAX)
    return;
  x1 = std::min<int64_t>(x1, dst.w);
  if (x0 >= x1)
    return;
  unsigned s1 = (unsigned)x & 7, m2 = (x1 & 7) ? (0xFFu << (8 - (x1 & 7))) & 0xFF : 0xFF;
  bool one = x0 == ((x1 - 1) & ~(int64_t)7);
  size_t dl = row_bytes(dst), sl = row_bytes(src);
  for (int64_t yy = y0; yy < y1; yy++) {
    uint8_t *dp = &dst.data[(size_t)(y + yy) * dl];
    size_t at = (size_t)yy * sl;
    /* poppler reads a byte past a row's end (the guard byte after the last) */
    auto sb = [&](size_t k) -> unsigned { return at + k < src.data.size() ? src.data[at + k] : 0; };
    if (one) {
      if (x >= 0)
        dp[x >> 3] |= (uint8_t)((sb(0) >> s1) & m2);
      else
        dp[0] |= (uint8_t)(sb((size_t)(-(int64_t)x >> 3)) & m2);
      continue;
    }
    size_t di = 0, si = 0;
    unsigned prev, next;
    int64_t xx = x0;
    if (x >= 0) {
      di = (size_t)(x >> 3);
      next = sb(si++);
      dp[di++] |= (uint8_t)(next >> s1);
      xx = x0 + 8;
    } else {
      si = (size_t)(-(int64_t)x >> 3);
      next = sb(si++);
    }
    for (; xx < x1 - 8; xx += 8) {
      prev = next;
      next = sb(si++);
      dp[di++] |= (uint8_t)(((prev << 8 | next) >> s1) & 0xFF);
    }
    prev = next;
    next = sb(si++);
    dp[di] |= (uint8_t)(((prev << 8 | next) >> s1) & m2);
  }
}

/* Counts one symbol (or, not `symbol`, a collective bitmap or refined
 * instance) of w x h against the limits: false when it passes one. */
bool count(pdf_jbig2_symbols *out, uint64_t w, uint64_t h, uint64_t max_one, uint64_t budget, bool symbol = true)
{
  uint64_t px = w && h > UINT64_MAX / w ? UINT64_MAX : w * h;
  if (symbol)
    out->largest = std::max(out->largest, px);
  /* each symbol costs poppler its own allocation and decoding, however small */
  out->total += std::max<uint64_t>(px, 1);
  out->symbols += symbol;
  /* and poppler's memory for them: their pixels, 1 bit each, and about 80
   * bytes a symbol besides (a JBIG2Bitmap object, its data's allocation, a
   * pointer to it), within the pixels of the largest image allowed: 100
   * million one-pixel symbols passed at 1 pixel each and held poppler 8 GB */
  bool memory_over = out->total > max_one || std::min(out->symbols, UINT64_MAX / 2 / symbol_overhead_px) *
                                                  symbol_overhead_px > max_one - out->total;
  if (px > max_one || out->total > budget || memory_over) {
    out->over_memory = px <= max_one && out->total <= budget;
    out->over = true;
    out->over_w = w;
    out->over_h = h;
    return false;
  }
  return true;
}

/* a + b, false (poppler's checkedAdd()) when it overflows an int */
bool add(int32_t a, int32_t b, int32_t *sum)
{
  int64_t s = (int64_t)a + b;
  if (s < INT_MIN || s > INT_MAX)
    return false;
  *sum = (int32_t)s;
  return true;
}

int32_t wrap(int64_t v) { return (int32_t)(uint32_t)(uint64_t)v; }

/* One symbol dictionary's decoding. `stop` (why) ends it where this pass
 * cannot follow poppler; `fail` where poppler fails the dictionary, or
 * the limits stop it (out->over). */
struct dict_decoder {
  pdf_jbig2_symbols *out;
  const std::vector<const pdf_jbig2_symbols *> &inputs;
  uint64_t max_one, budget, n_input = 0;
  bool huff = false;
  source src;
  mq_decoder mq{ src };
  bit_reader bits{ src };
  unsigned code_len = 0;
  /* arithmetic integer contexts (T.88 Table 31), the IAID ones by index */
  std::vector<uint8_t> iadh = std::vector<uint8_t>(512), iadw = iadh, iaex = iadh, iaai = iadh, iadt = iadh,
                       iafs = iadh, iads = iadh, iait = iadh, iari = iadh, iardw = iadh, iardh = iadh, iardx = iadh,
                       iardy = iadh;
  std::unordered_map<uint32_t, uint8_t> iaid;
  std::vector<uint8_t> gb, gr;   /* generic and refinement region contexts */
  int rtmpl = 0;
  int8_t rat[4] = { 0 };
  uint64_t n_new = 0;                            /* new symbols decoded */
  std::vector<std::unique_ptr<bitmap>> fresh;   /* kept: the new symbols (null: poppler's is null) */
  const char *why = nullptr;

  dict_decoder(pdf_jbig2_symbols *o, const std::vector<const pdf_jbig2_symbols *> &in, uint64_t mo, uint64_t bu,
               const unsigned char *p, const unsigned char *end)
    : out(o), inputs(in), max_one(mo), budget(bu), src{ p, end }
  {
    for (const pdf_jbig2_symbols *d : inputs)
      n_input += d->n_exported;
  }

  /* Past its data poppler reads the next segment's bytes (the caller
   * refuses a dictionary read more than 2 bytes past its end); past its
   * arithmetic data's end marker it decodes on without reading, from 1
   * bits, for as long as the integers decoded take (forever, where they
   * make no symbol): after 4 kB of those this pass stops (unknown). */
  bool ended() const { return src.overread > 2 || mq.stalls > (1u << 12) || mq.after_marker > (1u << 20); }

  bool stop(const char *reason)
  {
    why = reason;
    return false;
  }

  /* Symbol `id` (poppler's bitmaps[id]): *found false where poppler's is
   * null, NULL with `why` set where this pass does not have it. */
  const bitmap *symbol(uint64_t id, bool *found)
  {
    *found = true;
    if (id >= n_input) {
      const bitmap *b = id - n_input < fresh.size() ? fresh[id - n_input].get() : nullptr;
      *found = b != nullptr;
      return b;
    }
    for (const pdf_jbig2_symbols *d : inputs) {
      if (id < d->n_exported) {
        if (!d->known || id >= d->exported.size()) {
          stop("symbols of a dictionary not sized (or of more than a million symbols)");
          return nullptr;
        }
        return &d->exported[id];
      }
      id -= d->n_exported;
    }
    return nullptr;
  }

  /* An integer: poppler's decodeInt(), false for OOB (*v as it was). */
  bool integer(std::vector<uint8_t> &stats, const huff_line *table, int32_t *v)
  {
    return huff ? bits.decode(table, v) : mq.integer(stats.data(), v);
  }

  /* A symbol w x h refined from `ref` at (dx, dy) into *b, counted first;
   * b stays empty where poppler's bitmap is null. */
  bool refined(int64_t w, int64_t h, const bitmap &ref, int64_t dx, int64_t dy, std::unique_ptr<bitmap> *b,
               bool symbol)
  {
    if (!valid(w, h))
      return true;
    if (!ref.known)
      return stop("refinement of an MMR-coded symbol (or one composed of them)");
    if (!symbol && !count(out, (uint64_t)w, (uint64_t)h, max_one, budget, false))
      return false;
    *b = std::make_unique<bitmap>();
    make(**b, w, h);
    refine(mq, gr, rtmpl, rat, **b, ref, dx, dy);
    return true;
  }

  /* The symbol of w x h composed of `instances` others, each perhaps
   * refined (T.88 6.5.8.2.2: a text region of one strip, top left,
   * OR-composed, with the tables of Table 17), into *b: poppler's
   * readTextRegion(). */
  bool aggregate(int32_t w, int32_t h, uint32_t instances, uint64_t n_syms, std::unique_ptr<bitmap> *b)
  {
    bitmap region;
    if (!make(region, w, h))
      return false;
    bool content = true;   /* every instance's pixels known */
    int32_t t = 0, dt = 0, ds = 0, s_first = 0, ri = 0;
    integer(iadt, table_k, &t);
    if (t == INT_MIN)
      return false;
    t = -t;
    for (uint32_t inst = 0; inst < instances && !ended();) {
      integer(iadt, table_k, &dt);
      t = wrap((int64_t)t + dt);
      integer(iafs, table_f, &ds);
      if (!add(s_first, ds, &s_first))
        return false;
      int32_t s = s_first;
      while (inst < instances && !ended()) {
        dt = 0;
        int32_t tt = t;
        uint32_t id = huff ? (uint32_t)bits.bits((int)code_len) : mq.iaid(iaid, code_len);
        if (id >= n_syms) {
          if (instances - inst > 0x800)
            return false;
        } else {
          if (huff)
            ri = (int32_t)bits.bit();
          else
            mq.integer(iari.data(), &ri);
          bool found;
          const bitmap *sym = symbol(id, &found);
          if (!sym && why)
            return false;
          std::unique_ptr<bitmap> own;
          if (ri) {
            int32_t rdw = 0, rdh = 0, rdx = 0, rdy = 0, size = 0, dy;
            bool ok = integer(iardw, table_o, &rdw) && integer(iardh, table_o, &rdh) &&
                      integer(iardx, table_o, &rdx) && integer(iardy, table_o, &rdy) &&
                      (!huff || bits.decode(table_a, &size));
            if (huff) {
              bits.align();
              mq.start();
            }
            if (!ok || !found)
              return false;
            int32_t dx = wrap((int64_t)((rdw >= 0 ? rdw : wrap((int64_t)rdw - 1)) / 2) + rdx);
            if (!add((rdh >= 0 ? rdh : wrap((int64_t)rdh - 1)) / 2, rdy, &dy))
              return false;
            if (!refined(wrap((int64_t)rdw + sym->w), wrap((int64_t)rdh + sym->h), *sym, dx, dy, &own, false))
              return false;
            if (!own)
              return false;
            sym = own.get();
          } else if (!found) {
            return false;
          }
          if (sym->h == 0 || tt > 2 * (int64_t)region.h)
            return false;
          content = content && sym->known;
          /* composing costs poppler a byte of each of the symbol's rows in the region */
          out->total += (uint64_t)std::min(sym->h, region.h) * ((uint64_t)std::min(sym->w, region.w) / 8 + 1);
          if (out->total > budget)
            return count(out, (uint64_t)sym->w, (uint64_t)sym->h, max_one, budget, false);
          compose(region, *sym, s, tt);
          s = wrap((int64_t)s + (uint32_t)(sym->w - 1));
        }
        inst++;
        if (!integer(iads, table_h, &ds))
          break;
        if (!add(s, ds, &s))
          return false;
      }
    }
    region.known = content;
    *b = std::make_unique<bitmap>(std::move(region));
    return true;
  }
};

/* pdf_jbig2_symbol_sizes() but `failed`: each stop that is not over a
 * limit and not where this pass cannot follow (`why`) is where poppler
 * fails the dictionary. */
void decode_dict(const unsigned char *data, size_t len, const std::vector<const pdf_jbig2_symbols *> &inputs,
                 uint64_t max_one, uint64_t budget, const std::vector<const std::vector<unsigned char> *> &tables,
                 pdf_jbig2_symbols *out)
{
  if (len < 2)
    return;
  unsigned flags = (unsigned)data[0] << 8 | data[1];
  bool huff = flags & 1, refagg = flags & 2, ctx_used = flags & 0x100, ctx_retained = flags & 0x200;
  int tmpl = (int)((flags >> 10) & 3);
  size_t off = 2;
  int8_t at[8] = { 0 }, rat[4] = { 0 };
  if (!huff) {
    size_t n_at = tmpl == 0 ? 8 : 2;
    if (len < off + n_at)
      return;
    std::memcpy(at, data + off, n_at);
    off += n_at;
  }
  if (refagg && !(flags & 0x1000)) {
    if (len < off + 4)
      return;
    std::memcpy(rat, data + off, 4);
    off += 4;
  }
  if (len < off + 8)
    return;
  uint64_t exported = 0, fresh = 0;
  for (int k = 0; k < 4; k++)
    exported = exported << 8 | data[off + k];
  for (int k = 4; k < 8; k++)
    fresh = fresh << 8 | data[off + k];
  off += 8;
  out->n_exported = exported;
  unsigned dh_table = (flags >> 2) & 3, dw_table = (flags >> 4) & 3;
  /* the custom ones (values 2 and 3, as poppler reads them) in the order of
   * the code tables referred to: height, width, collective bitmap size,
   * aggregate instances */
  const huff_line *tdh = dh_table == 1 ? table_e : table_d, *tdw = dw_table == 1 ? table_c : table_b, *tbm = table_a,
                  *tai = table_a;
  std::vector<huff_line> custom[4];
  size_t n_custom = 0;
  bool tables_read = true, missing = false;
  auto take = [&](const huff_line **t) {
    std::vector<huff_line> &c = custom[n_custom];
    if (n_custom >= tables.size())
      missing = true;
    else if (custom_table(*tables[n_custom], c))
      *t = c.data();
    else
      tables_read = false;
    n_custom++;
  };
  if (huff && dh_table >= 2)
    take(&tdh);
  if (huff && dw_table >= 2)
    take(&tdw);
  if (huff && (flags & 0x40))
    take(&tbm);
  if (huff && (flags & 0x80))
    take(&tai);
  /* poppler fails a dictionary referring to one it failed (it has no such
   * segment) or missing a code table */
  for (const pdf_jbig2_symbols *d : inputs)
    if (d->failed)
      return;
  if (missing)
    return;
  const pdf_jbig2_symbols *last = inputs.empty() ? nullptr : inputs.back();
  if (!tables_read || (ctx_used && last && !last->known && (!huff || refagg))) {
    out->why = !tables_read ? "custom Huffman tables not read" : "context from a dictionary not sized";
    return;
  }
  dict_decoder dd(out, inputs, max_one, budget, data + off, data + len);
  struct on_exit {
    pdf_jbig2_symbols *o;
    const source &s;
    ~on_exit() { o->overread = s.overread; }
  } set_overread{ out, dd.src };
  dd.huff = huff;
  uint64_t total = dd.n_input + fresh;
  if (total > UINT32_MAX)
    return;   /* poppler fails the dictionary */
  /* symbol ids of ceil(log2(total)) bits (Huffman: at least 1) */
  unsigned code_len = huff ? 1 : 0;
  while (total > 1 && ((uint64_t)1 << code_len) < total)
    code_len++;
  dd.code_len = code_len;
  if (!huff && code_len + 1 >= 31)
    return;   /* poppler refuses the IAID contexts */
  if (!huff && code_len > 24) {
    out->why = "symbol codes over 24 bits";
    return;
  }
  dd.gb.assign((size_t)1 << (tmpl == 0 ? 16 : tmpl == 1 ? 13 : 10), 0);
  /* poppler starts from the other's contexts when they are as many */
  if (!huff && ctx_used && last && last->retained.size() == dd.gb.size())
    dd.gb = last->retained;
  dd.rtmpl = (flags & 0x1000) ? 1 : 0;
  std::memcpy(dd.rat, rat, sizeof rat);
  if (refagg) {
    dd.gr.assign((size_t)1 << (dd.rtmpl ? 10 : 13), 0);
    if (ctx_used && last && last->retained_refinement.size() == dd.gr.size())
      dd.gr = last->retained_refinement;
  }
  if (!huff)
    dd.mq.start();
  /* the symbols are kept for the ones that refine them, in this dictionary
   * or a later one, up to a million (past that a refinement of them stays
   * unknown) */
  bool keep = total <= kept_symbols;
  if (!keep && refagg) {
    out->why = "refinement/aggregate coding of more than a million symbols";
    return;
  }
  if (keep)
    dd.fresh.reserve((size_t)fresh);
  uint32_t height = 0;
  int32_t dh = 0, rdx = 0, rdy = 0;
  bool decoded = true;
  while (dd.n_new < fresh && decoded && !dd.ended()) {
    dd.integer(dd.iadh, tdh, &dh);   /* poppler does not check it: OOB leaves the last */
    if ((dh < 0 && (uint32_t)-(int64_t)dh >= height) || (height += (uint32_t)dh) > 0x40000000)
      return;   /* poppler fails the dictionary here */
    uint32_t width = 0, class_width = 0;
    size_t first = dd.fresh.size();
    while (!dd.ended()) {
      int32_t dw;
      if (!dd.integer(dd.iadw, tdw, &dw))
        break;
      if ((dw < 0 && (uint32_t)-(int64_t)dw >= width) || dd.n_new >= fresh)
        return;
      width += (uint32_t)dw;
      if (!count(out, width, height, max_one, budget))
        return;
      std::unique_ptr<bitmap> b;
      if (huff && !refagg) {
        /* cut out of the collective bitmap below */
        class_width += width;
        if (keep) {
          b = std::make_unique<bitmap>();
          b->w = (int32_t)width;
        }
      } else if (refagg) {
        int32_t instances;
        if (!dd.integer(dd.iaai, tai, &instances))
          break;
        if (instances == 1) {
          uint32_t id;
          if (huff) {
            int32_t size;
            id = (uint32_t)dd.bits.bits((int)code_len);
            dd.bits.decode(table_o, &rdx);
            dd.bits.decode(table_o, &rdy);
            dd.bits.decode(table_a, &size);
            dd.bits.align();
            dd.mq.start();
          } else {
            id = dd.mq.iaid(dd.iaid, code_len);
            dd.mq.integer(dd.iardx.data(), &rdx);
            dd.mq.integer(dd.iardy.data(), &rdy);
          }
          bool found;
          const bitmap *ref = id < dd.n_input + dd.n_new ? dd.symbol(id, &found) : nullptr;
          if (!ref) {
            decoded = false;
            break;
          }
          if (!dd.refined((int32_t)width, (int32_t)height, *ref, rdx, rdy, &b, true)) {
            decoded = false;
            break;
          }
        } else if (!dd.aggregate((int32_t)width, (int32_t)height, (uint32_t)instances,
                                 dd.n_input + dd.n_new, &b)) {
          decoded = false;
          break;
        }
      } else {
        bitmap g;
        if (!make(g, (int32_t)width, (int32_t)height))
          return;
        generic(dd.mq, dd.gb, tmpl, at, g);
        if (keep)
          b = std::make_unique<bitmap>(std::move(g));
      }
      dd.n_new++;
      if (keep)
        dd.fresh.push_back(std::move(b));
    }
    if (!decoded || !huff || refagg)
      continue;
    /* the height class's collective bitmap, which poppler allocates and
     * decodes before cutting the symbols out of it: as many pixels again */
    int32_t size = 0;
    dd.bits.decode(tbm, &size);
    dd.bits.align();
    if (!valid((int32_t)class_width, (int32_t)height) || !count(out, class_width, height, UINT64_MAX, budget, false))
      return;
    bitmap coll;
    coll.w = (int32_t)class_width;
    coll.h = (int32_t)height;
    coll.known = size == 0 && keep;
    if (size == 0) {
      size_t bytes = (size_t)coll.h * row_bytes(coll);
      if ((size_t)(dd.src.end - dd.src.p) < bytes) {
        out->why = "a collective bitmap past the data's end";
        return;
      }
      if (coll.known)
        coll.data.assign(dd.src.p, dd.src.p + bytes);
      dd.src.p += bytes;
    } else if (!dd.bits.skip_bytes((uint32_t)size)) {
      out->why = "a collective bitmap past the data's end";
      return;
    }
    int64_t x = 0;
    for (size_t k = first; k < dd.fresh.size(); k++) {
      int64_t w = dd.fresh[k]->w;
      bitmap &slice = *dd.fresh[k];
      if (!valid(w, height)) {
        dd.fresh[k].reset();
      } else if (!coll.known) {
        slice.h = (int32_t)height;
        slice.known = false;
      } else {
        make(slice, w, height);
        for (int64_t yy = 0; yy < slice.h; yy++)
          for (int64_t xx = 0; xx < w; xx++)
            if (pixel(coll, x + xx, yy))
              set_pixel(slice, xx, yy);
      }
      x += w;
    }
  }
  if (!decoded) {
    out->why = dd.why;
    return;
  }
  if (dd.n_new < fresh) {
    out->why = "symbols past the data's end";
    return;
  }
  /* the exported symbols: runs of not exported, exported, ... */
  uint64_t i = 0, ex = 0;
  bool flag = false;
  int32_t run = 0;
  /* poppler loops as long as the runs are 0 */
  for (uint64_t zero = 0; i < total && zero < 64 && !dd.ended(); flag = !flag) {
    if (huff)
      dd.bits.decode(table_a, &run);
    else
      dd.mq.integer(dd.iaex.data(), &run);
    if (run < 0 || (uint64_t)run > total - i || (flag && ex + (uint64_t)run > exported))
      return;
    zero = run ? 0 : zero + 1;
    for (int32_t k = 0; flag && k < run && keep; k++) {
      /* poppler copies each (an empty bitmap for a null one) */
      bool found;
      const bitmap *b = dd.symbol(i + (uint64_t)k, &found);
      if (!b && found) {
        out->why = dd.why;   /* re-exports symbols of a dictionary not sized */
        out->exported.clear();
        return;
      }
      out->exported.push_back(b ? *b : bitmap{});
      /* a text region may place it, however it came here */
      out->largest = std::max(out->largest, b ? (uint64_t)b->w * (uint64_t)b->h : 0);
    }
    ex += flag ? (uint64_t)run : 0;
    i += (uint64_t)run;
  }
  if (i < total || ex != exported) {
    if (i < total)
      out->why = "exported symbols past the data's end";
    out->exported.clear();
    return;
  }
  if (!huff && ctx_retained) {
    out->retained = std::move(dd.gb);
    if (refagg)
      out->retained_refinement = std::move(dd.gr);
  }
  out->known = true;
}

} // namespace

void pdf_jbig2_symbol_sizes(const unsigned char *data, size_t len, const std::vector<const pdf_jbig2_symbols *> &inputs,
                            uint64_t max_one, uint64_t budget,
                            const std::vector<const std::vector<unsigned char> *> &tables, pdf_jbig2_symbols *out)
{
  *out = pdf_jbig2_symbols{};
  decode_dict(data, len, inputs, max_one, budget, tables, out);
  out->failed = !out->known && !out->over && !out->why;
}
