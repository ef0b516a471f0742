/* Parts of speech of other languages from the Apertium tables (see
 * pos_lang.h). */
#include "tag/pos_lang.h"

#include <string.h>

const pos_lang_table *pos_lang_of(const char *lang)
{
  for (const pos_lang_table *t = pos_lang_tables; t->code; t++)
    if (!strcmp(t->code, lang))
      return t;
  return NULL;
}

unsigned int pos_lang_class(const pos_lang_table *table, const char *word)
{
  if (!table)
    return POS_LANG_NONE;
  size_t lo = 0, hi = table->size;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(table->words + table->forms[mid], word);
    if (!c)
      return table->classes[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return POS_LANG_NONE;
}
