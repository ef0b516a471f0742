/* Internal: bounds on the work a PDF may ask for, in two passes.
 *
 * Before poppler opens it (a 1 MB stream that inflates to 1 GiB, a 794-byte
 * file declaring a 60000 x 60000 image), one pass over the bytes: every
 * stream whose filters start with FlateDecode is inflated into a counter
 * (never kept), stopping at the first limit passed, and every image's
 * declared size is read from its dictionary.
 *
 * After poppler has opened it, before any page is read, a pass over its
 * objects (limits_decoded.cpp) covers what the bytes do not show: streams of
 * encrypted documents (decrypted), LZW, RunLength, ASCIIHex and ASCII85
 * filters in any chain, object streams, sizes given by indirect references,
 * and inline images (BI ... ID ... EI) in content streams.
 *
 * The same pass then costs each page's drawing (limits_draws.cpp): images
 * and forms drawn, forms counted as often as they are drawn and nested, and
 * the image pixels drawing it decodes, which for image XObjects is checked
 * only where the page is rendered (pdf_limits_render()), as is the area
 * rendering it composites.
 *
 * Image codecs (DCT, JPX, JBIG2, CCITT) allocate by the sizes in their own
 * headers, which the same pass reads (limits_codecs.cpp) and bounds as the
 * dictionary's size is bounded, and by that size.
 * Rendering for OCR is capped separately (pdf.c: at most 36 million pixels
 * per page image, the resolution drops instead). */
#ifndef DOCTAG_EXTRACT_LIMITS_H
#define DOCTAG_EXTRACT_LIMITS_H

#include "core/ctx.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pdf_limits {
  uint64_t stream_bytes;   /* decompressed bytes of one stream (DOCTAG_MAX_STREAM_MB) */
  uint64_t total_bytes;    /* decompressed bytes of all streams (DOCTAG_MAX_INFLATE_MB) */
  uint64_t image_pixels;   /* width x height of one image (DOCTAG_MAX_IMAGE_MPX) */
  uint64_t page_draws;     /* images and forms one page draws, nested ones too (DOCTAG_MAX_PAGE_DRAWS) */
  double page_coverage;    /* times over rendering one page may composite its area (DOCTAG_MAX_PAGE_COVERAGE) */
  uint64_t page_pixels;    /* image pixels decoded to draw one page, each image as often as drawn
                            * (DOCTAG_MAX_PAGE_IMAGE_MPX): inline ones before any page is read,
                            * all of them where the page is rendered (pdf_limits_render()) */
  uint64_t saved_states;   /* graphics states (q) one page keeps saved at once, its forms' inside it
                            * (DOCTAG_MAX_SAVED_STATES): where it is rendered, and where its text is read
                            * (words.h) */
  uint64_t drawn_names;    /* names one content stream draws (Do) and sets (gs) (DOCTAG_MAX_DRAWN_NAMES) */
} pdf_limits;

/* Which limit a document passed. */
typedef enum pdf_over {
  PDF_OVER_NONE,
  PDF_OVER_STREAM,         /* one stream decoded past stream_bytes */
  PDF_OVER_TOTAL,          /* all streams past total_bytes */
  PDF_OVER_IMAGE,          /* an image XObject past image_pixels */
  PDF_OVER_INLINE,         /* an inline image past image_pixels */
  PDF_OVER_DRAWS,          /* a page draws images and forms more than page_draws times */
  PDF_OVER_PAGE_BYTES,     /* a page's content, forms as often as drawn, past stream_bytes */
  PDF_OVER_NESTING,        /* forms nested deeper than PDF_MAX_NESTING */
  PDF_OVER_SAVES,          /* a page saving graphics states (q) deeper than saved_states, its forms' inside it
                            * (where rendered; over_draws: how deep) */
  PDF_OVER_NAMES,          /* a content stream drawing (Do) and setting (gs) more than drawn_names names */
  PDF_OVER_PAGE_PIXELS,    /* a page decodes inline images of more than page_pixels whenever it is drawn */
  PDF_OVER_CODEC,          /* an image codec's header declares more than image_pixels (limits_codecs.cpp) */
  PDF_OVER_CODEC_DICT,     /* ... more than the image dictionary's /Width x /Height */
  PDF_OVER_CODEC_HEADER,   /* ... a header that cannot be bounded (over_why says why) */
  PDF_OVER_CODEC_SYMBOLS,  /* a JBIG2 symbol dictionary's tables (over_w new, over_h exported symbols) past
                            * the bytes of the largest image allowed, or (over_dict_w > 0) of its image */
  PDF_OVER_CODEC_SYMBOL_MEMORY, /* a JBIG2 symbol dictionary's symbols, by their number (over_w) and pixels */
  PDF_OVER_CODEC_SYMBOL_SIZE,  /* a JBIG2 symbol dictionary's symbols (decoded: the last over_w x over_h)
                                * past the largest image allowed, or (over_dict_w > 0) its image's pixels;
                                * over_pixels: the pixels they took */
  PDF_OVER_CODEC_INSTANCES,    /* a JBIG2 text region placing over_w symbols of up to over_h pixels: more
                                * bytes composed (over_pixels, 8 pixels a byte) than page_pixels */
} pdf_over;

