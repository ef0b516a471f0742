# The built-in tagger's build-time data and libraries.
#
# English parts of speech and background document frequencies come from
# WordNet's database (Debian's wordnet-base): a small generator compiles it
# into generated/tag_wordnet.c, a sorted table in read-only data, so the
# library needs no files at run time and nothing is downloaded.
set(DOCTAG_WORDNET_DIR /usr/share/wordnet CACHE PATH "WordNet 3.0 database (Debian: wordnet-base)")
if(NOT EXISTS ${DOCTAG_WORDNET_DIR}/index.noun)
  message(FATAL_ERROR "No WordNet database in ${DOCTAG_WORDNET_DIR} (apt-get install wordnet-base)")
endif()
add_executable(doctag_wordnet_gen ${CMAKE_SOURCE_DIR}/libdoctag/tag/gen/wordnet_gen.c)
target_compile_options(doctag_wordnet_gen PRIVATE ${DOCTAG_WARNINGS})
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

# Snowball stemmers (libstemmer-dev) for every language the tagger stems.
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIBRARY stemmer REQUIRED)
target_include_directories(doctag_obj PRIVATE ${STEMMER_INCLUDE_DIR})
target_link_libraries(doctag_obj PUBLIC ${STEMMER_LIBRARY})
target_link_libraries(doctag PRIVATE ${STEMMER_LIBRARY})

# ICU's word break iterator (libicu-dev) splits Chinese, Japanese and Thai
# text into words.
pkg_check_modules(TAG_ICU REQUIRED IMPORTED_TARGET icu-uc)
target_link_libraries(doctag_obj PUBLIC PkgConfig::TAG_ICU)
target_link_libraries(doctag PRIVATE PkgConfig::TAG_ICU)

# The word lists (stop words per language, generic words) compiled into hash
# tables in read-only data (generated/tag_lists.c), so that no process
# reads, normalises and hashes them at run time.
pkg_check_modules(TAG_GLIB REQUIRED IMPORTED_TARGET glib-2.0)
add_executable(doctag_lists_gen ${CMAKE_SOURCE_DIR}/libdoctag/tag/gen/lists_gen.c)
target_compile_options(doctag_lists_gen PRIVATE ${DOCTAG_WARNINGS})
target_include_directories(doctag_lists_gen PRIVATE ${CMAKE_SOURCE_DIR}/libdoctag)
target_link_libraries(doctag_lists_gen PRIVATE PkgConfig::TAG_GLIB)
set(_lists_out ${CMAKE_BINARY_DIR}/generated/tag_lists.c)
set(_lists_args)
# every list of tag/data/ (NAME.txt becomes lex_list_NAME, lexicon_lists.h)
file(GLOB _lists_in CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/libdoctag/tag/data/*.txt)
foreach(_f ${_lists_in})
  get_filename_component(_n ${_f} NAME_WE)
  list(APPEND _lists_args ${_n} ${_f})
endforeach()
add_custom_command(OUTPUT ${_lists_out}
  COMMAND doctag_lists_gen ${_lists_out} ${_lists_args}
  DEPENDS doctag_lists_gen ${_lists_in}
  COMMENT "Compiling the tagger's word lists" VERBATIM)
target_sources(doctag_obj PRIVATE ${_lists_out})

# What other copies of the library (the fuzzing build) compile beside
# DOCTAG_SOURCES.
set(DOCTAG_TAG_GENERATED ${_wn_out} ${_lists_out})
