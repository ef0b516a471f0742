/* Extraction rules on inputs made here: the title rule, language detection,
 * thin and garbled text layers, the Devanagari repairs, page order and
 * limits of the page pool, native-resolution page images. */
#include "testutil.h"
#include "core/ctx.h"
#include "extract/extract.h"
#include "extract/internal.h"

#include <cairo-pdf.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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
  /* the toy font faces cairo cached for make_*_pdf(), and fontconfig's
   * configuration they loaded: process-wide caches LeakSanitizer would
   * report (FcFini is looked up: fontconfig is cairo's dependency here) */
  cairo_debug_reset_static_data();
  void (*fc_fini)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "FcFini");
  if (fc_fini)
    fc_fini();
  return 0;
}

/* ---------------------------------------------------------------- title */

static void check_title(const char *meta, const char *text, const char *file, const char *want)
{
  char *t = extract_title(meta, text, file);
  if (strcmp(t, want) != 0)
    fail_msg("title(%s, %s, %s) = \"%s\", want \"%s\"", meta ? meta : "NULL", text ? "text" : "NULL",
             file ? file : "NULL", t, want);
  g_free(t);
}

static void test_title(void **state)
{
  (void)state;
  const char *text = "Page 1\nAnnex\nMonthly Water Supply Report for Ward 7\nSecond line of the report\n";
  /* a real metadata title wins */
  check_title("Annual Report 2023", text, "x.pdf", "Annual Report 2023");
  check_title("  Crop   Insurance\tCircular ", NULL, NULL, "Crop Insurance Circular");
  /* generic metadata titles fall through to the first suitable line */
  const char *generic[] = { "Untitled", "untitled-3", "Document1", "Microsoft Word - draft.docx", "Blank",
                            "scan0001.pdf", "en_invoice", "  ", "x", "Presentation (2)", "C:\\Users\\a\\b.doc",
                            "report", NULL };
  for (const char **g = generic; *g; g++)
    check_title(*g, text, "report.pdf", "Monthly Water Supply Report for Ward 7");
  /* lines shorter than 10 or longer than 100 characters are skipped */
  GString *longline = g_string_new(NULL);
  for (int i = 0; i < 30; i++)
    g_string_append(longline, "word ");
  g_string_append(longline, "\nShort\nअग्रिम पेंशन भुगतान की सूचना\n");
  check_title(NULL, longline->str, "a.pdf", "अग्रिम पेंशन भुगतान की सूचना");
  g_string_free(longline, TRUE);
  /* only the first lines count */
  check_title(NULL, "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nThis line comes too late", "notes.final.pdf", "notes.final");
  /* no text: the file name without extension, else Untitled */
  check_title(NULL, "", "/tmp/dir/Budget Speech.pdf", "Budget Speech");
  check_title("Untitled", NULL, NULL, "Untitled");
  check_title(NULL, "12/03/2024 00:00:00", NULL, "Untitled");
}

/* -------------------------------------------------------------- language */

/* The language extract_run() gives a page and a document from their
 * letters' scripts (the tagger names the document's own language). */
static const char *text_language(const char *text, size_t len)
{
  lang_counts c = { 0 };
  lang_count(text, len, &c);
  return lang_from_counts(&c);
}

