"""doctag: PDF text extraction, OCR and search tagging (libdoctag).

    import doctag
    r = doctag.process("a.pdf", model="local")   # on a default context
    print(r.title, r.tags)

    with doctag.Context() as ctx:                 # embedded defaults
        r = ctx.process("a.pdf", model="local", num_tags=8)
        print(r.title, r.tags)
        text = ctx.extract("scan.pdf", ocr="force")

A thin layer over the SWIG module `doctag.capi` (one call of the C ABI per
operation): keyword arguments, objects with properties, context managers,
exceptions. Every failure raises a subclass of doctag.Error carrying the
library's code and message. Blocking calls release the GIL, so threads
sharing one Context run in parallel.
"""

import asyncio as _asyncio
import functools as _functools
import json as _json
import os as _os
import secrets as _secrets
import threading as _threading
from collections import namedtuple as _namedtuple
from itertools import permutations as _permutations

from . import capi as _capi
from .capi import (  # noqa: F401  (the exception classes, built from the C table)
    Error, InvalidInput, OutOfMemory, IoError, NotFound, PdfError, EncryptedPdf,
    LimitExceeded, Timeout, OcrError, FetchError, UrlRefused, LlmError, AuthError,
    PermissionDenied, StorageError, Conflict, Cancelled, NoText, AlreadyExists,
    Unavailable, InternalError, RateLimited,
)

__version__ = _capi.version()
version = __version__

#: Every exception class by its doctag_status code.
ERRORS = dict(_capi.error_classes_by_code)

__all__ = [
    "Context", "Result", "Page", "Tag", "User", "Tokens", "Job", "BatchItem", "Metrics", "Error", "ERRORS",
    "__version__", "process", "extract", "extract_result", "tag_text", "default_context",
] + sorted(_capi.error_classes)

_OCR_MODES = {"auto": _capi.OCR_AUTO, "force": _capi.OCR_FORCE, "off": _capi.OCR_OFF}
_PAGE_METHODS = {_capi.PAGE_EMPTY: "empty", _capi.PAGE_TEXT: "text", _capi.PAGE_OCR: "ocr",
                 _capi.PAGE_OCR_NO_MODEL: "ocr_no_model"}

#: One tag with the tagger's score and whether it occurs in the text.
Tag = _namedtuple("Tag", "tag score evidence")
Tag.to_dict = lambda self: dict(self._asdict())

#: One page: 0-based index, text, method ("text", "ocr", "ocr_no_model" or
#: "empty"), OCR confidence (None when the page was not OCR'd), language and
#: warning (what went wrong with the page, as the result's "Page N: ..."
#: warning says it without the page number; None when nothing did).
Page = _namedtuple("Page", "index text method ocr_confidence language warning", defaults=(None,))
Page.to_dict = lambda self: dict(self._asdict())

#: One finished document of Context.batch(): the path given, the row's
#: title, whether it succeeded, its tags, the error (None on success) and
#: its history document id.
BatchItem = _namedtuple("BatchItem", "path title ok tags error document_id")
BatchItem.to_dict = lambda self: dict(self._asdict())


def _none_if_negative(x):
    return None if x is None or x < 0 else x


def _is_url(s):
    return isinstance(s, str) and s[:8].lower().startswith(("http://", "https://"))


