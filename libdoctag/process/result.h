/* Internal: the result object behind doctag_result. */
#ifndef DOCTAG_PROCESS_RESULT_H
#define DOCTAG_PROCESS_RESULT_H

#include <glib.h>
#include "doctag/process.h"
#include "extract/extract.h"
#include "tag/tag.h"

struct doctag_result {
  char *title;
  char *file_name;
  GString *text;              /* pages read, joined with '\f' */
  unsigned int page_count;
  bool from_text;             /* doctag_tag_text(): no pages, page_count unknown */
  unsigned int pages_read;
  unsigned int first_page;    /* 0-based document index of pages[0] */
  extract_page *pages;        /* pages_read entries; text may be NULL when streamed */
  bool is_scanned;
  const char *extraction_method;  /* static string */
  double ocr_confidence;      /* -1: none */
  const char *quality;        /* static string */
  char language[16];
  tag_outcome tags;
  bool tagged;                /* false for extract-only results */
  bool needs_review;
  double processing_time;
  char *document_id;
  char sha256[65];
  GPtrArray *warnings;        /* char * (owned), in the order they arose, no repeats; NULL: none */
  GPtrArray *terms;           /* tag_terms() of the text, tagged for an owner: what the owner's
                               * document frequencies count it with; NULL: standalone */
};

/* Adds a warning: a degradation the caller should know about although the
 * call succeeded (a tagger fallback, a page in a script without an OCR model,
 * text cut to a cap). An identical warning is added only once. */
void result_add_warning(doctag_result *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Before the result is recorded: history keeps at most `cap` bytes of the
 * text (DOCTAG_MAX_TEXT_KB); a longer text gets a warning saying so. */
void result_note_text_cap(doctag_result *r, uint64_t cap);

/* Derives is_scanned, extraction_method, ocr_confidence and quality from the
 * pages, and adds each page's warning as "Page N: <warning>". */
void result_summarise(doctag_result *r);

#endif
