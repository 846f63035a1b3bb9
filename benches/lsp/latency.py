#!/usr/bin/env python3
"""Latency and memory benchmark of `tasking-ls serve` (stdlib only).

    python3 benches/lsp/latency.py [target/release/tasking-ls] [options]

Speaks LSP over stdio to the real binary (UTF-16 positions, push diagnostics)
and measures:

* didChange -> publishDiagnostics latency: N single-character incremental edits
  (alternately insert and delete a space inside displayName's value, so the
  document stays valid), waiting each time for the publishDiagnostics carrying
  the new version; on the seed order (--edits, 300) and on the big order whose
  polygon has 200,000 vertices (--big-edits, 30);
* textDocument/completion latency between the quotes of acquisitionMode's value
  and textDocument/hover latency on the cloudCoverage key, --requests (300)
  each, on both documents; null results are counted, not dropped;
* resident memory (VmRSS, VmHWM from /proc/PID/status) of a server holding the
  big order (right after its diagnostics arrived, right after the edits, and at rest
  SETTLE_S later: the goal applies to that one), and of a fresh server holding 100
  typical orders (100 URIs, variations of the seed), at rest.

With --peer CMD (e.g. `--peer "benches/lsp/node_modules/.bin/vscode-json-language-server --stdio"`)
the didChange -> diagnostics latency and RSS on the big order are also measured
for that server, given benches/compare/order-schema.json through the `json.schemas`
setting.  Prints a Markdown report on stdout (--json for raw figures).
"""
import argparse
import json
import math
import os
import platform
import select
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
SEED_PATH = os.path.join(ROOT, "examples", "pleiades_analytic_mono_tasking_request.json")
ORDER_SCHEMA = os.path.join(ROOT, "benches", "compare", "order-schema.json")
# Resident memory "at rest" is read this long after the last answer: a server may give freed
# memory back once idle (tasking-ls after 0.5 s; node's GC when it gets to it).
SETTLE_S = 1.5


# --------------------------------------------------------------------------- documents

def seed_text():
    with open(SEED_PATH, encoding="utf-8") as f:
        return f.read()


def big_order(vertices=200_000, seed=None):
    """The seed with a counter-clockwise closed circle of `vertices` positions around
    (-79.54, 8.97), radius 0.1 degree, one position per line (as benches/validate.rs)."""
    seed = seed or seed_text()
    parts = []
    for i in range(vertices + 1):
        angle = (i % vertices) / vertices * math.tau
        parts.append("[%.10f, %.10f]" % (-79.54 + 0.1 * math.cos(angle), 8.97 + 0.1 * math.sin(angle)))
    ring = ",\n          ".join(parts)
    start = seed.index('"coordinates": [')
    end = start + seed[start:].index("\n      ]") + len("\n      ]")
    return seed[:start] + '"coordinates": [\n        [\n          ' + ring + "\n        ]\n      ]" + seed[end:]


def typical_order(i, seed=None):
    """A variation of the seed: another name, window, mode, cloud cover and polygon."""
    seed = seed or seed_text()
    order = json.loads(seed)
    p = order["params"]
    p["displayName"] = "Typical order %03d" % i
    p["acquisitionStart"] = "2027-%02d-01T00:00:00.000Z" % (1 + i % 6)
    p["acquisitionEnd"] = "2027-%02d-15T00:00:00.000Z" % (7 + i % 6)
    p["acquisitionMode"] = ["mono", "stereo", "tristereo"][i % 3]
    p["cloudCoverage"] = i % 101
    n = 5 + i % 46
    lon0, lat0 = -170 + (i * 3.3) % 340, -60 + (i * 1.7) % 120
    ring = [[round(lon0 + 0.1 * math.cos(math.tau * k / n), 6), round(lat0 + 0.1 * math.sin(math.tau * k / n), 6)]
            for k in range(n)]
    ring.append(list(ring[0]))
    p["geometry"] = {"type": "Polygon", "coordinates": [ring]}
    return json.dumps(order, indent=2) + "\n"


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def find_position(text, needle, delta=0):
    """LSP position (UTF-16) of the first occurrence of `needle`, plus `delta` characters."""
    offset = text.index(needle) + delta
    line = text.count("\n", 0, offset)
    line_start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": utf16_len(text[line_start:offset])}


