//! Quotes, order submission, receipts, status, quotations and feasibility studies against
//! the fake provider, through the CLI runners and the client.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::fake_api::*;
use serde_json::{json, Value};
use tasking_ls::api::receipt::body_sha256;
use tasking_ls::api::{to_current_form, Client, Decision, ErrorKind};
use tasking_ls::cli::orders::*;

const T: Duration = Duration::from_millis(300);

/// The seed's Pléiades example.
const SEED: &str = r#"{
  "dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a",
  "params": {
    "displayName": "My satellite tasking order",
    "acquisitionStart": "2027-08-01T00:00:00.000Z",
    "acquisitionEnd": "2027-10-01T00:00:00.000Z",
    "geometry": {
      "type": "Polygon",
      "coordinates": [[[-79.6418, 9.0727], [-79.6418, 8.8703], [-79.4388, 8.8703], [-79.4387, 9.0727], [-79.6418, 9.0727]]]
    },
    "extraDescription": "Capture high resolution images over my AOI",
    "acquisitionMode": "mono",
    "cloudCoverage": 10,
    "incidenceAngle": 10,
    "geometricProcessing": "ortho",
    "spectralProcessing": "bundle",
    "pixelCoding": "12bits",
    "radiometricProcessing": "reflectance",
    "deliveredAs": "geotiff",
    "projection": "4326"
  }
}
"#;

/// What stderr says after the findings `submit` and `quote` print first (their summary line).
fn tail(err: String) -> String {
    match err.rfind("\nChecked ") {
        Some(i) => err[i + 1..]
            .split_once('\n')
            .map(|(_, rest)| rest.to_string())
            .unwrap_or_default(),
        None if err.starts_with("Checked ") => err
            .split_once('\n')
            .map(|(_, r)| r.to_string())
            .unwrap_or_default(),
        None => err,
    }
}

fn current(product: &str) -> String {
    format!(
        r#"{{"dataProduct": "{product}", "displayName": "Current form",
  "params": {{"displayName": "Current form", "acquisitionStart": "2027-08-01T00:00:00.000Z",
    "acquisitionEnd": "2027-10-01T00:00:00.000Z", "acquisitionMode": "mono", "cloudCoverage": 10,
    "incidenceAngle": 10, "geometricProcessing": "ortho", "spectralProcessing": "bundle",
    "pixelCoding": "12bits", "radiometricProcessing": "reflectance", "deliveredAs": "geotiff",
    "projection": "4326"}},
  "featureCollection": {{"type": "FeatureCollection", "features": [
    {{"type": "Feature", "properties": {{}}, "geometry": {{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}}}}]}},
  "tags": ["test"]}}"#
    )
}

struct Setup {
    api: FakeApi,
    ctx: ApiContext,
    dir: tempfile::TempDir,
}

fn setup() -> Setup {
    let api = FakeApi::start();
    let ctx = ApiContext {
        lint: Default::default(),
        schema_dir: None,
        settings: api.settings(T),
        credentials: FakeApi::account(),
        cache_dir: None,
    };
    Setup {
        api,
        ctx,
        dir: tempfile::tempdir().unwrap(),
    }
}

impl Setup {
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn posts(&self) -> Vec<Recorded> {
        self.api
            .requests()
            .into_iter()
            .filter(|r| {
                r.method == "POST" && (r.path == "/v2/orders" || r.path.starts_with("/workspaces/"))
            })
            .collect()
    }
}

fn submit_args(file: &Path, yes: bool, again: bool) -> SubmitArgs {
    SubmitArgs {
        file: file.to_path_buf(),
        yes,
        again,
    }
}

