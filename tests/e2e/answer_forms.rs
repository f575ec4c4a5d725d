//! Zoom documents several answers for one situation; through real Terraform, each must be
//! read right. Refusals under HTTP 200 (with a code, or an empty `{}`) fail the apply with a
//! permission/plan diagnostic and leave state and Zoom as they were; a role deleted outside
//! Terraform, answered in each documented "not found" form, is planned for re-creation and
//! destroying it succeeds.

use crate::support::sim::{zoom, Zoom};
use crate::support::steps::{Step, Steps};
use crate::support::terraform::{required_providers, Terraform, Workspace};
use terraform_provider_zoom::sim::{NotFoundForm, RefusalBody};

fn role_config(zoom: &Zoom, description: &str) -> String {
    format!(
        r#"{}
{}
resource "zoom_role" "auditors" {{
  name        = "Auditors"
  description = "{description}"
  privileges  = ["User:Read"]
}}
"#,
        required_providers(),
        zoom.provider_block()
    )
}

fn refuse(zoom: &Zoom, on: bool, body: RefusalBody) {
    zoom.sim
        .update_switches(|s| {
            s.unpaid = on;
            s.refusal_body = body;
        })
        .unwrap();
}

/// The refusal diagnostic: permission or plan, never "no id", never a success.
fn assert_refusal(run: &crate::support::terraform::Run, what: &str) {
    let block = run
        .diagnostic("Zoom refused: permission or plan")
        .unwrap_or_else(|| panic!("{what}: no refusal diagnostic: {run}"));
    let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("paid (Pro or higher)"), "{what}: {block}");
    assert!(!flat.contains("no id"), "{what}: {block}");
}

/// A step whose apply Zoom refuses with a `body` refusal: the refusal diagnostic, with
/// `says` in it; then `unchanged` checks that Zoom and state are as they were.
fn refused_step<'a>(
    zoom: &'a Zoom,
    config: &str,
    body: RefusalBody,
    says: &'static str,
    unchanged: impl Fn(&Workspace) + 'a,
) -> Step<'a> {
    let what = format!("refused with {body:?} body");
    Step::apply(config)
        .before(move |_| refuse(zoom, true, body))
        .expect_error("Zoom refused: permission or plan")
        .error_check(move |run| {
            assert_refusal(run, &what);
            assert!(run.stderr().contains(says), "{what}: {says:?}: {run}");
        })
        .check(unchanged)
}

fn a_refused_create_fails_clearly_and_records_nothing(tf: &Terraform) {
    let zoom = zoom(2);
    let zoom = &zoom;
    let config = role_config(zoom, "reads users");
    let refused = |body, says| {
        refused_step(zoom, &config, body, says, |ws| {
            assert_eq!(zoom.role_id_by_name("Auditors"), None, "Zoom unchanged");
            assert!(
                ws.resource_values("zoom_role.auditors").is_none(),
                "nothing in state"
            );
        })
    };
    Steps::new(tf)
        // Says what Zoom answered.
        .step(refused(RefusalBody::Empty, "empty body {}"))
        // Zoom's message is shown.
        .step(refused(
            RefusalBody::Coded,
            "You do not have the permission to create a role",
        ))
        // Once the account may, the same apply goes through.
        .step(
            Step::apply(config.as_str())
                .before(|_| refuse(zoom, false, RefusalBody::Coded))
                .check(|_| assert!(zoom.role_id_by_name("Auditors").is_some())),
        )
        .run();
}

fn a_refused_update_fails_clearly_and_keeps_the_prior_state(tf: &Terraform) {
    let zoom = zoom(2);
    let zoom = &zoom;
    let id = std::cell::OnceCell::new();
    let description_in_zoom = || {
        zoom.sim
            .state()
            .roles
            .iter()
            .find(|r| Some(&r.role.id) == id.get())
            .map(|r| r.role.description.clone())
            .unwrap()
    };
    let update = role_config(zoom, "reads and edits users");
    let refused = |body, says| {
        refused_step(zoom, &update, body, says, |ws| {
            assert_eq!(description_in_zoom(), "reads users");
            let state = ws.resource_values("zoom_role.auditors").expect("in state");
            assert_eq!(state["description"], "reads users", "prior state kept");
            assert_eq!(state["id"], id.get().unwrap().as_str());
        })
    };
    Steps::new(tf)
        .step(Step::apply(role_config(zoom, "reads users")).check(|_| {
            id.set(zoom.role_id_by_name("Auditors").unwrap()).unwrap();
        }))
        .step(refused(RefusalBody::Empty, "empty body {}"))
        .step(refused(
            RefusalBody::Coded,
            "The account must be a paid account to update the role",
        ))
        // The change is still pending, not silently taken for done.
        .step(
            Step::apply(update.as_str())
                .before(|_| refuse(zoom, false, RefusalBody::Coded))
                .plan_shows("0 to add, 1 to change, 0 to destroy")
                .check(|_| assert_eq!(description_in_zoom(), "reads and edits users")),
        )
        .run();
}

