//! zoom_role_members, the authoritative member set, through real Terraform: create, an
//! outside assignment shows as drift and is removed, import, destroy; a member Zoom
//! refuses to unassign because they already left counts as removed; an import plans
//! empty whether the configuration names the members by id, by email in any case or some
//! of each (Terraform 1.15 and 1.0.3); and a plan that also manages the role with
//! zoom_role_membership is refused.

use std::time::Duration;

use crate::support::sim::{user_id, zoom, Zoom};
use crate::support::terraform::{required_providers, wait_until, Terraform, Workspace};

/// A guard against hanging, not a timing assertion.
const GUARD: Duration = Duration::from_secs(60);
use terraform_provider_zoom::sim::HoldRule;

fn config(zoom: &Zoom, role: &str, members: &str) -> String {
    format!(
        "{}\n{}\nresource \"zoom_role_members\" \"support\" {{\n  role_id = \"{role}\"\n  members = [{members}]\n}}\n",
        required_providers(),
        zoom.provider_block()
    )
}

fn the_member_set_is_authoritative(tf: &Terraform) {
    let zoom = zoom(5);
    let role = zoom.create_role("Support", &["User:Read"]);
    zoom.assign(&role, &[user_id(4)]); // someone already there, not in the config
    let ws = Workspace::new(tf);
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
    let ws2 = Workspace::new(tf);
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

fn mixing_with_single_memberships_on_one_role_is_refused(tf: &Terraform) {
    let zoom = zoom(3);
    let role = zoom.create_role("Support", &["User:Read"]);
    let ws = Workspace::new(tf);
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

/// A member the apply removes leaves the role in Zoom while the unassign is on the wire
/// (zoom-sim holds the DELETE while an admin moves them to Admin): Zoom refuses with "not
/// a member" (code 300), which counts as done because the user no longer holds the role.
/// The apply succeeds, the user stays where the admin put them, and the plan is empty.
fn a_member_already_gone_when_unassigned_counts_as_removed(tf: &Terraform) {
    const UNASSIGN: &str = "DELETE /roles/{roleId}/members/{memberId}";
    let zoom = zoom(3);
    let role = zoom.create_role("Support", &["User:Read"]);
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, &role, "\"u00001\", \"u00002\""));
    ws.init();
    ws.apply().ok();
    ws.assert_plan_empty();

    zoom.sim.hold(HoldRule {
        route: UNASSIGN.into(),
        query_contains: None,
        count: 1,
    });
    zoom.reset_stats();
    ws.config(&config(&zoom, &role, "\"u00001\""));
    let apply = ws.start(&["apply", "-no-color", "-input=false", "-auto-approve"]);
    wait_until("the unassign never arrived", GUARD, || {
        zoom.sim.holds().waiting == 1
    });
    zoom.assign("1", &[user_id(2)]);
    zoom.sim.release_holds();
    let run = apply.finish(GUARD);
    assert!(run.success(), "{run}");
    let stats = zoom.sim.stats();
    assert_eq!(stats.count(UNASSIGN), 1, "{run}");
    assert_eq!(stats.count_status(UNASSIGN, 400), 1, "Zoom refused: {run}");
    assert!(
        stats.count("GET /users/{userId}") >= 1,
        "the user was looked up"
    );
    assert_eq!(zoom.role_of("u00002"), "1", "left where the admin put them");
    assert_eq!(zoom.sim.state().members_of(&role).unwrap(), [user_id(1)]);
    assert_eq!(
        ws.resource_values("zoom_role_members.support").unwrap()["members"],
        serde_json::json!(["u00001"])
    );
    ws.assert_plan_empty();
}

/// The same three members of a role, as a configuration may spell them.
const SPELLINGS: &[(&str, &str)] = &[
    ("ids", "\"u00001\", \"u00002\", \"u00003\""),
    (
        "emails, any case",
        "\"User1@Example.com\", \"user2@example.com\", \"USER3@EXAMPLE.COM\"",
    ),
    (
        "a mix",
        "\"u00001\", \"User2@example.com\", \"user3@example.com\"",
    ),
];

