#!/usr/bin/env python3
"""What the browser's WASM holds: code bytes per crate, and the data section.

Reads the hydrate build as rustc leaves it, before wasm-bindgen and wasm-opt (its `name`
section still names every function): $CARGO_TARGET_DIR/front/wasm32-unknown-unknown/
wasm-release/frontend.wasm, or the file given. Sizes are before wasm-opt, so they overstate the
shipped file, but their proportions are what to cut. Prints the top crates, the top functions,
and the sizes on the wire (brotli, gzip) of the shipped file in target/site/pkg. Needs only
Python; no tool to install.
"""

import collections
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
DEFAULT = os.path.join(TARGET, "front", "wasm32-unknown-unknown", "wasm-release", "frontend.wasm")


def leb(data, i):
    result = shift = 0
    while True:
        byte = data[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def sections(data):
    i = 8
    while i < len(data):
        kind = data[i]
        size, i = leb(data, i + 1)
        yield kind, data[i:i + size]
        i += size


def imported_functions(body):
    count, i = leb(body, 0)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            n, i = leb(body, i)
            i += n
        kind = body[i]
        i += 1
        if kind == 0:
            _, i = leb(body, i)
            functions += 1
        elif kind == 1:
            i += 1
            flags, i = leb(body, i)
            _, i = leb(body, i)
            if flags & 1:
                _, i = leb(body, i)
        elif kind == 2:
            flags, i = leb(body, i)
            _, i = leb(body, i)
            if flags & 1:
                _, i = leb(body, i)
        elif kind == 3:
            i += 2
    return functions


def code_sizes(body):
    count, i = leb(body, 0)
    sizes = []
    for _ in range(count):
        size, i = leb(body, i)
        sizes.append(size)
        i += size
    return sizes


def function_names(body):
    names = {}
    i = 0
    while i < len(body):
        sub = body[i]
        size, i = leb(body, i + 1)
        end = i + size
        if sub == 1:
            count, j = leb(body, i)
            for _ in range(count):
                index, j = leb(body, j)
                n, j = leb(body, j)
                names[index] = body[j:j + n].decode("utf-8", "replace")
                j += n
        i = end
    return names


def demangle_legacy(name):
    """`_ZN..E` legacy Rust mangling to a readable path (enough to find crate names)."""
    parts, i = [], 3 if name.startswith("_ZN") else 0
    while i < len(name) and name[i].isdigit():
        j = i
        while name[j].isdigit():
            j += 1
        length = int(name[i:j])
        parts.append(name[j:j + length])
        i = j + length
    text = "::".join(parts)
    for code, char in [("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("$C$", ","), ("$u7b$", "{"),
                       ("$u7d$", "}"), ("$BP$", "*"), ("$SP$", "@"), ("..", "::")]:
        text = text.replace(code, char)
    return text.lstrip("_")


def crate_of(name):
    """The crate a Rust symbol belongs to: for a trait impl (`<T as krate::Trait>`), the first
    crate its path names."""
    # v0 mangling (`_R...`, what nightly emits): the first crate root, `Cs<disambiguator>_<len><name>`.
    v0 = re.search(r"Cs[0-9A-Za-z]*_(\d+)", name) if name.startswith("_R") else None
    if v0:
        start = v0.end()
        return name[start:start + int(v0.group(1))]
    text = demangle_legacy(name) if name.startswith("_ZN") else name
    found = re.search(r"([a-z_][a-z0-9_]*)::", text)
    return found.group(1) if found else "?"


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else DEFAULT
    data = open(path, "rb").read()
    imports, sizes, names, data_bytes = 0, [], {}, 0
    for kind, body in sections(data):
        if kind == 2:
            imports = imported_functions(body)
        elif kind == 10:
            sizes = code_sizes(body)
        elif kind == 11:
            data_bytes = len(body)
        elif kind == 0:
            n, j = leb(body, 0)
            if body[j:j + n] == b"name":
                names = function_names(body[j + n:])
    per_crate = collections.Counter()
    per_function = []
    for offset, size in enumerate(sizes):
        name = names.get(imports + offset, f"code[{offset}]")
        per_crate[crate_of(name)] += size
        per_function.append((size, name))
    total = sum(sizes)
    print(f"{path}: code {total:,} bytes in {len(sizes):,} functions, data {data_bytes:,} bytes (before wasm-opt)")
    print("\n| crate | code bytes | share |\n|---|---:|---:|")
    for crate, size in per_crate.most_common(20):
        print(f"| {crate} | {size:,} | {size / total:.1%} |")
    print("\n| largest functions | bytes |\n|---|---:|")
    for size, name in sorted(per_function, reverse=True)[:15]:
        readable = demangle_legacy(name) if name.startswith("_ZN") else name
        print(f"| `{readable[:110]}` | {size:,} |")
    for shipped in sorted(glob.glob(os.path.join(ROOT, "target", "site", "pkg", "*.wasm"))):
        wire = {ext: os.path.getsize(shipped + ext) for ext in (".br", ".gz") if os.path.exists(shipped + ext)}
        print(f"\nshipped {os.path.basename(shipped)}: {os.path.getsize(shipped):,} bytes; "
              + ", ".join(f"{ext[1:]} {size:,}" for ext, size in wire.items()))


if __name__ == "__main__":
    main()
