use crate::*;
use crm_core::odoo::{Client, ErrorKind, Transport, TransportChoice};

#[tokio::test]
async fn detects_version_and_transport_for_every_served_version() {
    for version in VERSIONS {
        let sim = sim(version).await;
        let client = admin(&sim).await;
        assert_eq!(client.version().to_string(), version);
        let expected = if version == "19.0" {
            Transport::Json2
        } else {
            Transport::JsonRpc
        };
        assert_eq!(
            client.transport(),
            expected,
            "{version}: JSON-2 from 19, JSON-RPC before"
        );
        assert_eq!(client.uid(), 2, "{version}: admin's uid");
    }
}

#[tokio::test]
async fn json_rpc_can_be_forced_on_19() {
    let sim = sim("19.0").await;
    let mut options = fast();
    options.transport = TransportChoice::Force(Transport::JsonRpc);
    let client = Client::connect(&credentials(&sim.url(), "sales1", SALES1_KEY), options)
        .await
        .expect("connects");
    assert_eq!((client.transport(), client.uid()), (Transport::JsonRpc, 3));
}

#[tokio::test]
async fn authentication_failures_are_auth_errors_on_both_transports() {
    for version in ["18.0", "19.0"] {
        let sim = sim(version).await;
        let bad = Client::connect(&credentials(&sim.url(), "admin", "not-a-key"), fast())
            .await
            .expect_err("bad key");
        assert_eq!(bad.kind(), ErrorKind::Auth, "{version}: {bad}");
        assert!(
            bad.to_string().contains("new API key"),
            "the message tells the rep what to do: {bad}"
        );
        let blank = Client::connect(&credentials(&sim.url(), "admin", "  "), fast())
            .await
            .expect_err("blank");
        assert_eq!(blank.kind(), ErrorKind::Auth);
    }
    let sim = sim("19.0").await;
    let wrong_owner = Client::connect(&credentials(&sim.url(), "sales2", SALES1_KEY), fast())
        .await
        .expect_err("someone else's key");
    assert_eq!(wrong_owner.kind(), ErrorKind::Auth);
    assert!(wrong_owner.to_string().contains("sales1"), "{wrong_owner}");
}

#[tokio::test]
async fn unreachable_and_wrong_database() {
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("port");
        listener.local_addr().expect("addr").port()
    };
    let err = Client::connect(
        &credentials(&format!("http://127.0.0.1:{dead}"), "admin", ADMIN_KEY),
        fast(),
    )
    .await
    .expect_err("nothing listens");
    assert_eq!(err.kind(), ErrorKind::Offline, "{err}");
    for version in ["18.0", "19.0"] {
        let sim = sim(version).await;
        let mut creds = credentials(&sim.url(), "admin", ADMIN_KEY);
        creds.database = "nope".into();
        let err = Client::connect(&creds, fast())
            .await
            .expect_err("wrong database");
        assert_eq!(err.kind(), ErrorKind::Unsupported, "{version}: {err}");
        assert!(
            err.to_string().contains("nope"),
            "the message names the database: {err}"
        );
    }
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let sim = sim_with("19.0", |o| o.faults = true).await;
    let mut options = fast();
    options.timeout = std::time::Duration::from_millis(300);
    let client = Client::connect(&credentials(&sim.url(), "admin", ADMIN_KEY), options)
        .await
        .expect("connects");
    sim.sim
        .faults
        .as_ref()
        .expect("faults")
        .set(serde_json::from_str(r#"{"latency_ms": 1000}"#).expect("plan"))
        .expect("set");
    let err = client
        .search_count(
            "crm.lead",
            &crm_core::odoo::Domain::All,
            &Default::default(),
        )
        .await
        .expect_err("too slow");
    assert_eq!(
        err.kind(),
        ErrorKind::Offline,
        "a timeout counts as offline for the rep: {err}"
    );
}

#[tokio::test]
async fn tls_to_a_plain_http_server_is_a_tls_error() {
    let sim = sim("19.0").await;
    let url = sim.url().replace("http://", "https://");
    let err = Client::connect(&credentials(&url, "admin", ADMIN_KEY), fast())
        .await
        .expect_err("no TLS there");
    assert!(
        matches!(err, crm_core::odoo::Error::Tls(_)),
        "a failed handshake is reported as TLS: {err:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Offline);
}

#[tokio::test]
async fn a_server_that_is_not_odoo_is_a_protocol_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = socket.read(&mut buf).await;
            let body = "<html>hello, I am a router</html>";
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    let err = Client::connect(&credentials(&url, "admin", ADMIN_KEY), fast())
        .await
        .expect_err("not Odoo");
    assert_eq!(err.kind(), ErrorKind::Protocol, "{err}");
}
