/* The library's counters: see stats.h. */
#include "core/stats.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "doctag" "st" + layout version 1: a block of another layout is not shared. */
#define STATS_MAGIC UINT64_C(0x646f637461670001)

const char *const stats_source_names[STATS_SOURCES] = { "upload", "url", "s3", "local", "text", "other" };
const char *const stats_method_names[STATS_METHODS] = { "empty", "text", "ocr", "ocr_no_model" };

static stats_block *block;
static bool shared;

static inline void add(uint64_t *p, uint64_t n)
{
  __atomic_fetch_add(p, n, __ATOMIC_RELAXED);
}

/* Maps DOCTAG_STATS_FILE (created 0600, sized on first use); NULL when it
 * cannot be used, with the reason logged once. */
static stats_block *map_file(const char *path)
{
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    g_warning("doctag: DOCTAG_STATS_FILE %s: %s; counting in this process only", path, g_strerror(errno));
    return NULL;
  }
  struct stat sb;
  stats_block *b = NULL;
  if (fstat(fd, &sb) == 0 && (sb.st_size >= (off_t)sizeof *b || ftruncate(fd, sizeof *b) == 0)) {
    void *p = mmap(NULL, sizeof *b, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    b = p == MAP_FAILED ? NULL : p;
  }
  int err = errno;
  close(fd);
  if (!b) {
    g_warning("doctag: DOCTAG_STATS_FILE %s: %s; counting in this process only", path, g_strerror(err));
    return NULL;
  }
  /* A zero-filled file is a fresh block: the first process stamps it. */
  uint64_t expect = 0;
  if (!__atomic_compare_exchange_n(&b->magic, &expect, STATS_MAGIC, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) &&
      expect != STATS_MAGIC) {
    g_warning("doctag: DOCTAG_STATS_FILE %s holds another layout; counting in this process only", path);
    munmap(b, sizeof *b);
    return NULL;
  }
  return b;
}

stats_block *stats_get(void)
{
  static gsize once = 0;
  if (g_once_init_enter(&once)) {
    const char *path = getenv("DOCTAG_STATS_FILE");
    block = path && *path ? map_file(path) : NULL;
    shared = block != NULL;
    if (!block) {
      block = g_new0(stats_block, 1);
      block->magic = STATS_MAGIC;
    }
    g_once_init_leave(&once, 1);
  }
  return block;
}

bool stats_shared(void)
{
  stats_get();
  return shared;
}

void stats_document(const char *source, bool ok)
{
  size_t i = 0;
  while (i < STATS_SOURCES - 1 && (!source || strcmp(source, stats_source_names[i])))
    i++;
  add(&stats_get()->documents[i][ok ? 0 : 1], 1);
}

void stats_page(doctag_page_method method)
{
  if ((unsigned)method < STATS_METHODS)
    add(&stats_get()->pages[method], 1);
}

void stats_ocr_time(double seconds)
{
  if (seconds > 0)
    add(&stats_get()->ocr_us, (uint64_t)(seconds * 1e6));
}

void stats_llm_request(void)
{
  add(&stats_get()->llm_requests, 1);
}

void stats_llm_error(void)
{
  add(&stats_get()->llm_errors, 1);
}

void stats_llm_tokens(uint64_t tokens)
{
  add(&stats_get()->llm_tokens, tokens);
}

/* This process's worker slot: the one holding its pid, else a free one or
 * one whose process stopped beating long ago. */
static stats_worker_slot *my_slot(void)
{
  static stats_worker_slot *mine;
  static uint64_t mine_pid;
  uint64_t pid = (uint64_t)getpid();
  if (mine && mine_pid == pid)
    return mine;
  stats_block *b = stats_get();
  uint64_t now = (uint64_t)time(NULL);
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i < STATS_WORKER_SLOTS; i++) {
      stats_worker_slot *s = &b->workers[i];
      uint64_t held = __atomic_load_n(&s->pid, __ATOMIC_ACQUIRE);
      if (pass == 0 ? held != pid : held != 0 && now - stats_load(&s->beat) < 10 * STATS_WORKER_LIVE_SEC)
        continue;
      if (pass == 1 && !__atomic_compare_exchange_n(&s->pid, &held, pid, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        continue;
      if (pass == 1)
        __atomic_store_n(&s->threads, 0, __ATOMIC_RELAXED);
      mine = s;
      mine_pid = pid;
      return mine;
    }
  }
  return NULL;  /* every slot busy: this process is not shown */
}

void stats_worker_beat(void)
{
  stats_worker_slot *s = my_slot();
  if (s)
    __atomic_store_n(&s->beat, (uint64_t)time(NULL), __ATOMIC_RELAXED);
}

void stats_worker_threads(int delta)
{
  stats_worker_slot *s = my_slot();
  if (!s)
    return;
  if (delta >= 0)
    add(&s->threads, (uint64_t)delta);
  else
    __atomic_fetch_sub(&s->threads, (uint64_t)-delta, __ATOMIC_RELAXED);
  __atomic_store_n(&s->beat, (uint64_t)time(NULL), __ATOMIC_RELAXED);
}
