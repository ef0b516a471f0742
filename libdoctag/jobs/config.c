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

char *job_row_payload(const doctag_row *row, const doctag_field *mapping, size_t mapping_count,
                      const char *base_dir)
{
  char *vals[G_N_ELEMENTS(job_row_fields)] = { 0 };
  for (size_t f = 0; f < G_N_ELEMENTS(job_row_fields); f++) {
    const char *ours = job_row_fields[f], *col = ours;
    for (size_t m = 0; m < mapping_count; m++)
      if (mapping[m].name && mapping[m].value && !strcmp(mapping[m].name, ours))
        col = mapping[m].value;
    const char *v = cell(row, col);
    /* Unmapped: the caller's column of our name still counts. */
    if (!v && col != ours)
      v = cell(row, ours);
    if (v)
      vals[f] = g_strstrip(g_utf8_make_valid(v, -1));
  }
  /* A relative local path is the base directory's, joined here: the
   * payload is written once, never parsed and written again. */
  char **type = &vals[2], **path = &vals[3];
  if (base_dir && *type && *path && **path && **path != '/' && !g_ascii_strcasecmp(*type, "local")) {
    char *abs = g_build_filename(base_dir, *path, NULL);
    g_free(*path);
    *path = g_utf8_make_valid(abs, -1);
    g_free(abs);
  }
  /* As jobs_json_dump() writes the object of these members, in this order. */
  GString *out = g_string_sized_new(160);
  for (size_t f = 0; f < G_N_ELEMENTS(job_row_fields); f++) {
    g_string_append_c(out, f ? ',' : '{');
    json_out_string(out, job_row_fields[f]);
    g_string_append_c(out, ':');
    if (vals[f])
      json_out_string(out, vals[f]);
    else
      g_string_append(out, "null");
    g_free(vals[f]);
  }
  g_string_append_c(out, '}');
  return g_string_free(out, FALSE);
}

doctag_status job_base_dir(const doctag_job_options *opts, const char **base_dir)
{
  const char *base = opts && opts->version >= 3 && opts->base_dir && *opts->base_dir ? opts->base_dir : NULL;
  *base_dir = NULL;
  if (base && base[0] != '/')
    return err_set_field(DOCTAG_EINVAL, "base_dir", "value_error", "must be an absolute directory (got \"%.60s\")",
                         base);
  *base_dir = base;
  return DOCTAG_OK;
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
