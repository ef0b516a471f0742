/*
 * doctag/process.h - processing one document: fetch, extract (text layer or
 * OCR), tag.
 *
 * Threads: the process and extract calls may run concurrently on one shared
 * context. A doctag_result belongs to one thread at a time.
 */
#ifndef DOCTAG_PROCESS_H
#define DOCTAG_PROCESS_H

#include "context.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum doctag_ocr_mode {
  DOCTAG_OCR_AUTO = 0,  /* OCR pages whose text layer is missing, thin or garbled */
  DOCTAG_OCR_FORCE = 1, /* OCR every page */
  DOCTAG_OCR_OFF = 2    /* never OCR */
} doctag_ocr_mode;

/** How one page's text was obtained. */
typedef enum doctag_page_method {
  DOCTAG_PAGE_EMPTY = 0,     /* no text at all (blank page) */
  DOCTAG_PAGE_TEXT = 1,      /* the PDF's text layer */
  DOCTAG_PAGE_OCR = 2,       /* tesseract */
  DOCTAG_PAGE_OCR_NO_MODEL = 3 /* a scan in a script no installed OCR model reads: no text,
                                * and a warning names the package to install */
} doctag_page_method;

#define DOCTAG_PAGE_INFO_VERSION 2

/**
 * A page as it is finished, in page order (see on_page). The library fills
 * it; `version` says which fields it has: fields are only appended, so read
 * one only when `version` is at least the one it came with.
 */
typedef struct doctag_page_info {
  unsigned int version;
  unsigned int index;          /* 0-based */
  unsigned int page_count;     /* pages in the document */
  const char *text;            /* UTF-8, borrowed for the call */
  size_t text_len;
  doctag_page_method method;
  double ocr_confidence;       /* 0..100, or -1 when not OCR'd */
  const char *language;        /* "eng", "hin", "hin+eng", or "" */
  /* version >= 2: what went wrong with this page, the result's warning
   * without its "Page N: " ("no OCR model installed for script Han
   * (install tesseract-ocr-chi-sim)"), or NULL; borrowed for the call */
  const char *warning;
} doctag_page_info;

/**
 * Called for each page in order; a non-zero return cancels (DOCTAG_ECANCELLED).
 * The text is the same as the result's would be: a page whose line ends in a
 * hyphen that later pages decide ("geo-" / "tagged") is handed over once up to
 * 8 more pages have been read, never the whole document.
 *
 * Line-end hyphens: "geo-" / "tagged" joins where "geotagged" is in the word
 * list or printed whole on a page read before it, on its own page, or on one
 * of the 8 pages after it; a word printed whole only 9 or more pages later
 * does not count (memory stays bounded: at most 9 pages are held). A page's
 * text is the same whether pages are streamed or kept and whatever the
 * worker count. Pages before first_page are not read, so their words do not
 * count: the text of a range can differ from the same pages of a whole
 * document in such hyphens only (a range reads no page before it, which on
 * a long document would cost as much as reading it all).
 */
typedef int (*doctag_page_cb)(const doctag_page_info *page, void *userdata);

#define DOCTAG_PROCESS_OPTIONS_VERSION 3

/**
 * Options of one processing call. NULL options mean defaults. Pointers are
 * borrowed for the duration of the call only.
 */
