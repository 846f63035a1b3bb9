//! A fake UP42 API on 127.0.0.1 for network tests.
//!
//! It serves every endpoint tasking-ls uses with the provider's real shapes (token
//! endpoints, products, schemas with ETags, estimate, both order placements, orders,
//! quotations, feasibility studies), keeps state, records every request, and injects faults
//! on demand. It runs on its own thread and runtime so any test (sync or `#[tokio::test]`)
//! can use it, and is written on plain tokio so a fault can be as crude as a dropped socket.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tasking_ls::api::{ApiSettings, Credentials, Secret};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const WORKSPACE_ID: &str = "1f1e2d3c-0000-4000-8000-00000000a001";
pub const USERNAME: &str = "ada@example.com";
pub const PASSWORD: &str = "pw-Secr3t-correct-horse";
pub const PROJECT_ID: &str = "2b2b2b2b-0000-4000-8000-00000000b001";
pub const PROJECT_API_KEY: &str = "pk-Secr3t-project-key";
pub const STATIC_TOKEN: &str = "st-Secr3t-static-token";
/// The seed's Pléiades product, with a schema.
pub const PRODUCT_ID: &str = "bd102407-1814-4f92-8b5a-7697b7a73f5a";
/// A second product with a schema.
pub const OTHER_PRODUCT_ID: &str = "d28f0a41-5a5b-4c6e-9a73-1c1b2a3d4e5f";
/// A listed product the account has no access to (orders get 403).
pub const FORBIDDEN_PRODUCT_ID: &str = "0a0a0a0a-1111-4222-8333-444455556666";
/// Every issued token starts with this, so tests can look for leaks.
pub const TOKEN_PREFIX: &str = "tok-Secr3t-";
pub const TOKEN_PATH: &str = "/realms/public/protocol/openid-connect/token";
pub const USERINFO_PATH: &str = "/realms/public/protocol/openid-connect/userinfo";

/// One request as the fake received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        parse_pairs(&self.query)
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    pub fn form(&self) -> Vec<(String, String)> {
        parse_pairs(&self.body_text())
    }
}

/// A fault to answer with instead of the real answer.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 500 problem+json.
    ServerError,
    /// 401 with the legacy envelope saying the JWT expired.
    ExpiredToken,
    /// 404 problem+json `schema-not-found`.
    SchemaNotFound,
    /// 200 with a truncated JSON body.
    Malformed,
    /// The real answer, after this delay.
    Slow(Duration),
    /// Read the request, then close the connection without answering.
    Drop,
    /// 403 problem+json.
    Forbidden,
    /// Read the request head, then close before its body is read: nothing is processed.
    DropDuringBody,
    /// Process the request (an order IS placed), then close without answering.
    PlaceThenDrop,
    /// Process the request, then answer 200 with the first half of the real body.
    PlaceThenTruncate,
    /// Process the request, then answer this status with a problem body (a gateway's
    /// 502/503/504 after the provider acted).
    PlaceThenStatus(u16),
    /// Process the request, then answer after this delay.
    PlaceThenSlow(Duration),
    /// Answer this 3xx status with this `Location`.
    Redirect(u16, String),
    /// Answer 200 announcing and streaming this many bytes of spaces.
    Huge(u64),
    /// Answer 200 with a body of this many bytes *without* announcing its length (chunked).
    HugeChunked(u64),
    /// Answer this status with a problem whose detail is the template with `{auth}` and
    /// `{body}` replaced by what was received (a server echoing secrets).
    Echo(u16, String),
    /// Answer this status and JSON body as they are.
    Answer(u16, Value),
}

struct Injected {
    method: Option<String>,
    path: String,
    fault: Fault,
    remaining: usize,
}

struct State {
    requests: Vec<Recorded>,
    faults: Vec<Injected>,
    token_lifetime: u64,
    tokens: HashMap<String, Instant>,
    counter: u64,
    products: Vec<Value>,
    v2_products_missing: bool,
    schemas: HashMap<String, (Value, String)>,
    forbidden: HashSet<String>,
    orders: Vec<Value>,
    quotations: Vec<Value>,
    studies: Vec<Value>,
    /// How long every schema GET takes (a slow provider), and how many run at once.
    schema_delay: Duration,
    schema_gets_now: usize,
    schema_gets_max: usize,
}

