/* TEMPORARY, removed once every subsystem has landed: weak stand-ins so the
 * library links while extract, tag and fetch are written in parallel. A
 * subsystem's real (strong) definition replaces each of these. */
#include <glib.h>

#include "core/error.h"
#include "extract/extract.h"

#define PENDING(what) err_set(DOCTAG_EINTERNAL, "%s is not built yet", what)

__attribute__((weak)) doctag_status extract_run(const doctag_ctx *ctx, const extract_request *req, extract_doc *out)
{ (void)ctx; (void)req; (void)out; return PENDING("extraction"); }
__attribute__((weak)) void extract_doc_clear(extract_doc *doc) { (void)doc; }
__attribute__((weak)) char *extract_title(const char *meta, const char *first, const char *name)
{ (void)meta; (void)first; return g_strdup(name ? name : "Untitled"); }
__attribute__((weak)) const char *extract_detect_language(const char *text, size_t len)
{ (void)text; (void)len; return ""; }
