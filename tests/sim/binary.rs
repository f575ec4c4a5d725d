//! Simulator: the `zoom-sim` binary announces its address, writes `--addr-file`, serves,
//! refuses bad flags and stops cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::StatusCode;

const BIN: &str = env!("CARGO_BIN_EXE_zoom-sim");

#[tokio::test]
async fn binary_announces_serves_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let addr_file = dir.path().join("addr");
    let users_file = dir.path().join("users.json");
    std::fs::write(
        &users_file,
        r#"[{"id":"boss","email":"boss@example.com","first_name":"B","last_name":"Oss","role_id":"0"},
            {"id":"w1","email":"w1@example.com","first_name":"W","last_name":"One"}]"#,
    )
    .expect("users file");
    let mut child = Command::new(BIN)
        .args(["--seed", "1", "--static-token", "tok", "--users-file"])
        .arg(&users_file)
        .arg("--addr-file")
        .arg(&addr_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start zoom-sim");
    let stdout = child.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    })
    .await
    .expect("join")
    .expect("read line");
    let url = line
        .trim()
        .strip_prefix("zoom-sim listening on ")
        .expect("announcement")
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(std::fs::read_to_string(&addr_file).expect("addr file"), url);

    let http = crate::support::client();
    let user = http
        .get(format!("{url}/v2/users/w1"))
        .bearer_auth("tok")
        .send()
        .await
        .expect("request");
    assert_eq!(user.status(), StatusCode::OK);
    let body: serde_json::Value = user.json().await.expect("json");
    assert_eq!(body["role_name"], "Member");

    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || {
        for _ in 0..100 {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        None
    })
    .await
    .expect("join");
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
}

#[test]
fn binary_rejects_bad_flags_and_prints_help() {
    let bad = Command::new(BIN).arg("--bogus").output().expect("run");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--bogus"));
    let wide = Command::new(BIN)
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .expect("run");
    assert!(!wide.status.success());
    let help = Command::new(BIN).arg("--help").output().expect("run");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--drop-rate"));
}