struct Response {
    status: u16,
    content_type: &'static str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn respond(status: u16, body: Value) -> Response {
    Response {
        status,
        content_type: "application/json",
        headers: vec![],
        body: body.to_string().into_bytes(),
    }
}

fn problem(status: u16, kind: &str, title: &str, detail: &str) -> Response {
    let mut body = json!({
        "type": format!("https://docs.up42.com/problems/{kind}"),
        "title": title,
        "status": status,
    });
    if !detail.is_empty() {
        body["detail"] = json!(detail);
    }
    Response {
        content_type: "application/problem+json",
        ..respond(status, body)
    }
}

fn expired() -> Response {
    respond(
        401,
        json!({"data": null, "error": {"code": 401, "message":
            "An error occurred while attempting to decode the Jwt: Jwt expired at 2026-01-01T00:00:00Z",
            "details": null}}),
    )
}

/// The fake server; it stops when dropped.
pub struct FakeApi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl FakeApi {
    pub fn start() -> FakeApi {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State::seeded()));
        let (tx, rx) = tokio::sync::oneshot::channel();
        let served = state.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                tokio::select! {
                    _ = rx => {}
                    _ = async {
                        loop {
                            let Ok((stream, _)) = listener.accept().await else { continue };
                            tokio::spawn(connection(stream, served.clone()));
                        }
                    } => {}
                }
            });
        });
        FakeApi {
            addr,
            state,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn auth_url(&self) -> String {
        format!("{}{TOKEN_PATH}", self.url())
    }

    /// Settings pointing at this server, with `timeout` on every call.
    pub fn settings(&self, timeout: Duration) -> ApiSettings {
        ApiSettings {
            api_url: self.url(),
            auth_url: self.auth_url(),
            workspace_id: None,
            timeout,
            offline: false,
            api_url_from_editor: false,
            auth_url_configured: true,
            credentials_home: None,
        }
    }

    pub fn account() -> Credentials {
        Credentials::Account {
            username: USERNAME.into(),
            password: Secret::new(PASSWORD),
        }
    }

    pub fn project() -> Credentials {
        Credentials::Project {
            project_id: PROJECT_ID.into(),
            api_key: Secret::new(PROJECT_API_KEY),
        }
    }

    pub fn static_token() -> Credentials {
        Credentials::Token(Secret::new(STATIC_TOKEN))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    /// Requests with this method and path (query ignored).
    pub fn requests_to(&self, method: &str, path: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == method && r.path == path)
            .collect()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.requests_to(method, path).len()
    }

    pub fn clear_requests(&self) {
        self.lock().requests.clear();
    }

    /// Answers the next `times` requests to `path` (any method) with `fault`.
    pub fn inject(&self, path: &str, fault: Fault, times: usize) {
        self.inject_method(None, path, fault, times);
    }

    pub fn inject_method(&self, method: Option<&str>, path: &str, fault: Fault, times: usize) {
        self.lock().faults.push(Injected {
            method: method.map(str::to_string),
            path: path.to_string(),
            fault,
            remaining: times,
        });
    }

    pub fn clear_faults(&self) {
        self.lock().faults.clear();
    }

    /// Lifetime of the tokens issued from now on (`expires_in`, and enforced).
    pub fn set_token_lifetime(&self, secs: u64) {
        self.lock().token_lifetime = secs;
    }

    /// Makes every issued token invalid, as if they had expired.
    pub fn expire_tokens(&self) {
        self.lock().tokens.clear();
    }

    /// Makes every schema GET take `delay` before it is answered.
    pub fn set_schema_delay(&self, delay: Duration) {
        self.lock().schema_delay = delay;
    }

    /// The most schema GETs that were in progress at once.
    pub fn max_concurrent_schema_gets(&self) -> usize {
        self.lock().schema_gets_max
    }

    pub fn set_schema(&self, id: &str, schema: Value, etag: &str) {
        self.lock()
            .schemas
            .insert(id.to_string(), (schema, etag.to_string()));
    }

    /// Pretends to be an older deployment without `/v2/data-products`.
    pub fn set_v2_products_missing(&self, missing: bool) {
        self.lock().v2_products_missing = missing;
    }

    /// Adds one tasking product with this id and title (any text: a hostile provider).
    pub fn add_product(&self, id: &str, title: &str) {
        self.lock()
            .products
            .push(product(id, title, "odd-tasking", "TASKING"));
    }

    /// Adds `n` more tasking products (to exercise paging).
    pub fn add_products(&self, n: usize) {
        let mut state = self.lock();
        for i in 0..n {
            let id = format!("7e57{i:04x}-0000-4000-8000-000000000000");
            state.products.push(product(
                &id,
                &format!("Extra {i}"),
                "extra-tasking",
                "TASKING",
            ));
        }
    }

    pub fn orders(&self) -> Vec<Value> {
        self.lock().orders.clone()
    }

    pub fn quotations(&self) -> Vec<Value> {
        self.lock().quotations.clone()
    }

    pub fn studies(&self) -> Vec<Value> {
        self.lock().studies.clone()
    }

    /// Number of tokens issued by either token endpoint.
    pub fn tokens_issued(&self) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.method == "POST" && (r.path == TOKEN_PATH || r.path == "/oauth/token"))
            .count()
    }
}

