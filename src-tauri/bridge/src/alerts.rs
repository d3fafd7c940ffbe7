//! Admin alerts about dead letters: a note in the configured Odoo user's inbox and a JSON POST
//! to a webhook (Slack-compatible `text`). At most one alert per window: the first dead letter
//! is announced at once, the ones after it in one summary when the window has passed.
//! Alerts are stored first and delivered per channel until each succeeds, so an alert raised
//! while Odoo is down still reaches the webhook at once and Odoo when it is back.

use crate::worker::{Shared, now_ms};
use crm_core::store::inbox::{Alert, InboxMessage};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// What an alert about `dead` says: `(subject, body)`.
pub fn compose(dead: &[InboxMessage]) -> (String, String) {
    const LISTED: usize = 10;
    let subject = match dead.len() {
        1 => "crm-bridge: a WhatsApp message could not reach Odoo".to_owned(),
        n => format!("crm-bridge: {n} WhatsApp messages could not reach Odoo"),
    };
    let mut lines = Vec::new();
    for m in dead.iter().take(LISTED) {
        lines.push(format!(
            "#{} from {} (WhatsApp id {}), {} attempts: {}",
            m.id,
            m.sender,
            m.wamid,
            m.attempts,
            m.last_error.as_deref().unwrap_or("unknown error")
        ));
    }
    if dead.len() > LISTED {
        lines.push(format!("… and {} more", dead.len() - LISTED));
    }
    lines.push(
        "They are kept as dead letters. Once the cause is fixed, run `crm-bridge dead-letters \
         replay --all` (or `--id N`) to deliver them."
            .into(),
    );
    (subject, lines.join("\n"))
}

/// Whether a new alert may be raised at `now` (the rate limit).
pub fn may_raise(last_alert_at: Option<i64>, now: i64, window: Duration) -> bool {
    last_alert_at.is_none_or(|last| now - last >= window.as_millis() as i64)
}

/// Raises and delivers alerts until `stop` turns true. `tick` is how often it looks.
pub async fn run(shared: Arc<Shared>, mut stop: watch::Receiver<bool>, tick: Duration) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let mut next_try: HashMap<i64, i64> = HashMap::new();
    loop {
        raise(&shared);
        deliver(&shared, &http, &mut next_try).await;
        tokio::select! {
            () = tokio::time::sleep(tick) => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            break;
        }
    }
}

fn raise(shared: &Shared) {
    #[allow(
        clippy::expect_used,
        reason = "a poisoned lock means a panic already happened"
    )]
    let mut inbox = shared.inbox.lock().expect("inbox lock");
    let now = now_ms();
    let window = Duration::from_secs(shared.config.alerts.window_secs);
    let result = (|| -> Result<(), crm_core::store::Error> {
        let dead = inbox.unalerted_dead()?;
        if dead.is_empty() || !may_raise(inbox.last_alert_at()?, now, window) {
            return Ok(());
        }
        let (subject, body) = compose(&dead);
        let ids: Vec<i64> = dead.iter().map(|m| m.id).collect();
        inbox.raise_alert(&subject, &body, &ids, now)?;
        shared.metrics.alerts.inc();
        tracing::error!("{subject}");
        Ok(())
    })();
    if let Err(e) = result {
        tracing::error!("could not record an alert: {e}");
    }
}

