// Keystroke → results painted (and → board received) under style variants alternated in one window, so the
// machine's drift hits every variant alike (BENCHMARKS.md, session 9, points 2 and 3).
// usage: UI_BENCH_PROBE=bench/ui/probes/interleaved.js bench/ui.sh 1 probe
const done = arguments[arguments.length - 1];
const variants = {
  'as built': '',
  'not contained': `[data-testid=column] header > *, label:has(> [data-testid=search]) {
    contain: none !important; block-size: auto !important }`,
  'no card content': '[data-testid=lead-card] > * { display: none !important }',
};
const input = document.querySelector('[data-testid=search]');
const view = () => document.querySelector('[data-generation]');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const base = document.adoptedStyleSheets;
const at = (name) => performance.getEntriesByName(name).at(-1)?.startTime;
function key(text) {
  return new Promise((resolve) => {
    const before = Number(view().dataset.generation);
    input.value = text;
    const t0 = performance.now();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const check = () => {
      if (Number(view().dataset.generation) <= before) return requestAnimationFrame(check);
      setTimeout(() => resolve([performance.now() - t0, at('board:received') - t0]), 0);
    };
    requestAnimationFrame(check);
  });
}
(async () => {
  const times = {};
  for (let run = 0; run < 6; run++) {
    for (const [name, css] of Object.entries(variants)) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      document.adoptedStyleSheets = [...base, sheet];
      await sleep(200);
      for (const word of ['mohammed', '0501', 'solar', 'lead 12']) {
        for (let i = 1; i <= word.length; i++) {
          (times[name] ??= []).push(await key(word.slice(0, i)));
          await sleep(150);
        }
        input.value = '';
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await sleep(300);
      }
    }
  }
  document.adoptedStyleSheets = base;
  const out = {};
  for (const [name, v] of Object.entries(times)) {
    const stats = (k) => {
      const s = v.map((t) => t[k]).sort((a, b) => a - b);
      const q = (p) => s[Math.floor(s.length * p)].toFixed(0);
      return `median ${q(0.5)} ms, p90 ${q(0.9)} ms, p95 ${q(0.95)} ms`;
    };
    out[name] = `n=${v.length}; painted ${stats(0)}; board received ${stats(1)}`;
  }
  done(out);
})();