impl Drop for FakeApi {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn product(id: &str, title: &str, collection: &str, kind: &str) -> Value {
    json!({
        "id": id, "name": title.to_lowercase().replace(' ', "-"), "title": title,
        "description": format!("{title} product"), "eulaId": "f79e0000-0000-4000-8000-000000000000",
        "collection": {"name": collection, "title": collection.to_uppercase(), "type": kind,
            "integrations": ["QUOTATION_REQUIRED"],
            "providers": [{"name": "oneatlas", "title": "OneAtlas", "roles": ["HOST"]}]}
    })
}

/// The current tasking schema shape (§3 of the API notes).
pub fn sample_schema() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft-07/schema",
        "type": "object",
        "properties": {
            "geometry": {"title": "Geometry", "type": "object", "required": ["coordinates"],
                "properties": {"type": {"const": "Polygon", "default": "Polygon", "type": "string"},
                    "coordinates": {"type": "array"}}},
            "displayName": {"title": "Order name", "type": "string"},
            "acquisitionStart": {"title": "Start", "type": "string", "format": "date-time"},
            "acquisitionEnd": {"title": "End", "type": "string", "format": "date-time"},
            "acquisitionMode": {"title": "Acquisition mode", "type": "string", "default": "spot",
                "anyOf": [{"const": "spot", "title": "Spot"}, {"const": "strip", "title": "Strip"}]},
            "maxIncidenceAngle": {"type": "integer", "default": 25, "minimum": 0, "maximum": 90}
        },
        "required": ["geometry", "displayName", "acquisitionStart", "acquisitionEnd"],
        "additionalProperties": false
    })
}

impl State {
    fn seeded() -> State {
        let mut schemas = HashMap::new();
        schemas.insert(
            PRODUCT_ID.to_string(),
            (sample_schema(), "\"v1\"".to_string()),
        );
        let mut other = sample_schema();
        other["title"] = json!("Other");
        schemas.insert(OTHER_PRODUCT_ID.to_string(), (other, "\"o1\"".to_string()));
        State {
            schema_delay: Duration::ZERO,
            schema_gets_now: 0,
            schema_gets_max: 0,
            requests: vec![],
            faults: vec![],
            token_lifetime: 300,
            tokens: HashMap::new(),
            counter: 0,
            products: vec![
                product(PRODUCT_ID, "Analytic", "phr-tasking", "TASKING"),
                product(OTHER_PRODUCT_ID, "Display", "pneo-tasking", "TASKING"),
                product(
                    FORBIDDEN_PRODUCT_ID,
                    "Restricted",
                    "secret-tasking",
                    "TASKING",
                ),
                product(
                    "9a9a9a9a-0000-4000-8000-000000000000",
                    "Archive",
                    "phr",
                    "ARCHIVE",
                ),
            ],
            v2_products_missing: false,
            schemas,
            forbidden: HashSet::from([FORBIDDEN_PRODUCT_ID.to_string()]),
            orders: vec![],
            quotations: vec![],
            studies: vec![],
        }
    }

    fn next_id(&mut self) -> String {
        self.counter += 1;
        format!("00000000-0000-4000-8000-{:012x}", self.counter)
    }

    fn issue_token(&mut self) -> String {
        self.counter += 1;
        let token = format!("{TOKEN_PREFIX}{}", self.counter);
        let expiry = Instant::now() + Duration::from_secs(self.token_lifetime);
        self.tokens.insert(token.clone(), expiry);
        token
    }

