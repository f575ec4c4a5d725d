//! The lock-out rail through real Terraform. zoom-sim's app acts as `user1@example.com`
//! (`GET /users/me`), an Admin, and like Zoom it issues tokens without admin scopes once
//! that user no longer holds a role that can manage roles. A plan that would demote the
//! app's user, by `zoom_role_members` leaving them out, by a membership moving them to a
//! role without role-management privileges, or by destroying their membership, is refused
//! at plan time with a diagnostic naming the user and `allow_lockout`; so is a destroy that
//! leaves the account without an Admin. `allow_lockout = true` lets the same plan through
//! (with a warning), after which the app really is locked out.

use crate::support::sim::{user_id, zoom, Zoom};
use crate::support::terraform::{required_providers, Terraform, Workspace};

const LOCKOUT: &str = "This change would lock Terraform out of Zoom";
const LAST_ADMIN: &str = "This change would leave the account without an Admin";

/// Five users; `app_user` (an id) holds `role` and is the user the app acts as.
fn account(app_user: &str, role: &str) -> Zoom {
    let zoom = zoom(5);
    zoom.assign(role, &[app_user.to_string()]);
    zoom.sim
        .update_switches(|s| s.app_user = Some(app_user.to_string()))
        .expect("switches");
    zoom
}

fn config(zoom: &Zoom, allow: bool, resources: &str) -> String {
    let extra = if allow {
        "  allow_lockout = true\n"
    } else {
        ""
    };
    format!(
        "{}\n{}\n{resources}",
        required_providers(),
        zoom.provider_block_with(extra)
    )
}

/// The diagnostic `summary`, with Terraform's line wrapping undone.
fn flat(run: &crate::support::terraform::Run, summary: &str) -> String {
    let block = run
        .diagnostic(summary)
        .unwrap_or_else(|| panic!("no {summary:?} diagnostic: {run}"));
    block.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn an_admin_list_without_the_apps_user_is_refused_until_allowed(tf: &Terraform) {
    let zoom = account(&user_id(1), "1");
    let admins = "resource \"zoom_role_members\" \"admins\" {\n  role_id = \"1\"\n  members = [\"user2@example.com\"]\n}\n";
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, false, admins));
    ws.init();
    zoom.reset_stats();

    let run = ws.plan().failed_cleanly("demoting the app's user");
    let d = flat(&run, LOCKOUT);
    for text in [
        "user1@example.com (user id u00001)",
        "GET /users/me",
        "the Admin role (id \"1\")",
        "make them a Member",
        "allow_lockout = true",
    ] {
        assert!(d.contains(text), "{text:?} missing: {d}");
    }
    assert!(d.contains("members"), "at the members attribute: {d}");
    ws.apply().failed_cleanly("apply refuses too");
    assert_eq!(zoom.role_of("u00001"), "1", "nothing changed in Zoom");
    assert!(zoom.mutations().is_empty(), "{:?}", zoom.mutations());

    // On purpose: the same plan goes through, with the refusal as a warning.
    ws.config(&config(&zoom, true, admins));
    let run = ws.apply().ok();
    assert!(
        run.stderr().contains(
            "Warning: This change would lock Terraform out of Zoom (allowed by allow_lockout)"
        ) || run.stdout().contains(
            "Warning: This change would lock Terraform out of Zoom (allowed by allow_lockout)"
        ),
        "{run}"
    );
    assert_eq!(zoom.role_of("u00001"), "2");
    assert_eq!(zoom.role_of("u00002"), "1");

    // And that is what the rail was for: the app's new tokens lack the admin scopes.
    let run = ws.plan().failed_cleanly("locked out");
    assert!(run.stderr().contains("lacks scopes"), "{run}");
}

fn moving_or_destroying_the_apps_own_membership_is_refused(tf: &Terraform) {
    let zoom = account(&user_id(1), "1");
    let viewers = zoom.create_role("Viewers", &["User:Read", "Role:Read"]);
    let managers = zoom.create_role("Role managers", &["User:Edit", "Role:Edit"]);
    let membership = |role: &str| {
        format!(
            "resource \"zoom_role_membership\" \"me\" {{\n  role_id = \"{role}\"\n  email   = \"user1@example.com\"\n}}\n"
        )
    };
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, false, &membership("1")));
    ws.init();
    ws.apply().ok(); // already an Admin: no change that matters
    ws.assert_plan_empty();

    // To a custom role without Role:Edit and User:Edit: refused, at role_id.
    ws.config(&config(&zoom, false, &membership(&viewers)));
    let run = ws
        .plan()
        .failed_cleanly("moving to a role that can't manage roles");
    let d = flat(&run, LOCKOUT);
    assert!(d.contains("the custom role \"Viewers\""), "{d}");
    assert!(d.contains("Role:Edit or User:Edit"), "{d}");
    assert!(d.contains("role_id"), "{d}");

    // To one that holds both: fine (and applied) while another Admin remains, then back.
    zoom.assign("1", &[user_id(4)]);
    ws.config(&config(&zoom, false, &membership(&managers)));
    ws.apply().ok();
    assert_eq!(zoom.role_of("u00001"), managers);
    ws.config(&config(&zoom, false, &membership("1")));
    ws.apply().ok();
    ws.assert_plan_empty();

    // Destroying the membership would make the app's user a Member.
    let run = ws
        .run(&["destroy", "-no-color", "-auto-approve"])
        .failed_cleanly("destroying the app's membership");
    assert!(flat(&run, LOCKOUT).contains("make them a Member"), "{run}");
    assert_eq!(zoom.role_of("u00001"), "1");

    // Letting go without changing Zoom is always possible: `removed { destroy = false }`
    // never plans a destroy.
    ws.config(&format!(
        "{}\nremoved {{\n  from = zoom_role_membership.me\n  lifecycle {{\n    destroy = false\n  }}\n}}\n",
        config(&zoom, false, "")
    ));
    ws.apply().ok();
    assert_eq!(zoom.role_of("u00001"), "1");
}