#[tokio::test]
async fn the_seed_form_is_converted_for_the_estimate() {
    let s = setup();
    let c = Client::new(s.api.settings(T), FakeApi::account()).unwrap();
    let seed: Value = serde_json::from_str(SEED).unwrap();
    let estimate = c.estimate(&seed).await.unwrap();
    assert_eq!(estimate.summary(), "≈ 14,424 credits for 8.48 km²");
    assert!(estimate.errors.is_empty());
    let sent = s.api.requests_to("POST", "/v2/orders/estimate")[0].body_text();
    let expected = json!({
        "dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a",
        "displayName": "My satellite tasking order",
        "params": {
            "displayName": "My satellite tasking order",
            "acquisitionStart": "2027-08-01T00:00:00.000Z",
            "acquisitionEnd": "2027-10-01T00:00:00.000Z",
            "extraDescription": "Capture high resolution images over my AOI",
            "acquisitionMode": "mono",
            "cloudCoverage": 10,
            "incidenceAngle": 10,
            "geometricProcessing": "ortho",
            "spectralProcessing": "bundle",
            "pixelCoding": "12bits",
            "radiometricProcessing": "reflectance",
            "deliveredAs": "geotiff",
            "projection": "4326"
        },
        "featureCollection": {"type": "FeatureCollection", "features": [{
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [[[-79.6418, 9.0727], [-79.6418, 8.8703], [-79.4388, 8.8703], [-79.4387, 9.0727], [-79.6418, 9.0727]]]},
            "properties": {}
        }]}
    });
    assert_eq!(sent, expected.to_string(), "exact body, key order included");
    // The current form is left as it is.
    let cur: Value = serde_json::from_str(&current(PRODUCT_ID)).unwrap();
    assert_eq!(to_current_form(&cur).unwrap(), cur);
    // Missing pieces are named.
    let e = to_current_form(&json!({"dataProduct": PRODUCT_ID, "params": {"displayName": "x"}}))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`params.geometry` is missing: the order needs an area"
    );
}

#[tokio::test]
async fn quote_prints_the_estimate_and_feature_errors() {
    let s = setup();
    let file = s.file("a_tasking_request.json", SEED);
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        quote(&s.ctx, &QuoteArgs { file: file.clone() }, &mut console).await,
        0
    );
    assert_eq!(
        out.out(),
        format!("{}: ≈ 14,424 credits for 8.48 km²\n", file.display())
    );

    let mut two: Value = serde_json::from_str(&current(PRODUCT_ID)).unwrap();
    two["featureCollection"]["features"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}));
    let file = s.file("b_tasking_request.json", &two.to_string());
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        quote(&s.ctx, &QuoteArgs { file: file.clone() }, &mut console).await,
        1
    );
    assert_eq!(
        out.out(),
        format!("{}: ≈ 14,424 credits for 8.48 km²\n", file.display())
    );
    assert_eq!(
        tail(out.err()),
        format!(
            "error: {0} has errors (listed above): the provider will refuse this order as it is; the estimate below is only indicative\n\
             error: {0}: feature 1: Failed (Invalid geometry)\n",
            file.display()
        )
    );
}

#[tokio::test]
async fn a_request_with_syntax_errors_is_refused_before_any_request() {
    let s = setup();
    let file = s.file(
        "bad_tasking_request.json",
        "{\n  \"dataProduct\": \"x\",\n  \"params\": {\n}",
    );
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        quote(&s.ctx, &QuoteArgs { file: file.clone() }, &mut console).await,
        1
    );
    assert_eq!(
        tail(out.err()),
        format!("error: {}:4:1: not valid JSON: EOF while parsing an object; fix it before sending it\n", file.display())
    );
    let (mut console, _) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, true), &mut console).await,
        1
    );
    assert!(s.api.requests().is_empty());
    let missing = s.dir.path().join("missing.json");
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        quote(
            &s.ctx,
            &QuoteArgs {
                file: missing.clone()
            },
            &mut console
        )
        .await,
        2
    );
    assert!(out
        .err()
        .starts_with(&format!("error: {}: cannot read: ", missing.display())));
}

