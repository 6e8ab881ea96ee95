// PDF renderer: see render.hpp. (Being written.)
#include "doseplan/error.hpp"
#include "doseplan/render.hpp"

namespace doseplan {

std::string render_pdf(const Plan&, Lang) {
  throw Error("output.unsupported", "format", "the PDF renderer is not built yet");
}

}  // namespace doseplan
