# Where libHalide, its headers and its autoscheduler plugins are, read from
# Halide's own CMake package (no path is written here).
#
# find_package(Halide) loads LLVM 14's CMake config (Halide-shared-deps.cmake),
# which would overwrite the LLVM_* variables MLIR's code compiles against. So
# it runs inside a function: those variables stay local to it, and only the
# cached LLVM_DIR ends up naming LLVM 14, which nothing reads after MLIR has
# been found. The targets are then declared by hand (compiler/Target/Halide,
# runtime/, test/Runtime/modules) from the values this sets:
#
#   ATTNC_HALIDE_LIBRARY      libHalide (the shared library)
#   ATTNC_HALIDE_INCLUDE_DIR  Halide.h, HalideRuntime.h, HalideBuffer.h
#   ATTNC_HALIDE_PLUGIN_DIR   libautoschedule_{adams2019,mullapudi2016,li2018}
function(attnc_find_halide)
  find_package(Halide 14 CONFIG REQUIRED COMPONENTS shared)
  get_target_property(configs Halide::Halide IMPORTED_CONFIGURATIONS)
  list(GET configs 0 config)
  get_target_property(library Halide::Halide IMPORTED_LOCATION_${config})
  get_target_property(include Halide::Halide INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(adams Halide::Adams2019 IMPORTED_LOCATION_${config})
  get_filename_component(plugins "${adams}" DIRECTORY)
  foreach(value library include plugins)
    if(NOT ${value})
      message(FATAL_ERROR "Halide's CMake package (${Halide_DIR}) names no ${value}")
    endif()
  endforeach()
  set(ATTNC_HALIDE_LIBRARY "${library}" PARENT_SCOPE)
  set(ATTNC_HALIDE_INCLUDE_DIR "${include}" PARENT_SCOPE)
  set(ATTNC_HALIDE_PLUGIN_DIR "${plugins}" PARENT_SCOPE)
  message(STATUS "Halide ${Halide_VERSION}: ${library}; plugins in ${plugins}")
endfunction()
