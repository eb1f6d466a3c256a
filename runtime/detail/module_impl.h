// Internal: the state behind attnc_module and the capture of Halide errors.
#ifndef ATTNC_RUNTIME_DETAIL_MODULE_IMPL_H
#define ATTNC_RUNTIME_DETAIL_MODULE_IMPL_H

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/module.h"

struct halide_buffer_t;
struct halide_device_interface_t;

// The Halide runtime hooks a GPU module exports (module_abi.h), looked up
// at load; all null for CPU modules.
struct attnc_device_hooks {
  int (*copyToHost)(void *, halide_buffer_t *) = nullptr;
  int (*deviceSync)(void *, halide_buffer_t *) = nullptr;
  int (*deviceFree)(void *, halide_buffer_t *) = nullptr;
  void (*setGpuDevice)(int) = nullptr;
  int (*deviceRelease)(void *, const halide_device_interface_t *) = nullptr;
  const halide_device_interface_t *(*deviceInterface)() = nullptr;
};

struct attnc_module {
  std::string path;
  void *handle = nullptr;
  const attnc_module_desc *desc = nullptr;
  uint32_t flags = 0;
  // Outcome of the CPU check, made once at load.
  attnc_status cpuStatus = ATTNC_OK;
  std::string cpuMessage;
  // Multi-ISA modules export the variant their dispatcher picked.
  const char *(*cpuVariant)() = nullptr;
  // GPU modules (CUDA, OpenCL): the hooks, the outcome of the driver check
  // made at load (the handle of the API's library, opened RTLD_GLOBAL so
  // the module's Halide runtime finds its symbols; process-wide, never
  // closed), and whether a kernel
  // ever ran (the device context is then released with the module).
  bool gpu = false;
  attnc_device_hooks hooks;
  void *driver = nullptr;
  attnc_status deviceStatus = ATTNC_OK;
  std::string deviceMessage;
  std::atomic<bool> deviceUsed{false};
};

namespace attnc::detail {

// The checks of a module's descriptor made at load, after its ABI version:
// ATTNC_OK, or the failure (and last error) naming `path` and what is wrong.
// Exposed for fuzz/fuzz_module_descriptor.cpp.
attnc_status checkDescriptor(const std::string &path,
                             const attnc_module_desc &desc);

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
