//! Products and schemas against the fake provider: paging and the legacy fallback, the
//! schema cache (written, used offline, corrupt entries refetched, ETag revalidation), the
//! fetcher's deduplication and back-off, the message each fault gives, and `schema fetch`.

use std::time::Duration;

use crate::support::fake_api::*;
use serde_json::{json, Value};
use tasking_ls::api::{
    ApiSettings, Backoff, Client, ErrorKind, FetchError, SchemaAnswer, SchemaFetcher,
};
use tasking_ls::cli::orders::{schema_fetch, ApiContext, Console, SchemaFetchArgs};
use tasking_ls::schema::cache::{CacheEntry, SchemaCache};
use tasking_ls::schema::SchemaOrigin;

const T: Duration = Duration::from_millis(300);

fn schema_path(id: &str) -> String {
    format!("/orders/schema/{id}")
}

fn fetcher(api: &FakeApi, dir: &std::path::Path) -> SchemaFetcher {
    let client = Client::new(api.settings(T), FakeApi::account()).unwrap();
    SchemaFetcher::new(client, Some(SchemaCache::new(dir)))
}

#[tokio::test]
async fn products_are_paged_and_archive_products_left_out() {
    let api = FakeApi::start();
    api.add_products(150);
    let c = Client::new(api.settings(T), FakeApi::account()).unwrap();
    let products = c.list_products().await.unwrap();
    assert_eq!(products.len(), 3 + 150);
    assert_eq!(api.count("GET", "/v2/data-products"), 2);
    let first = &products[0];
    assert_eq!(first.id, PRODUCT_ID);
    assert_eq!(first.title, "Analytic");
    assert_eq!(first.collection, "phr-tasking");
    assert_eq!(first.collection_title, "PHR-TASKING");
    assert!(!products.iter().any(|p| p.title == "Archive"));
    assert_eq!(api.tokens_issued(), 0, "the product list is public");
}

#[tokio::test]
async fn products_fall_back_to_the_legacy_list() {
    let api = FakeApi::start();
    api.set_v2_products_missing(true);
    let c = Client::new(api.settings(T), FakeApi::project()).unwrap();
    let products = c.list_products().await.unwrap();
    assert_eq!(products.len(), 3);
    assert_eq!(products[0].id, PRODUCT_ID);
    assert_eq!(products[0].title, "Analytic");
    assert_eq!(products[0].collection, "phr-tasking");
    let legacy = &api.requests_to("GET", "/data-products")[0];
    assert_eq!(legacy.query, "is_integrated=true&paginated=false");
}

#[tokio::test]
async fn a_fetched_schema_is_cached_and_serves_offline() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let f = fetcher(&api, dir.path());
    let schema = f.ensure(PRODUCT_ID).await.unwrap();
    assert_eq!(schema.origin, SchemaOrigin::Fetched);
    assert_eq!(schema.schema, sample_schema());

    let file = dir.path().join(format!("{PRODUCT_ID}.json"));
    let stored: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored["id"], PRODUCT_ID);
    assert_eq!(stored["etag"], "\"v1\"");
    assert_eq!(stored["schema"], sample_schema());
    assert!(stored["fetchedAt"].as_str().unwrap().ends_with('Z'));
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    // A new process, offline: the cache serves without a request.
    let before = api.requests().len();
    let settings = ApiSettings {
        offline: true,
        ..api.settings(T)
    };
    let offline = SchemaFetcher::new(
        Client::new(settings, FakeApi::account()).unwrap(),
        Some(SchemaCache::new(dir.path())),
    );
    let cached = offline.ensure(PRODUCT_ID).await.unwrap();
    assert!(matches!(
        cached.origin,
        SchemaOrigin::Cache { stale: false, .. }
    ));
    assert_eq!(cached.schema, sample_schema());
    assert_eq!(api.requests().len(), before);

    // Offline with a stale copy: served, marked stale.
    let stale = SchemaFetcher::new(
        Client::new(
            ApiSettings {
                offline: true,
                ..api.settings(T)
            },
            FakeApi::account(),
        )
        .unwrap(),
        Some(SchemaCache::new(dir.path()).with_ttl(chrono::TimeDelta::zero())),
    );
    assert!(matches!(
        stale.ensure(PRODUCT_ID).await.unwrap().origin,
        SchemaOrigin::Cache { stale: true, .. }
    ));
    // Offline without a copy: says so.
    let e = offline.ensure(OTHER_PRODUCT_ID).await.unwrap_err();
    assert_eq!(e.api_error().unwrap().kind(), ErrorKind::Offline);
    assert_eq!(
        e.to_string(),
        format!(
            "no schema for product {OTHER_PRODUCT_ID}: offline: fetching the schema of \
             {OTHER_PRODUCT_ID} needs the network, which --offline forbids"
        )
    );
    assert_eq!(api.requests().len(), before);
}

