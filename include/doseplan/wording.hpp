// doseplan — the plan's own wording for patients and nurses, in either language: how an
// administration is counted, the trough-level day, the twice-daily interval, a phase's step and
// the drug's heading. Numbers and units are written by format.hpp; every renderer words these
// the same way through here.
#ifndef DOSEPLAN_WORDING_HPP_
#define DOSEPLAN_WORDING_HPP_

#include <string>

#include "doseplan/dose.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"
#include "doseplan/regimen.hpp"

namespace doseplan {

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

// A phase's supply (plan.hpp PhaseSupply) as a pharmacist counts it, in whole packs where the
// product has a pack size: "270 capsules of 100 mg + 90 capsules of 50 mg", "27 mL (1 bottle of
// 50 mL)", "2 vials of 500 mg", "150 million cells".
std::string supply_units(const PhaseSupply& s, const Product& product, Lang lang);
// The course's running total through a phase: "2,100 mg", "8,750 mg (8.75 g) = 5,000 mg/m²
// (5 g/m²)" — grams beside a total of 1,000 mg or more; cells for cell infusions.
std::string cumulative_text(const PhaseSupply& s, Lang lang);
// About the packs, said once beside the supply: the pack size (its source is the product's
// `pack_from`), that the sources give none, or that an infusion is prepared at the clinic.
LocalizedText supply_note(const Product& product);
// That the totals are the plan's arithmetic, which no cited source discusses as a limit.
LocalizedText cumulative_note();

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

// The drug's name as the header says it: English "cycloSPORINE (环孢素)"; Chinese the Chinese
// name first, with the other names the sources use (Regimen::Drug::also_known_as) and the English
// one: "环孢素（又称环孢菌素A、环孢霉素；cycloSPORINE）", "脐带间充质干细胞（MSC）".
std::string drug_heading(const Regimen::Drug& drug, Lang lang);

}  // namespace doseplan

#endif  // DOSEPLAN_WORDING_HPP_