static void test_language(void **state)
{
  (void)state;
  assert_string_equal(text_language("The committee met on Monday.", 29), "eng");
  const char *hi = "मौसम विभाग के अनुसार जून से सितंबर के बीच वर्षा सामान्य से अधिक रही।";
  assert_string_equal(text_language(hi, strlen(hi)), "hin");
  const char *mixed = "Notice / सूचना: KYC update के लिए अपनी शाखा में आएँ, bring your PAN card.";
  assert_string_equal(text_language(mixed, strlen(mixed)), "hin+eng");
  /* one English acronym does not make a Hindi text mixed */
  const char *mostly = "भारतीय रिज़र्व बैंक ने आज ब्याज दरों में कोई बदलाव नहीं किया और मुद्रास्फीति पर नज़र रखने की बात कही RBI";
  assert_string_equal(text_language(mostly, strlen(mostly)), "hin");
  assert_string_equal(text_language("12 345 - 6.7 %", 14), "");
  assert_string_equal(text_language("", 0), "");
  /* the length is honoured */
  assert_string_equal(text_language("abc मौसम", 3), "eng");

  /* tesseract languages: from the text layer, else OSD's script, among
   * the installed models (lang.c's table) */
  const char *const here[] = { "eng", "hin", "ben", "tam", "urd", "osd", NULL };
  ocr_choice ch;
  lang_counts c = { 0 };
  lang_count(hi, strlen(hi), &c);
  /* Hindi is read with English first (lang.c says why) */
  assert_true(lang_for_ocr(&c, "Latin", here, &ch));
  assert_string_equal(ch.lang, "eng+hin");
  memset(&c, 0, sizeof c);
  lang_count(mixed, strlen(mixed), &c);
  assert_true(lang_for_ocr(&c, NULL, here, &ch));
  assert_string_equal(ch.lang, "eng+hin");
  assert_true(lang_for_ocr(NULL, "Devanagari", here, &ch));
  assert_string_equal(ch.lang, "eng+hin");
  assert_string_equal(lang_native(ch.lang), "hin");
  assert_true(lang_for_ocr(NULL, "Latin", here, &ch));
  assert_string_equal(ch.lang, "eng");
  assert_null(lang_native(ch.lang));
  assert_false(lang_for_ocr(NULL, NULL, here, &ch));
  assert_false(lang_for_ocr(NULL, "Common", here, &ch));
  /* each script its own model */
  assert_true(lang_for_ocr(NULL, "Bengali", here, &ch));
  assert_string_equal(ch.lang, "eng+ben");
  assert_true(lang_for_ocr(NULL, "Tamil", here, &ch));
  assert_string_equal(ch.lang, "eng+tam");
  /* Arabic: ara is not here, urd is */
  assert_true(lang_for_ocr(NULL, "Arabic", here, &ch));
  assert_string_equal(ch.lang, "eng+urd");
  assert_string_equal(ch.missing, "");
  /* no model: nothing to read with, and which one would */
  assert_true(lang_for_ocr(NULL, "Han", here, &ch));
  assert_string_equal(ch.lang, "");
  assert_string_equal(ch.missing, "chi_sim");
  assert_string_equal(ch.script, "Han");
  char pkg[64];
  lang_package(ch.missing, pkg, sizeof pkg);
  assert_string_equal(pkg, "tesseract-ocr-chi-sim");
  assert_true(lang_for_ocr(NULL, "Thai", here, &ch));
  assert_string_equal(ch.missing, "tha");
  /* Thai, Han and Kana are written in separate letters; Arabic's letters
   * join, and so do Devanagari's on their headline: connected ink under
   * OSD's "Japanese" is read by the installed Arabic model, or names
   * Arabic's package (ocr.c's connected_ink) */
  assert_false(lang_script_joins("Thai"));
  assert_false(lang_script_joins("Japanese"));
  assert_false(lang_script_joins("Han"));
  assert_true(lang_script_joins("Arabic"));
  assert_true(lang_script_joins("Devanagari"));
  assert_true(lang_script_joins("Cuneiform"));
  lang_for_cursive(here, &ch);
  assert_string_equal(ch.script, "Arabic");
  assert_string_equal(ch.lang, "urd");
  assert_string_equal(ch.missing, "");
  const char *const no_arabic[] = { "eng", "hin", NULL };
  lang_for_cursive(no_arabic, &ch);
  assert_string_equal(ch.script, "Arabic");
  assert_string_equal(ch.lang, "");
  assert_string_equal(ch.missing, "ara");
  const char *const syriac[] = { "eng", "syr", NULL };
  lang_for_cursive(syriac, &ch);
  assert_string_equal(ch.script, "Syriac");
  assert_string_equal(ch.lang, "syr");
  /* a Thai page's thin text layer does not make it Latin */
  memset(&c, 0, sizeof c);
  const char *thai_footer = "Page 1 of 1 ประกาศเทศบาลตำบลบ้านนาเรื่องการจัดตลาดนัดชุมชนประจำเดือน";
  lang_count(thai_footer, strlen(thai_footer), &c);
  assert_true(lang_for_ocr(&c, "Thai", here, &ch));
  assert_string_equal(ch.missing, "tha");
  /* OCR's language names a text in another script */
  c.other_lang = "tha";
  assert_string_equal(lang_from_counts(&c), "tha");
  /* without eng, the script's model alone */
  const char *const no_eng[] = { "hin", NULL };
  assert_true(lang_for_ocr(NULL, "Devanagari", no_eng, &ch));
  assert_string_equal(ch.lang, "hin");
  assert_null(lang_native(ch.lang));
  assert_string_equal(lang_alternative("eng"), "eng+hin");
  assert_string_equal(lang_alternative("hin"), "eng+hin");
  assert_null(lang_alternative("eng+hin"));
  assert_null(lang_alternative("hin+eng"));
  /* what English made of a word of another script is no English word; an
   * English word, with its punctuation, is */
  assert_false(lang_is_english_word("HOSS,"));
  assert_false(lang_is_english_word("Arai"));
  assert_true(lang_is_english_word("(Charges)"));
  assert_true(lang_is_english_word("of"));
  assert_true(lang_is_english_word("self-declaration"));
  assert_true(lang_is_english_word("1800"));
  /* a word OCR began with a vowel sign joins the one before it */
  char split[] = "ಸ್ತ್ರೀ ೇಪುರುಷ ಎಂಬ ಭೇದ";
  lang_join_split_marks(split);
  assert_string_equal(split, "ಸ್ತ್ರೀಪುರುಷ ಎಂಬ ಭೇದ");
  char half[] = "ಕ ೇಳು ಹಿ ಂದೆ";
  lang_join_split_marks(half);
  assert_string_equal(half, "ಕೇಳು ಹಿಂದೆ");
  /* not across a line, a script or punctuation, nor an accent */
  char kept[] = "ಸ್ತ್ರೀ\nೇಪುರುಷ , ೇ अ ೇ e \u0301x";
  lang_join_split_marks(kept);
  assert_string_equal(kept, "ಸ್ತ್ರೀ\nೇಪುರುಷ , ೇ अ ೇ e \u0301x");
}

/* ---------------------------------------------------- garbled and thin */

static page_quality judge(const char *s, bool legacy)
{
  return garble_judge(s, strlen(s), legacy);
}

static void test_garbled(void **state)
{
  (void)state;
  assert_int_equal(judge("", false), PAGE_MISSING);
  assert_int_equal(judge(" \n\f\t ", false), PAGE_MISSING);
  assert_int_equal(judge("Page 3", false), PAGE_THIN);
  assert_int_equal(judge("The municipal corporation will close the road on Sunday for repairs.", false), PAGE_GOOD);
  assert_int_equal(judge("Café, naïve résumé: Zürich façade — déjà vu in Malmö and São Paulo.", false), PAGE_GOOD);
  /* mojibake of a legacy Indic font mapped to Latin-1 */
  assert_int_equal(judge("ÃÂ¤Ã¤Â¥Ã¤Â¯ Ã¤Â¹Ã¤Â¿Â¨Ã¤Â¦ ÂÃ¤Â° Ã¤Â®Ã¤Â¾Ã¤Â¨Ã¤Â¸ Ã¤Â¤Ã¤Â¿Ã¤Â¯", false), PAGE_GARBLED);
  /* Kruti Dev's ASCII: "bl o"kZ ekulwu dh o"kkZ lkekU; ls vf/kd jgh" */
  assert_int_equal(judge("Hkkjr ljdkj ds foRr ea=ky; }kjk tkjh bl vkns'k esa fdlkuksa dks Qly chek ;kstuk dk "
                         "ykHk nsus ds fy, iath;u dh vafre frfFk c<+kbZ xbZ gSA", false),
                   PAGE_GARBLED);
  assert_int_equal(judge("Enough letters here to be a page of real text.", true), PAGE_GARBLED);
  assert_true(garble_legacy_font("ABCDEF+KrutiDev010"));
  assert_true(garble_legacy_font("DevLys 010 Normal"));
  assert_true(garble_legacy_font("Walkman-Chanakya905"));
  assert_false(garble_legacy_font("QWERTY+NotoSansDevanagari-Regular"));
  assert_false(garble_legacy_font("Mangal"));
  assert_false(garble_legacy_font(NULL));
  assert_string_equal(garble_name(PAGE_GARBLED), "garbled");
}

