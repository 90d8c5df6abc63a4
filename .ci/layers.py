#!/usr/bin/env python3
"""The import graph of src/: one direction, no loop.

Reads every `crate::<module>` path in the code of src/ (comments and `#[cfg(test)]` modules
left out: tests may build what they test from anywhere), at the level of the top-level
modules and of api/'s faces, and fails (exit 1, naming each problem) when:
- two modules import each other, directly or round a longer loop;
- a module imports one its layer forbids (the table below, from DESIGN.md's data flow:
  port -> pool -> store, the faces ask the pool, config and metrics are leaves, the codecs
  are pure).
Run by .ci/run; `python3 .ci/layers.py` prints the graph.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# module -> modules it must not import (besides loops, which are always refused).
FORBIDDEN = {
    "config": "*",
    # inventory reads numbers with the E.164 rules config checks them by.
    "inventory": {"at", "modem", "pool", "store", "api", "cli", "simulator", "metrics", "otp",
                  "pdu", "service_manager"},
    "metrics": "*",
    "ticker": "*",
    "pdu": "*",
    "otp": "*",
    "at": {"modem", "pool", "store", "api", "config", "cli", "simulator"},
    # SQL only: no codec, no rules, no config.
    "store": "*",
    "pool": {"modem", "api", "cli", "simulator", "at"},
    "modem": {"store", "api", "cli", "simulator"},
    "api": {"store", "modem", "cli", "simulator"},
    "service_manager": {"store", "modem", "api"},
}
ALLOWED_EVERYWHERE = {"proto"}

PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)(?:::([a-z_][a-z0-9_]*))?")


def module_of(path):
    rel = os.path.relpath(path, ROOT)
    parts = rel[:-3].split(os.sep)
    if parts[-1] in ("mod", "lib", "main"):
        parts = parts[:-1]
    if not parts:
        return None
    if parts[0] == "api" and len(parts) > 1:
        return "api::" + parts[1]
    return parts[0]


def code_lines(text):
    """The lines of code up to the first test module, without comments."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#[cfg(test)]") and index + 1 < len(lines):
            following = lines[index + 1].strip()
            if following.endswith(";"):
                continue  # a test module in a file of its own, or a test-only import
            break
        if stripped.startswith("#![cfg(test)]"):
            return
        if stripped.startswith("//"):
            continue
        yield line.split("//")[0]


def graph():
    edges = {}
    for directory, _, files in os.walk(ROOT):
        for name in files:
            if not name.endswith(".rs") or name == "tests.rs" or name.endswith("_tests.rs"):
                continue
            path = os.path.join(directory, name)
            source = module_of(path)
            if source is None:
                continue
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            for line in code_lines(text):
                for match in PATH.finditer(line):
                    target = match.group(1)
                    if target == "api" and match.group(2):
                        target = "api::" + match.group(2)
                    if target == source.split("::")[0] or target == source:
                        continue
                    if source.startswith("api::") and target.startswith("api::"):
                        pass  # faces may share the HTTP server and the rack view
                    edges.setdefault(source, set()).add(target)
    return edges


def top(module):
    return module.split("::")[0]


def find_loops(edges):
    # Loops between top-level modules (api's faces count as api).
    tops = {}
    for source, targets in edges.items():
        for target in targets:
            if top(source) != top(target):
                tops.setdefault(top(source), set()).add(top(target))
    loops, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(tops.get(node, ())):
            if state.get(nxt) == "open":
                loops.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(tops):
        if node not in state:
            visit(node)
    return loops


def main():
    edges = graph()
    problems = []
    for source in sorted(edges):
        rule = FORBIDDEN.get(top(source), set())
        for target in sorted(edges[source]):
            if top(target) in ALLOWED_EVERYWHERE and rule != "*":
                continue
            if top(source) == top(target):
                continue
            if rule == "*" or top(target) in rule:
                problems.append(f"{source} imports {target}: not allowed for {top(source)}")
    for loop in find_loops(edges):
        problems.append("import loop: " + " -> ".join(loop))
    if "-v" in sys.argv or problems:
        for source in sorted(edges):
            print(f"{source} -> {' '.join(sorted(edges[source]))}")
    for problem in problems:
        print(f"layers: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"layers: {len(edges)} modules, no loop, every layer rule kept")
    return 0


if __name__ == "__main__":
    sys.exit(main())
