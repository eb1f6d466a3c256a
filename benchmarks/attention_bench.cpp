//===- attention_bench.cpp - attnc kernels against the machine's references -===//
//
// One run times every attention form compiled by attnc and, on the same
// machine and thread count, the reference points they are judged by:
//   - OpenBLAS sgemm for the same FLOPs (the roofline proxy),
//   - an unfused OpenBLAS GEMM -> softmax -> GEMM attention,
//   - PyTorch's scaled_dot_product_attention when torch is importable,
//   - Halide's autoschedulers on the same algorithm (--auto).
// It prints a table and writes one JSON record per case.
//
//===----------------------------------------------------------------------===//
#include "runtime/attnc.hpp"

#include <CLI/CLI.hpp>
#include <cblas.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double medianMs(int reps, const std::function<void()> &fn) {
  fn(); // warm-up: first-touch pages, thread pools, caches
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto start = Clock::now();
    fn();
    t.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start)
                    .count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::vector<float> randomVector(size_t n, uint32_t seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> dist;
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(gen);
  return v;
}

[[noreturn]] void die(const std::string &what) {
  std::fprintf(stderr, "attention_bench: error: %s\n", what.c_str());
  std::exit(1);
}

std::string run(const std::string &cmd) {
  std::string out;
  if (FILE *p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p))
      out.append(buf, n);
    if (pclose(p) != 0)
      return "";
  }
  return out;
}

struct Compiled {
  std::string path;
  attnc::Module module;
};

/// Compiles the kernels with `schedule`; an autoscheduler that cannot
/// schedule them is reported and skipped (the hand schedule must compile).
std::optional<Compiled> compile(const std::string &attnc,
                                const std::string &source,
                                const std::string &dir,
                                const std::string &schedule) {
  std::string path = dir + "/kernels-" + schedule + ".so";
  std::string log = dir + "/attnc-" + schedule + ".log";
  std::string cmd = attnc + " " + source + " --target=host --schedule=" +
                    schedule + " -o " + path + " 2>" + log;
  if (std::system(cmd.c_str()) != 0) {
    if (schedule == "manual")
      die("attnc failed for the hand schedules (see " + log + ")");
    std::string first, line;
    std::ifstream in(log);
    while (std::getline(in, line))
      if (line.find("error") != std::string::npos)
        first = line;
    std::printf("schedule %s: attnc could not compile the kernels: %s\n",
                schedule.c_str(), first.c_str());
    return std::nullopt;
  }
  auto m = attnc::Module::load(path);
  if (!m)
    die(m.status().message());
  return Compiled{path, std::move(m.value())};
}

struct Case {
  std::string form, shape, schedule;
  double ms = 0, gflops = 0;
  double pairs = 0; // attended (query, key) pairs or edges x heads
  nlohmann::json extra = nlohmann::json::object();
};

/// Runs a dense-form entry [1, H, S, D] and returns the median ms.
double timeDense(const attnc::Module &m, const std::string &entry, int64_t H,
                 int64_t S, int64_t D, const std::vector<float> &q,
                 const std::vector<float> &k, const std::vector<float> &v,
                 std::vector<float> &o, int reps) {
  auto call = attnc::Call::create(m, entry);
  if (!call)
    die(call.status().message());
  std::vector<int64_t> shape = {1, H, S, D};
  for (auto [name, data] :
       {std::pair{"arg0", q.data()}, {"arg1", k.data()}, {"arg2", v.data()}})
    if (auto s = call->setArg(name, shape, data); !s)
      die(s.message());
  if (auto s = call->setArg("result0", shape, o.data()); !s)
    die(s.message());
  return medianMs(reps, [&] {
    if (attnc_call_execute(call->get()) != ATTNC_OK)
      die(attnc_last_error());
  });
}

/// sgemm time for the two GEMMs of one dense attention, all heads.
double timeSgemmPair(int64_t H, int64_t S, int64_t D,
                     const std::vector<float> &q, const std::vector<float> &k,
                     const std::vector<float> &v, std::vector<float> &scores,
                     std::vector<float> &o, int reps) {
  return medianMs(reps, [&] {
    for (int64_t h = 0; h < H; ++h) {
      const float *qh = q.data() + h * S * D, *kh = k.data() + h * S * D,
                  *vh = v.data() + h * S * D;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, S, S, D, 1.0f, qh,
                  D, kh, D, 0.0f, scores.data(), S);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, S, D, S, 1.0f,
                  scores.data(), S, vh, D, 0.0f, o.data() + h * S * D, D);
    }
  });
}

