// The explicit, ordered list of remediators. Firewalls come first so that the web
// server's reload happens after the ports are open; the order of plans is this order.
#pragma once

#include <memory>
#include <vector>

#include "remediators/remediator.h"

namespace dcv {

std::vector<std::unique_ptr<Remediator>> MakeRemediators();

}  // namespace dcv
