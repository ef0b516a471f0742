/* Loading poppler-glib and cairo on first use (see renderlib.h). */
#include "extract/renderlib.h"
#include "core/error.h"
#include "core/dynlib.h"

#include <glib.h>

#define RENDERLIB_SONAME "libpoppler-glib.so.8"

static renderlib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { RENDERLIB_SONAME, NULL };
  static const char *const names[] = { RENDERLIB_FUNCS(DYNLIB_NAME) };
  void *syms[G_N_ELEMENTS(names)];
  char *why_not = dynlib_load_syms(sonames, "poppler-glib", "libpoppler-glib8", names, syms, G_N_ELEMENTS(names),
                                   NULL);
  if (why_not)
    return why_not;
  size_t i = 0;
  RENDERLIB_FUNCS(DYNLIB_FILL)
  /* The handle stays open for the life of the process, like the others:
   * page images and documents may outlive any one extraction. */
  return NULL;
}

const renderlib *renderlib_get(void)
{
  if (dynlib_once_load(&state, load))
    return &lib;
  err_set(DOCTAG_EOCR, "page images and OCR are not available: %s", state.why_not);
  return NULL;
}

const renderlib *renderlib_loaded(void)
{
  return state.ok ? &lib : NULL;
}
