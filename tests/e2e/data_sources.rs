//! The data sources zoom_roles, zoom_role, zoom_role_members and zoom_user through real
//! Terraform against zoom-sim: each read's outputs checked against the simulator's state, a
//! second plan empty, changes made in Zoom seen on the next read, reads deferred to apply
//! (inputs unknown at plan) completing after the resources they wait for, and each mistake
//! a clear diagnostic at the attribute.

use crate::support::sim::{user_id, zoom, Zoom};
use crate::support::steps::{Step, Steps};
use crate::support::terraform::{
    check_mistakes, required_providers, Cmd, Mistake, Terraform, Workspace,
};
use serde_json::{json, Value};

fn header(zoom: &Zoom) -> String {
    format!("{}\n{}\n", required_providers(), zoom.provider_block())
}

/// `terraform output -json`, each output's value by name.
fn outputs(ws: &Workspace) -> Value {
    let run = ws.run(&["output", "-json"]).ok();
    let all: Value = serde_json::from_str(&run.stdout()).expect("output -json is JSON");
    let map = all.as_object().expect("outputs object");
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), v["value"].clone()))
            .collect(),
    )
}

fn sorted(v: &Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_string())
        .collect();
    out.sort();
    out
}

const READ_ALL: &str = r#"
data "zoom_roles" "all" {}

data "zoom_role" "by_name" {
  name = "auditors"
}

data "zoom_role" "admin" {
  id = "1"
}

data "zoom_role_members" "auditors" {
  role_id = data.zoom_role.by_name.id
}

data "zoom_user" "by_email" {
  email = "User2@Example.com"
}

data "zoom_user" "by_id" {
  id = "u00003"
}

output "roles" {
  value = data.zoom_roles.all.roles
}

output "by_name" {
  value = data.zoom_role.by_name
}

output "admin" {
  value = data.zoom_role.admin
}

output "members" {
  value = data.zoom_role_members.auditors.members
}

output "by_email" {
  value = data.zoom_user.by_email
}

output "by_id" {
  value = data.zoom_user.by_id
}
"#;

fn each_data_source_reads_what_zoom_holds(tf: &Terraform) {
    let zoom = zoom(5);
    let auditors = zoom.create_role("Auditors", &["User:Read", "Report:Read"]);
    zoom.assign(&auditors, &[user_id(3), user_id(1)]);
    zoom.assign("1", &[user_id(2)]);
    let config = format!("{}{READ_ALL}", header(&zoom));
    let zoom = &zoom;
    Steps::new(tf)
        .step(Step::apply(config.as_str()).check(|ws| {
            let out = outputs(ws);
            let state = zoom.sim.state();

            // zoom_roles: every account role, in Zoom's order, with its member count.
            let want: Vec<Value> = state
                .roles
                .iter()
                .filter(|r| r.role.kind == "common")
                .map(|r| {
                    json!({
                        "id": r.role.id,
                        "name": r.role.name,
                        "description": Some(&r.role.description).filter(|d| !d.is_empty()),
                        "type": "common",
                        "total_members": r.members.len(),
                    })
                })
                .collect();
            assert_eq!(out["roles"], Value::Array(want));
            assert_eq!(
                out["roles"].as_array().unwrap().len(),
                4,
                "3 system roles + 1"
            );

            // zoom_role by name (any case) and by id.
            let by_name = &out["by_name"];
            assert_eq!(by_name["id"], auditors.as_str());
            assert_eq!(by_name["name"], "Auditors", "Zoom's spelling");
            assert_eq!(by_name["description"], Value::Null);
            assert_eq!(by_name["type"], "common");
            assert_eq!(sorted(&by_name["privileges"]), ["Report:Read", "User:Read"]);
            assert_eq!(by_name["total_members"], 2);
            let admin = &out["admin"];
            let sim_admin = state.roles.iter().find(|r| r.role.id == "1").unwrap();
            assert_eq!(admin["name"], "Admin");
            assert_eq!(admin["description"], sim_admin.role.description.as_str());
            assert_eq!(admin["total_members"], sim_admin.members.len());
            assert_eq!(sorted(&admin["privileges"]), {
                let mut p = sim_admin.role.privileges.clone();
                p.sort();
                p
            });

            // zoom_role_members: sorted by email, names from Zoom.
            assert_eq!(
                out["members"],
                json!([
                    {"id": "u00001", "email": "user1@example.com", "first_name": "User", "last_name": "1"},
                    {"id": "u00003", "email": "user3@example.com", "first_name": "User", "last_name": "3"},
                ])
            );

            // zoom_user by email (any case) and by id, with the role each holds.
            assert_eq!(
                out["by_email"],
                json!({
                    "account_id": null,
                    "id": "u00002",
                    "email": "user2@example.com",
                    "first_name": "User",
                    "last_name": "2",
                    "role_id": "1",
                    "role_name": "Admin",
                })
            );
            assert_eq!(out["by_id"]["email"], "user3@example.com");
            assert_eq!(out["by_id"]["role_id"], auditors.as_str());
            assert_eq!(out["by_id"]["role_name"], "Auditors");
        }))
        // A change made in Zoom shows on the next read.
        .step(
            Step::apply(config.as_str())
                .before(|_| zoom.assign(&auditors, &[user_id(4)]))
                .plan_shows("Changes to Outputs")
                .check(|ws| {
                    let out = outputs(ws);
                    let emails: Vec<&str> = out["members"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|m| m["email"].as_str().unwrap())
                        .collect();
                    assert_eq!(
                        emails,
                        [
                            "user1@example.com",
                            "user3@example.com",
                            "user4@example.com"
                        ]
                    );
                    assert_eq!(out["by_name"]["total_members"], 3);
                }),
        )
        .run();
}

