/* The words of each page (extract/words.cpp) when pages that name the same
 * fonts share one drawing, its fonts built once: every page reads as it
 * does when it is the only page read, whatever the page before it left
 * open (an ActualText span, optional content turned off), whatever font a
 * name stands for on each page, and a font a page does not name stays
 * unknown to it; and the fonts of the page read last are there to ask. */
#include "testutil.h"
#include "extract/words.h"

#include <glib.h>
#include <string.h>

/* ------------------------------------------------------------ PDF writer */

typedef struct pdf {
  GString *s;
  GArray *offsets;             /* of objects 1, 2, ... */
} pdf;

static pdf pdf_new(void)
{
  pdf p = { g_string_new("%PDF-1.5\n"), g_array_new(FALSE, FALSE, sizeof(gsize)) };
  return p;
}

/* Appends object number offsets->len + 1 (the caller numbers them in order). */
static void pdf_obj(pdf *p, const char *body)
{
  gsize at = p->s->len;
  g_array_append_val(p->offsets, at);
  g_string_append_printf(p->s, "%u 0 obj\n%s\nendobj\n", p->offsets->len, body);
}

static void pdf_stream(pdf *p, const char *content)
{
  char *body = g_strdup_printf("<< /Length %zu >>\nstream\n%s\nendstream", strlen(content), content);
  pdf_obj(p, body);
  g_free(body);
}

/* Ends the file (xref, trailer; object 1 is the catalog) and returns it. */
static GBytes *pdf_end(pdf *p)
{
  gsize xref = p->s->len;
  g_string_append_printf(p->s, "xref\n0 %u\n0000000000 65535 f \n", p->offsets->len + 1);
  for (guint i = 0; i < p->offsets->len; i++)
    g_string_append_printf(p->s, "%010zu 00000 n \n", g_array_index(p->offsets, gsize, i));
  g_string_append_printf(p->s, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", p->offsets->len + 1,
                         xref);
  g_array_free(p->offsets, TRUE);
  gsize len = p->s->len;
  return g_bytes_new_take(g_string_free(p->s, FALSE), len);
}

/* ------------------------------------------------------------- reading */

/* Page `index`'s words, each followed by a space, then per word its
 * direction and box rounded to a hundredth of a point: what the layout
 * reads of it. */
static char *page_words(words_doc *d, int index)
{
  words_page wp;
  assert_true(words_page_get(d, index, NULL, &wp));
  GString *text = g_string_new(NULL), *boxes = g_string_new(NULL);
  for (unsigned int k = 0; k < wp.nwords; k++) {
    const words_word *w = &wp.words[k];
    for (unsigned int i = 0; i < w->len; i++)
      g_string_append_unichar(text, wp.chars[w->first + i]);
    g_string_append_c(text, ' ');
    g_string_append_printf(boxes, "|%u %.2f %.2f %.2f %.2f", w->rot, w->box.x1, w->box.y1, w->box.x2, w->box.y2);
  }
  words_page_clear(&wp);
  g_string_append_len(text, boxes->str, (gssize)boxes->len);
  g_string_free(boxes, TRUE);
  return g_string_free(text, FALSE);
}

/* The words of each of the first `n` pages of `file`, read in order; and
 * each checked against the words of that page read alone. */
static char **read_pages(GBytes *file, int n, unsigned int *drawings)
{
  gsize len = 0;
  const void *data = g_bytes_get_data(file, &len);
  words_doc *d = words_open(data, len, NULL, NULL);
  assert_non_null(d);
  char **pages = g_new0(char *, n + 1);
  for (int i = 0; i < n; i++) {
    pages[i] = page_words(d, i);
    words_doc *alone = words_open(data, len, NULL, NULL);
    char *once = page_words(alone, i);
    if (strcmp(once, pages[i]))
      fail_msg("page %d read after the others:\n  %s\nread alone:\n  %s", i + 1, pages[i], once);
    g_free(once);
    words_close(alone);
  }
  *drawings = words_drawings_made(d);
  words_close(d);
  return pages;
}

/* Whether the words of `page` (before its boxes) hold `words`. */
static bool has_words(const char *page, const char *words)
{
  const char *bar = strchr(page, '|');
  char *text = g_strndup(page, bar ? (gsize)(bar - page) : strlen(page));
  bool found = strstr(text, words) != NULL;
  g_free(text);
  return found;
}

#define TEXT(font, y, s) "BT /" font " 12 Tf 20 " #y " Td (" s ") Tj ET\n"
#define HELVETICA "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
#define BOTH "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >>"
#define TIMES "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>"

