/* The SQLite index's tokenizer: words as the tagger reads them, in every
 * script (issue 17).
 *
 * unicode61 takes only letters and numbers as word characters, so a vowel
 * sign or virama (Unicode Mn, Mc) ended a word: "किसान" was indexed as
 * क, स, न, a search for it was that three-token phrase (matching "कसान",
 * "कुसुन" too), and such a word had no search head. The same held for
 * every Indic script, Thai vowel marks and Hebrew and Arabic points. And
 * Chinese, Japanese, Thai, Lao, Khmer and Myanmar write no spaces: a whole
 * run was one token, so a word inside a sentence ("停水" in "本市停水通知")
 * was never found.
 *
 * So this tokenizer is unicode61 (case folding, remove_diacritics 0) with
 * marks of every kind as word characters (its `categories` option: its own
 * Unicode tables, nothing listed by hand), and each run of one of those
 * unspaced scripts inside a word is cut into overlapping pairs of
 * characters (a character with its marks): "本市停水通知" is 本市 市停 停水
 * 水通 通知, a run of one character is itself. FTS5 tokenizes a query's
 * quoted string the same way, so a word of n characters is the phrase of
 * its n - 1 pairs and is found wherever it stands; a word of two is one
 * token, which a search head answers. Pairs rather than dictionary word
 * breaks (ICU): a query and a document are cut alike whatever surrounds
 * the word, nothing is loaded, and no dictionary decides what can be found.
 * What they cost: a single character is found only where it stands alone,
 * and a pair across two words can match (a precision loss ranking
 * absorbs). Other scripts, cased ones included, get unicode61's words. */
#include "store/sqlitetok.h"
#include "store/unspaced.h"

#include <glib.h>
#include <string.h>

/* unicode61's options for the words: written once, here. */
static const char *const inner_args[] = { "remove_diacritics", "0", "categories", "L* N* Co M*" };

typedef struct doctag_tok {
  fts5_tokenizer inner_api;
  Fts5Tokenizer *inner;
} doctag_tok;

static void tok_delete(Fts5Tokenizer *p)
{
  doctag_tok *t = (doctag_tok *)p;
  if (t && t->inner)
    t->inner_api.xDelete(t->inner);
  g_free(t);
}

static int tok_create(void *ctx, const char **args, int nargs, Fts5Tokenizer **out)
{
  fts5_api *fts = ctx;
  (void)args;
  *out = NULL;
  if (nargs)
    return SQLITE_ERROR; /* the words are this tokenizer's, not the table's */
  doctag_tok *t = g_new0(doctag_tok, 1);
  void *uctx = NULL;
  int rc = fts->xFindTokenizer(fts, "unicode61", &uctx, &t->inner_api);
  if (rc == SQLITE_OK)
    rc = t->inner_api.xCreate(uctx, (const char **)inner_args, (int)G_N_ELEMENTS(inner_args), &t->inner);
  if (rc != SQLITE_OK) {
    tok_delete((Fts5Tokenizer *)t);
    return rc;
  }
  *out = (Fts5Tokenizer *)t;
  return SQLITE_OK;
}

/* Scripts written without spaces between words (store/unspaced.h, which
 * PostgreSQL's index follows too). */
static bool unspaced(GUnicodeScript s)
{
#define UNSPACED_CASE(name) case G_UNICODE_SCRIPT_##name:
  switch (s) {
  UNSPACED_SCRIPTS(UNSPACED_CASE)
    return true;
  default:
    return false;
  }
#undef UNSPACED_CASE
}

typedef struct tok_pass {
  void *ctx;
  int (*emit)(void *, int, const char *, int, int, int);
} tok_pass;

/* Passes on token[from, to) of a word unicode61 found at [start, end) of
 * the text: its own place in the text when folding kept the word's
 * length, else the word's. */
static int pass_on(tok_pass *p, int flags, const char *tok, int ntok, int from, int to, int start, int end)
{
  bool same = end - start == ntok;
  return p->emit(p->ctx, flags, tok + from, to - from, same ? start + from : start, same ? start + to : end);
}

