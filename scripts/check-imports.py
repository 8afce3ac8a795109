#!/usr/bin/env python3
"""Checks that the core's modules import each other one way only (`make lint`).

Reads every `src/**/*.rs` of the `gamefilm` library crate (tests modules and comments left out),
collects the `crate::`, `super::` and `self::` paths each file uses, and resolves each to the file
that defines the item: a name re-exported by a `mod.rs` (`pub use child::Name`, `pub use
child::*`) counts as the child's, so a facade does not hide a circle. Two graphs must be free of
circles:

- files: `library/notes.rs -> library/recordings.rs -> library/notes.rs` is refused;
- subsystems (the top-level modules: audio, library, reel, ...), where a subsystem's `model.rs`
  is a node of its own: every part of a subsystem may use another subsystem's model, but the
  rest of two subsystems may not use each other.

Needs nothing beyond Python 3's standard library. Usage: scripts/check-imports.py [SRC_DIR]
"""

import re
import sys
from pathlib import Path

ITEM = re.compile(
    r"^\s*pub(?:\([^)]*\))?\s+(?:unsafe\s+)?(?:struct|enum|fn|type|const|trait|static|mod|union)"
    r"\s+([A-Za-z_][A-Za-z0-9_]*)",
    re.M,
)
INLINE_PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE = re.compile(r"\b(pub(?:\([^)]*\))?\s+)?use\s+([^;]+);")


def module_of(path: Path, src: Path) -> tuple:
    rel = path.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts == ["lib"]:
        return ()
    if parts[-1] == "mod":
        parts = parts[:-1]
    return tuple(parts)


def strip(text: str) -> str:
    """Source without comments, string contents and `#[cfg(test)]` modules."""
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text)
    out, i = [], 0
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:pub\s+)?mod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 1, m.end()
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        i = j
    out.append(text[i:])
    return "".join(out)


def expand(tree: str) -> list:
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e] (aliases and `self` handled)."""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^(.*?)\{(.*)\}$", tree)
    if not m:
        return [re.sub(r"as\w+$", "", tree.replace("as", " as ", 1).split(" as ")[0])]
    head, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    out = []
    for p in filter(None, parts):
        for e in expand(p):
            out.append(head.rstrip(":") if e == "self" else head + e)
    return out


class Crate:
    def __init__(self, src: Path):
        self.files = {}
        for path in sorted(src.rglob("*.rs")):
            if path.name in ("main.rs", "cli.rs") and path.parent == src:
                continue  # the binary, a client of the library crate
            self.files[module_of(path, src)] = (path, strip(path.read_text()))
        self.items = {m: set(ITEM.findall(t)) for m, (_, t) in self.files.items()}
        self.reexports = {m: [] for m in self.files}
        self.uses = {m: [] for m in self.files}
        for m, (_, text) in self.files.items():
            for u in USE.finditer(text):
                for p in expand(u.group(2)):
                    segs = [s for s in p.split("::") if s]
                    target = self.absolute(m, segs)
                    if target is None:
                        continue
                    (self.reexports if u.group(1) else self.uses)[m].append(target)
            for ip in INLINE_PATH.finditer(text):
                if re.search(r"\buse\s+[^;]*$", text[: ip.start()].rsplit(";", 1)[-1]):
                    continue  # part of a use statement, handled above
                segs = [ip.group(1)] + [s for s in ip.group(2).split("::") if s]
                target = self.absolute(m, segs)
                if target is not None:
                    self.uses[m].append(target)

    def absolute(self, here: tuple, segs: list):
        """The path as segments from the crate root, or None when it is not the crate's."""
        if not segs:
            return None
        if segs[0] == "crate":
            return segs[1:]
        if segs[0] in ("super", "self"):
            base = list(here)
            while segs and segs[0] in ("super", "self"):
                if segs.pop(0) == "super":
                    base = base[:-1]
            return base + segs
        # A path relative to the current module (`use child::X` in a mod.rs).
        if tuple(here) + (segs[0],) in self.files:
            return list(here) + segs
        return None

    def resolve(self, segs: list, seen=None) -> tuple:
        """The file that defines the item named by `segs`."""
        seen = seen or set()
        mod = ()
        for i in range(len(segs), -1, -1):
            if tuple(segs[:i]) in self.files:
                mod, rest = tuple(segs[:i]), segs[i:]
                break
        if not rest or (mod, rest[0]) in seen:
            return mod
        seen.add((mod, rest[0]))
        name = rest[0]
        if name in self.items[mod]:
            return mod
        for target in self.reexports[mod]:
            if target[-1] == name or target[-1] == "*":
                base = target if target[-1] != "*" else target[:-1] + [name]
                found = self.resolve(base + rest[1:], seen)
                if found != tuple(target[:-1]) or name in self.items.get(found, ()):
                    return found
        return mod

    def edges(self):
        for m in self.files:
            for target in self.uses[m]:
                to = self.resolve(target)
                if to != m and to in self.files and to != ():
                    yield m, to


def cycles(graph: dict) -> list:
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
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
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for v in list(graph):
        if v not in index:
            visit(v)
    return out


def subsystem(m: tuple) -> str:
    if len(m) >= 2 and m[1] == "model":
        return f"{m[0]}::model"
    return m[0]


def main() -> int:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    crate = Crate(src)
    files, subsystems, why = {}, {}, {}
    for a, b in crate.edges():
        files.setdefault(a, set()).add(b)
        sa, sb = subsystem(a), subsystem(b)
        if sa != sb:
            subsystems.setdefault(sa, set()).add(sb)
            why.setdefault((sa, sb), set()).add(f"{'/'.join(a)} -> {'/'.join(b)}")
    failed = False
    for comp in cycles(files):
        failed = True
        names = ["/".join(c) for c in comp]
        print(f"import circle between files: {', '.join(names)}")
        for a in comp:
            for b in sorted(files.get(a, ())):
                if b in comp:
                    print(f"  {'/'.join(a)} uses {'/'.join(b)}")
    for comp in cycles(subsystems):
        failed = True
        print(f"import circle between subsystems: {', '.join(comp)}")
        for a in comp:
            for b in sorted(subsystems.get(a, ())):
                if b in comp:
                    print(f"  {a} -> {b}: {'; '.join(sorted(why[(a, b)]))}")
    if failed:
        print("Let the arrows point one way: move what both sides need into a model file "
              "(see docs/architecture.md).")
        return 1
    n = sum(len(v) for v in files.values())
    print(f"imports point one way: {len(crate.files)} files, {n} file edges, "
          f"{len(subsystems)} subsystems with outgoing edges")
    return 0


if __name__ == "__main__":
    sys.exit(main())
