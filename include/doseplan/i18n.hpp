// doseplan — output language. English is the default; zh-CN is Simplified Chinese.
// Texts from the rules come in both languages (LocalizedText); the labels of the program's own
// outputs are looked up here, in one table (src/i18n.cpp).
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

// The label `key` in `lang` ("Dose" / "剂量"); the key itself when it has no translation.
std::string tr(Lang lang, std::string_view key);

}  // namespace doseplan

#endif  // DOSEPLAN_I18N_HPP_
