//! The deployment files: the systemd unit passes `systemd-analyze verify`
//! (Debian's systemd package; no running systemd needed). nginx's example is
//! run for real by the Playwright suite (scripts/serve-tls).

use std::process::Command;

#[test]
fn the_systemd_unit_verifies() {
    let unit = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../deploy/usos-gateway.service"
    ))
    .unwrap();
    for needed in [
        "DynamicUser=yes",
        "ProtectSystem=strict",
        "StateDirectory=usos-gateway",
        "LoadCredential=vapid-key:",
        "USOS_GATEWAY_VAPID_KEY_FILE=%d/vapid-key",
        "USOS_GATEWAY_DATABASE_URL=sqlite:///var/lib/usos-gateway/",
    ] {
        assert!(unit.contains(needed), "the unit lacks {needed}");
    }
    // ExecStart pointed at this build: verify checks that it exists.
    let unit = unit.replace(
        "/usr/local/bin/usos-gateway",
        env!("CARGO_BIN_EXE_usos-gateway"),
    );
    let dir = std::env::temp_dir().join(format!("gateway-unit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("usos-gateway.service");
    std::fs::write(&path, unit).unwrap();
    let output = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&path)
        .output()
        .expect("systemd-analyze (Debian's systemd package; scripts/setup --test installs it)");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{said}");
    assert!(!said.contains("usos-gateway.service:"), "{said}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_vapid_key_made_as_the_documents_say_is_read() {
    let dir = std::env::temp_dir().join(format!("gateway-vapid-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sec1 = dir.join("vapid.pem");
    let pkcs8 = dir.join("vapid-pkcs8.pem");
    // docs/running-at-a-university.md, "Notifications with the page closed".
    let made = Command::new("openssl")
        .args([
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
        ])
        .arg(&sec1)
        .status()
        .expect("openssl (scripts/setup --test installs it)");
    assert!(made.success());
    let made = Command::new("openssl")
        .args([
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
        ])
        .arg(&pkcs8)
        .status()
        .unwrap();
    assert!(made.success());
    for file in [&sec1, &pkcs8] {
        let pem = std::fs::read_to_string(file).unwrap();
        let key = usos_gateway::push::vapid::VapidKey::from_pem(&pem).unwrap();
        assert_eq!(key.public_key().len(), 87);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