/// The unfused baseline: GEMM, a stable row softmax, GEMM.
double timeUnfused(int threads, int64_t H, int64_t S, int64_t D,
                   const std::vector<float> &q, const std::vector<float> &k,
                   const std::vector<float> &v, std::vector<float> &scores,
                   std::vector<float> &o, int reps) {
  const float scale = 1.0f / std::sqrt(float(D));
  return medianMs(reps, [&] {
    for (int64_t h = 0; h < H; ++h) {
      const float *qh = q.data() + h * S * D, *kh = k.data() + h * S * D,
                  *vh = v.data() + h * S * D;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, S, S, D, scale, qh,
                  D, kh, D, 0.0f, scores.data(), S);
      // The softmax gets the same threads as the GEMMs.
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
          for (int64_t i = t; i < S; i += threads) {
            float *row = scores.data() + i * S;
            float mx = *std::max_element(row, row + S), sum = 0;
            for (int64_t j = 0; j < S; ++j)
              sum += row[j] = std::exp(row[j] - mx);
            for (int64_t j = 0; j < S; ++j)
              row[j] /= sum;
          }
        });
      for (std::thread &t : pool)
        t.join();
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, S, D, S, 1.0f,
                  scores.data(), S, vh, D, 0.0f, o.data() + h * S * D, D);
    }
  });
}

/// A power-law graph (Chung-Lu weights w_i ~ (i+1)^-0.8, average degree
/// `avgDegree`) in CSR form grouped by destination.
struct Csr {
  int32_t nodes = 0;
  std::vector<int32_t> rows, cols;
  int32_t maxDegree = 0;
};

Csr powerLawGraph(int64_t edges, int avgDegree, uint32_t seed) {
  Csr g;
  g.nodes = static_cast<int32_t>(std::max<int64_t>(edges / avgDegree, 2));
  std::vector<double> cdf(g.nodes);
  double total = 0;
  for (int32_t i = 0; i < g.nodes; ++i)
    cdf[i] = total += std::pow(double(i + 1), -0.8);
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(0, total);
  auto draw = [&] {
    return int32_t(std::lower_bound(cdf.begin(), cdf.end(), u(gen)) -
                   cdf.begin());
  };
  std::vector<int32_t> dst(edges), src(edges);
  std::vector<int32_t> degree(g.nodes + 1, 0);
  for (int64_t e = 0; e < edges; ++e) {
    dst[e] = draw();
    src[e] = draw();
    ++degree[dst[e] + 1];
  }
  g.rows.assign(g.nodes + 1, 0);
  for (int32_t i = 0; i < g.nodes; ++i) {
    g.rows[i + 1] = g.rows[i] + degree[i + 1];
    g.maxDegree = std::max(g.maxDegree, degree[i + 1]);
  }
  g.cols.resize(edges);
  std::vector<int32_t> fill(g.rows.begin(), g.rows.end() - 1);
  for (int64_t e = 0; e < edges; ++e)
    g.cols[fill[dst[e]]++] = src[e];
  return g;
}

/// The CPU's model name and the SIMD features attnc's kernels use, from
/// /proc/cpuinfo: results name the hardware, not only a label.
struct CpuDescription {
  std::string model = "cpu";
  std::vector<std::string> isa;
};

CpuDescription describeCpu() {
  CpuDescription cpu;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line, flags;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0 && cpu.model == "cpu")
      cpu.model = line.substr(line.find(':') + 2);
    else if (line.rfind("flags", 0) == 0 && flags.empty())
      flags = " " + line.substr(line.find(':') + 1) + " ";
  }
  for (const char *f : {"avx2", "fma", "avx512f", "avx512bw", "avx512vl",
                        "avx512_vnni", "avx512_bf16", "amx_tile"})
    if (flags.find(" " + std::string(f) + " ") != std::string::npos)
      cpu.isa.push_back(f);
  return cpu;
}

std::string machineName(const CpuDescription &cpu) {
  std::string name;
  for (char c : cpu.model)
    name += std::isalnum(static_cast<unsigned char>(c))
                ? char(std::tolower(static_cast<unsigned char>(c)))
                : '-';
  name += "-" + std::to_string(sysconf(_SC_NPROCESSORS_ONLN)) + "c";
  std::string squeezed;
  for (char c : name)
    if (!(c == '-' && !squeezed.empty() && squeezed.back() == '-'))
      squeezed += c;
  return squeezed;
}

} // namespace

