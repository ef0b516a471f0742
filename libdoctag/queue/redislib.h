/* Internal to queue/: libhiredis, loaded when the first Redis queue is
 * opened (queue/redis.c).
 *
 * Linked, hiredis cost every process that loads libdoctag its loading and
 * relocations at start, while only the processes given DOCTAG_REDIS_URL
 * talk to Redis. Loaded on demand, only they pay; a machine without it
 * still runs batches on the local queue (a Redis URL then fails with
 * DOCTAG_EUNAVAILABLE, naming the library). */
#ifndef DOCTAG_QUEUE_REDISLIB_H
#define DOCTAG_QUEUE_REDISLIB_H

#include <hiredis/hiredis.h>

/* Every libhiredis function libdoctag calls. */
#define REDISLIB_FUNCS(X) \
  X(freeReplyObject) X(redisBufferRead) X(redisCommand) X(redisCommandArgv) X(redisConnectWithTimeout) X(redisFree) \
  X(redisGetReplyFromReader) X(redisSetTimeout)

typedef struct redislib {
#define REDISLIB_MEMBER(f) __typeof__(f) *f;
  REDISLIB_FUNCS(REDISLIB_MEMBER)
#undef REDISLIB_MEMBER
} redislib;

/* The functions, loaded on the first call (thread-safe); NULL with
 * err_set(DOCTAG_EUNAVAILABLE, ...) when libhiredis cannot be loaded. */
const redislib *redislib_get(void);
/* The functions once redislib_get() has succeeded, else NULL. */
const redislib *redislib_loaded(void);

#endif