# --------------------------------------------------------------------------- LSP client

class Client:
    """A minimal synchronous LSP client: reads in the calling thread (no handoff latency)."""

    def __init__(self, argv, name, responder=None):
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, cwd=ROOT)
        self.fd = self.proc.stdout.fileno()
        self.buf = bytearray()
        self.next_id = 0
        self.responder = responder or (lambda method, params: None)
        self.notifications = []  # unmatched notifications, for wait_* helpers

    # framing
    def send(self, message):
        body = json.dumps(message, separators=(",", ":")).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _fill(self, deadline):
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"{self.name}: no message in time")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    raise EOFError(f"{self.name}: server exited (status {self.proc.poll()})")
                self.buf += chunk
                return

    def read(self, timeout=60.0):
        deadline = time.perf_counter() + timeout
        while True:
            head_end = self.buf.find(b"\r\n\r\n")
            if head_end >= 0:
                length = None
                for line in bytes(self.buf[:head_end]).split(b"\r\n"):
                    key, _, value = line.partition(b":")
                    if key.strip().lower() == b"content-length":
                        length = int(value)
                start = head_end + 4
                if len(self.buf) >= start + length:
                    body = bytes(self.buf[start:start + length])
                    del self.buf[:start + length]
                    return json.loads(body)
            self._fill(deadline)

    def _dispatch(self, message):
        """Answers server requests; returns the message if the caller may want it."""
        if "method" in message and "id" in message:
            result = self.responder(message["method"], message.get("params"))
            self.send({"jsonrpc": "2.0", "id": message["id"], "result": result})
            return None
        return message

    def request(self, method, params, timeout=60.0):
        self.next_id += 1
        rid = self.next_id
        self.send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
        while True:
            message = self._dispatch(self.read(timeout))
            if message is None:
                continue
            if message.get("id") == rid and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{self.name}: {method} failed: {message['error']}")
                return message.get("result")
            if "method" in message:
                self.notifications.append(message)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_diagnostics(self, uri, version=None, timeout=60.0):
        """Waits for publishDiagnostics for `uri` (with `version`, when the server sends one).
        Returns the params."""
        def matches(m):
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            p = m["params"]
            if p["uri"] != uri:
                return False
            return version is None or p.get("version") is None or p.get("version") == version
        def found(m):
            # drop what is now stale for this uri; keep other documents' notifications
            self.notifications = [n for n in self.notifications
                                  if n.get("method") != "textDocument/publishDiagnostics"
                                  or n["params"]["uri"] != uri]
            return m["params"]
        for m in self.notifications:
            if matches(m):
                return found(m)
        while True:
            message = self._dispatch(self.read(timeout))
            if message is None or "method" not in message:
                continue
            if matches(message):
                return found(message)
            if message["method"] == "textDocument/publishDiagnostics":
                self.notifications.append(message)

    def initialize(self, initialization_options=None, configuration=None, diagnostic_pull=False):
        caps = {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {
                "synchronization": {"dynamicRegistration": False, "didSave": True},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
                "completion": {"completionItem": {"snippetSupport": True,
                                                  "documentationFormat": ["markdown", "plaintext"]}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
            },
            "workspace": {"configuration": configuration is not None, "workspaceFolders": False},
        }
        if diagnostic_pull:
            caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False}
        result = self.request("initialize", {
            "processId": os.getpid(),
            "rootUri": "file://" + ROOT,
            "capabilities": caps,
            "initializationOptions": initialization_options,
        })
        self.notify("initialized", {})
        return result

    def open(self, uri, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "json", "version": version, "text": text}})

    def memory(self):
        values = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(value.split()[0]) / 1024  # MiB
        return values

    def shutdown(self):
        try:
            self.request("shutdown", None, timeout=10)
            self.notify("exit", None)
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait()


