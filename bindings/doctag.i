/*
 * bindings/doctag.i - the one SWIG interface of libdoctag, shared by every
 * language. Language files (python/doctag_python.i, perl/doctag_perl.i) only
 * add typemaps: how a doctag_status becomes an exception, how bytes and
 * lists cross, how a callback is called.
 *
 * What this file decides for every language:
 * - names lose their doctag_/DOCTAG_ prefix (doctag_process_file -> process_file);
 * - a doctag_status return is not a value: DOCTAG_OK returns nothing, any
 *   other code raises the exception class named for it in doctag_error_classes
 *   below (the one table from codes to classes);
 * - out-parameters become return values; objects returned that way are owned
 *   by the target language and released with their doctag_*_free;
 * - strings the library allocates for the caller are copied, then freed with
 *   doctag_free;
 * - option and configuration structs own the strings set on them.
 */

#if defined(SWIGPYTHON)
%module(package="doctag") capi
#elif defined(SWIGPERL)
%module Doctag
#else
%module doctag
#endif

%{
#include <stdlib.h>
#include <string.h>
#include "doctag/doctag.h"
%}

%include <stdint.i>
%include <typemaps.i>

/* ---- Names ---------------------------------------------------------------- */
%rename("%(regex:/^(doctag_|DOCTAG_)(.+)$/\\2/)s") "";

/* ---- The one table: status code -> exception class ------------------------
 * Every doctag_status code of include/doctag/common.h except DOCTAG_OK has a
 * row. Classes derive from the root "Error" (or from the parent named);
 * parents come before their children. A language builds its classes from
 * these rows at load time (see error_class_*), and the doctag_status typemap
 * raises the class of the code. */
%{
typedef struct doctag_error_class {
  doctag_status code;
  const char *name;
  const char *parent;
  const char *doc;
} doctag_error_class;

static const doctag_error_class doctag_error_classes[] = {
  { DOCTAG_EINVAL, "InvalidInput", "Error", "An argument, option or input is invalid." },
  { DOCTAG_ENOMEM, "OutOfMemory", "Error", "The library ran out of memory." },
  { DOCTAG_EIO, "IoError", "Error", "Reading or writing a file failed." },
  { DOCTAG_ENOTFOUND, "NotFound", "Error", "No such file, job, document or user." },
  { DOCTAG_EPDF, "PdfError", "Error", "Not a PDF, or damaged beyond repair." },
  { DOCTAG_EENCRYPTED, "EncryptedPdf", "PdfError", "The PDF needs a (correct) password." },
  { DOCTAG_ELIMIT, "LimitExceeded", "InvalidInput", "A configured limit (size, pages) was exceeded." },
  { DOCTAG_ETIMEOUT, "Timeout", "Error", "A time limit ran out." },
  { DOCTAG_EOCR, "OcrError", "Error", "OCR failed (engine, languages)." },
  { DOCTAG_EFETCH, "FetchError", "Error", "Downloading a URL or object failed." },
  { DOCTAG_EURL, "UrlRefused", "InvalidInput", "A URL or path was refused by a guard." },
  { DOCTAG_ELLM, "LlmError", "Error", "The LLM endpoint failed." },
  { DOCTAG_EAUTH, "AuthError", "Error", "Bad credentials or token." },
  { DOCTAG_EPERM, "PermissionDenied", "Error", "Authenticated but not allowed (disabled account)." },
  { DOCTAG_ESTORE, "StorageError", "Error", "The database failed." },
  { DOCTAG_ECONFLICT, "Conflict", "Error", "The operation makes no sense in the current state." },
  { DOCTAG_ECANCELLED, "Cancelled", "Error", "Cancelled by the caller." },
  { DOCTAG_ENOTEXT, "NoText", "InvalidInput", "Too little text to tag." },
  { DOCTAG_EEXISTS, "AlreadyExists", "InvalidInput", "Already exists (a duplicate email)." },
  { DOCTAG_EUNAVAILABLE, "Unavailable", "StorageError", "A dependency (database, Redis) is down." },
  { DOCTAG_EINTERNAL, "InternalError", "Error", "A bug in doctag: please report it." },
  { DOCTAG_ERATE, "RateLimited", "Error", "Too many attempts (login throttling): try again later." },
};

#define DOCTAG_ERROR_CLASS_COUNT (sizeof doctag_error_classes / sizeof doctag_error_classes[0])

/* The row of a code, NULL for DOCTAG_OK and unknown codes (a newer library). */
static const doctag_error_class *doctag_error_class_of(int code)
{
  for (size_t i = 0; i < DOCTAG_ERROR_CLASS_COUNT; i++)
    if ((int)doctag_error_classes[i].code == code)
      return &doctag_error_classes[i];
  return NULL;
}

/* The message for a failed call: the thread's last error when it is about
 * this code (it always is right after the call), else the code's name. */
static const char *doctag_error_message(int code)
{
  const doctag_error *e = doctag_error_last();
  if ((int)e->code == code && e->message[0])
    return e->message;
  return doctag_status_name((doctag_status)code);
}
%}

