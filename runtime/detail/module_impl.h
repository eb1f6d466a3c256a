// Internal: the state behind attnc_module and the capture of Halide errors.
#ifndef ATTNC_RUNTIME_DETAIL_MODULE_IMPL_H
#define ATTNC_RUNTIME_DETAIL_MODULE_IMPL_H

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/module.h"

struct attnc_module {
  std::string path;
  void *handle = nullptr;
  const attnc_module_desc *desc = nullptr;
  uint32_t flags = 0;
  // Outcome of the CPU check, made once at load.
  attnc_status cpuStatus = ATTNC_OK;
  std::string cpuMessage;
};

namespace attnc::detail {

// The handler every loaded module's Halide runtime reports errors to.
extern "C" void captureKernelError(void *userContext, const char *message);

// Brackets a kernel invocation on the calling thread: construction forgets
// any earlier message, take() returns the one reported since (or "").
class KernelErrorScope {
public:
  KernelErrorScope();
  std::string take() const;

private:
  uint64_t generation;
};

} // namespace attnc::detail

#endif // ATTNC_RUNTIME_DETAIL_MODULE_IMPL_H