typedef struct doctag_process_options {
  unsigned int version;
  unsigned int num_pages;      /* pages used for tagging, 1..10 from first_page; 0 = 3 */
  unsigned int num_tags;       /* 3..15; 0 = 8 */
  const char *model_name;      /* "local" = built-in tagger; NULL = "openai/gpt-4o-mini" */
  const char *api_key;         /* LLM key; NULL = the context's; none at all = built-in tagger */
  const char *const *exclusion_words; size_t exclusion_count;
  const char *const *vocabulary; size_t vocabulary_count;  /* tags only from this list */
  doctag_ocr_mode ocr;
  const char *languages;       /* tesseract languages "eng+hin"; NULL = automatic */
  const char *password;        /* opens encrypted PDFs */
  const char *file_name;       /* name for the title fallback (buffers, URLs) */
  uint64_t max_file_bytes;     /* 0 = context default */
  unsigned int max_pages;      /* 0 = context default */
  unsigned int timeout_sec;    /* 0 = context default */
  doctag_page_cb on_page; void *on_page_data;
  const char *user_id;         /* record the document in this user's history (storage) */
  /* version 2: */
  bool strict;                 /* a model other than "local" without any API key is an error
                                  (DOCTAG_EINVAL "No API key for model '<m>'") instead of the
                                  offline tagger with a warning */
  /* version 3: */
  unsigned int first_page;     /* 1-based page reading starts at; 0 = 1. Processing
                                  tags num_pages pages from it, extraction reads from
                                  it to the end; the result's pages start there
                                  (doctag_result_first_page()), the title falls back
                                  to the first page read, and on_page gets
                                  their document index. A first page past the
                                  document's last is DOCTAG_EINVAL, field
                                  "first_page". Ignored by doctag_tag_text() and by
                                  batch jobs (rows are whole documents). */
} doctag_process_options;

#define DOCTAG_PROCESS_OPTIONS_INIT { DOCTAG_PROCESS_OPTIONS_VERSION, 0, 0, NULL, NULL, NULL, 0, NULL, 0, \
  DOCTAG_OCR_AUTO, NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, false, 0 }

/** Sets *opts to defaults for the given version (for bindings). */
DOCTAG_API doctag_status doctag_process_options_init(doctag_process_options *opts, unsigned int version);

/**
 * Processing options parsed from the contract's TaggingConfig JSON, with the
 * strings they point to. One thread at a time.
 */
typedef struct doctag_tagging_config doctag_tagging_config;

/**
 * Parses a TaggingConfig JSON object (CONTRACT.md: "api_key", "model_name",
 * "num_pages" 1..10, "num_tags" 3..15, "exclusion_words", "vocabulary",
 * "language" such as "eng" or "hin+eng", "ocr" "auto" | "force" | "off"),
 * `len` bytes at `json` (NULL / 0 bytes or the text null: every default).
 * A member missing or null takes its default, integers may also be written
 * as integral numbers or decimal strings ("8"), unknown members are ignored.
 * *out is newly allocated (NULL on error); release it with
 * doctag_tagging_config_free().
 * Errors: DOCTAG_EINVAL for the first member that is wrong, with
 * doctag_error_last()->field naming it ("num_tags", "exclusion_words.2"; ""
 * when the text is not JSON or not an object) and ->reason saying why in a
 * word ("less_than_equal", "int_parsing", "json_invalid"...).
 */
DOCTAG_API doctag_status doctag_tagging_config_parse(doctag_tagging_config **out, const char *json, size_t len);

/**
 * The range the library accepts for a numeric member of
 * doctag_process_options or of a tagging configuration: `name` is
 * "num_pages" or "num_tags". Sets *lo and *hi (inclusive) and returns
 * DOCTAG_OK; DOCTAG_EINVAL for any other name. For front ends (the CLI)
 * that check a value as they read it, so the range is written once.
 */
DOCTAG_API doctag_status doctag_process_option_range(unsigned int *lo, unsigned int *hi, const char *name);

/**
 * The options of a parsed configuration. Borrowed, with the strings and
 * arrays it points to: valid until doctag_tagging_config_free(config). Copy
 * the struct to set more members (user_id, file_name...) for a call.
 */
DOCTAG_API const doctag_process_options *doctag_tagging_config_options(const doctag_tagging_config *config);

/** Releases a configuration (NULL is fine). */
DOCTAG_API void doctag_tagging_config_free(doctag_tagging_config *config);

/** Result of a processing or extraction call. */
typedef struct doctag_result doctag_result;

