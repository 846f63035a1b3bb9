//! `tasking-ls elements import FILE... | show | update`: the element cache the pass search
//! reads when no `--elements` or `[feasibility] elements` file covers a satellite
//! (`config::elements`). `import` reads OMM JSON, TLE and 3LE files and keeps, per satellite,
//! the newest epoch; `show` lists what is cached, how old, and which of the constellation
//! table's satellites have nothing; `update` asks CelesTrak's GP API for the table's
//! satellites, and only when run (never with `--offline`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use super::{EXIT_FAILURE, EXIT_FINDINGS, EXIT_OK};
use crate::api::celestrak::{ElementsClient, DEFAULT_ELEMENTS_URL, ELEMENTS_URL_ENV};
use crate::config::elements::{ElementCache, Stored};
use crate::feasibility::elements::{self, ElementSet};
use crate::feasibility::CONSTELLATIONS;

/// `tasking-ls elements ...`.
#[derive(Args, Clone, Debug)]
pub struct ElementsArgs {
    #[command(subcommand)]
    pub command: ElementsCommand,
}

/// The element cache's subcommands.
#[derive(Subcommand, Clone, Debug)]
pub enum ElementsCommand {
    /// Copy the element sets of FILE... (OMM JSON, TLE or 3LE) into the cache, keeping the
    /// newest epoch of each satellite (an older set never replaces a newer one).
    Import {
        /// Element set files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// List the cached element sets (satellite, NORAD id, epoch, age) and the constellation
    /// table's satellites that have none.
    Show,
    /// Fetch current elements of the constellation table's satellites (or of --norad ids)
    /// from CelesTrak's GP API into the cache; refused with --offline.
    Update {
        /// Only these NORAD catalogue numbers (repeatable; default: every satellite of the
        /// constellation table).
        #[arg(long, value_name = "ID")]
        norad: Vec<u64>,
        /// The GP API's root (default: $TASKING_LS_ELEMENTS_URL, else https://celestrak.org);
        /// the query is <URL>/NORAD/elements/gp.php?CATNR=<id>&FORMAT=json.
        #[arg(long, value_name = "URL")]
        source_url: Option<String>,
    },
}

/// Runs an `elements` subcommand against the cache below `cache_dir` (`--cache-dir` or the
/// configuration's `cache-dir`; default: the user's cache directory).
pub fn run(args: &ElementsArgs, cache_dir: Option<&std::path::Path>, offline: bool) -> i32 {
    let Some(cache) = ElementCache::at(cache_dir) else {
        eprintln!(
            "tasking-ls elements: no cache directory on this system: pass --cache-dir DIR or set \
             cache-dir in tasking-ls.toml"
        );
        return EXIT_FAILURE;
    };
    let now = clock();
    let (text, status) = match &args.command {
        ElementsCommand::Import { files } => import(&cache, files, now),
        ElementsCommand::Show => show(&cache, now),
        ElementsCommand::Update { norad, source_url } => {
            let url = source_url
                .clone()
                .or_else(|| {
                    std::env::var(ELEMENTS_URL_ENV)
                        .ok()
                        .filter(|v| !v.is_empty())
                })
                .unwrap_or_else(|| DEFAULT_ELEMENTS_URL.to_string());
            update(&cache, norad, &url, offline, now)
        }
    };
    print!("{}", text.out);
    eprint!("{}", text.err);
    status
}

/// The variable that sets the clock `elements` compares epochs with (RFC 3339), for tests
/// and replays of old files; unset, the system clock.
pub const NOW_ENV: &str = "TASKING_LS_NOW";

/// `$TASKING_LS_NOW` when it holds an RFC 3339 date-time, else the system clock.
fn clock() -> DateTime<Utc> {
    std::env::var(NOW_ENV)
        .ok()
        .and_then(|v| DateTime::parse_from_rfc3339(v.trim()).ok())
        .map_or_else(Utc::now, |d| d.with_timezone(&Utc))
}

/// What a subcommand prints: on standard output and on standard error.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Printed {
    pub out: String,
    pub err: String,
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The table's name for a NORAD id, else the set's own name, else `NORAD <id>`.
fn satellite_name(norad_id: u64, set_name: Option<&str>) -> String {
    CONSTELLATIONS
        .iter()
        .flat_map(|c| c.satellites.iter())
        .find(|s| u64::from(s.norad_id) == norad_id)
        .map(|s| s.name.to_string())
        .or_else(|| set_name.map(str::to_string))
        .unwrap_or_else(|| format!("NORAD {norad_id}"))
}

fn describe(set: &ElementSet) -> String {
    format!(
        "{} (NORAD {})",
        satellite_name(set.norad_id, set.name.as_deref()),
        set.norad_id
    )
}

/// One line per set stored: what the cache did with it.
fn outcome_line(set: &ElementSet, stored: &Stored) -> String {
    let who = describe(set);
    let epoch = day(set.epoch);
    match stored {
        Stored::Added => format!("{who}: added, epoch {epoch}"),
        Stored::Replaced { previous } => {
            format!("{who}: updated to epoch {epoch} (was {})", day(*previous))
        }
        Stored::Same => format!("{who}: already cached at epoch {epoch}"),
        Stored::KeptNewer { cached } => format!(
            "{who}: kept the cached epoch {}; the set of epoch {epoch} is older and was not \
             imported",
            day(*cached)
        ),
    }
}

/// `elements import FILE...`: every file is read first (a bad one stops the import before
/// anything is written, naming the file and line; so does an epoch more than
/// [`elements::MAX_FUTURE_EPOCH_DAYS`] after `now`), then each set is stored.
pub fn import(cache: &ElementCache, files: &[PathBuf], now: DateTime<Utc>) -> (Printed, i32) {
    let mut printed = Printed::default();
    let mut sets = Vec::new();
    for file in files {
        let checked = crate::config::elements::read_file(file).and_then(|found| {
            for set in &found {
                elements::check_not_future(set, now)
                    .map_err(|message| format!("{}: {message}", file.display()))?;
            }
            Ok(found)
        });
        match checked {
            Ok(found) => sets.extend(found),
            Err(message) => {
                printed.err = format!("tasking-ls elements import: {message}\nnothing imported\n");
                return (printed, EXIT_FAILURE);
            }
        }
    }
    for set in &sets {
        match cache.store(set) {
            Ok(stored) => {
                printed.out.push_str(&outcome_line(set, &stored));
                printed.out.push('\n');
            }
            Err(message) => {
                printed
                    .err
                    .push_str(&format!("tasking-ls elements import: {message}\n"));
                return (printed, EXIT_FAILURE);
            }
        }
    }
    printed.out.push_str(&format!(
        "{} element set{} read; cache: {}\n",
        sets.len(),
        if sets.len() == 1 { "" } else { "s" },
        cache.dir().display()
    ));
    (printed, EXIT_OK)
}

/// `elements show`: the cached sets with their age at `now`, damaged cache files, and the
/// table's satellites without a set.
pub fn show(cache: &ElementCache, now: DateTime<Utc>) -> (Printed, i32) {
    let mut printed = Printed::default();
    let (entries, problems) = cache.entries();
    printed
        .out
        .push_str(&format!("element cache: {}\n", cache.dir().display()));
    if entries.is_empty() {
        printed.out.push_str("no element set cached\n");
    }
    for entry in &entries {
        let age = (now - entry.set.epoch).num_seconds() as f64 / 86_400.0;
        let age = if age >= 0.0 {
            format!("{age:.1} days old")
        } else {
            format!("epoch {:.1} days in the future", -age)
        };
        printed.out.push_str(&format!(
            "{}  epoch {}  {age}\n",
            describe(&entry.set),
            day(entry.set.epoch),
        ));
    }
    for problem in &problems {
        printed.out.push_str(&format!("unreadable: {problem}\n"));
    }
    let cached: Vec<u64> = entries.iter().map(|e| e.set.norad_id).collect();
    let mut missing: BTreeMap<u32, &str> = BTreeMap::new();
    for sat in CONSTELLATIONS.iter().flat_map(|c| c.satellites.iter()) {
        if !cached.contains(&u64::from(sat.norad_id)) {
            missing.insert(sat.norad_id, sat.name);
        }
    }
    if missing.is_empty() {
        printed
            .out
            .push_str("every satellite of the constellation table has an element set\n");
    } else {
        let names: Vec<String> = missing
            .iter()
            .map(|(id, name)| format!("{name} ({id})"))
            .collect();
        printed.out.push_str(&format!(
            "no element set for: {} (tasking-ls elements import FILE, or tasking-ls elements \
             update)\n",
            names.join(", ")
        ));
    }
    (printed, EXIT_OK)
}

/// `elements update`: each satellite's newest set from the GP API at `url`, stored as
/// `import` stores. A failed satellite is named with its URL and status and the others go on;
/// the exit status is then 1 (2 when nothing could be asked at all: offline, a bad URL). An
/// answer whose epoch is more than [`elements::MAX_FUTURE_EPOCH_DAYS`] after `now` is a
/// failure of that satellite, not stored.
pub fn update(
    cache: &ElementCache,
    norad: &[u64],
    url: &str,
    offline: bool,
    now: DateTime<Utc>,
) -> (Printed, i32) {
    let mut printed = Printed::default();
    let ids: Vec<u64> = if norad.is_empty() {
        let mut ids: Vec<u64> = CONSTELLATIONS
            .iter()
            .flat_map(|c| c.satellites.iter())
            .map(|s| u64::from(s.norad_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    } else {
        norad.to_vec()
    };
    if offline {
        printed.err = "tasking-ls elements update: --offline forbids the network; nothing \
                       fetched (import element files with `tasking-ls elements import FILE` \
                       instead)\n"
            .to_string();
        return (printed, EXIT_FAILURE);
    }
    let client = match ElementsClient::new(url, offline) {
        Ok(client) => client,
        Err(e) => {
            printed.err = format!("tasking-ls elements update: {e}\n");
            return (printed, EXIT_FAILURE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            printed.err = format!("tasking-ls elements update: cannot start the runtime: {e}\n");
            return (printed, EXIT_FAILURE);
        }
    };
    let mut failed = 0;
    for id in &ids {
        let fetched = runtime
            .block_on(client.fetch(*id))
            .map_err(|e| e.to_string())
            .and_then(|set| elements::check_not_future(&set, now).map(|()| set));
        match fetched {
            Ok(set) => match cache.store(&set) {
                Ok(stored) => {
                    printed.out.push_str(&outcome_line(&set, &stored));
                    printed.out.push('\n');
                }
                Err(message) => {
                    printed
                        .err
                        .push_str(&format!("tasking-ls elements update: {message}\n"));
                    return (printed, EXIT_FAILURE);
                }
            },
            Err(e) => {
                failed += 1;
                printed.err.push_str(&format!(
                    "tasking-ls elements update: {}: {e}\n",
                    satellite_name(*id, None)
                ));
            }
        }
    }
    printed.out.push_str(&format!(
        "{} of {} satellite{} updated from {}; cache: {}\n",
        ids.len() - failed,
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        crate::api::credentials::shown_url(url),
        cache.dir().display()
    ));
    (printed, if failed > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const VALLADO_00005: &str = "\
1 00005U 58002B   00179.78495062  .00000023  00000-0  28098-4 0  4753
2 00005  34.2682 348.7242 1859667 331.7664  19.3264 10.82419157413667";

    /// A set of satellite `id` at epoch `base + minutes`.
    fn set(id: u64, minutes: i64) -> ElementSet {
        let mut set = elements::parse(VALLADO_00005).unwrap().remove(0);
        set.norad_id = id;
        set.elements.norad_id = id;
        set.epoch += chrono::Duration::minutes(minutes);
        set.elements.datetime = set.epoch.naive_utc();
        set
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

        /// Importing sets of a few satellites in any order, one file each, leaves the newest
        /// epoch of each satellite in the cache, and every older one was reported as kept.
        #[test]
        fn import_keeps_the_newest_epoch_per_satellite(
            sets in prop::collection::vec((0u64..4, -5000i64..5000), 1..12),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let cache = ElementCache::new(dir.path().join("elements"));
            let mut files = Vec::new();
            for (k, (id, minutes)) in sets.iter().enumerate() {
                let path = dir.path().join(format!("{k}.json"));
                std::fs::write(&path, crate::config::elements::omm_json(&set(*id + 1, *minutes))).unwrap();
                files.push(path);
            }
            let (printed, status) = import(&cache, &files, set(1, 0).epoch + chrono::Duration::days(1));
            prop_assert_eq!(status, EXIT_OK);
            let mut newest: BTreeMap<u64, i64> = BTreeMap::new();
            for (id, minutes) in &sets {
                let e = newest.entry(*id + 1).or_insert(*minutes);
                *e = (*e).max(*minutes);
            }
            let (entries, problems) = cache.entries();
            prop_assert!(problems.is_empty());
            prop_assert_eq!(entries.len(), newest.len());
            for entry in entries {
                prop_assert_eq!(entry.set.epoch, set(1, newest[&entry.set.norad_id]).epoch);
            }
            // No temporary file is left behind.
            let names: Vec<String> = std::fs::read_dir(cache.dir()).unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            prop_assert!(names.iter().all(|n| n.ends_with(".json") && !n.starts_with('.')), "{:?}", names);
            let kept = printed.out.matches("is older and was not imported").count();
            let older = sets.iter().enumerate().filter(|(k, (id, m))| {
                sets[..*k].iter().any(|(i, n)| i == id && n > m)
            }).count();
            prop_assert_eq!(kept, older);
        }
    }

    #[test]
    fn a_bad_file_names_its_line_and_imports_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.tle");
        std::fs::write(&good, VALLADO_00005).unwrap();
        let bad = dir.path().join("bad.tle");
        std::fs::write(&bad, "PLEIADES NEO 3\n1 48268U garbage\n").unwrap();
        let cache = ElementCache::new(dir.path().join("elements"));
        let (printed, status) = import(&cache, &[good, bad.clone()], Utc::now());
        assert_eq!(status, EXIT_FAILURE);
        assert_eq!(
            printed.err,
            format!(
                "tasking-ls elements import: {}: line 2: a TLE line 1 not followed by its line 2\n\
                 nothing imported\n",
                bad.display()
            )
        );
        assert!(cache.files().is_empty());
    }

    #[test]
    fn show_lists_age_and_the_satellites_without_elements() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ElementCache::new(dir.path());
        cache.store(&set(48268, 0)).unwrap();
        let now = set(48268, 0).epoch + chrono::Duration::hours(36);
        let (printed, _) = show(&cache, now);
        let text = printed
            .out
            .replace(&dir.path().display().to_string(), "DIR");
        expect_test::expect![[r#"
            element cache: DIR
            Pléiades Neo 3 (NORAD 48268)  epoch 2000-06-27 18:50:19 UTC  1.5 days old
            no element set for: Pléiades 1A (38012), SPOT 6 (38755), Pléiades 1B (39019), SPOT 7 (40053), Pléiades Neo 4 (49070) (tasking-ls elements import FILE, or tasking-ls elements update)
        "#]]
        .assert_eq(&text);
    }

    /// Impossible elements and an epoch days in the future of the clock are refused before
    /// anything is stored, the file named; a future epoch already cached says so in `show`.
    #[test]
    fn impossible_and_future_sets_are_not_imported() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ElementCache::new(dir.path().join("elements"));
        let mut record = serde_json::to_value(&set(48268, 0).elements).unwrap();
        record["INCLINATION"] = serde_json::json!(400);
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, serde_json::to_string_pretty(&[record]).unwrap()).unwrap();
        let (printed, status) = import(&cache, std::slice::from_ref(&bad), set(1, 0).epoch);
        assert_eq!(status, EXIT_FAILURE);
        assert!(
            printed.err.contains(&format!(
                "{}: line 12: OMM record 1 INCLINATION of NORAD 48268: inclination 400° is \
                 outside 0–180°",
                bad.display()
            )),
            "{printed:?}"
        );
        let future = dir.path().join("future.json");
        std::fs::write(&future, crate::config::elements::omm_json(&set(48268, 0))).unwrap();
        let now = set(1, 0).epoch - chrono::Duration::days(25);
        let (printed, status) = import(&cache, std::slice::from_ref(&future), now);
        assert_eq!(status, EXIT_FAILURE);
        assert!(
            printed.err.contains("is 25.0 days in the future")
                && printed.err.contains("nothing imported"),
            "{printed:?}"
        );
        assert!(cache.files().is_empty());
        // Stored by an older version: `show` says the epoch is ahead, not "-25.4 days old".
        cache.store(&set(48268, 0)).unwrap();
        let (printed, _) = show(&cache, now - chrono::Duration::hours(10));
        assert!(
            printed.out.contains("epoch 25.4 days in the future"),
            "{printed:?}"
        );
    }

    /// A password in the source URL is never printed (the server is not reachable: the
    /// failure message names the URL).
    #[test]
    fn update_never_prints_a_password_in_the_url() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ElementCache::new(dir.path());
        let (printed, status) = update(
            &cache,
            &[5],
            "http://me:hunter2@127.0.0.1:9",
            false,
            Utc::now(),
        );
        assert_eq!(status, EXIT_FINDINGS);
        let all = format!("{}{}", printed.out, printed.err);
        assert!(!all.contains("hunter2") && !all.contains("me:"), "{all}");
        assert!(
            all.contains("127.0.0.1:9/NORAD/elements/gp.php?CATNR=5"),
            "{all}"
        );
    }

    #[test]
    fn update_is_refused_offline() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ElementCache::new(dir.path());
        let (printed, status) = update(&cache, &[], "http://127.0.0.1:9", true, Utc::now());
        assert_eq!(status, EXIT_FAILURE);
        assert!(
            printed.err.contains("--offline forbids the network"),
            "{printed:?}"
        );
        assert!(cache.files().is_empty());
    }
}
