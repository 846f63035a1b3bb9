//! Generated tests of the readers' promise: whatever the bytes, `read` returns features or
//! an error naming the file, never a panic. Each reader gets valid files of its format (the
//! committed fixtures of tests/aoi/, written by other tools) mutated byte by byte, truncated
//! and spliced, and random bytes.

use proptest::prelude::*;

use super::{read, Format, Source};

/// The fixtures, one or more per format, as (name, bytes, companions).
fn seeds() -> Vec<(String, Vec<u8>, Format)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aoi/fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/aoi/fixtures is committed") {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let format = match Format::detect(&name, b"") {
            Some(format) => format,
            None if name.ends_with(".wkt") => Format::Wkt,
            None => continue,
        };
        out.push((name, std::fs::read(&path).unwrap(), format));
    }
    // Every reader has a seed.
    for format in [
        Format::GeoJson,
        Format::Kml,
        Format::Kmz,
        Format::Wkt,
        Format::WkbHex,
        Format::Shapefile,
        Format::Zip,
    ] {
        assert!(
            out.iter().any(|(_, _, f)| *f == format),
            "no fixture for {format:?} in {}",
            dir.display()
        );
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Reads `bytes` as `format` under a name, with the seed's companions for a shapefile
/// (their bytes mutated too when `mutate_companions`).
fn read_as(name: &str, bytes: &[u8], format: Format, companion: Option<&[u8]>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aoi/fixtures");
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s).to_string();
    let sibling = move |extension: &str| -> Option<Vec<u8>> {
        if extension == "dbf" {
            if let Some(c) = companion {
                return Some(c.to_vec());
            }
        }
        std::fs::read(dir.join(format!("{stem}.{extension}"))).ok()
    };
    let shown = format!("mutated/{name}");
    let result = read(
        &Source {
            name: &shown,
            bytes,
            sibling: &sibling,
        },
        Some(format),
        None,
    );
    if let Err(error) = result {
        assert_eq!(error.file, shown);
        assert!(!error.reason.trim().is_empty());
        assert!(error.to_string().starts_with(&shown));
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Truncate(usize),
    Insert(usize, Vec<u8>),
    CopyRange(usize, usize, usize),
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let n = bytes.len().max(1);
    match mutation {
        Mutation::Flip(at, value) => {
            if !bytes.is_empty() {
                let at = at % n;
                bytes[at] ^= value | 1;
            }
        }
        Mutation::Truncate(at) => bytes.truncate(at % n),
        Mutation::Insert(at, extra) => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, extra.iter().copied());
        }
        Mutation::CopyRange(from, len, to) => {
            if !bytes.is_empty() {
                let from = from % bytes.len();
                let end = (from + len % 64).min(bytes.len());
                let piece: Vec<u8> = bytes[from..end].to_vec();
                let to = to % (bytes.len() + 1);
                bytes.splice(to..to, piece);
            }
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), any::<u8>()).prop_map(|(a, v)| Mutation::Flip(a, v)),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        2 => (any::<usize>(), prop::collection::vec(
            prop_oneof![any::<u8>(), Just(b'<'), Just(b'>'), Just(b'"'), Just(b','),
                        Just(b'('), Just(b')'), Just(b'['), Just(b']'), Just(0xff), Just(0)],
            1..12)).prop_map(|(a, v)| Mutation::Insert(a, v)),
        1 => (any::<usize>(), any::<usize>(), any::<usize>())
            .prop_map(|(f, l, t)| Mutation::CopyRange(f, l, t)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_give_features_or_an_error_naming_the_file(
        pick in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        mutate_dbf in any::<bool>(),
    ) {
        let seeds = seeds();
        let (name, bytes, format) = &seeds[pick % seeds.len()];
        let mut bytes = bytes.clone();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let dbf = (mutate_dbf && *format == Format::Shapefile).then(|| {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aoi/fixtures");
            let mut dbf = std::fs::read(dir.join(name.replace(".shp", ".dbf"))).unwrap_or_default();
            for m in &mutations {
                apply(&mut dbf, m);
            }
            dbf
        });
        read_as(name, &bytes, *format, dbf.as_deref());
    }

    #[test]
    fn random_bytes_give_an_error_naming_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..400),
        format in prop::sample::select(vec![Format::GeoJson, Format::Kml, Format::Kmz,
            Format::Wkt, Format::WkbHex, Format::Shapefile, Format::Zip]),
    ) {
        read_as("random.bin", &bytes, format, None);
    }

    #[test]
    fn random_text_in_each_format_gives_an_error_naming_the_file(
        text in "[ -~\\n]{0,200}",
        format in prop::sample::select(vec![Format::GeoJson, Format::Kml, Format::Wkt,
            Format::WkbHex]),
    ) {
        read_as("random.txt", text.as_bytes(), format, None);
    }
}
