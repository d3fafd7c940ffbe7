// Each keystroke of the search bench's words, split where it waits (BENCHMARKS.md,
// session 9): board received, DOM updated, the animation frame that first sees the change,
// and painted (a task queued from that frame). Prints the slowest keystrokes and the
// median per text.
// usage: UI_BENCH_PROBE=bench/ui/probes/keystrokes.js bench/ui.sh 1 probe
const done = arguments[arguments.length - 1];
const input = document.querySelector('[data-testid=search]');
const view = () => document.querySelector('[data-generation]');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const at = (name) => performance.getEntriesByName(name).at(-1)?.startTime;
function key(text) {
  return new Promise((resolve) => {
    const before = Number(view().dataset.generation);
    input.value = text;
    const t0 = performance.now();
    input.dispatchEvent(new Event('input', { bubbles: true }));
    const check = () => {
      if (Number(view().dataset.generation) <= before) return requestAnimationFrame(check);
      const raf = performance.now() - t0;
      setTimeout(() => resolve({ text, painted: performance.now() - t0, received: at('board:received') - t0, rendered: at('board:rendered') - t0, raf }), 0);
    };
    requestAnimationFrame(check);
  });
}
(async () => {
  const all = [];
  for (let run = 0; run < 6; run++) {
    for (const word of ['mohammed', '0501', 'solar', 'lead 12']) {
      for (let i = 1; i <= word.length; i++) {
        all.push(await key(word.slice(0, i)));
        await sleep(150);
      }
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await sleep(300);
    }
  }
  const line = (r) => `${JSON.stringify(r.text)}: received ${r.received.toFixed(0)}, DOM ${r.rendered.toFixed(0)}, frame ${r.raf.toFixed(0)}, painted ${r.painted.toFixed(0)} ms`;
  const byText = {};
  for (const r of all) (byText[r.text] ??= []).push(r);
  const median = (rows) => rows.sort((a, b) => a.painted - b.painted)[rows.length >> 1];
  all.sort((a, b) => b.painted - a.painted);
  done({
    p95: all[Math.floor(all.length * 0.05)].painted.toFixed(0),
    slowest: all.slice(0, 12).map(line),
    medianPerText: Object.values(byText).map((rows) => line(median(rows))),
  });
})();