    /// `Err` with the 401 answer unless the request carries a live token.
    fn check_auth(&self, req: &Recorded) -> Result<(), Response> {
        let Some(token) = req
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
        else {
            return Err(respond(
                401,
                json!({"data": null, "error": {"code": 401,
                "message": "Full authentication is required to access this resource", "details": null}}),
            ));
        };
        if token == STATIC_TOKEN {
            return Ok(());
        }
        match self.tokens.get(token) {
            Some(expiry) if Instant::now() < *expiry => Ok(()),
            _ => Err(expired()),
        }
    }

    fn take_fault(&mut self, req: &Recorded) -> Option<Fault> {
        let injected = self.faults.iter_mut().find(|f| {
            f.remaining > 0
                && f.path == req.path
                && f.method.as_ref().is_none_or(|m| *m == req.method)
        })?;
        injected.remaining -= 1;
        Some(injected.fault.clone())
    }

    fn route(&mut self, req: &Recorded) -> Response {
        let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
        match (req.method.as_str(), segments.as_slice()) {
            ("POST", ["realms", "public", "protocol", "openid-connect", "token"]) => self.password_grant(req),
            ("GET", ["realms", "public", "protocol", "openid-connect", "userinfo"]) => {
                self.authed(req, |_, _| respond(200, json!({"sub": WORKSPACE_ID, "email": USERNAME})))
            }
            ("POST", ["oauth", "token"]) => self.project_grant(req),
            ("GET", ["users", "me"]) => {
                self.authed(req, |_, _| respond(200, json!({"data": {"id": WORKSPACE_ID}, "error": null})))
            }
            ("GET", ["v2", "data-products"]) => self.products_v2(req),
            ("GET", ["data-products"]) => self.authed(req, |s, _| {
                respond(200, json!({"data": s.products.iter().map(|p| json!({
                    "id": p["id"], "collectionName": p["collection"]["name"],
                    "productConfigurationId": "c0c0c0c0-0000-4000-8000-000000000000",
                    "productConfiguration": {"title": p["title"], "description": p["description"]},
                    "collection": {"name": p["collection"]["name"], "title": p["collection"]["title"],
                        "type": p["collection"]["type"], "host": {"name": "oneatlas"}},
                    "isIntegrated": true})).collect::<Vec<_>>(), "error": null}))
            }),
            ("GET", ["orders", "schema", id]) => {
                let id = id.to_string();
                self.authed(req, move |s, req| s.schema(req, &id))
            }
            ("POST", ["v2", "orders", "estimate"]) => self.authed(req, |s, req| s.estimate(req)),
            ("POST", ["workspaces", ws, "orders"]) => {
                let ws = ws.to_string();
                self.authed(req, move |s, req| s.place_seed(req, &ws))
            }
            ("POST", ["v2", "orders"]) => self.authed(req, |s, req| s.place_v2(req)),
            ("GET", ["v2", "orders"]) => self.authed(req, |s, req| {
                let listed = s
                    .orders
                    .iter()
                    .filter(|o| req.query_param("workspaceId").is_none_or(|w| o["workspaceId"] == w.as_str()))
                    .filter(|o| req.query_param("displayName").is_none_or(|n| o["displayName"] == n.as_str()))
                    .cloned()
                    .collect();
                page_of(listed)
            }),
            ("GET", ["v2", "orders", id]) => {
                let id = id.to_string();
                self.authed(req, move |s, _| match s.orders.iter().find(|o| o["id"] == id.as_str()) {
                    Some(order) => respond(200, order.clone()),
                    None => problem(404, "order-not-found", "Order not found", &format!("No order with id {id}.")),
                })
            }
            ("GET", ["v2", "tasking", "quotation"]) => {
                self.authed(req, |s, req| page_of(filter(&s.quotations, req)))
            }
            ("PATCH", ["v2", "tasking", "quotation", id]) => {
                let id = id.to_string();
                self.authed(req, move |s, req| s.decide_quotation(req, &id))
            }
            ("GET", ["v2", "tasking", "feasibility-studies"]) => {
                self.authed(req, |s, req| page_of(filter(&s.studies, req)))
            }
            ("PATCH", ["v2", "tasking", "feasibility-studies", id]) => {
                let id = id.to_string();
                self.authed(req, move |s, req| s.choose_option(req, &id))
            }
            _ => problem(404, "not-found", "Not Found", &format!("No route for {} {}.", req.method, req.path)),
        }
    }

