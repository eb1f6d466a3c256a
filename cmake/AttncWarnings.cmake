# Warnings in our own code are errors. Applied per target so that system
# headers (LLVM, MLIR, Halide) keep their own rules. MLIR's add_mlir_library
# compiles the sources in an object library `obj.<name>`: that one needs the
# flags too.
function(attnc_strict_warnings target)
  set(flags -Wall -Wextra -Werror -Wno-unused-parameter)
  target_compile_options(${target} PRIVATE ${flags})
  if(TARGET obj.${target})
    target_compile_options(obj.${target} PRIVATE ${flags})
  endif()
endfunction()
