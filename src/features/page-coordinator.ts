/**
 * Ranks every widget of the page together, in document order, so that later widgets do not
 * repeat the items earlier ones show. Triggers (a new event, an attribute change, a model that
 * finished loading) coalesce into one pass.
 */

export interface PageRanker extends Element {
  /** Ranks with `claimed` item ids excluded; returns the ids it shows (to exclude from later widgets). */
  rankOnPage(claimed: ReadonlySet<string>): Promise<readonly string[]>;
}

const rankers = new Set<PageRanker>();
let running: Promise<void> | null = null;
let pending = false;

function documentOrder(a: Element, b: Element): number {
  return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
}

async function pass(): Promise<void> {
  const claimed = new Set<string>();
  for (const ranker of [...rankers].sort(documentOrder)) {
    if (!ranker.isConnected) continue;
    try {
      for (const id of await ranker.rankOnPage(claimed)) claimed.add(id);
    } catch (error) {
      console.warn('[reco-widget] ranking failed:', error);
    }
  }
}

/** Asks for a ranking pass; resolves when a pass that started after this call has finished. */
export function scheduleRanking(): Promise<void> {
  if (running) {
    pending = true;
    return running; // its loop runs once more before it resolves
  }
  running = (async () => {
    await Promise.resolve(); // let synchronous triggers of the same task coalesce
    do {
      pending = false;
      await pass();
    } while (pending);
    running = null;
  })();
  return running;
}

export function joinPage(ranker: PageRanker): void {
  rankers.add(ranker);
  void scheduleRanking();
}

export function leavePage(ranker: PageRanker): void {
  rankers.delete(ranker);
  if (rankers.size) void scheduleRanking();
}
