/* Internal: bounds on the work a PDF may ask for, checked before poppler
 * opens it (a 1 MB stream that inflates to 1 GiB, a 794-byte file declaring
 * a 60000 x 60000 image). One pass over the bytes: every stream whose
 * filters start with FlateDecode is inflated into a counter (never kept),
 * stopping at the first limit passed, and every image's declared size is
 * read from its dictionary.
 *
 * Not covered (poppler's own checks apply): streams of encrypted documents
 * (the bytes are ciphertext), filters other than FlateDecode (LZW,
 * RunLength...), sizes given by indirect references, inline images in
 * content streams. Rendering for OCR is capped separately (pdf.c: at most
 * 36 million pixels per page image, the resolution drops instead). */
#ifndef DOCTAG_EXTRACT_LIMITS_H
#define DOCTAG_EXTRACT_LIMITS_H

#include "core/ctx.h"
#include <stddef.h>
#include <stdint.h>

typedef struct pdf_limits {
  uint64_t stream_bytes;   /* decompressed bytes of one stream (DOCTAG_MAX_STREAM_MB) */
  uint64_t total_bytes;    /* decompressed bytes of all streams (DOCTAG_MAX_INFLATE_MB) */
  uint64_t image_pixels;   /* width x height of one image (DOCTAG_MAX_IMAGE_MPX) */
} pdf_limits;

/* What a scan found (for tests and messages). */
typedef struct pdf_scan {
  uint64_t streams, inflated, largest_stream, largest_image;
} pdf_scan;

/* The context's limits. */
void pdf_limits_of(const doctag_ctx *ctx, pdf_limits *out);

/* DOCTAG_ELIMIT naming the limit, its setting and what the document asked
 * for, or DOCTAG_OK; *scan (may be NULL) gets the counts. */
doctag_status pdf_limits_check(const unsigned char *data, size_t len, const pdf_limits *lim, pdf_scan *scan);

#endif
