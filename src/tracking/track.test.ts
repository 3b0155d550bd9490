import { describe, expect, it } from 'vitest';
import { toStoredEvent } from './track.js';

describe('toStoredEvent', () => {
  it('accepts every tracked type', () => {
    expect(toStoredEvent({ type: 'view', itemId: 'A' }, 5)).toEqual({ type: 'view', itemId: 'A', timestamp: 5 });
    expect(toStoredEvent({ type: 'search', query: ' red shoes ' }, 5)).toEqual({ type: 'search', itemId: null, query: 'red shoes', timestamp: 5 });
  });
  it('names the field and the value of bad input', () => {
    expect(() => toStoredEvent({ type: 'like', itemId: 'A' })).toThrow(/field "type" must be one of view\|cart\|purchase\|search\|click \(value: "like"\)/);
    expect(() => toStoredEvent({ type: 'cart' })).toThrow(/field "itemId" .* \(value: undefined\)/);
    expect(() => toStoredEvent({ type: 'search', query: '' })).toThrow(/field "query" .* \(value: ""\)/);
    expect(() => toStoredEvent(null)).toThrow(/expected \{type, itemId, query\}/);
  });
});
