//! README.md carries the two set-up commands and "A first run"; the guide under docs/ carries the
//! key list generated from the key table (docs/console.md), every flag (docs/commands.md) and a
//! layout that names every source file (docs/architecture.md).

fn read(path: &str) -> String {
    std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn the_console_guide_key_list_matches_the_key_table() {
    let readme = read("docs/console.md");
    let start =
        readme.find("<!-- keys:start -->\n").expect("start marker") + "<!-- keys:start -->\n".len();
    let end = readme.find("<!-- keys:end -->").expect("end marker");
    let generated = vital_onboard::app::keymap::markdown();
    if std::env::var_os("UPDATE_README").is_some() {
        // `UPDATE_README=1 cargo test --test readme` rewrites the list from the key table.
        let updated = format!("{}{generated}{}", &readme[..start], &readme[end..]);
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/docs/console.md"),
            updated,
        )
        .unwrap();
        return;
    }
    assert_eq!(
        &readme[start..end],
        generated,
        "docs/console.md's key list is stale: run UPDATE_README=1 cargo test --test readme"
    );
}

#[test]
fn readme_has_the_two_commands_and_ci_runs_the_test_command() {
    let readme = read("README.md");
    let commands = readme.find("## Two commands").expect("the section");
    let block = &readme[commands..];
    let block = &block[..block.find("\n```\n").expect("its block")];
    assert!(block.contains("\ncargo run --release "), "{block}");
    assert!(block.contains("\ncargo test "), "{block}");
    let ci = read(".ci/run");
    assert!(ci.lines().any(|l| l.trim() == "cargo test"));
}

#[test]
fn the_commands_guide_documents_every_subcommand_flag() {
    use clap::CommandFactory;
    let readme = read("docs/commands.md");
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
                    "docs/commands.md does not mention --{long} (of `{}`)",
                    c.get_name()
                );
            }
        }
    }
}

/// Every file under `src/` (but tests and snapshots) in docs/architecture.md's "Layout of the
/// code", named in the block of its top folder (and, when nested, with its folder named there too).
#[test]
fn the_architecture_guide_layout_names_every_source_file() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = read("docs/architecture.md");
    let from = readme.find("## Layout of the code").expect("the section");
    let block_start = readme[from..].find("```\n").expect("its block") + from + 4;
    let block = &readme[block_start..block_start + readme[block_start..].find("```").unwrap()];
    // The lines under each top-level entry (`src/api/` ..., or `src/main.rs`).
    let mut sections: Vec<(String, String)> = Vec::new();
    for line in block.lines() {
        if line.starts_with("src/") {
            let name = line.split_whitespace().next().unwrap().to_string();
            sections.push((name, String::new()));
        } else if let Some((_, text)) = sections.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| c.is_whitespace() || "(),;".contains(c))
            .filter(|w| !w.is_empty())
            .map(String::from)
            .collect()
    };
    let mut missing = Vec::new();
    let mut stack = vec![std::path::PathBuf::from(format!("{root}/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .to_string();
            if rel.ends_with("/tests") || rel.ends_with("/snapshots") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let parts: Vec<&str> = rel.split('/').collect();
            let found = if parts.len() == 2 {
                sections.iter().any(|(name, _)| *name == rel)
            } else {
                let top = format!("src/{}/", parts[1]);
                sections.iter().any(|(name, text)| {
                    let w = words(text);
                    *name == top
                        && w.iter().any(|x| x == parts[parts.len() - 1])
                        && parts[2..parts.len() - 1]
                            .iter()
                            .all(|folder| w.contains(&format!("{folder}/")))
                })
            };
            if !found {
                missing.push(rel);
            }
        }
    }
    missing.sort();
    assert!(
        missing.is_empty(),
        "docs/architecture.md's layout does not name: {missing:?}"
    );
}

/// The README stays short: what it is, a picture, the two commands, the first run, installing
/// and the guide's contents; the rest lives under docs/.
#[test]
fn readme_is_short_and_keeps_the_first_run_the_tests_drive() {
    let readme = read("README.md");
    let lines = readme.lines().count();
    assert!(
        lines <= 200,
        "README.md has {lines} lines: move detail into docs/"
    );
    let first_run = &readme[readme.find("### A first run").expect("the first run")..];
    // The values tests/e2e_pty.rs types, key for key, at 80 x 24.
    for step in [
        "Type `/`, then `00012`, then Enter",
        "`/` `oura` Enter, Space ticks it; `/` `fitbit` Enter, Space",
        "type `https://example.com/done`, Enter; `j` Space, `j` Space",
        "`m` mints",
        "`K` turns the screen to the patient",
    ] {
        assert!(first_run.contains(step), "the first run lost {step:?}");
    }
    for page in [
        "console",
        "commands",
        "configuration",
        "emulator",
        "performance",
        "reliability",
        "architecture",
        "testing",
    ] {
        assert!(
            readme.contains(&format!("](docs/{page}.md")),
            "the README's contents do not link docs/{page}.md"
        );
    }
    assert!(readme.contains("](docs/images/console.png)"), "the picture");
}
