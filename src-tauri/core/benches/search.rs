//! Search over 100,000 cached leads (BENCHMARKS.md), run with
//! `cargo bench -p crm-core --bench search`.
//!
//! The cache is a real SQLite file filled with 100,000 leads (Arabic and Latin names,
//! companies, emails, phones of several countries, descriptions). Queries are typed one
//! keystroke at a time, as in the search box: every prefix of a Latin name, an Arabic name,
//! a phone number written in local format, and an email domain. For each keystroke:
//! - the FTS query alone (`Store::count_matching`: the index, no join, no sort),
//! - what the list asks for (`Store::leads`, the 200 most recently updated matches, with the
//!   names of stages, users, etc. joined),
//! - what the kanban asks for (`Store::board`: every stage's count and revenue over all the
//!   matches, and its first 12 cards),
//!
//! side by side with the baselines, the same page of 200 leads and the same board without a
//! search. Words after `--` keep only the searches that contain them.

use crm_core::crm::{Lead, LeadStatus, Ref};
use crm_core::store::{LeadQuery, LeadSort, NewAccount, SortColumn, Store};
use std::time::Instant;

const LEADS: i64 = 100_000;
const REPEAT: usize = 20;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn lead(i: i64) -> Lead {
    const FIRST: &[&str] = &[
        "Mohammed",
        "Ahmed",
        "Fatima",
        "Layla",
        "Omar",
        "Sara",
        "Khalid",
        "Huda",
        "Youssef",
        "Mona",
        "مُحَمَّد",
        "أحمد",
        "فاطمة",
        "ليلى",
        "عمر",
        "سارة",
        "خالد",
        "هدى",
        "يوسف",
        "منى",
    ];
    const LAST: &[&str] = &[
        "Al Otaibi",
        "Haddad",
        "Saleh",
        "Mansour",
        "Nasser",
        "العتيبي",
        "الحداد",
        "صالح",
        "منصور",
        "ناصر",
    ];
    const COMPANY: &[&str] = &[
        "Falcon Logistics",
        "Cairo Digital",
        "Oasis Clinics",
        "شركة النخبة للتجارة",
        "مؤسسة الخليج للمقاولات",
        "Desert Rose Hotels",
        "Nile Foods",
        "Gulf Steel",
    ];
    const TOPIC: &[&str] = &[
        "Solar panels quote",
        "عرض سعر أجهزة",
        "Annual maintenance contract",
        "تدريب الموظفين",
        "Website redesign",
        "طلب تركيب كاميرات",
        "Catering for 200 guests",
        "Fleet tracking",
    ];
    let n = i as usize;
    let first = FIRST[n % FIRST.len()];
    let last = LAST[(n / FIRST.len()) % LAST.len()];
    let company = COMPANY[(n / 3) % COMPANY.len()];
    let phone = match n % 3 {
        0 => format!("+971 50 {:03} {:04}", n % 1000, n % 10_000),
        1 => format!("+966 55 {:03} {:04}", n % 997, n % 9973),
        _ => format!("+20 100 {:03} {:04}", n % 991, n % 9967),
    };
    Lead {
        stage: Some(Ref {
            id: (i % 4) + 1,
            name: String::new(),
        }),
        contact_name: Some(format!("{first} {last}")),
        company_name: Some(company.into()),
        email: Some(format!(
            "contact{n}@{}.example",
            company.split(' ').next().unwrap_or("x").to_lowercase()
        )),
        phone: Some(phone),
        description: Some(format!(
            "Asked about {} on WhatsApp; follow up next week.",
            TOPIC[(n / 5) % TOPIC.len()]
        )),
        expected_revenue: (n % 50_000) as f64,
        probability: 10.0,
        priority: (i % 4) as u8,
        updated_at: Some(time::macros::datetime!(2026-01-01 00:00:00) + time::Duration::minutes(i)),
        ..Lead::blank(i, &format!("{} – {company}", TOPIC[n % TOPIC.len()]))
    }
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("crm-desk.sqlite3")).expect("store");
    let account = store
        .add_account(
            &NewAccount {
                odoo_url: "https://example.odoo.com".into(),
                database: "example".into(),
                login: "rep".into(),
                uid: 2,
                user_name: "Rep".into(),
                partner_id: None,
                server_version: "19.0".into(),
                transport: "json2".into(),
            },
            time::macros::datetime!(2026-11-26 10:00:00),
        )
        .expect("account")
        .id;
    let fill = Instant::now();
    for chunk in (1..=LEADS).collect::<Vec<_>>().chunks(1000) {
        let page: Vec<Lead> = chunk.iter().map(|i| lead(*i)).collect();
        store
            .save_lead_page(account, &page, "2026-11-26 10:00:00", None)
            .expect("page");
    }
    let stored = fill.elapsed();
    let indexing = Instant::now();
    while store.index_search(2_000).expect("index") > 0 {}
    println!(
        "stored {LEADS} leads in {:.1} s, then indexed them for search in {:.1} s ({:.0} µs a lead)",
        stored.as_secs_f64(),
        indexing.elapsed().as_secs_f64(),
        indexing.elapsed().as_secs_f64() * 1e6 / LEADS as f64
    );

    let typed = [
        ("Latin name", "mohammed haddad"),
        ("Arabic name", "محمد الحداد"),
        ("local phone", "055 123"),
        ("email", "falcon"),
        // A word in every lead (all emails end in .example): the worst case, every lead
        // matches (a rep's "شركة", or odoo-sim's "lead" in its seeded names).
        ("every lead", "example"),
    ];
    // The list view's first page in its default order (last updated first).
    let page = |search: Option<String>| LeadQuery {
        search,
        limit: Some(200),
        sort: LeadSort::Column(SortColumn::Updated, false),
        ..LeadQuery::default()
    };
    // The Pipeline screen's default filter: open and won leads, kanban order.
    let kanban = |search: Option<String>| LeadQuery {
        search,
        statuses: vec![LeadStatus::Open, LeadStatus::Won],
        sort: LeadSort::Priority,
        ..LeadQuery::default()
    };
    let mut baseline = Vec::new();
    let mut board_baseline = Vec::new();
    let mut all_fts = Vec::new();
    let mut all_page = Vec::new();
    let mut all_board = Vec::new();
    let mut again = Vec::new();
    // `cargo bench -p crm-core --bench search -- WORD…` types only the searches whose text
    // contains one of the words (for profiling one of them); cargo's own flags are skipped.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (what, text) in typed {
        if !only.is_empty() && !only.iter().any(|w| text.contains(w.as_str())) {
            continue;
        }
        let mut fts = Vec::new();
        let mut full = Vec::new();
        let mut boards = Vec::new();
        let mut matches = 0;
        let chars: Vec<char> = text.chars().collect();
        for n in 1..=chars.len() {
            let prefix: String = chars[..n].iter().collect();
            if prefix.ends_with(' ') {
                continue;
            }
            for _ in 0..REPEAT {
                let t = Instant::now();
                matches = store.count_matching(account, &prefix).expect("count");
                fts.push(t.elapsed().as_secs_f64() * 1000.0);
                let t = Instant::now();
                let found = store
                    .leads(account, &page(Some(prefix.clone())))
                    .expect("search");
                full.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(found);
                let t = Instant::now();
                let plain = store.leads(account, &page(None)).expect("list");
                baseline.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(plain);
                // Each keystroke's first ask: the store keeps recent searches' keys, and a
                // repeat here would be answered from them.
                store.forget_recent_searches();
                let t = Instant::now();
                let board = store
                    .board(account, &kanban(Some(prefix.clone())), 12)
                    .expect("board");
                boards.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(board);
                // The same search asked again (a space before the next word, a backspace).
                let t = Instant::now();
                let board = store
                    .board(account, &kanban(Some(format!("{prefix} "))), 12)
                    .expect("board");
                again.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(board);
                let t = Instant::now();
                let board = store.board(account, &kanban(None), 12).expect("board");
                board_baseline.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(board);
            }
        }
        fts.sort_by(f64::total_cmp);
        full.sort_by(f64::total_cmp);
        boards.sort_by(f64::total_cmp);
        println!(
            "{what:<12} {:?} ({} keystrokes, {matches} matches at the end): FTS p50 {:.2} ms p95 {:.2} ms · page of 200 p50 {:.2} ms p95 {:.2} ms · board p50 {:.2} ms p95 {:.2} ms",
            text,
            chars.len(),
            percentile(&fts, 0.5),
            percentile(&fts, 0.95),
            percentile(&full, 0.5),
            percentile(&full, 0.95),
            percentile(&boards, 0.5),
            percentile(&boards, 0.95)
        );
        all_fts.extend(fts);
        all_page.extend(full);
        all_board.extend(boards);
    }
    for v in [
        &mut again,
        &mut baseline,
        &mut board_baseline,
        &mut all_fts,
        &mut all_page,
        &mut all_board,
    ] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "all keystrokes: FTS p95 {:.2} ms · search page p95 {:.2} ms · baseline (same page, no search) p95 {:.2} ms · ratio {:.2}x",
        percentile(&all_fts, 0.95),
        percentile(&all_page, 0.95),
        percentile(&baseline, 0.95),
        percentile(&all_page, 0.95) / percentile(&baseline, 0.95)
    );
    println!(
        "all keystrokes: board p50 {:.2} ms p95 {:.2} ms · baseline (the board without a search) p50 {:.2} ms p95 {:.2} ms",
        percentile(&all_board, 0.5),
        percentile(&all_board, 0.95),
        percentile(&board_baseline, 0.5),
        percentile(&board_baseline, 0.95)
    );
    println!(
        "all keystrokes: board for a search asked again (a space, a backspace) p50 {:.2} ms p95 {:.2} ms",
        percentile(&again, 0.5),
        percentile(&again, 0.95)
    );
}