static void test_devanagari_repairs(void **state)
{
  (void)state;
  /* a space after a vowel sign poppler gave no width, narrower than a word space */
  assert_true(garble_indic_join(0x0947, 0x0936, 2.0, 16, true));   /* दे|श */
  assert_false(garble_indic_join(0x0947, 0x0936, 4.0, 16, true));  /* a real word space */
  assert_true(garble_indic_join(0x0942, 0x092C, 1.0, 16, false));  /* अक्टू|बर */
  assert_false(garble_indic_join(0x0915, 0x0916, 3.5, 16, false));
  assert_true(garble_indic_join(0x0948, 0x0964, 1.0, 16, true));   /* है|। */
  assert_true(garble_indic_join(0x0948, ',', 1.0, 16, true));      /* है|, */
  assert_true(garble_indic_join(0x0915, 0x093F, 9.0, 16, false));  /* never a space before a vowel sign */
  assert_false(garble_indic_join('a', 'b', 0.1, 16, false));      /* Latin is poppler's business */
  assert_false(garble_indic_join(0x0915, 'A', 0.1, 16, false));

  /* pre-base vowel sign in visual order moves after its consonant cluster */
  GString *s = g_string_new("\u093F\u0915\u0924\u093E\u092C"); /* ि क त ा ब */
  assert_int_equal(garble_prebase_reorder(s), 1);
  assert_string_equal(s->str, "किताब");
  g_string_assign(s, "\u0936\u093F\u0915\u094D\u0937\u093E \u093F\u0915\u094D\u0937"); /* शिक्षा ि क ् ष */
  assert_int_equal(garble_prebase_reorder(s), 1);
  assert_string_equal(s->str, "शिक्षा क्षि");
  g_string_assign(s, "किसान अधिकारी");
  assert_int_equal(garble_prebase_reorder(s), 0);
  assert_string_equal(s->str, "किसान अधिकारी");

  /* the other scripts of India, by ICU's positional category: visual order
   * repaired, a two-part sign made one again, the space before a word that
   * starts with a sign drawn first kept (a real word break), text already
   * in logical order and scripts with no left sign untouched */
  static const struct { const char *visual, *logical; unsigned int moves; } cases[] = {
    { "১০ িদন েদশ", "১০ দিন দেশ", 2 },                 /* Bengali */
    { "ৈতির েকাথায়", "তৈরি কোথায়", 3 },                 /* ৈ, ি after it, ে + া */
    { "ਿਕਤਾਬ ਦੀ", "ਕਿਤਾਬ ਦੀ", 1 },                       /* Gurmukhi */
    { "િકતાબ", "કિતાબ", 1 },                              /* Gujarati */
    { "େଦଶ େକାଣ", "ଦେଶ କୋଣ", 2 },                        /* Oriya, ୋ */
    { "ெதாடர் ேநரம் ைக", "தொடர் நேரம் கை", 3 },          /* Tamil, ொ */
    { "േക്ഷമം െകാണ്ട്", "ക്ഷേമം കൊണ്ട്", 2 },           /* Malayalam: the cluster, ൊ */
    { "দেশ তৈরি কোথায় தொடர் കേരളം ਕਿਤਾਬ કિતાબ ଦେଶ", NULL, 0 },
    { "తెలుగు ಕನ್ನಡ", NULL, 0 },                          /* Telugu, Kannada: no left sign */
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_string_assign(s, cases[i].visual);
    assert_int_equal(garble_prebase_reorder(s), cases[i].moves);
    assert_string_equal(s->str, cases[i].logical ? cases[i].logical : cases[i].visual);
  }
  g_string_free(s, TRUE);
}

static void test_not_a_pdf(void **state)
{
  (void)state;
  assert_int_equal(pdf_check_bytes(NULL, 0), DOCTAG_EPDF);
  assert_non_null(strstr(doctag_error_last()->message, "Empty"));
  const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F' };
  assert_int_equal(pdf_check_bytes(jpeg, sizeof jpeg), DOCTAG_EPDF);
  assert_non_null(strstr(doctag_error_last()->message, "JPEG"));
  const char *zip = "PK\x03\x04rest";
  assert_int_equal(pdf_check_bytes((const unsigned char *)zip, 8), DOCTAG_EPDF);
  assert_non_null(strstr(doctag_error_last()->message, "ZIP"));
  const char *text = "hello world, no pdf here";
  assert_int_equal(pdf_check_bytes((const unsigned char *)text, strlen(text)), DOCTAG_EPDF);
  assert_non_null(strstr(doctag_error_last()->message, "starts with \"hello world, no \""));
  /* a header after some junk (within the first 1024 bytes) is a PDF */
  char junk[600];
  memset(junk, 'x', sizeof junk);
  memcpy(junk + 500, "%PDF-1.4", 8);
  assert_int_equal(pdf_check_bytes((const unsigned char *)junk, sizeof junk), DOCTAG_OK);

  /* languages are names, not paths */
  extract_request req = { .data = (const unsigned char *)"%PDF-1.4\n", .len = 9, .languages = "../../etc/x" };
  extract_doc doc;
  assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_EINVAL);
  extract_doc_clear(&doc);
  /* a header and nothing else: truncated */
  req.languages = NULL;
  assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_EPDF);
  assert_non_null(strstr(doctag_error_last()->message, "truncated"));
  extract_doc_clear(&doc);
}

