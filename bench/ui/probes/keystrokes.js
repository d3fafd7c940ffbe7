// The search bench's words typed in the window, each keystroke split where it waits:
// board received, DOM updated, the first animation frame that sees the change, painted (a
// task queued from that frame). Style variants alternate run by run in the same window, so
// the machine's drift hits each alike (BENCHMARKS.md, session 9); with one variant it is
// the plain split. Prints, per variant, painted and received and the slowest keystrokes.
// usage: UI_BENCH_PROBE=bench/ui/probes/keystrokes.js bench/ui.sh 1 probe
const done = arguments[arguments.length - 1];
// Edit to compare: each is a style sheet adopted for its runs (the app's CSP drops <style>).
const VARIANTS = {
  'as built': '',
  'not contained': `[data-testid=column] header > *, label:has(> [data-testid=search]) {
    contain: none !important; block-size: auto !important }`,
};
const RUNS = 6;
const input = document.querySelector('[data-testid=search]');
const view = () => document.querySelector('[data-generation]');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const at = (name) => performance.getEntriesByName(name).at(-1)?.startTime;
const base = document.adoptedStyleSheets;

function key(text) {
  return new Promise((resolve) => {
    const before = Number(view().dataset.generation);
    input.value = text;
    const t0 = performance.now();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const check = () => {
      if (Number(view().dataset.generation) <= before) return requestAnimationFrame(check);
      const frame = performance.now() - t0;
      setTimeout(() => {
        const [received, rendered] = [at('board:received') - t0, at('board:rendered') - t0];
        resolve({ text, received, rendered, frame, painted: performance.now() - t0 });
      }, 0);
    };
    requestAnimationFrame(check);
  });
}

(async () => {
  const keystrokes = {};
  for (let run = 0; run < RUNS; run++) {
    for (const [name, css] of Object.entries(VARIANTS)) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      document.adoptedStyleSheets = [...base, sheet];
      await sleep(200);
      for (const word of ['mohammed', '0501', 'solar', 'lead 12']) {
        for (let i = 1; i <= word.length; i++) {
          (keystrokes[name] ??= []).push(await key(word.slice(0, i)));
          await sleep(150);
        }
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await sleep(300);
      }
    }
  }
  document.adoptedStyleSheets = base;
  const stats = (rows, field) => {
    const v = rows.map((r) => r[field]).sort((a, b) => a - b);
    const q = (p) => v[Math.floor(v.length * p)].toFixed(0);
    return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, p95 ${q(0.95)} ms`;
  };
  const line = (r) =>
    `${JSON.stringify(r.text)}: received ${r.received.toFixed(0)}, DOM ${r.rendered.toFixed(0)}, ` +
    `frame ${r.frame.toFixed(0)}, painted ${r.painted.toFixed(0)} ms`;
  const out = {};
  for (const [name, rows] of Object.entries(keystrokes)) {
    out[name] = {
      keystrokes: rows.length,
      painted: stats(rows, 'painted'),
      received: stats(rows, 'received'),
      slowest: [...rows].sort((a, b) => b.painted - a.painted).slice(0, 8).map(line),
    };
  }
  done(out);
})();
