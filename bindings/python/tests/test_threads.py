"""One Context shared by threads; blocking calls release the GIL."""

import concurrent.futures
import pathlib
import threading

import doctag


def _docs(corpus):
    docs = corpus.find(kind="text", max_pages=3)
    assert docs
    return [corpus.path(e["path"]) for e in docs]


def test_threads_processing_in_parallel_get_the_serial_results(ctx, corpus):
    paths = _docs(corpus) * 2
    serial = {p: ctx.process(p, model="local").tags for p in set(paths)}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda p: (p, ctx.process(p, model="local").tags), paths))
    for p, tags in got:
        assert tags == serial[p], p


def test_threads_get_their_own_errors(ctx, corpus):
    """The error message is per thread: concurrent failures do not mix."""
    paths = _docs(corpus)

    def one(i):
        if i % 2:
            try:
                ctx.process("/nonexistent/file-%d.pdf" % i, model="local")
            except doctag.NotFound as e:
                return "file-%d.pdf" % i in e.message
            return False
        return bool(ctx.process(paths[i % len(paths)], model="local").tags)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(one, range(16)))


def test_blocking_calls_release_the_gil(make_ctx, corpus, http_server):
    """The PDF comes from an HTTP server running in a thread of this very
    process: if process_url kept the GIL, the server could never answer."""
    e = corpus.one(kind="text", lang="eng")
    http_server.routes["/gil.pdf"] = (200, "application/pdf",
                                       pathlib.Path(corpus.path(e["path"])).read_bytes())
    c = make_ctx(allow_private_urls=True, timeout=60)
    out = {}

    def run():
        try:
            out["tags"] = c.process(http_server.url("/gil.pdf"), model="local").tags
        except Exception as ex:  # reported below
            out["error"] = ex
    t = threading.Thread(target=run)
    t.start()
    t.join(120)
    assert not t.is_alive(), "process_url never returned: the GIL was held"
    assert "error" not in out, out.get("error")
    assert out["tags"]


def test_close_while_another_thread_processes(make_ctx, corpus):
    c = make_ctx()
    path = _docs(corpus)[0]
    started = threading.Event()
    out = {}

    def on_page(page):
        started.set()

    def run():
        try:
            out["text"] = c.extract(path, on_page=on_page)
        finally:
            started.set()
    t = threading.Thread(target=run)
    t.start()
    started.wait(120)
    c.close()  # the running call keeps the C context alive until it returns
    t.join(120)
    assert "text" in out
    assert c.closed
