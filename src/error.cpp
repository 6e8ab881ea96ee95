#include "doseplan/error.hpp"

#include <utility>

namespace doseplan {
namespace {

std::string join(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) {
    if (!out.empty()) out += '\n';
    out += p.to_string();
  }
  return out;
}

}  // namespace

std::string Problem::to_string() const {
  std::string out;
  if (!where.empty()) out = where + ": ";
  out += message;
  out += " [" + id + "]";
  return out;
}

Error::Error(std::vector<Problem> problems)
    : std::runtime_error(join(problems)), problems_(std::move(problems)) {
  if (problems_.empty()) problems_.push_back({"internal.empty_error", "", "unspecified error"});
}

Error::Error(std::string id, std::string where, std::string message)
    : Error(std::vector<Problem>{{std::move(id), std::move(where), std::move(message)}}) {}

}  // namespace doseplan

#include "doseplan/doseplan.hpp"

#ifndef DOSEPLAN_VERSION
#define DOSEPLAN_VERSION "0.0.0"
#endif

const char* doseplan::version() {
  return DOSEPLAN_VERSION;
}
