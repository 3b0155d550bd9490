/**
 * Loads the host's artifacts as a reactive controller: the shop's catalog and fallback tables
 * first (the first render needs no tfjs), then — after that render — tfjs and the model.
 * Failures become `error` events; the widget keeps working with whatever did load.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { BackendRequest } from '../model/backend.js';
import { sharedModel, sharedShopArtifacts, type LoadedModel, type ShopArtifacts } from '../model/load.js';

export interface ArtifactsHost extends ReactiveControllerHost, HTMLElement {
  /** Called whenever `shop` or `loaded` changed. */
  artifactsChanged(): void;
  /** Reports a failure as the element's `error` event. */
  reportError(type: 'loadfailure' | 'modelfailure', sourceError: unknown): void;
  /** Resolves after the first ranking has rendered. */
  firstRender(): Promise<void>;
}

export class ArtifactsController implements ReactiveController {
  shop: ShopArtifacts | null = null;
  loaded: LoadedModel | null = null;
  /** True once the model failed: ranking uses the fallback tables. */
  modelFailed = false;
  private url = '';
  private backend: BackendRequest = 'auto';
  private generation = 0;

  constructor(private readonly host: ArtifactsHost) {
    host.addController(this);
  }

  /** Nothing to do on connect: loading starts from `request`, called when the attributes are known. */
  hostConnected(): void {}

  /** Starts (or restarts) loading when the manifest URL or the backend request changed. */
  request(url: string, backend: BackendRequest): void {
    if (url === this.url && backend === this.backend) return;
    this.url = url;
    this.backend = backend;
    const generation = ++this.generation;
    this.shop = null;
    this.loaded = null;
    this.modelFailed = false;
    this.host.artifactsChanged();
    if (url) void this.load(url, backend, generation);
  }

  private async load(url: string, backend: BackendRequest, generation: number): Promise<void> {
    let shop: ShopArtifacts;
    try {
      shop = await sharedShopArtifacts(url);
    } catch (error) {
      if (generation === this.generation) this.host.reportError('loadfailure', error);
      return;
    }
    if (generation !== this.generation) return;
    this.shop = shop;
    this.host.artifactsChanged();
    await this.host.firstRender();
    try {
      const loaded = await sharedModel(shop, backend);
      if (generation !== this.generation) return;
      this.loaded = loaded;
    } catch (error) {
      if (generation !== this.generation) return;
      this.modelFailed = true;
      this.host.reportError('modelfailure', error);
    }
    this.host.artifactsChanged();
  }
}
