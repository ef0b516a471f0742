#!/usr/bin/python3
"""A fake OpenAI-compatible chat-completions server for doctag's tests.

    /usr/bin/python3 fake_llm.py PORT

binds 127.0.0.1:PORT (0 picks a free port) and prints "PORT <n>" as its first
line on stdout once it listens. Standard library only. Stops on SIGTERM/SIGINT.

POST /v1/chat/completions (or /chat/completions): the model name scripts the
answer. "fake/<scenario>" or "fake/<scenario>#<session>": everything after '#'
only keeps concurrent test cases apart (each model string has its own call
counter and request log). Scenarios:

  strict       checks the request (system message, temperature 0.2, strict
               json_schema response_format, Bearer key) and answers the JSON
               object {"names","subjects","actions"}; a failed check is a 400
  prose        the JSON object inside a sentence
  fence        the JSON object inside a ```json fence
  list         a comma/semicolon/newline separated list
  few          3 tags, then (the request must say "already generated" and
               list them) 9 other tags
  ratelimit    429 with Retry-After: 1, then the JSON object
  flaky        500 twice, then the JSON object
  unauthorized 401
  badrequest   400 "Invalid model"
  hang         sleeps 30 s before answering
  broken       truncated JSON
  empty        an empty message content
  nosystem     400 for any system message (OpenRouter-style error with the
               provider's raw message); then the system prompt must be
               folded into the user message
  noschema     400 for any response_format; then prose with the object
  echokey      a list whose first item is the Authorization header it got
  leakkey      400 whose message quotes the Authorization header
  routed       the JSON object, answered as model "fake/actual-model"
  vocab        two entries of the prompt's vocabulary (one upper-cased) plus
               two invented tags; on the next call the next two entries
  anything else (any model name, "fake/echo"): tags made of the most frequent
               words of the document's content, as many as asked for

Every answer with a completion has usage.total_tokens = 100.

GET /_log?model=M  the requests received for model M, oldest first:
                   [{"t": monotonic seconds, "path", "headers": {lower-case
                   name: value}, "body": JSON body}]
GET /_health       "ok"
"""
import json
import re
import signal
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

NAMES = ["Swachh Bharat Mission", "Ministry of Jal Shakti", "Gram Panchayat",
         "National Rural Livelihood Mission", "District Water and Sanitation Mission", "UNICEF"]
SUBJECTS = ["rural sanitation", "open defecation free", "solid waste management", "menstrual hygiene"]
ACTIONS = ["toilet construction", "behaviour change communication"]
FULL = {"names": NAMES, "subjects": SUBJECTS, "actions": ACTIONS}
HANG_SEC = 30
TOKENS = 100

STOP = set("""a an and are as at be by for from has have in into is it its of on or that the
their this to was were which with will shall may not all any been other such than under also
these those under upon""".split())

lock = threading.Lock()
calls = Counter()
logs = {}


def last_user(body):
    msgs = [m for m in body.get("messages", []) if m.get("role") == "user"]
    c = msgs[-1].get("content", "") if msgs else ""
    return c if isinstance(c, str) else json.dumps(c)


def all_text(body):
    return "\n".join(m.get("content", "") if isinstance(m.get("content"), str) else ""
                     for m in body.get("messages", []))


def vocabulary_of(body):
    text = all_text(body)
    m = re.search(r"controlled vocabulary[^\n]*\n((?:- [^\n]*\n)+)", text)
    return [line[2:] for line in m.group(1).splitlines()] if m else []


def echo_tags(body):
    text = last_user(body)
    want = re.search(r"exactly (\d+)", all_text(body))
    n = int(want.group(1)) if want else 8
    content = text.split("Content:", 1)[-1]
    words = [w for w in re.findall(r"\w{4,}", content.lower()) if w not in STOP and not w.isdigit()]
    tags = [w for w, _ in Counter(words).most_common(n)]
    names, subjects = round(n * 0.5), round(n * 0.3)
    return {"names": tags[:names], "subjects": tags[names:names + subjects],
            "actions": tags[names + subjects:]}


class Reply(Exception):
    def __init__(self, status, payload, headers=None):
        super().__init__(status)
        self.status, self.payload, self.headers = status, payload, headers or {}


def error(status, message, **extra):
    e = {"message": message, "code": status}
    e.update(extra)
    return Reply(status, {"error": e})


def check_strict(body, headers):
    problems = []
    msgs = body.get("messages", [])
    if not msgs or msgs[0].get("role") != "system":
        problems.append("first message is not a system message")
    elif "search-tagging expert" not in msgs[0].get("content", ""):
        problems.append("system message is not the tagging prompt")
    if body.get("temperature") != 0.2:
        problems.append("temperature is %r, not 0.2" % body.get("temperature"))
    rf = body.get("response_format") or {}
    js = rf.get("json_schema") or {}
    props = (js.get("schema") or {}).get("properties") or {}
    if rf.get("type") != "json_schema" or js.get("strict") is not True or \
            sorted(props) != ["actions", "names", "subjects"]:
        problems.append("response_format is not the strict tags schema: %s" % json.dumps(rf))
    if not headers.get("authorization", "").startswith("Bearer "):
        problems.append("no Bearer authorization")
    if not headers.get("http-referer") or not headers.get("x-title"):
        problems.append("no HTTP-Referer / X-Title")
    if problems:
        raise error(400, "test expectation failed: " + "; ".join(problems))


