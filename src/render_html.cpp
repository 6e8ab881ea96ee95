// HTML renderer: see render.hpp. (Being written.)
#include "doseplan/error.hpp"
#include "doseplan/render.hpp"

namespace doseplan {

std::string render_html(const Plan&, Lang) {
  throw Error("output.unsupported", "format", "the HTML renderer is not built yet");
}

}  // namespace doseplan
