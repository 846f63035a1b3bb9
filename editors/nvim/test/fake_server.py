#!/usr/bin/env python3
"""A tiny stand-in for `tasking-ls serve`, only to debug the editor test harness.

It speaks LSP over stdio and gives plausible answers for the fixture of run.sh: diagnostics
`schema.enum` (geometricProcessing, acquisitionMode) and `geometry.unclosed-ring`, completion
of acquisitionMode, hover on keys, the "Close the ring" quick fix and executeCommand. It knows
nothing beyond that fixture. Set FAKE_LSP_LOG=path to log the traffic.
"""

import json
import os
import re
import sys

LOG = os.environ.get("FAKE_LSP_LOG")
ENUMS = {
    "geometricProcessing": ["ortho", "primary"],
    "acquisitionMode": ["mono", "stereo", "tristereo"],
}
HOVERS = {
    "cloudCoverage": ("Cloud coverage", "Maximum cloud coverage over the AOI, in percent."),
    "acquisitionMode": ("Acquisition mode", "Mono, stereo or tristereo acquisition."),
}
COMMANDS = ["taskingLs.getQuote", "taskingLs.submitOrder", "taskingLs.refreshSchemas", "taskingLs.orderStatus"]

docs = {}
next_id = [1000]


def log(*parts):
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(" ".join(str(p) for p in parts) + "\n")


def read_message():
    headers = {}
    while True:
        line = sys.stdin.buffer.readline()
        if not line:
            return None
        line = line.decode("ascii").strip()
        if not line:
            break
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    body = sys.stdin.buffer.read(int(headers["content-length"]))
    msg = json.loads(body)
    log("<-", json.dumps(msg))
    return msg


def send(msg):
    msg["jsonrpc"] = "2.0"
    log("->", json.dumps(msg))
    body = json.dumps(msg).encode("utf-8")
    sys.stdout.buffer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    sys.stdout.buffer.flush()


def rng(line, start, end):
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def ring_info(text):
    """(line, first [x, y] text, range of the last position) of the single-line ring, or None."""
    for i, line in enumerate(text.split("\n")):
        if '"coordinates"' in line:
            positions = list(re.finditer(r"\[\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*\]", line))
            if len(positions) < 2:
                return None
            first, last = positions[0], positions[-1]
            closed = [float(g) for g in first.groups()] == [float(g) for g in last.groups()]
            return i, closed, first.group(0), last.start(), last.end()
    return None


def diagnostics(text):
    out = []
    for i, line in enumerate(text.split("\n")):
        for key, allowed in ENUMS.items():
            m = re.search(r'"%s"\s*:\s*"([^"]*)"' % key, line)
            if m and m.group(1) not in allowed:
                out.append({
                    "range": rng(i, m.start(1) - 1, m.end(1) + 1),
                    "severity": 1,
                    "code": "schema.enum",
                    "source": "tasking-ls",
                    "message": "%s: %r is not allowed; expected one of %s" % (key, m.group(1), ", ".join(allowed)),
                })
    ring = ring_info(text)
    if ring and not ring[1]:
        i, _, _, start, end = ring
        out.append({
            "range": rng(i, start, end),
            "severity": 1,
            "code": "geometry.unclosed-ring",
            "source": "tasking-ls",
            "message": "the ring is not closed: its last position differs from the first",
        })
    return out


def publish(uri):
    doc = docs[uri]
    send({"method": "textDocument/publishDiagnostics",
          "params": {"uri": uri, "version": doc["version"], "diagnostics": diagnostics(doc["text"])}})


def word_at(line, character):
    for m in re.finditer(r"[A-Za-z_]+", line):
        if m.start() <= character <= m.end():
            return m.group(0)
    return None


