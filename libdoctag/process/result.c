/* doctag_result: accessors and the SinglePDFResponse JSON rendering. */
#include "process/result.h"
#include "core/error.h"
#include "core/json.h"
#include "core/utf8.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

/* OCR confidence under which a page's text is not to be trusted. */
#define QUALITY_HIGH_CONF 80.0
#define QUALITY_MEDIUM_CONF 60.0
#define PREVIEW_CHARS 500

void result_add_warning(doctag_result *r, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  char *w = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (!r->warnings)
    r->warnings = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < r->warnings->len; i++)
    if (!strcmp(g_ptr_array_index(r->warnings, i), w)) {
      g_free(w);
      return;
    }
  g_ptr_array_add(r->warnings, w);
}

void result_note_text_cap(doctag_result *r, uint64_t cap)
{
  if (r && r->text && cap && r->text->len > cap)
    result_add_warning(r, "Text truncated to %" G_GUINT64_FORMAT " KB of %" G_GUINT64_FORMAT
                       " KB in history (DOCTAG_MAX_TEXT_KB)", cap / 1024, ((guint64)r->text->len + 1023) / 1024);
}

void result_summarise(doctag_result *r)
{
  unsigned int text_pages = 0, ocr_pages = 0, unread = 0;
  double conf_sum = 0;
  for (unsigned int i = 0; i < r->pages_read; i++) {
    const extract_page *p = &r->pages[i];
    if (p->warning)
      result_add_warning(r, "Page %u: %s", r->first_page + i + 1, p->warning);
    if (p->method == DOCTAG_PAGE_TEXT)
      text_pages++;
    else if (p->method == DOCTAG_PAGE_OCR || p->method == DOCTAG_PAGE_OCR_NO_MODEL) {
      /* a page no model could read is a scan read with no confidence */
      ocr_pages++;
      conf_sum += p->confidence < 0 ? 0 : p->confidence;
      unread += p->method == DOCTAG_PAGE_OCR_NO_MODEL;
    }
  }
  r->ocr_confidence = ocr_pages ? conf_sum / ocr_pages : -1;
  r->is_scanned = ocr_pages > 0 && ocr_pages >= text_pages;
  if (!text_pages && !ocr_pages)
    r->extraction_method = "none";
  else if (!ocr_pages)
    r->extraction_method = "text_layer";
  else if (!text_pages)
    r->extraction_method = "ocr_tesseract";
  else
    r->extraction_method = "hybrid";
  if ((!text_pages && !ocr_pages) || unread)
    r->quality = "low";
  else if (!ocr_pages || r->ocr_confidence >= QUALITY_HIGH_CONF)
    r->quality = "high";
  else if (r->ocr_confidence >= QUALITY_MEDIUM_CONF)
    r->quality = "medium";
  else
    r->quality = "low";
  /* text is missing from a page: a person should look, tags or not */
  if (unread)
    r->needs_review = true;
}

DOCTAG_API void doctag_result_free(doctag_result *r)
{
  if (!r)
    return;
  for (unsigned int i = 0; i < r->pages_read && r->pages; i++) {
    g_free(r->pages[i].text);
    g_free(r->pages[i].warning);
  }
  g_free(r->pages);
  if (r->warnings)
    g_ptr_array_free(r->warnings, TRUE);
  g_free(r->title);
  g_free(r->file_name);
  if (r->text)
    g_string_free(r->text, TRUE);
  tag_outcome_clear(&r->tags);
  if (r->terms)
    g_ptr_array_free(r->terms, TRUE);
  g_free(r->document_id);
  g_free(r);
}

#define EMPTY_IF_NULL(s) ((s) ? (s) : "")

DOCTAG_API const char *doctag_result_title(const doctag_result *r) { return r ? EMPTY_IF_NULL(r->title) : NULL; }
DOCTAG_API const char *doctag_result_text(const doctag_result *r) { return r ? (r->text ? r->text->str : "") : NULL; }
DOCTAG_API size_t doctag_result_text_length(const doctag_result *r) { return r && r->text ? r->text->len : 0; }
DOCTAG_API unsigned int doctag_result_page_count(const doctag_result *r) { return r ? r->page_count : 0; }
DOCTAG_API unsigned int doctag_result_pages_read(const doctag_result *r) { return r ? r->pages_read : 0; }
DOCTAG_API unsigned int doctag_result_first_page(const doctag_result *r)
{
  return r && r->pages_read ? r->first_page + 1 : 0;
}

