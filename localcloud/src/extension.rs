//! cfm's extension of the local cloud: a Python package (`localcloud/python/cfm_moto`, with its
//! own tests) that patches moto where it differs from AWS in ways cfm depends on. It is
//! compiled into the `cfm` binary and written next to the venv, and moto runs as
//! `python -m cfm_moto`, which applies the patches before the server starts.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// The package's files: `(path under the package root, contents)`.
const FILES: &[(&str, &str)] = &[
    ("cfm_moto/__init__.py", include_str!("../python/cfm_moto/__init__.py")),
    ("cfm_moto/__main__.py", include_str!("../python/cfm_moto/__main__.py")),
    ("cfm_moto/stepfunctions.py", include_str!("../python/cfm_moto/stepfunctions.py")),
    ("cfm_moto/s3.py", include_str!("../python/cfm_moto/s3.py")),
    ("cfm_moto/cloudfront.py", include_str!("../python/cfm_moto/cloudfront.py")),
    ("cfm_moto/policies.py", include_str!("../python/cfm_moto/policies.py")),
    ("cfm_moto/functions.py", include_str!("../python/cfm_moto/functions.py")),
    ("cfm_moto/oai.py", include_str!("../python/cfm_moto/oai.py")),
];

/// Writes the package under `<home>/localcloud` (only files that differ, each by an atomic
/// rename, so parallel starts never see half a file) and returns the directory to put on
/// `PYTHONPATH`.
pub(crate) fn install(home: &Path) -> anyhow::Result<PathBuf> {
    let root = home.join("localcloud");
    for (name, text) in FILES {
        let path = root.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|current| current == *text) {
            continue;
        }
        let dir = path.parent().context("extension files live in a package")?;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let temp = dir.join(format!(".{}.{}", std::process::id(), path.file_name().unwrap_or_default().display()));
        std::fs::write(&temp, text).with_context(|| format!("writing {}", temp.display()))?;
        std::fs::rename(&temp, &path).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(root)
}
