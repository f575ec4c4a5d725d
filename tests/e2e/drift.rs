//! Drift through real Terraform: a user moved and a role deleted in Zoom outside Terraform.
//! The plan proposes the repair (with a warning saying where the user went), apply
//! converges, and the next plan is empty.

use crate::support::sim::zoom;
use crate::support::steps::{Step, Steps};
use crate::support::terraform::{required_providers, Terraform};

fn outside_changes_are_planned_back(tf: &Terraform) {
    let zoom = zoom(4);
    let config = format!(
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
    );
    let zoom = &zoom;
    // Auditors as first created, deleted in Zoom below and made again.
    let first = std::cell::OnceCell::new();
    Steps::new(tf)
        .step(Step::apply(config.as_str()).check(|_| {
            first
                .set(zoom.role_id_by_name("Auditors").unwrap())
                .unwrap();
        }))
        // Someone moves Paul into a role of their own, and deletes Auditors: the plan
        // makes them again, and the warning says where Paul went.
        .step(
            Step::apply(config.as_str())
                .before(|_| {
                    let helpdesk = zoom.create_role("Helpdesk", &["User:Read"]);
                    zoom.assign(&helpdesk, &["u00001".to_string()]);
                    zoom.delete_role(first.get().unwrap());
                    assert_eq!(zoom.role_of("u00002"), "2", "Ann fell back to Member");
                })
                .plan_shows("3 to add, 0 to change, 0 to destroy")
                .plan_shows("no longer holds role \"1\"")
                .plan_shows("Helpdesk")
                .check(|_| {
                    let new_auditors = zoom.role_id_by_name("Auditors").expect("re-created");
                    assert_ne!(&new_auditors, first.get().unwrap());
                    assert_eq!(zoom.role_of("u00001"), "1");
                    assert_eq!(zoom.role_of("u00002"), new_auditors);
                }),
        )
        // A privilege changed by hand is drift on the role, repaired in place.
        .step(
            Step::apply(config.as_str())
                .before(|_| {
                    zoom.update_role(
                        &zoom.role_id_by_name("Auditors").unwrap(),
                        serde_json::json!({"privileges": ["User:Read", "User:Edit"]}),
                    );
                })
                .plan_shows("0 to add, 1 to change, 0 to destroy"),
        )
        .run();
}

cases![
    tf outside_changes_are_planned_back,
];