/* Forms inside forms: deeper is refused (limits_draws.cpp). */
#define PDF_MAX_NESTING 32
/* What rendering one page costs (pdf_scan_render()). */
typedef struct pdf_page_cost {
  uint64_t pixels;         /* image pixels rendering it decodes, each image as often as drawn, inline ones too */
  double coverage;         /* times over rendering it composites its area: images (the unit square under the
                            * CTM), fills (their path's box), strokes (length x line width, at most their
                            * widened box), glyphs (em squares) and shadings, each clipped to the page or to
                            * its form's BBox, forms as often as drawn, tiling patterns' cells once for every
                            * step a paint covers (limits_draws.cpp) */
  uint64_t jpx_bytes;      /* openjpeg's memory for the largest JPEG 2000 image it draws (pdf_jpx_bytes()) */
  uint64_t draws;          /* images, forms and tiling patterns' cells it draws, nested ones too */
  pdf_over over;           /* a page limit that counting its patterns' cells passes (costing stops there), the
                            * limits checked before any page is read; else PDF_OVER_NONE */
  uint64_t largest_image;  /* pixels of the largest image it draws: inline ones, images' soft masks and masks,
                            * those of its forms, tiling patterns' cells, graphics states' soft masks and
                            * annotations' appearances and Type 3 glyphs */
  uint64_t saves;          /* graphics states it keeps saved at once, its forms' inside it */
  uint64_t names;          /* the most names one of its content streams draws and sets */
  bool unfollowed_images;  /* it may draw images largest_image misses (a form showing text in a Type 3 font
                            * it inherits; pdf_limits_render(): or the page was not costed): the document's
                            * largest image is their bound */
} pdf_page_cost;

/* What a scan found (for tests and messages). */
typedef struct pdf_scan {
  uint64_t streams, inflated, largest_stream, largest_image;
  bool maybe_inline;       /* an inflated stream had an "ID" operator, or the decoded pass an inline image */
  uint64_t decoded_streams, largest_inline;  /* the decoded pass's */
  pdf_over over;
  int64_t over_w, over_h;  /* the image's size when over an image limit */
  uint64_t most_draws, deepest_forms;  /* the pages' most images and forms drawn, deepest nesting */
  int over_page;           /* the page over a page limit (from 1) */
  uint64_t over_draws;     /* what it draws */
  uint64_t most_page_pixels, over_pixels;  /* the pages' most image pixels decoded to render; the page over */
  uint64_t codec_streams, codec_headers, largest_codec;  /* streams an image codec decodes, the headers
                                                         * read of them, the largest size they declare */
  const char *over_codec, *over_why;      /* static: the codec over a limit, and why when no size says it */
  uint64_t over_comps;                    /* its components */
  int64_t over_dict_w, over_dict_h;       /* its image dictionary's size, -1 when none */
  uint64_t jbig2_dicts, jbig2_dicts_known;  /* JBIG2 symbol dictionaries read, those whose symbols' sizes
                                            * were decoded to the end, or to where poppler fails them
                                            * (limits_jbig2.cpp) */
  uint64_t largest_jpx_bytes;             /* openjpeg's memory for the largest JPEG 2000 image: 4 bytes a
                                           * sample of every component (extract.c's memory estimate) */
} pdf_scan;

/* A stream the byte scan inflates: where its data starts in the file, how
 * many bytes of it are fed to zlib, and how many FlateDecode filters. */
typedef struct pdf_inflated {
  uint64_t start, len;
  int chain;
} pdf_inflated;

/* Content streams as the byte scan inflated them (pdf_limits_check_keep()),
 * kept so that drawing a page for its text reads them from memory instead
 * of inflating them a second time (words.cpp: poppler's own inflater was 8%
 * of a 200-page text PDF's instructions). Only streams with one FlateDecode
 * filter and nothing else (no /DecodeParms, no /Subtype, /Type or /Length1:
 * not images, forms or fonts), inflated to their end, up to
 * PDF_KEPT_MAX_BYTES in all: memory stays bounded whatever the pages. */
