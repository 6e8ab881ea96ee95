// doseplan — writing numbers and doses the safe way (ISMP list of error-prone abbreviations).
//
// Every renderer goes through these functions:
//   - no trailing zero:   1 mg, never 1.0 mg;         - always a leading zero: 0.5 mg, never .5 mg;
//   - thousands separators in English: 1,500 mg (ISMP allows them from 1,000), none in Chinese:
//     1500 mg (a comma beside Chinese list punctuation reads as two numbers);
//   - a space between number and unit;
//   - "mcg", never µg;  "daily" / "twice daily", never QD / BID.
#ifndef DOSEPLAN_FORMAT_HPP_
#define DOSEPLAN_FORMAT_HPP_

#include <string>
#include <string_view>
#include <vector>

#include "doseplan/i18n.hpp"
#include "doseplan/units.hpp"

namespace doseplan {

// `value` rounded to at most `max_decimals` decimals, then written without trailing zeros, with a
// leading zero and with "," every three digits: 1500 -> "1,500", 0.50 -> "0.5", 4.8387 -> "4.84".
// Negative values keep their sign ("-3.2"); -0 is written "0".
std::string format_number(double value, int max_decimals = 2);
// The shortest text that reads back as exactly `value` ("61.92", "0.1", "1e+21"): for JSON
// written to be read again, never for people.
std::string exact_number(double value);
// The same, appended to `out` (no temporary string).
void append_number(std::string& out, double value, int max_decimals = 2);

std::string format_mg(DrugMass m);               // "310 mg", "1,500 mg", "0.5 mg"
std::string format_mL(DrugVolume v);             // "1.5 mL"
std::string format_kg(BodyMass w);               // "62 kg", "61.92 kg"
std::string format_dose_rate(DoseRate r);        // "4.84 mg/kg/day"
std::string format_daily_amount(DailyAmount a);  // "310 mg/day"
std::string format_percent(double percent);      // "-3.23%", "+1.5%", "0%"

// The same in the output language: English as above ("1,500"), Chinese without thousands
// separators ("1500"). Every renderer writes a number a patient reads through these.
std::string format_number(double value, int max_decimals, Lang lang);
std::string format_mg(DrugMass m, Lang lang);  // "1,500 mg" / "1500 mg"
// "4.84 mg/kg/day" / "4.84 mg/(kg·天)" (the notation of the Chinese source texts).
std::string format_dose_rate(DoseRate r, Lang lang);
// Both at once, for the sentences a plan carries: {"1,500 mg", "1500 mg"}.
LocalizedText mg_text(DrugMass m);
// A product's strengths: "25 mg, 50 mg, 100 mg" / "25 mg、50 mg、100 mg".
LocalizedText strengths_text(const std::vector<DrugMass>& strengths);

// A cell dose: "50 million cells" / "5000万个细胞（50×10⁶）" (万 as the Chinese sources and
// clinics write it, the scientific notation after it).
std::string format_cells(CellCount c, Lang lang);

// An uneven visit window in words: "(may be done 2027-05-11 to 2027-05-14)" /
// "（可在2027-05-11至2027-05-14之间做）".
std::string window_words(Date from, Date to, Lang lang);

// Tall Man lettering (FDA/ISMP) for the look-alike names doseplan knows: cyclosporine ->
// "cycloSPORINE" (vs cycloSERINE), rituximab -> "riTUXimab" (vs inFLIXimab), Sandimmune ->
// "SandIMMUNE" (vs SandoSTATIN), and their partners. Each known name inside `text` is rewritten,
// whatever its case ("Cyclosporine", "CYCLOSPORINE"); other text is left as it is.
std::string tall_man(std::string text);

// Frequency in words: 1 -> "once daily", 2 -> "twice daily", 3 -> "three times daily",
// n -> "n times daily".
std::string frequency_words(int doses_per_day);

// Text made safe for HTML element content and attribute values (& < > " ' escaped): the HTML
// renderer and the web server (src/server/) write every text through it.
std::string html_escape(std::string_view s);

}  // namespace doseplan

#endif  // DOSEPLAN_FORMAT_HPP_
