#!/usr/bin/python3
"""What a tesseract engine holds, per language set: the figures behind
OCR_ENGINE_BYTES, OCR_ENGINE_LANG_BYTES and OCR_OSD_BYTES in
libdoctag/extract/extract.c (the engines' share of DOCTAG_MAX_DOC_MEMORY_MB).

Each language set is measured in a process of its own (tesseract shares a
model's dictionaries between the engines of one process): resident memory
after the engine starts, then after it reads one grey page at 300 DPI and
clears it (what the thread keeps), and the page's peak above the engine and
the page image (tesseract's own copies, which the 12 bytes a pixel of the
page's share cover), as the ratio of that peak to the page's share's pixel
part. Memory, not time: the figures hold on a busy machine.

Usage: bench/ocr_engine_memory.py [PDF [LANG_SET ...]]
  PDF        a scanned page to read, default ../shared/corpus/scanned/en_invoice.pdf,
             else build/fixtures/scanned_en.pdf
  LANG_SET   default: eng hin eng+hin ben kan san eng+hin+ben osd,eng osd,eng,hin,eng+hin;
             a comma-separated set is engines of one process, as one page thread holds
             them, OSD running its orientation test (alone, osd is read as a language,
             more than its orientation test takes)
Exit status: 0, 1 when an engine holds more than the estimate, 2 cannot run.
"""
import ctypes
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
MB = 1024 * 1024
# As in extract.c
ENGINE, PER_LANG, OSD, PAGE_BYTES_PER_PIXEL = 48 * MB, 16 * MB, 40 * MB, 12
ENGINES_PER_THREAD = 3  # OCR_ENGINES_PER_THREAD in extract/internal.h


def estimate(langs):
    """What a page reserves for the engines of `langs`: one set ("eng+hin"),
    or several in one process, comma-separated, as one page thread holds
    them: "osd,eng" a page in English that runs OSD, several language
    engines a page whose language is chosen automatically."""
    engines = langs.split(",")
    total = OSD if "osd" in engines else 0
    readers = [e for e in engines if e != "osd"]
    if len(readers) > 1:
        return total + ENGINE + (ENGINES_PER_THREAD - 1) * PER_LANG
    if readers:
        total += ENGINE + readers[0].count("+") * PER_LANG
    return total


def child(langs, image):
    T = ctypes.CDLL("libtesseract.so.5")
    L = ctypes.CDLL("liblept.so.5")
    T.TessBaseAPICreate.restype = ctypes.c_void_p
    T.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    T.TessBaseAPISetImage2.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    T.TessBaseAPIRecognize.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    T.TessBaseAPIClear.argtypes = [ctypes.c_void_p]
    L.pixRead.restype = ctypes.c_void_p
    L.pixRead.argtypes = [ctypes.c_char_p]
    L.pixGetWidth.argtypes = L.pixGetHeight.argtypes = [ctypes.c_void_p]

    def status(key):
        for line in open("/proc/self/status"):
            if line.startswith(key):
                return int(line.split()[1]) * 1024
        return 0

    T.TessBaseAPIDetectOrientationScript.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_int),
                                                     ctypes.POINTER(ctypes.c_float),
                                                     ctypes.POINTER(ctypes.c_char_p),
                                                     ctypes.POINTER(ctypes.c_float)]
    r0 = status("VmRSS:")
    pix = L.pixRead(str(image).encode())
    px = L.pixGetWidth(pix) * L.pixGetHeight(pix)
    r1 = status("VmRSS:")
    engines = []
    for lang in langs.split(","):
        api = T.TessBaseAPICreate()
        if T.TessBaseAPIInit3(api, None, lang.encode()) != 0:
            print(f"{lang}: not installed")
            return
        engines.append((lang, api))
    r2 = status("VmRSS:")
    for lang, api in engines:
        T.TessBaseAPISetImage2(api, pix)
        if lang == "osd" and "," in langs:
            # as a page's orientation test uses it
            deg, oconf, name, sconf = ctypes.c_int(), ctypes.c_float(), ctypes.c_char_p(), ctypes.c_float()
            T.TessBaseAPIDetectOrientationScript(api, deg, oconf, name, sconf)
        else:
            T.TessBaseAPIRecognize(api, None)
        T.TessBaseAPIClear(api)
    r3, peak = status("VmRSS:"), status("VmHWM:")
    r1, r2 = r2 - (r1 - r0), r2
    kept = r3 - r0 - (r2 - r1)
    est = estimate(langs)
    print(f"{langs:10s} engine {(r1 - r0) / MB:5.1f} MB, kept after a page {kept / MB:5.1f} MB "
          f"(estimate {est / MB:.0f} MB, ratio {kept / est:.2f}); page peak above engine and image "
          f"{(peak - r2) / MB:5.1f} MB = {(peak - r2) / (px * PAGE_BYTES_PER_PIXEL):.2f} of 12 bytes a pixel")
    sys.exit(1 if kept > est else 0)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        os.environ["OMP_THREAD_LIMIT"] = "1"
        return child(sys.argv[2], sys.argv[3])
    pdf = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared/corpus/scanned/en_invoice.pdf"
    if len(sys.argv) <= 1 and not pdf.exists():
        pdf = ROOT / "build/fixtures/scanned_en.pdf"
    if not pdf.exists():
        print(f"no page to read: {pdf}", file=sys.stderr)
        return 2
    sets = sys.argv[2:] or ["eng", "hin", "eng+hin", "ben", "kan", "san", "eng+hin+ben", "osd,eng",
                            "osd,eng,hin,eng+hin"]
    worst = 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-f", "1", "-l", "1", "-png", str(pdf),
                        f"{tmp}/page"], check=True)
        image = next(pathlib.Path(tmp).glob("page*.png"))
        for langs in sets:
            r = subprocess.run([sys.executable, __file__, "--child", langs, str(image)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=dict(os.environ, OMP_THREAD_LIMIT="1"))
            sys.stdout.write(r.stdout)
            worst = max(worst, r.returncode)
    return worst


if __name__ == "__main__":
    sys.exit(main())
