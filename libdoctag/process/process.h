/* Internal: the processing pipeline (fetch -> extract -> tag -> record),
 * its options, and the recording of a result in history; the result object
 * itself is in process/result.h. process/ stands above fetch, extract, tag,
 * blob and history and below jobs: the batch worker processes each row
 * through it. */
#ifndef DOCTAG_PROCESS_PROCESS_H
#define DOCTAG_PROCESS_PROCESS_H

#include <glib.h>
#include <jansson.h>
#include "core/ctx.h"
#include "doctag/process.h"
#include "process/result.h"

/* Defaults of doctag_process_options fields left 0 / NULL. */
#define PROCESS_DEFAULT_NUM_PAGES 3
#define PROCESS_DEFAULT_NUM_TAGS 8
#define PROCESS_DEFAULT_MODEL "openai/gpt-4o-mini"

/* Bytes of a doctag_process_options of `version` (a caller built against an
 * older header passes a shorter struct; versions past ours: all of it). */
size_t process_options_size(unsigned int version);
/* *dst = the defaults, overwritten by the members of src's version (src may
 * be NULL). Pointers are borrowed from src. The version is src's. */
void process_options_copy(doctag_process_options *dst, const doctag_process_options *src);

/* Checks the ranges and values of options, the one check every front end
 * reaches (0 / NULL members are defaults and pass). Errors: DOCTAG_EINVAL
 * with the field path (member names as in the contract's TaggingConfig,
 * prefixed with "<where>." when where is not NULL) and reason set. */
doctag_status process_options_check(const doctag_process_options *o, const char *where);

/* The options a call runs with: `in` (NULL: defaults) with defaults and the
 * context's limits filled in, ranges and values checked. `out` borrows
 * in's pointers. Errors: DOCTAG_EINVAL, saying which option is wrong. */
doctag_status process_options_effective(const doctag_ctx *ctx, const doctag_process_options *in,
                                        doctag_process_options *out);
/* The LLM key a tagging call uses: the options' api_key, else the context's
 * (NULL: none). With `strict`, a model other than "local" and no key is
 * DOCTAG_EINVAL "No API key for model '<m>'": checked when a document is
 * tagged and, for a batch, once at submission. */
doctag_status process_llm_key(const doctag_ctx *ctx, const doctag_process_options *o, const char **key);

/* Options parsed from a TaggingConfig JSON object, with the strings and
 * arrays they point to (owned). */
typedef struct process_config {
  doctag_process_options opts;
  char *model_name;
  char *api_key;
  char *languages;
  char **exclusion;         /* NULL-terminated or NULL */
  char **vocabulary;
} process_config;

/* Parses the contract's TaggingConfig (obj NULL or null: the defaults) into
 * *cfg and checks it with process_options_check(). The field paths of errors
 * start with "<where>." when where is not NULL ("config.num_tags"). On error
 * *cfg is cleared. */
doctag_status process_config_parse(json_t *obj, const char *where, process_config *cfg);
/* The same from JSON text (reason "json_invalid" when it is not JSON). */
doctag_status process_config_parse_text(const char *text, size_t len, const char *where, process_config *cfg);
void process_config_clear(process_config *cfg);

/* The configuration of a processing call as JSON ({"model_name",
 * "num_pages", "num_tags", "exclusion_words", "vocabulary", "language",
 * "ocr", "strict"}, plus "first_page" when reading started past page 1),
 * never the API key. opts NULL: the defaults. g_malloc'd. */
char *process_config_json(const doctag_process_options *opts);

/* What doctag_process_* calls when opts->user_id is set, after a success:
 * records `r` (title, tags, text, sha256, metadata from its accessors) in
 * history as a single job. `source_type` "upload" (buffer), "url" or
 * "local" (file); `file_path` the path, URL or file name; file_size 0 or -1
 * when unknown. *doc_id (may be NULL) gets the document id to set on the
 * result (g_malloc'd). */
doctag_status process_record_result(doctag_ctx *ctx, const doctag_process_options *opts,
                                    const doctag_result *r, const char *source_type, const char *file_path,
                                    int64_t file_size, int64_t started_us, char **doc_id);

/* ...and after a failure: a single job and document with status "failed"
 * and `message` as their error. title may be NULL (the file name is used). */
doctag_status process_record_failure(doctag_ctx *ctx, const doctag_process_options *opts, const char *title,
                                     const char *source_type, const char *file_path, int64_t file_size,
                                     const char *message, int64_t started_us, char **doc_id);

/* doctag_process_buffer() for the bytes of a batch row that came from
 * `source` ("local", "url", "s3"): the metrics count the document there. */
doctag_status process_row_buffer(doctag_ctx *ctx, doctag_result **out, const void *data, size_t len,
                                 const doctag_process_options *opts, const char *source);

#endif