    fn authed(
        &mut self,
        req: &Recorded,
        then: impl FnOnce(&mut State, &Recorded) -> Response,
    ) -> Response {
        match self.check_auth(req) {
            Ok(()) => then(self, req),
            Err(r) => r,
        }
    }

    fn password_grant(&mut self, req: &Recorded) -> Response {
        let form: HashMap<String, String> = req.form().into_iter().collect();
        let get = |k: &str| form.get(k).map(String::as_str);
        if get("grant_type") != Some("password") || get("client_id") != Some("up42-api") {
            return respond(
                400,
                json!({"error": "invalid_request", "error_description": "Missing or wrong grant_type or client_id"}),
            );
        }
        if get("username") != Some(USERNAME) || get("password") != Some(PASSWORD) {
            return respond(
                401,
                json!({"error": "invalid_grant", "error_description": "Invalid user credentials"}),
            );
        }
        let token = self.issue_token();
        respond(
            200,
            json!({"access_token": token, "expires_in": self.token_lifetime,
            "refresh_expires_in": 1800, "refresh_token": "refresh-unused", "token_type": "Bearer",
            "not-before-policy": 0, "session_state": "s", "scope": "openid email profile"}),
        )
    }

    fn project_grant(&mut self, req: &Recorded) -> Response {
        let form: HashMap<String, String> = req.form().into_iter().collect();
        if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return respond(
                415,
                json!({"data": null, "error": {"code": 415, "message": "Unsupported Media Type", "details": null}}),
            );
        }
        let expected = format!(
            "Basic {}",
            base64(&format!("{PROJECT_ID}:{PROJECT_API_KEY}"))
        );
        if req.header("authorization") != Some(expected.as_str()) {
            return respond(
                401,
                json!({"data": null, "error": {"code": 401, "message": "Bad credentials", "details": null}}),
            );
        }
        let token = self.issue_token();
        respond(200, json!({"data": {"accessToken": token}, "error": null}))
    }

    fn products_v2(&mut self, req: &Recorded) -> Response {
        if self.v2_products_missing {
            return problem(404, "not-found", "Not Found", "");
        }
        let page: usize = req
            .query_param("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        let size: usize = req
            .query_param("size")
            .and_then(|p| p.parse().ok())
            .unwrap_or(20)
            .max(1);
        let total = self.products.len();
        let pages = total.div_ceil(size);
        let content: Vec<Value> = self
            .products
            .iter()
            .skip(page * size)
            .take(size)
            .cloned()
            .collect();
        respond(
            200,
            json!({"content": content, "totalPages": pages, "totalElements": total,
            "number": page, "size": size, "first": page == 0, "last": page + 1 >= pages,
            "empty": content.is_empty(), "numberOfElements": content.len()}),
        )
    }

    fn schema(&mut self, req: &Recorded, id: &str) -> Response {
        if uuid::Uuid::try_parse(id).is_err() {
            return problem(400, "not-valid-uuid", "Not a valid UUID", "");
        }
        let Some((schema, etag)) = self.schemas.get(id) else {
            return problem(
                404,
                "schema-not-found",
                "Schema not found",
                &format!("No schema for data product {id}."),
            );
        };
        let headers = vec![("ETag".to_string(), etag.clone())];
        if req.header("if-none-match") == Some(etag.as_str()) {
            return Response {
                status: 304,
                content_type: "application/schema+json",
                headers,
                body: vec![],
            };
        }
        Response {
            content_type: "application/schema+json",
            headers,
            ..respond(200, schema.clone())
        }
    }

    /// Validates a v2 body; per-feature geometry problems are reported, not fatal.
    fn features(req: &Recorded) -> Result<(Value, Vec<Value>), Response> {
        let body: Value = serde_json::from_slice(&req.body).map_err(|_| {
            problem(
                400,
                "bad-order-request",
                "Order request not valid",
                "The body is not JSON.",
            )
        })?;
        let features = body
            .pointer("/featureCollection/features")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if features.is_empty() || body.get("displayName").is_none() {
            let mut r = json!({"type": "https://docs.up42.com/problems/bad-order-request", "status": 400,
                "title": "Order request not valid", "detail": "One or more values are not valid.",
                "instance": req.path, "errors": [{"name": "featureCollection", "reason": "The feature list must not be empty."}]});
            if body.get("displayName").is_none() {
                r["errors"] = json!([{"name": "displayName", "reason": "must not be null"}]);
            }
            return Err(Response {
                content_type: "application/problem+json",
                ..respond(400, r)
            });
        }
        Ok((body, features))
    }

    fn estimate(&mut self, req: &Recorded) -> Response {
        let (_, features) = match Self::features(req) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let (mut results, mut errors) = (vec![], vec![]);
        for (i, f) in features.iter().enumerate() {
            if f.pointer("/geometry/type").and_then(Value::as_str) == Some("Polygon") {
                results.push(json!({"index": i, "credits": 14424, "size": 8.48, "unit": "SQ_KM"}));
            } else {
                errors
                    .push(json!({"index": i, "message": "Failed", "details": "Invalid geometry"}));
            }
        }
        let n = results.len() as f64;
        respond(
            200,
            json!({"summary": {"totalCredits": 14424.0 * n, "totalSize": 8.48 * n, "unit": "SQ_KM"},
            "results": results, "errors": errors}),
        )
    }

    fn create_order(&mut self, product: &str, name: &str, geometry: Value) -> String {
        let id = self.next_id();
        let now = "2026-06-01T10:00:00Z";
        // The order list is searched by creation time: the order's is real.
        let created = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.orders.push(json!({"id": id, "displayName": name, "status": "PLACED",
            "workspaceId": WORKSPACE_ID, "accountId": "acc", "type": "TASKING", "dataProductId": product,
            "tags": [], "createdAt": created, "updatedAt": created, "createdBy": {"id": "u", "type": "USER"},
            "orderDetails": {"subStatus": "FEASIBILITY_WAITING_RESPONSE", "geometry": geometry}}));
        let study_id = self.next_id();
        let options: Vec<Value> = (1..=2)
            .map(|n| {
                let option_id = self.next_id();
                json!({"id": option_id, "createdAt": now, "updatedAt": now, "studyId": study_id,
                    "description": format!("Option {n}: {} acquisitions", n * 2)})
            })
            .collect();
        self.studies.push(json!({"id": study_id, "createdAt": now, "updatedAt": now, "accountId": "acc",
            "workspaceId": WORKSPACE_ID, "orderId": id, "decision": "NOT_DECIDED", "decisionById": null,
            "decisionByType": null, "decisionAt": null, "options": options, "decisionOption": null}));
        let quotation_id = self.next_id();
        self.quotations.push(json!({"id": quotation_id, "createdAt": now, "updatedAt": now,
            "decision": "NOT_DECIDED", "decisionById": null, "decisionByType": null, "decisionAt": null,
            "accountId": "acc", "workspaceId": WORKSPACE_ID, "orderId": id, "creditsPrice": 14424}));
        id
    }

    fn forbidden_answer(&self, product: &str) -> Option<Response> {
        self.forbidden.contains(product).then(|| {
            problem(
                403,
                "forbidden",
                "Access denied",
                "Your account has no access to collection secret-tasking.",
            )
        })
    }

    fn place_seed(&mut self, req: &Recorded, ws: &str) -> Response {
        if ws != WORKSPACE_ID {
            return problem(404, "workspace-not-found", "Workspace not found", "");
        }
        let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
            return respond(
                400,
                json!({"data": null, "error": {"code": 400, "message": "Malformed request", "details": null}}),
            );
        };
        let product = body["dataProduct"].as_str().unwrap_or_default().to_string();
        if let Some(r) = self.forbidden_answer(&product) {
            return r;
        }
        let name = body
            .pointer("/params/displayName")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let geometry = body
            .pointer("/params/geometry")
            .cloned()
            .unwrap_or(Value::Null);
        let id = self.create_order(&product, &name, geometry);
        respond(200, json!({"data": {"id": id}, "error": null}))
    }

    fn place_v2(&mut self, req: &Recorded) -> Response {
        if req.query_param("workspaceId").as_deref() != Some(WORKSPACE_ID) {
            return problem(
                400,
                "bad-order-request",
                "Order request not valid",
                "workspaceId is required.",
            );
        }
        let (body, features) = match Self::features(req) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let product = body["dataProduct"].as_str().unwrap_or_default().to_string();
        if let Some(r) = self.forbidden_answer(&product) {
            return r;
        }
        let name = body["displayName"].as_str().unwrap_or_default().to_string();
        let (mut results, mut errors) = (vec![], vec![]);
        for (i, f) in features.iter().enumerate() {
            if f.pointer("/geometry/type").and_then(Value::as_str) == Some("Polygon") {
                let id = self.create_order(&product, &name, f["geometry"].clone());
                results.push(json!({"index": i, "id": id}));
            } else {
                errors
                    .push(json!({"index": i, "message": "Failed", "details": "Invalid geometry"}));
            }
        }
        respond(201, json!({"results": results, "errors": errors}))
    }

    fn decide_quotation(&mut self, req: &Recorded, id: &str) -> Response {
        let decision = serde_json::from_slice::<Value>(&req.body)
            .ok()
            .and_then(|b| b["decision"].as_str().map(str::to_string));
        let Some(q) = self.quotations.iter_mut().find(|q| q["id"] == id) else {
            return respond(
                404,
                json!({"status": 404, "title": "Resource does not exist.", "detail": {}}),
            );
        };
        if q["decision"] != "NOT_DECIDED" {
            return respond(
                405,
                json!({"title": "Resource (Quotation) is write-protected."}),
            );
        }
        match decision.as_deref() {
            Some(d @ ("ACCEPTED" | "REJECTED")) => {
                q["decision"] = json!(d);
                q["decisionAt"] = json!("2026-06-02T10:00:00Z");
                respond(200, q.clone())
            }
            _ => problem(
                400,
                "bad-request",
                "Invalid decision",
                "decision must be ACCEPTED or REJECTED.",
            ),
        }
    }

    fn choose_option(&mut self, req: &Recorded, id: &str) -> Response {
        let chosen = serde_json::from_slice::<Value>(&req.body)
            .ok()
            .and_then(|b| b["acceptedOptionId"].as_str().map(str::to_string));
        let Some(s) = self.studies.iter_mut().find(|s| s["id"] == id) else {
            return respond(
                404,
                json!({"status": 404, "title": "Resource does not exist.", "detail": {}}),
            );
        };
        if s["decision"] != "NOT_DECIDED" {
            return respond(
                405,
                json!({"title": "Resource (FeasibilityStudy) is write-protected."}),
            );
        }
        let option = s["options"].as_array().and_then(|o| {
            o.iter()
                .find(|o| Some(o["id"].as_str().unwrap_or("")) == chosen.as_deref())
                .cloned()
        });
        match option {
            Some(option) => {
                s["decision"] = json!("ACCEPTED");
                s["decisionOption"] = option;
                respond(200, s.clone())
            }
            None => problem(
                400,
                "bad-request",
                "Unknown option",
                "acceptedOptionId is not an option of this study.",
            ),
        }
    }
}

