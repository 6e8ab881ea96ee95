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

#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"
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
// Both at once, for the sentences a plan carries: {"1,500 mg", "1500 mg"}.
LocalizedText mg_text(DrugMass m);
// A product's strengths: "25 mg, 50 mg, 100 mg" / "25 mg、50 mg、100 mg".
LocalizedText strengths_text(const std::vector<DrugMass>& strengths);

// A cell dose: "50 million cells" / "5000万个细胞（50×10⁶）" (万 as the Chinese sources and
// clinics write it, the scientific notation after it).
std::string format_cells(CellCount c, Lang lang);

// One administration as the patient or nurse counts it, from the product's dosage form:
//   capsules  "1 capsule of 100 mg + 1 capsule of 50 mg" / "100 mg胶囊1粒 + 50 mg胶囊1粒"
//   tablets   "3 tablets of 500 mg" / "500 mg片剂3片"
//   solution  "1.5 mL (150 mg)" / "1.5 mL（毫升，含150 mg）"
//   IV        "840 mg IV (prepare 1 vial of 1,000 mg; only 840 mg of it is used)" /
//             "静脉输注 840 mg（配制时准备 1000 mg 规格 1 瓶，只用其中 840 mg）": what is given,
//             then separately the vials prepared (the least left over, dose.hpp)
//   cells     "50 million cells IV" / "5000万个细胞（50×10⁶），静脉输注"
// Solids and solutions are the count alone (the renderer writes the amount before it); IV and
// cells say the amount themselves.
std::string patient_units(const Administration& a, Product::Form form, Lang lang);

// Trough (C0) drug levels. A visit item is a trough level when its name, timing or a test id
// says "trough" or "C0" (labs.json: cyclosporine-trough). On such a day the blood is drawn first
// and the morning dose taken after it.
bool is_trough(const VisitItem& item);
bool has_trough(const Visit& v);
// The day's first line: "Draw blood for the cycloSPORINE level first, then take the morning
// dose." / "今天先抽血（查环孢素谷浓度），抽完血再服早上的药。"
std::string trough_day_text(const Plan& plan, Lang lang);
// The mark on the morning dose of that day: "after the blood draw" / "抽血后服".
std::string trough_dose_mark(Lang lang);
// How to take a trough level (the footnote, without a label): no morning dose before the draw;
// with two doses a day (Plan::doses_per_day) also that the draw is about 12 hours after the
// evening dose (half of a day: the next dose is the trough).
std::string trough_footnote(const Plan& plan, Lang lang);

// Under a twice-daily oral dose (Plan::doses_per_day == 2): "Morning and evening, about 12 hours
// apart, at the same times every day." (a project default: a steady interval, half a day); empty
// for other plans.
std::string twice_daily_text(const Plan& plan, Lang lang);

// "Taper 1/3" -> "Taper step 1 of 3" / "减量第1步（共3步）"; a cycle: "IV pulse 1 of 12" /
// "第1次静脉冲击（共12次）"; `last` > `first` gives a range ("2–12"). `name` is the phase name in
// `lang`; steps == 0 gives `name` alone.
std::string phase_step_name(const std::string& name, bool cycle, int first, int last, int steps,
                            Lang lang);

// An uneven visit window in words: "(may be done 2027-05-11 to 2027-05-14)" /
// "（可在2027-05-11至2027-05-14之间做）".
std::string window_words(Date from, Date to, Lang lang);

// The drug's name as the header says it: English "cycloSPORINE (环孢素)"; Chinese the Chinese
// name first, with the other names the sources use (Regimen::Drug::also_known_as) and the English
// one: "环孢素（又称环孢菌素A、环孢霉素；cycloSPORINE）", "脐带间充质干细胞（MSC）".
std::string drug_heading(const Regimen::Drug& drug, Lang lang);

// Tall Man lettering (FDA/ISMP) for the look-alike names doseplan knows: cyclosporine ->
// "cycloSPORINE" (vs cycloSERINE), rituximab -> "riTUXimab" (vs inFLIXimab), Sandimmune ->
// "SandIMMUNE" (vs SandoSTATIN), and their partners. Each known name inside `text` is rewritten,
// whatever its case ("Cyclosporine", "CYCLOSPORINE"); other text is left as it is.
std::string tall_man(std::string text);

// Frequency in words: 1 -> "once daily", 2 -> "twice daily", 3 -> "three times daily",
// n -> "n times daily".
std::string frequency_words(int doses_per_day);

}  // namespace doseplan

#endif  // DOSEPLAN_FORMAT_HPP_
