/*
 * libFuzzer target: the multipart/form-data parser of the server
 * (server/multipart.c, as compiled into the module). The first line of an
 * input is the Content-Type header (its boundary), the rest the body. Every
 * input ends parsed or refused; parts stay inside the body; more than
 * SRV_FORM_MAX_PARTS parts is refused with "Too many form parts".
 */
#include "fuzz_http.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *nl = memchr(data, '\n', size);
  size_t tlen = nl ? (size_t)(nl - data) : size;
  char *ctype = g_strndup((const char *)data, tlen);
  const uint8_t *body = nl ? nl + 1 : data + size;
  size_t blen = (size_t)(data + size - body);
  /* the body in a buffer of its own size, so ASan sees any over-read */
  uint8_t *copy = g_malloc(blen ? blen : 1);
  memcpy(copy, body, blen);

  srv_form form = { 0 };
  const char *why = NULL;
  bool ok = srv_form_parse(&form, ctype, copy, blen, &why);
  CHECK(ok || why);
  CHECK(form.parts->len <= SRV_FORM_MAX_PARTS);
  for (guint i = 0; i < form.parts->len; i++) {
    const srv_part *p = g_ptr_array_index(form.parts, i);
    CHECK(p->name);
    CHECK(p->data >= copy && p->data + p->len <= copy + blen);
    char *text = srv_form_text(&form, p->name);
    g_free(text);
    (void)srv_form_get(&form, p->name);
  }
  srv_reply reply = { 0 };
  if (srv_form_refused(&form, &reply))
    CHECK(reply.status == 400 && strstr(reply.body, "Too many form parts"));
  srv_reply_clear(&reply);
  srv_form_clear(&form);
  g_free(copy);
  g_free(ctype);
  return 0;
}
