// No blurred shadows in the app's CSS. Without a GPU (a VM, a thin client, a remote
// desktop), WebKitGTK paints every blurred box-shadow on the CPU at each repaint of the
// area under it: with two blurred layers per card, repainting a board of 27 cards took
// ~86 ms instead of 12 ms (BENCHMARKS.md, "Pipeline screen", session 7). Hard-edged
// shadows (blur 0) and borders look the same at this size and cost nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(svelte|css)$/.test(name) ? [path] : [];
  });
}

/** The blur radius of each layer of a box-shadow value (0 when it has none). */
function blurs(value: string): number[] {
  return value.split(/,(?![^(]*\))/).map((layer) => {
    const lengths = layer
      .replace(/(rgb|rgba|hsl|hsla|light-dark|color-mix)\([^)]*\)/g, '')
      .trim()
      .split(/\s+/)
      .filter((word) => /^-?\d*\.?\d+(px|rem|em)?$/.test(word));
    return lengths.length >= 3 ? parseFloat(lengths[2]!) : 0;
  });
}

describe('shadows', () => {
  it('reads the blur of each layer', () => {
    expect(blurs('0 1px 2px rgb(16 24 40 / 6%), 0 1px 3px rgb(0 0 0 / 10%)')).toEqual([2, 3]);
    expect(blurs('0 1px 0 rgb(16 24 40 / 10%)')).toEqual([0]);
    expect(blurs('inset 0 0 0 1px var(--border)')).toEqual([0]);
    expect(blurs('0 8px 24px rgb(0 0 0 / 20%)')).toEqual([24]);
  });

  it('the app draws no blurred shadow', () => {
    const found: string[] = [];
    for (const file of files(src)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(box-shadow|--shadow[\w-]*)\s*:\s*([^;]+);/g)) {
        if (blurs(m[2]!).some((blur) => blur > 0)) found.push(`${file.slice(src.length)}: ${m[0]}`);
      }
    }
    expect(found, 'blurred shadows are painted on the CPU at every repaint without a GPU').toEqual([]);
  });
});
