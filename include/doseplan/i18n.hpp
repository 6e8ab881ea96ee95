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
#include "doseplan/dose.hpp"
#include "doseplan/regimen.hpp"

namespace doseplan {

enum class Lang { en, zh_CN };

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

// Doses with their units as people read them in `lang`: English "5 mg/kg/day", "300 mg/day",
// "50 million cells"; Chinese "5 mg/(kg·天)", "300 mg/天", "50×10⁶个细胞" (the notation of the
// Chinese source texts). Numbers are written the same way (format.hpp) in both.
std::string format_dose(const DoseValue& v, Lang lang);
std::string format_dose_rate(DoseRate r, Lang lang);
LocalizedText dose_text(const DoseValue& v);
// describe_administration() in `lang` (src/plan/dose_calculator.cpp): "840 mg IV (vials: 1 × 1,000
// mg)" / "840 mg 静脉输注（药瓶：1 × 1,000 mg）".
std::string describe_administration(const Administration& a, Lang lang);
// A dose range: "2–8 mg/kg/day" / "2–8 mg/(kg·天)".
LocalizedText dose_range_text(const DoseValue& low, const DoseValue& high);

// Where a number comes from, in both languages. English names the document's title and the
// section: "source itp6-003 (<title>, <section>): “quote”" ("secondary source …" when the document
// is a secondary summary); Chinese only the citation's id and its quote (the plan's bibliography
// holds the title); or "project default: <reason>".
LocalizedText cite_text(const Regimen& regimen, const Provenance& from);

// Whether the compiled zh-CN catalogue was found ($DOSEPLAN_LOCALE_DIR, installed, build tree).
bool catalogue_available();

}  // namespace doseplan

#endif  // DOSEPLAN_I18N_HPP_