#[tokio::test]
async fn a_corrupt_cache_file_is_ignored_and_refetched() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{PRODUCT_ID}.json"));
    std::fs::write(&file, "{\"id\": \"bd10").unwrap();
    let cache = SchemaCache::new(dir.path());
    let err = cache.load(PRODUCT_ID).unwrap_err();
    assert!(
        err.to_string().contains("corrupt cache entry, ignored"),
        "{err}"
    );

    let f = fetcher(&api, dir.path());
    let schema = f.ensure(PRODUCT_ID).await.unwrap();
    assert_eq!(schema.origin, SchemaOrigin::Fetched);
    assert_eq!(api.count("GET", &schema_path(PRODUCT_ID)), 1);
    let entry = cache.load(PRODUCT_ID).unwrap().unwrap();
    assert_eq!(entry.schema, sample_schema());
}

#[tokio::test]
async fn a_stale_cache_entry_is_revalidated_by_etag() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let cache = SchemaCache::new(dir.path());
    let old = chrono::Utc::now() - chrono::TimeDelta::hours(25);
    cache
        .store(&CacheEntry {
            id: PRODUCT_ID.into(),
            fetched_at: old,
            etag: Some("\"v1\"".into()),
            schema: sample_schema(),
        })
        .unwrap();
    let f = fetcher(&api, dir.path());
    let schema = f.ensure(PRODUCT_ID).await.unwrap();
    assert_eq!(schema.origin, SchemaOrigin::Fetched);
    assert_eq!(schema.schema, sample_schema());
    let req = &api.requests_to("GET", &schema_path(PRODUCT_ID))[0];
    assert_eq!(req.header("if-none-match"), Some("\"v1\""));
    let entry = cache.load(PRODUCT_ID).unwrap().unwrap();
    assert!(entry.fetched_at > old, "the 304 refreshes the fetch time");

    // A changed schema comes back whole with its new ETag.
    let mut changed = sample_schema();
    changed["title"] = json!("v2");
    api.set_schema(PRODUCT_ID, changed.clone(), "\"v2\"");
    let c = Client::new(api.settings(T), FakeApi::account()).unwrap();
    assert_eq!(
        c.fetch_schema(PRODUCT_ID, Some("\"v1\"")).await.unwrap(),
        SchemaAnswer::Fresh {
            schema: changed,
            etag: Some("\"v2\"".into())
        }
    );
    assert_eq!(
        c.fetch_schema(PRODUCT_ID, Some("\"v2\"")).await.unwrap(),
        SchemaAnswer::NotModified
    );
}

#[tokio::test]
async fn concurrent_ensures_make_one_request() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let f = fetcher(&api, dir.path());
    api.inject(
        &schema_path(PRODUCT_ID),
        Fault::Slow(Duration::from_millis(100)),
        1,
    );
    let g = f.clone();
    let (a, b, c) = tokio::join!(
        f.ensure(PRODUCT_ID),
        f.ensure(PRODUCT_ID),
        g.ensure(PRODUCT_ID)
    );
    assert_eq!(a.unwrap().schema, sample_schema());
    assert_eq!(b.unwrap().schema, sample_schema());
    assert_eq!(c.unwrap().schema, sample_schema());
    assert_eq!(api.count("GET", &schema_path(PRODUCT_ID)), 1);
    // And a fresh copy is not asked again.
    f.ensure(PRODUCT_ID).await.unwrap();
    assert_eq!(api.count("GET", &schema_path(PRODUCT_ID)), 1);
}

