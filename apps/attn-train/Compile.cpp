#include "apps/attn-train/Compile.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <spawn.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace attnc::train {
namespace {

uint64_t fnv1a(const std::string &text, uint64_t h = 0xcbf29ce484222325ULL) {
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

void makeDirs(const std::string &path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec)
    throw std::runtime_error("cannot create '" + path + "': " + ec.message());
}

std::string firstErrorLine(const std::string &logPath) {
  std::ifstream in(logPath);
  std::string line, first;
  while (std::getline(in, line)) {
    if (first.empty() && !line.empty())
      first = line;
    if (line.find("error") != std::string::npos)
      return line;
  }
  return first.empty() ? "(no message)" : first;
}

} // namespace

std::string attncNextToSelf() {
  std::vector<char> buf(4096);
  ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0)
    return "attnc";
  std::string self(buf.data(), static_cast<size_t>(n));
  return self.substr(0, self.rfind('/') + 1) + "attnc";
}

std::string defaultCacheDir() {
  if (const char *d = std::getenv("ATTNC_CACHE_DIR"); d && *d)
    return d;
  if (const char *d = std::getenv("XDG_CACHE_HOME"); d && *d)
    return std::string(d) + "/attnc";
  if (const char *d = std::getenv("HOME"); d && *d)
    return std::string(d) + "/.cache/attnc";
  return "/tmp/attnc-cache";
}

std::string compileTrainingModule(const std::string &yaml,
                                  const std::string &stem,
                                  const CompileOptions &o) {
  struct stat st {};
  if (stat(o.attnc.c_str(), &st) != 0)
    throw std::runtime_error("cannot find the compiler '" + o.attnc +
                             "' (build it: ninja -C build attnc)");
  // The key: the description, the flags and the compiler binary's identity.
  std::ostringstream key;
  key << yaml << "\n--train --target=" << o.target << "\n"
      << o.attnc << ' ' << st.st_size << ' ' << st.st_mtim.tv_sec << '.'
      << st.st_mtim.tv_nsec;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(fnv1a(key.str())));
  makeDirs(o.cache_dir);
  const std::string base = o.cache_dir + "/" + stem + "-" + hex;
  const std::string module = base + ".so";
  if (access(module.c_str(), R_OK) == 0)
    return module;

  const std::string source = base + ".yaml", log = base + ".log";
  const std::string temp = base + ".tmp" + std::to_string(getpid()) + ".so";
  {
    std::ofstream out(source);
    out << yaml;
    if (!out)
      throw std::runtime_error("cannot write '" + source + "'");
  }
  std::vector<std::string> args = {o.attnc, source, "--train",
                                   "--target=" + o.target, "-o", temp};
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  int rc = posix_spawn(&pid, o.attnc.c_str(), &actions, nullptr, argv.data(),
                       environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    throw std::runtime_error("cannot run '" + o.attnc +
                             "': " + std::strerror(rc));
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::remove(temp.c_str());
    throw std::runtime_error("attnc failed on the generated description " +
                             source + ": " + firstErrorLine(log));
  }
  if (std::rename(temp.c_str(), module.c_str()) != 0)
    throw std::runtime_error("cannot rename '" + temp + "' to '" + module +
                             "': " + std::strerror(errno));
  return module;
}

} // namespace attnc::train
