/* The processing pipeline behind doctag_process_* and doctag_extract_*:
 * fetch -> extract (text layer, OCR) -> tag -> (record). */
#include "process/process.h"
#include "blob/blob.h"
#include "core/ctx.h"
#include "core/error.h"
#include "core/fileout.h"
#include "core/sha256.h"
#include "core/stats.h"
#include "core/utf8.h"
#include "extract/extract.h"
#include "fetch/fetch.h"
#include "history/history.h"
#include "tag/tag.h"

#include <glib.h>
#include <string.h>

#define MIN_TEXT_CHARS 50

/* Characters that are not white space, up to `enough`. */
static size_t visible_chars(const char *s, size_t enough)
{
  size_t n = 0;
  for (const char *p = s; *p && n < enough; p = g_utf8_next_char(p))
    if (!g_unichar_isspace(g_utf8_get_char(p)))
      n++;
  return n;
}

/* Where history says a document came from: its path or URL, or for an
 * upload its file name. */
static const char *source_where(const fetch_source *src, const doctag_result *r)
{
  return src->kind == FETCH_UPLOAD ? r->file_name : src->where;
}

/* The document frequencies of `owner`'s archive for the text of r, which
 * keeps the terms it is counted with when recorded (r->terms). */
static doctag_status owner_df(doctag_ctx *ctx, doctag_result *r, const char *owner, tag_df *df)
{
  r->terms = tag_terms(r->text->str, r->language);
  return history_df_lookup(ctx, owner, r->sha256[0] ? r->sha256 : NULL, (const char *const *)r->terms->pdata,
                           r->terms->len, &df->n_docs, &df->df);
}

/* The tagging step shared by documents and plain text: the ENOTEXT rule,
 * then the chosen tagger on r->text (`pdf`: it was extracted from a PDF),
 * with the document frequencies of `owner`'s archive (NULL: standalone). */
static doctag_status tag_result(doctag_ctx *ctx, doctag_result *r, const doctag_process_options *o,
                                double t0, bool pdf, const char *owner)
{
  size_t visible = visible_chars(r->text->str, MIN_TEXT_CHARS);
  if (visible < MIN_TEXT_CHARS && pdf) {
    /* the pages' warnings say why (no OCR model for the page's script) */
    const char *why = doctag_result_warning_count(r) ? doctag_result_warning_at(r, 0) : NULL;
    return err_set(DOCTAG_ENOTEXT, "Could not extract sufficient text from PDF. The document may be "
                   "blank, or a scan OCR could not read (%zu characters found)%s%s.", visible,
                   why ? ". " : "", why ? why : "");
  }
  if (visible < MIN_TEXT_CHARS)
    return err_set(DOCTAG_ENOTEXT, "Not enough text to tag: %zu visible characters, at least %d are needed.",
                   visible, MIN_TEXT_CHARS);
  const char *key = NULL;
  doctag_status st = process_llm_key(ctx, o, &key);
  if (st)
    return st;
  if (strcmp(o->model_name, "local") && !key)
    result_add_warning(r, "No API key for model '%s': tagged with the offline tagger", o->model_name);
  tag_request treq = {
    .title = r->title, .text = r->text->str, .language = r->language, .num_tags = o->num_tags,
    .exclusion = o->exclusion_words, .exclusion_count = o->exclusion_count,
    .vocabulary = o->vocabulary, .vocabulary_count = o->vocabulary_count,
    .model_name = o->model_name, .api_key = key, .deadline = t0 + o->timeout_sec,
  };
  tag_df df = { 0 };
  if (owner && (st = owner_df(ctx, r, owner, &df))) {
    g_hash_table_unref(df.df);
    return st;
  }
  treq.df = owner ? &df : NULL;
  st = tag_run(ctx, &treq, &r->tags);
  if (df.df)
    g_hash_table_unref(df.df);
  if (st)
    return st;
  r->tagged = true;
  r->needs_review = r->tags.count < o->num_tags || !strcmp(r->quality, "low");
  return DOCTAG_OK;
}

