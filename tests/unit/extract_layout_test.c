/* The text layer of every kind of text, on the generated fixtures'
 * layout/ files (tests/fixtures/mkfixtures.c, always generated, also beside
 * ../shared): right-to-left lines in logical order, rotated runs whole,
 * vertical columns top to bottom and right to left (tier by tier, with the
 * punctuation a vertical font draws among them), diagonal runs whole
 * (right-to-left ones in logical order), form field values and free-text
 * annotations in /Annots order, line-end hyphens (also across pages, kept
 * or streamed); and errors that name poppler's cause. Each file is checked
 * against its known text. */
#include "testutil.h"
#include "core/ctx.h"
#include "extract/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static doctag_ctx *ctx;

static int setup(void **state)
{
  (void)state;
  ctx = tu_ctx();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  doctag_ctx_free(ctx);
  return 0;
}

static doctag_status extract_bytes(const void *data, size_t len, extract_doc *doc)
{
  extract_request req = {
    .data = data, .len = len, .ocr = DOCTAG_OCR_OFF, .max_pages = 100, .threads = 1, .keep_pages = true,
  };
  return extract_run(ctx, &req, doc);
}

/* A file of the generated fixtures (g_free it); fails the test when missing. */
static char *read_fixture(const char *rel, size_t *len)
{
  const char *dir = getenv("DOCTAG_FIXTURES");
  assert_non_null(dir);
  char *path = g_build_filename(dir, rel, NULL);
  char *data = tu_read(path, len);
  if (!data)
    fail_msg("%s is missing: the fixtures test generates it", path);
  g_free(path);
  return data;
}

/* The text of fixture layout/<name>.pdf (OCR off) and its truth. */
static char *layout_text_of(const char *name, char **truth)
{
  char *pdf = g_strdup_printf("layout/%s.pdf", name), *txt = g_strdup_printf("layout/%s.txt", name);
  size_t len = 0;
  char *data = read_fixture(pdf, &len);
  *truth = read_fixture(txt, NULL);
  extract_doc doc;
  if (extract_bytes(data, len, &doc))
    fail_msg("%s: %s", pdf, doctag_error_last()->message);
  assert_int_equal(doc.pages_read, 1);
  assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_TEXT);
  char *text = g_strndup(doc.pages[0].text, doc.pages[0].len);
  printf("  %s:\n%s\n", name, text);
  extract_doc_clear(&doc);
  g_free(data);
  g_free(pdf);
  g_free(txt);
  return text;
}

