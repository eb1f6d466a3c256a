/*===- api.h - the attnc runtime's C API ----------------------------------===*
 *
 * Umbrella header: load a module (module.h), prepare and execute calls of
 * its entries (call.h), load, initialise, bind and save model parameters
 * (weights.h), get errors as status codes with a message (status.h). The
 * library links only libc, libstdc++, libdl and pthread. For C++,
 * runtime/attnc.hpp wraps this API in RAII types.
 *===----------------------------------------------------------------------===*/
#ifndef ATTNC_RUNTIME_API_H
#define ATTNC_RUNTIME_API_H

#include "runtime/call.h"
#include "runtime/memory_pool.h"
#include "runtime/module.h"
#include "runtime/module_abi.h"
#include "runtime/status.h"
#include "runtime/transpose.h"
#include "runtime/weights.h"

#endif /* ATTNC_RUNTIME_API_H */
