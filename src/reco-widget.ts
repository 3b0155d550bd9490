/**
 * <reco-widget>: on-device, private product recommendations.
 *
 * @example <reco-widget model="/models/latest/manifest.json" scenario="home" limit="8"></reco-widget>
 *
 * Composition (one module per feature): artifacts-controller (lazy model loading), page-coordinator
 * (several widgets, no repeated items), merchant-list (re-rank mode), cards, activity; ranking is
 * pure (ranking/scenarios.ts). Failures are `error` events; the host page never breaks.
 */
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { renderActivity } from './features/activity.js';
import { ArtifactsController } from './features/artifacts-controller.js';
import { parseBackend, parseConsent, parseDiversity, parseExclude, parseLimit, parseScenario, type AttributeError } from './features/attributes.js';
import { renderCards, type Card } from './features/cards.js';
import { tensorMemory } from './model/backend.js';
import { merchantItems, reorderChildren } from './features/merchant-list.js';
import { joinPage, leavePage, scheduleRanking, type PageRanker } from './features/page-coordinator.js';
import { scoresFor, toHistory } from './features/scoring.js';
import { recommend, type Scenario } from './ranking/scenarios.js';
import { widgetStyles } from './reco-widget.styles.js';
import type { StoreFailure } from './store/history-store.js';
import { announceHistoryChange, pageHistory } from './tracking/history.js';
import { recordingAllowed, setConsent, track } from './tracking/track.js';

export interface RankedDetail {
  /** Item ids in the order shown. */
  itemIds: string[];
  scenario: Scenario;
  /** The tfjs backend that scored, or "fallback" (popularity / co-occurrence tables). */
  backend: string;
  /** Milliseconds from the start of this ranking to the rendered result. */
  ms: number;
  /** False when the order did not change (nothing was re-rendered). */
  changed: boolean;
  /** True when the shopper's history shaped the list. */
  personal: boolean;
}

export interface ClickDetail {
  itemId: string;
  position: number;
  scenario: Scenario;
}

export type ErrorType = 'loadfailure' | 'modelfailure' | 'storagefailure' | 'storagecorrupt' | 'invalidattribute' | 'rankfailure';

export interface ErrorDetail {
  type: ErrorType;
  sourceError: unknown;
}

export class RecoWidget extends LitElement implements PageRanker {
  static override styles = widgetStyles;

  static override properties = {
    model: { type: String },
    scenario: { type: String },
    item: { type: String },
    limit: { type: Number },
    diversity: { type: Number },
    exclude: { type: String },
    excludeItems: { type: String, attribute: 'exclude-items' },
    consent: { type: String },
    backend: { type: String },
    explain: { type: String },
    activity: { type: String },
    itemHref: { type: String, attribute: 'item-href' },
    currency: { type: String },
    historyMaxEvents: { type: Number, attribute: 'history-max-events' },
    historyMaxAgeDays: { type: Number, attribute: 'history-max-age-days' },
    cards: { state: true },
    activityOpen: { state: true },
  };

  /** URL of the model's manifest.json. Default "" (nothing loads; the merchant's content stands). */
  declare model: string;
  /** home | product | cart | post-purchase | search. Default home. */
  declare scenario: string;
  /** The current product's id (scenario product). Default none. */
  declare item: string | null;
  /** How many cards, 1–100. Default 8. */
  declare limit: number;
  /** 0 (pure relevance) – 1 (maximal spread). Default 0.3. */
  declare diversity: number;
  /** auto | none | any of "cart purchased viewed". Default auto (the scenario's rules). */
  declare exclude: string;
  /** Space-separated item ids never shown. Default "". */
  declare excludeItems: string;
  /** granted | denied. Default granted. While denied nothing is recorded and the list is unpersonalised. */
  declare consent: string;
  /** auto | webgpu | webgl | wasm | cpu. Default auto (fastest by measurement, remembered). */
  declare backend: string;
  /** on | off: show why each card is there. Default on. */
  declare explain: string;
  /** button | none: the "Your activity" link. Default button. */
  declare activity: string;
  /** Link of a card, "{id}" replaced by the item id, e.g. "/product.html?id={id}". Default "" (no link). */
  declare itemHref: string;
  /** ISO 4217 currency of catalog prices. Default USD. */
  declare currency: string;
  /** Most events kept on the device (page-wide). Default 200. */
  declare historyMaxEvents: number | null;
  /** Days an event is kept (page-wide). Default 30. */
  declare historyMaxAgeDays: number | null;
  declare protected cards: Card[];
  declare protected activityOpen: boolean;

  private readonly artifacts = new ArtifactsController(this);
  private readonly store = pageHistory();
  private shownIds: string[] = [];
  private shownReasons = '';
  private lastBackend = 'none';
  private personal = false;
  private reportedFailures = new WeakSet<StoreFailure>();
  private reportedAttributes = new Set<string>();
  private rendered!: Promise<void>;
  private resolveRendered!: () => void;
  private childObserver: MutationObserver | null = null;
  private reordering = false;

