// iCalendar export: see ics.hpp. (Being written.)
#include "doseplan/error.hpp"
#include "doseplan/ics.hpp"

namespace doseplan {

std::string render_ics(const Plan&, const IcsOptions&) {
  throw Error("output.unsupported", "format", "the calendar renderer is not built yet");
}

}  // namespace doseplan
