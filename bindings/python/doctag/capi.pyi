# doctag.capi: the SWIG proxy of bindings/doctag.i (one function per C call,
# prefix stripped). Untyped here: use the typed layer in doctag/__init__.pyi.
from typing import Any

def __getattr__(name: str) -> Any: ...
