//! An import that finds nothing says why, through real Terraform, for every resource type,
//! by ID (`terraform import`) and by identity (`import { identity = ... }`): which role the
//! user holds now, that the user or the role does not exist, and what to import or write
//! instead, never Terraform's generic "Cannot import non-existent remote object".

use crate::support::sim::{zoom, Zoom};
use crate::support::terraform::{required_providers, Run, Terraform, Workspace};

const GENERIC: &str = "Cannot import non-existent remote object";

fn header(zoom: &Zoom) -> String {
    format!("{}\n{}\n", required_providers(), zoom.provider_block())
}

fn flat(run: &Run, summary: &str) -> String {
    let block = run
        .diagnostic(summary)
        .unwrap_or_else(|| panic!("no {summary:?} diagnostic: {run}"));
    assert!(!run.stderr().contains(GENERIC), "{run}");
    block.split_whitespace().collect::<Vec<_>>().join(" ")
}

const RESOURCES: &str = r#"
resource "zoom_role_membership" "x" {
  role_id = "1"
  email   = "user4@example.com"
}

resource "zoom_role" "r" {
  name = "Whatever"
}

resource "zoom_role_members" "m" {
  role_id = "1"
  members = []
}
"#;

fn import_by_id_says_why_it_found_nothing(tf: &Terraform) {
    let zoom = zoom(4);
    let helpdesk = zoom.create_role("Helpdesk", &["User:Read"]);
    zoom.assign(&helpdesk, &["u00004".to_string()]);
    let ws = Workspace::new(tf);
    ws.config(&format!("{}{RESOURCES}", header(&zoom)));
    ws.init();
    let import = |address: &str, id: &str| {
        ws.run(&["import", "-no-color", "-input=false", address, id])
            .failed_cleanly(id)
    };

    // The user holds another role: say which, and what to import or write instead.
    let run = import("zoom_role_membership.x", "1/user4@example.com");
    let text = flat(
        &run,
        "Cannot import zoom_role_membership: user4@example.com does not hold role \"1\"",
    );
    assert!(
        text.contains(&format!("holds the Helpdesk role (id \"{helpdesk}\") now")),
        "{text}"
    );
    assert!(
        text.contains(&format!("import {helpdesk}/user4@example.com instead")),
        "{text}"
    );
    assert!(text.contains("role_id = \"1\" and apply"), "{text}");

    // By user id, the same.
    let run = import("zoom_role_membership.x", "1/u00004");
    assert!(run.stderr().contains("does not hold role \"1\""), "{run}");

    // No such user.
    let run = import("zoom_role_membership.x", "1/nobody@example.com");
    let text = flat(
        &run,
        "Cannot import zoom_role_membership: no user \"nobody@example.com\"",
    );
    assert!(text.contains("Check the spelling"), "{text}");

    // No such role (the user is a plain Member).
    let run = import("zoom_role_membership.x", "NoSuchRole/user1@example.com");
    let text = flat(
        &run,
        "Cannot import zoom_role_membership: no role \"NoSuchRole\"",
    );
    assert!(text.contains("user1@example.com holds"), "{text}");
    assert!(text.contains("\"Admin\" (1)"), "lists the roles: {text}");

    // zoom_role and zoom_role_members: the role must exist.
    for address in ["zoom_role.r", "zoom_role_members.m"] {
        let kind = address.split('.').next().unwrap();
        let run = import(address, "NoSuchRole");
        let text = flat(
            &run,
            &format!("Cannot import {kind}: no role \"NoSuchRole\""),
        );
        assert!(
            text.contains("\"Helpdesk\"") && text.contains("let Terraform create the role"),
            "{text}"
        );
    }
    assert!(
        ws.state_json()["values"]["root_module"]["resources"]
            .as_array()
            .is_none_or(|r| r.is_empty()),
        "nothing imported"
    );
    // A membership that does exist still imports.
    ws.run(&[
        "import",
        "-no-color",
        "zoom_role_membership.x",
        &format!("{helpdesk}/u00004"),
    ])
    .ok();
}

fn import_by_identity_says_why_it_found_nothing(tf: &Terraform) {
    let zoom = zoom(4);
    let helpdesk = zoom.create_role("Helpdesk", &["User:Read"]);
    zoom.assign(&helpdesk, &["u00004".to_string()]);
    let ws = Workspace::new(tf);
    ws.config(&header(&zoom));
    ws.init();
    let cases = [
        (
            r#"resource "zoom_role_membership" "x" {
  role_id = "1"
  user_id = "u00004"
}

import {
  to       = zoom_role_membership.x
  identity = { role_id = "1", user_id = "u00004" }
}"#,
            "Cannot import zoom_role_membership: user4@example.com does not hold role \"1\"",
        ),
        (
            r#"resource "zoom_role" "r" {
  name = "Whatever"
}

import {
  to       = zoom_role.r
  identity = { id = "NoSuchRole" }
}"#,
            "Cannot import zoom_role: no role \"NoSuchRole\"",
        ),
    ];
    for (hcl, summary) in cases {
        ws.config(&format!("{}{hcl}\n", header(&zoom)));
        let run = ws.plan().failed_cleanly(summary);
        flat(&run, summary);
    }
}

cases![
    tf import_by_id_says_why_it_found_nothing,
    tf import_by_identity_says_why_it_found_nothing,
];