#[tokio::test]
async fn failures_back_off_and_the_stale_copy_serves_meanwhile() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let client = Client::new(api.settings(T), FakeApi::account()).unwrap();
    let backoff = Backoff {
        initial: Duration::from_millis(150),
        max: Duration::from_secs(1),
    };
    let f = SchemaFetcher::with_backoff(client, Some(SchemaCache::new(dir.path())), backoff);
    let path = schema_path(OTHER_PRODUCT_ID);

    // No copy: the error, then no new request during the back-off.
    api.inject(&path, Fault::ServerError, 1);
    let e = f.ensure(OTHER_PRODUCT_ID).await.unwrap_err();
    assert!(matches!(e, FetchError::Api { .. }));
    let e = f.ensure(OTHER_PRODUCT_ID).await.unwrap_err();
    assert!(matches!(e, FetchError::BackingOff { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains("answered HTTP 500 Internal Server Error"),
        "{e}"
    );
    assert!(e.to_string().contains("(next attempt in "), "{e}");
    assert_eq!(api.count("GET", &path), 1);
    assert!(f.last_error(OTHER_PRODUCT_ID).is_some());
    // After the back-off: fetched.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        f.ensure(OTHER_PRODUCT_ID).await.unwrap().origin,
        SchemaOrigin::Fetched
    );
    assert_eq!(api.count("GET", &path), 2);
    assert!(f.last_error(OTHER_PRODUCT_ID).is_none());

    // With a stale copy: the copy, marked stale, while the refresh fails.
    let cache = SchemaCache::new(dir.path());
    let old = chrono::Utc::now() - chrono::TimeDelta::hours(48);
    cache
        .store(&CacheEntry {
            id: PRODUCT_ID.into(),
            fetched_at: old,
            etag: None,
            schema: sample_schema(),
        })
        .unwrap();
    api.inject(&schema_path(PRODUCT_ID), Fault::Drop, 1);
    let s = f.ensure(PRODUCT_ID).await.unwrap();
    assert_eq!(
        s.origin,
        SchemaOrigin::Cache {
            fetched_at: old,
            stale: true
        }
    );
    assert!(f.peek(PRODUCT_ID).is_some());
    assert!(matches!(
        f.last_error(PRODUCT_ID),
        Some(FetchError::Api { .. })
    ));
    assert_eq!(
        f.ensure(PRODUCT_ID).await.unwrap().origin,
        SchemaOrigin::Cache {
            fetched_at: old,
            stale: true
        }
    );
    assert_eq!(api.count("GET", &schema_path(PRODUCT_ID)), 1);
}

#[test]
fn backoff_doubles_up_to_its_maximum() {
    let b = Backoff::default();
    let secs: Vec<u64> = (1..=7).map(|n| b.delay(n).as_secs()).collect();
    assert_eq!(secs, [30, 60, 120, 240, 480, 600, 600]);
    assert_eq!(b.delay(100).as_secs(), 600);
}

#[tokio::test]
async fn invalid_ids_never_reach_the_network_or_the_disk() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let f = fetcher(&api, dir.path());
    for id in [
        "../../etc/passwd",
        "not-a-uuid",
        "{bd102407-1814-4f92-8b5a-7697b7a73f5a}",
    ] {
        assert_eq!(
            f.ensure(id).await.unwrap_err(),
            FetchError::InvalidId(id.into())
        );
        assert!(SchemaCache::new(dir.path()).path_for(id).is_err());
    }
    assert_eq!(
        FetchError::InvalidId("x".into()).to_string(),
        "`x` is not a product id (expected a UUID)"
    );
    assert!(api.requests().is_empty());
    // Upper case is the same product, cached under the canonical name.
    f.ensure(&PRODUCT_ID.to_uppercase()).await.unwrap();
    assert!(dir.path().join(format!("{PRODUCT_ID}.json")).exists());
}

/// The exact sentence a user sees for each fault on a schema fetch.
#[tokio::test]
async fn each_fault_gives_a_clear_message() {
    let api = FakeApi::start();
    let c = Client::new(api.settings(T), FakeApi::account()).unwrap();
    let path = schema_path(PRODUCT_ID);
    let origin = api.url();
    let cases: Vec<(Fault, String)> = vec![
        (Fault::ServerError, format!("GET {path} answered HTTP 500 Internal Server Error: Internal Server Error — Something went wrong on our side")),
        (Fault::SchemaNotFound, format!("not found: GET {path} answered HTTP 404 Not Found: Schema not found — No schema for this data product")),
        (Fault::Forbidden, format!("forbidden: GET {path} answered HTTP 403 Forbidden: Access denied — Your account has no access to this collection")),
        (Fault::Malformed, format!("GET {path} answered with a body that is not valid JSON (EOF while parsing a value at line 1 column 20)")),
        (Fault::Slow(Duration::from_millis(800)), format!("no answer from {origin} within 0.3 s (GET {path})")),
        (Fault::Drop, format!("network error on GET {path} to {origin}: connection closed before message completed")),
    ];
    for (fault, expected) in cases {
        api.inject(&path, fault.clone(), 1);
        let e = c.fetch_schema(PRODUCT_ID, None).await.unwrap_err();
        assert_eq!(e.to_string(), expected, "{fault:?}");
        // And the client keeps working afterwards.
        c.fetch_schema(PRODUCT_ID, None).await.unwrap();
    }
    // A real 404 for an unknown product.
    let unknown = "11111111-2222-4333-8444-555555555555";
    let e = c.fetch_schema(unknown, None).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(e.to_string(), format!("not found: GET /orders/schema/{unknown} answered HTTP 404 Not Found: Schema not found — No schema for data product {unknown}"));
    // Nothing listening.
    let dead = ApiSettings {
        api_url: "http://127.0.0.1:9".into(),
        ..api.settings(T)
    };
    let e = Client::new(dead, FakeApi::static_token())
        .unwrap()
        .fetch_schema(PRODUCT_ID, None)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Network);
    assert!(
        e.to_string().starts_with(&format!(
            "network error on GET {path} to http://127.0.0.1:9: cannot connect ("
        )),
        "{e}"
    );
}

