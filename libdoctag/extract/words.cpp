/* The words of a page from poppler-cpp (see words.h for why not poppler-glib).
 * No exception leaves this file: every entry point catches them. */
#include "extract/words.h"

/* poppler-glib has headers of the same names: name the directory */
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-page.h>

#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

struct words_doc {
  std::unique_ptr<poppler::document> doc;
};

words_doc *words_open(const void *data, size_t len, const char *password)
{
  if (!data || len == 0 || len > (size_t)G_MAXINT)
    return nullptr;
  try {
    std::string pw = password ? password : "";
    std::unique_ptr<poppler::document> d(
        poppler::document::load_from_raw_data(static_cast<const char *>(data), (int)len, pw, pw));
    if (!d || d->is_locked())
      return nullptr;
    words_doc *w = new words_doc;
    w->doc = std::move(d);
    return w;
  } catch (...) {
    return nullptr;
  }
}

void words_close(words_doc *d)
{
  delete d;
}

static words_box box_of(const poppler::rectf &r)
{
  return words_box { r.left(), r.top(), r.right(), r.bottom() };
}

bool words_page_get(words_doc *d, int index, bool (*legacy)(const char *font), words_page *out)
{
  *out = words_page {};
  if (!d || index < 0 || index >= d->doc->pages())
    return false;
  try {
    std::unique_ptr<poppler::page> p(d->doc->create_page(index));
    if (!p)
      return false;
    /* font names and sizes cost poppler a scan of the page's fonts */
    std::vector<poppler::text_box> list = p->text_list(legacy ? poppler::page::text_list_include_font : 0);
    std::vector<gunichar> chars;
    std::vector<words_box> boxes;
    std::vector<words_word> words;
    chars.reserve(list.size() * 6);
    boxes.reserve(list.size() * 6);
    words.reserve(list.size());
    std::unordered_map<std::string, bool> fonts;
    for (const poppler::text_box &b : list) {
      /* ustring is UTF-16; its to_utf8() opens an iconv converter for
       * every word (a tenth of the page's cost), so decode it here */
      poppler::ustring t = b.text();
      std::vector<gunichar> u;
      u.reserve(t.size());
      for (size_t i = 0; i < t.size(); i++) {
        gunichar c = t[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < t.size() && t[i + 1] >= 0xDC00 && t[i + 1] <= 0xDFFF) {
          c = 0x10000 + ((c - 0xD800) << 10) + (t[i + 1] - 0xDC00);
          i++;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
          c = 0xFFFD;
        }
        u.push_back(c);
      }
      glong n = (glong)u.size();
      if (n == 0)
        continue;
      words_word w {};
      w.first = (unsigned int)chars.size();
      w.len = (unsigned int)n;
      w.rot = (unsigned int)b.rotation() & 3;
      w.space_after = b.has_space_after();
      w.size = b.has_font_info() ? b.get_font_size() : 0;
      w.box = box_of(b.bbox());
      for (glong i = 0; i < n; i++) {
        poppler::rectf r = b.char_bbox((size_t)i);
        chars.push_back(u[i]);
        /* past the glyphs (several characters from one glyph): the word's box */
        boxes.push_back(r.width() == 0 && r.height() == 0 && r.left() == 0 ? w.box : box_of(r));
      }
      if (legacy && !out->legacy_font && b.has_font_info()) {
        std::string name = b.get_font_name(0);
        auto it = fonts.find(name);
        if (it == fonts.end())
          it = fonts.emplace(name, legacy(name.c_str())).first;
        out->legacy_font = it->second;
      }
      words.push_back(w);
    }
    out->nchars = (unsigned int)chars.size();
    out->chars = g_new(gunichar, chars.size() + 1);
    std::copy(chars.begin(), chars.end(), out->chars);
    out->chars[chars.size()] = 0;
    out->boxes = g_new(words_box, boxes.size() + 1);
    std::copy(boxes.begin(), boxes.end(), out->boxes);
    out->nwords = (unsigned int)words.size();
    out->words = g_new(words_word, words.size() + 1);
    std::copy(words.begin(), words.end(), out->words);
    return true;
  } catch (...) {
    words_page_clear(out);
    return false;
  }
}

void words_page_clear(words_page *p)
{
  g_free(p->chars);
  g_free(p->boxes);
  g_free(p->words);
  *p = words_page {};
}
