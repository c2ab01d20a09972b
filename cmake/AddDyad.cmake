# add_dyad_library(name sources... [DEPENDS targets...] [LINK_LIBS libs...])
#
# A static Dyad library built with MLIR's add_mlir_library (LLVM's compile
# flags, libLLVM.so through LINK_COMPONENTS, libMLIR.so), reaching Dyad's
# headers through DyadHeaders. Dyad installs and exports its libraries itself
# (the Dyad export set of DyadConfig.cmake), not into MLIR's.
function(add_dyad_library name)
  cmake_parse_arguments(ARG "" "" "DEPENDS;LINK_LIBS" ${ARGN})
  add_mlir_library(${name} STATIC ${ARG_UNPARSED_ARGUMENTS}
    EXCLUDE_FROM_LIBMLIR
    DISABLE_INSTALL
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC DyadHeaders MLIR ${ARG_LINK_LIBS})
  set_property(GLOBAL APPEND PROPERTY DYAD_LIBRARIES ${name})
endfunction()
