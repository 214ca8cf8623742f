// The remediator interface. A remediator knows one platform component (a firewall
// backend, a web server): it detects whether it is in use, diagnoses how it stands in the
// way of validation, and plans the fix and the cleanup. It never changes the system
// itself: it returns steps for the executor. Remediators are listed explicitly in
// remediators/registry.cc, in the order their plans run.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/core/diagnosis.h"
#include "agent/core/plan.h"
#include "agent/core/result.h"
#include "agent/core/target.h"
#include "platform/listeners.h"
#include "platform/os_release.h"
#include "platform/process.h"

namespace dcv {

/// The read-only view of the machine that every remediator gets.
struct Host {
  ProcessRunner& runner;
  OsRelease os;
  std::vector<Listener> listeners;
  std::string run_id;  // unique per agent run; used in comments that mark our changes
};

class Remediator {
 public:
  virtual ~Remediator() = default;

  /// Stable id used in plans, journals and logs: "firewall.nftables", "webserver.nginx".
  virtual std::string_view id() const = 0;

  /// Reads the component's state (read-only) and keeps it for the calls below.
  /// Returns false when the component is not in use on this host; an Error when it is
  /// in use but could not be read.
  virtual Result<bool> Detect(const Host& host) = 0;

  /// Appends findings (and, for web servers, predictions) for the target.
  virtual void Diagnose(const Target& target, const Host& host, Diagnosis& out) = 0;

  /// Appends the steps that fix this component's findings. Must be idempotent: when
  /// nothing stands in the way it appends nothing.
  virtual Result<void> PlanFix(const Target& target, const Host& host,
                               const Diagnosis& diagnosis, Plan& plan) = 0;

  /// Appends the steps that remove what a fix for `target` added (after issuance).
  virtual Result<void> PlanCleanup(const Target& target, const Host& host, Plan& plan) = 0;
};

}  // namespace dcv
