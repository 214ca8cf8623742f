// Benchmark (not a test): does `verify` cost about the slowest single fetch, not the sum?
// A scripted loopback server answers N validation URLs, each after its own delay (some
// through a redirect, whose hops are delayed too). The URLs are fetched one at a time (the
// baseline: a sequential checker) and then all at once with FetchAll, and the wall times
// are printed next to the slowest single fetch.
// Usage: verify_bench [N=32] [max_delay_ms=400]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "agent/verify/verifier.h"
#include "tests/unit/verify/script_server.h"

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::max(1, std::atoi(argv[1])) : 32;
  const int max_delay = argc > 2 ? std::max(1, std::atoi(argv[2])) : 400;
  dcv::testing::ScriptServer server;
  std::vector<dcv::FetchSpec> specs;
  for (int i = 0; i < n; ++i) {
    const std::string path = "/.well-known/pki-validation/t" + std::to_string(i) + ".txt";
    const auto delay = std::chrono::milliseconds(max_delay * (i + 1) / n);
    if (i % 4 == 3) {  // one in four goes through a redirect first (two delayed hops)
      server.Set(path, {301, "", server.Url(path + ".final"), delay / 2});
      server.Set(path + ".final", {200, "token-" + std::to_string(i), "", delay / 2});
    } else {
      server.Set(path, {200, "token-" + std::to_string(i), "", delay});
    }
    specs.push_back({server.Url(path), dcv::Family::kIpv4, "token-" + std::to_string(i)});
  }
  dcv::FetchRules rules;
  rules.require_exact_200 = false;
  rules.allowed_ports = {server.port()};

  double sum = 0, slowest = 0;
  for (const auto& spec : specs) {
    const auto start = Clock::now();
    const auto one = dcv::FetchAll({spec}, rules);
    const double ms = MsSince(start);
    if (!one[0].ok()) std::fprintf(stderr, "unexpected failure: %s\n", spec.url.c_str());
    sum += ms;
    slowest = std::max(slowest, ms);
  }
  const auto start = Clock::now();
  const auto all = dcv::FetchAll(specs, rules);
  const double concurrent = MsSince(start);
  const auto ok = std::count_if(all.begin(), all.end(), [](const auto& c) { return c.ok(); });
  std::printf("%d URLs (%ld ok)  one at a time %.0f ms  slowest single %.0f ms  all at once %.0f ms"
              "  all-at-once/slowest = %.2f  one-at-a-time/all-at-once = %.1f\n",
              n, static_cast<long>(ok), sum, slowest, concurrent, concurrent / slowest, sum / concurrent);
  return ok == n ? 0 : 1;
}
