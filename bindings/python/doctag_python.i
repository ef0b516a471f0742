/*
 * bindings/python/doctag_python.i - Python typemaps for bindings/doctag.i.
 * Included by doctag.i when SWIG runs with -python -threads.
 */

%{
/* code (int) -> exception class, filled by the module's Python code from the
 * table in doctag.i (py_register_errors). */
static PyObject *doctag_py_classes = NULL;

static PyObject *doctag_py_error(int code, const char *message)
{
  PyObject *cls = NULL;
  PyObject *key = PyLong_FromLong(code);
  if (doctag_py_classes && key)
    cls = PyDict_GetItem(doctag_py_classes, key); /* borrowed */
  Py_XDECREF(key);
  if (!cls)
    cls = PyExc_RuntimeError; /* only before the module has set up its classes */
  PyObject *msg = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
  if (!msg)
    return NULL;
  PyObject *exc = cls == PyExc_RuntimeError ? PyObject_CallFunctionObjArgs(cls, msg, NULL)
                                            : PyObject_CallFunction(cls, "Oi", msg, code);
  Py_DECREF(msg);
  if (exc) {
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
  }
  return NULL;
}

/* Raises the exception of a failed call; the message is the thread's last error. */
static void doctag_py_raise(int code)
{
  doctag_py_error(code, doctag_error_message(code));
}
%}

/* DOCTAG_OK returns nothing (or the out-parameters); anything else raises. */
%typemap(out) doctag_status {
  if ($1 != DOCTAG_OK) {
    doctag_py_raise((int)$1);
    SWIG_fail;
  }
  $result = SWIG_Py_Void();
}

/* A PDF or term list in memory: anything with the buffer protocol (bytes,
 * bytearray, memoryview, mmap, numpy...), read in place without a copy. The
 * view is held for the whole call, so the memory cannot move meanwhile. */
%typemap(in) (const void *data, size_t len) (Py_buffer view, int have_view = 0) {
  if (PyObject_GetBuffer($input, &view, PyBUF_SIMPLE) != 0)
    SWIG_fail;
  have_view = 1;
  $1 = view.buf;
  $2 = (size_t)view.len;
}
%typemap(freearg) (const void *data, size_t len) {
  if (have_view$argnum)
    PyBuffer_Release(&view$argnum);
}

/* doctag_tag_text(): the Python layer hands the text over as UTF-8 bytes. */
%apply (const void *data, size_t len) { (const char *text, size_t len) };

/* A term list comes back as a list of str. */
%typemap(in, numinputs=0) (char ***terms, size_t *count) (char **tmpv = NULL, size_t tmpn = 0) {
  $1 = &tmpv;
  $2 = &tmpn;
}
%typemap(argout) (char ***terms, size_t *count) {
  PyObject *list = PyList_New((Py_ssize_t)*$2);
  if (!list)
    SWIG_fail;
  for (size_t i = 0; i < *$2; i++) {
    const char *t = (*$1)[i];
    PyObject *s = PyUnicode_DecodeUTF8(t, (Py_ssize_t)strlen(t), "replace");
    if (!s) {
      Py_DECREF(list);
      SWIG_fail;
    }
    PyList_SET_ITEM(list, (Py_ssize_t)i, s);
  }
  $result = SWIG_Python_AppendOutput($result, list);
}
%typemap(freearg) (char ***terms, size_t *count) { doctag_strv_free(*$1); }

/* ---- Page callback ---------------------------------------------------------
 * The library may call on_page from its page workers: the trampoline takes the
 * GIL itself. An exception in the callback cancels the call (the library then
 * returns DOCTAG_ECANCELLED) and is kept so the caller re-raises it. */
%{
typedef struct doctag_py_page_data {
  PyObject *fn;
  PyObject *etype, *evalue, *etb;  /* first exception raised by fn */
} doctag_py_page_data;

static int doctag_py_on_page(const doctag_page_info *p, void *userdata)
{
  doctag_py_page_data *d = userdata;
  PyGILState_STATE g = PyGILState_Ensure();
  int stop = 1;
  PyObject *text = PyUnicode_DecodeUTF8(p->text ? p->text : "", (Py_ssize_t)(p->text ? p->text_len : 0), "replace");
  const char *warning = p->version >= 2 ? p->warning : NULL;
  PyObject *r = text ? PyObject_CallFunction(d->fn, "IIOidsz", p->index, p->page_count, text, (int)p->method,
                                             p->ocr_confidence, p->language ? p->language : "", warning)
                     : NULL;
  Py_XDECREF(text);
  if (r) {
    stop = PyObject_IsTrue(r) != 0;
    Py_DECREF(r);
  }
  if (PyErr_Occurred()) {
    if (!d->etype)
      PyErr_Fetch(&d->etype, &d->evalue, &d->etb);
    else
      PyErr_Clear();
    stop = 1;
  }
  PyGILState_Release(g);
  return stop;
}

static void doctag_py_page_release(doctag_process_options *o)
{
  if (o->on_page != doctag_py_on_page || !o->on_page_data)
    return;
  doctag_py_page_data *d = o->on_page_data;
  PyGILState_STATE g = PyGILState_Ensure();
  Py_XDECREF(d->fn);
  Py_XDECREF(d->etype);
  Py_XDECREF(d->evalue);
  Py_XDECREF(d->etb);
  PyGILState_Release(g);
  free(d);
  o->on_page = NULL;
  o->on_page_data = NULL;
}
#define DOCTAG_RELEASE_PAGE_CALLBACK(opts) doctag_py_page_release(opts)
%}

