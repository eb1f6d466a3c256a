#include <mutex>

#include "runtime/detail/module_impl.h"

namespace attnc::detail {
namespace {

// Halide reports an error on the thread that hits it. That is the calling
// thread for bounds and requirement checks, but a worker of the module's
// thread pool for a check inside a parallel loop; the process-wide slot
// catches the latter. Concurrent failing calls may then see each other's
// message, which still says what failed.
thread_local std::string threadMessage;
std::mutex sharedMutex;
std::string sharedMessage;
uint64_t sharedGeneration = 0;

std::string clean(const char *message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.pop_back();
  return text;
}

} // namespace

extern "C" void captureKernelError(void *, const char *message) {
  try {
    std::string text = clean(message);
    threadMessage = text;
    std::lock_guard<std::mutex> lock(sharedMutex);
    sharedMessage = std::move(text);
    ++sharedGeneration;
  } catch (...) {
    // Out of memory: the call still fails with Halide's error code.
  }
}

KernelErrorScope::KernelErrorScope() {
  threadMessage.clear();
  std::lock_guard<std::mutex> lock(sharedMutex);
  generation = sharedGeneration;
}

std::string KernelErrorScope::take() const {
  if (!threadMessage.empty())
    return threadMessage;
  std::lock_guard<std::mutex> lock(sharedMutex);
  return sharedGeneration != generation ? sharedMessage : std::string();
}

} // namespace attnc::detail