typedef struct pdf_kept_stream {
  uint64_t start;          /* where its data starts in the file */
  uint64_t consumed;       /* the bytes of it zlib read up to the end of the deflate data */
  size_t off, len;         /* its output: arena[off, off + len) */
} pdf_kept_stream;

typedef struct pdf_kept {
  pdf_kept_stream *streams;   /* by increasing start */
  size_t n, cap;
  unsigned char *arena;
  size_t used, size;
} pdf_kept;

#define PDF_KEPT_MAX_BYTES ((size_t)16 << 20)

/* The kept output of the stream whose data starts at `start` in the file
 * and which poppler reads `length` bytes of (all of what zlib read, else it
 * would stop short), *len its size; NULL when not kept. Borrowed, valid
 * until pdf_kept_clear(); thread-safe (read only). */
const unsigned char *pdf_kept_find(const pdf_kept *k, uint64_t start, uint64_t length, size_t *len);
void pdf_kept_clear(pdf_kept *k);

/* Where pdf_inflate() puts the output, a chunk at a time (buf is the
 * inflater's, valid during the call); false stops it. */
typedef bool (*pdf_inflate_sink)(void *arg, const unsigned char *buf, size_t len);

/* FlateDecode filters chained on one stream that pdf_inflate() follows. */
#define PDF_MAX_FLATE 4

/* Inflates in[0, len) through `chain` FlateDecode filters (zlib, at most PDF_MAX_FLATE)
 * into `sink`, never keeping it; damage ends the output where it is. */
void pdf_inflate(const unsigned char *in, size_t len, int chain, pdf_inflate_sink sink, void *arg);

/* DOCTAG_ELIMIT for page `page` (from 1) saving graphics states deeper
 * than lim->saved_states, where `when` ("reading its text") would keep them. */
doctag_status pdf_saves_error(const pdf_limits *lim, int page, const char *when);

/* The context's limits. */
void pdf_limits_of(const doctag_ctx *ctx, pdf_limits *out);

/* DOCTAG_ELIMIT naming the limit, its setting and what the document asked
 * for, or DOCTAG_OK; *scan (may be NULL) gets the counts. */
doctag_status pdf_limits_check(const unsigned char *data, size_t len, const pdf_limits *lim, pdf_scan *scan);
/* The same, keeping content streams in *keep (may be NULL; emptied on an
 * error; release with pdf_kept_clear()). */
doctag_status pdf_limits_check_keep(const unsigned char *data, size_t len, const pdf_limits *lim, pdf_scan *scan,
                                    pdf_kept *keep);

/* Where page `index` (from 0) of the document data[0, len) (opened with
 * `password`, may be NULL) is about to be rendered (for OCR): its drawing is
 * costed (pdf_scan_render()), and DOCTAG_ELIMIT returned when it decodes
 * more image pixels than lim->page_pixels or composites its area more than
 * lim->page_coverage times, naming the page, what it draws and the setting;
 * else DOCTAG_OK; *cost (may be NULL) gets what it costs (zeros when the
 * page is not found). Only pages about to be rendered pay for it: tokenising
 * every page's paths at upload made reading a 200-page text document's
 * text cost 32% more instructions. Thread-safe (a document of its own). */
doctag_status pdf_limits_render(const pdf_limits *lim, const unsigned char *data, size_t len, const char *password,
                                unsigned int index, pdf_page_cost *cost);

/* limits_draws.cpp: what rendering pages first .. first + count - 1 costs,
 * into out[0, count); returns how many there were. */
unsigned int pdf_scan_render(const unsigned char *data, size_t len, const char *password, const pdf_limits *lim,
                             unsigned int first, unsigned int count, pdf_page_cost *out);

struct words_doc;

/* The second pass, on a document poppler has opened with `password` (may be
 * NULL): the same answers, counting on from *scan as the first pass left it
 * (so the document's total covers both). `doc`: that document as pdf_open()
 * opened it, whose pages then keep the page tree and objects read here
 * (opening it again and building its page tree was a third of this pass on
 * a 200-page text PDF), or NULL to open one here. */
doctag_status pdf_limits_check_decoded(const unsigned char *data, size_t len, const char *password,
                                       struct words_doc *doc, const pdf_limits *lim, pdf_scan *scan);

/* The streams pdf_limits_check() inflates in data[0, len), by increasing
 * start, into *out (newly allocated, release with g_free()); returns their
 * count. The decoded pass leaves to the byte scan only these, so that a
 * stream the scan does not find there (a comment before "stream", a
 * stream inside another's data, an indirect /Filter) is still counted. */
size_t pdf_scan_inflated(const unsigned char *data, size_t len, pdf_inflated **out);

