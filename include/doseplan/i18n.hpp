// doseplan — output language. English is the default; zh-CN is Simplified Chinese.
// Texts from the rules come in both languages (LocalizedText); the labels of the program's own
// outputs are translated through a gettext catalogue (po/zh_CN/*.po, read by Boost.Locale).
#ifndef DOSEPLAN_I18N_HPP_
#define DOSEPLAN_I18N_HPP_

#include <string>
#include <string_view>

#include "doseplan/regimen.hpp"

namespace doseplan {

enum class Lang { en, zh_CN };

// "en" or "zh-CN"; throws Error "input.bad_lang" for anything else.
Lang parse_lang(std::string_view text);

// The text in `lang`.
const std::string& pick(const LocalizedText& t, Lang lang);

// The label `key` in `lang` ("Dose" / "剂量") from the message catalogue (po/zh_CN/*.po); the key
// itself when it has no translation or the catalogue is missing.
std::string tr(Lang lang, std::string_view key);

// Whether the compiled zh-CN catalogue was found ($DOSEPLAN_LOCALE_DIR, installed, build tree).
bool catalogue_available();

}  // namespace doseplan

#endif  // DOSEPLAN_I18N_HPP_
