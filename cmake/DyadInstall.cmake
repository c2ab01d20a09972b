# Installation: `cmake --install build --prefix P` gives
#   P/bin        dyadc, dyad-opt, dyad-import, dyad-run
#   P/lib        the Dyad libraries, libdyad_runtime.so
#   P/include    dyad/... (hand-written and generated headers, ODS and pass .td)
#   P/lib/cmake/Dyad   DyadConfig.cmake with two export sets:
#     Dyad::dyad_runtime            component "runtime": needs nothing of LLVM
#     Dyad::DyadCompiler, ...       component "compiler": needs LLVM/MLIR 22,
#                                   libonnx, protobuf, zlib (Debian packages)
# `--component runtime` installs the runtime alone (library, C header, the
# runtime part of the CMake package).
include(CMakePackageConfigHelpers)
set(DYAD_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Dyad)

# Runtime component.
install(TARGETS dyad_runtime EXPORT DyadRuntimeTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT runtime)
install(FILES include/dyad/Runtime/dyad_runtime.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dyad/Runtime COMPONENT runtime)
install(TARGETS dyad-run RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  COMPONENT runtime)
install(EXPORT DyadRuntimeTargets NAMESPACE Dyad:: DESTINATION ${DYAD_CMAKE_DIR}
  COMPONENT runtime)

# Compiler component: libraries, headers, tools.
get_property(DYAD_LIBRARIES GLOBAL PROPERTY DYAD_LIBRARIES)
install(TARGETS DyadHeaders ${DYAD_LIBRARIES} EXPORT DyadTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT compiler)
install(DIRECTORY include/dyad ${PROJECT_BINARY_DIR}/include/dyad
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT compiler
  FILES_MATCHING PATTERN "*.h" PATTERN "*.inc" PATTERN "*.td"
  PATTERN "CMakeFiles" EXCLUDE)
install(FILES dialects/Dyad/DyadBase.td dialects/Dyad/DyadOps.td
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/dyad/Dialect/Dyad COMPONENT compiler)
# The tools link libMLIR.so/libLLVM.so, which live outside the linker's
# default paths (Debian's /usr/lib/llvm-22/lib): the installed copies keep
# that directory in their run path, as the build tree's do, and find
# libdyad_runtime.so beside them.
set_target_properties(dyadc dyad-opt dyad-import PROPERTIES
  INSTALL_RPATH "$ORIGIN/../${CMAKE_INSTALL_LIBDIR};${DYAD_LLVM_ROOT}/lib")
install(TARGETS dyadc dyad-opt dyad-import RUNTIME
  DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT compiler)
install(EXPORT DyadTargets NAMESPACE Dyad:: DESTINATION ${DYAD_CMAKE_DIR}
  COMPONENT compiler)

configure_package_config_file(cmake/DyadConfig.cmake.in
  ${PROJECT_BINARY_DIR}/DyadConfig.cmake INSTALL_DESTINATION ${DYAD_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/DyadConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/DyadConfig.cmake
  ${PROJECT_BINARY_DIR}/DyadConfigVersion.cmake
  DESTINATION ${DYAD_CMAKE_DIR} COMPONENT runtime)
