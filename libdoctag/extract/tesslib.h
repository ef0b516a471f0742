/* Internal to extract/: tesseract and leptonica, loaded when the first page
 * needs OCR.
 *
 * Linking them costs every process that loads libdoctag about 10 ms of
 * symbol binding at start (they and their dependencies are bound "now"),
 * half of what `doctag extract` of a text PDF costs beyond poppler. Loaded
 * on demand, only OCR pays for them, libgomp starts after we have set
 * OMP_THREAD_LIMIT, and a machine without tesseract still extracts text
 * layers (OCR then fails with DOCTAG_EOCR, naming the library). */
#ifndef DOCTAG_EXTRACT_TESSLIB_H
#define DOCTAG_EXTRACT_TESSLIB_H

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

/* Sets OMP_THREAD_LIMIT=1 unless the caller chose a value; before tesseract
 * loads (libgomp reads it then) and before any engine. */
void ocr_setup_env(void);

#define TESSLIB_FUNCS(X) \
  X(TessBaseAPIClear) X(TessBaseAPICreate) X(TessBaseAPIDelete) X(TessBaseAPIDetectOrientationScript) \
  X(TessBaseAPIEnd) X(TessBaseAPIGetStringVariable) X(TessBaseAPIGetUTF8Text) X(TessBaseAPIInit3) \
  X(TessBaseAPIMeanTextConf) X(TessBaseAPIRecognize) X(TessBaseAPISetImage2) X(TessBaseAPISetPageSegMode) \
  X(TessBaseAPISetSourceResolution) X(TessBaseAPISetVariable) X(TessDeleteText) X(TessMonitorCreate) \
  X(TessMonitorDelete) X(TessMonitorSetCancelFunc) X(TessMonitorSetCancelThis) \
  X(TessBaseAPIGetAvailableLanguagesAsVector) X(TessDeleteTextArray) \
  X(TessBaseAPIGetIterator) X(TessResultIteratorDelete) X(TessResultIteratorGetPageIterator) \
  X(TessResultIteratorNext) X(TessResultIteratorGetUTF8Text) X(TessPageIteratorBoundingBox) \
  X(TessPageIteratorBaseline) X(TessPageIteratorIsAtFinalElement) \
  X(TessBaseAPISetRectangle) X(TessResultIteratorConfidence) X(TessResultIteratorWordRecognitionLanguage) \
  X(TessBaseAPIAnalyseLayout) X(TessPageIteratorNext) X(TessPageIteratorDelete) \
  X(pixClone) X(pixCountPixels) X(pixCreate) X(pixFindSkewSweepAndSearch) X(pixRotate) X(pixGetDepth) \
  X(pixDestroy) X(pixGetData) \
  X(pixGetHeight) X(pixGetWidth) X(pixGetWpl) X(pixRotateOrth) X(pixSauvolaBinarizeTiled) X(pixScale) \
  X(pixScaleAreaMap) X(pixScaleByIntSampling) X(pixScaleGray2xLI) X(pixScaleGrayLI) X(pixSetResolution) X(pixThresholdToBinary) \
  X(pixConnCompBB) X(boxaGetCount) X(boxaGetBoxGeometry) X(boxaDestroy) \
  X(pixConnComp) X(pixaGetPix) X(pixaDestroy)

typedef struct tesslib {
#define TESSLIB_MEMBER(f) __typeof__(f) *f;
  TESSLIB_FUNCS(TESSLIB_MEMBER)
#undef TESSLIB_MEMBER
} tesslib;

/* The functions, loaded on the first call (thread-safe); NULL with
 * err_set(DOCTAG_EOCR, ...) when the libraries cannot be loaded. */
const tesslib *tesslib_get(void);
/* The functions once tesslib_get() has succeeded. */
const tesslib *tesslib_loaded(void);

#endif