/* A page tree entry that is not a page object: the text path (poppler
 * core) and the OCR path (poppler-glib) both say which page and why, with
 * one worker and with several, whatever the OCR mode. */
static void test_page_not_a_page(void **state)
{
  (void)state;
  static const char *const objs[] = {
    "<</Type/Catalog/Pages 2 0 R>>",
    "<</Type/Pages/Kids[3 0 R 5 0 R]/Count 2>>",
    ("<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]/Contents 4 0 R"
     "/Resources<</Font<</F1<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>>>>>>>"),
    "<</Length 45>>\nstream\nBT /F1 12 Tf 20 100 Td (Hello page one) Tj ET\nendstream",
    "(not a page)",
  };
  GBytes *pdf = pdf_from_objects(objs, G_N_ELEMENTS(objs));
  gsize len = 0;
  const unsigned char *data = g_bytes_get_data(pdf, &len);
  /* (forced OCR would render page 1 with a system font, which cairo then
   * keeps past this file's teardown: it reads page 2 alone) */
  const doctag_ocr_mode modes[] = { DOCTAG_OCR_OFF, DOCTAG_OCR_AUTO, DOCTAG_OCR_FORCE };
  for (unsigned int threads = 1; threads <= 2; threads++)
    for (size_t m = 0; m < G_N_ELEMENTS(modes); m++) {
      bool force = modes[m] == DOCTAG_OCR_FORCE;
      extract_request req = { .data = data, .len = len, .ocr = modes[m],
                              .threads = threads, .keep_pages = true, .start_page = force ? 1 : 0 };
      extract_doc doc;
      assert_int_equal(extract_run(ctx, &req, &doc), DOCTAG_EPDF);
      const char *msg = doctag_error_last()->message;
      assert_non_null(strstr(msg, "page 2: cannot be read"));
      assert_non_null(strstr(msg, "wrong type"));
      extract_doc_clear(&doc);
      if (force)
        continue;
      /* the good page alone reads */
      extract_request one = req;
      one.first_pages = 1;
      assert_int_equal(extract_run(ctx, &one, &doc), DOCTAG_OK);
      assert_int_equal(doc.pages_read, 1);
      assert_non_null(strstr(doc.pages[0].text, "Hello page one"));
      extract_doc_clear(&doc);
    }
  g_bytes_unref(pdf);
}

/* ------------------------------------------------------ generated PDFs */

static cairo_status_t to_bytes(void *closure, const unsigned char *data, unsigned int len)
{
  g_byte_array_append(closure, data, len);
  return CAIRO_STATUS_SUCCESS;
}

#define A4_W 595.0
#define A4_H 842.0

static const char *const prose[] = {
  "The district water board will replace the old feeder main along Station Road.",
  "Supply to the eastern wards stays closed from six in the morning until noon.",
  "Residents are asked to store enough drinking water for the morning hours.",
  "Tankers will stand at the market square and near the primary school gate.",
  "Complaints about low pressure may be made to the ward office by telephone.",
};

static void draw_prose(cairo_t *cr, double size, double x, double y)
{
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, size);
  cairo_set_source_rgb(cr, 0, 0, 0);
  for (size_t i = 0; i < G_N_ELEMENTS(prose); i++) {
    cairo_move_to(cr, x, y + i * size * 1.8);
    cairo_show_text(cr, prose[i]);
  }
}

/* A PDF of `pages` pages, each showing "Page N" and a sentence. */
static GByteArray *make_text_pdf(int pages)
{
  GByteArray *out = g_byte_array_new();
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_bytes, out, A4_W, A4_H);
  cairo_t *cr = cairo_create(s);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  for (int p = 1; p <= pages; p++) {
    char line[128];
    cairo_set_font_size(cr, 14);
    snprintf(line, sizeof line, "Page %d of the generated document", p);
    cairo_move_to(cr, 72, 100);
    cairo_show_text(cr, line);
    snprintf(line, sizeof line, "Paragraph number %d talks about rivers, roads and rain.", p * 7);
    cairo_move_to(cr, 72, 130);
    cairo_show_text(cr, line);
    cairo_show_page(cr);
  }
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_surface_destroy(s);
  return out;
}

/* One page: a scanned image of prose at `ppi` covering the page, with a
 * small text stamp over it (a thin text layer), or a page whose text layer
 * is mojibake, or a sparse page of real text, or a blank page. */
typedef enum { PAGE_SCAN_STAMP, PAGE_MOJIBAKE, PAGE_SPARSE, PAGE_BLANK } page_kind;

