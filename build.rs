//! Generates the gRPC/protobuf code from `proto/` with a vendored `protoc`, so building
//! modempool needs no system package.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "proto/modempool/v1/sms.proto",
        "proto/modempool/v1/simulator.proto",
        "proto/modempool/v1/pool.proto",
        "proto/modempool/v1/admin.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    // Hand the vendored protoc to prost-build directly: setting PROTOC in the environment
    // would need `set_var`, which is unsafe in edition 2024.
    let mut config = tonic_prost_build::Config::new();
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    // The descriptor set is served by gRPC reflection, so grpcurl and other generic clients
    // work without the .proto files.
    let descriptor = std::path::PathBuf::from(std::env::var("OUT_DIR")?).join("modempool.bin");
    tonic_prost_build::configure()
        .file_descriptor_set_path(descriptor)
        .compile_with_config(config, &protos, &["proto"])?;
    Ok(())
}
