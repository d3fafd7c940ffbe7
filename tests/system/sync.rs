//! Accounts, sync and offline edits through the headless CLI, end to end: the real binary,
//! the session's real keyring, odoo-sim on a loopback port.

use crate::keyring::private_keyring;
use crate::support::TestData;
use crate::support::sim::{
    ADMIN_KEY, SALES1_KEY, Sim, add_account, add_account_with, json_of, text,
};
use crm_core::crm::LeadStatus;
use crm_core::odoo::{Context, Domain, Page};
use crm_core::secrets::SecretStore;
use serde_json::{Value, json};
use std::io::BufRead;
use std::process::Stdio;

/// Every file under `dir`, read as bytes.
fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
    out
}

#[test]
fn accounts_sync_and_edits_through_the_cli_end_to_end() {
    if !private_keyring() {
        return;
    }
    let sim = Sim::start(odoo_sim::Seed::Demo);
    let data = TestData::new();
    let seen = std::cell::RefCell::new(String::new());
    let run = |args: &[&str]| {
        let out = data.run(args);
        seen.borrow_mut().push_str(&text(&out));
        out
    };

    let added = add_account(&data, &sim.url(), "sales1", SALES1_KEY);
    assert!(added.status.success(), "account add: {}", text(&added));
    seen.borrow_mut().push_str(&text(&added));
    let account = json_of(&added);
    assert_eq!(account["login"], "sales1");
    assert_eq!(account["isCurrent"], true);
    let list = json_of(&run(&["account", "list", "--json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(1));

    let synced = json_of(&run(&["sync", "--once", "--json"]));
    let server = sim.client("sales1", SALES1_KEY);
    let visible = sim
        .block_on(server.search("crm.lead", &Domain::All, &Page::default(), &Context::sync()))
        .expect("server ids");
    assert_eq!(
        synced["report"]["leads_pulled"].as_u64(),
        Some(visible.len() as u64),
        "the first sync reads every lead the rep may see: {synced}"
    );
    let leads = json_of(&run(&["leads", "--json"]));
    assert_eq!(leads.as_array().map(Vec::len), Some(visible.len()));

    // Search by phone digits, whatever the formatting.
    let with_phone = leads
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|l| l["phone"].as_str().is_some_and(|p| p.contains(' ')))
        })
        .expect("a lead with a formatted phone")
        .clone();
    let digits: String = with_phone["phone"]
        .as_str()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let found = json_of(&run(&[
        "leads",
        "--search",
        &digits[digits.len() - 7..],
        "--json",
    ]));
    assert!(
        found
            .as_array()
            .is_some_and(|a| a.iter().any(|l| l["id"] == with_phone["id"])),
        "digits match regardless of spaces: {digits}"
    );

    let open: Vec<i64> = leads
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|l| l["status"] == "open" && !l["salesperson"].is_null())
                .filter_map(|l| l["id"].as_i64())
                .collect()
        })
        .unwrap_or_default();
    assert!(open.len() >= 3, "sales1 has open leads in the demo");
    let (a, b, c) = (
        open[0].to_string(),
        open[1].to_string(),
        open[2].to_string(),
    );
    run(&[
        "lead",
        "edit",
        &a,
        "--stage",
        "Proposition",
        "--priority",
        "3",
        "--revenue",
        "12500",
    ]);
    run(&["lead", "note", &a, "Visited: wants a quote by Sunday"]);
    run(&["lead", "won", &b]);
    run(&["lead", "lost", &c, "--reason", "1"]);
    let created = json_of(&run(&[
        "lead",
        "new",
        "--name",
        "Walk-in: Omar",
        "--phone",
        "+971 50 111 2222",
        "--json",
    ]));
    let key = created["key"].as_str().expect("client key").to_owned();
    let pending = json_of(&run(&["pending", "--json"]));
    assert_eq!(
        pending.as_array().map(Vec::len),
        Some(5),
        "five edits wait: {pending}"
    );

    let pushed = json_of(&run(&["sync", "--once", "--json"]));
    assert_eq!(pushed["status"]["pending"], 0, "{pushed}");
    let id = |s: &str| s.parse::<i64>().expect("id");
    let read = |lead: i64| {
        sim.block_on(server.leads_by_id(&[lead], &Context::sync()))
            .expect("read")
            .into_iter()
            .next()
            .expect("lead exists")
    };
    let la = read(id(&a));
    assert_eq!(la.stage.map(|s| s.name), Some("Proposition".into()));
    assert_eq!((la.priority, la.expected_revenue), (3, 12500.0));
    assert_eq!(read(id(&b)).status, LeadStatus::Won);
    assert_eq!(read(id(&c)).status, LeadStatus::Lost);
    let notes = sim
        .block_on(server.lead_messages(id(&a), 5))
        .expect("messages");
    assert!(notes.iter().any(|m| m.body.contains("wants a quote")));
    let by_key = json_of(&run(&["leads", "--search", "Omar", "--json"]));
    let new_id = by_key[0]["id"].as_i64().expect("id");
    assert!(new_id > 0, "the lead created offline now has its Odoo id");
    assert_eq!(by_key[0]["clientKey"], key.as_str());
    run(&["lead", "edit", &key, "--email", "omar@example.com"]);

    // A conflict: the same field changed in Odoo and here.
    let admin = sim.client("admin", ADMIN_KEY);
    let mut v = serde_json::Map::new();
    v.insert("priority".into(), json!("1"));
    sim.block_on(admin.write("crm.lead", &[id(&a)], v, &Context::default()))
        .expect("server write");
    run(&["lead", "edit", &a, "--priority", "2"]);
    run(&["sync", "--once"]);
    let conflicts = json_of(&run(&["conflicts", "--json"]));
    assert_eq!(conflicts.as_array().map(Vec::len), Some(1), "{conflicts}");
    assert_eq!(conflicts[0]["conflicts"][0]["subject"], "priority");
    assert_eq!(conflicts[0]["conflicts"][0]["mine"], "2★");
    assert_eq!(conflicts[0]["conflicts"][0]["theirs"], "1★");
    let conflict_id = conflicts[0]["id"].as_i64().expect("id").to_string();
    run(&["conflicts", "resolve", &conflict_id, "--keep", "mine"]);
    run(&["sync", "--once"]);
    assert_eq!(read(id(&a)).priority, 2, "kept mine reached Odoo");
    assert_eq!(
        read(new_id).email.as_deref(),
        Some("omar@example.com"),
        "the client key names the lead after its push"
    );

    // Errors are one clear line and exit 1.
    let bad = data
        .command(&["lead", "edit", "999999", "--name", "x"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("999999"));

    // The key never touched the disk, the logs or the output.
    for (path, bytes) in files_under(&data.data_dir()) {
        assert!(
            !bytes
                .windows(SALES1_KEY.len())
                .any(|w| w == SALES1_KEY.as_bytes()),
            "the API key leaked into {}",
            path.display()
        );
    }
    assert!(
        !seen.borrow().contains(SALES1_KEY),
        "the API key leaked into the CLI output"
    );

    // Removing the account removes its key and its cache.
    let keyring = crm_desk_lib::os_keyring::OsKeyring::new("io.crmdesk.desk");
    let entry = format!("sales1@{} (demo)", sim.url());
    assert!(
        keyring.get(&entry).expect("keyring").is_some(),
        "the key is in the OS keyring"
    );
    run(&["account", "remove", &account["id"].to_string()]);
    assert!(
        keyring.get(&entry).expect("keyring").is_none(),
        "removal deletes the keyring entry"
    );
    let after = data.command(&["leads"]).output().expect("runs");
    assert_eq!(after.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&after.stderr).contains("account add"),
        "says what to do"
    );
}

