//! Bad input through real Terraform: each mistake is a clear diagnostic, at plan time where
//! Zoom can tell, pointing at the attribute, and the provider never panics. Table-driven:
//! (what, configuration, command, expected summary, attribute the snippet shows).

use crate::support::sim::zoom;
use crate::support::terraform::{
    check_mistakes, required_providers, Cmd, Mistake, Terraform, Workspace,
};

const CASES: &[Mistake] = &[
    Mistake {
        what: "Owner role id",
        hcl: r#"resource "zoom_role_membership" "x" {
  role_id = "0"
  email   = "user1@example.com"
}"#,
        cmd: Cmd::Validate,
        summary: "The Owner role can't be assigned",
        attr: Some("role_id"),
        detail: &[],
    },
    Mistake {
        what: "Member role id",
        hcl: r#"resource "zoom_role_membership" "x" {
  role_id = "2"
  email   = "user1@example.com"
}"#,
        cmd: Cmd::Validate,
        summary: "The Member role can't be assigned",
        attr: Some("role_id"),
        detail: &[],
    },
    Mistake {
        what: "neither user_id nor email",
        hcl: r#"resource "zoom_role_membership" "x" {
  role_id = "1"
}"#,
        cmd: Cmd::Validate,
        summary: "No user named",
        attr: None,
        detail: &[],
    },
    Mistake {
        what: "malformed email",
        hcl: r#"resource "zoom_role_membership" "x" {
  role_id = "1"
  email   = "user1.example.com"
}"#,
        cmd: Cmd::Validate,
        summary: "Malformed email",
        attr: Some("email"),
        detail: &[],
    },
    Mistake {
        what: "user_id and email naming different users",
        hcl: r#"resource "zoom_role_membership" "x" {
  role_id = "1"
  user_id = "u00001"
  email   = "user2@example.com"
}"#,
        cmd: Cmd::Plan,
        summary: "user_id and email name different users",
        attr: Some("email"),
        detail: &[],
    },
    Mistake {
        what: "unknown user",
        hcl: r#"resource "zoom_role_membership" "x" {
  role_id = "1"
  email   = "nobody@example.com"
}"#,
        cmd: Cmd::Plan,
        summary: "User not found",
        attr: Some("email"),
        detail: &[],
    },
    Mistake {
        what: "unknown role",
        hcl: r#"resource "zoom_role_membership" "x" {
  role_id = "NoSuchRole123"
  email   = "user1@example.com"
}"#,
        cmd: Cmd::Plan,
        summary: "Role not found",
        attr: Some("role_id"),
        detail: &[],
    },
    Mistake {
        what: "duplicate role name",
        hcl: r#"resource "zoom_role" "x" {
  name = "admin"
}"#,
        cmd: Cmd::Plan,
        summary: "Role name already in use",
        attr: Some("name"),
        detail: &[],
    },
    Mistake {
        what: "empty role name",
        hcl: r#"resource "zoom_role" "x" {
  name = ""
}"#,
        cmd: Cmd::Validate,
        summary: "Empty role name",
        attr: Some("name"),
        detail: &[],
    },
];

fn each_mistake_is_a_clear_diagnostic_at_the_attribute(tf: &Terraform) {
    let zoom = zoom(5);
    let ws = Workspace::new(tf);
    let header = format!("{}\n{}\n", required_providers(), zoom.provider_block());
    ws.config(&header);
    ws.init();
    check_mistakes(&ws, &header, CASES);
}

fn one_user_in_two_roles_is_refused_at_plan(tf: &Terraform) {
    let zoom = zoom(3);
    let ws = Workspace::new(tf);
    let reviewers = zoom.create_role("Reviewers", &["User:Read"]);
    ws.config(&format!(
        r#"{}
{}
resource "zoom_role_membership" "as_admin" {{
  role_id = "1"
  email   = "user3@example.com"
}}

resource "zoom_role_membership" "as_reviewer" {{
  role_id = "{reviewers}"
  user_id = "u00003"
}}
"#,
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    let run = ws.plan().failed_cleanly("two roles");
    let block = run
        .diagnostic("One user, two roles")
        .unwrap_or_else(|| panic!("{run}"));
    assert!(
        block.contains("user3@example.com") && block.contains("u00003"),
        "{block}"
    );
    assert!(block.contains("  role_id "), "at role_id: {block}");
    assert_eq!(zoom.role_of("u00003"), "2", "nothing was applied");

    // Also when one of the two is already applied and unchanged.
    let header = format!("{}\n{}\n", required_providers(), zoom.provider_block());
    let admin = "resource \"zoom_role_membership\" \"as_admin\" {\n  role_id = \"1\"\n  email   = \"user3@example.com\"\n}\n";
    ws.config(&format!("{header}{admin}"));
    ws.apply().ok();
    ws.config(&format!(
        "{header}{admin}\nresource \"zoom_role_membership\" \"as_reviewer\" {{\n  role_id = \"{reviewers}\"\n  user_id = \"u00003\"\n}}\n"
    ));
    let run = ws.plan().failed_cleanly("two roles, one applied");
    assert!(run.diagnostic("One user, two roles").is_some(), "{run}");
    assert_eq!(zoom.role_of("u00003"), "1", "still the Admin");
}

fn an_account_that_cannot_manage_roles_fails_clearly_and_keeps_state(tf: &Terraform) {
    let zoom = zoom(2);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}\nresource \"zoom_role\" \"x\" {{\n  name = \"Auditors\"\n}}\n",
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    zoom.sim.update_switches(|s| s.unpaid = true).unwrap();
    let run = ws.apply().failed_cleanly("unpaid");
    let stderr = run.stderr();
    assert!(stderr.contains("Zoom refused: permission or plan"), "{run}");
    assert!(stderr.contains("paid"), "Zoom's message is shown: {run}");
    assert_eq!(zoom.role_id_by_name("Auditors"), None);
    // Once the account is upgraded, the same apply goes through.
    zoom.sim.update_switches(|s| s.unpaid = false).unwrap();
    ws.apply().ok();
    ws.assert_plan_empty();
}

cases![
    tf each_mistake_is_a_clear_diagnostic_at_the_attribute,
    tf one_user_in_two_roles_is_refused_at_plan,
    tf an_account_that_cannot_manage_roles_fails_clearly_and_keeps_state,
];
