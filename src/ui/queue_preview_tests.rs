//! Tests of the `--queue FILE` preview's screen.

use crate::app::Msg;
use crate::app::tests::{ch, loaded, t0};
use crate::ui::tests::{previewed, render, sized};

#[test]
fn queue_file_preview() {
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        let app = previewed(w, h);
        insta::assert_snapshot!(format!("queue_file_preview_{w}x{h}"), render(&app, w, h));
    }
    let mut app = previewed(80, 24);
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
    let screen = render(&app, 80, 24);
    assert!(
        screen.contains("Create the 2 new? (1 looks like personal data:"),
        "{screen}"
    );
    assert!(screen.contains("out) y/N"), "{screen}");
    app.update(ch('n'));
    assert!(app.queue_preview.is_some());
}

#[test]
fn after_creating_the_preview_no_longer_says_nothing_was_sent() {
    use crate::app::requests::Task;
    let mut app = previewed(80, 24);
    assert!(render(&app, 80, 24).contains("Nothing is sent before you answer y"));
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
    app.update(ch('y'));
    for (n, name) in [(1u128, "new-1"), (2, "+1 555 010 9999")] {
        let id = crate::app::tests::live(&app, Task::CreateUser);
        app.update(Msg::UserCreated {
            id,
            at: t0(),
            result: Ok(crate::api::CreatedUser {
                user_id: uuid::Uuid::from_u128(n),
                client_user_id: name.into(),
            }),
        });
    }
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Start the queue of 3 patients"), "{screen}");
    assert!(!screen.contains("Nothing is sent"), "{screen}");
    assert!(
        screen.contains("2 new patients were created; no link is sent"),
        "{screen}"
    );
}

#[test]
fn after_creating_the_new_line_gives_way_to_created() {
    use crate::app::requests::Task;
    let mut app = previewed(80, 24);
    assert!(render(&app, 80, 24).contains("New 2"));
    app.update(crate::app::tests::key(crossterm::event::KeyCode::Enter));
    app.update(ch('y'));
    for (n, name) in [(1u128, "new-1"), (2, "+1 555 010 9999")] {
        let id = crate::app::tests::live(&app, Task::CreateUser);
        app.update(Msg::UserCreated {
            id,
            at: t0(),
            result: Ok(crate::api::CreatedUser {
                user_id: uuid::Uuid::from_u128(n),
                client_user_id: name.into(),
            }),
        });
    }
    app.overlays.confirm = None;
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Created 2: new-1"), "{screen}");
    assert!(!screen.contains("New 0"), "{screen}");
    assert!(!screen.contains("Already connected 0"), "{screen}");
}

#[test]
fn a_long_file_names_as_many_ids_as_fit_and_says_where_the_rest_are() {
    let make = |n: usize| {
        let ids: Vec<String> = (1..=n).map(|i| format!("walkin-{i}")).collect();
        let mut app = sized(loaded(3, false), 80, 24);
        let text = ids.join("\n");
        app.open_queue_file(crate::queue_file::parse(text.as_bytes()).unwrap());
        app.update(Msg::Tick(t0()));
        app.toast = None;
        app
    };
    // 27 fit at 80x24: all named, no "more".
    let screen = render(&make(27), 80, 24);
    assert!(screen.contains("walkin-27"), "{screen}");
    assert!(!screen.contains("more"), "{screen}");
    // Far more than fit: the rows are used, and the rest are counted with where to read them.
    let screen = render(&make(400), 80, 24);
    assert!(screen.contains("more (the file lists"), "{screen}");
    let body: Vec<&str> = screen.lines().skip(2).take(20).collect();
    let empty = body
        .iter()
        .filter(|l| l.trim_matches(['┃', ' ']).is_empty())
        .count();
    assert!(empty <= 2, "rows left empty: {empty}\n{screen}");
}