/* `counted_as`: the source the document counts under in the metrics
 * (core/stats.h): where it came from, which for a batch row's bytes is the
 * row's source, not an upload. */
static doctag_status run(doctag_ctx *ctx, doctag_result **out, const fetch_source *src,
                         const doctag_process_options *opts_in, bool tag, const char *counted_as,
                         const char *df_owner)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  double t0 = ctx_now();
  int64_t started_us = g_get_real_time();
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  doctag_status st = process_options_effective(ctx, opts_in, &o);
  if (st)
    return st;

  GBytes *bytes = NULL;
  char *name = NULL;
  doctag_result *r = g_new0(doctag_result, 1);
  r->ocr_confidence = -1;
  if ((st = fetch_source_get(ctx, src, o.max_file_bytes, o.timeout_sec, &bytes, &name)))
    goto fail;
  r->file_name = o.file_name && *o.file_name ? g_strdup(o.file_name) : name;
  if (r->file_name != name)
    g_free(name);

  gsize len = 0;
  const unsigned char *data = g_bytes_get_data(bytes, &len);
  if (len == 0) {
    st = err_set(DOCTAG_EPDF, "Empty PDF file (0 bytes)");
    goto fail;
  }
  sha256_hex(data, len, r->sha256);

  bool stream = !tag && o.on_page;
  extract_request req = {
    .data = data, .len = len, .ocr = o.ocr, .languages = o.languages, .password = o.password,
    .start_page = o.first_page ? o.first_page - 1 : 0, .first_pages = tag ? o.num_pages : 0, .max_pages = o.max_pages,
    .deadline = t0 + o.timeout_sec, .threads = ctx->threads,
    .on_page = o.on_page, .on_page_data = o.on_page_data, .keep_pages = !stream,
    .title_page = tag,
  };
  extract_doc doc = { 0 };
  /* Streaming extraction (extract with on_page) keeps no page text beyond
   * the pages in flight: memory stays flat whatever the page count. */
  if ((st = extract_run(ctx, &req, &doc))) {
    extract_doc_clear(&doc);
    goto fail;
  }
  r->page_count = doc.page_count;
  r->pages_read = doc.pages_read;
  r->first_page = req.start_page;
  r->pages = doc.pages;
  doc.pages = NULL;
  for (unsigned int i = 0; i < r->pages_read; i++)
    stats_page(r->pages[i].method);
  g_strlcpy(r->language, doc.language, sizeof r->language);
  r->text = g_string_new(NULL);
  for (unsigned int i = 0; i < r->pages_read && !stream; i++) {
    if (i)
      g_string_append_c(r->text, '\f');
    if (r->pages[i].text)
      g_string_append_len(r->text, r->pages[i].text, (gssize)r->pages[i].len);
  }
  /* the document's language from its words (extraction only knows scripts) */
  if (!stream && r->text->len)
    tag_detect_language(r->text->str, r->text->len, r->language, sizeof r->language);
  if (!r->language[0])
    g_strlcpy(r->language, doc.language, sizeof r->language);
  const char *first_text = doc.first_text ? doc.first_text : "";
  r->title = extract_title(doc.meta_title, first_text, r->file_name);
  extract_doc_clear(&doc);
  result_summarise(r);

  if (tag && (st = tag_result(ctx, r, &o, t0, true, df_owner ? df_owner : o.user_id)))
    goto fail;
  r->processing_time = ctx_now() - t0;
  /* A result the caller's history does not hold would be a 200 hiding a
   * failure: a failed recording fails the call. */
  if (tag && o.user_id && (st = blob_put_hashed(ctx, data, len, r->sha256))) /* hashed above, once */
    goto fail_unrecorded;
  if (tag && o.user_id)
    result_note_text_cap(r, ctx->max_text_bytes);
  if (tag && o.user_id &&
      (st = process_record_result(ctx, &o, r, fetch_kind_name(src->kind), source_where(src, r), (int64_t)len,
                                  started_us, &r->document_id)))
    goto fail_unrecorded;
  if (tag)
    stats_document(counted_as, true);
  g_bytes_unref(bytes);
  *out = r;
  return DOCTAG_OK;

