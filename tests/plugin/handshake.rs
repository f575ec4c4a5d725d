//! The go-plugin contract, tested by starting the real binary as Terraform does: the
//! handshake line, AutoMTLS that admits only Terraform's client certificate, health,
//! controller shutdown, and the explanation shown to a person who runs it by hand.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{start, terraform_like_client_cert};
use terraform_provider_zoom::tfplugin::wire::plugin::grpc_controller_client::GrpcControllerClient;
use terraform_provider_zoom::tfplugin::wire::plugin::Empty;
use terraform_provider_zoom::tfplugin::wire::tfplugin6::get_provider_schema;
use terraform_provider_zoom::tfplugin::wire::tfplugin6::provider_client::ProviderClient;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

#[test]
fn run_by_hand_it_explains_itself_and_exits_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-zoom"))
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("This binary is a plugin"), "{stderr}");
    assert!(stderr.contains("terraform init"), "{stderr}");
}

#[test]
fn version_flag_prints_the_version() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-zoom"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("terraform-provider-zoom {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn refuses_terraform_without_protocol_6() {
    let out = Command::new(env!("CARGO_BIN_EXE_terraform-provider-zoom"))
        .env(
            "TF_PLUGIN_MAGIC_COOKIE",
            "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
        )
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5")
        .env_remove("TF_LOG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no handshake line");
    assert!(String::from_utf8_lossy(&out.stderr).contains("only version 6"));
}

#[tokio::test]
async fn only_terraforms_client_certificate_gets_in() {
    let terraform_cert = terraform_like_client_cert();
    let plugin = start(Some(&terraform_cert));
    assert!(
        plugin.handshake.starts_with("1|6|unix|"),
        "{}",
        plugin.handshake
    );
    assert!(plugin.handshake.contains("|grpc|"));
    assert!(
        plugin.server_cert.is_some(),
        "AutoMTLS announces a certificate"
    );

    // With Terraform's certificate: health says SERVING and the provider answers.
    let channel = plugin
        .channel(Some(&terraform_cert))
        .await
        .expect("connect");
    let health = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .expect("health check")
        .into_inner();
    assert_eq!(health.status, ServingStatus::Serving as i32);
    let schema = ProviderClient::new(channel)
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .expect("schema")
        .into_inner();
    assert!(schema.provider.is_some());

    // Without a certificate, or with another P-521 certificate: no RPC gets through.
    let stranger = terraform_like_client_cert();
    for (label, cert) in [
        ("no certificate", None),
        ("another certificate", Some(&stranger)),
    ] {
        let result = async {
            let channel = plugin.channel(cert).await?;
            HealthClient::new(channel)
                .check(HealthCheckRequest {
                    service: "plugin".into(),
                })
                .await
                .map_err(|e| e.to_string())
        }
        .await;
        assert!(result.is_err(), "{label} must be refused, got {result:?}");
    }
}

#[tokio::test]
async fn plain_mode_when_tls_is_disabled() {
    let plugin = start(None);
    assert!(plugin.handshake.ends_with("|grpc|"), "{}", plugin.handshake);
    let channel = plugin.channel(None).await.expect("connect");
    let health = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(health.status, ServingStatus::Serving as i32);
}

#[tokio::test]
async fn controller_shutdown_exits_cleanly() {
    let mut plugin = start(None);
    let socket = plugin.socket.clone();
    let channel = plugin.channel(None).await.unwrap();
    GrpcControllerClient::new(channel)
        .shutdown(Empty {})
        .await
        .expect("shutdown");
    // Only a guard against hanging the run: how soon it exits is not this test's business.
    let guard = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = plugin.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < guard, "did not exit after Shutdown");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "{status:?}");
    assert!(
        !std::path::Path::new(&socket).exists(),
        "socket file removed"
    );
}
