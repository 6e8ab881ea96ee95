// Loads the PDF module (doseplan_pdf.so) the first time a PDF is asked for. It is looked for in
// the executable's own directory (the build tree), then in <libdir>/doseplan relative to the
// executable's directory (<bindir> once installed), and only a module of this doseplan version
// is used: the module always comes with its executable, never from another installation.
#include "cli/pdf_module.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <string>
#include <vector>

#include "doseplan/error.hpp"

#ifndef DOSEPLAN_PDF_MODULE_FROM_BINDIR
#error "DOSEPLAN_PDF_MODULE_FROM_BINDIR must be set (CMakeLists.txt)"
#endif

namespace doseplan::cli {
namespace {

namespace fs = std::filesystem;
using Render = void (*)(const Plan&, Lang, std::string&);

constexpr const char* kModuleName = "doseplan_pdf.so";

Render load_module() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  std::string why;
  if (ec) {
    why = "; the executable's directory is unknown (/proc/self/exe: " + ec.message() + ")";
  } else {
    candidates.push_back(exe.parent_path() / kModuleName);
    candidates.push_back(
        (exe.parent_path() / DOSEPLAN_PDF_MODULE_FROM_BINDIR / kModuleName).lexically_normal());
  }
  for (const fs::path& path : candidates) {
    if (!fs::exists(path, ec)) {
      why += "; no " + path.string();
      continue;
    }
    void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (module == nullptr) {
      const char* error = dlerror();
      why += "; " + path.string() + ": " + (error ? error : "cannot be loaded");
      continue;
    }
    const auto* version = static_cast<const char* const*>(dlsym(module, "doseplan_pdf_version"));
    auto* render = reinterpret_cast<Render>(dlsym(module, "doseplan_pdf_render"));
    if (version == nullptr || render == nullptr || std::string(*version) != DOSEPLAN_VERSION) {
      why += "; " + path.string() + " is not the PDF module of doseplan " DOSEPLAN_VERSION;
      dlclose(module);
      continue;
    }
    return render;  // never unloaded: its errors may outlive the call
  }
  throw Error("output.pdf_failed", "format",
              "the PDF renderer of doseplan (" + std::string(kModuleName) +
                  ") could not be loaded" + why + "; reinstall doseplan");
}

}  // namespace

std::string render_pdf_with_module(const Plan& plan, Lang lang) {
  static const Render render = load_module();
  std::string out;
  render(plan, lang, out);
  return out;
}

}  // namespace doseplan::cli
