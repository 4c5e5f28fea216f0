#!/usr/bin/env python3
"""Import cycles between the modules of `src/`.

    python3 tools/module-cycles.py [--graph] [--no-tests] [SRC]

Every `.rs` file is a module (`a/mod.rs` is `a`, `a/b.rs` is `a::b`). A reference is any
`crate::…` path in code, and `super::…` / `self::…` paths resolved from the file they stand in;
comments and doc comments do not count (intra-doc links are not imports). In the binary
(`main.rs` and what it declares), `crate::` is the binary and `anli::` is the library, which
cannot refer back, so only references inside the binary count there.

A reference is attributed to the deepest module its path names; a name re-exported with
`pub use sub::Name` (or `pub use sub::{…}`) is followed into `sub`. Then, for each module with
children, the references between its children (whole subtrees) form a graph; a cycle in any of
these graphs is reported. A child naming its parent's own items (`super::Item` defined in
`mod.rs`) is not an edge: the parent is the facade its children sit under.

`--graph` prints the edges of every level; `--no-tests` leaves out `#[cfg(test)] mod tests`
blocks. Exit status: 0 no cycle, 1 cycles found.
"""

import os
import re
import sys
from collections import defaultdict

PATH = re.compile(r"\b(crate|super|self|anli)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^{}]*)\}")


def modules(src):
    """Module path (tuple) of every .rs file, per crate root."""
    out = {}
    for dirpath, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, src).replace(os.sep, "/")
            parts = rel[:-3].split("/")
            if parts[-1] == "mod":
                parts = parts[:-1]
            if parts in (["lib"], ["main"]):
                parts = []
            out[full] = (rel, tuple(parts))
    return out


def code_lines(text, no_tests):
    """Lines without comments; with no_tests, `#[cfg(test)] mod … { … }` blocks left out."""
    lines = []
    skip_depth = None
    pending_cfg_test = False
    depth = 0
    for line in text.splitlines():
        stripped = line.strip()
        code = re.sub(r"//.*", "", line)
        if no_tests:
            if skip_depth is None and stripped.startswith("#[cfg(test)]"):
                pending_cfg_test = True
                continue
            if pending_cfg_test and re.match(r"(pub(\(\w+\))?\s+)?mod\s+\w+\s*\{", stripped):
                skip_depth = depth
                pending_cfg_test = False
            elif pending_cfg_test and stripped:
                pending_cfg_test = False
        opened = code.count("{") - code.count("}")
        if skip_depth is not None:
            depth += opened
            if depth <= skip_depth:
                skip_depth = None
            continue
        depth += opened
        if stripped.startswith("//"):
            continue
        lines.append(code)
    return lines


def reexports(text):
    """Names a module re-exports from its children: name -> child."""
    out = {}
    for m in re.finditer(r"pub use (\w+)::(\{[^}]*\}|\w+)", text):
        child, names = m.group(1), m.group(2)
        for n in re.findall(r"\w+", names):
            out[n] = child
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    show = "--graph" in sys.argv
    no_tests = "--no-tests" in sys.argv
    src = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "src")
    mods = modules(src)
    texts = {f: open(f, encoding="utf-8").read() for f in mods}
    # The binary's modules: main.rs and the folders it declares.
    main_rs = os.path.join(src, "main.rs")
    bin_roots = set(re.findall(r"^\s*mod (\w+);", texts.get(main_rs, ""), re.M))
    crate_of = {}
    for f, (_, path) in mods.items():
        is_bin = f == main_rs or (path and path[0] in bin_roots)
        crate_of[f] = "bin" if is_bin else "lib"
    known = defaultdict(set)
    exports = defaultdict(dict)
    for f, (_, path) in mods.items():
        known[crate_of[f]].add(path)
        exports[(crate_of[f], path)] = reexports(texts[f])

    def resolve(krate, segs):
        """The deepest module named by `segs`, following re-exports one level at a time."""
        cur = ()
        for s in segs:
            if cur + (s,) in known[krate]:
                cur = cur + (s,)
                continue
            child = exports[(krate, cur)].get(s)
            if child is not None and cur + (child,) in known[krate]:
                cur = cur + (child,)
            break
        return cur

    refs = defaultdict(set)  # (crate, from module) -> {to module}
    for f, (_, path) in mods.items():
        krate = crate_of[f]
        is_dir_mod = f.endswith("mod.rs") or path == ()
        here = path if is_dir_mod else path  # `self::` is this module either way
        parent = path[:-1]
        for line in code_lines(texts[f], no_tests):
            found = []
            for m in GROUP.finditer(line):
                base, prefix, inner = m.group(1), m.group(2), m.group(3)
                for item in inner.split(","):
                    item = item.strip().split(" as ")[0].strip()
                    if item and item != "self":
                        found.append((base, prefix + "::" + item))
                    elif item == "self":
                        found.append((base, prefix))
            for m in PATH.finditer(line):
                found.append((m.group(1), m.group(2)))
            for base, rest in found:
                segs = [s for s in rest.split("::") if s]
                if base == "anli":
                    continue  # the library, seen from the binary
                if base == "crate":
                    start = ()
                elif base == "self":
                    start = here
                else:
                    start = parent
                    while segs and segs[0] == "super":
                        start = start[:-1]
                        segs = segs[1:]
                target = resolve(krate, list(start) + segs)
                if target != path:
                    refs[(krate, path)].add(target)

    cycles = []
    for krate in ("lib", "bin"):
        parents = {p[:-1] for p in known[krate] if p}
        for parent in sorted(parents):
            depth = len(parent)
            graph = defaultdict(set)
            for (k, frm), tos in refs.items():
                if k != krate or frm[:depth] != parent or len(frm) <= depth:
                    continue
                for to in tos:
                    if to[:depth] != parent or len(to) <= depth:
                        continue  # outside this level, or the parent's own items
                    a, b = frm[depth], to[depth]
                    if a != b:
                        graph[a].add(b)
            name = "::".join(parent) or ("crate" if krate == "lib" else "bin")
            if show and graph:
                print(f"[{krate}] {name}")
                for a in sorted(graph):
                    print(f"  {a} -> {', '.join(sorted(graph[a]))}")
            for comp, cyc in find_cycles(graph):
                line = f"[{krate}] {name}: " + " -> ".join(cyc + [cyc[0]])
                if len(comp) > len(cyc):
                    line += f" (all of {', '.join(sorted(comp))} reach each other)"
                cycles.append(line)
    for c in cycles:
        print("cycle", c)
    if not cycles:
        print("no import cycle in", os.path.normpath(src))
    return 1 if cycles else 0


def find_cycles(graph):
    """Each strongly connected component of more than one node, with one cycle through it."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append((comp, path_in(graph, set(comp))))

    for v in sorted(set(graph) | {w for ws in graph.values() for w in ws}):
        if v not in index:
            visit(v)
    return out


def path_in(graph, comp):
    """A cycle through the component, by breadth-first search back to its first node."""
    start = min(comp)
    prev = {start: None}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph.get(v, ())):
            if w == start:
                cyc = [v]
                while prev[cyc[-1]] is not None:
                    cyc.append(prev[cyc[-1]])
                return list(reversed(cyc))
            if w in comp and w not in prev:
                prev[w] = v
                queue.append(w)
    return sorted(comp)


if __name__ == "__main__":
    sys.exit(main())
