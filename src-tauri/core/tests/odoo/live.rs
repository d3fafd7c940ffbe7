//! The connector contract against a real Odoo. Set ODOO_URL, ODOO_DB, ODOO_LOGIN and
//! ODOO_API_KEY to run it; it creates one lead named "crm-desk connector test" and deletes it.

use crate::*;
use crm_core::odoo::{Client, Context, Domain, ErrorKind, Page};
use serde_json::json;

fn live() -> Option<crm_core::odoo::Credentials> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (
        var("ODOO_URL"),
        var("ODOO_DB"),
        var("ODOO_LOGIN"),
        var("ODOO_API_KEY"),
    ) {
        (Some(url), Some(db), Some(login), Some(key)) => {
            let mut creds = credentials(&url, &login, &key);
            creds.database = db;
            Some(creds)
        }
        _ => {
            eprintln!(
                "skipped: live Odoo tests need ODOO_URL, ODOO_DB, ODOO_LOGIN and ODOO_API_KEY"
            );
            None
        }
    }
}

#[tokio::test]
async fn live_odoo_contract() {
    let Some(creds) = live() else { return };
    let odoo = Client::connect(&creds, fast())
        .await
        .expect("connects to the live Odoo");
    eprintln!(
        "live Odoo {} over {:?}, uid {}",
        odoo.version(),
        odoo.transport(),
        odoo.uid()
    );
    let ctx = Context::default();
    let stages = odoo
        .search_read(
            "crm.stage",
            &Domain::All,
            &["name", "sequence"],
            &Page::default(),
            &ctx,
        )
        .await
        .expect("stages");
    assert!(!stages.is_empty(), "a CRM database has stages");
    let values = json!({"name": "crm-desk connector test", "type": "opportunity"})
        .as_object()
        .cloned()
        .expect("object");
    let id = odoo.create("crm.lead", values, &ctx).await.expect("create");
    let rows = odoo
        .read("crm.lead", &[id], &["name", "write_date"], &ctx)
        .await
        .expect("read");
    assert_eq!(
        rows[0].text("name").as_deref(),
        Some("crm-desk connector test")
    );
    odoo.unlink("crm.lead", &[id], &ctx).await.expect("unlink");
    let mut bad = creds.clone();
    bad.secret = crm_core::secret::Secret::new("definitely-not-a-key");
    let err = Client::connect(&bad, fast()).await.expect_err("bad key");
    assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
}
