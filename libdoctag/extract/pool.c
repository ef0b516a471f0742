/* Page workers: long-lived threads shared by every extraction in the
 * process. They live as long as the process so that the tesseract engines
 * each one caches (ocr.c) are reused from page to page and document to
 * document. A task is "work on this document until its pages run out"; a
 * document asks for as many tasks as it wants workers. */
#include "extract/internal.h"

#include <pthread.h>

typedef struct task {
  void (*fn)(void *data);
  void *data;
} task;

static GMutex lock;
static GCond wake;
static GQueue tasks = G_QUEUE_INIT;
static unsigned int threads;  /* alive */
static unsigned int free_now; /* waiting for a task, or starting up */

static unsigned int max_threads(void)
{
  /* Several documents at once each get workers, within reason: every
   * thread may hold tesseract engines of tens of MB. */
  return MAX(8u, 2u * (unsigned int)g_get_num_processors());
}

static gpointer worker(gpointer unused)
{
  (void)unused;
  g_mutex_lock(&lock);
  for (;;) {
    while (g_queue_is_empty(&tasks))
      g_cond_wait(&wake, &lock);
    task *t = g_queue_pop_head(&tasks);
    free_now--;
    g_mutex_unlock(&lock);
    t->fn(t->data);
    g_free(t);
    g_mutex_lock(&lock);
    free_now++;
  }
  return NULL;
}

/* A child of fork() has none of the parent's workers: it starts its own. */
static void before_fork(void) { g_mutex_lock(&lock); }
static void after_fork_parent(void) { g_mutex_unlock(&lock); }
static void after_fork_child(void)
{
  threads = 0;
  free_now = 0;
  g_queue_clear_full(&tasks, g_free);
  g_mutex_unlock(&lock);
}

void pool_run(unsigned int n, void (*fn)(void *data), void *data)
{
  static gsize fork_handlers;
  if (g_once_init_enter(&fork_handlers)) {
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
    g_once_init_leave(&fork_handlers, 1);
  }
  g_mutex_lock(&lock);
  for (unsigned int i = 0; i < n; i++) {
    task *t = g_new(task, 1);
    t->fn = fn;
    t->data = data;
    g_queue_push_tail(&tasks, t);
  }
  while (free_now < g_queue_get_length(&tasks) && threads < max_threads()) {
    GError *e = NULL;
    GThread *th = g_thread_try_new("doctag-page", worker, NULL, &e);
    if (!th) {
      g_clear_error(&e);
      break; /* the threads we have will get through the queue */
    }
    g_thread_unref(th);
    threads++;
    free_now++;
  }
  g_cond_broadcast(&wake);
  g_mutex_unlock(&lock);
}
