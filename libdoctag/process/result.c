/* doctag_result: accessors and the SinglePDFResponse JSON rendering. */
#include "process/result.h"
#include "core/error.h"
#include "core/json.h"
#include "core/utf8.h"

#include <jansson.h>
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

DOCTAG_API doctag_status doctag_result_to_json(const doctag_result *r, char **json)
{
  err_clear();
  if (!r || !json)
    return err_set(DOCTAG_EINVAL, "result and json must not be NULL");
  *json = NULL;
  json_t *o = json_object();
  json_t *tags = json_array(), *details = json_array(), *pages = json_array(), *warnings = json_array();
  for (size_t i = 0; i < doctag_result_warning_count(r); i++)
    json_array_append_new(warnings, json_string(doctag_result_warning_at(r, i)));
  for (size_t i = 0; i < r->tags.count; i++) {
    const tag_item *t = &r->tags.items[i];
    json_array_append_new(tags, json_string(t->tag));
    json_array_append_new(details, json_pack("{s:s, s:f, s:b}", "tag", t->tag,
                                             "score", round(t->score * 1000.0) / 1000.0,
                                             "evidence", t->evidence));
  }
  for (unsigned int i = 0; i < r->pages_read; i++) {
    const extract_page *p = &r->pages[i];
    json_array_append_new(pages, json_pack("{s:i, s:s, s:o}", "page", (int)(r->first_page + i) + 1,
                                           "method", page_method_name(p->method),
                                           "ocr_confidence",
                                           p->confidence < 0 ? json_null() : json_real(round2(p->confidence))));
  }
  char *preview = utf8_prefix(r->text ? r->text->str : "", PREVIEW_CHARS);
  json_object_set_new(o, "success", json_true());
  json_object_set_new(o, "document_title", json_string(EMPTY_IF_NULL(r->title)));
  json_object_set_new(o, "tags", tags);
  json_object_set_new(o, "extracted_text_preview", json_string(preview));
  json_object_set_new(o, "processing_time", json_real(round2(r->processing_time)));
  json_object_set_new(o, "is_scanned", json_boolean(r->is_scanned));
  json_object_set_new(o, "extraction_method", json_string(EMPTY_IF_NULL(r->extraction_method)));
  json_object_set_new(o, "ocr_confidence",
                      r->ocr_confidence < 0 ? json_null() : json_real(round2(r->ocr_confidence)));
  json_object_set_new(o, "raw_ai_response", json_string(EMPTY_IF_NULL(r->tags.raw_response)));
  json_object_set_new(o, "error", json_null());
  /* NEW fields */
  json_object_set_new(o, "document_id", r->document_id ? json_string(r->document_id) : json_null());
  json_object_set_new(o, "page_count", r->from_text ? json_null() : json_integer(r->page_count));
  json_object_set_new(o, "detected_language", json_string(r->language));
  json_object_set_new(o, "tag_details", details);
  json_object_set_new(o, "needs_review", json_boolean(r->needs_review));
  json_object_set_new(o, "model_name", json_string(EMPTY_IF_NULL(r->tags.model_name)));
  json_object_set_new(o, "tokens_used", json_integer(r->tags.tokens_used));
  json_object_set_new(o, "quality", json_string(EMPTY_IF_NULL(r->quality)));
  json_object_set_new(o, "pages", pages);
  json_object_set_new(o, "warnings", warnings);
  g_free(preview);
  return json_out_take(o, json);
}
