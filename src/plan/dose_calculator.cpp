#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>

#include "doseplan/dose.hpp"
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/wording.hpp"

namespace doseplan {
namespace {

// Tolerance for floating-point noise when comparing amounts already in whole steps.
constexpr double kEpsilon = 1e-9;

// Fewest units of the given strengths (in whole steps) adding up to `target` steps.
// Returns counts per strength (same order as `strengths`), or nothing if impossible.
std::optional<std::vector<int>> fewest_units(long long target,
                                             const std::vector<long long>& strengths) {
  std::vector<int> best(static_cast<std::size_t>(target + 1), INT_MAX);
  std::vector<int> last(static_cast<std::size_t>(target + 1), -1);
  best[0] = 0;
  for (long long amount = 1; amount <= target; ++amount) {
    // Larger strengths first, so that ties prefer them.
    for (int i = static_cast<int>(strengths.size()) - 1; i >= 0; --i) {
      const long long s = strengths[static_cast<std::size_t>(i)];
      if (s > amount || best[static_cast<std::size_t>(amount - s)] == INT_MAX) continue;
      const int candidate = best[static_cast<std::size_t>(amount - s)] + 1;
      if (candidate < best[static_cast<std::size_t>(amount)]) {
        best[static_cast<std::size_t>(amount)] = candidate;
        last[static_cast<std::size_t>(amount)] = i;
      }
    }
  }
  if (best[static_cast<std::size_t>(target)] == INT_MAX) return std::nullopt;
  std::vector<int> counts(strengths.size(), 0);
  for (long long amount = target; amount > 0;) {
    const int i = last[static_cast<std::size_t>(amount)];
    ++counts[static_cast<std::size_t>(i)];
    amount -= strengths[static_cast<std::size_t>(i)];
  }
  return counts;
}

std::vector<UnitCount> as_units(const std::vector<int>& counts,
                                const std::vector<DrugMass>& sizes) {
  std::vector<UnitCount> out;
  for (int k = static_cast<int>(counts.size()) - 1; k >= 0; --k) {
    const int c = counts[static_cast<std::size_t>(k)];
    if (c > 0) out.push_back({c, sizes[static_cast<std::size_t>(k)]});
  }
  return out;
}

// The vials that hold `amount` with the least left over, and the fewest vials among those.
std::vector<UnitCount> vials_for(DrugMass amount, const std::vector<DrugMass>& sizes) {
  if (sizes.empty()) return {};
  long long g = 0;
  for (DrugMass s : sizes) g = std::gcd(g, std::llround(in_mg(s)));
  if (g <= 0) return {};
  std::vector<long long> steps;
  for (DrugMass s : sizes) steps.push_back(std::llround(in_mg(s)) / g);
  const auto need =
      static_cast<long long>(std::ceil(in_mg(amount) / static_cast<double>(g) - kEpsilon));
  const long long largest = *std::max_element(steps.begin(), steps.end());
  for (long long total = need; total <= need + largest; ++total) {
    if (const auto counts = fewest_units(total, steps)) return as_units(*counts, sizes);
  }
  return {};
}

// How the product's rounding step is made.
LocalizedText step_explanation(const Product& product) {
  if (product.form == Product::Form::iv_vial) return tr_both("the product's IV rounding step");
  if (!product.is_solid()) {
    return tr_both(
        "{concentration} mg/mL × {volume} measurable",
        {{"concentration",
          same_text(format_number(in_mg(DrugMass(*product.concentration * millilitres(1)))))},
         {"volume", same_text(format_mL(*product.volume_step))}});
  }
  return tr_both("greatest common divisor of {strengths}",
                 {{"strengths", strengths_text(product.strengths)}});
}

// The audit of the rounding: the step, the rounded dose, the cap (when the nearest amount was
// above `at_most`) and the split. 2 to 4 steps, then one per dose, then up to 3 more added by the
// callers.
void explain_rounding(DailyDose& d, const Product& product, DrugMass step, double q,
                      long long nearest_steps, long long steps, int doses_per_day,
                      std::optional<DrugMass> at_most) {
  d.audit.reserve(static_cast<std::size_t>(doses_per_day) + 6);
  d.audit.push_back({tr_both("rounding step"), step_explanation(product), mg_text(step),
                     same_text("products.json: " + product.id)});
  d.audit.push_back(
      {tr_both("rounded dose"),
       tr_both("{exact} ÷ {step} = {q} steps → {n} steps (nearest; an exact half goes down)",
               {{"exact", mg_text(d.exact_daily)},
                {"step", mg_text(step)},
                {"q", same_text(format_number(q, 3))},
                {"n", same_text(std::to_string(nearest_steps))}}),
       tr_both("{rounded} (deviation {difference}, {percent})",
               {{"rounded", mg_text(d.rounded_daily)},
                {"difference", mg_text(d.rounded_daily - d.exact_daily)},
                {"percent", same_text(format_percent(d.deviation_percent))}}),
       tr_both("rounding rule (docs/formulas.md)")});
  if (d.nearest_daily) {
    d.audit.push_back(
        {tr_both("rounded down to the maximum"),
         tr_both("the nearest amount {nearest} is above the maximum {maximum}: the largest "
                 "amount at or below it",
                 {{"nearest", mg_text(*d.nearest_daily)}, {"maximum", mg_text(*at_most)}}),
         mg_text(d.rounded_daily), tr_both("the regimen's maximum")});
  }
  if (doses_per_day > 1) {
    d.audit.push_back(
        {tr_both("split into doses"),
         tr_both("{steps} steps ÷ {doses} doses = {each} each, {left} left over, one each to the "
                 "earliest doses",
                 {{"steps", same_text(std::to_string(steps))},
                  {"doses", same_text(std::to_string(doses_per_day))},
                  {"each", same_text(std::to_string(steps / doses_per_day))},
                  {"left", same_text(std::to_string(steps % doses_per_day))}}),
         {},
         tr_both("uneven-split rule (docs/formulas.md)")});
  }
}

// One administration of `n` steps: the units of a solid, the vials of an IV dose, or the
// volume of a solution. Throws dose.not_representable for an amount the strengths can not make.
Administration administer(Slot slot, long long n, DrugMass step, const Product& product,
                          const std::vector<long long>& strength_steps) {
  Administration a;
  a.slot = slot;
  a.amount = step * static_cast<double>(n);
  if (product.is_solid()) {
    const auto counts = fewest_units(n, strength_steps);
    // With step = gcd of strengths every multiple of the step that is at least the largest
    // strength can be made; smaller odd amounts may not (e.g. strengths 50 and 75).
    if (!counts) {
      throw Error("dose.not_representable", "dose",
                  format_mg(a.amount) + " can not be made of " + product.name.en,
                  zh_detail("{amount} can not be made of the strengths of {product}: discuss "
                            "another dose or product with the doctor.",
                            {{"amount", without_thousands(format_mg(a.amount))},
                             {"product", product.name.zh}}));
    }
    a.units = as_units(*counts, product.strengths);
  } else if (product.form == Product::Form::iv_vial) {
    a.intravenous = true;
    a.vials = vials_for(a.amount, product.strengths);
  } else {
    a.volume = DrugVolume(a.amount / *product.concentration);
  }
  return a;
}

// Rounds `exact_daily` to the product's step and shares it between `doses_per_day`
// administrations (see dose.hpp).
DailyDose round_and_split(DrugMass exact_daily, int doses_per_day, const Product& product,
                          bool explain, std::optional<DrugMass> at_most) {
  DailyDose d;
  d.exact_daily = exact_daily;
  const DrugMass step = product.smallest_step();
  if (!(step > milligrams(0))) {
    throw Error("dose.not_representable", "product",
                product.name.en + " has no rounding step: its product entry is incomplete",
                zh_detail("{product} has no rounding step: its entry in rules/products.json is "
                          "incomplete.",
                          {{"product", product.name.zh}}));
  }
  const double q = d.exact_daily / step;  // dimensionless: exact dose in steps
  auto steps = static_cast<long long>(std::floor(q + kEpsilon));
  if (q - static_cast<double>(steps) > 0.5 + kEpsilon) ++steps;  // nearest; a half goes down
  const long long nearest_steps = steps;
  if (at_most && step * static_cast<double>(steps) > *at_most + milligrams(kEpsilon)) {
    d.nearest_daily = step * static_cast<double>(steps);
    steps = static_cast<long long>(std::floor(*at_most / step + kEpsilon));
  }
  if (steps <= 0) {
    throw Error("dose.not_representable", "dose",
                "the daily dose " + format_mg(d.exact_daily) + " is less than half of " +
                    format_mg(step) + ", the smallest amount " + product.name.en + " can give",
                zh_detail("The daily dose {exact} is less than half of {step}, the smallest amount "
                          "{product} can give: discuss a product with smaller units (--product) "
                          "with the doctor.",
                          {{"exact", without_thousands(format_mg(d.exact_daily))},
                           {"step", without_thousands(format_mg(step))},
                           {"product", product.name.zh}}));
  }
  if (steps < doses_per_day) {
    throw Error(
        "dose.too_small_to_split", "doses-per-day",
        "the daily dose " + format_mg(step * static_cast<double>(steps)) +
            " can not be split into " + std::to_string(doses_per_day) + " doses of at least " +
            format_mg(step) + " each with " + product.name.en + "; choose fewer doses a day",
        zh_detail("The daily dose {daily} can not be split into {n} doses of at least "
                  "{step} each with {product}: choose fewer doses a day "
                  "(--doses-per-day).",
                  {{"daily", without_thousands(format_mg(step * static_cast<double>(steps)))},
                   {"n", std::to_string(doses_per_day)},
                   {"step", without_thousands(format_mg(step))},
                   {"product", product.name.zh}}));
  }
  d.rounded_daily = step * static_cast<double>(steps);
  d.deviation_percent = (d.rounded_daily - d.exact_daily) / d.exact_daily * 100.0;
  if (explain) {
    explain_rounding(d, product, step, q, nearest_steps, steps, doses_per_day, at_most);
  }

  std::vector<long long> strength_steps;
  for (DrugMass s : product.strengths) strength_steps.push_back(std::llround(s / step));
  const long long base = steps / doses_per_day;
  const long long extra = steps % doses_per_day;
  const std::vector<Slot> slots = slots_for(doses_per_day);
  d.administrations.reserve(static_cast<std::size_t>(doses_per_day));
  for (int i = 0; i < doses_per_day; ++i) {
    const long long n = base + (i < extra ? 1 : 0);
    Administration a =
        administer(slots[static_cast<std::size_t>(i)], n, step, product, strength_steps);
    if (explain) {
      d.audit.push_back(
          {tr_both("{slot} dose", {{"slot", tr_both(slot_name(a.slot))}}),
           mg_text(a.amount),
           {patient_units(a, product.form, Lang::en), patient_units(a, product.form, Lang::zh_CN)},
           product.is_solid()
               ? tr_both("fewest units of {product}", {{"product", same_text(product.id)}})
           : a.intravenous ? tr_both("vials with the least left over, then the fewest")
                           : tr_both("volume = amount ÷ concentration")});
    }
    d.administrations.push_back(std::move(a));
  }
  return d;
}

}  // namespace

const char* slot_name(Slot s) {
  switch (s) {
    case Slot::morning:
      return "morning";
    case Slot::noon:
      return "noon";
    case Slot::evening:
      return "evening";
    case Slot::bedtime:
      return "bedtime";
  }
  return "";
}

std::vector<Slot> slots_for(int doses_per_day) {
  switch (doses_per_day) {
    case 1:
      return {Slot::morning};
    case 2:
      return {Slot::morning, Slot::evening};
    case 3:
      return {Slot::morning, Slot::noon, Slot::evening};
    default:
      return {Slot::morning, Slot::noon, Slot::evening, Slot::bedtime};
  }
}

namespace {

// How the exact dose is made from the target, for the audit.
LocalizedText exact_dose_how(const DoseValue& target, const BodySize& body, int doses_per_day) {
  if (const auto* rate = std::get_if<DoseRate>(&target)) {
    return tr_both("{rate} × {weight} × 1 day",
                   {{"rate", dose_text(*rate)}, {"weight", same_text(format_kg(body.weight))}});
  }
  if (std::holds_alternative<DailyAmount>(target)) {
    return tr_both("{amount} × 1 day", {{"amount", dose_text(target)}});
  }
  if (const auto* per_dose = std::get_if<DrugMass>(&target)) {
    return tr_both("{dose} × {n} a day",
                   {{"dose", mg_text(*per_dose)}, {"n", same_text(std::to_string(doses_per_day))}});
  }
  return same_text(format_number(in_mg_per_m2(std::get<DosePerArea>(target))) + " mg/m² × " +
                   format_number(in_m2(*body.bsa), 4) + " m²");
}

}  // namespace

DailyDose calculate_daily_dose(DoseRate rate, BodyMass weight, int doses_per_day,
                               const Product& product) {
  return calculate_dose(rate, BodySize{weight, std::nullopt}, doses_per_day, product);
}

DailyDose calculate_dose(const DoseValue& target, const BodySize& body, int doses_per_day,
                         const Product& product, bool explain, std::optional<DrugMass> at_most) {
  const Duration one_day = days(1);
  DailyDose d;
  if (const auto* cells = std::get_if<CellCount>(&target)) {
    Administration a;
    a.cells = *cells;
    a.intravenous = true;
    d.administrations.push_back(a);
    d.target = target;
    return d;
  }
  DrugMass exact{};
  if (const auto* rate = std::get_if<DoseRate>(&target)) {
    exact = DrugMass(*rate * body.weight * one_day);
  } else if (const auto* amount = std::get_if<DailyAmount>(&target)) {
    exact = DrugMass(*amount * one_day);
  } else if (const auto* per_dose = std::get_if<DrugMass>(&target)) {
    exact = *per_dose * static_cast<double>(doses_per_day);
  } else if (const auto* per_area = std::get_if<DosePerArea>(&target)) {
    if (!body.bsa) {
      throw Error("input.missing", "height",
                  "an mg/m2 dose needs the body-surface area: give --height (with --weight)",
                  zh_detail("A dose in mg/m2 is counted from the body-surface area, which needs "
                            "the height: add it, e.g. --height 165cm."));
    }
    exact = DrugMass(*per_area * *body.bsa) * static_cast<double>(doses_per_day);
  }
  d = round_and_split(exact, doses_per_day, product, explain, std::move(at_most));
  if (explain) {
    d.audit.insert(
        d.audit.begin(),
        AuditStep{tr_both(doses_per_day > 1 || !std::holds_alternative<DosePerArea>(target)
                              ? "exact daily dose"
                              : "exact dose"),
                  exact_dose_how(target, body, doses_per_day),
                  mg_text(exact),
                  {}});
  }
  d.target = target;
  const bool daily = std::holds_alternative<DoseRate>(target) ||
                     std::holds_alternative<DailyAmount>(target) || product.is_solid() ||
                     product.form == Product::Form::oral_solution;
  if (daily) {
    d.actual_rate = DoseRate(d.rounded_daily / (body.weight * one_day));
    if (explain)
      d.audit.push_back(
          {tr_both("actual dose"),
           LocalizedText{format_mg(d.rounded_daily) + " ÷ " + format_kg(body.weight),
                         format_mg(d.rounded_daily, Lang::zh_CN) + " ÷ " + format_kg(body.weight)},
           dose_text(*d.actual_rate),
           {}});
  }
  if (body.bsa && std::holds_alternative<DosePerArea>(target)) {
    d.actual_per_area =
        DosePerArea(d.rounded_daily / static_cast<double>(doses_per_day) / *body.bsa);
    if (explain)
      d.audit.push_back({tr_both("actual dose"),
                         LocalizedText{format_mg(d.rounded_daily) + " ÷ " +
                                           format_number(in_m2(*body.bsa), 4) + " m²",
                                       format_mg(d.rounded_daily, Lang::zh_CN) + " ÷ " +
                                           format_number(in_m2(*body.bsa), 4) + " m²"},
                         dose_text(*d.actual_per_area),
                         {}});
  }
  return d;
}

std::string describe_administration(const Administration& a) {
  return describe_administration(a, Lang::en);
}

std::string describe_administration(const Administration& a, Lang lang) {
  if (a.cells) {
    return fill(tr(lang, "{n} million cells IV"), {{"n", format_number(a.cells->millions)}});
  }
  if (a.volume) return format_mL(*a.volume) + " (" + format_mg(a.amount) + ")";
  const auto list = [](const std::vector<UnitCount>& units) {
    std::string out;
    for (const UnitCount& u : units) {
      if (!out.empty()) out += " + ";
      out += std::to_string(u.count) + " \u00d7 " + format_mg(u.strength);
    }
    return out;
  };
  if (a.intravenous) {
    return fill(tr(lang, a.vials.empty() ? "{amount} IV" : "{amount} IV (vials: {vials})"),
                {{"amount", format_mg(a.amount)}, {"vials", list(a.vials)}});
  }
  return list(a.units);
}

}  // namespace doseplan
