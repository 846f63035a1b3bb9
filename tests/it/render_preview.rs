//! The AOI preview (`render`, `tasking-ls preview`, `validate --preview-dir`): SVG snapshots of
//! the shapes a user must be able to trust (the seed order, a hole, an AOI across the
//! antimeridian, a MultiPolygon and its ordered bounding box, a bowtie and its marker), the
//! PNG read back pixel by pixel, generated AOIs anywhere on Earth drawn as small shapes (never
//! a band around the world), and the command line.

use std::path::Path;

use proptest::prelude::*;
use tasking_ls::check::{check_document, CheckOptions, Code, Diagnostic};
use tasking_ls::document::Document;
use tasking_ls::render::html::{self, Tiles};
use tasking_ls::render::svg::{AOI_FILL, AOI_FILL_OPACITY, LAND, SEA};
use tasking_ls::render::{raster, render_svg, scene_of, Options, Rendered, Scene};
use tasking_ls::schema::{ProductSchema, SchemaOrigin, SchemaStore};

use crate::support::cli::{run_in_home, text};

const SEED: &str = include_str!("../../examples/pleiades_analytic_mono_tasking_request.json");

/// The scene of `text` with its diagnostics, less `dates.past`, which depends on today's
/// date (the snapshots must not change when a window slips into the past).
fn scene(text: &str) -> Scene {
    scene_in(&SchemaStore::bundled(), text)
}

fn scene_in(store: &SchemaStore, text: &str) -> Scene {
    let doc = Document::new(text);
    let diagnostics: Vec<Diagnostic> = check_document(&doc, &CheckOptions::new(store))
        .into_iter()
        .filter(|d| d.code != Code::DatesPast)
        .collect();
    scene_of(&doc, store, &diagnostics)
}

/// A product whose schema accepts a Polygon or a MultiPolygon (no bundled one does).
const MULTI_PRODUCT: &str = "00000000-0000-4000-8000-00000000aa01";

fn store_with_multipolygons() -> SchemaStore {
    let mut store = SchemaStore::bundled();
    store.insert(ProductSchema::new(
        MULTI_PRODUCT,
        serde_json::json!({
            "title": "Test multipart product",
            "type": "object",
            "properties": {"geometry": {"type": "object", "properties": {
                "type": {"enum": ["Polygon", "MultiPolygon"]},
                "coordinates": {"type": "array"}
            }}}
        }),
        SchemaOrigin::Bundled,
    ));
    store
}

fn render(text: &str) -> Rendered {
    render_svg(&scene(text), &Options::default())
}

fn order(geometry: &str) -> String {
    format!(
        r#"{{"dataProduct": "bd102407-1814-4f92-8b5a-7697b7a73f5a", "params": {{"displayName": "t",
        "acquisitionStart": "2030-03-01T00:00:00Z", "acquisitionEnd": "2030-04-01T00:00:00Z",
        "geometry": {geometry}}}}}"#
    )
}

/// The pixel bounding box `[x0, y0, x1, y1]` of the drawn AOI vertices.
fn drawn_box(rendered: &Rendered) -> [f64; 4] {
    rendered
        .vertices
        .iter()
        .fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, v| {
            [
                b[0].min(v.pixel[0]),
                b[1].min(v.pixel[1]),
                b[2].max(v.pixel[0]),
                b[3].max(v.pixel[1]),
            ]
        })
}

