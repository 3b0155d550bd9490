import { describe, expect, it } from 'vitest';
import { parseBackend, parseConsent, parseDiversity, parseExclude, parseLimit, parseScenario } from './attributes.js';

describe('attribute parsing', () => {
  it('uses defaults for missing values', () => {
    expect(parseScenario(null)).toEqual({ value: 'home', error: null });
    expect(parseBackend(undefined).value).toBe('auto');
    expect(parseConsent(null).value).toBe(true);
  });
  it('accepts allowed values', () => {
    expect(parseScenario('post-purchase').value).toBe('post-purchase');
    expect(parseLimit(12).value).toBe(12);
    expect(parseDiversity(0).value).toBe(0);
    expect(parseBackend('wasm').value).toBe('wasm');
    expect(parseConsent('denied').value).toBe(false);
  });
  it('reports invalid values with the attribute and value, and falls back safely', () => {
    const scenario = parseScenario('checkout');
    expect(scenario.value).toBe('home');
    expect(scenario.error?.message).toMatch(/"scenario" must be home \| product \| cart \| post-purchase \| search \(value: "checkout"\)/);
    expect(parseLimit(0).error?.message).toMatch(/"limit".*\(value: 0\)/);
    expect(parseDiversity(NaN).value).toBe(0.3);
    // An unknown consent value must never enable recording.
    expect(parseConsent('yes')).toMatchObject({ value: false });
  });
  it('expands exclude rules per scenario', () => {
    expect([...parseExclude('auto', 'home').value].sort()).toEqual(['cart', 'purchased']);
    expect([...parseExclude(null, 'search').value]).toEqual([]);
    expect([...parseExclude('none', 'home').value]).toEqual([]);
    expect([...parseExclude('viewed cart', 'home').value]).toEqual(['viewed', 'cart']);
    expect(parseExclude('wishlist', 'home').error?.message).toMatch(/"exclude".*wishlist/);
  });
});
