//! The README and the guide under docs/ hold together: every relative link points at a file that
//! exists and, with `#anchor`, at a heading of that file (GitHub's anchor rule); every picture
//! they show exists; and the messages that send a reader to the guide name pages that exist.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every docs/*.md, by path relative to the repository.
fn pages() -> BTreeMap<PathBuf, String> {
    let mut pages = BTreeMap::new();
    let mut add = |rel: PathBuf| {
        let text = std::fs::read_to_string(root().join(&rel))
            .unwrap_or_else(|e| panic!("{}: {e}", rel.display()));
        pages.insert(rel, text);
    };
    add(PathBuf::from("README.md"));
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root().join("docs"))
        .expect("docs/")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    docs.sort();
    assert!(docs.len() >= 8, "the guide's pages: {docs:?}");
    for d in docs {
        add(d);
    }
    pages
}

/// The text outside fenced code blocks and inline code spans, line by line.
fn prose(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        // Drop inline code spans (`...`): a link written inside one is not a link.
        let mut kept = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                kept.push_str(part);
            }
        }
        out.push(kept);
    }
    out
}

/// GitHub's anchor for a heading: lower case, spaces to '-', punctuation dropped (letters,
/// digits, '-' and '_' kept); a repeated heading gets `-1`, `-2` ...
fn anchors(text: &str) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence || !line.starts_with('#') {
            continue;
        }
        let title = line.trim_start_matches('#');
        if !title.starts_with(' ') {
            continue;
        }
        let slug: String = title
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let n = seen.entry(slug.clone()).or_insert(0);
        out.push(if *n == 0 {
            slug.clone()
        } else {
            format!("{slug}-{n}")
        });
        *n += 1;
    }
    out
}

/// Every `[text](target)` and `![alt](target)` on a line: (is an image, target).
fn links(line: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("](") {
        let image = rest[..at]
            .rfind('[')
            .is_some_and(|open| open > 0 && rest[..open].ends_with('!'));
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        let target = after[..end].split_whitespace().next().unwrap_or("");
        out.push((image, target.to_string()));
        rest = &after[end..];
    }
    // HTML pictures: <img src="...">
    let mut rest = line;
    while let Some(at) = rest.find("<img ") {
        let tag = &rest[at..];
        if let Some(src) = tag.find("src=\"") {
            let value = &tag[src + 5..];
            if let Some(end) = value.find('"') {
                out.push((true, value[..end].to_string()));
            }
        }
        rest = &rest[at + 5..];
    }
    out
}

fn is_external(target: &str) -> bool {
    target.contains("://") || target.starts_with("mailto:")
}

