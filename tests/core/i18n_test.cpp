// The two languages: the catalogue look-up, placeholders, spans and doses (docs/i18n.md).
#include <catch2/catch.hpp>

#include "doseplan/i18n.hpp"

using namespace doseplan;

TEST_CASE("fill replaces each named placeholder once, in one pass") {
  CHECK(fill("{a} and {b}", {{"a", "1"}, {"b", "2"}}) == "1 and 2");
  CHECK(fill("{a}{a}", {{"a", "x"}}) == "xx");
  // A value is never searched for placeholders itself; an unknown one is kept.
  CHECK(fill("{a} {b}", {{"a", "{b}"}, {"b", "2"}}) == "{b} 2");
  CHECK(fill("{unknown} {a}", {{"a", "1"}}) == "{unknown} 1");
  CHECK(fill("no placeholder", {{"a", "1"}}) == "no placeholder");
  CHECK(fill("open { only", {{"a", "1"}}) == "open { only");
}

TEST_CASE("tr_both makes a sentence in both languages, each placeholder in its language") {
  REQUIRE(catalogue_available());
  // po/zh_CN/core.po: "re-check {span} after the dose change of {date}" ->
  // "{date}剂量调整后{span}复查" (the order changes in Chinese).
  const LocalizedText t =
      tr_both("re-check {span} after the dose change of {date}",
              {{"span", span_text(Span{2, Span::Unit::week})}, {"date", same_text("2027-03-01")}});
  CHECK(t.en == "re-check 2 weeks after the dose change of 2027-03-01");
  CHECK(t.zh == "2027-03-01剂量调整后2周复查");
  // A value without Chinese gives its English in the Chinese text.
  const LocalizedText u =
      tr_both("{amount} ({dose})", {{"amount", {"10 mg", ""}}, {"dose", {"x", "y"}}});
  CHECK(u.en == "10 mg (x)");
  CHECK(u.zh == "10 mg（y）");
  // A key the catalogue lacks is its own Chinese.
  CHECK(tr_both("not in the catalogue {n}", {{"n", same_text("1")}}).zh ==
        "not in the catalogue 1");
}

TEST_CASE("spans, intervals and doses in both languages") {
  CHECK(span_text(Span{1, Span::Unit::day}).en == "1 day");
  CHECK(span_text(Span{3, Span::Unit::month}).en == "3 months");
  CHECK(span_text(Span{3, Span::Unit::month}).zh == "3个月");
  CHECK(span_text(Span{1, Span::Unit::week}).zh == "1周");
  CHECK(every_text(Span{1, Span::Unit::month}).zh == "每月");
  CHECK(every_text(Span{2, Span::Unit::week}).en == "every 2 weeks");
  CHECK(every_text(Span{2, Span::Unit::week}).zh == "每2周");
  CHECK(format_dose(DoseValue{mg_per_kg_per_day(4.5)}, Lang::zh_CN) == "4.5 mg/(kg\u00b7\u5929)");
  CHECK(format_dose(DoseValue{mg_per_kg_per_day(4.5)}, Lang::en) == "4.5 mg/kg/day");
  CHECK(format_dose(DoseValue{mg_per_day(300)}, Lang::zh_CN) == "300 mg/\u5929");
  CHECK(format_dose(DoseValue{CellCount{50}}, Lang::zh_CN) == "5000万个细胞（50\u00d710\u2076）");
  CHECK(format_dose(DoseValue{milligrams(1500)}, Lang::zh_CN) ==
        "1500 mg");  // no thousands separator in Chinese (S11)
}

TEST_CASE("an administration in Chinese") {
  Administration iv;
  iv.amount = milligrams(840);
  iv.intravenous = true;
  iv.vials = {UnitCount{1, milligrams(1000)}};
  CHECK(describe_administration(iv, Lang::en) == "840 mg IV (vials: 1 \u00d7 1,000 mg)");
  CHECK(describe_administration(iv, Lang::zh_CN) == "840 mg 静脉输注（药瓶：1 \u00d7 1,000 mg）");
  Administration cells;
  cells.cells = CellCount{50};
  cells.intravenous = true;
  CHECK(describe_administration(cells, Lang::zh_CN) == "50\u00d710\u2076个细胞，静脉输注");
}

TEST_CASE("two reasons on one day are joined in each language's way") {
  const LocalizedText a{"every month", "每月"};
  const LocalizedText b{"end of treatment", "疗程结束时"};
  const LocalizedText j = join_texts(a, b);
  CHECK(j.en == "every month; end of treatment");
  CHECK(j.zh == "每月；疗程结束时");
  CHECK(join_texts({}, b).zh == "疗程结束时");
}