#[test]
fn edits_made_offline_wait_in_the_outbox_and_push_later() {
    if !private_keyring() {
        return;
    }
    let sim = Sim::start(odoo_sim::Seed::Demo);
    let data = TestData::new();
    assert!(
        add_account(&data, &sim.url(), "sales1", SALES1_KEY)
            .status
            .success()
    );
    data.run(&["sync", "--once"]);
    let leads = json_of(&data.run(&["leads", "--json"]));
    let lead = leads[0]["id"].as_i64().expect("id").to_string();

    sim.faults(json!({"drop_rate": 1.0}));
    data.run(&["lead", "edit", &lead, "--name", "Edited on the plane"]);
    let offline = data.command(&["sync", "--once"]).output().expect("runs");
    assert_eq!(offline.status.code(), Some(1), "{}", text(&offline));
    let stderr = String::from_utf8_lossy(&offline.stderr);
    let last = stderr.trim().lines().last().unwrap_or_default();
    assert!(
        last.contains("cannot be reached"),
        "says Odoo cannot be reached: {stderr}"
    );
    let pending = json_of(&data.run(&["pending", "--json"]));
    assert_eq!(
        pending[0]["state"], "pending",
        "the edit is kept: {pending}"
    );
    let shown = json_of(&data.run(&["leads", "--search", "plane", "--json"]));
    assert_eq!(
        shown[0]["pending"], 1,
        "the cache shows the edit, marked as not in Odoo yet"
    );

    sim.faults(json!({}));
    data.run(&["sync", "--once"]);
    let server = sim.client("sales1", SALES1_KEY);
    let read = sim
        .block_on(server.leads_by_id(&[lead.parse().expect("id")], &Context::sync()))
        .expect("read");
    assert_eq!(read[0].name, "Edited on the plane");

    // Opening a lead fetches its chatter, which then stays readable offline.
    data.run(&["lead", "note", &lead, "Landed, calling back"]);
    data.run(&["sync", "--once"]);
    let online = json_of(&data.run(&["lead", "show", &lead, "--json"]));
    assert_eq!(online["offline"], false);
    let has_note = |v: &Value| {
        v["messages"].as_array().is_some_and(|m| {
            m.iter()
                .any(|m| m["text"] == "Landed, calling back" && m["pending"] == false)
        })
    };
    assert!(
        has_note(&online),
        "the pushed note comes back from Odoo: {online}"
    );
    sim.faults(json!({"drop_rate": 1.0}));
    let cached = json_of(&data.run(&["lead", "show", &lead, "--json"]));
    assert_eq!(cached["offline"], true);
    assert!(
        has_note(&cached),
        "offline, the kept chatter is shown: {cached}"
    );
}

