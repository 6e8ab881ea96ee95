// The product's strengths as a plan uses them: the market's strengths, their provenance, and
// what the plan says about them (product_market.hpp).
#include "plan/product_market.hpp"

#include <algorithm>

#include "doseplan/error.hpp"
#include "doseplan/format.hpp"
#include "doseplan/i18n.hpp"
#include "doseplan/provenance.hpp"

namespace doseplan::detail {
namespace {

const MarketLimit* limit_of(const Product& p, DrugMass strength) {
  for (const MarketLimit& m : p.market_limited)
    if (m.strength == strength) return &m;
  return nullptr;
}

bool sold_in(const Product& p, DrugMass strength, const std::string& market) {
  const MarketLimit* limit = limit_of(p, strength);
  return !limit ||
         std::find(limit->markets.begin(), limit->markets.end(), market) != limit->markets.end();
}

// "New Zealand, United Kingdom" / "新西兰、英国".
LocalizedText markets_text(const RuleSet& rules, const std::vector<std::string>& ids) {
  LocalizedText out;
  for (const std::string& id : ids) {
    const Market* m = rules.find_market(id);
    const LocalizedText name = m ? m->name : same_text(id);
    out.en += (out.en.empty() ? "" : ", ") + name.en;
    out.zh += (out.zh.empty() ? "" : "、") + name.zh;
  }
  return out;
}

// "source neoral-label" (the plan's bibliography gives the document and the quote), "secondary
// source …", or "project default: …".
LocalizedText from_text(const Product& p, const Provenance& from) {
  if (from.project_default) return tr_both("project default: {reason}", {{"reason", from.reason}});
  return {provenance_words(p.sources, from, Lang::en),
          provenance_words(p.sources, from, Lang::zh_CN)};
}

// The strengths the plan's administrations use, smallest first.
std::vector<DrugMass> strengths_used(const Plan& plan) {
  std::vector<DrugMass> used;
  for (const PlannedPhase& ph : plan.phases)
    for (const Administration& a : ph.dose.administrations)
      for (const auto* list : {&a.units, &a.vials})
        for (const UnitCount& u : *list)
          if (std::find(used.begin(), used.end(), u.strength) == used.end())
            used.push_back(u.strength);
  std::sort(used.begin(), used.end());
  return used;
}

}  // namespace

Product product_in_market(const RuleSet& rules, const Product& product,
                          const std::optional<std::string>& market) {
  if (!market) return product;
  if (!rules.find_market(*market)) {
    std::string known;
    std::string known_zh;  // "us（美国）、nz（新西兰）"
    for (const Market& m : rules.markets) {
      known += (known.empty() ? "" : ", ") + m.id + " (" + m.name.en + ")";
      known_zh += (known_zh.empty() ? "" : "\u3001") + m.id + "\uff08" + m.name.zh + "\uff09";
    }
    throw Error("input.unknown_market", "market",
                "no market \"" + *market + "\"; known: " +
                    (known.empty() ? "none (products.json lists no markets)" : known),
                zh_detail("There is no market {id}: use one of {known}.",
                          {{"id", *market}, {"known", known_zh}}));
  }
  Product sold = product;
  std::erase_if(sold.strengths, [&](DrugMass s) { return !sold_in(product, s, *market); });
  if (sold.strengths.empty() && !product.strengths.empty()) {
    throw Error("input.not_sold_in_market", "market",
                "no strength of " + product.id + " (" + strengths_text(product.strengths).en +
                    ") is sold in market \"" + *market + "\"; choose another product or market",
                zh_detail("No strength of {product} ({strengths}) is sold in market {market}: "
                          "choose another product (--product) or market (--market).",
                          {{"product", product.name.zh},
                           {"strengths", without_thousands(strengths_text(product.strengths).zh)},
                           {"market", *market}}));
  }
  return sold;
}

void describe_product(Plan& plan, const RuleSet& rules, const PlanRequest& q) {
  const Product& p = plan.product;
  const Product* full = rules.find_product(p.id);
  if (q.market) plan.market = *rules.find_market(*q.market);
  if (p.concentration) {
    plan.product_notes.push_back(tr_both(
        "Concentration {concentration} ({from})",
        {{"concentration",
          same_text(format_number(in_mg(DrugMass(*p.concentration * millilitres(1)))) + " mg/mL")},
         {"from", from_text(p, p.from)}}));
  }
  if (p.strengths.empty()) return;
  const std::vector<DrugMass> used = strengths_used(plan);
  plan.product_notes.push_back(
      tr_both("Strengths: {strengths} ({from}); this plan uses {used}",
              {{"strengths", strengths_text(p.strengths)},
               {"from", from_text(p, p.from)},
               {"used", used.empty() ? tr_both("none") : strengths_text(used)}}));
  if (plan.market) {
    std::vector<DrugMass> left_out;
    if (full)
      for (DrugMass s : full->strengths)
        if (std::find(p.strengths.begin(), p.strengths.end(), s) == p.strengths.end())
          left_out.push_back(s);
    plan.product_notes.push_back(
        left_out.empty()
            ? tr_both(
                  "Market {market} (--market {id}): every strength of this product is sold there",
                  {{"market", plan.market->name}, {"id", same_text(plan.market->id)}})
            : tr_both("Market {market} (--market {id}): only the strengths sold there are used; "
                      "{left_out} is not sold there",
                      {{"market", plan.market->name},
                       {"id", same_text(plan.market->id)},
                       {"left_out", strengths_text(left_out)}}));
    return;
  }
  for (const MarketLimit& m : p.market_limited) {
    if (std::find(used.begin(), used.end(), m.strength) == used.end()) continue;
    plan.product_notes.push_back(tr_both(
        "{strength} is sold only in some markets: {markets} ({from}). No market was chosen, so "
        "this plan uses it; where it is not sold, plan again with the market (--market)",
        {{"strength", mg_text(m.strength)},
         {"markets", markets_text(rules, m.markets)},
         {"from", from_text(p, m.from)}}));
  }
}

std::vector<PlannedPhase> build_phases_with_hint(const RuleSet& rules, const Regimen& regimen,
                                                 const PlanRequest& request, const Product& product,
                                                 const BodySize& body,
                                                 const std::optional<DoseValue>& chosen,
                                                 int doses_per_day) {
  try {
    return build_phases(regimen, request, product, body, chosen, doses_per_day);
  } catch (const Error& e) {
    const Product* solution = nullptr;
    for (const std::string& id : regimen.products) {
      const Product* p = rules.find_product(id);
      if (p && p->form == Product::Form::oral_solution && p->id != product.id && !solution)
        solution = p;
    }
    std::vector<Problem> problems = e.problems();
    for (Problem& p : problems) {
      if (p.id != "dose.too_small_to_split" || !solution) continue;
      p.message += ", or the oral solution (--product " + solution->id + "), which measures " +
                   format_mg(solution->smallest_step()) + " steps";
      if (!p.message_zh.empty()) {
        p.message_zh +=
            zh_detail("Or use the oral solution (--product {id}), which measures steps of {step}.",
                      {{"id", solution->id},
                       {"step", without_thousands(format_mg(solution->smallest_step()))}});
      }
    }
    throw Error(std::move(problems));
  }
}

}  // namespace doseplan::detail
