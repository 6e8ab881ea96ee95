// Reads doseplan's calendars with ical.js (Mozilla's parser, used by web calendar clients), as
// issue 20 asks beside python3-icalendar (tests/render/ics_test.py): the infusion appointments of
// riTUXimab are events on their days, a trough visit says first that blood is drawn before the
// morning dose, and with --doses a day's oral doses are an event whose trough day also says it
// first. Values worked out by hand:
//   ITP, 62 kg, 5 mg/kg/day: 310 mg rounded to 300 mg a day = 150 mg morning and evening; the
//   first trough is two weeks after the start (every 2 weeks for the first 3 months): 2026-12-15,
//   07:30 (before the morning dose). The course runs from 2026-12-01 to 2027-06-11 (the text
//   plan's first and last day): 193 days of doses.
//   riTUXimab 1,000 mg on day 1 and day 15: 2026-12-01 and 2026-12-15; HBsAg and anti-HBc a week
//   before: 2026-11-24.
// usage: node read_calendars.mjs DOSEPLAN EXAMPLES_DIR
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import ICAL from 'ical.js';

const [doseplan, examples] = process.argv.slice(2);
let failures = 0;
function check(ok, what) {
  if (!ok) {
    failures += 1;
    console.error(`FAIL: ${what}`);
  }
}

// The events of the calendar doseplan writes for `args`, read by ical.js.
function events(args) {
  const text = execFileSync(doseplan, ['plan', ...args, '--format', 'ics'], { encoding: 'utf8' });
  const calendar = new ICAL.Component(ICAL.parse(text));
  return calendar.getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
}
const day = (e) => e.startDate.toString().slice(0, 10);

const itp = path.join(examples, 'patient-itp.json');
const rituximab = path.join(examples, 'patient-rituximab.json');

// riTUXimab: two infusion appointments, all day, and the tests a week before.
for (const [lang, title] of [['en', 'Infusion appointment: riTUXimab 1,000 mg IV'],
                             ['zh-CN', '输注预约：利妥昔单抗 1000 mg 静脉输注']]) {
  const all = events(['--input', rituximab, '--lang', lang]);
  const infusions = all.filter((e) => e.summary === title);
  check(infusions.length === 2, `${lang}: two infusion events (got ${infusions.length})`);
  check(infusions.map(day).join(' ') === '2026-12-01 2026-12-15',
        `${lang}: infusions on 2026-12-01 and 2026-12-15 (got ${infusions.map(day)})`);
  check(infusions.every((e) => e.startDate.isDate), `${lang}: infusions are all-day events`);
  check(all.some((e) => day(e) === '2026-11-24' && /HBsAg/.test(e.summary)),
        `${lang}: hepatitis B tests on 2026-11-24`);
  check(new Set(all.map((e) => e.uid)).size === all.length, `${lang}: every UID is distinct`);
  check(all.every((e) => /Educational aid|仅供学习参考/.test(e.description)),
        `${lang}: every event carries the disclaimer`);
}

// ITP: the trough visit at 07:30 says first that the blood is drawn before the morning dose.
for (const [lang, first] of [['en', 'Blood test before the morning dose'],
                             ['zh-CN', '早上服药前先抽血']]) {
  const trough = events(['--input', itp, '--lang', lang]).find((e) => day(e) === '2026-12-15');
  check(trough !== undefined, `${lang}: a visit on 2026-12-15`);
  if (trough) {
    check(trough.summary.startsWith(first), `${lang}: trough summary starts "${first}"`);
    check(!trough.startDate.isDate && trough.startDate.hour === 7 && trough.startDate.minute === 30,
          `${lang}: trough visit at 07:30 (got ${trough.startDate})`);
  }
}

// ITP with --doses: a day of doses is an event; on the trough day the blood test comes first.
const withDoses = events(['--input', itp, '--doses']);
const doses = withDoses.filter((e) => e.uid.includes('.doses-'));
check(doses.length === 193, `193 days of doses (got ${doses.length})`);
const first = doses.find((e) => day(e) === '2026-12-01');
check(first !== undefined && first.summary === 'Doses: morning 150 mg, evening 150 mg',
      `doses of 2026-12-01 are 150 mg morning and evening (got ${first && first.summary})`);
const troughDay = doses.find((e) => day(e) === '2026-12-15');
check(troughDay !== undefined &&
        troughDay.summary.startsWith('Blood test before the morning dose') &&
        troughDay.description.startsWith('Today: draw blood'),
      `doses of 2026-12-15 say first to draw blood (got ${troughDay && troughDay.summary})`);
check(events(['--input', itp]).every((e) => !e.uid.includes('.doses-')),
      'without --doses no dose events');

if (failures > 0) process.exit(1);
console.log(`ical.js: ${doses.length} dose days and every check passed`);
