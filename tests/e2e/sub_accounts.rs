//! Roles in sub-accounts (issue #14): one provider block manages the app's own (master)
//! account and its sub-accounts through Zoom's Master Account API, with real Terraform
//! against zoom-sim holding a master account and two sub-accounts. Each account has its own
//! member lists and batches; ids name the account; drift in a sub-account is found and
//! repaired; import and `terraform query` take and give account-qualified ids; destroy
//! leaves every account as it was; a token without the `:master` scopes is told which.

use crate::support::sim::{zoom_with_sub_accounts, Zoom};
use crate::support::steps::{Step, Steps};
use crate::support::terraform::{required_providers, Terraform, Workspace};

/// The roles and memberships of three accounts in one configuration.
fn three_accounts(zoom: &Zoom) -> String {
    format!(
        r#"{}
{}
resource "zoom_role" "master" {{
  name       = "Helpdesk"
  privileges = ["User:Read"]
}}

resource "zoom_role" "sub1" {{
  account_id = "sub1"
  name       = "Helpdesk"
  privileges = ["User:Read"]
}}

resource "zoom_role" "sub2" {{
  account_id = "sub2"
  name       = "Auditors"
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "master_user1" {{
  role_id = zoom_role.master.role_id
  email   = "user1@example.com"
}}

resource "zoom_role_membership" "sub1_user1" {{
  account_id = "sub1"
  role_id    = zoom_role.sub1.role_id
  email      = "user1@sub1.example.com"
}}

resource "zoom_role_membership" "sub1_user2" {{
  account_id = "sub1"
  role_id    = "1"
  user_id    = "s1u00002"
}}

resource "zoom_role_membership" "sub2_user1" {{
  account_id = "sub2"
  role_id    = "1"
  email      = "user1@sub2.example.com"
}}

resource "zoom_role_members" "sub2_auditors" {{
  account_id = "sub2"
  role_id    = zoom_role.sub2.role_id
  members    = ["user2@sub2.example.com", "user3@sub2.example.com"]
}}
"#,
        required_providers(),
        zoom.provider_block()
    )
}

fn one_configuration_manages_the_master_and_two_sub_accounts(tf: &Terraform) {
    let zoom = zoom_with_sub_accounts(3, 2, |_| {});
    let before = (
        zoom.sim.state(),
        zoom.sub_account("sub1"),
        zoom.sub_account("sub2"),
    );
    let config = three_accounts(&zoom);
    let ws = Steps::new(tf)
        .step(Step::apply(config.clone()).check(|ws| {
            let zoom_role = |a: &str| ws.resource_values(a).unwrap();
            let master = zoom_role("zoom_role.master");
            let sub1 = zoom_role("zoom_role.sub1");
            // The same name in two accounts is no conflict; ids name the account.
            let sub1_role = sub1["role_id"].as_str().unwrap().to_string();
            assert_eq!(sub1["id"], format!("sub1/{sub1_role}"));
            assert_eq!(master["id"], master["role_id"]);
            assert!(master["account_id"].is_null());
            let m = ws
                .resource_values("zoom_role_membership.sub1_user1")
                .unwrap();
            assert_eq!(m["id"], format!("sub1/{sub1_role}/s1u00001"));
            assert_eq!(m["account_id"], "sub1");
            let m = ws
                .resource_values("zoom_role_membership.master_user1")
                .unwrap();
            assert_eq!(
                m["id"],
                format!("{}/u00001", master["role_id"].as_str().unwrap())
            );
            let rm = ws
                .resource_values("zoom_role_members.sub2_auditors")
                .unwrap();
            let sub2_role = zoom_role("zoom_role.sub2")["role_id"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(rm["id"], format!("sub2/{sub2_role}"));
        }))
        .run();

    // Zoom holds each account's assignments in that account.
    let role_named = |dump: &terraform_provider_zoom::sim::DirectoryDump, name: &str| {
        dump.roles
            .iter()
            .find(|r| r.role.name == name)
            .map(|r| r.role.id.clone())
            .unwrap_or_else(|| panic!("no role {name}"))
    };
    let master_role = zoom.role_id_by_name("Helpdesk").unwrap();
    assert_eq!(zoom.role_of("u00001"), master_role);
    assert!(
        zoom.role_id_by_name("Auditors").is_none(),
        "sub2's role stays in sub2"
    );
    let sub1 = zoom.sub_account("sub1");
    let sub1_role = role_named(&sub1, "Helpdesk");
    assert_ne!(sub1_role, master_role);
    assert_eq!(sub1.role_of("s1u00001"), Some(sub1_role.as_str()));
    assert_eq!(sub1.role_of("s1u00002"), Some("1"));
    let sub2 = zoom.sub_account("sub2");
    let sub2_role = role_named(&sub2, "Auditors");
    assert_eq!(sub2.role_of("s2u00001"), Some("1"));
    assert_eq!(sub2.role_of("s2u00002"), Some(sub2_role.as_str()));
    assert_eq!(sub2.role_of("s2u00003"), Some(sub2_role.as_str()));

    // Import with account-qualified ids, in a fresh directory: the same values as apply
    // stored, and an empty plan.
    let import_config = format!(
        r#"{}
{}
import {{
  to = zoom_role.sub1
  id = "sub1/{sub1_role}"
}}

import {{
  to = zoom_role_membership.sub1_user1
  id = "sub1/{sub1_role}/user1@sub1.example.com"
}}

import {{
  to = zoom_role_members.sub2_auditors
  id = "sub2/{sub2_role}"
}}

resource "zoom_role" "sub1" {{
  account_id = "sub1"
  name       = "Helpdesk"
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "sub1_user1" {{
  account_id = "sub1"
  role_id    = zoom_role.sub1.role_id
  email      = "user1@sub1.example.com"
}}

resource "zoom_role_members" "sub2_auditors" {{
  account_id = "sub2"
  role_id    = "{sub2_role}"
  members    = ["user2@sub2.example.com", "user3@sub2.example.com"]
}}
"#,
        required_providers(),
        zoom.provider_block()
    );
    let fresh = Workspace::new(tf);
    fresh.config(&import_config);
    fresh.init();
    zoom.reset_stats();
    let run = fresh.apply().ok();
    assert!(
        run.stdout()
            .contains("3 imported, 0 added, 0 changed, 0 destroyed"),
        "{run}"
    );
    assert!(zoom.mutations().is_empty(), "{:?}", zoom.mutations());
    fresh.assert_plan_empty();
    for address in [
        "zoom_role.sub1",
        "zoom_role_membership.sub1_user1",
        "zoom_role_members.sub2_auditors",
    ] {
        assert_eq!(
            fresh.resource_values(address),
            ws.resource_values(address),
            "{address}"
        );
    }

    // A refresh lists each role's members once per account, never another account's.
    zoom.reset_stats();
    ws.assert_plan_empty();
    let lists = [
        format!("/roles/{master_role}/members"),
        format!("/accounts/sub1/roles/{sub1_role}/members"),
        "/accounts/sub1/roles/1/members".to_string(),
        "/accounts/sub2/roles/1/members".to_string(),
        format!("/accounts/sub2/roles/{sub2_role}/members"),
    ];
    for path in &lists {
        assert_eq!(zoom.count_path("GET", path), 1, "GET {path}");
    }
    let member_lists = zoom
        .sim
        .log()
        .iter()
        .filter(|e| e.method == "GET" && e.path.ends_with("/members"))
        .count();
    assert_eq!(member_lists, lists.len(), "{:#?}", zoom.sim.log());
    for (path, n) in [
        (format!("/roles/{master_role}"), 1),
        (format!("/accounts/sub1/roles/{sub1_role}"), 1),
        (format!("/accounts/sub2/roles/{sub2_role}"), 1),
    ] {
        assert_eq!(zoom.count_path("GET", &path), n, "GET {path}");
    }
    assert!(zoom.mutations().is_empty(), "{:?}", zoom.mutations());

    // Drift in a sub-account: an admin there moves a user; the plan shows it, apply repairs
    // it in that sub-account only.
    zoom.assign_in("sub1", "1", &["s1u00001"]);
    zoom.assign_in("sub2", &sub2_role, &["s2u00001"]);
    let plan = ws.plan().ok();
    assert!(
        plan.stdout()
            .contains("zoom_role_membership.sub1_user1 will be created"),
        "{plan}"
    );
    assert!(
        plan.stdout()
            .contains("zoom_role_members.sub2_auditors will be updated in-place")
            || plan
                .stdout()
                .contains("zoom_role_membership.sub2_user1 will be created"),
        "{plan}"
    );
    zoom.reset_stats();
    ws.apply().ok();
    ws.assert_plan_empty();
    assert_eq!(
        zoom.sub_account("sub1").role_of("s1u00001"),
        Some(sub1_role.as_str())
    );
    assert_eq!(zoom.sub_account("sub2").role_of("s2u00001"), Some("1"));
    let mutations = zoom.mutations();
    assert!(
        mutations
            .keys()
            .all(|r| r.contains("/accounts/{accountId}/")),
        "only sub-accounts were repaired: {mutations:?}"
    );

    // Destroy leaves every account as it was.
    ws.run(&["destroy", "-auto-approve", "-no-color", "-input=false"])
        .ok();
    assert_eq!(zoom.sim.state(), before.0, "master account");
    assert_eq!(zoom.sub_account("sub1"), before.1, "sub1");
    assert_eq!(zoom.sub_account("sub2"), before.2, "sub2");
}

fn the_provider_default_sub_account_and_identity_import(tf: &Terraform) {
    let zoom = zoom_with_sub_accounts(2, 2, |_| {});
    let sub2_role = zoom.create_role_in("sub2", "Support");
    zoom.assign_in("sub2", &sub2_role, &["s2u00002"]);
    let config = format!(
        r#"{}
{}
import {{
  to       = zoom_role_membership.support
  identity = {{ account_id = "sub2", role_id = "{sub2_role}", user_id = "s2u00002" }}
}}

resource "zoom_role_membership" "admin" {{
  role_id = "1"
  email   = "user1@sub2.example.com"
}}

resource "zoom_role_membership" "support" {{
  role_id = "{sub2_role}"
  email   = "user2@sub2.example.com"
}}

resource "zoom_role_membership" "master" {{
  account_id = "me"
  role_id    = "1"
  email      = "user1@example.com"
}}

data "zoom_user" "sub1" {{
  account_id = "sub1"
  email      = "user1@sub1.example.com"
}}

data "zoom_roles" "sub2" {{}}
"#,
        required_providers(),
        zoom.provider_block_with("  sub_account_id = \"sub2\"\n")
    );
    Steps::new(tf)
        .step(Step::apply(config).check(move |ws| {
            let m = ws.resource_values("zoom_role_membership.admin").unwrap();
            assert_eq!(m["account_id"], "sub2");
            assert_eq!(m["id"], "sub2/1/s2u00001");
            let m = ws.resource_values("zoom_role_membership.support").unwrap();
            assert_eq!(m["id"], format!("sub2/{sub2_role}/s2u00002"));
            let m = ws.resource_values("zoom_role_membership.master").unwrap();
            assert_eq!(m["id"], "1/u00001");
            // Data sources read their account (sub2 by default), not the master's.
            let u = ws.resource_values("data.zoom_user.sub1").unwrap();
            assert_eq!(
                (u["id"].as_str(), u["role_id"].as_str()),
                (Some("s1u00001"), Some("2"))
            );
            assert_eq!(u["account_id"], "sub1");
            let roles = ws.resource_values("data.zoom_roles.sub2").unwrap();
            assert_eq!(roles["account_id"], "sub2");
            assert!(roles["roles"].to_string().contains("Support"), "{roles}");
        }))
        .run();
    assert_eq!(zoom.sub_account("sub2").role_of("s2u00001"), Some("1"));
    assert_eq!(zoom.role_of("u00001"), "1");
    assert_eq!(zoom.sub_account("sub1").role_of("s1u00001"), Some("2"));
}

fn query_adopts_every_sub_account_with_account_ids(tf: &Terraform) {
    let zoom = zoom_with_sub_accounts(3, 2, |_| {});
    let r1 = zoom.create_role_in("sub1", "Billing");
    zoom.assign_in("sub1", &r1, &["s1u00001", "s1u00002"]);
    zoom.assign_in("sub2", "1", &["s2u00003"]);
    zoom.assign("1", &["u00001".to_string()]);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}",
        required_providers(),
        zoom.provider_block()
    ));
    ws.file(
        "adopt.tfquery.hcl",
        "list \"zoom_role_membership\" \"subs\" {\n  provider         = zoom\n  include_resource = true\n  config {\n    all_sub_accounts = true\n  }\n}\n\nlist \"zoom_role\" \"sub1\" {\n  provider = zoom\n  config {\n    account_id = \"sub1\"\n  }\n}\n",
    );
    ws.init();
    zoom.reset_stats();
    let run = ws
        .run(&["query", "-no-color", "-generate-config-out=imported.tf"])
        .ok();
    let generated = ws.read("imported.tf");
    assert_eq!(
        generated
            .matches("resource \"zoom_role_membership\"")
            .count(),
        3,
        "{}\n{generated}",
        run.stdout()
    );
    // Every generated resource names its account (Terraform aligns the `=` signs).
    for account in ["sub1", "sub2"] {
        let line = generated.lines().find(|l| {
            l.trim_start().starts_with("account_id") && l.contains(&format!("\"{account}\""))
        });
        assert!(line.is_some(), "no account_id = {account:?}: {generated}");
    }
    assert!(
        !generated.contains("user1@example.com"),
        "the master isn't a sub-account"
    );
    // sub1's roles: Admin and Billing.
    assert_eq!(
        generated.matches("resource \"zoom_role\"").count(),
        2,
        "{generated}"
    );
    assert_eq!(zoom.count_path("GET", "/accounts"), 1);
    assert!(zoom.mutations().is_empty());
    // The generated file imports as Terraform wrote it, and the plan after is empty.
    ws.file("adopt.tfquery.hcl", "");
    zoom.reset_stats();
    let run = ws.apply().ok();
    assert!(
        run.stdout()
            .contains("5 imported, 0 added, 0 changed, 0 destroyed"),
        "{run}"
    );
    assert!(zoom.mutations().is_empty(), "{:?}", zoom.mutations());
    ws.assert_plan_empty();
    let state = ws.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources");
    let mut ids: Vec<String> = resources
        .iter()
        .map(|r| r["values"]["id"].as_str().unwrap_or_default().to_string())
        .collect();
    ids.sort();
    let mut want = vec![
        format!("sub1/{r1}/s1u00001"),
        format!("sub1/{r1}/s1u00002"),
        "sub2/1/s2u00003".to_string(),
        "sub1/1".to_string(),
        format!("sub1/{r1}"),
    ];
    want.sort();
    assert_eq!(ids, want);
}

fn a_token_without_master_scopes_is_told_which(tf: &Terraform) {
    let admin_scopes: Vec<String> = terraform_provider_zoom::zoom::granular_scopes()
        .into_iter()
        .map(str::to_string)
        .collect();
    let zoom = zoom_with_sub_accounts(2, 1, |s| s.scopes = Some(admin_scopes));
    let config = |account: &str| {
        format!(
            "{}\n{}\nresource \"zoom_role_membership\" \"m\" {{\n  account_id = \"{account}\"\n  role_id    = \"1\"\n  email      = \"user1@sub1.example.com\"\n}}\n",
            required_providers(),
            zoom.provider_block()
        )
    };
    let ws = Workspace::new(tf);
    ws.config(&config("sub1"));
    ws.init();
    let run = ws.plan().failed_cleanly("plan without :master scopes");
    let detail = run
        .diagnostic("Zoom access token lacks scopes")
        .unwrap_or_else(|| panic!("{run}"));
    assert!(detail.contains("role:read:list_roles:master"), "{detail}");
    assert!(detail.contains("role:write:member:master"), "{detail}");
    assert!(detail.contains("sub_account_id"), "{detail}");
    // The app's own account still works with the same token.
    assert_eq!(zoom.sub_account("sub1").role_of("s1u00001"), Some("2"));

    // An account that is not a sub-account of the app's: Zoom's 2001, explained, whichever
    // HTTP status it comes with (the reference gives none), never read as "not found".
    ws.config(&config("not-mine"));
    for status in [400, 404] {
        zoom.sim
            .update_switches(|s| {
                s.scopes = None;
                s.foreign_account_status = status;
            })
            .unwrap();
        let run = ws.plan().failed_cleanly("plan for another account");
        let detail = run
            .diagnostic("Zoom refused: permission or plan")
            .unwrap_or_else(|| panic!("HTTP {status}: {run}"));
        assert!(detail.contains("2001"), "HTTP {status}: {detail}");
        assert!(detail.contains("sub_account_id"), "HTTP {status}: {detail}");
        assert!(run.stderr().contains("account_id"), "HTTP {status}: {run}");
    }
}

/// Terraform 1.0 (no identities, no query) manages a sub-account by `account_id` and
/// imports it by the account-qualified id.
fn terraform_1_0_manages_a_sub_account(tf: &Terraform) {
    let zoom = zoom_with_sub_accounts(2, 1, |_| {});
    let config = format!(
        "{}\n{}\nresource \"zoom_role_membership\" \"m\" {{\n  account_id = \"sub1\"\n  role_id    = \"1\"\n  email      = \"user1@sub1.example.com\"\n}}\n",
        required_providers(),
        zoom.provider_block()
    );
    Steps::new(tf)
        .step(
            Step::apply(config)
                .check(|ws| {
                    let m = ws.resource_values("zoom_role_membership.m").unwrap();
                    assert_eq!(m["id"], "sub1/1/s1u00001");
                })
                .import_verify("zoom_role_membership.m", |_| {
                    "sub1/1/user1@sub1.example.com".to_string()
                }),
        )
        .run();
    assert_eq!(zoom.sub_account("sub1").role_of("s1u00001"), Some("1"));
    assert_eq!(zoom.role_of("u00001"), "2");
}

cases![
    tf one_configuration_manages_the_master_and_two_sub_accounts,
    tf the_provider_default_sub_account_and_identity_import,
    tf query_adopts_every_sub_account_with_account_ids,
    tf a_token_without_master_scopes_is_told_which,
    tf_1_0 terraform_1_0_manages_a_sub_account,
];