%nothread;
%extend doctag_process_options {
  /* fn(index, page_count, text, method, ocr_confidence, language) is called
   * for each page in order; a true return value stops (Cancelled). None
   * removes the callback. */
  PyObject *set_page_callback(PyObject *fn) {
    doctag_py_page_release($self);
    if (fn == Py_None)
      Py_RETURN_NONE;
    if (!PyCallable_Check(fn))
      return PyErr_Format(PyExc_TypeError, "on_page must be callable, not %s", Py_TYPE(fn)->tp_name);
    doctag_py_page_data *d = calloc(1, sizeof *d);
    if (!d)
      return PyErr_NoMemory();
    Py_INCREF(fn);
    d->fn = fn;
    $self->on_page = doctag_py_on_page;
    $self->on_page_data = d;
    Py_RETURN_NONE;
  }
  /* Re-raises (once) the exception the callback raised, else returns None. */
  PyObject *reraise_page_error() {
    doctag_py_page_data *d = $self->on_page == doctag_py_on_page ? $self->on_page_data : NULL;
    if (!d || !d->etype)
      Py_RETURN_NONE;
    PyErr_Restore(d->etype, d->evalue, d->etb);
    d->etype = d->evalue = d->etb = NULL;
    return NULL;
  }
}

%inline %{
/* Installs the exception classes: a dict {code: class}. */
PyObject *doctag_py_register_errors(PyObject *by_code) {
  if (!PyDict_Check(by_code))
    return PyErr_Format(PyExc_TypeError, "expected a dict of code -> class");
  Py_INCREF(by_code);
  Py_XSETREF(doctag_py_classes, by_code);
  Py_RETURN_NONE;
}
/* Raises the exception for `code` with `message` exactly as a failed call
 * would (for tests of the mapping). */
PyObject *doctag_py_raise_status(int code, const char *message) {
  if (code == DOCTAG_OK)
    Py_RETURN_NONE;
  return doctag_py_error(code, message ? message : "");
}
%}
%clearnothread;

%pythoncode %{
class Error(Exception):
    """A libdoctag call failed. `code` is the doctag_status (a negative
    int), `name` its short name ("ENOTFOUND"), `message` what exactly went
    wrong. Subclasses say what kind of failure it is."""

    code = None

    def __init__(self, message="", code=None):
        # one argument: OSError's children (NotFound, IoError, Timeout) would
        # read two as (errno, strerror)
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    @property
    def name(self):
        return status_name(self.code) if self.code is not None else "ERROR"

    def __str__(self):
        return self.message

    def __reduce__(self):
        return (type(self), (self.message, self.code))

    def __repr__(self):
        return "%s(%r, code=%s)" % (type(self).__name__, self.message, self.name)


# The builtin exceptions a Python user already catches: `except
# FileNotFoundError` or `except LookupError` catch NotFound (a file, job,
# document or user), `except ValueError` catches InvalidInput and its
# children (LimitExceeded, UrlRefused, NoText, AlreadyExists), `except
# TimeoutError` Timeout, `except OSError` IoError. Messages are unchanged.
_BUILTIN_BASES = {
    "InvalidInput": (ValueError,),
    "IoError": (OSError,),
    "NotFound": (FileNotFoundError, LookupError),
    "Timeout": (TimeoutError,),
}


def _make_error_classes():
    classes = {"Error": Error}
    by_code = {}
    for i in range(error_class_count()):
        name = error_class_name(i)
        parent = classes[error_class_parent(i)]
        code = error_class_code(i)
        bases = (parent,) + _BUILTIN_BASES.get(name, ())
        cls = type(name, bases, {"__doc__": error_class_doc(i), "code": code,
                                 "__module__": "doctag", "__qualname__": name})
        classes[name] = cls
        by_code[code] = cls
    py_register_errors(by_code)
    return classes, by_code


error_classes, error_classes_by_code = _make_error_classes()
Error.__module__ = "doctag"
globals().update(error_classes)
%}