static void assert_line(const char *text, const char *line)
{
  char **lines = g_strsplit(text, "\n", -1);
  bool found = false;
  for (char **l = lines; *l && !found; l++)
    found = !strcmp(*l, line);
  g_strfreev(lines);
  if (!found)
    fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void assert_no_direction_marks(const char *text)
{
  for (const char *p = text; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    if (c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
      fail_msg("direction mark U+%04X in the text", c);
  }
}

static void test_rtl(void **state)
{
  (void)state;
  char *truth = NULL, *text = layout_text_of("rtl", &truth);
  /* every line whole and in logical order: Hebrew, Arabic (lam-alef
   * included), numbers and a Latin name inside right-to-left lines */
  char **lines = g_strsplit(truth, "\n", -1);
  for (char **l = lines; *l; l++)
    if (**l)
      assert_line(text, *l);
  g_strfreev(lines);
  assert_no_direction_marks(text);
  assert_true(tu_word_error(truth, text) == 0);
  g_free(text);
  g_free(truth);
}

static void test_rotated(void **state)
{
  (void)state;
  char *truth = NULL, *text = layout_text_of("rotated", &truth);
  /* the paragraph, and the labels turned 90° and 270°, each one line */
  assert_line(text, "The county map shows the flood zones along the river.");
  assert_line(text, "Each zone is marked with its return period in years.");
  assert_line(text, "Approved by the planning office");
  assert_line(text, "Draft for consultation only");
  /* the 30° map label, drawn glyph by glyph climbing: one line, its words
   * apart (poppler's layout cut it into pieces of a letter or two) */
  assert_line(text, "Lake Breton");
  assert_true(tu_word_error(truth, text) == 0);
  g_free(text);
  g_free(truth);
}

/* The text of fixture layout/<name>.pdf is its truth, whole. */
static void assert_layout_is_truth(const char *name)
{
  char *truth = NULL, *text = layout_text_of(name, &truth);
  g_strchomp(truth);
  assert_string_equal(text, truth);
  g_free(text);
  g_free(truth);
}

static void test_rtl_paragraph(void **state)
{
  (void)state;
  /* each line in logical order, read from the right as its paragraph is,
   * also "הקובץ נשמר בתוכנה Microsoft Word for Windows" and "يعمل على
   * Windows 11 Pro و macOS 14", more Latin letters than Hebrew or Arabic
   * ones (read as left-to-right lines, the Latin run came first) */
  assert_layout_is_truth("rtl_paragraph");
}

static void test_rtl_marks(void **state)
{
  (void)state;
  /* the direction marks the page's text layer holds steer the order, and
   * are gone from the logical text ("2.0", not "\u200E2.0\u200E") */
  assert_layout_is_truth("rtl_marks");
}

static void test_vertical(void **state)
{
  (void)state;
  /* the columns right to left, each top to bottom, each a line */
  assert_layout_is_truth("vertical");
}

static void test_vertical_sideways(void **state)
{
  (void)state;
  /* "Microsoft Word" and "2024" set sideways in their columns: in their
   * place, the column one line (not the words on lines of their own and
   * the column cut in two at them) */
  assert_layout_is_truth("vertical_sideways");
}

static void test_gazette(void **state)
{
  (void)state;
  /* two tiers of upright columns: the top tier's columns right to left,
   * then the bottom tier's (not the two tiers' first columns, then their
   * second...); the punctuation drawn in the font's vertical mode (︑ ︒ ﹁ ﹂)
   * in its place in the column, which goes on across it, not on lines of
   * its own */
  assert_layout_is_truth("gazette");
}

static void test_vertical_pair(void **state)
{
  (void)state;
  /* two columns as Chrome prints vertical writing: a small kana, the stop
   * and a bracket whose boxes overlap the glyphs beside them stay in their
   * columns, in the order drawn (not "ってくださ。" with "い" on a line of
   * its own, the bracket above the columns) */
  assert_layout_is_truth("vertical_pair");
}

static void test_narrow_space(void **state)
{
  (void)state;
  /* Hindi whose drawn space is 0.12 em wide, most words ending in a glyph
   * of no width: each space glyph drawn is a break, measured against its
   * own advance (not one width in font sizes for every font) */
  assert_layout_is_truth("narrow_space");
}

static void test_form(void **state)
{
  (void)state;
  char *truth = NULL, *text = layout_text_of("form", &truth);
  /* field values with an appearance, one only NeedAppearances draws, and a
   * free-text annotation, all after the page's own text */
  assert_non_null(strstr(text, "Ada Lovelace"));
  assert_non_null(strstr(text, "elephant"));
  assert_non_null(strstr(text, "Zanzibar"));
  assert_non_null(strstr(text, "checked by the clerk"));
  assert_true(tu_word_error(truth, text) == 0);
  /* after the page's text, in /Annots order (not by where they sit: the
   * note, lowest on the page, is third in /Annots): the captions stand
   * alone ("Name:", not "Name: Ada Lovelace") and the values follow them */
  g_strchomp(truth);
  assert_string_equal(text, truth);
  g_free(text);
  g_free(truth);
}

static void test_hyphens_across(void **state)
{
  (void)state;
  size_t len = 0;
  char *data = read_fixture("layout/hyphens_across.pdf", &len);
  extract_doc doc;
  if (extract_bytes(data, len, &doc))
    fail_msg("hyphens_across: %s", doctag_error_last()->message);
  assert_int_equal(doc.pages_read, 2);
  printf("  hyphens_across:\n%s\n", doc.pages[0].text);
  /* "geo-|tagged" joins: page 2 prints "geotagged"; the compound stays */
  assert_string_equal(doc.pages[0].text, "The survey keeps the geotagged photos and a well-\nknown archive.");
  extract_doc_clear(&doc);
  g_free(data);
}

static int collect_page(const doctag_page_info *p, void *data)
{
  GPtrArray *pages = data;
  assert_int_equal(p->index, pages->len);
  g_ptr_array_add(pages, g_strndup(p->text, p->text_len));
  return 0;
}

/* The same from page 2 on: a page's index stays its index in the document. */
static int collect_page_from2(const doctag_page_info *p, void *data)
{
  GPtrArray *pages = data;
  assert_int_equal(p->index, pages->len + 1);
  g_ptr_array_add(pages, g_strndup(p->text, p->text_len));
  return 0;
}

/* Hyphens at the ends of pages and those another page decides come out the
 * same whether the pages are kept (process, tagging) or streamed (extract
 * with a page callback), with one worker or several. */
static void test_hyphens_pages(void **state)
{
  (void)state;
  static const char *const want[] = {
    "Every tokenizer here is tested.\nThe survey keeps the geotagged photos and the datasets",
    "we hold. Each tokenizer runs on geotagged photos\nand the datasets of a well-",
    "known archive.",
  };
  size_t len = 0;
  char *data = read_fixture("layout/hyphens_pages.pdf", &len);
  for (unsigned int threads = 1; threads <= 3; threads += 2)
    for (int streamed = 0; streamed <= 1; streamed++) {
      GPtrArray *pages = g_ptr_array_new_with_free_func(g_free);
      extract_request req = {
        .data = (const unsigned char *)data, .len = len, .ocr = DOCTAG_OCR_OFF, .max_pages = 100, .threads = threads,
        .keep_pages = !streamed, .on_page = streamed ? collect_page : NULL, .on_page_data = pages,
      };
      extract_doc doc;
      if (extract_run(ctx, &req, &doc))
        fail_msg("hyphens_pages: %s", doctag_error_last()->message);
      assert_int_equal(doc.pages_read, 3);
      for (unsigned int i = 0; i < 3; i++) {
        const char *got = streamed ? g_ptr_array_index(pages, i) : doc.pages[i].text;
        if (strcmp(got, want[i]))
          fail_msg("%u worker(s), %s: page %u is\n%s\nnot\n%s", threads, streamed ? "streamed" : "kept", i + 1,
                   got, want[i]);
      }
      assert_int_equal(pages->len, streamed ? 3 : 0);
      extract_doc_clear(&doc);
      g_ptr_array_free(pages, TRUE);
    }

  /* from page 2 (process.h): page 1 is not read, so "tokenizer", printed
   * whole only there, does not decide "tok-|enizer", and "data-|sets" is
   * split across a page not read; the same streamed or kept */
  static const char *const from2[] = {
    "sets we hold. Each tok-\nenizer runs on geotagged photos\nand the datasets of a well-",
    "known archive.",
  };
  for (int streamed = 0; streamed <= 1; streamed++) {
    GPtrArray *pages = g_ptr_array_new_with_free_func(g_free);
    extract_request req = {
      .data = (const unsigned char *)data, .len = len, .ocr = DOCTAG_OCR_OFF, .max_pages = 100, .start_page = 1,
      .keep_pages = !streamed, .on_page = streamed ? collect_page_from2 : NULL, .on_page_data = pages,
    };
    extract_doc doc;
    if (extract_run(ctx, &req, &doc))
      fail_msg("hyphens_pages from page 2: %s", doctag_error_last()->message);
    assert_int_equal(doc.pages_read, 2);
    for (unsigned int i = 0; i < 2; i++)
      assert_string_equal(streamed ? g_ptr_array_index(pages, i) : doc.pages[i].text, from2[i]);
    extract_doc_clear(&doc);
    g_ptr_array_free(pages, TRUE);
  }
  g_free(data);
}

static void test_diagonal(void **state)
{
  (void)state;
  /* a 45° watermark and a -45° stamp across it: each whole, on a line of
   * its own (poppler's layout cut both into letters and interleaved them) */
  assert_layout_is_truth("diagonal");
}

static void test_rtl_diagonal(void **state)
{
  (void)state;
  /* Hebrew and Arabic at 30° and 45°, drawn in reading order (right to
   * left along the baseline), and a Hebrew run with a number: each whole,
   * in logical order as a horizontal line is (they came out a letter per
   * line) */
  assert_layout_is_truth("rtl_diagonal");
}

static void test_crop_outside(void **state)
{
  (void)state;
  /* the crop box misses the media box: the page is its media box (all
   * text was dropped) */
  assert_layout_is_truth("crop_outside");
}

static void test_hyphens(void **state)
{
  (void)state;
  char *truth = NULL, *text = layout_text_of("hyphens", &truth);
  /* "ex-|isting" joins (the page has "existing"), "well-|known" stays as printed */
  assert_non_null(strstr(text, "the existing rules"));
  assert_non_null(strstr(text, "a well-\nknown exception"));
  assert_null(strstr(text, "ex-"));
  assert_true(tu_word_error(truth, text) == 0);
  g_free(text);
  g_free(truth);

  /* the joiner on its own: a word of the text joins, an unknown compound stays */
  GString *s = g_string_new("the pre-\nprocessing step and preprocessing\nnon-\nzebrafied");
  assert_int_equal(layout_join_hyphens(s), 1);
  assert_string_equal(s->str, "the preprocessing step and preprocessing\nnon-\nzebrafied");
  g_string_free(s, TRUE);
  /* a capital after the hyphen, or a hyphen after a digit: left alone */
  s = g_string_new("Jean-\nPierre 1990-\n2000");
  assert_int_equal(layout_join_hyphens(s), 0);
  assert_string_equal(s->str, "Jean-\nPierre 1990-\n2000");
  g_string_free(s, TRUE);
}

static void test_devanagari_damage(void **state)
{
  (void)state;
  /* "१० िदस बर": the space after the digits is a real one (a gap of a
   * third of the font size) even before a pre-base vowel sign */
  assert_false(garble_indic_join(0x0966, 0x093F, 3.3, 10, false));
  /* and after a vowel sign ("बीमा िकसान"): the i cannot belong to it */
  assert_false(garble_indic_join(0x093E, 0x093F, 3.3, 10, false));
  /* a narrow gap there is poppler's, and after a consonant the i is its own */
  assert_true(garble_indic_join(0x0966, 0x093F, 0.4, 10, false));
  assert_true(garble_indic_join(0x0926, 0x093F, 3.3, 10, false));
  assert_true(garble_indic_join(0x0926, 0x093E, 3.3, 10, false));

  /* clean Hindi is a good layer */
  static const char clean[] = "किसानों को फसल बीमा योजना के अंतर्गत दावा प्रस्तुत करने की अंतिम तिथि "
                              "दस दिसंबर है और आवेदन पत्र ग्राम पंचायत कार्यालय में उपलब्ध हैं";
  assert_int_equal(garble_judge(clean, strlen(clean), false), PAGE_GOOD);
  /* the same with a broken font map: आ as अ + ा, vowel signs starting
   * words or doubled, a dotted circle: garbled, so auto OCR reads it */
  static const char broken[] = "िकसानों को फसल बीमा योजना के अंतगर्त दावा ूस्तुत करने की अंितम ितिथ "
                               "दस िदसंबर है अौर अावेदन पऽ मा◌म पंचायत कायार्लय में उपलब्ध हैं";
  garble_stats st;
  garble_scan(broken, strlen(broken), &st);
  printf("  broken map: %zu of %zu Devanagari words impossible\n", st.indic_broken, st.indic_words);
  assert_int_equal(garble_judge(broken, strlen(broken), false), PAGE_GARBLED);

  /* Bengali as poppler gives it: a space before a candrabindu it gave no
   * width ("চা ঁদা") is its split, not a broken map; the same text drawn
   * glyphs-only has U+FFFD for conjuncts and vowel signs before their
   * consonant */
  static const char bn_split[] = "সদস্য হতে হলে একটি ছবি, ঠিকানার প্রমাণপত্র এবং বার্ষিক চা ঁদা জমা দিতে "
                                 "হবে। ছাত্রছাত্রীদের জন্য চা  ঁদা অর্ধেক।";
  garble_scan(bn_split, strlen(bn_split), &st);
  assert_int_equal(st.indic_broken, 0);
  static const char bn_broken[] = "সদস� হেত হেল এক�ট ছিব, িঠকানার �মাণপ� এবং বা�ষক চাঁদা জমা িদেত "
                                  "হেব। ছা�ছা�ীেদর জন� চাঁদা অেধ�ক।";
  garble_scan(bn_broken, strlen(bn_broken), &st);
  printf("  Bengali, broken map: %zu of %zu words impossible\n", st.indic_broken, st.indic_words);
  assert_int_equal(garble_judge(bn_broken, strlen(bn_broken), false), PAGE_GARBLED);
  /* a mark that starts the text, or follows a digit, is no split */
  static const char bn_mark[] = "ঁদা";
  garble_scan(bn_mark, strlen(bn_mark), &st);
  assert_int_equal(st.indic_broken, 1);
}

static void test_indic(void **state)
{
  (void)state;
  /* Bengali, Gurmukhi, Gujarati, Oriya, Tamil, Telugu, Kannada and
   * Malayalam, sans and serif: the words poppler split are whole, after a
   * mark it gave no width ("নতু ন", "ખે ડૂતોને"), after a pulli or vowel
   * sign drawn back over its consonant ("மின ் சாரம்", "ଓଡ଼ି ଶା"), where
   * cairo draws a cluster with a mark moved back ("ప్రా రంభించింది") and
   * where a sign is drawn ahead of its consonant ("ପୁୁରଣା"); real word
   * breaks stay, after a word-final mark ("শুরু হবে", "ਨੂੰ ਮੁਫ਼ਤ") and after
   * digits ("১০ দিনের") */
  assert_layout_is_truth("indic");

  /* the joiner on its own: a pre-base vowel sign after a digit, with a
   * real space's gap, starts a word (Bengali, Tamil, Malayalam); after a
   * consonant it is the consonant's, and a narrow gap is poppler's */
  assert_false(garble_indic_join(0x09E6, 0x09BF, 3.3, 10, false)); /* ০ ি */
  assert_false(garble_indic_join(0x0BE7, 0x0BC6, 3.3, 10, false)); /* ௧ ெ */
  assert_false(garble_indic_join(0x0D67, 0x0D46, 3.3, 10, false)); /* ൧ െ */
  assert_true(garble_indic_join(0x09E6, 0x09BF, 0.4, 10, false));
  assert_true(garble_indic_join(0x09A6, 0x09BF, 3.3, 10, false));  /* দ ি */
  assert_true(garble_indic_join(0x0D15, 0x0D46, 3.3, 10, false));  /* ക െ */
  /* after a mark with no width: narrower than a space joins, a space stays */
  assert_true(garble_indic_join(0x09C1, 0x09A8, 1.0, 10, true));   /* নতু|ন */
  assert_false(garble_indic_join(0x09C1, 0x09B9, 2.6, 10, true));  /* শুরু|হবে */
  assert_true(garble_indic_join(0x0ABE, 0x0AC1, 5.0, 10, false));  /* a sign always joins */
  assert_true(garble_indic_join(0x0AC7, ',', 0.4, 10, true));      /* છે|, */
  /* letters of two scripts, or Latin after them, never */
  assert_false(garble_indic_join(0x09A8, 0x0915, 0.4, 10, false));
  assert_false(garble_indic_join(0x0C15, 'A', 0.4, 10, false));

  /* a vowel sign drawn ahead of its consonant, after another sign, moves
   * after it; a sign that is part of the one before it (Telugu ై is ె +
   * ౖ) and well-ordered text stay */
  GString *t = g_string_new("ପୁୁରଣା ପୁରୁଣା");
  assert_int_equal(garble_indic_reorder(t), 1);
  assert_string_equal(t->str, "ପୁରୁଣା ପୁରୁଣା");
  g_string_assign(t, "\u0C15\u0C46\u0C56\u0C32\u0C3E\u0C38"); /* కై లాస, ై decomposed */
  assert_int_equal(garble_indic_reorder(t), 0);
  g_string_free(t, TRUE);
}

/* Real office-suite PDFs of the nine scripts of India (tests/fixtures/office,
 * made by LibreOffice Writer and Chrome with the Noto and Lohit fonts; see
 * its README): every word as the source text has it (pdftotext: 681
 * words missing or extra of their 1,104). */
static void test_office_indic(void **state)
{
  (void)state;
  const char *src = getenv("DOCTAG_SOURCE_DIR");
  assert_non_null(src);
  char *dir = g_build_filename(src, "tests", "fixtures", "office", NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  assert_non_null(d);
  unsigned int files = 0;
  for (const char *name; (name = g_dir_read_name(d));) {
    if (!g_str_has_suffix(name, ".pdf"))
      continue;
    /* <producer>_<script>_<face>.pdf, the text in <script>.txt */
    char **parts = g_strsplit(name, "_", 3);
    assert_non_null(parts[1]);
    char *pdf = g_build_filename(dir, name, NULL), *txt = g_strdup_printf("%s/%s.txt", dir, parts[1]);
    size_t len = 0;
    char *data = tu_read(pdf, &len), *truth = tu_read(txt, NULL);
    assert_non_null(data);
    assert_non_null(truth);
    extract_doc doc;
    if (extract_bytes(data, len, &doc))
      fail_msg("%s: %s", name, doctag_error_last()->message);
    assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_TEXT);
    char *text = g_strndup(doc.pages[0].text, doc.pages[0].len);
    double we = tu_word_error(truth, text);
    printf("  %s: word error %.3f\n", name, we);
    if (we != 0)
      fail_msg("%s:\n%s", name, text);
    files++;
    g_free(text);
    extract_doc_clear(&doc);
    g_free(data);
    g_free(truth);
    g_free(pdf);
    g_free(txt);
    g_strfreev(parts);
  }
  g_dir_close(d);
  g_free(dir);
  assert_true(files >= 13);
}

static void test_messages(void **state)
{
  (void)state;
  extract_doc doc;
  /* a page tree that is not one: poppler's own words say so */
  size_t len = 0;
  char *data = read_fixture("layout/bad_page_tree.pdf", &len);
  assert_int_equal(extract_bytes(data, len, &doc), DOCTAG_EPDF);
  const char *m = doctag_error_last()->message;
  printf("  bad page tree: %s\n", m);
  assert_non_null(strstr(m, "poppler: Top-level pages object is wrong type"));
  extract_doc_clear(&doc);
  g_free(data);

  /* truncated: the marker named once, as the file has it, and the cause */
  data = read_fixture("malformed/truncated.pdf", &len);
  assert_int_equal(extract_bytes(data, len, &doc), DOCTAG_EPDF);
  g_free(data);
  m = doctag_error_last()->message;
  printf("  truncated: %s\n", m);
  assert_non_null(strstr(m, "truncated"));
  assert_non_null(strstr(m, "(the \"%%EOF\" line)"));
  assert_null(strstr(m, "%%%%"));
  assert_non_null(strstr(m, "poppler cannot read it (PDF document is damaged: "));
  extract_doc_clear(&doc);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rtl),
    cmocka_unit_test(test_rtl_paragraph),
    cmocka_unit_test(test_rtl_marks),
    cmocka_unit_test(test_rotated),
    cmocka_unit_test(test_vertical),
    cmocka_unit_test(test_vertical_pair),
    cmocka_unit_test(test_vertical_sideways),
    cmocka_unit_test(test_gazette),
    cmocka_unit_test(test_narrow_space),
    cmocka_unit_test(test_form),
    cmocka_unit_test(test_diagonal),
    cmocka_unit_test(test_rtl_diagonal),
    cmocka_unit_test(test_crop_outside),
    cmocka_unit_test(test_hyphens_across),
    cmocka_unit_test(test_hyphens_pages),
    cmocka_unit_test(test_hyphens),
    cmocka_unit_test(test_devanagari_damage),
    cmocka_unit_test(test_indic),
    cmocka_unit_test(test_office_indic),
    cmocka_unit_test(test_messages),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
