# The code version recorded in every output file: `git describe` of the source tree, regenerated at every build
# (the generated file changes only when the version does, so nothing rebuilds needlessly).
set(QDES_VERSION_CC ${CMAKE_BINARY_DIR}/generated/version.cc)
add_custom_target(qdes_version_stamp
  COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUT=${QDES_VERSION_CC}
          -DFALLBACK=${PROJECT_VERSION} -P ${PROJECT_SOURCE_DIR}/cmake/write_version.cmake
  BYPRODUCTS ${QDES_VERSION_CC}
  COMMENT "Stamping the code version")