fn type_filter_lists_only_that_type(tf: &Terraform) {
    let zoom = zoom(1);
    let config = format!(
        r#"{}
data "zoom_roles" "common" {{
  type = "common"
}}

data "zoom_roles" "iq" {{
  type = "iq"
}}

output "common" {{
  value = [for r in data.zoom_roles.common.roles : r.name]
}}

output "iq" {{
  value = data.zoom_roles.iq.roles
}}
"#,
        header(&zoom)
    );
    Steps::new(tf)
        .step(Step::apply(config).check(|ws| {
            let out = outputs(ws);
            assert_eq!(out["common"], json!(["Owner", "Admin", "Member"]));
            assert_eq!(out["iq"], json!([]));
        }))
        .run();
}

/// Inputs known only after apply: validation lets the unknowns through, Terraform reads the
/// data sources during apply, after what they wait for, and the next plan is empty.
fn reads_deferred_to_apply_see_the_applied_resources(tf: &Terraform) {
    let zoom = zoom(3);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
resource "zoom_role" "reviewers" {{
  name       = "Reviewers"
  privileges = ["User:Read"]
}}

resource "zoom_role_membership" "paul" {{
  role_id = zoom_role.reviewers.id
  email   = "user1@example.com"
}}

# Waits for the membership too, or it could be read before it (total_members 0).
data "zoom_role" "reviewers" {{
  id         = zoom_role.reviewers.id
  depends_on = [zoom_role_membership.paul]
}}

data "zoom_role_members" "reviewers" {{
  role_id    = zoom_role.reviewers.id
  depends_on = [zoom_role_membership.paul]
}}

data "zoom_user" "paul" {{
  id         = zoom_role_membership.paul.user_id
  depends_on = [zoom_role_membership.paul]
}}

output "role" {{
  value = data.zoom_role.reviewers
}}

output "members" {{
  value = data.zoom_role_members.reviewers.members
}}

output "paul" {{
  value = data.zoom_user.paul
}}
"#,
        header(&zoom)
    ));
    ws.init();
    ws.run(&["validate", "-no-color"]).ok();
    let plan = ws.plan().ok();
    assert!(
        plan.stdout().contains("will be read during apply"),
        "{plan}"
    );
    ws.apply().ok();
    let reviewers = zoom.role_id_by_name("Reviewers").expect("role created");
    let out = outputs(&ws);
    assert_eq!(out["role"]["id"], reviewers.as_str());
    assert_eq!(out["role"]["name"], "Reviewers");
    assert_eq!(out["role"]["privileges"], json!(["User:Read"]));
    assert_eq!(out["role"]["total_members"], 1);
    assert_eq!(
        out["members"],
        json!([{"id": "u00001", "email": "user1@example.com", "first_name": "User", "last_name": "1"}])
    );
    assert_eq!(out["paul"]["role_id"], reviewers.as_str());
    assert_eq!(out["paul"]["role_name"], "Reviewers");
    ws.assert_plan_empty();
}

