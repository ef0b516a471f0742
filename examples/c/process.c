/*
 * process.c - tag one PDF with libdoctag.
 *
 *   cc process.c $(pkg-config --cflags --libs doctag) -o process
 *   ./process report.pdf            # built-in offline tagger
 *   ./process report.pdf openai/gpt-4o-mini   # an LLM (OPENROUTER_API_KEY)
 *
 * Prints the title, how the text was obtained, and the tags with their
 * scores; then the whole result as JSON (the HTTP API's SinglePDFResponse).
 */
#include <stdio.h>
#include <doctag/doctag.h>

/* Prints the failure of the last doctag call and returns the exit status. */
static int fail(const char *what)
{
  const doctag_error *e = doctag_error_last();
  fprintf(stderr, "process: %s: %s (%s)\n", what, e->message, doctag_status_name(e->code));
  return 1;
}

int main(int argc, char **argv)
{
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "usage: %s FILE.pdf [MODEL]\n", argv[0]);
    return 2;
  }

  /* NULL configuration: everything from the DOCTAG_* environment, else the
   * embedded defaults (SQLite and blobs under ~/.local/share/doctag). */
  doctag_ctx *ctx = NULL;
  if (doctag_ctx_new(&ctx, NULL) != DOCTAG_OK)
    return fail("cannot create a context");

  doctag_process_options opts = DOCTAG_PROCESS_OPTIONS_INIT;
  opts.model_name = argc == 3 ? argv[2] : "local";
  opts.num_tags = 8;

  doctag_result *r = NULL;
  if (doctag_process_file(ctx, &r, argv[1], &opts) != DOCTAG_OK) {
    int status = fail(argv[1]);
    doctag_ctx_free(ctx);
    return status;
  }

  printf("title:      %s\n", doctag_result_title(r));
  printf("pages:      %u\n", doctag_result_page_count(r));
  printf("extraction: %s", doctag_result_extraction_method(r));
  if (doctag_result_ocr_confidence(r) >= 0)
    printf(" (OCR confidence %.0f%%)", doctag_result_ocr_confidence(r));
  printf("\nmodel:      %s\ntags:\n", doctag_result_model_name(r));
  for (size_t i = 0; i < doctag_result_tag_count(r); i++)
    printf("  %-32s %.3f%s\n", doctag_result_tag_at(r, i), doctag_result_tag_score(r, i),
           doctag_result_tag_evidence(r, i) ? "" : "  (not in the text)");

  char *json = NULL;
  if (doctag_result_to_json(r, &json) == DOCTAG_OK) {
    printf("%s\n", json);
    doctag_free(json); /* strings from the library go back with doctag_free */
  }

  doctag_result_free(r);
  doctag_ctx_free(ctx);
  return 0;
}