/* Pages naming the same fonts, in any order, share one drawing. */
static void test_shared_fonts_one_drawing(void **state)
{
  (void)state;
  enum { PAGES = 6 };
  pdf p = pdf_new();
  pdf_obj(&p, "<< /Type /Catalog /Pages 2 0 R >>");
  pdf_obj(&p, "<< /Type /Pages /Kids [5 0 R 7 0 R 9 0 R 11 0 R 13 0 R 15 0 R] /Count 6 >>");
  pdf_obj(&p, HELVETICA);
  pdf_obj(&p, TIMES);
  for (int i = 0; i < PAGES; i++) {
    /* objects 5 + 2i (page) and 6 + 2i (content) */
    char *page = g_strdup_printf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents %d 0 R "
                                 "/Resources << /Font << %s >> >> >>", 6 + 2 * i,
                                 i % 2 ? "/F2 4 0 R /F1 3 0 R" : "/F1 3 0 R /F2 4 0 R");
    char *content = g_strdup_printf(TEXT("F1", 150, "page %d in sans") TEXT("F2", 100, "and %d in serif"), i + 1, i + 1);
    pdf_obj(&p, page);
    pdf_stream(&p, content);
    g_free(page);
    g_free(content);
  }
  GBytes *file = pdf_end(&p);
  unsigned int drawings = 0;
  char **pages = read_pages(file, PAGES, &drawings);
  for (int i = 0; i < PAGES; i++) {
    char *sans = g_strdup_printf("page %d in sans", i + 1), *serif = g_strdup_printf("and %d in serif", i + 1);
    assert_true(has_words(pages[i], sans));
    assert_true(has_words(pages[i], serif));
    g_free(sans);
    g_free(serif);
  }
  assert_int_equal(drawings, 1);
  g_strfreev(pages);
  g_bytes_unref(file);
}

/* What a page leaves open, or names differently, does not reach the next. */
static void test_pages_read_as_alone(void **state)
{
  (void)state;
  pdf p = pdf_new();
  pdf_obj(&p, "<< /Type /Catalog /Pages 2 0 R >>");
  pdf_obj(&p, "<< /Type /Pages /Kids [6 0 R 8 0 R 10 0 R 12 0 R 14 0 R 16 0 R 18 0 R 20 0 R] /Count 8 >>");
  pdf_obj(&p, HELVETICA);
  pdf_obj(&p, TIMES);
  /* 5: Helvetica whose a and b print as x and y */
  pdf_obj(&p, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
              "/BaseEncoding /WinAnsiEncoding /Differences [97 /x /y] >> >>");
  static const struct {
    const char *page, *content;
  } pages[] = {
    /* an ActualText span left open: the device holds back what follows */
    { "/MediaBox [0 0 300 200] " BOTH,
      TEXT("F1", 150, "first page") "/Span << /ActualText (replaced) >> BDC\n" TEXT("F1", 100, "spanned") },
    { "/MediaBox [0 0 300 200] " BOTH, TEXT("F1", 150, "second page") TEXT("F2", 100, "in serif") },
    /* F1 is another font here */
    { "/MediaBox [0 0 300 200] /Resources << /Font << /F1 5 0 R >> >>", TEXT("F1", 150, "abc") },
    /* F2 is not this page's: poppler draws none of its text */
    { "/MediaBox [0 0 300 200] /Resources << /Font << /F1 3 0 R >> >>",
      TEXT("F1", 150, "fourth band") TEXT("F2", 100, "orphan") },
    { "/MediaBox [0 0 300 200] /Rotate 90 " BOTH, TEXT("F1", 150, "fifth turned") },
    { "/MediaBox [0 0 400 400] " BOTH, TEXT("F1", 350, "sixth larger") },
    /* a graphics state left saved, inside a scaled one */
    { "/MediaBox [0 0 300 200] " BOTH, "q 2 0 0 2 0 0 cm q\n" TEXT("F1", 50, "seventh") },
    { "/MediaBox [0 0 300 200] " BOTH, TEXT("F1", 150, "eighth page") },
  };
  enum { PAGES = G_N_ELEMENTS(pages) };
  for (int i = 0; i < PAGES; i++) {
    char *page = g_strdup_printf("<< /Type /Page /Parent 2 0 R /Contents %d 0 R %s >>", 7 + 2 * i, pages[i].page);
    pdf_obj(&p, page);
    pdf_stream(&p, pages[i].content);
    g_free(page);
  }
  GBytes *file = pdf_end(&p);
  unsigned int drawings = 0;
  char **got = read_pages(file, PAGES, &drawings);
  assert_true(has_words(got[0], "first page"));
  assert_false(has_words(got[0], "spanned"));
  assert_true(has_words(got[1], "second page"));
  assert_true(has_words(got[1], "in serif"));
  assert_true(has_words(got[2], "xyc"));
  assert_true(has_words(got[3], "fourth band"));
  assert_false(has_words(got[3], "orphan"));
  assert_true(has_words(got[4], "fifth turned"));
  assert_true(has_words(got[5], "sixth larger"));
  assert_true(has_words(got[6], "seventh"));
  assert_true(has_words(got[7], "eighth page"));
  assert_true(drawings >= 2);
  g_strfreev(got);
  g_bytes_unref(file);
}