#[tokio::test]
async fn submit_posts_the_seed_file_exactly_once_and_writes_a_receipt() {
    let s = setup();
    let file = s.file("pleiades_tasking_request.json", SEED);
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        0,
        "{}",
        out.err()
    );
    let posts = s.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, format!("/workspaces/{WORKSPACE_ID}/orders"));
    assert_eq!(posts[0].body, SEED.as_bytes(), "the file's bytes, exactly");
    assert_eq!(posts[0].header("content-type"), Some("application/json"));
    let order_id = s.api.orders()[0]["id"].as_str().unwrap().to_string();
    let receipt_file = s.dir.path().join("pleiades_tasking_request.order.json");
    assert_eq!(
        out.out(),
        format!(
            "Order \"My satellite tasking order\" for product {PRODUCT_ID} into workspace {WORKSPACE_ID} (seed form, POST /workspaces/{{workspaceId}}/orders).\n\
             Estimated cost: ≈ 14,424 credits (credits are charged when you accept the quotation).\n\
             Order placed: {order_id}\n\
             Receipt: {}\n\
             Follow it with: tasking-ls status {order_id}\n",
            receipt_file.display()
        )
        .replace("≈ 14,424 credits (", "≈ 14,424 credits for 8.48 km² (")
    );
    let receipt: Value = serde_json::from_slice(&std::fs::read(&receipt_file).unwrap()).unwrap();
    assert_eq!(receipt["orderId"], order_id.as_str());
    assert_eq!(receipt["orderIds"], json!([order_id]));
    assert_eq!(receipt["dataProduct"], PRODUCT_ID);
    assert_eq!(receipt["workspaceId"], WORKSPACE_ID);
    assert_eq!(receipt["bodySha256"], body_sha256(SEED.as_bytes()).as_str());
    assert_eq!(
        receipt["endpoint"],
        format!("POST /workspaces/{WORKSPACE_ID}/orders").as_str()
    );
    assert!(receipt["submittedAt"].as_str().is_some());
}

#[tokio::test]
async fn submit_posts_the_current_form_to_v2_orders() {
    let s = setup();
    let text = current(PRODUCT_ID);
    let file = s.file("cur_tasking_request.json", &text);
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        0,
        "{}",
        out.err()
    );
    let posts = s.posts();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].path, "/v2/orders");
    assert_eq!(posts[0].query, format!("workspaceId={WORKSPACE_ID}"));
    assert_eq!(posts[0].body_text(), text);
    let order_id = s.api.orders()[0]["id"].as_str().unwrap().to_string();
    assert!(out.out().contains(&format!("Order placed: {order_id}\n")));
    let receipt: Value = serde_json::from_slice(
        &std::fs::read(s.dir.path().join("cur_tasking_request.order.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        receipt["endpoint"],
        format!("POST /v2/orders?workspaceId={WORKSPACE_ID}").as_str()
    );
}

#[tokio::test]
async fn submitting_needs_a_confirmation() {
    let s = setup();
    let file = s.file("pleiades_tasking_request.json", SEED);
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, false, false), &mut console).await,
        2
    );
    assert_eq!(
        tail(out.err()),
        "error: not submitted: placing an order needs a confirmation and stdin is not a terminal; pass --yes to confirm\n"
    );
    let (mut console, out) = Console::captured(Some("no\n"));
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, false, false), &mut console).await,
        2
    );
    assert_eq!(
        tail(out.err()),
        "Place this order? [yes/no] Not submitted.\n"
    );
    assert!(s.posts().is_empty());
    let (mut console, _) = Console::captured(Some("yes\n"));
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, false, false), &mut console).await,
        0
    );
    assert_eq!(s.posts().len(), 1);
}

#[tokio::test]
async fn resubmitting_the_same_content_needs_a_second_confirmation() {
    let s = setup();
    let file = s.file("pleiades_tasking_request.json", SEED);
    let (mut console, _) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        0
    );
    let first = s.api.orders()[0]["id"].as_str().unwrap().to_string();

    // --yes alone is not enough.
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        2
    );
    assert!(
        out.out()
            .contains("This exact content was already submitted on "),
        "{}",
        out.out()
    );
    assert!(
        out.out().contains(&format!(" as order {first} (see ")),
        "{}",
        out.out()
    );
    assert_eq!(
        tail(out.err()),
        "error: not submitted: this content was already ordered; to place it a second time pass --again together with --yes\n"
    );
    // Interactive: yes, then no.
    let (mut console, out) = Console::captured(Some("yes\nno\n"));
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, false, false), &mut console).await,
        2
    );
    assert_eq!(
        tail(out.err()),
        "Place this order? [yes/no] Place it AGAIN, as a second, separate order? [yes/no] Not submitted again.\n"
    );
    assert_eq!(s.posts().len(), 1);

    // Changed content is a new order: one confirmation.
    let changed = SEED.replace("My satellite tasking order", "Second area");
    std::fs::write(&file, &changed).unwrap();
    let (mut console, _) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        0
    );
    assert_eq!(s.posts().len(), 2);

    // The first content again, in the receipt's history: --yes --again.
    std::fs::write(&file, SEED).unwrap();
    let (mut console, _) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        2
    );
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, true), &mut console).await,
        0,
        "{}",
        out.err()
    );
    assert_eq!(s.posts().len(), 3);
    let receipt: Value = serde_json::from_slice(
        &std::fs::read(s.dir.path().join("pleiades_tasking_request.order.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(receipt["earlier"].as_array().unwrap().len(), 2);
    assert_eq!(receipt["earlier"][1]["orderId"], first.as_str());
    // Interactive second yes works too.
    let (mut console, _) = Console::captured(Some("yes\nyes\n"));
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, false, false), &mut console).await,
        0
    );
    assert_eq!(s.posts().len(), 4);
}