DOCTAG_API const char *doctag_result_page_text(const doctag_result *r, unsigned int index)
{
  if (!r || index >= r->pages_read)
    return NULL;
  return EMPTY_IF_NULL(r->pages[index].text);
}

DOCTAG_API doctag_page_method doctag_result_page_method(const doctag_result *r, unsigned int index)
{
  return r && index < r->pages_read ? r->pages[index].method : DOCTAG_PAGE_EMPTY;
}

DOCTAG_API double doctag_result_page_confidence(const doctag_result *r, unsigned int index)
{
  return r && index < r->pages_read ? r->pages[index].confidence : -1;
}

DOCTAG_API const char *doctag_result_page_warning(const doctag_result *r, unsigned int index)
{
  return r && index < r->pages_read ? r->pages[index].warning : NULL;
}

DOCTAG_API bool doctag_result_is_scanned(const doctag_result *r) { return r && r->is_scanned; }
DOCTAG_API const char *doctag_result_extraction_method(const doctag_result *r) { return r ? EMPTY_IF_NULL(r->extraction_method) : NULL; }
DOCTAG_API double doctag_result_ocr_confidence(const doctag_result *r) { return r ? r->ocr_confidence : -1; }
DOCTAG_API const char *doctag_result_quality(const doctag_result *r) { return r ? EMPTY_IF_NULL(r->quality) : NULL; }
DOCTAG_API const char *doctag_result_language(const doctag_result *r) { return r ? r->language : NULL; }
DOCTAG_API size_t doctag_result_tag_count(const doctag_result *r) { return r ? r->tags.count : 0; }

DOCTAG_API const char *doctag_result_tag_at(const doctag_result *r, size_t i)
{
  return r && i < r->tags.count ? r->tags.items[i].tag : NULL;
}

DOCTAG_API double doctag_result_tag_score(const doctag_result *r, size_t i)
{
  return r && i < r->tags.count ? r->tags.items[i].score : 0;
}

DOCTAG_API bool doctag_result_tag_evidence(const doctag_result *r, size_t i)
{
  return r && i < r->tags.count && r->tags.items[i].evidence;
}

DOCTAG_API bool doctag_result_needs_review(const doctag_result *r) { return r && r->needs_review; }
DOCTAG_API const char *doctag_result_model_name(const doctag_result *r) { return r ? EMPTY_IF_NULL(r->tags.model_name) : NULL; }
DOCTAG_API const char *doctag_result_raw_response(const doctag_result *r) { return r ? EMPTY_IF_NULL(r->tags.raw_response) : NULL; }
DOCTAG_API unsigned int doctag_result_tokens_used(const doctag_result *r) { return r ? r->tags.tokens_used : 0; }
DOCTAG_API double doctag_result_processing_time(const doctag_result *r) { return r ? r->processing_time : 0; }
DOCTAG_API const char *doctag_result_document_id(const doctag_result *r) { return r ? EMPTY_IF_NULL(r->document_id) : NULL; }
DOCTAG_API const char *doctag_result_sha256(const doctag_result *r) { return r ? r->sha256 : NULL; }

DOCTAG_API size_t doctag_result_warning_count(const doctag_result *r)
{
  return r && r->warnings ? r->warnings->len : 0;
}

DOCTAG_API const char *doctag_result_warning_at(const doctag_result *r, size_t i)
{
  return r && r->warnings && i < r->warnings->len ? g_ptr_array_index(r->warnings, i) : NULL;
}

static double round2(double x)
{
  return round(x * 100.0) / 100.0;
}

static const char *page_method_name(doctag_page_method m)
{
  switch (m) {
  case DOCTAG_PAGE_TEXT: return "text_layer";
  case DOCTAG_PAGE_OCR: return "ocr_tesseract";
  case DOCTAG_PAGE_OCR_NO_MODEL: return "ocr_no_model";
  default: return "empty";
  }
}

/* {"tag":..., "score":..., "evidence":...}: left out whole where jansson's
 * json_pack() would have failed on one of them. */
