// doseplan — typed clinical quantities (Boost.Units) and the parser for what people type.
//
// Inside the library every clinical amount is a typed quantity; a bare double exists only at the
// input/output boundary (the parse_* functions below and the in_* accessors).
//
// The unit system has its own base units, chosen so that clinical numbers stay exact:
//   drug mass   milligram (mg)          body mass   kilogram of body weight (kg)
//   length      centimetre (cm)         time        day (d)
//   amount      micromole (umol)
// Body mass is a base dimension of its own, distinct from drug mass: a mg/kg/day dose can not be
// added to a weight, and "62 kg of body" can not be passed where "310 mg of drug" is expected.
// Derived: volume cm^3 = mL; dose rate mg/(kg*d); mass concentration mg/mL; molar umol/mL.
#ifndef DOSEPLAN_UNITS_HPP_
#define DOSEPLAN_UNITS_HPP_

#include <boost/units/base_dimension.hpp>
#include <boost/units/base_unit.hpp>
#include <boost/units/make_system.hpp>
#include <boost/units/physical_dimensions/amount.hpp>
#include <boost/units/physical_dimensions/area.hpp>
#include <boost/units/physical_dimensions/length.hpp>
#include <boost/units/physical_dimensions/mass.hpp>
#include <boost/units/physical_dimensions/time.hpp>
#include <boost/units/physical_dimensions/volume.hpp>
#include <boost/units/quantity.hpp>
#include <boost/units/static_constant.hpp>
#include <boost/units/unit.hpp>
#include <string>
#include <string_view>

namespace doseplan::units {

namespace bu = boost::units;

// Body mass: the patient's weight, kept apart from drug mass.
struct body_mass_base_dimension : bu::base_dimension<body_mass_base_dimension, 1001> {};
using body_mass_dimension = body_mass_base_dimension::dimension_type;

struct milligram_base_unit : bu::base_unit<milligram_base_unit, bu::mass_dimension, 1002> {
  static const char* name() { return "milligram"; }
  static const char* symbol() { return "mg"; }
};
struct centimetre_base_unit : bu::base_unit<centimetre_base_unit, bu::length_dimension, 1003> {
  static const char* name() { return "centimetre"; }
  static const char* symbol() { return "cm"; }
};
struct day_base_unit : bu::base_unit<day_base_unit, bu::time_dimension, 1004> {
  static const char* name() { return "day"; }
  static const char* symbol() { return "d"; }
};
struct micromole_base_unit : bu::base_unit<micromole_base_unit, bu::amount_dimension, 1005> {
  static const char* name() { return "micromole"; }
  static const char* symbol() { return "umol"; }
};
struct body_kilogram_base_unit : bu::base_unit<body_kilogram_base_unit, body_mass_dimension, 1006> {
  static const char* name() { return "kilogram body weight"; }
  static const char* symbol() { return "kg"; }
};

using system = bu::make_system<milligram_base_unit, centimetre_base_unit, day_base_unit,
                               micromole_base_unit, body_kilogram_base_unit>::type;

using body_mass_unit = bu::unit<body_mass_dimension, system>;
using length_unit = bu::unit<bu::length_dimension, system>;
using area_unit = bu::unit<bu::area_dimension, system>;
using drug_mass_unit = bu::unit<bu::mass_dimension, system>;
using time_unit = bu::unit<bu::time_dimension, system>;
using amount_unit = bu::unit<bu::amount_dimension, system>;
using volume_unit = bu::unit<bu::volume_dimension, system>;
using dose_rate_unit = decltype(drug_mass_unit() / (body_mass_unit() * time_unit()));
using drug_mass_per_time_unit = decltype(drug_mass_unit() / time_unit());
using dose_per_area_unit = decltype(drug_mass_unit() / area_unit());
using mass_concentration_unit = decltype(drug_mass_unit() / volume_unit());
using molar_concentration_unit = decltype(amount_unit() / volume_unit());
using clearance_unit = decltype(volume_unit() / time_unit());

BOOST_UNITS_STATIC_CONSTANT(kg_body, body_mass_unit);
BOOST_UNITS_STATIC_CONSTANT(cm, length_unit);
BOOST_UNITS_STATIC_CONSTANT(cm2, area_unit);
BOOST_UNITS_STATIC_CONSTANT(mg, drug_mass_unit);
BOOST_UNITS_STATIC_CONSTANT(day, time_unit);
BOOST_UNITS_STATIC_CONSTANT(umol, amount_unit);
BOOST_UNITS_STATIC_CONSTANT(mL, volume_unit);

}  // namespace doseplan::units

