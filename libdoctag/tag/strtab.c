/* Tables of a text's words (see strtab.h). */
#include "tag/strtab.h"

static void alloc_slots(strtab *t, size_t slots)
{
  t->key = g_new0(const char *, slots);
  t->val = g_new0(gpointer, slots);
  t->mask = slots - 1;
}

void strtab_init(strtab *t, size_t expect)
{
  size_t slots = 16;
  while (slots < 2 * expect)
    slots *= 2;
  t->n = 0;
  alloc_slots(t, slots);
}

void strtab_clear(strtab *t, GDestroyNotify free_val)
{
  if (free_val)
    for (size_t i = 0; i <= t->mask; i++)
      if (t->key[i])
        free_val(t->val[i]);
  g_free(t->key);
  g_free(t->val);
  memset(t, 0, sizeof *t);
}

gpointer *strtab_put(strtab *t, const char *w)
{
  if (2 * (t->n + 1) > t->mask + 1) {
    const char **key = t->key;
    gpointer *val = t->val;
    size_t old = t->mask + 1;
    alloc_slots(t, 2 * old);
    for (size_t i = 0; i < old; i++)
      if (key[i]) {
        size_t j = strtab_slot((const char *const *)t->key, t->mask, key[i]);
        t->key[j] = key[i];
        t->val[j] = val[i];
      }
    g_free(key);
    g_free(val);
  }
  size_t i = strtab_slot((const char *const *)t->key, t->mask, w);
  if (!t->key[i]) {
    t->key[i] = w;
    t->n++;
  }
  return &t->val[i];
}
