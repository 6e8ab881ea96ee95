// Output language through a gettext message catalogue read by Boost.Locale: po/zh_CN/*.po are
// merged and compiled (msgcat, msgfmt) into <locale dir>/zh_CN/LC_MESSAGES/doseplan.mo at build
// time. Boost.Locale reads the catalogue itself, so no system locale needs to be installed.
#include "doseplan/i18n.hpp"

#include <boost/locale.hpp>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <unordered_map>

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
  // Translations already looked up are kept: make_plan asks for the same few sentences for every
  // plan, and a look-up through Boost.Locale costs a std::string and a facet search each time.
  static std::mutex m;
  // Looked up by std::string_view, without making a std::string of the key first.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static std::unordered_map<std::string, std::string, Hash, std::equal_to<>> seen;
  const std::lock_guard<std::mutex> lock(m);
  if (const auto it = seen.find(key); it != seen.end()) return it->second;
  const std::string k(key);
  std::string out = boost::locale::translate(k).str(chinese());
  seen.emplace(k, out);
  return out;
}

std::string fill(std::string pattern,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  for (const auto& [name, value] : values) {
    const std::string key = "{" + std::string(name) + "}";
    for (std::size_t at = pattern.find(key); at != std::string::npos;
         at = pattern.find(key, at + value.size())) {
      pattern.replace(at, key.size(), value);
    }
  }
  return pattern;
}

namespace {

// Every "{name}" in `text` replaced by `value`, in place: what fill() does for one placeholder,
// without building the "{name}" string (make_plan fills a few hundred placeholders a plan).
void fill_in_place(std::string& text, std::string_view name, std::string_view value) {
  const std::size_t key_size = name.size() + 2;
  for (std::size_t at = text.find('{'); at != std::string::npos; at = text.find('{', at)) {
    if (text.size() - at >= key_size && text[at + key_size - 1] == '}' &&
        text.compare(at + 1, name.size(), name) == 0) {
      text.replace(at, key_size, value);
      at += value.size();
    } else {
      ++at;
    }
  }
}

}  // namespace

LocalizedText tr_both(std::string_view key, LocalizedArgs values) {
  LocalizedText out{std::string(key), tr(Lang::zh_CN, key)};
  for (const auto& [name, value] : values) {
    fill_in_place(out.en, name, value.en);
    fill_in_place(out.zh, name, value.zh.empty() ? value.en : value.zh);
  }
  return out;
}

LocalizedText same_text(std::string text) {
  LocalizedText out{text, {}};
  out.zh = std::move(text);
  return out;
}

LocalizedText span_text(const Span& span) {
  const char* key = span.unit == Span::Unit::day    ? (span.count == 1 ? "1 day" : "{n} days")
                    : span.unit == Span::Unit::week ? (span.count == 1 ? "1 week" : "{n} weeks")
                                                    : (span.count == 1 ? "1 month" : "{n} months");
  return tr_both(key, {{"n", same_text(std::to_string(span.count))}});
}

LocalizedText every_text(const Span& e) {
  if (e.count != 1) return tr_both("every {span}", {{"span", span_text(e)}});
  return tr_both(e.unit == Span::Unit::day    ? "every day"
                 : e.unit == Span::Unit::week ? "every week"
                                              : "every month");
}

LocalizedText join_texts(const LocalizedText& a, const LocalizedText& b) {
  if (a.en.empty() && a.zh.empty()) return b;
  return {a.en + "; " + b.en, a.zh + "\uff1b" + b.zh};
}

bool catalogue_available() {
  return !locale_dir().empty();
}

}  // namespace doseplan