static GByteArray *make_page_pdf(page_kind kind, double ppi)
{
  GByteArray *out = g_byte_array_new();
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_bytes, out, A4_W, A4_H);
  cairo_t *cr = cairo_create(s);
  if (kind == PAGE_SCAN_STAMP) {
    int w = (int)(A4_W * ppi / 72), h = (int)(A4_H * ppi / 72);
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *ic = cairo_create(img);
    cairo_set_source_rgb(ic, 0.93, 0.93, 0.9);
    cairo_paint(ic);
    cairo_scale(ic, ppi / 72, ppi / 72);
    draw_prose(ic, 12, 60, 120);
    cairo_destroy(ic);
    cairo_save(cr);
    cairo_scale(cr, 72 / ppi, 72 / ppi);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 6);
    cairo_move_to(cr, 20, 830);
    cairo_show_text(cr, "Scan 0001");
  } else if (kind == PAGE_MOJIBAKE) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 14);
    const char *lines[] = { "ÃÂ¤Ã¤Â¥Ã¤Â¯ Ã¤Â¹Ã¤Â¿Â¨Ã¤Â¦ ÂÃ¤Â° Ã¤Â®Ã¤Â¾Ã¤Â¨Ã¤Â¸",
                            "Ã¤Â¤Ã¤Â¿Ã¤Â¯ Â¢Ã¤Â£Ã¤Â¥ ÃÂ¦Ã¤Â§Ã¤Â¨ Ã¤Â©Ã¤ÂªÂ«" };
    for (int i = 0; i < 2; i++) {
      cairo_move_to(cr, 72, 100 + 30 * i);
      cairo_show_text(cr, lines[i]);
    }
  } else if (kind == PAGE_SPARSE) {
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
    cairo_set_font_size(cr, 28);
    cairo_move_to(cr, 200, 400);
    cairo_show_text(cr, "Annexure B");
  }
  cairo_show_page(cr);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_surface_destroy(s);
  return out;
}

/* A 200 PPI scan of the prose, turned `turn` degrees clockwise (0, 90 or
 * 180). */
static cairo_surface_t *scan_of_prose(int turn)
{
  const double ppi = 200;
  int w = (int)(A4_W * ppi / 72), h = (int)(A4_H * ppi / 72);
  if (turn == 90) {
    int t = w;
    w = h;
    h = t;
  }
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *ic = cairo_create(img);
  cairo_set_source_rgb(ic, 1, 1, 1);
  cairo_paint(ic);
  if (turn == 180) {
    cairo_translate(ic, w, h);
    cairo_rotate(ic, G_PI);
  } else if (turn == 90) {
    cairo_translate(ic, w, 0);
    cairo_rotate(ic, G_PI / 2);
  }
  cairo_scale(ic, ppi / 72, ppi / 72);
  draw_prose(ic, 12, 60, 120);
  cairo_destroy(ic);
  return img;
}

/* OSD (about a quarter of a page's OCR) only for a page that does not read
 * sure upright at first: an upright English page of a new document is read
 * without it, an upside-down one still gets turned, and the page after a
 * turned one is not taken for upright. */
static void test_osd_only_when_unsure(void **state)
{
  (void)state;
  const bool turns[][2] = { { false, false }, { true, false }, { true, true } };
  for (size_t k = 0; k < G_N_ELEMENTS(turns); k++) {
    ocr_memo memo;
    ocr_memo_init(&memo);
    for (int p = 0; p < 2; p++) {
      bool turned = turns[k][p];
      cairo_surface_t *img = scan_of_prose(turned ? 180 : 0);
      ocr_job job = { .image = img, .ppi = 200, .memo = &memo };
      ocr_result r;
      assert_int_equal(ocr_page(&job, &r), DOCTAG_OK);
      printf("  document %zu page %d (%s): OSD %s, turned %d, confidence %.0f, %s\n", k + 1, p + 1,
             turned ? "upside down" : "upright", r.oriented ? "asked" : "not asked", r.rotation, r.confidence,
             r.languages);
      if (!strstr(r.text, "Station Road") || !strstr(r.text, "telephone"))
        fail_msg("document %zu page %d not read: \"%.80s\"", k + 1, p + 1, r.text);
      assert_int_equal(r.rotation, turned ? 180 : 0);
      /* upright pages read sure in English, as the first page or after an
       * upright one; a page upside down, first or after another, needs OSD */
      assert_int_equal(r.oriented, turned);
      ocr_result_clear(&r);
      cairo_surface_destroy(img);
    }
    ocr_memo_clear(&memo);
  }
}

/* A page scanned turned a quarter has its lines down the page: it goes to
 * OSD at once, without the upright reading that could only fail (one
 * recognition pass, not two), first in its document or after an upright
 * English page; and the upright page after it is still read without OSD
 * once a page has read sure upright again. */
static void test_quarter_turn_read_once(void **state)
{
  (void)state;
  const int turns[] = { 90, 0, 90, 0 };
  ocr_memo memo;
  ocr_memo_init(&memo);
  for (size_t p = 0; p < G_N_ELEMENTS(turns); p++) {
    cairo_surface_t *img = scan_of_prose(turns[p]);
    ocr_job job = { .image = img, .ppi = 200, .memo = &memo };
    ocr_result r;
    assert_int_equal(ocr_page(&job, &r), DOCTAG_OK);
    printf("  page %zu (turned %d): OSD %s, turned back %d, %d passes, confidence %.0f\n", p + 1, turns[p],
           r.oriented ? "asked" : "not asked", r.rotation, r.passes, r.confidence);
    if (!strstr(r.text, "Station Road") || !strstr(r.text, "telephone"))
      fail_msg("page %zu not read: \"%.80s\"", p + 1, r.text);
    assert_int_equal(r.rotation, turns[p] ? 360 - turns[p] : 0);
    assert_int_equal(r.oriented, turns[p] != 0);
    assert_int_equal(r.passes, 1);
    ocr_result_clear(&r);
    cairo_surface_destroy(img);
  }
  ocr_memo_clear(&memo);
}

/* Page 1 of the corpus's first Hindi scan at 200 PPI, turned `turn`
 * degrees (0 or 180). */
