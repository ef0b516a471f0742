/* Shared by the store benchmarks (store_bench.c, scale_bench.c): a clock,
 * quantiles, a synthetic corpus with real text's word frequencies, the
 * queries users type, and scratch PostgreSQL databases. */
#ifndef DOCTAG_BENCH_STORE_H
#define DOCTAG_BENCH_STORE_H

#include <glib.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static double now_ms(void)
{
  return g_get_monotonic_time() / 1000.0;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double quantile(double *v, size_t n, double q)
{
  qsort(v, n, sizeof *v, cmp_double);
  size_t i = (size_t)ceil(q * (double)n) - 1;
  return v[i < n ? i : n - 1];
}

/* Zipf-distributed words, like real text: a vocabulary of 20,000 words
 * where the word of rank r has frequency 1/r. English and Hindi function
 * words take the top ranks (in nearly every document), topical words in
 * both languages sit at ranks 150..360 (in a few percent of documents),
 * the rest are made-up words down to the rare tail. */
typedef struct corpus {
  GPtrArray *words;
  double *cdf;
  GRand *rand;
} corpus;

static const char *const function_words[] = {
  "the", "of", "and", "in", "to", "a", "is", "for", "on", "with",
  "और", "का", "में", "की", "है", "के", "को", "से", "पर", "यह",
};
static const char *const english[] = {
  "report", "water", "climate", "policy", "health", "school", "river", "budget", "village", "energy",
  "transport", "rainfall", "harvest", "survey", "district", "market", "hospital", "census", "forest",
  "monsoon", "drought", "irrigation", "literacy", "tax", "railway", "election", "pension", "bridge",
  "vaccine", "library",
};
static const char *const hindi[] = {
  "रिपोर्ट", "पानी", "जलवायु", "नीति", "स्वास्थ्य", "विद्यालय", "नदी", "बजट", "गाँव", "ऊर्जा", "परिवहन",
  "वर्षा", "फसल", "सर्वेक्षण", "ज़िला", "बाज़ार", "अस्पताल", "जनगणना", "वन", "मानसून", "सूखा", "सिंचाई",
  "साक्षरता", "कर", "रेलवे", "चुनाव", "पेंशन", "पुल", "टीका", "पुस्तकालय",
};

static void corpus_init(corpus *c, unsigned int vocabulary)
{
  c->words = g_ptr_array_new_with_free_func(g_free);
  c->rand = g_rand_new_with_seed(42);
  static const char *const syl[] = { "ka", "ra", "mi", "to", "su", "ne", "lo", "pa", "vi", "de", "an", "or" };
  while (c->words->len < vocabulary) {
    GString *w = g_string_new(NULL);
    int n = 2 + g_rand_int_range(c->rand, 0, 3);
    for (int i = 0; i < n; i++)
      g_string_append(w, syl[g_rand_int_range(c->rand, 0, G_N_ELEMENTS(syl))]);
    g_string_append_printf(w, "%u", c->words->len);
    g_ptr_array_add(c->words, g_string_free(w, FALSE));
  }
  for (size_t i = 0; i < G_N_ELEMENTS(function_words); i++) {
    g_free(c->words->pdata[i]);
    c->words->pdata[i] = g_strdup(function_words[i]);
  }
  for (size_t i = 0; i < G_N_ELEMENTS(english); i++) {
    g_free(c->words->pdata[150 + 7 * i]);
    c->words->pdata[150 + 7 * i] = g_strdup(english[i]);
    g_free(c->words->pdata[153 + 7 * i]);
    c->words->pdata[153 + 7 * i] = g_strdup(hindi[i]);
  }
  c->cdf = g_new(double, c->words->len);
  double sum = 0;
  for (guint i = 0; i < c->words->len; i++)
    sum += 1.0 / (i + 1);
  double acc = 0;
  for (guint i = 0; i < c->words->len; i++)
    c->cdf[i] = (acc += 1.0 / (i + 1) / sum);
}

static const char *corpus_word(corpus *c)
{
  double r = g_rand_double(c->rand);
  guint lo = 0, hi = c->words->len - 1;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (c->cdf[mid] < r)
      lo = mid + 1;
    else
      hi = mid;
  }
  return g_ptr_array_index(c->words, lo);
}

static char *corpus_text(corpus *c, int words)
{
  GString *s = g_string_new(NULL);
  for (int i = 0; i < words; i++) {
    g_string_append(s, corpus_word(c));
    g_string_append_c(s, i % 12 == 11 ? '.' : ' ');
  }
  return g_string_free(s, FALSE);
}

/* What users search for: topical words (English and Hindi), pairs of
 * them, made-up words from the middle and the tail of the vocabulary, and
 * words that match nothing. */
static const char *const typical[] = {
  "climate", "जलवायु", "monsoon rainfall", "नदी पानी", "irrigation", "census", "vaccine", "पुस्तकालय",
  "hospital budget", "रेलवे", "drought", "bridge library", "nothing-matches-this", "कुछनहीं",
};
/* The worst case: words in nearly every document, every match ranked. */
static const char *const common[] = { "the", "and", "में", "है" };

static void quiet(void *arg, const char *message)
{
}

/* The URL of database `db` on the server of `admin` (its path replaced):
 * *url, newly allocated; returns a copy of db. */
static char *pg_url_of(const char *admin, const char *db, char **url)
{
  const char *hp = strstr(admin, "://"), *slash = hp ? strchr(hp + 3, '/') : NULL;
  *url = g_strdup_printf("%.*s/%s", (int)(slash ? slash - admin : (long)strlen(admin)), admin, db);
  return g_strdup(db);
}

/* A fresh database on the server of `admin`; its URL in *url. */
static char *pg_create(const char *admin, char **url)
{
  char *db = g_strdup_printf("doctag_bench_%d", (int)getpid());
  PGconn *c = PQconnectdb(admin);
  PQsetNoticeProcessor(c, quiet, NULL);
  if (PQstatus(c) != CONNECTION_OK) {
    fprintf(stderr, "bench: %s", PQerrorMessage(c));
    exit(1);
  }
  char *sql = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
  PQclear(PQexec(c, sql));
  g_free(sql);
  sql = g_strdup_printf("CREATE DATABASE %s", db);
  PGresult *r = PQexec(c, sql);
  g_free(sql);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    fprintf(stderr, "bench: %s", PQerrorMessage(c));
    exit(1);
  }
  PQclear(r);
  PQfinish(c);
  return pg_url_of(admin, db, url);
}

static void pg_drop(const char *admin, const char *db)
{
  PGconn *c = PQconnectdb(admin);
  char *sql = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
  PQclear(PQexec(c, sql));
  g_free(sql);
  PQfinish(c);
}

#endif
