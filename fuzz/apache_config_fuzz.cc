// libFuzzer target for the Apache httpd configuration reader
// (remediators/webserver/apache): the bytes are one apache2.conf, given to LoadConfig as an
// in-memory override of a main file that does not exist on disk (logical lines with
// backslash continuations, ap_getword_conf quoting, sections, <IfModule>/<IfDefine>/...,
// Define and ${VAR} substitution), then the same text as an .htaccess (ParseHtaccess),
// then virtual host collection and selection over the tree. Seeds:
// tests/fixtures/apache/corpus. An Error is an ordinary outcome; a crash, a sanitizer
// report, a leak or a hang is a finding. Includes are renamed, not followed (fuzz_input.h).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz/fuzz_input.h"
#include "remediators/webserver/apache/apache_config.h"
#include "remediators/webserver/apache/apache_config_text.h"
#include "remediators/webserver/apache/apache_vhost.h"

namespace {

constexpr char kMainFile[] = "/nonexistent-dcv-fuzz/apache2.conf";

// Section offsets must lie inside their file: edits are spliced at them.
void CheckOffsets(const dcv::apache::Config& config) {
  dcv::apache::ForEachDirective(config.root, [&](const dcv::apache::Directive& d) {
    const std::string& text = config.FileOf(d).text;
    if (d.offset > text.size()) __builtin_trap();
    if (d.section && (d.body_offset > text.size() || d.close_offset > text.size())) {
      __builtin_trap();
    }
  });
}

void SelectEverywhere(const dcv::apache::Config& config) {
  std::vector<dcv::apache::Vhost> vhosts = dcv::apache::CollectVhosts(config);
  std::vector<dcv::apache::ListenSocket> listens = dcv::apache::CollectListens(config);
  for (int port : {80, 443}) {
    for (bool ipv6 : {false, true}) {
      dcv::apache::Endpoint endpoint{port, ipv6, {"192.0.2.10", "2001:db8::10"}};
      (void)dcv::apache::Listens(listens, endpoint);
      if (vhosts.empty()) continue;
      for (const char* host : {"example.com", "www.example.com", ""}) {
        const dcv::apache::Vhost& chosen = dcv::apache::SelectVhost(vhosts, host, endpoint);
        (void)chosen.Body(config).size();
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text = dcv::fuzz::AsText(data, size);
  dcv::fuzz::DisarmIncludes(text);
  for (const dcv::apache::config_text::Line& line : dcv::apache::config_text::LogicalLines(text).lines) {
    if (dcv::fuzz::MentionsInclude(line.text)) return 0;  // joined by a continuation
  }
  dcv::apache::LoadOptions options;
  options.conf_path = kMainFile;
  options.server_root = "/nonexistent-dcv-fuzz";
  options.defines = {{"APACHE_LOG_DIR", "/var/log/apache2"}};
  options.overrides[kMainFile] = text;
  auto config = dcv::apache::LoadConfig(options);
  if (!config) return 0;
  CheckOffsets(*config);
  SelectEverywhere(*config);
  auto htaccess = dcv::apache::ParseHtaccess(*config, "/nonexistent-dcv-fuzz/.htaccess", text);
  if (htaccess) {
    dcv::apache::ForEachDirective(*htaccess, [](const dcv::apache::Directive& d) {
      (void)d.Is("RewriteRule");
    });
  }
  return 0;
}
