#include "runtime/status.h"

#include "runtime/detail/error.h"

namespace {
thread_local std::string lastError;
} // namespace

namespace attnc::detail {

attnc_status fail(attnc_status status, std::string message) {
  // Keep the message to one line: callers print it as such.
  for (char &c : message)
    if (c == '\n' || c == '\r')
      c = ' ';
  while (!message.empty() && message.back() == ' ')
    message.pop_back();
  try {
    lastError = std::move(message);
  } catch (...) {
    // Out of memory while reporting: the status still tells what happened.
  }
  return status;
}

} // namespace attnc::detail

extern "C" {

const char *attnc_status_name(attnc_status status) {
  switch (status) {
  case ATTNC_OK:
    return "ok";
  case ATTNC_ERROR_INVALID_ARGUMENT:
    return "invalid argument";
  case ATTNC_ERROR_NOT_FOUND:
    return "not found";
  case ATTNC_ERROR_INVALID_MODULE:
    return "invalid module";
  case ATTNC_ERROR_ABI_MISMATCH:
    return "abi mismatch";
  case ATTNC_ERROR_UNSUPPORTED:
    return "unsupported";
  case ATTNC_ERROR_VALIDATION:
    return "validation";
  case ATTNC_ERROR_KERNEL:
    return "kernel";
  case ATTNC_ERROR_OUT_OF_MEMORY:
    return "out of memory";
  case ATTNC_ERROR_INTERNAL:
    return "internal";
  }
  return "unknown";
}

const char *attnc_last_error(void) { return lastError.c_str(); }

void attnc_clear_error(void) { lastError.clear(); }

} // extern "C"
