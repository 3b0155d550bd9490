/**
 * Product thumbnails as small inline SVG data: URIs. They ship inside the catalog, so showing a
 * product never asks an image host for anything (no host learns what a shopper was shown).
 */
import type { Glyph } from './categories.js';

/** One simple shape per department, drawn in a 64×64 box. */
const GLYPHS: Record<Glyph, string> = {
  phone: "<rect x='22' y='8' width='20' height='38' rx='4'/>",
  case: "<rect x='21' y='7' width='22' height='40' rx='6' fill='none' stroke-width='4'/>",
  cable: "<path d='M14 40c10-24 26 8 36-16' fill='none' stroke-width='4'/><rect x='44' y='16' width='8' height='10'/>",
  laptop: "<rect x='14' y='12' width='36' height='24' rx='2'/><rect x='8' y='38' width='48' height='5' rx='2'/>",
  bag: "<rect x='12' y='18' width='40' height='28' rx='4'/><path d='M24 18v-6h16v6' fill='none' stroke-width='3'/>",
  keyboard: "<rect x='8' y='18' width='48' height='20' rx='3'/><circle cx='50' cy='44' r='5'/>",
  headphones: "<path d='M14 36a18 18 0 0 1 36 0' fill='none' stroke-width='4'/><rect x='10' y='32' width='10' height='14' rx='3'/><rect x='44' y='32' width='10' height='14' rx='3'/>",
  camera: "<rect x='10' y='16' width='44' height='28' rx='4'/><circle cx='32' cy='30' r='9' fill='#fff'/>",
  card: "<path d='M20 8h18l8 8v30H20z'/>",
  machine: "<rect x='16' y='8' width='32' height='38' rx='3'/><rect x='26' y='30' width='12' height='10' fill='#fff'/>",
  bean: "<ellipse cx='32' cy='28' rx='12' ry='18'/><path d='M32 10c-6 12 6 24 0 36' fill='none' stroke='#fff' stroke-width='2'/>",
  printer: "<rect x='10' y='20' width='44' height='18' rx='3'/><rect x='18' y='10' width='28' height='10'/><rect x='18' y='38' width='28' height='8'/>",
  ink: "<rect x='22' y='10' width='20' height='36' rx='2'/><circle cx='32' cy='32' r='5' fill='#fff'/>",
  shoe: "<path d='M8 40c0-10 6-14 12-14l8-8c8 8 18 10 28 14v8z'/>",
  sock: "<path d='M24 8h14v22l10 8c4 4 0 10-6 8L24 36z'/>",
  tent: "<path d='M32 8 8 46h48z'/><path d='M32 24 24 46h16z' fill='#fff'/>",
  'sleeping-bag': "<rect x='20' y='6' width='24' height='42' rx='12'/><circle cx='32' cy='16' r='5' fill='#fff'/>",
  bottle: "<rect x='26' y='8' width='12' height='8'/><rect x='20' y='16' width='24' height='30' rx='5'/>",
  bowl: "<path d='M10 26h44c0 12-10 20-22 20S10 38 10 26z'/>",
  dice: "<rect x='14' y='10' width='36' height='36' rx='6'/><circle cx='24' cy='20' r='3' fill='#fff'/><circle cx='32' cy='28' r='3' fill='#fff'/><circle cx='40' cy='36' r='3' fill='#fff'/>",
};

/** Escapes the few characters that matter inside SVG text. */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');
}

/**
 * An SVG data: URI for one product: the department's glyph on a tinted card, with the brand.
 * `shade` (0–1) varies the tint so products of one department are told apart.
 */
export function thumbnailDataUri(glyph: Glyph, hue: number, shade: number, brand: string): string {
  const lightness = Math.round(80 + shade * 12);
  const svg =
    `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>` +
    `<rect width='64' height='64' rx='8' fill='hsl(${hue} 55% ${lightness}%)'/>` +
    `<g fill='hsl(${hue} 45% 32%)' stroke='hsl(${hue} 45% 32%)' stroke-width='0'>${GLYPHS[glyph]}</g>` +
    `<text x='32' y='59' font-family='sans-serif' font-size='8' text-anchor='middle' fill='#223'>${escapeText(brand)}</text>` +
    `</svg>`;
  // Only the characters a data: URI cannot hold raw are escaped: a third of the size of encodeURIComponent.
  return `data:image/svg+xml,${svg.replace(/[%#<>"]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