class Result:
    """The outcome of Context.process() or Context.extract_result().

    Properties read the C result object; `to_dict()` / `to_json()` give the
    SinglePDFResponse shape of the HTTP API (rendered by the library). A
    Result iterates over its tags."""

    __slots__ = ("_r", "_cache")

    def __init__(self, handle):
        self._r = handle
        self._cache = {}

    def _memo(self, key, fn):
        try:
            return self._cache[key]
        except KeyError:
            v = self._cache[key] = fn()
            return v

    title = property(lambda self: _capi.result_title(self._r))
    text = property(lambda self: self._memo("text", lambda: _capi.result_text(self._r)),
                    doc="Text of the pages read, pages separated by a form feed.")
    page_count = property(lambda self: _capi.result_page_count(self._r),
                          doc="Pages in the document (not only those read).")
    pages_read = property(lambda self: _capi.result_pages_read(self._r))
    first_page = property(lambda self: _capi.result_first_page(self._r),
                          doc="1-based number of the first page read (0: no pages, tag_text()).")
    is_scanned = property(lambda self: bool(_capi.result_is_scanned(self._r)))
    extraction_method = property(lambda self: _capi.result_extraction_method(self._r),
                                 doc='"text_layer", "ocr_tesseract", "hybrid" or "none".')
    ocr_confidence = property(lambda self: _none_if_negative(_capi.result_ocr_confidence(self._r)),
                              doc="Mean OCR confidence 0..100, None when no page was OCR'd.")
    quality = property(lambda self: _capi.result_quality(self._r))
    language = property(lambda self: _capi.result_language(self._r) or None)
    needs_review = property(lambda self: bool(_capi.result_needs_review(self._r)))
    model_name = property(lambda self: _capi.result_model_name(self._r))
    raw_response = property(lambda self: _capi.result_raw_response(self._r))
    tokens_used = property(lambda self: _capi.result_tokens_used(self._r))
    processing_time = property(lambda self: _capi.result_processing_time(self._r))
    document_id = property(lambda self: _capi.result_document_id(self._r) or None)
    sha256 = property(lambda self: _capi.result_sha256(self._r))

    @property
    def tag_details(self):
        """[Tag(tag, score, evidence)], best first."""
        def load():
            r = self._r
            return tuple(Tag(_capi.result_tag_at(r, i), _capi.result_tag_score(r, i),
                             bool(_capi.result_tag_evidence(r, i)))
                         for i in range(_capi.result_tag_count(r)))
        return list(self._memo("tags", load))

    @property
    def tags(self):
        return [t.tag for t in self.tag_details]

    @property
    def pages(self):
        """[Page] for the pages read (text None when it was streamed to on_page);
        Page.index is the page's 0-based index in the document."""
        def load():
            r = self._r
            first = max(_capi.result_first_page(r), 1) - 1
            return tuple(Page(first + i, _capi.result_page_text(r, i),
                              _PAGE_METHODS.get(_capi.result_page_method(r, i), "empty"),
                              _none_if_negative(_capi.result_page_confidence(r, i)),
                              None, _capi.result_page_warning(r, i))
                         for i in range(_capi.result_pages_read(r)))
        return list(self._memo("pages", load))

    def to_json(self, indent=None):
        """The SinglePDFResponse JSON of the HTTP API (with its NEW fields)."""
        s = _capi.result_to_json(self._r)
        if indent is None:
            return s
        return _json.dumps(_json.loads(s), indent=indent, ensure_ascii=False)

    def to_dict(self):
        return _json.loads(_capi.result_to_json(self._r))

    def __iter__(self):
        return iter(self.tags)

    def __len__(self):
        return len(self.tag_details)

    def __repr__(self):
        return "<doctag.Result %r: %d page%s, %s, tags=%r>" % (
            self.title, self.page_count, "" if self.page_count == 1 else "s",
            self.extraction_method, self.tags)


def _need(name):
    """The C function `name`, or NotImplementedError when this libdoctag was
    built without the subsystem that brings it."""
    fn = getattr(_capi, name, None)
    if fn is None:
        raise NotImplementedError("this build of libdoctag has no %s()" % name)
    return fn


class User:
    """A user account (from register, verify, Tokens.user or Context.user)."""

    __slots__ = ("_u",)

    def __init__(self, handle):
        self._u = handle

    id = property(lambda self: _capi.user_id(self._u))
    email = property(lambda self: _capi.user_email(self._u))
    full_name = property(lambda self: _capi.user_full_name(self._u))
    is_active = property(lambda self: bool(_capi.user_is_active(self._u)))
    is_verified = property(lambda self: bool(_capi.user_is_verified(self._u)))
    created_at = property(lambda self: _capi.user_created_at(self._u), doc="ISO 8601 UTC.")

    def to_dict(self):
        """The HTTP API's user: id, email, full_name, is_active, is_verified, created_at."""
        return _json.loads(_capi.user_to_json(self._u))

    def __eq__(self, other):
        return isinstance(other, User) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return "<doctag.User %s %s%s>" % (self.id, self.email, "" if self.is_active else " (disabled)")


class Tokens:
    """A token pair from login or refresh. `user` is the user who logged in
    (None after a refresh)."""

    __slots__ = ("_t", "user")

    def __init__(self, handle, user=None):
        self._t = handle
        self.user = user

    access_token = property(lambda self: _capi.tokens_access(self._t))
    refresh_token = property(lambda self: _capi.tokens_refresh(self._t))
    token_type = property(lambda self: _capi.tokens_type(self._t))
    expires_in = property(lambda self: _capi.tokens_expires_in(self._t),
                          doc="Seconds the access token is valid for.")

    def to_dict(self):
        """access_token, refresh_token, token_type, expires_in."""
        return _json.loads(_capi.tokens_to_json(self._t))

    def __repr__(self):  # never the tokens themselves
        return "<doctag.Tokens %s, expires in %ds%s>" % (
            self.token_type, self.expires_in, " for %s" % self.user.email if self.user else "")


#: Job states that never change again.
_TERMINAL_STATES = ("completed", "cancelled", "failed")