fn the_last_admin_stays_unless_allowed(tf: &Terraform) {
    // The app acts as user3, in a custom role that can manage roles; user2 is the only
    // Admin, through a membership.
    let zoom = zoom(5);
    let managers = zoom.create_role("Role managers", &["User:Edit", "Role:Edit"]);
    let zoom = {
        zoom.assign(&managers, &[user_id(3)]);
        zoom.sim
            .update_switches(|s| s.app_user = Some(user_id(3)))
            .expect("switches");
        zoom
    };
    let admin = "resource \"zoom_role_membership\" \"ann\" {\n  role_id = \"1\"\n  email   = \"user2@example.com\"\n}\n";
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, false, admin));
    ws.init();
    ws.apply().ok();
    assert_eq!(zoom.role_of("u00002"), "1");

    let run = ws
        .run(&["destroy", "-no-color", "-auto-approve"])
        .failed_cleanly("removing the last Admin");
    let d = flat(&run, LAST_ADMIN);
    assert!(d.contains("user2@example.com is its last"), "{d}");
    assert_eq!(zoom.role_of("u00002"), "1");

    ws.config(&config(&zoom, true, admin));
    ws.run(&["destroy", "-no-color", "-auto-approve"]).ok();
    assert_eq!(zoom.role_of("u00002"), "2");
}

fn an_app_acting_as_the_owner_may_empty_the_admin_role(tf: &Terraform) {
    let zoom = zoom(3); // the app acts as the account Owner (zoom-sim's default)
    let ws = Workspace::new(tf);
    ws.config(&config(
        &zoom,
        false,
        "resource \"zoom_role_members\" \"admins\" {\n  role_id = \"1\"\n  members = [\"user1@example.com\"]\n}\n",
    ));
    ws.init();
    ws.apply().ok();
    ws.run(&["destroy", "-no-color", "-auto-approve"]).ok();
    assert_eq!(zoom.role_of("u00001"), "2");
}

fn the_apps_own_custom_role_keeps_its_role_management(tf: &Terraform) {
    let zoom = zoom(3);
    let role = |privileges: &str| {
        format!(
            "resource \"zoom_role\" \"managers\" {{\n  name       = \"Role managers\"\n  privileges = [{privileges}]\n}}\n"
        )
    };
    let ws = Workspace::new(tf);
    ws.config(&config(&zoom, false, &role("\"Role:Edit\", \"User:Edit\"")));
    ws.init();
    ws.apply().ok();
    // The app's user holds the role Terraform manages.
    let id = zoom.role_id_by_name("Role managers").expect("created");
    zoom.assign(&id, &[user_id(1)]);
    zoom.sim
        .update_switches(|s| s.app_user = Some(user_id(1)))
        .expect("switches");

    ws.config(&config(&zoom, false, &role("\"User:Edit\"")));
    let run = ws
        .plan()
        .failed_cleanly("taking Role:Edit out of the app's role");
    let d = flat(&run, LOCKOUT);
    assert!(d.contains("take Role:Edit out of it"), "{d}");
    assert!(d.contains("privileges"), "at privileges: {d}");
    // Adding a privilege is fine.
    ws.config(&config(
        &zoom,
        false,
        &role("\"Role:Edit\", \"User:Edit\", \"User:Read\""),
    ));
    ws.apply().ok();

    let run = ws
        .run(&["destroy", "-no-color", "-auto-approve"])
        .failed_cleanly("deleting the app's role");
    assert!(
        flat(&run, LOCKOUT).contains("delete it, which makes them a Member"),
        "{run}"
    );
    assert!(
        zoom.role_id_by_name("Role managers").is_some(),
        "not deleted"
    );
}

fn terraform_1_0_is_stopped_at_apply_time(tf: &Terraform) {
    // Terraform before 1.3 never shows a provider its destroy plans, so the destroy is
    // refused when it is applied, before anything is unassigned.
    let zoom = account(&user_id(1), "1");
    let ws = Workspace::new(tf);
    let me = "resource \"zoom_role_membership\" \"me\" {\n  role_id = \"1\"\n  email   = \"user1@example.com\"\n}\n";
    ws.config(&config(&zoom, false, me));
    ws.init();
    ws.apply().ok();
    zoom.reset_stats();
    let run = ws
        .run(&["destroy", "-no-color", "-auto-approve"])
        .failed_cleanly("destroying the app's membership on Terraform 1.0");
    assert!(flat(&run, LOCKOUT).contains("make them a Member"), "{run}");
    assert_eq!(zoom.role_of("u00001"), "1");
    assert!(zoom.mutations().is_empty(), "{:?}", zoom.mutations());

    ws.config(&config(&zoom, true, me));
    ws.run(&["destroy", "-no-color", "-auto-approve"]).ok();
    assert_eq!(zoom.role_of("u00001"), "2");
}

cases![
    tf an_admin_list_without_the_apps_user_is_refused_until_allowed,
    tf moving_or_destroying_the_apps_own_membership_is_refused,
    tf the_last_admin_stays_unless_allowed,
    tf an_app_acting_as_the_owner_may_empty_the_admin_role,
    tf the_apps_own_custom_role_keeps_its_role_management,
    tf_1_0 terraform_1_0_is_stopped_at_apply_time,
];
