#![cfg(not(target_arch = "wasm32"))]
//! The tool versions Trunk is told to use are the ones setup.sh installs, so
//! Trunk never needs to download anything.

fn read(p: &str) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

#[test]
fn trunk_uses_the_wasm_bindgen_of_cargo_lock() {
    let lock = read("Cargo.lock");
    let mut lines = lock.lines();
    let mut version = None;
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\"" {
            version =
                lines.next().and_then(|v| v.strip_prefix("version = \"")).map(|v| v.trim_end_matches('"').to_string());
            break;
        }
    }
    let version = version.expect("wasm-bindgen in Cargo.lock");
    let trunk = read("Trunk.toml");
    assert!(
        trunk.contains(&format!("wasm_bindgen = \"{version}\"")),
        "Trunk.toml [tools] wasm_bindgen must be {version}"
    );
}

#[test]
fn trunk_builds_offline_with_binaryen_132() {
    let trunk = read("Trunk.toml");
    assert!(trunk.contains("offline = true"));
    assert!(trunk.contains("wasm_opt = \"version_132\""));
    let pkg = read("package.json");
    assert!(pkg.contains("\"binaryen\": \"132.0.0\""));
}

#[test]
fn release_profile_is_sized_for_the_web() {
    let cargo = read("Cargo.toml");
    let release = cargo.split("[profile.release]").nth(1).expect("[profile.release]");
    for needle in ["opt-level = \"z\"", "lto = true", "codegen-units = 1", "panic = \"abort\""] {
        assert!(release.contains(needle), "[profile.release] needs {needle}");
    }
}
