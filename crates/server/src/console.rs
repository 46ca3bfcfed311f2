//! The auditor's web console (issue 7): its files, embedded in the binary.
//!
//! `GET /` serves `index.html` and `GET /console/{path}` the other files
//! of `crates/server/console/`. Nothing is fetched from anywhere else at
//! run time: no CDN, no fonts, no build step. The console is plain
//! JavaScript modules talking to this server's `/v1` API; see
//! `docs/console.md`.

/// Every file of the console: (path under `/console/`, content type, bytes).
pub const FILES: &[(&str, &str, &[u8])] = &[
    ("index.html", HTML, include_bytes!("../console/index.html")),
    ("app.js", JS, include_bytes!("../console/app.js")),
    ("ui.js", JS, include_bytes!("../console/ui.js")),
    ("finding-codes.js", JS, include_bytes!("../console/finding-codes.js")),
    ("page-findings.js", JS, include_bytes!("../console/page-findings.js")),
    ("page-changes.js", JS, include_bytes!("../console/page-changes.js")),
    ("page-targets.js", JS, include_bytes!("../console/page-targets.js")),
    (
        "page-assessment.js",
        JS,
        include_bytes!("../console/page-assessment.js"),
    ),
    ("page-projects.js", JS, include_bytes!("../console/page-projects.js")),
    (
        "page-commitments.js",
        JS,
        include_bytes!("../console/page-commitments.js"),
    ),
    ("page-funds.js", JS, include_bytes!("../console/page-funds.js")),
    (
        "page-incentives.js",
        JS,
        include_bytes!("../console/page-incentives.js"),
    ),
    ("page-records.js", JS, include_bytes!("../console/page-records.js")),
    ("page-claim.js", JS, include_bytes!("../console/page-claim.js")),
    ("page-record.js", JS, include_bytes!("../console/page-record.js")),
    ("page-import.js", JS, include_bytes!("../console/page-import.js")),
    ("sign.js", JS, include_bytes!("../console/sign.js")),
    ("app.css", CSS, include_bytes!("../console/app.css")),
    ("i18n.js", JS, include_bytes!("../console/i18n.js")),
    ("format.js", JS, include_bytes!("../console/format.js")),
    ("sankey.js", JS, include_bytes!("../console/sankey.js")),
    ("verify.js", JS, include_bytes!("../console/verify.js")),
    ("blake3.js", JS, include_bytes!("../console/blake3.js")),
];

const HTML: &str = "text/html; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// (content type, bytes) of a console file by its path under `/console/`;
/// `""` and `"index.html"` are the index page. `None` for anything else.
pub fn asset(path: &str) -> Option<(&'static str, &'static [u8])> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = if path.is_empty() { "index.html" } else { path };
    FILES
        .iter()
        .find(|(name, _, _)| *name == path)
        .map(|(_, ctype, bytes)| (*ctype, *bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(name: &str) -> &'static str {
        std::str::from_utf8(asset(name).unwrap().1).unwrap()
    }

    #[test]
    fn the_index_is_served_for_the_root() {
        let (ctype, bytes) = asset("").unwrap();
        assert_eq!(ctype, HTML);
        assert_eq!(bytes, asset("index.html").unwrap().1);
        assert!(asset("nope.js").is_none());
        assert!(asset("../Cargo.toml").is_none());
    }

    #[test]
    fn every_file_is_utf8_and_embedded_once() {
        for (i, (name, _, bytes)) in FILES.iter().enumerate() {
            assert!(std::str::from_utf8(bytes).is_ok(), "{name} is not UTF-8");
            assert!(!bytes.is_empty(), "{name} is empty");
            assert!(FILES[i + 1..].iter().all(|(n, _, _)| n != name), "{name} twice");
        }
    }

    /// A file added to `console/` is served too.
    #[test]
    fn every_file_of_the_directory_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/console");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let (_, bytes) = asset(&name).unwrap_or_else(|| panic!("console/{name} is not in FILES"));
            assert_eq!(bytes, std::fs::read(format!("{dir}/{name}")).unwrap(), "{name}");
        }
    }

    /// Every asset the index links and every module the scripts import is
    /// embedded, so the console never asks for a file the server lacks.
    #[test]
    fn every_reference_resolves_to_an_embedded_file() {
        let index = text("index.html");
        for part in index.split("/console/").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                .collect();
            assert!(asset(&name).is_some(), "index.html links {name}");
        }
        for (name, ctype, bytes) in FILES {
            if *ctype != JS {
                continue;
            }
            let src = std::str::from_utf8(bytes).unwrap();
            for part in src.split(" from './").skip(1) {
                let module = &part[..part.find('\'').unwrap()];
                assert!(asset(module).is_some(), "{name} imports {module}");
            }
        }
    }

    /// The console's own table of finding codes (used only with a server
    /// that has no `/v1/finding-codes`) is in `finding-codes.js` alone:
    /// no other file names a code's severity or label.
    #[test]
    fn the_builtin_finding_codes_are_in_one_place() {
        let table = text("finding-codes.js");
        let codes: Vec<&str> = table
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("['"))
            .map(|l| &l[..l.find('\'').unwrap()])
            .collect();
        assert!(codes.len() >= 19, "built-in codes: {codes:?}");
        assert!(codes.contains(&"overdraft") && codes.contains(&"missing_evidence"));
        for (name, ctype, bytes) in FILES {
            if *ctype != JS || *name == "finding-codes.js" {
                continue;
            }
            let src = std::str::from_utf8(bytes).unwrap();
            for code in &codes {
                assert!(
                    !src.contains(&format!("{code}:")) && !src.contains(&format!("'{code}'")),
                    "{name} names the finding code {code}: the built-in list belongs in finding-codes.js"
                );
            }
        }
    }

    /// No CDN, no web fonts, no remote anything: the only addresses in the
    /// assets are relative ones and documentation in comments.
    #[test]
    fn nothing_is_fetched_from_elsewhere() {
        for (name, _, bytes) in FILES {
            let src = std::str::from_utf8(bytes).unwrap();
            for (n, line) in src.lines().enumerate() {
                let trimmed = line.trim_start();
                if ["//", "/*", "*"].iter().any(|c| trimmed.starts_with(c)) {
                    continue;
                }
                let code = line.replace("http://www.w3.org/2000/svg", "");
                for remote in ["http://", "https://", "//cdn", "@import", "url("] {
                    assert!(!code.contains(remote), "{name}:{}: {line}", n + 1);
                }
            }
        }
    }
}