def handle(msg):
    method = msg.get("method")
    params = msg.get("params") or {}
    if method == "initialize":
        offered = (params.get("capabilities", {}).get("general", {}) or {}).get("positionEncodings") or []
        caps = {
            "textDocumentSync": {"openClose": True, "change": 1},
            "completionProvider": {"triggerCharacters": ['"']},
            "hoverProvider": True,
            "codeActionProvider": {"codeActionKinds": ["quickfix"]},
            "executeCommandProvider": {"commands": COMMANDS},
        }
        if "utf-8" in offered:
            caps["positionEncoding"] = "utf-8"
        log("initializationOptions", json.dumps(params.get("initializationOptions")))
        return {"capabilities": caps, "serverInfo": {"name": "fake-tasking-ls", "version": "0"}}
    if method == "initialized":
        # Ask for the settings, as the real server does, to exercise the client's answer.
        next_id[0] += 1
        send({"id": next_id[0], "method": "workspace/configuration", "params": {"items": [{"section": "taskingLs"}]}})
        return None
    if method == "textDocument/didOpen":
        td = params["textDocument"]
        docs[td["uri"]] = {"text": td["text"], "version": td.get("version", 0)}
        publish(td["uri"])
        return None
    if method == "textDocument/didChange":
        td = params["textDocument"]
        docs[td["uri"]] = {"text": params["contentChanges"][-1]["text"], "version": td.get("version", 0)}
        publish(td["uri"])
        return None
    if method == "textDocument/didClose":
        docs.pop(params["textDocument"]["uri"], None)
        return None
    if method == "textDocument/completion":
        line = docs[params["textDocument"]["uri"]]["text"].split("\n")[params["position"]["line"]]
        for key, allowed in ENUMS.items():
            if '"%s"' % key in line:
                return {"isIncomplete": False,
                        "items": [{"label": v, "kind": 12, "insertText": v} for v in allowed]}
        return []
    if method == "textDocument/hover":
        line = docs[params["textDocument"]["uri"]]["text"].split("\n")[params["position"]["line"]]
        w = word_at(line, params["position"]["character"])
        if w in HOVERS:
            title, desc = HOVERS[w]
            return {"contents": {"kind": "markdown", "value": "**%s**\n\n%s" % (title, desc)}}
        return None
    if method == "textDocument/codeAction":
        uri = params["textDocument"]["uri"]
        actions = []
        for d in params.get("context", {}).get("diagnostics", []):
            if d.get("code") == "geometry.unclosed-ring":
                i, _, first, _, end = ring_info(docs[uri]["text"])
                actions.append({
                    "title": "Close the ring",
                    "kind": "quickfix",
                    "diagnostics": [d],
                    "isPreferred": True,
                    "edit": {"changes": {uri: [{"range": rng(i, end, end), "newText": ", " + first}]}},
                })
        return actions
    if method == "workspace/executeCommand":
        return {"message": "fake %s %s" % (params.get("command"), json.dumps(params.get("arguments")))}
    if method == "shutdown":
        return None
    if method == "exit":
        sys.exit(0)
    if "id" in msg and method is None:
        log("client answered", json.dumps(msg.get("result")))
        return None
    if method and method.startswith("$/"):
        return None
    raise KeyError(method)


def main():
    if len(sys.argv) > 1 and sys.argv[-1] not in ("serve", "--stdio"):
        sys.stderr.write("usage: fake_server.py serve\n")
        return 2
    while True:
        msg = read_message()
        if msg is None:
            return 0
        is_request = "id" in msg and "method" in msg
        try:
            result = handle(msg)
            if is_request:
                send({"id": msg["id"], "result": result})
        except KeyError as e:
            if is_request:
                send({"id": msg["id"], "error": {"code": -32601, "message": "not handled: %s" % e}})
        except Exception as e:  # noqa: BLE001 - a fake must keep running
            log("error", repr(e))
            if is_request:
                send({"id": msg["id"], "error": {"code": -32603, "message": repr(e)}})


if __name__ == "__main__":
    sys.exit(main())
