//! Certificates for the TLS tests, made fresh by rcgen: a CA, a server leaf and a client
//! leaf.

/// A CA, a server certificate for 127.0.0.1 and a client certificate, all PEM.
pub struct Pki {
    /// The CA's certificate.
    pub ca: String,
    /// The server's certificate and key (for 127.0.0.1 and localhost).
    pub server: (String, String),
    /// A client's certificate and key.
    pub client: (String, String),
}

/// A fresh CA with its two leaves.
pub fn pki() -> Pki {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("a CA key"))
        .expect("the CA");
    let leaf = |names: Vec<String>| {
        let key = KeyPair::generate().expect("a key");
        let params = CertificateParams::new(names).expect("leaf parameters");
        let cert = params.signed_by(&key, &ca).expect("a leaf certificate");
        (cert.pem(), key.serialize_pem())
    };
    Pki {
        ca: ca.pem(),
        server: leaf(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]),
        client: leaf(vec!["backend.client".to_owned()]),
    }
}