# --------------------------------------------------------------------------- measurements

def percentile(values, p):
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(samples_s):
    ms = [x * 1000 for x in samples_s]
    return {"n": len(ms), "p50": percentile(ms, 50), "p90": percentile(ms, 90),
            "p99": percentile(ms, 99), "max": max(ms) if ms else float("nan"),
            "mean": sum(ms) / len(ms) if ms else float("nan")}


def geometry_digit(text):
    """The position of the last digit of the middle position's longitude (one per line)."""
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if line.strip().startswith("[-") or line.strip().startswith("[0") or line.strip().startswith("[1")]
    row = rows[len(rows) // 2]
    line = lines[row]
    col = line.index(",") - 1
    return {"line": row, "character": utf16_len(line[:col])}, line[col]


# The one finding the edits may leave: a polygon of more than 999 vertices is refused by
# UP42's geometry rules (`aoi.vertices`, issue 22), so the big order always carries it.
EXPECTED_CODES = {"aoi.vertices"}


def edit_latency(client, uri, text, n, version, timeout=60.0, pull=False, inside=False):
    """Alternately insert and delete a space inside displayName's value (or, `inside`, change
    the last digit of a longitude in the middle of the polygon and back); the time from
    sending didChange to the publishDiagnostics of the new version (or, with `pull`, to
    the response of a textDocument/diagnostic request sent right after the change)."""
    pos = find_position(text, '"displayName": "', len('"displayName": "') + 2)
    if inside:
        # The last two digits of a longitude, changed to a new value every time (so that
        # no edit brings back a geometry text checked before).
        pos, _ = geometry_digit(text)
        pos = dict(pos, character=pos["character"] - 1)
    samples = []
    for i in range(n):
        version += 1
        if inside:
            end = dict(pos, character=pos["character"] + 2)
            change = {"range": {"start": pos, "end": end}, "text": "%02d" % ((i * 37 + 11) % 100)}
        elif i % 2 == 0:
            change = {"range": {"start": pos, "end": pos}, "text": " "}
        else:
            end = dict(pos, character=pos["character"] + 1)
            change = {"range": {"start": pos, "end": end}, "text": ""}
        t0 = time.perf_counter()
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        if pull:
            report = client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout)
            diagnostics = report.get("items", [])
        else:
            diagnostics = client.wait_diagnostics(uri, version, timeout).get("diagnostics")
        samples.append(time.perf_counter() - t0)
        codes = sorted({d.get("code") or d.get("message") for d in diagnostics or []}, key=str)
        if set(codes) - EXPECTED_CODES:
            raise RuntimeError(f"edit {i}: unexpected diagnostics {codes}")
    return samples, version


def request_latency(client, method, params, n):
    samples, nulls, empty = [], 0, 0
    for _ in range(n):
        t0 = time.perf_counter()
        result = client.request(method, params)
        samples.append(time.perf_counter() - t0)
        if result is None:
            nulls += 1
        elif not (result.get("items", result) if isinstance(result, dict) else result):
            empty += 1  # an empty completion list (or an empty hover)
    return samples, nulls, empty, result


def describe_result(method, result):
    if result is None:
        return "null"
    if method == "textDocument/completion":
        items = result["items"] if isinstance(result, dict) else result
        return "%d items: %s" % (len(items), ", ".join(i["label"] for i in items[:5]))
    contents = result.get("contents")
    if isinstance(contents, dict):
        contents = contents.get("value", "")
    first = str(contents).strip().splitlines()[0] if contents else ""
    return "hover: " + first[:60]


