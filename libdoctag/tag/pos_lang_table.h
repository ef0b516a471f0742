/* Internal: the tables generated at build time from Apertium's analysers
 * (libdoctag/tag/gen/apertium_pos_gen.c); read through tag/pos_lang.h. */
#ifndef DOCTAG_TAG_POS_LANG_TABLE_H
#define DOCTAG_TAG_POS_LANG_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* What a form is, by every analysis of it (tag/gen/apertium_pos_gen.c). */
enum {
  POS_LANG_NONE = 0,
  POS_LANG_VERB,       /* only a verb, finite or infinitive: "soutient", "apresenta" */
  POS_LANG_ADV,        /* only an adverb: "notamment" */
  POS_LANG_NOUN_VERB,  /* a verb's finite form and a noun: "annonce", "conta", "cuenta" */
  POS_LANG_ADJ_VERB,   /* a verb's finite form and an adjective, no noun: "présente", "complète", "limpa" */
  POS_LANG_PARTICIPLE, /* only a participle or gerund: "présenté", "aprovado" (not "élevé", also an adjective) */
  POS_LANG_ADJ,        /* only an adjective: "grande", "maior", "nuevo" */
  POS_LANG_ADJ_NOUN,   /* an adjective and a noun, nothing else: "nouvelle", "public" */
  POS_LANG_OF,         /* "de" ("di"), alone or with an article: "do", "del", "della", "des" */
  POS_LANG_PREP,       /* another preposition, alone or with an article: "no", "al", "nella" */
  POS_LANG_NUM,        /* a cardinal, no noun nor adjective: "dos", "dues", "двух", "миллиона" */
  POS_LANG_CLASSES
};

struct pos_lang_table {
  const char *code;        /* ISO 639-3 */
  const char *words;       /* the forms, each ending in '\0' */
  const uint32_t *forms;   /* offsets in `words`, sorted by form (strcmp) */
  const uint8_t *classes;  /* POS_LANG_*, never _NONE, per form */
  size_t size;
};

/* One a language, ended by one whose code is NULL. */
extern const struct pos_lang_table pos_lang_tables[];

#endif
