import { describe, expect, it } from 'vitest';
import { splitLeaveLastOut } from './split.js';
import type { Interaction } from './types.js';

const event = (userId: string, itemId: string, timestamp: number, kind: Interaction['event'] = 'view'): Interaction =>
  ({ userId, itemId, timestamp, event: kind });

describe('splitLeaveLastOut', () => {
  it('sorts stably per user, collapses consecutive repeats, and holds out the last two', () => {
    const events = [
      event('u1', 'a', 30), event('u2', 'x', 5), event('u1', 'b', 10), event('u1', 'b', 10, 'cart'),
      event('u1', 'c', 20), event('u2', 'y', 6), event('u1', 'd', 30, 'purchase'),
    ];
    const split = splitLeaveLastOut(events);
    // u1 sorted: b(view) b(cart) c a d — ties at 30 keep file order (a before d); b·b collapse to the first.
    expect(split.train).toEqual([event('u1', 'b', 10), event('u1', 'c', 20), event('u2', 'x', 5), event('u2', 'y', 6)]);
    expect(split.valid).toEqual([event('u1', 'a', 30)]);
    expect(split.test).toEqual([event('u1', 'd', 30, 'purchase')]);
  });

  it('keeps users with fewer than three events after collapsing in train only', () => {
    const split = splitLeaveLastOut([event('u3', 'z', 1), event('u3', 'z', 2), event('u3', 'w', 3)]);
    expect(split).toEqual({ train: [event('u3', 'z', 1), event('u3', 'w', 3)], valid: [], test: [] });
  });

  it('keeps non-consecutive repeats (a repeat purchase is a real event)', () => {
    const split = splitLeaveLastOut([event('u', 'a', 1), event('u', 'b', 2), event('u', 'a', 3)]);
    expect(split.train).toEqual([event('u', 'a', 1)]);
    expect(split.valid).toEqual([event('u', 'b', 2)]);
    expect(split.test).toEqual([event('u', 'a', 3)]);
  });

  it('does not modify its input', () => {
    const events = [event('u', 'b', 2), event('u', 'a', 1)];
    const copy = structuredClone(events);
    splitLeaveLastOut(events);
    expect(events).toEqual(copy);
  });
});