/// For each spelling: `terraform import` (and, where Terraform has them, `import {}` blocks
/// by ID and by identity, applied), then an empty plan, and nothing changed in Zoom. Then a real change
/// still plans as one.
fn imports_plan_empty_whatever_the_spelling(tf: &Terraform, import_blocks: bool) {
    let zoom = zoom(5);
    let role = zoom.create_role("Support", &["User:Read"]);
    zoom.assign(&role, &[user_id(1), user_id(2), user_id(3)]);
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, &role, SPELLINGS[0].1));
    ws.init();
    zoom.reset_stats();
    for (what, members) in SPELLINGS {
        ws.config(&config(&zoom, &role, members));
        ws.run(&["import", "-no-color", "zoom_role_members.support", &role])
            .ok();
        let state = ws.resource_values("zoom_role_members.support").unwrap();
        assert_eq!(
            state["members"],
            serde_json::json!([
                "user1@example.com",
                "user2@example.com",
                "user3@example.com"
            ]),
            "import records Zoom's emails"
        );
        let plan = ws.run(&["plan", "-no-color", "-input=false", "-detailed-exitcode"]);
        assert_eq!(plan.code(), 0, "{what}: expected an empty plan: {plan}");
        ws.run(&["state", "rm", "zoom_role_members.support"]).ok();

        if import_blocks {
            ws.config(&format!(
                "{}\nimport {{\n  to = zoom_role_members.support\n  id = \"{role}\"\n}}\n",
                config(&zoom, &role, members)
            ));
            let run = ws.apply().ok();
            assert!(
                run.stdout()
                    .contains("1 imported, 0 added, 0 changed, 0 destroyed"),
                "{what}: {run}"
            );
            let plan = ws.run(&["plan", "-no-color", "-input=false", "-detailed-exitcode"]);
            assert_eq!(plan.code(), 0, "{what}: expected an empty plan: {plan}");
            ws.run(&["state", "rm", "zoom_role_members.support"]).ok();

            // By resource identity (Terraform 1.12+): the role id.
            ws.config(&format!(
                "{}\nimport {{\n  to       = zoom_role_members.support\n  identity = {{ role_id = \"{role}\" }}\n}}\n",
                config(&zoom, &role, members)
            ));
            let run = ws.apply().ok();
            assert!(
                run.stdout()
                    .contains("1 imported, 0 added, 0 changed, 0 destroyed"),
                "{what}: {run}"
            );
            let plan = ws.run(&["plan", "-no-color", "-input=false", "-detailed-exitcode"]);
            assert_eq!(plan.code(), 0, "{what}: expected an empty plan: {plan}");
            ws.run(&["state", "rm", "zoom_role_members.support"]).ok();
        }
    }
    assert_eq!(
        zoom.mutations(),
        Default::default(),
        "imports and plans change nothing in Zoom"
    );

    // Spelling aside, a different set of people is still a change.
    ws.config(&config(&zoom, &role, SPELLINGS[2].1));
    ws.run(&["import", "-no-color", "zoom_role_members.support", &role])
        .ok();
    ws.config(&config(
        &zoom,
        &role,
        &format!("{}, \"u00004\"", SPELLINGS[2].1),
    ));
    let plan = ws.plan().ok();
    assert!(plan.stdout().contains("1 to change"), "{plan}");
    ws.apply().ok();
    assert_eq!(zoom.role_of("u00004"), role);
    let state = ws.resource_values("zoom_role_members.support").unwrap();
    assert_eq!(
        state["members"],
        serde_json::json!(["User2@example.com", "u00001", "u00004", "user3@example.com"]),
        "after a real change the state spells members as the configuration does"
    );
    ws.assert_plan_empty();
}

fn imports_plan_empty_whatever_the_spelling_terraform_1_15(tf: &Terraform) {
    imports_plan_empty_whatever_the_spelling(tf, true);
}

fn imports_plan_empty_whatever_the_spelling_terraform_1_0(tf: &Terraform) {
    imports_plan_empty_whatever_the_spelling(tf, false);
}

cases![
    tf a_member_already_gone_when_unassigned_counts_as_removed,
    tf the_member_set_is_authoritative,
    tf mixing_with_single_memberships_on_one_role_is_refused,
    tf imports_plan_empty_whatever_the_spelling_terraform_1_15,
    tf_1_0 imports_plan_empty_whatever_the_spelling_terraform_1_0,
];
