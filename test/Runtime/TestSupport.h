// Shared helpers of the runtime tests: module paths and small checks.
#ifndef ATTNC_TEST_RUNTIME_TESTSUPPORT_H
#define ATTNC_TEST_RUNTIME_TESTSUPPORT_H

#include <gtest/gtest.h>

#include <string>

#include "runtime/attnc.hpp"

namespace attnc::test {

inline const char *kBasic = ATTNC_TEST_TEST_BASIC;
inline const char *kAvx512 = ATTNC_TEST_TEST_AVX512;
inline const char *kNeedsVp2intersect = ATTNC_TEST_TEST_NEEDS_VP2INTERSECT;
inline const char *kNoErrorHandler = ATTNC_TEST_TEST_NO_ERROR_HANDLER;
inline const char *kNoDescriptor = ATTNC_TEST_TEST_NO_DESCRIPTOR;
inline const char *kBadAbi = ATTNC_TEST_TEST_BAD_ABI;
inline const char *kBadCsrPair = ATTNC_TEST_TEST_BAD_CSR_PAIR;
inline const char *kBadTransposed = ATTNC_TEST_TEST_BAD_TRANSPOSED;
inline const char *kBadGradient = ATTNC_TEST_TEST_BAD_GRADIENT;
inline const char *kBadLaterArg = ATTNC_TEST_TEST_BAD_LATER_ARG;
inline const char *kBadDevice = ATTNC_TEST_TEST_BAD_DEVICE;
inline const char *kBadCheck = ATTNC_TEST_TEST_BAD_CHECK;

// Loads a module the test expects to load.
inline Module loadOrDie(const std::string &path, ModuleOptions options = {}) {
  auto module = Module::load(path, options);
  if (!module)
    ADD_FAILURE() << module.status().message();
  return std::move(module).value();
}

// Asserts `status` failed with `code` and a message containing each part.
inline ::testing::AssertionResult
failsWith(const Status &status, attnc_status code,
          std::initializer_list<std::string> parts) {
  if (status.code() != code)
    return ::testing::AssertionFailure()
           << "status " << attnc_status_name(status.code()) << " (\""
           << status.message() << "\"), expected "
           << attnc_status_name(code);
  for (const std::string &part : parts)
    if (status.message().find(part) == std::string::npos)
      return ::testing::AssertionFailure()
             << "message \"" << status.message() << "\" lacks \"" << part
             << "\"";
  if (status.message().find('\n') != std::string::npos)
    return ::testing::AssertionFailure() << "message has several lines";
  return ::testing::AssertionSuccess();
}

} // namespace attnc::test

#endif // ATTNC_TEST_RUNTIME_TESTSUPPORT_H
