// Output language through a gettext message catalogue read by Boost.Locale: po/zh_CN/*.po are
// merged and compiled (msgcat, msgfmt) into <locale dir>/zh_CN/LC_MESSAGES/doseplan.mo at build
// time. Boost.Locale reads the catalogue itself, so no system locale needs to be installed.
#include "doseplan/i18n.hpp"

#include <boost/locale.hpp>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"

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
    // Only what tr() uses: the message catalogue (and the locale's information, which it needs),
    // for char. Generating every facet (collation, formatting, boundaries...) cost about a third
    // of a whole `doseplan plan`, which asks for the catalogue even in English (the plan carries
    // both languages).
    gen.categories(boost::locale::message_facet | boost::locale::information_facet);
    gen.characters(boost::locale::char_facet);
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
  // zh-CN, and what people type for it: zh, zh_CN, zh-cn (any case of "cn").
  const auto lower = [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  };
  const bool zh_cn = text.size() == 5 && text.substr(0, 2) == "zh" &&
                     (text[2] == '-' || text[2] == '_') && lower(text[3]) == 'c' &&
                     lower(text[4]) == 'n';
  if (text == "zh" || zh_cn) return Lang::zh_CN;
  throw Error(
      "input.bad_lang", "lang",
      "\"" + std::string(text) + "\" is not a language doseplan writes; expected en or zh-CN",
      zh_detail("doseplan does not write the language {text}: for Simplified Chinese use --lang "
                "zh-CN, for English --lang en.",
                {{"text", text}}));
}

const std::string& pick(const LocalizedText& t, Lang lang) {
  return lang == Lang::zh_CN && !t.zh.empty() ? t.zh : t.en;
}

namespace {

// The Chinese of `key` from the catalogue. The catalogue is read once, when chinese() makes the
// locale; a locale and its facets never change after that, so threads may look up at once.
std::string chinese_of(std::string_view key) {
  return boost::locale::translate(std::string(key)).str(chinese());
}

// Appends `pattern` to `out` with each {name} replaced by value_of(name), in one pass (a value is
// never searched for placeholders itself); a {…} with no value is kept as it is.
template <class ValueOf>
void fill_into(std::string& out, std::string_view pattern, const ValueOf& value_of) {
  std::size_t i = 0;
  while (i < pattern.size()) {
    const std::size_t open = pattern.find('{', i);
    const std::size_t close = open == std::string_view::npos ? open : pattern.find('}', open + 1);
    if (close == std::string_view::npos) {
      out.append(pattern.substr(i));
      return;
    }
    if (const std::string_view* value = value_of(pattern.substr(open + 1, close - open - 1))) {
      out.append(pattern.substr(i, open - i));
      out.append(*value);
      i = close + 1;
    } else {
      out.append(pattern.substr(i, open + 1 - i));
      i = open + 1;
    }
  }
}

}  // namespace

std::string tr(Lang lang, std::string_view key) {
  if (lang == Lang::en) return std::string(key);
  return chinese_of(key);
}

std::string fill(std::string pattern,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values) {
  if (pattern.find('{') == std::string::npos) return pattern;
  std::string out;
  out.reserve(pattern.size() + 32);
  fill_into(out, pattern, [&values](std::string_view name) -> const std::string_view* {
    for (const auto& v : values) {
      if (v.first == name) return &v.second;
    }
    return nullptr;
  });
  return out;
}

LocalizedText tr_both(std::string_view key, LocalizedArgs values) {
  LocalizedText out;
  const std::string zh = chinese_of(key);
  if (values.size() == 0) return {std::string(key), zh};
  out.en.reserve(key.size() + 32);
  out.zh.reserve(zh.size() + 32);
  std::string_view found;
  const auto value_in = [&values, &found](bool chinese) {
    return [&values, &found, chinese](std::string_view name) -> const std::string_view* {
      for (const auto& [n, v] : values) {
        if (n == name) {
          found = chinese && !v.zh.empty() ? v.zh : v.en;
          return &found;
        }
      }
      return nullptr;
    };
  };
  fill_into(out.en, key, value_in(false));
  fill_into(out.zh, zh, value_in(true));
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
