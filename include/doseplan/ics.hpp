// doseplan — iCalendar (RFC 5545) export of the monitoring visits of a plan.
#ifndef DOSEPLAN_ICS_HPP_
#define DOSEPLAN_ICS_HPP_

#include <string>

#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"

namespace doseplan {

struct IcsOptions {
  Lang lang = Lang::en;
  int reminder_minutes_before = 24 * 60;  // VALARM trigger; 0: no reminder
  std::string patient_label;              // pseudonymous label, part of every UID (tracker)
};

// One VEVENT per monitoring visit (tests in the description; a trough level is timed before the
// morning dose), a VALARM reminder, stable UIDs (a re-import updates instead of duplicating),
// UTF-8, CRLF line ends, lines folded at 75 octets. The calendar carries the disclaimer and the
// sources.
std::string render_ics(const Plan& plan, const IcsOptions& options = {});

}  // namespace doseplan

#endif  // DOSEPLAN_ICS_HPP_
