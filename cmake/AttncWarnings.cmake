# Warnings in our own code are errors. Applied per target so that system
# headers (LLVM, MLIR, Halide) keep their own rules.
function(attnc_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
    -Wno-unused-parameter)
endfunction()
