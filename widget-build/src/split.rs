//! The split: cuts the cargo-built wasm (linked with `--emit-relocs`) at its
//! `#[wasm_split]` points into the main module, one file per part and the
//! JavaScript that loads a part when the main module first calls into it.

use std::collections::BTreeSet;
use std::path::Path;

/// The loader of the parts, written beside them. The main module imports it
/// under this name; `seal` renames it by its content.
pub const LOADER: &str = "__wasm_split.js";
/// How the main module imports the loader.
pub const LOADER_IMPORT: &str = "./__wasm_split.js";
/// The main module, before wasm-bindgen.
pub const MAIN: &str = "main.wasm";
/// How the loader imports the main module's glue (wasm-bindgen's
/// `--out-name mlegitymacja`); `seal` renames it too.
pub const GLUE: &str = "./mlegitymacja.js";

/// Splits `input` into `out_dir`, and fails unless the parts found in the wasm
/// are exactly `expected` and each of them has its files: a split point added
/// or lost without the build knowing is an error, not a silently bigger or
/// broken widget.
pub fn split(input: &Path, out_dir: &Path, expected: &[String]) -> Result<Vec<String>, String> {
    let wasm = std::fs::read(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let _ = std::fs::remove_dir_all(out_dir);
    let main_out = out_dir.join(MAIN);
    let result = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&wasm);
        options.output_dir = out_dir;
        options.main_out_path = &main_out;
        options.link_name = LOADER_IMPORT;
        options.main_module = GLUE;
        options
    })
    .map_err(|e| format!("the split failed: {e:#}"))?;

    same_parts(result.prefetch_map.keys().map(String::as_str), expected)?;
    for required in [main_out.clone(), out_dir.join(LOADER)] {
        if !required.is_file() {
            return Err(format!("the split wrote no {}", required.display()));
        }
    }
    let mut files: Vec<String> = result.prefetch_map.values().flatten().cloned().collect();
    files.sort();
    files.dedup();
    for stem in &files {
        let file = out_dir.join(format!("{stem}.wasm"));
        if !file.is_file() {
            return Err(format!("the split wrote no {}", file.display()));
        }
    }
    Ok(files)
}

/// The parts found in the wasm must be exactly the ones the build lists.
pub fn same_parts<'a>(
    found: impl IntoIterator<Item = &'a str>,
    expected: &[String],
) -> Result<(), String> {
    let found: BTreeSet<&str> = found.into_iter().collect();
    let wanted: BTreeSet<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|name| !name.is_empty())
        .collect();
    if found != wanted {
        return Err(format!(
            "the wasm's split points are {found:?}, the build expects {wanted:?}: \
             update the list in scripts/build-wasm with the #[wasm_split] points in src/parts.rs"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn the_parts_found_must_be_the_parts_listed() {
        assert!(same_parts(["help", "qr"], &list(&["qr", "help"])).is_ok());
        assert!(same_parts([], &list(&[""])).is_ok());
        let lost = same_parts(["help"], &list(&["help", "qr"])).unwrap_err();
        assert!(lost.contains("scripts/build-wasm"), "{lost}");
        assert!(same_parts(["help", "qr"], &list(&["help"])).is_err());
    }

    #[test]
    fn a_wasm_that_cannot_be_read_or_split_is_an_error() {
        let dir = std::env::temp_dir().join(format!("widget-build-{}", std::process::id()));
        let missing = split(&dir.join("none.wasm"), &dir, &[]).unwrap_err();
        assert!(missing.contains("cannot read"), "{missing}");
        std::fs::create_dir_all(&dir).unwrap();
        let not_wasm = dir.join("not.wasm");
        std::fs::write(&not_wasm, b"not a wasm module").unwrap();
        let refused = split(&not_wasm, &dir.join("out"), &[]).unwrap_err();
        assert!(refused.contains("the split failed"), "{refused}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