#[test]
fn a_killed_sync_resumes_where_it_stopped() {
    if !private_keyring() {
        return;
    }
    let sim = Sim::start(odoo_sim::Seed::Synthetic(20_000));
    let data = TestData::new();
    assert!(
        add_account(&data, &sim.url(), "admin", ADMIN_KEY)
            .status
            .success()
    );
    sim.faults(json!({"latency_ms": 30}));
    let mut child = data
        .command(&["sync", "--once"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.expect("line");
        // "leads: 2000/20000": well into the pull.
        if let Some(done) = line
            .strip_prefix("leads: ")
            .and_then(|r| r.split('/').next())
            .and_then(|n| n.parse::<u32>().ok())
            && done >= 2000
        {
            break;
        }
    }
    child.kill().expect("kill -9 the sync");
    let _ = child.wait();
    sim.faults(json!({}));
    let stored: usize = json_of(&data.run(&["leads", "--json"]))
        .as_array()
        .map_or(0, Vec::len);
    assert!(
        (1000..20_000).contains(&stored),
        "pages were committed before the kill: {stored}"
    );

    let resumed = json_of(&data.run(&["sync", "--once", "--json"]));
    let read = resumed["report"]["leads_pulled"]
        .as_u64()
        .unwrap_or(u64::MAX);
    assert!(
        read <= 20_000 - stored as u64 + crm_core::sync::engine::PAGE_SIZE as u64,
        "the next sync resumed after the last stored page ({read} read, {stored} kept)"
    );
    let all = json_of(&data.run(&["leads", "--json"]));
    let mut ids: Vec<i64> = all
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["id"].as_i64()).collect())
        .unwrap_or_default();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!((n, ids.len()), (20_000, 20_000), "no gaps, no duplicates");
}

#[test]
fn adding_an_account_without_a_keyring_is_a_clear_error_and_keeps_nothing() {
    let sim = Sim::start(odoo_sim::Seed::Empty);
    let data = TestData::new();
    let out = add_account_with(
        &data,
        &sim.url(),
        "sales1",
        SALES1_KEY,
        &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("keyring") && stderr.contains("unlock"),
        "says there is no usable keyring and what to do: {stderr}"
    );
    assert!(!text(&out).contains(SALES1_KEY));
    let list = json_of(&data.run(&["account", "list", "--json"]));
    assert_eq!(list, json!([]), "nothing was kept without the key");
    for (path, bytes) in files_under(&data.data_dir()) {
        assert!(
            !bytes
                .windows(SALES1_KEY.len())
                .any(|w| w == SALES1_KEY.as_bytes()),
            "never a plaintext fallback: the key is in {}",
            path.display()
        );
    }
}
