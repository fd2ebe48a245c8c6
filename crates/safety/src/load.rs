//! Where rules come from: the shipped files embedded in the binary, and `*.toml` files read
//! from directories. The crate's only file I/O.

use std::path::{Path, PathBuf};

use crate::compile::compile;
use crate::rules::{self, RuleError, Specs};
use crate::RuleSet;

/// The shipped rule files (the repository's `rules/`), embedded so the binary works from any
/// directory.
const BUILTIN: &[(&str, &str)] = &[
    ("rules/fr.toml", include_str!("../../../rules/fr.toml")),
    ("rules/en.toml", include_str!("../../../rules/en.toml")),
];

impl RuleSet {
    /// The shipped rules (`rules/*.toml`, embedded in the binary).
    pub fn builtin() -> Result<RuleSet, RuleError> {
        RuleSet::load(true, &[])
    }

    /// The shipped rules (when `include_builtin`) plus every `*.toml` file of each directory,
    /// in file-name order.
    pub fn load(include_builtin: bool, dirs: &[PathBuf]) -> Result<RuleSet, RuleError> {
        let mut files: Vec<(String, String)> = Vec::new();
        if include_builtin {
            files.extend(
                BUILTIN
                    .iter()
                    .map(|(n, s)| ((*n).to_owned(), (*s).to_owned())),
            );
        }
        for dir in dirs {
            files.extend(read_toml_dir(dir)?);
        }
        RuleSet::from_sources(&files)
    }

    /// Compiles rules from (file name, TOML text) pairs; the name is only used in errors.
    pub fn from_sources<N: AsRef<str>, S: AsRef<str>>(
        files: &[(N, S)],
    ) -> Result<RuleSet, RuleError> {
        let mut specs = Specs::default();
        for (name, src) in files {
            rules::parse_file(name.as_ref(), src.as_ref(), &mut specs)?;
        }
        compile(specs)
    }
}

/// Reads every `*.toml` file of `dir` but `stance.toml`, sorted by name.
fn read_toml_dir(dir: &Path) -> Result<Vec<(String, String)>, RuleError> {
    let io_err = |file: &Path, e: std::io::Error| RuleError {
        file: file.display().to_string(),
        line: 0,
        reason: e.to_string(),
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io_err(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        // The stance cues beside the shipped rules are not rules (`--rules rules` works).
        .filter(|p| p.file_name().is_none_or(|n| n != "stance.toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| io_err(&p, e))?;
            Ok((p.display().to_string(), text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_rules_compile() {
        let r = RuleSet::builtin().unwrap();
        assert!(r.rule_count() > 50);
    }

    #[test]
    fn a_missing_directory_is_an_error_that_names_it() {
        let dir = PathBuf::from("no-such-rules-dir");
        let e = RuleSet::load(false, &[dir]).unwrap_err();
        assert_eq!(e.file, "no-such-rules-dir");
        assert_eq!(e.line, 0);
    }
}