int main(int argc, char **argv) {
  CLI::App app{"attnc attention benchmark: every form against sgemm, an "
               "unfused BLAS attention and (when installed) PyTorch"};
  std::string attncPath = ATTNC_BINARY, source = ATTNC_BENCH_KERNELS;
  const CpuDescription cpu = describeCpu();
  std::string machine = machineName(cpu), out;
  int reps = 5;
  bool autoSchedules = false, quick = false;
  app.add_option("--attnc", attncPath, "attnc binary");
  app.add_option("--kernels", source, "the .mlir with the benchmark kernels");
  app.add_option("--machine", machine, "machine name for the results file");
  app.add_option("-o,--output", out,
                 "JSON results (default benchmarks/results/<machine>.json)");
  app.add_option("--reps", reps, "timed repetitions per case (median)");
  app.add_flag("--auto", autoSchedules,
               "also time Halide's Adams2019 and Mullapudi2016 schedules "
               "(slow to compile)");
  app.add_flag("--quick", quick, "smaller sizes, for a smoke test");
  CLI11_PARSE(app, argc, argv);
  if (out.empty())
    out = std::string(ATTNC_BENCH_RESULTS) + "/" + machine + ".json";

  char tmpl[] = "/tmp/attnc-bench-XXXXXX";
  if (!mkdtemp(tmpl))
    die("cannot create a temporary directory");
  std::string dir = tmpl;
  int threads = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  openblas_set_num_threads(threads);

  std::vector<std::string> requested = {"manual"};
  if (autoSchedules)
    requested = {"manual", "adams2019", "mullapudi2016"};
  std::vector<std::string> schedules;
  std::vector<Compiled> modules;
  for (const std::string &s : requested)
    if (auto c = compile(attncPath, source, dir, s)) {
      schedules.push_back(s);
      modules.push_back(std::move(*c));
    }

  std::vector<Case> cases;
  const int64_t H = 8, D = 64, S = quick ? 512 : 2048;
  const int64_t SW = quick ? 2048 : 8192, W = 256;
  auto q = randomVector(H * SW * D, 1), k = randomVector(H * SW * D, 2),
       v = randomVector(H * SW * D, 3);
  std::vector<float> o(H * SW * D), scores(S * S);

  // Dense, causal and the references at S.
  double densePairs = double(H) * S * S;
  double flops = 4.0 * densePairs * D;
  double sgemmMs = timeSgemmPair(H, S, D, q, k, v, scores, o, reps);
  double unfusedMs = timeUnfused(threads, H, S, D, q, k, v, scores, o, reps);
  std::string shape = "B=1 H=8 S=" + std::to_string(S) + " D=64";
  double torchMs = -1;
  {
    std::ostringstream cmd;
    cmd << "python3 " << ATTNC_BENCH_DIR << "/torch_sdpa.py --heads " << H
        << " --seq " << S << " --dim " << D << " --threads " << threads
        << " --reps " << reps << " 2>/dev/null";
    std::string r = run(cmd.str());
    if (!r.empty())
      torchMs = std::atof(r.c_str());
  }
  double causalPairs = double(H) * S * (S + 1) / 2;
  for (size_t m = 0; m < modules.size(); ++m) {
    Case dense{"dense", shape, schedules[m]};
    dense.ms = timeDense(modules[m].module, "dense", H, S, D, q, k, v, o, reps);
    dense.pairs = densePairs;
    dense.extra["sgemm_ms"] = sgemmMs;
    dense.extra["sgemm_gflops"] = flops / sgemmMs / 1e6;
    dense.extra["unfused_ms"] = unfusedMs;
    dense.extra["ratio_vs_sgemm_gflops"] = sgemmMs / dense.ms;
    dense.extra["speedup_vs_unfused"] = unfusedMs / dense.ms;
    if (torchMs > 0) {
      dense.extra["torch_sdpa_ms"] = torchMs;
      dense.extra["speedup_vs_torch_sdpa"] = torchMs / dense.ms;
    }
    cases.push_back(dense);
    Case causal{"causal", shape, schedules[m]};
    causal.ms =
        timeDense(modules[m].module, "causal", H, S, D, q, k, v, o, reps);
    causal.pairs = causalPairs;
    causal.extra["time_vs_dense"] = causal.ms / dense.ms;
    cases.push_back(causal);
  }

  // Sliding window against dense at SW.
  std::string shapeW = "B=1 H=8 S=" + std::to_string(SW) + " D=64";
  double windowPairs = 0;
  for (int64_t i = 0; i < SW; ++i)
    windowPairs += std::min<int64_t>(i, W) + 1;
  windowPairs *= H;
  for (size_t m = 0; m < modules.size(); ++m) {
    Case denseW{"dense", shapeW, schedules[m]};
    denseW.ms = timeDense(modules[m].module, "dense", H, SW, D, q, k, v, o,
                          std::max(1, reps / 2));
    denseW.pairs = double(H) * SW * SW;
    cases.push_back(denseW);
    Case window{"window(left=256)", shapeW, schedules[m]};
    window.ms = timeDense(modules[m].module, "window", H, SW, D, q, k, v, o,
                          reps);
    window.pairs = windowPairs;
    window.extra["speedup_vs_dense"] = denseW.ms / window.ms;
    cases.push_back(window);
  }

  // GAT attention (8 heads x 8 dims) on power-law graphs.
  std::vector<int64_t> edgeCounts = quick ? std::vector<int64_t>{100000}
                                          : std::vector<int64_t>{100000,
                                                                 1000000,
                                                                 10000000};
  for (int64_t edges : edgeCounts) {
    Csr g = powerLawGraph(edges, 10, 7);
    auto wh = randomVector(size_t(g.nodes) * 64, 4);
    auto as = randomVector(64, 5), ad = randomVector(64, 6);
    std::vector<float> go(size_t(g.nodes) * 64);
    for (size_t m = 0; m < modules.size(); ++m) {
      // Autoscheduled graph kernels can take minutes at 1e6+ edges: they
      // are compared at the smallest size only.
      if (m > 0 && edges > edgeCounts.front())
        continue;
      auto call = attnc::Call::create(modules[m].module, "gat");
      if (!call)
        die(call.status().message());
      std::vector<int64_t> featShape = {g.nodes, 8, 8};
      call->setArg("arg0", featShape, wh.data());
      call->setArg("arg1", {g.nodes + 1}, g.rows.data());
      call->setArg("arg2", {int64_t(g.cols.size())}, g.cols.data());
      call->setArg("arg3", {8, 8}, as.data());
      call->setArg("arg4", {8, 8}, ad.data());
      call->setArg("result0", featShape, go.data());
      Case c{"graph(GAT 8x8)",
             "N=" + std::to_string(g.nodes) + " E=" + std::to_string(edges),
             schedules[m]};
      c.ms = medianMs(reps, [&] {
        if (attnc_call_execute(call->get()) != ATTNC_OK)
          die(attnc_last_error());
      });
      c.pairs = double(edges) * 8;
      c.extra["edge_heads_per_s"] = c.pairs / (c.ms * 1e-3);
      c.extra["ns_per_edge"] = c.ms * 1e6 / double(edges);
      c.extra["max_degree"] = g.maxDegree;
      cases.push_back(c);
    }
  }

  // Dense forms: 4 flops per attended pair and head dim (QK^T and PV);
  // graph: the same count with the head dim of 8.
  nlohmann::json records = nlohmann::json::array();
  std::printf("%-18s %-26s %-14s %10s %10s  %s\n", "form", "shape", "schedule",
              "ms", "GFLOP/s", "vs reference");
  for (Case &c : cases) {
    int64_t dim = c.form.rfind("graph", 0) == 0 ? 8 : D;
    c.gflops = 4.0 * c.pairs * dim / (c.ms * 1e6);
    std::string ref;
    for (auto &[key, value] : c.extra.items())
      if (key.find("ratio") != std::string::npos ||
          key.find("speedup") != std::string::npos ||
          key.find("vs") != std::string::npos ||
          key == "edge_heads_per_s") {
        char buf[96];
        std::snprintf(buf, sizeof buf, "%s=%.3g ", key.c_str(),
                      value.get<double>());
        ref += buf;
      }
    std::printf("%-18s %-26s %-14s %10.2f %10.1f  %s\n", c.form.c_str(),
                c.shape.c_str(), c.schedule.c_str(), c.ms, c.gflops,
                ref.c_str());
    nlohmann::json r = {{"form", c.form},       {"shape", c.shape},
                        {"schedule", c.schedule}, {"ms", c.ms},
                        {"gflops", c.gflops},   {"attended_pairs", c.pairs}};
    r.update(c.extra);
    records.push_back(r);
  }
  std::printf("sgemm reference: %.1f GFLOP/s for the two GEMMs of dense S=%lld "
              "(%d threads)\n",
              flops / sgemmMs / 1e6, static_cast<long long>(S), threads);
  if (torchMs < 0)
    std::printf("PyTorch not importable: SDPA comparison skipped "
                "(pip install torch)\n");

  double load[1] = {0};
  getloadavg(load, 1);
  nlohmann::json doc = {{"machine", machine},
                        {"cpu", cpu.model},
                        {"isa", cpu.isa},
                        {"cores", sysconf(_SC_NPROCESSORS_ONLN)},
                        {"load_after", load[0]},
                        {"threads", threads},
                        {"command", "build/bin/attention_bench"},
                        {"cases", records}};
  std::string tmp = out + ".tmp";
  std::ofstream(tmp) << doc.dump(2) << "\n";
  if (std::rename(tmp.c_str(), out.c_str()) != 0)
    die("cannot write " + out);
  std::printf("results: %s\n", out.c_str());
  std::string cleanup = "rm -rf " + dir;
  return std::system(cleanup.c_str()) == 0 ? 0 : 1;
}
