// The entry points of the PDF module (doseplan_pdf.so, CMakeLists.txt): render_pdf() for the
// doseplan executable, which loads this module only for `--format pdf` (src/cli/pdf_module.cpp),
// so that its start does not load cairo, pango and their libraries. Programs linked with the
// library call render_pdf() directly.
#include <string>

#include "doseplan/render.hpp"

extern "C" {

// The version of doseplan this module was built with: the executable loads only its own.
__attribute__((visibility("default"))) extern const char* const doseplan_pdf_version;
const char* const doseplan_pdf_version = DOSEPLAN_VERSION;

// render_pdf(plan, lang) into `out`; throws as render_pdf throws (doseplan::Error).
__attribute__((visibility("default"))) void doseplan_pdf_render(const doseplan::Plan& plan,
                                                                doseplan::Lang lang,
                                                                std::string& out) {
  out = doseplan::render_pdf(plan, lang);
}

}  // extern "C"
