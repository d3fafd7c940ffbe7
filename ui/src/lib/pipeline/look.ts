// How leads look on cards and rows: tag colours (Odoo's colour index), source icons.

/** Hues of Odoo's tag colours 1–11 (0 = no colour). */
const HUES = [0, 4, 28, 48, 205, 280, 345, 170, 220, 330, 140, 260];

/** CSS for a tag chip: background and text from Odoo's colour index, AA in both themes. */
export function tagStyle(color: number): string {
  if (!color || color < 0 || color >= HUES.length) {
    return 'background: var(--surface-2); color: var(--text)';
  }
  const h = HUES[color];
  return `background: light-dark(hsl(${h} 75% 92%), hsl(${h} 35% 26%)); color: light-dark(hsl(${h} 65% 24%), hsl(${h} 80% 88%))`;
}

export type SourceKind = 'whatsapp' | 'facebook' | 'other';

/** Which icon a lead's UTM source gets: WhatsApp stands out, Meta's ads have theirs. */
export function sourceKind(source: string | null | undefined): SourceKind | null {
  if (!source) return null;
  if (/whats\s*app|واتس/i.test(source)) return 'whatsapp';
  if (/facebook|instagram|meta|فيسبوك/i.test(source)) return 'facebook';
  return 'other';
}