const CASES: &[Mistake] = &[
    Mistake {
        what: "unknown role id",
        hcl: r#"data "zoom_role" "x" {
  id = "NoSuchRole123"
}"#,
        cmd: Cmd::Plan,
        summary: "Role not found",
        attr: Some("id"),
        detail: &["NoSuchRole123", "1034", "\"Admin\" (1)"],
    },
    Mistake {
        what: "unknown role name",
        hcl: r#"data "zoom_role" "x" {
  name = "Nobody"
}"#,
        cmd: Cmd::Plan,
        summary: "Role not found",
        attr: Some("name"),
        detail: &[
            "no role named \"Nobody\"",
            "\"Owner\" (0)",
            "\"Member\" (2)",
        ],
    },
    Mistake {
        what: "both id and name",
        hcl: r#"data "zoom_role" "x" {
  id   = "1"
  name = "Admin"
}"#,
        cmd: Cmd::Validate,
        summary: "Both id and name given",
        attr: Some("name"),
        detail: &["not both"],
    },
    Mistake {
        what: "neither id nor name",
        hcl: r#"data "zoom_role" "x" {}"#,
        cmd: Cmd::Validate,
        summary: "No role named",
        attr: None,
        detail: &["exactly one"],
    },
    Mistake {
        what: "members of an unknown role",
        hcl: r#"data "zoom_role_members" "x" {
  role_id = "NoSuchRole123"
}"#,
        cmd: Cmd::Plan,
        summary: "Role not found",
        attr: Some("role_id"),
        detail: &["NoSuchRole123", "1034"],
    },
    Mistake {
        what: "unknown user email",
        hcl: r#"data "zoom_user" "x" {
  email = "nobody@example.com"
}"#,
        cmd: Cmd::Plan,
        summary: "User not found",
        attr: Some("email"),
        detail: &["nobody@example.com"],
    },
    Mistake {
        what: "unknown user id",
        hcl: r#"data "zoom_user" "x" {
  id = "u99999"
}"#,
        cmd: Cmd::Plan,
        summary: "User not found",
        attr: Some("id"),
        detail: &["u99999"],
    },
    Mistake {
        what: "both id and email",
        hcl: r#"data "zoom_user" "x" {
  id    = "u00001"
  email = "user1@example.com"
}"#,
        cmd: Cmd::Validate,
        summary: "Both id and email given",
        attr: Some("email"),
        detail: &["not both"],
    },
    Mistake {
        what: "invalid role type",
        hcl: r#"data "zoom_roles" "x" {
  type = "admin"
}"#,
        cmd: Cmd::Validate,
        summary: "Invalid role type",
        attr: Some("type"),
        detail: &["\"iq\""],
    },
];

fn each_mistake_is_a_clear_diagnostic_at_the_attribute(tf: &Terraform) {
    let zoom = zoom(2);
    let ws = Workspace::new(tf);
    let header = header(&zoom);
    ws.config(&header);
    ws.init();
    check_mistakes(&ws, &header, CASES);
}

/// A value unknown when Terraform first validates is judged again once known (Terraform
/// validates each instance before reading it, and ReadDataSource checks again), before
/// any call to Zoom.
fn an_input_known_only_at_apply_is_validated_then(tf: &Terraform) {
    let zoom = zoom(1);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
resource "terraform_data" "kind" {{
  input = "bogus"
}}

data "zoom_roles" "all" {{
  type = terraform_data.kind.output
}}
"#,
        header(&zoom)
    ));
    ws.init();
    let run = ws.apply().failed_cleanly("role type known only at apply");
    let block = run
        .diagnostic("Invalid role type")
        .unwrap_or_else(|| panic!("{run}"));
    assert!(block.contains("\"bogus\""), "{block}");
    assert_eq!(
        zoom.sim.stats().count("GET /roles"),
        0,
        "refused before any call"
    );
}

cases![
    tf each_data_source_reads_what_zoom_holds,
    tf type_filter_lists_only_that_type,
    tf reads_deferred_to_apply_see_the_applied_resources,
    tf each_mistake_is_a_clear_diagnostic_at_the_attribute,
    tf an_input_known_only_at_apply_is_validated_then,
];
