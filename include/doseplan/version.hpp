// The library's version.
#ifndef DOSEPLAN_VERSION_HPP_
#define DOSEPLAN_VERSION_HPP_

namespace doseplan {
// The library's version, "MAJOR.MINOR.PATCH".
const char* version();
}  // namespace doseplan

#endif  // DOSEPLAN_VERSION_HPP_