/**
 * Processes the PDF at `path` (extract, OCR as needed, tag).
 * *out is newly allocated; release it with doctag_result_free().
 * Errors: DOCTAG_EIO/ENOTFOUND (file), DOCTAG_EPDF, DOCTAG_EENCRYPTED,
 * DOCTAG_ELIMIT, DOCTAG_ETIMEOUT, DOCTAG_EOCR, DOCTAG_ENOTEXT, DOCTAG_ELLM,
 * DOCTAG_ECANCELLED, DOCTAG_EINVAL (options out of range).
 */
DOCTAG_API doctag_status doctag_process_file(doctag_ctx *ctx, doctag_result **out,
                                             const char *path, const doctag_process_options *opts);

/** As doctag_process_file() for a PDF in memory (borrowed for the call). */
DOCTAG_API doctag_status doctag_process_buffer(doctag_ctx *ctx, doctag_result **out,
                                               const void *data, size_t len,
                                               const doctag_process_options *opts);

/**
 * As doctag_process_file() for an http(s) URL. The URL guard applies: private,
 * loopback, link-local and multicast addresses are refused (DOCTAG_EURL) unless
 * allowed; redirects are re-checked; size cap; 60 s timeout; body must be a PDF.
 * `url` may also be "s3://bucket/key" where S3 is configured (DOCTAG_S3_ENDPOINT,
 * AWS_ACCESS_KEY_ID...; else DOCTAG_EINVAL "S3 client not configured"), with
 * the same size cap; a missing object or bucket is DOCTAG_EFETCH.
 */
DOCTAG_API doctag_status doctag_process_url(doctag_ctx *ctx, doctag_result **out,
                                            const char *url, const doctag_process_options *opts);

/**
 * Tags a text the caller already has (no PDF, no extraction): `text` is
 * UTF-8 of `len` bytes (borrowed for the call; no NUL inside), `title` its
 * title (may be NULL: the text's first title-like line is used). `opts` as
 * for doctag_process_file(), minus the PDF ones (num_pages, ocr, languages,
 * password, on_page are ignored); user_id records it in history with
 * file_source_type "text". The result has extraction_method "text",
 * is_scanned false, no pages, page count 0 (null in its JSON) and the
 * detected language of the text. Presentation forms in the text and the
 * title (the ligatures "ﬁ", "ﬀ" of text copied from a PDF, shaped Arabic
 * letters) become their letters (NFKC), as extraction makes them; the
 * result's text is that text. *out is newly allocated; release it with
 * doctag_result_free().
 * Errors: DOCTAG_EINVAL (NULL text with a length, not UTF-8, options out of
 * range), DOCTAG_ELIMIT (over max_file_bytes), DOCTAG_ENOTEXT (fewer than 50
 * visible characters), DOCTAG_ELLM, DOCTAG_ETIMEOUT.
 */
DOCTAG_API doctag_status doctag_tag_text(doctag_ctx *ctx, doctag_result **out, const char *text, size_t len,
                                         const char *title, const doctag_process_options *opts);

/**
 * Extracts the text of every page (no tagging): the result has pages, text,
 * title, page count, method and confidence, and no tags. `opts` uses ocr,
 * languages, password, limits, file_name and on_page. With on_page set, the
 * page texts go only to the callback and the result does not keep them
 * (memory stays flat whatever the page count).
 */
DOCTAG_API doctag_status doctag_extract_file(doctag_ctx *ctx, doctag_result **out,
                                             const char *path, const doctag_process_options *opts);
/** As doctag_extract_file() for a PDF in memory (borrowed for the call). */
DOCTAG_API doctag_status doctag_extract_buffer(doctag_ctx *ctx, doctag_result **out,
                                               const void *data, size_t len,
                                               const doctag_process_options *opts);
/** As doctag_extract_file() for an http(s) URL, with the guard of doctag_process_url(). */
DOCTAG_API doctag_status doctag_extract_url(doctag_ctx *ctx, doctag_result **out,
                                            const char *url, const doctag_process_options *opts);

