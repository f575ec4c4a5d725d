//! Drift through real Terraform: a user moved and a role deleted in Zoom outside Terraform.
//! The plan proposes the repair (with a warning saying where the user went), apply
//! converges, and the next plan is empty.

use crate::support::sim::zoom;
use crate::support::terraform::{required_providers, Terraform, Workspace};

fn outside_changes_are_planned_back(tf: &Terraform) {
    let zoom = zoom(4);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
{}
resource "zoom_role" "auditors" {{
  name       = "Auditors"
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "paul_admin" {{
  role_id = "1"
  email   = "user1@example.com"
}}

resource "zoom_role_membership" "ann" {{
  role_id = zoom_role.auditors.id
  email   = "user2@example.com"
}}
"#,
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    ws.apply().ok();
    ws.assert_plan_empty();
    let auditors = zoom.role_id_by_name("Auditors").unwrap();

    // Someone moves Paul into a role of their own, renames... and deletes Auditors.
    let helpdesk = zoom.create_role("Helpdesk", &["User:Read"]);
    zoom.assign(&helpdesk, &["u00001".to_string()]);
    zoom.delete_role(&auditors);
    assert_eq!(zoom.role_of("u00002"), "2", "Ann fell back to Member");

    let plan = ws.plan().ok();
    let out = plan.stdout();
    assert!(
        out.contains("3 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    assert!(
        out.contains("no longer holds role \"1\"") && out.contains("Helpdesk"),
        "the warning says where Paul went: {plan}"
    );

    ws.apply().ok();
    let new_auditors = zoom.role_id_by_name("Auditors").expect("re-created");
    assert_ne!(new_auditors, auditors);
    assert_eq!(zoom.role_of("u00001"), "1");
    assert_eq!(zoom.role_of("u00002"), new_auditors);
    ws.assert_plan_empty();

    // A privilege changed by hand is drift on the role, repaired in place.
    zoom.update_role(
        &new_auditors,
        serde_json::json!({"privileges": ["User:Read", "User:Edit"]}),
    );
    let plan = ws.plan().ok();
    assert!(
        plan.stdout()
            .contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    ws.apply().ok();
    ws.assert_plan_empty();
}

cases![
    tf outside_changes_are_planned_back,
];
