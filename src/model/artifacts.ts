/**
 * The published model artifacts: the one contract between the training server
 * (which writes them, through model-export/) and the widget (which reads them).
 * Pure types and constants — no tfjs import — so every side can depend on it.
 * See docs/artifacts.md for the file layout.
 */

/** What a shopper (or a dataset) can do with an item. */
export const EVENT_TYPES = ['view', 'cart', 'purchase', 'search', 'rating', 'click'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One step of a shopper's history, as the encoder sees it. */
export interface HistoryEvent {
  /** Row of the item in the catalog / item matrix; null for a search with no item. */
  itemIndex: number | null;
  type: EventType;
  /** Milliseconds since the epoch. */
  timestamp: number;
  /** The search text, for `search` events. */
  query?: string;
}

/** Hyper-parameters the browser needs to rebuild the encoder; stored as model.json's modelTopology. */
export interface EncoderConfig {
  architecture: 'sasrec-fused';
  /** Longest history the encoder reads (most recent events). */
  maxLength: number;
  /** Width of every embedding. */
  dims: number;
  heads: number;
  layers: number;
  /** Order of the rows of the event-type embedding. */
  eventTypes: EventType[];
  /** Upper bounds (seconds, ascending) of the time-gap buckets; one more bucket holds larger gaps. */
  timeGapBucketsSeconds: number[];
  /** Free-form extra settings a later model version needs (documented where it is used). */
  [extra: string]: unknown;
}

/** model.json: the standard tfjs model-artifacts JSON (readable by tf.io loaders). */
export interface ModelJson {
  format: 'reco-sasrec/1';
  generatedBy: string;
  convertedBy: null;
  modelTopology: EncoderConfig;
  /** tfjs weights manifest; entries may carry `quantization` {dtype: 'uint8'|'float16', min?, scale?}. */
  weightsManifest: Array<{ paths: string[]; weights: WeightEntry[] }>;
}

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min?: number; scale?: number; original_dtype?: 'float32' };
}

/** One product as the widget renders it. Index in `items` = row in the item matrix. */
export interface CatalogItem {
  id: string;
  title: string;
  category: string;
  /** Null when the merchant gave none. */
  price: number | null;
  brand?: string;
  /** A data: URI (private: no request to an image host) or a URL relative to the catalog. */
  image?: string;
  /** Consumables are re-bought; post-purchase keeps them, excludes other purchased items. */
  consumable?: boolean;
}

export interface CatalogJson {
  items: CatalogItem[];
}

/** Non-ML ranking tables, used when the model cannot load (and for first visits). */
export interface FallbackJson {
  /** Item indices, most popular first (all items, or the top few thousand). */
  popular: number[];
  /** For item index i (as a string key): the indices most often seen right after it, best first. */
  next: Record<string, number[]>;
}

export interface ManifestFile {
  sha256: string;
  bytes: number;
}

/** manifest.json: what a deployment points the widget at (`<reco-widget model=".../manifest.json">`). */
export interface Manifest {
  schema: 1;
  /** Unique, sortable: e.g. `20261122T193000Z-1a2b3c4d` (time + short hash of the weights). */
  version: string;
  /** ISO 8601. */
  createdAt: string;
  /** Paths relative to manifest.json. */
  model: string;
  catalog: string;
  fallback: string;
  itemCount: number;
  quantization: 'float32' | 'float16' | 'uint8';
  /** Offline evaluation figures at export time, e.g. {"test.ndcg@10": 0.31, "popularity.test.ndcg@10": 0.04}. */
  metrics: Record<string, number>;
  /** Every other file of this version (keyed by path relative to manifest.json). */
  files: Record<string, ManifestFile>;
}
