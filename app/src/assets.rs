//! Addresses of the browser's files, whose names carry a hash of their content when
//! cargo-leptos builds with `hash-files` (it lists the hashes in `hash.txt` beside the server
//! program, as Leptos's own `HydrationScripts` reads them).

use leptos::config::LeptosOptions;

/// The address of the stylesheet. The hash is read once: `hash.txt` is written with the
/// server program and changes only with a new build, which means a new process; every page
/// reading it from disk again was a file open per request.
pub fn stylesheet_href(options: &LeptosOptions) -> String {
    static HASH: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    let hash = if options.hash_files { HASH.get_or_init(|| file_hash(options, "css")).as_deref() } else { None };
    match hash {
        Some(hash) => format!("/{}/{}.{hash}.css", options.site_pkg_dir, options.output_name),
        None => format!("/{}/{}.css", options.site_pkg_dir, options.output_name),
    }
}

/// The hash cargo-leptos recorded for the file with extension `kind` ("css: <hash>").
fn file_hash(options: &LeptosOptions, kind: &str) -> Option<String> {
    let list = std::env::current_exe().ok()?.parent()?.join(&*options.hash_file);
    let text = std::fs::read_to_string(list).ok()?;
    text.lines().find_map(|line| {
        let (name, hash) = line.split_once(':')?;
        (name.trim() == kind).then(|| hash.trim().to_owned())
    })
}