#[tokio::test]
async fn a_timed_out_post_is_not_retried_and_the_outcome_is_unknown() {
    let s = setup();
    let file = s.file("cur_tasking_request.json", &current(PRODUCT_ID));
    s.api.inject_method(
        Some("POST"),
        "/v2/orders",
        Fault::Slow(Duration::from_millis(800)),
        1,
    );
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        2
    );
    assert_eq!(
        tail(out.err()),
        "error: no complete answer to the order submission (no answer within 0.3 s): outcome unknown — check `tasking-ls status` or your order list\n\
         The submission is recorded with an unknown outcome: a rerun asks for --again. Check your order list before placing it again.\n"
    );
    assert_eq!(s.posts().len(), 1, "exactly one POST");
    // Recorded as unknown: a rerun needs --again.
    let receipt = tasking_ls::api::receipt::read_receipt(&file)
        .unwrap()
        .unwrap();
    assert_eq!(receipt.outcome, tasking_ls::api::receipt::Outcome::Unknown);

    // A connection dropped after sending is just as unknown.
    let seed = s.file("seed_tasking_request.json", SEED);
    s.api.inject(
        &format!("/workspaces/{WORKSPACE_ID}/orders"),
        Fault::Drop,
        1,
    );
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&seed, true, false), &mut console).await,
        2
    );
    assert_eq!(
        tail(out.err()),
        "error: no complete answer to the order submission (connection closed before message completed): outcome unknown — check `tasking-ls status` or your order list\n\
         The submission is recorded with an unknown outcome: a rerun asks for --again. Check your order list before placing it again.\n"
    );
    assert_eq!(s.posts().len(), 2);
    // A 500 does not prove refusal either (issue 15): unknown, not retried.
    s.api
        .inject_method(Some("POST"), "/v2/orders", Fault::ServerError, 1);
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, true), &mut console).await,
        2
    );
    assert!(tail(out.err()).starts_with("error: no complete answer to the order submission (POST /v2/orders answered HTTP 500 Internal Server Error: Internal Server Error — Something went wrong on our side): outcome unknown"), "{}", out.err());
    assert_eq!(s.posts().len(), 3);
}

#[tokio::test]
async fn a_401_on_the_order_post_renews_and_posts_once_more() {
    let s = setup();
    let file = s.file("cur_tasking_request.json", &current(PRODUCT_ID));
    s.api
        .inject_method(Some("POST"), "/v2/orders", Fault::ExpiredToken, 1);
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        0,
        "{}",
        out.err()
    );
    assert_eq!(s.posts().len(), 2, "the 401 was not an order; the retry is");
    assert_eq!(s.api.orders().len(), 1);
    assert_eq!(s.api.tokens_issued(), 2);
}

#[tokio::test]
async fn a_403_on_submit_explains_how_to_get_access() {
    let s = setup();
    let file = s.file("x_tasking_request.json", &current(FORBIDDEN_PRODUCT_ID));
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        1
    );
    assert_eq!(
        tail(out.err()),
        format!(
            "error: the account has no access to the collection of product {FORBIDDEN_PRODUCT_ID} (POST /v2/orders answered HTTP 403 Forbidden: Access denied — Your account has no access to collection secret-tasking); request access from the product's page in the UP42 console (\"Request access\") and submit again once it is granted\n"
        )
    );
    assert!(!s.dir.path().join("x_tasking_request.order.json").exists());
}

/// Places one order and returns its id, its study and its quotation.
async fn placed(s: &Setup) -> (String, Value, Value) {
    let file = s.file("p_tasking_request.json", &current(PRODUCT_ID));
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        submit(&s.ctx, &submit_args(&file, true, false), &mut console).await,
        0,
        "{}",
        out.err()
    );
    let order = s.api.orders()[0]["id"].as_str().unwrap().to_string();
    (
        order,
        s.api.studies()[0].clone(),
        s.api.quotations()[0].clone(),
    )
}