namespace doseplan {

using BodyMass = units::bu::quantity<units::body_mass_unit>;
using Length = units::bu::quantity<units::length_unit>;
using Area = units::bu::quantity<units::area_unit>;
using DrugMass = units::bu::quantity<units::drug_mass_unit>;
using Duration = units::bu::quantity<units::time_unit>;
using DrugVolume = units::bu::quantity<units::volume_unit>;
using DoseRate = units::bu::quantity<units::dose_rate_unit>;              // mg/kg/day
using DailyAmount = units::bu::quantity<units::drug_mass_per_time_unit>;  // mg/day
using DosePerArea = units::bu::quantity<units::dose_per_area_unit>;       // mg/m2 (per dose)
using MassConcentration = units::bu::quantity<units::mass_concentration_unit>;
using MolarConcentration = units::bu::quantity<units::molar_concentration_unit>;
using Clearance = units::bu::quantity<units::clearance_unit>;  // mL/min (stored as mL/day)

// A number of cells (stem-cell infusions), in millions. Not a mass: no product rounding applies.
struct CellCount {
  double millions = 0;
  friend auto operator<=>(const CellCount&, const CellCount&) = default;
};

// Constructors from bare numbers (input boundary).
inline BodyMass kilograms(double v) {
  return v * units::kg_body;
}
inline Length centimetres(double v) {
  return v * units::cm;
}
inline DrugMass milligrams(double v) {
  return v * units::mg;
}
inline Duration days(double v) {
  return v * units::day;
}
inline DrugVolume millilitres(double v) {
  return v * units::mL;
}
inline DoseRate mg_per_kg_per_day(double v) {
  return v * units::mg / (units::kg_body * units::day);
}
inline DailyAmount mg_per_day(double v) {
  return v * units::mg / units::day;
}
// 1 m2 = 10,000 cm2.
inline Area square_metres(double v) {
  return v * 1e4 * units::cm2;
}
inline DosePerArea mg_per_m2(double v) {
  return v * 1e-4 * units::mg / units::cm2;
}
// 1 mL/min = 1,440 mL/day.
inline Clearance mL_per_min(double v) {
  return v * 1440.0 * units::mL / units::day;
}
// 1 ng/mL = 1e-6 mg/mL.
inline MassConcentration ng_per_mL(double v) {
  return v * 1e-6 * units::mg / units::mL;
}
// 1 umol/L = 1e-3 umol/mL.
inline MolarConcentration umol_per_L(double v) {
  return v * 1e-3 * units::umol / units::mL;
}

// Accessors to bare numbers (output boundary).
inline double in_kg(BodyMass q) {
  return q.value();
}
inline double in_cm(Length q) {
  return q.value();
}
inline double in_mg(DrugMass q) {
  return q.value();
}
inline double in_days(Duration q) {
  return q.value();
}
inline double in_mL(DrugVolume q) {
  return q.value();
}
inline double in_mg_per_kg_per_day(DoseRate q) {
  return q.value();
}
inline double in_mg_per_day(DailyAmount q) {
  return q.value();
}
inline double in_m2(Area q) {
  return q.value() * 1e-4;
}
inline double in_mg_per_m2(DosePerArea q) {
  return q.value() * 1e4;
}
inline double in_mL_per_min(Clearance q) {
  return q.value() / 1440.0;
}
// Creatinine: 1 mg/dL = 88.4 umol/L (MW 113.12).
inline double creatinine_in_mg_per_dL(MolarConcentration q) {
  return q.value() * 1e3 / 88.4;
}
inline double in_ng_per_mL(MassConcentration q) {
  return q.value() * 1e6;
}
inline double in_umol_per_L(MolarConcentration q) {
  return q.value() * 1e3;
}

// ------------------------------------------------------------------ parsing what people type
//
// Accepted: a decimal number as read by std::from_chars (".5", "5." and an exponent such as
// "1e3" are accepted; a leading "+" is not), optional spaces, and a unit. Unit spellings are
// matched ignoring ASCII case (no two known units differ only in case); micro may be "u", "µ" or
// "μ", the product sign "*", "·" or "⋅". Per-day spellings: "/d", "/day", "/24h". A body mass
// may be written in 公斤 or 千克 and a height in 厘米 (Chinese for kg and cm), with or without a
// space ("62公斤", "165 厘米").
//
// Each function throws doseplan::Error naming `field`, quoting `text`, and saying which kind of
// quantity was expected, for: empty text, no number, a bare number without a unit, a negative
// number, NaN or infinity, an unknown unit, a unit of the wrong kind (e.g. "62 mg" for a weight),
// trailing junk ("62 kg x"); a decimal comma ("62,5 kg") is an unknown unit whose message says to
// write a decimal point. Each error also has a Chinese detail (Problem::message_zh): the value's
// name, an example and the units it is written in. Ids: quantity.empty, quantity.no_number,
// quantity.missing_unit, quantity.negative, quantity.not_finite, quantity.unknown_unit,
// quantity.wrong_kind, quantity.trailing_text. Zero is accepted by the parser; range checks
// belong to the caller, who knows the range.
//
//   body mass       kg, 公斤, 千克, lb, lbs, g          "62kg", "62 kg", "62公斤", "136.5 lb"
//   height          cm, 厘米, m, mm, in                "165cm", "165厘米", "1.65 m", "65 in"
//   drug mass       mg, g, mcg, ug, µg                "310 mg", "1.5 g"
//   dose rate       mg/kg/d, mg/kg/day, mg/kg/24h, mg/(kg·d)   "5mg/kg/d", "5 mg/kg/day"
//   daily amount    mg/d, mg/day, mg/24h                        "125 mg/day"
//   dose per area   mg/m2, mg/m^2, mg/m²                        "750 mg/m2"
//   cells           million cells, 10*6 cells, cells            "50 million cells"
//   drug volume     mL, L                             "2.5 mL"
//   mass conc.      ng/mL, mcg/L, ug/L, µg/L, mcg/mL, ug/mL, mg/dL, mg/L, mg/mL
//   molar conc.     umol/L, µmol/L, mmol/L, nmol/L
//   creatinine      any molar unit as is; of mass units only mg/dL, 1 mg/dL = 88.4 umol/L
BodyMass parse_body_mass(std::string_view text, std::string_view field = "weight");
Length parse_height(std::string_view text, std::string_view field = "height");
DrugMass parse_drug_mass(std::string_view text, std::string_view field = "amount");
DoseRate parse_dose_rate(std::string_view text, std::string_view field = "dose");
DailyAmount parse_daily_amount(std::string_view text, std::string_view field = "dose");   // mg/d
DosePerArea parse_dose_per_area(std::string_view text, std::string_view field = "dose");  // mg/m2
CellCount parse_cell_count(std::string_view text,
                           std::string_view field = "dose");  // million cells
DrugVolume parse_drug_volume(std::string_view text, std::string_view field = "volume");
MassConcentration parse_mass_concentration(std::string_view text,
                                           std::string_view field = "concentration");
MolarConcentration parse_molar_concentration(std::string_view text,
                                             std::string_view field = "concentration");
MolarConcentration parse_creatinine(std::string_view text, std::string_view field = "creatinine");

}  // namespace doseplan

#endif  // DOSEPLAN_UNITS_HPP_
