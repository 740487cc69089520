//! README.md carries the key list generated from the key table, and the two set-up commands.

#[test]
fn readme_key_list_matches_the_key_table() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start =
        readme.find("<!-- keys:start -->\n").expect("start marker") + "<!-- keys:start -->\n".len();
    let end = readme.find("<!-- keys:end -->").expect("end marker");
    let generated = vital_onboard::app::keymap::markdown();
    if std::env::var_os("UPDATE_README").is_some() {
        // `UPDATE_README=1 cargo test --test readme` rewrites the list from the key table.
        let updated = format!("{}{generated}{}", &readme[..start], &readme[end..]);
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"), updated).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        generated,
        "README's key list is stale: run UPDATE_README=1 cargo test --test readme"
    );
}

#[test]
fn readme_has_the_two_commands_and_ci_runs_the_test_command() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("cargo run --release"));
    assert!(readme.contains("cargo test"));
    let ci = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run")).unwrap();
    assert!(ci.lines().any(|l| l.trim() == "cargo test"));
}

#[test]
fn readme_documents_every_subcommand_flag() {
    use clap::CommandFactory;
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let cmd = vital_onboard::cli::Cli::command();
    let mut all = vec![&cmd];
    all.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()));
    for c in all {
        for arg in c.get_arguments() {
            if let Some(long) = arg.get_long() {
                if ["help", "version"].contains(&long) {
                    continue;
                }
                assert!(
                    readme.contains(&format!("--{long}")),
                    "README does not mention --{long}"
                );
            }
        }
    }
}
