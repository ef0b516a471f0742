# Data files compiled into the library (SQL migrations, scripts, lists):
# each file under libdoctag/*/data/ becomes a byte array in generated/embedded.c,
# looked up by name with embedded_find().
file(GLOB_RECURSE DOCTAG_EMBED_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/libdoctag/*/data/*)
# The tagger's word lists are compiled into hash tables instead (Tagger.cmake).
list(FILTER DOCTAG_EMBED_FILES EXCLUDE REGEX "/libdoctag/tag/data/")
set(_out ${CMAKE_BINARY_DIR}/generated/embedded.c)
# The list goes through the shell as one argument: its ';' must survive.
string(REPLACE ";" "$<SEMICOLON>" _embed_files "${DOCTAG_EMBED_FILES}")
add_custom_command(OUTPUT ${_out}
  COMMAND ${CMAKE_COMMAND} -DOUT=${_out} -DROOT=${CMAKE_SOURCE_DIR}/libdoctag
          "-DFILES=${_embed_files}" -P ${CMAKE_SOURCE_DIR}/cmake/EmbedGen.cmake
  DEPENDS ${DOCTAG_EMBED_FILES} ${CMAKE_SOURCE_DIR}/cmake/EmbedGen.cmake
  COMMENT "Embedding data files" VERBATIM)
target_sources(doctag_obj PRIVATE ${_out})