def bench_document(client, uri, text, edits, requests, version=1, geometry_edits=0):
    """Open, wait for diagnostics, then edits, completion and hover. Returns a dict."""
    out = {"bytes": len(text.encode("utf-8")), "lines": text.count("\n") + 1}
    t0 = time.perf_counter()
    client.open(uri, text, version)
    first = client.wait_diagnostics(uri, version, timeout=300)
    out["open_to_diagnostics_ms"] = (time.perf_counter() - t0) * 1000
    out["open_diagnostics"] = [d.get("code") for d in first.get("diagnostics", [])]
    out["memory_after_open"] = client.memory()
    samples, version = edit_latency(client, uri, text, edits, version)
    out["did_change"] = summary(samples)
    if geometry_edits:
        samples, version = edit_latency(client, uri, text, geometry_edits, version, inside=True)
        out["did_change_geometry"] = summary(samples)
    out["memory_after_edits"] = client.memory()
    time.sleep(SETTLE_S)
    out["memory_settled"] = client.memory()
    # the edits come in pairs, so the text is the original one again when `edits` is even
    completion_at = find_position(text, '"acquisitionMode": "', len('"acquisitionMode": "'))
    hover_at = find_position(text, '"cloudCoverage"', 3)
    doc = {"uri": uri}
    for key, method, position in (("completion", "textDocument/completion", completion_at),
                                  ("hover", "textDocument/hover", hover_at)):
        if requests <= 0:
            continue
        samples, nulls, empty, last = request_latency(
            client, method, {"textDocument": doc, "position": position}, requests)
        out[key] = summary(samples)
        out[key]["null"] = nulls
        out[key]["empty"] = empty
        out[key]["example"] = describe_result(method, last)
    return out, version


def big_text(args, seed):
    if args.big_order:
        with open(args.big_order, encoding="utf-8") as f:
            return f.read()
    return big_order(args.vertices, seed)


def run_tasking_ls(binary, args):
    results = {}
    seed = seed_text()
    big = big_text(args, seed)
    init_options = {"offline": True}
    argv = [binary, "serve"]

    # 1. the seed order
    client = Client(argv, "tasking-ls")
    info = client.initialize(init_options)
    results["server_info"] = info.get("serverInfo")
    results["position_encoding"] = info["capabilities"].get("positionEncoding")
    results["idle_memory"] = client.memory()
    seed_uri = "file://" + SEED_PATH
    results["seed"], _ = bench_document(client, seed_uri, seed, args.edits, args.requests)
    client.shutdown()

    # 2. the big order, in a fresh server (so its memory figures are its own)
    client = Client(argv, "tasking-ls")
    client.initialize(init_options)
    big_uri = "file:///tmp/bench/big_%d_tasking_request.json" % args.vertices
    results["big"], _ = bench_document(client, big_uri, big, args.big_edits, args.requests,
                                       geometry_edits=args.big_edits)
    client.shutdown()

    # 3. 100 typical orders in a fresh server
    client = Client(argv, "tasking-ls")
    client.initialize(init_options)
    uris = []
    for i in range(args.orders):
        uri = "file:///tmp/bench/many/order_%03d_tasking_request.json" % i
        client.open(uri, typical_order(i, seed))
        uris.append(uri)
    problems = 0
    for uri in uris:
        problems += len(client.wait_diagnostics(uri, 1, timeout=120).get("diagnostics", []))
    time.sleep(SETTLE_S)
    results["many"] = {"documents": args.orders, "diagnostics": problems, "memory": client.memory()}
    client.shutdown()

    # 4. many big orders in a fresh server (issue 27: 100 of them under 1 GB)
    if args.big_orders:
        client = Client(argv, "tasking-ls")
        client.initialize(init_options)
        uris = []
        for i in range(args.big_orders):
            uri = "file:///tmp/bench/big/big_%03d_tasking_request.json" % i
            client.open(uri, big)
            uris.append(uri)
        for uri in uris:
            client.wait_diagnostics(uri, 1, timeout=600)
        time.sleep(SETTLE_S)
        results["many_big"] = {"documents": args.big_orders, "memory": client.memory()}
        client.shutdown()
    return results


