/* Webhook deliveries from the server itself: they are queued in the store
 * when a job ends, and batch workers send them, but a server with no batch
 * worker (DOCTAG_WORKERS=0, workers elsewhere, or none yet) must not leave
 * them waiting. One kore worker (id 1; kore restarts it if it dies) sends
 * the due ones every second on a thread of its own: delivery blocks (10 s
 * per attempt at most), so it stays off the event loop and the task pools.
 * Each attempt is leased in the store, so workers and servers polling at
 * once never send the same one twice. */
#include "server.h"

#define POLL_US G_USEC_PER_SEC

static gint quit;

static gpointer deliver_thread(gpointer data)
{
  (void)data;
  while (!g_atomic_int_get(&quit)) {
    g_usleep(POLL_US);
    if (!g_atomic_int_get(&quit))
      doctag_webhooks_deliver(srv.ctx, NULL);
  }
  return NULL;
}

void srv_webhooks_init(void)
{
  if (!worker || worker->id != 1)
    return;
  g_thread_unref(g_thread_new("doctag-webhooks", deliver_thread, NULL));
}

void srv_webhooks_stop(void)
{
  g_atomic_int_set(&quit, 1);
}