static cairo_surface_t *hindi_scan(int turn)
{
  const double ppi = 200;
  json_t *m = tu_manifest(), *e;
  size_t i;
  char *path = NULL;
  json_array_foreach(m, i, e) {
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *lang = json_string_value(json_object_get(e, "lang"));
    if (!path && kind && lang && !strcmp(kind, "scanned") && !strcmp(lang, "hin"))
      path = tu_corpus_path(json_string_value(json_object_get(e, "path")));
  }
  if (!path)
    fail_msg("no Hindi scan in the corpus");
  char *uri = g_filename_to_uri(path, NULL, NULL);
  PopplerDocument *pd = poppler_document_new_from_file(uri, NULL, NULL);
  assert_non_null(pd);
  PopplerPage *page = poppler_document_get_page(pd, 0);
  double wpt, hpt;
  poppler_page_get_size(page, &wpt, &hpt);
  int w = (int)(wpt * ppi / 72), h = (int)(hpt * ppi / 72);
  cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create(img);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  if (turn == 180) {
    cairo_translate(cr, w, h);
    cairo_rotate(cr, G_PI);
  }
  cairo_scale(cr, ppi / 72, ppi / 72);
  poppler_page_render(page, cr);
  cairo_destroy(cr);
  g_object_unref(page);
  g_object_unref(pd);
  g_free(uri);
  g_free(path);
  return img;
}

/* A page of words on a headline has no English first guess: a few of its
 * words, read by the Devanagari model, say whether it is upright Hindi
 * before OSD is asked. An upright Hindi page is read without OSD, first in
 * its document; one upside down, first or after an upright one, still gets
 * turned, and first in its document it is read once (its words read
 * unsurely upside down: no upright reading of the whole page is wasted). */
static void test_hindi_upright_without_osd(void **state)
{
  (void)state;
  const int turns[][2] = { { 0, 180 }, { 180, -1 } };
  for (size_t k = 0; k < G_N_ELEMENTS(turns); k++) {
    ocr_memo memo;
    ocr_memo_init(&memo);
    for (int p = 0; p < 2 && turns[k][p] >= 0; p++) {
      cairo_surface_t *img = hindi_scan(turns[k][p]);
      ocr_job job = { .image = img, .ppi = 200, .memo = &memo };
      ocr_result r;
      assert_int_equal(ocr_page(&job, &r), DOCTAG_OK);
      printf("  document %zu page %d (turned %d): OSD %s, turned back %d, %d passes, confidence %.0f, %s\n", k + 1,
             p + 1, turns[k][p], r.oriented ? "asked" : "not asked", r.rotation, r.passes, r.confidence, r.languages);
      lang_counts letters = { 0 };
      lang_count(r.text, strlen(r.text), &letters);
      if (letters.deva < 500 || r.confidence < 85)
        fail_msg("document %zu page %d not read: \"%.80s\"", k + 1, p + 1, r.text);
      assert_string_equal(r.languages, "eng+hin");
      assert_int_equal(r.rotation, turns[k][p]);
      assert_int_equal(r.oriented, turns[k][p] != 0);
      if (p == 0)
        assert_int_equal(r.passes, 1);
      ocr_result_clear(&r);
      cairo_surface_destroy(img);
    }
    ocr_memo_clear(&memo);
  }
}

static doctag_status run_bytes(GByteArray *pdf, extract_request *req, extract_doc *doc)
{
  req->data = pdf->data;
  req->len = pdf->len;
  if (!req->max_pages)
    req->max_pages = 2000;
  return extract_run(ctx, req, doc);
}

static void test_thin_garbled_sparse_blank(void **state)
{
  (void)state;
  extract_doc doc;

  /* a scan with a stamp: the thin layer gives way to OCR of the image */
  GByteArray *pdf = make_page_pdf(PAGE_SCAN_STAMP, 200);
  extract_request req = { .ocr = DOCTAG_OCR_AUTO, .threads = 1, .keep_pages = true };
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_OCR);
  assert_true(doc.pages[0].confidence > 60);
  GString *truth = g_string_new(NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(prose); i++)
    g_string_append_printf(truth, "%s\n", prose[i]);
  double we = tu_word_error(truth->str, doc.pages[0].text);
  printf("  scan with a stamp: OCR, confidence %.0f, words %.1f%%, language %s\n", doc.pages[0].confidence,
         100 * we, doc.pages[0].language);
  assert_true(we < 0.2); /* the stamp is read too */
  assert_string_equal(doc.pages[0].language, "eng");
  extract_doc_clear(&doc);
  /* with OCR off, the thin layer is all there is */
  req.ocr = DOCTAG_OCR_OFF;
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_TEXT);
  assert_string_equal(doc.pages[0].text, "Scan 0001");
  extract_doc_clear(&doc);

  /* the page image is the scan at its own resolution, not a 300 DPI render */
  GBytes *bytes = g_bytes_new_static(pdf->data, pdf->len);
  pdf_source src;
  pdf_source_init(&src, bytes, NULL);
  PopplerDocument *pd = NULL;
  assert_int_equal(pdf_open_render(&src, &pd), DOCTAG_OK);
  PopplerPage *page = poppler_document_get_page(pd, 0);
  pdf_images img;
  pdf_page_images(page, &img);
  assert_true(img.single_id >= 0);
  assert_true(img.coverage > 0.95);
  double ppi = 0;
  cairo_surface_t *surf = pdf_page_image(page, &img, 300, &ppi);
  assert_non_null(surf);
  assert_true(ppi > 195 && ppi < 205);
  assert_int_equal(cairo_image_surface_get_width(surf), (int)(A4_W * 200 / 72));
  cairo_surface_destroy(surf);
  g_object_unref(page);
  g_object_unref(pd);
  pdf_source_clear(&src);
  g_bytes_unref(bytes);
  g_byte_array_free(pdf, TRUE);

  /* mojibake: OCR'd in auto mode, kept as it is with OCR off */
  pdf = make_page_pdf(PAGE_MOJIBAKE, 0);
  req.ocr = DOCTAG_OCR_OFF;
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_TEXT);
  assert_int_equal(garble_judge(doc.pages[0].text, doc.pages[0].len, false), PAGE_GARBLED);
  extract_doc_clear(&doc);
  req.ocr = DOCTAG_OCR_AUTO;
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  printf("  mojibake layer: method %d, confidence %.0f\n", doc.pages[0].method, doc.pages[0].confidence);
  /* OCR'd; its accented Latin-1 glyphs are no language's text (OSD calls
   * them Greek, English reads them at confidence 5), so the page may also
   * come out as one no installed model reads, with no text */
  assert_true(doc.pages[0].method == DOCTAG_PAGE_OCR || doc.pages[0].method == DOCTAG_PAGE_OCR_NO_MODEL);
  extract_doc_clear(&doc);
  g_byte_array_free(pdf, TRUE);

  /* a sparse page of real text and no image keeps its text layer */
  pdf = make_page_pdf(PAGE_SPARSE, 0);
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_TEXT);
  assert_string_equal(doc.pages[0].text, "Annexure B");
  extract_doc_clear(&doc);
  g_byte_array_free(pdf, TRUE);

  /* a blank page is empty, in every mode */
  pdf = make_page_pdf(PAGE_BLANK, 0);
  for (int mode = DOCTAG_OCR_AUTO; mode <= DOCTAG_OCR_OFF; mode++) {
    req.ocr = (doctag_ocr_mode)mode;
    assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
    assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_EMPTY);
    assert_int_equal(doc.pages[0].len, 0);
    assert_true(doc.pages[0].confidence < 0);
    extract_doc_clear(&doc);
  }
  g_byte_array_free(pdf, TRUE);
  g_string_free(truth, TRUE);
}

