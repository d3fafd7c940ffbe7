//! Measures the Pipeline screen in the real app window (bench/ui.sh runs it; BENCHMARKS.md).
//!
//! usage: ui-bench paint|scroll|search|probe RUNS   (the app's data folder in CRM_DESK_DATA_DIR,
//! the app binary in CRM_DESK_BIN; needs tauri-driver and a display)
//!
//! Times are taken in the page (performance.now), from the rep's action to the end of the
//! frame that paints its result, so WebDriver's own latency is not in them. Each measurement has
//! a baseline taken side by side in the same window:
//! - paint: opening the Pipeline (fresh board painted) against opening the About screen;
//! - scroll: frame intervals while flinging the longest column against the same cards as a
//!   plain, fully built list (and idle frames);
//! - search: each keystroke to results painted against the `board` IPC call alone; and, read
//!   from the X screen itself (`Screen`), to results on the pixels the rep sees.
#![allow(
    clippy::unwrap_used,
    reason = "a benchmark program: failing loudly is right"
)]

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

async fn launch(app: &str) -> (Client, Child) {
    let (port, native) = (free_port(), free_port());
    let driver = Command::new("tauri-driver")
        .args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver (make setup installs it)");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert("tauri:options".into(), json!({ "application": app }));
    for attempt in 1..=5 {
        match ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return (client, driver),
            Err(e) if attempt < 5 => {
                eprintln!("session attempt {attempt}: {e}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("no WebDriver session: {e}"),
        }
    }
    unreachable!()
}

async fn run(client: &Client, script: &str, args: Vec<Value>) -> Value {
    client
        .execute_async(script, args)
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// Resolves with two end points for a DOM change that `when()` detects (polled each frame):
/// `painted`, when the frame that drew the change has painted (a task queued from that
/// frame's animation-frame callbacks runs after its style, layout and paint: `endpoint`
/// checks it), and `nextFrame`, one frame later (the end point used until session 8).
const AFTER_PAINT: &str = "
  const settle = (when, t0, done) => {
    const check = () => {
      if (!when()) return requestAnimationFrame(check);
      setTimeout(() => {
        const painted = performance.now() - t0;
        requestAnimationFrame(() => setTimeout(() => done({ painted, nextFrame: performance.now() - t0 }), 0));
      }, 0);
    };
    requestAnimationFrame(check);
  };";

/// Times one end point in the window: both measured `painted` times are right only if a
/// task queued from animation-frame callbacks runs after that frame's paint. Here a
/// style that makes every card's repaint expensive (blurred shadows: ~85 ms a repaint
/// without a GPU, session 7) is switched on inside the callbacks; if the paint falls
/// between callback and task, the gap grows by that cost.
async fn endpoint(client: &Client) {
    let script = "
      const done = arguments[arguments.length - 1];
      const blurred = new CSSStyleSheet();
      blurred.replaceSync('[data-testid=lead-card] { box-shadow: 0 2px 6px rgb(16 24 40 / 30%) !important; }');
      const sheets = document.adoptedStyleSheets;
      const gaps = { plain: [], repaint: [] };
      let n = 0;
      const frame = () => requestAnimationFrame(() => {
        const mode = n % 2 ? 'repaint' : 'plain';
        if (mode === 'repaint') document.adoptedStyleSheets = [...sheets, blurred];
        const t = performance.now();
        setTimeout(() => {
          gaps[mode].push(performance.now() - t);
          document.adoptedStyleSheets = sheets;
          if (++n < 40) setTimeout(frame, 50); else done(gaps);
        }, 0);
      });
      frame();";
    let gaps = run(client, script, vec![]).await;
    let list = |k: &str| -> Vec<f64> {
        gaps[k]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_f64)
            .collect()
    };
    report(
        "end-point check: animation-frame callback → queued task, nothing changed",
        &list("plain"),
    );
    report(
        "end-point check: same, every card repainted with blurred shadows",
        &list("repaint"),
    );
}

async fn open(client: &Client, href: &str, ready: &str) -> (f64, f64) {
    let script = format!(
        "{AFTER_PAINT}
         const done = arguments[arguments.length - 1];
         const view = () => document.querySelector('[data-generation]');
         const before = view() ? Number(view().dataset.generation) : -1;
         const t0 = performance.now();
         document.querySelector(\"nav a[href='{href}']\").click();
         settle(() => {ready}, t0, done);"
    );
    let t = run(client, &script, vec![]).await;
    (
        t["painted"].as_f64().unwrap(),
        t["nextFrame"].as_f64().unwrap(),
    )
}

async fn paint(client: &Client, runs: usize) {
    let (mut about, mut pipeline) = (Vec::new(), Vec::new());
    // Fresh data drawn: a board whose generation moved past the one before the click.
    let fresh = "(view() && Number(view().dataset.generation) > before \
                 && document.querySelector('[data-testid=board] [data-testid=lead-card]'))";
    // Warm-up. The app starts on the Pipeline, where clicking "Pipeline" is no navigation
    // and draws nothing new: leave it first.
    open(
        client,
        "/about",
        "document.querySelector('[data-testid=about-version]')",
    )
    .await;
    open(client, "/pipeline", fresh).await;
    for _ in 0..runs {
        about.push(
            open(
                client,
                "/about",
                "document.querySelector('[data-testid=about-version]')",
            )
            .await,
        );
        pipeline.push(open(client, "/pipeline", fresh).await);
    }
    let cards = run(
        client,
        "arguments[0](document.querySelectorAll('[data-testid=lead-card]').length)",
        vec![],
    )
    .await;
    let painted = |v: &[(f64, f64)]| v.iter().map(|t| t.0).collect::<Vec<_>>();
    let next_frame = |v: &[(f64, f64)]| v.iter().map(|t| t.1).collect::<Vec<_>>();
    let (about, pipeline, about_late, pipeline_late) = (
        painted(&about),
        painted(&pipeline),
        next_frame(&about),
        next_frame(&pipeline),
    );
    report("open About (baseline)", &about);
    report("open Pipeline → fresh cards painted", &pipeline);
    report("open About, one frame later (old end point)", &about_late);
    report(
        "open Pipeline, one frame later (old end point)",
        &pipeline_late,
    );
    println!("cards in the DOM after opening: {cards}");
    ratio("Pipeline / About", &pipeline, &about);
    endpoint(client).await;
}

async fn scroll(client: &Client, frames: usize) {
    // `mode`: "idle" (no scrolling), "fling" (the virtualized column), "static" (the same
    // 5,000 cards as plain, fully built DOM without virtualization or script, in a scroller
    // of the same size laid over the column: the baseline a virtualized column should beat),
    // or "blurred" (fling with the blurred card shadows the app had until session 7).
    let script = "
      const done = arguments[arguments.length - 1];
      const frames = arguments[0], mode = arguments[1];
      const count = c => Number(c.querySelector('[data-testid=column-count]').textContent.replace(/[^0-9]/g, ''));
      const col = [...document.querySelectorAll('[data-testid=column]')].reduce((a, b) => count(a) >= count(b) ? a : b);
      let list = col.querySelector('.cards');
      list.scrollTop = 0;
      let overlay = null;
      // Styles go through CSSOM: the app's CSP drops <style> elements and style attributes.
      const blurred = new CSSStyleSheet();
      blurred.replaceSync('[data-testid=lead-card] { box-shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(16 24 40 / 10%) !important; }');
      const sheets = document.adoptedStyleSheets;
      if (mode === 'blurred') document.adoptedStyleSheets = [...sheets, blurred];
      if (mode === 'static') {
        const box = list.getBoundingClientRect();
        const slot = col.querySelector('.slot');
        const row = col.querySelectorAll('.slot')[1].offsetTop - slot.offsetTop;
        overlay = document.createElement('div');
        overlay.className = list.className;
        overlay.style.cssText = `position: fixed; left: ${box.left}px; top: ${box.top}px; width: ${box.width}px; height: ${box.height}px; overflow-y: auto; z-index: 100; background: var(--surface-2)`;
        const track = document.createElement('div');
        track.className = col.querySelector('.track').className;
        track.style.position = 'relative';
        track.style.blockSize = `${count(col) * row}px`;
        for (let i = 0; i < count(col); i++) {
          const copy = slot.cloneNode(true);
          copy.style.insetBlockStart = `${i * row}px`;
          track.appendChild(copy);
        }
        overlay.appendChild(track);
        document.body.appendChild(overlay);
        list = overlay;
      }
      const gaps = []; let last = null, maxCards = 0, blank = 0, n = 0;
      const step = now => {
        if (last !== null) gaps.push(now - last);
        last = now;
        if (mode !== 'idle') list.scrollTop += 400;
        maxCards = Math.max(maxCards, (overlay ?? col).querySelectorAll('[data-testid=lead-card]').length);
        blank += col.querySelectorAll('.placeholder').length;
        if (++n < frames) requestAnimationFrame(step);
        else {
          const end = list.scrollTop;
          overlay?.remove();
          document.adoptedStyleSheets = sheets;
          done({ gaps, maxCards, blank, count: count(col), end });
        }
      };
      setTimeout(() => requestAnimationFrame(step), 300);";
    let idle = run(client, script, vec![json!(frames), json!("idle")]).await;
    let fling = run(client, script, vec![json!(frames), json!("fling")]).await;
    let plain = run(client, script, vec![json!(frames), json!("static")]).await;
    let blurred = run(client, script, vec![json!(frames), json!("blurred")]).await;
    let gaps = |v: &Value| -> Vec<f64> {
        v["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_f64)
            .collect()
    };
    println!(
        "column of {} cards, scrolled to {} px; at most {} cards in the DOM ({} in the static list); {} placeholder-frames",
        fling["count"], fling["end"], fling["maxCards"], plain["maxCards"], fling["blank"]
    );
    report("idle frame interval", &gaps(&idle));
    report(
        "static list of every card (baseline), 400 px/frame",
        &gaps(&plain),
    );
    report("virtualized column, 400 px/frame", &gaps(&fling));
    report(
        "virtualized column, cards with session 6's blurred shadows",
        &gaps(&blurred),
    );
    let janky = |v: &Value| gaps(v).iter().filter(|g| **g > 50.0).count();
    println!(
        "frames over 50 ms: virtualized {} of {}, static {} of {}",
        janky(&fling),
        gaps(&fling).len(),
        janky(&plain),
        gaps(&plain).len()
    );
    ratio("virtualized / static", &gaps(&fling), &gaps(&plain));
}

async fn search(client: &Client, runs: usize) {
    let words = ["mohammed", "0501", "solar", "lead 12"];
    let typing = format!(
        "{AFTER_PAINT}
         const done = arguments[arguments.length - 1];
         const text = arguments[0];
         if (arguments[1] && !window.__css) {{
           window.__css = new CSSStyleSheet(); window.__css.replaceSync(arguments[1]);
           document.adoptedStyleSheets = [...document.adoptedStyleSheets, window.__css];
         }}
         const input = document.querySelector('[data-testid=search]');
         const view = () => document.querySelector('[data-generation]');
         const times = []; let i = 0;
         const next = () => {{
           if (i >= text.length) {{
             input.value = ''; input.dispatchEvent(new Event('input', {{ bubbles: true }}));
             return setTimeout(() => done(times), 300);
           }}
           const before = Number(view().dataset.generation);
           input.value = text.slice(0, ++i);
           const t0 = performance.now();
           input.dispatchEvent(new Event('input', {{ bubbles: true }}));
           settle(() => Number(view().dataset.generation) > before, t0,
                  t => {{
                    // The app's User Timing marks (pipeline.svelte.ts) split the keystroke.
                    const at = name => performance.getEntriesByName(name).at(-1)?.startTime - t0;
                    times.push([t.painted, t.nextFrame, at('board:received'), at('board:rendered'), input.value,
                                performance.timeOrigin + t0]);
                    setTimeout(next, 150);
                  }});
         }};
         next();"
    );
    // The same call the window makes on a keystroke (FIRST_CARDS = 12 cards a column).
    let ipc_only = "
      const done = arguments[arguments.length - 1];
      const text = arguments[0];
      const filter = { search: null, scope: 'all', stageIds: [], sourceIds: [], tagIds: [],
        priorities: [], statuses: ['open', 'won'], createdFrom: null, createdTo: null };
      const times = [];
      (async () => {
        for (let i = 1; i <= text.length; i++) {
          const t0 = performance.now();
          await window.__TAURI_INTERNALS__.invoke('board', { filter: { ...filter, search: text.slice(0, i) }, perColumn: 12 });
          times.push(performance.now() - t0);
        }
        done(times);
      })();";
    // An experiment's extra style sheet (bench/ui.sh documents UI_BENCH_CSS).
    let css = std::env::var("UI_BENCH_CSS").unwrap_or_default();
    let (mut keystroke, mut late, mut call) = (Vec::new(), Vec::new(), Vec::new());
    // Per keystroke: painted, received (IPC answered), rendered (Svelte's DOM update done).
    let mut typed: Vec<(f64, f64, f64, String)> = Vec::new();
    // Every other round is typed with the screen watched (`Screen`): its keystrokes are
    // matched to the first change of the watched pixels after them. Watching costs the
    // machine some work, so the page's own numbers come from the other rounds, and the
    // watched rounds' page numbers are printed beside them to show that cost.
    let rects = column_tops(client).await;
    let (mut on_screen, mut painted_too, mut watched) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        for watching in [false, true] {
            let screen = watching.then(|| Screen::watch(rects.clone()));
            // When each keystroke was typed (wall clock, ms), and its in-page `painted`.
            let mut typed_at: Vec<(f64, f64)> = Vec::new();
            // The baseline first, for every word: the store keeps its last eight searches,
            // and the other words' keystrokes in between push a word's out before it is typed
            // (and the last word's before the next round's baseline).
            for word in words.iter().filter(|_| !watching) {
                let t: Vec<f64> =
                    serde_json::from_value(run(client, ipc_only, vec![json!(word)]).await).unwrap();
                call.extend(t);
            }
            for word in words {
                let t: Vec<(f64, f64, f64, f64, String, f64)> = serde_json::from_value(
                    run(client, &typing, vec![json!(word), json!(css)]).await,
                )
                .unwrap();
                if watching {
                    typed_at.extend(t.iter().map(|k| (k.5, k.0)));
                    continue;
                }
                keystroke.extend(t.iter().map(|k| k.0));
                late.extend(t.iter().map(|k| k.1));
                typed.extend(t.into_iter().map(|k| (k.0, k.2, k.3, k.4)));
            }
            let Some(screen) = screen else { continue };
            let changes = screen.stop();
            watched.extend(typed_at.iter().map(|k| k.1));
            // A keystroke's results reach the screen at the first change of the watched
            // pixels after it, before the next one (or the word's end: 150 ms pass between a
            // painted keystroke and the next). Keystrokes that change none of them (same
            // cards, same counts) are left out.
            for (k, (at, painted)) in typed_at.iter().enumerate() {
                let until = typed_at
                    .get(k + 1)
                    .map_or(at + 150.0, |next| next.0.min(at + 150.0));
                if let Some(change) = changes.iter().find(|c| **c > *at && **c < until) {
                    on_screen.push(change - at);
                    painted_too.push(*painted);
                }
            }
        }
    }
    let drawn = run(
        client,
        "arguments[0]([document.querySelectorAll('[data-testid=column]').length,
                       document.querySelectorAll('[data-testid=lead-card]').length,
                       document.querySelectorAll('*').length, innerWidth, innerHeight])",
        vec![],
    )
    .await;
    println!("columns, cards, elements in the page, window width and height: {drawn}");
    println!(
        "watched rounds: keystrokes that changed the watched pixels (each column's header and first card): {} of {}",
        on_screen.len(),
        watched.len()
    );
    report("keystroke → results on the screen (X server)", &on_screen);
    report("  same keystrokes, in-page painted end point", &painted_too);
    let behind: Vec<f64> = on_screen
        .iter()
        .zip(&painted_too)
        .map(|(s, p)| s - p)
        .collect();
    report("  screen behind the in-page end point", &behind);
    report(
        "  every keystroke of the watched rounds, painted (the watcher's cost: compare below)",
        &watched,
    );
    let received: Vec<f64> = typed.iter().map(|k| k.1).collect();
    let svelte: Vec<f64> = typed.iter().map(|k| k.2 - k.1).collect();
    let webkit: Vec<f64> = typed.iter().map(|k| k.0 - k.2).collect();
    typed.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slowest: Vec<String> = typed
        .iter()
        .take(8)
        .map(|(ms, ipc, dom, text)| {
            format!(
                "{text:?} {ms:.0} ms (IPC {ipc:.0}, Svelte {:.0}, rendering {:.0})",
                dom - ipc,
                ms - dom
            )
        })
        .collect();
    println!("slowest keystrokes: {}", slowest.join(", "));
    report("  keystroke → board received (IPC)", &received);
    report("  board received → DOM updated (Svelte)", &svelte);
    report("  DOM updated → painted (WebKit)", &webkit);
    report("board IPC call alone (baseline)", &call);
    report("keystroke → results painted", &keystroke);
    report("keystroke → one frame later (old end point)", &late);
    ratio("keystroke / IPC call", &keystroke, &call);
    endpoint(client).await;
}

