/* Internal to extract/: poppler-glib and cairo, loaded when the first page
 * needs its images or a rendering (OCR).
 *
 * Linked, poppler-glib cost every process that loads libdoctag its chain of
 * libraries at start: GIO (with libmount, libblkid, libselinux), GObject,
 * cairo with pixman, X11 and xcb, about 3,800 of a text extraction's 12,000
 * symbol relocations and 16 of its 59 libraries, while the text layer comes
 * from poppler's own core (words.cpp). Loaded on demand, only OCR pays; a
 * machine without them still extracts text layers (OCR then fails with
 * DOCTAG_EOCR, naming the library). */
#ifndef DOCTAG_EXTRACT_RENDERLIB_H
#define DOCTAG_EXTRACT_RENDERLIB_H

#include <cairo.h>
#include <poppler.h>

/* Every poppler-glib, cairo and GObject function libdoctag calls: cairo and
 * GObject are poppler-glib's own dependencies, found through its handle. */
#define RENDERLIB_FUNCS(X) \
  X(poppler_error_quark) X(poppler_document_new_from_bytes) X(poppler_document_new_from_file) \
  X(poppler_document_get_page) X(poppler_page_get_size) X(poppler_page_get_image_mapping) \
  X(poppler_page_free_image_mapping) X(poppler_page_get_image) X(poppler_page_render) X(g_object_unref) \
  X(cairo_create) X(cairo_destroy) X(cairo_paint) X(cairo_scale) X(cairo_set_source_rgb) \
  X(cairo_status_to_string) X(cairo_image_surface_create) X(cairo_image_surface_get_data) \
  X(cairo_image_surface_get_format) X(cairo_image_surface_get_height) X(cairo_image_surface_get_stride) \
  X(cairo_image_surface_get_width) X(cairo_surface_destroy) X(cairo_surface_flush) X(cairo_surface_get_type) \
  X(cairo_surface_status)

typedef struct renderlib {
#define RENDERLIB_MEMBER(f) __typeof__(f) *f;
  RENDERLIB_FUNCS(RENDERLIB_MEMBER)
#undef RENDERLIB_MEMBER
} renderlib;

/* The functions, loaded on the first call (thread-safe); NULL with
 * err_set(DOCTAG_EOCR, ...) when poppler-glib cannot be loaded. */
const renderlib *renderlib_get(void);
/* The functions once renderlib_get() has succeeded, else NULL. */
const renderlib *renderlib_loaded(void);
/* For the calls on a PopplerDocument, a page or a surface: each comes from
 * pdf_open_render() (or what it opened), which loaded the functions. */
#define R (renderlib_loaded())

#endif