/* The table, readable row by row from any language. */
%inline %{
int doctag_error_class_count(void) { return (int)DOCTAG_ERROR_CLASS_COUNT; }
int doctag_error_class_code(int i)
{ return i >= 0 && i < (int)DOCTAG_ERROR_CLASS_COUNT ? (int)doctag_error_classes[i].code : 0; }
const char *doctag_error_class_name(int i)
{ return i >= 0 && i < (int)DOCTAG_ERROR_CLASS_COUNT ? doctag_error_classes[i].name : NULL; }
const char *doctag_error_class_parent(int i)
{ return i >= 0 && i < (int)DOCTAG_ERROR_CLASS_COUNT ? doctag_error_classes[i].parent : NULL; }
const char *doctag_error_class_doc(int i)
{ return i >= 0 && i < (int)DOCTAG_ERROR_CLASS_COUNT ? doctag_error_classes[i].doc : NULL; }
%}


/* Released by the owning object's destructor, never called directly. */
%ignore doctag_free;
%ignore doctag_ctx_free;
%ignore doctag_result_free;
%ignore doctag_strv_free;
/* Aliases with the out-parameters first (C callers): here out-parameters
 * are return values already, so the bindings keep one name for each call. */
%ignore doctag_url_fetch;
%ignore doctag_terms_from_buffer;
/* For C front ends that check a flag as they read it; the bindings pass
 * options to the library, which gives the same rule as an exception. */
%ignore doctag_process_option_range;
/* The last error is turned into the exception by the status typemap. */
%ignore doctag_error_last;
%ignore doctag_error;
/* A server-side scheduling helper; doctag_auth_verify() is the binding. */
%ignore doctag_auth_token_subject;
/* The server's per-user cap on documents in flight across servers. */
%ignore doctag_doc_slot_take;
%ignore doctag_doc_slot_free;
%ignore doctag_doc_slot_lease_agree;
/* For C front ends that parsed the request with jansson themselves; the
 * bindings pass its text to doctag_job_submit_json(). */
%ignore doctag_job_submit_jansson;
/* doctag_webhooks_deliver(ctx, &attempted) returns the count. */
%apply unsigned int *OUTPUT { unsigned int *attempted };
/* Filled in by the option objects' constructors. */
%ignore doctag_config_init;
%ignore doctag_process_options_init;
%ignore doctag_page_info;
%ignore doctag_page_cb;

/* ---- Generic typemaps (every UTL language: Python, Perl, Ruby, Tcl...) ---- */

/* Constructors' out-parameters become the return value, owned by the caller. */
%define DOCTAG_OUT_OBJECT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) { $1 = &tmp; }
%typemap(argout) TYPE **out {
  %append_output(SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, SWIG_POINTER_OWN));
}
%enddef

DOCTAG_OUT_OBJECT(doctag_ctx)
DOCTAG_OUT_OBJECT(doctag_result)

