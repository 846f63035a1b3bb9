#!/usr/bin/env python3
"""Checks that Cargo.toml's rust-version is the true minimum: the highest rust-version
declared by a package the binary and library are built from (normal and build dependencies,
for the host platform, as locked). A lower value would be false (the lockfile cannot build
there); a higher one would turn away toolchains that work. Our own code's use of the
standard library is checked against the same number by clippy's `incompatible_msrv` lint,
which `cargo clippy -- -D warnings` runs with the rust-version from Cargo.toml."""
import json
import subprocess
import sys


def version(text):
    return tuple(int(part) for part in text.split("."))


def main():
    host = next(
        line.split(": ", 1)[1]
        for line in subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("host: ")
    )
    meta = json.loads(
        subprocess.run(
            ["cargo", "metadata", "--format-version", "1", "--locked", "--filter-platform", host],
            capture_output=True, text=True, check=True,
        ).stdout
    )
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    root = meta["resolve"]["root"]
    declared = packages[root]["rust_version"]
    # Walk normal and build dependencies only: dev-dependencies do not build the product.
    seen, stack = set(), [root]
    while stack:
        node = nodes[stack.pop()]
        for dep in node["deps"]:
            kinds = {k["kind"] for k in dep["dep_kinds"]}
            if node["id"] == root and kinds <= {"dev"}:
                continue
            if dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                stack.append(dep["pkg"])
    needed = max(
        ((version(packages[p]["rust_version"]), packages[p]["name"], packages[p]["version"])
         for p in seen if packages[p].get("rust_version")),
    )
    print(f"Cargo.toml rust-version {declared}; highest among {len(seen)} locked dependencies: "
          f"{'.'.join(map(str, needed[0]))} ({needed[1]} {needed[2]})")
    if version(declared)[:2] != needed[0][:2]:
        print("rust-version must be exactly that minimum", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