/// The top of each column fully in the window, in X screen pixels: its header (count and
/// revenue) and first card, without the overlay scrollbar at its inline end (English: right).
async fn column_tops(client: &Client) -> Vec<[u16; 4]> {
    let found = run(
        client,
        "arguments[0]([screenX, screenY, devicePixelRatio,
          [...document.querySelectorAll('[data-testid=column]')].map(c => c.getBoundingClientRect())
            .filter(r => r.right <= innerWidth).map(r => [r.x, r.y, r.width])])",
        vec![],
    )
    .await;
    let (x0, y0, scale, columns): (f64, f64, f64, Vec<[f64; 3]>) =
        serde_json::from_value(found).unwrap();
    let px = |v: f64| v.max(0.0).round() as u16;
    columns
        .iter()
        .map(|[x, y, width]| {
            [
                px(x0 + (x + 2.0) * scale),
                px(y0 + y * scale),
                px((width - 18.0) * scale),
                px(110.0 * scale),
            ]
        })
        .collect()
}

/// Rectangles of the X screen polled from a thread (about once a millisecond), and the
/// wall-clock times (ms) at which any of them changed: when a result reached the pixels the
/// rep sees, after the web process's paint, the UI process's copy and the X server. (The page's
/// own end point cannot see the last two.)
struct Screen {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Vec<f64>>,
}

