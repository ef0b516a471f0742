/* Internal: data files compiled into the library (see cmake/Embed.cmake). */
#ifndef DOCTAG_CORE_EMBEDDED_H
#define DOCTAG_CORE_EMBEDDED_H

#include <stddef.h>

typedef struct embedded_file {
  const char *name;           /* path under libdoctag/, e.g. "tag/data/stop_en.txt" */
  const unsigned char *data;  /* NUL-terminated */
  size_t size;
} embedded_file;

extern const embedded_file embedded_files[];

/* The file named `name`, or NULL. */
const embedded_file *embedded_find(const char *name);

#endif
