# One language's part of generated/tag_pos_lang.c (cmake/Tagger.cmake):
# lt-print of its Apertium analysers walked by apertium_pos_gen, or the part
# a build made before from the same inputs, taken from the cache.
#
#   cmake -DLT_PRINT=... -DGEN=... -DANALYSER=a;b;... -DCODE=... -DPART=...
#         -DCACHE_DIR=... -DKEY_FILES=a;b;... -DKEY_TEXT=... -P PosLangPart.cmake
#
# The cache key is the SHA-256 of every input's contents: the analysers, the
# generator's sources (KEY_FILES), lt-print and its library, and KEY_TEXT
# (GLib's version, whose case folding and normalisation the generator uses).
# Printing and walking the analysers is about 50 s of CPU (Russian 22 s) on every
# fresh build (CI makes several: build, build-asan, fuzz, debs); a hit is a
# copy. CACHE_DIR empty: no cache. A cache that cannot be written is no error.
set(_key "${KEY_TEXT}")
foreach(_f ${ANALYSER} ${LT_PRINT} ${KEY_FILES})
  file(SHA256 ${_f} _h)
  string(APPEND _key ";${_h}")
endforeach()
string(SHA256 _key "${_key}")
set(_cached ${CACHE_DIR}/pos_lang/${CODE}-${_key}.inc)
if(CACHE_DIR AND EXISTS ${_cached})
  file(COPY_FILE ${_cached} ${PART})
  file(TOUCH ${PART}) # newer than the generator it stands for
  return()
endif()
set(_atts)
foreach(_a ${ANALYSER})
  list(LENGTH _atts _n)
  set(_att ${PART}.${_n}.att)
  execute_process(COMMAND ${LT_PRINT} ${_a} ${_att} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "lt-print ${_a}: ${_rc}")
  endif()
  list(APPEND _atts ${_att})
endforeach()
execute_process(COMMAND ${GEN} lang ${PART} ${CODE} ${_atts} RESULT_VARIABLE _rc)
file(REMOVE ${_atts})
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "apertium_pos_gen ${CODE}: ${_rc}")
endif()
if(CACHE_DIR)
  # through a temporary name, so that a build running beside this one never
  # copies a part-written file
  string(RANDOM LENGTH 8 _tmp)
  execute_process(COMMAND ${CMAKE_COMMAND} -E make_directory ${CACHE_DIR}/pos_lang RESULT_VARIABLE _rc
                  OUTPUT_QUIET ERROR_QUIET)
  if(_rc EQUAL 0)
    file(COPY_FILE ${PART} ${_cached}.${_tmp} RESULT _rc)
  endif()
  if(_rc EQUAL 0)
    file(RENAME ${_cached}.${_tmp} ${_cached} RESULT _rc)
  endif()
  file(REMOVE ${_cached}.${_tmp})
endif()
