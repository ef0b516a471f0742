"""The module itself: version, names, the exception table."""

import os
import pickle
import re
import subprocess

import pytest

import doctag
from doctag import capi


def _header_codes():
    src = os.environ.get("DOCTAG_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", "..", "..")
    with open(os.path.join(src, "include", "doctag", "common.h"), encoding="utf-8") as f:
        text = f.read()
    return {name: int(code) for name, code in re.findall(r"\bDOCTAG_(E[A-Z]+)\s*=\s*(-\d+)", text)}


def test_version_is_the_library_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", doctag.__version__)
    assert doctag.__version__ == capi.version()
    cli = os.path.join(os.environ.get("DOCTAG_BIN_DIR", ""), "doctag")
    if os.path.exists(cli):
        out = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout
        assert doctag.__version__ in out


def test_prefix_is_stripped():
    assert callable(capi.process_file) and callable(capi.ctx_new)
    assert not any(n.startswith(("doctag_", "DOCTAG_")) for n in dir(capi))
    assert capi.OK == 0 and capi.ENOTFOUND == -4


def test_every_status_code_has_its_own_class():
    codes = _header_codes()
    assert len(codes) >= 21
    assert set(doctag.ERRORS) == set(codes.values())
    classes = list(doctag.ERRORS.values())
    assert len(set(classes)) == len(classes), "two codes share a class"
    for name, code in codes.items():
        cls = doctag.ERRORS[code]
        assert issubclass(cls, doctag.Error) and cls is not doctag.Error
        assert cls.code == code
        assert capi.status_name(code) == name
        assert getattr(doctag, cls.__name__) is cls
        assert cls.__module__ == "doctag"
        assert cls.__doc__


@pytest.mark.parametrize("cls, code", [
    (doctag.InvalidInput, "EINVAL"), (doctag.NotFound, "ENOTFOUND"), (doctag.AuthError, "EAUTH"),
    (doctag.PermissionDenied, "EPERM"), (doctag.PdfError, "EPDF"), (doctag.OcrError, "EOCR"),
    (doctag.LlmError, "ELLM"), (doctag.StorageError, "ESTORE"), (doctag.Timeout, "ETIMEOUT"),
    (doctag.Cancelled, "ECANCELLED"),
])
def test_the_documented_classes(cls, code):
    assert cls.code == getattr(capi, code)


def test_hierarchy():
    assert issubclass(doctag.EncryptedPdf, doctag.PdfError)
    for c in (doctag.LimitExceeded, doctag.UrlRefused, doctag.NoText, doctag.AlreadyExists):
        assert issubclass(c, doctag.InvalidInput)
    assert issubclass(doctag.Unavailable, doctag.StorageError)


@pytest.mark.parametrize("code", sorted(_header_codes().values()))
def test_a_failed_status_raises_its_class(code):
    """The path every failed call takes: status -> class, message, code."""
    message = "cause of %d: ünïcødé" % code
    with pytest.raises(doctag.Error) as info:
        capi.py_raise_status(code, message)
    e = info.value
    assert type(e) is doctag.ERRORS[code]
    assert e.code == code and e.message == message and str(e) == message
    assert e.name == capi.status_name(code)
    assert e.name in repr(e)
    again = pickle.loads(pickle.dumps(e))
    assert type(again) is type(e) and again.code == code and again.message == message


def test_ok_raises_nothing():
    assert capi.py_raise_status(capi.OK, "fine") is None
