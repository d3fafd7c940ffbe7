// WCAG AA contrast of the design tokens in both themes, read from app.css itself, so a
// colour change that makes text unreadable fails here rather than in a rep's eyes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const css = readFileSync(new URL('../app.css', import.meta.url), 'utf8');

/** `--name: light-dark(#light, #dark)` pairs of the :root block. */
function tokens(): Map<string, [string, string]> {
  const found = new Map<string, [string, string]>();
  for (const m of css.matchAll(/--([\w-]+):\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)/gi)) {
    found.set(m[1]!, [m[2]!, m[3]!]);
  }
  return found;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

// Text (foreground) on background pairs that the screens use for reading.
const pairs: [string, string][] = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['text', 'surface-2'],
  ['text-muted', 'bg'],
  ['text-muted', 'surface'],
  ['text-muted', 'surface-2'],
  ['on-accent', 'accent'],
  ['accent-strong', 'accent-soft'],
  ['accent', 'surface'],
  ['danger', 'surface'],
  ['text', 'warn-bg'],
  ['sidebar-text', 'sidebar'],
  ['sidebar-text', 'sidebar-active'],
];

describe('contrast of the design tokens', () => {
  const found = tokens();
  it('reads the tokens from app.css', () => {
    expect(found.size, 'the token syntax changed: update this test').toBeGreaterThan(10);
  });
  for (const [theme, side] of [
    ['light', 0],
    ['dark', 1],
  ] as const) {
    for (const [fg, bg] of pairs) {
      it(`${fg} on ${bg} is AA (4.5:1) in the ${theme} theme`, () => {
        const f = found.get(fg)?.[side];
        const b = found.get(bg)?.[side];
        expect(f && b, `--${fg} and --${bg} are light-dark() tokens`).toBeTruthy();
        const ratio = contrast(f!, b!);
        expect(ratio, `--${fg} ${f} on --${bg} ${b} is ${ratio.toFixed(2)}:1`).toBeGreaterThanOrEqual(4.5);
      });
    }
  }
});