/**
 * Downloads the PDF at an http(s) URL with the same guard, size cap, timeout
 * and "%PDF-" check as doctag_process_url(), without processing it (the
 * server's preview). `opts` uses max_file_bytes and timeout_sec (NULL: the
 * context's). *data is newly allocated (doctag_free()), *len its size;
 * *file_name (may be NULL) gets a name from the URL (doctag_free()).
 * Errors: DOCTAG_EINVAL (malformed or non-http URL), DOCTAG_EURL (refused by
 * the guard), DOCTAG_EFETCH, DOCTAG_ELIMIT, DOCTAG_ETIMEOUT, DOCTAG_EPDF.
 * Deprecated: its out-parameters come last; kept as an alias of
 * doctag_url_fetch(), which new code calls.
 */
DOCTAG_API doctag_status doctag_fetch_url(doctag_ctx *ctx, const char *url, const doctag_process_options *opts,
                                          void **data, size_t *len, char **file_name);

/**
 * doctag_fetch_url() with its out-parameters first, as every other call of
 * the ABI has them (STYLE.md): the same download, guard, caps, ownership and
 * errors. New code calls this one; doctag_fetch_url() stays as its alias.
 */
DOCTAG_API doctag_status doctag_url_fetch(doctag_ctx *ctx, void **data, size_t *len, char **file_name,
                                          const char *url, const doctag_process_options *opts);

/**
 * Parses an exclusion or vocabulary list: text with one term per line or
 * comma-separated, '#' starting a comment, or a PDF (recognised by its
 * "%PDF-" header) whose extracted text is read the same way. Terms are
 * lower-cased and trimmed. *terms is a newly allocated NULL-terminated array
 * (release with doctag_strv_free()); *count (may be NULL) gets its length.
 * Errors: DOCTAG_EINVAL (terms NULL, data NULL with a length, neither UTF-8
 * nor a PDF, a PDF without a context), and those of doctag_extract_buffer()
 * for a PDF. Deprecated: its out-parameters come last; kept as an alias of
 * doctag_terms_from_buffer(), which new code calls.
 */
DOCTAG_API doctag_status doctag_terms_parse(doctag_ctx *ctx, const void *data, size_t len,
                                            char ***terms, size_t *count);

/**
 * doctag_terms_parse() with its out-parameters first (STYLE.md): the same
 * parsing, ownership and errors. New code calls this one;
 * doctag_terms_parse() stays as its alias. `ctx` is needed only for a PDF.
 */
DOCTAG_API doctag_status doctag_terms_from_buffer(doctag_ctx *ctx, char ***terms, size_t *count,
                                                  const void *data, size_t len);

/** Releases a NULL-terminated string array the library returned. NULL is fine. */
DOCTAG_API void doctag_strv_free(char **v);

/** Releases a result. NULL is fine. */
DOCTAG_API void doctag_result_free(doctag_result *r);

/* Accessors. Strings are borrowed: valid until doctag_result_free(). */
/** The document's title: its metadata, else its first heading, else the file name. */
DOCTAG_API const char *doctag_result_title(const doctag_result *r);
/** The extracted text of the pages read, pages separated by a form feed. */
DOCTAG_API const char *doctag_result_text(const doctag_result *r);
/** Length of doctag_result_text() in bytes. */
DOCTAG_API size_t doctag_result_text_length(const doctag_result *r);
/** Pages in the document (not only those read). */
DOCTAG_API unsigned int doctag_result_page_count(const doctag_result *r);
/** Pages whose text the result holds (all for extract, num_pages for process). */
DOCTAG_API unsigned int doctag_result_pages_read(const doctag_result *r);
/**
 * The 1-based number of the first page read (options' first_page; 1 when
 * it was not set), or 0 when no page was read (doctag_tag_text()). The page
 * accessors below count from it: `index` 0 is this page.
 */