def run_peer(command, args, pull):
    """didChange -> diagnostics latency and RSS of another JSON language server on the big
    order, given the equivalent schema (benches/compare/order-schema.json) through the
    `json.schemas` setting.  `pull`: the client supports pull diagnostics and asks with
    textDocument/diagnostic right after each change (what VS Code does); otherwise the
    server pushes publishDiagnostics (vscode-json-language-server debounces pushes by
    500 ms)."""
    seed = seed_text()
    big = big_text(args, seed)
    schema_uri = "file://" + ORDER_SCHEMA
    settings = {"json": {"validate": {"enable": True}, "format": {"enable": False},
                         "schemas": [{"fileMatch": ["*_tasking_request.json"], "url": schema_uri}]}}

    def responder(method, params):
        if method == "workspace/configuration":
            return [settings.get(item.get("section"), None) if item.get("section") else settings
                    for item in params["items"]]
        if method == "vscode/content":  # the JSON server may ask the client for schema contents
            uri = params if isinstance(params, str) else params[0]
            with open(uri[len("file://"):], encoding="utf-8") as f:
                return f.read()
        return None

    client = Client(shlex.split(command), "peer", responder)
    try:
        info = client.initialize({"provideFormatter": False, "handledSchemaProtocols": ["file"]},
                                 configuration=settings, diagnostic_pull=pull)
        client.notify("workspace/didChangeConfiguration", {"settings": settings})
        out = {"server_info": info.get("serverInfo"), "mode": "pull" if pull else "push",
               "bytes": len(big.encode("utf-8"))}

        def diagnostics(uri, version, timeout):
            if pull:
                return client.request("textDocument/diagnostic", {"textDocument": {"uri": uri}}, timeout)["items"]
            return client.wait_diagnostics(uri, version, timeout)["diagnostics"]

        # sanity check: the schema is applied (an invalid small order gets a diagnostic)
        bad_uri = "file:///tmp/bench/bad_tasking_request.json"
        client.open(bad_uri, seed.replace('"ortho"', '"ortho-rectified"'))
        out["schema_check"] = [d.get("message") for d in diagnostics(bad_uri, 1, 60)]
        if not out["schema_check"]:
            raise RuntimeError("the schema is not applied: no diagnostic on an invalid order")
        uri = "file:///tmp/bench/big_%d_tasking_request.json" % args.vertices
        t0 = time.perf_counter()
        client.open(uri, big)
        out["open_diagnostics"] = len(diagnostics(uri, 1, 600))
        out["open_to_diagnostics_ms"] = (time.perf_counter() - t0) * 1000
        out["memory_after_open"] = client.memory()
        samples, version = edit_latency(client, uri, big, args.peer_edits, 1, timeout=600, pull=pull)
        out["did_change"] = summary(samples)
        samples, _ = edit_latency(client, uri, big, args.peer_edits, version, timeout=600, pull=pull,
                                  inside=True)
        out["did_change_geometry"] = summary(samples)
        out["memory_after_edits"] = client.memory()
        time.sleep(SETTLE_S)
        out["memory_settled"] = client.memory()
    finally:
        client.shutdown()
    return out


# --------------------------------------------------------------------------- report