fn gone_config(zoom: &Zoom) -> String {
    format!(
        r#"{}
{}
resource "zoom_role" "auditors" {{
  name       = "Auditors"
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "ann" {{
  role_id = zoom_role.auditors.id
  email   = "user1@example.com"
}}

resource "zoom_role" "helpdesk" {{
  name       = "Helpdesk"
  privileges = ["User:Read"]
}}

resource "zoom_role_members" "helpdesk" {{
  role_id = zoom_role.helpdesk.id
  members = ["user2@example.com"]
}}
"#,
        required_providers(),
        zoom.provider_block()
    )
}

fn a_role_deleted_outside_terraform_is_gone_in_every_documented_form(tf: &Terraform) {
    for form in [
        NotFoundForm::Code1034,
        NotFoundForm::Code300,
        NotFoundForm::Code200,
        NotFoundForm::Http404,
    ] {
        let what = format!("not found as {form:?}");
        let zoom = zoom(3);
        let ws = Workspace::new(tf);
        ws.config(&gone_config(&zoom));
        ws.init();
        ws.apply().ok();
        let delete_both_outside = |zoom: &Zoom| {
            zoom.sim
                .update_switches(|s| s.not_found_form = NotFoundForm::Code1034)
                .unwrap();
            for name in ["Auditors", "Helpdesk"] {
                let id = zoom.role_id_by_name(name).expect(name);
                zoom.delete_role(&id);
            }
            zoom.sim
                .update_switches(|s| s.not_found_form = form)
                .unwrap();
        };

        // Refresh: every object that went with the roles is planned again.
        delete_both_outside(&zoom);
        let plan = ws.plan();
        assert!(plan.success(), "{what}: {plan}");
        assert!(
            plan.stdout()
                .contains("4 to add, 0 to change, 0 to destroy"),
            "{what}: {plan}"
        );
        ws.apply().ok();
        assert_eq!(
            zoom.role_of("u00001"),
            zoom.role_id_by_name("Auditors").unwrap()
        );
        ws.assert_plan_empty();

        // Delete: destroying objects Zoom no longer has succeeds (no refresh, so every
        // delete call meets the missing role).
        delete_both_outside(&zoom);
        let run = ws.run(&["destroy", "-no-color", "-auto-approve", "-refresh=false"]);
        assert!(run.success(), "{what}: {run}");
        assert!(
            ws.state_json()["values"]["root_module"]["resources"]
                .as_array()
                .is_none_or(|r| r.is_empty()),
            "{what}: state is empty"
        );
        assert_eq!(zoom.role_of("u00001"), "2", "{what}");
        assert_eq!(zoom.role_of("u00002"), "2", "{what}");
    }
}

fn missing_scopes_are_named_exactly_from_the_endpoint_table(tf: &Terraform) {
    // A granular app that may read roles but not users: looking a user up is 4711.
    let zoom = crate::support::sim::zoom_with(2, |s| {
        s.scopes = Some(vec!["role:read:list_roles:admin".into()]);
        s.scope_style = terraform_provider_zoom::sim::ScopeStyle::Granular;
    });
    let ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}\ndata \"zoom_user\" \"paul\" {{\n  email = \"user1@example.com\"\n}}\n",
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    let run = ws.plan().failed_cleanly("missing scope");
    let block = run
        .diagnostic("Zoom access token lacks scopes")
        .unwrap_or_else(|| panic!("{run}"));
    let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Add user:read:user:admin to the app's scopes"),
        "{block}"
    );
    assert!(
        flat.contains("user:read:list_users:admin") && flat.contains("a NEW token is needed"),
        "the whole granular list, and what to do after adding: {block}"
    );
}

cases![
    tf a_refused_create_fails_clearly_and_records_nothing,
    tf a_refused_update_fails_clearly_and_keeps_the_prior_state,
    tf a_role_deleted_outside_terraform_is_gone_in_every_documented_form,
    tf missing_scopes_are_named_exactly_from_the_endpoint_table,
];
