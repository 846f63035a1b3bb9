#!/usr/bin/env python3
"""Configurable fault-injecting fake provider API, bound to 127.0.0.1 only (test data for
tests/fault_injection/run.sh; from the reliability reproductions, with the two faults that strike
before the request has been read whole: `close_early` and `drop_during_body`, and a `placed`
line in the log for every order the fake placed).

usage: fakeapi.py PORT LOGFILE RULES.json [SCHEMADIR [PORTFILE]]
RULES.json: list of {"method": "POST", "path": "/v2/orders", "times": N (default inf),
   "action": "status|delay|truncate|short_body|garbage|redirect|reset|huge|echo|close_early|
   drop_during_body|process_then_status|process_then_garbage|process_then_delay",
   ...params}. The first matching rule with times left applies; others fall through to the
   normal behaviour (same credentials as fake_up42.py: token tok-static, alice@example.com /
   s3cret-pass, project p-123 / k-456).
"""
import base64, json, os, socket, sys, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

PORT, LOG, RULES = int(sys.argv[1]), sys.argv[2], json.load(open(sys.argv[3]))
SCHEMAS = sys.argv[4] if len(sys.argv) > 4 else "schemas-cache"
WS = "0f3a4b5c-6d7e-4f80-9123-456789abcdef"
TOKENS = {"tok-static"}
ORDERS = {}
LOCK = threading.Lock()
EARLY = ("close_early", "drop_during_body")
for r in RULES:
    r.setdefault("times", 10**9)
