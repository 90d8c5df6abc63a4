//! Generates the gRPC/protobuf code from `proto/` with a vendored `protoc`, so building
//! modempool needs no system package.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "proto/modempool/v1/sms.proto",
        "proto/modempool/v1/simulator.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    // Hand the vendored protoc to prost-build directly: setting PROTOC in the environment
    // would need `set_var`, which is unsafe in edition 2024.
    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    tonic_prost_build::configure().compile_with_config(config, &protos, &["proto"])?;
    Ok(())
}
