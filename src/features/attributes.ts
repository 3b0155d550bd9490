/**
 * Reading the element's attributes: each value checked against its allowed values, with the
 * default used (and an `invalidattribute` error reported) when it is not one of them.
 */
import { BACKENDS, type BackendRequest } from '../model/backend.js';
import { DEFAULT_EXCLUDES, EXCLUDE_RULES, SCENARIOS, type ExcludeRule, type Scenario } from '../ranking/scenarios.js';

export class AttributeError extends Error {
  constructor(attribute: string, value: unknown, expected: string) {
    super(`<reco-widget>: attribute "${attribute}" must be ${expected} (value: ${JSON.stringify(value)})`);
    this.name = 'AttributeError';
  }
}

export interface Parsed<T> {
  value: T;
  error: AttributeError | null;
}

const ok = <T>(value: T): Parsed<T> => ({ value, error: null });

export function parseScenario(value: string | null | undefined): Parsed<Scenario> {
  if (value == null || value === '') return ok('home');
  return (SCENARIOS as readonly string[]).includes(value)
    ? ok(value as Scenario)
    : { value: 'home', error: new AttributeError('scenario', value, SCENARIOS.join(' | ')) };
}

export function parseLimit(value: number): Parsed<number> {
  return Number.isInteger(value) && value >= 1 && value <= 100 ? ok(value) : { value: 8, error: new AttributeError('limit', value, 'an integer from 1 to 100') };
}

export function parseDiversity(value: number): Parsed<number> {
  return value >= 0 && value <= 1 ? ok(value) : { value: 0.3, error: new AttributeError('diversity', value, 'a number from 0 to 1') };
}

export function parseBackend(value: string | null | undefined): Parsed<BackendRequest> {
  if (value == null || value === '' || value === 'auto') return ok('auto');
  return (BACKENDS as readonly string[]).includes(value)
    ? ok(value as BackendRequest)
    : { value: 'auto', error: new AttributeError('backend', value, `auto | ${BACKENDS.join(' | ')}`) };
}

export function parseConsent(value: string | null | undefined): Parsed<boolean> {
  if (value == null || value === '' || value === 'granted') return ok(true);
  if (value === 'denied') return ok(false);
  return { value: false, error: new AttributeError('consent', value, 'granted | denied') };
}

/** "auto" (the scenario's defaults), "none", or space-separated rules. */
export function parseExclude(value: string | null | undefined, scenario: Scenario): Parsed<Set<ExcludeRule>> {
  const tokens = (value ?? 'auto').trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0 || (tokens.length === 1 && tokens[0] === 'auto')) return ok(new Set(DEFAULT_EXCLUDES[scenario]));
  if (tokens.length === 1 && tokens[0] === 'none') return ok(new Set());
  const bad = tokens.find((t) => !(EXCLUDE_RULES as readonly string[]).includes(t));
  if (bad !== undefined) return { value: new Set(DEFAULT_EXCLUDES[scenario]), error: new AttributeError('exclude', value, `auto | none | any of ${EXCLUDE_RULES.join(' ')}`) };
  return ok(new Set(tokens as ExcludeRule[]));
}
