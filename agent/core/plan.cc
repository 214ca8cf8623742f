// Small helpers on plans that the report and the executor share.
#include "agent/core/plan.h"

namespace dcv {

const char* StepKind(const StepAction& action) {
  struct Visitor {
    const char* operator()(const RunCommand&) const { return "run"; }
    const char* operator()(const WriteFile&) const { return "write"; }
    const char* operator()(const EditFile&) const { return "edit"; }
    const char* operator()(const RemoveFile&) const { return "remove"; }
    const char* operator()(const Reload&) const { return "reload"; }
  };
  return std::visit(Visitor{}, action);
}

}  // namespace dcv