#[tokio::test]
async fn schema_fetch_into_a_directory_writes_schemas_and_the_products_index() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let ctx = ApiContext {
        lint: Default::default(),
        schema_dir: None,
        settings: api.settings(T),
        credentials: FakeApi::account(),
        cache_dir: None,
    };
    std::fs::write(
        dir.path().join("products.json"),
        r#"[{"id":"22222222-0000-4000-8000-000000000000","name":"kept","title":"Kept","collection":"aaa","collection_title":"","description":""}]"#,
    )
    .unwrap();
    let args = SchemaFetchArgs {
        ids: vec![],
        all: true,
        into: Some(dir.path().to_path_buf()),
    };
    let (mut console, out) = Console::captured(None);
    let code = schema_fetch(&ctx, &args, &mut console).await;
    // The forbidden product has no schema in the fake: a 404 for it, exit 1.
    assert_eq!(code, 1, "{}", out.err());
    assert_eq!(
        out.err(),
        format!("error: {FORBIDDEN_PRODUCT_ID}: not found: GET /orders/schema/{FORBIDDEN_PRODUCT_ID} answered HTTP 404 Not Found: Schema not found — No schema for data product {FORBIDDEN_PRODUCT_ID}\n")
    );
    let written = std::fs::read_to_string(dir.path().join(format!("{PRODUCT_ID}.json"))).unwrap();
    assert_eq!(
        written,
        serde_json::to_string_pretty(&sample_schema()).unwrap() + "\n"
    );
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.path().join("products.json")).unwrap()).unwrap();
    let ids: Vec<&str> = index.iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "22222222-0000-4000-8000-000000000000",
            PRODUCT_ID,
            OTHER_PRODUCT_ID,
            FORBIDDEN_PRODUCT_ID
        ]
    );
    assert!(
        out.out().contains(&format!("{PRODUCT_ID}: written ")),
        "{}",
        out.out()
    );
}

#[tokio::test]
async fn schema_fetch_refreshes_the_cache() {
    let api = FakeApi::start();
    let dir = tempfile::tempdir().unwrap();
    let ctx = ApiContext {
        lint: Default::default(),
        schema_dir: None,
        settings: api.settings(T),
        credentials: FakeApi::account(),
        cache_dir: Some(dir.path().to_path_buf()),
    };
    let args = SchemaFetchArgs {
        ids: vec![PRODUCT_ID.into()],
        all: false,
        into: None,
    };
    let (mut console, out) = Console::captured(None);
    assert_eq!(schema_fetch(&ctx, &args, &mut console).await, 0);
    let cached = dir.path().join(format!("{PRODUCT_ID}.json"));
    assert_eq!(
        out.out(),
        format!("{PRODUCT_ID}: updated, cached in {}\n", cached.display())
    );
    let (mut console, out) = Console::captured(None);
    assert_eq!(schema_fetch(&ctx, &args, &mut console).await, 0);
    assert_eq!(
        out.out(),
        format!("{PRODUCT_ID}: unchanged, cached in {}\n", cached.display())
    );
    assert_eq!(
        api.requests_to("GET", &schema_path(PRODUCT_ID))[1].header("if-none-match"),
        Some("\"v1\"")
    );

    let bad = SchemaFetchArgs {
        ids: vec!["nope".into()],
        all: false,
        into: None,
    };
    let (mut console, out) = Console::captured(None);
    assert_eq!(schema_fetch(&ctx, &bad, &mut console).await, 2);
    assert_eq!(
        out.err(),
        "error: `nope` is not a product id (expected a UUID)\n"
    );
    let none = SchemaFetchArgs {
        ids: vec![],
        all: false,
        into: None,
    };
    let (mut console, out) = Console::captured(None);
    assert_eq!(schema_fetch(&ctx, &none, &mut console).await, 2);
    assert_eq!(
        out.err(),
        "error: name the product ids to fetch, or pass --all\n"
    );
}
