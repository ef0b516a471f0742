/* Internal: the result object behind doctag_result. */
#ifndef DOCTAG_CORE_RESULT_H
#define DOCTAG_CORE_RESULT_H

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
};

/* Derives is_scanned, extraction_method, ocr_confidence and quality from the pages. */
void result_summarise(doctag_result *r);

#endif
