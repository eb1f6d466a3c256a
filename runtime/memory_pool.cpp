#include "runtime/memory_pool.h"

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace {

constexpr size_t kAlign = 64;
// Sizes are rounded to whole pages so that nearly equal requests share
// blocks; the header before each block records its rounded size.
constexpr size_t kGranule = 4096;

struct Pool {
  std::mutex mutex;
  std::unordered_map<size_t, std::vector<void *>> free; // by rounded size
  size_t cachedBytes = 0;
  size_t limitBytes = 0;

  Pool() {
    size_t mb = 4096;
    if (const char *env = std::getenv("ATTNC_MEMORY_CACHE_MB")) {
      char *end = nullptr;
      unsigned long long v = std::strtoull(env, &end, 10);
      if (end != env && *end == '\0')
        mb = static_cast<size_t>(v);
    }
    limitBytes = mb << 20;
  }
};

Pool &pool() {
  static Pool *p = new Pool; // never destroyed: modules may free at exit
  return *p;
}

size_t &sizeOf(void *user) {
  return *reinterpret_cast<size_t *>(static_cast<char *>(user) - kAlign);
}

void releaseAll(Pool &p) {
  for (auto &[size, blocks] : p.free)
    for (void *user : blocks)
      std::free(static_cast<char *>(user) - kAlign);
  p.free.clear();
  p.cachedBytes = 0;
}

} // namespace

namespace attnc::detail {

void *poolMalloc(void *, size_t size) {
  size_t rounded = (size + kGranule - 1) / kGranule * kGranule;
  if (rounded == 0)
    rounded = kGranule;
  Pool &p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    auto it = p.free.find(rounded);
    if (it != p.free.end() && !it->second.empty()) {
      void *user = it->second.back();
      it->second.pop_back();
      p.cachedBytes -= rounded;
      return user;
    }
  }
  void *base = nullptr;
  if (posix_memalign(&base, kAlign, rounded + 2 * kAlign) != 0)
    return nullptr;
  void *user = static_cast<char *>(base) + kAlign;
  sizeOf(user) = rounded;
  return user;
}

void poolFree(void *, void *user) {
  if (!user)
    return;
  size_t rounded = sizeOf(user);
  Pool &p = pool();
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    if (p.cachedBytes + rounded <= p.limitBytes) {
      p.free[rounded].push_back(user);
      p.cachedBytes += rounded;
      return;
    }
  }
  std::free(static_cast<char *>(user) - kAlign);
}

} // namespace attnc::detail

extern "C" {

void attnc_memory_release_cached(void) {
  Pool &p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  releaseAll(p);
}

size_t attnc_memory_cached_bytes(void) {
  Pool &p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  return p.cachedBytes;
}

} // extern "C"
