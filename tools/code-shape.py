#!/usr/bin/env python3
"""The shape of parlab's source, as issue 11 measures it: the longest functions, the import
circles between top-level modules (and between the files of `src/exec/`), and any engine file
that names egui or eframe.

Usage: tools/code-shape.py [--top N]    (run from the repository root)

A function's length is counted from its `fn` line to the line of its closing brace, found by
counting braces (strings and comments with braces may shift a count by a line or two). An
import edge A -> B means a file of module A names `crate::B` (or, inside `src/exec/`, a file
names `super::B`); a circle is a strongly connected set of two or more modules.
"""

import os
import re
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")
ENGINE = ["analysis", "exec", "export", "format", "fsutil", "metrics", "profile", "results",
          "sys", "workload", "palette", "chart", "model", "process", "validation", "cancel",
          "stats"]


def rust_files(root):
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".rs"):
                yield os.path.join(d, f)


def functions(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FN.match(lines[i])
        if not m:
            i += 1
            continue
        depth, started, j = 0, False, i
        while j < len(lines):
            code = re.sub(r'"(\\.|[^"\\])*"', '""', lines[j].split("//")[0])
            if not started and ";" in code and "{" not in code:
                break  # a declaration without a body
            depth += code.count("{") - code.count("}")
            started = started or "{" in code
            if started and depth <= 0:
                yield (j - i + 1, f"{path}:{i + 1}", m.group(6))
                break
            j += 1
        i += 1


def module_of(path):
    rel = os.path.relpath(path, "src")
    head = rel.split(os.sep)[0]
    return head[:-3] if head.endswith(".rs") else head


def named(text, root):
    """Modules named as `root::m` or inside `root::{m, n::x, ...}`."""
    names = set(re.findall(rf"\b{root}::(\w+)", text))
    for group in re.findall(rf"\b{root}::\{{([^}}]*)\}}", text):
        names.update(re.findall(r"(?:^|,)\s*(\w+)", group))
    return names


def circles(edges):
    """Strongly connected components with two or more members (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
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

    for v in list(edges):
        if v not in index:
            visit(v)
    return out


def main():
    top = 10
    if "--top" in sys.argv:
        top = int(sys.argv[sys.argv.index("--top") + 1])
    files = sorted(rust_files("src"))
    fns = sorted((f for p in files for f in functions(p)), reverse=True)
    print(f"The {top} longest functions in src/:")
    for n, where, name in fns[:top]:
        print(f"  {n:4} lines  {name}  ({where})")
    top_edges, exec_edges, ui_in_engine = {}, {}, []
    for p in files:
        text = open(p, encoding="utf-8").read()
        me = module_of(p)
        for other in named(text, "crate"):
            if other != me and (os.path.isdir(f"src/{other}") or os.path.exists(f"src/{other}.rs")):
                top_edges.setdefault(me, set()).add(other)
        if p.startswith("src/exec/"):
            name = os.path.basename(p)[:-3]
            for other in named(text, "super"):
                if os.path.exists(f"src/exec/{other}.rs") and other != name:
                    exec_edges.setdefault(name, set()).add(other)
        code = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("//"))
        if me in ENGINE and re.search(r"\b(egui|eframe|egui_plot|rfd|clap)\b", code):
            ui_in_engine.append(p)
    print("Import circles between top-level modules:", circles(top_edges) or "none")
    print("Import circles between the files of src/exec/:", circles(exec_edges) or "none")
    print("Engine files naming egui, eframe, egui_plot, rfd or clap:", ui_in_engine or "none")


if __name__ == "__main__":
    main()
