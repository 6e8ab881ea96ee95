#!/usr/bin/env python3
# Random plan requests (JSON Lines) for comparing two builds' `batch` output: every regimen of
# RULES_DIR, most options, about three lines in four refused on purpose (ranges, units, products),
# and now and then a golden request of the rules. Same SEED, same lines.
# Usage: bench/random_requests.py RULES_DIR N SEED > requests.jsonl   (docs/performance.md)
import glob, json, random, sys
rules, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
regs = []
for f in sorted(glob.glob(rules + '/*.json')):
    d = json.load(open(f))
    if 'phases' in d: regs.append(d)
golden = []
for d in regs:
    for t in d.get('test_cases', []):
        r = {'regimen': d['id']}; r.update(t['request']); golden.append(r)
units = {'mg/kg/d': lambda: round(rnd.uniform(0.5, 7), rnd.choice([0, 1, 2, 3])),
         'mg': lambda: rnd.choice([500, 750, 1000, 1250, 1500, 1750, 2000, 1000.5]),
         'mg/m2': lambda: rnd.choice([375, 500, 750, 1000, 412.5]),
         '10*6 cells': lambda: rnd.choice([50, 100, 1])}
spans = ['1 week', '2 weeks', '4 weeks', '8 weeks', '12 weeks', '1 month', '2 months', '3 months',
         '6 months', '11 months', '24 months', '40 weeks', '10 days']
out = []
for i in range(n):
    if rnd.random() < 0.15:
        out.append(json.dumps(rnd.choice(golden), ensure_ascii=False)); continue
    d = rnd.choice(regs)
    r = {'regimen': d['id']}
    r['weight'] = rnd.choice([f"{rnd.uniform(30, 140):.{rnd.choice([0,1,2])}f} kg",
                              f"{rnd.uniform(66, 300):.1f} lb", "62 kg", "0.4 kg"])
    r['start'] = f"{rnd.choice([2025, 2026, 2027, 2028])}-{rnd.randint(1, 12):02d}-{rnd.choice([1, 15, 28, 29, 30, 31]):02d}"
    if rnd.random() < 0.6: r['height'] = f"{rnd.uniform(140, 200):.{rnd.choice([0,1])}f} cm"
    if rnd.random() < 0.5: r['sex'] = rnd.choice(['female', 'male', 'f', 'M'])
    if rnd.random() < 0.3: r['age_years'] = rnd.randint(10, 90)
    elif rnd.random() < 0.3: r['birth_date'] = f"{rnd.randint(1940, 2010)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    if rnd.random() < 0.4:
        r['creatinine'] = rnd.choice([f"{rnd.uniform(40, 300):.0f} umol/L", f"{rnd.uniform(0.5, 3):.2f} mg/dL"])
    unit = d['dose'].get('unit', 'mg/kg/d')
    if rnd.random() < 0.4: r['dose'] = f"{units.get(unit, units['mg'])()} {unit}"
    if rnd.random() < 0.3: r['doses_per_day'] = rnd.randint(1, 4)
    if rnd.random() < 0.3: r['product'] = rnd.choice(d.get('products', ['x']) + ['cyclosporine-modified-solution'])
    pd = {}
    for p in d['phases']:
        if p['kind'] in ('chosen_dose', 'fixed_dose', 'titration') and rnd.random() < 0.3:
            pd[p['id']] = rnd.choice(spans)
    if pd: r['phase_durations'] = pd
    cc = {p['id']: rnd.randint(1, 14) for p in d['phases'] if p['kind'] == 'cycles' and rnd.random() < 0.2}
    if cc: r['cycle_counts'] = cc
    if rnd.random() < 0.2: r['taper_step'] = f"{rnd.choice([0.25, 0.5, 1, 0.3])} mg/kg/d"
    if rnd.random() < 0.2: r['taper_every'] = rnd.choice(spans)
    out.append(json.dumps(r, ensure_ascii=False))
sys.stdout.write(''.join(l + '\n' for l in out))
