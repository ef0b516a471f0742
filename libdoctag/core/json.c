/* Writing JSON (json.h). */
#include "core/json.h"
#include "core/error.h"

#include <glib.h>
#include <stdlib.h>

char *json_out_dump(const json_t *j)
{
  char *s = j ? json_dumps(j, JSON_OUT) : NULL;
  char *g = s ? g_strdup(s) : NULL;
  free(s);
  return g;
}

doctag_status json_out_take(json_t *j, char **out)
{
  *out = json_out_dump(j);
  json_decref(j);
  return *out ? DOCTAG_OK : err_nomem();
}
