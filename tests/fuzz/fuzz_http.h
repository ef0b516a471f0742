/* Shared by the server-side fuzz targets (which compile server/multipart.c,
 * server/json.c and server/reply.c as they are). */
#ifndef DOCTAG_FUZZ_HTTP_H
#define DOCTAG_FUZZ_HTTP_H

#include "server.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* assert() that NDEBUG builds keep. */
#define CHECK(x) \
  do { \
    if (!(x)) { \
      fprintf(stderr, "check failed: %s (%s:%d)\n", #x, __FILE__, __LINE__); \
      abort(); \
    } \
  } while (0)

#endif
