#!/usr/bin/env python3
"""Check the house rules of ARCHITECTURE.md: no module cycle inside any crate, no source file
over 700 lines.

Module cycles: each file is a module.
Edges: a file referring to `crate::a::b`, `super::x`, `self::x` or a bare child `x::` path
(child declared with `mod x;`) depends on the deepest module file that path names.
The `mod x;` declaration alone is not an edge. Prints cycles; exit 1 if any."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else '.'
def crates():
    for base in ['crates', 'benches']:
        p = os.path.join(root, base)
        if base == 'benches':
            if os.path.isdir(os.path.join(p, 'src')): yield p
            continue
        for c in sorted(os.listdir(p)):
            if os.path.isdir(os.path.join(p, c, 'src')): yield os.path.join(p, c)
def modpath(src, f):
    rel = os.path.relpath(f, src)[:-3].split(os.sep)
    if rel[-1] in ('mod', 'lib', 'main'): rel = rel[:-1]
    return tuple(rel)
bad = 0
for crate in crates():
    src = os.path.join(crate, 'src')
    files = {}
    for d, _, fs in os.walk(src):
        for f in fs:
            if f.endswith('.rs'): files[modpath(src, os.path.join(d, f))] = os.path.join(d, f)
    mods = set(files)
    def deepest(path):
        for k in range(len(path), -1, -1):
            if tuple(path[:k]) in mods: return tuple(path[:k])
        return ()
    edges = {m: set() for m in mods}
    for m, f in files.items():
        text = open(f).read()
        # strip line comments and #[cfg(test)] mod tests blocks roughly
        text = re.sub(r'//[^\n]*', '', text)
        cut = re.search(r'#\[cfg\(test\)\]\s*mod tests', text)
        if cut: text = text[:cut.start()]
        children = set(re.findall(r'^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;', text, re.M))
        # expand grouped uses: use crate::{a::X, b::{Y}} -> crate::a, crate::b
        def refs(text):
            for mm in re.finditer(r'\b(crate|super|self)((?:::\w+)*)(::\{)?', text):
                head, tail, brace = mm.group(1), mm.group(2), mm.group(3)
                parts = [p for p in tail.split('::') if p]
                if brace:
                    # collect top-level names inside braces
                    i = mm.end(); depth = 1; buf = ''
                    while i < len(text) and depth:
                        ch = text[i]; depth += ch == '{'; depth -= ch == '}'
                        if depth: buf += ch
                        i += 1
                    flat = re.sub(r'\{[^{}]*\}', '', re.sub(r'\{[^{}]*\}', '', buf))
                    for item in flat.split(','):
                        item = item.strip()
                        if item: yield head, parts + [x for x in item.split('::') if x and x != 'self']
                else:
                    yield head, parts
            for child in children:
                for mm in re.finditer(r'(?<![\w:])' + child + r'::(\w+)', text):
                    yield 'self', [child, mm.group(1)]
        for head, parts in refs(text):
            if head == 'crate': base = []
            elif head == 'super': base = list(m[:-1])
            else: base = list(m)
            while parts and parts[0] == 'super': base = base[:-1]; parts = parts[1:]
            target = deepest(tuple(base + parts))
            if target != m and not (len(target) < len(m) and m[:len(target)] == target and target == ()):
                edges[m].add(target)
    # Tarjan SCC
    index = {}; low = {}; stack = []; on = set(); sccs = []; c = [0]
    sys.setrecursionlimit(10000)
    def strong(v):
        index[v] = low[v] = c[0]; c[0] += 1; stack.append(v); on.add(v)
        for w in edges[v]:
            if w not in index: strong(w); low[v] = min(low[v], low[w])
            elif w in on: low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v: break
            if len(comp) > 1: sccs.append(comp)
    for v in sorted(mods):
        if v not in index: strong(v)
    for comp in sccs:
        bad += 1
        names = sorted('::'.join(x) or '<root>' for x in comp)
        print(f"{os.path.basename(crate)}: cycle among {names}")
        for x in sorted(comp):
            for y in sorted(edges[x] & set(comp)):
                print(f"    {'::'.join(x) or '<root>'} -> {'::'.join(y) or '<root>'}")
print("module cycles:", bad)
MAX_LINES = 700
long_files = 0
for base in ['crates', 'benches']:
    for d, _, fs in os.walk(os.path.join(root, base)):
        for f in fs:
            if f.endswith('.rs'):
                path = os.path.join(d, f)
                n = sum(1 for _ in open(path))
                if n > MAX_LINES:
                    long_files += 1
                    print(f"{path}: {n} lines (at most {MAX_LINES}: split it by concern)")
print("files over", MAX_LINES, "lines:", long_files)
sys.exit(1 if bad or long_files else 0)