async fn deliver(shared: &Shared, http: &reqwest::Client, next_try: &mut HashMap<i64, i64>) {
    let alerts = &shared.config.alerts;
    let to_odoo = !alerts.odoo_user.trim().is_empty();
    let to_webhook = !alerts.webhook_url.trim().is_empty();
    if !to_odoo && !to_webhook {
        return;
    }
    let pending = {
        #[allow(
            clippy::expect_used,
            reason = "a poisoned lock means a panic already happened"
        )]
        let inbox = shared.inbox.lock().expect("inbox lock");
        inbox
            .undelivered_alerts(to_odoo, to_webhook)
            .unwrap_or_default()
    };
    let now = now_ms();
    for alert in pending {
        if next_try.get(&alert.id).is_some_and(|at| *at > now) {
            continue;
        }
        let mut errors = Vec::new();
        let odoo_done = alert.odoo_done || !to_odoo || {
            match send_to_odoo(shared, &alert).await {
                Ok(()) => true,
                Err(e) => {
                    errors.push(format!("Odoo: {e}"));
                    false
                }
            }
        };
        let webhook_done = alert.webhook_done || !to_webhook || {
            match send_to_webhook(http, &alerts.webhook_url, &alert).await {
                Ok(()) => true,
                Err(e) => {
                    errors.push(format!("webhook: {e}"));
                    false
                }
            }
        };
        let error = (!errors.is_empty()).then(|| errors.join("; "));
        if error.is_none() {
            next_try.remove(&alert.id);
        }
        if let Some(e) = &error {
            tracing::warn!(alert = alert.id, "alert not delivered yet: {e}");
            // 5 s, 10 s, … up to 5 min between tries.
            let delay = 5_000_i64 * (1_i64 << alert.attempts.min(6));
            next_try.insert(alert.id, now + delay.min(300_000));
        }
        #[allow(
            clippy::expect_used,
            reason = "a poisoned lock means a panic already happened"
        )]
        let inbox = shared.inbox.lock().expect("inbox lock");
        if let Err(e) = inbox.alert_attempted(
            alert.id,
            odoo_done,
            webhook_done,
            error.as_deref(),
            now_ms(),
        ) {
            tracing::error!("could not record an alert delivery: {e}");
        }
    }
}

async fn send_to_odoo(shared: &Shared, alert: &Alert) -> Result<(), String> {
    let linked = shared.linked().await.map_err(|e| e.to_string())?;
    let user = linked
        .alert_user
        .ok_or_else(|| "alerts.odoo_user names no Odoo user".to_owned())?;
    linked
        .client
        .notify_user(user, &alert.subject, &alert.body)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

async fn send_to_webhook(http: &reqwest::Client, url: &str, alert: &Alert) -> Result<(), String> {
    let body = json!({
        "text": format!("{}\n{}", alert.subject, alert.body),
        "subject": alert.subject,
        "body": alert.body,
        "dead_letters": alert.message_ids,
        "raised_at_ms": alert.created_at,
    });
    let response = http
        .post(url)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("answered {}", response.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::store::inbox::MessageState;

    fn dead(id: i64) -> InboxMessage {
        InboxMessage {
            id,
            wamid: format!("wamid.{id}"),
            sender: "971501234567".into(),
            received_at: 0,
            payload: "{}".into(),
            state: MessageState::Dead,
            attempts: 3,
            last_error: Some("Odoo at http://x cannot be reached".into()),
            error_kind: Some("offline".into()),
            lead_id: None,
            odoo_message_id: None,
        }
    }

    #[test]
    fn one_alert_per_window() {
        let window = Duration::from_secs(600);
        assert!(
            may_raise(None, 0, window),
            "the first failure is announced at once"
        );
        assert!(
            !may_raise(Some(1_000), 500_000, window),
            "then the window holds the rest"
        );
        assert!(
            may_raise(Some(1_000), 601_000, window),
            "and a summary follows it"
        );
    }

    #[test]
    fn summaries_count_list_and_say_what_to_do() {
        let (subject, body) = compose(&[dead(1)]);
        assert_eq!(
            subject,
            "crm-bridge: a WhatsApp message could not reach Odoo"
        );
        assert!(body.contains("#1 from 971501234567 (WhatsApp id wamid.1), 3 attempts"));
        assert!(
            body.contains("dead-letters replay"),
            "says how to recover: {body}"
        );
        let many: Vec<_> = (1..=12).map(dead).collect();
        let (subject, body) = compose(&many);
        assert_eq!(
            subject,
            "crm-bridge: 12 WhatsApp messages could not reach Odoo"
        );
        assert!(body.contains("… and 2 more"), "{body}");
    }
}
