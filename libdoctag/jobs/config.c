/* A job's rows: the column mapping, the JSON helpers. Its tagging
 * configuration is parsed and checked by process/options.c. */
#include "jobs/jobs.h"
#include "core/error.h"
#include "core/json.h"

#include <string.h>

const char *const job_row_fields[6] = { "title", "description", "file_source_type", "file_path",
                                        "publishing_date", "file_size" };

/* The value of column `name` in a row, or NULL. */
static const char *cell(const doctag_row *row, const char *name)
{
  for (size_t i = 0; i < row->field_count; i++)
    if (row->fields[i].name && !strcmp(row->fields[i].name, name))
      return row->fields[i].value;
  return NULL;
}

char *job_row_payload(const doctag_row *row, const doctag_field *mapping, size_t mapping_count)
{
  json_t *o = json_object();
  for (size_t f = 0; f < G_N_ELEMENTS(job_row_fields); f++) {
    const char *ours = job_row_fields[f], *col = ours;
    for (size_t m = 0; m < mapping_count; m++)
      if (mapping[m].name && mapping[m].value && !strcmp(mapping[m].name, ours))
        col = mapping[m].value;
    const char *v = cell(row, col);
    /* Unmapped: the caller's column of our name still counts. */
    if (!v && col != ours)
      v = cell(row, ours);
    if (v) {
      char *trimmed = g_strstrip(g_utf8_make_valid(v, -1));
      json_object_set_new(o, ours, json_string(trimmed));
      g_free(trimmed);
    } else {
      json_object_set_new(o, ours, json_null());
    }
  }
  char *s = jobs_json_dump(o);
  json_decref(o);
  return s;
}

void job_payload_resolve(char **payload, const char *base_dir)
{
  json_t *o = json_loads(*payload, 0, NULL);
  const char *type = json_string_value(json_object_get(o, "file_source_type"));
  const char *path = json_string_value(json_object_get(o, "file_path"));
  if (type && path && *path && path[0] != '/' && !g_ascii_strcasecmp(type, "local")) {
    char *abs = g_build_filename(base_dir, path, NULL);
    json_object_set_new(o, "file_path", json_string(abs));
    g_free(abs);
    g_free(*payload);
    *payload = jobs_json_dump(o);
  }
  json_decref(o);
}

char *jobs_json_dump(json_t *o)
{
  char *g = json_out_dump(o);
  return g ? g : g_strdup("null");
}

char *jobs_json_template_safe(const char *json)
{
  if (!strchr(json, '%'))
    return g_strdup(json);
  GString *out = g_string_sized_new(strlen(json) + 16);
  for (const char *p = json; *p; p++) {
    if (*p == '%')
      g_string_append(out, "\\u0025");
    else
      g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}
