//! The optional config file of the `ember` binary: TOML (`ember.toml`) or the seeds' INI
//! (`data_source.ini`, `[spark] app_name = ..., master_url = ...`).

use std::path::Path;

/// Settings a file may give; flags and environment variables win over them.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    pub(crate) app_name: Option<String>,
    pub(crate) master_url: Option<String>,
}

/// TOML may put the keys at the top level or under `[spark]`, as the INI does.
#[derive(Debug, Default, serde::Deserialize)]
struct TomlFile {
    #[serde(flatten)]
    top: FileConfig,
    spark: Option<FileConfig>,
}

pub(crate) fn load(path: &Path) -> Result<FileConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
    let bad = |e: &dyn std::fmt::Display| format!("invalid config file {}: {e}", path.display());
    if path.extension().is_some_and(|e| e == "toml") {
        let file: TomlFile = toml::from_str(&text).map_err(|e| bad(&e))?;
        let spark = file.spark.unwrap_or_default();
        Ok(FileConfig {
            app_name: spark.app_name.or(file.top.app_name),
            master_url: spark.master_url.or(file.top.master_url),
        })
    } else {
        let ini = ini::Ini::load_from_str(&text).map_err(|e| bad(&e))?;
        let get = |key: &str| {
            ini.section(Some("spark"))
                .and_then(|s| s.get(key))
                .or_else(|| ini.general_section().get(key))
                .map(str::to_owned)
        };
        Ok(FileConfig {
            app_name: get("app_name"),
            master_url: get("master_url"),
        })
    }
}
