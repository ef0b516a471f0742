/* Loading libraries on first use (see dynlib.h). */
#include "core/dynlib.h"

#include <dlfcn.h>

void *dynlib_open(const char *const *sonames, GString *errors)
{
  for (const char *const *n = sonames; *n; n++) {
    void *h = dlopen(*n, RTLD_NOW | RTLD_LOCAL);
    if (h)
      return h;
    const char *e = dlerror();
    g_string_append_printf(errors, "%s%s", errors->len ? "; " : "", e ? e : *n);
  }
  return NULL;
}

void *dynlib_sym(void *const *handles, size_t n, const char *name, const char **missing)
{
  for (size_t i = 0; i < n; i++) {
    void *sym = dlsym(handles[i], name);
    if (sym)
      return sym;
  }
  if (!*missing)
    *missing = name;
  return NULL;
}
