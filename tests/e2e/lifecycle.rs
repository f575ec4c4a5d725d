//! zoom_role and zoom_role_membership through real Terraform against zoom-sim: create,
//! empty second plan, update in place, move a user between roles in place (no unassign),
//! destroy (users back to Member, role gone, checked by asking the simulator).

use crate::support::sim::zoom;
use crate::support::steps::{Step, Steps};
use crate::support::terraform::{required_providers, Terraform};

const UNASSIGN: &str = "DELETE /roles/{roleId}/members/{memberId}";
const ASSIGN: &str = "POST /roles/{roleId}/members";

fn config(zoom: &crate::support::sim::Zoom, description: &str, paul_role: &str) -> String {
    format!(
        r#"{}
{}
resource "zoom_role" "auditors" {{
  name        = "Auditors"
  description = "{description}"
  privileges  = ["User:Read", "Report:Read"]
}}

resource "zoom_role_membership" "paul_admin" {{
  role_id = {paul_role}
  email   = "User1@Example.com"
}}

resource "zoom_role_membership" "ann" {{
  role_id = zoom_role.auditors.id
  user_id = "u00002"
}}
"#,
        required_providers(),
        zoom.provider_block()
    )
}

fn create_update_move_and_destroy(tf: &Terraform) {
    let zoom = zoom(5);
    let zoom = &zoom;
    // The role's id as created: updates and moves keep it.
    let created = std::cell::OnceCell::new();
    let auditors = || created.get().cloned().expect("role created");
    Steps::new(tf)
        // Create: the role exists, Paul is an Admin, Ann holds the new role.
        .step(
            Step::apply(config(zoom, "Read-only auditors", "\"1\"")).check(|ws| {
                let id = zoom.role_id_by_name("Auditors").expect("role created");
                created.set(id).unwrap();
                assert_eq!(zoom.role_of("user1@example.com"), "1");
                assert_eq!(zoom.role_of("u00002"), auditors());
                let paul = ws
                    .resource_values("zoom_role_membership.paul_admin")
                    .unwrap();
                assert_eq!(
                    paul["email"], "User1@Example.com",
                    "state keeps the user's spelling"
                );
                assert_eq!(paul["user_id"], "u00001");
                assert_eq!(paul["id"], "1/u00001");
                let ann = ws.resource_values("zoom_role_membership.ann").unwrap();
                assert_eq!(ann["email"], "user2@example.com");
            }),
        )
        // Update in place: the same role.
        .step(
            Step::apply(config(zoom, "Auditors, read-only", "\"1\""))
                .plan_shows("1 to change, 0 to destroy")
                .check(|_| {
                    assert_eq!(
                        zoom.role_id_by_name("Auditors"),
                        Some(auditors()),
                        "same role"
                    );
                }),
        )
        // Move Paul from Admin to Auditors: in place, one assign, no unassign.
        .step(
            Step::apply(config(zoom, "Auditors, read-only", "zoom_role.auditors.id"))
                .before(|_| zoom.reset_stats())
                .plan_shows("0 to add, 1 to change, 0 to destroy")
                .check(|_| {
                    assert_eq!(zoom.role_of("user1@example.com"), auditors());
                    assert_eq!(zoom.count(UNASSIGN), 0, "a move never unassigns");
                    assert_eq!(zoom.count(ASSIGN), 1, "one assign call moves the user");
                }),
        )
        // Destroy: everyone back to Member, the role gone.
        .destroy(|_| {
            assert_eq!(zoom.role_of("user1@example.com"), "2");
            assert_eq!(zoom.role_of("u00002"), "2");
            assert_eq!(zoom.role_id_by_name("Auditors"), None);
        })
        .run();
}

cases![
    tf create_update_move_and_destroy,
];