  constructor() {
    super();
    this.model = '';
    this.scenario = 'home';
    this.item = null;
    this.limit = 8;
    this.diversity = 0.3;
    this.exclude = 'auto';
    this.excludeItems = '';
    this.consent = 'granted';
    this.backend = 'auto';
    this.explain = 'on';
    this.activity = 'button';
    this.itemHref = '';
    this.currency = 'USD';
    this.historyMaxEvents = null;
    this.historyMaxAgeDays = null;
    this.cards = [];
    this.activityOpen = false;
    this.rendered = new Promise((resolve) => (this.resolveRendered = resolve));
  }

  // ——— Read-only properties ———

  /** The item ids shown (or, in re-rank mode, the merchant's items in their new order). */
  get itemIds(): readonly string[] {
    return this.shownIds;
  }
  /** The backend that scored the last ranking: webgpu | webgl | wasm | cpu | fallback | none. */
  get activeBackend(): string {
    return this.lastBackend;
  }
  /** The loaded model version, or null. */
  get modelVersion(): string | null {
    return this.artifacts.shop?.manifest.version ?? null;
  }
  /** True when the last ranking used the shopper's history. */
  get personalised(): boolean {
    return this.personal;
  }
  /**
   * Diagnostics, not a stable API: tfjs's live tensors and bytes for the whole page (null before
   * tfjs loaded), and the history kept. Used by the leak test; handy in the console.
   */
  get debugMemory(): { numTensors: number; numBytes: number; storedEvents: number } | null {
    const memory = tensorMemory();
    return memory && { ...memory, storedEvents: this.store.events.length };
  }

  // ——— Methods ———

  /** Ranks every widget on the page again (e.g. after the merchant changed the children). */
  rerank(): Promise<void> {
    return scheduleRanking();
  }
  /** Opens or closes the "Your activity" view. */
  toggleActivity(open = !this.activityOpen): void {
    this.activityOpen = open;
  }
  /** Erases the shopper's stored activity on this device (every tab re-ranks). */
  async eraseActivity(): Promise<void> {
    await this.store.clear();
    announceHistoryChange();
  }
  /** Turns personalisation off (erasing the activity) or back on; remembered on the device. */
  async setOptedOut(optedOut: boolean): Promise<void> {
    await this.store.setOptedOut(optedOut);
    announceHistoryChange();
  }

  // ——— Lifecycle ———

