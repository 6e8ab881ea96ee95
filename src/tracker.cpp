// The tracker: being written (issue 7).
#include "doseplan/error.hpp"
#include "doseplan/tracker.hpp"

namespace doseplan {

}  // namespace doseplan
