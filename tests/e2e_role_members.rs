//! zoom_role_members, the authoritative member set, through real Terraform: create, an
//! outside assignment shows as drift and is removed, import, destroy; and a plan that also
//! manages the role with zoom_role_membership is refused.

mod support;

use support::sim::{user_id, zoom, Zoom};
use support::terraform::{required_providers, terraform, Workspace};

fn config(zoom: &Zoom, role: &str, members: &str) -> String {
    format!(
        "{}\n{}\nresource \"zoom_role_members\" \"support\" {{\n  role_id = \"{role}\"\n  members = [{members}]\n}}\n",
        required_providers(),
        zoom.provider_block()
    )
}

#[test]
fn the_member_set_is_authoritative() {
    let Some(tf) = terraform() else { return };
    let zoom = zoom(5);
    let role = zoom.create_role("Support", &["User:Read"]);
    zoom.assign(&role, &[user_id(4)]); // someone already there, not in the config
    let ws = Workspace::new(&tf);
    ws.config(&config(&zoom, &role, "\"User1@example.com\", \"u00002\""));
    ws.init();
    ws.apply().ok();
    let mut members = zoom.sim.state().members_of(&role).unwrap().to_vec();
    members.sort();
    assert_eq!(members, vec![user_id(1), user_id(2)]);
    assert_eq!(
        zoom.role_of("u00004"),
        "2",
        "the unlisted member was removed"
    );
    ws.assert_plan_empty();

    // Someone adds user3 in Zoom's admin pages: drift, removed by the next apply.
    zoom.assign(&role, &[user_id(3)]);
    let plan = ws.plan().ok();
    assert!(plan.stdout().contains("user3@example.com"), "{plan}");
    assert!(plan.stdout().contains("1 to change"), "{plan}");
    ws.apply().ok();
    assert_eq!(zoom.role_of("u00003"), "2");
    ws.assert_plan_empty();

    // Import into a fresh state, written with emails, plans empty.
    let ws2 = Workspace::new(&tf);
    ws2.config(&config(
        &zoom,
        &role,
        "\"user1@example.com\", \"user2@example.com\"",
    ));
    ws2.init();
    ws2.run(&["import", "-no-color", "zoom_role_members.support", &role])
        .ok();
    ws2.assert_plan_empty();

    // Destroy empties the role of the members it owned.
    ws.run(&["destroy", "-no-color", "-auto-approve"]).ok();
    assert_eq!(zoom.sim.state().members_of(&role).unwrap().len(), 0);
    assert_eq!(zoom.role_of("u00001"), "2");
}

#[test]
fn mixing_with_single_memberships_on_one_role_is_refused() {
    let Some(tf) = terraform() else { return };
    let zoom = zoom(3);
    let role = zoom.create_role("Support", &["User:Read"]);
    let ws = Workspace::new(&tf);
    ws.config(&format!(
        "{}\nresource \"zoom_role_membership\" \"x\" {{\n  role_id = \"{role}\"\n  email   = \"user3@example.com\"\n}}\n",
        config(&zoom, &role, "\"u00001\"")
    ));
    ws.init();
    let run = ws.plan().failed();
    assert!(run.stderr().contains("Role managed two ways"), "{run}");
    assert!(
        zoom.sim.state().members_of(&role).unwrap().is_empty(),
        "nothing applied"
    );
}
