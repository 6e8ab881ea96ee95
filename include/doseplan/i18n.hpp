// doseplan — output language. English is the default; zh-CN is Simplified Chinese.
// Texts from the rules come in both languages (LocalizedText); the labels of the program's own
// outputs are translated through a gettext catalogue (po/zh_CN/*.po, read by Boost.Locale).
#ifndef DOSEPLAN_I18N_HPP_
#define DOSEPLAN_I18N_HPP_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "doseplan/dates.hpp"

namespace doseplan {

enum class Lang { en, zh_CN };

// Text in the two languages every output supports.
struct LocalizedText {
  std::string en;
  std::string zh;  // Simplified Chinese (zh-CN)
  friend bool operator==(const LocalizedText&, const LocalizedText&) = default;
};

// "en", or "zh-CN" (also typed "zh", "zh_CN", "zh-cn"); throws Error "input.bad_lang" for
// anything else.
Lang parse_lang(std::string_view text);

// The text in `lang`.
const std::string& pick(const LocalizedText& t, Lang lang);

// The label `key` in `lang` ("Dose" / "剂量") from the message catalogue (po/zh_CN/*.po); the key
// itself when it has no translation or the catalogue is missing.
std::string tr(Lang lang, std::string_view key);

// `pattern` with each placeholder {name} replaced by its value ("{n} weeks", {{"n", "2"}}).
std::string fill(std::string pattern,
                 std::initializer_list<std::pair<std::string_view, std::string_view>> values);

// A sentence of the program's own in both languages, for texts a Plan carries (visit reasons,
// advisories, project defaults): `key` is the English sentence with named placeholders ("every
// {span}"), also the msgid in the catalogue; each placeholder is filled with its value in the same
// language. Without a catalogue the Chinese text is the English one.
using LocalizedArgs = std::initializer_list<std::pair<std::string_view, LocalizedText>>;
LocalizedText tr_both(std::string_view key, LocalizedArgs values = {});

// A text that is the same in both languages (a date, a number with its unit, an id).
LocalizedText same_text(std::string text);

// "3 months" / "3个月", "1 week" / "1周".
LocalizedText span_text(const Span& span);

// "every 2 weeks" / "每2周", "every month" / "每月".
LocalizedText every_text(const Span& span);

// `a` and `b` joined by "; " (English) and "；" (Chinese); `b` alone when `a` is empty.
LocalizedText join_texts(const LocalizedText& a, const LocalizedText& b);

// Whether the compiled zh-CN catalogue was found ($DOSEPLAN_LOCALE_DIR, installed, build tree).
bool catalogue_available();

}  // namespace doseplan

#endif  // DOSEPLAN_I18N_HPP_
