//! Import through real Terraform: `terraform import` with both membership ID forms and a
//! role id, and `import {}` blocks for every resource type with `plan
//! -generate-config-out`, whose file, untouched, is what a person would write, passes
//! `terraform fmt -check` and applies (imports only, nothing changed in Zoom). Each import
//! is followed by an empty plan.

use crate::support::sim::{zoom, Zoom};
use crate::support::terraform::{required_providers, Terraform, Workspace};

/// Zoom as it was before Terraform: user1 is an Admin, user2 and user3 are in Support.
fn existing_account() -> (Zoom, String) {
    let zoom = zoom(4);
    let support = zoom.create_role("Support", &["User:Read", "Report:Read"]);
    zoom.assign("1", &["u00001".to_string()]);
    zoom.assign(&support, &["u00002".to_string(), "u00003".to_string()]);
    (zoom, support)
}

fn cli_import_with_both_id_forms_then_empty_plan(tf: &Terraform) {
    let (zoom, support) = existing_account();
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
{}
resource "zoom_role" "support" {{
  name       = "Support"
  privileges = ["User:Read", "Report:Read"]
}}

resource "zoom_role_membership" "paul" {{
  role_id = "1"
  email   = "User1@example.com"
}}

resource "zoom_role_membership" "sam" {{
  role_id = zoom_role.support.id
  user_id = "u00002"
}}

resource "zoom_role_membership" "kim" {{
  role_id = zoom_role.support.id
  email   = "User3@EXAMPLE.com"
}}
"#,
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    let config = ws.read("main.tf");
    ws.run(&["import", "-no-color", "zoom_role.support", &support])
        .ok();
    ws.run(&[
        "import",
        "-no-color",
        "zoom_role_membership.paul",
        "1/User1@example.com",
    ])
    .ok();
    ws.run(&[
        "import",
        "-no-color",
        "zoom_role_membership.sam",
        &format!("{support}/u00002"),
    ])
    .ok();
    // Imported by id, configured by an email in another case than Zoom's: still the same
    // user, so the plan below is empty.
    ws.run(&[
        "import",
        "-no-color",
        "zoom_role_membership.kim",
        &format!("{support}/u00003"),
    ])
    .ok();
    let paul = ws.resource_values("zoom_role_membership.paul").unwrap();
    assert_eq!(paul["user_id"], "u00001");
    assert_eq!(paul["id"], "1/u00001");
    let sam = ws.resource_values("zoom_role_membership.sam").unwrap();
    assert_eq!(sam["email"], "user2@example.com");
    ws.assert_plan_empty();

    // A malformed ID, or one naming Owner/Member, is a clear error and imports nothing.
    ws.config(&format!(
        "{config}\nresource \"zoom_role_membership\" \"later\" {{\n  role_id = \"1\"\n  user_id = \"u00004\"\n}}\n"
    ));
    let run = ws
        .run(&[
            "import",
            "-no-color",
            "zoom_role_membership.later",
            "1-u00001",
        ])
        .failed();
    assert!(run.stderr().contains("Invalid import ID"), "{run}");
    assert!(run.stderr().contains("<role_id>/<email>"), "{run}");
    let run = ws
        .run(&[
            "import",
            "-no-color",
            "zoom_role_membership.later",
            "2/u00004",
        ])
        .failed();
    assert!(run.stderr().contains("Member role"), "{run}");
    // Importing someone who doesn't hold the role says so (see e2e_import_why).
    let run = ws
        .run(&[
            "import",
            "-no-color",
            "zoom_role_membership.later",
            "1/u00004",
        ])
        .failed();
    assert!(run.stderr().contains("does not hold role \"1\""), "{run}");
}

fn import_blocks_and_generated_config_apply_with_empty_plan(tf: &Terraform) {
    let (zoom, support) = existing_account();
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
{}
import {{
  to = zoom_role.support
  id = "{support}"
}}

import {{
  to = zoom_role.admin
  id = "1"
}}

import {{
  to = zoom_role_membership.sam
  id = "{support}/u00002"
}}

import {{
  to = zoom_role_membership.kim
  id = "{support}/USER3@example.com"
}}

import {{
  to = zoom_role_members.admins
  id = "1"
}}
"#,
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    zoom.reset_stats();
    ws.run(&[
        "plan",
        "-no-color",
        "-input=false",
        "-generate-config-out=generated.tf",
    ])
    .ok();
    let generated = ws.read("generated.tf");
    // What a person would write: no ids, no computed values, one way of naming each user.
    let want = format!(
        r#"# __generated__ by Terraform
# Please review these resources and move them into your main configuration files.

# __generated__ by Terraform from "1"
resource "zoom_role" "admin" {{
  description = "Admins manage the account."
  name        = "Admin"
  privileges  = []
}}

# __generated__ by Terraform from "1"
resource "zoom_role_members" "admins" {{
  members = ["user1@example.com"]
  role_id = "1"
}}

# __generated__ by Terraform from "{support}/USER3@example.com"
resource "zoom_role_membership" "kim" {{
  email   = "USER3@example.com"
  role_id = "{support}"
}}

# __generated__ by Terraform from "{support}/u00002"
resource "zoom_role_membership" "sam" {{
  email   = "user2@example.com"
  role_id = "{support}"
}}

# __generated__ by Terraform from "{support}"
resource "zoom_role" "support" {{
  description = null
  name        = "Support"
  privileges  = ["Report:Read", "User:Read"]
}}
"#
    );
    // Terraform writes the blocks in the order the imports finish.
    let blocks = |text: &str| {
        let mut b: Vec<String> = text.split("\n\n").map(|b| b.trim().to_string()).collect();
        b.sort();
        b
    };
    assert_eq!(
        blocks(&generated),
        blocks(&want),
        "generated.tf:\n{generated}"
    );
    ws.run(&["fmt", "-check", "-diff", "-no-color"]).ok();
    let run = ws.apply().ok();
    assert!(
        run.stdout()
            .contains("5 imported, 0 added, 0 changed, 0 destroyed"),
        "{run}"
    );
    ws.assert_plan_empty();
    assert_eq!(
        zoom.mutations(),
        Default::default(),
        "nothing changed in Zoom"
    );
    assert_eq!(zoom.role_of("u00003"), support);
}

cases![
    tf cli_import_with_both_id_forms_then_empty_plan,
    tf import_blocks_and_generated_config_apply_with_empty_plan,
];
