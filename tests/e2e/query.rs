//! Adoption at scale through real Terraform 1.15: import by resource identity (`import {}`
//! with `identity = {...}`), and `terraform query` finding 200 existing assignments across 5
//! roles (and the 5 roles), `-generate-config-out` writing their resource and import blocks,
//! apply importing them all from the untouched file without one mutating request to Zoom,
//! and an empty plan after.

use crate::support::sim::{user_id, zoom};
use crate::support::terraform::{required_providers, Terraform, Workspace};

fn import_by_identity_then_empty_plan(tf: &Terraform) {
    let zoom = zoom(3);
    let support_role = zoom.create_role("Support", &["User:Read"]);
    zoom.assign("1", &[user_id(1)]);
    zoom.assign(&support_role, &[user_id(2)]);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
{}
import {{
  to       = zoom_role.support
  identity = {{ id = "{support_role}" }}
}}

import {{
  to       = zoom_role_membership.paul
  identity = {{ role_id = "1", user_id = "u00001" }}
}}

import {{
  to       = zoom_role_membership.sam
  identity = {{ role_id = zoom_role.support.id, user_id = "u00002" }}
}}

resource "zoom_role" "support" {{
  name       = "Support"
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "paul" {{
  role_id = "1"
  user_id = "u00001"
}}

resource "zoom_role_membership" "sam" {{
  role_id = zoom_role.support.id
  email   = "user2@example.com"
}}
"#,
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    let run = ws.apply().ok();
    assert!(
        run.stdout()
            .contains("3 imported, 0 added, 0 changed, 0 destroyed"),
        "{run}"
    );
    ws.assert_plan_empty();
    let state: serde_json::Value =
        serde_json::from_str(&ws.read("terraform.tfstate")).expect("state");
    let paul = state["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "paul")
        .unwrap();
    assert_eq!(
        paul["instances"][0]["identity"],
        serde_json::json!({"account_id": null, "role_id": "1", "user_id": "u00001"}),
        "identity stored in state (no account: the app's own)"
    );
}

fn terraform_query_adopts_200_assignments_across_5_roles(tf: &Terraform) {
    let zoom = zoom(250);
    let mut roles = vec!["1".to_string()];
    for name in ["Auditors", "Helpdesk", "Billing", "Security"] {
        roles.push(zoom.create_role(name, &["User:Read"]));
    }
    for (i, role) in roles.iter().enumerate() {
        let users: Vec<String> = (1..=40).map(|k| user_id(i * 40 + k)).collect();
        zoom.assign(role, &users);
    }
    let ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}",
        required_providers(),
        zoom.provider_block()
    ));
    let query = |limit: &str| {
        format!("list \"zoom_role\" \"roles\" {{\n  provider = zoom\n}}\n\nlist \"zoom_role_membership\" \"all\" {{\n  provider         = zoom\n  include_resource = true\n{limit}}}\n")
    };
    ws.file("adopt.tfquery.hcl", &query(""));
    ws.init();
    zoom.reset_stats();
    // Terraform's default limit (100) would silently adopt half: the provider says so.
    let run = ws.run(&["query", "-no-color"]).ok();
    let out = format!("{}{}", run.stdout(), run.stderr());
    assert!(out.contains("More objects than the list limit"), "{run}");
    assert!(out.contains("Set limit = 200"), "{run}");
    ws.file("adopt.tfquery.hcl", &query("  limit            = 1000\n"));
    let run = ws
        .run(&["query", "-no-color", "-generate-config-out=imported.tf"])
        .ok();
    let generated = ws.read("imported.tf");
    let memberships = generated
        .matches("resource \"zoom_role_membership\"")
        .count();
    assert_eq!(memberships, 200, "{}\n{generated}", run.stdout());
    assert_eq!(generated.matches("resource \"zoom_role\"").count(), 5);
    assert_eq!(generated.matches("import {").count(), 205);
    // The file is used as Terraform wrote it: only what a person would write in it.
    assert!(
        !generated.contains("user_id  ="),
        "users named once, by email"
    );
    assert!(
        generated.contains(
            "resource \"zoom_role_membership\" \"all_0\" {\n  provider = zoom\n  email    = \""
        ),
        "{generated}"
    );
    assert!(
        !generated.lines().any(|l| l.starts_with("  id ")),
        "no computed ids in resource blocks: {generated}"
    );
    ws.run(&["fmt", "-check", "-diff", "-no-color"]).ok();

    let run = ws.apply().ok();
    assert!(
        run.stdout()
            .contains("205 imported, 0 added, 0 changed, 0 destroyed"),
        "{run}"
    );
    assert_eq!(
        zoom.mutations(),
        Default::default(),
        "adoption changed nothing in Zoom"
    );
    ws.assert_plan_empty();
}

cases![
    tf import_by_identity_then_empty_plan,
    tf terraform_query_adopts_200_assignments_across_5_roles,
];
