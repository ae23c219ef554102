//! The sealing: every file of the widget named by its content, so that it
//! can be cached for a year, and fetched with its hash (Subresource
//! Integrity), so that a file changed on the way is refused.
//!
//! The split's loader fetches each part with
//! `fetch(new URL("./split_help.wasm", import.meta.url))`; sealing renames the
//! part and writes its hash into that fetch. The glue and the loader import
//! each other, so their names cannot each hold the other's hash: both are
//! named by one hash over the glue, the loader and the main module together.

use std::fs;
use std::path::Path;

use base64::Engine;
use mcard_common::fields::{first_reads, TIME_LIMIT_MS};
use sha2::{Digest, Sha256, Sha384};

use crate::split::{GLUE, LOADER, LOADER_IMPORT};

/// The glue's and the main module's names as wasm-bindgen writes them.
const GLUE_FILE: &str = "mlegitymacja.js";
const MAIN_WASM: &str = "mlegitymacja_bg.wasm";

/// The `integrity` value of `bytes`.
pub fn sri(bytes: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(bytes))
    )
}

/// The first 16 hex digits of the SHA-256 of `bytes`, for a file name.
pub fn short_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// One part's file, before and after.
#[derive(Debug, PartialEq, Eq)]
pub struct SealedPart {
    pub old_name: String,
    pub new_name: String,
    pub integrity: String,
}

/// Rewrites the loader's fetch of each part to its sealed name and hash.
/// Every part must be fetched exactly once, and every fetch must be of a
/// known part: anything else means the split's output changed shape.
pub fn seal_loader(loader: &str, parts: &[SealedPart]) -> Result<String, String> {
    let mut sealed = loader.to_owned();
    for part in parts {
        let fetch = format!("fetch(new URL(\"./{}\", import.meta.url))", part.old_name);
        if sealed.matches(&fetch).count() != 1 {
            return Err(format!(
                "the loader does not fetch {} exactly once",
                part.old_name
            ));
        }
        let with_hash = format!(
            "fetch(new URL(\"./{}\", import.meta.url), {{ integrity: \"{}\" }})",
            part.new_name, part.integrity
        );
        sealed = sealed.replace(&fetch, &with_hash);
    }
    let unsealed = sealed.matches("import.meta.url))").count();
    if unsealed != 0 {
        return Err(format!(
            "the loader fetches {unsealed} file(s) that are not parts"
        ));
    }
    Ok(sealed)
}

/// Points every import of `from` in a module's source at `to`, and fails
/// if there is none. Only the `from "…"` clauses change (written `from"…"`
/// once the glue is shortened): the glue also names the main module's
/// import module `"./__wasm_split.js"` as a key (once per part), which must
/// stay.
pub fn rename_import(source: &str, from: &str, to: &str) -> Result<String, String> {
    let mut renamed = source.to_owned();
    for clause in [format!("from \"{from}\""), format!("from\"{from}\"")] {
        renamed = renamed.replace(&clause, &format!("from \"{to}\""));
    }
    if renamed == source {
        return Err(format!("expected an import of {from}"));
    }
    Ok(renamed)
}

/// What widget.js needs to know.
pub struct Sealed {
    pub glue: String,
    pub glue_integrity: String,
    pub loader: String,
    pub loader_integrity: String,
    pub wasm: String,
    pub wasm_integrity: String,
}

