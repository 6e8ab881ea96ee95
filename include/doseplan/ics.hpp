// doseplan — iCalendar (RFC 5545) export of the monitoring visits of a plan.
#ifndef DOSEPLAN_ICS_HPP_
#define DOSEPLAN_ICS_HPP_

#include <map>
#include <string>

#include "doseplan/i18n.hpp"
#include "doseplan/plan.hpp"

namespace doseplan {

struct IcsOptions {
  Lang lang = Lang::en;
  int reminder_minutes_before = 24 * 60;  // VALARM trigger; 0: no reminder
  std::string patient_label;              // pseudonymous label, part of every UID (tracker)
  // Visits done (the tracker): planned date -> the day it was done. Such a visit's event keeps
  // its UID, says it was done, is STATUS:CANCELLED with SEQUENCE:1 and has no reminder, so that
  // a re-import stops the phone reminding of it.
  std::map<Date, Date> done_visits;
  // Also one all-day event per day of oral doses (`plan --format ics --doses`), without a
  // reminder; on a trough day it says first to draw blood, then lists the doses.
  bool doses = false;
};

// One VEVENT per monitoring visit (tests in the description; a trough level is timed before the
// morning dose and says first that the blood is drawn before the dose) and one per infusion
// appointment (what is given, the tests before it, the regimen's notes), a VALARM reminder,
// stable UIDs (a re-import updates instead of duplicating),
// UTF-8, CRLF line ends, lines folded at 75 octets. The calendar carries the disclaimer and the
// sources.
std::string render_ics(const Plan& plan, const IcsOptions& options = {});

}  // namespace doseplan

#endif  // DOSEPLAN_ICS_HPP_
