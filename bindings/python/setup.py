"""Builds doctag._capi, the SWIG module of bindings/doctag.i, against
libdoctag. Where the library is, in order:

  1. DOCTAG_BUILD_DIR: a CMake build tree (its lib/, the source's include/);
  2. pkg-config doctag: the installed library, or a build tree's
     doctag-uninstalled.pc when PKG_CONFIG_PATH names that tree;
  3. the repository's build/ next to this directory.

A build tree's library path is written into the module (rpath), so it
imports without LD_LIBRARY_PATH. An sdist carries the interface and the
headers in _swig/, so `python3 -m build` (sdist, then a wheel from it) works.
"""
import glob
import os
import re
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
VENDORED = os.path.join(HERE, "_swig")


def interface_dirs():
    """(directory of doctag.i, directory holding doctag/*.h) of the source."""
    if os.path.isfile(os.path.join(REPO, "bindings", "doctag.i")):
        return os.path.join(REPO, "bindings"), os.path.join(REPO, "include")
    if os.path.isfile(os.path.join(VENDORED, "doctag.i")):
        return VENDORED, os.path.join(VENDORED, "include")
    sys.exit("doctag setup: bindings/doctag.i not found (build from the doctag source tree or its sdist)")


def pkg_config(*args):
    try:
        out = subprocess.run(["pkg-config", *args, "doctag"], check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.split()


def find_library():
    """(include dirs, library dirs, libraries, rpath dirs, where)."""
    swig_dir, src_include = interface_dirs()
    build = os.environ.get("DOCTAG_BUILD_DIR")
    if not build and pkg_config("--exists") is not None:
        incs = [f[2:] for f in pkg_config("--cflags-only-I") or []]
        libdirs = [f[2:] for f in pkg_config("--libs-only-L") or []]
        libs = [f[2:] for f in pkg_config("--libs-only-l") or []] or ["doctag"]
        system = ("/usr/lib", "/lib", "/usr/lib64")
        rpath = [d for d in libdirs if not d.startswith(system)]
        return incs or [src_include], libdirs, libs, rpath, "pkg-config doctag " + " ".join(pkg_config("--modversion"))
    build = build or os.path.join(REPO, "build")
    lib = os.path.join(os.path.abspath(build), "lib")
    if not glob.glob(os.path.join(lib, "libdoctag.so*")):
        sys.exit("doctag setup: no libdoctag found: install libdoctag-dev, or build it "
                 "(cmake -S . -B build && cmake --build build) and set DOCTAG_BUILD_DIR")
    return [src_include], [lib], ["doctag"], [lib], "build tree " + build


def version():
    _, include = interface_dirs()
    if os.environ.get("DOCTAG_BUILD_DIR") is None and pkg_config("--modversion"):
        return pkg_config("--modversion")[0]
    text = open(os.path.join(include, "doctag", "common.h"), encoding="utf-8").read()
    parts = [re.search(r"#define DOCTAG_VERSION_%s (\d+)" % k, text).group(1) for k in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


class BuildExt(build_ext):
    """Runs SWIG first: capi_wrap.c for the extension, capi.py into the package."""

    def run(self):
        swig_dir, _ = interface_dirs()
        incs, libdirs, libs, rpath, where = find_library()
        header_dir = next((d for d in incs if os.path.isdir(os.path.join(d, "doctag"))), incs[0])
        os.makedirs(self.build_temp, exist_ok=True)
        wrap = os.path.join(self.build_temp, "capi_wrap.c")
        pkg_out = os.path.join(self.build_lib, "doctag")
        os.makedirs(pkg_out, exist_ok=True)
        swig = shutil.which("swig4.0") or shutil.which("swig")
        if not swig:
            sys.exit("doctag setup: swig is needed (apt-get install swig)")
        cmd = [swig, "-python", "-threads", "-I" + header_dir, "-I" + swig_dir,
               "-outdir", pkg_out, "-o", wrap, os.path.join(swig_dir, "doctag.i")]
        print("doctag: building against %s" % where)
        self.spawn(cmd)
        for ext in self.extensions:
            ext.sources = [wrap]
            ext.include_dirs = incs
            ext.library_dirs = libdirs
            ext.libraries = libs
            ext.runtime_library_dirs = rpath
        # with --inplace (setup.py develop) the proxy goes beside the sources
        if self.inplace:
            shutil.copy(os.path.join(pkg_out, "capi.py"), os.path.join(HERE, "doctag", "capi.py"))
        super().run()


class BuildPy(build_py):
    """The extension first: SWIG writes doctag/capi.py, which build_py copies."""

    def run(self):
        self.run_command("build_ext")
        super().run()


class Sdist(sdist):
    """Carries the interface and headers, which live outside this directory."""

    def make_release_tree(self, base_dir, files):
        super().make_release_tree(base_dir, files)
        swig_dir, include = interface_dirs()
        dest = os.path.join(base_dir, "_swig")
        os.makedirs(os.path.join(dest, "python"), exist_ok=True)
        shutil.copy(os.path.join(swig_dir, "doctag.i"), dest)
        shutil.copy(os.path.join(swig_dir, "python", "doctag_python.i"), os.path.join(dest, "python"))
        shutil.copytree(os.path.join(include, "doctag"), os.path.join(dest, "include", "doctag"), dirs_exist_ok=True)


setup(
    version=version(),
    ext_modules=[Extension("doctag._capi", sources=[])],
    cmdclass={"build_ext": BuildExt, "build_py": BuildPy, "sdist": Sdist},
)