/* ----------------------------------------------------- order and limits */

typedef struct seen {
  unsigned int next;
  unsigned int cancel_at;  /* 0: never */
  bool texts_ok;
} seen;

static int on_page(const doctag_page_info *p, void *data)
{
  seen *s = data;
  assert_int_equal(p->index, s->next);
  char want[64];
  snprintf(want, sizeof want, "Page %u of the generated document", p->index + 1);
  if (!p->text || !g_str_has_prefix(p->text, want) || p->method != DOCTAG_PAGE_TEXT)
    s->texts_ok = false;
  s->next++;
  return s->cancel_at && s->next == s->cancel_at ? 1 : 0;
}

/* A PDF whose text layer maps glyphs to the ligature characters (U+FB01
 * "ﬁ", U+FB03 "ﬃ", U+FB02 "ﬂ", U+FB00 "ﬀ": what TeX and many typesetters
 * write) is read in the letters people type, as MuPDF and PDFBox read it:
 * a search for "specific" must find the page. */
static void test_ligatures_become_letters(void **state)
{
  (void)state;
  GByteArray *pdf = g_byte_array_new();
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_bytes, pdf, A4_W, A4_H);
  cairo_t *cr = cairo_create(s);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  cairo_move_to(cr, 72, 100);
  cairo_show_text(cr, "The speciﬁc ﬁeld oﬃce is on the ﬁrst ﬂoor, oﬀ the main hall.");
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_surface_destroy(s);

  extract_doc doc;
  extract_request req = { .ocr = DOCTAG_OCR_OFF, .threads = 1, .keep_pages = true };
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  printf("  %s\n", doc.pages[0].text);
  assert_int_equal(doc.pages[0].method, DOCTAG_PAGE_TEXT);
  assert_string_equal(doc.pages[0].text, "The specific field office is on the first floor, off the main hall.");
  extract_doc_clear(&doc);
  g_byte_array_free(pdf, TRUE);
}

/* TeX's bitmap fonts (dvips' Type 3) name glyphs by code and give no
 * ToUnicode: the "fi" of "signification" comes out as the code 28 of the
 * T1 encoding, a control character ("signi\x1ccation"). Drawn here as
 * what poppler reads from such a file: the ligature glyphs, whose text is
 * the T1 (28 fi, 27 ff, 30 ffi, 29 fl) and OT1 (14 ffi) codes. Beside letters they
 * read as their letters; a code away from letters stays as it is. */
static void test_tex_ligature_codes(void **state)
{
  (void)state;
  static const char shown[] = "signi\xef\xac\x81""cation sta\xef\xac\x80 e\xef\xac\x83""cient \xef\xac\x82oor o\xef\xac\x83""ce \xef\xac\x81";
  static const char coded[] = "signi\x1c""cation sta\x1b e\x1e""cient \x1door o\x0e""ce \x1c";
  GByteArray *pdf = g_byte_array_new();
  cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_bytes, pdf, A4_W, A4_H);
  cairo_t *cr = cairo_create(s);
  cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size(cr, 12);
  cairo_glyph_t *glyphs = NULL;
  int n = 0;
  assert_int_equal(cairo_scaled_font_text_to_glyphs(cairo_get_scaled_font(cr), 72, 100, shown, -1, &glyphs, &n,
                                                    NULL, NULL, NULL),
                   CAIRO_STATUS_SUCCESS);
  assert_int_equal((size_t)n, strlen(coded)); /* a glyph a byte */
  cairo_text_cluster_t *clusters = g_new(cairo_text_cluster_t, n);
  for (int i = 0; i < n; i++)
    clusters[i] = (cairo_text_cluster_t){ .num_bytes = 1, .num_glyphs = 1 };
  cairo_show_text_glyphs(cr, coded, -1, glyphs, n, clusters, n, 0);
  g_free(clusters);
  cairo_glyph_free(glyphs);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  cairo_surface_destroy(s);

  extract_doc doc;
  extract_request req = { .ocr = DOCTAG_OCR_OFF, .threads = 1, .keep_pages = true };
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  printf("  %s\n", doc.pages[0].text);
  assert_string_equal(doc.pages[0].text, "signification staff efficient floor office \x1c");
  extract_doc_clear(&doc);
  g_byte_array_free(pdf, TRUE);
}