  override connectedCallback(): void {
    super.connectedCallback();
    this.store.addEventListener('change', this.onHistoryChange);
    this.store.addEventListener('error', this.onStoreError);
    this.store.failures.forEach((f) => this.reportStoreFailure(f));
    this.childObserver = new MutationObserver(() => {
      if (!this.reordering) void scheduleRanking();
    });
    this.childObserver.observe(this, { childList: true });
    joinPage(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.store.removeEventListener('change', this.onHistoryChange);
    this.store.removeEventListener('error', this.onStoreError);
    this.childObserver?.disconnect();
    setConsent(this, true);
    leavePage(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('consent')) setConsent(this, this.checked(parseConsent(this.consent)));
    if (changed.has('historyMaxEvents') || changed.has('historyMaxAgeDays')) {
      this.store.configure({ maxEvents: this.historyMaxEvents ?? undefined, maxAgeDays: this.historyMaxAgeDays ?? undefined });
    }
    if (changed.has('model') || changed.has('backend')) this.artifacts.request(this.model, this.checked(parseBackend(this.backend)));
    const rankingInputs = ['scenario', 'item', 'limit', 'diversity', 'exclude', 'excludeItems', 'consent'] as const;
    if (rankingInputs.some((p) => changed.has(p)) && this.hasUpdated) void scheduleRanking();
  }

  private onHistoryChange = (): void => {
    if (this.activityOpen) this.requestUpdate();
    void scheduleRanking();
  };
  private onStoreError = (e: Event): void => this.reportStoreFailure((e as CustomEvent<StoreFailure>).detail);

  private reportStoreFailure(failure: StoreFailure): void {
    if (this.reportedFailures.has(failure)) return;
    this.reportedFailures.add(failure);
    this.emitError(failure.type, failure.sourceError);
  }

  /** Keeps a parsed attribute value; reports an invalid one once. */
  private checked<T>(parsed: { value: T; error: AttributeError | null }): T {
    if (parsed.error && !this.reportedAttributes.has(parsed.error.message)) {
      this.reportedAttributes.add(parsed.error.message);
      this.emitError('invalidattribute', parsed.error);
    }
    return parsed.value;
  }

  private emitError(type: ErrorType, sourceError: unknown): void {
    this.dispatchEvent(new CustomEvent<ErrorDetail>('error', { detail: { type, sourceError } }));
  }

  // ——— ArtifactsHost ———

  artifactsChanged(): void {
    void scheduleRanking();
  }
  reportError(type: 'loadfailure' | 'modelfailure', sourceError: unknown): void {
    this.emitError(type, sourceError);
  }
  firstRender(): Promise<void> {
    return this.rendered;
  }

  // ——— Ranking (called by the page coordinator, in document order) ———

  async rankOnPage(claimed: ReadonlySet<string>): Promise<readonly string[]> {
    const shop = this.artifacts.shop;
    if (!shop) return [];
    const start = performance.now();
    await this.store.ready();
    const scenario = this.checked(parseScenario(this.scenario));
    const consent = this.checked(parseConsent(this.consent));
    const merchant = merchantItems(this);
    const reRankMode = merchant.length > 0;
    const personalAllowed = consent && !this.store.optedOut;
    const history = personalAllowed ? toHistory(this.store.events, shop) : [];
    const loaded = this.artifacts.loaded;
    let taste: Float32Array | null = null;
    if (loaded && history.length) {
      try {
        taste = await scoresFor(loaded, history, `${this.store.revision}:${history.length}`);
      } catch (error) {
        this.emitError('rankfailure', error);
      }
    }
    const excludeIds = new Set<number>();
    for (const id of [...this.excludeItems.split(/\s+/), ...(reRankMode ? [] : claimed)]) {
      const index = shop.indexOf.get(id);
      if (index !== undefined) excludeIds.add(index);
    }
    const result = recommend({
      scenario,
      itemCount: shop.manifest.itemCount,
      history,
      taste,
      embeddings: loaded?.embeddings ?? null,
      dims: loaded?.dims ?? 0,
      categories: shop.categories,
      fallback: shop.fallback,
      consumable: (i) => shop.catalog.items[i]?.consumable === true,
      currentItem: this.item ? (shop.indexOf.get(this.item) ?? null) : null,
      candidates: reRankMode ? merchant.map((el) => shop.indexOf.get(el.dataset['itemId']!) ?? -1).filter((i) => i >= 0) : null,
      exclude: this.checked(parseExclude(this.exclude, scenario)),
      excludeItems: excludeIds,
      limit: this.checked(parseLimit(this.limit)),
      diversity: this.checked(parseDiversity(this.diversity)),
    });
    const ids = result.order.map((i) => shop.catalog.items[i]!.id);
    const reasonsKey = JSON.stringify(result.reasons);
    const changed = ids.length !== this.shownIds.length || ids.some((id, k) => id !== this.shownIds[k]) || reasonsKey !== this.shownReasons;
    this.lastBackend = loaded && !this.artifacts.modelFailed ? loaded.backend : 'fallback';
    this.personal = result.personal;
    if (changed) {
      this.shownIds = ids;
      this.shownReasons = reasonsKey;
      if (reRankMode) {
        this.reordering = true;
        reorderChildren(this, ids);
        await Promise.resolve(); // let the observer see our own moves while the flag is up
        this.reordering = false;
      } else {
        this.cards = result.order.map((i, k) => ({ item: shop.catalog.items[i]!, reason: result.reasons[k]! }));
        await this.updateComplete;
      }
    }
    this.resolveRendered();
    const detail: RankedDetail = { itemIds: ids, scenario, backend: this.lastBackend, ms: performance.now() - start, changed, personal: result.personal };
    this.dispatchEvent(new CustomEvent<RankedDetail>('reco-ranked', { detail, bubbles: true, composed: true }));
    return reRankMode ? [] : ids;
  }

  // ——— Rendering ———

  private onPick = (event: Event, itemId: string, position: number): void => {
    const scenario = this.checked(parseScenario(this.scenario));
    const proceed = this.dispatchEvent(
      new CustomEvent<ClickDetail>('reco-click', { detail: { itemId, position, scenario }, bubbles: true, composed: true, cancelable: true }),
    );
    if (!proceed) event.preventDefault();
    if (recordingAllowed()) track({ type: 'click', itemId }).catch(() => undefined);
  };

  private titleOfIndex = (index: number): string => this.artifacts.shop?.catalog.items[index]?.title ?? '';
  private titleOfId = (id: string): string => {
    const shop = this.artifacts.shop;
    const index = shop?.indexOf.get(id);
    return index === undefined ? id : (shop!.catalog.items[index]?.title ?? id);
  };

  protected override render() {
    const shop = this.artifacts.shop;
    const list =
      merchantItems(this).length > 0 || !shop
        ? html`<slot></slot>`
        : renderCards({
            cards: this.cards,
            imageBase: shop.catalogUrl,
            pageOrigin: location.origin,
            currency: this.currency || 'USD',
            explain: this.explain !== 'off',
            hrefFor: (id) => (this.itemHref ? this.itemHref.replaceAll('{id}', encodeURIComponent(id)) : null),
            titleOf: this.titleOfIndex,
            onPick: this.onPick,
          });
    const activity =
      this.activity === 'none'
        ? nothing
        : renderActivity({
            open: this.activityOpen,
            events: this.store.events,
            optedOut: this.store.optedOut,
            storage: this.store.mode,
            titleOf: this.titleOfId,
            onToggle: () => this.toggleActivity(),
            onErase: () => void this.eraseActivity(),
            onOptOut: (optedOut) => void this.setOptedOut(optedOut),
          });
    return html`${list}${activity}`;
  }
}
