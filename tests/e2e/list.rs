//! `terraform query` with each list resource on its own: `zoom_role` (the roles Terraform
//! can manage, with their privileges; its `type` filter), and `zoom_role_membership` (its
//! `role_id` filter, a role whose members can't be listed, and the list block's limit).

use crate::support::sim::{user_id, zoom};
use crate::support::terraform::{required_providers, Terraform, Workspace};

/// `text` with every run of whitespace made one space, so `name = "x"` matches however
/// Terraform aligned the `=`.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn role_list_shows_the_manageable_roles_with_their_privileges(tf: &Terraform) {
    let zoom = zoom(3);
    zoom.create_role("Auditors", &["User:Read", "Report:Read"]);
    zoom.create_role("Helpdesk", &["User:Edit"]);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}",
        required_providers(),
        zoom.provider_block()
    ));
    ws.file(
        "roles.tfquery.hcl",
        "list \"zoom_role\" \"all\" {\n  provider         = zoom\n  include_resource = true\n}\n",
    );
    ws.init();
    zoom.reset_stats();
    ws.run(&["query", "-no-color", "-generate-config-out=roles.tf"])
        .ok();
    let generated = flat(&ws.read("roles.tf"));
    // Admin and the two custom roles; Owner and Member can't be managed, so are not listed.
    assert_eq!(
        generated.matches("resource \"zoom_role\"").count(),
        3,
        "{generated}"
    );
    for name in ["Admin", "Auditors", "Helpdesk"] {
        assert!(
            generated.contains(&format!("name = \"{name}\"")),
            "{name}: {generated}"
        );
    }
    for name in ["Owner", "Member"] {
        assert!(
            !generated.contains(&format!("name = \"{name}\"")),
            "{name}: {generated}"
        );
    }
    assert!(
        generated.contains(r#"privileges = ["Report:Read", "User:Read"]"#)
            || generated.contains(r#"privileges = ["User:Read", "Report:Read"]"#),
        "the listing's privileges come from each role: {generated}"
    );
    assert!(
        generated.contains(r#"privileges = ["User:Edit"]"#),
        "{generated}"
    );
    assert_eq!(
        zoom.mutations(),
        Default::default(),
        "listing changed nothing"
    );

    // The type filter: no role of type "iq" exists, so nothing is listed.
    ws.file(
        "roles.tfquery.hcl",
        "list \"zoom_role\" \"iq\" {\n  provider         = zoom\n  include_resource = true\n  config {\n    type = \"iq\"\n  }\n}\n",
    );
    std::fs::remove_file(ws.path().join("roles.tf")).unwrap();
    ws.run(&["query", "-no-color", "-generate-config-out=roles.tf"])
        .ok();
    assert!(
        !ws.read("roles.tf").contains("resource \"zoom_role\""),
        "{}",
        ws.read("roles.tf")
    );
}

fn membership_list_filters_by_role_and_warns_past_its_limit(tf: &Terraform) {
    let zoom = zoom(10);
    let helpdesk = zoom.create_role("Helpdesk", &["User:Read"]);
    zoom.assign(&helpdesk, &[user_id(1), user_id(2), user_id(3)]);
    zoom.assign("1", &[user_id(4), user_id(5)]);
    let ws = Workspace::new(tf);
    ws.config(&format!(
        "{}\n{}",
        required_providers(),
        zoom.provider_block()
    ));
    let query = |config: &str, limit: &str| {
        format!(
            "list \"zoom_role_membership\" \"some\" {{\n  provider         = zoom\n  include_resource = true\n{limit}{config}}}\n"
        )
    };
    let role_config = |id: &str| format!("  config {{\n    role_id = \"{id}\"\n  }}\n");
    ws.init();

    // Only Helpdesk's three members.
    ws.file("m.tfquery.hcl", &query(&role_config(&helpdesk), ""));
    ws.run(&["query", "-no-color", "-generate-config-out=m.tf"])
        .ok();
    let generated = flat(&ws.read("m.tf"));
    assert_eq!(
        generated
            .matches("resource \"zoom_role_membership\"")
            .count(),
        3,
        "{generated}"
    );
    for i in 1..=3 {
        assert!(
            generated.contains(&format!("email = \"user{i}@example.com\"")),
            "{generated}"
        );
    }
    assert!(!generated.contains("user4@example.com"), "{generated}");
    assert!(
        !generated.contains(r#"role_id = "1""#),
        "no Admin: {generated}"
    );

    // Member's holders can't be listed: a diagnostic at role_id, no results.
    ws.file("m.tfquery.hcl", &query(&role_config("2"), ""));
    let run = ws.run(&["query", "-no-color"]).failed_cleanly("Member");
    assert!(
        run.diagnostic("This role's members can't be managed")
            .is_some(),
        "{run}"
    );

    // A limit below what exists: Terraform gets the limit, and the provider says how many
    // there are and what to set.
    ws.file("m.tfquery.hcl", &query("", "  limit            = 4\n"));
    std::fs::remove_file(ws.path().join("m.tf")).unwrap();
    let run = ws
        .run(&["query", "-no-color", "-generate-config-out=m.tf"])
        .ok();
    let out = flat(&format!("{}{}", run.stdout(), run.stderr()));
    assert!(out.contains("More objects than the list limit"), "{run}");
    assert!(
        out.contains("Found 5 zoom_role_membership objects"),
        "{run}"
    );
    assert!(out.contains("Set limit = 5"), "{run}");
    assert_eq!(
        ws.read("m.tf")
            .matches("resource \"zoom_role_membership\"")
            .count(),
        4,
        "{}",
        ws.read("m.tf")
    );
}

cases![
    tf role_list_shows_the_manageable_roles_with_their_privileges,
    tf membership_list_filters_by_role_and_warns_past_its_limit,
];