DOCTAG_OUT_OBJECT(doctag_user)
DOCTAG_OUT_OBJECT(doctag_tokens)
/* doctag_auth_login(ctx, &user, &tokens, ...) returns (user, tokens). */
%typemap(in, numinputs=0) doctag_user **user (doctag_user *tmp = NULL) { $1 = &tmp; }
%typemap(argout) doctag_user **user {
  %append_output(SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, SWIG_POINTER_OWN));
}
%typemap(in, numinputs=0) doctag_tokens **tokens (doctag_tokens *tmp = NULL) { $1 = &tmp; }
%typemap(argout) doctag_tokens **tokens {
  %append_output(SWIG_NewPointerObj(SWIG_as_voidptr(*$1), $*1_descriptor, SWIG_POINTER_OWN));
}
%apply bool *OUTPUT { bool *revoked };
DOCTAG_OUT_OBJECT(doctag_job_list)
DOCTAG_OUT_OBJECT(doctag_job_detail)
DOCTAG_OUT_OBJECT(doctag_document_list)
DOCTAG_OUT_OBJECT(doctag_document_detail)
DOCTAG_OUT_OBJECT(doctag_stats)
DOCTAG_OUT_OBJECT(doctag_health)
DOCTAG_OUT_OBJECT(doctag_metrics)
/* Records are borrowed from their list; the bindings read the JSON forms. */
%ignore doctag_stats_status_at;
%ignore doctag_job_record;
%ignore doctag_document_record;
%ignore doctag_job_list_at;
%ignore doctag_job_detail_job;
%ignore doctag_job_detail_document_at;
%ignore doctag_document_list_at;
%ignore doctag_document_detail_record;
%ignore doctag_stats_recent_at;
DOCTAG_OUT_OBJECT(doctag_job)
DOCTAG_OUT_OBJECT(doctag_active_jobs)
DOCTAG_OUT_OBJECT(doctag_events)
/* A batch is submitted as the JSON body of POST /api/batch/start
 * (doctag_job_submit_json): rows of name/value pairs and borrowed option
 * pointers do not cross languages well. */
%ignore doctag_job_submit;
%ignore doctag_field;
%ignore doctag_row;
%ignore doctag_job_options;
%ignore doctag_job_options_init;
%ignore doctag_batch_submit_csv;
%ignore doctag_job_output_csv;
%ignore doctag_batch_process_csv;
%ignore doctag_csv_report;
%ignore doctag_csv_report_success;
%ignore doctag_csv_report_total;
%ignore doctag_csv_report_processed;
%ignore doctag_csv_report_failed;
%ignore doctag_csv_report_csv;
%ignore doctag_csv_report_job_id;
%ignore doctag_csv_report_to_json;
%ignore doctag_csv_report_free;
%ignore doctag_paths_validate;
%ignore doctag_path_spec;
%ignore doctag_path_report;
%ignore doctag_path_report_count;
%ignore doctag_path_report_valid;
%ignore doctag_path_report_error;
%ignore doctag_path_report_content_type;
%ignore doctag_path_report_size;
%ignore doctag_path_report_to_json;
%ignore doctag_path_report_free;
/* Events are followed with the poll form; borrowed records are read through
 * the events_* accessors below, jobs of a list through its JSON. */
%ignore doctag_job_events;
%ignore doctag_event_cb;
%ignore doctag_event_info;
%ignore doctag_events_at;
%ignore doctag_active_jobs_at;
%ignore doctag_worker_options_init;
/* The catch-up read a piece at a time is for servers that stream it;
 * Python reads the whole message with job_catchup_to_json. */
%ignore doctag_job_catchup;
%ignore doctag_job_catchup_open;
%ignore doctag_job_catchup_job;
%ignore doctag_job_catchup_next;
%ignore doctag_job_catchup_done;
%ignore doctag_job_catchup_free;
%ignore doctag_worker_options::stop;
/* Strings the library allocates for the caller (out-parameters by these
 * names): returned as copies, then doctag_free'd. */
%define DOCTAG_OUT_STRING(NAME)
%typemap(in, numinputs=0) char **NAME (char *tmp = NULL) { $1 = &tmp; }
%typemap(argout) char **NAME { %append_output(SWIG_FromCharPtr(*$1)); }
%typemap(freearg) char **NAME { doctag_free(*$1); }
%enddef
DOCTAG_OUT_STRING(json)
DOCTAG_OUT_STRING(response_json)  /* doctag_job_submit_json's answer */
DOCTAG_OUT_STRING(text)           /* doctag_metrics_to_prometheus */
DOCTAG_OUT_STRING(secret)         /* doctag_webhook_secret */

/* Functions that block (I/O, OCR, network) release the interpreter lock
 * (-threads); cheap accessors keep it. */
