// libFuzzer target for the nginx configuration parser (remediators/webserver/nginx): the
// bytes are one nginx.conf, parsed in memory by ParseConfigText (the lexer and the block
// grammar, Lua block skipping included), then handed to server selection, which reads the
// `listen` and `server_name` arguments (addresses, ports, wildcards, PCRE2 regexes) the way
// the agent does for every request it predicts. Seeds: tests/fixtures/nginx/corpus.
// A parse error is an ordinary outcome; only a crash, a sanitizer report, a leak or a
// hang is a finding. `include`s are renamed, not followed (fuzz_input.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "remediators/webserver/nginx/nginx_config.h"
#include "remediators/webserver/nginx/nginx_select.h"

namespace {

// Every directive and its byte offsets must point into the file it came from: edits are
// made at those offsets, so an offset past the end would corrupt a real configuration.
void CheckOffsets(const dcv::nginx::Config& config) {
  dcv::nginx::ForEachDirective(config.root, [&](const dcv::nginx::Directive& d) {
    const std::string& text = config.FileOf(d).text;
    if (d.offset > text.size()) __builtin_trap();
    if (d.has_block && (d.block_open > text.size() || d.block_close > text.size() ||
                        d.block_close < d.block_open)) {
      __builtin_trap();
    }
    (void)config.Where(d);
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = dcv::fuzz::AsText(data, size);
  dcv::fuzz::DisarmIncludes(text);
  auto config = dcv::nginx::ParseConfigText(text, "/nonexistent-dcv-fuzz/nginx.conf");
  if (!config) return 0;
  CheckOffsets(*config);
  std::vector<dcv::nginx::ServerBlock> servers = dcv::nginx::CollectServers(*config);
  for (int port : {80, 443}) {
    for (bool ipv6 : {false, true}) {
      dcv::nginx::Endpoint endpoint{port, ipv6, {"192.0.2.10", "2001:db8::10"}};
      for (const char* host : {"example.com", "www.example.com", ""}) {
        auto selection = dcv::nginx::SelectServer(servers, host, endpoint);
        if (selection) (void)dcv::nginx::MatchKindName(selection->how);
      }
    }
  }
  return 0;
}
