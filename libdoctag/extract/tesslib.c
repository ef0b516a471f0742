/* Loading tesseract and leptonica on first use (see tesslib.h). */
#include "extract/tesslib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <glib.h>
#include <stdlib.h>

static const char *const tesseract_names[] = { "libtesseract.so.5", "libtesseract.so", NULL };
static const char *const leptonica_names[] = { "liblept.so.5", "libleptonica.so.6", "liblept.so", NULL };

static tesslib lib;
static dynlib_once state;

void ocr_setup_env(void)
{
  static gsize done;
  if (g_once_init_enter(&done)) {
    /* Tesseract's OpenMP would start a team of threads per engine on top of
     * our page workers; one thread each is faster here. A caller's value wins. */
    setenv("OMP_THREAD_LIMIT", "1", 0);
    g_once_init_leave(&done, 1);
  }
}

static char *load(void)
{
  /* libgomp, tesseract's dependency, reads OMP_THREAD_LIMIT as it loads */
  ocr_setup_env();
  GString *errors = g_string_new(NULL);
  void *lept = dynlib_open(leptonica_names, errors);
  void *tess = lept ? dynlib_open(tesseract_names, errors) : NULL;
  char *why_not = lept && tess ? NULL
                               : g_strdup_printf("cannot load tesseract and leptonica (%s); install libtesseract5 "
                                                 "and liblept5", errors->str);
  g_string_free(errors, TRUE);
  if (why_not)
    return why_not;
  const char *missing = NULL;
  void *handles[] = { tess, lept };
#define TESSLIB_LOAD(f) lib.f = (__typeof__(f) *)dynlib_sym(handles, 2, #f, &missing);
  TESSLIB_FUNCS(TESSLIB_LOAD)
#undef TESSLIB_LOAD
  if (missing)
    return g_strdup_printf("the installed tesseract or leptonica lacks %s", missing);
  /* The handles stay open for the life of the process: engines live in
   * threads that never end, and are ended at exit. */
  return NULL;
}

const tesslib *tesslib_get(void)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(DOCTAG_EOCR, "OCR is not available: %s", state.why_not);
  return NULL;
}

const tesslib *tesslib_loaded(void)
{
  return state.ok ? &lib : NULL;
}
