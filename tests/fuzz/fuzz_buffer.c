/*
 * libFuzzer target: arbitrary bytes through the public buffer entry points,
 * doctag_extract_buffer() and doctag_process_buffer() with the built-in
 * tagger. Every input must end in a result or an error with a message, never
 * a crash, a leak or undefined behaviour.
 *
 * OCR is off unless DOCTAG_FUZZ_OCR=1: tesseract costs seconds per page and
 * would leave no time for the parsers.
 */
#include "doctag/doctag.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static doctag_ctx *ctx;
static doctag_ocr_mode ocr = DOCTAG_OCR_OFF;
static char data_dir[] = "/tmp/doctag-fuzz-XXXXXX";

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void cleanup(void)
{
  doctag_ctx_free(ctx);
  ctx = NULL;
  nftw(data_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  setenv("OMP_THREAD_LIMIT", "1", 1);
  const char *o = getenv("DOCTAG_FUZZ_OCR");
  if (o && !strcmp(o, "1"))
    ocr = DOCTAG_OCR_AUTO;
  if (!mkdtemp(data_dir)) {
    perror("mkdtemp");
    abort();
  }
  atexit(cleanup);
  doctag_config cfg = DOCTAG_CONFIG_INIT;
  cfg.data_dir = data_dir;
  cfg.ignore_environment = true;
  cfg.max_pages = 50;
  cfg.timeout_sec = 20;
  cfg.threads = 1;
  if (doctag_ctx_new(&ctx, &cfg) != DOCTAG_OK) {
    fprintf(stderr, "doctag_ctx_new: %s\n", doctag_error_last()->message);
    abort();
  }
  return 0;
}

/* Reads everything a front end would read from a result. */
static void consume(const doctag_result *r)
{
  volatile size_t sink = 0;
  sink += strlen(doctag_result_title(r)) + strlen(doctag_result_text(r)) + doctag_result_text_length(r);
  unsigned int pages = doctag_result_pages_read(r);
  for (unsigned int i = 0; i < pages; i++) {
    const char *t = doctag_result_page_text(r, i);
    sink += t ? strlen(t) : 0;
    sink += (size_t)doctag_result_page_method(r, i);
  }
  for (size_t i = 0; i < doctag_result_tag_count(r); i++)
    sink += strlen(doctag_result_tag_at(r, i));
  char *json = NULL;
  if (doctag_result_to_json(r, &json) != DOCTAG_OK || !json)
    abort(); /* a result always renders */
  sink += strlen(json);
  doctag_free(json);
  (void)sink;
}

static void check_error(doctag_status st)
{
  const doctag_error *e = doctag_error_last();
  /* An error names its cause. */
  if (e->code != st || !e->message || !*e->message) {
    fprintf(stderr, "status %s with error %s \"%s\"\n", doctag_status_name(st), doctag_status_name(e->code),
            e->message ? e->message : "(null)");
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  doctag_process_options o = DOCTAG_PROCESS_OPTIONS_INIT;
  o.ocr = ocr;
  o.file_name = "fuzz.pdf";
  doctag_result *r = NULL;
  doctag_status st = doctag_extract_buffer(ctx, &r, data, size, &o);
  if (st == DOCTAG_OK)
    consume(r);
  else
    check_error(st);
  doctag_result_free(r);

  r = NULL;
  o.model_name = "local";
  o.num_tags = 8;
  st = doctag_process_buffer(ctx, &r, data, size, &o);
  if (st == DOCTAG_OK)
    consume(r);
  else
    check_error(st);
  doctag_result_free(r);
  return 0;
}