/// Items whose `id` / `orderId` match the query's.
fn filter(items: &[Value], req: &Recorded) -> Vec<Value> {
    items
        .iter()
        .filter(|i| {
            req.query_param("id")
                .is_none_or(|id| i["id"] == id.as_str())
        })
        .filter(|i| {
            req.query_param("orderId")
                .is_none_or(|id| i["orderId"] == id.as_str())
        })
        .cloned()
        .collect()
}

fn page_of(content: Vec<Value>) -> Response {
    let n = content.len();
    respond(
        200,
        json!({"content": content, "totalPages": 1, "totalElements": n, "number": 0,
        "size": 100, "first": true, "last": true, "empty": n == 0, "numberOfElements": n}),
    )
}

async fn connection(mut stream: TcpStream, state: Arc<Mutex<State>>) {
    let Some((mut req, length, rest)) = read_head(&mut stream).await else {
        return;
    };
    let early = {
        let s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.faults.iter().any(|f| {
            f.remaining > 0
                && f.path == req.path
                && f.method.as_ref().is_none_or(|m| *m == req.method)
                && matches!(f.fault, Fault::DropDuringBody)
        })
    };
    if !early {
        let Some(body) = read_body(&mut stream, rest, length).await else {
            return;
        };
        req.body = body;
    }
    let fault = {
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        s.requests.push(req.clone());
        s.take_fault(&req)
    };
    if req.method == "GET" && req.path.starts_with("/orders/schema/") {
        let delay = {
            let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
            s.schema_gets_now += 1;
            s.schema_gets_max = s.schema_gets_max.max(s.schema_gets_now);
            s.schema_delay
        };
        tokio::time::sleep(delay).await;
        state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .schema_gets_now -= 1;
    }
    let route =
        |state: &Arc<Mutex<State>>| state.lock().unwrap_or_else(|e| e.into_inner()).route(&req);
    let response = match fault {
        Some(Fault::Drop) | Some(Fault::DropDuringBody) => return,
        Some(Fault::PlaceThenDrop) => {
            route(&state);
            return;
        }
        Some(Fault::PlaceThenTruncate) => {
            let mut r = route(&state);
            r.body.truncate(r.body.len() / 2);
            r
        }
        Some(Fault::PlaceThenStatus(status)) => {
            route(&state);
            problem(
                status,
                "gateway",
                "Gateway error",
                "The upstream did not answer in time.",
            )
        }
        Some(Fault::PlaceThenSlow(delay)) => {
            let r = route(&state);
            tokio::time::sleep(delay).await;
            r
        }
        Some(Fault::Redirect(status, location)) => Response {
            status,
            content_type: "text/plain",
            headers: vec![("Location".to_string(), location)],
            body: vec![],
        },
        Some(Fault::Huge(bytes)) => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {bytes}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes()).await;
            stream_spaces(&mut stream, bytes).await;
            return;
        }
        Some(Fault::HugeChunked(bytes)) => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            stream_spaces(&mut stream, bytes).await;
            return;
        }
        Some(Fault::Echo(status, template)) => {
            let detail = template
                .replace("{auth}", req.header("authorization").unwrap_or(""))
                .replace("{body}", &req.body_text());
            problem(status, "echo", "Bad Request", &detail)
        }
        Some(Fault::Answer(status, body)) => respond(status, body),
        Some(Fault::ServerError) => problem(
            500,
            "internal",
            "Internal Server Error",
            "Something went wrong on our side.",
        ),
        Some(Fault::ExpiredToken) => expired(),
        Some(Fault::SchemaNotFound) => problem(
            404,
            "schema-not-found",
            "Schema not found",
            "No schema for this data product.",
        ),
        Some(Fault::Forbidden) => problem(
            403,
            "forbidden",
            "Access denied",
            "Your account has no access to this collection.",
        ),
        Some(Fault::Malformed) => Response {
            status: 200,
            content_type: "application/json",
            headers: vec![],
            body: b"{\"content\": [{\"id\": ".to_vec(),
        },
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            route(&state)
        }
        None => route(&state),
    };
    let reason = match response.status {
        200 => "OK",
        201 => "Created",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        415 => "Unsupported Media Type",
        _ => "Error",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(&response.body).await;
    let _ = stream.shutdown().await;
}