def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = "%.0f GiB RAM" % (int(f.readline().split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem}, {platform.system()} {platform.release()}"


def fmt(x, digits=2):
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def report(results, peer, args):
    lines = []
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    lines.append(f"Date: {time.strftime('%Y-%m-%d %H:%M %Z')}. Machine: {machine()}. "
                 f"Load average at the end: {load} (other processes shared the cores if above ~1).")
    si = results.get("server_info") or {}
    lines.append(f"Server: {si.get('name', 'tasking-ls')} {si.get('version', '')}, "
                 f"position encoding {results.get('position_encoding')}.")
    s, b = results["seed"], results["big"]
    lines.append(f"Seed order: {s['bytes']:,} bytes; big order: {b['bytes'] / 1e6:.1f} MB, "
                 f"{b['lines']:,} lines, {args.vertices:,} vertices.")
    lines.append("")
    lines.append("| measurement | n | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) | goal | null results |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")

    def row(label, m, goal, nulls=""):
        lines.append(f"| {label} | {m['n']} | {fmt(m['p50'], 3)} | {fmt(m['p90'], 3)} | {fmt(m['p99'], 3)} "
                     f"| {fmt(m['max'], 3)} | {goal} | {nulls} |")
    row("didChange → publishDiagnostics, seed order", s["did_change"], "p50 < 1 ms")
    row("didChange → publishDiagnostics, 200k-vertex order, edit outside the geometry", b["did_change"], "p50 < 10 ms")
    if "did_change_geometry" in b:
        row("didChange → publishDiagnostics, 200k-vertex order, edit inside the geometry",
            b["did_change_geometry"], "p50 < 4 ms, p99 < 10 ms (issue 27)")
    for key, label in (("completion", "completion (acquisitionMode value)"), ("hover", "hover (cloudCoverage key)")):
        for doc, name in ((s, "seed"), (b, "200k-vertex")):
            if key in doc:
                row(f"{label}, {name}", doc[key], "p99 < 5 ms", f"{doc[key]['null']} of {doc[key]['n']}")
    lines.append("")
    lines.append("| memory | VmRSS (MiB) | VmHWM (MiB) | goal |")
    lines.append("| --- | ---: | ---: | --- |")
    im = results["idle_memory"]
    lines.append(f"| idle, after initialize | {fmt(im['VmRSS'], 1)} | {fmt(im['VmHWM'], 1)} | |")
    m = b["memory_after_open"]
    lines.append(f"| 200k-vertex order open, right after its diagnostics | {fmt(m['VmRSS'], 1)} | {fmt(m['VmHWM'], 1)} | |")
    m = b["memory_after_edits"]
    lines.append(f"| same, right after its edits | {fmt(m['VmRSS'], 1)} | {fmt(m['VmHWM'], 1)} | |")
    m = b["memory_settled"]
    lines.append(f"| same, {SETTLE_S} s later (at rest) | {fmt(m['VmRSS'], 1)} | {fmt(m['VmHWM'], 1)} | < 50 MB (issue 27) |")
    many = results["many"]
    m = many["memory"]
    lines.append(f"| {many['documents']} typical orders open, {SETTLE_S} s after their diagnostics | {fmt(m['VmRSS'], 1)} | {fmt(m['VmHWM'], 1)} | < 40 MB |")
    if "many_big" in results:
        mb = results["many_big"]
        m = mb["memory"]
        lines.append(f"| {mb['documents']} big orders open ({mb['documents'] * b['bytes'] / 1e6:.0f} MB of text), "
                     f"{SETTLE_S} s after their diagnostics | {fmt(m['VmRSS'], 1)} | {fmt(m['VmHWM'], 1)} | < 1 GB (issue 27) |")
    lines.append("")
    lines.append(f"Open → first diagnostics: seed {fmt(s['open_to_diagnostics_ms'], 2)} ms, "
                 f"200k-vertex order {fmt(b['open_to_diagnostics_ms'], 1)} ms (includes sending "
                 f"{b['bytes'] / 1e6:.1f} MB over the pipe). Diagnostics on open: seed {s['open_diagnostics'] or 'none'}, "
                 f"big {b['open_diagnostics'] or 'none'}; the 100 typical orders: {many['diagnostics']}.")
    for doc, name in ((s, "seed"), (b, "200k-vertex")):
        for key in ("completion", "hover"):
            if key in doc:
                lines.append(f"- {key} on the {name} order, last result: {doc[key]['example']}")
    if peer is not None:
        lines.append("")
        lines.append(f"Peer on the same {args.vertices:,}-vertex order: `{args.peer}`, given benches/compare/order-schema.json.")
        lines.append("")
        lines.append("| server | diagnostics | n | didChange → diagnostics p50 (ms), outside the geometry | p90 (ms) | max (ms) | p50 (ms), inside the geometry | open → diagnostics (ms) | VmRSS after open (MiB) | VmRSS at rest after edits (MiB) | VmHWM (MiB) |")
        lines.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        rows = [("tasking-ls", "push, no debounce", b)]
        for p in peer:
            if "error" in p:
                lines.insert(-3, f"Peer ({p.get('mode')}) not measured: {p['error']}")
                continue
            psi = p.get("server_info") or {}
            mode = "pull (textDocument/diagnostic)" if p["mode"] == "pull" else "push (500 ms debounce)"
            name = psi.get("name") or os.path.basename(shlex.split(args.peer)[0])
            rows.append((f"{name} {psi.get('version', '')}".strip(), mode, p))
        for name, mode, d in rows:
            lines.append(f"| {name} | {mode} | {d['did_change']['n']} | {fmt(d['did_change']['p50'], 1)} "
                         f"| {fmt(d['did_change']['p90'], 1)} | {fmt(d['did_change']['max'], 1)} "
                         f"| {fmt(d.get('did_change_geometry', {}).get('p50', float('nan')), 1)} "
                         f"| {fmt(d['open_to_diagnostics_ms'], 0)} | {fmt(d['memory_after_open']['VmRSS'], 1)} "
                         f"| {fmt(d['memory_settled']['VmRSS'], 1)} | {fmt(d['memory_settled']['VmHWM'], 1)} |")
        checks = [p["schema_check"][0] for p in peer if p.get("schema_check")]
        if checks:
            lines.append("")
            lines.append(f"(The peer applies the schema: on a small order with geometricProcessing 'ortho-rectified' it reports \"{checks[0]}\".)")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary", nargs="?", default=os.path.join(ROOT, "target", "release", "tasking-ls"))
    ap.add_argument("--edits", type=int, default=300, help="edits on the seed order (300)")
    ap.add_argument("--big-edits", type=int, default=30, help="edits on the big order (30)")
    ap.add_argument("--requests", type=int, default=300, help="completion and hover requests per document (300)")
    ap.add_argument("--vertices", type=int, default=200_000)
    ap.add_argument("--big-order", help="use this order file as the big order (e.g. the 200k-vertex "
                    "jittered star of benches/geometry/run.py) instead of the generated circle")
    ap.add_argument("--orders", type=int, default=100, help="typical orders open at once (100)")
    ap.add_argument("--big-orders", type=int, default=100,
                    help="big orders open at once in one server, for its memory (100; 0 skips)")
    ap.add_argument("--peer", help="another JSON language server command to compare on the big order")
    ap.add_argument("--peer-edits", type=int, default=10)
    ap.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    ap.add_argument("--readme", action="store_true",
                    help="also write the report into benches/README.md (between the lsp markers)")
    args = ap.parse_args()

    results = run_tasking_ls(os.path.abspath(args.binary), args)
    peer = None
    if args.peer:
        peer = []
        for pull in (True, False):
            try:
                peer.append(run_peer(args.peer, args, pull))
            except Exception as error:  # report, don't lose the main figures
                peer.append({"mode": "pull" if pull else "push", "error": f"{type(error).__name__}: {error}"})
    if args.json:
        print(json.dumps({"tasking-ls": results, "peer": peer}, indent=2))
    else:
        text = report(results, peer, args)
        print(text)
        if args.readme:
            update_readme(text, "lsp")


def update_readme(text, tag):
    path = os.path.join(ROOT, "benches", "README.md")
    with open(path, encoding="utf-8") as f:
        readme = f.read()
    begin, end = f"<!-- {tag}:begin -->", f"<!-- {tag}:end -->"
    if begin not in readme or end not in readme:
        print(f"{path} has no {begin} … {end} markers; not updated", file=sys.stderr)
        return
    head, rest = readme.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + text.rstrip("\n") + "\n" + end + tail)
    print(f"updated {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
