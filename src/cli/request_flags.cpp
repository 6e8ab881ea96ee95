// Request flags shared by `doseplan plan` and `doseplan track start` (request_flags.hpp).
#include "cli/request_flags.hpp"

#include "cli/file_io.hpp"

#include <fstream>
#include <sstream>

#include "doseplan/doseplan.hpp"

namespace doseplan::cli {

void add_request_flags(CLI::App* sub, RequestFlags& f) {
  sub->add_option("--input", f.input, "Plan request as JSON (flags override its values)");
  sub->add_option("--regimen", f.regimen, "Regimen id, e.g. cyclosporine-itp");
  sub->add_option("--weight", f.weight, "Body weight with unit: 62kg, 136.5 lb");
  sub->add_option("--start", f.start, "First day of treatment, YYYY-MM-DD");
  sub->add_option("--dose", f.dose, "Dose within the regimen's range: 5mg/kg/d, 750mg/m2");
  sub->add_option("--doses-per-day", f.doses_per_day,
                  "Administrations a day, within the regimen's range");
  sub->add_option("--product", f.product, "Product id from rules/products.json");
  sub->add_option("--market", f.market,
                  "Where the patient lives (a market of rules/products.json: us, nz, uk): only "
                  "the strengths sold there are used");
  sub->add_option("--induction", f.induction, "Length of the induction phase: 3mo, 10 weeks");
  sub->add_option("--maintenance", f.maintenance, "Length of the maintenance phase: 2mo");
  sub->add_option("--phase-duration", f.phase_durations, "Length of any phase: ID=DURATION");
  sub->add_option("--taper-step", f.taper_step, "Taper step: 0.5mg/kg/d");
  sub->add_option("--taper-every", f.taper_every, "Taper interval: 2 weeks");
  sub->add_option("--height", f.height, "Height with unit, for mg/m2 doses: 165cm, 65 in");
  sub->add_option("--age", f.age, "Age in years, checked against the regimen's population");
  sub->add_option("--cycles", f.cycles, "Number of cycles of a cycles phase: ID=COUNT");
  sub->add_option("--birth-date", f.birth_date,
                  "Birth date YYYY-MM-DD (gives the age at the start)");
  sub->add_option("--sex", f.sex, "female or male (ideal body weight, eGFR, creatinine clearance)");
  sub->add_option("--creatinine", f.creatinine, "Baseline serum creatinine: 97umol/L, 1.1 mg/dL");
  sub->add_flag("--acknowledge-off-label", f.acknowledge_off_label,
                "Plan a label outside the population it is for (a child under an adult-only "
                "label); recorded on every output page");
}

bool any_request_flag(const RequestFlags& o) {
  return !o.input.empty() || !o.regimen.empty() || !o.weight.empty() || !o.start.empty() ||
         !o.dose.empty() || o.doses_per_day || !o.product.empty() || !o.market.empty() ||
         !o.induction.empty() || !o.maintenance.empty() || !o.phase_durations.empty() ||
         !o.cycles.empty() || !o.taper_step.empty() || !o.taper_every.empty() ||
         !o.height.empty() || !o.birth_date.empty() || !o.sex.empty() || !o.creatinine.empty() ||
         o.age || o.acknowledge_off_label;
}

PlanRequest to_request(const RequestFlags& o) {
  // The three values every plan needs, from the flags; a request file (--input) gives what the
  // flags leave out, and every flag given wins over the file.
  PlanRequest q;
  if (!o.regimen.empty()) q.regimen_id = o.regimen;
  if (!o.weight.empty()) q.weight = parse_body_mass(o.weight, "weight");
  if (!o.start.empty()) q.start = parse_date(o.start, "start");
  if (!o.input.empty()) {
    const PlanRequest from_flags = q;
    q = parse_plan_request(read_text_file(o.input, "input"), o.input, q);
    if (!o.regimen.empty()) q.regimen_id = from_flags.regimen_id;
    if (!o.weight.empty()) q.weight = from_flags.weight;
    if (!o.start.empty()) q.start = from_flags.start;
  }
  if (!o.dose.empty()) q.dose = parse_dose(o.dose, "dose");
  if (o.doses_per_day) q.doses_per_day = *o.doses_per_day;
  if (!o.product.empty()) q.product_id = o.product;
  if (!o.market.empty()) q.market = o.market;
  if (!o.induction.empty()) q.phase_durations["induction"] = parse_span(o.induction, "induction");
  if (!o.maintenance.empty()) {
    q.phase_durations["maintenance"] = parse_span(o.maintenance, "maintenance");
  }
  for (const std::string& pd : o.phase_durations) {
    const auto eq = pd.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error("input.bad_span", "phase-duration",
                  "\"" + pd + "\" is not ID=DURATION, e.g. induction=3mo",
                  zh_detail("{text} is not written as phase=length: write it as "
                            "--phase-duration induction=3mo.",
                            {{"text", pd}}));
    }
    q.phase_durations[pd.substr(0, eq)] = parse_span(pd.substr(eq + 1), "phase-duration");
  }
  if (!o.taper_step.empty()) q.taper_step = parse_dose_rate(o.taper_step, "taper-step");
  if (!o.taper_every.empty()) q.taper_every = parse_span(o.taper_every, "taper-every");
  if (!o.height.empty()) q.height = parse_height(o.height, "height");
  if (o.age) q.age_years = *o.age;
  if (!o.birth_date.empty()) q.birth_date = parse_date(o.birth_date, "birth-date");
  if (!o.sex.empty()) q.sex = parse_sex(o.sex, "sex");
  if (!o.creatinine.empty()) q.creatinine = parse_creatinine(o.creatinine, "creatinine");
  if (o.acknowledge_off_label) q.acknowledge_off_label = true;
  for (const std::string& c : o.cycles) {
    const auto eq = c.find('=');
    int n = 0;
    const bool ok = eq != std::string::npos && eq > 0 && eq + 1 < c.size() &&
                    c.find_first_not_of("0123456789", eq + 1) == std::string::npos &&
                    c.size() - eq - 1 <= 3;
    if (ok) n = std::stoi(c.substr(eq + 1));
    if (!ok || n < 1) {
      throw Error("input.bad_count", "cycles", "\"" + c + "\" is not ID=COUNT, e.g. pulses=12",
                  zh_detail("{text} is not written as phase=count (a whole number from 1 to "
                            "999): write it as --cycles pulses=12.",
                            {{"text", c}}));
    }
    q.cycle_counts[c.substr(0, eq)] = n;
  }
  if (q.regimen_id.empty())
    throw Error("input.missing", "regimen", "give --regimen ID (or \"regimen\" in --input)",
                zh_detail("The regimen is missing: the plan is made from it. Add it, e.g. "
                          "--regimen cyclosporine-itp (doseplan regimens lists them)."));
  if (in_kg(q.weight) == 0 && o.weight.empty() && o.input.empty()) {
    throw Error("input.missing", "weight", "give --weight, e.g. --weight 62kg",
                zh_detail("The body weight is missing: doses are counted from it and checked "
                          "against it. Add it, e.g. --weight 62kg."));
  }
  if (q.start == Date{} && o.start.empty() && o.input.empty()) {
    throw Error("input.missing", "start", "give --start YYYY-MM-DD, e.g. --start 2026-12-01",
                zh_detail("The start date is missing: the schedule is counted from it. Add it, "
                          "e.g. --start 2026-12-01."));
  }
  return q;
}

}  // namespace doseplan::cli