static void test_order_and_limits(void **state)
{
  (void)state;
  GByteArray *pdf = make_text_pdf(40);
  extract_doc doc;

  /* pages come in order from two workers; nothing kept when asked */
  seen s = { 0, 0, true };
  extract_request req = { .ocr = DOCTAG_OCR_AUTO, .threads = 2, .on_page = on_page, .on_page_data = &s };
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  assert_int_equal(s.next, 40);
  assert_true(s.texts_ok);
  assert_int_equal(doc.page_count, 40);
  assert_int_equal(doc.pages_read, 40);
  assert_non_null(doc.first_text); /* kept for the title */
  assert_true(g_str_has_prefix(doc.first_text, "Page 1 of the generated document"));
  for (unsigned int i = 0; i < 40; i++) {
    assert_null(doc.pages[i].text);
    assert_int_equal(doc.pages[i].method, DOCTAG_PAGE_TEXT);
    assert_string_equal(doc.pages[i].language, "eng");
  }
  assert_string_equal(doc.language, "eng");
  extract_doc_clear(&doc);

  /* one worker or four: the same text */
  GString *texts[2];
  unsigned int threads[2] = { 1, 4 };
  for (int k = 0; k < 2; k++) {
    extract_request r = { .threads = threads[k], .keep_pages = true };
    assert_int_equal(run_bytes(pdf, &r, &doc), DOCTAG_OK);
    texts[k] = g_string_new(NULL);
    for (unsigned int i = 0; i < doc.pages_read; i++)
      g_string_append_printf(texts[k], "%s\f", doc.pages[i].text);
    extract_doc_clear(&doc);
  }
  assert_string_equal(texts[0]->str, texts[1]->str);
  g_string_free(texts[0], TRUE);
  g_string_free(texts[1], TRUE);

  /* the first pages only */
  extract_request first = { .threads = 2, .first_pages = 3, .keep_pages = true };
  assert_int_equal(run_bytes(pdf, &first, &doc), DOCTAG_OK);
  assert_int_equal(doc.page_count, 40);
  assert_int_equal(doc.pages_read, 3);
  assert_non_null(strstr(doc.pages[2].text, "Page 3 "));
  extract_doc_clear(&doc);

  /* too many pages */
  extract_request limit = { .threads = 2, .max_pages = 39 };
  assert_int_equal(run_bytes(pdf, &limit, &doc), DOCTAG_ELIMIT);
  assert_non_null(strstr(doctag_error_last()->message, "40 pages"));
  extract_doc_clear(&doc);

  /* out of time */
  extract_request late = { .threads = 2, .deadline = ctx_now() - 1 };
  assert_int_equal(run_bytes(pdf, &late, &doc), DOCTAG_ETIMEOUT);
  assert_non_null(strstr(doctag_error_last()->message, "time limit"));
  extract_doc_clear(&doc);
  late.threads = 1;
  assert_int_equal(run_bytes(pdf, &late, &doc), DOCTAG_ETIMEOUT);
  extract_doc_clear(&doc);

  /* the callback cancels, with one worker and with several */
  for (unsigned int t = 1; t <= 2; t++) {
    seen c = { 0, 5, true };
    extract_request cancel = { .threads = t, .on_page = on_page, .on_page_data = &c };
    assert_int_equal(run_bytes(pdf, &cancel, &doc), DOCTAG_ECANCELLED);
    assert_int_equal(c.next, 5);
    assert_non_null(strstr(doctag_error_last()->message, "callback at page 5"));
    extract_doc_clear(&doc);
  }
  g_byte_array_free(pdf, TRUE);
}

/* Several documents at once share the page workers. */
static void *extract_in_thread(void *arg)
{
  GByteArray *pdf = arg;
  seen s = { 0, 0, true };
  extract_request req = { .data = pdf->data, .len = pdf->len, .threads = 2, .on_page = on_page,
                          .on_page_data = &s, .max_pages = 100 };
  extract_doc doc;
  doctag_status st = extract_run(ctx, &req, &doc);
  extract_doc_clear(&doc);
  return GINT_TO_POINTER(st == DOCTAG_OK && s.next == 25 && s.texts_ok);
}

static void test_concurrent_documents(void **state)
{
  (void)state;
  GByteArray *pdf = make_text_pdf(25);
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, extract_in_thread, pdf);
  for (int i = 0; i < 4; i++) {
    void *ok = NULL;
    pthread_join(t[i], &ok);
    assert_true(GPOINTER_TO_INT(ok));
  }
  g_byte_array_free(pdf, TRUE);
}

/* A process forked after extracting (a server forking its workers) starts
 * its own page workers instead of waiting for its parent's. */
static void test_fork(void **state)
{
  (void)state;
  GByteArray *pdf = make_text_pdf(12);
  extract_doc doc;
  extract_request req = { .threads = 2 };
  assert_int_equal(run_bytes(pdf, &req, &doc), DOCTAG_OK);
  extract_doc_clear(&doc);
  fflush(stdout);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    alarm(60); /* a child waiting for workers it does not have would hang */
    seen s = { 0, 0, true };
    extract_request r = { .threads = 2, .on_page = on_page, .on_page_data = &s };
    doctag_status st = run_bytes(pdf, &r, &doc);
    _exit(st == DOCTAG_OK && s.next == 12 && s.texts_ok ? 0 : 1);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  g_byte_array_free(pdf, TRUE);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_title),
    cmocka_unit_test(test_language),
    cmocka_unit_test(test_garbled),
    cmocka_unit_test(test_devanagari_repairs),
    cmocka_unit_test(test_not_a_pdf),
    cmocka_unit_test(test_page_not_a_page),
    cmocka_unit_test(test_order_and_limits),
    cmocka_unit_test(test_concurrent_documents),
    cmocka_unit_test(test_fork),
    cmocka_unit_test(test_thin_garbled_sparse_blank),
    cmocka_unit_test(test_ligatures_become_letters),
    cmocka_unit_test(test_tex_ligature_codes),
    cmocka_unit_test(test_osd_only_when_unsure),
    cmocka_unit_test(test_quarter_turn_read_once),
    cmocka_unit_test(test_hindi_upright_without_osd),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
