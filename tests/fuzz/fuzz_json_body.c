/*
 * libFuzzer target: JSON request bodies as the server reads them
 * (server/json.c): srv_json_object(), the typed field readers, and the
 * TaggingConfig reader (srv_tagging_read(), which calls the library's
 * doctag_tagging_config_parse()). Every input ends in an object or a 422
 * list of {"loc", "msg", "type"}, never a crash, leak or undefined
 * behaviour.
 */
#include "fuzz_http.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  uint8_t *copy = g_malloc(size ? size : 1);
  memcpy(copy, data, size);
  srv_invalid v = { 0 };
  json_t *obj = srv_json_object(copy, size, &v);
  CHECK(obj || srv_invalid_any(&v));
  if (obj) {
    (void)srv_field_string(obj, &v, "body", NULL, "email", false);
    (void)srv_field_string(obj, &v, "body", NULL, "password", true);
    (void)srv_field_int(obj, &v, "body", NULL, "limit", 1, 100, 50);
    json_t *config = json_object_get(obj, "config");
    if (config) {
      srv_tagging t = { 0 };
      (void)srv_tagging_read(&t, config, &v, "body", "config");
      srv_tagging_clear(&t);
    }
    json_decref(obj);
  }
  srv_reply reply = { 0 };
  if (srv_invalid_any(&v)) {
    srv_reply_invalid(&reply, &v);
    CHECK(reply.status == 422);
    json_t *d = json_loads(reply.body, 0, NULL);
    json_t *list = json_object_get(d, "detail");
    CHECK(json_is_array(list) && json_array_size(list) > 0);
    json_t *item = json_array_get(list, 0);
    CHECK(json_is_array(json_object_get(item, "loc")) && json_is_string(json_object_get(item, "msg")));
    json_decref(d);
  }
  srv_invalid_clear(&v);
  srv_reply_clear(&reply);
  g_free(copy);
  return 0;
}