%feature("nothread") doctag_error_class_count;
%feature("nothread") doctag_error_class_code;
%feature("nothread") doctag_error_class_name;
%feature("nothread") doctag_error_class_parent;
%feature("nothread") doctag_error_class_doc;
%feature("nothread") doctag_status_name;
%feature("nothread") doctag_version;
%feature("nothread") doctag_ctx_data_dir;
%feature("nothread") doctag_result_title;
%feature("nothread") doctag_result_text;
%feature("nothread") doctag_result_text_length;
%feature("nothread") doctag_result_page_count;
%feature("nothread") doctag_result_pages_read;
%feature("nothread") doctag_result_page_text;
%feature("nothread") doctag_result_page_method;
%feature("nothread") doctag_result_page_confidence;
%feature("nothread") doctag_result_page_warning;
%feature("nothread") doctag_result_is_scanned;
%feature("nothread") doctag_result_extraction_method;
%feature("nothread") doctag_result_ocr_confidence;
%feature("nothread") doctag_result_quality;
%feature("nothread") doctag_result_language;
%feature("nothread") doctag_result_tag_count;
%feature("nothread") doctag_result_tag_at;
%feature("nothread") doctag_result_tag_score;
%feature("nothread") doctag_result_tag_evidence;
%feature("nothread") doctag_result_needs_review;
%feature("nothread") doctag_result_model_name;
%feature("nothread") doctag_result_raw_response;
%feature("nothread") doctag_result_tokens_used;
%feature("nothread") doctag_result_processing_time;
%feature("nothread") doctag_result_document_id;
%feature("nothread") doctag_result_sha256;
%feature("nothread") doctag_job_state_name;
%feature("nothread") doctag_job_id;
%feature("nothread") doctag_job_get_state;
%feature("nothread") doctag_job_total;
%feature("nothread") doctag_job_processed_count;
%feature("nothread") doctag_job_failed_count;
%feature("nothread") doctag_job_results_count;
%feature("nothread") doctag_job_progress;
%feature("nothread") doctag_job_last_seq;
%feature("nothread") doctag_job_error;
%feature("nothread") doctag_job_result_count;
%feature("nothread") doctag_job_result_row;
%feature("nothread") doctag_job_result_ok;
%feature("nothread") doctag_job_result_title;
%feature("nothread") doctag_job_result_error;
%feature("nothread") doctag_job_result_tag_count;
%feature("nothread") doctag_job_result_tag_at;
%feature("nothread") doctag_job_result_document_id;
%feature("nothread") doctag_job_result_json;
%feature("nothread") doctag_job_to_json;
%feature("nothread") doctag_job_catchup_to_json;
%feature("nothread") doctag_active_jobs_count;
%feature("nothread") doctag_active_jobs_to_json;
%feature("nothread") doctag_events_count;
%feature("nothread") doctag_events_seq;
%feature("nothread") doctag_events_type;
%feature("nothread") doctag_events_json;
%feature("nothread") doctag_events_terminal;
%feature("nothread") doctag_health_ok;
%feature("nothread") doctag_health_count;
%feature("nothread") doctag_health_name;
%feature("nothread") doctag_health_probe_ok;
%feature("nothread") doctag_health_probe_required;
%feature("nothread") doctag_health_detail;
%feature("nothread") doctag_health_latency_ms;
%feature("nothread") doctag_health_to_json;
%feature("nothread") doctag_metrics_value;
%feature("nothread") doctag_metrics_to_prometheus;

/* ---- The language's own typemaps ---------------------------------------- */
#if defined(SWIGPYTHON)
%include "python/doctag_python.i"
#elif defined(SWIGPERL)
%include "perl/doctag_perl.i"
#endif

%{
#ifndef DOCTAG_RELEASE_PAGE_CALLBACK
#define DOCTAG_RELEASE_PAGE_CALLBACK(opts) ((void)(opts))
#endif
%}

/* ---- Opaque handles -------------------------------------------------------
 * SWIG sees an empty struct so it can attach the destructor; C code only
 * ever uses pointers to them. */
%define DOCTAG_OPAQUE(TYPE, FREE)
%nodefaultctor TYPE;
%ignore FREE;
struct TYPE {};
%extend TYPE { ~TYPE() { FREE($self); } }
%enddef

