//! A managed `zoom_role` as zoom-sim holds it: its description and privileges are what the
//! configuration says after create, after an update in place (and import reads the same),
//! and after an apply repairs a change made outside Terraform.

use crate::support::sim::Zoom;
use crate::support::steps::{Step, Steps};
use crate::support::terraform::{required_providers, Terraform};

fn config(zoom: &Zoom, description: &str, privileges: &[&str]) -> String {
    let privileges: Vec<String> = privileges.iter().map(|p| format!("\"{p}\"")).collect();
    format!(
        "{}\n{}\nresource \"zoom_role\" \"r\" {{\n  name        = \"Auditors\"\n  description = \"{description}\"\n  privileges  = [{}]\n}}\n",
        required_providers(),
        zoom.provider_block(),
        privileges.join(", ")
    )
}

/// Panics unless zoom-sim's role Auditors has this description and these privileges.
fn assert_held(zoom: &Zoom, description: &str, privileges: &[&str]) {
    let state = zoom.sim.state();
    let role = &state
        .roles
        .iter()
        .find(|r| r.role.name == "Auditors")
        .expect("Auditors exists in zoom-sim")
        .role;
    let mut held = role.privileges.clone();
    held.sort();
    let mut want: Vec<String> = privileges.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(
        (role.description.as_str(), held),
        (description, want),
        "Auditors in zoom-sim"
    );
}

fn description_and_privileges_reach_zoom_on_create_update_and_repair(tf: &Terraform) {
    let zoom = crate::support::sim::zoom(2);
    let zoom = &zoom;
    let both = ["User:Read", "Report:Read"];
    Steps::new(tf)
        .step(
            Step::apply(config(zoom, "Reads reports", &["Report:Read"]))
                .check(|_| assert_held(zoom, "Reads reports", &["Report:Read"])),
        )
        .step(
            Step::apply(config(zoom, "Reads users and reports", &both))
                .check(|_| assert_held(zoom, "Reads users and reports", &both))
                .import_verify("zoom_role.r", |ws| {
                    ws.resource_values("zoom_role.r").unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_string()
                }),
        )
        .step(
            // Someone edits the role in Zoom; the apply puts it back.
            Step::apply(config(zoom, "Reads users and reports", &both))
                .before(|_| {
                    let id = zoom.role_id_by_name("Auditors").unwrap();
                    zoom.update_role(
                        &id,
                        serde_json::json!({"description": "edited in Zoom", "privileges": ["User:Edit"]}),
                    );
                    assert_held(zoom, "edited in Zoom", &["User:Edit"]);
                })
                .check(|_| assert_held(zoom, "Reads users and reports", &both)),
        )
        .run();
}

cases![tf description_and_privileges_reach_zoom_on_create_update_and_repair];
