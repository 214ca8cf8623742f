// Diagnosis: what the Diagnose phase produced: findings and the web server's predicted
// answers. Remediators append to it; the report renders it.
#pragma once

#include <vector>

#include "agent/core/finding.h"
#include "agent/core/prediction.h"

namespace dcv {

struct Diagnosis {
  std::vector<Finding> findings;
  std::vector<Prediction> predictions;
};

}  // namespace dcv