impl Screen {
    fn watch(rects: Vec<[u16; 4]>) -> Self {
        use x11rb::connection::Connection;
        use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};
        assert!(!rects.is_empty(), "no column to watch");
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let (conn, screen) = x11rb::connect(None).expect("the X display the app runs on");
            let root = conn.setup().roots[screen].root;
            let mut last: Vec<Vec<u8>> = vec![Vec::new(); rects.len()];
            let mut changes = Vec::new();
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let at = wall_ms();
                let mut changed = false;
                for (seen, [x, y, w, h]) in last.iter_mut().zip(&rects) {
                    let image = conn
                        .get_image(
                            ImageFormat::Z_PIXMAP,
                            root,
                            *x as i16,
                            *y as i16,
                            *w,
                            *h,
                            !0,
                        )
                        .unwrap()
                        .reply()
                        .unwrap();
                    if *seen != image.data {
                        *seen = image.data;
                        changed = true;
                    }
                }
                if changed {
                    changes.push(at);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            changes
        });
        Self { stop, thread }
    }

    fn stop(self) -> Vec<f64> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        self.thread.join().unwrap()
    }
}

/// Milliseconds since the Unix epoch, the clock `performance.timeOrigin` is on.
#[allow(
    clippy::disallowed_methods,
    reason = "a benchmark matches screen changes to the page's wall-clock times"
)]
fn wall_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// Runs the asynchronous script in the file `UI_BENCH_PROBE` names (it ends by calling
/// `arguments[0]` with its result) in the window and prints the result: for investigations
/// that need a measurement the modes above do not take.
async fn probe(client: &Client) {
    let path = std::env::var("UI_BENCH_PROBE").expect("UI_BENCH_PROBE: a script file");
    let script = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // UI_BENCH_WINDOW=WIDTHxHEIGHT resizes the window first (does a cost follow its area?).
    if let Ok(size) = std::env::var("UI_BENCH_WINDOW") {
        let (w, h) = size.split_once('x').expect("UI_BENCH_WINDOW: WIDTHxHEIGHT");
        client
            .set_window_size(w.parse().unwrap(), h.parse().unwrap())
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let result = run(client, &script, vec![]).await;
    println!("{}", serde_json::to_string_pretty(&result).unwrap());
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn sorted(values: &[f64]) -> Vec<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn report(what: &str, values: &[f64]) {
    let v = sorted(values);
    println!(
        "{what}: n={} median {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        v.len(),
        percentile(&v, 50.0),
        percentile(&v, 95.0),
        v.last().copied().unwrap_or(0.0)
    );
}

fn ratio(what: &str, a: &[f64], b: &[f64]) {
    let (a, b) = (sorted(a), sorted(b));
    println!(
        "ratio {what}: median {:.2}×, p95 {:.2}×",
        percentile(&a, 50.0) / percentile(&b, 50.0),
        percentile(&a, 95.0) / percentile(&b, 95.0)
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("paint", String::as_str).to_owned();
    let runs: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(15);
    let app = std::env::var("CRM_DESK_BIN").unwrap_or_else(|_| "target/release/crm-desk".into());
    let (client, mut driver) = launch(&app).await;
    // A fling over a fully built 5,000-card list can take longer than WebDriver's 30 s.
    client
        .update_timeouts(fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(300)),
            None,
            None,
        ))
        .await
        .expect("script timeout");
    // The first screen is the Pipeline: wait for its first fresh board.
    let deadline = Instant::now() + Duration::from_secs(60);
    while run(
        &client,
        "arguments[0](!!document.querySelector('[data-testid=board] [data-testid=lead-card]'))",
        vec![],
    )
    .await
        != json!(true)
    {
        assert!(Instant::now() < deadline, "the board never showed cards");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    match mode.as_str() {
        "paint" => paint(&client, runs).await,
        "scroll" => scroll(&client, 240).await,
        "search" => search(&client, runs).await,
        "probe" => probe(&client).await,
        other => panic!("unknown mode {other}: paint, scroll, search or probe"),
    }
    let _ = client.close().await;
    let _ = Command::new("kill")
        .args(["-TERM", &driver.id().to_string()])
        .status();
    let _ = driver.wait();
}