class Job:
    """A batch job of one user (from Context.submit_batch() or Context.job()).

    Properties read the last snapshot (taken at creation and by refresh(),
    pause(), resume() and cancel()): id, status ("pending", "processing",
    "paused", "completed", "cancelled", "failed"), processed_count (rows
    that succeeded), failed_count, results_count, total, progress, error.
    results() and events() read the job now. As a context manager, a job
    left by an exception is cancelled when it has not finished."""

    __slots__ = ("_ctx", "_user_id", "id", "_snap")

    def __init__(self, ctx, user, job_id):
        self._ctx = ctx
        self._user_id = _user_id(user)
        self.id = job_id
        self._snap = None
        self.refresh()

    def refresh(self):
        """Reads the job's current state; returns self."""
        self._snap = _need("job_status")(self._ctx._c, self._user_id, self.id)
        return self

    status = property(lambda self: _capi.job_state_name(_capi.job_get_state(self._snap)))
    processed_count = property(lambda self: _capi.job_processed_count(self._snap))
    failed_count = property(lambda self: _capi.job_failed_count(self._snap))
    results_count = property(lambda self: _capi.job_results_count(self._snap))
    total = property(lambda self: _capi.job_total(self._snap))
    progress = property(lambda self: _capi.job_progress(self._snap))
    error = property(lambda self: _capi.job_error(self._snap) or None)
    last_seq = property(lambda self: _capi.job_last_seq(self._snap),
                        doc="Sequence number of the last event the snapshot includes.")

    @property
    def done(self):
        """True once the job is completed, cancelled or failed."""
        return self.status in _TERMINAL_STATES

    def pause(self):
        """pending/processing -> paused; Conflict in any other state."""
        _capi.job_pause(self._ctx._c, self._user_id, self.id)
        return self.refresh()

    def resume(self):
        """paused -> processing; Conflict in any other state."""
        _capi.job_resume(self._ctx._c, self._user_id, self.id)
        return self.refresh()

    def cancel(self):
        """pending/processing/paused -> cancelled; Conflict once finished."""
        _capi.job_cancel(self._ctx._c, self._user_id, self.id)
        return self.refresh()

    def results(self):
        """The finished rows so far, in the order they finished, as dicts in
        the shape of the WebSocket "progress" event (row_index, status,
        title, tags, error, document_id...)."""
        snap = self.refresh()._snap
        return [_json.loads(_capi.job_result_json(snap, i)) for i in range(_capi.job_result_count(snap))]

    def events(self, after_seq=0, timeout=None, poll_ms=500):
        """Yields the job's events (dicts with "seq" and "type") with a
        sequence number above after_seq, in order, waiting for new ones,
        until the terminal event ("completed", "cancelled" or "error"),
        which is yielded last. timeout: seconds without any event after
        which Timeout is raised (None: wait for ever)."""
        import time
        seq = int(after_seq)
        quiet_since = time.monotonic()
        while True:
            evs = _capi.job_events_poll(self._ctx._c, self._user_id, self.id, seq, 0, int(poll_ms))
            n = _capi.events_count(evs)
            if n:
                quiet_since = time.monotonic()
            elif timeout is not None and time.monotonic() - quiet_since > timeout:
                raise Timeout("no event of job %s for %gs" % (self.id, timeout), _capi.ETIMEOUT)
            for i in range(n):
                seq = _capi.events_seq(evs, i)
                event = _json.loads(_capi.events_json(evs, i))
                event.setdefault("seq", seq)
                event.setdefault("type", _capi.events_type(evs, i))
                yield event
                if _capi.events_terminal(evs, i):
                    return

    def to_dict(self):
        """The status JSON of the HTTP API: job_id, status, progress,
        processed_count, failed_count, total, results_count."""
        return _json.loads(_capi.job_to_json(self._snap))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None:
            try:
                if not self.refresh().done:
                    self.cancel()
            except Error:
                pass
        return False

    def __repr__(self):
        return "<doctag.Job %s %s: %d/%d done, %d failed>" % (
            self.id, self.status, self.results_count, self.total, self.failed_count)


# Keyword arguments of Context() -> doctag_config fields.
_CONFIG_STRINGS = ("data_dir", "database_url", "redis_url", "allowed_roots", "llm_base_url",
                   "llm_api_key", "jwt_secret", "blob_url", "s3_endpoint")
_CONFIG_ALIASES = {"api_key": "llm_api_key"}


