# The built-in tagger's build-time data and libraries, and the text layer's
# word list.
#
# English parts of speech and background document frequencies come from
# WordNet's database (Debian's wordnet-base): a small generator compiles it
# into generated/tag_wordnet.c, a sorted table in read-only data, so the
# library needs no files at run time and nothing is downloaded.
# A build-time generator: libdoctag/AREA/gen/NAME.c built as doctag_NAME
# with the project's warnings and headers, linked with the libraries that
# follow the name.
function(doctag_generator area name)
  add_executable(doctag_${name} ${CMAKE_SOURCE_DIR}/libdoctag/${area}/gen/${name}.c)
  target_compile_options(doctag_${name} PRIVATE ${DOCTAG_WARNINGS})
  target_include_directories(doctag_${name} PRIVATE ${CMAKE_SOURCE_DIR}/libdoctag)
  if(ARGN)
    target_link_libraries(doctag_${name} PRIVATE ${ARGN})
  endif()
endfunction()
# A generator of the tagger's data (libdoctag/tag/gen/NAME.c).
function(doctag_tag_generator name)
  doctag_generator(tag ${name} ${ARGN})
endfunction()

set(DOCTAG_WORDNET_DIR /usr/share/wordnet CACHE PATH "WordNet 3.0 database (Debian: wordnet-base)")
if(NOT EXISTS ${DOCTAG_WORDNET_DIR}/index.noun)
  message(FATAL_ERROR "No WordNet database in ${DOCTAG_WORDNET_DIR} (apt-get install wordnet-base)")
endif()
# Snowball stemmers (libstemmer-dev) for every language the tagger stems;
# the WordNet table also holds each word's English stem, stemmed here once
# rather than by every process that tags (tag/lexicon.c, stem_en()).
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY stemmer REQUIRED)
doctag_tag_generator(wordnet_gen ${STEMMER_LIBRARY})
target_include_directories(doctag_wordnet_gen PRIVATE ${STEMMER_INCLUDE_DIR})
# The folder may not exist yet in a fresh build tree (the embedded data is
# generated at build time too, possibly later).
file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/generated)
set(_wn_out ${CMAKE_BINARY_DIR}/generated/tag_wordnet.c)
set(_wn_in)
foreach(f index.noun index.verb index.adj index.adv noun.exc verb.exc adj.exc adv.exc
          data.noun data.verb data.adj data.adv cntlist.rev)
  list(APPEND _wn_in ${DOCTAG_WORDNET_DIR}/${f})
endforeach()
add_custom_command(OUTPUT ${_wn_out}
  COMMAND doctag_wordnet_gen ${DOCTAG_WORDNET_DIR} ${_wn_out}
  DEPENDS doctag_wordnet_gen ${_wn_in}
  COMMENT "Compiling the WordNet table" VERBATIM)
target_sources(doctag_obj PRIVATE ${_wn_out})

# the stemmers, linked
target_include_directories(doctag_obj PRIVATE ${STEMMER_INCLUDE_DIR})
target_link_libraries(doctag_obj PUBLIC ${STEMMER_LIBRARY})
target_link_libraries(doctag PRIVATE ${STEMMER_LIBRARY})

# ICU's word break iterator (libicu-dev) splits Chinese, Japanese and Thai
# text into words. Its headers only: the library is loaded with dlopen()
# when first needed (core/iculib.h), not linked, so that a process that
# extracts or tags text of the usual scripts (English, Hindi) does not map
# and relocate it at start.
pkg_check_modules(TAG_ICU REQUIRED IMPORTED_TARGET icu-uc)
target_compile_options(doctag_obj PRIVATE ${TAG_ICU_CFLAGS})
# The scripts' names a tagging reports, as ICU spells them, taken from ICU
# at build time (generated/tag_scripts.c), so that tagging needs no ICU
# for them.
doctag_tag_generator(scripts_gen PkgConfig::TAG_GLIB PkgConfig::TAG_ICU)
set(_scripts_out ${CMAKE_BINARY_DIR}/generated/tag_scripts.c)
add_custom_command(OUTPUT ${_scripts_out}
  COMMAND doctag_scripts_gen ${_scripts_out}
  DEPENDS doctag_scripts_gen
  COMMENT "Naming the scripts as ICU does" VERBATIM)
target_sources(doctag_obj PRIVATE ${_scripts_out})

