#!/usr/bin/env python3
# Compares two JSON Lines files (two builds' `batch` output for the same input): line by line,
# byte for byte, and where the bytes differ, as parsed JSON with the key order kept, every string
# equal and numbers compared as the doubles they read as (integers and floats kept apart). Fails
# (exit 1, with the first difference) unless every line has the same content.
# Usage: bench/compare_jsonl.py old.jsonl new.jsonl   (docs/performance.md)
import json, sys, re
a = open(sys.argv[1], encoding='utf-8').read().split('\n')
b = open(sys.argv[2], encoding='utf-8').read().split('\n')
assert len(a) == len(b), (len(a), len(b))
def load(s):
    return json.loads(s, object_pairs_hook=lambda pairs: ('obj', pairs))
def same(x, y, path):
    if type(x) != type(y):
        raise AssertionError(f'{path}: type {type(x).__name__} vs {type(y).__name__}: {x!r} vs {y!r}')
    if isinstance(x, tuple):
        kx = [k for k, _ in x[1]]; ky = [k for k, _ in y[1]]
        if kx != ky: raise AssertionError(f'{path}: keys {kx} vs {ky}')
        for (k, vx), (_, vy) in zip(x[1], y[1]): same(vx, vy, path + '/' + k)
    elif isinstance(x, list):
        if len(x) != len(y): raise AssertionError(f'{path}: lengths {len(x)} vs {len(y)}')
        for i, (vx, vy) in enumerate(zip(x, y)): same(vx, vy, f'{path}/{i}')
    elif x != y:
        raise AssertionError(f'{path}: {x!r} vs {y!r}')
identical = differ_numbers_only = 0
for i, (x, y) in enumerate(zip(a, b)):
    if x == y:
        identical += 1; continue
    try:
        same(load(x), load(y), f'line {i + 1}')
    except AssertionError as e:
        sys.exit(f'different content: {e}')
    differ_numbers_only += 1
    nx = re.findall(r'-?\d+\.\d{9,}', x)
    if differ_numbers_only <= 3: print('numbers written differently, same values, line', i + 1, nx[:3])
print(f'{identical} lines identical, {differ_numbers_only} with the same values written differently')
