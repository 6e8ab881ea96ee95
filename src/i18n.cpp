// Output language through a gettext message catalogue read by Boost.Locale: po/zh_CN/*.po are
// merged and compiled (msgcat, msgfmt) into <locale dir>/zh_CN/LC_MESSAGES/doseplan.mo at build
// time. Boost.Locale reads the catalogue itself, so no system locale needs to be installed.
#include "doseplan/i18n.hpp"

#include <boost/locale.hpp>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "doseplan/error.hpp"

#ifndef DOSEPLAN_BUILD_LOCALE_DIR
#define DOSEPLAN_BUILD_LOCALE_DIR ""
#endif
#ifndef DOSEPLAN_INSTALLED_LOCALE_DIR
#define DOSEPLAN_INSTALLED_LOCALE_DIR ""
#endif

namespace doseplan {
namespace {

// Where the compiled catalogue is: $DOSEPLAN_LOCALE_DIR, the installed one, the build tree's.
std::string locale_dir() {
  namespace fs = std::filesystem;
  const char* env = std::getenv("DOSEPLAN_LOCALE_DIR");
  for (const char* dir :
       {env ? env : "", DOSEPLAN_INSTALLED_LOCALE_DIR, DOSEPLAN_BUILD_LOCALE_DIR}) {
    if (*dir && fs::exists(fs::path(dir) / "zh_CN" / "LC_MESSAGES" / "doseplan.mo")) return dir;
  }
  return "";
}

const std::locale& chinese() {
  static const std::locale loc = [] {
    boost::locale::generator gen;
    const std::string dir = locale_dir();
    if (!dir.empty()) gen.add_messages_path(dir);
    gen.add_messages_domain("doseplan");
    return gen("zh_CN.UTF-8");
  }();
  return loc;
}

}  // namespace

Lang parse_lang(std::string_view text) {
  if (text == "en") return Lang::en;
  if (text == "zh-CN") return Lang::zh_CN;
  throw Error(
      "input.bad_lang", "lang",
      "\"" + std::string(text) + "\" is not a language doseplan writes; expected en or zh-CN");
}

const std::string& pick(const LocalizedText& t, Lang lang) {
  return lang == Lang::zh_CN && !t.zh.empty() ? t.zh : t.en;
}

std::string tr(Lang lang, std::string_view key) {
  if (lang == Lang::en) return std::string(key);
  static std::mutex m;  // the catalogue is built once; translate() itself is thread-safe
  const std::lock_guard<std::mutex> lock(m);
  return boost::locale::translate(std::string(key)).str(chinese());
}

bool catalogue_available() {
  return !locale_dir().empty();
}

}  // namespace doseplan
