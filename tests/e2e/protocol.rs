//! A plugin-protocol path only Terraform takes: UpgradeResourceState with state in the
//! pre-0.12 flatmap form, which the provider refuses with a diagnostic (and changes nothing
//! in Zoom).

use crate::support::sim::{zoom, Zoom};
use crate::support::terraform::{required_providers, Terraform, Workspace, PROVIDER_SOURCE};

fn one_role(zoom: &Zoom) -> String {
    format!(
        "{}\n{}\nresource \"zoom_role\" \"r\" {{\n  name       = \"Auditors\"\n  privileges = [\"User:Read\"]\n}}\n",
        required_providers(),
        zoom.provider_block()
    )
}

fn flatmap_state_is_refused_with_a_diagnostic(tf: &Terraform) {
    let zoom = zoom(2);
    let id = zoom.create_role("Auditors", &["User:Read"]);
    let ws = Workspace::new(tf);
    ws.config(&one_role(&zoom));
    // State as Terraform 0.11 kept it: attributes as a flat string map.
    let state = serde_json::json!({
        "version": 4,
        "terraform_version": "1.0.0",
        "serial": 1,
        "lineage": "8d6c2a0e-5a5b-4c1c-9d63-3f1f0d3b9f10",
        "outputs": {},
        "resources": [{
            "mode": "managed",
            "type": "zoom_role",
            "name": "r",
            "provider": format!("provider[\"registry.terraform.io/{PROVIDER_SOURCE}\"]"),
            "instances": [{
                "schema_version": 0,
                "attributes_flat": {
                    "id": id,
                    "name": "Auditors",
                    "privileges.#": "1",
                    "privileges.0": "User:Read"
                }
            }]
        }]
    });
    ws.file("terraform.tfstate", &state.to_string());
    ws.init();
    zoom.reset_stats();
    let run = ws.plan().failed_cleanly("flatmap state");
    assert!(
        run.diagnostic("Upgrading flatmap state is not supported")
            .is_some(),
        "{run}"
    );
    assert_eq!(
        zoom.mutations(),
        Default::default(),
        "nothing changed in Zoom"
    );
}

cases![tf flatmap_state_is_refused_with_a_diagnostic];
