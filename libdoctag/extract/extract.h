/* Internal: text extraction with poppler, OCR with tesseract. */
#ifndef DOCTAG_EXTRACT_H
#define DOCTAG_EXTRACT_H

#include "core/ctx.h"
#include "doctag/process.h"

typedef struct extract_page {
  char *text;                 /* UTF-8, owned (g_malloc) */
  size_t len;
  doctag_page_method method;
  double confidence;          /* 0..100 or -1 */
  char language[16];          /* "eng", "hin", "hin+eng" or "" */
  char *warning;              /* a degradation worth telling the user ("no OCR model
                               * installed for script Han ..."), owned (g_malloc), or NULL;
                               * the result reports it as "Page N: <warning>" */
} extract_page;

typedef struct extract_request {
  const unsigned char *data;  /* the PDF bytes, borrowed */
  size_t len;
  doctag_ocr_mode ocr;
  const char *languages;      /* NULL: automatic */
  const char *password;
  unsigned int start_page;    /* 0-based index of the first page read; past the
                               * last page: DOCTAG_EINVAL, field "first_page" */
  unsigned int first_pages;   /* read only N pages (from start_page); 0: to the end */
  unsigned int max_pages;     /* refuse documents with more pages (DOCTAG_ELIMIT) */
  double deadline;            /* ctx_now() value past which we give up (DOCTAG_ETIMEOUT); 0: none */
  unsigned int threads;       /* page workers; 0: one per PAGES_PER_WORKER pages, up to the cores */
  doctag_page_cb on_page;     /* called in page order as pages finish */
  void *on_page_data;
  bool keep_pages;            /* false: only on_page sees the text (memory stays flat);
                               * pages[] still has method, confidence, language */
  bool title_page;            /* with start_page > 0: first_text is the first page's text
                               * layer (no OCR), where the document names itself */
} extract_request;

typedef struct extract_doc {
  unsigned int page_count;    /* pages in the document */
  unsigned int pages_read;
  extract_page *pages;        /* pages_read entries from page start_page; text NULL
                               * unless keep_pages */
  char *meta_title;           /* PDF metadata title or NULL (g_malloc) */
  char *first_text;           /* text of the first page read (or of the document's first
                               * page: title_page), kept even when !keep_pages (for the
                               * title), or NULL (g_malloc) */
  char language[16];          /* detected over the pages read */
  uint64_t ocr_memory_peak;   /* most memory its pages read by OCR held at once (estimated
                               * before allocating, bytes; at most DOCTAG_MAX_DOC_MEMORY_MB) */
} extract_doc;

/* Opens and extracts: pages in parallel on long-lived workers, handed to
 * on_page in page order (on the calling thread). Errors: DOCTAG_EINVAL
 * (languages not like "eng" or "hin+eng"), DOCTAG_EPDF (empty, not a PDF,
 * truncated, damaged, no readable page), DOCTAG_EENCRYPTED (password
 * required or wrong), DOCTAG_ELIMIT, DOCTAG_ETIMEOUT, DOCTAG_EOCR,
 * DOCTAG_EIO, DOCTAG_ECANCELLED (on_page returned non-zero). On error *out
 * holds what was read so far: release it with extract_doc_clear() too. */
doctag_status extract_run(const doctag_ctx *ctx, const extract_request *req, extract_doc *out);
void extract_doc_clear(extract_doc *doc);

/* The contract's title rule: metadata title unless generic, else the first
 * line of 10..100 characters among the first lines, else the file name
 * without extension, else "Untitled". Newly allocated (g_malloc). */
char *extract_title(const char *meta_title, const char *first_text, const char *file_name);

#endif
