// plan_supply(): what each phase needs of the product (capsules, mL, vials, packs), until when it
// lasts, and the course's running total dose (issue 20, docs/supply.md). Arithmetic of the plan's
// own doses: nothing here is a clinical number.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "doseplan/plan.hpp"

namespace doseplan {
namespace {

// Adds `count` units of `strength` to `into`, keeping one element per strength, largest first.
void add_units(std::vector<UnitCount>& into, DrugMass strength, int count) {
  for (UnitCount& u : into) {
    if (u.strength == strength) {
      u.count += count;
      return;
    }
  }
  into.push_back({count, strength});
  std::sort(into.begin(), into.end(),
            [](const UnitCount& a, const UnitCount& b) { return a.strength > b.strength; });
}

// Whole packs holding `need` (rounded up): a part pack is a pack to get.
int whole_packs(double need, double per_pack) {
  return static_cast<int>(std::ceil(need / per_pack - 1e-9));
}

// One phase's needs, without the running total.
PhaseSupply phase_supply(const PlannedPhase& p, const Product& product) {
  PhaseSupply s;
  s.days = p.cycle ? 1 : static_cast<int>((p.last - p.first).count()) + 1;
  s.lasts_until = p.last;
  const double days = s.days;
  s.total = p.dose.rounded_daily * days;
  for (const Administration& a : p.dose.administrations) {
    s.administrations += s.days;
    for (const UnitCount& u : a.units) add_units(s.units, u.strength, u.count * s.days);
    for (const UnitCount& v : a.vials) add_units(s.vials, v.strength, v.count * s.days);
    if (a.volume) s.volume = s.volume.value_or(DrugVolume{}) + *a.volume * days;
    if (a.cells) {
      const double before = s.total_cells ? s.total_cells->millions : 0;
      s.total_cells = CellCount{before + a.cells->millions * days};
    }
  }
  if (product.pack_count) {
    for (const UnitCount& u : s.units) s.packs.push_back(whole_packs(u.count, *product.pack_count));
  } else if (product.pack_volume && s.volume) {
    s.packs.push_back(whole_packs(in_mL(*s.volume), in_mL(*product.pack_volume)));
  }
  return s;
}

}  // namespace

std::vector<PhaseSupply> plan_supply(const std::vector<PlannedPhase>& phases,
                                     const std::vector<Visit>& visits, const Product& product,
                                     std::optional<Area> bsa) {
  std::vector<PhaseSupply> out;
  out.reserve(phases.size());
  DrugMass cumulative{};
  std::optional<CellCount> cumulative_cells;
  for (const PlannedPhase& p : phases) {
    PhaseSupply s = phase_supply(p, product);
    for (const Visit& v : visits) {
      if (v.date >= p.first && v.date <= p.last) s.visit_before = v.date;
    }
    cumulative += s.total;
    s.cumulative = cumulative;
    if (s.total_cells) {
      cumulative_cells =
          CellCount{(cumulative_cells ? cumulative_cells->millions : 0) + s.total_cells->millions};
      s.cumulative_cells = cumulative_cells;
    }
    if (bsa && !s.total_cells) s.cumulative_per_area = cumulative / *bsa;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace doseplan
