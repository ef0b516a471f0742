/* TEMPORARY, removed once every subsystem has landed: weak stand-ins so the
 * library links while extract, tag and fetch are written in parallel. A
 * subsystem's real (strong) definition replaces each of these. */
#include "core/error.h"
#include "fetch/fetch.h"
#include "tag/rules.h"
#include "tag/tag.h"

#define PENDING(what) err_set(DOCTAG_EINTERNAL, "%s is not built yet", what)

__attribute__((weak)) doctag_status tag_run(const doctag_ctx *ctx, const tag_request *req, tag_outcome *out)
{ (void)ctx; (void)req; (void)out; return PENDING("tagging"); }
__attribute__((weak)) void tag_outcome_clear(tag_outcome *out) { (void)out; }
__attribute__((weak)) char **rules_parse_terms(const char *text, size_t len)
{ (void)text; (void)len; return g_new0(char *, 1); }
__attribute__((weak)) doctag_status fetch_file(const char *path, uint64_t max, GBytes **out)
{ (void)path; (void)max; (void)out; return PENDING("file reading"); }
__attribute__((weak)) doctag_status fetch_url(const doctag_ctx *ctx, const char *url, uint64_t max,
                                              unsigned int timeout, GBytes **out, char **name)
{ (void)ctx; (void)url; (void)max; (void)timeout; (void)out; (void)name; return PENDING("URL fetching"); }
