//! Refresh cost through real Terraform: 1,000 existing memberships across 4 roles are
//! imported with `import {}` blocks, and a plan of them makes at most one member traversal
//! per role (counted by the simulator). Also the oldest supported Terraform (1.0.3) runs
//! the basic lifecycle.

use std::collections::BTreeMap;

use crate::support::sim::{user_id, zoom};
use crate::support::steps::{Step, Steps};
use crate::support::terraform::{required_providers, Terraform, Workspace};

const LIST_MEMBERS: &str = "GET /roles/{roleId}/members";

fn a_plan_of_1000_memberships_traverses_each_role_once(tf: &Terraform) {
    let zoom = zoom(1000);
    let mut roles = vec!["1".to_string()];
    for name in ["Auditors", "Helpdesk", "Billing"] {
        roles.push(zoom.create_role(name, &["User:Read"]));
    }
    // user i holds roles[i % 4]
    let mut by_role: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for i in 1..=1000 {
        by_role.entry(&roles[i % 4]).or_default().push(user_id(i));
    }
    for (role, users) in &by_role {
        zoom.assign(role, users);
    }
    let roles_hcl = roles
        .iter()
        .map(|r| format!("\"{r}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let ws = Workspace::new(tf);
    ws.config(&format!(
        r#"{}
{}
locals {{
  roles = [{roles_hcl}]
  members = {{
    for i in range(1, 1001) : format("u%05d", i) => local.roles[i % 4]
  }}
}}

resource "zoom_role_membership" "m" {{
  for_each = local.members
  role_id  = each.value
  user_id  = each.key
}}

import {{
  for_each = local.members
  to       = zoom_role_membership.m[each.key]
  id       = "${{each.value}}/${{each.key}}"
}}
"#,
        required_providers(),
        zoom.provider_block()
    ));
    ws.init();
    zoom.reset_stats();
    let run = ws.apply().ok();
    assert!(
        run.stdout().contains("1000 imported, 0 added, 0 changed"),
        "{run}"
    );
    assert_eq!(
        zoom.count(LIST_MEMBERS),
        4,
        "import: one traversal per role (250 < 300 per page)"
    );

    zoom.reset_stats();
    ws.assert_plan_empty();
    let per_role = traversals_per_role(&zoom);
    assert_eq!(per_role.len(), 4, "{per_role:?}");
    assert!(per_role.values().all(|&n| n == 1), "{per_role:?}");
    assert_eq!(
        zoom.count("GET /users/{userId}"),
        0,
        "no per-member lookups"
    );
}

fn traversals_per_role(zoom: &crate::support::sim::Zoom) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for entry in zoom.sim.log() {
        if entry.route == LIST_MEMBERS
            && !entry
                .query
                .clone()
                .unwrap_or_default()
                .contains("next_page_token=")
        {
            let role = entry.path.split('/').nth(3).unwrap_or_default().to_string();
            *out.entry(role).or_default() += 1;
        }
    }
    out
}

fn terraform_1_0_runs_the_lifecycle(tf: &Terraform) {
    let zoom = zoom(3);
    let zoom = &zoom;
    let config = |role: &str| {
        format!(
            "{}\n{}\nresource \"zoom_role\" \"r\" {{\n  name = \"Auditors\"\n}}\n\nresource \"zoom_role_membership\" \"m\" {{\n  role_id = {role}\n  email   = \"user1@example.com\"\n}}\n",
            required_providers(),
            zoom.provider_block()
        )
    };
    Steps::new(tf)
        .step(Step::apply(config("\"1\"")).check(|_| assert_eq!(zoom.role_of("u00001"), "1")))
        .step(Step::apply(config("zoom_role.r.id")).check(|_| {
            let auditors = zoom.role_id_by_name("Auditors").unwrap();
            assert_eq!(zoom.role_of("u00001"), auditors);
        }))
        .destroy(|_| assert_eq!(zoom.role_of("u00001"), "2"))
        .run();
}

cases![
    tf a_plan_of_1000_memberships_traverses_each_role_once,
    tf_1_0 terraform_1_0_runs_the_lifecycle,
];