/// The widget's first reads (`mcard_common::fields::first_reads`) as a
/// JavaScript array of strings.
fn first_reads_js() -> String {
    let quoted: Vec<String> = first_reads().iter().map(|r| format!("\"{r}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// widget.js: the one script a page includes.
pub fn widget_js(sealed: &Sealed, push_worker: &str) -> String {
    format!(
        r#"// mLegitymacja widget loader. Include it as <script type="module" src="…/widget.js">
// on a page with <div data-mlegitymacja data-api-base="…"></div>.
// The widget's first two reads, started now for each widget on the page,
// while the glue and the WebAssembly download: its first status then waits
// for the slower of the two, not for one after the other. Each answer is
// kept with the exact request made (address, credentials, CSRF header), and
// the widget takes it once, only for the very request it would make
// (src/api/early.rs); settings read otherwise here just mean it asks itself.
const firstReads = [];
for (const host of document.querySelectorAll("[data-mlegitymacja]")) {{
  const setting = (name) => host.getAttribute(name)?.trim();
  let base = setting("data-api-base");
  if (!base || !/^(\/(?!\/)|https?:\/\/)/.test(base)) continue;
  if (!base.endsWith("/")) base += "/";
  const credentials = setting("data-credentials") ?? "same-origin";
  if (!["same-origin", "include", "omit"].includes(credentials)) continue;
  const headers = {{ Accept: "application/json" }};
  const csrfName = setting("data-csrf-header") ?? null;
  let csrfValue = null;
  if (csrfName !== null) {{
    const meta = setting("data-csrf-meta");
    const value = setting("data-csrf-value");
    if ((meta === undefined) === (value === undefined)) continue;
    csrfValue = meta === undefined ? value
      : [...document.querySelectorAll("meta")].find((m) => m.name === meta)?.getAttribute("content");
    if (csrfValue == null) continue;
    headers[csrfName] = csrfValue;
  }}
  for (const read of {reads}) {{
    const url = new URL(base + read, document.baseURI).href;
    const signal = AbortSignal.timeout?.({time_limit});
    // The whole answer, body read: handing it to the widget then costs it
    // no wait on the network, so its first status is drawn at once.
    const answer = fetch(url, {{ credentials, headers, signal }}).then(async (response) => ({{
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      body: await response.text(),
    }}));
    answer.catch(() => {{}});
    firstReads.push({{ url, credentials, csrfName, csrfValue, answer }});
  }}
}}
globalThis.mlegitymacjaTakeFirstRead = (url, credentials, csrfName, csrfValue) => {{
  const href = new URL(url, document.baseURI).href;
  const at = firstReads.findIndex((r) => r.url === href && r.credentials === credentials
    && r.csrfName === csrfName && r.csrfValue === csrfValue);
  return at < 0 ? undefined : firstReads.splice(at, 1)[0].answer;
}};
// The widget registers this service worker only when the student asks to be
// told with the page closed, and only on a page of the worker's own origin.
globalThis.mlegitymacjaPushWorker = new URL("./{push_worker}", import.meta.url).href;
// The wasm, the largest file, is asked for at once, beside the glue and
// the loader rather than after them, with its hash.
const wasmFile = fetch(new URL("./{wasm}", import.meta.url), {{ integrity: "{wasm_integrity}" }});
wasmFile.catch(() => {{}});
// The glue and the loader of the parts are modules, and an import cannot
// carry a hash: each is preloaded with its hash first, and the import then
// uses that checked copy. A copy that does not match is refused and the
// widget does not start. Every part is fetched with its hash too.
await Promise.all([
  ["./{glue}", "{glue_integrity}"],
  ["./{loader}", "{loader_integrity}"],
].map(([file, integrity]) => new Promise((resolve, reject) => {{
  const link = document.createElement("link");
  link.rel = "modulepreload";
  link.href = new URL(file, import.meta.url).href;
  link.integrity = integrity;
  link.onload = resolve;
  link.onerror = () => reject(new Error(`mLegitymacja: ${{file}} was not loaded or does not match its hash`));
  document.head.append(link);
}})));
const {{ default: init }} = await import("./{glue}");
const wasm = await init({{ module_or_path: wasmFile }});
// For scripts/bench: the size of the widget's WebAssembly memory.
globalThis.mlegitymacjaWasmMemoryBytes = () => wasm.memory.buffer.byteLength;
"#,
        reads = first_reads_js(),
        time_limit = TIME_LIMIT_MS,
        glue = sealed.glue,
        glue_integrity = sealed.glue_integrity,
        loader = sealed.loader,
        loader_integrity = sealed.loader_integrity,
        wasm = sealed.wasm,
        wasm_integrity = sealed.wasm_integrity,
    )
}

/// The standalone page's preloads and loader, put before `</head>`. The
/// widget's first reads of `api_base` come first: they are the longest
/// wait, and the loader's own `fetch` of each (same address, `cors`,
/// same-origin credentials) is handed the preloaded answer.
pub fn page_head(sealed: &Sealed, base: &str, api_base: &str) -> String {
    let reads: String = first_reads()
        .iter()
        .map(|read| {
            format!("<link rel=\"preload\" href=\"{api_base}{read}\" as=\"fetch\" crossorigin=\"anonymous\">")
        })
        .collect();
    format!(
        "{reads}\
         <link rel=\"modulepreload\" href=\"{base}{glue}\" integrity=\"{gi}\">\
         <link rel=\"modulepreload\" href=\"{base}{loader}\" integrity=\"{li}\">\
         <link rel=\"preload\" href=\"{base}{wasm}\" as=\"fetch\" type=\"application/wasm\" crossorigin=\"anonymous\">\
         <script type=\"module\" src=\"{base}widget.js\"></script>\n  </head>",
        glue = sealed.glue,
        gi = sealed.glue_integrity,
        loader = sealed.loader,
        li = sealed.loader_integrity,
        wasm = sealed.wasm,
    )
}

/// The standalone page's widget settings that decide its first reads: its
/// `data-api-base` (ending with `/`), if it sends cookies as the preload
/// does (same-origin, no CSRF header). `None`: nothing to preload.
pub fn page_api_base(html: &str) -> Option<String> {
    let tag_start = html.find("<div data-mlegitymacja")?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let attribute = |name: &str| {
        let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
        Some(
            tag[start..start + tag[start..].find('"')?]
                .trim()
                .to_owned(),
        )
    };
    let same_origin = matches!(
        attribute("data-credentials").as_deref(),
        None | Some("same-origin")
    );
    if !same_origin || attribute("data-csrf-header").is_some() {
        return None;
    }
    let mut api_base = attribute("data-api-base")?;
    if !api_base.starts_with('/') || api_base.starts_with("//") {
        return None;
    }
    if !api_base.ends_with('/') {
        api_base.push('/');
    }
    Some(api_base)
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    fs::read(dir.join(name)).map_err(|e| format!("cannot read {name} in {}: {e}", dir.display()))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), String> {
    fs::write(dir.join(name), bytes).map_err(|e| format!("cannot write {name}: {e}"))
}

fn remove(dir: &Path, name: &str) -> Result<(), String> {
    fs::remove_file(dir.join(name)).map_err(|e| format!("cannot remove {name}: {e}"))
}

/// Seals the build in `dir` (Trunk's staging folder) and writes widget.js,
/// its hash (widget.js.sri) and, if there is one, index.html's preloads and
/// loader.
pub fn seal_dir(dir: &Path, push_worker: &str, base: &str) -> Result<(), String> {
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).map_err(|e| e.to_string());
    let glue = text(read(dir, GLUE_FILE)?)?;
    let loader = text(read(dir, LOADER)?)?;
    let main_wasm = read(dir, MAIN_WASM)?;

    let mut part_names: Vec<String> = fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".wasm") && name != MAIN_WASM)
        .collect();
    part_names.sort();
    let mut parts = Vec::new();
    for old_name in part_names {
        let bytes = read(dir, &old_name)?;
        let stem = old_name.trim_end_matches(".wasm");
        let new_name = format!("{stem}-{}.wasm", short_hash(&bytes));
        write(dir, &new_name, &bytes)?;
        remove(dir, &old_name)?;
        parts.push(SealedPart {
            old_name,
            new_name,
            integrity: sri(&bytes),
        });
    }
    let loader = seal_loader(&loader, &parts)?;

    let hash = short_hash(&[glue.as_bytes(), loader.as_bytes(), &main_wasm].concat());
    let glue_name = format!("mlegitymacja-{hash}.js");
    let loader_name = format!("parts-{hash}.js");
    let wasm_name = format!("mlegitymacja-{hash}_bg.wasm");
    let glue = rename_import(&glue, LOADER_IMPORT, &format!("./{loader_name}"))?;
    let loader = rename_import(&loader, GLUE, &format!("./{glue_name}"))?;
    write(dir, &glue_name, glue.as_bytes())?;
    write(dir, &loader_name, loader.as_bytes())?;
    write(dir, &wasm_name, &main_wasm)?;
    for old in [GLUE_FILE, LOADER, MAIN_WASM] {
        remove(dir, old)?;
    }

    let sealed = Sealed {
        glue_integrity: sri(glue.as_bytes()),
        glue: glue_name,
        loader_integrity: sri(loader.as_bytes()),
        loader: loader_name,
        wasm_integrity: sri(&main_wasm),
        wasm: wasm_name,
    };
    let widget = widget_js(&sealed, push_worker);
    write(dir, "widget.js", widget.as_bytes())?;
    // widget.js's own hash, for the embedding page's `integrity`
    // (docs/embedding.md).
    write(dir, "widget.js.sri", sri(widget.as_bytes()).as_bytes())?;
    let page = dir.join("index.html");
    if page.is_file() {
        let html = text(read(dir, "index.html")?)?;
        if html.matches("</head>").count() != 1 {
            return Err("index.html must have one </head>".into());
        }
        let api_base = page_api_base(&html).ok_or(
            "index.html must have a <div data-mlegitymacja> with a same-origin data-api-base",
        )?;
        let html = html.replace("</head>", &page_head(&sealed, base, &api_base));
        write(dir, "index.html", html.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER_SOURCE: &str = r#"import { initSync } from "./mlegitymacja.js";
const __chunk_0 = makeLoad(() => {
    const src = fetch(new URL("./chunk_0.wasm", import.meta.url));
}, []);
export const __wasm_split_load_help = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_help.wasm", import.meta.url));
}, [__chunk_0]));
"#;

    fn part(old: &str, new: &str) -> SealedPart {
        SealedPart {
            old_name: old.into(),
            new_name: new.into(),
            integrity: format!("sha384-{new}"),
        }
    }

    #[test]
    fn each_part_is_fetched_by_its_new_name_with_its_hash() {
        let sealed = seal_loader(
            LOADER_SOURCE,
            &[
                part("chunk_0.wasm", "chunk_0-aa.wasm"),
                part("split_help.wasm", "split_help-bb.wasm"),
            ],
        )
        .unwrap();
        assert!(sealed.contains(
            r#"fetch(new URL("./split_help-bb.wasm", import.meta.url), { integrity: "sha384-split_help-bb.wasm" })"#
        ));
        assert!(sealed
            .contains(r#"fetch(new URL("./chunk_0-aa.wasm", import.meta.url), { integrity: "#));
        assert!(!sealed.contains("split_help.wasm"));
    }

    #[test]
    fn a_part_the_loader_does_not_fetch_or_a_fetch_of_no_part_is_an_error() {
        let missing = seal_loader(LOADER_SOURCE, &[part("split_qr.wasm", "split_qr-cc.wasm")]);
        assert!(missing.unwrap_err().contains("split_qr.wasm"));
        let left_over = seal_loader(LOADER_SOURCE, &[part("chunk_0.wasm", "chunk_0-aa.wasm")]);
        assert!(left_over
            .unwrap_err()
            .contains("1 file(s) that are not parts"));
    }

    #[test]
    fn imports_are_renamed_and_their_absence_is_an_error() {
        let glue = "import * as import1 from \"./__wasm_split.js\"\nconst i = { \"./__wasm_split.js\": import1 };";
        assert_eq!(
            rename_import(glue, "./__wasm_split.js", "./parts-1.js").unwrap(),
            "import * as import1 from \"./parts-1.js\"\nconst i = { \"./__wasm_split.js\": import1 };"
        );
        assert_eq!(
            rename_import(
                "import*as n from\"./__wasm_split.js\";",
                "./__wasm_split.js",
                "./p.js"
            )
            .unwrap(),
            "import*as n from \"./p.js\";"
        );
        assert!(rename_import("let wasm;", "./__wasm_split.js", "./x.js").is_err());
    }

    fn sealed() -> Sealed {
        Sealed {
            glue: "g.js".into(),
            glue_integrity: "sha384-g".into(),
            loader: "p.js".into(),
            loader_integrity: "sha384-p".into(),
            wasm: "w.wasm".into(),
            wasm_integrity: "sha384-w".into(),
        }
    }

    #[test]
    fn the_loader_starts_the_widgets_first_reads_and_hands_them_over() {
        let js = widget_js(&sealed(), "push-worker-1.js");
        let [installation, mcard] = first_reads();
        assert!(js.contains(&format!(
            "for (const read of [\"{installation}\", \"{mcard}\"])"
        )));
        assert!(js.contains("AbortSignal.timeout?.(10000)"));
        assert!(js.contains("globalThis.mlegitymacjaTakeFirstRead = "));
        assert!(js.contains("body: await response.text()"));
        // Started before the glue is even asked for.
        assert!(js.find("fetch(url").unwrap() < js.find("modulepreload").unwrap());
        // So is the wasm, with its hash, and init is handed that fetch.
        assert!(js.contains(r#"const wasmFile = fetch(new URL("./w.wasm", import.meta.url), { integrity: "sha384-w" });"#));
        assert!(js.find("const wasmFile").unwrap() < js.find("modulepreload").unwrap());
        assert!(js.contains("await init({ module_or_path: wasmFile })"));
    }

    #[test]
    fn the_standalone_page_preloads_the_first_reads_of_its_api_base_first() {
        let head = page_head(&sealed(), "/files/", "/api/");
        let [installation, mcard] = first_reads();
        let first = format!("<link rel=\"preload\" href=\"/api/{installation}\" as=\"fetch\" crossorigin=\"anonymous\">");
        assert!(head.starts_with(&first), "{head}");
        assert!(head.contains(&format!(
            "href=\"/api/{mcard}\" as=\"fetch\" crossorigin=\"anonymous\""
        )));
        assert!(head.contains("<script type=\"module\" src=\"/files/widget.js\">"));
    }

    #[test]
    fn the_page_api_base_is_read_only_where_a_preload_matches_the_widgets_read() {
        let page = |attributes: &str| {
            page_api_base(&format!("<body><div data-mlegitymacja {attributes}></div>"))
        };
        assert_eq!(
            page("data-api-base=\"/\" data-routing=\"path\"").as_deref(),
            Some("/")
        );
        assert_eq!(
            page("data-api-base=\" /proxy \"").as_deref(),
            Some("/proxy/")
        );
        assert_eq!(
            page("data-api-base=\"/\" data-credentials=\"include\""),
            None
        );
        assert_eq!(
            page("data-api-base=\"/\" data-csrf-header=\"X-CSRF\""),
            None
        );
        assert_eq!(page("data-api-base=\"//usos.example/\""), None);
        assert_eq!(page("data-api-base=\"https://usos.example/\""), None);
        assert_eq!(page("data-lang=\"pl\""), None);
    }

    #[test]
    fn hashes_are_the_usual_forms() {
        // SHA-384 and SHA-256 of "abc", the FIPS 180-2 examples.
        assert_eq!(
            sri(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
        assert_eq!(short_hash(b"abc"), "ba7816bf8f01cfea");
    }
}