PRODUCTS = [{"id": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "name": "phr-tasking-analytic", "title": "Analytic",
             "collection": {"name": "phr-tasking", "title": "Pleiades", "type": "TASKING"}}]


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send_json(self, status, obj, headers=None, ctype="application/json"):
        data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self, method):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        n = int(self.headers.get("Content-Length") or 0)
        early = self.early_rule(method, u.path)
        if early is not None:
            # The connection fails before the request was read whole: nothing is placed.
            if early["action"] == "drop_during_body":
                self.rfile.read(n // 2)
            with LOCK, open(LOG, "a") as f:
                f.write(json.dumps({"t": time.time(), "port": PORT, "method": method, "path": u.path,
                                    "early": early["action"]}) + "\n")
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            self.close_connection = True
            return
        raw = self.rfile.read(n) if n else b""
        auth = self.headers.get("Authorization", "")
        with LOCK:
            with open(LOG, "a") as f:
                f.write(json.dumps({"t": time.time(), "port": PORT, "method": method, "path": u.path, "query": q,
                                    "auth": auth, "headers": dict(self.headers), "body": raw.decode(errors="replace")}) + "\n")
            rule = None
            for r in RULES:
                if r["action"] in EARLY:
                    continue
                if r.get("method", method) == method and u.path.startswith(r.get("path", "")) and r["times"] > 0:
                    r["times"] -= 1
                    rule = r
                    break
        if rule:
            a = rule["action"]
            if a == "status":
                hdr = rule.get("headers", {})
                return self.send_json(rule["status"], rule.get("body", {"title": "injected"}), hdr)
            if a == "delay":
                time.sleep(rule["seconds"])
            elif a == "truncate":
                status, body = self.route(method, u.path, q, raw, auth)
                data = json.dumps(body).encode()
                cut = data[: len(data) // 2]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(cut)))
                self.end_headers()
                self.wfile.write(cut)
                return
            elif a == "short_body":  # claims more bytes than it sends, then closes
                status, body = self.route(method, u.path, q, raw, auth)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data) + 100))
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            elif a == "garbage":
                return self.send_json(rule.get("status", 200), rule.get("raw", "<html>oops</html>").encode(), ctype="text/html")
            elif a == "redirect":
                self.send_response(rule.get("status", 307))
                self.send_header("Location", rule["location"])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            elif a == "reset":  # read the whole request, then reset the connection without answering
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                if rule.get("process", False):
                    self.route(method, u.path, q, raw, auth)  # the order IS placed
                self.connection.close()
                self.close_connection = True
                return
            elif a == "huge":
                size = rule["bytes"]
                self.send_response(rule.get("status", 200))
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(size))
                self.end_headers()
                chunk = b" " * (1 << 20)
                sent = 0
                try:
                    while sent < size:
                        k = min(len(chunk), size - sent)
                        self.wfile.write(chunk[:k])
                        sent += k
                except OSError:
                    pass
                return
            elif a == "echo":  # an error body echoing what we received (auth header, body)
                msg = rule.get("template", "bad request: auth={auth} body={body}").format(auth=auth, body=raw.decode(errors="replace"))
                return self.send_json(rule.get("status", 400), {"title": rule.get("title", "Bad Request"), "detail": msg, "status": rule.get("status", 400)})
            elif a == "process_then_status":  # the order is placed, then an error status is returned
                self.route(method, u.path, q, raw, auth)
                return self.send_json(rule["status"], rule.get("body", {"title": "Gateway Timeout"}))
            elif a == "process_then_garbage":
                self.route(method, u.path, q, raw, auth)
                return self.send_json(200, rule.get("raw", '{"results": [{"index": 0, "id": "').encode())
            elif a == "process_then_delay":
                status, body = self.route(method, u.path, q, raw, auth)
                time.sleep(rule["seconds"])
                return self.send_json(status, body)
        status, body = self.route(method, u.path, q, raw, auth)
        self.send_json(status, body)

    def early_rule(self, method, path):
        with LOCK:
            for r in RULES:
                if r["action"] in EARLY and r.get("method", method) == method \
                        and path.startswith(r.get("path", "")) and r["times"] > 0:
                    r["times"] -= 1
                    return r
        return None

    def placed(self, oid):
        with LOCK, open(LOG, "a") as f:
            f.write(json.dumps({"t": time.time(), "port": PORT, "placed": oid}) + "\n")

    def authed(self, auth):
        return auth.startswith("Bearer ") and auth[7:] in TOKENS

    def route(self, m, path, q, raw, auth):
        text = raw.decode(errors="replace")
        if m == "POST" and path == "/oauth/token":
            ok = auth == "Basic " + base64.b64encode(b"p-123:k-456").decode()
            if not ok:
                return 401, {"data": None, "error": {"code": 401, "message": "Bad credentials"}}
            t = "tok-" + uuid.uuid4().hex; TOKENS.add(t)
            return 200, {"data": {"accessToken": t}, "access_token": t}
        if m == "POST" and path.endswith("/openid-connect/token"):
            b = parse_qs(text)
            if b.get("username") != ["alice@example.com"] or b.get("password") != ["s3cret-pass"]:
                return 401, {"error": "invalid_grant", "error_description": "Invalid user credentials"}
            t = "tok-" + uuid.uuid4().hex; TOKENS.add(t)
            return 200, {"access_token": t, "expires_in": 300}
        if m == "GET" and path.endswith("/userinfo"):
            return (200, {"sub": WS}) if self.authed(auth) else (401, {"error": "invalid_token"})
        if m == "GET" and path == "/v2/data-products":
            return 200, {"content": PRODUCTS, "totalPages": 1, "last": True}
        if not self.authed(auth):
            return 401, {"data": None, "error": {"code": 401, "message": "Unauthorized"}}
        if m == "GET" and path == "/users/me":
            return 200, {"data": {"id": WS}}
        if m == "GET" and path.startswith("/orders/schema/"):
            pid = path.rsplit("/", 1)[1]
            f = os.path.join(SCHEMAS, pid + ".json")
            if os.path.exists(f):
                return 200, json.load(open(f))
            return 404, {"title": "Schema not found", "status": 404}
        if m == "POST" and path == "/v2/orders/estimate":
            return 200, {"summary": {"totalCredits": 14424, "totalSize": 8.48, "unit": "SQ_KM"}, "errors": []}
        if m == "POST" and path == f"/workspaces/{WS}/orders":
            oid = str(uuid.uuid4()); ORDERS[oid] = text; self.placed(oid)
            return 200, {"data": {"id": oid}, "error": None}
        if m == "POST" and path == "/v2/orders":
            oid = str(uuid.uuid4()); ORDERS[oid] = text; self.placed(oid)
            return 200, {"results": [{"index": 0, "id": oid}], "errors": []}
        if m == "GET" and path.startswith("/v2/orders/"):
            oid = path.rsplit("/", 1)[1]
            return 200, {"id": oid, "status": "PLACED", "type": "TASKING", "orderDetails": {"subStatus": "QUOTATION_WAITING_RESPONSE"}}
        if m == "GET" and path.startswith("/v2/tasking/"):
            return 200, {"content": [], "totalPages": 1}
        return 404, {"title": f"No route {m} {path}", "status": 404}

    def do_GET(self): self.handle_any("GET")
    def do_POST(self): self.handle_any("POST")
    def do_PATCH(self): self.handle_any("PATCH")
    def do_PUT(self): self.handle_any("PUT")


if __name__ == "__main__":
    srv = ThreadingHTTPServer(("127.0.0.1", PORT), H)
    if len(sys.argv) > 5:  # PORT 0: the port the system chose, for the caller
        PORT = srv.server_address[1]
        with open(sys.argv[5] + ".tmp", "w") as f:
            f.write(str(PORT))
        os.rename(sys.argv[5] + ".tmp", sys.argv[5])
    srv.daemon_threads = True
    srv.serve_forever()