static void put_detail(json_w *w, const tag_item *t)
{
  json_mark mark;
  json_w o = json_w_open(w, NULL, '{', &mark);
  bool ok = json_w_string(&o, "tag", t->tag);
  ok = json_w_real(&o, "score", round(t->score * 1000.0) / 1000.0) && ok;
  json_w_bool(&o, "evidence", t->evidence);
  g_string_append_c(w->s, '}');
  if (!ok)
    json_w_undo(w, &mark);
}

static void put_page(json_w *w, unsigned int number, const extract_page *p)
{
  json_mark mark;
  json_w o = json_w_open(w, NULL, '{', &mark);
  json_w_int(&o, "page", (int)number);
  json_w_string(&o, "method", page_method_name(p->method));
  bool ok = true;
  if (p->confidence < 0)
    json_w_null(&o, "ocr_confidence");
  else
    ok = json_w_real(&o, "ocr_confidence", round2(p->confidence));
  g_string_append_c(w->s, '}');
  if (!ok)
    json_w_undo(w, &mark);
}

/* The SinglePDFResponse, written straight into text (core/json.h): the
 * same bytes as jansson's dump of the object it once built, at a fraction
 * of the cost (building and dumping it cost as much as a tenth of tagging
 * a short document). */
DOCTAG_API doctag_status doctag_result_to_json(const doctag_result *r, char **json)
{
  err_clear();
  if (!r || !json)
    return err_set(DOCTAG_EINVAL, "result and json must not be NULL");
  *json = NULL;
  json_w o = { .s = g_string_sized_new(4096) };
  g_string_append_c(o.s, '{');
  json_w_bool(&o, "success", true);
  json_w_string(&o, "document_title", EMPTY_IF_NULL(r->title));
  json_mark at;
  json_w a = json_w_open(&o, "tags", '[', &at);
  for (size_t i = 0; i < r->tags.count; i++)
    json_w_string(&a, NULL, r->tags.items[i].tag);
  g_string_append_c(o.s, ']');
  char *preview = utf8_prefix(r->text ? r->text->str : "", PREVIEW_CHARS);
  json_w_string(&o, "extracted_text_preview", preview);
  g_free(preview);
  json_w_real(&o, "processing_time", round2(r->processing_time));
  json_w_bool(&o, "is_scanned", r->is_scanned);
  json_w_string(&o, "extraction_method", EMPTY_IF_NULL(r->extraction_method));
  if (r->ocr_confidence < 0)
    json_w_null(&o, "ocr_confidence");
  else
    json_w_real(&o, "ocr_confidence", round2(r->ocr_confidence));
  json_w_string(&o, "raw_ai_response", EMPTY_IF_NULL(r->tags.raw_response));
  json_w_null(&o, "error");
  /* NEW fields */
  if (r->document_id)
    json_w_string(&o, "document_id", r->document_id);
  else
    json_w_null(&o, "document_id");
  if (r->from_text)
    json_w_null(&o, "page_count");
  else
    json_w_int(&o, "page_count", r->page_count);
  json_w_string(&o, "detected_language", r->language);
  a = json_w_open(&o, "tag_details", '[', &at);
  for (size_t i = 0; i < r->tags.count; i++)
    put_detail(&a, &r->tags.items[i]);
  g_string_append_c(o.s, ']');
  json_w_bool(&o, "needs_review", r->needs_review);
  json_w_string(&o, "model_name", EMPTY_IF_NULL(r->tags.model_name));
  json_w_int(&o, "tokens_used", r->tags.tokens_used);
  json_w_string(&o, "quality", EMPTY_IF_NULL(r->quality));
  a = json_w_open(&o, "pages", '[', &at);
  for (unsigned int i = 0; i < r->pages_read; i++)
    put_page(&a, r->first_page + i + 1, &r->pages[i]);
  g_string_append_c(o.s, ']');
  a = json_w_open(&o, "warnings", '[', &at);
  for (size_t i = 0; i < doctag_result_warning_count(r); i++)
    json_w_string(&a, NULL, doctag_result_warning_at(r, i));
  g_string_append_c(o.s, ']');
  g_string_append_c(o.s, '}');
  *json = g_string_free(o.s, FALSE);
  return DOCTAG_OK;
}
