#include "doseplan/wording.hpp"

#include <algorithm>
#include <cctype>
#include <string>

#include "doseplan/format.hpp"

namespace doseplan {

namespace {
// "1 capsule of 100 mg + 1 capsule of 50 mg": each term a catalogue phrase, joined by " + ".
std::string unit_counts(const std::vector<UnitCount>& units, Product::Form form, Lang lang) {
  std::string out;
  for (const UnitCount& u : units) {
    const bool one = u.count == 1;
    const char* key = nullptr;
    switch (form) {
      case Product::Form::tablet:
        key = one ? "{count} tablet of {strength}" : "{count} tablets of {strength}";
        break;
      case Product::Form::iv_vial:
        key = one ? "{count} vial of {strength}" : "{count} vials of {strength}";
        break;
      default:
        key = one ? "{count} capsule of {strength}" : "{count} capsules of {strength}";
    }
    if (!out.empty()) out += " + ";
    out += fill(tr(lang, key),
                {{"count", std::to_string(u.count)}, {"strength", format_mg(u.strength, lang)}});
  }
  return out;
}
}  // namespace

std::string patient_units(const Administration& a, Product::Form form, Lang lang) {
  if (a.cells) return fill(tr(lang, "{cells} IV"), {{"cells", format_cells(*a.cells, lang)}});
  if (a.volume) {
    return fill(tr(lang, "{volume} ({amount})"),
                {{"volume", format_number(in_mL(*a.volume), 2, lang) + " mL"},
                 {"amount", format_mg(a.amount, lang)}});
  }
  if (!a.intravenous) return unit_counts(a.units, form, lang);
  const std::string amount = format_mg(a.amount, lang);
  if (a.vials.empty()) return fill(tr(lang, "{amount} IV"), {{"amount", amount}});
  DrugMass prepared{};
  for (const UnitCount& v : a.vials) prepared += v.strength * static_cast<double>(v.count);
  const std::string vials = unit_counts(a.vials, Product::Form::iv_vial, lang);
  if (in_mg(prepared) > in_mg(a.amount) + 1e-9) {
    return fill(tr(lang, "{amount} IV (prepare {vials}; only {amount} of it is used)"),
                {{"amount", amount}, {"vials", vials}});
  }
  return fill(tr(lang, "{amount} IV (prepare {vials})"), {{"amount", amount}, {"vials", vials}});
}

std::string supply_units(const PhaseSupply& s, const Product& product, Lang lang) {
  if (s.total_cells) return format_cells(*s.total_cells, lang);
  if (s.volume) {
    const std::string volume = format_number(in_mL(*s.volume), 2, lang) + " mL";
    if (s.packs.empty()) return volume;
    const int n = s.packs.front();
    return fill(
        tr(lang, n == 1 ? "{volume} ({n} bottle of {size})" : "{volume} ({n} bottles of {size})"),
        {{"volume", volume},
         {"n", std::to_string(n)},
         {"size", format_number(in_mL(*product.pack_volume), 2, lang) + " mL"}});
  }
  if (!s.vials.empty()) return unit_counts(s.vials, Product::Form::iv_vial, lang);
  std::string out = unit_counts(s.units, product.form, lang);
  if (!s.packs.empty()) {
    std::string packs;
    for (std::size_t i = 0; i < s.packs.size() && i < s.units.size(); ++i) {
      if (!packs.empty()) packs += " + ";
      packs += fill(tr(lang, s.packs[i] == 1 ? "{n} pack of {size} × {strength}"
                                             : "{n} packs of {size} × {strength}"),
                    {{"n", std::to_string(s.packs[i])},
                     {"size", std::to_string(*product.pack_count)},
                     {"strength", format_mg(s.units[i].strength, lang)}});
    }
    out += " (" + packs + ")";
  }
  return out;
}

std::string cumulative_text(const PhaseSupply& s, Lang lang) {
  if (s.cumulative_cells) return format_cells(*s.cumulative_cells, lang);
  const auto with_grams = [lang](double mg, const char* unit, int decimals) {
    std::string text = format_number(mg, decimals, lang) + " mg" + unit;
    if (mg >= 1000) {
      text +=
          fill(tr(lang, " ({text})"), {{"text", format_number(mg / 1000, 3, lang) + " g" + unit}});
    }
    return text;
  };
  std::string out = with_grams(in_mg(s.cumulative), "", 2);
  // Per m2 to the whole mg/m2: a ratio whose decimals mean nothing.
  if (s.cumulative_per_area)
    out += " = " + with_grams(in_mg_per_m2(*s.cumulative_per_area), "/m²", 0);
  return out;
}

LocalizedText supply_note(const Product& product) {
  LocalizedText pack = tr_both(
      "Packs: the sources doseplan cites give no pack size for this product; ask the "
      "pharmacy how many come in a pack.");
  if (product.pack_volume) {
    pack = tr_both("Pack size: a bottle of {size}.",
                   {{"size", same_text(format_mL(*product.pack_volume))}});
  } else if (product.pack_count) {
    pack = tr_both("Pack size: {size} in a pack.",
                   {{"size", same_text(std::to_string(*product.pack_count))}});
  }
  if (product.form == Product::Form::cells || product.form == Product::Form::iv_vial)
    pack = tr_both("Given at the clinic: the vials or cells are prepared there.");
  return pack;
}

LocalizedText cumulative_note() {
  return tr_both(
      "Totals are the plan's arithmetic (each phase's daily dose × its days, steps taken only if "
      "needed included); no source doseplan cites discusses a cumulative limit.");
}

bool is_trough(const VisitItem& item) {
  const auto says_trough = [](std::string text) {
    for (char& c : text) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (text.find("trough") != std::string::npos) return true;
    for (std::size_t at = text.find("c0"); at != std::string::npos; at = text.find("c0", at + 1)) {
      const bool word_start = at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]));
      const bool word_end =
          at + 2 == text.size() || !std::isalnum(static_cast<unsigned char>(text[at + 2]));
      if (word_start && word_end) return true;
    }
    return false;
  };
  if (says_trough(item.name.en) || says_trough(item.timing.en)) return true;
  if (item.timing.zh.find("\u8c37\u6d53\u5ea6") != std::string::npos) return true;  // 谷浓度
  for (const std::string& id : item.tests)
    if (says_trough(id)) return true;
  return false;
}

