/* Bounds on a PDF's work: the sizes of a JBIG2 symbol dictionary's symbols
 * (see limits.h). A symbol dictionary's header gives only how many symbols
 * it holds; each one's height (by height class) and width are integers in
 * its coded data, between the symbols' bitmaps, and poppler allocates and
 * decodes a bitmap of that size for each (a few bytes can declare one of
 * 46000 x 46000 pixels, 264 MB, every one kept until the page ends). So the
 * data is decoded here as poppler will decode it, symbol by symbol, and
 * each symbol's size is counted before its bitmap is decoded: decoding stops
 * at the first symbol past the budget, so this pass costs no more than the
 * budget allows. The bitmaps are decoded (their arithmetic-coded bits carry
 * the next symbol's width) into a few rows, never kept.
 *
 * Decoded: arithmetic coding with generic templates 0-3 and their AT pixels,
 * its contexts carried over from the last dictionary referred to (as
 * poppler: when that one retained them and they are of the same template),
 * and Huffman coding with the standard tables (B.1-B.5) or custom ones
 * (code table segments referred to) and collective bitmaps (skipped: their
 * size is in the data). Not decoded (the sizes stay unknown, `known`
 * false): refinement/aggregate coding, contexts carried over from a
 * dictionary not sized, and custom tables missing or cut short. */
#include "extract/limits.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace {

/* The MQ arithmetic decoder (T.88 Annex E, the software conventions) over
 * data[0, len); past the end it reads 0xFF, as a marker reads. */
struct mq_decoder {
  const unsigned char *p, *end;
  size_t overread = 0;   /* bytes read past the end */
  uint32_t buf0 = 0, buf1 = 0, c = 0, a = 0;
  int ct = 0;

  static const uint32_t qe[47];
  static const uint8_t nmps[47], nlps[47], swtch[47];

  uint32_t byte()
  {
    if (p < end)
      return *p++;
    overread++;
    return 0xFF;
  }

  void byte_in()
  {
    if (buf0 == 0xFF && buf1 > 0x8F) {
      ct = 8;
    } else if (buf0 == 0xFF) {
      buf0 = buf1;
      buf1 = byte();
      c = c + 0xFE00 - (buf0 << 9);
      ct = 7;
    } else {
      buf0 = buf1;
      buf1 = byte();
      c = c + 0xFF00 - (buf0 << 8);
      ct = 8;
    }
  }

  void start()
  {
    buf0 = byte();
    buf1 = byte();
    c = (buf0 ^ 0xFF) << 16;
    byte_in();
    c <<= 7;
    ct -= 7;
    a = 0x80000000u;
  }