# The word lists (stop words per language, generic words) compiled into hash
# tables in read-only data (generated/tag_lists.c), so that no process
# reads, normalises and hashes them at run time.
pkg_check_modules(TAG_GLIB REQUIRED IMPORTED_TARGET glib-2.0)
doctag_tag_generator(lists_gen PkgConfig::TAG_GLIB)
set(_lists_out ${CMAKE_BINARY_DIR}/generated/tag_lists.c)
set(_lists_args)
# every list of tag/data/ (NAME.txt becomes lex_list_NAME, lexicon_lists.h)
file(GLOB _lists_in CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/libdoctag/tag/data/*.txt)
foreach(_f ${_lists_in})
  get_filename_component(_n ${_f} NAME_WE)
  list(APPEND _lists_args ${_n} ${_f})
endforeach()
# Stop words of the languages Snowball has no list for, from Apache
# Lucene's analyzers as Debian ships them (liblucene8-java: plain text files
# inside its jars; Apache-2.0, the lists by Jacques Savoy BSD): taken out of
# the jars at build time, nothing copied into the tree. CODE=PATH-IN-JAR,
# CODE ISO 639-3 as the language identification reports it. Not Bengali's:
# written after Lucene's Bengali normaliser ("এবং" as "এব") and holding
# content words ("কাজ", "নতুন"), it is left to the document's own
# statistics as every language without a list.
set(DOCTAG_LUCENE_DIR /usr/share/java CACHE PATH "Apache Lucene's jars (Debian: liblucene8-java)")
file(GLOB _lucene_common ${DOCTAG_LUCENE_DIR}/lucene-analyzers-common*.jar)
file(GLOB _lucene_morfologik ${DOCTAG_LUCENE_DIR}/lucene-analyzers-morfologik*.jar)
if(NOT _lucene_common OR NOT _lucene_morfologik)
  message(FATAL_ERROR "No Lucene analyzer jars in ${DOCTAG_LUCENE_DIR} (apt-get install liblucene8-java)")
endif()
list(GET _lucene_common 0 _lucene_common)
list(GET _lucene_morfologik 0 _lucene_morfologik)
set(_lucene_lists ara=ar bul=bg cat=ca ces=cz ell=el est=et eus=eu fas=fa gle=ga glg=gl hye=hy
                  ind=id lit=lt lav=lv ron=ro)
set(_lucene_dir ${CMAKE_BINARY_DIR}/generated/lucene)
set(_lucene_out)
foreach(_l ${_lucene_lists})
  string(REPLACE "=" ";" _l ${_l})
  list(GET _l 0 _code)
  list(GET _l 1 _dir)
  set(_member org/apache/lucene/analysis/${_dir}/stopwords.txt)
  list(APPEND _lucene_members ${_member})
  list(APPEND _lucene_out ${_lucene_dir}/${_member})
  list(APPEND _lists_args stop_${_code} ${_lucene_dir}/${_member})
endforeach()
set(_uk org/apache/lucene/analysis/uk/stopwords.txt)
list(APPEND _lists_args stop_ukr ${_lucene_dir}/${_uk})
add_custom_command(OUTPUT ${_lucene_out} ${_lucene_dir}/${_uk}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_lucene_dir}
  COMMAND ${CMAKE_COMMAND} -E chdir ${_lucene_dir} ${CMAKE_COMMAND} -E tar xf ${_lucene_common} ${_lucene_members}
  COMMAND ${CMAKE_COMMAND} -E chdir ${_lucene_dir} ${CMAKE_COMMAND} -E tar xf ${_lucene_morfologik} ${_uk}
  COMMAND ${CMAKE_COMMAND} -E touch ${_lucene_out} ${_lucene_dir}/${_uk}
  DEPENDS ${_lucene_common} ${_lucene_morfologik}
  COMMENT "Taking the stop-word lists out of Lucene's jars" VERBATIM)
# Function words of languages neither Snowball nor Lucene has a list for,
# from Apertium's morphological dictionaries (Debian's apertium-LANG,
# GPL data read at build time, nothing copied into the tree): the
# dictionary expanded with lttoolbox's lt-expand (lttoolbox-dev), its
# closed-class forms kept (tag/gen/apertium_gen.c). CODE=PACKAGE-DIR/DIX.
set(DOCTAG_APERTIUM_DIR /usr/share/apertium CACHE PATH "Apertium's language data (Debian: apertium-urd)")
# CODE=PACKAGE-DIR/FILE: the code, and the file's path, which must exist,
# as must `tool` (lttoolbox's TOOL_NAME) to read it.
function(doctag_apertium_file pair tool tool_name out_code out_path)
  string(REPLACE "=" ";" pair ${pair})
  list(GET pair 0 code)
  list(GET pair 1 rel)
  set(path ${DOCTAG_APERTIUM_DIR}/${rel})
  if(NOT EXISTS ${path} OR NOT tool)
    string(REGEX REPLACE "/.*" "" pkg ${rel})
    message(FATAL_ERROR "No ${path} or no ${tool_name} (apt-get install ${pkg} lttoolbox-dev)")
  endif()
  set(${out_code} ${code} PARENT_SCOPE)
  set(${out_path} ${path} PARENT_SCOPE)
endfunction()
find_program(DOCTAG_LT_EXPAND lt-expand)
set(_apertium_lists urd=apertium-urd/apertium-urd.urd.dix)
doctag_tag_generator(apertium_gen)
set(_apertium_out)
foreach(_l ${_apertium_lists})
  doctag_apertium_file(${_l} "${DOCTAG_LT_EXPAND}" lt-expand _code _dix)
  set(_exp ${CMAKE_BINARY_DIR}/generated/apertium_${_code}.exp)
  set(_txt ${CMAKE_BINARY_DIR}/generated/stop_${_code}.txt)
  add_custom_command(OUTPUT ${_txt}
    COMMAND ${DOCTAG_LT_EXPAND} ${_dix} ${_exp}
    COMMAND doctag_apertium_gen ${_exp} ${_txt}
    COMMAND ${CMAKE_COMMAND} -E remove ${_exp}
    DEPENDS doctag_apertium_gen ${_dix}
    COMMENT "Taking the function words of ${_code} out of Apertium's dictionary" VERBATIM)
  list(APPEND _apertium_out ${_txt})
  list(APPEND _lists_args stop_${_code} ${_txt})
endforeach()
add_custom_command(OUTPUT ${_lists_out}
  COMMAND doctag_lists_gen ${_lists_out} ${_lists_args}
  DEPENDS doctag_lists_gen ${_lists_in} ${_lucene_out} ${_lucene_dir}/${_uk} ${_apertium_out}
  COMMENT "Compiling the tagger's word lists" VERBATIM)
target_sources(doctag_obj PRIVATE ${_lists_out})

# Parts of speech of other languages (tag/pos_lang.h): the classes of the
# word forms Apertium's morphological analysers read (verbs, adverbs,
# participles, adjectives, prepositions...), from the smallest
# Debian translation package that holds each language's analyser (GPL
# data read at build time, nothing copied into the tree): the transducer
# printed with lttoolbox's lt-print, its dictionary sections walked by
# tag/gen/apertium_pos_gen.c into generated/tag_pos_lang.c.
# CODE=PACKAGE-DIR/ANALYSER[+PACKAGE-DIR/ANALYSER...], CODE ISO 639-3: a
# form's analyses are those of every analyser listed (Russian's: rus-ukr
# knows more verbs, bel-rus more adverbs and adjectives).
# One command per analyser (printed and walked into generated/pos_lang/
# CODE.inc, cmake/PosLangPart.cmake), so that a parallel build runs them
# side by side and a changed analyser redoes only its own, and a fresh build
# takes the parts an earlier one made from the same inputs from
# DOCTAG_GEN_CACHE_DIR; then one merge, of the parts as written.
find_program(DOCTAG_LT_PRINT lt-print)
find_library(DOCTAG_LTTOOLBOX_LIBRARY NAMES lttoolbox lttoolbox3 liblttoolbox.so.3)
if(DEFINED ENV{XDG_CACHE_HOME} AND NOT "$ENV{XDG_CACHE_HOME}" STREQUAL "")
  set(_gen_cache $ENV{XDG_CACHE_HOME}/doctag)
elseif(DEFINED ENV{HOME})
  set(_gen_cache $ENV{HOME}/.cache/doctag)
else()
  set(_gen_cache "")
endif()
set(DOCTAG_GEN_CACHE_DIR ${_gen_cache} CACHE PATH
    "Where fresh builds share the tagger's Apertium tables by their inputs' checksums (empty: none)")
set(_apertium_pos fra=apertium-fr-es/fr-es.automorf.bin spa=apertium-fr-es/es-fr.automorf.bin
                  por=apertium-es-pt/pt-es.automorf.bin pol=apertium-pol-szl/pol-szl.automorf.bin
                  hin=apertium-hin/hin.automorf.bin urd=apertium-urd/urd.automorf.bin
                  ita=apertium-spa-ita/ita-spa.automorf.bin glg=apertium-pt-gl/gl-pt.automorf.bin
                  cat=apertium-ca-eo/ca-eo.automorf.bin ron=apertium-es-ro/ro-es.automorf.bin
                  nld=apertium-afr-nld/nld-afr.automorf.bin swe=apertium-swe-dan/swe-dan.automorf.bin
                  dan=apertium-swe-dan/dan-swe.automorf.bin nor=apertium-dan-nor/nob-dan.automorf.bin
                  rus=apertium-rus-ukr/rus-ukr.automorf.bin+apertium-bel-rus/rus-bel.automorf.bin
                  ukr=apertium-rus-ukr/ukr-rus.automorf.bin)
doctag_tag_generator(apertium_pos_gen PkgConfig::TAG_GLIB)
set(_pos_lang_out ${CMAKE_BINARY_DIR}/generated/tag_pos_lang.c)
set(_pos_lang_dir ${CMAKE_BINARY_DIR}/generated/pos_lang)
file(MAKE_DIRECTORY ${_pos_lang_dir})
set(_pos_lang_args)
set(_pos_lang_parts)
# what the generator's output depends on besides the analyser and GLib
set(_pos_lang_key_files ${CMAKE_SOURCE_DIR}/libdoctag/tag/gen/apertium_pos_gen.c
    ${CMAKE_SOURCE_DIR}/libdoctag/tag/gen/c_string.h ${CMAKE_SOURCE_DIR}/libdoctag/tag/pos_lang_table.h)
if(DOCTAG_LTTOOLBOX_LIBRARY)
  list(APPEND _pos_lang_key_files ${DOCTAG_LTTOOLBOX_LIBRARY})
endif()
foreach(_l ${_apertium_pos})
  string(REPLACE "=" ";" _l ${_l})
  list(GET _l 0 _code)
  list(GET _l 1 _rels)
  string(REPLACE "+" ";" _rels ${_rels})
  set(_bin)
  foreach(_rel ${_rels})
    doctag_apertium_file(${_code}=${_rel} "${DOCTAG_LT_PRINT}" lt-print _code _one)
    list(APPEND _bin ${_one})
  endforeach()
  set(_part ${_pos_lang_dir}/${_code}.inc)
  add_custom_command(OUTPUT ${_part}
    COMMAND ${CMAKE_COMMAND} -DLT_PRINT=${DOCTAG_LT_PRINT} -DGEN=$<TARGET_FILE:doctag_apertium_pos_gen>
            "-DANALYSER=${_bin}" -DCODE=${_code} -DPART=${_part} -DCACHE_DIR=${DOCTAG_GEN_CACHE_DIR}
            "-DKEY_FILES=${_pos_lang_key_files}" "-DKEY_TEXT=glib ${TAG_GLIB_VERSION}"
            -P ${CMAKE_SOURCE_DIR}/cmake/PosLangPart.cmake
    DEPENDS doctag_apertium_pos_gen ${_bin} ${_pos_lang_key_files} ${CMAKE_SOURCE_DIR}/cmake/PosLangPart.cmake
    COMMENT "Taking the parts of speech of ${_code} out of Apertium's analyser" VERBATIM)
  list(APPEND _pos_lang_args ${_code} ${_part})
  list(APPEND _pos_lang_parts ${_part})
endforeach()
add_custom_command(OUTPUT ${_pos_lang_out}
  COMMAND doctag_apertium_pos_gen merge ${_pos_lang_out} ${_pos_lang_args}
  DEPENDS doctag_apertium_pos_gen ${_pos_lang_parts}
  COMMENT "Merging the parts of speech of other languages" VERBATIM)
target_sources(doctag_obj PRIVATE ${_pos_lang_out})

# The word list that decides line-end hyphen joins ("ex-|isting",
# extract/wordlist.h): Debian's wamerican, compiled by
# extract/gen/wordlist_gen.c into a hash table in read-only data
# (generated/extract_wordlist.c), so that no process maps and indexes the
# file and none needs it at run time. Its own file, not /usr/share/dict/words,
# which names whichever list the machine chose.
set(DOCTAG_WORDLIST_FILE /usr/share/dict/american-english CACHE FILEPATH
    "The word list of line-end hyphen joins (Debian: wamerican)")
if(NOT EXISTS ${DOCTAG_WORDLIST_FILE})
  message(FATAL_ERROR "No word list ${DOCTAG_WORDLIST_FILE} (apt-get install wamerican)")
endif()
doctag_generator(extract wordlist_gen)
set(_wordlist_out ${CMAKE_BINARY_DIR}/generated/extract_wordlist.c)
add_custom_command(OUTPUT ${_wordlist_out}
  COMMAND doctag_wordlist_gen ${DOCTAG_WORDLIST_FILE} ${_wordlist_out}
  DEPENDS doctag_wordlist_gen ${DOCTAG_WORDLIST_FILE}
  COMMENT "Compiling the hyphen word list" VERBATIM)
target_sources(doctag_obj PRIVATE ${_wordlist_out})

# What other copies of the library (the fuzzing build) compile beside
# DOCTAG_SOURCES.
set(DOCTAG_TAG_GENERATED ${_wn_out} ${_lists_out} ${_pos_lang_out} ${_scripts_out} ${_wordlist_out})
