/* The words of a page from poppler's own TextOutputDev (see words.h for why
 * not poppler-glib). No exception leaves this file: every entry point
 * catches them.
 *
 * poppler's private C++ API (libpoppler-private-dev) rather than
 * poppler-cpp: poppler-cpp's text_list() builds the same TextWordList, then
 * turns every word into UTF-8, opens an iconv converter to turn that into a
 * UTF-16 ustring (a tenth of the text layer's CPU on a 200-page document),
 * and copies each word, its glyph boxes and font into heap objects. Here the
 * words' code points and glyph boxes are read where poppler keeps them.
 * The private API has no stable ABI, but Debian builds it from the same
 * source package as libpoppler, so the binary depends on that exact
 * libpoppler (shlibs) and a rebuild follows a new poppler. */
#include "extract/words.h"

/* poppler builds its word-list accessors with this; its headers hide them without it */
#define TEXTOUT_WORD_LIST 1
#include <Annot.h>
#include <Gfx.h>
#include <GlobalParams.h>
#include <Page.h>
#include <PDFDoc.h>
#include <Stream.h>
#include <TextOutputDev.h>
#include <goo/GooString.h>

#include <memory>
#include <new>
#include <optional>

namespace {
/* the document's errors reach the caller through poppler-glib's view of the
 * same bytes, opened first (pdf.c): this one stays quiet */
void quiet(ErrorCategory, Goffset, const char *) { }
}

struct words_doc {
  GlobalParamsIniter params { quiet };
  std::unique_ptr<PDFDoc> doc;
};

words_doc *words_open(const void *data, size_t len, const char *password)
{
  if (!data || len == 0 || len > (size_t)G_MAXINT)
    return nullptr;
  try {
    std::unique_ptr<words_doc> w(new words_doc);
    std::optional<GooString> pw;
    if (password)
      pw = GooString(password);
    /* the stream borrows `data`; the document owns the stream */
    auto *str = new MemStream(static_cast<const char *>(data), 0, (Goffset)len, Object(objNull));
    w->doc = std::make_unique<PDFDoc>(str, pw, pw);
    if (!w->doc->isOk())
      return nullptr;
    return w.release();
  } catch (...) {
    return nullptr;
  }
}

void words_close(words_doc *d)
{
  delete d;
}

/* A growing array of plain structs, g_malloc'd for the caller. */
template<typename T> struct grow {
  T *v = nullptr;
  size_t n = 0, cap = 0;
  void push(const T &x)
  {
    if (n == cap) {
      cap = cap ? 2 * cap : 256;
      v = g_renew(T, v, cap + 1);
    }
    v[n++] = x;
  }
};

namespace {
struct collected {
  grow<gunichar> chars;
  grow<words_box> boxes;
  grow<words_word> words;
};

/* Appends the words of `dev`'s page to `c`. */
void collect(TextOutputDev &dev, bool (*legacy)(const char *font), collected &c, words_page *out)
{
  std::unique_ptr<TextWordList> list = dev.makeWordList();
  const TextFontInfo *last_font = nullptr;
  for (int k = 0; list && k < list->getLength(); k++) {
    const TextWord *tw = list->get(k);
    int n = tw->getLength();
    if (n <= 0)
      continue;
    words_word w {};
    w.first = (unsigned int)c.chars.n;
    w.rot = (unsigned int)tw->getRotation() & 3;
    w.space_after = tw->hasSpaceAfter();
    w.size = legacy ? tw->getFontSize() : 0;
    tw->getBBox(&w.box.x1, &w.box.y1, &w.box.x2, &w.box.y2);
    for (int i = 0; i < n; i++) {
      gunichar ch = *tw->getChar(i);
      /* what poppler's UTF-8 output cannot carry: dropped, or marked */
      if (ch > 0x10FFFF)
        continue;
      if (ch >= 0xD800 && ch <= 0xDFFF)
        ch = 0xFFFD;
      words_box b;
      tw->getCharBBox(i, &b.x1, &b.y1, &b.x2, &b.y2);
      c.chars.push(ch);
      c.boxes.push(b);
    }
    w.len = (unsigned int)(c.chars.n - w.first);
    if (!w.len)
      continue;
    if (legacy && !out->legacy_font) {
      const TextFontInfo *f = tw->getFontInfo(0);
      if (f && f != last_font) {
        const GooString *name = f->getFontName();
        out->legacy_font = name && legacy(name->c_str());
        last_font = f;
      }
    }
    c.words.push(w);
  }
}

/* The page's own drawing leaves its annotations out and counts them. */
bool count_annot(Annot *, void *data)
{
  ++*static_cast<int *>(data);
  return false;
}
}

bool words_page_get(words_doc *d, int index, bool (*legacy)(const char *font), words_page *out)
{
  *out = words_page {};
  if (!d || index < 0 || index >= d->doc->getNumPages())
    return false;
  collected c;
  try {
    /* what poppler-cpp's text_list() asks for: reading order, no physical
     * layout, 72 dpi (points), the page's own rotation, the crop box */
    int annots = 0;
    {
      TextOutputDev dev(nullptr, false, 0, false, false);
      d->doc->displayPageSlice(&dev, index + 1, 72, 72, 0, false, false, false, -1, -1, -1, -1, nullptr, nullptr,
                               count_annot, &annots);
      collect(dev, legacy, c, out);
    }
    out->annot_first = (unsigned int)c.words.n;
    /* Form fields and annotations after the page's text, in their own
     * reading order: drawn as poppler draws them after the page (widget
     * appearances, made where NeedAppearances asks), but into a page of
     * their own, so that a field's value never lands inside the text
     * beside it. */
    Page *page = annots ? d->doc->getPage(index + 1) : nullptr;
    if (page) {
      TextOutputDev dev(nullptr, false, 0, false, false);
      {
        /* the Gfx starts the device's page, and ends it when deleted */
        std::unique_ptr<Gfx> gfx(page->createGfx(&dev, 72, 72, 0, false, false, -1, -1, -1, -1, false, nullptr,
                                                  nullptr, d->doc->getXRef()));
        for (Annot *a : page->getAnnots()->getAnnots())
          a->draw(gfx.get(), false);
      }
      collect(dev, legacy, c, out);
    }
  } catch (...) {
    g_free(c.chars.v);
    g_free(c.boxes.v);
    g_free(c.words.v);
    return false;
  }
  c.chars.push(0);
  out->nchars = (unsigned int)c.chars.n - 1;
  out->chars = c.chars.v;
  out->boxes = c.boxes.v ? c.boxes.v : g_new(words_box, 1);
  out->nwords = (unsigned int)c.words.n;
  out->words = c.words.v ? c.words.v : g_new(words_word, 1);
  return true;
}

void words_page_clear(words_page *p)
{
  g_free(p->chars);
  g_free(p->boxes);
  g_free(p->words);
  *p = words_page {};
}