fail:
  /* The document failed: that too is history (bad options are not). */
  if (tag && o.user_id && st != DOCTAG_EINVAL && st != DOCTAG_ECANCELLED) {
    char *msg = g_strdup(doctag_error_last()->message);
    process_record_failure(ctx, &o, r->title, fetch_kind_name(src->kind), source_where(src, r),
                           bytes ? (int64_t)g_bytes_get_size(bytes) : -1, msg, started_us, NULL);
    err_set(st, "%s", msg);
    g_free(msg);
  }
fail_unrecorded:
  if (tag && st != DOCTAG_EINVAL && st != DOCTAG_ECANCELLED)
    stats_document(counted_as, false);
  if (bytes)
    g_bytes_unref(bytes);
  doctag_result_free(r);
  return st;
}

DOCTAG_API doctag_status doctag_process_file(doctag_ctx *ctx, doctag_result **out, const char *path,
                                             const doctag_process_options *opts)
{
  fetch_source s = { FETCH_FILE, path, NULL, 0 };
  return run(ctx, out, &s, opts, true, fetch_kind_name(s.kind), NULL);
}

DOCTAG_API doctag_status doctag_process_buffer(doctag_ctx *ctx, doctag_result **out, const void *data,
                                               size_t len, const doctag_process_options *opts)
{
  fetch_source s = { FETCH_UPLOAD, NULL, data, len };
  return run(ctx, out, &s, opts, true, fetch_kind_name(s.kind), NULL);
}

DOCTAG_API doctag_status doctag_process_url(doctag_ctx *ctx, doctag_result **out, const char *url,
                                            const doctag_process_options *opts)
{
  fetch_source s = { fetch_kind_of_url(url), url, NULL, 0 };
  return run(ctx, out, &s, opts, true, fetch_kind_name(s.kind), NULL);
}

doctag_status process_row_buffer(doctag_ctx *ctx, doctag_result **out, const void *data, size_t len,
                                 const doctag_process_options *opts, const char *source, const char *owner)
{
  fetch_source s = { FETCH_UPLOAD, NULL, data, len };
  return run(ctx, out, &s, opts, true, source, owner);
}

DOCTAG_API doctag_status doctag_extract_file(doctag_ctx *ctx, doctag_result **out, const char *path,
                                             const doctag_process_options *opts)
{
  fetch_source s = { FETCH_FILE, path, NULL, 0 };
  return run(ctx, out, &s, opts, false, fetch_kind_name(s.kind), NULL);
}

DOCTAG_API doctag_status doctag_extract_buffer(doctag_ctx *ctx, doctag_result **out, const void *data,
                                               size_t len, const doctag_process_options *opts)
{
  fetch_source s = { FETCH_UPLOAD, NULL, data, len };
  return run(ctx, out, &s, opts, false, fetch_kind_name(s.kind), NULL);
}

DOCTAG_API doctag_status doctag_extract_url(doctag_ctx *ctx, doctag_result **out, const char *url,
                                            const doctag_process_options *opts)
{
  fetch_source s = { fetch_kind_of_url(url), url, NULL, 0 };
  return run(ctx, out, &s, opts, false, fetch_kind_name(s.kind), NULL);
}

DOCTAG_API doctag_status doctag_fetch_url(doctag_ctx *ctx, const char *url, const doctag_process_options *opts,
                                          void **data, size_t *len, char **file_name)
{
  doctag_status st = fileout_begin(ctx, data, len, file_name);
  if (st)
    return st;
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  if ((st = process_options_effective(ctx, opts, &o)))
    return st;
  /* The preview fetches http(s) only. */
  fetch_source src = { FETCH_URL, url, NULL, 0 };
  GBytes *bytes = NULL;
  char *name = NULL;
  if ((st = fetch_source_get(ctx, &src, o.max_file_bytes, o.timeout_sec, &bytes, &name)))
    return st;
  fileout_give(bytes, name, data, len, file_name);
  return DOCTAG_OK;
}