  /* One bit in the context whose state is *cx (index << 1 | MPS). */
  int bit(uint8_t *cx)
  {
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
   * false for OOB. */
  bool integer(uint8_t *stats, int64_t *out)
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
    uint64_t s = next(), v;
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
    if (s && v == 0)
      return false;
    /* poppler keeps it in an int */
    int32_t x = (int32_t)(uint32_t)v;
    *out = s ? -(int64_t)x : (int64_t)x;
    return true;
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

/* A generic region's pixels (T.88 6.2.5.7, no typical prediction: symbol
 * bitmaps have none) decoded with template `tmpl` and its AT pixels
 * at[0, 2 * n) (x, y pairs), in `stats`, into a ring of rows. */
void generic(mq_decoder &d, std::vector<uint8_t> &stats, int tmpl, const int8_t *at, int64_t w, int64_t h)
{
  int n_at = tmpl == 0 ? 4 : 1;
  int64_t back = 2;
  for (int k = 0; k < n_at; k++)
    back = std::max<int64_t>(back, -(int64_t)at[2 * k + 1]);
  int64_t rows = std::min<int64_t>(h, back + 1);
  std::vector<uint8_t> ring((size_t)(rows * w));
  for (int64_t y = 0; y < h; y++) {
    uint8_t *row = &ring[(size_t)((y % rows) * w)];
    std::memset(row, 0, (size_t)w);
    auto px = [&](int64_t x, int64_t dx, int64_t dy) -> uint32_t {
      int64_t xx = x + dx, yy = y + dy;
      if (xx < 0 || xx >= w || yy < 0)
        return 0;
      return ring[(size_t)((yy % rows) * w + xx)];
    };
    for (int64_t x = 0; x < w; x++) {
      uint32_t cx;
      switch (tmpl) {
      case 0:
        cx = px(x, -1, -2) << 15 | px(x, 0, -2) << 14 | px(x, 1, -2) << 13 | px(x, -2, -1) << 12 |
             px(x, -1, -1) << 11 | px(x, 0, -1) << 10 | px(x, 1, -1) << 9 | px(x, 2, -1) << 8 | px(x, -4, 0) << 7 |
             px(x, -3, 0) << 6 | px(x, -2, 0) << 5 | px(x, -1, 0) << 4 | px(x, at[0], at[1]) << 3 |
             px(x, at[2], at[3]) << 2 | px(x, at[4], at[5]) << 1 | px(x, at[6], at[7]);
        break;
      case 1:
        cx = px(x, -1, -2) << 12 | px(x, 0, -2) << 11 | px(x, 1, -2) << 10 | px(x, 2, -2) << 9 |
             px(x, -2, -1) << 8 | px(x, -1, -1) << 7 | px(x, 0, -1) << 6 | px(x, 1, -1) << 5 | px(x, 2, -1) << 4 |
             px(x, -3, 0) << 3 | px(x, -2, 0) << 2 | px(x, -1, 0) << 1 | px(x, at[0], at[1]);
        break;
      case 2:
        cx = px(x, -1, -2) << 9 | px(x, 0, -2) << 8 | px(x, 1, -2) << 7 | px(x, -2, -1) << 6 | px(x, -1, -1) << 5 |
             px(x, 0, -1) << 4 | px(x, 1, -1) << 3 | px(x, -2, 0) << 2 | px(x, -1, 0) << 1 | px(x, at[0], at[1]);
        break;
      default:
        cx = px(x, -3, -1) << 9 | px(x, -2, -1) << 8 | px(x, -1, -1) << 7 | px(x, 0, -1) << 6 | px(x, 1, -1) << 5 |
             px(x, -4, 0) << 4 | px(x, -3, 0) << 3 | px(x, -2, 0) << 2 | px(x, -1, 0) << 1 | px(x, at[0], at[1]);
        break;
      }
      row[x] = (uint8_t)d.bit(&stats[cx]);
    }
  }
}

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
const huff_line table_c[] = { { 0, 1, 0, 0x0 },     { 1, 2, 0, 0x2 },     { 2, 3, 0, 0x6 },    { 3, 4, 3, 0xe },
                              { 11, 5, 6, 0x1e },   { 0, 6, -1, 0x3e },   { 75, 7, 32, 0x7e }, { -256, 8, 8, 0xfe },
                              { -257, 8, -2, 0xff }, { 0, 0, 0, 0 } };
const huff_line table_d[] = { { 1, 1, 0, 0x0 },   { 2, 2, 0, 0x2 },   { 3, 3, 0, 0x6 }, { 4, 4, 3, 0xe },
                              { 12, 5, 6, 0x1e }, { 76, 5, 32, 0x1f }, { 0, 0, 0, 0 } };
const huff_line table_e[] = { { 1, 1, 0, 0x0 },     { 2, 2, 0, 0x2 },     { 3, 3, 0, 0x6 },
                              { 4, 4, 3, 0xe },     { 12, 5, 6, 0x1e },   { 76, 6, 32, 0x3e },
                              { -255, 7, 8, 0x7e }, { -256, 7, -2, 0x7f }, { 0, 0, 0, 0 } };

/* Huffman-coded bits of data[0, len), most significant first; past the end
 * it reads what poppler's stream gives there (EOF, all ones). */
struct bit_reader {
  const unsigned char *p, *end;
  uint32_t buf = 0;
  int left = 0;
  size_t overread = 0;

  uint32_t bit()
  {
    if (left == 0) {
      if (p < end) {
        buf = *p++;
      } else {
        buf = 0xFF;
        overread++;
      }
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

  /* false for OOB or no line matching */
  bool decode(const huff_line *t, int64_t *out)
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
      if (t->range == -2)
        *out = t->low - (int64_t)bits(32);
      else
        *out = t->low + (int64_t)bits(t->range);
      /* poppler keeps it in an int */
      *out = (int64_t)(int32_t)(uint32_t)(uint64_t)*out;
      return true;
    }
    return false;
  }

  /* skips to the next byte, then n bytes */
  bool skip_bytes(uint64_t n)
  {
    left = 0;
    if ((uint64_t)(end - p) < n)
      return false;
    p += n;
    return true;
  }
};

/* A custom Huffman table from a code table segment's data (T.88 7.4.13,
 * B.2) into t, its prefixes assigned as poppler's buildTable() does (B.3:
 * lines by prefix length, in their order within one, lines of no prefix
 * left out); false when the data ends before the table does, or for a
 * table past what this pass reads (prefixes over 31 bits, 65536 lines). */
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
  bit_reader b{ seg.data() + 9, seg.data() + seg.size() };
  std::vector<huff_line> lines;
  for (int64_t cur = low; cur < high && !b.overread;) {
    if (lines.size() == 65536)
      return false;
    int len = (int)b.bits(ps), range = (int)b.bits(rs);
    lines.push_back(huff_line{ cur, len, range, 0 });
    cur += (int64_t)1 << range;
  }
  lines.push_back(huff_line{ low - 1, (int)b.bits(ps), -2, 0 });
  lines.push_back(huff_line{ high, (int)b.bits(ps), 32, 0 });
  if (flags & 1)
    lines.push_back(huff_line{ 0, (int)b.bits(ps), -1, 0 });
  if (b.overread)
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

/* Counts one symbol (or, not `symbol`, a collective bitmap) of w x h
 * against the limits: false when it passes one. */
bool count(pdf_jbig2_symbols *out, uint64_t w, uint64_t h, uint64_t max_one, uint64_t budget, bool symbol = true)
{
  uint64_t px = w && h > UINT64_MAX / w ? UINT64_MAX : w * h;
  if (symbol)
    out->largest = std::max(out->largest, px);
  /* each symbol costs poppler its own allocation and decoding, however small */
  out->total += std::max<uint64_t>(px, 1);
  if (px > max_one || out->total > budget) {
    out->over = true;
    out->over_w = w;
    out->over_h = h;
    return false;
  }
  return true;
}

} // namespace

void pdf_jbig2_symbol_sizes(const unsigned char *data, size_t len, uint64_t n_input, uint64_t max_one,
                            uint64_t budget, const std::vector<uint8_t> *context,
                            const std::vector<const std::vector<unsigned char> *> &tables, pdf_jbig2_symbols *out)
{
  *out = pdf_jbig2_symbols{};
  if (len < 2)
    return;
  unsigned flags = (unsigned)data[0] << 8 | data[1];
  bool huff = flags & 1, refagg = flags & 2, ctx_used = flags & 0x100, ctx_retained = flags & 0x200;
  int tmpl = (int)((flags >> 10) & 3);
  size_t off = 2;
  int8_t at[8] = { 0 };
  if (!huff) {
    size_t n_at = tmpl == 0 ? 8 : 2;
    if (len < off + n_at)
      return;
    std::memcpy(at, data + off, n_at);
    off += n_at;
  }
  if (refagg && !(flags & 0x1000))
    off += 4;
  if (len < off + 8)
    return;
  uint64_t exported = 0, fresh = 0;
  for (int k = 0; k < 4; k++)
    exported = exported << 8 | data[off + k];
  for (int k = 4; k < 8; k++)
    fresh = fresh << 8 | data[off + k];
  off += 8;
  unsigned dh_table = (flags >> 2) & 3, dw_table = (flags >> 4) & 3;
  /* the custom ones (values 2 and 3, as poppler reads them) in the order of
   * the code tables referred to: height, width, collective bitmap size */
  const huff_line *tdh = dh_table == 1 ? table_e : table_d, *tdw = dw_table == 1 ? table_c : table_b, *tbm = table_a;
  std::vector<huff_line> custom[3];
  size_t n_custom = 0;
  bool tables_read = true;
  auto take = [&](const huff_line **t) {
    std::vector<huff_line> &c = custom[n_custom];
    if (n_custom < tables.size() && custom_table(*tables[n_custom], c))
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
  if (refagg || (!huff && ctx_used && !context) || !tables_read) {
    out->why = refagg ? "refinement/aggregate" : !huff ? "context from a dictionary not sized" : "custom Huffman tables not read";
    return;
  }
  const unsigned char *p = data + off, *end = data + len;
  uint64_t total = n_input + fresh, ex = 0, i = 0;
  bool flag = false;
  int64_t height = 0;
  uint64_t decoded = 0;
  if (!huff) {
    mq_decoder d{ p, end };
    d.start();
    std::vector<uint8_t> gb((size_t)1 << (tmpl == 0 ? 16 : tmpl == 1 ? 13 : 10)), iadh(512), iadw(512), iaex(512);
    /* poppler starts from the other's contexts when they are as many */
    if (ctx_used && context->size() == gb.size())
      gb = *context;
    while (decoded < fresh) {
      int64_t dh, dw, width = 0;
      if (!d.integer(iadh.data(), &dh) || (height += dh) < 0 || height > 0x40000000)
        return;   /* poppler fails the dictionary here */
      while (d.integer(iadw.data(), &dw)) {
        if (decoded >= fresh || (width += dw) < 0 || width > 0x40000000)
          return;
        if (!count(out, (uint64_t)width, (uint64_t)height, max_one, budget))
          return;
        generic(d, gb, tmpl, at, width, height);
        decoded++;
      }
    }
    for (; i < total; flag = !flag) {
      int64_t run;
      if (!d.integer(iaex.data(), &run) || run < 0 || (uint64_t)run > total - i)
        return;
      ex += flag ? (uint64_t)run : 0;
      i += (uint64_t)run;
    }
    out->overread = d.overread;
    if (ctx_retained && ex == exported)
      out->retained = std::move(gb);
  } else {
    bit_reader b{ p, end };
    while (decoded < fresh) {
      int64_t dh, dw, width = 0;
      uint64_t class_width = 0, first = decoded;
      if (!b.decode(tdh, &dh) || (height += dh) < 0 || height > 0x40000000)
        return;
      while (b.decode(tdw, &dw)) {
        if (decoded >= fresh || (width += dw) < 0 || width > 0x40000000)
          return;
        if (!count(out, (uint64_t)width, (uint64_t)height, max_one, budget))
          return;
        class_width += (uint64_t)width;
        decoded++;
      }
      if (decoded == first)
        continue;
      /* the height class's collective bitmap, which poppler allocates and
       * decodes before cutting the symbols out of it: as many pixels again */
      int64_t size;
      if (!b.decode(tbm, &size) || size < 0 ||
          !count(out, class_width, (uint64_t)height, UINT64_MAX, budget, false))
        return;
      uint64_t bytes = size ? (uint64_t)size : (uint64_t)height * ((class_width + 7) / 8);
      if (!b.skip_bytes(bytes))
        return;
    }
    for (; i < total; flag = !flag) {
      int64_t run;
      if (!b.decode(table_a, &run) || run < 0 || (uint64_t)run > total - i)
        return;
      ex += flag ? (uint64_t)run : 0;
      i += (uint64_t)run;
    }
    out->overread = b.overread;
  }
  out->known = ex == exported;
}