#[tokio::test]
async fn status_shows_sub_status_studies_and_quotations() {
    let s = setup();
    let (order, study, quotation) = placed(&s).await;
    let (sid, q) = (
        study["id"].as_str().unwrap(),
        quotation["id"].as_str().unwrap(),
    );
    let (o1, o2) = (
        study["options"][0]["id"].as_str().unwrap(),
        study["options"][1]["id"].as_str().unwrap(),
    );
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        status(
            &s.ctx,
            &StatusArgs {
                order: order.clone()
            },
            &mut console
        )
        .await,
        0,
        "{}",
        out.err()
    );
    let expected = format!(
        "Order {order} \"Current form\": PLACED\n  \
         sub-status: FEASIBILITY_WAITING_RESPONSE (choose a feasibility option)\n  \
         feasibility study {sid}: NOT_DECIDED\n    \
         option {o1}: Option 1: 2 acquisitions\n    \
         option {o2}: Option 2: 4 acquisitions\n    \
         choose with: tasking-ls feasibility choose {sid} OPTION_ID\n  \
         quotation {q}: NOT_DECIDED, 14,424 credits\n    \
         decide with: tasking-ls quotation accept {q} (spends the credits, cannot be undone) or tasking-ls quotation reject {q}\n"
    );
    assert_eq!(out.out(), expected);
    assert_eq!(
        s.api.requests_to("GET", "/v2/tasking/quotation")[0].query,
        format!("orderId={order}&size=100")
    );
    // The request file (via its receipt) works as well.
    let (mut console, out) = Console::captured(None);
    let file = s
        .dir
        .path()
        .join("p_tasking_request.json")
        .display()
        .to_string();
    assert_eq!(
        status(&s.ctx, &StatusArgs { order: file }, &mut console).await,
        0
    );
    assert_eq!(out.out(), expected);
    // An unknown order.
    let (mut console, out) = Console::captured(None);
    assert_eq!(
        status(
            &s.ctx,
            &StatusArgs {
                order: "00000000-0000-4000-8000-00000000ffff".into()
            },
            &mut console
        )
        .await,
        1
    );
    assert_eq!(tail(out.err()), "error: not found: GET /v2/orders/00000000-0000-4000-8000-00000000ffff answered HTTP 404 Not Found: Order not found — No order with id 00000000-0000-4000-8000-00000000ffff\n");
}

#[tokio::test]
async fn accepting_a_quotation_warns_confirms_and_patches() {
    let s = setup();
    let (order, _, quotation) = placed(&s).await;
    let q = quotation["id"].as_str().unwrap().to_string();
    let accept = |yes| QuotationArgs {
        action: QuotationAction::Accept(DecideArgs {
            quotation_id: q.clone(),
            yes,
        }),
    };

    let (mut console, out) = Console::captured(None);
    assert_eq!(quotation_cmd(&s, &accept(false), &mut console).await, 2);
    assert_eq!(out.out(), format!("Accepting quotation {q} for order {order} spends 14,424 credits. This cannot be undone.\n"));
    assert_eq!(tail(out.err()), "error: nothing decided: this needs a confirmation and stdin is not a terminal; pass --yes to confirm\n");
    assert_eq!(
        s.api.count("PATCH", &format!("/v2/tasking/quotation/{q}")),
        0
    );

    let (mut console, out) = Console::captured(Some("yes\n"));
    assert_eq!(
        quotation_cmd(&s, &accept(false), &mut console).await,
        0,
        "{}",
        out.err()
    );
    assert_eq!(
        tail(out.err()),
        "Accept the quotation and spend the credits? [yes/no] "
    );
    assert!(out.out().ends_with(&format!("Quotation {q}: ACCEPTED.\n")));
    let patch = &s
        .api
        .requests_to("PATCH", &format!("/v2/tasking/quotation/{q}"))[0];
    assert_eq!(patch.json(), json!({"decision": "ACCEPTED"}));
    assert_eq!(patch.header("content-type"), Some("application/json"));

    let (mut console, out) = Console::captured(None);
    assert_eq!(quotation_cmd(&s, &accept(true), &mut console).await, 1);
    assert_eq!(
        tail(out.err()),
        format!("error: quotation {q} is already ACCEPTED and cannot be changed\n")
    );

    // The provider's own refusals, as the client reports them.
    let c = Client::new(s.api.settings(T), FakeApi::account()).unwrap();
    let e = c
        .decide_quotation(&q, Decision::Rejected)
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), format!("PATCH /v2/tasking/quotation/{q} answered HTTP 405 Method Not Allowed: Resource (Quotation) is write-protected"));
    let e = c
        .decide_quotation("00000000-0000-4000-8000-00000000ffff", Decision::Accepted)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.to_string(), "not found: PATCH /v2/tasking/quotation/00000000-0000-4000-8000-00000000ffff answered HTTP 404 Not Found: Resource does not exist");
    let (mut console, out) = Console::captured(None);
    let unknown = QuotationArgs {
        action: QuotationAction::Reject(DecideArgs {
            quotation_id: "00000000-0000-4000-8000-00000000ffff".into(),
            yes: true,
        }),
    };
    assert_eq!(quotation_cmd(&s, &unknown, &mut console).await, 1);
    assert_eq!(
        tail(out.err()),
        "error: no quotation 00000000-0000-4000-8000-00000000ffff is visible to this account\n"
    );
}

