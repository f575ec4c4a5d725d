//! Generates the gRPC code for Terraform's plugin protocol and go-plugin's services from
//! `proto/`, with protox instead of a system protoc so a fresh machine can build.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "proto/tfplugin6.proto",
        "proto/grpc_controller.proto",
        "proto/grpc_stdio.proto",
        "proto/grpc_broker.proto",
    ];
    for f in &files {
        println!("cargo:rerun-if-changed={f}");
    }
    let fds = protox::compile(files, ["proto"])?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(fds)?;
    Ok(())
}