/* limits_decoded.cpp: sets scan->over (and its counts) without a message. */
void pdf_scan_decoded(const unsigned char *data, size_t len, const char *password, struct words_doc *doc,
                      const pdf_limits *lim, pdf_scan *scan);

#ifdef __cplusplus
}

#include <vector>

class PDFDoc;
class Object;
class Stream;
class XRef;
/* limits_draws.cpp: the pages' drawing, after the objects' pass. */
void pdf_scan_draws(PDFDoc *doc, const pdf_limits *lim, pdf_scan *scan);
/* limits_jbig2.cpp: a JBIG2 symbol bitmap as poppler keeps it (rows of
 * (w + 7) / 8 bytes, most significant bit first, a guard byte after them),
 * for the dictionaries that refine or compose it. */
struct pdf_jbig2_bitmap {
  int32_t w = 0, h = 0;
  bool known = true;           /* its pixels decoded here (false: MMR-coded, only its size known) */
  std::vector<uint8_t> data;   /* empty: poppler's copy has no data (a symbol it could not decode) */
};
/* limits_jbig2.cpp: the sizes of a JBIG2 symbol dictionary's symbols. */
struct pdf_jbig2_symbols {
  bool known;          /* decoded to its end, and its exported symbols agree with its header */
  bool failed;         /* not known: stopped where poppler fails the dictionary (all it costs counted) */
  bool over;           /* stopped at the symbol over_w x over_h, past max_one or the budget */
  bool over_memory;    /* over: by poppler's memory for its symbols (about 80 bytes a symbol besides its pixels) */
  uint64_t n_exported; /* as its header declares */
  uint64_t largest;    /* the largest symbol's pixels */
  uint64_t total;      /* pixels decoded (each symbol at least 1, collective bitmaps, refined
                        * instances and the bytes composed into aggregates too) */
  uint64_t symbols;    /* symbols decoded: each costs poppler about 80 bytes besides its pixels */
  uint64_t over_w, over_h;
  size_t overread;     /* bytes the decoder read past the segment's data */
  const char *why;     /* static: what was not decoded, when known is false for it */
  /* known, arithmetic coding and its contexts retained (for a dictionary
   * that uses them, T.88 7.4.2.1.1): the generic and (refinement/aggregate
   * coding) refinement region contexts at its end */
  std::vector<uint8_t> retained, retained_refinement;
  std::vector<pdf_jbig2_bitmap> exported;   /* known: the exported symbols */
};
/* Decodes the sizes of the symbols the symbol dictionary segment's data
 * data[0, len) declares, as poppler decodes them, stopping before decoding
 * a symbol (or refined instance) of more than max_one pixels or one that
 * takes the pixels decoded past budget. `inputs`: the dictionaries it
 * refers to, in order (borrowed: their exported symbols are its input
 * symbols, and the last one's retained contexts the ones it may use);
 * `tables`: the data of the code table segments it refers to, in order. */
void pdf_jbig2_symbol_sizes(const unsigned char *data, size_t len, const std::vector<const pdf_jbig2_symbols *> &inputs,
                            uint64_t max_one, uint64_t budget,
                            const std::vector<const std::vector<unsigned char> *> &tables, pdf_jbig2_symbols *out);
/* limits_codecs.cpp: when the stream object `obj`, whose filter chain is
 * chain[0, n) (limits_syntax.h's filter_chain()) with cheap filters from
 * chain[top] on, is decoded by an image codec (chain[top - 1]), reads the
 * size its header declares from chain[top]; true (scan->over set) when it is
 * over the image limit or larger than the image dictionary declares. */
bool pdf_scan_codec(Object &obj, Stream *const *chain, size_t n, size_t top, const pdf_limits *lim, pdf_scan *scan);
/* limits_codecs.cpp: openjpeg's bytes for the image XObject `obj` when
 * JPXDecode decodes it (4 a sample of every component, from its SIZ
 * marker), else 0. */
uint64_t pdf_jpx_bytes(Object &obj, const pdf_limits *lim);
/* limits_codecs.cpp: the same for an inline image of w x h (-1 when not
 * given) whose dictionary is dict[0, len) (the bytes between "BI" and
 * "ID") and whose data `content` (a content stream's decoded bytes) is
 * about to give: read through the image's own filters, as poppler's content
 * parser does, no byte past the header; *taken gets the bytes of `content`
 * read. 1 when over (scan->over set), else 0. */
int pdf_scan_inline_codec(XRef *xref, const unsigned char *dict, size_t len, Stream *content, int64_t w, int64_t h,
                          uint64_t *taken, const pdf_limits *lim, pdf_scan *scan);
#endif

#endif