DOCTAG_API doctag_status doctag_url_fetch(doctag_ctx *ctx, void **data, size_t *len, char **file_name,
                                          const char *url, const doctag_process_options *opts)
{
  return doctag_fetch_url(ctx, url, opts, data, len, file_name);
}

DOCTAG_API doctag_status doctag_tag_text(doctag_ctx *ctx, doctag_result **out, const char *text, size_t len,
                                         const char *title, const doctag_process_options *opts)
{
  err_clear();
  if (!out)
    return err_set(DOCTAG_EINVAL, "out is NULL");
  *out = NULL;
  if (!ctx)
    return err_set(DOCTAG_EINVAL, "ctx is NULL");
  if (!text && len)
    return err_set(DOCTAG_EINVAL, "text is NULL");
  double t0 = ctx_now();
  int64_t started_us = g_get_real_time();
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  doctag_status st = process_options_effective(ctx, opts, &o);
  if (st)
    return st;
  if (!text)
    text = "";
  if (len > o.max_file_bytes)
    return err_set(DOCTAG_ELIMIT, "text is %.1f MB, over the limit of %.1f MB", len / 1048576.0,
                   o.max_file_bytes / 1048576.0);
  const char *bad = NULL;
  if (!g_utf8_validate(text, (gssize)len, &bad))
    return err_set(DOCTAG_EINVAL, "text is not UTF-8 (invalid byte at offset %zu)", (size_t)(bad - text));
  if (title && !g_utf8_validate(title, -1, NULL))
    return err_set(DOCTAG_EINVAL, "title is not UTF-8");

  doctag_result *r = g_new0(doctag_result, 1);
  r->ocr_confidence = -1;
  r->from_text = true;
  r->extraction_method = "text";
  r->quality = "high";
  r->text = g_string_new_len(text, (gssize)len);
  r->file_name = g_strdup(o.file_name && *o.file_name ? o.file_name : "");
  sha256_hex(text, len, r->sha256);
  /* ligatures pasted from a PDF ("speciﬁc") become letters, as extraction
   * makes them: the tags, the title and the text searched */
  char *folded = utf8_fold_presentation_forms(r->text->str);
  if (folded) {
    g_string_assign(r->text, folded);
    g_free(folded);
  }
  tag_detect_language(r->text->str, r->text->len, r->language, sizeof r->language);
  /* no title given: the text's own (its first line of title length), else the file name */
  if (title && *title) {
    r->title = utf8_fold_presentation_forms(title);
    if (!r->title)
      r->title = g_strdup(title);
  } else {
    char *head = utf8_prefix(r->text->str, 2000);
    r->title = extract_title(NULL, head, r->file_name);
    g_free(head);
  }
  if ((st = tag_result(ctx, r, &o, t0, false, o.user_id)))
    goto fail;
  r->processing_time = ctx_now() - t0;
  if (o.user_id)
    result_note_text_cap(r, ctx->max_text_bytes);
  if (o.user_id && (st = process_record_result(ctx, &o, r, "text", r->file_name, (int64_t)len, started_us,
                                               &r->document_id)))
    goto fail_unrecorded;
  stats_document("text", true);
  *out = r;
  return DOCTAG_OK;

fail:
  if (o.user_id && st != DOCTAG_EINVAL && st != DOCTAG_ECANCELLED) {
    char *msg = g_strdup(doctag_error_last()->message);
    process_record_failure(ctx, &o, r->title, "text", r->file_name, (int64_t)len, msg, started_us, NULL);
    err_set(st, "%s", msg);
    g_free(msg);
  }
fail_unrecorded:
  if (st != DOCTAG_EINVAL && st != DOCTAG_ECANCELLED)
    stats_document("text", false);
  doctag_result_free(r);
  return st;
}
