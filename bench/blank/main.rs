//! The baseline of BENCHMARKS.md: the smallest Tauri app that paints a page and reports when,
//! built with the same tauri version and profile as crm-desk. Run by bench/startup.sh.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

#[tauri::command]
fn first_paint() {
    let ms = START.get().map(|s| s.elapsed().as_millis()).unwrap_or(0);
    eprintln!("first_paint_ms={ms}");
}

fn main() {
    START.get_or_init(Instant::now);
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![first_paint])
        .run(tauri::generate_context!("bench/blank/tauri.conf.json"))
        .expect("the blank app runs");
}
