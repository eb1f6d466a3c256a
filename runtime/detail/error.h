// Internal: the per-thread error message behind attnc_last_error(), and the
// guard that keeps C++ exceptions from crossing the C API.
#ifndef ATTNC_RUNTIME_DETAIL_ERROR_H
#define ATTNC_RUNTIME_DETAIL_ERROR_H

#include <exception>
#include <new>
#include <string>

#include "runtime/status.h"

namespace attnc::detail {

// Records `message` as this thread's last error and returns `status`.
attnc_status fail(attnc_status status, std::string message);

// Runs `body` (returning attnc_status); any exception becomes a status.
template <typename Body> attnc_status guarded(Body &&body) noexcept {
  try {
    attnc_clear_error();
    return body();
  } catch (const std::bad_alloc &) {
    return fail(ATTNC_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception &e) {
    return fail(ATTNC_ERROR_INTERNAL,
                std::string("internal error: ") + e.what());
  } catch (...) {
    return fail(ATTNC_ERROR_INTERNAL, "internal error: unknown exception");
  }
}

} // namespace attnc::detail

#endif // ATTNC_RUNTIME_DETAIL_ERROR_H
