#include <algorithm>
#include <climits>
#include <cmath>
#include <numeric>

#include "doseplan/dose.hpp"
#include "doseplan/error.hpp"
#include "doseplan/format.hpp"

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
std::string step_explanation(const Product& product) {
  if (product.form == Product::Form::iv_vial) return "the product's IV rounding step";
  if (!product.is_solid()) {
    return format_number(in_mg(DrugMass(*product.concentration * millilitres(1)))) + " mg/mL × " +
           format_mL(*product.volume_step) + " measurable";
  }
  std::string s = "greatest common divisor of ";
  for (std::size_t i = 0; i < product.strengths.size(); ++i) {
    s += (i ? ", " : "") + format_mg(product.strengths[i]);
  }
  return s;
}

// Rounds `exact_daily` to the product's step and shares it between `doses_per_day`
// administrations (see dose.hpp).
DailyDose round_and_split(DrugMass exact_daily, int doses_per_day, const Product& product) {
  DailyDose d;
  d.exact_daily = exact_daily;
  const DrugMass step = product.smallest_step();
  if (!(step > milligrams(0))) {
    throw Error("dose.not_representable", "product",
                product.name.en + " has no rounding step: its product entry is incomplete");
  }
  const double q = d.exact_daily / step;  // dimensionless: exact dose in steps
  auto steps = static_cast<long long>(std::floor(q + kEpsilon));
  if (q - static_cast<double>(steps) > 0.5 + kEpsilon) ++steps;  // nearest; a half goes down
  if (steps <= 0) {
    throw Error("dose.not_representable", "dose",
                "the daily dose " + format_mg(d.exact_daily) + " is less than half of " +
                    format_mg(step) + ", the smallest amount " + product.name.en + " can give");
  }
  if (steps < doses_per_day) {
    throw Error("dose.too_small_to_split", "doses-per-day",
                "the daily dose " + format_mg(step * static_cast<double>(steps)) +
                    " can not be split into " + std::to_string(doses_per_day) +
                    " doses of at least " + format_mg(step) + " each with " + product.name.en +
                    "; choose fewer doses a day");
  }
  // The audit: 2 or 3 steps here, one per dose, then up to 3 more added by the callers.
  d.audit.reserve(static_cast<std::size_t>(doses_per_day) + 6);
  d.rounded_daily = step * static_cast<double>(steps);
  d.deviation_percent = (d.rounded_daily - d.exact_daily) / d.exact_daily * 100.0;
  d.audit.push_back({"rounding step", step_explanation(product), format_mg(step),
                     "products.json: " + product.id});
  d.audit.push_back(
      {"rounded dose",
       format_mg(d.exact_daily) + " ÷ " + format_mg(step) + " = " + format_number(q, 3) +
           " steps → " + std::to_string(steps) + " steps (nearest; an exact half goes down)",
       format_mg(d.rounded_daily) + " (deviation " + format_mg(d.rounded_daily - d.exact_daily) +
           ", " + format_percent(d.deviation_percent) + ")",
       "rounding rule (docs/formulas.md)"});
  if (doses_per_day > 1) {
    d.audit.push_back({"split into doses",
                       std::to_string(steps) + " steps ÷ " + std::to_string(doses_per_day) +
                           " doses = " + std::to_string(steps / doses_per_day) + " each, " +
                           std::to_string(steps % doses_per_day) +
                           " left over, one each to the earliest doses",
                       "", "uneven-split rule (docs/formulas.md)"});
  }

  std::vector<long long> strength_steps;
  for (DrugMass s : product.strengths) strength_steps.push_back(std::llround(s / step));
  const long long base = steps / doses_per_day;
  const long long extra = steps % doses_per_day;
  const std::vector<Slot> slots = slots_for(doses_per_day);
  d.administrations.reserve(static_cast<std::size_t>(doses_per_day));
  for (int i = 0; i < doses_per_day; ++i) {
    Administration a;
    a.slot = slots[static_cast<std::size_t>(i)];
    const long long n = base + (i < extra ? 1 : 0);
    a.amount = step * static_cast<double>(n);
    if (product.is_solid()) {
      const auto counts = fewest_units(n, strength_steps);
      // With step = gcd of strengths every multiple of the step that is at least the largest
      // strength can be made; smaller odd amounts may not (e.g. strengths 50 and 75).
      if (!counts) {
        throw Error("dose.not_representable", "dose",
                    format_mg(a.amount) + " can not be made of " + product.name.en);
      }
      a.units = as_units(*counts, product.strengths);
    } else if (product.form == Product::Form::iv_vial) {
      a.intravenous = true;
      a.vials = vials_for(a.amount, product.strengths);
    } else {
      a.volume = DrugVolume(a.amount / *product.concentration);
    }
    d.audit.push_back({std::string(slot_name(a.slot)) + " dose", format_mg(a.amount),
                       describe_administration(a),
                       product.is_solid() ? "fewest units of " + product.id
                       : a.intravenous    ? "vials with the least left over, then the fewest"
                                          : "volume = amount ÷ concentration"});
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

DailyDose calculate_daily_dose(DoseRate rate, BodyMass weight, int doses_per_day,
                               const Product& product) {
  return calculate_dose(rate, BodySize{weight, std::nullopt}, doses_per_day, product);
}

DailyDose calculate_dose(const DoseValue& target, const BodySize& body, int doses_per_day,
                         const Product& product) {
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
                  "an mg/m2 dose needs the body-surface area: give --height (with --weight)");
    }
    exact = DrugMass(*per_area * *body.bsa) * static_cast<double>(doses_per_day);
  }
  std::string how;
  if (const auto* rate = std::get_if<DoseRate>(&target)) {
    how = format_dose_rate(*rate) + " × " + format_kg(body.weight) + " × 1 day";
  } else if (std::holds_alternative<DailyAmount>(target)) {
    how = format_number(in_mg_per_day(std::get<DailyAmount>(target))) + " mg/day × 1 day";
  } else if (const auto* per_dose = std::get_if<DrugMass>(&target)) {
    how = format_mg(*per_dose) + " × " + std::to_string(doses_per_day) + " a day";
  } else {
    how = format_number(in_mg_per_m2(std::get<DosePerArea>(target))) + " mg/m² × " +
          format_number(in_m2(*body.bsa), 4) + " m²";
  }
  d = round_and_split(exact, doses_per_day, product);
  d.audit.insert(d.audit.begin(),
                 AuditStep{doses_per_day > 1 || !std::holds_alternative<DosePerArea>(target)
                               ? "exact daily dose"
                               : "exact dose",
                           how, format_mg(exact), ""});
  d.target = target;
  const bool daily = std::holds_alternative<DoseRate>(target) ||
                     std::holds_alternative<DailyAmount>(target) || product.is_solid() ||
                     product.form == Product::Form::oral_solution;
  if (daily) {
    d.actual_rate = DoseRate(d.rounded_daily / (body.weight * one_day));
    d.audit.push_back({"actual dose", format_mg(d.rounded_daily) + " ÷ " + format_kg(body.weight),
                       format_dose_rate(*d.actual_rate), ""});
  }
  if (body.bsa && std::holds_alternative<DosePerArea>(target)) {
    d.actual_per_area =
        DosePerArea(d.rounded_daily / static_cast<double>(doses_per_day) / *body.bsa);
    d.audit.push_back(
        {"actual dose",
         format_mg(d.rounded_daily) + " ÷ " + format_number(in_m2(*body.bsa), 4) + " m²",
         format_number(in_mg_per_m2(*d.actual_per_area)) + " mg/m²", ""});
  }
  return d;
}

std::string describe_administration(const Administration& a) {
  if (a.cells) return format_number(a.cells->millions) + " million cells IV";
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
    std::string out = format_mg(a.amount) + " IV";
    if (!a.vials.empty()) out += " (vials: " + list(a.vials) + ")";
    return out;
  }
  return list(a.units);
}

}  // namespace doseplan
