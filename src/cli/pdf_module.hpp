// The PDF renderer of the executable: render_pdf() from the module doseplan_pdf.so, loaded the
// first time a PDF is asked for (CMakeLists.txt; docs/architecture.md).
#ifndef DOSEPLAN_CLI_PDF_MODULE_HPP_
#define DOSEPLAN_CLI_PDF_MODULE_HPP_

#include <string>

#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"

namespace doseplan::cli {

// render_pdf(plan, lang). Error "output.pdf_failed" when the module can not be loaded (with where
// it was looked for), and every error of render_pdf.
std::string render_pdf_with_module(const Plan& plan, Lang lang);

}  // namespace doseplan::cli

#endif  // DOSEPLAN_CLI_PDF_MODULE_HPP_