/* Whether a mark of the word composes with the character before it
 * ("e" and U+0301): text written decomposed, which NFC makes the word its
 * precomposed query finds. With marks now inside words, such a word was
 * neither "cafe" nor "café". */
static bool composes(const char *tok, int n)
{
  gunichar prev = 0, c;
  for (const char *q = tok; q < tok + n; q = g_utf8_next_char(q)) {
    if ((unsigned char)*q < 0x80) {
      prev = (gunichar)*q;
      continue;
    }
    gunichar ch = g_utf8_get_char(q);
    if (prev && g_unichar_ismark(ch) && g_unichar_compose(prev, ch, &c))
      return true;
    prev = ch;
  }
  return false;
}

static int on_pieces(tok_pass *p, int flags, const char *tok, int n, int start, int end);

/* A word of unicode61 (folded), NFC when it was written decomposed:
 * passed on as it is, or with each run of unspaced script cut into pairs
 * of characters (each with its marks). */
static int on_word(void *ctx, int flags, const char *tok, int n, int start, int end)
{
  tok_pass *p = ctx;
  if (!g_utf8_validate(tok, n, NULL))
    return p->emit(p->ctx, flags, tok, n, start, end); /* as unicode61 gave it */
  char *nfc = composes(tok, n) ? g_utf8_normalize(tok, n, G_NORMALIZE_NFC) : NULL;
  int rc = nfc ? on_pieces(p, flags, nfc, (int)strlen(nfc), start, end) : on_pieces(p, flags, tok, n, start, end);
  g_free(nfc);
  return rc;
}

/* A modifier letter of no script (the Japanese long vowel mark ー) belongs
 * to the unspaced run it follows. */
static int on_pieces(tok_pass *p, int flags, const char *tok, int n, int start, int end)
{
  bool any = false;
  for (int i = 0; i < n && !any; i++)
    if ((unsigned char)tok[i] >= 0x80) {
      gunichar ch = g_utf8_get_char_validated(tok + i, n - i);
      any = ch < 0x110000 && unspaced(g_unichar_get_script(ch));
    }
  if (!any)
    return pass_on(p, flags, tok, n, 0, n, start, end);
  /* Each character with its marks: where it starts, and whether it is of
   * an unspaced run. */
  int stack_at[64];
  bool stack_kind[64];
  int *at = n < 64 ? stack_at : g_new(int, n + 1);
  bool *kind = n < 64 ? stack_kind : g_new(bool, n + 1);
  int nc = 0;
  for (const char *q = tok; q < tok + n; q = g_utf8_next_char(q)) {
    gunichar ch = g_utf8_get_char(q);
    if (nc && g_unichar_ismark(ch))
      continue;
    GUnicodeScript s = g_unichar_get_script(ch);
    at[nc] = (int)(q - tok);
    kind[nc] = unspaced(s) || (nc && kind[nc - 1] && s == G_UNICODE_SCRIPT_COMMON &&
                               g_unichar_type(ch) == G_UNICODE_MODIFIER_LETTER);
    nc++;
  }
  at[nc] = n;
  int rc = SQLITE_OK;
  for (int k = 0, j; rc == SQLITE_OK && k < nc; k = j) {
    for (j = k; j < nc && kind[j] == kind[k]; j++)
      ;
    if (!kind[k] || j - k == 1)
      rc = pass_on(p, flags, tok, n, at[k], at[j], start, end);
    for (int q = k; kind[k] && rc == SQLITE_OK && q + 1 < j; q++)
      rc = pass_on(p, flags, tok, n, at[q], at[q + 2], start, end);
  }
  if (at != stack_at) {
    g_free(at);
    g_free(kind);
  }
  return rc;
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int ntext,
                        int (*emit)(void *, int, const char *, int, int, int))
{
  doctag_tok *t = (doctag_tok *)p;
  tok_pass pass = { ctx, emit };
  return t->inner_api.xTokenize(t->inner, &pass, flags, text, ntext, on_word);
}

bool sqlitetok_register(fts5_api *fts)
{
  static fts5_tokenizer api = { tok_create, tok_delete, tok_tokenize };
  return fts && fts->xCreateTokenizer(fts, SQLITETOK_NAME, fts, &api, NULL) == SQLITE_OK;
}