class Metrics:
    """A snapshot of the library's figures, the ones doctag-server's /metrics
    shows (Context.metrics()): documents processed and failed, pages by
    method, OCR seconds, LLM requests, errors and tokens, live batch
    workers, jobs by type and state, queue depth. The series and their
    labels are listed at doctag_metrics_read() in doctag/health.h.

        m = ctx.metrics()
        m.value("doctag_pages_total", method="ocr")   # 3.0
        m.prometheus()                                # the text format
    """

    __slots__ = ("_m",)

    def __init__(self, handle):
        self._m = handle

    def value(self, name, **labels):
        """The value of the series `name` with exactly these labels (in any
        order), or None when the snapshot has no such series."""
        pairs = ['%s="%s"' % (k, str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
                 for k, v in labels.items()]
        # The library renders labels in its own order; every series has at
        # most two, so trying each order is cheap.
        for order in _permutations(pairs):
            v = _capi.metrics_value(self._m, name, ",".join(order))
            if v == v:  # NaN: no such series
                return v
        return None

    def prometheus(self):
        """The snapshot in Prometheus text format (0.0.4), HELP and TYPE lines included."""
        return _capi.metrics_to_prometheus(self._m)

    def __repr__(self):
        up = self.value("doctag_store_up")
        return "<doctag.Metrics: store %s, queue depth %s>" % (
            "up" if up else "down", "%g" % self.value("doctag_queue_depth") if up else "unknown")


class Context:
    """A libdoctag context: configuration plus shared resources (database,
    queue, engines). Create one and share it between threads.

    Keyword arguments name the configuration fields; anything not given
    comes from the DOCTAG_* environment (unless ignore_environment=True),
    else the defaults: data_dir, database_url, redis_url, allowed_roots
    (str or list of directories), llm_base_url, llm_api_key (or api_key),
    jwt_secret, blob_url, s3_endpoint, allow_private_urls (bool),
    max_file_mb, max_pages, timeout (seconds per document), threads.
    """

    def __init__(self, *, ignore_environment=False, allow_private_urls=None, max_file_mb=None,
                 max_file_bytes=None, max_pages=None, timeout=None, threads=None, **fields):
        # kept to make a sibling context (batch() widens the allowed roots)
        self._init_kwargs = dict(fields, ignore_environment=ignore_environment,
                                 allow_private_urls=allow_private_urls, max_file_mb=max_file_mb,
                                 max_file_bytes=max_file_bytes, max_pages=max_pages, timeout=timeout,
                                 threads=threads)
        cfg = _capi.config()
        for key, value in fields.items():
            key = _CONFIG_ALIASES.get(key, key)
            if key not in _CONFIG_STRINGS:
                raise TypeError("Context() got an unexpected keyword argument %r" % key)
            if value is None:
                continue
            if key == "allowed_roots" and not isinstance(value, (str, bytes, _os.PathLike)):
                value = ":".join(_os.fspath(v) for v in value)
            elif key == "data_dir":
                value = _os.fspath(value)
            getattr(cfg, "set_" + key)(value)
        if allow_private_urls is not None:
            cfg.allow_private_urls = 1 if allow_private_urls else 2
        if max_file_mb is not None:
            max_file_bytes = int(max_file_mb * 1024 * 1024)
        if max_file_bytes is not None:
            cfg.max_file_bytes = _positive("max_file_bytes", max_file_bytes)
        if max_pages is not None:
            cfg.max_pages = _positive("max_pages", max_pages)
        if timeout is not None:
            cfg.timeout_sec = _positive("timeout", timeout)
        if threads is not None:
            cfg.threads = _positive("threads", threads)
        cfg.ignore_environment = bool(ignore_environment)
        self._ctx = _capi.ctx_new(cfg)
        self._lock = _threading.Lock()

    # -- lifetime -------------------------------------------------------------
    @property
    def _c(self):
        c = self._ctx
        if c is None:
            raise InvalidInput("the doctag.Context is closed", _capi.EINVAL)
        return c

    def close(self):
        """Releases the context. Calls running in other threads keep it alive
        until they return; new calls raise InvalidInput."""
        self._ctx = None

    @property
    def closed(self):
        return self._ctx is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __repr__(self):
        if self._ctx is None:
            return "<doctag.Context closed>"
        return "<doctag.Context data_dir=%r>" % self.data_dir

    @property
    def data_dir(self):
        return _capi.ctx_data_dir(self._c)

    # -- processing -----------------------------------------------------------
    def process(self, source, *, model=None, num_tags=None, num_pages=None, api_key=None,
                exclude=None, exclusion_file=None, vocabulary=None, vocabulary_file=None,
                ocr="auto", languages=None, password=None, file_name=None, max_file_mb=None,
                max_pages=None, first_page=None, timeout=None, user=None):
        """Extracts the text of a PDF (OCR where needed) and tags it.

        source: a path (str or os.PathLike), an http(s) URL, bytes-like PDF
        data, or a binary file object. model: "local" for the built-in
        offline tagger, else an LLM model name for the OpenAI-compatible
        endpoint (None: the library's default, which falls back to the
        built-in tagger when no API key is configured). exclude / vocabulary:
        lists of terms; exclusion_file / vocabulary_file: a .txt or .pdf term
        list. first_page: the 1-based page tagging starts at (num_pages pages
        from it; None: page 1); past the last page raises InvalidInput.
        user: record the document in this user's history (a user id or an
        object with an `id`). Returns a Result.
        """
        opts = self._options(model=model, num_tags=num_tags, num_pages=num_pages, api_key=api_key,
                             exclude=exclude, exclusion_file=exclusion_file, vocabulary=vocabulary,
                             vocabulary_file=vocabulary_file, ocr=ocr, languages=languages,
                             password=password, file_name=file_name, max_file_mb=max_file_mb,
                             max_pages=max_pages, first_page=first_page, timeout=timeout, user=user)
        return Result(self._run("process", source, opts))

    def tag_text(self, text, *, title=None, model=None, num_tags=None, api_key=None, exclude=None,
                 exclusion_file=None, vocabulary=None, vocabulary_file=None, file_name=None, timeout=None,
                 user=None):
        """Tags a text you already have (str, or UTF-8 bytes) as process()
        tags a PDF's text, and returns a Result (extraction_method "text",
        page_count 0). title: None takes the text's first title-like line.
        Raises NoText under 50 visible characters, InvalidInput for bytes
        that are not UTF-8."""
        if isinstance(text, str):
            data = text.encode("utf-8")
        elif isinstance(text, (bytes, bytearray, memoryview)):
            data = text
        else:
            raise TypeError("text must be a str or bytes, not %s" % type(text).__name__)
        opts = self._options(model=model, num_tags=num_tags, api_key=api_key, exclude=exclude,
                             exclusion_file=exclusion_file, vocabulary=vocabulary,
                             vocabulary_file=vocabulary_file, file_name=file_name, timeout=timeout, user=user)
        return Result(_need("tag_text")(self._c, data, title, opts))

    async def atag_text(self, text, **kwargs):
        """await ctx.atag_text(...): tag_text() in a worker thread."""
        return await _in_thread(self.tag_text, text, **kwargs)

    def extract_result(self, source, *, ocr="auto", languages=None, password=None, file_name=None,
                       max_file_mb=None, max_pages=None, first_page=None, timeout=None, on_page=None):
        """Extracts the text of every page (no tagging) and returns a Result
        with pages, text, title, page count, method and confidence.
        first_page: start at this 1-based page (None: page 1) and read to the
        end; Page.index stays the page's index in the document.

        on_page(page) is called with a Page for each page in order as it is
        finished; the result then keeps no page text (memory stays flat
        whatever the page count). Return a true value from it to stop (the
        call raises Cancelled); an exception in it stops the call and is
        raised from it."""
        opts = self._options(ocr=ocr, languages=languages, password=password, file_name=file_name,
                             max_file_mb=max_file_mb, max_pages=max_pages, first_page=first_page,
                             timeout=timeout)
        if on_page is not None:
            if not callable(on_page):
                raise TypeError("on_page must be callable")

            def trampoline(index, page_count, text, method, confidence, language, warning):
                return on_page(Page(index, text, _PAGE_METHODS.get(method, "empty"),
                                    _none_if_negative(confidence), language or None, warning))
            opts.set_page_callback(trampoline)
        try:
            return Result(self._run("extract", source, opts))
        except Cancelled:
            opts.reraise_page_error()
            raise

    def extract(self, source, **kwargs):
        """The text of every page of a PDF, pages separated by a form feed
        (like pdftotext). Same arguments as extract_result()."""
        return self.extract_result(source, **kwargs).text

    def iter_pages(self, source, **kwargs):
        """Yields the Pages of a PDF in order as they are extracted, from a
        background thread; memory stays flat whatever the page count.
        Closing the generator early cancels the extraction."""
        import queue
        q = queue.Queue(maxsize=4)
        stop = _threading.Event()
        done = object()

        def on_page(page):
            while not stop.is_set():
                try:
                    q.put(page, timeout=0.1)
                    return False
                except queue.Full:
                    continue
            return True

        def run():
            try:
                self.extract_result(source, on_page=on_page, **kwargs)
                item = done
            except BaseException as e:  # handed to the consumer
                item = e
            while not stop.is_set():
                try:
                    q.put(item, timeout=0.1)
                    break
                except queue.Full:
                    continue

        t = _threading.Thread(target=run, name="doctag-iter-pages", daemon=True)
        t.start()
        try:
            while True:
                item = q.get()
                if item is done:
                    return
                if isinstance(item, BaseException):
                    if isinstance(item, Cancelled) and stop.is_set():
                        return
                    raise item
                yield item
        finally:
            stop.set()
            t.join()

    def terms(self, source):
        """Parses an exclusion or vocabulary list (text: one term per line
        or comma-separated, '#' comments; or a PDF) into lower-cased terms.
        source: a path, bytes-like data or a binary file object."""
        data = _read_bytes(source)
        return _capi.terms_parse(self._c, data)

    # -- users and tokens -----------------------------------------------------
    def register(self, email, password, full_name=None):
        """Creates an account and returns its User. Raises InvalidInput (email
        syntax, password under 8 characters) or AlreadyExists."""
        return User(_need("auth_register")(self._c, email, password, full_name))

    def login(self, email, password, *, device_info=None, ip=None, access_ttl=None, refresh_ttl=None):
        """Checks the password and returns Tokens (with .user). Raises
        AuthError ("Invalid email or password") or PermissionDenied
        (disabled account)."""
        user, tokens = _need("auth_login")(self._c, email, password,
                                           self._session(device_info, ip, access_ttl, refresh_ttl))
        return Tokens(tokens, User(user))

    def refresh(self, refresh_token, *, device_info=None, ip=None, access_ttl=None, refresh_ttl=None):
        """A new token pair for a refresh token, which is revoked (rotation).
        Raises AuthError for an unknown, expired or already used token (and
        a reused token revokes its whole session)."""
        tokens = _need("auth_refresh")(self._c, _token(refresh_token, "refresh_token"),
                                       self._session(device_info, ip, access_ttl, refresh_ttl))
        return Tokens(tokens)

    def logout(self, refresh_token):
        """Revokes a refresh token; True when it was live."""
        return bool(_need("auth_logout")(self._c, _token(refresh_token, "refresh_token")))

    def verify(self, access_token):
        """The User of a valid access token; AuthError otherwise."""
        return User(_need("auth_verify")(self._c, _token(access_token, "access_token")))

    def user(self, user_id):
        """The User with this id; NotFound otherwise."""
        return User(_need("auth_user")(self._c, _user_id(user_id)))

    def set_active(self, user, active):
        """Enables or disables an account (disabling revokes its sessions)."""
        _need("auth_set_active")(self._c, _user_id(user), bool(active))

    def _session(self, device_info, ip, access_ttl, refresh_ttl):
        o = _need("session_options")()
        if device_info:
            o.set_device_info(device_info)
        if ip:
            o.set_ip(ip)
        if access_ttl is not None:
            o.access_ttl_sec = _positive("access_ttl", access_ttl)
        if refresh_ttl is not None:
            o.refresh_ttl_sec = _positive("refresh_ttl", refresh_ttl)
        return o

    # -- history (every call scoped to the user; others' objects are NotFound)
    # The answers are the HTTP API's JSON shapes, as dicts.
    def history_jobs(self, user, limit=50, offset=0, status=None):
        """{"jobs": [JobSummary], "total", "limit", "offset"}, newest first."""
        return _json.loads(_need("history_jobs_json")(self._c, _user_id(user), _count("limit", limit),
                                                       _uint("offset", offset), status))

    def history_job(self, user, job_id):
        """One job: JobSummary + "config", "error_message", "documents"."""
        return _json.loads(_need("history_job_json")(self._c, _user_id(user), job_id))

    def delete_job(self, user, job_id):
        """Deletes a job with its documents."""
        _need("history_job_delete")(self._c, _user_id(user), job_id)

    def history_documents(self, user, limit=50, offset=0):
        """{"documents": [DocumentSummary], "total"}, newest first."""
        return _json.loads(_need("history_documents_json")(self._c, _user_id(user), _count("limit", limit),
                                                            _uint("offset", offset)))

    def search(self, user, query, limit=50):
        """Full-text search over title, tags and text, best first:
        {"documents": [DocumentSummary], "total"}."""
        return _json.loads(_need("history_search_json")(self._c, _user_id(user), query, _count("limit", limit)))

    def document(self, user, document_id):
        """One document in full, with its extracted text and metadata."""
        return _json.loads(_need("history_document_json")(self._c, _user_id(user), document_id))

    def stats(self, user):
        """total_jobs, total_documents, documents_processed, documents_failed,
        jobs_by_status, recent_activity."""
        return _json.loads(_need("history_stats_json")(self._c, _user_id(user)))

    # -- operations -------------------------------------------------------------
    def health(self):
        """Probes the dependencies, each bounded in time (database, queue,
        OCR languages, blob store required; the LLM key optional):
        {"status": "healthy"|"unhealthy", "version", "message",
        "checks": {name: {"status": "ok"|"error", "detail", "latency_ms"}}}.
        A failed probe is part of the answer, not an exception."""
        return _json.loads(_capi.health_to_json(_capi.health_check(self._c)))

    def metrics(self):
        """A Metrics snapshot of the library's counters (every process naming
        the same DOCTAG_STATS_FILE counts into one block) and of the store's
        job census."""
        return Metrics(_capi.metrics_read(self._c))

    def deliver_webhooks(self):
        """Sends the webhook deliveries that are due, as a batch worker does
        every second; for a process with no worker that must still deliver.
        Any number of processes may call it at once (each attempt is leased
        in the store, so none is sent twice). Blocks while it sends, at most
        10 s per attempt, with the GIL released; returns how many deliveries
        were attempted (failed ones are retried later with backoff)."""
        return _capi.webhooks_deliver(self._c)

    def webhook_secret(self, user, rotate=False):
        """The user's webhook signing secret (created on first use): a
        delivery's X-Doctag-Signature is "sha256=" + the hex HMAC-SHA256 of
        its raw body with it. rotate=True replaces it."""
        return _capi.webhook_secret(self._c, _user_id(user), bool(rotate))

    # -- batch jobs -----------------------------------------------------------
    def submit_batch(self, user, rows, model="local", num_tags=8, num_pages=None, api_key=None,
                     exclude=None, vocabulary=None, ocr=None, languages=None, column_mapping=None,
                     job_id=None, webhook_url=None):
        """Submits a batch for `user` (a User or user id) and returns its Job
        (pending until a worker, e.g. run_worker(), processes it).

        rows: dicts with the row fields title, file_path, file_source_type
        ("url", "s3" or "local"), description, publishing_date, file_size
        (other keys are kept and ignored). column_mapping: {our field: your
        key}. A row without a readable file fails alone when processed.
        webhook_url: POSTed the job's end event, signed with the user's
        webhook_secret(); a URL the guard refuses raises UrlRefused now."""
        if isinstance(rows, (str, bytes, dict)):
            raise TypeError("rows must be a list of dicts")
        docs = [dict(r) for r in rows]
        config = {"model_name": model, "num_tags": num_tags}
        if num_pages is not None:
            config["num_pages"] = num_pages
        if api_key:
            config["api_key"] = api_key
        if exclude is not None:
            config["exclusion_words"] = list(exclude)
        if vocabulary is not None:
            config["vocabulary"] = list(vocabulary)
        if ocr is not None:
            config["ocr"] = ocr
        if languages:
            config["language"] = languages if isinstance(languages, str) else "+".join(languages)
        body = {"documents": docs, "config": config}
        if column_mapping:
            body["column_mapping"] = dict(column_mapping)
        if job_id:
            body["job_id"] = job_id
        if webhook_url:
            body["webhook_url"] = webhook_url
        uid = _user_id(user)
        answer = _json.loads(_need("job_submit_json")(self._c, uid, _json.dumps(body, default=str)))
        return Job(self, uid, answer["job_id"])

    def job(self, user, job_id):
        """The Job with this id of `user`; NotFound for an unknown job or
        another user's."""
        return Job(self, user, job_id)

    def active_jobs(self, user):
        """The user's processing and paused jobs, newest first, as status dicts."""
        jobs = _need("jobs_active")(self._c, _user_id(user))
        return _json.loads(_capi.active_jobs_to_json(jobs))["jobs"]

    def run_worker(self, once=False, threads=None, until_job=None, name=None, lease=None):
        """Runs a worker on this context's queue in this thread (the GIL is
        released meanwhile): processes documents of any job, `threads` at a
        time. once=True returns when no work is waiting; until_job (a Job or
        id) returns once that job has finished; otherwise it runs until the
        process ends (use a daemon thread, or `doctag worker`)."""
        o = _need("worker_options")()
        o.once = bool(once)
        if threads is not None:
            o.threads = _positive("threads", threads)
        if until_job is not None:
            o.set_until_job(getattr(until_job, "id", until_job))
        if name:
            o.set_name(name)
        if lease is not None:
            o.lease_sec = _positive("lease", lease)
        _capi.worker_run(self._c, o)

    # -- a local batch ----------------------------------------------------------
    def local_user(self):
        """The User this data directory's local batches and the `doctag` CLI
        belong to (created on first use, its id kept in data_dir/cli-user)."""
        path = _os.path.join(self.data_dir, "cli-user")
        for _ in range(2):
            try:
                with open(path, encoding="utf-8") as f:
                    uid = f.readline().strip()
                return self.user(uid)
            except FileNotFoundError:
                pass
            except NotFound:  # a stale file (another database)
                _os.unlink(path)
            u = self.register("cli-%s@doctag.invalid" % _secrets.token_hex(4), _secrets.token_hex(20),
                              "doctag CLI")
            try:  # O_EXCL: when two processes race, the first file wins
                fd = _os.open(path, _os.O_WRONLY | _os.O_CREAT | _os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with _os.fdopen(fd, "w") as f:
                f.write(u.id + "\n")
            return u
        raise InternalError("cannot settle on a local user in %s" % path, _capi.EINTERNAL)

    def batch(self, paths, *, model="local", threads=None, **config):
        """Processes local PDFs as one batch job with the library's own
        worker (in a background thread of this process) and yields a
        BatchItem for each document as it finishes, in the order they finish:

            for item in ctx.batch(["a.pdf", "b.pdf"], model="local"):
                print(item.path, item.tags if item.ok else item.error)

        No user to register: the job belongs to local_user() and is in its
        history like a `doctag batch run`. The paths are read as given (their
        directories are allowed for this batch). Other keywords are those of
        submit_batch() (num_tags, num_pages, exclude, vocabulary, ocr,
        languages...). Closing the generator early cancels the job."""
        files = [_os.path.abspath(_os.fspath(p)) for p in paths]
        if not files:
            return
        roots = sorted({_os.path.dirname(f) for f in files})
        mine = self._init_kwargs.get("allowed_roots")
        if mine:
            roots += [mine] if isinstance(mine, (str, bytes, _os.PathLike)) else list(mine)
        ctx = Context(**dict(self._init_kwargs, allowed_roots=roots))
        try:
            user = ctx.local_user()
            rows = [{"title": _os.path.basename(f), "file_path": f, "file_source_type": "local"} for f in files]
            job = ctx.submit_batch(user, rows, model=model, **config)
            worker = _threading.Thread(target=ctx.run_worker, name="doctag-batch-worker", daemon=True,
                                       kwargs={"until_job": job, "threads": threads})
            worker.start()
            finished = False
            try:
                for event in job.events():
                    if event.get("type") != "progress" or event.get("status") not in ("success", "failed"):
                        continue
                    row = int(event.get("row_id", -1))
                    ok = event["status"] == "success"
                    yield BatchItem(files[row] if 0 <= row < len(files) else event.get("file_path"),
                                    event.get("title"), ok, list(event.get("tags") or []),
                                    None if ok else (event.get("error") or "failed"), event.get("document_id"))
                finished = True
            finally:
                if not finished:
                    try:
                        if not job.refresh().done:
                            job.cancel()
                    except Error:
                        pass
                worker.join()
        finally:
            ctx.close()

    # -- async variants ---------------------------------------------------------
    # The blocking call runs in the event loop's default thread pool; it
    # releases the GIL, so other coroutines and threads go on meanwhile.
    async def aprocess(self, source, **kwargs):
        """await ctx.aprocess(...): process() in a worker thread."""
        return await _in_thread(self.process, source, **kwargs)

    async def aextract(self, source, **kwargs):
        """await ctx.aextract(...): extract() in a worker thread."""
        return await _in_thread(self.extract, source, **kwargs)

    async def aextract_result(self, source, **kwargs):
        """await ctx.aextract_result(...): extract_result() in a worker thread."""
        return await _in_thread(self.extract_result, source, **kwargs)

    # -- helpers --------------------------------------------------------------
    def _options(self, model=None, num_tags=None, num_pages=None, api_key=None, exclude=None,
                 exclusion_file=None, vocabulary=None, vocabulary_file=None, ocr="auto",
                 languages=None, password=None, file_name=None, max_file_mb=None,
                 max_pages=None, first_page=None, timeout=None, user=None):
        o = _capi.process_options()
        if num_tags is not None:
            o.num_tags = _count("num_tags", num_tags)
        if num_pages is not None:
            o.num_pages = _count("num_pages", num_pages)
        if model:
            o.set_model_name(model)
        if api_key:
            o.set_api_key(api_key)
        if isinstance(ocr, str):
            try:
                o.ocr = _OCR_MODES[ocr.lower()]
            except KeyError:
                raise InvalidInput("ocr must be auto, force or off (got %r)" % ocr,
                                   _capi.EINVAL) from None
        elif ocr is not None:
            raise TypeError("ocr must be 'auto', 'force' or 'off'")
        if languages:
            o.set_languages(languages if isinstance(languages, str) else "+".join(languages))
        if password is not None:
            o.set_password(password)
        if file_name:
            o.set_file_name(_os.fspath(file_name))
        if max_file_mb is not None:
            o.max_file_bytes = _positive("max_file_mb", int(max_file_mb * 1024 * 1024))
        if max_pages is not None:
            o.max_pages = _positive("max_pages", max_pages)
        if first_page is not None:
            o.first_page = _positive("first_page", first_page)
        if timeout is not None:
            o.timeout_sec = _positive("timeout", timeout)
        for term in self._term_list(exclude, exclusion_file, "exclude"):
            o.add_exclusion_word(term)
        for term in self._term_list(vocabulary, vocabulary_file, "vocabulary"):
            o.add_vocabulary_term(term)
        if user is not None:
            o.set_user_id(_user_id(user))
        return o

    def _term_list(self, terms, path, what):
        out = []
        if terms is not None:
            if isinstance(terms, str):
                raise TypeError("%s must be a list of terms, not a str" % what)
            out.extend(str(t) for t in terms)
        if path is not None:
            out.extend(self.terms(path))
        return out

    def _run(self, kind, source, opts):
        """One blocking C call on a path, URL or buffer (GIL released)."""
        c = self._c
        if isinstance(source, (bytes, bytearray, memoryview)):
            return getattr(_capi, kind + "_buffer")(c, source, opts)
        if hasattr(source, "read"):
            return getattr(_capi, kind + "_buffer")(c, _read_bytes(source), opts)
        if _is_url(source):
            return getattr(_capi, kind + "_url")(c, source, opts)
        if isinstance(source, (str, _os.PathLike)):
            return getattr(_capi, kind + "_file")(c, _os.fsdecode(source), opts)
        raise TypeError("source must be a path, an http(s) URL, bytes or a binary file, not %s"
                        % type(source).__name__)


async def _in_thread(fn, *args, **kwargs):
    loop = _asyncio.get_running_loop()
    return await loop.run_in_executor(None, _functools.partial(fn, *args, **kwargs))


# ---- module-level calls on a default context ------------------------------
_default_ctx = None
_default_lock = _threading.Lock()


def default_context():
    """The Context the module-level calls use: created on first use from
    the DOCTAG_* environment, shared by every thread."""
    global _default_ctx
    with _default_lock:
        if _default_ctx is None or _default_ctx.closed:
            _default_ctx = Context()
        return _default_ctx


def process(source, **opts):
    """doctag.process(path_or_bytes, **opts): Context.process() on the
    default context. Returns a Result."""
    return default_context().process(source, **opts)


def extract(source, **opts):
    """doctag.extract(path_or_bytes, **opts): the text of every page, pages
    separated by a form feed (Context.extract() on the default context)."""
    return default_context().extract(source, **opts)


def extract_result(source, **opts):
    """Context.extract_result() on the default context."""
    return default_context().extract_result(source, **opts)


def tag_text(text, **opts):
    """doctag.tag_text(text, **opts): Context.tag_text() on the default context."""
    return default_context().tag_text(text, **opts)


def _read_bytes(source):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return source
    if hasattr(source, "read"):
        data = source.read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("the file object must be opened in binary mode")
        return data
    with open(source, "rb") as f:
        return f.read()


def _user_id(user):
    uid = getattr(user, "id", user)
    if not isinstance(uid, str) or not uid:
        raise TypeError("user must be a user id or an object with an id")
    return uid


def _token(token, name):
    t = getattr(token, name, token)
    if not isinstance(t, str):
        raise TypeError("%s must be a str or a Tokens" % name)
    return t


def _uint(name, value):
    v = int(value)
    if v != value or v < 0:
        raise InvalidInput("%s must be a whole number >= 0 (got %r)" % (name, value), _capi.EINVAL)
    return v


def _positive(name, value):
    v = int(value)
    if v != value or v <= 0:
        raise InvalidInput("%s must be a positive whole number (got %r)" % (name, value), _capi.EINVAL)
    return v


def _count(name, value):
    # Range checks (num_tags 3..15, num_pages 1..10) are the library's.
    v = int(value)
    if v != value or v < 1 or v > 0xFFFF:
        raise InvalidInput("%s out of range (got %r)" % (name, value), _capi.EINVAL)
    return v