DOCTAG_OPAQUE(doctag_ctx, doctag_ctx_free)
DOCTAG_OPAQUE(doctag_result, doctag_result_free)
DOCTAG_OPAQUE(doctag_user, doctag_user_free)
DOCTAG_OPAQUE(doctag_tokens, doctag_tokens_free)
DOCTAG_OPAQUE(doctag_job_list, doctag_job_list_free)
DOCTAG_OPAQUE(doctag_job_detail, doctag_job_detail_free)
DOCTAG_OPAQUE(doctag_document_list, doctag_document_list_free)
DOCTAG_OPAQUE(doctag_document_detail, doctag_document_detail_free)
DOCTAG_OPAQUE(doctag_stats, doctag_stats_free)
DOCTAG_OPAQUE(doctag_job, doctag_job_free)
DOCTAG_OPAQUE(doctag_active_jobs, doctag_active_jobs_free)
DOCTAG_OPAQUE(doctag_events, doctag_events_free)
DOCTAG_OPAQUE(doctag_health, doctag_health_free)
DOCTAG_OPAQUE(doctag_metrics, doctag_metrics_free)
/* Event i of a poll, field by field (the record is borrowed from the list). */
%inline %{
uint64_t doctag_events_seq(const doctag_events *e, size_t i)
{ const doctag_event_info *x = i < doctag_events_count(e) ? doctag_events_at(e, i) : NULL; return x ? x->seq : 0; }
const char *doctag_events_type(const doctag_events *e, size_t i)
{ const doctag_event_info *x = i < doctag_events_count(e) ? doctag_events_at(e, i) : NULL; return x ? x->type : NULL; }
const char *doctag_events_json(const doctag_events *e, size_t i)
{ const doctag_event_info *x = i < doctag_events_count(e) ? doctag_events_at(e, i) : NULL; return x ? x->json : NULL; }
bool doctag_events_terminal(const doctag_events *e, size_t i)
{ const doctag_event_info *x = i < doctag_events_count(e) ? doctag_events_at(e, i) : NULL; return x && x->terminal; }
%}

/* ---- Option structs that own their strings ---------------------------------
 * String members are read-only from the language; set_<field>() copies the
 * value (NULL or "" unsets it) and the destructor frees every copy. */
%{
static void doctag_own_string(const char **field, const char *value)
{
  free((char *)*field);
  *field = value && *value ? strdup(value) : NULL;
}

/* Appends a copy of `term` to a NULL-terminated array the struct owns. */
static void doctag_own_append(const char *const **array, size_t *count, const char *term)
{
  char **v = realloc((char **)*array, (*count + 2) * sizeof *v);
  if (!v)
    return;
  v[*count] = strdup(term ? term : "");
  v[*count + 1] = NULL;
  *array = (const char *const *)v;
  (*count)++;
}

static void doctag_own_clear(const char *const **array, size_t *count)
{
  char **v = (char **)*array;
  for (size_t i = 0; v && i < *count; i++)
    free(v[i]);
  free(v);
  *array = NULL;
  *count = 0;
}
%}

/* Setters and constructors are quick: no GIL release around them. */
%feature("nothread");

