// `dcv-agent dns-update add|delete|show NAME [VALUE]`: one RFC 2136 change of one TXT
// record, TSIG-signed, or (show) what the server itself has at NAME. `fix` and `cleanup`
// plans for the dns method run it as their steps, so the journal holds a command a
// sysadmin can read and replay; it is as usable by hand. Exit 0 done, 1 the server refused
// or did not answer (nothing changed), 2 bad input.
#include <iostream>

#include <nlohmann/json.hpp>

#include "agent/cli_options.h"
#include "agent/commands.h"
#include "agent/dns/dns_message.h"
#include "agent/dns/dns_update.h"
#include "agent/target_input.h"

namespace dcv {
namespace {

struct DnsUpdateOptions {
  std::string server, key_file, zone, action, name, value;
  std::uint32_t ttl = 60;
};

Result<TxtUpdate> CheckedUpdate(const DnsUpdateOptions& o) {
  if (o.action != "add" && o.action != "delete") return MakeError("unknown action '" + o.action + "'");
  if (o.zone.empty()) return MakeError(o.action + " needs --zone");
  if (o.key_file.empty()) return MakeError(o.action + " needs --tsig-key");
  if (o.value.size() > 4096) return MakeError("the TXT value is longer than 4096 bytes");
  TxtUpdate update{AbsoluteName(o.zone), AbsoluteName(o.name), o.value, o.ttl,
                   o.action == "add" ? UpdateOp::kAdd : UpdateOp::kDelete};
  if (!IsAtOrBelow(update.name, update.zone)) return MakeError(update.name + " is not in zone " + update.zone);
  return update;
}

int RunShow(const DnsServer& server, const std::string& name) {
  Result<std::vector<std::string>> values = TxtValuesAt(server, name);
  if (!values) {
    std::cerr << "dcv-agent dns-update: " << values.error().message << std::endl;
    return kExitNotReady;
  }
  std::cout << "values:\n";
  for (const std::string& value : *values) std::cout << nlohmann::json(value).dump() << "\n";
  return kExitReady;
}

int RunDnsUpdate(const DnsUpdateOptions& o) {
  if (o.action != "show" && o.action != "add" && o.action != "delete") {
    return ReportUsageError(MakeError("invalid action '" + o.action + "': use add, delete or show"));
  }
  if (o.name.empty() || o.name.size() > 253 || o.name.find_first_of(" \t\r\n\"\\;") != std::string::npos) {
    return ReportUsageError(MakeError("invalid NAME '" + o.name + "': expected a DNS name"));
  }
  Result<DnsServer> server = ParseDnsServer(o.server);
  if (!server) return ReportUsageError(server.error());
  if (o.action == "show") return RunShow(*server, o.name);
  Result<TxtUpdate> update = CheckedUpdate(o);
  if (!update) return ReportUsageError(update.error());
  Result<TsigKey> key = ReadTsigKey(o.key_file);
  if (!key) return ReportUsageError(key.error());
  if (Result<void> sent = SendTxtUpdate(*server, *update, *key); !sent) {
    std::cerr << "dcv-agent dns-update: " << sent.error().message << std::endl;
    return kExitNotReady;
  }
  std::cout << (update->op == UpdateOp::kAdd ? "added " : "deleted ") << update->name << " TXT "
            << nlohmann::json(update->value).dump() << " (zone " << update->zone << ", server " << server->Label()
            << ")" << std::endl;
  return kExitReady;
}

}  // namespace

void SetupDnsUpdateCommand(CLI::App& app, CommandFn& run) {
  auto* command = app.add_subcommand("dns-update", "Add, delete or show one TXT record by RFC 2136 (TSIG)");
  auto o = std::make_shared<DnsUpdateOptions>();
  auto output = std::make_shared<OutputOptions>();
  command->add_option("--dns-server", o->server, "Primary server to update (HOST, ADDR or [ADDR]:PORT)")->required();
  command->add_option("--tsig-key", o->key_file, "TSIG key file (algorithm:name:secret or a BIND key clause)");
  command->add_option("--zone", o->zone, "Zone that holds the record");
  command->add_option("--ttl", o->ttl, "TTL of an added record")->check(CLI::Range(0, 86400))->capture_default_str();
  command->add_option("action", o->action, "add, delete or show")->required();
  command->add_option("name", o->name, "Owner name of the TXT record")->required();
  command->add_option("value", o->value, "TXT value (add and delete)");
  command->add_flag("-v,--verbose", output->verbose, "More log output on stderr (repeatable)");
  command->callback([&run, o, output] {
    run = [o, output] {
      ConfigureLogging(*output);
      return RunDnsUpdate(*o);
    };
  });
}

}  // namespace dcv
