/* Parts of speech of other languages from the Apertium tables (see
 * pos_lang.h). */
#include "tag/pos_lang.h"

#include <string.h>

#include "tag/pos_lang_table.h"

const pos_lang_table *pos_lang_of(const char *lang)
{
  for (const pos_lang_table *t = pos_lang_tables; t->code; t++)
    if (!strcmp(t->code, lang))
      return t;
  return NULL;
}

bool pos_lang_verb(const pos_lang_table *table, const char *word)
{
  if (!table)
    return false;
  size_t lo = 0, hi = table->size;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(table->words + table->verbs[mid], word);
    if (!c)
      return true;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}