%define DOCTAG_OWNED_STRING(TYPE, FIELD)
%immutable TYPE::FIELD;
%extend TYPE { void set_ ## FIELD(const char *value) { doctag_own_string(&$self->FIELD, value); } }
%enddef

%immutable doctag_config::version;
DOCTAG_OWNED_STRING(doctag_config, data_dir)
DOCTAG_OWNED_STRING(doctag_config, database_url)
DOCTAG_OWNED_STRING(doctag_config, redis_url)
DOCTAG_OWNED_STRING(doctag_config, allowed_roots)
DOCTAG_OWNED_STRING(doctag_config, llm_base_url)
DOCTAG_OWNED_STRING(doctag_config, llm_api_key)
DOCTAG_OWNED_STRING(doctag_config, jwt_secret)
DOCTAG_OWNED_STRING(doctag_config, blob_url)
DOCTAG_OWNED_STRING(doctag_config, s3_endpoint)
%extend doctag_config {
  doctag_config() {
    doctag_config *c = calloc(1, sizeof *c);
    if (c)
      doctag_config_init(c, DOCTAG_CONFIG_VERSION);
    return c;
  }
  ~doctag_config() {
    const char **s[] = { &$self->data_dir, &$self->database_url, &$self->redis_url, &$self->allowed_roots,
                         &$self->llm_base_url, &$self->llm_api_key, &$self->jwt_secret, &$self->blob_url,
                         &$self->s3_endpoint };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
      doctag_own_string(s[i], NULL);
    free($self);
  }
}

%immutable doctag_process_options::version;
%ignore doctag_process_options::on_page;
%ignore doctag_process_options::on_page_data;
%immutable doctag_process_options::exclusion_words;
%immutable doctag_process_options::exclusion_count;
%immutable doctag_process_options::vocabulary;
%immutable doctag_process_options::vocabulary_count;
%ignore doctag_process_options::exclusion_words;
%ignore doctag_process_options::vocabulary;
DOCTAG_OWNED_STRING(doctag_process_options, model_name)
DOCTAG_OWNED_STRING(doctag_process_options, api_key)
DOCTAG_OWNED_STRING(doctag_process_options, languages)
DOCTAG_OWNED_STRING(doctag_process_options, password)
DOCTAG_OWNED_STRING(doctag_process_options, file_name)
DOCTAG_OWNED_STRING(doctag_process_options, user_id)
%extend doctag_process_options {
  doctag_process_options() {
    doctag_process_options *o = calloc(1, sizeof *o);
    if (o)
      doctag_process_options_init(o, DOCTAG_PROCESS_OPTIONS_VERSION);
    return o;
  }
  ~doctag_process_options() {
    const char **s[] = { &$self->model_name, &$self->api_key, &$self->languages, &$self->password,
                         &$self->file_name, &$self->user_id };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
      doctag_own_string(s[i], NULL);
    doctag_own_clear(&$self->exclusion_words, &$self->exclusion_count);
    doctag_own_clear(&$self->vocabulary, &$self->vocabulary_count);
    DOCTAG_RELEASE_PAGE_CALLBACK($self);
    free($self);
  }
  /* Term lists grow one term at a time, which every language can call. */
  void add_exclusion_word(const char *term) {
    doctag_own_append(&$self->exclusion_words, &$self->exclusion_count, term);
  }
  void add_vocabulary_term(const char *term) {
    doctag_own_append(&$self->vocabulary, &$self->vocabulary_count, term);
  }
  void clear_exclusion_words() { doctag_own_clear(&$self->exclusion_words, &$self->exclusion_count); }
  void clear_vocabulary() { doctag_own_clear(&$self->vocabulary, &$self->vocabulary_count); }
}

%immutable doctag_session_options::version;
%ignore doctag_session_options_init;
DOCTAG_OWNED_STRING(doctag_session_options, device_info)
DOCTAG_OWNED_STRING(doctag_session_options, ip)
%extend doctag_session_options {
  doctag_session_options() {
    doctag_session_options *o = calloc(1, sizeof *o);
    if (o)
      doctag_session_options_init(o, DOCTAG_SESSION_OPTIONS_VERSION);
    return o;
  }
  ~doctag_session_options() {
    doctag_own_string(&$self->device_info, NULL);
    doctag_own_string(&$self->ip, NULL);
    free($self);
  }
}

%immutable doctag_worker_options::version;
DOCTAG_OWNED_STRING(doctag_worker_options, until_job)
DOCTAG_OWNED_STRING(doctag_worker_options, name)
%extend doctag_worker_options {
  doctag_worker_options() {
    doctag_worker_options *o = calloc(1, sizeof *o);
    if (o)
      doctag_worker_options_init(o, DOCTAG_WORKER_OPTIONS_VERSION);
    return o;
  }
  ~doctag_worker_options() {
    doctag_own_string(&$self->until_job, NULL);
    doctag_own_string(&$self->name, NULL);
    free($self);
  }
}

%feature("nothread", "");

/* ---- The ABI ---------------------------------------------------------------- */
%include "doctag/common.h"
%include "doctag/context.h"
%include "doctag/process.h"
%include "doctag/auth.h"
%include "doctag/history.h"
%include "doctag/jobs.h"
%include "doctag/health.h"