async fn stream_spaces(stream: &mut TcpStream, bytes: u64) {
    let chunk = vec![b' '; 1 << 16];
    let mut sent = 0u64;
    while sent < bytes {
        let n = (bytes - sent).min(chunk.len() as u64) as usize;
        if stream.write_all(&chunk[..n]).await.is_err() {
            return;
        }
        sent += n as u64;
    }
    let _ = stream.shutdown().await;
}

/// The request line and headers; the announced body length and the body bytes read so far.
async fn read_head(stream: &mut TcpStream) -> Option<(Recorded, usize, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let rest = buf[head_end + 4..].to_vec();
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    Some((
        Recorded {
            method,
            path,
            query,
            headers,
            body: vec![],
        },
        length,
        rest,
    ))
}

async fn read_body(stream: &mut TcpStream, mut body: Vec<u8>, length: usize) -> Option<Vec<u8>> {
    let mut chunk = [0u8; 8192];
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(body)
}

/// `a=1&b=x%20y` → pairs, percent- and `+`-decoded.
fn parse_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding (only to check Basic auth).
pub fn base64(s: &str) -> String {
    const ABC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in s.as_bytes().chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Every secret the fake provider's credentials hold: none may appear in any output.
pub const SECRETS: [&str; 4] = [PASSWORD, STATIC_TOKEN, TOKEN_PREFIX, PROJECT_API_KEY];

/// The environment of a user with account credentials against this fake provider (a short
/// timeout so that fault tests end quickly).
pub fn account_env(api: &FakeApi) -> Vec<(&'static str, String)> {
    vec![
        ("UP42_API_URL", api.url()),
        ("UP42_AUTH_URL", api.auth_url()),
        ("UP42_USERNAME", USERNAME.to_string()),
        ("UP42_PASSWORD", PASSWORD.to_string()),
        ("UP42_WORKSPACE_ID", WORKSPACE_ID.to_string()),
        ("UP42_TIMEOUT", "0.5".to_string()),
    ]
}