/// Resolves `target` (relative to the page at `page`) to a path relative to the repository;
/// `None` when it leaves the repository.
fn resolve(page: &Path, target: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for part in page
        .parent()
        .unwrap_or(Path::new(""))
        .join(target)
        .components()
    {
        match part {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    Some(out)
}

/// Every relative link of one page that does not hold: (the line, the target, why).
fn broken_links(
    page: &Path,
    text: &str,
    pages: &BTreeMap<PathBuf, String>,
) -> Vec<(usize, String, String)> {
    let mut broken = Vec::new();
    for (n, line) in prose(text).iter().enumerate() {
        for (_, target) in links(line) {
            if target.is_empty() || is_external(&target) {
                continue;
            }
            let (path, anchor) = match target.split_once('#') {
                Some((p, a)) => (p, Some(a)),
                None => (target.as_str(), None),
            };
            let file = if path.is_empty() {
                Some(page.to_path_buf())
            } else {
                resolve(page, path)
            };
            let Some(file) = file else {
                broken.push((n + 1, target.clone(), "leaves the repository".into()));
                continue;
            };
            if !pages.contains_key(&file) && !root().join(&file).exists() {
                broken.push((n + 1, target.clone(), "no such file".into()));
                continue;
            }
            if let Some(anchor) = anchor {
                let heads = match pages.get(&file) {
                    Some(t) => anchors(t),
                    None => match std::fs::read_to_string(root().join(&file)) {
                        Ok(t) if file.extension().is_some_and(|e| e == "md") => anchors(&t),
                        _ => {
                            broken.push((
                                n + 1,
                                target.clone(),
                                "an anchor into a non-page".into(),
                            ));
                            continue;
                        }
                    },
                };
                if !heads.iter().any(|h| h == anchor) {
                    broken.push((n + 1, target.clone(), format!("no heading #{anchor}")));
                }
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_of_the_readme_and_the_guide_points_at_a_file_and_a_heading() {
    let pages = pages();
    let mut broken = Vec::new();
    let mut checked = 0;
    for (page, text) in &pages {
        checked += prose(text).iter().map(|l| links(l).len()).sum::<usize>();
        for (line, target, why) in broken_links(page, text, &pages) {
            broken.push(format!("{}:{line}: {target}: {why}", page.display()));
        }
    }
    assert!(
        checked > 30,
        "only {checked} links found: the parser lost them"
    );
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_picture_the_readme_and_the_guide_show_exists() {
    let pages = pages();
    let mut shown = 0;
    let mut missing = Vec::new();
    for (page, text) in &pages {
        for line in prose(text) {
            for (image, target) in links(&line) {
                if !image || is_external(&target) {
                    continue;
                }
                shown += 1;
                let file = resolve(page, &target).expect("inside the repository");
                let ok = std::fs::read(root().join(&file)).is_ok_and(|bytes| {
                    bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.len() > 1000
                });
                if !ok {
                    missing.push(format!("{}: {target}", page.display()));
                }
            }
        }
    }
    assert!(
        shown >= 2,
        "the console and the patient-facing view are shown"
    );
    assert!(
        missing.is_empty(),
        "pictures missing or not PNG: {missing:?}"
    );
}

#[test]
fn the_anchor_rule_and_the_link_check_catch_what_they_should() {
    assert_eq!(
        anchors(
            "# Config file (TOML, every key optional)\n## Closing the loop: watching it\n## Demo mode and `link`\n## Keys\n## Keys\n"
        ),
        [
            "config-file-toml-every-key-optional",
            "closing-the-loop-watching-it",
            "demo-mode-and-link",
            "keys",
            "keys-1"
        ]
    );
    assert_eq!(
        anchors("```\n# not a heading\n```\n#hashtag\n"),
        Vec::<String>::new()
    );
    let mut pages = BTreeMap::new();
    pages.insert(PathBuf::from("docs/a.md"), "# A\n## Here\n".to_string());
    let page = "[ok](a.md#here) [self](#here) [up](../README.md) `[code](nowhere.md)`\n\
                [gone](nowhere.md) [no heading](a.md#there) [web](https://example.com/x#y)\n";
    let broken: Vec<String> = broken_links(Path::new("docs/a.md"), page, &pages)
        .into_iter()
        .map(|(_, target, _)| target)
        .collect();
    assert_eq!(broken, ["nowhere.md", "a.md#there"]);
    assert_eq!(
        links("![pic](images/x.png) and [text](y.md)"),
        [
            (true, "images/x.png".to_string()),
            (false, "y.md".to_string())
        ]
    );
}

/// Messages that send the reader to the guide name its pages by path; each of those pages exists,
/// and no message sends the reader to the README's old sections.
#[test]
fn messages_point_at_pages_of_the_guide_that_exist() {
    let mut named = Vec::new();
    let mut stale = Vec::new();
    let mut stack = vec![root().join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let mut rest = line;
                while let Some(at) = rest.find("docs/") {
                    let tail = &rest[at..];
                    let end = tail
                        .find(|c: char| !(c.is_alphanumeric() || "/-_.".contains(c)))
                        .unwrap_or(tail.len());
                    let page = tail[..end].trim_end_matches('.');
                    if Path::new(page).extension().is_some_and(|e| e == "md") {
                        named.push((path.clone(), n + 1, page.to_string()));
                    }
                    rest = &tail[end..];
                }
                if line.contains("README:") || line.contains("see README") {
                    stale.push(format!("{}:{}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(
        stale.is_empty(),
        "messages that point at the README: {stale:?}"
    );
    assert!(
        named.iter().any(|(_, _, p)| p == "docs/configuration.md"),
        "login's message names docs/configuration.md"
    );
    for (file, line, page) in named {
        assert!(
            root().join(&page).is_file(),
            "{}:{line} names {page}, which does not exist",
            file.display()
        );
    }
}

#[test]
fn link_help_sends_the_reader_to_the_commands_guide() {
    use clap::CommandFactory;
    let mut cmd = vital_onboard::cli::Cli::command();
    let link = cmd.find_subcommand_mut("link").expect("link");
    let help = link.render_long_help().to_string();
    assert!(help.contains("docs/commands.md"), "{help}");
    assert!(!help.contains("README"), "{help}");
}