/// The `d` attributes of the AOI's polygons.
fn aoi_paths(svg: &str) -> Vec<&str> {
    svg.lines()
        .filter(|l| l.starts_with(r#"<path class="aoi-polygon""#))
        .filter_map(|l| l.split(" d=\"").nth(1)?.split('"').next())
        .collect()
}

#[test]
fn the_seed_order() {
    let rendered = render(SEED);
    let svg = &rendered.svg;
    assert!(svg.contains("Pléiades"), "the caption names the product");
    assert!(svg.contains("area 499.8 km²") && svg.contains("bbox 22.3 × 22.5 km"));
    assert!(svg.contains("5 vertices") && svg.contains("2027-03-01 → 2027-05-01 (61 days)"));
    assert!(
        svg.contains(r#"data-scale="1:50m""#),
        "a zoomed view uses the fine basemap"
    );
    assert!(svg.contains(r#"id="scale-bar" data-km="5""#));
    assert!(
        svg.contains("79.6°W") && svg.contains("9.0°N"),
        "graticule labels"
    );
    assert_eq!(aoi_paths(svg).len(), 1);
    insta::assert_snapshot!("seed", svg);
}

#[test]
fn a_hole_is_drawn_as_a_hole() {
    let rendered = render(&order(
        r#"{"type": "Polygon", "coordinates": [
        [[10, 50], [10.2, 50], [10.2, 50.1], [10, 50.1], [10, 50]],
        [[10.05, 50.03], [10.05, 50.07], [10.15, 50.07], [10.15, 50.03], [10.05, 50.03]]]}"#,
    ));
    let paths = aoi_paths(&rendered.svg);
    assert_eq!(paths.len(), 1, "one path per polygon");
    assert_eq!(
        paths[0].matches('M').count(),
        2,
        "shell and hole in one path"
    );
    assert!(rendered
        .svg
        .contains(r##"fill-rule="evenodd" stroke="#B8321A""##));
    // The hole's centre is not filled: the PNG there shows the land under it.
    let pixmap = raster::rasterize(&rendered.svg).unwrap();
    let centre = rendered.view.pixel([10.1, 50.05]);
    assert!(
        !is_aoi_colour(pixel(&pixmap, centre)),
        "{:?}",
        pixel(&pixmap, centre)
    );
    let in_ring = rendered.view.pixel([10.02, 50.05]);
    assert!(is_aoi_colour(pixel(&pixmap, in_ring)));
    insta::assert_snapshot!("hole", rendered.svg);
}

#[test]
fn an_aoi_across_the_antimeridian_is_drawn_once_not_as_a_band() {
    let rendered = render(&order(
        r#"{"type": "Polygon", "coordinates": [[[179.2, -16.9], [-179.6, -16.9],
        [-179.6, -16.2], [179.2, -16.2], [179.2, -16.9]]]}"#,
    ));
    let [west, _, east, _] = rendered.view.bounds();
    assert!(
        east - west < 3.0,
        "the view spans {west}..{east}, not the world"
    );
    assert!(
        west < 180.0 && east > 180.0,
        "the view straddles 180°: {west}..{east}"
    );
    let b = drawn_box(&rendered);
    // 1.2° wide: 60% of the map's width, as any small AOI; a band would be the whole width.
    let width = b[2] - b[0];
    assert!((450.0..500.0).contains(&width), "{b:?}");
    assert!(rendered.svg.contains("179.5°E") || rendered.svg.contains("180.0°"));
    assert!(
        rendered.svg.contains(">179.5°W<"),
        "labels east of 180 read west"
    );
    // The land of Fiji at both sides of 180 is drawn (the basemap is shifted by a turn).
    assert!(rendered.svg.contains("geometry.antimeridian"));
    insta::assert_snapshot!("antimeridian", rendered.svg);
}

#[test]
fn a_multipolygon_is_drawn_with_the_bounding_box_ordered() {
    let text = format!(
        r#"{{"dataProduct": "{MULTI_PRODUCT}", "params": {{"geometry": {{"type": "MultiPolygon", "coordinates": [
        [[[13.0, 52.0], [13.1, 52.0], [13.1, 52.1], [13.0, 52.1], [13.0, 52.0]]],
        [[[13.3, 52.2], [13.4, 52.2], [13.4, 52.3], [13.3, 52.3], [13.3, 52.2]]]]}}}}}}"#
    );
    let scene = scene_in(&store_with_multipolygons(), &text);
    let rendered = render_svg(&scene, &Options::default());
    assert!(rendered.svg.contains("Test multipart product"));
    assert_eq!(aoi_paths(&rendered.svg).len(), 2);
    // 0.4° x 0.3° at 52.15° N: R² · Δλ · (sin φ₂ − sin φ₁) = 910.4 km².
    assert!(
        rendered
            .svg
            .contains("ordered as its bounding box: 910.4 km²"),
        "{}",
        rendered.svg
    );
    assert!(rendered.svg.contains(r#"stroke-dasharray="6 4""#));
    insta::assert_snapshot!("multipolygon", rendered.svg);
}

#[test]
fn a_bowtie_has_its_marker_at_the_crossing() {
    let rendered = render(&order(
        r#"{"type": "Polygon", "coordinates": [[[20, 0], [20.1, 0.1], [20.1, 0], [20, 0.1], [20, 0]]]}"#,
    ));
    let marker = rendered
        .markers
        .iter()
        .find(|m| m.code == "geometry.self-intersection")
        .expect("a self-intersection marker");
    let crossing = rendered.view.pixel([20.05, 0.05]);
    assert!(
        (marker.pixel[0] - crossing[0]).abs() < 0.5 && (marker.pixel[1] - crossing[1]).abs() < 0.5,
        "{:?} vs {crossing:?}",
        marker.pixel
    );
    assert!(rendered.svg.contains(">geometry.self-intersection</text>"));
    insta::assert_snapshot!("bowtie", rendered.svg);
}

#[test]
fn an_unclosed_ring_shows_its_gap() {
    let rendered = render(&order(
        r#"{"type": "Polygon", "coordinates": [[[0, 0], [0.1, 0], [0.1, 0.1], [0, 0.1], [0, 0.05]]]}"#,
    ));
    assert!(rendered.svg.contains(r#"<line class="gap""#));
    assert!(rendered.svg.contains(">geometry.unclosed-ring</text>"));
}

fn pixel(pixmap: &resvg::tiny_skia::Pixmap, at: [f64; 2]) -> [u8; 3] {
    let c = pixmap
        .pixel(at[0].round() as u32, at[1].round() as u32)
        .unwrap()
        .demultiply();
    [c.red(), c.green(), c.blue()]
}

/// The AOI's fill over sea or over land, within a rounding tolerance.
fn is_aoi_colour(c: [u8; 3]) -> bool {
    [SEA, LAND].iter().any(|under| {
        (0..3).all(|i| {
            let expected = f64::from(AOI_FILL[i]) * AOI_FILL_OPACITY
                + f64::from(under[i]) * (1.0 - AOI_FILL_OPACITY);
            (f64::from(c[i]) - expected).abs() <= 3.0
        })
    })
}

#[test]
fn the_png_has_the_fill_at_the_aoi_and_not_far_outside() {
    let rendered = render(SEED);
    let png = raster::png(&rendered.svg).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!((pixmap.width(), pixmap.height()), (800, 600));
    let centre = rendered.view.pixel([-79.5403, 8.9715]);
    assert!(
        is_aoi_colour(pixel(&pixmap, centre)),
        "{:?}",
        pixel(&pixmap, centre)
    );
    let b = drawn_box(&rendered);
    for outside in [
        [b[0] - 60.0, centre[1]],
        [b[2] + 60.0, centre[1]],
        [centre[0], b[1] - 40.0],
    ] {
        let c = pixel(&pixmap, outside);
        assert!(!is_aoi_colour(c), "{outside:?}: {c:?}");
        assert!(
            c == SEA || c == LAND || c.iter().all(|&v| v > 100),
            "{outside:?}: {c:?}"
        );
    }
}

#[test]
fn a_200k_vertex_aoi_is_drawn_simplified_and_whole() {
    // A circle of 200,000 vertices, about 22 km across.
    let n = 200_000;
    let mut ring = String::from("[");
    for i in 0..=n {
        let a = (i % n) as f64 / n as f64 * std::f64::consts::TAU;
        ring.push_str(&format!(
            "[{:.7}, {:.7}],",
            7.0 + 0.1 * a.cos(),
            45.0 + 0.1 * a.sin()
        ));
    }
    ring.pop();
    ring.push(']');
    let rendered = render(&order(&format!(
        r#"{{"type": "Polygon", "coordinates": [{ring}]}}"#
    )));
    assert!(rendered.svg.contains("200001 vertices"));
    assert!(
        rendered.vertices.len() < 5_000,
        "{} drawn",
        rendered.vertices.len()
    );
    assert!(rendered.svg.len() < 400_000, "{} bytes", rendered.svg.len());
    let b = drawn_box(&rendered);
    // 0.2° by 0.2° at 45° N: as tall as 60% of the map (321 px), 1/cos 45° less wide.
    assert!(
        (b[3] - b[1] - 321.6).abs() < 2.0 && (b[2] - b[0] - 227.4).abs() < 2.0,
        "{b:?}"
    );
}

#[test]
fn the_html_page_is_offline_unless_asked() {
    let rendered = render(SEED);
    let offline = html::page(&rendered, [800, 600], "seed", None);
    assert!(
        offline.contains("img-src data:\""),
        "offline CSP allows no remote image"
    );
    assert!(!offline.contains("openstreetmap"));
    assert!(offline.contains(r#"id="preview-data""#) && offline.contains("taskingPreview"));
    assert!(
        !offline.contains("</svg></script>"),
        "the data cannot close its script"
    );
    let online = html::page(&rendered, [800, 600], "seed", Some(&Tiles::osm()));
    assert!(online.contains("img-src data: https:"));
    assert!(
        online.contains(r#"<input type="checkbox" id="tiles">"#),
        "unticked by default"
    );
    assert!(online.contains("© OpenStreetMap contributors"));
    // The vertices carry their index and coordinates for the hover.
    let data = html::viewer_data(&rendered, [800, 600], None);
    assert_eq!(data["vertices"].as_array().unwrap().len(), 5);
    assert_eq!(data["vertices"][1][2], serde_json::json!(-79.6418));
    assert_eq!(data["vertices"][1][4], serde_json::json!(1));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Any small star-shaped AOI anywhere (across the antimeridian, near the poles) is drawn
    /// as a small shape in the middle of the map: the view spans at most a few times the
    /// AOI, every vertex drawn is inside the map, and the caption's box is the AOI's.
    #[test]
    fn any_small_aoi_is_drawn_small_and_inside(
        lon in -180.0f64..180.0,
        lat in -80.0f64..80.0,
        radius in 0.01f64..1.5,
        count in 4usize..40,
    ) {
        let mut ring = Vec::new();
        for i in 0..count {
            let a = i as f64 / count as f64 * std::f64::consts::TAU;
            let r = radius * (0.6 + 0.4 * ((i * 7919) % 13) as f64 / 13.0);
            let mut x = lon + r * a.cos();
            if x > 180.0 { x -= 360.0 }
            if x < -180.0 { x += 360.0 }
            ring.push(format!("[{x:.6}, {:.6}]", lat + r * 0.5 * a.sin()));
        }
        ring.push(ring[0].clone());
        let rendered = render(&order(&format!(
            r#"{{"type": "Polygon", "coordinates": [[{}]]}}"#, ring.join(", ")
        )));
        let [west, _, east, _] = rendered.view.bounds();
        // A band around the world would span 360°; at 80° N Mercator stretches a 3° AOI's
        // height to a view about 22° wide.
        prop_assert!(east - west < 30.0, "view {west}..{east} for radius {radius}");
        for v in &rendered.vertices {
            prop_assert!((0.0..=800.0).contains(&v.pixel[0]) && (0.0..=536.0).contains(&v.pixel[1]),
                "{:?}", v.pixel);
        }
        // The AOI fills 60% of the map's width or height (the other fits), never more.
        let b = drawn_box(&rendered);
        let fill = ((b[2] - b[0]) / 800.0).max((b[3] - b[1]) / 536.0);
        prop_assert!(fill <= 0.601, "{b:?}");
        if radius > 0.05 {
            prop_assert!(fill >= 0.5, "{b:?}");
        }
    }
}

/// A coordinate of any magnitude (`1e10`, `719925474099394`, `1E+925`, read as the largest
/// float; typos a user makes) in any position of a ring or hole: the SVG, the PNG and the
/// hover's thumbnail are drawn, with no panic and no endless loop. Before, a longitude past
/// about 1e14 made the graticule's loop add a step too small to change it (the hover never
/// answered), and vertices at 1e12 px made tiny-skia's rasterizer panic.
#[test]
fn coordinates_of_any_magnitude_are_drawn_without_a_hang_or_a_panic() {
    let mut rng = crate::support::lsp_client::XorShift::new(0xD1A9_0E5E);
    let magnitude = |rng: &mut crate::support::lsp_client::XorShift| -> String {
        let sign = if rng.next_u64().is_multiple_of(2) {
            ""
        } else {
            "-"
        };
        match rng.next_u64() % 6 {
            0 => format!("{sign}1E+925"),
            1 => format!("{sign}{}e{}", 1 + rng.next_u64() % 9, rng.next_u64() % 309),
            2 => format!("{sign}719925474099394"),
            3 => format!("{sign}{}e-{}", 1 + rng.next_u64() % 9, rng.next_u64() % 320),
            _ => format!("{sign}{}.{}", rng.next_u64() % 90, rng.next_u64() % 1000),
        }
    };
    for case in 0..30 {
        let mut ring: Vec<String> = (0..4 + rng.next_u64() % 4)
            .map(|_| format!("[{}, {}]", magnitude(&mut rng), magnitude(&mut rng)))
            .collect();
        ring.push(ring[0].clone());
        let hole = if case % 3 == 0 {
            format!(", [[0, 0], [{}, 0], [0, 1], [0, 0]]", magnitude(&mut rng))
        } else {
            String::new()
        };
        let geometry = format!(
            r#"{{"type": "Polygon", "coordinates": [[{}]{hole}]}}"#,
            ring.join(", ")
        );
        let scene = scene(&order(&geometry));
        let rendered = render_svg(&scene, &Options::default());
        assert!(rendered.svg.starts_with("<svg"), "case {case}: {geometry}");
        // The full-size PNG every third case: rasterizing is slow in a debug build.
        if case % 3 == 0 {
            raster::png(&rendered.svg).unwrap_or_else(|e| panic!("case {case}: {geometry}: {e:?}"));
        }
        assert!(
            tasking_ls::render::thumbnail_png(&scene, 320, 240).is_some(),
            "case {case}: {geometry}"
        );
    }
}

#[test]
fn preview_writes_svg_png_and_html_by_extension() {
    let home = tempfile::tempdir().unwrap();
    let order = home.path().join("seed_tasking_request.json");
    std::fs::write(&order, SEED).unwrap();
    for (name, magic) in [
        ("a.svg", &b"<svg"[..]),
        ("a.png", &b"\x89PNG"[..]),
        ("a.html", &b"<!DOCTYPE html>"[..]),
    ] {
        let out = run_in_home(
            home.path(),
            &["preview", "seed_tasking_request.json", "-o", name],
            &[],
        );
        assert!(out.status.success(), "{}", text(&out));
        let bytes = std::fs::read(home.path().join(name)).unwrap();
        assert!(bytes.starts_with(magic), "{name}");
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), name);
    }
    let html = std::fs::read_to_string(home.path().join("a.html")).unwrap();
    assert!(
        html.contains("tile.openstreetmap.org"),
        "offered online, unticked"
    );
    let out = run_in_home(
        home.path(),
        &[
            "--offline",
            "preview",
            "seed_tasking_request.json",
            "-o",
            "b.html",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out));
    let html = std::fs::read_to_string(home.path().join("b.html")).unwrap();
    assert!(
        !html.contains("openstreetmap"),
        "--offline offers no online layer"
    );

    let out = run_in_home(
        home.path(),
        &["preview", "seed_tasking_request.json", "-o", "a.jpg"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("must be .svg, .png or .html"),
        "{}",
        text(&out)
    );
    let out = run_in_home(
        home.path(),
        &["preview", "missing.json", "-o", "a.svg"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("missing.json: cannot read file"),
        "{}",
        text(&out)
    );

    // Without -o: an HTML page in the temporary folder, its path printed, no viewer.
    let out = run_in_home(
        home.path(),
        &["preview", "seed_tasking_request.json", "--no-open"],
        &[("TMPDIR", home.path().join("tmp").display().to_string())],
    );
    assert!(out.status.success(), "{}", text(&out));
    let printed = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(
        printed.ends_with("tasking-ls-preview/seed_tasking_request.html"),
        "{printed}"
    );
    assert!(Path::new(&printed).is_file());
}

#[test]
fn validate_writes_a_png_per_order_with_errors() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("good_tasking_request.json"), SEED).unwrap();
    let bowtie = order(
        r#"{"type": "Polygon", "coordinates": [[[20, 0], [20.1, 0.1], [20.1, 0], [20, 0.1], [20, 0]]]}"#,
    );
    std::fs::create_dir(home.path().join("sub")).unwrap();
    std::fs::write(home.path().join("sub/bad_tasking_request.json"), bowtie).unwrap();
    let out = run_in_home(
        home.path(),
        &["validate", ".", "--preview-dir", "maps"],
        &[],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let mut written: Vec<String> = std::fs::read_dir(home.path().join("maps"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, ["sub_bad_tasking_request.json.png"]);
    let png = std::fs::read(home.path().join("maps/sub_bad_tasking_request.json.png")).unwrap();
    let pixmap = resvg::tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!(pixmap.width(), 800);
}
