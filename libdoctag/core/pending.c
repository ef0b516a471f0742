/* TEMPORARY, removed once every subsystem has landed: weak stand-ins so the
 * library links while extract, tag and fetch are written in parallel. A
 * subsystem's real (strong) definition replaces each of these. */
#include "core/error.h"
#include "extract/extract.h"
#include "fetch/fetch.h"
#include "tag/rules.h"
#include "tag/tag.h"

#define PENDING(what) err_set(DOCTAG_EINTERNAL, "%s is not built yet", what)

__attribute__((weak)) doctag_status extract_run(const doctag_ctx *ctx, const extract_request *req, extract_doc *out)
{ (void)ctx; (void)req; (void)out; return PENDING("extraction"); }
__attribute__((weak)) void extract_doc_clear(extract_doc *doc) { (void)doc; }
__attribute__((weak)) char *extract_title(const char *meta, const char *first, const char *name)
{ (void)meta; (void)first; return g_strdup(name ? name : "Untitled"); }
__attribute__((weak)) const char *extract_detect_language(const char *text, size_t len)
{ (void)text; (void)len; return ""; }
__attribute__((weak)) doctag_status tag_run(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out)
{ (void)ctx; (void)req; (void)out; return PENDING("tagging"); }
__attribute__((weak)) void tag_outcome_clear(tag_outcome *out) { (void)out; }
__attribute__((weak)) size_t rules_apply(const tag_request *req, char *const *candidates,
                                         const double *scores, size_t n, tag_outcome *out)
{ (void)req; (void)candidates; (void)scores; (void)n; (void)out; return 0; }
__attribute__((weak)) char **rules_parse_terms(const char *text, size_t len)
{ (void)text; (void)len; return g_new0(char *, 1); }
