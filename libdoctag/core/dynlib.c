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

/* dynlib_open(), or NULL with *why_not = "cannot load WHAT (dlerror's
 * messages); install PACKAGE" (g_malloc'd). */
static void *dynlib_open_or_say(const char *const *sonames, const char *what, const char *package, char **why_not)
{
  GString *errors = g_string_new(NULL);
  void *h = dynlib_open(sonames, errors);
  *why_not = h ? NULL : g_strdup_printf("cannot load %s (%s); install %s", what, errors->str, package);
  g_string_free(errors, TRUE);
  return h;
}

char *dynlib_load_syms(const char *const *sonames, const char *what, const char *package, const char *const *names,
                       void **syms, size_t n, void **handle)
{
  char *why_not;
  void *h = dynlib_open_or_say(sonames, what, package, &why_not);
  if (!h)
    return why_not;
  const char *missing = NULL;
  for (size_t i = 0; i < n; i++)
    syms[i] = dynlib_sym(&h, 1, names[i], &missing);
  if (missing) {
    /* every caller lists one soname: the one that loaded */
    why_not = g_strdup_printf("the installed %s (%s) lacks %s; install %s", what, sonames[0], missing, package);
    dlclose(h);
    return why_not;
  }
  if (handle)
    *handle = h;
  return NULL;
}

gboolean dynlib_once_load(dynlib_once *o, char *(*load)(void))
{
  if (g_once_init_enter(&o->once)) {
    o->why_not = load();
    o->ok = !o->why_not;
    g_once_init_leave(&o->once, 1);
  }
  return o->ok;
}
