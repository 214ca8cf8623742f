// The predictor's machine (internal to the nginx remediator): one Evaluator replays one
// request through nginx's phases. nginx_predict.cc holds the rewrite phase,
// nginx_content.cc the location, access and content phases, nginx_error_page.cc what
// error_page makes of an error answer.
#pragma once

#include <string>
#include <vector>

#include "remediators/webserver/nginx/nginx_predict.h"
#include "remediators/webserver/nginx/nginx_script.h"

namespace dcv::nginx {

class Evaluator {
 public:
  /// All references must outlive the evaluator.
  Evaluator(const Config& config, const ServerBlock& server, const Request& request,
            const FileView& files);

  /// Runs every phase and returns the answer.
  Answer Run();

 private:
  enum class Flow { kNext, kBreak, kLast, kDone };

  // Rewrite phase (nginx_predict.cc).
  Flow RunRewrites(const std::vector<Directive>& list, bool in_location);
  Flow Return(const Directive& d);
  Flow Rewrite(const Directive& d);
  Flow If(const Directive& d, bool in_location);
  Flow Unknown(const Directive& d, const std::string& why);
  std::string AbsoluteLocation(const std::string& target) const;

  // Location, access and content phases (nginx_content.cc).
  void SearchAndServe();
  bool SelectLocation();
  bool Access();
  void Content();
  void TryFiles(const Directive& d, const Directive* handler);
  void Handle(const Directive* handler, const Directive* static_decider);
  void StaticFile(const Directive* decider);
  void DirectoryIndex(const Directive* decider);
  std::optional<std::string> MapToFile(const std::string& uri);
  const Directive* Inherited(const std::string& name) const;
  const Directive* Local(const std::string& name) const;
  void ResolveRoot();

  // error_page (nginx_error_page.cc).
  void ApplyErrorPage();
  const Directive* ErrorPageFor(int status) const;
  void ServeNamed(const Directive& named);

  const Config& config_;
  const ServerBlock& server_;
  ScriptState state_;
  std::vector<const Directive*> chain_;  // server, locations (outer first), if-blocks
  const Directive* location_ = nullptr;  // innermost location, nullptr = the server's own
  std::vector<std::string> location_captures_;
  const Directive* root_directive_ = nullptr;
  bool restart_ = false;  // an internal redirect asks for a new location search
  bool internal_ = false;  // the request was redirected or rewritten inside nginx
  int cycles_ = 0;
  Answer answer_;
};

}  // namespace dcv::nginx
