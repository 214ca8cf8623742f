// dcv-agent: diagnoses why a CA's domain-control validation would fail on this server,
// fixes what it can (journaled, reversible), and verifies from outside as the CA will.
// main() builds the command line from the explicit list of subcommands, parses it in one
// place, runs the chosen command and maps any escaped exception to exit status 4.
#include <iostream>

#include <spdlog/spdlog.h>

#include "agent/cli_options.h"
#include "agent/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"dcv-agent: make this server pass a CA's domain-control validation"};
  app.set_version_flag("--version", DCV_VERSION);
  app.require_subcommand(1);
  dcv::CommandFn run;
  dcv::SetupCheckCommand(app, run);
  dcv::SetupFixCommand(app, run);
  dcv::SetupVerifyCommand(app, run);
  dcv::SetupRollbackCommand(app, run);
  dcv::SetupCleanupCommand(app, run);
  dcv::SetupProbeCommand(app, run);
  dcv::SetupDnsUpdateCommand(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion&) {
    std::cout << "dcv-agent " << DCV_VERSION << std::endl;
    return dcv::kExitReady;
  } catch (const CLI::ParseError& e) {
    const int status = app.exit(e);
    return status == 0 ? dcv::kExitReady : dcv::kExitUsage;
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::cerr << "dcv-agent: internal error: " << e.what() << std::endl;
    return dcv::kExitInternal;
  }
}
