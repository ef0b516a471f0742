/* Loading ICU on first use (see iculib.h). */
#include "core/iculib.h"
#include "core/dynlib.h"

#include <glib.h>
#include <unicode/uvernum.h>

/* The name as the headers spell it, version suffix and all: the argument
 * is macro-expanded before it is quoted. */
#define ICULIB_QUOTE(f) #f
#define ICULIB_NAME(f) ICULIB_QUOTE(f),

static iculib lib;
static dynlib_once state;

static char *load(void)
{
  static const char *const sonames[] = { "libicuuc.so." U_ICU_VERSION_SHORT, NULL };
  static const char *const names[] = { ICULIB_FUNCS(ICULIB_NAME) };
  void *syms[G_N_ELEMENTS(names)];
  char *why_not = dynlib_load_syms(sonames, "ICU", "libicu" U_ICU_VERSION_SHORT, names, syms, G_N_ELEMENTS(names), NULL);
  if (why_not)
    return why_not;
  size_t i = 0;
  ICULIB_FUNCS(DYNLIB_FILL)
  /* The handle stays open for the life of the process, like the others. */
  return NULL;
}

const iculib *iculib_get(void)
{
  return dynlib_once_load(&state, load) ? &lib : NULL;
}

int32_t iculib_int_property(UChar32 c, UProperty which)
{
  const iculib *icu = iculib_get();
  return icu ? icu->u_getIntPropertyValue(c, which) : 0;
}
