"""What a Python user reaches for first: the builtin exceptions they already
catch, module-level calls on a default context, a local batch without a
user, and async variants that leave the event loop free."""

import asyncio
import os
import pickle
import shutil
import threading
import time

import pytest

import doctag


@pytest.mark.parametrize("name,builtins", [
    ("NotFound", (FileNotFoundError, LookupError, OSError)),
    ("InvalidInput", (ValueError,)),
    ("LimitExceeded", (ValueError,)),
    ("UrlRefused", (ValueError,)),
    ("NoText", (ValueError,)),
    ("Timeout", (TimeoutError, OSError)),
    ("IoError", (OSError,)),
])
def test_error_classes_derive_from_the_builtins(name, builtins):
    cls = getattr(doctag, name)
    assert issubclass(cls, doctag.Error)
    for b in builtins:
        assert issubclass(cls, b), (name, b)
    e = cls("the message", cls.code)
    assert str(e) == "the message" and e.message == "the message" and e.code == cls.code
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is cls and str(back) == "the message"


def test_real_failures_are_caught_as_builtins(ctx, corpus):
    with pytest.raises(FileNotFoundError) as info:
        ctx.process("/no/such/dir/missing.pdf", model="local")
    assert isinstance(info.value, doctag.NotFound)
    assert str(info.value) == info.value.message and "missing.pdf" in str(info.value)
    path = corpus.path(corpus.one(kind="text", lang="eng")["path"])
    with pytest.raises(ValueError) as info:
        ctx.process(path, model="local", num_tags=99)
    assert "num_tags" in str(info.value)
    user = ctx.register("builtins-%d@example.org" % os.getpid(), "a long password")
    with pytest.raises(LookupError):
        ctx.job(user, "00000000-0000-4000-8000-000000000000")


def test_module_level_calls_use_one_default_context(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("DOCTAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(doctag, "_default_ctx", None)
    e = corpus.one(kind="text", lang="eng")
    path = corpus.path(e["path"])
    r = doctag.process(path, model="local", num_tags=4)
    assert isinstance(r, doctag.Result) and 1 <= len(r.tags) <= 4 and r.page_count == e["pages"]
    with open(path, "rb") as f:
        data = f.read()
    assert doctag.process(data, model="local", num_tags=4).tags == r.tags
    text = doctag.extract(path)
    assert text.count("\f") == e["pages"] - 1 or text.count("\f") == e["pages"]
    assert doctag.extract_result(path).page_count == e["pages"]
    ctx = doctag.default_context()
    assert ctx is doctag.default_context() and ctx.data_dir == str(tmp_path / "data")
    with pytest.raises(doctag.NotFound):
        doctag.process(str(tmp_path / "none.pdf"))
    ctx.close()


def test_a_local_batch_needs_no_user(corpus, tmp_path):
    docs = corpus.find(kind="text", lang="eng")[:2]
    assert len(docs) == 2
    paths = []
    for e in docs:
        dest = tmp_path / os.path.basename(e["path"])
        shutil.copy(corpus.path(e["path"]), dest)
        paths.append(str(dest))
    missing = str(tmp_path / "missing.pdf")
    with doctag.Context(data_dir=str(tmp_path / "data"), ignore_environment=True) as ctx:
        items = list(ctx.batch(paths + [missing], model="local", num_tags=5))
        assert sorted(i.path for i in items) == sorted(paths + [missing])
        by_path = {i.path: i for i in items}
        for p in paths:
            assert by_path[p].ok and 1 <= len(by_path[p].tags) <= 5 and by_path[p].error is None
            assert by_path[p].document_id
        assert not by_path[missing].ok and "File not found" in by_path[missing].error
        # The job is in the local user's history (the one `doctag` uses).
        user = ctx.local_user()
        assert user.id == ctx.local_user().id
        with open(os.path.join(ctx.data_dir, "cli-user")) as f:
            assert f.read().strip() == user.id
        jobs = ctx.history_jobs(user)["jobs"]
        assert len(jobs) == 1 and jobs[0]["processed_count"] == 2 and jobs[0]["failed_count"] == 1
        assert list(ctx.batch([])) == []


def test_closing_a_batch_early_cancels_it(corpus, tmp_path):
    e = corpus.one(kind="text", lang="eng")
    paths = []
    for i in range(6):
        dest = tmp_path / ("copy%d.pdf" % i)
        shutil.copy(corpus.path(e["path"]), dest)
        paths.append(str(dest))
    with doctag.Context(data_dir=str(tmp_path / "data"), ignore_environment=True) as ctx:
        it = ctx.batch(paths, model="local", threads=1, ocr="force")
        first = next(it)
        assert first.ok
        it.close()
        job = ctx.history_jobs(ctx.local_user())["jobs"][0]
        assert job["status"] in ("cancelled", "completed")
        assert job["processed_count"] + job["failed_count"] < 6 or job["status"] == "completed"


def test_async_variants_leave_the_loop_free(ctx, corpus):
    e = corpus.one(kind="text", lang="eng", min_pages=2)
    path = corpus.path(e["path"])

    async def main():
        ticks = 0
        stop = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        t = asyncio.ensure_future(ticker())
        loop_thread = threading.get_ident()
        seen = []
        r, text, res = await asyncio.gather(
            ctx.aprocess(path, model="local", num_tags=5),
            ctx.aextract(path, ocr="force"),
            ctx.aextract_result(path))
        stop.set()
        await t
        seen.append(loop_thread)
        return r, text, res, ticks

    t0 = time.monotonic()
    r, text, res, ticks = asyncio.run(main())
    took = time.monotonic() - t0
    assert isinstance(r, doctag.Result) and 1 <= len(r.tags) <= 5
    assert text.strip() and res.page_count == e["pages"]
    # the OCR took seconds; the loop kept ticking meanwhile
    assert took > 0.5 and ticks >= 10, (took, ticks)

    async def failing():
        return await ctx.aprocess("/no/such/file.pdf", model="local")
    with pytest.raises(FileNotFoundError):
        asyncio.run(failing())


TEXT = ("Binary decision diagrams for boolean functions\n"
        "Binary decision diagrams are a compact representation of boolean functions. "
        "We decompose boolean functions with binary decision diagrams.\n")


def test_tag_text(ctx, tmp_path, monkeypatch):
    r = ctx.tag_text(TEXT, model="local", num_tags=5)
    assert "binary decision diagrams" in r.tags and 1 <= len(r.tags) <= 5
    assert r.title == "Binary decision diagrams for boolean functions" and r.extraction_method == "text"
    assert ctx.tag_text(TEXT.encode("utf-8"), model="local", num_tags=5).tags == r.tags
    assert ctx.tag_text(TEXT, model="local", title="Mine").title == "Mine"
    with pytest.raises(doctag.NoText):
        ctx.tag_text("tiny", model="local")
    with pytest.raises(ValueError):
        ctx.tag_text(b"\xff" * 80, model="local")
    with pytest.raises(TypeError):
        ctx.tag_text(12345)
    assert asyncio.run(ctx.atag_text(TEXT, model="local", num_tags=5)).tags == r.tags
    monkeypatch.setenv("DOCTAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(doctag, "_default_ctx", None)
    assert doctag.tag_text(TEXT, model="local", num_tags=5).tags == r.tags
    doctag.default_context().close()