/* Optional content left turned off at a page's end hides nothing of the
 * next page. */
static void test_optional_content_page_by_page(void **state)
{
  (void)state;
  pdf p = pdf_new();
  pdf_obj(&p, "<< /Type /Catalog /Pages 2 0 R /OCProperties << /OCGs [4 0 R] /D << /OFF [4 0 R] >> >> >>");
  pdf_obj(&p, "<< /Type /Pages /Kids [5 0 R 7 0 R] /Count 2 >>");
  pdf_obj(&p, HELVETICA);
  pdf_obj(&p, "<< /Type /OCG /Name (hidden layer) >>");
  const char *res = "/Resources << /Font << /F1 3 0 R >> /Properties << /oc1 4 0 R >> >>";
  char *page = g_strdup_printf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 6 0 R %s >>", res);
  pdf_obj(&p, page);
  pdf_stream(&p, TEXT("F1", 150, "first page") "/OC /oc1 BDC\n" TEXT("F1", 100, "layer text"));
  g_free(page);
  page = g_strdup_printf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 8 0 R %s >>", res);
  pdf_obj(&p, page);
  pdf_stream(&p, TEXT("F1", 150, "second page"));
  g_free(page);
  GBytes *file = pdf_end(&p);
  unsigned int drawings = 0;
  char **got = read_pages(file, 2, &drawings);
  assert_true(has_words(got[0], "first page"));
  assert_false(has_words(got[0], "layer text"));
  assert_true(has_words(got[1], "second page"));
  assert_int_equal(drawings, 0);
  g_strfreev(got);
  g_bytes_unref(file);
}

static bool times_font(const char *font)
{
  return !strcmp(font, "Times-Roman");
}

/* Font sizes and legacy fonts asked for after a page was read come from
 * that drawing, the same as asking while reading it. */
static void test_fonts_of_the_page_read(void **state)
{
  (void)state;
  pdf p = pdf_new();
  pdf_obj(&p, "<< /Type /Catalog /Pages 2 0 R >>");
  pdf_obj(&p, "<< /Type /Pages /Kids [5 0 R 7 0 R] /Count 2 >>");
  pdf_obj(&p, HELVETICA);
  pdf_obj(&p, TIMES);
  pdf_obj(&p, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 6 0 R " BOTH " >>");
  pdf_stream(&p, TEXT("F1", 150, "sans words") "BT /F2 20 Tf 20 100 Td (serif words) Tj ET\n");
  pdf_obj(&p, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 8 0 R " BOTH " >>");
  pdf_stream(&p, "BT /F1 9 Tf 20 150 Td (small sans) Tj ET\n");
  GBytes *file = pdf_end(&p);
  gsize len = 0;
  const void *data = g_bytes_get_data(file, &len);
  words_doc *d = words_open(data, len, NULL, NULL), *asked = words_open(data, len, NULL, NULL);
  for (int i = 0; i < 2; i++) {
    words_page later, at_once;
    assert_true(words_page_get(d, i, NULL, &later));
    for (unsigned int k = 0; k < later.nwords; k++)
      assert_true(later.words[k].size == 0);
    assert_false(words_page_fonts(d, 1 - i, times_font, &later));
    assert_true(words_page_fonts(d, i, times_font, &later));
    assert_true(words_page_get(asked, i, times_font, &at_once));
    assert_int_equal(later.nwords, at_once.nwords);
    for (unsigned int k = 0; k < later.nwords; k++) {
      const words_word *a = &later.words[k], *b = &at_once.words[k];
      assert_true(a->first == b->first && a->len == b->len && a->rot == b->rot && a->run == b->run);
      assert_true(a->space_after == b->space_after && a->line_start == b->line_start);
      assert_true(a->size == b->size && a->box.x1 == b->box.x1 && a->box.y2 == b->box.y2);
    }
    assert_int_equal(later.legacy_font, at_once.legacy_font);
    assert_int_equal(later.legacy_font, i == 0);
    assert_true(later.words[0].size == (i == 0 ? 12 : 9));
    if (i == 0)
      assert_true(later.words[later.nwords - 1].size == 20);
    words_page_clear(&later);
    words_page_clear(&at_once);
  }
  words_close(d);
  words_close(asked);
  g_bytes_unref(file);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_shared_fonts_one_drawing),
    cmocka_unit_test(test_pages_read_as_alone),
    cmocka_unit_test(test_optional_content_page_by_page),
    cmocka_unit_test(test_fonts_of_the_page_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