async fn quotation_cmd(s: &Setup, args: &QuotationArgs, console: &mut Console) -> i32 {
    tasking_ls::cli::orders::quotation(&s.ctx, args, console).await
}

#[tokio::test]
async fn rejecting_a_quotation_says_the_order_will_not_be_activated() {
    let s = setup();
    let (order, _, quotation) = placed(&s).await;
    let q = quotation["id"].as_str().unwrap().to_string();
    let args = QuotationArgs {
        action: QuotationAction::Reject(DecideArgs {
            quotation_id: q.clone(),
            yes: true,
        }),
    };
    let (mut console, out) = Console::captured(None);
    assert_eq!(quotation_cmd(&s, &args, &mut console).await, 0);
    assert_eq!(
        out.out(),
        format!("Rejecting quotation {q} means order {order} will not be activated. This cannot be undone.\nQuotation {q}: REJECTED.\n")
    );
    assert_eq!(
        s.api
            .requests_to("PATCH", &format!("/v2/tasking/quotation/{q}"))[0]
            .json(),
        json!({"decision": "REJECTED"})
    );
}

#[tokio::test]
async fn choosing_a_feasibility_option_patches_the_study() {
    let s = setup();
    let (order, study, _) = placed(&s).await;
    let sid = study["id"].as_str().unwrap().to_string();
    let option = study["options"][1]["id"].as_str().unwrap().to_string();
    let choose = |option: &str| FeasibilityArgs {
        action: FeasibilityAction::Choose(ChooseArgs {
            study_id: sid.clone(),
            option_id: option.into(),
            yes: true,
        }),
    };
    let (mut console, out) = Console::captured(None);
    assert_eq!(feasibility(&s.ctx, &choose("nope"), &mut console).await, 1);
    let o1 = study["options"][0]["id"].as_str().unwrap();
    assert_eq!(
        tail(out.err()),
        format!(
            "error: feasibility study {sid} has no option nope; its options are: {o1}, {option}\n"
        )
    );

    let (mut console, out) = Console::captured(None);
    assert_eq!(
        feasibility(&s.ctx, &choose(&option), &mut console).await,
        0,
        "{}",
        out.err()
    );
    assert_eq!(
        out.out(),
        format!("Choosing option {option} (Option 2: 4 acquisitions) for feasibility study {sid} of order {order}. The choice cannot be changed afterwards.\nFeasibility study {sid}: ACCEPTED.\n")
    );
    let patch = &s
        .api
        .requests_to("PATCH", &format!("/v2/tasking/feasibility-studies/{sid}"))[0];
    assert_eq!(patch.json(), json!({"acceptedOptionId": option}));
    let (mut console, out) = Console::captured(None);
    assert_eq!(feasibility(&s.ctx, &choose(&option), &mut console).await, 1);
    assert_eq!(
        tail(out.err()),
        format!(
            "error: feasibility study {sid} is already decided (ACCEPTED) and cannot be changed\n"
        )
    );
}
