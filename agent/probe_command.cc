// `dcv-agent probe serve`: runs this machine as an outside vantage point for another
// host's `verify --probe`. It fetches only what authenticated callers ask (a key is
// required; --no-auth is an explicit opt-out for test beds), with the same
// CA rules as the local verifier, never at private or other non-public addresses unless
// --allow-private (for test beds), and, started as root, as --user (default nobody) once
// its socket is bound.
#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/recovery.h"
#include "agent/target_input.h"
#include "agent/verify/probe.h"

namespace dcv {
namespace {

struct ProbeOptions {
  std::string listen;
  std::string key_file;
  int max_concurrent = 16;
  bool allow_private = false;
  bool no_auth = false;
  std::string user = "nobody";
};

int RunProbeServe(const ProbeOptions& options) {
  ProbeServeOptions serve;
  serve.listen = options.listen;
  serve.max_concurrent = options.max_concurrent;
  serve.allow_private = options.allow_private;
  serve.run_as_user = options.user;
  if (options.key_file.empty() && !options.no_auth) {
    return ReportUsageError(MakeError(
        "probe serve needs --key-file: requests must be signed with the shared key; --no-auth serves "
        "anyone who can reach the port (for test beds only)"));
  }
  if (!options.key_file.empty() && options.no_auth) {
    return ReportUsageError(MakeError("--key-file and --no-auth exclude each other"));
  }
  if (!options.key_file.empty()) {
    Result<std::string> key = ReadProbeKey(options.key_file);
    if (!key) return ReportUsageError(MakeError("invalid --key-file: " + key.error().message));
    serve.key = *key;
  }
  if (Result<void> served = ServeProbe(serve); !served) return ReportUsageError(served.error());
  return kExitReady;
}

}  // namespace

void SetupProbeCommand(CLI::App& app, CommandFn& run) {
  auto* probe = app.add_subcommand("probe", "Outside vantage point for verify --probe");
  probe->require_subcommand(1);
  auto* serve = probe->add_subcommand("serve", "Answer authenticated fetch requests");
  auto options = std::make_shared<ProbeOptions>();
  auto output = std::make_shared<OutputOptions>();
  serve->add_option("--listen", options->listen, "ADDR:PORT to listen on ([v6]:PORT for IPv6)")->required();
  serve->add_option("--key-file", options->key_file, "Shared key; requests must be signed with it");
  serve->add_option("--max-concurrent", options->max_concurrent, "Requests handled at once")
      ->check(CLI::Range(1, 256))->capture_default_str();
  serve->add_flag("--no-auth", options->no_auth,
                  "Serve without a key: anyone who reaches the port may have URLs fetched (test beds)");
  serve->add_flag("--allow-private", options->allow_private,
                  "Also fetch private, loopback, link-local and other non-public addresses");
  serve->add_option("--user", options->user, "When started as root, run as this user once listening")
      ->capture_default_str();
  serve->add_flag("-v,--verbose", output->verbose, "More log output on stderr (repeatable)");
  serve->callback([&run, options, output] {
    run = [options, output] {
      ConfigureLogging(*output);
      return RunProbeServe(*options);
    };
  });
}

}  // namespace dcv
