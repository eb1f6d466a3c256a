# Sanitizer and fuzzing builds (docs/hardening.md).
#
#   -DATTNC_SANITIZE=address,undefined   the whole project under ASan+UBSan
#                                        (gcc or clang); UBSan findings abort
#                                        (-fno-sanitize-recover), so a test
#                                        that hits one fails.
#   -DATTNC_FUZZ=ON                      the libFuzzer harnesses of fuzz/
#                                        (clang only); our code is built with
#                                        -fsanitize=fuzzer-no-link,address,
#                                        undefined, the harnesses link
#                                        -fsanitize=fuzzer.
#
# Only our code is instrumented: LLVM, MLIR, Halide and the system libraries
# are Debian's prebuilt ones.
set(ATTNC_SANITIZE "" CACHE STRING
    "Sanitizers for the whole build, e.g. address,undefined (empty: none)")
option(ATTNC_FUZZ "Build the libFuzzer harnesses of fuzz/ (needs clang)" OFF)

# The flags every instrumented compile and link gets, for scripts and docs.
set(ATTNC_SANITIZER_FLAGS "")
set(ATTNC_SANITIZER_SHARED_UNDEFINED OFF)

if(ATTNC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR
      "ATTNC_FUZZ=ON needs clang (libFuzzer), but the C++ compiler is "
      "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION} "
      "(${CMAKE_CXX_COMPILER}). Configure a separate build folder with "
      "-DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 "
      "(apt install clang-19 libclang-rt-19-dev), or run scripts/fuzz.sh.")
  endif()
  if(ATTNC_SANITIZE AND NOT ATTNC_SANITIZE STREQUAL "address,undefined")
    message(FATAL_ERROR
      "ATTNC_FUZZ=ON already builds with address,undefined; "
      "ATTNC_SANITIZE=${ATTNC_SANITIZE} cannot be combined with it")
  endif()
  include(CheckCXXSourceCompiles)
  set(CMAKE_REQUIRED_FLAGS "-fsanitize=fuzzer,address,undefined")
  check_cxx_source_compiles([[
    #include <cstddef>
    #include <cstdint>
    extern "C" int LLVMFuzzerTestOneInput(const uint8_t *, size_t) { return 0; }
  ]] ATTNC_HAVE_LIBFUZZER)
  unset(CMAKE_REQUIRED_FLAGS)
  if(NOT ATTNC_HAVE_LIBFUZZER)
    message(FATAL_ERROR
      "ATTNC_FUZZ=ON: ${CMAKE_CXX_COMPILER} cannot link -fsanitize=fuzzer; "
      "apt install libclang-rt-${CMAKE_CXX_COMPILER_VERSION_MAJOR}-dev "
      "(Debian: libclang-rt-19-dev)")
  endif()
  set(ATTNC_SANITIZE address,undefined)
endif()

if(ATTNC_SANITIZE)
  set(ATTNC_SANITIZER_FLAGS -fsanitize=${ATTNC_SANITIZE}
      -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
  add_compile_options(${ATTNC_SANITIZER_FLAGS})
  if(ATTNC_FUZZ)
    # Coverage feedback for libFuzzer in every object of ours; the harness
    # executables add -fsanitize=fuzzer (libFuzzer's main) themselves.
    add_compile_options(-fsanitize=fuzzer-no-link)
  endif()
  add_link_options(-fsanitize=${ATTNC_SANITIZE})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang links the sanitizer runtimes statically into executables only;
    # a shared library (the runtime) leaves their symbols for the executable
    # to provide, so it cannot be linked with --no-undefined. (gcc links the
    # shared runtime into both.) -shared-libsan is no way out: libFuzzer's
    # executables then list libstdc++ before it, and ASan refuses to start.
    set(ATTNC_SANITIZER_SHARED_UNDEFINED ON)
  endif()
  message(STATUS "attnc: sanitizers ${ATTNC_SANITIZE}")
endif()