DOCTAG_API unsigned int doctag_result_first_page(const doctag_result *r);
/** The text of page `index` (0-based, < pages_read), NULL when it was streamed to on_page. */
DOCTAG_API const char *doctag_result_page_text(const doctag_result *r, unsigned int index);
/** How page `index` was read (text layer, OCR or empty). */
DOCTAG_API doctag_page_method doctag_result_page_method(const doctag_result *r, unsigned int index);
/** 0..100, or -1 when the page was not OCR'd. */
DOCTAG_API double doctag_result_page_confidence(const doctag_result *r, unsigned int index);
/**
 * What went wrong with page `index` (0-based, < pages_read), as the page
 * callback's `warning` ("no OCR model installed for script Han (install
 * tesseract-ocr-chi-sim)"), or NULL when nothing did. Borrowed.
 */
DOCTAG_API const char *doctag_result_page_warning(const doctag_result *r, unsigned int index);
/** Whether the document is a scan (at least as many pages OCR'd as read from a text layer). */
DOCTAG_API bool doctag_result_is_scanned(const doctag_result *r);
/** "text_layer", "ocr_tesseract", "hybrid" (some pages OCR'd), "none", or "text" (doctag_tag_text()). */
DOCTAG_API const char *doctag_result_extraction_method(const doctag_result *r);
/** Mean OCR confidence of OCR'd pages, 0..100, or -1 when no page was OCR'd. */
DOCTAG_API double doctag_result_ocr_confidence(const doctag_result *r);
/** "high", "medium" or "low": how far the text can be trusted. */
DOCTAG_API const char *doctag_result_quality(const doctag_result *r);
/** "eng", "hin", "hin+eng" or "" when unknown. */
DOCTAG_API const char *doctag_result_language(const doctag_result *r);
/** Number of tags (0 for extract). */
DOCTAG_API size_t doctag_result_tag_count(const doctag_result *r);
/** Tag i, best first. Borrowed. */
DOCTAG_API const char *doctag_result_tag_at(const doctag_result *r, size_t i);
/** The tagger's score of tag i, 0..1. */
DOCTAG_API double doctag_result_tag_score(const doctag_result *r, size_t i);
/** Whether the tag occurs in the extracted text. */
DOCTAG_API bool doctag_result_tag_evidence(const doctag_result *r, size_t i);
/** Whether a person should check the tags (fewer than asked, or low text quality). */
DOCTAG_API bool doctag_result_needs_review(const doctag_result *r);
/** The model that produced the tags: "local" or the LLM's name; "" for extract. */
DOCTAG_API const char *doctag_result_model_name(const doctag_result *r);
/** The LLM's raw answer; for the local tagger a JSON object of what it chose and how ("script", "method",
 * "candidates": see the README). "" for extract. */
DOCTAG_API const char *doctag_result_raw_response(const doctag_result *r);
/** LLM tokens used (0 for the local tagger). */
DOCTAG_API unsigned int doctag_result_tokens_used(const doctag_result *r);
/** Seconds spent, wall clock. */
DOCTAG_API double doctag_result_processing_time(const doctag_result *r);
/** The history document id when recorded, else "". */
DOCTAG_API const char *doctag_result_document_id(const doctag_result *r);
/** Hex SHA-256 of the PDF bytes. */
DOCTAG_API const char *doctag_result_sha256(const doctag_result *r);

/**
 * Warnings: degradations of a call that still succeeded, for the user to see
 * (tags from the offline tagger because no LLM key was known, a page in a
 * script with no OCR model installed, text cut to a cap), in the order they
 * arose. Borrowed: valid until doctag_result_free(). NULL past the end.
 */
DOCTAG_API size_t doctag_result_warning_count(const doctag_result *r);
/** Warning i (0-based, see doctag_result_warning_count()); NULL past the end. Borrowed. */
DOCTAG_API const char *doctag_result_warning_at(const doctag_result *r, size_t i);

/**
 * The result as JSON in the SinglePDFResponse shape of CONTRACT.md (with its
 * NEW fields, "warnings" among them: [] when there are none). *json is newly allocated; release it with doctag_free().
 */
DOCTAG_API doctag_status doctag_result_to_json(const doctag_result *r, char **json);

#ifdef __cplusplus
}
#endif
#endif
