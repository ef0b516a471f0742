/* Internal: the tables generated at build time from Apertium's analysers
 * (libdoctag/tag/gen/apertium_pos_gen.c); read through tag/pos_lang.h. */
#ifndef DOCTAG_TAG_POS_LANG_TABLE_H
#define DOCTAG_TAG_POS_LANG_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* What a form is, every analysis of it (tag/pos_lang.h). */
enum { POS_LANG_NONE = 0, POS_LANG_VERB = 1, POS_LANG_ADV = 2 };

struct pos_lang_table {
  const char *code;        /* ISO 639-3 */
  const char *words;       /* the forms, each ending in '\0' */
  const uint32_t *forms;   /* offsets in `words`, sorted by form (strcmp) */
  const uint8_t *classes;  /* POS_LANG_VERB or POS_LANG_ADV, per form */
  size_t size;
};

/* One a language, ended by one whose code is NULL. */
extern const struct pos_lang_table pos_lang_tables[];

#endif