def answer(scenario, n, body, headers):
    """The completion text for call n (1-based) of a scenario, or raises Reply."""
    if scenario == "strict":
        check_strict(body, headers)
        return json.dumps(FULL)
    if scenario == "prose":
        return ("Sure! Based on the document, here are the tags you asked for: " + json.dumps(FULL) +
                " Let me know if you need anything else.")
    if scenario == "fence":
        return "Here are the tags:\n```json\n" + json.dumps(FULL, indent=2) + "\n```\n"
    if scenario == "list":
        return ("Swachh Bharat Mission, Ministry of Jal Shakti; Gram Panchayat\n- rural sanitation\n"
                "2. open defecation free, solid waste management; toilet construction\n"
                "behaviour change communication, menstrual hygiene")
    if scenario == "few":
        if n == 1:
            return json.dumps({"names": NAMES[:1], "subjects": SUBJECTS[:1], "actions": ACTIONS[:1]})
        text = last_user(body)
        if "already generated" not in text.lower():
            raise error(400, "test expectation failed: second request does not say 'already generated'")
        for t in (NAMES[0], SUBJECTS[0], ACTIONS[0]):
            if t.lower() not in text.lower():
                raise error(400, "test expectation failed: '%s' not listed as already generated" % t)
        return json.dumps({"names": NAMES[1:], "subjects": SUBJECTS[1:], "actions": ACTIONS[1:]})
    if scenario == "ratelimit":
        if n == 1:
            raise Reply(429, {"error": {"message": "Rate limit exceeded: free-models-per-min", "code": 429}},
                        {"Retry-After": "1"})
        return json.dumps(FULL)
    if scenario == "flaky":
        if n <= 2:
            raise error(500, "Internal Server Error")
        return json.dumps(FULL)
    if scenario == "unauthorized":
        raise error(401, "No auth credentials found")
    if scenario == "badrequest":
        raise error(400, "%s is not a valid model ID" % body.get("model"))
    if scenario == "verbose":  # an upstream error carrying the provider's whole answer
        raise error(403, "Provider returned error: " + "detail " * 300,
                    metadata={"provider_name": "Upstream", "raw": "<html>UPSTREAM-BODY-MARKER %s</html>" % body})
    if scenario == "opaque":  # an error body with no message field at all
        raise Reply(403, {"trace": "UPSTREAM-BODY-MARKER " * 50})
    if scenario == "hang":
        time.sleep(HANG_SEC)
        return json.dumps(FULL)
    if scenario == "broken":
        return '{"names": ["Swachh Bharat Mission", "Gram Panchayat"], "subjects": ["rural sanitation", "open defec'
    if scenario == "empty":
        return ""
    if scenario == "nosystem":
        if any(m.get("role") == "system" for m in body.get("messages", [])):
            raise error(400, "Provider returned error", provider_name="Fake",
                        metadata={"raw": json.dumps({"error": {"code": 400,
                                  "message": "Developer instruction is not enabled for this model",
                                  "status": "INVALID_ARGUMENT"}}), "provider_name": "Fake"})
        if "search-tagging expert" not in last_user(body):
            raise error(400, "test expectation failed: the system prompt is not in the user message")
        return json.dumps(FULL)
    if scenario == "noschema":
        if "response_format" in body:
            raise error(400, "This model does not support response_format of type json_schema")
        return "The tags are " + json.dumps(FULL)
    if scenario == "echokey":
        return headers.get("authorization", "") + ", rural sanitation, toilet construction, gram panchayat"
    if scenario == "leakkey":
        raise error(400, "Incorrect API key provided: %s" % headers.get("authorization", ""))
    if scenario == "routed":
        return json.dumps(FULL)
    if scenario == "vocab":
        vocab = vocabulary_of(body)
        if len(vocab) < 2 * n:
            raise error(400, "test expectation failed: vocabulary not in the prompt: %r" % vocab)
        pick = vocab[2 * (n - 1): 2 * n]
        return json.dumps({"names": [pick[0].upper(), "invented agency"], "subjects": [pick[1]],
                           "actions": ["made up process"]})
    return json.dumps(echo_tags(body))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-llm/1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, payload, headers=None):
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/_health":
            self.send_json(200, "ok")
        elif url.path == "/_log":
            model = parse_qs(url.query).get("model", [""])[0]
            with lock:
                entries = list(logs.get(model, []))
            self.send_json(200, entries)
        else:
            self.send_json(404, {"error": {"message": "no route %s" % url.path, "code": 404}})

    def do_POST(self):
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if url.path not in ("/v1/chat/completions", "/chat/completions"):
            self.send_json(404, {"error": {"message": "no route %s" % url.path, "code": 404}})
            return
        try:
            body = json.loads(raw)
        except ValueError as e:
            self.send_json(400, {"error": {"message": "body is not JSON: %s" % e, "code": 400}})
            return
        model = str(body.get("model", ""))
        headers = {k.lower(): v for k, v in self.headers.items()}
        with lock:
            calls[model] += 1
            n = calls[model]
            logs.setdefault(model, []).append({"t": time.monotonic(), "path": url.path,
                                               "headers": headers, "body": body})
        scenario = model[len("fake/"):].split("#", 1)[0] if model.startswith("fake/") else "echo"
        try:
            content = answer(scenario, n, body, headers)
        except Reply as r:
            self.send_json(r.status, r.payload, r.headers)
            return
        self.send_json(200, {
            "id": "chatcmpl-fake-%d" % n, "object": "chat.completion", "created": int(time.time()),
            "model": "fake/actual-model" if scenario == "routed" else model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": TOKENS - 20, "completion_tokens": 20, "total_tokens": TOKENS},
        })


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True

    def stop(*_):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("PORT %d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