bool has_trough(const Visit& v) {
  for (const VisitItem& item : v.items)
    if (is_trough(item)) return true;
  return false;
}

std::string trough_day_text(const Plan& plan, Lang lang) {
  return fill(tr(lang, "Today: draw blood for the {drug} level first, then take the morning dose."),
              {{"drug", pick(plan.regimen.drug.name, lang)}});
}

std::string trough_dose_mark(Lang lang) {
  return tr(lang, "after the blood draw");
}

std::string trough_footnote(const Plan& plan, Lang lang) {
  const char* key =
      plan.doses_per_day.value == 2
          ? "On the day of the blood draw take no morning dose of {drug} before the draw; take it "
            "after the draw. The draw should be about 12 hours after the evening dose."
          : "On the day of the blood draw take no morning dose of {drug} before the draw; take it "
            "after the draw.";
  return fill(tr(lang, key), {{"drug", pick(plan.regimen.drug.name, lang)}});
}

std::string twice_daily_text(const Plan& plan, Lang lang) {
  if (plan.doses_per_day.value != 2) return "";
  for (const PlannedPhase& ph : plan.phases) {
    if (ph.cycle || ph.dose.administrations.size() != 2) return "";
    for (const Administration& a : ph.dose.administrations)
      if (a.intravenous || a.cells) return "";
  }
  return tr(lang, "Morning and evening, about 12 hours apart, at the same times every day.");
}

std::string phase_step_name(const std::string& name, bool cycle, int first, int last, int steps,
                            Lang lang) {
  if (steps == 0) return name;
  std::string n = std::to_string(first);
  if (last != first) n += "\u2013" + std::to_string(last);
  return fill(
      tr(lang, cycle ? "{name}: administration {n} of {steps}" : "{name}: step {n} of {steps}"),
      {{"name", name}, {"n", n}, {"steps", std::to_string(steps)}});
}

std::string drug_heading(const Regimen::Drug& drug, Lang lang) {
  if (lang == Lang::en) return drug.name.en + " (" + drug.name.zh + ")";
  // The English name's trailing abbreviation stands for it when it has one
  // ("umbilical-cord mesenchymal stem cells (MSC)" -> "MSC").
  std::string english = drug.name.en;
  const std::size_t open = english.rfind(" (");
  if (open != std::string::npos && english.back() == ')') {
    const std::string inside = english.substr(open + 2, english.size() - open - 3);
    const bool abbreviation =
        inside.size() >= 2 && std::all_of(inside.begin(), inside.end(), [](char c) {
          return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        });
    if (abbreviation) english = inside;
  }
  if (drug.also_known_as.zh.empty()) {
    return fill(tr(lang, "{name} ({english})"), {{"name", drug.name.zh}, {"english", english}});
  }
  return fill(tr(lang, "{name} (also known as {others}; {english})"),
              {{"name", drug.name.zh}, {"others", drug.also_known_as.zh}, {"english", english}});
}

}  // namespace doseplan
